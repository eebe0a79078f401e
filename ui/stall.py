"""How long the UI thread was kept from its event loop (docs/architecture.md §6).

A :class:`StallMeter` runs a 10 ms timer on the main thread and notes, at each tick, how much later
than due it came: the time some slot, paint or query held the thread. The demo tour reports the
longest stalls (with the phase of the tour they happened in) and tests assert that a console's
slowest action leaves the loop ticking. Rendering a screenshot is the tour's own work, not a
user's wait, so :meth:`StallMeter.paused` leaves it out.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer


@dataclass(frozen=True)
class Stall:
    ms: float
    phase: str


class StallMeter(QObject):
    """Notes every tick that came ``threshold_ms`` or more late."""

    active: StallMeter | None = None  #: the meter the tour runs (grab pauses it)

    def __init__(self, interval_ms: int = 10, threshold_ms: float = 30.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_s = interval_ms / 1000
        self.threshold_ms = threshold_ms
        self.phase = ""
        self.stalls: list[Stall] = []
        self.ticks = 0
        self._last = 0.0
        self._paused = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> StallMeter:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        late_ms = (now - self._last - self.interval_s) * 1000
        self._last = now
        self.ticks += 1
        if self._paused == 0 and late_ms >= self.threshold_ms:
            self.stalls.append(Stall(round(late_ms, 1), self.phase))

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Work of the measurer itself (rendering a screenshot): not counted."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1
            self._last = time.perf_counter()

    def longest(self, n: int = 5) -> list[Stall]:
        return sorted(self.stalls, key=lambda s: s.ms, reverse=True)[:n]

    def max_ms(self) -> float:
        return max((s.ms for s in self.stalls), default=0.0)


@contextmanager
def unmeasured() -> Iterator[None]:
    """Pause the active meter, if any (screenshots)."""
    meter = StallMeter.active
    if meter is None:
        yield
        return
    with meter.paused():
        yield
