"""A 24-hour outage with 10,000 records captured meanwhile, run by the real SyncWorker loop."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest

from kiosk.db.engine import read_only_session
from kiosk.journal import verify
from kiosk.timeutil import utcnow
from sync.push import Backoff
from sync.worker import SyncWorker

JID = "NM-HHHT-HALL1"
N = 10_000


def _wait(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.allow_log_warnings()
def test_outage_of_a_day_then_everything_delivered_once_in_order(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    client.max_clock_step_s = None  # the clock comes back an hour off: corrected without a bound here
    sandbox.stop()  # the platform is unreachable
    hall.bulk_append(N, occurred_at=utcnow() - dt.timedelta(hours=24))
    with read_only_session(hall.engine) as s:
        check = verify(s)
    assert check.ok and check.count == N  # a valid chain, as the journal itself writes it
    worker = SyncWorker(hall.engine, client, hall.vault, JID, pull_interval_s=0.5, idle_s=0.05,
                        backoff=Backoff(base_s=0.02, cap_s=0.2, rng=random.Random(3)))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="test-sync-worker")
    thread.start()
    try:
        assert _wait(lambda: worker.status().last_error is not None and worker.cycles >= 3, 10)
        status = worker.status()
        assert not status.online and status.backlog == N and status.last_delivered_seq == 0
        assert status.oldest_undelivered_age_s is not None and abs(status.oldest_undelivered_age_s - 86400) < 120
        assert "TransportError" in status.last_error
        # it comes back a day later, and this machine's clock has drifted an hour behind the platform's
        sandbox.set_faults(clock_offset_s=3600)
        sandbox.start()
        assert _wait(lambda: worker.status().backlog == 0 and worker.status().online, 60), worker.status()
        assert _wait(lambda: all(a is not None for a in worker.status().feed_ages_s.values()), 10)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    stored = sandbox.store.stored_seqs(JID)
    assert stored == list(range(1, N + 1))
    final = worker.refresh_status()
    assert final.last_delivered_seq == N and final.alarm is None and final.oldest_undelivered_age_s is None
    assert abs(client.clock.offset_s - 3600) < 3
    assert sandbox.stats.answers[401] >= 1  # the skewed clock was refused once, then corrected
