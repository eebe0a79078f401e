"""The sync worker: the loop the composition root runs on a thread of its own (docs/architecture.md §2, §6).

:meth:`SyncWorker.run` pulls the feeds periodically, pushes the journal continuously (waking
early when :meth:`SyncWorker.wake` is called after an append), uploads files, and backs off on
failures as ``sync.push`` decides — for files too: a file run stops at the first wait the policy
asks for (``Retry-After``, backoff) and the loop comes back to the files only when it is over,
pushing records meanwhile. It never starts threads itself. :meth:`SyncWorker.status`
is thread-safe and cheap (a snapshot refreshed by the loop), for the status bar.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine

from kiosk import feeds, receipts
from kiosk.clock import Clock
from kiosk.db.engine import read_only_session
from kiosk.journal import Journal
from kiosk.pii import PiiVault
from kiosk.ports import SyncStatus
from kiosk.timeutil import utcnow
from sync import trust
from sync.blobs import BlobUploader
from sync.client import PlatformClient
from sync.errors import PlatformError
from sync.pull import Puller
from sync.push import Backoff, Outcome, Pusher, backlog
from sync.references import ReferenceFetcher

log = logging.getLogger(__name__)


def read_status(engine: Engine, journal_id: str, *, online: bool, last_error: str | None,
                clock: Clock | None = None, key_configured: bool = False) -> SyncStatus:
    """A :class:`kiosk.ports.SyncStatus` read from the database (ages by ``clock``)."""
    now = clock.now() if clock is not None else utcnow()
    with read_only_session(engine) as s:
        b = backlog(s, journal_id, now)
        ages = feeds.feed_ages(s, now)
        t = trust.read(s, journal_id, key_configured=key_configured)
        receipt_seq = receipts.latest_seq(s, journal_id)
    return SyncStatus(
        online=online,
        backlog=b.backlog,
        last_delivered_seq=b.last_delivered_seq,
        oldest_undelivered_age_s=b.oldest_undelivered_age_s,
        alarm=b.alarm or t.clock_alarm,
        last_error=last_error or b.last_error,
        feed_ages_s=ages,
        platform_key=t.key_state,
        receipt_seq=receipt_seq,
    )


class SyncWorker:
    """Keeps one hall database in step with the platform.

    Args:
        engine: the hall database.
        client: the platform client (its clock is the platform clock).
        vault: protects personal data in pulled records.
        journal_id: the journal pushed.
        pull_interval_s: seconds between feed pulls.
        idle_s: how long to wait when caught up before looking again (``wake`` cuts it short).
        blob_interval_s: seconds between file reconciliations (after a failure: the policy's wait).
        alarm_poll_s: while the alarm is raised, how often to look whether it was cleared.
        backoff: retry policy for transient failures.
        data_dir: the terminal's data dir, where the files to upload are (``Blob.path`` is relative to it).
        journal: where a refused clock correction is journalled (``sync.trust``); None: stored only.
    """

    def __init__(
        self,
        engine: Engine,
        client: PlatformClient,
        vault: PiiVault,
        journal_id: str,
        *,
        pull_interval_s: float = 60.0,
        idle_s: float = 1.0,
        blob_interval_s: float = 30.0,
        alarm_poll_s: float = 5.0,
        backoff: Backoff | None = None,
        data_dir: Path | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.trust = trust.TrustRecorder(engine, client, journal)
        trust.restore_offset(engine, client)
        self.journal_id = journal_id
        self.pull_interval_s = pull_interval_s
        self.idle_s = idle_s
        self.blob_interval_s = blob_interval_s
        self.alarm_poll_s = alarm_poll_s
        self.pusher = Pusher(engine, client, journal_id, backoff=backoff)
        self.puller = Puller(engine, client, vault, retries=1, backoff=backoff)  # the loop retries later
        self.blobs = BlobUploader(engine, client, vault, data_dir=data_dir, backoff=backoff)
        #: reference photos of today's registrations, fetched after each pull (issue 16; needs the data dir)
        self.references = ReferenceFetcher(engine, client, vault, data_dir) if data_dir is not None else None
        self._blobs_wait_s: float | None = None  # what the last file run asked to wait, if it stopped early
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._online = False
        self._last_error: str | None = None
        self._status = SyncStatus(False, 0, 0, None, None, None, {})
        self.cycles = 0

    # --- thread-safe API --------------------------------------------------------------------

    def wake(self) -> None:
        """Push now (call after appending to the journal); safe from any thread."""
        self._wake.set()

    def status(self) -> SyncStatus:
        """The latest status snapshot; never touches the database or the network."""
        with self._lock:
            return self._status

    def refresh_status(self) -> SyncStatus:
        """Re-read the status from the database (the loop does this; callable from any thread)."""
        with self._lock:
            online, error = self._online, self._last_error
        status = read_status(self.engine, self.journal_id, online=online, last_error=error, clock=self.client.clock,
                             key_configured=self.client.public_key is not None)
        with self._lock:
            self._status = status
        return status

    def _set(self, *, online: bool, error: str | None) -> None:
        with self._lock:
            self._online = online
            self._last_error = error
            self._status = replace(self._status, online=online, last_error=error)

    # --- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Sync until ``stop`` is set. Never raises for platform or network trouble."""
        next_pull = 0.0
        next_blobs = 0.0
        while not stop.is_set():
            self.cycles += 1
            now = time.monotonic()
            if now >= next_pull:
                self.pull_once()
                next_pull = time.monotonic() + self.pull_interval_s
            try:
                step = self.pusher.push_batch()
            except Exception as exc:  # noqa: BLE001 - a database hiccup must not kill the thread
                log.exception("push step failed")
                self._set(online=self._online, error=f"{type(exc).__name__}: {exc}")
                stop.wait(self.alarm_poll_s)
                continue
            if step.outcome is Outcome.PROGRESS:
                self._set(online=True, error=None)
                if self.cycles % 10 == 0:
                    self._refresh_quietly()
                continue
            if step.outcome is Outcome.RETRY:
                self._set(online=False, error=step.error)
                self._refresh_quietly()
                stop.wait(step.wait_s)
                continue
            if step.outcome is Outcome.ALARM:
                self._set(online=True, error=step.error)
                self._refresh_quietly()
                self._idle(stop, self.alarm_poll_s)
                continue
            # caught up
            self._set(online=True, error=None)
            if time.monotonic() >= next_blobs:
                done = self.sync_blobs()
                wait = self._blobs_wait_s
                next_blobs = time.monotonic() + (wait if not done and wait is not None else self.blob_interval_s)
            self._refresh_quietly()
            now = time.monotonic()
            self._idle(stop, min(self.idle_s, max(0.0, next_pull - now), max(0.0, next_blobs - now)))

    def pull_once(self) -> bool:
        """Pull every feed now; True when all caught up."""
        try:
            report = self.puller.pull_all()
        except Exception as exc:  # noqa: BLE001
            log.exception("pull failed")
            self._set(online=False, error=f"{type(exc).__name__}: {exc}")
            return False
        if not report.ok:
            self._set(online=False, error="; ".join(f"{f}: {e}" for f, e in report.errors.items()))
        elif self.references is not None:
            try:
                self.references.fetch_due()
            except Exception:  # noqa: BLE001 - a photo must not stop the sync
                log.exception("reference photos not fetched")
        return report.ok

    def sync_blobs(self) -> bool:
        """Reconcile with the platform and upload pending files, without waiting.

        A transient failure does not stop the run: the other files go first, until the retry
        policy asks for a wait; then the run ends and the loop comes back once the wait is over
        (and goes on with the pending files, without asking the platform again what it misses).
        True when the run went through (files that cannot be read stay for the next run).
        """
        resuming, self._blobs_wait_s = self._blobs_wait_s is not None, None
        try:
            report = self.blobs.upload_pending(wait=False) if resuming else self.blobs.reconcile(wait=False)
        except PlatformError as exc:
            log.warning("file upload interrupted: %s", exc)
            return False
        except Exception:  # noqa: BLE001
            log.exception("file upload failed")
            return False
        if report.wait_s is not None:
            self._blobs_wait_s = report.wait_s
            return False
        return True

    def _refresh_quietly(self) -> None:
        try:
            self.trust.record()
            self.refresh_status()
        except Exception:  # noqa: BLE001
            log.exception("status refresh failed")

    def _idle(self, stop: threading.Event, seconds: float) -> None:
        # Wait on the wake event (an append answers at once); look at ``stop`` every 50 ms.
        end = time.monotonic() + seconds
        while not stop.is_set():
            left = end - time.monotonic()
            if left <= 0 or self._wake.wait(min(0.05, left)):
                break
        self._wake.clear()
