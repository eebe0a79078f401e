"""A sealed video segment reaches the platform as the plain MP4 its journal entry names (issue 20 must 9)."""

from __future__ import annotations

import datetime as dt
import hashlib

from kiosk import sealed
from kiosk.db.engine import session_factory
from kiosk.db.models import Blob
from kiosk.recording import catalogue as cat
from sync.blobs import BlobUploader
from sync.push import Outcome


def test_a_sealed_segment_is_uploaded_decrypted_under_its_plain_sha256(sandbox, hall, client, make_pusher) -> None:
    data_dir = hall.path.parent
    path = data_dir / "recordings" / "KB-03" / "2026-11-27" / "093000_cam1_1795743000000-1795743060000.mp4"
    path.parent.mkdir(parents=True)
    plain = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 5000  # > 1 MiB: two chunks
    sealed.write_sealed(hall.vault, plain, path)
    t0 = dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)
    with session_factory(hall.engine)() as s, s.begin():
        seg = cat.register_segment(
            s, hall.journal, room_code="KB-03", camera="cam1", session_id=None, path=path, started_at=t0,
            ended_at=t0 + dt.timedelta(seconds=60), frames=1500, has_audio=False, size=len(plain),
            sha256=hashlib.sha256(plain).hexdigest(), data_dir=data_dir, encrypted=True)
    assert make_pusher(client).push_until_caught_up().outcome is Outcome.CAUGHT_UP
    assert client.missing_blobs() == [seg.sha256]
    report = BlobUploader(hall.engine, client, hall.vault, data_dir=data_dir).upload_pending()
    assert report.uploaded == 1  # the platform checks the bytes against the SHA-256 (422 otherwise)
    assert client.head_blob(seg.sha256) == len(plain) and client.missing_blobs() == []
    with session_factory(hall.engine)() as s:
        blob = s.get(Blob, seg.sha256)
        assert blob is not None and blob.encrypted and blob.uploaded_at is not None
    assert path.read_bytes().startswith(sealed.MAGIC)  # still sealed on disk
