"""QR / barcode scanner on a serial line: one code per line, ended by CR or CR LF (docs/devices.md §6).

:class:`LineScanner` implements :class:`kiosk.ports.CodeScanner`: ``run(stop, on_code)`` reads
the port, splits lines, strips blanks and control characters, ignores the same code read again
within ``debounce_s`` seconds (scanners repeat while a code stays in view) and reconnects when the
port vanishes. :class:`ScannerSimulator` is a scanner on ``socket://`` or a pty that "types" codes
on command. Codes may be personal data (a check-in QR): only their length is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from devices.lines import LineSplitter, run_with_reconnect
from devices.simport import PortSimulator, SimulatedPort
from devices.urls import PortError
from kiosk.ports import DeviceError, DeviceState

log = logging.getLogger(__name__)


class LineScanner:
    """A serial scanner in line mode.

    Args:
        url: the port URL.
        baudrate: line speed (scanners default to 9600 or 115200).
        debounce_s: the same code within this many seconds is ignored.
        encoding: how code bytes are decoded (GB18030 covers ASCII and Chinese scanners).
        reconnect_interval: seconds between attempts to reopen a vanished port.
        on_state: optional callback for state changes (and the error that caused them).
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        debounce_s: float = 2.0,
        encoding: str = "gb18030",
        reconnect_interval: float = 1.0,
        on_state: Callable[[DeviceState, DeviceError | None], None] | None = None,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.debounce_s = debounce_s
        self.encoding = encoding
        self.reconnect_interval = reconnect_interval
        self.on_state = on_state
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None

    def __repr__(self) -> str:
        return f"LineScanner({self.url!r}, state={self.state.value})"

    def decode(self, line: bytes) -> str:
        """A line's bytes as a code: decoded, control characters and outer blanks removed."""
        text = line.decode(self.encoding, errors="replace")
        return "".join(ch for ch in text if ch >= " " and ch != "\x7f").strip()

    def run(self, stop: threading.Event, on_code: Callable[[str], None]) -> None:
        """Read codes until ``stop``; call ``on_code`` once per code (debounced)."""
        splitter = LineSplitter()
        last: dict[str, float] = {}

        def on_chunk(_port: serial.Serial, data: bytes) -> None:
            for line in splitter.feed(data):
                code = self.decode(line)
                if not code:
                    continue
                now = time.monotonic()
                if now - last.get(code, -1e9) < self.debounce_s:
                    last[code] = now
                    continue
                last[code] = now
                if len(last) > 256:
                    for k in [k for k, t in last.items() if now - t >= self.debounce_s]:
                        del last[k]
                log.debug("scanner %s: code of %d characters", self.url, len(code))
                on_code(code)

        def on_state(state: DeviceState, err: PortError | None) -> None:
            self.state = state
            if err is not None:
                self.last_error = err
            if self.on_state is not None:
                self.on_state(state, err)

        run_with_reconnect(self.url, self.baudrate, stop, on_chunk, on_state, self.reconnect_interval)

    def read_codes(self, count: int, timeout: float) -> list[str]:
        """Read up to ``count`` codes within ``timeout`` seconds (for ``devices scan``).

        Raises:
            PortError: the port cannot be opened.
        """
        codes: list[str] = []
        stop = threading.Event()
        errors: list[DeviceError] = []

        def on_code(code: str) -> None:
            codes.append(code)
            if len(codes) >= count:
                stop.set()

        def state(s: DeviceState, err: DeviceError | None) -> None:
            if s == DeviceState.OFFLINE and err is not None:
                errors.append(err)
                stop.set()

        previous, self.on_state = self.on_state, state
        timer = threading.Timer(timeout, stop.set)
        timer.start()
        try:
            self.run(stop, on_code)
        finally:
            timer.cancel()
            timer.join()
            self.on_state = previous
        if errors and not codes:
            raise errors[0]
        return codes


class ScannerSimulator(PortSimulator):
    """A scanner on ``socket://`` or a pty that types codes when told to.

    Args:
        listen: ``socket://127.0.0.1:PORT``, ``pty`` or ``pty:/path/link``.
        baud: output pacing (None = unpaced).
        ending: line end, ``b"\\r"`` or ``b"\\r\\n"``.
        encoding: how codes are encoded on the wire.
    """

    def __init__(
        self, listen: str = "socket://127.0.0.1:0", *, baud: int | None = 9600, ending: bytes = b"\r\n",
        encoding: str = "gb18030",
    ) -> None:
        self._port = SimulatedPort(listen, on_data=lambda _d: None, baud=baud, what="scanner")
        self.ending = ending
        self.encoding = encoding

    def type_code(self, code: str, *, ending: bytes | None = None) -> bool:
        """Send one code and its line end; False when no driver is connected."""
        return self._port.write(code.encode(self.encoding) + (self.ending if ending is None else ending))

    def send_raw(self, data: bytes) -> bool:
        """Send bytes as they are (split lines, noise)."""
        return self._port.write(data)


