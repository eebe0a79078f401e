"""The demo tour of the auction capability (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_auction.py`` builds the real thing; this drives it.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config

# --- the demo tour -----------------------------------------------------------------------------------


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    """Three car lots and the land lot, screenshots of console and audience screen, and the PDFs.

    Every act is the appointed auctioneer's (issue 15): the console's role panel asks for each card and
    the tour places the ID cards of the people the platform appointed (``sync.sandbox.seed.STAFF_PEOPLE``)
    on the console's own reader (an ID reader simulator run in-process). The land lot from the listing reaches its cap with two
    bidders, and its ``after_cap`` says 摇号: the candidates are confirmed, the auctioneer and the
    supervisor each enter digits, the seed's SHA-256 is shown before the draw, the draw rolls on the
    audience screen, then the seed is revealed."""
    import datetime as dt

    from PySide6.QtWidgets import QApplication

    from devices.idcard.simulator import IdReaderSimulator
    from devices.keypads import KeypadSimulator
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import _login
    from kiosk.auction.demo import check_in_all, seed_stage_lot
    from kiosk.clock import FixedClock
    from kiosk.hall import Hall
    from kiosk.ports import IdCard
    from kiosk.staffing import RoleHolder
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import STAFF_PEOPLE, demo_day, staff_person
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[dict[str, str]] = []
    sim = KeypadSimulator().start()  # our own base station, so the tour is independent of the demo's
    reader = IdReaderSimulator(baud=115200)  # the console's own ID reader: the tour places the staff's cards on it
    reader.start()
    cfg = dataclasses.replace(
        cfg, devices=dataclasses.replace(cfg.devices, keypads=sim.url, id_reader=reader.url),
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
        day = {s["session_id"]: s for s in demo_day(today)["sessions"]}
        names = [p[0] for p in STAFF_PEOPLE]

        def card(sid: str, role: str) -> IdCard:
            """The ID card of whoever the platform appointed to ``role`` in ``sid`` (the demo's staff)."""
            entry = next(x for x in day[sid].get("staff", ()) if x["role"] == role)
            p = staff_person(names.index(entry["name"]), role)
            n = p["id_number"]
            return IdCard("resident", p["name"], "男" if int(n[16]) % 2 else "女", f"{n[6:10]}-{n[10:12]}-{n[12:14]}", n,
                          "2018-03-01", "长期", nation="汉", address="内蒙古自治区呼和浩特市示例路1号", authority="呼和浩特市公安局")

        held: dict[tuple[str, str], RoleHolder] = {}
        panel = console.signin

        def take(sid: str, role: str = "auctioneer", lot: str | None = None, shoot: str = "") -> RoleHolder:
            """``role`` of ``sid`` taken on the console's role panel by its appointee's card on the reader."""
            if (sid, role) in held:
                return held[(sid, role)]
            if lot is None:
                lot = svc.lots(sid)[0].lot_code
            console.select_lot(sid, lot)
            pump(15.0, lambda: console.session_id == sid and panel.ready and panel.session_id == sid)
            if not (console.session_id == sid and panel.session_id == sid):
                raise RuntimeError(f"auction tour: the console does not show {sid}")
            panel.arm(role)  # 请 <角色> 在读卡器上放置身份证
            reader.remove_card()
            pump(0.6)  # the reader reports a card after it saw none
            if shoot:
                shot(term.window, shoot)
            reader.place_card(card(sid, role))
            pump(15.0, lambda: console.holders.get((sid, role)) is not None)
            h = console.holders.get((sid, role))
            if h is None:
                raise RuntimeError(f"auction tour: {role} not signed in at {sid}: {panel.message.text()}")
            held[(sid, role)] = h
            reader.remove_card()
            return h

        au = take(cars, shoot="console-signin")  # the prompt for the auctioneer's card, before it is placed
        take(cars, "supervisor")
        take(cars, "witness")
        pump(10.0, console.settled)
        shot(term.window, "console-roles", (LANDSCAPE,))

        def settle() -> None:
            """The console's acts and loads, and the big screen's, run on the job runner: wait for them."""
            view = big.page.currentWidget()
            pump(10.0, lambda: console.settled() and (not hasattr(view, "settled") or view.settled()))

        def calls(sid: str, lot: str) -> None:
            for _ in range(3):
                clock.advance(svc.call_seconds)
                svc.call(sid, lot, actor=take(sid))

        def done(sid: str, lot: str) -> bool:
            return svc.lot(sid, lot, last_bids=0).state != "pending"

        def paddles(sid: str, lot: str) -> tuple[list[str], list[str]]:
            """(eligible, checked in but not eligible) paddles of a lot — whoever checked them in."""
            bs = svc.bidders(sid, lot)
            return [b.paddle_no for b in bs if b.eligible], [b.paddle_no for b in bs if not b.eligible]

        # lot 1: sealed reserve, bids stop below it → unsold (流拍)
        if not done(cars, "L-0001"):
            svc.enter_reserve(cars, "L-0001", "36000", auctioneer=au, supervisor=take(cars, "supervisor"))
            svc.open_lot(cars, "L-0001", actor=au)
            ok, _ = paddles(cars, "L-0001")
            for i in range(4):
                svc.bid(cars, "L-0001", ok[i % len(ok)], actor=au)
            other = next(b.paddle_no for b in svc.bidders(cars, "L-0002"))
            svc.bid(cars, "L-0001", other, actor=au)  # not registered for this lot: refused
            console.select_lot(cars, "L-0001")
            settle()
            pump(0.1)
            shot(term.window, "console-bidding")
            shot(big, "screen-bidding")
            calls(cars, "L-0001")
            svc.hammer(cars, "L-0001", actor=au)
        # lot 2: keypad bids from the simulator (paddle 03 alone; 04 has no deposit)
        if not done(cars, "L-0002"):
            svc.open_lot(cars, "L-0002", actor=au)
            console.select_lot(cars, "L-0002")
            settle()
            sim.port.wait_connected(5.0)
            ok, unpaid = paddles(cars, "L-0002")
            sim.press(ok[0], "BID")
            sim.press((unpaid or ok)[0], "BID")  # no deposit: refused
            pump(5.0, lambda: len(wiring.keypad_outcomes) >= 2)
            pump(0.1)
            calls(cars, "L-0002")
            svc.hammer(cars, "L-0002", actor=au)
            console.refresh()
            big.page.currentWidget().refresh()
            settle()
            shot(term.window, "console-sold", (LANDSCAPE,))
            shot(big, "screen-sold", (PORTRAIT,))
        # lot 3: floor bids, sold
        if not done(cars, "L-0003"):
            svc.open_lot(cars, "L-0003", actor=au)
            svc.bid(cars, "L-0003", paddles(cars, "L-0003")[0][0], actor=au)
            calls(cars, "L-0003")
            r = svc.hammer(cars, "L-0003", actor=au)
            del r
        # the land lot from the listing: continued on the floor up to the cap → lottery
        lot = svc.lots(land)[0].lot_code
        au = take(land, lot=lot)
        sup = take(land, "supervisor", lot=lot)
        take(land, "witness", lot=lot)
        if not done(land, lot):
            console.select_lot(land, lot)
            settle()
            shot(term.window, "console-after-cap", (LANDSCAPE,))  # D7: the method after the cap, read-only
            svc.open_lot(land, lot, actor=au, stage="lottery")
            console.select_lot(land, lot)
            settle()
            pump(0.1)
            p1, p2 = paddles(land, lot)[0][:2]
            svc.bid(land, lot, p1, "16500", actor=au)
            svc.change_increment(land, lot, "200", actor=au)
            svc.bid(land, lot, p2, actor=au)
            svc.bid(land, lot, p1, "18720", actor=au)
            svc.bid(land, lot, p2, actor=au)
            console.select_lot(land, lot)
            settle()
            pump(0.1)
            shot(term.window, "console-cap", (LANDSCAPE,))
            shot(big, "screen-cap", (LANDSCAPE,))
            calls(land, lot)
            # D8: the lottery, its own witnessed step
            svc.lottery_candidates(land, lot, actor=au)
            svc.lottery_entropy(land, lot, "4711", actor=sup)
            svc.lottery_entropy(land, lot, "0815", actor=au)
            console.select_lot(land, lot)
            big.page.currentWidget().show_lot(land, lot)
            settle()
            pump(0.2)
            shot(term.window, "console-lottery-commit", (LANDSCAPE,))
            shot(big, "screen-lottery-commit")
            svc.lottery_run(land, lot, actor=au)
            board = big.page.currentWidget()
            board.refresh()
            pump(3.0, lambda: getattr(board, "rolling", lambda: False)())
            pump(0.6)
            shot(big, "screen-lottery-draw")
            pump(6.0, lambda: not board.rolling())
            pump(0.2)
            shot(big, "screen-lottery-reveal")
            svc.hammer(land, lot, actor=au)
            svc.settle_deposit(land, lot, signed=True, actor=au)  # D10: the 确认书 signed → the deposit converted
        # a land lot with a cap and 竞配建 after it: price bids stop at the cap, the 配建 area decides
        stage_sid, stage_lot = seed_stage_lot(hall, dt.datetime.combine(today, dt.time(16, 30), BEIJING))
        check_in_all(hall, stage_sid)
        day[stage_sid] = day[land]  # its appointees are the land auction's (kiosk.auction.demo.seed_stage_lot)
        console.load_sessions()
        settle()
        au = take(stage_sid, lot=stage_lot)
        if not done(stage_sid, stage_lot):
            console.select_lot(stage_sid, stage_lot)
            settle()
            pump(0.1)  # the lot's after_cap (竞配建 from 1,000 m² by 100 m²) is shown read-only
            shot(term.window, "console-stage-choice", (LANDSCAPE,))
            console.open_lot()
            settle()
            p1, p2, p3 = paddles(stage_sid, stage_lot)[0][:3]
            svc.bid(stage_sid, stage_lot, p1, "18000", actor=au)
            svc.bid(stage_sid, stage_lot, p2, "18720", actor=au)  # the cap
            svc.bid(stage_sid, stage_lot, p1, "18820", actor=au)  # refused: 已达最高限价
            svc.bid(stage_sid, stage_lot, p3, "18720", actor=au)  # accepts the cap
            svc.stage_bid(stage_sid, stage_lot, p2, actor=au)  # 1,000 m²
            svc.stage_bid(stage_sid, stage_lot, p3, "1100", actor=au)
            svc.stage_bid(stage_sid, stage_lot, p2, "1200", actor=au)
            clock.advance(svc.call_seconds)
            svc.call(stage_sid, stage_lot, actor=au)
            console.select_lot(stage_sid, stage_lot)
            settle()
            pump(0.2)
            shot(term.window, "console-area")
            shot(big, "screen-area")
            while svc.lot(stage_sid, stage_lot, last_bids=0).call_no < 3:
                clock.advance(svc.call_seconds)
                svc.call(stage_sid, stage_lot, actor=au)
            svc.hammer(stage_sid, stage_lot, actor=au)
            console.refresh()
            big.page.currentWidget().refresh()
            settle()
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
        reader.stop()
    return shots
