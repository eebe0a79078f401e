"""How long the UI thread was kept from its event loop (docs/architecture.md §6).

A :class:`StallMeter` runs a 10 ms timer on the main thread and notes, at each tick, how much later
than due it came: the time some slot, paint or query held the thread. The demo tour reports the
longest stalls (with the phase of the tour they happened in) and tests assert that a console's
slowest action leaves the loop ticking. Rendering a screenshot is the tour's own work, not a
user's wait, so :meth:`StallMeter.paused` leaves it out.

To find *where* the thread was held, ``StallMeter(where_ms=…)`` also runs a watcher thread that,
while the main thread has not ticked for ``where_ms``, samples the main thread's stack every 20 ms
(``sys._current_frames``); each stall then carries the innermost project frames of its most
frequent sample (:attr:`Stall.where`). A sampler, not a profiler: it costs nothing on the main
thread and says which slot, paint or query was running, not how the time split inside it.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer


@dataclass(frozen=True)
class Stall:
    ms: float
    phase: str
    where: str = ""  #: the main thread's stack while it was held (``where_ms`` set), innermost first
    #: CPU the main thread itself used during the gap: near ``ms``, it was working (a slot, a paint);
    #: far below, it was kept waiting (the GIL held by another thread, no free core, a blocking call)
    cpu_ms: float | None = None
    #: CPU the whole process used during the gap: the main thread's plus its other threads' (a worker
    #: holding the GIL shows here); what neither accounts for, the machine gave to other processes
    process_cpu_ms: float | None = None


class StallMeter(QObject):
    """Notes every tick that came ``threshold_ms`` or more late."""

    active: StallMeter | None = None  #: the meter the tour runs (grab pauses it)

    def __init__(self, interval_ms: int = 10, threshold_ms: float = 30.0, parent: QObject | None = None,
                 *, where_ms: float | None = None) -> None:
        super().__init__(parent)
        self.where_ms = where_ms
        self._samples: list[str] = []
        self._samples_lock = threading.Lock()
        self._watching = threading.Event()
        self._main_ident = threading.get_ident()
        self.interval_s = interval_ms / 1000
        self.threshold_ms = threshold_ms
        self.phase = ""
        self.stalls: list[Stall] = []
        self.ticks = 0
        self._last = 0.0
        self._last_cpu = 0.0
        self._last_pcpu = 0.0
        self._paused = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> StallMeter:
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._last_pcpu = time.process_time()
        self._timer.start()
        if self.where_ms is not None and not self._watching.is_set():
            self._main_ident = threading.get_ident()
            self._watching.set()
            threading.Thread(target=self._watch, name="stall-sampler", daemon=True).start()
        return self

    def stop(self) -> None:
        self._timer.stop()
        self._watching.clear()

    def _watch(self) -> None:
        """The sampler thread: the main thread's stack while it is held past ``where_ms``."""
        assert self.where_ms is not None
        while self._watching.is_set():
            time.sleep(0.02)
            if self._paused or (time.perf_counter() - self._last) * 1000 < self.where_ms + self.interval_s * 1000:
                continue
            frame = sys._current_frames().get(self._main_ident)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if "/site-packages/" not in f.filename and "/lib/python" not in f.filename]
            lines = [f"{_tail(f.filename)}:{f.lineno} {f.name}" for f in (ours or stack)[-8:]]
            with self._samples_lock:
                self._samples.append(" < ".join(reversed(lines)))

    def _tick(self) -> None:
        now, cpu, pcpu = time.perf_counter(), time.thread_time(), time.process_time()
        late_ms = (now - self._last - self.interval_s) * 1000
        cpu_ms, pcpu_ms = (cpu - self._last_cpu) * 1000, (pcpu - self._last_pcpu) * 1000
        self._last, self._last_cpu, self._last_pcpu = now, cpu, pcpu
        self.ticks += 1
        with self._samples_lock:
            samples, self._samples = self._samples, []
        if self._paused == 0 and late_ms >= self.threshold_ms:
            where = collections.Counter(samples).most_common(1)[0][0] if samples else ""
            self.stalls.append(Stall(round(late_ms, 1), self.phase, where, round(cpu_ms, 1), round(pcpu_ms, 1)))

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Work of the measurer itself (rendering a screenshot): not counted."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1
            self._last, self._last_cpu, self._last_pcpu = time.perf_counter(), time.thread_time(), time.process_time()

    def longest(self, n: int = 5) -> list[Stall]:
        return sorted(self.stalls, key=lambda s: s.ms, reverse=True)[:n]

    def max_ms(self) -> float:
        return max((s.ms for s in self.stalls), default=0.0)


def _tail(filename: str) -> str:
    """A path's last two parts, for short stacks."""
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


@contextmanager
def unmeasured() -> Iterator[None]:
    """Pause the active meter, if any (screenshots)."""
    meter = StallMeter.active
    if meter is None:
        yield
        return
    with meter.paused():
        yield
