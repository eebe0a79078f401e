"""Uploading files named by records: photos, signed documents, video segments (docs/platform-api.md §5).

Every file the hall keeps is a ``Blob`` row. :class:`BlobUploader` takes the rows not yet
uploaded (``uploaded_at`` NULL), asks ``HEAD /blobs/{sha256}`` and only ``PUT``\\ s what the
platform lacks, marking each file in its own short transaction — so an upload interrupted by a
crash or an outage resumes where it stopped. :meth:`BlobUploader.reconcile` asks
``GET /blobs/missing`` and re-queues any file the platform still lacks (even one marked
uploaded), and reports those the hall does not have.

Failures follow the policy records follow (``sync.push``, docs/platform-api.md §6): after a
``429``/``503`` nothing more is sent before ``Retry-After`` has passed; after a 5xx, a timeout or
a reset the next request waits a capped exponential backoff with full jitter; the file that
failed goes to the back of the queue, so one failing file does not hold up the others. A file
the platform refuses for itself (400, 413, 422) or that cannot be read here is reported and left
pending for the next run; a refused signature stops the run (``AuthError`` is raised).

With ``wait=True`` (``sync push``) a run waits as the policy says and goes on until every file
is across, or until no file got across for ``give_up_after_s``. With ``wait=False`` (the
worker's loop) it stops at the first wait and says how long in ``BlobReport.wait_s``; the next
run starts with the files that did not fail.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from kiosk.blobstore import resolve
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import Blob
from kiosk.pii import PiiVault
from kiosk.timeutil import utcnow
from sync.client import PlatformClient
from sync.errors import AuthError, PlatformError
from sync.push import Backoff, retry_wait, retryable

log = logging.getLogger(__name__)

MAX_BLOB = 64 * 1024 * 1024


@dataclass
class BlobReport:
    """What an upload run did."""

    uploaded: int = 0  #: PUT and stored
    present: int = 0  #: the platform already had it
    failed: dict[str, str] = field(default_factory=dict)  #: sha256 → why it cannot go now (not retried this run)
    missing_here: list[str] = field(default_factory=list)  #: the platform wants them; we have no such file
    retrying: dict[str, str] = field(default_factory=dict)  #: sha256 → last transient error; not across yet
    still_missing: int = 0  #: files of this hall not (known to be) on the platform when the run ended
    error: str | None = None  #: the last transient error of the run
    wait_s: float | None = None  #: the run ended because the policy asked to wait this long
    gave_up: bool = False  #: the run ended because no file got across for ``give_up_after_s``


@dataclass
class _Run:
    report: BlobReport
    stop: threading.Event | None
    wait: bool
    give_up_after_s: float | None
    progress_at: float


class BlobUploader:
    """Uploads the hall's files.

    Args:
        engine: the hall database.
        client: the platform client.
        vault: decrypts files stored encrypted (``Blob.encrypted``) before upload.
        read: how to get a file's bytes (default: read ``Blob.path`` under ``data_dir``, decrypting if needed).
        data_dir: the terminal's data dir, which ``Blob.path`` is relative to (``kiosk.blobstore``);
            without it no file can be read (each is reported as failed).
        backoff: the retry policy for transient failures (inject a fast one in tests).
        sleep: how to wait when no ``stop`` event is given.
        clock: monotonic seconds (inject with ``sleep`` in tests).
    """

    def __init__(
        self,
        engine: Engine,
        client: PlatformClient,
        vault: PiiVault | None = None,
        read: Callable[[Blob], bytes] | None = None,
        *,
        data_dir: Path | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.client = client
        self.vault = vault
        self.data_dir = data_dir
        self.read = read or self._read
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.clock = clock
        self._sessions = session_factory(engine)
        self._lock = threading.Lock()  # one run at a time per uploader
        self._failures = 0  # transient failures since a file last got across
        self._not_before = 0.0  # clock time before which no request is sent
        self._deferred: dict[str, int] = {}  # sha256 → when (a count) it last failed: such files go last
        self._tick = 0

    def _read(self, blob: Blob) -> bytes:
        if self.data_dir is None:
            raise ValueError("no data dir: files cannot be found")
        data = resolve(self.data_dir, blob.path).read_bytes()  # BlobPathError (a ValueError) if it escapes
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

    def count_pending(self) -> int:
        """How many files are not yet known to be on the platform."""
        with read_only_session(self.engine) as s:
            return int(s.scalar(select(func.count()).select_from(Blob).where(Blob.uploaded_at.is_(None))) or 0)

    def ready_in(self) -> float:
        """Seconds until the policy lets the next request go (0 when it may go now)."""
        return max(0.0, self._not_before - self.clock())

    # --- runs -------------------------------------------------------------------------------

    def upload_pending(
        self,
        stop: threading.Event | None = None,
        *,
        wait: bool = True,
        give_up_after_s: float | None = None,
        report: BlobReport | None = None,
    ) -> BlobReport:
        """HEAD, then PUT if needed, every pending file, retrying as the policy says.

        Args:
            stop: ends the run early (its ``wait`` is used for the pauses when given).
            wait: wait when the policy says so; False: end the run there (``wait_s`` says how long).
            give_up_after_s: with ``wait``, end the run once no file got across for this long.
            report: a report to add to.

        Raises:
            AuthError: the platform refused our signature; files done so far stay marked.
        """
        with self._lock:
            run = _Run(report or BlobReport(), stop, wait, give_up_after_s, self.clock())
            self._upload(run)
            return self._finish(run)

    def reconcile(
        self, stop: threading.Event | None = None, *, wait: bool = True, give_up_after_s: float | None = None
    ) -> BlobReport:
        """Ask the platform what it misses, re-queue those files, upload everything pending.

        Arguments and errors as :meth:`upload_pending`.
        """
        with self._lock:
            run = _Run(BlobReport(), stop, wait, give_up_after_s, self.clock())
            missing = self._missing(run)
            if missing is None:
                return self._finish(run)
            report = run.report
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
            self._upload(run)
            return self._finish(run)

    def _missing(self, run: _Run) -> list[str] | None:
        """``GET /blobs/missing`` under the policy; None when the run ended first."""
        while self._gate(run):
            try:
                missing = self.client.missing_blobs()
            except PlatformError as exc:
                if not retryable(exc):
                    raise
                self._failed(run, exc, None)
                continue
            self._failures = 0
            run.progress_at = self.clock()
            return missing
        return None

    def _upload(self, run: _Run) -> None:
        while True:
            queue = [b for b in self.pending() if b.sha256 not in run.report.failed]
            if not queue:
                return
            queue.sort(key=lambda b: self._deferred.get(b.sha256, 0))  # stable: oldest first, failed last
            for blob in queue:
                if not self._gate(run):
                    return
                self._one(run, blob)

    def _one(self, run: _Run, blob: Blob) -> None:
        report = run.report
        try:
            if self.client.head_blob(blob.sha256) is not None:
                report.present += 1
            else:
                reason = self._put(blob)
                if reason is not None:
                    report.failed[blob.sha256] = reason
                    report.retrying.pop(blob.sha256, None)
                    return
                report.uploaded += 1
        except PlatformError as exc:
            if retryable(exc):
                self._failed(run, exc, blob.sha256)
            elif isinstance(exc, AuthError):
                raise
            else:
                report.failed[blob.sha256] = f"platform refused it: {exc}"
                report.retrying.pop(blob.sha256, None)
                log.error("platform refused file %s: %s (not retried in this run)", blob.sha256, exc)
            return
        self._mark(blob.sha256)
        self._failures = 0
        self._deferred.pop(blob.sha256, None)
        report.retrying.pop(blob.sha256, None)
        run.progress_at = self.clock()

    def _put(self, blob: Blob) -> str | None:
        """PUT one file the platform lacks; the local reason when it cannot be sent."""
        try:
            data = self.read(blob)
        except (OSError, ValueError) as exc:
            log.error("file %s cannot be read for upload: %s", blob.sha256, type(exc).__name__)
            return f"cannot read: {type(exc).__name__}"
        if len(data) > MAX_BLOB:
            return "over 64 MiB"
        if hashlib.sha256(data).hexdigest() != blob.sha256:
            log.error("file %s does not match its sha256: not uploaded", blob.sha256)
            return "the file no longer matches its sha256"
        self.client.put_blob(blob.sha256, data)
        return None

    def _failed(self, run: _Run, exc: PlatformError, sha256: str | None) -> None:
        self._failures += 1
        wait = retry_wait(exc, self._failures, self.backoff)
        self._not_before = self.clock() + wait
        message = f"{type(exc).__name__} {exc}"
        run.report.error = message
        if sha256 is not None:
            self._tick += 1
            self._deferred[sha256] = self._tick
            run.report.retrying[sha256] = message
        log.info("file upload: %s; next try in %.2f s, other files first", message, wait)

    def _gate(self, run: _Run) -> bool:
        """Wait until the policy lets the next request go; False when the run must end instead."""
        if run.stop is not None and run.stop.is_set():
            return False
        wait = self.ready_in()
        if self._failures and run.give_up_after_s is not None and (
            self.clock() - run.progress_at + wait > run.give_up_after_s
        ):
            run.report.gave_up = True
            run.report.wait_s = wait
            return False
        if wait <= 0:
            return True
        if not run.wait:
            run.report.wait_s = wait
            return False
        if run.stop is not None:
            return not run.stop.wait(wait)
        self.sleep(wait)
        return True

    def _finish(self, run: _Run) -> BlobReport:
        report = run.report
        with read_only_session(self.engine) as s:
            pending = set(s.scalars(select(Blob.sha256).where(Blob.uploaded_at.is_(None))))
        report.still_missing = len(pending)
        report.retrying = {sha: e for sha, e in report.retrying.items() if sha in pending}
        self._deferred = {sha: t for sha, t in self._deferred.items() if sha in pending}
        if report.gave_up:
            log.warning("file upload gave up: %d file(s) still missing (last error: %s)",
                        report.still_missing, report.error)
        return report

    def _mark(self, sha256: str) -> None:
        with self._sessions() as s, s.begin():
            row = s.get(Blob, sha256)
            if row is not None:
                row.uploaded_at = utcnow()
