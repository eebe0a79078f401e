"""Uploading files named by records: photos, signed documents, video segments (docs/platform-api.md §5).

Every file the hall keeps is a ``Blob`` row. :class:`BlobUploader` takes the rows not yet
uploaded (``uploaded_at`` NULL), asks ``HEAD /blobs/{sha256}`` and only ``PUT``\\ s what the
platform lacks, marking each file in its own short transaction — so an upload interrupted by a
crash or an outage resumes where it stopped. :meth:`BlobUploader.reconcile` asks
``GET /blobs/missing`` and re-queues any file the platform still lacks (even one marked
uploaded), and reports those the hall does not have.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import Blob
from kiosk.pii import PiiVault
from kiosk.timeutil import utcnow
from sync.client import PlatformClient

log = logging.getLogger(__name__)

MAX_BLOB = 64 * 1024 * 1024


@dataclass
class BlobReport:
    """What an upload pass did."""

    uploaded: int = 0  #: PUT and stored
    present: int = 0  #: the platform already had it
    failed: dict[str, str] = field(default_factory=dict)  #: sha256 → local reason (file missing, …)
    missing_here: list[str] = field(default_factory=list)  #: the platform wants them; we have no such file


class BlobUploader:
    """Uploads the hall's files.

    Args:
        engine: the hall database.
        client: the platform client.
        vault: decrypts files stored encrypted (``Blob.encrypted``) before upload.
        read: how to get a file's bytes (default: read ``Blob.path``, decrypting if needed).
    """

    def __init__(
        self,
        engine: Engine,
        client: PlatformClient,
        vault: PiiVault | None = None,
        read: Callable[[Blob], bytes] | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.vault = vault
        self.read = read or self._read
        self._sessions = session_factory(engine)

    def _read(self, blob: Blob) -> bytes:
        data = Path(blob.path).read_bytes()
        if blob.encrypted:
            if self.vault is None:
                raise ValueError("file is encrypted and no key is at hand")
            data = self.vault.decrypt(data)
        return data

    def pending(self) -> list[Blob]:
        """Files not yet known to be on the platform, oldest first."""
        with read_only_session(self.engine) as s:
            rows = s.scalars(select(Blob).where(Blob.uploaded_at.is_(None)).order_by(Blob.created_at)).all()
            s.expunge_all()
            return list(rows)

    def upload_pending(self, report: BlobReport | None = None) -> BlobReport:
        """HEAD, then PUT if needed, every pending file.

        Raises:
            PlatformError: the platform failed; files done so far stay marked.
        """
        report = report or BlobReport()
        for blob in self.pending():
            if self.client.head_blob(blob.sha256) is not None:
                report.present += 1
            else:
                try:
                    data = self.read(blob)
                except (OSError, ValueError) as exc:
                    report.failed[blob.sha256] = f"cannot read: {type(exc).__name__}"
                    log.error("file %s cannot be read for upload: %s", blob.sha256, type(exc).__name__)
                    continue
                if len(data) > MAX_BLOB:
                    report.failed[blob.sha256] = "over 64 MiB"
                    continue
                if hashlib.sha256(data).hexdigest() != blob.sha256:
                    report.failed[blob.sha256] = "the file no longer matches its sha256"
                    log.error("file %s does not match its sha256: not uploaded", blob.sha256)
                    continue
                self.client.put_blob(blob.sha256, data)
                report.uploaded += 1
            self._mark(blob.sha256)
        return report

    def _mark(self, sha256: str) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(Blob, sha256)
            if row is not None:
                row.uploaded_at = utcnow()

    def reconcile(self) -> BlobReport:
        """Ask the platform what it misses, re-queue those files, upload everything pending."""
        report = BlobReport()
        missing = self.client.missing_blobs()
        if missing:
            with self._sessions() as s, s.begin():
                for sha in missing:
                    row = s.get(Blob, sha)
                    if row is None:
                        report.missing_here.append(sha)
                    else:
                        row.uploaded_at = None
        if report.missing_here:
            log.warning("the platform misses %d file(s) this hall does not have", len(report.missing_here))
        return self.upload_pending(report)
