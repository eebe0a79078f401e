"""Fetching the platform's reference photos ahead of the sessions (issue 16 must 2; docs/platform-api.md §7.1–7.2).

After each pull the sync worker asks :func:`kiosk.checkin.references.due_references` which reference
photos today's and tomorrow's registrations name that this hall does not hold, fetches each with
``GET /blobs/{sha256}`` (:meth:`sync.client.PlatformClient.get_blob`, which checks the hash) and keeps
it encrypted (:func:`kiosk.checkin.references.store_reference`, one short transaction per photo). A
check-in never waits on the network: it compares with what is cached, or with nothing.

A photo the platform does not have for us (404) or whose bytes do not hash to its name is skipped
and counted; it is asked for again on the next run. Failures never stop the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from kiosk.checkin.references import ReferenceMismatch, due_references, store_reference
from kiosk.db.engine import read_only_session, session_factory
from kiosk.experts.signin import due_expert_references
from kiosk.pii import PiiVault
from sync.client import PlatformClient
from sync.errors import PlatformError

log = logging.getLogger(__name__)


@dataclass
class ReferenceReport:
    """What a fetch run did (counts only: a photo's hash ties it to a person)."""

    fetched: int = 0
    absent: int = 0  #: the platform answered 404
    refused: int = 0  #: bytes that did not hash to the name
    failed: int = 0  #: network or platform errors (tried again next run)
    errors: list[str] = field(default_factory=list)


class ReferenceFetcher:
    """Fetches and caches reference photos for one hall database.

    Args:
        engine: the hall database.
        client: the platform client.
        vault: encrypts the photos (the hall's data key).
        data_dir: the terminal's data dir (photos go to ``faces/<day>/ref-<sha256>.hkenc``).
        now: the hall's time (UTC); the platform clock's when None.
    """

    def __init__(self, engine: Engine, client: PlatformClient, vault: PiiVault, data_dir: Path,
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.engine = engine
        self.client = client
        self.vault = vault
        self.data_dir = Path(data_dir)
        self._sessions = session_factory(engine)
        self._now = now

    def now(self) -> dt.datetime:
        return self._now() if self._now is not None else self.client.clock.now()

    def fetch_due(self, limit: int = 50) -> ReferenceReport:
        """Fetch up to ``limit`` photos that are due; never raises for platform trouble."""
        report = ReferenceReport()
        now = self.now()
        with read_only_session(self.engine) as s:
            # the representatives' photos, then the drawn experts' for the evaluation area's door (issue 17)
            due = list(dict.fromkeys(due_references(s, now) + due_expert_references(s, now)))[:limit]
        for sha in due:
            try:
                data = self.client.get_blob(sha)
            except PlatformError as exc:
                if getattr(exc, "code", "") == "blob-mismatch":
                    report.refused += 1
                    log.warning("a reference photo's bytes did not match its hash; not kept")
                else:
                    report.failed += 1
                    report.errors.append(f"{type(exc).__name__}: {getattr(exc, 'code', '')}")
                continue
            if data is None:
                report.absent += 1
                continue
            try:
                with self._sessions() as s, s.begin():
                    if store_reference(s, self.vault, self.data_dir, sha, data, now):
                        report.fetched += 1
            except ReferenceMismatch:
                report.refused += 1
        if report.fetched or report.refused or report.absent:
            log.info("reference photos: %d fetched, %d not on the platform, %d refused", report.fetched,
                     report.absent, report.refused)
        return report
