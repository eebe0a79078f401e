"""Journal: 4 processes × 500 appends on SQLite and PostgreSQL (gapless? verified? appends/s), and followers.

Follower latency (issue 14): another process commits entries at random moments and prints the
time of each commit; followers in this process run ``JournalFollower.run`` on threads, as the
composition root does, and note when each entry reaches their callback. On PostgreSQL a
``LISTEN`` follower and a polling one (``listen=False``, 50 ms) follow the same commits side by
side; on SQLite the (only) polling one. Also the polls a second of each while idle.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.journal import Entry, JournalFollower

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


COMMITTER = textwrap.dedent(
    """
    import random, sys, time
    from kiosk.config import load_config
    from kiosk.hall import Hall
    hall = Hall.open(load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={}), migrate=False)
    rng = random.Random(14)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(sys.argv[3])):
        time.sleep(rng.uniform(0.05, 0.25))
        with hall.unit() as s:
            hall.journal.append(s, "bench.followed", {"i": i})
        print(repr(time.time()), flush=True)
    hall.close()
    """
)


def _ms(values: list[float]) -> dict[str, float]:
    v = sorted(values)

    def at(p: float) -> float:
        return round(v[min(len(v) - 1, round(p / 100 * (len(v) - 1)))] * 1000, 1)

    return {"n": len(v), "p50_ms": at(50), "p95_ms": at(95), "max_ms": round(v[-1] * 1000, 1)}


class _Follow:
    """One follower's ``run`` on a thread: when each entry arrived, and how often it polled."""

    def __init__(self, follower: JournalFollower) -> None:
        self.follower = follower
        self.arrived: dict[int, float] = {}
        self.polls = 0
        inner = follower.poll

        def poll(limit: int = 1000) -> list[Entry]:
            self.polls += 1
            return inner(limit)

        follower.poll = poll  # type: ignore[method-assign]  # counted, nothing else changes
        self.stop = threading.Event()
        self.thread = threading.Thread(target=follower.run, args=(self.stop, self.on_entries), name="bench-follower")

    def on_entries(self, entries: list[Entry]) -> None:
        now = time.time()
        for e in entries:
            if e.kind == "bench.followed":
                self.arrived.setdefault(e.payload["i"], now)


def follow_latency(data_dir: Path, db_url: str, n: int = 60) -> dict[str, Any]:
    """Other process commits → each follower's callback (see module doc)."""
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db_url or None, environ={}))
    pg = hall.engine.dialect.name == "postgresql"
    follows = {"poll_50ms": _Follow(JournalFollower(hall.engine, listen=False))}
    if pg:
        follows["listen"] = _Follow(JournalFollower(hall.engine, listen=True))
    try:
        for f in follows.values():
            f.thread.start()
        time.sleep(1.0)
        idle = {name: f.polls for name, f in follows.items()}
        t_idle = time.perf_counter()
        time.sleep(3.0)
        idle_s = time.perf_counter() - t_idle
        polls_per_s = {name: round((f.polls - idle[name]) / idle_s, 1) for name, f in follows.items()}
        proc = subprocess.Popen([sys.executable, "-c", COMMITTER, str(data_dir), db_url, str(n)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        committed = [float(line) for line in proc.stdout.read().split()]
        assert proc.wait(timeout=120) == 0
        proc.stdin.close()
        proc.stdout.close()
        deadline = time.monotonic() + 5
        while any(len(f.arrived) < n for f in follows.values()) and time.monotonic() < deadline:
            time.sleep(0.01)
        listening = follows["listen"].follower.listening if pg else False
    finally:
        for f in follows.values():
            f.stop.set()
            f.thread.join(timeout=5)
        hall.close()
    result: dict[str, Any] = {"commits": n, "commit_spacing_s": "0.05-0.25 random", "listening": listening}
    for name, f in follows.items():
        result[name] = {"commit_to_callback": _ms([f.arrived[i] - committed[i] for i in sorted(f.arrived)]),
                        "missed": n - len(f.arrived), "idle_polls_per_s": polls_per_s[name]}
    return result


def run(out: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as d:
        out["journal_sqlite_4x500"] = appends(Path(d), "")
    with tempfile.TemporaryDirectory() as d:
        out["follower_sqlite"] = follow_latency(Path(d), "")
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
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS hk_bench_follow WITH (FORCE)")
            conn.execute("CREATE DATABASE hk_bench_follow")
        with tempfile.TemporaryDirectory() as d:
            out["follower_postgres"] = follow_latency(
                Path(d), base.set(database="hk_bench_follow").render_as_string(hide_password=False))
    else:
        out["journal_postgres_4x500"] = {"skipped": "HALL_KIOSK_TEST_PG_URL not set"}
        out["follower_postgres"] = {"skipped": "HALL_KIOSK_TEST_PG_URL not set"}
