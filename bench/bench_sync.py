"""Sync benchmarks on loopback against the sandbox platform.

* ``backlog_10k``: a 10,000-record backlog (e.g. after an outage) → time until all are
  acknowledged, in records per second (batches of 500, every link checked by the platform).
* ``capture_to_ack``: online, with the real ``SyncWorker`` loop on a thread: time from the commit
  of a journal entry (``Journal.append``) to the platform's acknowledgement being recorded
  locally — p50 / p95 / max over 100 entries.

``run(out)`` fills ``out`` and prints nothing (the bench runner prints JSON).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from kiosk.canonical import canonical, envelope_hash, payload_hash
from kiosk.clock import PlatformClock
from kiosk.db.engine import make_engine, read_only_session, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import JournalEntry, JournalHead, SyncState
from kiosk.ids import uuid7
from kiosk.journal import Journal, ensure_head
from kiosk.pii import PiiVault
from kiosk.timeutil import rfc3339, utcnow
from sync.client import PlatformClient
from sync.push import Outcome, Pusher
from sync.sandbox import SandboxServer
from sync.worker import SyncWorker

JID = "BENCH-HALL"


def _payload(i: int) -> dict[str, Any]:
    return {"ticket_id": f"T-{i:06d}", "ticket_no": f"A{i % 1000:03d}", "service_code": "A",
            "issued_at": "2026-11-27T09:01:02.123+08:00", "business_date": "2026-11-27"}


def _hall(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_factory(engine)() as s, s.begin():
        ensure_head(s, JID)
    return engine


def _backlog(engine: Engine, n: int) -> None:
    """``n`` chained entries built exactly as ``Journal.append`` builds them, in one transaction."""
    when = rfc3339(utcnow())
    with session_factory(engine)() as s, s.begin():
        head = s.get(JournalHead, 1)
        assert head is not None
        seq, prev = head.last_seq, head.last_hash
        rows = []
        for i in range(n):
            seq += 1
            payload = _payload(i)
            env: dict[str, Any] = {"record_key": str(uuid7()), "journal_id": JID, "seq": seq, "terminal_id": "BENCH",
                                   "kind": "ticket.issued", "occurred_at": when, "payload": payload,
                                   "payload_hash": payload_hash(payload), "prev_hash": prev}
            prev = env["hash"] = envelope_hash(env)
            rows.append({**env, "payload": canonical(payload).decode("utf-8")})
        s.execute(insert(JournalEntry), rows)
        head.last_seq, head.last_hash = seq, prev


def _delivered(engine: Engine) -> int:
    with read_only_session(engine) as s:
        st = s.get(SyncState, JID)
        return st.last_delivered_seq if st else 0


def bench_backlog(tmp: Path, n: int = 10_000) -> dict[str, Any]:
    """Deliver an ``n``-record backlog; records/s."""
    engine = _hall(tmp / "backlog" / "hall.db")
    with SandboxServer(tmp / "backlog-platform", seed=None) as sandbox:
        secret = sandbox.provision(JID)
        with PlatformClient(sandbox.url, JID, secret, PlatformClock(), timeout=30) as client:
            _backlog(engine, n)
            started = time.perf_counter()
            step = Pusher(engine, client, JID).push_until_caught_up(max_failures=5)
            elapsed = time.perf_counter() - started
            ok = step.outcome is Outcome.CAUGHT_UP and sandbox.store.stored_seqs(JID) == list(range(1, n + 1))
            requests_sent = client.requests_sent
    engine.dispose()
    return {"records": n, "seconds": round(elapsed, 3), "records_per_s": round(n / elapsed, 1),
            "requests": requests_sent, "all_delivered_once_in_order": ok}


def bench_latency(tmp: Path, n: int = 100) -> dict[str, Any]:
    """Capture → acknowledged latency with the worker running, one entry at a time."""
    engine = _hall(tmp / "latency" / "hall.db")
    journal = Journal(JID, "BENCH")
    latencies: list[float] = []
    with SandboxServer(tmp / "latency-platform", seed=None) as sandbox:
        secret = sandbox.provision(JID)
        with PlatformClient(sandbox.url, JID, secret, PlatformClock(), timeout=10) as client:
            worker = SyncWorker(engine, client, PiiVault(os.urandom(32)), JID, pull_interval_s=3600, idle_s=0.5,
                                blob_interval_s=3600)
            stop = threading.Event()
            thread = threading.Thread(target=worker.run, args=(stop,), name="bench-sync-worker")
            thread.start()
            try:
                sessions = session_factory(engine)
                for i in range(n):
                    with sessions() as s, s.begin():
                        seq = journal.append(s, "ticket.issued", _payload(i)).seq
                    t0 = time.perf_counter()
                    worker.wake()
                    while _delivered(engine) < seq:
                        time.sleep(0.001)
                    latencies.append(time.perf_counter() - t0)
            finally:
                stop.set()
                thread.join(10)
    engine.dispose()
    q = statistics.quantiles(latencies, n=20)
    return {"entries": n, "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(q[18] * 1000, 1), "max_ms": round(max(latencies) * 1000, 1)}


def run(out: dict[str, Any]) -> None:
    """Run the sync benchmarks; ``out`` gets ``backlog_10k`` and ``capture_to_ack``."""
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as d:
        tmp = Path(d)
        out["backlog_10k"] = bench_backlog(tmp)
        out["capture_to_ack"] = bench_latency(tmp)


if __name__ == "__main__":  # pragma: no cover - the bench runner calls run()
    import json

    result: dict[str, Any] = {}
    run(result)
    print(json.dumps(result, indent=2))
