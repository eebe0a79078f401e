"""D11 (issue 15): sound is recorded by default in opening and auction rooms (财政部令第87号 §39); an
admin turns a microphone off only with a reason, journalled; a room that must record sound and has no
microphone says so. The recorder is built as a terminal builds it, its threads are not started."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from hallkiosk.cli import main
from hallkiosk.wiring_recording import RoomRecorder
from kiosk.config import load_config
from kiosk.db.models import Room
from kiosk.hall import Hall
from kiosk.journal import Entry, entries_after
from kiosk.recording import ReasonRequired, Recordings
from tests.helpers.seeded import seeded

ENV = {"HALL_KIOSK__RECORDING__CAMERAS": "synthetic?width=320&height=240&fps=10", "HALL_KIOSK__SITE__ROOM_CODE": "KB-03",
       "HALL_KIOSK__RECORDING__WIDTH": "320", "HALL_KIOSK__RECORDING__HEIGHT": "240", "HALL_KIOSK__RECORDING__FPS": "10"}


def _hall(tmp_path: Path, microphone: str) -> Hall:
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={**ENV, "HALL_KIOSK__RECORDING__MICROPHONE": microphone}))
    return Hall.open(cfg)


def _entries(hall: Hall, kind: str) -> list[Entry]:
    with hall.reading() as s:
        return entries_after(s, 0, kinds=(kind,))


def test_an_opening_room_records_sound_by_default_and_an_admin_turns_it_off_only_with_a_reason(tmp_path: Path) -> None:
    hall = _hall(tmp_path, "synthetic")
    try:
        rec = RoomRecorder.from_config(hall)
        rec.cameras[0].audio = None  # as if an earlier order had turned it off
        rec.start(None, "test")
        assert rec.cameras[0].audio is rec.audio is not None and rec.mic_alarm is None
        rec.stop("test")
        with pytest.raises(ReasonRequired):
            Recordings(hall).set_microphone("KB-03", False, "  ", "admin")
        Recordings(hall).set_microphone("KB-03", False, "投标人代表要求不录音（已经监督人同意）", "admin")
        rec.handle(_entries(hall, "recording.microphone"))
        assert rec.cameras[0].audio is None
        assert Recordings(hall).microphone("KB-03") == (True, False, "投标人代表要求不录音（已经监督人同意）")
        rec.start(None, "again")  # the order holds across a new start
        assert rec.cameras[0].audio is None
        rec.stop("test")
    finally:
        hall.close()


def test_a_room_that_must_record_sound_without_a_microphone_is_journalled_and_raised(tmp_path: Path) -> None:
    hall = _hall(tmp_path, "")
    try:
        rec = RoomRecorder.from_config(hall)
        rec.start(None, "test")
        assert rec.mic_alarm is not None and "麦克风" in rec.mic_alarm[0]
        assert rec.status().mic_alarm == rec.mic_alarm
        assert [e.payload["room_code"] for e in _entries(hall, "recording.microphone_missing")] == ["KB-03"]
        rec.stop("test")
        with hall.unit() as s:
            s.get(Room, "KB-03").kind = "service"  # a service hall need not record sound
        rec.start(None, "test")
        assert rec.mic_alarm is None
        rec.stop("test")
    finally:
        hall.close()


def test_the_cli_turns_the_microphone_off_only_for_an_admin_with_a_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hall = _hall(tmp_path, "synthetic")
    hall.close()
    where = ["--data-dir", str(tmp_path / "hall")]

    def run(pin: str, *args: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(pin + "\n"))
        return main(["recording", "microphone", *args, *where])

    assert run("123456", "off", "--room", "KB-03", "--operator", "admin") == 2  # no reason
    assert run("333333", "off", "--room", "KB-03", "--reason", "x", "--operator", "clerk") == 1  # not an admin
    assert run("", "off", "--room", "KB-03", "--reason", "x", "--operator", "admin") == 1  # no PIN
    assert run("123456", "off", "--room", "KB-03", "--reason", "设备检修", "--operator", "admin") == 0
    hall = _hall(tmp_path, "synthetic")
    try:
        [order] = _entries(hall, "recording.microphone")
        assert order.payload == {"room_code": "KB-03", "on": False, "reason": "设备检修", "operator": "admin"}
    finally:
        hall.close()
