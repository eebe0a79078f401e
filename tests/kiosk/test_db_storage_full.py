"""Issue 21: a full disk. SQLite's own limit (``PRAGMA max_page_count``) gives the same SQLITE_FULL a full
disk gives: the act is not done, the person reads "存储空间已满", nothing is half-written, and once space
is freed the hall goes on without a restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import event

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.queue import QueueService
from kiosk.timeutil import BEIJING
from ui.jobs import run_guarded

MORNING = dt.datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING)


@pytest.mark.allow_log_warnings(r"job issue: database unavailable")
def test_a_full_disk_refuses_the_act_in_words_loses_nothing_and_recovers(tmp_path: Path) -> None:
    hall = Hall.open(load_config(data_dir=tmp_path / "data", environ={}), clock=FixedClock(MORNING))
    try:
        q = QueueService(hall)
        q.seed_if_empty("test")
        limit = {"pages": 0}

        @event.listens_for(hall.engine, "checkout")
        def cap(dbapi_conn, _rec, _proxy) -> None:  # type: ignore[no-untyped-def]
            if limit["pages"]:
                dbapi_conn.execute(f"PRAGMA max_page_count = {limit['pages']}")

        with hall.engine.connect() as c:
            pages = c.exec_driver_sql("PRAGMA page_count").scalar()
        limit["pages"] = int(pages) + 2  # room for a few tickets, then the "disk" is full
        hall.engine.dispose()
        outcomes = [run_guarded("issue", lambda: q.issue("A")) for _ in range(200)]
        refused = [o for o in outcomes if not o.ok]
        issued = [o.value.ticket_no for o in outcomes if o.ok]
        assert refused, "the cap never bit"
        assert {o.code for o in refused} == {"storage-full"} and "存储空间已满" in refused[0].zh
        limit["pages"] = 10**6  # an admin freed space
        hall.engine.dispose()
        after = q.issue("A")
        assert hall.verify_journal().ok
        numbers = [e.payload["ticket_no"] for e in hall.recent_entries(10_000)[::-1] if e.kind == "ticket.issued"]
        assert numbers == [*issued, after.ticket_no]  # every ticket acknowledged is journalled once, none half-written
    finally:
        hall.close()
