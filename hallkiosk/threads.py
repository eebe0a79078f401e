"""Thread ownership: every background loop of the app is started and joined here (docs/architecture.md §2, §6).

Loops follow one shape — ``loop(stop: threading.Event)`` returning when ``stop`` is set — so the
journal follower, device readers and the sync worker are started, named, stopped and joined alike.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Threads:
    """The set of background threads of one process."""

    def __init__(self) -> None:
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []
        self._cleanups: list[Callable[[], None]] = []

    def on_stop(self, cleanup: Callable[[], None]) -> None:
        """Run ``cleanup`` after every thread has been joined (close clients, ports)."""
        self._cleanups.append(cleanup)

    def start(self, name: str, loop: Callable[[threading.Event], None]) -> threading.Thread:
        """Run ``loop(stop_event)`` on a new daemon thread named ``name``."""

        def _guarded() -> None:
            try:
                loop(self.stop_event)
            except Exception:  # a crashed loop must be visible, not silent
                log.exception("thread %s crashed", name)

        t = threading.Thread(target=_guarded, name=name, daemon=True)
        t.start()
        self._threads.append(t)
        return t

    def stop(self, timeout: float = 5.0) -> list[str]:
        """Signal every loop to stop and join them; returns the names of threads that did not end."""
        self.stop_event.set()
        stuck = []
        for t in self._threads:
            t.join(timeout)
            if t.is_alive():
                stuck.append(t.name)
                log.warning("thread %s did not stop within %.1f s", t.name, timeout)
        self._threads = [t for t in self._threads if t.is_alive()]
        for cleanup in self._cleanups:
            try:
                cleanup()
            except Exception:
                log.exception("cleanup after stop failed")
        self._cleanups = []
        return stuck
