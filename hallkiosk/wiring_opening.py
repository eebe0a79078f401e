"""Bid opening in a running terminal: the rules service, the decryption loop, the screens, the tour.

``attach(term)`` builds one :class:`kiosk.opening.OpeningService` and:

* on a host console, the "开标" tab (``ui.opening.console.OpeningConsole``);
* on a host console with a big screen, the ``opening`` view there (shown at once); on a board,
  the ``opening`` view (shown when ``[ui] board_mode = "opening"``);
* when a platform is configured, one loop (thread ``opening-decrypt``) that starts decryption on
  the console's request (``POST /sessions/{id}/decrypt`` through ``sync.pull.Puller``; the rules
  service refuses it before ``starts_at`` on the platform clock and the platform answers 409
  ``too-early`` as well) and, while a session of this hall is decrypting, pulls ``bid_results``
  every ``[opening] decrypt_poll_seconds`` and takes them into the opening (journalled
  ``opening.decrypt``). Stand-alone, the console says that decryption needs the platform.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk.clock import PlatformClock
from kiosk.opening import OpeningError, OpeningService
from ui.opening.ports import DecryptResult, OpeningPorts

log = logging.getLogger(__name__)


class DecryptLoop:
    """Decryption requests and ``bid_results`` polling, on a thread the composition root owns."""

    def __init__(self, service: OpeningService, puller: Any, ports: OpeningPorts | None, poll_s: float) -> None:
        self.service = service
        self.puller = puller
        self.ports = ports
        self.poll_s = poll_s
        self.jobs: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.polls = 0

    def request(self, session_id: str, operator: Any) -> None:
        self.jobs.put((session_id, operator))

    def start_one(self, session_id: str, operator: Any) -> DecryptResult:
        from sync.errors import Conflict, PlatformError

        try:
            self.service.start_decryption(session_id, operator, starter=self.puller.start_decryption)
        except OpeningError as exc:
            return DecryptResult(session_id, False, exc.zh, exc.en)
        except Conflict as exc:
            return DecryptResult(session_id, False, f"交易平台拒绝：开标时间未到（{exc.code}）", f"the platform refused: {exc.code}")
        except PlatformError as exc:
            log.info("decrypt request failed: %s", exc)
            return DecryptResult(session_id, False, "无法连接交易平台，请稍后重试", f"platform unreachable: {exc.code}")
        return DecryptResult(session_id, True)

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
            try:
                sid, operator = self.jobs.get(timeout=0.05)
            except queue.Empty:
                pass
            else:
                result = self.start_one(sid, operator)
                if self.ports is not None:
                    self.ports.post_decrypt_result(result)
                next_poll = 0.0
            if time.monotonic() >= next_poll:
                self.poll_once()
                next_poll = time.monotonic() + self.poll_s


@dataclasses.dataclass
class OpeningWiring:
    service: OpeningService
    ports: OpeningPorts
    loop: DecryptLoop | None
    screens: dict[str, Any]


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
    ports = OpeningPorts()
    role = term.ctx.role
    loop = None
    screens: dict[str, Any] = {}
    if role == "host":
        built = build_puller(hall)
        if built is not None:
            puller, client = built
            loop = DecryptLoop(service, puller, ports, hall.config.opening.decrypt_poll_seconds)
            ports.platform_configured = True
            ports.request_decrypt = loop.request
            term.threads.start("opening-decrypt", loop.run)
            term.threads.on_stop(client.close)
        from ui.opening.console import OpeningConsole

        page = term.window.page
        console = OpeningConsole(term.ctx, service, ports, lambda: page.operator)
        page.work.add_tab(console, lambda: QCoreApplication.translate("Opening", "开标"))
        screens["console"] = console
    if role in ("host", "board"):
        from ui.opening.board import OpeningBoard

        if role == "board":
            board = OpeningBoard(term.ctx, service)
            term.window.page.add_view("opening", board)
            screens["board"] = board
        if getattr(term, "big_screen", None) is not None:
            big = OpeningBoard(term.big_screen.ctx, service)
            term.big_screen.page.add_view("opening", big)
            term.big_screen.page.show_view("opening")
            screens["big_screen"] = big
    wiring = OpeningWiring(service, ports, loop, screens)
    term.opening = wiring
    return wiring




# --- demo: an opening that starts now on the sandbox platform -------------------------------------------


def reschedule_on_sandbox(platform_url: str, session_id: str, starts_at: Any, *, today: Any | None = None) -> dict[str, Any]:
    """Have the sandbox platform move one demo opening to ``starts_at`` (demo and tests only).

    The platform is the authority for opening times (only it may set or change them), so the
    demo asks it, through the sandbox's admin endpoint ``POST /_sandbox/feeds``, to publish the
    session again with the new time, and the registrations with submission times that keep
    their order but fall before it. The hall learns of it by pulling, and every rule — no
    decryption before ``starts_at``, 409 ``too-early`` from the platform — applies unchanged.
    Returns the new session record.
    """
    import datetime as dt
    from urllib.parse import urlsplit

    import requests

    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import demo_day

    day = demo_day(today or dt.datetime.now(BEIJING).date())
    parts = urlsplit(platform_url)
    admin = f"{parts.scheme}://{parts.netloc}/_sandbox/feeds"
    session = dict(next(s for s in day["sessions"] if s["session_id"] == session_id))
    start = starts_at.astimezone(BEIJING)
    session["starts_at"] = start.isoformat(timespec="seconds")
    regs = sorted((r for r in day["registrations"] if r["session_id"] == session_id and r["bid_submitted_at"]),
                  key=lambda r: r["bid_submitted_at"])
    with requests.Session() as http:
        http.post(admin, json={"feed": "sessions", "key": session_id, "data": session}, timeout=5).raise_for_status()
        for i, r in enumerate(regs):
            moved = dict(r, bid_submitted_at=(start - dt.timedelta(hours=len(regs) - i, minutes=7 * i)).isoformat(timespec="seconds"))
            http.post(admin, json={"feed": "registrations", "key": r["registration_id"], "data": moved}, timeout=5).raise_for_status()
    return session
