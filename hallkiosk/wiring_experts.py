"""The expert draw in a running terminal (issue 17): the extraction console and the modem's loop.

``attach(term)`` on an ``extraction`` terminal builds one :class:`kiosk.experts.service.ExpertsService`
and the "专家抽取" tab (``ui.experts.console.ExtractionConsole``). When ``[devices] modem`` names the
GSM modem (H8's ``devices.sms.modem.GsmModem``, which implements ``kiosk.ports.SmsPort``), its line
runs on thread ``sms-modem``, invitations go out on the job runner's ``sms`` lane, and thread
``experts-answers`` reads the replies and times out silent invitations every
``POLL_S`` seconds (:class:`AnswerLoop`). Without a modem the console takes answers by phone.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

from kiosk.experts.service import ExpertsService

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


def attach(term: Any) -> ExpertsWiring | None:
    if term.ctx.role != "extraction":
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
