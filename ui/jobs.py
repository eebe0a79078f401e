"""One way off the UI thread (docs/architecture.md §6): screens hand slow calls to ``ctx.jobs``.

A screen never prints, renders a PDF, checks a PIN, matches a face, talks to the platform or runs a
heavy query on the main thread. It calls ``ctx.jobs.run(key, fn, on_done, lane=…)``: the composition
root's :class:`hallkiosk.jobs.JobRunner` runs ``fn()`` on the lane's thread and brings a
:class:`JobOutcome` back to ``on_done`` **on the main thread** through the terminal's one bridge
(:class:`ui.bridge.QtBridge`). Lanes keep order where order matters: one printer prints one slip
after another, and one console's acts reach the hall in the order they were pressed.

A ``HallError`` raised by ``fn`` (a refusal, a device fault) becomes the outcome's ``zh``/``en``; a
database that did not answer becomes ``code == "database"`` (``kiosk.outage.database_error``); any
other exception is logged with its traceback and said as a generic fault, so a screen always hears
how its request ended and never waits forever.

:class:`InlineJobs` runs the call where it is asked (a bare widget in a test with no root): the same
outcomes, delivered on the next turn of the event loop — as with the runner, ``on_done`` never runs
before ``run`` has returned, so a screen may note what it asked for after asking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QTimer

from kiosk.errors import HallError
from kiosk.outage import act_deadline, database_error

log = logging.getLogger(__name__)

#: lanes the app uses (any name works; each is one thread, jobs in submission order)
WORK = "work"  #: database acts of a console (one at a time, in the order pressed)
READ = "read"  #: what screens show: view refreshes and lookups (never queued behind an act)
PIN = "pin"  #: PIN checks (scrypt, ~30 ms each; a lockout delay must not stop the screen)
SLIP_PRINTER = "slip-printer"  #: the kiosk's receipt printer
DOCUMENT_PRINTER = "document-printer"  #: the office printer (A4 records)
PLATFORM = "platform"  #: calls to the central platform (seconds when it is slow)


@dataclass(frozen=True)
class JobOutcome:
    """How one job ended: its value, or the message in both languages."""

    key: str  #: what the screen asked for, e.g. ``sign``, ``login``
    ok: bool
    value: Any = None
    code: str = ""  #: the HallError's code when refused, ``fault`` for an unexpected exception
    zh: str = ""
    en: str = ""
    seconds: float = 0.0


def run_guarded(key: str, fn: Callable[[], Any]) -> JobOutcome:
    """Run ``fn`` and describe how it ended (never raises)."""
    t0 = time.perf_counter()
    try:
        value = fn()
    except HallError as exc:
        return JobOutcome(key, False, None, exc.code, exc.zh, exc.en, time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - the screen must hear of it, not wait forever
        down = database_error(exc)
        if down is not None:  # the act did not happen: said in words, logged without the driver's text
            log.warning("job %s: database unavailable (%s)", key, down.detail)
            return JobOutcome(key, False, None, down.code, down.zh, down.en, time.perf_counter() - t0)
        log.exception("job %s failed", key)
        return JobOutcome(key, False, None, "fault", "操作失败，请联系技术人员",
                          f"failed: {type(exc).__name__}", time.perf_counter() - t0)
    return JobOutcome(key, True, value, seconds=time.perf_counter() - t0)


OnDone = Callable[[JobOutcome], None]


class Jobs(Protocol):
    def run(self, key: str, fn: Callable[[], Any], on_done: OnDone | None = None, *, lane: str = WORK) -> None:
        """Run ``fn()`` off the UI thread; ``on_done(outcome)`` later on the main thread."""
        ...


def later(fn: Callable[..., Any], *args: Any) -> None:
    """Run ``fn(*args)`` on this (main) thread's next event-loop turn."""
    QTimer.singleShot(0, lambda: fn(*args))


class InlineJobs:
    """Runs each job at once on the caller's thread (no composition root: bare widgets, tests)."""

    def run(self, key: str, fn: Callable[[], Any], on_done: OnDone | None = None, *, lane: str = WORK) -> None:
        outcome = run_guarded(key, fn)
        if on_done is not None:
            later(on_done, outcome)


class ActNotStarted(HallError):
    """An act that waited too long for its turn (the database was not answering): dropped, never done late."""

    def __init__(self, waited_s: float) -> None:
        super().__init__(
            "not-started",
            f"未执行：{waited_s:.0f} 秒内未能连接数据库，本次操作已取消，请重新操作",
            f"not done: the database could not be reached within {waited_s:.0f} s; the act was cancelled, please try again",
        )


class Act:
    """One screen's acts on the ``work`` lane (issue 21): one at a time, never replayed.

    ``run`` disables the screen's act buttons until the act's outcome is back, so a second press
    (F1 twice into a frozen database) is refused at once, not queued. An act that could not *start*
    within ``start_within_s`` — the lane was stuck on a database that did not answer — is dropped
    with :class:`ActNotStarted` instead of running minutes later against a hall that moved on. One
    that started but whose transaction reached its commit only ``finish_within_s`` after that (the
    database froze mid-act and answered again later) is rolled back (:class:`kiosk.outage.ActTooLate`),
    so it is not done after the screen gave up on it. The outcome goes to ``on_done`` on the main
    thread, always.
    """

    def __init__(self, jobs: Jobs, buttons: Callable[[], list[Any]] | None = None, *, start_within_s: float = 5.0,
                 finish_within_s: float = 15.0) -> None:
        self.jobs = jobs
        self.buttons = buttons or (lambda: [])
        self.start_within_s = start_within_s
        self.finish_within_s = finish_within_s
        self.pending: str | None = None  #: the key of the act in flight

    def run(self, key: str, fn: Callable[[], Any], on_done: OnDone) -> bool:
        """Start ``fn`` as the act ``key``; False (and nothing done) while another act is pending."""
        if self.pending is not None:
            return False
        self.pending = key
        enabled = [b for b in self.buttons() if b.isEnabled()]
        for b in enabled:
            b.setEnabled(False)
        asked = time.monotonic()
        limit, finish = self.start_within_s, self.finish_within_s

        def act() -> Any:
            started = time.monotonic()
            if started - asked > limit:
                raise ActNotStarted(started - asked)
            with act_deadline(started + finish):
                return fn()

        def done(outcome: JobOutcome) -> None:
            self.pending = None
            for b in enabled:
                b.setEnabled(True)
            on_done(outcome)

        self.jobs.run(key, act, done, lane=WORK)
        return True


class Refresher:
    """One screen's view, loaded on the ``read`` lane: at most one load in flight; requests made
    while it runs fold into one more load after it. ``show(value)`` runs on the main thread; a failed
    load goes to ``failed(outcome)`` (a screen keeps what it showed and may mark it stale)."""

    def __init__(self, jobs: Jobs, key: str, load: Callable[[], Any], show: Callable[[Any], None],
                 failed: Callable[[JobOutcome], None] | None = None) -> None:
        self.jobs = jobs
        self.key = key
        self.load = load
        self.show = show
        self.failed = failed
        self.inflight = False
        self._again = False
        self.loads = 0  #: loads finished, for tests

    def request(self) -> None:
        if self.inflight:
            self._again = True
            return
        self.inflight = True
        self.jobs.run(self.key, self.load, self._done, lane=READ)

    def _done(self, outcome: JobOutcome) -> None:
        self.inflight = False
        self.loads += 1
        if outcome.ok:
            self.show(outcome.value)
        elif self.failed is not None:
            self.failed(outcome)
        if self._again:
            self._again = False
            self.request()
