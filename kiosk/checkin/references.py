"""Reference photos for 人证核验: the platform's photo of a representative, cached encrypted (issue 16 must 2).

The registrations feed may name a reference photo per representative (``photo_sha256``,
docs/platform-api.md §7.1) that the platform serves at ``GET /blobs/{sha256}`` (§7.2). The sync
worker fetches the photos of the registrations of today's and tomorrow's sessions ahead of time
(:func:`due_references`, then :func:`store_reference`), never during a check-in, so a check-in reads a
local file. A photo is checked against its SHA-256 before it is kept, then stored like a check-in
photo: AES-GCM under the hall's data key in ``faces/<day>/ref-<sha256>.hkenc``, one ``Blob`` row,
already "on the platform" (``uploaded_at`` set: it came from there, it is never uploaded back).
Retention purges it on the faces' clock (``kiosk/retention.py``: a ``ref-`` file is a reference).

:func:`reference_for` picks the reference of a check-in in order of trust: the photo decoded from the
card's chip (``IdCard.photo_image``, the reader vendor's SDK), else the platform's photo of this
person as a representative of the registration, else none (the clerk confirms).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobstore import BlobPathError, part_path, resolve, stored_path
from kiosk.checkin.rules import day_bounds
from kiosk.db.models import Blob, PfRegistration, PfRepresentative, PfSession
from kiosk.faces import ReferenceKind
from kiosk.pii import PiiVault
from kiosk.timeutil import beijing

log = logging.getLogger(__name__)

FACE_CONTEXT = b""  #: as check-in photos (kiosk.checkin.service): no associated data
REFERENCE_PREFIX = "ref-"  #: a reference photo's file name starts with this (retention tells them apart)
MAX_REFERENCE_BYTES = 4 * 1024 * 1024


class ReferenceMismatch(ValueError):
    """A downloaded reference photo does not hash to the SHA-256 the feed named: it is not kept."""


def due_references(s: Session, now: dt.datetime, *, days: int = 2) -> list[str]:
    """The reference photos (SHA-256) named by registrations of sessions from today for ``days`` days
    (Beijing) that this hall does not hold yet, each once, in a stable order."""
    start, _ = day_bounds(beijing(now).date())
    end = start + dt.timedelta(days=days)
    sessions = select(PfSession.session_id).where(PfSession.starts_at >= start, PfSession.starts_at < end)
    regs = select(PfRegistration.registration_id).where(PfRegistration.session_id.in_(sessions))
    named = s.scalars(select(PfRepresentative.photo_sha256).where(
        PfRepresentative.registration_id.in_(regs), PfRepresentative.photo_sha256.is_not(None)).distinct()).all()
    held = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_([n for n in named if n]))))
    return sorted(n for n in named if n and n not in held)


def store_reference(s: Session, vault: PiiVault, data_dir: Path, sha256: str, data: bytes, now: dt.datetime) -> bool:
    """Keep a downloaded reference photo, encrypted; True when it is new.

    Raises:
        ReferenceMismatch: ``data`` does not hash to ``sha256`` (or is too large): nothing is written.
    """
    sha256 = sha256.lower()
    if len(data) > MAX_REFERENCE_BYTES or hashlib.sha256(data).hexdigest() != sha256:
        raise ReferenceMismatch(f"reference photo {sha256[:12]}…: the bytes do not hash to the name the feed gave")
    # Encrypted and written before the session's first statement: on SQLite that statement takes the
    # writer lock (BEGIN IMMEDIATE), which is the journal head there; under it only a rename and a row.
    folder = Path(data_dir) / "faces" / beijing(now).strftime("%Y%m%d")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{REFERENCE_PREFIX}{sha256}.hkenc"
    part = part_path(path)
    part.write_bytes(vault.encrypt(data, context=FACE_CONTEXT))
    try:
        if s.get(Blob, sha256) is not None:
            return False
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    s.add(Blob(sha256=sha256, path=stored_path(data_dir, path), size=len(data), media_type=_media_type(data),
               encrypted=True, uploaded_at=now, created_at=now))
    s.flush()
    return True


def _media_type(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:2] == b"BM":
        return "image/bmp"
    return "application/octet-stream"


def platform_reference(s: Session, vault: PiiVault, data_dir: Path, registration_ids: Iterable[str],
                       id_number: str) -> bytes | None:
    """The platform's reference photo of this person as a representative of one of ``registration_ids``,
    decrypted from the local cache; None when the feed named none or it was not fetched (yet)."""
    forms = vault.lookup_hmacs(id_number)
    shas = s.scalars(select(PfRepresentative.photo_sha256).where(
        PfRepresentative.registration_id.in_(list(registration_ids)), PfRepresentative.id_hmac.in_(forms),
        PfRepresentative.photo_sha256.is_not(None))).all()
    for sha in shas:
        blob = s.get(Blob, sha)
        if blob is None:
            continue
        try:
            data = resolve(data_dir, blob.path).read_bytes()
            plain = vault.decrypt(data, context=FACE_CONTEXT) if blob.encrypted else data
        except (OSError, BlobPathError, ValueError) as exc:
            log.warning("reference photo unreadable here: %s", type(exc).__name__)
            continue
        if hashlib.sha256(plain).hexdigest() == sha:
            return plain
        log.warning("reference photo in the cache does not match its hash; not used")
    return None


def reference_for(chip_photo: bytes | None, platform_photo: bytes | None) -> tuple[ReferenceKind, bytes | None]:
    """The reference to compare with, in order of trust: the card's chip photo, the platform's, none."""
    if chip_photo:
        return "chip", chip_photo
    if platform_photo:
        return "platform", platform_photo
    return "none", None
