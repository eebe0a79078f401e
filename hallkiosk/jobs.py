"""The terminal's one job runner (docs/architecture.md §6): every slow call of a screen runs here.

Each lane is one thread of the composition root (started on first use through :class:`Threads`, so
it is named, stopped and joined like every other loop) with its own queue: jobs of a lane run one
after another in the order they were submitted — one printer prints one slip at a time, one
console's acts reach the hall in the order pressed — while a slow lane (a printer out of paper, a
platform that takes seconds) never holds up another. Each outcome goes back to its ``on_done`` on
the main thread through the terminal's one bridge.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from hallkiosk.threads import Threads
from ui.bridge import QtBridge
from ui.jobs import WORK, OnDone, run_guarded

Job = tuple[str, Callable[[], Any], OnDone | None]


class JobRunner:
    """Lanes of worker threads; implements :class:`ui.jobs.Jobs`."""

    def __init__(self, threads: Threads, bridge: QtBridge) -> None:
        self.threads = threads
        self.bridge = bridge
        self._lanes: dict[str, queue.Queue[Job]] = {}
        self._lock = threading.Lock()
        #: (lane, key, seconds) of every finished job, for the bench and tests (bounded)
        self.finished: list[tuple[str, str, float]] = []

    def run(self, key: str, fn: Callable[[], Any], on_done: OnDone | None = None, *, lane: str = WORK) -> None:
        self._lane(lane).put((key, fn, on_done))

    def pending(self, lane: str) -> int:
        q = self._lanes.get(lane)
        return q.qsize() if q is not None else 0

    def _lane(self, name: str) -> queue.Queue[Job]:
        with self._lock:
            q = self._lanes.get(name)
            if q is None:
                q = self._lanes[name] = queue.Queue()
                self.threads.start(f"jobs-{name}", lambda stop: self._serve(name, q, stop))
            return q

    def _serve(self, lane: str, jobs: queue.Queue[Job], stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                key, fn, on_done = jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            outcome = run_guarded(key, fn)
            self.finished.append((lane, key, outcome.seconds))
            del self.finished[:-500]
            if on_done is not None:
                self.bridge.call(on_done, outcome)

