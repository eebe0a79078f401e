"""Modbus device URLs and one client per line (docs/devices.md §11.2).

A door relay or locker bank is named by a URL that says how to reach its line and which device on
it, with its register layout in the query::

    modbus-rtu:///dev/ttyUSB1?unit=1&baud=9600&parity=N        RS-485 through a USB adapter
    modbus-rtu://COM4?unit=2                                     the same on Windows
    modbus-rtu+socket://192.168.1.50:4196?unit=2                 RTU frames through a serial device server
                                                                 (串口服务器, "transparent" mode) — and the simulator
    modbus-tcp://192.168.1.60:502?unit=1                         a Modbus TCP controller (MBAP header)

Layout keys: ``coil`` (the first coil: the door relay, or locker 1's), ``count`` (lockers),
``closed`` (the first discrete input "locker N closed"), ``occupied`` (the first discrete input
"locker N occupied", when the bank reports it), ``timeout`` (seconds a request may take).

RTU lines are opened through pyserial's ``serial_for_url`` (pymodbus's serial client does that),
so ``modbus-rtu+socket://`` runs exactly the RTU framing, CRC and timing code a USB adapter runs.
Two URLs naming the same line share one client and one lock (:func:`line_for`): RS-485 is one
master talking to one device at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException
from pymodbus.framer import FramerType

from kiosk.ports import DeviceError

SCHEMES = ("modbus-rtu", "modbus-rtu+socket", "modbus-tcp")
T = TypeVar("T")


class ModbusLinkError(DeviceError):
    """The Modbus line does not answer, or a device refused a request."""

    def __init__(self, url: str, reason: str, code: str = "offline") -> None:
        super().__init__(code, f"门禁/手机柜通信失败：{url}（{reason}）", f"door/locker line failed: {url} ({reason})")
        self.url = url


def url_error(url: str, reason: str) -> DeviceError:
    return DeviceError("bad-url", f"门禁/手机柜地址无效：{url}（{reason}）", f"bad door/locker URL: {url} ({reason})")


@dataclass(frozen=True)
class ModbusUrl:
    """A parsed device URL (module doc)."""

    url: str
    scheme: str
    target: str  #: what pyserial opens (``/dev/ttyUSB1``, ``socket://host:port``) or ``host:port`` for TCP
    unit: int = 1
    baud: int = 9600
    parity: str = "N"
    timeout: float = 0.5
    coil: int = 0
    count: int = 0
    closed: int = 0
    occupied: int | None = None

    @property
    def line(self) -> tuple[str, str]:
        """What two URLs must share to be on one line."""
        return (self.scheme, self.target)


def parse_url(url: str) -> ModbusUrl:
    """Parse a ``modbus-…`` URL.

    Raises:
        DeviceError: ``bad-url`` — unknown scheme, no address, a malformed or out-of-range value.
    """
    try:
        parts = urlsplit(url.strip())
        hostname, port = parts.hostname, parts.port
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    except ValueError as exc:  # "Invalid IPv6 URL", a port out of range or not a number
        raise url_error(url, str(exc)) from None
    if parts.scheme not in SCHEMES:
        raise url_error(url, f"scheme must be one of {', '.join(SCHEMES)}")
    known = {"unit", "baud", "parity", "timeout", "coil", "count", "closed", "occupied"}
    if unknown := set(query) - known:
        raise url_error(url, f"unknown key {sorted(unknown)[0]!r}")
    if parts.scheme == "modbus-rtu":
        target = parts.netloc + parts.path if parts.netloc else parts.path
    else:
        if not hostname or port is None:
            raise url_error(url, "host:port needed")
        target = f"socket://{hostname}:{port}" if parts.scheme == "modbus-rtu+socket" else f"{hostname}:{port}"
    if not target:
        raise url_error(url, "no port")
    try:
        fields: dict[str, Any] = {
            "unit": int(query.get("unit", 1)),
            "baud": int(query.get("baud", 9600)),
            "parity": query.get("parity", "N").upper(),
            "timeout": float(query.get("timeout", 0.5)),
            "coil": int(query.get("coil", 0)),
            "count": int(query.get("count", 0)),
            "closed": int(query.get("closed", 0)),
            "occupied": int(query["occupied"]) if "occupied" in query else None,
        }
    except ValueError as exc:
        raise url_error(url, str(exc)) from None
    if not 0 <= fields["unit"] <= 247:
        raise url_error(url, "unit must be 0–247")
    if fields["parity"] not in ("N", "E", "O"):
        raise url_error(url, "parity must be N, E or O")
    if not 0 <= fields["count"] <= 256 or not 0.05 <= fields["timeout"] <= 10:
        raise url_error(url, "count 0–256, timeout 0.05–10 s")
    if min(fields["coil"], fields["closed"], fields["occupied"] or 0) < 0:
        raise url_error(url, "addresses start at 0")
    return ModbusUrl(url=url, scheme=parts.scheme, target=target, **fields)


class ModbusLine:
    """One client on one line; every request holds the line's lock."""

    def __init__(self, spec: ModbusUrl) -> None:
        # pymodbus logs every failed connect and timeout at ERROR; the controller reports each as an
        # event with a bilingual message (and logs the loss once), so its own log says only criticals.
        logging.getLogger("pymodbus.logging").setLevel(logging.CRITICAL)
        self.spec = spec
        self.lock = threading.RLock()
        self.client: ModbusSerialClient | ModbusTcpClient
        if spec.scheme == "modbus-tcp":
            host, _, port = spec.target.rpartition(":")
            self.client = ModbusTcpClient(host, port=int(port), timeout=spec.timeout, retries=0,
                                          reconnect_delay=0, reconnect_delay_max=0)
        else:
            self.client = ModbusSerialClient(spec.target, framer=FramerType.RTU, baudrate=spec.baud,
                                             parity=spec.parity, timeout=spec.timeout, retries=0,
                                             reconnect_delay=0, reconnect_delay_max=0)

    def call(self, url: str, request: Callable[[Any], T]) -> T:
        """Run ``request(client)`` under the lock; connect first if needed.

        Raises:
            ModbusLinkError: no connection, no answer, or an exception response.
        """
        with self.lock:
            try:
                if not self.client.connected and not self.client.connect():
                    raise ModbusLinkError(url, "cannot open the line")
                result = request(self.client)
            except ModbusLinkError:
                self.client.close()
                raise
            except (ModbusException, OSError, ValueError) as exc:
                self.client.close()
                raise ModbusLinkError(url, str(exc).strip() or type(exc).__name__) from None
            if getattr(result, "isError", lambda: False)():
                raise ModbusLinkError(url, f"exception response {getattr(result, 'exception_code', '?')}", "refused")
            return result

    def close(self) -> None:
        with self.lock:
            self.client.close()


_lines: dict[tuple[str, str], ModbusLine] = {}
_lines_lock = threading.Lock()


def line_for(spec: ModbusUrl) -> ModbusLine:
    """The one :class:`ModbusLine` of ``spec``'s line (made on first use)."""
    with _lines_lock:
        line = _lines.get(spec.line)
        if line is None:
            line = _lines[spec.line] = ModbusLine(spec)
        return line


def forget_line(spec: ModbusUrl) -> None:
    """Close and drop the line's client (tests, ``devices`` commands)."""
    with _lines_lock:
        line = _lines.pop(spec.line, None)
    if line is not None:
        line.close()
