"""Bids hold the journal head only for the act (docs/architecture.md §3, issue 14 item 6).

Real SQLite, the demo day's car auction: what a bid reads under the lock, what it reads before,
and that facts read before the lock cannot refuse a bid a check-in committed just before made valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from kiosk.auction import AuctionService, LotView
from kiosk.auction.demo import check_in_all
from kiosk.auction.rules import BidderFacts
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.ports import KeypadEvent
from kiosk.timeutil import BEIJING
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.auction_roles import take_role
from tests.helpers.seeded import seeded


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    today = dt.datetime.now(BEIJING).date()
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(14, 0), BEIJING)))
    yield h
    h.close()


def open_cars_lot(hall: Hall) -> tuple[AuctionService, str, str]:
    a = AuctionService(hall)
    ss = {s.kind: s.session_id for s in a.auction_sessions()}
    check_in_all(hall, ss["auction"])
    a.enter_reserve(ss["auction"], "L-0001", "30000", auctioneer=auc(a, ss["auction"]), supervisor=take_role(a, ss["auction"], "supervisor"))
    a.open_lot(ss["auction"], "L-0001", actor=auc(a, ss["auction"]))  # paddles 01 and 02 are eligible
    return a, ss["auction"], ss["listing_auction"]


class Statements:
    """The statements of each write unit (SQLite: from BEGIN IMMEDIATE, which takes the writer lock, to COMMIT)."""

    def __init__(self, hall: Hall) -> None:
        self.units: list[list[str]] = []
        self.current: list[str] | None = None
        event.listen(hall.engine, "begin", self.begin)
        event.listen(hall.engine, "before_cursor_execute", self.statement)
        event.listen(hall.engine, "commit", self.end)
        event.listen(hall.engine, "rollback", self.end)

    def begin(self, conn) -> None:  # type: ignore[no-untyped-def]
        if not conn.get_execution_options().get("hall_read_only"):
            self.current = []

    def statement(self, conn, cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if self.current is not None:
            self.current.append(" ".join(statement.split()))

    def end(self, conn) -> None:  # type: ignore[no-untyped-def]
        if self.current is not None:
            self.units.append(self.current)
            self.current = None


def tables(unit: list[str]) -> set[str]:
    words = " ".join(unit).replace(",", " ").split()
    return {w for i, w in enumerate(words) if i and words[i - 1] in ("FROM", "JOIN", "INTO", "UPDATE")}


def test_under_the_lock_a_bid_touches_only_the_lot_the_journal_and_its_bid(hall: Hall) -> None:
    a, cars, _land = open_cars_lot(hall)
    seen = Statements(hall)
    floor = a.bid(cars, "L-0001", "01", source="floor", actor=auc(a, cars))
    keypad = a.keypad(cars, KeypadEvent(paddle_no="02", key="BID"))
    assert floor.accepted and keypad is not None and keypad.accepted
    assert len(seen.units) == 2  # one unit of work each; their reads were made before it
    floor_unit, keypad_unit = seen.units
    # no platform data (terms, session, registrations) and no view is read while the hall waits; the floor
    # bid, entered by the auctioneer, also checks that role's row (kiosk.staffing.current), by its key
    assert tables(floor_unit) == {"journal_head", "session_roles", "auction_lots", "journal", "auction_bids"}, floor_unit
    assert tables(keypad_unit) == {"journal_head", "auction_lots", "journal", "auction_bids"}, keypad_unit
    # the floor's view is built after the commit, from the lot as the bid left it
    assert isinstance(floor.lot_after, LotView)
    assert floor.lot.current_price == floor.amount and floor.lot.leading_paddle == "01"
    assert keypad.lot.current_price == keypad.amount and keypad.lot.leading_paddle == "02"


def test_keypad_bids_on_the_rooms_open_lot_when_the_consoles_session_has_none(hall: Hall) -> None:
    a, cars, land = open_cars_lot(hall)
    press = KeypadEvent(paddle_no="01", key="BID")
    assert a.keypad(land, press) is None  # the console's session has no open lot, and nothing else is asked
    asked: list[int] = []

    def room() -> list[str]:
        asked.append(1)
        return [land, cars]

    out = a.keypad(land, press, others=room)
    assert out is not None and out.accepted and out.lot.lot_code == "L-0001" and out.lot.session_id == cars
    assert a.keypad(cars, KeypadEvent(paddle_no="02", key="BID"), others=room) is not None
    assert len(asked) == 1  # the room is asked only when the console's session has no open lot
    assert a.keypad(None, KeypadEvent(paddle_no="01", key="BID"), others=lambda: [cars]) is not None


def test_facts_that_would_refuse_a_bid_are_read_again_under_the_lock(hall: Hall) -> None:
    """A check-in committed between the bid's reading and its lock counts (journal order decides)."""
    a, cars, _land = open_cars_lot(hall)
    with hall.reading() as s:
        p = a._pf(s, cars, "L-0001")
        s.expunge(p)
    stale = BidderFacts(checked_in=False, registered=False, deposit_ok=False)
    out = a._bid(p, "01", None, "floor", auc(a, cars), stale, view=True)
    assert out.accepted and out.reason is None
    refused = a._bid(p, "99", None, "floor", auc(a, cars), stale, view=False)  # and a paddle nobody checked in
    assert not refused.accepted and refused.reason == "not_checked_in"
