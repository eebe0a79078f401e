"""Journal: 4 processes × 500 appends on SQLite and PostgreSQL (gapless? verified? appends/s)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kiosk.config import load_config
from kiosk.hall import Hall

WORKER = textwrap.dedent(
    """
    import sys
    from kiosk.config import load_config
    from kiosk.hall import Hall
    hall = Hall.open(load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={}), migrate=False)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(sys.argv[3])):
        with hall.unit() as s:
            hall.journal.append(s, "bench.append", {"worker": sys.argv[4], "i": i})
    hall.close()
    """
)


def appends(data_dir: Path, db_url: str, workers: int = 4, each: int = 500) -> dict[str, Any]:
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db_url or None, environ={}))
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(data_dir), db_url, str(each), f"w{w}"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.wait()
    elapsed = time.perf_counter() - start
    for p in procs:
        p.stdin.close()  # type: ignore[union-attr]  # opened with PIPE
        p.stdout.close()  # type: ignore[union-attr]  # opened with PIPE
    with hall.unit() as s:
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM journal WHERE kind = 'bench.append' ORDER BY seq"))]
    result = hall.verify_journal()
    hall.close()
    gaps = sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b != a + 1)
    return {
        "workers": workers, "appends_each": each, "total": len(seqs), "first_seq": seqs[0], "last_seq": seqs[-1],
        "gaps": gaps, "chain_verified": result.ok, "seconds": round(elapsed, 3),
        "appends_per_s": round(len(seqs) / elapsed, 1),
    }


def run(out: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as d:
        out["journal_sqlite_4x500"] = appends(Path(d), "")
    pg = os.environ.get("HALL_KIOSK_TEST_PG_URL")
    if pg:
        import psycopg
        from sqlalchemy.engine import make_url

        base = make_url(pg)
        admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS hk_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE hk_bench")
        with tempfile.TemporaryDirectory() as d:
            out["journal_postgres_4x500"] = appends(Path(d), base.set(database="hk_bench").render_as_string(hide_password=False))
    else:
        out["journal_postgres_4x500"] = {"skipped": "HALL_KIOSK_TEST_PG_URL not set"}
