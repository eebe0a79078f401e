"""Wires the auction hall (拍卖大厅) into a terminal.

* auctioneer: the ``拍卖`` tab (``ui.auction.console.AuctionConsole``); the bidder keypads' receiver
  loop runs on the ``auction-keypads`` thread and every press becomes a bid on the open lot of the
  console's session (the engine validates and journals it; the screens follow the journal). The
  receiver only hands each press to the job runner's ``keypad`` lane, so it keeps reading (and
  stamping) presses while the database is slow; a press is recorded only while the database
  answers and within ``KEYPAD_START_WITHIN_S`` of its arrival — one that could not be recorded is
  refused on the console with its reason and never replayed later. The device monitor is told the
  loop runs (``mark_running``) so it never probes the port itself.
* auctioneer with a big screen, and a board with ``[ui] board_mode = "auction"``: the audience
  view ``auction`` (``ui.auction.board.AuctionBoard``), following the journal.

``tour(cfg, out)``: the demo's car auction (one lot unsold below the reserve, one sold on keypad
bids from the simulator), the land lot from the listing (cap reached → lottery), and a land lot
with a cap and 竞配建 (``kiosk.auction.demo.seed_stage_lot``: the cap is reached, a third bidder
accepts it, the 配建 area decides at the cap price), with screenshots of the console and the
audience screen in both orientations, and the PDFs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.auction import AuctionService, BidOutcome
from kiosk.errors import HallError
from kiosk.ports import UNKNOWN_OK, DbState, KeypadEvent
from ui.jobs import JobOutcome, Jobs

log = logging.getLogger(__name__)

KEYPAD_LANE = "keypad"  #: the job runner's lane for keypad bids (one after another, in the order pressed)
#: a press not recorded within this many seconds of its arrival (the database did not answer) is refused
KEYPAD_START_WITHIN_S = 5.0


class KeypadNotRecorded(HallError):
    """A press that could not be recorded now: refused, never replayed after the outage."""


@dataclass
class AuctionWiring:
    service: AuctionService
    screens: dict[str, Any] = field(default_factory=dict)
    keypad_outcomes: list[BidOutcome] = field(default_factory=list)
    keypads: KeypadBids | None = None


class KeypadBids:
    """Turns keypad presses into bids on the open lot of the console's session.

    ``on_event`` runs on the receiver's thread and only queues the press on the job runner's
    ``keypad`` lane; there ``record`` makes it one reading and one unit of work
    (``AuctionService.keypad``). ``session_of()`` is the console's session (no database read);
    ``others()`` the room's auction sessions, asked by the service only when the console's session
    has no open lot. A press is refused, not recorded, when the database is down (``db_state``) or
    when it waited more than ``start_within_s`` for its turn; ``refused(paddle, zh, en)`` (main
    thread) says so on the console.
    """

    def __init__(self, service: AuctionService, session_of: Callable[[], str | None], outcomes: list[BidOutcome],
                 others: Callable[[], Iterable[str]] | None = None, *, jobs: Jobs,
                 db_state: Callable[[], DbState] = lambda: UNKNOWN_OK,
                 refused: Callable[[str, str, str], None] | None = None,
                 start_within_s: float = KEYPAD_START_WITHIN_S) -> None:
        self.service = service
        self.session_of = session_of
        self.others = others
        self.outcomes = outcomes
        self.jobs = jobs
        self.db_state = db_state
        self.refused = refused
        self.start_within_s = start_within_s
        self.not_recorded = 0  #: presses refused because the database did not answer

    def on_event(self, event: KeypadEvent) -> None:
        """(receiver thread) queue the press; never waits on the database."""
        if not event.received_at:
            event = KeypadEvent(event.paddle_no, event.key, event.amount, event.seq, time.monotonic())
        self.jobs.run("keypad-bid", lambda: self.record(event), lambda outcome: self._done(event.paddle_no, outcome),
                      lane=KEYPAD_LANE)

    def record(self, event: KeypadEvent) -> BidOutcome | None:
        """(keypad lane) the press as a bid, or :class:`KeypadNotRecorded` when it cannot be now."""
        waited = time.monotonic() - event.received_at
        if not self.db_state().ok:
            raise self._not_recorded(event, "数据库不可用，请恢复后重新应价", "the database is unavailable; bid again once it is back")
        if waited > self.start_within_s:
            raise self._not_recorded(event, f"数据库 {waited:.0f} 秒未响应，请重新应价",
                                     f"the database did not answer for {waited:.0f} s; please bid again")
        sid = self.session_of()
        if not sid and self.others is None:
            log.info("keypad press of paddle %s with no auction session on the console", event.paddle_no)
            return None
        out = self.service.keypad(sid, event, others=self.others)
        if out is None:
            if not sid:
                log.info("keypad press of paddle %s with no auction session on the console", event.paddle_no)
            return None
        self.outcomes.append(out)
        del self.outcomes[:-200]
        return out

    def _not_recorded(self, event: KeypadEvent, zh: str, en: str) -> KeypadNotRecorded:
        self.not_recorded += 1
        log.warning("keypad press of paddle %s not recorded: %s", event.paddle_no, en)
        return KeypadNotRecorded("keypad-not-recorded", zh, en)

    def _done(self, paddle: str, outcome: JobOutcome) -> None:
        """(main thread) a press that was not recorded (refused here, or the database failed it) is said on the console."""
        if not outcome.ok and self.refused is not None:
            self.refused(paddle, outcome.zh, outcome.en)


def attach(term: Any) -> AuctionWiring:
    service = AuctionService(term.hall)
    wiring = AuctionWiring(service)
    role = term.ctx.role
    if role == "auctioneer":
        from ui.auction.console import AuctionConsole

        page = term.window.page
        console = AuctionConsole(term.ctx, service, lambda: page.operator.username if page.operator else "auctioneer")
        page.work.add_tab(console, AuctionConsole.tab_title, first=True)
        wiring.screens["console"] = console
        monitor = term.monitor
        receiver = monitor.registry.keypads if monitor is not None else None
        if monitor is not None and receiver is not None:
            monitor.mark_running("keypads")
            if receiver.on_state is None:
                receiver.on_state = lambda _state, _err: monitor.update("keypads")

            room = term.hall.config.site.room_code or None
            bids = KeypadBids(service, lambda: console.session_id, wiring.keypad_outcomes,
                              others=lambda: [s.session_id for s in service.auction_sessions(room_code=room)],
                              jobs=term.ctx.jobs, db_state=term.ctx.db_state, refused=console.keypad_refused)
            wiring.keypads = bids
            term.threads.start("auction-keypads", lambda stop: receiver.run(stop, bids.on_event))
    if role in ("auctioneer", "board"):
        from ui.auction.board import AuctionBoard

        if role == "board":
            board = AuctionBoard(term.ctx, service)
            term.window.page.add_view("auction", board)
            wiring.screens["board"] = board
        big_screen = term.big_screen
        if big_screen is not None:
            big = AuctionBoard(big_screen.ctx, service)
            big_screen.page.add_view("auction", big)
            big_screen.page.show_view("auction")
            wiring.screens["big_screen"] = big
            desk = wiring.screens.get("console")
            if desk is not None:
                desk.on_lot_changed = big.show_lot
                big.call_hold = desk.hold_left  # the wall shows the console's countdown, pauses included
                if desk.session_id and desk.lot_code:
                    big.show_lot(desk.session_id, desk.lot_code)
    term.auction = wiring
    return wiring
