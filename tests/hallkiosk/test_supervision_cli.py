"""``hall-kiosk supervision replay|notes|witness-record`` (docs/rules/supervision.md §6, §4): a moment's
segment and offset and the room's entries with the cursor, from the hall and from an export; the
witness's notes and their 见证记录 page — on a seeded hall (made once for the module), in process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hallkiosk.cli import main
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.recording import Recordings
from kiosk.supervision import SupervisionService
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.pdf import pdf_text
from tests.helpers.replay import add_segment
from tests.helpers.roles import take_roles
from tests.helpers.seeded import TEST_DAY, seeded

S1 = demo_day(TEST_DAY)["sessions"][0]["session_id"]  # KB-03, 09:30
T = dt.datetime.combine(TEST_DAY, dt.time(9, 20), BEIJING)
AT = (T + dt.timedelta(seconds=2, milliseconds=500)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("supervision-cli")
    d = root / "hall"
    hall = Hall.open(seeded(load_config(data_dir=d, environ={})), clock=FixedClock(T))
    try:
        a = add_segment(hall, "KB-03", T, 3, session_id=S1)
        add_segment(hall, "KB-03", T + dt.timedelta(seconds=3), 3, session_id=S1, first_second=3)
        witness = take_roles(hall, S1, ("witness",))["witness"]
        hall.clock.advance(2)  # type: ignore[attr-defined]
        note = SupervisionService(hall).note(witness, S1, "announced", "已见证，纪律宣读完整")
        Recordings(hall).export_clip("KB-03", T, T + dt.timedelta(seconds=6), root / "export")
    finally:
        hall.close()
    return {"dir": str(d), "root": root, "segment": a, "note": note}


def test_replay_a_rooms_moment_gives_the_segment_offset_and_the_entry_the_video_is_at(
        made: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["supervision", "replay", "--room", "KB-03", "--at", AT, "--json", "--data-dir", made["dir"]]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["segment"]["file"] == made["segment"].path and doc["segment"]["offset_s"] == 2.0
    assert not doc["segment"]["gap"]
    here = [e for e in doc["entries"] if e["here"]]
    assert [e["seq"] for e in here] == [made["note"].seq] and here[0]["zh"].startswith("见证（宣布开标纪律）")
    late = (T + dt.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")
    assert main(["supervision", "replay", "--room", "KB-03", "--at", late, "--data-dir", made["dir"]]) == 1
    assert "no recording from this moment" in capsys.readouterr().out


def test_replay_an_export_needs_no_hall(made: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    export = made["root"] / "export"
    assert main(["supervision", "replay", "--export", str(export), "--at", AT, "--data-dir", made["dir"]]) == 0
    out = capsys.readouterr().out
    assert "第 1 段" in out and "@ 2.0 s" in out and str(export) in out


def test_the_witness_notes(made: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["supervision", "notes", S1, "--data-dir", made["dir"]]) == 0
    assert "宣布开标纪律  已见证 seen  已见证，纪律宣读完整" in capsys.readouterr().out
    assert main(["supervision", "notes", S1, "--json", "--data-dir", made["dir"]]) == 0
    (n,) = json.loads(capsys.readouterr().out)
    assert (n["step"], n["irregular"], n["seq"]) == ("announced", False, made["note"].seq) and "*" in n["witness"]


def test_the_witness_record_page(made: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pdf = tmp_path / "w.pdf"
    assert main(["supervision", "witness-record", S1, "--out", str(pdf), "--data-dir", made["dir"]]) == 0
    assert "1 条见证记录" in capsys.readouterr().out
    text = "".join(pdf_text(pdf).split())
    assert text.startswith("见证记录") and "已见证，纪律宣读完整" in text and S1 in text
