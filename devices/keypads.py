"""Bidder keypads (竞价器): a line protocol of the project's own, its driver and a simulator.

Protocol (ASCII, one message per line)
--------------------------------------
A receiver base station on a serial line (any baud, 8N1; 115200 by default) forwards every press
of every paddle's keypad as one line::

    KP,<paddle>,<seq>,<key>[,<amount>]*<CS>\\r\\n

``paddle``
    the bidder's paddle number 号牌, 1–8 characters ``[0-9A-Za-z-]``.
``seq``
    the keypad's own press counter, decimal 0–65535, wrapping to 0. Radio links repeat a message
    until it is acknowledged, so a ``(paddle, seq)`` already seen among that paddle's last 64
    sequence numbers is a **duplicate**: it is acknowledged again but not reported.
``key``
    ``BID`` (raise by the current increment), ``AMOUNT`` (bid ``amount``), or a function key
    ``OK``, ``CANCEL``, ``F1`` … ``F4``.
``amount``
    only with ``AMOUNT``: a decimal amount in yuan, ``\\d{1,12}(\\.\\d{1,2})?``.
``CS``
    two upper-case hex digits: the XOR of every byte from ``K`` of ``KP`` up to the byte before
    ``*`` (NMEA style).

Line ends are CR LF (CR or LF alone are accepted). Replies from the driver to the base station::

    ACK,<paddle>,<seq>*<CS>\\r\\n     the press was received (new or duplicate)
    NAK,<paddle>,<seq>*<CS>\\r\\n     the press was damaged (checksum wrong, bad key/amount): resend
    NAK*<CS>\\r\\n                    a line that cannot even be attributed to a paddle

Anything else on the line (noise, garbage, over-long lines) is dropped and counted. The base
station resends an unacknowledged press after 200 ms, at most 5 times.

:class:`KeypadReceiver` implements :class:`kiosk.ports.Keypads`; :class:`KeypadSimulator` is a
base station on ``socket://`` or a pty that emits presses, bursts (e.g. 50 presses/s) and faults.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import serial

from devices.lines import LineSplitter, run_with_reconnect
from devices.simport import PortSimulator, SimulatedPort
from devices.urls import PORT_ERRORS, PortError
from kiosk.ports import DeviceError, DeviceState, KeypadEvent

log = logging.getLogger(__name__)

KEYS = frozenset({"BID", "AMOUNT", "OK", "CANCEL", "F1", "F2", "F3", "F4"})
DEDUP_WINDOW = 64
_PADDLE = re.compile(r"[0-9A-Za-z-]{1,8}")
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")


def checksum(payload: str) -> str:
    """Two hex digits: XOR of the bytes of ``payload``."""
    c = 0
    for b in payload.encode("ascii", errors="replace"):
        c ^= b
    return f"{c:02X}"


def encode_press(paddle: str, seq: int, key: str, amount: str | None = None) -> bytes:
    """One press line, e.g. ``KP,A12,7,BID*0D\\r\\n``."""
    payload = f"KP,{paddle},{seq},{key}" + (f",{amount}" if amount is not None else "")
    return f"{payload}*{checksum(payload)}\r\n".encode("ascii")


def encode_reply(kind: str, paddle: str | None = None, seq: int | None = None) -> bytes:
    """An ``ACK``/``NAK`` line."""
    payload = kind if paddle is None else f"{kind},{paddle},{seq}"
    return f"{payload}*{checksum(payload)}\r\n".encode("ascii")


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one line."""

    event: KeypadEvent | None  #: a valid press
    paddle: str | None = None  #: attributable paddle (for a NAK) when the press is damaged
    seq: int | None = None
    reason: str = ""


def parse_line(line: bytes, received_at: float = 0.0) -> Parsed:
    """Parse one line (without its end); never raises."""
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        return Parsed(None, reason="not ascii")
    payload, star, cs = text.rpartition("*")
    if not star or not payload.startswith("KP,"):
        return Parsed(None, reason="not a press")
    parts = payload.split(",")
    paddle = parts[1] if len(parts) > 1 and _PADDLE.fullmatch(parts[1]) else None
    seq = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() and int(parts[2]) <= 0xFFFF else None
    if cs.upper() != checksum(payload) or len(cs) != 2:
        return Parsed(None, paddle, seq, "bad checksum")
    if paddle is None or seq is None or len(parts) not in (4, 5):
        return Parsed(None, paddle, seq, "bad fields")
    key = parts[3]
    amount = parts[4] if len(parts) == 5 else None
    if key not in KEYS or (key == "AMOUNT") != (amount is not None):
        return Parsed(None, paddle, seq, "bad key")
    if amount is not None and not _AMOUNT.fullmatch(amount):
        return Parsed(None, paddle, seq, "bad amount")
    return Parsed(KeypadEvent(paddle_no=paddle, key=key, amount=amount, seq=seq, received_at=received_at), paddle, seq)


class KeypadReceiver:
    """The driver of the keypad base station.

    Args:
        url: the port URL.
        baudrate: line speed.
        reconnect_interval: seconds between attempts to reopen a vanished port.
        on_state: optional callback for state changes (and the error that caused them).
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 115200,
        reconnect_interval: float = 1.0,
        on_state: Callable[[DeviceState, DeviceError | None], None] | None = None,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.reconnect_interval = reconnect_interval
        self.on_state = on_state
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None
        self.duplicates = 0
        self.rejected = 0  #: damaged presses (NAKed) and garbage lines

    def __repr__(self) -> str:
        return f"KeypadReceiver({self.url!r}, state={self.state.value})"

    def run(self, stop: threading.Event, on_event: Callable[[KeypadEvent], None]) -> None:
        """Receive presses until ``stop``; ACK/NAK each; report new presses once."""
        splitter = LineSplitter(max_line=128)
        seen: dict[str, deque[int]] = {}

        def reply(port: serial.Serial, data: bytes) -> None:
            try:
                port.write(data)
            except PORT_ERRORS as exc:  # the read loop notices the loss next
                log.debug("keypads %s: reply failed: %s", self.url, exc)

        def on_chunk(port: serial.Serial, data: bytes) -> None:
            for line in splitter.feed(data):
                if not line.strip():
                    continue
                parsed = parse_line(line.strip(), time.monotonic())
                ev = parsed.event
                if ev is None:
                    self.rejected += 1
                    reply(port, encode_reply("NAK", parsed.paddle, parsed.seq) if parsed.paddle is not None
                          and parsed.seq is not None else encode_reply("NAK"))
                    continue
                reply(port, encode_reply("ACK", ev.paddle_no, ev.seq))
                window = seen.setdefault(ev.paddle_no, deque(maxlen=DEDUP_WINDOW))
                if ev.seq in window:
                    self.duplicates += 1
                    continue
                window.append(ev.seq)
                on_event(ev)

        def on_state(state: DeviceState, err: PortError | None) -> None:
            self.state = state
            if err is not None:
                self.last_error = err
            if self.on_state is not None:
                self.on_state(state, err)

        run_with_reconnect(self.url, self.baudrate, stop, on_chunk, on_state, self.reconnect_interval)


class KeypadSimulator(PortSimulator):
    """A keypad base station on ``socket://`` or a pty.

    Args:
        listen: ``socket://127.0.0.1:PORT``, ``pty`` or ``pty:/path/link``.
        baud: output pacing (None = unpaced).
    """

    def __init__(self, listen: str = "socket://127.0.0.1:0", *, baud: int | None = 115200) -> None:
        self._port = SimulatedPort(listen, on_data=self._on_data, baud=baud, what="keypads")
        self._splitter = LineSplitter()
        self._seq: dict[str, int] = {}
        self._lock = threading.Lock()
        self.replies: list[bytes] = []  #: every ACK/NAK line received from the driver
        self._replied = threading.Condition(self._lock)

    def _on_data(self, data: bytes) -> None:
        with self._lock:
            self.replies += [line for line in self._splitter.feed(data) if line]
            self._replied.notify_all()

    def wait_replies(self, n: int, timeout: float = 3.0) -> list[bytes]:
        """Wait until at least ``n`` replies arrived; return them all."""
        with self._lock:
            self._replied.wait_for(lambda: len(self.replies) >= n, timeout)
            return list(self.replies)

    def next_seq(self, paddle: str) -> int:
        with self._lock:
            seq = self._seq.get(paddle, -1) + 1 & 0xFFFF
            self._seq[paddle] = seq
            return seq

    def press(self, paddle: str, key: str = "BID", amount: str | None = None, *, seq: int | None = None,
              bad_checksum: bool = False) -> int:
        """Send one press (a new seq unless given); returns the seq used."""
        seq = self.next_seq(paddle) if seq is None else seq
        line = encode_press(paddle, seq, key, amount)
        if bad_checksum:
            cs = int(line[-4:-2], 16) ^ 0xFF
            line = line[:-4] + f"{cs:02X}".encode() + b"\r\n"
        self._port.write(line)
        return seq

    def burst(self, count: int, rate_hz: float = 50.0, paddles: tuple[str, ...] = ("1", "2", "3")) -> list[tuple[str, int]]:
        """``count`` BID presses at ``rate_hz`` round-robin over ``paddles``; returns (paddle, seq)."""
        sent = []
        period = 1.0 / rate_hz
        t0 = time.monotonic()
        for i in range(count):
            paddle = paddles[i % len(paddles)]
            sent.append((paddle, self.press(paddle)))
            delay = t0 + (i + 1) * period - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return sent

    def send_raw(self, data: bytes) -> bool:
        """Send bytes as they are (garbage, split lines)."""
        return self._port.write(data)
