"""What the client knows of the platform's word, kept where ``sync status`` and the admin console read it.

:class:`TrustRecorder` writes a :class:`kiosk.db.models.PlatformTrust` row when the client's
state changed (only then): whether answers verify (``key_state``: ``absent``, ``verified``,
``failing``), the clock offset in use, and a clock correction refused as larger than
``[platform] max_clock_step_s``. A refused correction is also journalled once (``sync.clock_alarm``,
counts only) and stays raised until an administrator clears it (``hall-kiosk sync clear-alarm --by ADMIN``).
The offset is read back when a client starts (:func:`restore_offset`), so a restart does not
begin from the machine's clock and need a large step again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import PlatformTrust
from kiosk.journal import Journal
from kiosk.timeutil import utcnow
from sync.client import ClockAlarm, PlatformClient

log = logging.getLogger(__name__)

CLOCK_ALARM_KIND = "sync.clock_alarm"


def _row(session: Session, journal_id: str) -> PlatformTrust:
    row = session.get(PlatformTrust, journal_id)
    if row is None:
        row = PlatformTrust(journal_id=journal_id, key_state="absent", clock_offset_s=0.0)
        session.add(row)
        session.flush()
    return row


@dataclass(frozen=True)
class TrustView:
    """The stored state, for status displays."""

    key_state: str
    key_error: str | None
    clock_offset_s: float
    clock_alarm: str | None


def read(session: Session, journal_id: str, *, key_configured: bool) -> TrustView:
    """The stored state; ``absent`` whenever no key is configured now, whatever was stored."""
    row = session.get(PlatformTrust, journal_id)
    if row is None:
        return TrustView("verified" if key_configured else "absent", None, 0.0, None)
    state = row.key_state if key_configured else "absent"
    if key_configured and state == "absent":
        state = "verified"  # configured since the last run: nothing has failed yet
    return TrustView(state, row.key_error if state == "failing" else None, row.clock_offset_s, row.clock_alarm)


def restore_offset(engine: Engine, client: PlatformClient) -> None:
    """Start the client's clock from the stored offset (when the clock has learned nothing yet)."""
    if client.clock.synced:
        return
    with read_only_session(engine) as s:
        row = s.get(PlatformTrust, client.journal_id)
        if row is not None and row.clock_offset_s:
            client.clock.set_offset(row.clock_offset_s)


def clear_clock_alarm_in(session: Session, journal_id: str) -> str | None:
    """An administrator looked at the clock alarm (inside the caller's transaction, which journals
    their act); returns the alarm that was raised."""
    row = session.get(PlatformTrust, journal_id)
    if row is None:
        return None
    old, row.clock_alarm, row.clock_alarm_at = row.clock_alarm, None, None
    return old


class TrustRecorder:
    """Writes the client's trust state to the database when it changed.

    Args:
        engine: the hall database.
        client: the platform client whose state is kept.
        journal: where a refused clock correction is journalled (None: only stored).
    """

    def __init__(self, engine: Engine, client: PlatformClient, journal: Journal | None = None) -> None:
        self.engine = engine
        self.client = client
        self.journal = journal
        self._written: tuple[str, str | None, int] | None = None

    def record(self) -> ClockAlarm | None:
        """Store the current state; journal a refused clock correction. Returns that alarm, if any."""
        alarm = self.client.take_clock_alarm()
        state = (self.client.key_state, self.client.key_error, round(self.client.clock.offset_s))
        if alarm is None and state == self._written:
            return None
        now = utcnow()
        with session_factory(self.engine)() as s, s.begin():
            row = _row(s, self.client.journal_id)
            row.key_state, row.key_error = self.client.key_state, self.client.key_error
            row.clock_offset_s = self.client.clock.offset_s
            row.updated_at = now
            if alarm is not None:
                if row.clock_alarm is None and self.journal is not None:
                    self.journal.append(s, CLOCK_ALARM_KIND, alarm.payload())
                if row.clock_alarm is None:
                    log.error("%s", alarm.message())
                row.clock_alarm, row.clock_alarm_at = alarm.message(), now
        self._written = state
        return alarm
