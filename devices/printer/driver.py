"""``EscPosPrinter``: the ``kiosk.ports.Printer`` port over any pyserial URL.

``/dev/ttyUSB0``, ``COM3``, ``socket://host:port``, ``rfc2217://…`` and ``loop://`` all work
(``serial.serial_for_url``). ``status()`` asks ``DLE EOT`` 1, 2 and 4 (and 3 on an error) and
never reports paper OK without an answer. ``print_slip()`` checks the status first, refuses
with a ``DeviceError`` whose message says in Chinese and English what to fix, and returns the
bytes written. When the port vanished (cable pulled, printer server restarted, pty gone) the next
call closes it and opens the URL again, so a replugged printer works without a restart.

The driver is thread-safe: one lock serialises status queries and jobs on the port.
"""

from __future__ import annotations

import threading
import time

import serial

from devices.printer import status as st
from devices.printer.escpos import encode_slip, paper
from kiosk.ports import DeviceError, PaperState, PrinterStatus, Slip

try:  # pyserial's POSIX port lets termios.error (not an OSError) escape, e.g. EIO from a dead pty
    import termios

    _PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, termios.error)
except ImportError:  # Windows
    _PORT_ERRORS = (serial.SerialException, OSError)
_OPEN_ERRORS: tuple[type[BaseException], ...] = (*_PORT_ERRORS, ValueError)

#: zh / en messages per error code.
MESSAGES: dict[str, tuple[str, str]] = {
    "offline": ("打印机未连接或无响应，请联系工作人员", "The printer is not connected or not answering"),
    "cover-open": ("打印机盖未关好，请联系工作人员", "The printer cover is open"),
    "paper-out": ("打印机缺纸，请联系工作人员更换纸卷", "The printer is out of paper"),
    "printer-error": ("打印机故障，请联系工作人员", "The printer reports an error"),
    "timeout": ("打印数据发送超时，请联系工作人员", "Timed out sending data to the printer"),
}


def device_error(code: str, detail: str = "") -> DeviceError:
    """A DeviceError with the standard messages for ``code`` (``detail`` appended to the English)."""
    zh, en = MESSAGES[code]
    return DeviceError(code, zh, f"{en} ({detail})" if detail else en)


def error_for(status: PrinterStatus) -> DeviceError | None:
    """The DeviceError that stops a print in this state, or None when printing is allowed."""
    if status.can_print:
        return None
    if status.paper is PaperState.UNKNOWN and not status.online:
        return device_error("offline")
    if status.cover_open:
        return device_error("cover-open")
    if status.paper is PaperState.OUT:
        return device_error("paper-out")
    if status.error:
        return device_error("printer-error", status.error)
    return device_error("offline")


class EscPosPrinter:
    """An ESC/POS receipt printer on a pyserial URL.

    Args:
        url: a pyserial URL or device path.
        width_mm: paper width, 58 or 80.
        native_qr: print QR codes with ``GS ( k``; False sends raster images (older printers).
        timeout: seconds to wait for each status answer (a silent printer costs one timeout).
        baudrate: line speed for real serial ports (ignored by ``socket://``).
    """

    def __init__(
        self,
        url: str,
        width_mm: int = 80,
        native_qr: bool = True,
        timeout: float = 1.0,
        *,
        baudrate: int = 9600,
    ) -> None:
        paper(width_mm)  # validate early
        self.url = url
        self.width_mm = width_mm
        self.native_qr = native_qr
        self.timeout = timeout
        self.baudrate = baudrate
        self._port: serial.Serial | None = None
        self._lock = threading.Lock()

    # --- port ---

    def _open(self) -> serial.Serial | None:
        if self._port is not None:
            return self._port
        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=self.timeout, write_timeout=self.timeout
            )
        except _OPEN_ERRORS:
            self._port = None
        return self._port

    def _drop(self) -> None:
        port, self._port = self._port, None
        if port is None:
            return
        sock = getattr(port, "_socket", None)  # socket:// skips close() when shutdown() fails
        try:
            port.close()
        except _PORT_ERRORS:
            pass
        if sock is not None:
            sock.close()

    def close(self) -> None:
        """Close the port (the next call opens it again)."""
        with self._lock:
            self._drop()

    def __enter__(self) -> EscPosPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- status ---

    def _ask(self, port: serial.Serial, n: int) -> int | None:
        """Send ``DLE EOT n``; the first valid answer byte within the timeout, else None."""
        port.reset_input_buffer()  # drop late answers to earlier requests
        port.write(st.request(n))
        port.flush()
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            port.timeout = remaining
            data = port.read(1)
            if not data:
                return None
            if st.is_answer(data[0]):
                return data[0]

    def _query(self, port: serial.Serial) -> PrinterStatus:
        printer = self._ask(port, st.PRINTER)
        if printer is None:
            return st.NO_ANSWER
        cause = self._ask(port, st.OFFLINE_CAUSE)
        paper_byte = self._ask(port, st.PAPER_SENSOR)
        error_byte = None
        if cause is not None and st.parse_offline_cause(cause).error:
            error_byte = self._ask(port, st.ERROR_CAUSE)
        return st.combine(printer, cause, paper_byte, error_byte)

    def _status_locked(self) -> PrinterStatus:
        for attempt in range(2):  # a vanished port is reopened once
            port = self._open()
            if port is None:
                return st.NO_ANSWER
            try:
                return self._query(port)
            except _PORT_ERRORS:
                self._drop()
                if attempt:
                    break
        return st.NO_ANSWER

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4; 3 on an error). No answer: offline, paper UNKNOWN."""
        with self._lock:
            return self._status_locked()

    # --- printing ---

    def print_slip(self, slip: Slip) -> bytes:
        """Encode a slip, check the printer, send the job.

        Returns:
            The bytes written.

        Raises:
            DeviceError: ``offline``, ``cover-open``, ``paper-out``, ``printer-error`` (before
                anything is sent) or ``timeout`` / ``offline`` when sending fails.
            ValueError: when the slip cannot be encoded (size out of range, QR too long).
        """
        data = encode_slip(slip, self.width_mm, self.native_qr)
        with self._lock:
            refused = error_for(self._status_locked())
            if refused is not None:
                raise refused
            port = self._open()
            if port is None:  # status() just had it open; only a race with close() gets here
                raise device_error("offline")
            # Generous: the line may be slow (9600 baud ≈ 1 kB/s) and the printer may pause us.
            port.write_timeout = self.timeout + 2.0 * len(data) * 10 / max(self.baudrate, 1200)
            try:
                written = port.write(data)
                port.flush()
            except serial.SerialTimeoutException as exc:
                self._drop()
                raise device_error("timeout", str(exc)) from exc
            except _PORT_ERRORS as exc:
                self._drop()
                raise device_error("offline", str(exc)) from exc
            if written is not None and written != len(data):
                self._drop()
                raise device_error("timeout", f"{written} of {len(data)} bytes sent")
        return data
