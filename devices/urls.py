"""Open a device URL the way pyserial does (docs/devices.md §5).

Every serial device is configured by a URL: a path (``/dev/ttyUSB0``), a Windows port (``COM3``),
or a pyserial URL (``socket://host:port``, ``rfc2217://host:port``, ``loop://``, ``spy://…``).
This module is the one place the drivers open them, so baud, framing and timeouts are set the
same way everywhere and a failure is always a :class:`PortError` with a message for the screen.
"""

from __future__ import annotations

import contextlib

import serial

from kiosk.ports import DeviceError

#: The URL schemes pyserial understands, besides plain paths and COM names.
try:  # POSIX: pyserial lets termios.error through from tcflush/tcsetattr on a vanished pty or USB port
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # pragma: no cover - Windows
    _TERMIOS_ERRORS = ()

#: What a port operation raises when the device vanished or misbehaves at the OS level.
PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)

#: What opening a port raises for a device that is absent or a URL that is malformed.
_OPEN_ERRORS: tuple[type[BaseException], ...] = (*PORT_ERRORS, ValueError)

URL_SCHEMES = ("socket://", "rfc2217://", "loop://", "spy://", "hwgrep://", "alt://")

#: The ID card reader through its vendor's C SDK (devices/idcard/sdk.py, docs/devices.md §1.8):
#: ``sdk:///opt/vendor/libtermb.so?port=1001``. Not a serial port: :func:`open_url` refuses it.
SDK_SCHEME = "sdk://"

#: The door relay and phone lockers on a Modbus line (devices/access/modbus.py, docs/devices.md §11):
#: ``modbus-rtu:///dev/ttyUSB1?unit=1``, ``modbus-rtu+socket://host:port``, ``modbus-tcp://host:port``.
#: pymodbus opens those lines itself: :func:`open_url` refuses them.
MODBUS_SCHEMES = ("modbus-rtu://", "modbus-rtu+socket://", "modbus-tcp://")


class PortError(DeviceError):
    """The port cannot be opened, or vanished while in use (unplugged, server gone)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__("offline", f"设备端口不可用：{url}（{reason}）", f"device port unavailable: {url} ({reason})")
        self.url = url
        self.reason = reason


def is_url(url: str) -> bool:
    """True when ``url`` uses a pyserial URL scheme rather than a device path."""
    return url.startswith(URL_SCHEMES)


def open_url(
    url: str,
    *,
    baudrate: int = 115200,
    timeout: float | None = 0.1,
    write_timeout: float | None = 2.0,
) -> serial.Serial:
    """Open ``url`` at ``baudrate`` 8N1 without flow control.

    Args:
        url: a device path, COM name or pyserial URL.
        baudrate: line speed (ignored by ``socket://`` and ``loop://``).
        timeout: read timeout in seconds (None blocks, 0 never waits).
        write_timeout: write timeout in seconds.

    Returns:
        An open pyserial port object.

    Raises:
        PortError: the URL is empty, malformed, or the port cannot be opened.
    """
    if not url or not url.strip():
        raise PortError(url, "no URL configured")
    if url.strip().lower().startswith(SDK_SCHEME):
        raise PortError(url, "an sdk:// reader is driven by its vendor library, not a serial port")
    if url.strip().lower().startswith(MODBUS_SCHEMES):
        raise PortError(url, "a modbus-… URL names a Modbus device (door relay, lockers), opened by its controller")
    try:
        return serial.serial_for_url(
            url.strip(),
            baudrate=baudrate,
            bytesize=serial.EIGHTBITS,
            parity=serial.PARITY_NONE,
            stopbits=serial.STOPBITS_ONE,
            timeout=timeout,
            write_timeout=write_timeout,
            xonxoff=False,
            rtscts=False,
            dsrdtr=False,
        )
    except _OPEN_ERRORS as exc:
        raise PortError(url, str(exc) or type(exc).__name__) from exc


def close_quietly(port: serial.Serial | None) -> None:
    """Close a port, ignoring the errors a vanished device raises on close."""
    if port is None:
        return
    # pyserial's socket:// close() skips socket.close() when shutdown() fails, which it does on a
    # connection the peer already dropped: close the socket ourselves so it is never leaked.
    sock = getattr(port, "_socket", None)
    try:
        port.close()
    except PORT_ERRORS:
        pass
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.close()
