"""The expert draw in a running terminal (issue 17): the extraction console and the modem's loop.

``attach(term)`` on an ``extraction`` terminal builds one :class:`kiosk.experts.service.ExpertsService`
and the "专家抽取" tab (``ui.experts.console.ExtractionConsole``). When ``[devices] modem`` names the
GSM modem (H8's ``devices.sms.modem.GsmModem``, which implements ``kiosk.ports.SmsPort``), its line
runs on thread ``sms-modem``, invitations go out on the job runner's ``sms`` lane, and thread
``experts-answers`` reads the replies and times out silent invitations every
``POLL_S`` seconds (:class:`AnswerLoop`). Without a modem the console takes answers by phone.

The evaluation area's door (must 3–5): a ``kiosk`` terminal with ``[kiosk] mode = "evaluation_area"``
gets :class:`kiosk.experts.signin.SigninService` and ``ui.experts.door.DoorScreen`` as its home. It
shares check-in's face engine and camera station (``term.checkin``, wired first: one engine loaded, one
camera loop); the door relay and lockers (``[devices] door``/``lockers``: the registry's
``AccessController``) run on thread ``access``, whose events the service journals
(:meth:`SigninService.on_access_event`) on that thread, never the UI's. A ``board`` adds the view
``evaluation`` (``ui.experts.board.EvaluationRoomBoard``: counts only).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from kiosk.experts.service import ExpertsService
from kiosk.experts.signin import SigninService

log = logging.getLogger(__name__)

SMS_LANE = "sms"
POLL_S = 2.0


class AnswerLoop:
    """Replies in, silences timed out: ``collect`` and ``expire`` every ``poll_s`` (never on the UI thread)."""

    def __init__(self, service: ExpertsService, poll_s: float = POLL_S) -> None:
        self.service = service
        self.poll_s = poll_s
        self.rounds = 0

    def once(self) -> int:
        n = self.service.collect() + self.service.expire()
        self.rounds += 1
        return n

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(self.poll_s):
            try:
                self.once()
            except Exception:  # noqa: BLE001 - the next round retries; never stop the terminal
                log.exception("expert answers: a round failed")


@dataclasses.dataclass
class ExpertsWiring:
    service: ExpertsService
    modem: Any
    loop: AnswerLoop | None
    console: Any


def modem_for(term: Any) -> Any:
    """The configured GSM modem (not yet running), or None: the device registry's own when the terminal
    built its devices (so the status bar shows the modem this loop runs), else one built from the URL."""
    monitor = getattr(term, "monitor", None)
    registry = getattr(monitor, "registry", None)
    if registry is not None:
        return getattr(registry, "modem", None)
    url = getattr(term.hall.config.devices, "modem", "") or ""
    if not url:
        return None
    from devices.sms.modem import GsmModem

    return GsmModem(url)


@dataclasses.dataclass
class DoorWiring:
    service: SigninService
    access: Any
    screen: Any


def access_for(term: Any) -> Any:
    """The door relay and lockers of the device registry (the status bar shows the same object), or None."""
    monitor = getattr(term, "monitor", None)
    registry = getattr(monitor, "registry", None)
    return getattr(registry, "access", None) if registry is not None else None


def attach_door(term: Any) -> DoorWiring:
    """The evaluation area's door on a ``kiosk`` terminal (see the module doc)."""
    from kiosk.staffing import StaffingService
    from ui.experts.door import DoorScreen

    hall = term.hall
    checkin = getattr(term, "checkin", None)
    if checkin is not None:
        engine, note, station = checkin.service.face_engine, checkin.service.face_engine_note, checkin.station
    else:  # a build without check-in: its own engine, and no camera (every face goes to the clerk)
        from hallkiosk.wiring_checkin import build_face_matcher
        from ui.checkin.station import CheckinStation

        engine, note = build_face_matcher(hall.config.checkin, term.threads)
        note = note or "未配置人脸比对引擎"
        station = CheckinStation(term.ctx.jobs, term.ctx.bridge.call)
    access = access_for(term)
    lockers = len(getattr(access, "lockers", ()) or ())
    service = SigninService(hall, face_engine=engine, face_engine_note=note, access=access, lockers=lockers)
    if access is not None:
        def on_event(ev: Any) -> None:
            service.on_access_event(ev)

        term.threads.start("access", lambda stop: access.run(stop, on_event))
    screen = DoorScreen(term.ctx, service, StaffingService(hall), station)
    term.window.page.use_home(screen)
    wiring = DoorWiring(service, access, screen)
    term.door = wiring
    return wiring


def attach(term: Any) -> ExpertsWiring | DoorWiring | None:
    role = term.ctx.role
    if role == "kiosk" and term.hall.config.kiosk.mode == "evaluation_area":
        return attach_door(term)
    if role == "board":
        from ui.experts.board import EvaluationRoomBoard

        term.window.page.add_view("evaluation", EvaluationRoomBoard(term.ctx, SigninService(term.hall)))
        return None
    if role != "extraction":
        return None
    hall = term.hall
    modem = modem_for(term)
    service = ExpertsService(hall, sms=modem)
    loop = None
    if modem is not None:
        term.threads.start("sms-modem", modem.run)
        loop = AnswerLoop(service)
        term.threads.start("experts-answers", loop.run)
    from ui.experts.console import ExtractionConsole, tab_title

    console = ExtractionConsole(term.ctx, service, sms_lane=SMS_LANE if modem is not None else None)
    term.window.page.work.add_tab(console, tab_title, first=True)
    wiring = ExpertsWiring(service, modem, loop, console)
    term.experts = wiring
    return wiring
