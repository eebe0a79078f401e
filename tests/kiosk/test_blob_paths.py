"""``Blob.path`` is relative to the data dir (issue 20 item 5): a copied data dir purges only its own files.

Issue 20: ``Blob.path`` held absolute paths, so a purge run on a copy of a data dir shredded the
live terminal's photos.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kiosk.blobstore import BlobPathError, check_stored, relative_from_layout, resolve, stored_path
from kiosk.checkin import CheckinService, FaceCapture
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.engine import make_engine
from kiosk.db.migrate import downgrade, upgrade
from kiosk.db.models import Blob
from kiosk.hall import Hall
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded

JPEG = b"\xff\xd8\xff\xe0a-face-photo-for-the-path-test\xff\xd9"


def _card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until="长期")


@pytest.mark.parametrize("bad", ["/etc/passwd", "../hall-live/faces/x.hkenc", "faces/../../x", "faces/..", "..",
                                 "C:\\hall\\faces\\x.hkenc", "C:x", "\\\\server\\share\\x", "faces\\..\\x", "",
                                 ".", "faces/\x00x"])
def test_paths_that_leave_the_data_dir_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BlobPathError):
        check_stored(bad)
    with pytest.raises(BlobPathError):
        resolve(tmp_path, bad)
    with pytest.raises(BlobPathError):  # and never written into a row
        Blob(sha256="0" * 64, path=bad, size=1, created_at=dt.datetime.now(dt.UTC))


def test_stored_and_resolved_forms(tmp_path: Path) -> None:
    data = tmp_path / "hall"
    assert stored_path(data, data / "faces" / "20261127" / "ab.hkenc") == "faces/20261127/ab.hkenc"
    assert resolve(tmp_path / "copy", "faces/20261127/ab.hkenc") == tmp_path / "copy" / "faces" / "20261127" / "ab.hkenc"
    with pytest.raises(BlobPathError):
        stored_path(data, tmp_path / "elsewhere" / "x.pdf")
    assert relative_from_layout("/srv/a/hall/faces/20261127/ab.hkenc") == "faces/20261127/ab.hkenc"
    assert relative_from_layout("/srv/auction/hall/recordings/auction/20261127/cam1-1.mp4") == \
        "recordings/auction/20261127/cam1-1.mp4"  # a room called "auction" is not the auction folder
    assert relative_from_layout("/srv/hall/auction/S-1/L-1-成交确认书.pdf") == "auction/S-1/L-1-成交确认书.pdf"
    assert relative_from_layout("/home/someone/notes.txt") is None


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = load_config(data_dir=tmp_path / "live", environ={})
    seeded(cfg)
    today = dt.datetime.now(BEIJING).date()
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING)))
    yield h
    h.close()


@pytest.mark.allow_log_warnings(r"purge: 1 of 2 face file\(s\) not found")
def test_a_copied_data_dir_purges_its_own_files_and_never_the_originals(live: Hall, tmp_path: Path) -> None:
    svc = CheckinService(live)
    for i in (0, 1):
        sid = svc.evaluate(_card(i)).eligible[0].session_id
        assert svc.check_in(_card(i), sid, face=FaceCapture(JPEG + bytes([i]), "captured")).accepted
    with live.reading() as s:
        stored = sorted(s.scalars(select(Blob.path)))
    assert len(stored) == 2 and all(not Path(p).is_absolute() for p in stored)
    originals = [live.config.data_dir / p for p in stored]
    assert all(p.is_file() for p in originals)
    live.close()

    copy_dir = tmp_path / "copy"
    shutil.copytree(live.config.data_dir, copy_dir)
    (copy_dir / stored[1]).unlink()  # one photo is missing from the copy
    cfg = load_config(data_dir=copy_dir, environ={})
    copy = Hall.open(cfg, clock=live.clock)
    try:
        later = live.clock.now() + dt.timedelta(days=cfg.security.pii_retention_days + 30)
        done = copy.purge_personal_data(later)
        assert len(done.faces) == 2
        assert len(done.files_missing) == 1  # the shredder says what it could not find
        assert not (copy_dir / stored[0]).exists()  # the copy's own file is shredded
        assert all(p.is_file() and p.read_bytes() for p in originals)  # the live terminal's are untouched
        entry = copy.last_entry("pii.purged")
        assert entry is not None and entry.payload["faces"] == 2
    finally:
        copy.close()


@pytest.mark.allow_log_warnings(r"purge: 1 of 1 face file\(s\) not found")
def test_a_missing_file_is_counted_and_logged_without_personal_data(live: Hall, caplog: pytest.LogCaptureFixture) -> None:
    svc = CheckinService(live)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    assert svc.check_in(_card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
    with live.reading() as s:
        blob = s.scalars(select(Blob)).one()
        rel, sha = blob.path, blob.sha256
    (live.config.data_dir / rel).unlink()
    later = live.clock.now() + dt.timedelta(days=live.config.security.pii_retention_days + 30)
    with caplog.at_level(logging.WARNING, logger="kiosk.retention"):
        done = live.purge_personal_data(later)
    assert done.files_missing == [sha]
    [record] = [r for r in caplog.records if r.name == "kiosk.retention"]
    message = record.getMessage()
    assert "1 of 1 face file(s) not found" in message
    assert sha not in message and rel not in message and person(0)["name"] not in message


def test_documents_resolve_against_the_running_data_dir(live: Hall, tmp_path: Path) -> None:
    doc = b"%PDF-1.7 a signed record"
    import hashlib

    sha = hashlib.sha256(doc).hexdigest()
    (live.config.data_dir / "opening").mkdir(exist_ok=True)
    (live.config.data_dir / "opening" / "S-1.pdf").write_bytes(doc)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.7 not ours")
    with live.unit() as s:
        s.add(Blob(sha256=sha, path="opening/S-1.pdf", size=len(doc), media_type="application/pdf",
                   created_at=live.clock.now()))
        # a row written before the rule, pointing out of the data dir: never opened
        s.execute(text("INSERT INTO blobs (sha256, path, size, media_type, encrypted, created_at) "
                       "VALUES (:sha, :path, 1, 'application/pdf', 0, '2026-01-01 00:00:00')"),
                  {"sha": "1" * 64, "path": "../outside.pdf"})
    assert live.document(sha) == doc
    assert live.document("1" * 64) is None


def test_the_migration_makes_existing_absolute_paths_relative(tmp_path: Path) -> None:
    data = tmp_path / "hall"
    engine = make_engine(f"sqlite:///{data / 'hall.db'}")
    try:
        upgrade(engine, data_dir=data)
        downgrade(engine, "0008")
        rows = {
            "a" * 64: str(data / "faces" / "20261127" / f"{'a' * 64}.hkenc"),  # under this data dir
            "b" * 64: "/srv/terminal-2/hall/opening/S-1-abc.pdf",  # another terminal's (shared database)
            "c" * 64: "/home/someone/notes.txt",  # not a file the hall writes: left, then refused
            "d" * 64: "recordings/KB-03/20261127/cam1.mp4",  # already relative
        }
        with engine.begin() as conn:
            for sha, path in rows.items():
                conn.execute(text("INSERT INTO blobs (sha256, path, size, media_type, encrypted, created_at) "
                                  "VALUES (:sha, :path, 1, 'x', 0, '2026-01-01 00:00:00')"), {"sha": sha, "path": path})
        upgrade(engine, data_dir=data)
        with engine.connect() as conn:
            after = dict(conn.execute(text("SELECT sha256, path FROM blobs")).all())
        assert after == {"a" * 64: f"faces/20261127/{'a' * 64}.hkenc", "b" * 64: "opening/S-1-abc.pdf",
                         "c" * 64: "/home/someone/notes.txt", "d" * 64: "recordings/KB-03/20261127/cam1.mp4"}
    finally:
        engine.dispose()
