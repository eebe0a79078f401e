"""The clock port: the platform's clock is authoritative for time-critical acts (docs/architecture.md §4).

``PlatformClock`` keeps the offset learned from the platform's ``Date`` headers; services ask it
for "now" when a rule depends on time (an opening may not start before its time).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

from kiosk.timeutil import utcnow


class Clock(Protocol):
    """What the core needs to know about time."""

    def now(self) -> dt.datetime:
        """The current time, aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        return utcnow()


class PlatformClock:
    """The machine's clock corrected by the offset to the platform's clock."""

    def __init__(self, offset_s: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._offset = offset_s
        self.synced = False

    @property
    def offset_s(self) -> float:
        with self._lock:
            return self._offset

    def set_offset(self, offset_s: float) -> None:
        """Take a new offset (platform − local, seconds), e.g. from a response's Date header."""
        with self._lock:
            self._offset = offset_s
            self.synced = True

    def now(self) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=self.offset_s)


class FixedClock:
    """A clock that stands still until moved (tests, demo tour)."""

    def __init__(self, when: dt.datetime) -> None:
        self._when = when

    def now(self) -> dt.datetime:
        return self._when

    def advance(self, seconds: float) -> None:
        self._when += dt.timedelta(seconds=seconds)

    def set(self, when: dt.datetime) -> None:
        self._when = when
