"""Recording segments' paths are relative to the data dir (issue 20 item 5): a copy purges only its own videos.

Issue 20: ``RecSegment.path`` held absolute paths, so recording retention run in a copied data dir
(a restored backup, a training copy) deleted the live terminal's videos.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kiosk.blobstore import BlobPathError
from kiosk.config import load_config
from kiosk.db.engine import make_engine
from kiosk.db.migrate import downgrade, upgrade
from kiosk.db.models import Blob
from kiosk.db.models_recording import RecSegment
from kiosk.hall import Hall
from kiosk.recording import Recordings
from kiosk.recording import catalogue as cat
from kiosk.timeutil import utcnow

T0 = dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)
OLD = T0 - dt.timedelta(days=200)


def _segment(hall: Hall, i: int) -> cat.SegmentInfo:
    path = hall.config.data_dir / "recordings" / "KB-03" / "20260511" / f"cam1-{i}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = f"segment {i} of the live hall".encode() * 50
    path.write_bytes(data)
    start = OLD + dt.timedelta(seconds=60 * i)
    with hall.unit() as s:
        info = cat.register_segment(
            s, hall.journal, room_code="KB-03", camera="cam1", session_id="S-1", path=path, started_at=start,
            ended_at=start + dt.timedelta(seconds=60), frames=1500, has_audio=False, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data_dir=hall.config.data_dir,
        )
        s.get(Blob, info.sha256).uploaded_at = utcnow()  # type: ignore[union-attr]  # retention deletes uploaded ones
    return info


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = Hall.open(load_config(data_dir=tmp_path / "live", environ={}))
    yield h
    h.close()


def test_a_copied_data_dir_purges_its_own_segments_and_never_the_originals(live: Hall, tmp_path: Path) -> None:
    infos = [_segment(live, i) for i in range(3)]
    with live.reading() as s:
        stored = list(s.scalars(select(RecSegment.path).order_by(RecSegment.id)))
    assert stored == [f"recordings/KB-03/20260511/cam1-{i}.mp4" for i in range(3)]  # relative, as the blobs
    originals = [Path(x.path) for x in infos]
    assert all(p.is_file() and p.is_relative_to(live.config.data_dir) for p in originals)
    live.close()

    copy_dir = tmp_path / "copy"
    shutil.copytree(live.config.data_dir, copy_dir)
    copy = Hall.open(load_config(data_dir=copy_dir, environ={}))
    try:
        rec = Recordings(copy)
        assert [Path(x.path) for x in rec.segments("KB-03")] == [copy_dir / p for p in stored]
        _plan, done = rec.apply_retention(now=T0)
        assert len(done) == 3
        assert not any((copy_dir / p).exists() for p in stored)  # the copy's own files are deleted
        assert all(p.is_file() and p.read_bytes() for p in originals)  # the live terminal's are untouched
    finally:
        copy.close()


def test_paths_that_leave_the_data_dir_are_refused_never_deleted_or_exported(live: Hall, tmp_path: Path) -> None:
    _segment(live, 0)
    outside = tmp_path / "elsewhere" / "cam1-9.mp4"
    outside.parent.mkdir()
    outside.write_bytes(b"not this terminal's video")
    with pytest.raises(BlobPathError):  # never written into a row
        RecSegment(path=str(outside))
    with pytest.raises(BlobPathError):
        RecSegment(path="recordings/../../elsewhere/cam1-9.mp4")
    with live.unit() as s:  # a row from before the rule that the migration could not place
        s.execute(text("UPDATE rec_segments SET path = :p"), {"p": str(outside)})
    rec = Recordings(live)
    [seg] = rec.segments("KB-03")
    assert seg.path == ""  # refused: no file is offered to the player
    with pytest.raises(BlobPathError):
        rec.export_clip("KB-03", OLD, OLD + dt.timedelta(minutes=5), tmp_path / "clip")
    _plan, done = rec.apply_retention(now=T0)
    assert len(done) == 1 and outside.is_file()  # catalogued as deleted, but a file outside is never unlinked
    with live.reading() as s:
        assert cat.known_paths(s, live.config.data_dir) == set()


def test_the_migration_makes_existing_absolute_segment_paths_relative(tmp_path: Path) -> None:
    data = tmp_path / "hall"
    engine = make_engine(f"sqlite:///{data / 'hall.db'}")
    try:
        upgrade(engine, data_dir=data)
        downgrade(engine, "0012")
        rows = {
            1: str(data / "recordings" / "KB-03" / "20261127" / "cam1-1.mp4"),  # under this data dir
            2: "/srv/terminal-2/hall/recordings/PM-01/20261127/cam2-7.mp4",  # another terminal's (shared database)
            3: "/home/someone/video.mp4",  # not a file the hall writes: left, then refused
            4: "recordings/KB-03/20261127/cam1-2.mp4",  # already relative
        }
        with engine.begin() as conn:
            for i, path in rows.items():
                conn.execute(text(
                    "INSERT INTO rec_segments (id, room_code, camera, segment_no, path, started_at, ended_at, frames, "
                    "has_audio, bytes, sha256, journal_seq, created_at) VALUES (:i, 'KB-03', 'cam1', :i, :p, "
                    "'2026-11-27 01:00:00', '2026-11-27 01:01:00', 1, 0, 1, :sha, :i, '2026-11-27 01:01:00')"),
                    {"i": i, "p": path, "sha": str(i) * 64})
        upgrade(engine, data_dir=data)
        with engine.connect() as conn:
            after = dict(conn.execute(text("SELECT id, path FROM rec_segments")).all())
        assert after == {1: "recordings/KB-03/20261127/cam1-1.mp4", 2: "recordings/PM-01/20261127/cam2-7.mp4",
                         3: "/home/someone/video.mp4", 4: "recordings/KB-03/20261127/cam1-2.mp4"}
    finally:
        engine.dispose()
