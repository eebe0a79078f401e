"""Check-in in a real terminal: simulated reader, printer and camera through the real drivers and
threads; attendance updated from another process on SQLite and on a shared PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from devices.idcard.simulator import IdReaderSimulator
from devices.printer.simulator import PrinterSimulator
from hallkiosk.app import Terminal, build_terminal, ensure_qapp
from hallkiosk.wiring_checkin import build_face_matcher
from kiosk.clock import FixedClock
from kiosk.config import CheckinConfig, Config, load_config
from kiosk.hall import Hall
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded as seed_hall
from tests.helpers.seeded import seeded_dir

ROOT = Path(__file__).resolve().parents[2]


def card(i: int, valid_until: str = "长期") -> IdCard:
    p = person(i)
    return IdCard("resident", p["name"], "男", "1980-01-01", p["id_number"], "2015-01-01", valid_until)


def wait(cond: Callable[[], bool], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.005)
    return cond()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_dir(tmp_path_factory.mktemp("checkin-seeded") / "hall")


@pytest.fixture
def sims() -> Iterator[tuple[IdReaderSimulator, PrinterSimulator]]:
    with IdReaderSimulator() as reader, PrinterSimulator() as printer:
        yield reader, printer


def kiosk(tmp_path: Path, reader: IdReaderSimulator, printer: PrinterSimulator, when=(8, 50),  # type: ignore[no-untyped-def]
          camera: str = "synthetic?width=640&height=360&realtime=0", *, seeded: Path, face_engine: str = "none") -> Terminal:
    """A kiosk terminal; without a face engine by default (no head turn: the synthetic camera's face
    sways but never turns; the engine's flow is tests/hallkiosk/test_checkin_faces_e2e.py)."""
    ensure_qapp()
    shutil.copytree(seeded, tmp_path / "hall")
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    cfg = dataclasses.replace(cfg, devices=dataclasses.replace(cfg.devices, id_reader=reader.url, printer=printer.url, camera=camera),
                              checkin=dataclasses.replace(cfg.checkin, face_engine=face_engine))
    today = dt.datetime.now(BEIJING).date()
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(*when), BEIJING)))
    term = build_terminal(cfg, "kiosk", follow=False, sync=False, hall=hall)
    term.window.resize(1920, 1080)
    term.window.show()
    return term


def close(term: Terminal) -> None:
    term.stop()
    term.window.deleteLater()


@pytest.mark.allow_log_warnings(r"did not stop|camera")
def test_card_on_reader_to_slip_printed(tmp_path: Path, sims, seeded: Path) -> None:  # type: ignore[no-untyped-def]
    reader, printer = sims
    term = kiosk(tmp_path, reader, printer, seeded=seeded)
    try:
        flow = term.checkin.screens["flow"]
        term.window.page.open_flow("checkin")
        QApplication.processEvents()
        reader.place_card(card(0))
        assert wait(lambda: flow.currentWidget().name == "consent")
        assert "张*" in flow.consent_who.text() and person(0)["id_number"] not in flow.consent_who.text()
        flow.consent_yes.click()
        assert wait(lambda: flow.currentWidget().name == "confirm", 15)
        assert flow.face.status == "captured" and flow.face.jpeg[:2] == b"\xff\xd8"
        assert "张*" in flow.confirm_who.text() and person(0)["id_number"] not in flow.confirm_who.text()
        flow.confirm_ok.click()
        assert wait(lambda: flow.print_result is not None, 10)
        assert flow.print_result.ok and printer.wait_jobs(1)
        job = printer.jobs[0]
        assert b"\x1d(k" in job  # native QR of the opaque token
        assert "签到单".encode("gb18030") in job and "张伟".encode("gb18030") not in job
        assert "请取走签到单" in flow.done_print.text()
        flow.done_home.click()
        assert term.window.page.currentWidget() is term.window.page.home and flow.card is None
    finally:
        close(term)


@pytest.mark.allow_log_warnings(r"did not stop|camera")
def test_printer_failure_keeps_checkin_and_shows_slip(tmp_path: Path, sims, seeded: Path) -> None:  # type: ignore[no-untyped-def]
    reader, printer = sims
    printer.paper_out = True
    term = kiosk(tmp_path, reader, printer, when=(12, 30), camera="", seeded=seeded)
    try:
        flow = term.checkin.screens["flow"]
        term.window.page.open_flow("checkin")
        QApplication.processEvents()
        reader.place_card(card(15))
        assert wait(lambda: flow.currentWidget().name == "consent")
        flow.consent_yes.click()
        assert wait(lambda: flow.currentWidget().name == "confirm")
        assert flow.face.status == "camera_missing" and "工作人员" in flow.confirm_face.text()
        flow.confirm_ok.click()
        assert wait(lambda: flow.print_result is not None, 10)
        assert not flow.print_result.ok and "缺纸" in flow.done_error.text()
        assert flow.done_scroll.isVisible() and not flow.done_slip.pixmap().isNull()
        assert flow.done_paddle.text() == "01"
        att = term.checkin.service.attendance(flow.outcome.accepted[0].session_id)
        assert att.present == 1 and att.rows[[r.present for r in att.rows].index(True)].needs_confirmation
    finally:
        close(term)


@pytest.mark.allow_log_warnings(r"did not stop|camera")
def test_idle_reset_wipes_personal_data(tmp_path: Path, sims, seeded: Path) -> None:  # type: ignore[no-untyped-def]
    reader, printer = sims
    term = kiosk(tmp_path, reader, printer, camera="", seeded=seeded)
    try:
        flow = term.checkin.screens["flow"]
        term.window.page.open_flow("checkin")
        QApplication.processEvents()
        reader.place_card(card(0, valid_until="2020-01-01"))  # an expired card (a banned entity is admitted at an opening: D6)
        assert wait(lambda: flow.currentWidget().name == "refusal")
        assert "2020-01-01" in flow.refusal_detail.text()
        term.window._on_idle()
        texts = " ".join(lab.text() for lab in flow.findChildren(type(flow.refusal_detail)))
        assert "2020-01-01" not in texts and "张" not in texts and flow.card is None and flow.evaluation is None
        assert term.window.page.currentWidget() is term.window.page.home
    finally:
        close(term)


@pytest.mark.allow_log_warnings(r"face match models not usable")
def test_face_matcher_not_configured_and_broken_models(tmp_path: Path) -> None:
    assert build_face_matcher(CheckinConfig(face_engine="none"))[0] is None
    assert build_face_matcher(CheckinConfig(face_engine="sface"))[0] is None
    m, note = build_face_matcher(CheckinConfig(face_engine="vendor-x"))
    assert m is None and "vendor-x" in note
    empty = tmp_path / "models"
    empty.mkdir()
    m, note = build_face_matcher(CheckinConfig(face_engine="sface", face_model_dir=str(empty)))
    assert m is None and "缺少" in note
    (empty / "face_detection_yunet_2023mar.onnx").write_bytes(b"not onnx")
    (empty / "face_recognition_sface_2021dec.onnx").write_bytes(b"not onnx")
    m, note = build_face_matcher(CheckinConfig(face_engine="sface", face_model_dir=str(empty)))
    assert m is None and "无法加载" in note


def test_dlib_is_the_default_engine_and_loads_only_when_used() -> None:
    m, note = build_face_matcher(CheckinConfig())
    assert m is not None and note == ""
    assert m.name == "dlib-resnet" and m.threshold == 0.6
    assert not m.loaded  # type: ignore[attr-defined]  # a LazyFaceEngine: nothing loaded while a terminal is built
    m2, _ = build_face_matcher(CheckinConfig(face_match_threshold=0.5))
    assert m2 is not None and m2.threshold == 0.5


# --- attendance across processes -------------------------------------------------------------------

CHILD = r"""
import json, sys, time
from kiosk.checkin import CheckinService
from kiosk.config import load_config
from kiosk.hall import Hall
cfg = load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={})
hall = Hall.open(cfg, migrate=False)
svc = CheckinService(hall)
print("ready", flush=True)
sys.stdin.readline()
out = svc.manual_check_in(operator="clerk", session_id=sys.argv[3], registration_id=sys.argv[4], person_name=sys.argv[5],
                          id_number=sys.argv[6], reason="读卡器故障", overrides=["window_not_open", "window_closed"])
t = time.time()
print(json.dumps({"committed_at": t, "ok": bool(out.accepted)}), flush=True)
hall.close()
"""


def _attendance_delay(cfg: Config) -> float:
    ensure_qapp()
    term = build_terminal(cfg, "host", follow=True, devices=False, sync=False)
    try:
        tab = term.checkin.screens["attendance"]
        assert wait(lambda: not tab.loader.inflight and tab.pick.currentData() is not None)
        sid = tab.pick.currentData()
        reg = next(r for r in term.checkin.service.search("张伟") if r.session_id == sid)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(cfg.data_dir), cfg.database.url, sid, reg.registration_id, "张伟",
             person(0)["id_number"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert child.stdout.readline().strip() == "ready"
            assert wait(lambda: tab.current is not None and not tab.loader.inflight)
            assert tab.current.present == 0
            child.stdin.write("go\n")
            child.stdin.flush()
            assert wait(lambda: tab.current is not None and tab.current.present == 1, 10)
            seen = time.time()
            msg = json.loads(child.stdout.readline())
            assert msg["ok"]
        finally:
            child.stdin.close()
            child.stdout.close()
            child.wait(10)
        assert tab.table.item([tab.table.item(r, 0).text() for r in range(tab.table.rowCount())].index("已签到"), 2).text() == "张*"
        return seen - msg["committed_at"]
    finally:
        term.stop()
        term.window.deleteLater()


@pytest.mark.timing
def test_attendance_live_from_another_process_sqlite(tmp_path: Path, seeded: Path) -> None:
    shutil.copytree(seeded, tmp_path / "hall")
    delay = _attendance_delay(load_config(data_dir=tmp_path / "hall", environ={}))
    assert delay < 0.25, f"attendance updated {delay * 1000:.0f} ms after the other process committed"


@pytest.mark.timing
@pytest.mark.postgres
def test_attendance_live_from_another_process_postgres(tmp_path: Path, pg_url: str) -> None:
    delay = _attendance_delay(seed_hall(load_config(data_dir=tmp_path / "hall", db_url=pg_url, environ={})))
    assert delay < 0.25, f"attendance updated {delay * 1000:.0f} ms after the other process committed"


def test_cli_list_and_manual(tmp_path: Path, seeded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from hallkiosk.cli import main

    d = tmp_path / "hall"
    shutil.copytree(seeded, d)
    assert main(["checkin", "search", "张伟", "--json", "--data-dir", str(d)]) == 0
    [reg] = json.loads(capsys.readouterr().out)
    args = ["checkin", "manual", "--session", reg["session_id"], "--registration", reg["registration_id"], "--name", "张伟",
            "--reason", "读卡器故障", "--operator", "clerk", "--id-number-stdin", "--json", "--data-dir", str(d),
            "--override", "window_not_open", "--override", "window_closed"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(person(0)["id_number"] + "\n"))
    assert main(args) == 1  # no clerk's PIN first (issue 15): refused, nothing recorded
    monkeypatch.setattr(sys, "stdin", io.StringIO("333333\n" + person(0)["id_number"] + "\n"))
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] and out["checkins"][0]["checkin_no"] == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("333333\n" + person(0)["id_number"] + "\n"))
    assert main([*args[:11], "nobody", *args[12:]]) == 1  # an unknown account: refused like a wrong PIN
    assert main(["checkin", "list", "--session", reg["session_id"], "--json", "--data-dir", str(d)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["present"] == 1 and listed["rows"][0]["person"] == "张*" and listed["rows"][0]["method"] == "manual"
    assert person(0)["id_number"] not in json.dumps(listed)
