"""A face engine in a process of its own, so that its native code never stops this process's threads.

dlib's detector, landmarks and ResNet hold Python's GIL while they run: a comparison is a few hundred
milliseconds of native code during which every other thread of the terminal — the UI thread too —
waits (``tests/devices/test_face_process.py`` measures the gaps). :class:`FaceEngineProcess` runs the
engine in a child process started with ``spawn`` (a fresh interpreter: no Qt, no database connection,
none of the terminal's open files or threads) and forwards the port's two calls
(:class:`kiosk.faces.FaceEngine`: ``compare`` and ``head_pose``) over a pipe. The child loads the
models once, when it starts; a call waits only for its own answer, and the caller's process keeps
running meanwhile. Images go as the bytes they are (a 1280×720 frame is 2.7 MB: about a millisecond
to copy).

Errors come back as the port's own: :class:`kiosk.faces.FaceCountError` (no face, several),
``ValueError`` (an image that does not decode), :class:`devices.camera.faces.FaceModelError` (the models
did not load in the child). A child that died (killed, out of memory) is reported once as a
:class:`kiosk.ports.DeviceError` ``face-engine-stopped`` and started again on the next call.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, cast

from devices.camera.faces import FaceModelError
from kiosk.faces import FaceComparison, FaceCountError, FaceEngine, HeadPose
from kiosk.ports import DeviceError

log = logging.getLogger(__name__)

#: how long the child may take to start and load its models (spawn + imports + ~1 s of model files)
START_TIMEOUT_S = 120.0


class FaceEngineProcess:
    """:class:`kiosk.faces.FaceEngine` served by a child process.

    Args:
        name, threshold: the engine's, known before it is loaded (as :class:`LazyFaceEngine` has them).
        factory: builds the engine in the child; must be picklable (a module-level function, or a
            ``functools.partial`` of one).

    Calls are serialised (one pipe); they may come from any thread. :meth:`load` starts the child and
    waits until its models are loaded (call it off the UI thread); the first call does it otherwise.
    """

    def __init__(self, name: str, threshold: float, factory: Callable[[], FaceEngine]) -> None:
        self.name = name
        self.threshold = threshold
        self._factory = factory
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._proc: Any = None
        self.started_on: list[str] = []  #: the threads each child was started from (tests: never the UI thread)

    @property
    def loaded(self) -> bool:
        """True while a child with its models loaded is running."""
        return self._conn is not None and self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        """The child's process id (tests, and to tell an operator which process it is)."""
        return self._proc.pid if self._proc is not None else None

    def load(self) -> FaceEngineProcess:
        """Start the child now if it is not running (slow: call off the UI thread).

        Raises:
            FaceModelError: the child could not load the models.
            DeviceError: ``face-engine-stopped``: the child did not start.
        """
        with self._lock:
            self._start()
        return self

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        return cast(FaceComparison, self._call("compare", bytes(photo), bytes(reference)))

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        return cast("HeadPose | None", self._call("head_pose", frame_bgr))

    def close(self) -> None:
        """Stop the child (it also stops by itself when this process ends: the pipe closes)."""
        with self._lock:
            self._stop()

    # --- the pipe -------------------------------------------------------------------------------

    def _call(self, op: str, *args: Any) -> Any:
        with self._lock:
            self._start()
            conn = self._conn
            assert conn is not None
            try:
                conn.send((op, args))
                answer = conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                code = self._proc.exitcode if self._proc is not None else None
                self._stop()
                raise DeviceError("face-engine-stopped",
                                  f"人脸比对进程已退出（代码 {code}），下次比对时将重新启动",
                                  f"the face engine's process stopped (exit code {code}); it restarts on the next comparison",
                                  ) from exc
        return _unpack(answer)

    def _start(self) -> None:
        if self.loaded:
            return
        self._stop()
        self.started_on.append(threading.current_thread().name)
        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(theirs, self._factory), name="face-engine", daemon=True)
        proc.start()
        theirs.close()
        try:
            if not mine.poll(START_TIMEOUT_S):
                raise EOFError("no answer")
            answer = mine.recv()
        except (EOFError, OSError) as exc:
            proc.kill()
            proc.join(5)
            raise DeviceError("face-engine-stopped", f"人脸比对进程未能启动（代码 {proc.exitcode}）",
                              f"the face engine's process did not start (exit code {proc.exitcode})") from exc
        if answer[0] != "ready":
            proc.join(5)
            _unpack(answer)  # raises the child's error
        self._conn, self._proc = mine, proc
        log.info("face engine %s running in process %s", self.name, proc.pid)

    def _stop(self) -> None:
        conn, proc, self._conn, self._proc = self._conn, self._proc, None, None
        if conn is not None:
            try:
                conn.send(("stop", ()))
            except (OSError, BrokenPipeError):
                pass
            conn.close()
        if proc is not None:
            proc.join(2)
            if proc.is_alive():
                proc.kill()
                proc.join(2)


def _unpack(answer: tuple[Any, ...]) -> Any:
    kind = answer[0]
    if kind == "ok":
        return answer[1]
    if kind == "count":
        raise FaceCountError(answer[1], answer[2])
    if kind == "value":
        raise ValueError(answer[1])
    if kind == "model":
        raise FaceModelError(answer[1], answer[2], answer[3])
    if kind == "device":
        raise DeviceError(answer[1], answer[2], answer[3])
    raise DeviceError("face-engine-failed", f"人脸比对出错：{answer[1]}", f"the face engine failed: {answer[1]}")


def _serve(conn: Connection, factory: Callable[[], FaceEngine]) -> None:  # pragma: no cover - runs in the child
    """The child: build the engine, say so, then answer calls until told to stop or the pipe closes."""
    try:
        engine = factory()
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent as an answer
        conn.send(_error(exc))
        return
    conn.send(("ready", engine.name))
    while True:
        try:
            op, args = conn.recv()
        except (EOFError, OSError):
            return
        if op == "stop":
            return
        try:
            conn.send(("ok", getattr(engine, op)(*args)))
        except BaseException as exc:  # noqa: BLE001
            conn.send(_error(exc))


def _error(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, FaceCountError):
        return ("count", exc.count, exc.which)
    if isinstance(exc, FaceModelError):
        return ("model", exc.code, exc.path, exc.reason)
    if isinstance(exc, DeviceError):
        return ("device", exc.code, exc.zh, exc.en)
    if isinstance(exc, ValueError):
        return ("value", str(exc))
    return ("error", f"{type(exc).__name__}: {exc}")
