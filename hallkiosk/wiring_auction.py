"""Wires the auction hall (拍卖大厅) into a terminal.

* auctioneer: the ``拍卖`` tab (``ui.auction.console.AuctionConsole``); the bidder keypads' receiver
  loop runs on the ``auction-keypads`` thread and every press becomes a bid on the open lot of the
  console's session (the engine validates and journals it; the screens follow the journal). The
  device monitor is told the loop runs (``mark_running``) so it never probes the port itself.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.auction import AuctionService, BidOutcome
from kiosk.ports import KeypadEvent

log = logging.getLogger(__name__)


@dataclass
class AuctionWiring:
    service: AuctionService
    screens: dict[str, Any] = field(default_factory=dict)
    keypad_outcomes: list[BidOutcome] = field(default_factory=list)


class KeypadBids:
    """Turns keypad presses into bids on the open lot of the console's session (keypad thread).

    ``session_of()`` is the console's session (no database read); ``others()`` the room's auction
    sessions, asked by the service only when the console's session has no open lot. A press is
    then one reading and one unit of work (``AuctionService.keypad``).
    """

    def __init__(self, service: AuctionService, session_of: Callable[[], str | None], outcomes: list[BidOutcome],
                 others: Callable[[], Iterable[str]] | None = None) -> None:
        self.service = service
        self.session_of = session_of
        self.others = others
        self.outcomes = outcomes

    def on_event(self, event: KeypadEvent) -> None:
        sid = self.session_of()
        if not sid and self.others is None:
            log.info("keypad press of paddle %s with no auction session on the console", event.paddle_no)
            return
        try:
            out = self.service.keypad(sid, event, others=self.others)
        except Exception:  # a press must never end the receiver loop
            log.exception("keypad bid failed")
            return
        if out is None:
            if not sid:
                log.info("keypad press of paddle %s with no auction session on the console", event.paddle_no)
            return
        self.outcomes.append(out)
        del self.outcomes[:-200]


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
                              others=lambda: [s.session_id for s in service.auction_sessions(room_code=room)])
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
                if desk.session_id and desk.lot_code:
                    big.show_lot(desk.session_id, desk.lot_code)
    term.auction = wiring
    return wiring
