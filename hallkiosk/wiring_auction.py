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

import dataclasses
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.auction import AuctionService, BidOutcome
from kiosk.config import Config
from kiosk.ports import KeypadEvent

log = logging.getLogger(__name__)


@dataclass
class AuctionWiring:
    service: AuctionService
    screens: dict[str, Any] = field(default_factory=dict)
    keypad_outcomes: list[BidOutcome] = field(default_factory=list)


class KeypadBids:
    """Turns keypad presses into bids on the open lot of the console's session (keypad thread)."""

    def __init__(self, service: AuctionService, session_of: Any, outcomes: list[BidOutcome]) -> None:
        self.service = service
        self.session_of = session_of
        self.outcomes = outcomes

    def on_event(self, event: KeypadEvent) -> None:
        sid = self.session_of()
        if not sid:
            log.info("keypad press of paddle %s with no auction session on the console", event.paddle_no)
            return
        try:
            out = self.service.keypad(sid, event)
        except Exception:  # a press must never end the receiver loop
            log.exception("keypad bid failed")
            return
        if out is not None:
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

            def session_of() -> str | None:
                if console.session_id and service.open_lot_of(console.session_id):
                    return console.session_id
                for s in service.auction_sessions(room_code=term.hall.config.site.room_code or None):
                    if service.open_lot_of(s.session_id):
                        return s.session_id
                return console.session_id

            bids = KeypadBids(service, session_of, wiring.keypad_outcomes)
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


# --- the demo tour -----------------------------------------------------------------------------------


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    """Three car lots and the land lot, screenshots of console and audience screen, and the PDFs."""
    import datetime as dt

    from PySide6.QtWidgets import QApplication

    from devices.keypads import KeypadSimulator
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import DEMO_OPERATORS, _login
    from kiosk.auction.demo import check_in_all, seed_stage_lot
    from kiosk.clock import FixedClock
    from kiosk.hall import Hall
    from kiosk.timeutil import BEIJING
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[dict[str, str]] = []
    pins = {u: p for u, _n, _r, p in DEMO_OPERATORS}
    sim = KeypadSimulator().start()  # our own base station, so the tour is independent of the demo's
    cfg = dataclasses.replace(
        cfg, devices=dataclasses.replace(cfg.devices, keypads=sim.url),
        site=dataclasses.replace(cfg.site, terminal_id="AUCTION-DEMO", room_code="PM-01"),
        auction=dataclasses.replace(cfg.auction, call_seconds=1, keypad_min_interval_ms=0),
    )
    today = dt.datetime.now(BEIJING).date()
    clock = FixedClock(dt.datetime.combine(today, dt.time(14, 0), BEIJING))
    hall = Hall.open(cfg, clock=clock)

    def pump(seconds: float, until: Any = lambda: False) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            QApplication.processEvents()
            time.sleep(0.02)

    def shot(win: Any, name: str, sizes: tuple = (LANDSCAPE, PORTRAIT)) -> None:
        for w, h in sizes:
            path = out / f"auction-{name}-{w}x{h}.png"
            grab(win, str(path), (w, h))
            shots.append({"role": "auctioneer", "screen": f"auction-{name}", "file": path.name, "lang": "zh_CN"})

    term = build_terminal(cfg, "auctioneer", hall=hall, big_screen=True, sync=False)
    try:
        _login(term, "auctioneer")
        wiring = term.auction
        assert wiring is not None  # an auctioneer terminal has the auction
        svc = wiring.service
        console = wiring.screens["console"]
        big = term.big_screen
        assert big is not None  # built with big_screen=True
        sessions = {s.kind: s.session_id for s in svc.auction_sessions() if not s.session_id.endswith("DEMO7")}
        cars, land = sessions.get("auction"), sessions.get("listing_auction")
        if cars is None or land is None:
            return shots
        check_in_all(hall, cars)
        check_in_all(hall, land)

        def calls(sid: str, lot: str) -> None:
            for _ in range(3):
                clock.advance(svc.call_seconds)
                svc.call(sid, lot, actor="auctioneer")

        def done(sid: str, lot: str) -> bool:
            return svc.lot(sid, lot, last_bids=0).state != "pending"

        def paddles(sid: str, lot: str) -> tuple[list[str], list[str]]:
            """(eligible, checked in but not eligible) paddles of a lot — whoever checked them in."""
            bs = svc.bidders(sid, lot)
            return [b.paddle_no for b in bs if b.eligible], [b.paddle_no for b in bs if not b.eligible]

        # lot 1: sealed reserve, bids stop below it → unsold (流拍)
        if not done(cars, "L-0001"):
            svc.enter_reserve(cars, "L-0001", "36000", auctioneer=("auctioneer", pins["auctioneer"]),
                              supervisor=("supervisor", pins["supervisor"]))
            svc.open_lot(cars, "L-0001", actor="auctioneer")
            ok, _ = paddles(cars, "L-0001")
            for i in range(4):
                svc.bid(cars, "L-0001", ok[i % len(ok)], actor="auctioneer")
            other = next(b.paddle_no for b in svc.bidders(cars, "L-0002"))
            svc.bid(cars, "L-0001", other, actor="auctioneer")  # not registered for this lot: refused
            console.select_lot(cars, "L-0001")
            pump(0.1)
            shot(term.window, "console-bidding")
            shot(big, "screen-bidding")
            calls(cars, "L-0001")
            svc.hammer(cars, "L-0001", actor="auctioneer")
        # lot 2: keypad bids from the simulator (paddle 03 alone; 04 has no deposit)
        if not done(cars, "L-0002"):
            svc.open_lot(cars, "L-0002", actor="auctioneer")
            console.select_lot(cars, "L-0002")
            sim.port.wait_connected(5.0)
            ok, unpaid = paddles(cars, "L-0002")
            sim.press(ok[0], "BID")
            sim.press((unpaid or ok)[0], "BID")  # no deposit: refused
            pump(5.0, lambda: len(wiring.keypad_outcomes) >= 2)
            pump(0.1)
            calls(cars, "L-0002")
            svc.hammer(cars, "L-0002", actor="auctioneer")
            console.refresh()
            big.page.currentWidget().refresh()
            shot(term.window, "console-sold", (LANDSCAPE,))
            shot(big, "screen-sold", (PORTRAIT,))
        # lot 3: floor bids, sold
        if not done(cars, "L-0003"):
            svc.open_lot(cars, "L-0003", actor="auctioneer")
            svc.bid(cars, "L-0003", paddles(cars, "L-0003")[0][0], actor="auctioneer")
            calls(cars, "L-0003")
            r = svc.hammer(cars, "L-0003", actor="auctioneer")
            del r
        # the land lot from the listing: continued on the floor up to the cap → lottery
        lot = svc.lots(land)[0].lot_code
        if not done(land, lot):
            svc.open_lot(land, lot, actor="auctioneer")
            console.select_lot(land, lot)
            pump(0.1)
            p1, p2 = paddles(land, lot)[0][:2]
            svc.bid(land, lot, p1, "16500", actor="auctioneer")
            svc.change_increment(land, lot, "200", actor="auctioneer")
            svc.bid(land, lot, p2, actor="auctioneer")
            svc.bid(land, lot, p1, "18720", actor="auctioneer")
            svc.bid(land, lot, p2, actor="auctioneer")
            console.select_lot(land, lot)
            pump(0.1)
            shot(term.window, "console-cap", (LANDSCAPE,))
            shot(big, "screen-cap", (LANDSCAPE,))
            calls(land, lot)
            svc.hammer(land, lot, actor="auctioneer")
        # a land lot with a cap and 竞配建 after it: price bids stop at the cap, the 配建 area decides
        stage_sid, stage_lot = seed_stage_lot(hall, dt.datetime.combine(today, dt.time(16, 30), BEIJING))
        check_in_all(hall, stage_sid)
        console.load_sessions()
        if not done(stage_sid, stage_lot):
            console.select_lot(stage_sid, stage_lot)
            i = console.stage_combo.findData("area")
            console.stage_combo.setCurrentIndex(i)
            console.stage_start.setText("1000")
            console.stage_step.setText("100")
            pump(0.1)
            shot(term.window, "console-stage-choice", (LANDSCAPE,))
            console.open_lot()
            p1, p2, p3 = paddles(stage_sid, stage_lot)[0][:3]
            svc.bid(stage_sid, stage_lot, p1, "18000", actor="auctioneer")
            svc.bid(stage_sid, stage_lot, p2, "18720", actor="auctioneer")  # the cap
            svc.bid(stage_sid, stage_lot, p1, "18820", actor="auctioneer")  # refused: 已达最高限价
            svc.bid(stage_sid, stage_lot, p3, "18720", actor="auctioneer")  # accepts the cap
            svc.stage_bid(stage_sid, stage_lot, p2, actor="auctioneer")  # 1,000 m²
            svc.stage_bid(stage_sid, stage_lot, p3, "1100", actor="auctioneer")
            svc.stage_bid(stage_sid, stage_lot, p2, "1200", actor="auctioneer")
            clock.advance(svc.call_seconds)
            svc.call(stage_sid, stage_lot, actor="auctioneer")
            console.select_lot(stage_sid, stage_lot)
            pump(0.2)
            shot(term.window, "console-area")
            shot(big, "screen-area")
            while svc.lot(stage_sid, stage_lot, last_bids=0).call_no < 3:
                clock.advance(svc.call_seconds)
                svc.call(stage_sid, stage_lot, actor="auctioneer")
            svc.hammer(stage_sid, stage_lot, actor="auctioneer")
            console.refresh()
            big.page.currentWidget().refresh()
            shot(big, "screen-area-sold", (LANDSCAPE,))
        docs = hall.config.data_dir / "auction"
        for pdf in sorted(docs.rglob("*.pdf")):
            target = out / f"auction-{pdf.parent.name}-{pdf.name}"
            shutil.copy(pdf, target)
            shots.append({"role": "auctioneer", "screen": "auction-pdf", "file": target.name, "lang": "zh_CN"})
    finally:
        term.stop()
        hall.close()
        sim.stop()
    return shots
