"""The room recorder as the app runs it: sessions drive it, admins start/stop it, a kill loses ≤ one segment."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from hallkiosk.cli import main
from hallkiosk.threads import Threads
from hallkiosk.wiring_recording import RoomRecorder, should_record
from kiosk.config import load_config
from kiosk.db.models import JournalEntry, PfSession
from kiosk.hall import Hall
from kiosk.recording import Recordings, SegmentInfo

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "HALL_KIOSK__RECORDING__CAMERAS": "synthetic?width=320&height=240&fps=10",
    "HALL_KIOSK__RECORDING__MICROPHONE": "synthetic",
    "HALL_KIOSK__RECORDING__WIDTH": "320",
    "HALL_KIOSK__RECORDING__HEIGHT": "240",
    "HALL_KIOSK__RECORDING__FPS": "10",
    "HALL_KIOSK__RECORDING__SEGMENT_SECONDS": "1",
    "HALL_KIOSK__RECORDING__STOP_GRACE_SECONDS": "0",
    "HALL_KIOSK__SITE__ROOM_CODE": "KB-03",
}


def _hall(tmp_path: Path) -> Hall:
    return Hall.open(load_config(data_dir=tmp_path / "data", environ=dict(ENV)))


def _add_session(hall: Hall, session_id: str = "S-20261127-001", room: str = "KB-03") -> None:
    with hall.unit() as s:
        s.add(PfSession(session_id=session_id, feed_key=session_id, version=1, kind="bid_opening", room_code=room,
                        room_name="第三开标室", starts_at=hall.clock.now(), title="某道路改造工程", trade_type="GCJS",
                        quorum=3, data={}))


def _segments(hall: Hall) -> list[SegmentInfo]:
    return sorted(Recordings(hall).segments(include_deleted=True), key=lambda x: (x.camera, x.segment_no))


def _kinds(hall: Hall) -> list[str]:
    with hall.reading() as s:
        return list(s.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)))


def test_who_records() -> None:
    cfg = load_config(data_dir=Path("/tmp/x"), environ=dict(ENV))
    assert should_record(cfg, "host") and should_record(cfg, "admin") and not should_record(cfg, "kiosk")
    plain = load_config(data_dir=Path("/tmp/x"), environ={"HALL_KIOSK__SITE__ROOM_CODE": "KB-03"})
    assert not should_record(plain, "host")


def test_session_entries_start_recording_become_markers_and_close_stops(tmp_path: Path) -> None:
    hall = _hall(tmp_path)
    threads = Threads()
    try:
        _add_session(hall)
        rec = RoomRecorder.from_config(hall)
        for name, loop in rec.loops():
            threads.start(name, loop)
        with hall.unit() as s:
            stage = hall.journal.append(s, "opening.stage", {"session_id": "S-20261127-001", "stage": "唱标"})
            hall.journal.append(s, "opening.stage", {"session_id": "S-OTHER-ROOM", "stage": "x"})
        deadline = time.monotonic() + 10
        while len(_segments(hall)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rec.recording and rec.session_id == "S-20261127-001"
        with hall.unit() as s:
            closed = hall.journal.append(s, "opening.closed", {"session_id": "S-20261127-001"})
        deadline = time.monotonic() + 10
        while rec.recording and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not rec.recording
    finally:
        threads.stop(10)
    segs = _segments(hall)
    assert len(segs) >= 2 and {s.session_id for s in segs} == {"S-20261127-001"}
    assert [s.segment_no for s in segs] == list(range(1, len(segs) + 1))
    assert all(b.prev_sha256 == a.sha256 for a, b in zip(segs, segs[1:], strict=False))
    marks = Recordings(hall).markers("KB-03")
    assert [(m.kind, m.source_seq) for m in marks] == [("opening.stage", stage.seq), ("opening.closed", closed.seq)]
    assert "唱标" in marks[0].label
    kinds = _kinds(hall)
    assert kinds.count("recording.started") == 1 and kinds.count("recording.stopped") == 1
    with hall.reading() as s:
        payloads = [json.loads(p) for p in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "recording.started"))]
    assert payloads[0]["reason"].startswith("opening.stage #") and payloads[0]["room_code"] == "KB-03"
    assert hall.verify_journal().ok
    hall.close()


def test_an_auction_room_stops_when_the_session_closes_and_its_paperwork_does_not_restart_it(tmp_path: Path) -> None:
    """An auction has no signed record of the whole session: the recorder stops on
    ``auction.session_closed`` (the auction journals it when its last lot closes). A 成交确认书 signed
    after it is a marker on the recording, not a new start; a lot opened later starts it again."""
    hall = _hall(tmp_path)
    threads = Threads()
    sid = "S-20261127-009"

    def wait(cond) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 10
        while not cond() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cond()

    try:
        _add_session(hall, sid)
        rec = RoomRecorder.from_config(hall)
        for name, loop in rec.loops():
            threads.start(name, loop)
        with hall.unit() as s:
            hall.journal.append(s, "auction.lot_opened", {"session_id": sid, "lot_code": "L-0001"})
        wait(lambda: rec.recording)
        with hall.unit() as s:
            hall.journal.append(s, "auction.session_closed", {"session_id": sid, "lots": 1, "sold": 0, "unsold": 1,
                                                              "terminated": 0})
        wait(lambda: not rec.recording)
        with hall.unit() as s:
            signed = hall.journal.append(s, "auction.confirmation_signed", {"session_id": sid, "lot_code": "L-0001"})
        wait(lambda: any(m.source_seq == signed.seq for m in Recordings(hall).markers("KB-03")))
        time.sleep(0.3)
        assert not rec.recording
        with hall.unit() as s:
            hall.journal.append(s, "auction.lot_opened", {"session_id": sid, "lot_code": "L-0002"})
        wait(lambda: rec.recording)
    finally:
        threads.stop(10)
    kinds = _kinds(hall)
    assert kinds.count("recording.started") == 2 and kinds.count("recording.stopped") == 2
    hall.close()


def test_admin_starts_and_stops_by_hand_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hall = _hall(tmp_path)
    with hall.unit() as s:
        hall.operators.add(s, "admin", "系统管理员", "admin", "123456", by="test")
        hall.operators.add(s, "clerk", "窗口", "clerk", "333333", by="test")
    threads = Threads()
    try:
        rec = RoomRecorder.from_config(hall)
        for name, loop in rec.loops():
            threads.start(name, loop)
        common = ["--data-dir", str(tmp_path / "data")]
        os.environ.update(ENV)
        try:
            def start(reason: str, operator: str, pin: str) -> int:
                monkeypatch.setattr(sys, "stdin", io.StringIO(pin + "\n"))
                return main(["recording", "start", *common, "--room", "KB-03", "--reason", reason, "--operator", operator])

            assert start("", "admin", "123456") == 2
            assert start("调试", "clerk", "333333") == 1  # not an admin: refused (issue 15: no bare --operator)
            assert start("开标前检查设备", "admin", "000000") == 1  # a wrong PIN
            assert start("开标前检查设备", "admin", "123456") == 0
            deadline = time.monotonic() + 5
            while not rec.recording and time.monotonic() < deadline:
                time.sleep(0.05)
            assert rec.recording and rec.manual
            time.sleep(1.3)
            monkeypatch.setattr(sys, "stdin", io.StringIO("123456\n"))
            assert main(["recording", "stop", *common, "--room", "KB-03", "--reason", "检查完毕", "--operator", "admin"]) == 0
            deadline = time.monotonic() + 5
            while rec.recording and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not rec.recording
        finally:
            for k in ENV:
                os.environ.pop(k, None)
    finally:
        threads.stop(10)
    with hall.reading() as s:
        rows = s.execute(select(JournalEntry.kind, JournalEntry.payload).where(JournalEntry.kind.like("recording.st%"))).all()
    got = [(k, json.loads(p)["reason"], json.loads(p)["operator"]) for k, p in rows]
    assert got == [("recording.started", "手动：开始前检查设备".replace("开始前", "开标前"), "admin"),
                   ("recording.stopped", "手动：检查完毕", "admin")]
    assert _segments(hall)
    hall.close()


@pytest.mark.allow_log_warnings(r"quarantined")
def test_kill_mid_segment_loses_at_most_the_open_segment(tmp_path: Path) -> None:
    env = {**os.environ, **ENV, "HALL_KIOSK__RECORDING__SEGMENT_SECONDS": "2"}
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "hallkiosk", "recording", "run", "--data-dir", str(data), "--start", "测试"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        hall = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (data / "hall.db").exists():
                try:  # the child may still be migrating: its tables may not be there yet
                    hall = hall or Hall.open(load_config(data_dir=data, environ=dict(ENV)), migrate=False)
                    if len(_segments(hall)) >= 2:
                        break
                except Exception:  # noqa: BLE001 - the child is still migrating
                    pass
            time.sleep(0.1)
        time.sleep(0.8)  # well inside the third segment
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert hall is not None
    before = _segments(hall)
    assert len(before) >= 2
    partials = list((data / "recordings").rglob("*.partial.mp4"))
    assert len(partials) == 1  # the open segment, never registered
    hall.close()
    out = subprocess.run([*cmd[:-2], "--start", "重启后继续", "--seconds", "2.6"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "'quarantined': 1" in out.stdout
    hall = Hall.open(load_config(data_dir=data, environ=dict(ENV)))
    after = _segments(hall)
    assert len(after) > len(before)
    assert [s.segment_no for s in after] == list(range(1, len(after) + 1))
    assert all(b.prev_sha256 == a.sha256 for a, b in zip(after, after[1:], strict=False))  # the chain continues
    assert not [p for p in (data / "recordings" / "KB-03").rglob("*.partial.mp4")]
    assert len(list((data / "recordings" / "quarantine").iterdir())) == 1
    kinds = _kinds(hall)
    assert kinds.count("recording.lost") == 1 and kinds.count("recording.segment") == len(after)
    assert hall.verify_journal().ok
    lost = [m for m in Recordings(hall).markers("KB-03") if m.kind == "recording.lost"]
    assert len(lost) == 1 and lost[0].camera == "cam1"
    hall.close()


def test_cli_export_list_and_verify_an_exported_and_a_tampered_clip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hall = _hall(tmp_path)
    threads = Threads()
    try:
        rec = RoomRecorder.from_config(hall)
        for name, loop in rec.loops():
            if name.startswith(("rec-capture", "rec-encode")):
                threads.start(name, loop)
        rec.start(None, "测试")
        deadline = time.monotonic() + 10
        while len(_segments(hall)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        rec.stop("测试结束")
    finally:
        threads.stop(10)
    segs = _segments(hall)
    hall.close()
    common = ["--data-dir", str(tmp_path / "data")]
    os.environ.update(ENV)
    try:
        frm = (segs[0].started_at - dt.timedelta(seconds=1)).isoformat()
        to = segs[-1].ended_at.isoformat()
        out = tmp_path / "clip"
        assert main(["recording", "export", *common, "--room", "KB-03", "--from", frm, "--to", to, "--out", str(out)]) == 0
        assert main(["recording", "list", *common, "--json"]) == 0
        listed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert len(listed[0]["segments"]) == len(segs)
        assert main(["recording", "verify", str(out), "--decode"]) == 0
        assert "intact" in capsys.readouterr().out
        victim = sorted(out.glob("*.mp4"))[1]
        data = bytearray(victim.read_bytes())
        data[len(data) // 2] ^= 0xFF
        victim.write_bytes(bytes(data))
        assert main(["recording", "verify", str(out)]) == 1
        assert victim.name in capsys.readouterr().err
    finally:
        for k in ENV:
            os.environ.pop(k, None)


def test_loops_stop_promptly(tmp_path: Path) -> None:
    hall = _hall(tmp_path)
    threads = Threads()
    rec = RoomRecorder.from_config(hall)
    for name, loop in rec.loops():
        threads.start(name, loop)
    rec.start(None, "x")
    time.sleep(0.3)
    t0 = time.monotonic()
    assert threads.stop(10) == []
    assert time.monotonic() - t0 < 5 and not any(t.name.startswith("rec-") for t in threading.enumerate())
    hall.close()
