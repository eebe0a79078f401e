"""A simulated RS-485 line with a door relay and a phone-locker bank: pymodbus's own server.

:class:`AccessSimulator` runs ``pymodbus.server.ModbusTcpServer`` on its own thread and event loop,
with RTU framing (``modbus-rtu+socket://``, the default: the driver runs its RTU code) or Modbus TCP
(``modbus-tcp://``). The line carries two devices, as a hall wires them:

* unit ``door_unit`` (1): coil 0 is the door relay (on = released);
* unit ``bank_unit`` (2): coils 0…N-1 release lockers 1…N; discrete inputs 0…N-1 are 1 while the
  locker is shut, discrete inputs 100…100+N-1 are 1 while something is inside.

The devices' registers live in this object; pymodbus's datastore reads them through its ``action``
hook on every request. A released locker's door springs open (its "closed" input goes 0); tests shut
it with :meth:`close_locker`, ``auto_close_s`` shuts every released locker that many seconds later
(with a phone inside), and another process (the demo tour) shuts one with :func:`shut_by_hand` —
a simulator-only back door: writing 1 (a phone inside) or 2 (empty) to holding register N-1 of the
bank shuts locker N (a real bank has no such register). Faults: :meth:`jam` (a locker that does not open),
:meth:`power_cut` (the line goes silent and, like a fail-safe lock without power, the door is
free) and :meth:`power_back`. ``hall-kiosk devices simulate access`` runs it standalone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from typing import Self

from pymodbus.constants import ExcCodes
from pymodbus.framer import FramerType
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import SimData, SimDevice
from pymodbus.simulator.simutils import DataType, SimUtils

from devices.access.modbus import line_for, parse_url
from devices.simport import warn_if_exposed

log = logging.getLogger(__name__)

BITS = 128  #: coils and discrete inputs per simulated device (8 registers of 16)
OCCUPIED_BASE = 100


class AccessSimulator:
    """A door relay (unit 1) and a locker bank (unit 2) behind one Modbus server.

    Args:
        listen: ``modbus-rtu+socket://127.0.0.1:PORT`` (0 = a free port) or ``modbus-tcp://…``.
        lockers: how many lockers the bank has.
        door_unit: the door relay's unit id.
        bank_unit: the locker bank's unit id.
        auto_close_s: shut every released locker (a phone inside) after this many seconds.
    """

    def __init__(self, listen: str = "modbus-rtu+socket://127.0.0.1:0", *, lockers: int = 12,
                 door_unit: int = 1, bank_unit: int = 2, auto_close_s: float | None = None) -> None:
        scheme, _, rest = listen.partition("://")
        if scheme not in ("modbus-rtu+socket", "modbus-tcp"):
            raise ValueError(f"listen must be modbus-rtu+socket://HOST:PORT or modbus-tcp://HOST:PORT, not {listen!r}")
        host, _, port = rest.split("?", 1)[0].rpartition(":")
        self.scheme = scheme
        self.host = host or "127.0.0.1"
        self.port_no = int(port or 0)
        self.count = lockers
        self.door_unit = door_unit
        self.bank_unit = bank_unit
        self.auto_close_s = auto_close_s
        self._lock = threading.Lock()
        self.door_coil = False
        self.locker_coils = [False] * lockers
        self.closed = [True] * lockers
        self.occupied = [False] * lockers
        self.jammed: set[int] = set()
        self.powered = True
        self.requests = 0
        self.door_log: list[tuple[float, bool]] = []  #: (monotonic time, relay on) for every door write
        self.releases: list[int] = []  #: lockers released, in order
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: ModbusTcpServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # --- URLs ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The line, without a device (``modbus-rtu+socket://127.0.0.1:PORT``)."""
        return f"{self.scheme}://{self.host}:{self.port_no}"

    @property
    def door_url(self) -> str:
        """The door relay's URL (115200: pymodbus's RTU client paces itself by the baud, even on a socket)."""
        return f"{self.url}?unit={self.door_unit}&coil=0&timeout=0.3&baud=115200"

    @property
    def lockers_url(self) -> str:
        return (f"{self.url}?unit={self.bank_unit}&count={self.count}&coil=0&closed=0&occupied={OCCUPIED_BASE}"
                "&timeout=0.3&baud=115200")

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._thread is not None:
            return self
        if self.port_no == 0:
            with socket.socket() as s:  # a free port, so power_back() reopens the same one
                s.bind((self.host, 0))
                self.port_no = s.getsockname()[1]
        warn_if_exposed("access (Modbus)", self.host, self.port_no)
        self._ready.clear()
        self._thread = threading.Thread(target=self._serve, name=f"sim-modbus-{self.port_no}", daemon=True)
        self._thread.start()
        if not self._ready.wait(5) or self._error is not None:
            raise RuntimeError(f"the Modbus simulator did not start: {self._error}")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            with contextlib.suppress(RuntimeError):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(5)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._listen())
        except BaseException as exc:  # noqa: BLE001 - reported to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()
        loop.close()

    async def _listen(self) -> None:
        devices = [
            SimDevice(id=self.door_unit, simdata=_blocks(), action=self._door_action),
            SimDevice(id=self.bank_unit, simdata=_blocks(), action=self._bank_action),
        ]
        framer = FramerType.RTU if self.scheme == "modbus-rtu+socket" else FramerType.SOCKET
        self._server = ModbusTcpServer(devices, framer=framer, address=(self.host, self.port_no), ignore_missing_devices=True)
        await self._server.serve_forever(background=True)

    async def _shutdown(self) -> None:
        if self._server is not None:
            await self._server.shutdown()
            self._server = None

    # --- the devices ----------------------------------------------------------------------------

    async def _door_action(self, fc: int, start: int, address: int, count: int, registers: list[int],
                           values: list[int] | list[bool] | None) -> ExcCodes | None:
        with self._lock:
            self.requests += 1
            if fc in (5, 15) and values is not None:
                for i, v in enumerate(values):
                    if address + i == 0:
                        self.door_coil = bool(v)
                        self.door_log.append((time.monotonic(), bool(v)))
            bits = [self.door_coil] if fc in (1, 5, 15) else [not self.door_coil]  # DI 0: door closed
            registers[:] = SimUtils.bitsToRegisters(bits + [False] * (BITS - len(bits)))[: len(registers)]
        return None

    async def _bank_action(self, fc: int, start: int, address: int, count: int, registers: list[int],
                           values: list[int] | list[bool] | None) -> ExcCodes | None:
        with self._lock:
            self.requests += 1
            if fc in (5, 15) and values is not None:
                for i, v in enumerate(values):
                    n = address + i
                    if 0 <= n < self.count:
                        if v and not self.locker_coils[n]:
                            self.releases.append(n + 1)
                            if n + 1 not in self.jammed:
                                self.closed[n] = False  # the door springs open
                                if self.auto_close_s is not None:
                                    asyncio.get_running_loop().call_later(self.auto_close_s, self.close_locker, n + 1)
                        self.locker_coils[n] = bool(v)
            if fc in (3, 6, 16):  # the simulator's back door (module doc): 1 shut with a phone, 2 shut empty
                for i, v in enumerate(values or []):
                    n = address + i
                    if 0 <= n < self.count and v in (1, 2):
                        self.closed[n] = True
                        self.occupied[n] = v == 1
                registers[:] = [0] * len(registers)
                return None
            if fc == 2:
                bits = [False] * BITS
                bits[: self.count] = self.closed
                bits[OCCUPIED_BASE : OCCUPIED_BASE + self.count] = self.occupied
            else:
                bits = self.locker_coils + [False] * (BITS - self.count)
            registers[:] = SimUtils.bitsToRegisters(bits)[: len(registers)]
        return None

    # --- controls for tests and the demo ------------------------------------------------------

    def close_locker(self, number: int, *, occupied: bool = True) -> None:
        """Someone shuts locker ``number`` (with a phone inside unless ``occupied`` is False)."""
        with self._lock:
            self.closed[number - 1] = True
            self.occupied[number - 1] = occupied

    def open_by_hand(self, number: int, *, occupied: bool = False) -> None:
        """Locker ``number``'s door stands open (e.g. after a mechanical key)."""
        with self._lock:
            self.closed[number - 1] = False
            self.occupied[number - 1] = occupied

    def jam(self, number: int) -> None:
        """Locker ``number``'s lock no longer releases."""
        self.jammed.add(number)

    def power_cut(self) -> None:
        """The line goes silent (the server stops); a fail-safe door lock is free meanwhile."""
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(5)
        self.powered = False

    def power_back(self) -> None:
        """Power returns: relays come back off, the line answers again on the same address."""
        with self._lock:
            self.door_coil = False
            self.locker_coils = [False] * self.count
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(5)
        self.powered = True

    @property
    def door_released(self) -> bool:
        """The door can be pushed open: the relay is on, or there is no power."""
        return self.door_coil or not self.powered


def _blocks() -> tuple[list[SimData], list[SimData], list[SimData], list[SimData]]:
    regs = BITS // 16
    return (
        [SimData(0, count=regs, datatype=DataType.BITS)],
        [SimData(0, count=regs, datatype=DataType.BITS)],
        [SimData(0, count=BITS, datatype=DataType.REGISTERS)],
        [SimData(0, count=1, datatype=DataType.REGISTERS)],
    )


def shut_by_hand(lockers_url: str, number: int, *, occupied: bool = True) -> None:
    """Shut locker ``number`` of a simulator in another process, through its back door (module doc).

    Raises:
        ModbusLinkError: the simulator does not answer.
    """
    spec = parse_url(lockers_url)
    line_for(spec).call(spec.url, lambda c: c.write_register(number - 1, 1 if occupied else 2, device_id=spec.unit))
