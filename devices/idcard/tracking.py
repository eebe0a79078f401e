"""What an ID-card reader's poll loop tells the screen, the same for every reader (serial SAM or vendor SDK).

:class:`CardTracker` turns the outcome of each poll into :class:`kiosk.ports.CardEvent`\\ s: a state
change once, an error once per code until a good poll, a card once (again only when another card
replaces it), and its removal only after ``removal_polls`` empty polls and ``debounce_s`` seconds
(a card lifted for a moment is not "removed"). The loops of ``devices.idcard.driver`` and
``devices.idcard.sdk`` differ in how they open, poll and recover; what they report is this.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.ports import CardEvent, DeviceError, DeviceState, IdCard

log = logging.getLogger(__name__)


class CardTracker:
    """The reporting half of a reader's poll loop.

    Args:
        reader: the reader; its ``state`` and ``last_error`` are kept up to date here.
        on_event: where the events go (the reader thread; the caller bridges them to the UI).
        removal_polls: consecutive empty polls before a card counts as removed …
        debounce_s: … and at least this long since it was last seen.
    """

    def __init__(self, reader: Any, on_event: Callable[[CardEvent], None], *, removal_polls: int, debounce_s: float) -> None:
        self.reader = reader
        self.on_event = on_event
        self.removal_polls = removal_polls
        self.debounce_s = debounce_s
        self.current: IdCard | None = None
        self.reported: str | None = None  #: code of the last error reported since the last good poll
        self._absent = 0
        self._last_seen = 0.0

    def set_state(self, state: DeviceState) -> None:
        if state != self.reader.state:
            self.reader.state = state
            self.on_event(CardEvent("state", state=state))

    def report(self, err: DeviceError) -> None:
        self.reader.last_error = err
        if err.code != self.reported:
            self.reported = err.code
            log.warning("ID reader %s: %s", self.reader.url, err.en)
            self.on_event(CardEvent("error", error=err))

    def lose_card(self) -> None:
        if self.current is not None:
            self.current = None
            self.on_event(CardEvent("removed"))

    def polled(self, card: IdCard | None, *, before_new: Callable[[], None] | None = None) -> bool:
        """A good poll: the reader is ONLINE; ``card`` is what it found. Returns True while a card is on it
        (the loop then re-reads only to see a swap or a removal). ``before_new`` runs just before a new
        card is reported (the SDK reports a photo it could not decode there)."""
        self.reported = None
        self.set_state(DeviceState.ONLINE)
        if card is None:
            self._absent += 1
            if self._absent >= self.removal_polls and time.monotonic() - self._last_seen >= self.debounce_s:
                self.lose_card()
            return False
        self._absent = 0
        self._last_seen = time.monotonic()
        if self.current is None or self.current.id_number != card.id_number:
            self.lose_card()
            self.current = card
            if before_new is not None:
                before_new()
            self.on_event(CardEvent("card", card=card))
        return True
