"""The evaluation area's door relay and phone-locker bank over Modbus (docs/devices.md §11).

:class:`AccessController` implements :class:`kiosk.ports.AccessControl`:

* **door** (``door_url``, coil ``coil``): :meth:`~AccessController.open_door` switches the relay on
  (Modbus function 05) and the controller switches it off ``hold_s`` later; the relay is never left
  to a timer in the relay board.
* **lockers** (``lockers_url``, ``count`` lockers): :meth:`~AccessController.open_locker` pulses
  coil ``coil + N - 1`` for ``pulse_s`` (a solenoid lock); discrete input ``closed + N - 1`` is 1
  while locker N's door is shut, ``occupied + N - 1`` (when configured) while something is inside.
  A released locker that has not shut again ``alert_s`` (30 s) later raises ``locker-alert``; one
  whose door never reported open within ``jam_s`` is ``locker-jammed``.

:meth:`~AccessController.run` (the composition root's thread) calls :meth:`~AccessController.tick`
every ``poll_s``: it switches relays off when due, reads the lockers' inputs (function 02) and
reports :class:`kiosk.ports.AccessEvent`\\ s. The link is watched the same way: a request that fails
is ``link-lost``, saying whether the door may be unlocked (``door`` ``unlocked`` while a hold was
running or a relock failed, ``unknown`` after a power cut: a fail-safe lock opens without power)
— the caller journals it. When the line answers again the door relay is switched off **before**
anything else and ``link-restored`` reported; a relock that came late is ``door-relocked`` with how
late. The first contact after start switches the relay off too and reports ``door-relocked``: a
terminal that lost power while the door was released says, when it is back, that it locked it. ``open_*`` calls block on the bus (≤ the URL's ``timeout``): call them from a job lane.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from devices.access.modbus import ModbusLine, ModbusLinkError, ModbusUrl, line_for, parse_url
from kiosk.ports import AccessEvent, DeviceError, DeviceState

log = logging.getLogger(__name__)

DoorState = Literal["locked", "unlocked", "unknown"]


@dataclass
class LockerState:
    """What the controller knows of one locker."""

    number: int
    closed: bool | None = None  #: the last reading (None before the first)
    occupied: bool | None = None
    released_at: float | None = None  #: monotonic time of the last release not yet followed by a close
    seen_open: bool = False
    alerted: bool = False
    jam_reported: bool = False


class AccessController:
    """A door relay and/or a locker bank on Modbus lines.

    Args:
        door_url: the door relay's URL (``modbus-…?unit=1&coil=0``) or "" for none.
        lockers_url: the locker bank's URL (``…?unit=2&count=12&closed=0&occupied=16``) or "".
        pulse_s: how long a locker's coil stays on.
        alert_s: a released locker not shut again after this long raises ``locker-alert``.
        jam_s: a released locker whose door never read open after this long is ``locker-jammed``.
        poll_s: seconds between two ticks of :meth:`run`.
        clock: monotonic seconds (tests may pass their own).
    """

    def __init__(
        self,
        door_url: str = "",
        lockers_url: str = "",
        *,
        pulse_s: float = 0.5,
        alert_s: float = 30.0,
        jam_s: float = 3.0,
        poll_s: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not door_url and not lockers_url:
            raise DeviceError("not-configured", "未配置门禁或手机柜", "no door relay or locker bank configured")
        self.door: ModbusUrl | None = parse_url(door_url) if door_url else None
        self.bank: ModbusUrl | None = parse_url(lockers_url) if lockers_url else None
        if self.bank is not None and self.bank.count < 1:
            raise DeviceError("bad-url", "手机柜地址须给出柜门数 count", "the locker bank URL needs count=N")
        self.pulse_s = pulse_s
        self.alert_s = alert_s
        self.jam_s = jam_s
        self.poll_s = poll_s
        self.clock = clock
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None
        #: "unknown" until the first relock at start ("locked" stands for "no door" on a bank alone)
        self.door_state: DoorState = "unknown" if self.door is not None else "locked"
        self.lockers = [LockerState(i + 1) for i in range(self.bank.count if self.bank else 0)]
        self._relock_at: float | None = None
        self._relock_due_since: float | None = None
        self._coils_off: dict[int, float] = {}  # locker coil address → when to switch it off
        self._lock = threading.RLock()
        self._events: list[AccessEvent] = []
        self._link_ok: bool | None = None

    def __repr__(self) -> str:
        return f"AccessController(door={self.door.url if self.door else None!r}, lockers={len(self.lockers)})"

    # --- acts ---------------------------------------------------------------------------------

    def open_door(self, hold_s: float = 5.0) -> None:
        """Release the door for ``hold_s`` seconds.

        Raises:
            DeviceError: no door relay configured; ModbusLinkError: the relay did not answer.
        """
        if self.door is None:
            raise DeviceError("not-configured", "未配置门禁", "no door relay configured")
        door = self.door
        with self._lock:
            self._write(door, door.coil, True)
            self._relock_at = self.clock() + hold_s
            self.door_state = "unlocked"
            self._emit(AccessEvent("door-opened", seconds=hold_s, door="unlocked"))

    def open_locker(self, number: int) -> None:
        """Release locker ``number`` (1-based).

        Raises:
            DeviceError: no such locker; ModbusLinkError: the bank did not answer.
        """
        if self.bank is None or not 1 <= number <= len(self.lockers):
            raise DeviceError("no-locker", f"没有 {number} 号手机柜", f"there is no locker {number}")
        bank = self.bank
        with self._lock:
            coil = bank.coil + number - 1
            self._write(bank, coil, True)
            now = self.clock()
            self._coils_off[coil] = now + self.pulse_s
            st = self.lockers[number - 1]
            st.released_at, st.seen_open, st.alerted, st.jam_reported = now, False, False, False
            self._emit(AccessEvent("locker-opened", locker=number, door=self.door_state))

    @property
    def busy(self) -> bool:
        """A relay is on that the controller will switch off (a door hold, a locker pulse)."""
        with self._lock:
            return bool(self._coils_off) or self._relock_at is not None

    def locker(self, number: int) -> LockerState:
        """The last known state of locker ``number``."""
        return self.lockers[number - 1]

    # --- the loop -----------------------------------------------------------------------------

    def run(self, stop: threading.Event, on_event: Callable[[AccessEvent], None]) -> None:
        """Tick every ``poll_s`` until ``stop``, reporting events (see module doc)."""
        while not stop.is_set():
            for ev in self.tick():
                try:
                    on_event(ev)
                except Exception:  # a consumer's bug must not stop the door watcher
                    log.exception("access event handler failed")
            stop.wait(self.poll_s)
        self.close()

    def tick(self) -> list[AccessEvent]:
        """One round: relock when due, release pulses, read the lockers; the events since the last tick."""
        with self._lock:
            try:
                if self._link_ok is not True:
                    self._restore()
                self._relock_if_due()
                self._end_pulses()
                self._read_lockers()
            except ModbusLinkError as exc:
                self._lost(exc)
            out, self._events = self._events, []
            return out

    def close(self) -> None:
        """Close the lines' clients (they reopen on the next request)."""
        for spec in (self.door, self.bank):
            if spec is not None:
                line_for(spec).close()

    # --- internals ----------------------------------------------------------------------------

    def _line(self, spec: ModbusUrl) -> ModbusLine:
        return line_for(spec)

    def _set_coil(self, spec: ModbusUrl, address: int, value: bool) -> None:
        """Function 05 (write single coil) to ``spec``'s device."""
        self._line(spec).call(spec.url, lambda c: c.write_coil(address, value, device_id=spec.unit))

    def _write(self, spec: ModbusUrl, coil: int, value: bool) -> None:
        try:
            self._set_coil(spec, coil, value)
        except ModbusLinkError as exc:
            self._lost(exc)
            raise

    def _emit(self, ev: AccessEvent) -> None:
        self._events.append(ev)

    def _restore(self) -> None:
        """First contact (or contact again): switch the door relay off before anything else."""
        if self.door is not None and self._relock_at is None:
            door = self.door
            self._set_coil(door, door.coil, False)
            late = None if self._relock_due_since is None else max(0.0, self.clock() - self._relock_due_since)
            self._relock_due_since = None
            was = self.door_state
            self.door_state = "locked"
            if late is not None:
                self._emit(AccessEvent("door-relocked", seconds=round(late, 3), door="locked"))
            elif was == "unknown":  # after a loss, or at start: a terminal that died with the door released
                self._emit(AccessEvent("door-relocked", door="locked"))  # (its own power cut) says it relocked it
        if self.bank is not None:
            bank = self.bank
            for coil in list(self._coils_off):
                self._set_coil(bank, coil, False)
                del self._coils_off[coil]
        if self._link_ok is False:
            self._emit(AccessEvent("link-restored", door=self.door_state))
        self._link_ok = True
        self.state = DeviceState.ONLINE

    def _relock_if_due(self) -> None:
        if self.door is None or self._relock_at is None:
            return
        now = self.clock()
        if now < self._relock_at:
            return
        door = self.door
        due = self._relock_at
        self._set_coil(door, door.coil, False)
        self._relock_at = None
        late = now - (self._relock_due_since or due)
        self._relock_due_since = None
        self.door_state = "locked"
        self._emit(AccessEvent("door-relocked", seconds=round(max(0.0, late), 3) if late > 1.0 else None, door="locked"))

    def _end_pulses(self) -> None:
        if self.bank is None:
            return
        bank = self.bank
        now = self.clock()
        for coil, at in sorted(self._coils_off.items()):
            if now >= at:
                self._set_coil(bank, coil, False)
                del self._coils_off[coil]

    def _read_lockers(self) -> None:
        if self.bank is None:
            return
        bank = self.bank
        n = len(self.lockers)
        closed = self._line(bank).call(bank.url, lambda c: c.read_discrete_inputs(bank.closed, count=n, device_id=bank.unit)).bits[:n]
        occupied: list[bool] | None = None
        if bank.occupied is not None:
            start = bank.occupied
            occupied = self._line(bank).call(bank.url, lambda c: c.read_discrete_inputs(start, count=n, device_id=bank.unit)).bits[:n]
        now = self.clock()
        for i, st in enumerate(self.lockers):
            st.closed = bool(closed[i])
            if occupied is not None:
                st.occupied = bool(occupied[i])
            if st.released_at is None:
                continue
            if not st.closed:
                st.seen_open = True
            elif st.seen_open:
                self._emit(AccessEvent("locker-closed", locker=st.number, seconds=round(now - st.released_at, 3),
                                       occupied=st.occupied, door=self.door_state))
                st.released_at = None
                continue
            elif now - st.released_at >= self.jam_s and not st.jam_reported:
                st.jam_reported = True
                self._emit(AccessEvent("locker-jammed", locker=st.number, seconds=round(now - st.released_at, 3),
                                       door=self.door_state))
            if not st.alerted and now - st.released_at >= self.alert_s and st.seen_open:
                st.alerted = True
                log.warning("locker %d still open after %.1f s", st.number, now - st.released_at)
                self._emit(AccessEvent("locker-alert", locker=st.number, seconds=round(now - st.released_at, 3),
                                       door=self.door_state))

    def _lost(self, exc: ModbusLinkError) -> None:
        self.last_error = exc
        if self._link_ok is False:
            return
        self._link_ok = False
        self.state = DeviceState.OFFLINE
        if self._relock_at is not None:  # a hold was running: the relay stays on until we reach it
            self._relock_due_since = self._relock_at
            self._relock_at = None
            self.door_state = "unlocked"
            self._emit(AccessEvent("door-unconfirmed", door="unlocked", error=exc))
        elif self.door is not None:
            self.door_state = "unknown"  # a power cut opens a fail-safe lock
        log.warning("access line lost (door %s): %s", self.door_state, exc.en)
        self._emit(AccessEvent("link-lost", door=self.door_state if self.door is not None else "locked", error=exc))

