"""The terminal's watch on its database: a probe every few seconds, the state to every screen (issue 21)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.db.health import DbProbe
from kiosk.ports import DbState

log = logging.getLogger(__name__)


class DbWatch:
    """Runs :class:`DbProbe` every ``every_s`` (every second while the database is down) and posts changes."""

    def __init__(self, probe: DbProbe, post: Callable[[DbState], None], every_s: float = 3.0) -> None:
        self.probe = probe
        self.post = post
        self.every_s = every_s

    def state(self) -> DbState:
        return self.probe.state

    def run(self, stop: threading.Event) -> None:
        last: DbState | None = None
        while not stop.is_set():
            state = self.probe.check()
            if last is None or state.ok != last.ok or state.reason != last.reason:
                if state.ok:
                    if last is not None:
                        log.warning("database answers again")
                else:
                    log.error("database unavailable: %s", state.reason)
                self.post(state)
            last = state
            stop.wait(self.every_s if state.ok else 1.0)
