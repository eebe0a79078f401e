"""The demo tour of the supervision room (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_supervision.py`` builds the wall; this drives it. The tour
uses a hall of its own (the demo day seeded into a temporary directory, on a fixed clock), so its
alerts do not depend on the hour the demo runs: six rooms (two opening rooms, the auction hall, the
second evaluation room, the service hall, the expert-draw room), each with a synthetic camera;
the 10:00 opening is under way, the 09:30 one late. Three alerts are raised (the late opening, a
camera gap in the live opening's room, its microphone turned off) and the
supervisor, signed in by ID card, acknowledges each with a note, orders a pause of the live opening
and lifts it; the witness, signed in by card on the wall's 见证 tab, ticks steps as seen and notes an
irregularity; the supervisor jumps from the microphone alert to its moment in the room's recording
(written for the tour from the synthetic camera on the tour's clock, the camera gap left out), and the
witness's notes are printed as the record's 见证记录 page (PDF and its PNG).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.hall import Hall
from kiosk.ports import CardEvent, IdCard
from kiosk.timeutil import BEIJING

EXTRA_ROOMS = (("PB-02", "第二评标室", "evaluation"), ("CQ-01", "专家抽取室", "extraction"))
REC_FPS, REC_SIZE, REC_SEGMENT_S = 5, (480, 270), 20


def record_room(hall: Hall, room: str, session_id: str | None, start: dt.datetime, spans: list[tuple[int, int]]) -> int:
    """Write the room's camera-0 recording for ``spans`` (seconds after ``start``) from the synthetic camera,
    stamped with the tour's clock, in segments of ``REC_SEGMENT_S``, and catalogue each as the recorder does.
    Returns the number of segments."""
    from devices.camera.synthetic import SyntheticCamera
    from devices.recording import PyAVEncoder
    from devices.recording.segments import sha256_file
    from kiosk.recording import catalogue as cat

    cam = SyntheticCamera(*REC_SIZE, fps=REC_FPS, realtime=False, seed=3)
    folder = hall.config.data_dir / "recordings" / room
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for lo, hi in spans:
        for s0 in range(lo, hi, REC_SEGMENT_S):
            s1 = min(hi, s0 + REC_SEGMENT_S)
            at0 = start + dt.timedelta(seconds=s0)
            path = folder / f"0_{at0:%H%M%S}_tour.mp4"
            enc = PyAVEncoder()
            enc.open(path, REC_SIZE[0], REC_SIZE[1], REC_FPS, None)
            for i in range((s1 - s0) * REC_FPS):
                enc.write_video(cam.render(s0 * REC_FPS + i, at0.timestamp() + i / REC_FPS), i)
            enc.close()
            sha, size = sha256_file(path)
            with hall.unit() as s:
                cat.register_segment(s, hall.journal, room_code=room, camera="0", session_id=session_id, path=path,
                                     started_at=at0, ended_at=start + dt.timedelta(seconds=s1),
                                     frames=(s1 - s0) * REC_FPS, has_audio=False, size=size, sha256=sha,
                                     data_dir=hall.config.data_dir)
            n += 1
    return n


def _card(entry: dict[str, str]) -> IdCard:
    return IdCard(card_type="resident", name=entry["name"], gender="男", birth_date=entry["id_number"][6:14],
                  id_number=entry["id_number"], valid_from="2020-01-01", valid_until="长期")


def staff_card(hall: Hall, session_id: str, role: str) -> IdCard:
    """The appointee's card (the demo day's staff are ``sync.sandbox.seed.STAFF_PEOPLE``)."""
    from kiosk.db.models_staffing import PfSessionStaff
    from sync.sandbox.seed import STAFF_PEOPLE, staff_person

    with hall.reading() as s:
        name = s.scalar(select(PfSessionStaff.name).where(PfSessionStaff.session_id == session_id,
                                                           PfSessionStaff.role == role))
    i = [p[0] for p in STAFF_PEOPLE].index(str(name))
    return _card(staff_person(i, role))


def _spin(seconds: float, until: Any = None) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        if until is not None and until():
            return
        time.sleep(0.01)


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import seed_demo
    from hallkiosk.pdfpages import page_png
    from kiosk.db.models import Room
    from kiosk.opening import OpeningService
    from kiosk.recording import catalogue as cat
    from kiosk.staffing import StaffingService
    from kiosk.supervision import SupervisionService
    from kiosk.supervision.witness_record import witness_pdf
    from sync.sandbox.seed import demo_day
    from ui.stall import unmeasured

    ensure_qapp(headless=True)
    shots: list[dict[str, str]] = []
    rooms = ("KB-03", "KB-01", "PM-01", "FW-01") + tuple(r[0] for r in EXTRA_ROOMS)
    home = Path(tempfile.mkdtemp(prefix="supervision-tour-"))  # a hall of its own, deleted at the end
    scfg = dataclasses.replace(
        cfg, data_dir=home / "hall",
        database=dataclasses.replace(cfg.database, url=""),
        site=dataclasses.replace(cfg.site, terminal_id="SUPERVISION-DEMO", room_code=""),
        platform=dataclasses.replace(cfg.platform, url=""),
        supervision=dataclasses.replace(cfg.supervision, cameras=",".join(f"{r}=synthetic" for r in rooms)),
    )
    scfg.data_dir.mkdir(parents=True, exist_ok=True)
    with unmeasured():  # seeding a hall of its own is the tour's set-up, not a user's wait
        seed_demo(scfg)
    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    s1, s2 = day["sessions"][0]["session_id"], day["sessions"][1]["session_id"]  # KB-03 09:30, KB-01 10:00
    start2 = dt.datetime.combine(today, dt.time(10, 0), BEIJING)
    hall = Hall.open(scfg, clock=FixedClock(start2 - dt.timedelta(minutes=5)))
    with hall.unit() as s:
        for code, name, kind in EXTRA_ROOMS:
            if s.get(Room, code) is None:
                s.add(Room(code=code, name=name, kind=kind))
    staffing, opening, svc = StaffingService(hall), OpeningService(hall), SupervisionService(hall)
    host = staffing.take_role(s2, "host", card=staff_card(hall, s2, "host"))
    with hall.unit() as s:  # the rooms' recorders started with their sessions (as wiring_recording journals it)
        for room, sid in (("KB-03", s1), ("KB-01", s2)):
            cat.journal_started(s, hall.journal, room_code=room, session_id=sid, reason="场次开始", operator=None,
                                cameras=["0"])
    opening.announce(s2, host)
    hall.clock.set(start2)  # type: ignore[attr-defined]
    opening.publish_bidders(s2, host)
    hall.clock.advance(40)  # type: ignore[attr-defined]
    with hall.unit() as s:  # an admin turns KB-01's microphone off during the live opening (G87 §39 wants sound)
        cat.microphone_order(s, hall.journal, room_code="KB-01", on=False, reason="现场啸叫", operator="admin")
    with hall.unit() as s:  # the recorder of KB-01 lost 40 s of camera 0 during the live opening
        cat.note_gap(s, hall.journal, room_code="KB-01", camera="0", session_id=s2,
                     from_at=start2 + dt.timedelta(seconds=80), to_at=start2 + dt.timedelta(seconds=100))
    with unmeasured():  # the room's recording of those two minutes, less the gap (the tour's set-up)
        record_room(hall, "KB-01", s2, start2 - dt.timedelta(seconds=20), [(0, 100), (120, 140)])
    hall.clock.set(start2 + dt.timedelta(minutes=2))  # type: ignore[attr-defined]
    term = build_terminal(scfg, "supervisor", follow=True, devices=False, sync=False, hall=hall)
    try:
        wiring = term.supervision
        assert wiring is not None and wiring.wall is not None
        wall = wiring.wall

        def shoot(name: str, sizes: tuple[tuple[int, int], ...] = ((1920, 1080), (3840, 2160))) -> None:
            for w, h in sizes:
                path = out / f"supervision-{name}-{w}x{h}.png"
                grab(term.window, str(path), (w, h))
                shots.append({"role": "supervisor", "screen": name, "file": path.name})

        term.window.resize(1920, 1080)
        term.window.show()
        _spin(20, lambda: len(wall.alerts) >= 3 and all(t.frames > 0 for t in wall.tiles.values()))
        shoot("1-alerts")
        wall.select_room("KB-01")
        _spin(5, lambda: wall.signin.ready and not wall.signin.busy)
        wall.signin.arm("supervisor")
        term.ctx.bridge.post_card_event(CardEvent("card", staff_card(hall, s2, "supervisor")))
        _spin(10, lambda: wall.supervisor() is not None and wall.ack.isEnabled())
        notes = {"opening_late": "已电话联系主持人：投标人代表在途，10:15 前开始",
                 "recording_gap": "已通知技术人员检查 0 号摄像机，录像已恢复",
                 "microphone": "已要求管理员立即恢复麦克风，啸叫已排除"}
        for _ in range(10):
            open_ = [(i, a) for i, a in enumerate(wall.alerts) if not a.acked]
            if not open_:
                break
            i, a = open_[0]
            wall.alert_list.setCurrentRow(i)
            wall.note.setText(notes.get(a.alert.rule, "已处理"))
            wall.ack.click()
            _spin(5, lambda seq=a.seq: any(x.seq == seq and x.acked for x in wall.alerts) and wall.ack.isEnabled())
        wall.reason.setText("投标人现场投诉开标程序，暂停核查")
        wall.pause_btn.click()
        _spin(5, lambda: wall.tiles["KB-01"].pause.isVisibleTo(wall.tiles["KB-01"]))
        shoot("2-paused")
        wall.open_room("KB-01")
        _spin(3, lambda: wall.full_tile.frames > 0)
        shoot("3-full-view")
        wall.show_grid()
        hall.clock.advance(8 * 60)  # type: ignore[attr-defined]
        wall.reason.setText("核查完毕，投诉不成立，继续开标")
        _spin(5, lambda: wall.resume_btn.isEnabled())
        wall.resume_btn.click()
        _spin(5, lambda: not wall.tiles["KB-01"].pause.isVisibleTo(wall.tiles["KB-01"]))
        shoot("4-resumed")
        # the witness's console (the wall's 见证 tab): signs in by card, ticks steps, notes an irregularity
        panel = wall.witness
        wall.tabs.setCurrentWidget(panel)
        _spin(5, lambda: panel.signin.ready and not panel.signin.busy and panel.steps.count() > 0)
        panel.signin.arm("witness")
        term.ctx.bridge.post_card_event(CardEvent("card", staff_card(hall, s2, "witness")))
        _spin(10, lambda: panel.signin.holder("witness") is not None and panel.seen.isEnabled())
        codes = [str(panel.steps.item(i).data(256)) for i in range(panel.steps.count())]  # Qt.UserRole
        for code, text, odd in (("announced", "已见证：主持人宣读开标纪律，投标人代表在场", False),
                                ("bidders", "监督人暂停期间主持人未继续操作，暂停 8 分钟后恢复，按原顺序继续公布", False),
                                ("bidders", "公布投标人时投影画面中断约 1 分钟，主持人口头复述", True)):
            panel.steps.setCurrentRow(codes.index(code))
            panel.text.setText(text)
            before = len(panel.notes)
            (panel.irregular if odd else panel.seen).click()
            _spin(5, lambda n=before: len(panel.notes) > n and panel.seen.isEnabled())
        shoot("5-witness", ((1920, 1080), (1080, 1920)))
        wall.tabs.setCurrentIndex(0)
        # a replay jump from an alert: the microphone turned off, at its moment in KB-01's recording
        replay = wiring.replay
        mic = next(i for i, a in enumerate(wall.alerts) if a.alert.rule == "microphone")
        wall.alert_list.setCurrentRow(mic)
        wall.replay_alert.click()
        _spin(10, lambda: replay.frames_shown > 2 and replay.replay is not None)
        replay.toggle_play()  # hold the frame of the moment for the pictures
        _spin(1)
        shoot("6-replay", ((1920, 1080), (1080, 1920)))
        replay.close_replay()
        _spin(1)
        seen = svc.notes(s2)
        (out / "supervision-notes.txt").write_text("\n".join(
            f"{n.at.astimezone(BEIJING):%H:%M} {n.step_zh}：{n.text}（{n.witness}）" for n in seen) + "\n",
            encoding="utf-8")
        shots.append({"role": "supervisor", "screen": "witness-notes", "file": "supervision-notes.txt"})
        pdf, _sha = witness_pdf(seen, session_id=s2, title=day["sessions"][1].get("title", ""), site=scfg.site.name)
        (out / "supervision-witness-record.pdf").write_bytes(pdf)
        shots.append({"role": "supervisor", "screen": "witness-record-pdf", "file": "supervision-witness-record.pdf"})
        (out / "supervision-witness-record.png").write_bytes(page_png(out / "supervision-witness-record.pdf", 1, 110))
        shots.append({"role": "supervisor", "screen": "witness-record", "file": "supervision-witness-record.png"})
    finally:
        term.stop()
        shutil.rmtree(home, ignore_errors=True)
    return shots


if __name__ == "__main__":  # python -m hallkiosk.tours.supervision OUT_DIR
    import sys

    from kiosk.config import load_config

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output")
    target.mkdir(parents=True, exist_ok=True)
    for shot in tour(load_config(data_dir=target / "tour-hall", environ={}), target):
        print(shot["file"])
