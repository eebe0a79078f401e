"""The announcement queue: one serial voice queue per audio zone (docs/rules/queue.md §3).

Announcements in a zone never overlap and never cut each other: one worker per zone plays them one
after another, first in, first out, each ``repeat`` times, with a gap between utterances. The
display updates at once; the voice follows. The same text queued again within the dedup window
(a double press of "call", two terminals announcing the same call) is dropped; a recall after the
window is played.

:class:`AnnouncementQueue` serves one zone; :class:`ZonedSpeech` routes the
:class:`kiosk.ports.Speech` port's ``announce(text, zone=…, repeat=…)`` to the queue of the zone.
The composition root runs each queue's :meth:`AnnouncementQueue.run` on a thread it owns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from devices.speech.engines import SpeechEngine, SpeechError
from devices.speech.numbers import TicketStyle, speakable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Announcement:
    """One queued announcement.

    Attributes:
        text: the display text as given.
        spoken: the text the engine says (digits read out in Chinese).
        zone: the audio zone.
        repeat: how many times it is said.
        queued_at: monotonic time it was accepted.
    """

    text: str
    spoken: str
    zone: str
    repeat: int
    queued_at: float


class AnnouncementQueue:
    """A serial announcement queue for one audio zone.

    Args:
        engine: the speech engine; its ``speak`` blocks while the sound plays.
        zone: the audio zone this queue serves.
        gap_s: silence between two utterances (repeats included).
        dedup_window_s: the same text queued again within this many seconds is dropped.
        max_repeat: repeats are clamped to 1..max_repeat.
        max_pending: the oldest waiting announcement is dropped beyond this many.
        chime: an engine played once before each announcement (a "ding-dong"), or None.
        ticket_style: how ticket numbers are read (see :func:`devices.speech.numbers.speakable`).
        clock: monotonic clock (for the dedup window).
    """

    def __init__(
        self,
        engine: SpeechEngine,
        *,
        zone: str = "hall",
        gap_s: float = 0.5,
        dedup_window_s: float = 5.0,
        max_repeat: int = 5,
        max_pending: int = 50,
        chime: SpeechEngine | None = None,
        ticket_style: TicketStyle = "digits",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.zone = zone
        self.gap_s = gap_s
        self.dedup_window_s = dedup_window_s
        self.max_repeat = max_repeat
        self.max_pending = max_pending
        self.chime = chime
        self.ticket_style = ticket_style
        self.clock = clock
        self._pending: deque[Announcement] = deque()
        self._recent: dict[str, float] = {}  #: text → when it was last accepted
        self._cond = threading.Condition()
        self._busy = False
        self._played = 0
        self._dropped = 0
        self._failed = 0

    # --- producers (any thread) ------------------------------------------------------------------

    def submit(self, text: str, *, repeat: int = 1) -> bool:
        """Queue an announcement.

        Args:
            text: display text, e.g. "请A012号到3号窗口办理".
            repeat: times to say it (clamped to 1..max_repeat).

        Returns:
            False when it was dropped as a duplicate within the dedup window (or is empty).
        """
        text = text.strip()
        if not text:
            return False
        now = self.clock()
        with self._cond:
            last = self._recent.get(text)
            if last is not None and now - last < self.dedup_window_s:
                return False
            self._recent = {t: at for t, at in self._recent.items() if now - at < self.dedup_window_s}
            self._recent[text] = now
            item = Announcement(
                text=text,
                spoken=speakable(text, self.ticket_style),
                zone=self.zone,
                repeat=max(1, min(self.max_repeat, int(repeat))),
                queued_at=now,
            )
            self._pending.append(item)
            while len(self._pending) > self.max_pending:
                self._pending.popleft()
                self._dropped += 1
                log.warning("speech zone %s: queue full, oldest announcement dropped", self.zone)
            self._cond.notify_all()
        return True

    def announce(self, text: str, *, zone: str = "hall", repeat: int = 1) -> None:
        """The :class:`kiosk.ports.Speech` call, for a queue used alone (one zone).

        Raises:
            ValueError: ``zone`` is not this queue's zone.
        """
        if zone != self.zone:
            raise ValueError(f"announcement for zone {zone!r} sent to the queue of zone {self.zone!r}")
        self.submit(text, repeat=repeat)

    # --- the worker (the composition root's thread) ----------------------------------------------------

    def run(self, stop: threading.Event, poll_s: float = 0.05) -> None:
        """Play announcements until ``stop`` is set; an announcement being played is finished first.

        Announcements still waiting when ``stop`` is set are discarded.

        Args:
            stop: set by the composition root to end the loop.
            poll_s: how often an idle worker looks at ``stop``.
        """
        while not stop.is_set():
            with self._cond:
                if not self._pending:
                    self._cond.wait(poll_s)
                    continue
                item = self._pending.popleft()
                self._busy = True
            try:
                self._play(item, stop)
            finally:
                with self._cond:
                    self._busy = False
                    self._played += 1
                    self._cond.notify_all()
        with self._cond:
            if self._pending:
                log.info(
                    "speech zone %s: %d waiting announcements discarded at stop",
                    self.zone,
                    len(self._pending),
                )
            self._pending.clear()
            self._cond.notify_all()

    def _play(self, item: Announcement, stop: threading.Event) -> None:
        if self.chime is not None:
            self._say(self.chime, item.spoken)
        for i in range(item.repeat):
            if i and stop.is_set():
                break  # do not start another repeat after stop; the one playing was finished
            self._say(self.engine, item.spoken)
            if self.gap_s > 0:
                stop.wait(self.gap_s)

    def _say(self, engine: SpeechEngine, spoken: str) -> None:
        try:
            engine.speak(spoken)
        except (SpeechError, OSError) as exc:
            with self._cond:
                self._failed += 1
            # the text may name a person: log the engine and the error type only
            log.warning("speech zone %s: engine %s failed (%s)", self.zone, engine.name, type(exc).__name__)

    # --- state --------------------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Announcements waiting (not counting the one playing)."""
        with self._cond:
            return len(self._pending)

    @property
    def played(self) -> int:
        """Announcements finished."""
        with self._cond:
            return self._played

    @property
    def failed(self) -> int:
        """Utterances the engine failed to play."""
        with self._cond:
            return self._failed

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is waiting or playing; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True


class ZonedSpeech:
    """The :class:`kiosk.ports.Speech` port over one :class:`AnnouncementQueue` per audio zone.

    Args:
        queues: the queues by zone name.
    """

    def __init__(self, queues: Mapping[str, AnnouncementQueue]) -> None:
        for zone, q in queues.items():
            if q.zone != zone:
                raise ValueError(f"queue of zone {q.zone!r} registered as {zone!r}")
        self.queues = dict(queues)

    def announce(self, text: str, *, zone: str = "hall", repeat: int = 1) -> None:
        """Queue ``text`` in ``zone``'s queue.

        Raises:
            KeyError: no such zone is configured.
        """
        try:
            q = self.queues[zone]
        except KeyError:
            raise KeyError(f"no audio zone {zone!r}; configured: {', '.join(sorted(self.queues))}") from None
        q.submit(text, repeat=repeat)
