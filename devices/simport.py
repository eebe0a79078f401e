"""The device end of a simulated serial line: a TCP listener on 127.0.0.1, or a pty (POSIX).

Every simulator (ID card reader, scanner, keypads) sits on a :class:`SimulatedPort`. The driver
under test opens :attr:`SimulatedPort.url` exactly as it would open a real port (``socket://…``
or a device path), so tests and the demo run the real driver code.

* ``listen="socket://127.0.0.1:PORT"`` (``PORT`` 0 picks a free one): one client at a time; a new
  connection replaces the old one. pyserial ignores the baud on ``socket://``, so the simulator
  paces its own output at ``baud`` (10 bits per byte) to behave like a real line.
* ``listen="pty"`` or ``"pty:/path/to/link"``: a pseudo-terminal whose slave path (or a stable
  symlink to it, like a USB port that keeps its name) is the URL.
* :meth:`unplug` makes the device vanish (connection and listener closed, pty destroyed, link
  removed); :meth:`replug` brings it back under the same URL.

The port runs one thread, started by :meth:`start` (or the context manager) and joined by
:meth:`stop`: simulators are for tests and standalone demos, never started by drivers.

A simulator has no authentication: bound to anything but a loopback address (``127.0.0.0/8``,
``::1``, ``localhost``) anyone on the network can feed it or read what it is sent, so it warns once
(:func:`warn_if_exposed`, issue 20 must 9).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable
from typing import Self

log = logging.getLogger(__name__)
_warned: set[tuple[str, str, int]] = set()


def is_loopback(host: str) -> bool:
    """``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(what: str, host: str, port: int) -> str:
    """One line, Chinese then English, saying a simulator is reachable beyond this machine."""
    return (
        f"警告：{what} 模拟器监听 {host}:{port}，本机以外的任何人都能连接（模拟器没有任何认证，只用于演示和测试；"
        f"请用 socket://127.0.0.1:{port}） / warning: the {what} simulator listens on {host}:{port}, reachable "
        f"from beyond this machine (simulators have no authentication and are for demos and tests only; "
        f"use socket://127.0.0.1:{port})"
    )


def warn_if_exposed(what: str, host: str, port: int) -> bool:
    """Log :func:`exposure_warning` once per simulator address when ``host`` is not loopback."""
    if is_loopback(host):
        return False
    if (what, host, port) not in _warned:
        _warned.add((what, host, port))
        log.warning("%s", exposure_warning(what, host, port))
    return True


class SimulatedPort:
    """A serial line's device end on TCP or a pty.

    Args:
        listen: ``socket://127.0.0.1:PORT``, ``pty`` or ``pty:/path/to/link``.
        on_data: called on the port thread with every chunk the driver wrote.
        baud: pace output at this line speed (None or 0: as fast as possible).
        on_connect: called on the port thread when a driver connects (TCP only).
        what: the device, for the warning when ``listen`` is not a loopback address.
    """

    def __init__(
        self,
        listen: str = "socket://127.0.0.1:0",
        *,
        on_data: Callable[[bytes], None],
        baud: int | None = 115200,
        on_connect: Callable[[], None] | None = None,
        what: str = "serial",
    ) -> None:
        self.listen = listen
        self.what = what
        self.on_data = on_data
        self.on_connect = on_connect
        self.baud = baud
        self._mode = "pty" if listen == "pty" or listen.startswith("pty:") else "tcp"
        if self._mode == "tcp":
            if not listen.startswith("socket://"):
                raise ValueError(f"listen must be socket://HOST:PORT or pty[:LINK], not {listen!r}")
            host, _, port = listen[len("socket://") :].rpartition(":")
            self._host = host or "127.0.0.1"
            self._port = int(port or 0)
        else:
            if os.name != "posix":
                raise ValueError("pty simulators need a POSIX system; use socket://")
            self._link = listen[4:] if listen.startswith("pty:") else ""
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._slave_name = ""
        self._sel = selectors.DefaultSelector()
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._plugged = False
        self.connections = 0  #: how many times a driver connected (TCP)

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> SimulatedPort:
        """Open the listener or pty and start the port thread."""
        if self._thread is not None:
            return self
        self._stop.clear()
        self._plug()
        self._thread = threading.Thread(target=self._serve, name=f"sim-port-{self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close everything (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._unplug()
        self._sel.close()

    def __enter__(self) -> SimulatedPort:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What a driver opens: ``socket://127.0.0.1:PORT`` or the pty path (or its link)."""
        if self._mode == "tcp":
            return f"socket://{self._host}:{self._port}"
        return self._link or self._slave_name

    @property
    def connected(self) -> bool:
        """A driver is connected (TCP) or the pty exists."""
        with self._lock:
            return self._client is not None if self._mode == "tcp" else self._master is not None

    @property
    def plugged(self) -> bool:
        return self._plugged

    def unplug(self) -> None:
        """The device vanishes: the driver's reads fail and reopening fails until :meth:`replug`."""
        self._unplug()

    def replug(self) -> None:
        """The device comes back under the same URL."""
        if not self._plugged:
            self._plug()

    def wait_connected(self, timeout: float = 5.0) -> bool:
        """Wait until a driver is connected; True if it is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.connected:
                return True
            time.sleep(0.01)
        return self.connected

    # --- plumbing -----------------------------------------------------------------------

    def _plug(self) -> None:
        with self._lock:
            if self._mode == "tcp":
                ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ls.bind((self._host, self._port))
                ls.listen(4)
                ls.setblocking(False)
                self._port = ls.getsockname()[1]
                self._listener = ls
                warn_if_exposed(self.what, self._host, self._port)
                self._sel.register(ls, selectors.EVENT_READ, "listener")
            else:
                import tty

                master, slave = os.openpty()
                tty.setraw(slave)
                os.set_blocking(master, False)
                self._master, self._slave = master, slave
                self._slave_name = os.ttyname(slave)
                if self._link:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self._link)
                    os.symlink(self._slave_name, self._link)
                self._sel.register(master, selectors.EVENT_READ, "master")
            self._plugged = True

    def _unplug(self) -> None:
        with self._lock:
            self._plugged = False
            self._drop_client()
            if self._listener is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(self._listener)
                self._listener.close()
                self._listener = None
            if self._master is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(self._master)
                os.close(self._master)
                self._master = None
            if self._slave is not None:
                os.close(self._slave)
                self._slave = None
            if self._mode == "pty" and self._link:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._link)

    def _drop_client(self) -> None:
        with self._lock:
            if self._client is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self._sel.unregister(self._client)
                self._client.close()
                self._client = None

    def drop_connection(self) -> None:
        """Close the current TCP connection (the device stays plugged; the driver may reconnect)."""
        self._drop_client()

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                empty = not self._sel.get_map()
            if empty:
                time.sleep(0.02)
                continue
            try:
                events = self._sel.select(timeout=0.02)
            except (OSError, ValueError):
                time.sleep(0.01)
                continue
            for key, _ in events:
                with self._lock:
                    tag = key.data
                    if tag == "listener" and self._listener is not None:
                        try:
                            conn, _addr = self._listener.accept()
                        except OSError:
                            continue
                        self._drop_client()
                        conn.setblocking(True)
                        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        self._client = conn
                        self._sel.register(conn, selectors.EVENT_READ, "client")
                        self.connections += 1
                        callback = self.on_connect
                        data = None
                    elif tag == "client" and self._client is not None and key.fileobj is self._client:
                        callback = None
                        try:
                            data = self._client.recv(65536)
                        except OSError:
                            data = b""
                        if not data:
                            self._drop_client()
                            continue
                    elif tag == "master" and self._master is not None:
                        callback = None
                        try:
                            data = os.read(self._master, 65536)
                        except BlockingIOError:
                            continue
                        except OSError:
                            continue
                    else:
                        continue
                if callback is not None:
                    callback()
                if data:
                    try:
                        self.on_data(data)
                    except Exception:  # a simulator bug must not kill the port thread silently
                        log.exception("simulator failed handling input")

    def write(self, data: bytes, *, paced: bool = True) -> bool:
        """Send ``data`` to the driver, paced at the baud rate; False if nobody is there."""
        with self._write_lock:
            bps = (self.baud or 0) / 10 if paced else 0
            chunk = max(1, int(bps // 100)) if bps else len(data) or 1
            for i in range(0, len(data), chunk):
                part = data[i : i + chunk]
                if not self._send(part):
                    return False
                if bps:
                    time.sleep(len(part) / bps)
            return True

    def _send(self, data: bytes) -> bool:
        with self._lock:
            client, master = self._client, self._master
        if self._mode == "tcp":
            if client is None:
                return False
            try:
                client.sendall(data)
            except OSError:
                return False
            return True
        if master is None:
            return False
        view = memoryview(data)
        deadline = time.monotonic() + 2.0
        while view:
            try:
                n = os.write(master, view)
            except BlockingIOError:
                if self._stop.is_set() or time.monotonic() > deadline:
                    return False
                time.sleep(0.002)
                continue
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.EBADF):
                    return False
                raise
            view = view[n:]
        return True


class PortSimulator:
    """Lifecycle shared by the device simulators: they serve one :class:`SimulatedPort` (``_port``)."""

    _port: SimulatedPort

    @property
    def url(self) -> str:
        """The URL the driver opens."""
        return self._port.url

    @property
    def port(self) -> SimulatedPort:
        return self._port

    def start(self) -> Self:
        self._port.start()
        return self

    def stop(self) -> None:
        self._port.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """The device vanishes (USB pulled, server gone)."""
        self._port.unplug()

    def replug(self) -> None:
        """The device comes back under the same URL."""
        self._port.replug()
