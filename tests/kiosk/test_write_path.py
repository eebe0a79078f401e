"""The hall-wide write path is short (issue 14 item 6, docs/architecture.md "the write path").

An act under the journal head reads what it must and then sends its rows, its entries and the
head's move together (``kiosk.journal.write_staged``: one psycopg pipeline on PostgreSQL). What is
proved here, on real databases: the round trips a ticket, a call that serves the ticket before, a
keypad bid and a bare append make while holding the head; that a read later in the same unit sees
the unit's own entry; that a failing write in the pipeline is SQLAlchemy's ``IntegrityError`` and
leaves neither the act's rows nor its entry; that an act that fails after appending leaves no gap.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from kiosk.config import load_config
from kiosk.db.models import JournalEntry, JournalHead, Site
from kiosk.hall import Hall
from kiosk.journal import HEAD_ID
from kiosk.ports import KeypadEvent
from kiosk.queue import CounterInfo, QueueService, ServiceInfo
from tests.kiosk.test_auction import open_hall


class Trips:
    """Round trips from the journal head's lock (PostgreSQL: the ``FOR UPDATE`` returned, or the act's
    first read that was sent with it, ``kiosk.journal.take_head_reading``) to the commit included: a
    statement is one, a pipeline of statements is one (counted by engine events)."""

    def __init__(self, hall: Hall) -> None:
        self.units: list[int] = []
        self.current: int | None = None
        self.piped = False
        event.listen(hall.engine, "after_cursor_execute", self.statement)
        event.listen(hall.engine, "commit", self.commit)

    def statement(self, conn, cursor, statement, _parameters, context, _many) -> None:
        if self.current is None:
            if ("FOR UPDATE" in statement and "journal_head" in statement) or \
                    context.execution_options.get("hall_after_head") is not None:
                self.current, self.piped = 0, False
            return
        piped = conn.connection.driver_connection._pipeline is not None
        if not (piped and self.piped):
            self.current += 1
        self.piped = piped

    def commit(self, conn) -> None:
        if self.current is not None:
            self.units.append(self.current + 1)
            self.current = None


def _queue(hall: Hall) -> QueueService:
    q = QueueService(hall)
    q.save_service(ServiceInfo("mix", "M", "测试", "Test", 1, 999, 999, "00:00", "23:59"), "test")
    q.save_counter(CounterInfo("1", "", ("mix",), 1), "test")
    return q


@pytest.fixture
def pg_hall(tmp_path: Path, pg_url: str) -> Iterator[Hall]:
    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={"HALL_KIOSK__AUCTION__KEYPAD_MIN_INTERVAL_MS": "0"}))
    yield hall
    hall.close()


@pytest.fixture
def demo_hall(tmp_path: Path) -> Iterator[Hall]:
    h = open_hall(tmp_path)  # the seeded demo day on SQLite, as the auction tests use it
    yield h
    h.close()


@pytest.fixture
def sqlite_hall(tmp_path: Path) -> Iterator[Hall]:
    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    yield hall
    hall.close()


@pytest.mark.postgres
def test_acts_hold_the_head_for_few_round_trips_postgres(pg_hall: Hall) -> None:
    q = _queue(pg_hall)
    q.issue("M")
    q.issue("M")
    trips = Trips(pg_hall)
    with pg_hall.unit() as s:
        pg_hall.journal.append(s, "bench.append", {"i": 1})
    # the service with today's number comes back with the lock (0), then rows + entry + head (1), commit (1)
    q.issue("M")
    # the counter with its ticket and open call and the longest-waiting tickets with the lock (0), writes (1), commit (1)
    q.call_next("1", "clerk")
    q.call_next("1", "clerk", close_current="served")  # serving the one before adds no round trip
    assert trips.units == [2, 2, 2, 2], trips.units  # bare append: entry + head (1), commit (1)
    with pg_hall.reading() as s:
        kinds = s.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq.desc()).limit(4)).all()
    assert kinds == ["ticket.called", "ticket.finished", "ticket.called", "ticket.issued"]
    assert pg_hall.verify_journal().ok


@pytest.mark.postgres
def test_a_keypad_bid_holds_the_head_for_two_round_trips_postgres(tmp_path: Path, pg_url: str) -> None:
    from bench.bench_mixed import LOT, SESSION, _setup
    from kiosk.auction import AuctionService

    _setup(tmp_path / "setup", pg_url, tickets=0).close()
    hall = Hall.open(load_config(data_dir=tmp_path / "setup", db_url=pg_url,
                                 environ={"HALL_KIOSK__AUCTION__KEYPAD_MIN_INTERVAL_MS": "0"}), migrate=False)
    try:
        a = AuctionService(hall)
        trips = Trips(hall)
        outs = [a.keypad(SESSION, KeypadEvent(paddle_no=p, key="BID", received_at=time.monotonic())) for p in ("01", "02")]
        # the lot's row with "an order since?" comes back with the lock (0), bid + lot + entry + head (1), commit (1)
        assert trips.units == [2, 2], trips.units
        assert [o.accepted for o in outs if o is not None] == [True, True]
        assert a.lot(SESSION, LOT).current_price == "101.00"  # the start price, then one increment
    finally:
        hall.close()


def test_a_read_in_the_unit_sees_its_own_entry(sqlite_hall: Hall) -> None:
    with sqlite_hall.unit() as s:
        e = sqlite_hall.journal.append(s, "bench.append", {"i": 1})
        row = s.get(JournalEntry, e.seq)
        assert row is not None and row.hash == e.hash
        head = s.scalar(select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID))
        assert head == e.seq


@pytest.mark.postgres
def test_a_read_in_the_unit_sees_its_own_entry_postgres(pg_hall: Hall) -> None:
    test_a_read_in_the_unit_sees_its_own_entry(pg_hall)


@pytest.mark.postgres
def test_the_read_sent_with_the_lock_sees_the_last_holders_commit_postgres(pg_hall: Hall) -> None:
    """take_head_reading sends the act's first read in the lock's round trip: the server runs it only once
    the lock is granted, so it sees what the holder before committed (not a snapshot from before the wait)."""
    import threading

    from sqlalchemy import func

    from kiosk.journal import take_head_reading

    seen: list[int | None] = []
    with pg_hall.unit() as s:
        held = pg_hall.journal.append(s, "bench.append", {"i": 1})

        def second() -> None:
            with pg_hall.unit() as other:
                head, result = take_head_reading(other, select(func.max(JournalEntry.seq)))
                seen.extend([result.scalar(), head.last_seq])
                pg_hall.journal.append(other, "bench.append", {"i": 2})

        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()  # it waits at the lock while this unit holds the head
    waiting.join(10)
    assert seen == [held.seq, held.seq]  # the read and the head both after this unit's commit
    assert pg_hall.verify_journal().ok


def _profile_changed_before_the_lock(hall: Hall) -> None:
    q = _queue(hall)
    q.save_service(ServiceInfo("other", "P", "其他", "Other", 1, 999, 999, "00:00", "23:59"), "test")
    q.issue("M")
    q.issue("P")
    changed: list[bool] = []

    def after(_conn, _cursor, statement, *_rest) -> None:  # the counter's services read before the lock ...
        if not changed and statement.lstrip().startswith("SELECT q_counters.service_codes"):
            changed.append(True)  # ... and an administrator moves the counter to another service meanwhile
            q.save_counter(CounterInfo("1", "", ("other",), 1), "admin")

    event.listen(hall.engine, "after_cursor_execute", after)
    try:
        called = q.call_next("1", "clerk")
    finally:
        event.remove(hall.engine, "after_cursor_execute", after)
    assert changed and called is not None and called.ticket_no == "P001"  # the profile under the lock decides


def test_a_counter_moved_to_another_service_before_the_lock_calls_from_the_new_one(sqlite_hall: Hall) -> None:
    _profile_changed_before_the_lock(sqlite_hall)


@pytest.mark.postgres
def test_a_counter_moved_to_another_service_before_the_lock_calls_from_the_new_one_postgres(pg_hall: Hall) -> None:
    _profile_changed_before_the_lock(pg_hall)


def _failing_write(hall: Hall) -> None:
    with hall.reading() as s:
        before = s.scalar(select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID))
    with pytest.raises(IntegrityError), hall.unit() as s:
        hall.journal.append(s, "bench.append", {"i": 1})
        s.add(Site(code=hall.config.site.code, name="twice"))  # the site row exists: the write fails with the entry
    with hall.reading() as s:
        assert s.scalar(select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID)) == before
        assert s.scalar(select(JournalEntry.seq).where(JournalEntry.seq > (before or 0))) is None
    with hall.unit() as s:  # and the next act goes on from the same head: no gap
        assert hall.journal.append(s, "bench.append", {"i": 2}).seq == (before or 0) + 1
    assert hall.verify_journal().ok


def test_a_failing_write_leaves_no_entry_and_no_gap(sqlite_hall: Hall) -> None:
    _failing_write(sqlite_hall)


@pytest.mark.postgres
def test_a_failing_write_leaves_no_entry_and_no_gap_postgres(pg_hall: Hall) -> None:
    _failing_write(pg_hall)


def test_an_act_that_fails_after_its_append_leaves_no_gap(sqlite_hall: Hall) -> None:
    q = _queue(sqlite_hall)
    first = q.issue("M")
    with pytest.raises(RuntimeError), sqlite_hall.unit() as s:
        sqlite_hall.journal.append(s, "bench.append", {"i": 1})
        raise RuntimeError("the act changed its mind")
    second = q.issue("M")
    assert (first.ticket_no, second.ticket_no) == ("M001", "M002")
    assert sqlite_hall.verify_journal().ok
    assert dt.date.today() - second.business_date <= dt.timedelta(days=1)


def test_a_pause_committed_after_a_keypads_early_read_still_stops_its_bid(demo_hall: Hall) -> None:
    """REG 62 under the shorter write path: a keypad reads the supervisor's pause before the lock (none
    then); a pause is journalled before the bid takes the lock; the bid is refused, nothing journalled."""
    from kiosk.auction import AuctionError
    from kiosk.auction.rules import BidderFacts
    from kiosk.db.models import PfLot
    from kiosk.supervision import SupervisionService
    from tests.helpers.auction_roles import take_auctioneer as auc
    from tests.helpers.auction_roles import take_role
    from tests.kiosk.test_auction import entries, setup

    a, cars, _ = setup(demo_hall)
    sup = take_role(demo_hall, cars, "supervisor")
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    with demo_hall.reading() as s:  # what the keypad reads before the lock: the journal's last seq, no pause
        seen = s.scalar(select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID)) or 0
        terms = s.scalar(select(PfLot).where(PfLot.session_id == cars, PfLot.lot_code == "L-0002"))
        assert terms is not None
        s.expunge(terms)
    SupervisionService(demo_hall).order(sup, "PM-01", cars, "pause", "竞买人反映号牌被冒用，暂停核查")
    with pytest.raises(AuctionError) as e:
        a._bid(terms, "03", None, "keypad", None, BidderFacts(True, True, True), view=False, supervision=(seen, None))
    assert e.value.code == "supervised"
    assert entries(demo_hall, "auction.bid") == []
    # the same stale early read with the pause already seen as the last order: refused without reading again
    with demo_hall.reading() as s:
        now_seen = s.scalar(select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID)) or 0
    assert now_seen > seen
