"""A TCP link to the test database that can fail the way a hall's network and server do (issue 21).

Terminals connect to the link's port instead of PostgreSQL's; the link forwards bytes both ways
until told otherwise:

* ``freeze()``: bytes stop moving in both directions but every connection stays open, and new
  ones are accepted and then hang — what a SIGSTOPped server or a black-holed route looks like from
  the terminal (no refusal, no reset, no answer).
* ``refuse()``: every open connection is reset and new ones are refused — a server shut down, a
  switch rebooted.
* ``restore()``: forwarding again (connections reset by ``refuse`` stay gone; the pool reconnects).

Real sockets and threads only: the terminal's driver, pool and timeouts meet real failures.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultyLink:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "pass"
        self._moving = threading.Event()
        self._moving.set()
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="faulty-link", daemon=True).start()

    # --- faults ---------------------------------------------------------------------------------
    def freeze(self) -> None:
        self.mode = "freeze"
        self._moving.clear()

    def refuse(self) -> None:
        self.mode = "refuse"
        self._moving.set()
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
                    s.close()

    def restore(self) -> None:
        self.mode = "pass"
        self._moving.set()

    def close(self) -> None:
        self._closed = True
        self.refuse()
        with contextlib.suppress(OSError):
            self._listener.close()

    # --- forwarding -----------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                self._moving.wait()  # frozen: hold the bytes, answer nothing, close nothing
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
