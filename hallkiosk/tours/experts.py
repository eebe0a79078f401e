"""The demo tour of the expert draw (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_experts.py`` builds the real thing; this drives it. At the
``extraction`` console, the demo evaluation's three appointees sign in with their ID cards (the cards
are put on the bridge as the reader thread would), the representative and the supervisor type their
entropy, the commitment goes to the sandbox platform and its signed receipt comes back as the beacon,
the experts are drawn, and the invitations go out through the real modem driver to the modem
simulator: one member declines by SMS, one cannot be reached (answer taken at the console), both are
replaced from the reserves, who accept. ``experts verify-draw`` is run on the journal at the end.

Then the door (:func:`door_scene`, when the demo runs the door/locker simulator): the sandbox moves the
sitting to now, the four accepted experts place their cards at an ``evaluation_area`` kiosk and the real
dlib engine compares the demo face with their chip photos (the third's is someone else's: the witness
places their own card and writes a note), each shuts the locker given for the phone, one signs out and
takes the phone back; the room's board shows the counts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import time
from pathlib import Path
from typing import Any

from kiosk.config import Config

STAFF = {"witness": 3, "tenderer_rep": 4, "supervisor": 2}


def _card(i: int, role: str) -> Any:
    from kiosk.ports import IdCard
    from sync.sandbox.seed import staff_person

    p = staff_person(i, role)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date=p["id_number"][6:14],
                  id_number=p["id_number"], valid_from="2020-01-01", valid_until="长期")


def _wait(done: Any, timeout: float) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.01)
    return True


def tour(cfg: Config, out: Path, *, platform_dir: Path | None = None) -> list[dict[str, str]]:
    """The draw at the extraction console, then the door scene (:func:`door_scene`) when the demo runs the
    door/locker simulator. ``platform_dir``: the sandbox platform's directory (its admin token), by default
    ``<data_dir>/platform`` as the demo runs it."""
    from devices.sms.simulator import ModemSimulator, phone_key
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.cli import main as cli
    from hallkiosk.demo import _login
    from hallkiosk.wiring_experts import AnswerLoop
    from kiosk.experts import rules
    from kiosk.ports import CardEvent
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import demo_day
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    shots: list[dict[str, str]] = []
    sim = ModemSimulator(baud=115200).start()  # the 短信猫, on a simulated 115200 line
    ecfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="EXTRACTION-DEMO"),
                               devices=dataclasses.replace(cfg.devices, modem=sim.url))
    term = build_terminal(ecfg, "extraction", follow=True)

    def shot(screen: str) -> None:
        for w, h in (LANDSCAPE, PORTRAIT):
            path = out / f"extraction-{screen}-{w}x{h}.png"
            grab(term.window, str(path), (w, h))
            shots.append({"role": "extraction", "screen": screen, "file": path.name, "lang": "zh_CN"})

    try:
        wiring = term.experts  # type: ignore[attr-defined]
        console, svc = wiring.console, wiring.service
        wiring.modem.wait_online(10)  # the terminal runs it (hallkiosk/wiring_experts.py)
        loop = AnswerLoop(svc, poll_s=0.2)  # the terminal's own loop runs too; this one just does not wait for it
        _login(term, "clerk")
        console.refresh()
        _wait(lambda: console.loaded is not None and console.signin.ready, 15)
        for role in rules.DRAW_ROLES:
            console.signin.arm(role)
            term.ctx.bridge.cardEvent.emit(CardEvent("card", _card(STAFF[role], role)))
            _wait(lambda r=role: console.signin.holder(r) is not None, 10)
        _wait(lambda: console.commit_btn.isEnabled(), 10)
        shot("pool")
        console.rep_entropy.setText("蒙A·7281 晴 0930")
        console.sup_entropy.setText("监督-k3#9vq2!")
        console.commit_btn.click()
        _wait(lambda: console.loaded is not None and console.loaded.open_round is not None, 10)
        # the sync worker pushes the commitment; the sandbox's signed receipt is the beacon
        _wait(lambda: console.loaded.beacon is not None or console.draw_btn.isEnabled(), 30)
        _wait(lambda: console.draw_btn.isEnabled(), 30)
        shot("committed")
        console.draw_btn.click()
        _wait(lambda: bool(console.last) and console.loaded is not None and bool(console.loaded.picks), 15)
        shot("drawn")
        experts = {e["expert_id"]: e for e in demo_day(term.hall.clock.now().astimezone(BEIJING).date())["experts"]}
        picks = console.loaded.picks
        members = [p for p in picks if not p.reserve]
        script: dict[str, Any] = {phone_key(experts[p.expert_id]["mobile"]): {"reply": "1", "after_s": 0.3} for p in picks}
        script[phone_key(experts[members[0].expert_id]["mobile"])] = {"reply": "2", "after_s": 0.3}  # declines
        script[phone_key(experts[members[1].expert_id]["mobile"])] = None  # never answers
        sim.script = script
        console.call_btn.click()
        _wait(lambda: len(sim.sent) >= len(members), 20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(p.status == "replaced" for p in svc.picks(console.evaluation_id)):
            loop.once()
            time.sleep(0.1)
        # the one who never answered: the staff member rings, nobody picks up — recorded at the console
        console.refresh()
        _wait(lambda: any(p.status == "called" for p in console.loaded.picks), 5)
        row = next(i for i, p in enumerate(console.loaded.picks) if p.expert_id == members[1].expert_id)
        console.picks.selectRow(row)
        console.none_btn.click()
        _wait(lambda: any(p.status == "replaced" and p.expert_id == members[1].expert_id
                          for p in svc.picks(console.evaluation_id)), 10)
        console.refresh()
        _wait(lambda: console.call_btn.isEnabled(), 10)
        console.call_btn.click()  # the reserves who took the places
        _wait(lambda: len(sim.sent) >= len(members) + 2, 20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and sum(p.status == "accepted" for p in svc.picks(console.evaluation_id)) < len(members):
            loop.once()
            time.sleep(0.1)
        console.refresh()
        _wait(lambda: sum(p.status == "accepted" for p in console.loaded.picks) >= len(members), 10)
        shot("answers")
        buf_out, buf_err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
            code = cli(["experts", "verify-draw", console.evaluation_id, "--data-dir", str(cfg.data_dir)]
                       + (["--db", cfg.database.url] if cfg.database.url else []))
        text = f"$ hall-kiosk experts verify-draw {console.evaluation_id}\n{buf_out.getvalue()}{buf_err.getvalue()}exit {code}\n"
        (out / "experts-verify-draw.txt").write_text(text, encoding="utf-8")
        shots.append({"role": "extraction", "screen": f"verify-draw exit {code}", "file": "experts-verify-draw.txt"})
        evaluation_id = console.evaluation_id
        accepted = [p.expert_id for p in svc.picks(evaluation_id) if p.status == "accepted"]
    finally:
        term.stop()
        sim.stop()
    if cfg.platform.url and cfg.devices.lockers:
        shots += door_scene(cfg, out, evaluation_id, accepted, experts, platform_dir or cfg.data_dir / "platform")
    return shots


# --- the evaluation area's door (must 3–6) ---------------------------------------------------------------


def _expert_card(e: dict[str, Any], chip: bytes) -> Any:
    from kiosk.ports import IdCard

    n = e["id_number"]
    return IdCard(card_type="resident", name=e["name"], gender="男", birth_date=n[6:14], id_number=n,
                  valid_from="2020-01-01", valid_until="长期", photo_image=chip)


def _move_sitting_to_now(cfg: Config, evaluation_id: str, platform_dir: Path) -> None:
    """The platform is the authority for the sitting's time: the demo asks the sandbox to publish it again
    starting a few minutes from now (as the opening tour does for two openings)."""
    import datetime as dt
    from urllib.parse import urlsplit

    import requests

    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import demo_day
    from sync.sandbox.server import ADMIN_TOKEN_HEADER, read_admin_token

    now = dt.datetime.now(BEIJING)
    start = now + dt.timedelta(minutes=10)
    if start.date() != now.date():  # the door admits on the sitting's own day: just started, then
        start = now - dt.timedelta(minutes=1)
    ev = dict(next(e for e in demo_day(now.date())["evaluations"] if e["evaluation_id"] == evaluation_id),
              starts_at=start.replace(microsecond=0).isoformat())
    parts = urlsplit(cfg.platform.url)
    token = read_admin_token(platform_dir)
    requests.post(f"{parts.scheme}://{parts.netloc}/_sandbox/feeds", headers={ADMIN_TOKEN_HEADER: token},
                  json={"feed": "evaluations", "key": evaluation_id, "data": ev}, timeout=5).raise_for_status()


def door_scene(cfg: Config, out: Path, evaluation_id: str, accepted: list[str], experts: dict[str, Any],
               platform_dir: Path) -> list[dict[str, str]]:
    """Four accepted experts at the door kiosk (one face that does not match → the witness's card and
    note), lockers released and shut again on the door/locker simulator, one sign-out, the room's board."""
    import threading

    import cv2
    import numpy
    from PySide6.QtGui import QImage

    from devices.access.controller import AccessController
    from devices.access.simulator import shut_by_hand
    from hallkiosk.app import build_terminal, grab
    from kiosk.ports import CardEvent
    from sync.sandbox.seed import FACES_DIR
    from ui.checkin.station import FaceUpdate
    from ui.experts.board import EvaluationRoomBoard
    from ui.theme import LANDSCAPE, PORTRAIT

    shots: list[dict[str, str]] = []
    _move_sitting_to_now(cfg, evaluation_id, platform_dir)
    dcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="DOOR-PB"),
                               kiosk=dataclasses.replace(cfg.kiosk, mode="evaluation_area"))
    term = build_terminal(dcfg, "kiosk", follow=True, devices=False)
    access = AccessController(cfg.devices.door, cfg.devices.lockers)
    stop = threading.Event()
    try:
        assert term.sync is not None
        term.sync.puller.pull_feed("evaluations")  # the sitting's new time
        door = term.door  # type: ignore[attr-defined]
        svc, screen = door.service, door.screen
        svc.access, svc.lockers = access, len(access.lockers)
        loop = threading.Thread(target=access.run, args=(stop, svc.on_access_event), name="tour-access", daemon=True)
        loop.start()
        screen.station.start_face = lambda: None  # the tour hands the camera's photo over itself
        live = (FACES_DIR / "visitor-obama.jpg").read_bytes()
        frame = cv2.imdecode(numpy.frombuffer(live, "uint8"), cv2.IMREAD_COLOR)
        assert frame is not None
        rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        view = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()
        same, other = (FACES_DIR / "reference-obama2.jpg").read_bytes(), (FACES_DIR / "reference-biden.jpg").read_bytes()

        def shot(screen_name: str, widget: Any = None) -> None:
            for w, h in (LANDSCAPE, PORTRAIT):
                path = out / f"door-{screen_name}-{w}x{h}.png"
                grab(widget or term.window, str(path), (w, h))
                shots.append({"role": "kiosk", "screen": f"evaluation-door {screen_name}", "file": path.name, "lang": "zh_CN"})

        def on(page: str, timeout: float = 30) -> bool:
            return _wait(lambda: screen.currentWidget() is screen.pages[page], timeout)

        screen.load_rooms()
        _wait(lambda: bool(screen.counts), 10)
        shot("card")
        for k, expert_id in enumerate(accepted[:4]):
            chip = other if k == 2 else same  # the third one's face is not the card's: the witness decides
            card = _expert_card(experts[expert_id], chip)
            term.ctx.bridge.cardEvent.emit(CardEvent("card", card))
            on("face")
            screen.on_face(FaceUpdate(view, True, "请正视摄像头", "look at the camera"))
            if k == 0:
                shot("face")
            screen.on_face(FaceUpdate(view, True, captured_jpeg=live))
            _wait(lambda: screen.currentWidget() in (screen.pages["result"], screen.pages["pending"]), 60)
            if screen.currentWidget() is screen.pages["pending"]:
                shot("pending")
                term.ctx.bridge.cardEvent.emit(CardEvent("card", _card(STAFF["witness"], "witness")))
                on("clerk")
                screen.note.setText("核对身份证与本人，面部特征一致（眼镜、发型不同），准许入场")
                shot("clerk")
                screen.admit_btn.click()
                on("result")
            if k == 0:
                shot("admitted")
            locker = screen.outcome.locker if screen.outcome is not None else None
            if locker is not None:  # the expert puts the phone in and shuts the door
                _wait(lambda: False, 0.6)  # the person takes a moment; the screens keep running
                shut_by_hand(cfg.devices.lockers, locker, occupied=True)
            screen.finish()
        # the end of the sitting for one of them: the card again, 签退, the locker opens for the phone
        term.ctx.bridge.cardEvent.emit(CardEvent("card", _expert_card(experts[accepted[0]], same)))
        on("inside")
        shot("inside")
        screen.signout_btn.click()
        _wait(lambda: screen.outcome is not None and screen.outcome.result == "signed_out", 20)
        shot("signed-out")
        if screen.outcome is not None and screen.outcome.locker is not None:
            _wait(lambda: False, 0.6)  # the person takes a moment; the screens keep running
            shut_by_hand(cfg.devices.lockers, screen.outcome.locker, occupied=False)
        _wait(lambda: False, 1.0)  # the locker's close is read and journalled (the screens keep running)
        screen.finish()
        board = EvaluationRoomBoard(term.ctx, svc)
        _wait(lambda: bool(board.counts), 10)
        shot("room-board", board)
        board.deleteLater()
        counts = svc.room_counts()
        (out / "experts-door.txt").write_text(
            "评标区入口 evaluation-area door\n" + "\n".join(
                f"{c.room_name}: 已签到 {c.members_in}/{c.members_total}, 已签退 {c.signed_out}, 录像 {c.recording}"
                for c in counts) + "\n", encoding="utf-8")
        shots.append({"role": "kiosk", "screen": "evaluation-door counts", "file": "experts-door.txt"})
    finally:
        stop.set()
        term.stop()
    return shots
