"""人证核验 end to end (issue 16): a kiosk terminal with the real dlib engine, a camera of a person who turns
their head, the platform's reference photo cached as the sync worker caches it — consent, the head-turn
prompt, a match admitted with its slip; the same face against someone else's reference → the counter,
no slip, the clerk's list; a held-up still photo → two failed tries → not compared, the clerk.

With ``HALL_KIOSK_SHOTS`` set to a folder, the consent, head-turn, match and no-match pages are also
saved there as PNG at 1920×1080 and 1080×1920 (to look at them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from devices.camera.face_process import FaceEngineProcess
from devices.camera.headturn import HeadTurnCamera
from devices.idcard.simulator import IdReaderSimulator
from devices.printer.simulator import PrinterSimulator
from hallkiosk.app import Terminal, build_terminal, ensure_qapp, grab
from kiosk.checkin.references import store_reference
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person, reference_photo
from tests.helpers.screens import clipped_texts
from tests.helpers.seeded import seeded_dir

SHOTS = os.environ.get("HALL_KIOSK_SHOTS", "")


def card(i: int) -> IdCard:
    p = person(i)
    return IdCard("resident", p["name"], "男", "1980-01-01", p["id_number"], "2015-01-01", "长期")


def wait(cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.005)
    return cond()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_dir(tmp_path_factory.mktemp("faces-seeded") / "hall")


@pytest.fixture
def kiosk(tmp_path: Path, seeded: Path) -> Iterator[tuple[Terminal, HeadTurnCamera, PrinterSimulator, IdReaderSimulator]]:
    ensure_qapp()
    with IdReaderSimulator() as reader, PrinterSimulator() as printer:
        shutil.copytree(seeded, tmp_path / "hall")
        cfg = load_config(data_dir=tmp_path / "hall", environ={})
        cfg = dataclasses.replace(cfg, devices=dataclasses.replace(
            cfg.devices, id_reader=reader.url, printer=printer.url, camera="synthetic?width=640&height=360&realtime=0"))
        today = dt.datetime.now(BEIJING).date()
        hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING)))
        for i in (0, 6):  # what the sync worker fetched ahead of the session (tests/sync/test_sync_references.py)
            photo = reference_photo(i)
            assert photo is not None
            with hall.unit() as s:
                store_reference(s, hall.vault, cfg.data_dir, hashlib.sha256(photo).hexdigest(), photo, hall.clock.now())
        term = build_terminal(cfg, "kiosk", follow=False, sync=False, hall=hall)
        assert term.checkin is not None and term.checkin.face is not None
        flow = term.checkin.screens["flow"]
        side = {"now": "left"}
        flow.choose_direction = lambda: side["now"]
        camera = HeadTurnCamera(lambda: side["now"], still_frames=10, turn_frames=5)
        term.checkin.face.camera = camera  # a person in front of the kiosk (the configured camera is the outer boundary)
        camera.side = side  # type: ignore[attr-defined]
        term.window.resize(1920, 1080)
        term.window.show()
        try:
            yield term, camera, printer, reader
        finally:
            term.stop()
            term.window.deleteLater()


def shoot(term: Terminal, name: str) -> None:
    assert term.checkin is not None
    flow = term.checkin.screens["flow"]
    for w, h in ((1920, 1080), (1080, 1920)):
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            grab(term.window, str(Path(SHOTS) / f"checkin-face-{name}-{w}x{h}.png"), (w, h))
        else:
            term.window.resize(w, h)
            QApplication.processEvents()
        assert clipped_texts(flow.currentWidget()) == [], (name, w, h)
    term.window.resize(1920, 1080)


@pytest.mark.allow_log_warnings(r"did not stop|camera")
def test_a_live_turn_and_the_platform_reference_admit_and_a_stranger_goes_to_the_counter(kiosk) -> None:
    term, camera, printer, reader = kiosk
    flow = term.checkin.screens["flow"]
    service = term.checkin.service
    term.window.page.open_flow("checkin")
    reader.place_card(card(0))
    assert wait(lambda: flow.currentWidget().name == "consent")
    assert "敏感个人信息" in flow.consent_text.text() and "不保存人脸特征" in flow.consent_text.text()
    assert "服务窗口" in flow.consent_choice.text() and "不同意" in flow.consent_no.text()
    shoot(term, "consent")
    flow.consent_yes.click()
    assert wait(lambda: flow.currentWidget().name == "turn", 15)  # the photo is taken, the prompt shows
    assert "请向左转头" in flow.turn_prompt.text() and "秒" in flow.turn_count.text()
    shoot(term, "turn-left")
    assert wait(lambda: bool(flow.samples) or flow.currentWidget().name == "confirm", 10), "no posed frame arrived"
    assert wait(lambda: flow.currentWidget().name == "confirm", 15)
    assert flow.face.liveness == "passed" and flow.face.jpeg[:2] == b"\xff\xd8"
    assert flow.turn_result is not None and flow.turn_result.turned_deg >= 15
    engine = term.checkin.service.face_engine
    compared_on: list[str] = []
    compare = engine.compare

    def watched_compare(photo: bytes, reference: bytes):
        compared_on.append(threading.current_thread().name)
        return compare(photo, reference)

    engine.compare = watched_compare
    flow.confirm_ok.click()
    assert wait(lambda: flow.print_result is not None, 20)  # dlib's first load and two descriptors, off the UI thread
    assert compared_on == ["jobs-work"]  # must 4: the comparison ran in the check-in's act on the work lane
    out = flow.outcome
    assert out.face.result == "match" and out.face.reference == "platform" and out.face.score < out.face.threshold
    # must 1: the engine was built once, when the terminal started, on a worker lane — never the UI thread
    # it runs in a process of its own (dlib holds the GIL while it computes), started from the job runner's
    # "face" lane (hallkiosk/wiring_checkin.py), and every comparison and head pose went to that one process
    engine = term.checkin.service.face_engine
    assert isinstance(engine, FaceEngineProcess) and engine.started_on == ["jobs-face"], engine.started_on
    assert not out.needs_clerk and flow.print_result.ok and printer.wait_jobs(1)
    shoot(term, "match")
    flow.finish()

    # person 6's platform photo is someone else: the same face does not match
    reader.remove_card()
    wait(lambda: False, 0.7)
    term.window.page.open_flow("checkin")
    reader.place_card(card(6))
    assert wait(lambda: flow.currentWidget().name == "consent")
    camera.side["now"] = "right"
    flow.consent_yes.click()
    assert wait(lambda: flow.currentWidget().name == "turn", 15)
    assert "请向右转头" in flow.turn_prompt.text()
    shoot(term, "turn-right")
    assert wait(lambda: flow.currentWidget().name == "confirm", 15)
    flow.confirm_ok.click()
    assert wait(lambda: flow.currentWidget().name == "counter", 20)
    assert flow.outcome.face.result == "no_match" and flow.outcome.needs_clerk
    assert "服务窗口" in flow.counter_todo.text() and flow.print_job == 0  # no slip for a no_match
    shoot(term, "no-match")
    [pending] = service.pending_confirmations()
    assert pending.face_result == "no_match" and pending.face_reference == "platform"
    flow.finish()


@pytest.mark.allow_log_warnings(r"did not stop|camera")
def test_a_still_photo_fails_twice_and_is_not_compared(kiosk) -> None:
    term, camera, printer, reader = kiosk
    flow = term.checkin.screens["flow"]
    flow.policy = dataclasses.replace(flow.policy, seconds=1.5)  # a short try: the still photo cannot turn anyway
    camera.side["now"] = "none"  # a printed photo held up: the face never turns
    flow.choose_direction = lambda: "left"
    term.window.page.open_flow("checkin")
    reader.place_card(card(0))
    assert wait(lambda: flow.currentWidget().name == "consent")
    flow.consent_yes.click()
    assert wait(lambda: flow.currentWidget().name == "turn", 15)
    assert wait(lambda: flow.attempt == 2, 10)
    assert "请再试一次" in flow.turn_note.text()
    assert wait(lambda: flow.currentWidget().name == "confirm", 10)
    assert flow.face.liveness == "failed" and "活体检测未通过" in flow.confirm_face.text()
    flow.confirm_ok.click()
    assert wait(lambda: flow.print_result is not None, 20)
    assert flow.outcome.face.result == "not_done" and flow.outcome.needs_clerk
    assert "活体检测未通过" in flow.outcome.face.note
