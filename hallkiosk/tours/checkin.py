"""The demo tour of the checkin capability (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_checkin.py`` builds the real thing; this drives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config


def _wait(cond: Any, timeout: float = 10.0) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    return bool(cond())


def fetch_references(cfg: Config, hall: Any) -> str:
    """Fetch today's reference photos from the demo's sandbox platform as the sync worker does
    (``sync/references.py``: ``GET /blobs/{sha256}``, hash-checked, cached encrypted); what happened."""
    if not cfg.platform.url or not cfg.platform.secret_file:
        return "no platform configured: check-ins have no reference photo"
    from hallkiosk.sync_wiring import read_secret
    from sync.client import client_from_config
    from sync.references import ReferenceFetcher

    with client_from_config(cfg.platform, cfg.platform.journal_id, read_secret(cfg.platform.secret_file)) as client:
        got = ReferenceFetcher(hall.engine, client, hall.vault, Path(cfg.data_dir), now=hall.clock.now).fetch_due()
    return f"reference photos: {got.fetched} fetched, {got.absent} absent, {got.refused} refused, {got.failed} failed"


def tour(cfg: Config, out: Path) -> list[dict]:
    """Check demo bidders in with simulated cards on the reader; screenshot every screen and refusal.

    Runs its own ID reader and printer simulators (cards are placed in-process) and a demo camera
    of a person who turns their head (``devices/camera/headturn.py``), on a hall whose clock is set
    to 08:50 (both openings' windows open) and then 12:30 (the car auction's). 人证核验 (issue 16):
    the platform's reference photos are fetched from the demo's sandbox first; person 0 matches
    theirs (consent, the head-turn prompt, admitted), person 6 does not (the counter page, then the
    clerk's list). Returns the screenshots taken (``{"role", "screen", "file", "lang"}``).
    """
    from devices.camera.headturn import HeadTurnCamera
    from devices.idcard.simulator import IdReaderSimulator
    from devices.printer.simulator import PrinterSimulator
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import _login
    from kiosk.clock import FixedClock
    from kiosk.hall import Hall
    from kiosk.ports import IdCard
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import person
    from ui.stall import unmeasured
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[dict] = []

    def card(i: int, valid_until: str = "长期") -> IdCard:
        p = person(i)
        birth = p["id_number"][6:14]
        return IdCard("resident", p["name"], "男" if int(p["id_number"][16]) % 2 else "女",
                      f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", p["id_number"], "2016-05-01", valid_until,
                      nation="汉", address="内蒙古自治区呼和浩特市示例路1号", authority="呼和浩特市公安局")

    def shoot(term: Any, role: str, screen: str, lang: str = "zh_CN") -> None:
        for w, h in (LANDSCAPE, PORTRAIT):
            name = f"checkin-{role}-{screen}-{w}x{h}{'' if lang == 'zh_CN' else '-en'}.png"
            grab(term.window, str(out / name), (w, h))
            shots.append({"role": role, "screen": f"checkin {screen}", "file": name, "lang": lang})

    with IdReaderSimulator(baud=115200) as reader, PrinterSimulator(preview_dir=out / "checkin-slips") as printer:
        devices = dataclasses.replace(cfg.devices, id_reader=reader.url, printer=printer.url,
                                      camera="synthetic?width=640&height=360&realtime=0", scanner="", keypads="")
        kcfg = dataclasses.replace(cfg, devices=devices, site=dataclasses.replace(cfg.site, terminal_id="KIOSK-CHECKIN"))
        today = dt.datetime.now(BEIJING).date()
        clock = FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING))
        with unmeasured():  # the tour's set-up: the sync worker's reference fetch and the kiosk's start, before any screen is used
            hall = Hall.open(kcfg, clock=clock)
            print(f"  check-in: {fetch_references(kcfg, hall)}", flush=True)
            term = build_terminal(kcfg, "kiosk", follow=False, sync=False, hall=hall)
        assert term.checkin is not None
        flow = term.checkin.screens["flow"]
        side = {"now": "left"}  # the demo person turns to the side the kiosk asks (fixed here for the pictures)
        flow.choose_direction = lambda: side["now"]
        if term.checkin.face is not None:
            term.checkin.face.camera = HeadTurnCamera(lambda: side["now"], still_frames=10, turn_frames=5)
        home = term.window.page
        try:
            grab(term.window, str(out / "checkin-warmup.png"), LANDSCAPE)
            (out / "checkin-warmup.png").unlink()

            last: list[str] = [""]

            def present(c: IdCard, screen: str, *, shoot_card: bool = False, lang: str = "zh_CN") -> str:
                reader.remove_card()
                # the reader reports the same card again only after it has seen it gone (0.5 s polls)
                _wait(lambda: False, 1.2 if c.id_number == last[0] else 0.3)
                last[0] = c.id_number
                home.open_flow("checkin")
                if shoot_card:
                    shoot(term, "kiosk", "card", lang)
                reader.place_card(c)
                _wait(lambda: flow.currentWidget().name != "card")
                page = flow.currentWidget().name
                shoot(term, "kiosk", screen, lang)
                return page

            def through(c: IdCard, tag: str, *, live: bool = False, turn: str = "left") -> None:
                present(c, f"{tag}-consent", shoot_card=(tag == "opening1"))
                side["now"] = turn
                flow.consent_yes.click()
                if live:
                    _wait(lambda: flow.last_face is not None and flow.last_face.image is not None)
                    shoot(term, "kiosk", f"{tag}-face")
                    if _wait(lambda: flow.currentWidget().name == "turn", 15):
                        _wait(lambda: bool(flow.samples), 5)
                        shoot(term, "kiosk", f"{tag}-turn-{turn}")
                _wait(lambda: flow.currentWidget().name == "confirm", 30)
                shoot(term, "kiosk", f"{tag}-confirm")
                flow.confirm_ok.click()
                _wait(lambda: flow.print_result is not None or flow.currentWidget().name == "counter", 30)
                if flow.currentWidget().name == "counter":
                    shoot(term, "kiosk", f"{tag}-no-match")
                else:
                    shoot(term, "kiosk", f"{tag}-done")
                flow.finish()

            through(card(0), "opening1", live=True)  # accepted for the first opening: the platform's photo matches
            present(card(0), "already")  # a second time: shown, reprint offered
            flow.already_reprint.click()
            _wait(lambda: flow.print_result is not None, 20)
            flow.finish()
            present(card(3, "2021-06-30"), "refused-expired")  # expired card
            flow.finish()
            present(card(16), "refused-unregistered")  # not registered (and a banned person)
            flow.finish()
            term.ctx.languages.set("en")
            present(card(3, "2021-06-30"), "refused-expired", lang="en", shoot_card=True)  # (a ban at an opening only flags: D6)
            flow.finish()
            term.ctx.languages.set("zh_CN")
            through(card(6), "opening2", live=True, turn="right")  # the second session: someone else's photo → the clerk
            clock.set(dt.datetime.combine(today, dt.time(12, 30), BEIJING))
            through(card(14), "auction")  # an auction bidder gets paddle 01
            printer.paper_out = True
            through(card(15), "auction-paper-out")  # paddle 02, printer out of paper: slip on screen
            printer.paper_out = False
            present(card(13), "refused-deposit")  # deposit unpaid for the car auction
            flow.finish()
            # three slips printed: opening1's, its reprint, paddle 01's (paper out printed none; a no-match has none).
            # Waiting for four always ran out the 5 s, on the UI thread: the report's longest "stall" (5.4 s)
            with unmeasured():  # the tour waits for the simulator's last slip: not a user's wait
                printer.wait_jobs(3, timeout=5)
        finally:
            with unmeasured():
                term.stop()
            term.window.deleteLater()
        for p in sorted((out / "checkin-slips").glob("*.png")):
            shots.append({"role": "kiosk", "screen": "checkin slip (printed)", "file": f"checkin-slips/{p.name}", "lang": "zh_CN"})

    # the clerk, the host and the board
    for role, login in (("counter", ("clerk", "333333")), ("host", ("host", "111111")), ("board", None)):
        rcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id=f"{role.upper()}-CHECKIN"),
                                   ui=dataclasses.replace(cfg.ui, board_mode="attendance"))
        with unmeasured():  # the tour's set-up of the next terminal
            hall = Hall.open(rcfg, clock=FixedClock(dt.datetime.combine(today, dt.time(9, 20), BEIJING)))
            term = build_terminal(rcfg, role, follow=False, devices=False, sync=False, hall=hall)
        try:
            if login is not None:
                _login(term, *login)
            assert term.checkin is not None
            screens = term.checkin.screens
            if role == "counter":
                tab = screens["clerk"]
                term.window.page.work.setCurrentWidget(tab)
                tab.query.setText("内蒙古")
                tab.search()
                _wait(lambda t=tab: t.pending.count() > 0, 5)  # person 6's no-match waits for the clerk
                shoot(term, role, "manual")
            elif role == "host":
                tab = screens["attendance"]
                term.window.page.work.setCurrentWidget(tab)
                tab.refresh()
                shoot(term, role, "attendance")
            else:
                screens["board"].refresh()
                shoot(term, role, "attendance")
        finally:
            term.stop()
            term.window.deleteLater()
    return shots
