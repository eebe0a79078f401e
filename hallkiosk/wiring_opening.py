"""Bid opening in a running terminal: the rules service, the decryption loop, the screens, the tour.

``attach(term)`` builds one :class:`kiosk.opening.OpeningService` and:

* on a kiosk, the "开标异议" tile (``ui.opening.objection.KioskObjectionFlow``): a checked-in
  bidder's representative raises an objection with their ID card (the reader's card events come
  through the bridge, as for check-in); the console and the big screen see it through the journal;
* on a host console, the "开标" tab (``ui.opening.console.OpeningConsole``), and a worker
  (thread ``opening-jobs``) for its slow calls: signing the record (PDF, SHA-256, blob store);
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

from kiosk.clock import PlatformClock
from kiosk.opening import OpeningError, OpeningService
from ui.opening.ports import DecryptResult, JobResult, OpeningPorts

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


class JobWorker:
    """The console's slow calls (signing the record: PDF, hashing, blob store) on a thread the root owns."""

    def __init__(self, ports: OpeningPorts) -> None:
        self.ports = ports
        self.jobs: queue.Queue[tuple[str, str, Any]] = queue.Queue()
        self.done: list[tuple[str, float]] = []  #: (key, seconds) per job, for the bench and tests

    def submit(self, key: str, session_id: str, fn: Any) -> None:
        self.jobs.put((key, session_id, fn))

    def run_one(self, key: str, session_id: str, fn: Any) -> JobResult:
        t0 = time.perf_counter()
        try:
            value = fn()
        except OpeningError as exc:
            return JobResult(key, session_id, False, None, exc.zh, exc.en, time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - the console must hear of it, not wait forever
            log.exception("opening job %s failed", key)
            return JobResult(key, session_id, False, None, "操作失败，请联系技术人员", f"failed: {type(exc).__name__}",
                             time.perf_counter() - t0)
        seconds = time.perf_counter() - t0
        self.done.append((key, seconds))
        return JobResult(key, session_id, True, value, seconds=seconds)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                key, sid, fn = self.jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            self.ports.post_job_result(self.run_one(key, sid, fn))


@dataclasses.dataclass
class OpeningWiring:
    service: OpeningService
    ports: OpeningPorts
    loop: DecryptLoop | None
    screens: dict[str, Any]
    worker: JobWorker | None = None


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
    worker = None
    screens: dict[str, Any] = {}
    if role == "host":
        worker = JobWorker(ports)
        ports.run_job = worker.submit
        term.threads.start("opening-jobs", worker.run)
        built = build_puller(hall)
        if built is not None:
            puller, client = built
            loop = DecryptLoop(service, puller, ports, hall.config.opening.decrypt_poll_seconds)
            ports.platform_configured = True
            ports.request_decrypt = loop.request
            term.threads.start("opening-decrypt", loop.run)
            term.threads.on_stop(client.close)
        from ui.opening.console import OpeningConsole, tab_title

        page = term.window.page
        console = OpeningConsole(term.ctx, service, ports, lambda: page.operator)
        page.work.add_tab(console, tab_title)
        screens["console"] = console
    if role == "kiosk":
        from ui.opening.objection import KioskObjectionFlow

        flow = KioskObjectionFlow(term.ctx, service)
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
    wiring = OpeningWiring(service, ports, loop, screens, worker)
    term.opening = wiring
    return wiring
