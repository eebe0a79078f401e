"""``PrinterSimulator``: a thermal printer that speaks ESC/POS on ``socket://`` and a pty.

It listens on TCP (127.0.0.1, port 0 = a free port; :attr:`PrinterSimulator.url`) and, on POSIX
with ``pty=True``, on a pseudo-terminal (:attr:`PrinterSimulator.pty_path`, a stable symlink that
survives unplug/replug like a ``/dev/serial/by-id`` link). It records every byte received,
splits print data into jobs at each cut, answers ``DLE EOT`` 1–4 from its state, can pace input
at a baud rate, and can save a preview PNG of each job.

Fault switches (attributes, changeable at any time): ``paper_near_end``, ``paper_out``,
``cover_open``, ``cutter_error``, ``answering`` (False = a hung printer that takes bytes but
never answers nor prints). :meth:`unplug` closes every connection and stops listening;
:meth:`replug` listens again on the same port / pty link.

One thread (started by :meth:`start`, joined by :meth:`stop`) serves everything with
``selectors``; fault changes from other threads are picked up at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from devices.printer.preview import render_png
from devices.printer.stream import Token, Tokenizer
from devices.simport import warn_if_exposed

_CHUNK = 4096


class PrinterSimulator:
    """A simulated ESC/POS printer.

    Args:
        width_mm: paper width for previews (58 or 80).
        baud: pace input at this many bits per second (10 bits a byte); None = as fast as it comes.
        pty: also serve a pseudo-terminal (POSIX only).
        pty_link: where to put the pty's stable symlink (default: a temp name per simulator).
        preview_dir: save ``job-NNN.png`` here for each finished job.
        host: TCP host to listen on.
        port: TCP port (0 = pick a free one; kept across unplug/replug).
    """

    def __init__(
        self,
        *,
        width_mm: int = 80,
        baud: int | None = None,
        pty: bool = False,
        pty_link: str | Path | None = None,
        preview_dir: str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if pty and sys.platform == "win32":
            raise ValueError("pty is POSIX-only")
        self.width_mm = width_mm
        self.baud = baud
        self.preview_dir = Path(preview_dir) if preview_dir is not None else None
        self.host = host
        self._port = port
        self._want_pty = pty
        self._pty_link = Path(pty_link) if pty_link is not None else None
        self.paper_near_end = False
        self.paper_out = False
        self.cover_open = False
        self.cutter_error = False
        self.answering = True
        self._received = bytearray()
        self._jobs: list[bytes] = []
        self._job = bytearray()
        self._previews: list[Path] = []
        self._tokenizer = Tokenizer()
        self._cond = threading.Condition()
        self._sel: selectors.BaseSelector | None = None
        self._listener: socket.socket | None = None
        self._clients: list[socket.socket] = []
        self._master: int | None = None
        self._slave: int | None = None
        self._pty_name: str | None = None
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[tuple[Callable[[], None], threading.Event]] = []
        self._stopping = False
        self._plugged = False

    # --- lifecycle ---

    def start(self) -> PrinterSimulator:
        """Listen and start the serving thread. Returns self."""
        if self._thread is not None:
            return self
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._stopping = False
        self._plug()
        self._thread = threading.Thread(target=self._serve, name="printer-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every socket and fd, join the thread."""
        if self._thread is None:
            return
        self._stopping = True
        self._wake()
        self._thread.join(timeout=5)
        self._thread = None
        self._unplug()
        assert self._sel is not None and self._wake_r is not None and self._wake_w is not None
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        self._sel = self._wake_r = self._wake_w = None

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses ---

    @property
    def port(self) -> int:
        """The TCP port (known after :meth:`start`)."""
        return self._port

    @property
    def url(self) -> str:
        """``socket://host:port`` for the driver."""
        if not self._port:
            raise RuntimeError("simulator not started")
        return f"socket://{self.host}:{self._port}"

    @property
    def pty_path(self) -> str:
        """The pty's stable path (a symlink to the current ``/dev/pts/N``)."""
        if self._pty_link is None:
            raise RuntimeError("simulator has no pty")
        return str(self._pty_link)

    # --- recordings ---

    @property
    def received(self) -> bytes:
        """Every byte received so far, status requests included."""
        with self._cond:
            return bytes(self._received)

    @property
    def jobs(self) -> list[bytes]:
        """Finished jobs (print data up to and including each cut; no status requests)."""
        with self._cond:
            return list(self._jobs)

    @property
    def pending(self) -> bytes:
        """Print data received since the last cut."""
        with self._cond:
            return bytes(self._job)

    @property
    def previews(self) -> list[Path]:
        """The PNGs saved so far (one per job, when ``preview_dir`` is set)."""
        with self._cond:
            return list(self._previews)

    def wait_jobs(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until at least ``count`` jobs have finished (and their previews are saved)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._jobs) >= count, timeout)

    def clear(self) -> None:
        """Forget what was received."""
        with self._cond:
            self._received.clear()
            self._jobs.clear()
            self._job.clear()
            self._previews.clear()

    # --- faults ---

    def unplug(self) -> None:
        """Pull the cable: close every connection, stop listening, remove the pty."""
        self._call(self._unplug)

    def replug(self) -> None:
        """Plug it back: listen on the same TCP port and a new pty behind the same link."""
        self._call(self._plug)

    def status_byte(self, n: int) -> int | None:
        """The answer to ``DLE EOT n`` in the current state (None = no answer)."""
        if not self.answering:
            return None
        offline = self.cover_open or self.paper_out or self.cutter_error
        if n == 1:
            return 0x12 | (0x08 if offline else 0)
        if n == 2:
            return 0x12 | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0) | (
                0x40 if self.cutter_error else 0
            )
        if n == 3:
            return 0x12 | (0x08 if self.cutter_error else 0)
        if n == 4:
            return 0x12 | (0x0C if self.paper_near_end else 0) | (0x60 if self.paper_out else 0)
        return None

    # --- internals (serving thread unless noted) ---

    def _wake(self) -> None:
        if self._wake_w is not None:
            with contextlib.suppress(OSError):
                self._wake_w.send(b"x")

    def _call(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the serving thread (or here when not running) and wait for it."""
        if self._thread is None or threading.current_thread() is self._thread:
            fn()
            return
        done = threading.Event()
        with self._cond:
            self._calls.append((fn, done))
        self._wake()
        if not done.wait(5):
            raise TimeoutError("printer simulator did not respond")

    def _plug(self) -> None:
        if self._plugged:
            return
        assert self._sel is not None
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.host, self._port))
        except OSError:
            listener.close()
            raise
        listener.listen(4)
        listener.setblocking(False)
        self._port = listener.getsockname()[1]
        self._listener = listener
        warn_if_exposed("printer", self.host, self._port)
        self._sel.register(listener, selectors.EVENT_READ, "listen")
        if self._want_pty:
            self._open_pty()
        self._plugged = True

    def _open_pty(self) -> None:
        import tty

        assert self._sel is not None
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave  # the slave stays open here: no EIO between clients
        self._pty_name = os.ttyname(slave)
        if self._pty_link is None:
            self._pty_link = Path(f"/tmp/hall-kiosk-printer-{os.getpid()}-{id(self):x}")
        tmp = self._pty_link.with_name(self._pty_link.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(self._pty_name)
        tmp.replace(self._pty_link)
        self._sel.register(master, selectors.EVENT_READ, "pty")

    def _unplug(self) -> None:
        if not self._plugged:
            return
        self._plugged = False
        sel = self._sel
        for sock in [*self._clients, self._listener]:
            if sock is None:
                continue
            if sel is not None:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(sock)
            sock.close()
        self._clients.clear()
        self._listener = None
        if self._master is not None:
            if sel is not None:
                with contextlib.suppress(KeyError, ValueError):
                    sel.unregister(self._master)
            os.close(self._master)
            self._master = None
        if self._slave is not None:
            os.close(self._slave)
            self._slave = None
        if self._pty_link is not None:
            with contextlib.suppress(FileNotFoundError):
                self._pty_link.unlink()

    def _serve(self) -> None:
        assert self._sel is not None
        while not self._stopping:
            for key, _mask in self._sel.select(timeout=0.5):
                if self._stopping:
                    break
                if key.data == "wake":
                    with contextlib.suppress(BlockingIOError):
                        self._wake_r.recv(64)  # type: ignore[union-attr]  # registered only while open
                elif key.data == "listen":
                    self._accept()
                elif key.data == "pty":
                    self._read_pty()
                else:
                    self._read_client(key.fileobj)  # type: ignore[arg-type]  # other keys are client sockets
            self._run_calls()
        self._run_calls()

    def _run_calls(self) -> None:
        with self._cond:
            calls, self._calls = self._calls, []
        for fn, done in calls:
            try:
                fn()
            finally:
                done.set()

    def _accept(self) -> None:
        if self._listener is None:
            return
        try:
            conn, _addr = self._listener.accept()
        except (BlockingIOError, OSError):
            return
        conn.setblocking(False)
        self._clients.append(conn)
        assert self._sel is not None
        self._sel.register(conn, selectors.EVENT_READ, "client")

    def _read_client(self, conn: socket.socket) -> None:
        try:
            data = conn.recv(self._chunk())
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            assert self._sel is not None
            self._sel.unregister(conn)
            self._clients.remove(conn)
            conn.close()
            return
        self._take(data, lambda reply: self._send_sock(conn, reply))

    def _read_pty(self) -> None:
        if self._master is None:
            return
        try:
            data = os.read(self._master, self._chunk())
        except (BlockingIOError, OSError):
            return
        if data:
            self._take(data, self._send_pty)

    def _send_sock(self, conn: socket.socket, reply: bytes) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(reply)

    def _send_pty(self, reply: bytes) -> None:
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.write(self._master, reply)

    def _chunk(self) -> int:
        return _CHUNK if not self.baud else max(1, min(_CHUNK, self.baud // 100))

    def _take(self, data: bytes, reply: Callable[[bytes], None]) -> None:
        """Process received bytes: record, answer status requests, collect and cut jobs."""
        if self.baud:
            time.sleep(len(data) * 10 / self.baud)
        finished: list[tuple[int, bytes]] = []
        with self._cond:
            self._received += data
            for token in self._tokenizer.feed(data):
                if token.kind == "dle_eot":
                    answer = self.status_byte(token.params[0])
                    if answer is not None:
                        reply(bytes([answer]))
                    continue
                if not self.answering:
                    continue  # a hung printer prints nothing
                if token.kind == "dle":
                    continue
                self._job += token.raw
                if _is_cut(token):
                    finished.append((len(self._jobs) + len(finished), bytes(self._job)))
                    self._job.clear()
        for index, job in finished:
            path = None
            if self.preview_dir is not None:
                path = render_png(job, self.preview_dir / f"job-{index + 1:03d}.png", self.width_mm)
            with self._cond:
                self._jobs.append(job)
                if path is not None:
                    self._previews.append(path)
                self._cond.notify_all()


def _is_cut(token: Token) -> bool:
    return token.kind == "gs" and token.code == 0x56
