"""The room recorder as the app runs it seals every segment with the hall's key; recovery and playback follow."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

from sqlalchemy import select

from devices.recording import probe
from hallkiosk.threads import Threads
from hallkiosk.wiring_recording import RoomRecorder
from kiosk import sealed
from kiosk.db.models import Blob
from kiosk.db.models_recording import RecSegment
from tests.hallkiosk.test_recording_wiring import _hall, _segments


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
    assert RoomRecorder.from_config(hall).recover() == {"quarantined": 0, "orphans": 1}
    with hall.reading() as s:
        row = s.scalar(select(RecSegment).where(RecSegment.path.like(f"%{orphan.name}")))
        assert row is not None and row.sha256 == hashlib.sha256(bytes(data)).hexdigest() and row.bytes == len(data)
        assert getattr(s.get(Blob, row.sha256), "encrypted", False)
    assert hall.verify_journal().ok
    hall.close()
