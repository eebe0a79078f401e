"""Shared plumbing of the line-oriented serial drivers (scanner, keypads).

:class:`LineSplitter` cuts a byte stream into lines ended by CR, LF or CR LF (a CR LF pair is one
end, even when split across reads; a line longer than ``max_line`` is dropped whole). :func:`run_with_reconnect` is the loop both drivers run: open
the port, hand every chunk to a handler, and on a vanished port report OFFLINE, retry every
``reconnect_interval`` (RECONNECTING) and report ONLINE again when it opens.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import serial

from devices.urls import PORT_ERRORS, PortError, close_quietly, open_url
from kiosk.ports import DeviceState

MAX_LINE = 4096  #: a longer "line" is noise and is dropped


class LineSplitter:
    """Splits bytes into lines on CR, LF or CR LF; never raises."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buf = bytearray()
        self._after_cr = False
        self._discarding = False
        self.max_line = max_line
        self.overflows = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add ``chunk``; return the complete lines (without their ends)."""
        out: list[bytes] = []
        for b in chunk:
            if b == 0x0A and self._after_cr:
                self._after_cr = False
                continue  # the LF of a CR LF
            self._after_cr = b == 0x0D
            if b in (0x0A, 0x0D):
                if not self._discarding:
                    out.append(bytes(self._buf))
                self._discarding = False
                self._buf.clear()
            elif self._discarding:
                continue
            elif len(self._buf) < self.max_line:
                self._buf.append(b)
            else:  # an over-long line is noise: drop it up to its end
                self.overflows += 1
                self._discarding = True
                self._buf.clear()
        return out


def run_with_reconnect(
    url: str,
    baudrate: int,
    stop: threading.Event,
    on_chunk: Callable[[serial.Serial, bytes], None],
    on_state: Callable[[DeviceState, PortError | None], None],
    reconnect_interval: float = 1.0,
) -> None:
    """Read ``url`` until ``stop``, calling ``on_chunk(port, data)``; reconnect when the port vanishes.

    ``on_state`` is called on every change: ONLINE when open, OFFLINE (with the error) when lost,
    RECONNECTING while retrying.
    """
    state: DeviceState | None = None

    def set_state(s: DeviceState, err: PortError | None = None) -> None:
        nonlocal state
        if s != state:
            state = s
            on_state(s, err)

    while not stop.is_set():
        try:
            port = open_url(url, baudrate=baudrate, timeout=0.05)
        except PortError as exc:
            if state not in (DeviceState.OFFLINE, DeviceState.RECONNECTING):
                set_state(DeviceState.OFFLINE, exc)
            set_state(DeviceState.RECONNECTING)
            stop.wait(reconnect_interval)
            continue
        set_state(DeviceState.ONLINE)
        try:
            while not stop.is_set():
                try:
                    data = port.read(port.in_waiting or 1)
                except PORT_ERRORS as exc:
                    set_state(DeviceState.OFFLINE, PortError(url, str(exc) or type(exc).__name__))
                    break
                if data:
                    on_chunk(port, data)
        finally:
            close_quietly(port)
