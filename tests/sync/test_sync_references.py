"""Reference photos from the platform (issue 16 must 2; docs/platform-api.md §7.1–7.2) against the real sandbox.

The registrations feed names a photo per representative; ``GET /blobs/{sha256}`` serves it; the client
checks the hash, the fetcher caches it encrypted ahead of the session. A body that does not hash to
its name is refused and nothing is kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.db.engine import session_factory
from kiosk.db.models import Blob, PfRepresentative
from kiosk.timeutil import utcnow
from sync.client import PlatformClient
from sync.errors import UnexpectedResponse
from sync.pull import Puller
from sync.references import ReferenceFetcher
from sync.sandbox import SandboxServer
from sync.sandbox.seed import REFERENCE_PHOTOS, reference_photo
from tests.sync.conftest import HallDb


def test_get_blob_checks_the_hash_and_404_is_none(sandbox: SandboxServer, client: PlatformClient) -> None:
    photo = reference_photo(0)
    assert photo is not None
    sha = hashlib.sha256(photo).hexdigest()
    assert client.get_blob(sha) == photo
    assert client.get_blob("0" * 64) is None  # the platform holds nothing under that name
    # the platform (or something on the way) answers other bytes: refused, never used
    (sandbox.data_dir / "references" / sha).write_bytes(photo[:-10] + b"tampered!!")
    with pytest.raises(UnexpectedResponse) as exc:
        client.get_blob(sha)
    assert exc.value.code == "blob-mismatch"


def test_today_s_reference_photos_are_fetched_ahead_and_cached_encrypted(
        sandbox: SandboxServer, client: PlatformClient, hall: HallDb, tmp_path: Path) -> None:
    assert Puller(hall.engine, client, hall.vault).pull_all().ok
    with session_factory(hall.engine)() as s:
        named = set(s.scalars(select(PfRepresentative.photo_sha256).where(PfRepresentative.photo_sha256.is_not(None))))
    assert len(named) == len(REFERENCE_PHOTOS)
    data_dir = tmp_path / "hall"
    fetcher = ReferenceFetcher(hall.engine, client, hall.vault, data_dir, now=utcnow)
    report = fetcher.fetch_due()
    assert (report.fetched, report.refused, report.failed) == (len(named), 0, 0)
    with session_factory(hall.engine)() as s:
        for sha in named:
            blob = s.get(Blob, sha)
            assert blob is not None and blob.encrypted and blob.uploaded_at is not None
            stored = (data_dir / blob.path).read_bytes()
            assert hashlib.sha256(hall.vault.decrypt(stored)).hexdigest() == sha and b"JFIF" not in stored
    assert fetcher.fetch_due().fetched == 0  # held: not asked again


@pytest.mark.allow_log_warnings(r"did not match its hash")
def test_a_tampered_reference_is_refused_and_not_kept(
        sandbox: SandboxServer, client: PlatformClient, hall: HallDb, tmp_path: Path) -> None:
    assert Puller(hall.engine, client, hall.vault).pull_all().ok
    for name in (sandbox.data_dir / "references").iterdir():
        name.write_bytes(b"\xff\xd8\xff not the registered photo \xff\xd9")
    report = ReferenceFetcher(hall.engine, client, hall.vault, tmp_path / "hall", now=utcnow).fetch_due()
    assert report.refused == len(REFERENCE_PHOTOS) and report.fetched == 0
    with session_factory(hall.engine)() as s:
        assert s.scalars(select(Blob)).all() == []
    assert not (tmp_path / "hall" / "faces").exists()


def test_the_sync_worker_fetches_them_after_a_pull(sandbox: SandboxServer, client: PlatformClient, hall: HallDb,
                                                     tmp_path: Path) -> None:
    from sync.worker import SyncWorker

    worker = SyncWorker(hall.engine, client, hall.vault, "NM-HHHT-HALL1", data_dir=tmp_path / "hall")
    assert worker.pull_once()
    with session_factory(hall.engine)() as s:
        held = {b.sha256 for b in s.scalars(select(Blob))}
    assert held == {hashlib.sha256(reference_photo(i) or b"").hexdigest() for i in REFERENCE_PHOTOS}
