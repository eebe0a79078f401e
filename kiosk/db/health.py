"""Is the hall database answering? A probe with a deadline of its own (issue 21).

A stopped or refusing server fails a query at once; a frozen one (SIGSTOP, a black-holed link, a
backup holding a lock) does not fail at all: the kernel keeps the TCP connection alive and a
server-side ``statement_timeout`` never fires. So the probe runs ``SELECT 1`` on a thread of its
own and calls the database unavailable when no answer came within ``deadline_s``, whatever the
driver is still waiting for. At most one probe is in flight: while a stuck one waits, the state
stays "no answer".
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import Engine, text

from kiosk.outage import database_error
from kiosk.ports import UNKNOWN_OK, DbState


class DbProbe:
    """``check()`` answers within ``deadline_s``: the state of the database now."""

    def __init__(self, engine: Engine, deadline_s: float = 2.0) -> None:
        self.engine = engine
        self.deadline_s = deadline_s
        self.state = UNKNOWN_OK
        self._inflight: threading.Thread | None = None
        self._result: tuple[bool, str, float] | None = None

    def _probe(self) -> None:
        t0 = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1")).scalar()
            self._result = (True, "", (time.perf_counter() - t0) * 1000)
        except Exception as exc:  # noqa: BLE001 - every failure is a state, never an exception here
            down = database_error(exc)
            locked = down is not None and "locked" in str(getattr(exc, "orig", "")).lower()
            self._result = (False, "locked" if locked else "refused", (time.perf_counter() - t0) * 1000)

    def check(self) -> DbState:
        if self._inflight is None or not self._inflight.is_alive():
            self._result = None
            self._inflight = threading.Thread(target=self._probe, name="db-probe", daemon=True)
            self._inflight.start()
        self._inflight.join(self.deadline_s)
        result = self._result if not self._inflight.is_alive() else None
        ok, reason, latency = result if result is not None else (False, "no-answer", None)
        if ok != self.state.ok or reason != self.state.reason:
            self.state = DbState(ok, reason, dt.datetime.now(dt.UTC), latency)
        else:
            self.state = DbState(ok, reason, self.state.since, latency)
        return self.state
