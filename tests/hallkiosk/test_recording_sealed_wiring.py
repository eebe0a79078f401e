"""The room recorder as the app runs it seals every segment with the hall's key; recovery and playback follow."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.recording import probe
from devices.recording.segments import PARTIAL
from hallkiosk.threads import Threads
from hallkiosk.wiring_recording import RoomRecorder
from kiosk import sealed
from kiosk.config import load_config
from kiosk.db.models import Blob
from kiosk.db.models_recording import RecSegment
from kiosk.hall import Hall
from kiosk.recording import Recordings
from tests.hallkiosk.test_recording_wiring import ENV, ROOT, _hall, _kinds, _segments


def test_the_room_recorder_seals_segments_and_recovery_registers_a_sealed_orphan_by_its_plain_digest(tmp_path: Path) -> None:
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
    assert len(segs) >= 2
    with hall.reading() as s:
        blobs = {b.sha256: (b.encrypted, b.size) for b in s.scalars(select(Blob).where(Blob.media_type == "video/mp4"))}
    for x in segs:
        raw = Path(x.path).read_bytes()
        assert raw.startswith(sealed.MAGIC) and b"ftyp" not in raw  # encrypted at rest
        assert blobs[x.sha256] == (True, x.bytes)
        plain = sealed.read_file(Path(x.path), hall.vault)
        assert hashlib.sha256(plain).hexdigest() == x.sha256 and len(plain) == x.bytes
    assert probe(Path(segs[0].path), hall.vault)["first_key"]
    assert hall.vault.decrypt(Path(segs[0].path).read_bytes())[4:8] == b"ftyp"  # what the upload sends

    # a closed, sealed file whose catalogue row never committed (killed between rename and commit)
    last = segs[-1]
    orphan = Path(last.path).with_name(Path(last.path).name.replace(
        f"-{int(last.ended_at.timestamp() * 1000):013d}", f"-{int(last.ended_at.timestamp() * 1000) + 1000:013d}"))
    shutil.copy(last.path, orphan)
    data = bytearray(sealed.read_file(orphan, hall.vault))
    data[-1] ^= 1  # another segment's plaintext
    sealed.write_sealed(hall.vault, bytes(data), orphan)
    assert RoomRecorder.from_config(hall).recover() == {"quarantined": 0, "salvaged": 0, "orphans": 1}
    with hall.reading() as s:
        row = s.scalar(select(RecSegment).where(RecSegment.path.like(f"%{orphan.name}")))
        assert row is not None and row.sha256 == hashlib.sha256(bytes(data)).hexdigest() and row.bytes == len(data)
        assert getattr(s.get(Blob, row.sha256), "encrypted", False)
    assert hall.verify_journal().ok
    hall.close()


@pytest.mark.allow_log_warnings(r"quarantined|salvaged")
def test_a_recorder_killed_mid_segment_keeps_the_sealed_fragments_it_had_written(tmp_path: Path) -> None:
    """kill -9 while a segment is recorded: the restart salvages its durable fragments, the rest is journalled lost."""
    env = {**os.environ, **ENV, "HALL_KIOSK__RECORDING__SEGMENT_SECONDS": "6"}
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "hallkiosk", "recording", "run", "--data-dir", str(data), "--start", "测试"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 40
        partial: Path | None = None
        while time.monotonic() < deadline and partial is None:
            partial = next((data / "recordings").rglob(f"*{PARTIAL}"), None) if (data / "recordings").exists() else None
            time.sleep(0.05)
        assert partial is not None
        time.sleep(4.5)  # two 2-s fragments written and sealed, the third open
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert partial.exists() and partial.read_bytes().startswith(sealed.MAGIC)
    started = int(partial.name.split("_")[0]) / 1000
    out = subprocess.run([*cmd[:-2], "--seconds", "0.5"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "'quarantined': 1, 'salvaged': 1" in out.stdout
    hall = Hall.open(load_config(data_dir=data, environ=dict(ENV)))
    try:
        segs = _segments(hall)
        rescued = next(x for x in segs if abs(x.started_at.timestamp() - started) < 0.002)
        assert rescued.frames >= 20 and 2.0 <= rescued.duration_s < 6.0  # at least one whole 2-s fragment
        assert probe(Path(rescued.path), hall.vault)["frames"] == rescued.frames
        kinds = _kinds(hall)
        assert kinds.count("recording.lost") == 1 and kinds.count("recording.segment") == len(segs)
        lost = next(m for m in Recordings(hall).markers("KB-03") if m.kind == "recording.lost")
        assert lost.at == rescued.ended_at  # only what came after the salvaged fragments is lost
        assert hall.verify_journal().ok
    finally:
        hall.close()
