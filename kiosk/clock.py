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


#: how fast two quartz clocks may walk apart (s per s): what a sample proved about the offset widens
#: by this much per second after it (NTP's dispersion does the same; 100 ppm is generous for quartz)
DRIFT_S_PER_S = 100e-6


class PlatformClock:
    """The machine's clock corrected by the offset to the platform's clock.

    Each answer's ``Date`` (whole seconds) proves the offset lies in a window a second wide, plus the
    round trip (``sync.client``). The windows of successive answers are intersected — each widened
    by :data:`DRIFT_S_PER_S` for its age — so that after answers at different fractions of a second
    the offset is known to a few milliseconds, not ±0.5 s. A sample outside what the others proved
    (either clock was stepped) starts the window again from that sample.
    """

    def __init__(self, offset_s: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._offset = offset_s
        self._window: tuple[float, float, float] | None = None  #: (low, high, local time they held at)
        self.synced = False

    @property
    def offset_s(self) -> float:
        with self._lock:
            return self._offset

    @property
    def uncertainty_s(self) -> float | None:
        """Half the width of what the samples proved about the offset (None before the first)."""
        with self._lock:
            return None if self._window is None else (self._window[1] - self._window[0]) / 2

    def bounds_with(self, low: float, high: float, at: float) -> tuple[float, float]:
        """The offset's bounds after one more sample proving ``low ≤ offset < high`` at local time ``at``
        (nothing is changed: :meth:`set_offset` takes them if the caller accepts the step)."""
        with self._lock:
            window = self._window
        if window is not None:
            grown = abs(at - window[2]) * DRIFT_S_PER_S
            lo, hi = max(low, window[0] - grown), min(high, window[1] + grown)
            if lo <= hi:
                return lo, hi
        return low, high  # the first sample, or one the earlier ones contradict: start again from it

    def set_offset(self, offset_s: float, window: tuple[float, float, float] | None = None) -> None:
        """Take a new offset (platform − local, seconds), e.g. from a response's Date header, with the
        bounds it is the middle of (``bounds_with``; None forgets earlier samples)."""
        with self._lock:
            self._offset = offset_s
            self._window = window
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
