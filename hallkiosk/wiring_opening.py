"""Bid opening in a running terminal: the rules service, the decryption loop, the screens, the tour.

``attach(term)`` builds one :class:`kiosk.opening.OpeningService` and:

* on a kiosk, the "开标异议" tile (``ui.opening.objection.KioskObjectionFlow``): a checked-in
  bidder's representative raises an objection with their ID card (the reader's card events come
  through the bridge, as for check-in) and gets a printed 异议回执 (through the check-in's slip
  station and its ``slip-printer`` lane); the console and the big screen see it through the journal;
* on a host console, the "开标" tab (``ui.opening.console.OpeningConsole``); its slow calls
  (signing the record: PDF, SHA-256, blob store; asking the platform to decrypt) run on the
  terminal's job runner. Its role panel (``ui.staffing.signin.RoleSignIn``) takes the session's
  roles (``kiosk.staffing.StaffingService`` over this hall) by the ID cards the terminal's reader
  reports through the bridge — the configured reader, or in the demo its simulator — so every act
  names the appointed person who holds the role (docs/rules/staffing.md);
* on a host console with a big screen, the ``opening`` view there (shown at once); on a board,
  the ``opening`` view (shown when ``[ui] board_mode = "opening"``);
* when a platform is configured, the console's decryption request (``POST /sessions/{id}/decrypt``
  through ``sync.pull.Puller``, :meth:`DecryptLoop.start_one` on the ``platform`` lane; the rules
  service refuses it before ``starts_at`` on the platform clock and the platform answers 409
  ``too-early`` as well), and one loop (thread ``opening-decrypt``) that, while a session of this
  hall is decrypting, pulls ``bid_results``
  every ``[opening] decrypt_poll_seconds`` and takes them into the opening (journalled
  ``opening.decrypt``). Stand-alone, the console says that decryption needs the platform.
* with a platform, a second loop (thread ``opening-remote``, :class:`RemoteLoop`) that polls
  ``remote_events`` every few seconds while a remote opening (不见面开标) is live and takes the online
  participants' sign-ins, objections and confirmations into it (issue 19).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from kiosk.clock import PlatformClock
from kiosk.opening import OpeningError, OpeningService
from kiosk.staffing import StaffingService

log = logging.getLogger(__name__)


class DecryptLoop:
    """Starting decryption (a blocking platform call, run on the job runner's ``platform`` lane) and
    polling ``bid_results`` while a session decrypts (a loop on a thread the composition root owns)."""

    def __init__(self, service: OpeningService, puller: Any, poll_s: float) -> None:
        self.service = service
        self.puller = puller
        self.poll_s = poll_s
        self.polls = 0
        self.wake = threading.Event()

    #: How long a platform ``too-early`` is asked again once the hall's own clock says the start has
    #: passed (the core refuses before that itself). The hall's clock is the machine's plus an offset
    #: learnt from the platform's ``Date``, which has whole seconds (``sync.client``): it can run up
    #: to half a second, plus half a round trip, ahead of the platform's. A host who presses 开始解密
    #: on the second should see decryption start, not a refusal that a second press would undo.
    CLOCK_GRACE_S = 2.0
    RETRY_EVERY_S = 0.25

    def start_one(self, session_id: str, operator: Any) -> None:
        """Ask the platform to decrypt; raises OpeningError (said in both languages) when refused.

        Runs on the ``platform`` lane, never the UI thread: a ``409 too-early`` is asked again every
        :attr:`RETRY_EVERY_S` for :attr:`CLOCK_GRACE_S` (each try is its own transaction, so the
        session's lock is not held while waiting); other refusals are said at once.
        """
        from sync.errors import Conflict, PlatformError

        give_up = time.monotonic() + self.CLOCK_GRACE_S
        while True:
            try:
                self.service.start_decryption(session_id, operator, starter=self.puller.start_decryption)
                break
            except Conflict as exc:
                if exc.code == "too-early" and time.monotonic() < give_up:
                    log.info("platform says too early for %s; its clock is behind ours by under %.1f s, asking again",
                             session_id, self.CLOCK_GRACE_S)
                    time.sleep(self.RETRY_EVERY_S)
                    continue
                if exc.code == "too-early":
                    raise OpeningError("platform-refused", "交易平台拒绝：按平台时钟开标时间未到（too-early）",
                                       "the platform refused: before the opening time on its clock (too-early)") from exc
                raise OpeningError("platform-refused", f"交易平台拒绝解密（{exc.code}）", f"the platform refused: {exc.code}") from exc
            except PlatformError as exc:
                log.info("decrypt request failed: %s", exc)
                raise OpeningError("platform-unreachable", "无法连接交易平台，请稍后重试", f"platform unreachable: {exc.code}") from exc
        self.wake.set()  # poll bid_results now, not at the next interval

    def poll_once(self) -> None:
        from sync.errors import PlatformError

        for sid in self.service.decrypting_sessions():
            try:
                self.puller.poll_bid_results(sid)
            except PlatformError as exc:
                log.info("bid_results poll failed: %s", exc)
                continue
            self.polls += 1
            self.service.refresh_decryption(sid)

    def run(self, stop: threading.Event) -> None:
        next_poll = 0.0
        while not stop.is_set():
            if self.wake.is_set() or time.monotonic() >= next_poll:
                self.wake.clear()
                self.poll_once()
                next_poll = time.monotonic() + self.poll_s
            stop.wait(0.05)


class RemoteLoop:
    """不见面开标 (issue 19): while a remote opening of this hall is live, pull ``remote_events`` every
    ``[opening] remote_poll_seconds`` (2–5 s, not the feeds' minute) and take the new ones into each
    live opening (journalled; the consoles and boards learn them from the journal).

    A failed poll is logged and tried again at the next interval; the console sees how fresh the
    online events are from the feed's state (``OpeningView.remote_synced_at``) and the core makes the
    steps that need online input wait while they are stale. Deferred events (a confirmation before
    the confirmation stage) are offered again at every pass.
    """

    def __init__(self, service: OpeningService, puller: Any, poll_s: float) -> None:
        self.service = service
        self.puller = puller
        self.poll_s = min(5.0, max(2.0, poll_s)) if poll_s > 0 else 3.0
        self.polls = 0
        self.failures = 0
        self.last_error = ""

    def poll_once(self) -> int:
        """One pass: pull the feed (when a remote opening is live) and take its events; returns events taken."""
        from sync.errors import NotFound, PlatformError

        sids = self.service.live_remote_sessions()
        if not sids:
            return 0
        try:
            self.puller.pull_feed("remote_events")
            self.polls += 1
            self.last_error = ""
        except NotFound:
            self.failures += 1
            self.last_error = "the platform has no remote_events feed (a v1 platform)"
            log.warning("remote opening %s: %s", sids, self.last_error)
        except PlatformError as exc:
            self.failures += 1
            self.last_error = f"{exc.code}"
            log.info("remote_events poll failed: %s", exc)
        taken = 0
        for sid in sids:
            taken += self.service.take_remote_events(sid)
        return taken

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                self.poll_once()
            except Exception as exc:  # the database stumbled: say so, try again at the next interval
                self.failures += 1
                self.last_error = type(exc).__name__
                log.warning("remote events pass failed: %s", exc)
            stop.wait(max(0.05, self.poll_s - (time.monotonic() - started)))


@dataclasses.dataclass
class OpeningWiring:
    service: OpeningService
    loop: DecryptLoop | None
    screens: dict[str, Any]
    remote: RemoteLoop | None = None


def build_puller(hall: Any) -> tuple[Any, Any] | None:
    """(puller, client) for the configured platform, or None when stand-alone."""
    p = hall.config.platform
    if not (p.url and p.journal_id and p.secret_file):
        return None
    from hallkiosk.sync_wiring import read_secret
    from sync.client import PlatformClient
    from sync.pull import Puller

    clock = hall.clock if isinstance(hall.clock, PlatformClock) else PlatformClock()
    client = PlatformClient(p.url, hall.journal.journal_id, read_secret(p.secret_file), clock, timeout=min(10.0, p.timeout_seconds))
    return Puller(hall.engine, client, hall.vault, retries=1), client


def attach(term: Any) -> OpeningWiring:
    hall = term.hall
    service = OpeningService(hall)
    role = term.ctx.role
    loop = None
    remote_loop: RemoteLoop | None = None
    screens: dict[str, Any] = {}
    if role == "host":
        built = build_puller(hall)
        if built is not None:
            puller, client = built
            loop = DecryptLoop(service, puller, hall.config.opening.decrypt_poll_seconds)
            term.threads.start("opening-decrypt", loop.run)
            term.threads.on_stop(client.close)
            built_remote = build_puller(hall)  # its own client: the loops never share a connection
            if built_remote is not None:
                remote_loop = RemoteLoop(service, built_remote[0], hall.config.opening.remote_poll_seconds)
                term.threads.start("opening-remote", remote_loop.run)
                term.threads.on_stop(built_remote[1].close)
        from ui.opening.console import OpeningConsole, tab_title

        page = term.window.page
        console = OpeningConsole(term.ctx, service, loop.start_one if loop is not None else None, lambda: page.operator,
                                 staffing=StaffingService(hall))
        page.work.add_tab(console, tab_title)
        screens["console"] = console
    if role == "kiosk":
        from ui.opening.objection import KioskObjectionFlow

        checkin = getattr(term, "checkin", None)  # wired before us: its station prints the 异议回执 on the slip printer
        flow = KioskObjectionFlow(term.ctx, service, station=getattr(checkin, "station", None))
        term.window.page.register_flow("objection", flow)
        screens["objection"] = flow
    if role in ("host", "board"):
        from ui.opening.board import OpeningBoard

        if role == "board":
            board = OpeningBoard(term.ctx, service)
            term.window.page.add_view("opening", board)
            screens["board"] = board
        if term.big_screen is not None:
            big = OpeningBoard(term.big_screen.ctx, service)
            term.big_screen.page.add_view("opening", big)
            term.big_screen.page.show_view("opening")
            screens["big_screen"] = big
    wiring = OpeningWiring(service, loop, screens, remote_loop)
    term.opening = wiring
    return wiring
