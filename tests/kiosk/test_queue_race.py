"""Several processes on one hall database: numbers never duplicated, a ticket never called twice.

Real processes (not threads), each with its own engine and connections, released together, on
SQLite (one file) and PostgreSQL (a shared hall).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.queue import CounterInfo, QueueService, ServiceInfo

WORKER = textwrap.dedent(
    """
    import json, sys
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.queue import QueueService
    data_dir, db, service, counter, n = sys.argv[1:6]
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db or None, environ={}), migrate=False)
    q = QueueService(hall)
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps([q.issue(service).ticket_no for _ in range(int(n))]), flush=True)
    sys.stdin.readline()
    out = []
    while True:
        t = q.call_next(counter, "clerk" + counter, close_current="served")
        if t is None:
            break
        out.append(t.ticket_id)
    if q.counter_state(counter).current is not None:
        q.finish(counter)
    hall.close()
    print(json.dumps(out), flush=True)
    """
)


def _open(tmp_path: Path, db: str) -> QueueService:
    hall = Hall.open(load_config(data_dir=tmp_path / "hall", db_url=db or None, environ={}))
    q = QueueService(hall)
    q.save_service(ServiceInfo("race", "R", "并发测试", "Race", 1, 9999, 9999, "00:00", "23:59"), "test")
    q.save_service(ServiceInfo("race2", "S", "并发测试二", "Race 2", 1, 9999, 9999, "00:00", "23:59"), "test")
    for no in ("1", "2", "3", "4"):
        q.save_counter(CounterInfo(no, "", ("race", "race2"), 1), "test")
    return q


def _go(procs: list[subprocess.Popen[str]]) -> list[list[str]]:
    """Release every process at once, then read one JSON line from each."""
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    out = []
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line, f"worker exited with {p.wait()}"
        out.append(json.loads(line))
    return out


def race(tmp_path: Path, db: str, each: int = 10) -> None:
    q = _open(tmp_path, db)
    jobs = [("R", "1"), ("R", "2"), ("S", "3"), ("R", "4")]
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / "hall"), db, svc, counter, str(each)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for svc, counter in jobs
    ]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        # 4 kiosks issue at once, in two services
        issued = _go(procs)
        r = [t for out in issued for t in out if t.startswith("R")]
        assert len(r) == 3 * each and sorted(r) == [f"R{i:04d}" for i in range(1, 3 * each + 1)]  # no duplicates, no gaps
        # 4 counters call every waiting ticket at once: each is called exactly once
        called = _go(procs)
        every = [t for out in called for t in out]
        total = 4 * each
        assert len(every) == total and len(set(every)) == total
        with q.hall.reading() as s:
            per_ticket = Counter(r[0] for r in s.execute(text("SELECT ticket_id FROM q_calls")))
            assert len(per_ticket) == total and max(per_ticket.values()) == 1
            assert s.execute(text("SELECT count(*) FROM q_tickets WHERE status <> 'done'")).scalar() == 0
        nexts = [e for e in q.hall.recent_entries(5000) if e.kind == "ticket.called"]
        assert len(nexts) == total and len({e.payload["ticket_id"] for e in nexts}) == total
        assert q.hall.verify_journal().ok
    finally:
        for p in procs:
            p.communicate(timeout=60)
        q.hall.close()


def test_sqlite_processes_race(tmp_path: Path) -> None:
    race(tmp_path, "")


@pytest.mark.postgres
def test_postgres_processes_race(tmp_path: Path, pg_url: str) -> None:
    race(tmp_path, pg_url)
