"""Camera capture over OpenCV ``VideoCapture``: index, file or stream URL (docs/architecture.md §5, §6).

A camera is configured by a string, as every device is: ``"0"`` (a device index), a file path
(``/srv/demo/hall.mp4``), a stream URL (``rtsp://…``, ``http://…``) or ``"synthetic"`` (the demo
camera of :mod:`devices.camera.synthetic`). :func:`open_camera` turns that string into a source.

Every source shares one loop, :meth:`CameraBase.run`: the composition root runs it on a thread it
owns; it hands each :class:`Frame` to a callback and returns when ``stop`` is set. When a read fails
(the camera was unplugged, the stream dropped) the state becomes RECONNECTING and the loop re-opens
the device with exponential backoff until it answers again or ``stop`` is set. :meth:`status`
returns a :class:`~kiosk.ports.DeviceStatus` any thread may read; :attr:`fps` is measured over a
sliding window and :attr:`dropped` counts frames the source produced that never reached the callback.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from kiosk.ports import DeviceError, DeviceState, DeviceStatus

log = logging.getLogger(__name__)

#: Schemes that OpenCV's FFmpeg backend opens as network streams.
STREAM_SCHEMES = ("rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://", "srt://")


@dataclass(frozen=True, eq=False)  # identity equality: comparing images element-wise is never meant
class Frame:
    """One captured frame.

    Attributes:
        image: the picture, BGR ``uint8`` of shape (height, width, 3). Treat it as read-only.
        index: the source's frame number; a gap between consecutive frames is dropped frames.
        t_mono: ``time.monotonic()`` when the frame was taken (for intervals and fps).
        t_wall: ``time.time()`` when the frame was taken (for display and recording names).
    """

    image: np.ndarray
    index: int
    t_mono: float
    t_wall: float

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.image.shape[0])


class CameraError(DeviceError):
    """The camera cannot be opened, or a read failed (unplugged, stream gone, end of file)."""


class EndOfStream(CameraError):
    """A file source has no more frames (not a fault: the loop ends instead of reconnecting)."""

    def __init__(self, url: str) -> None:
        super().__init__("end-of-file", f"视频文件已播放完毕：{url}", f"end of video file: {url}")


class StopFlag(Protocol):
    """What a capture loop reads of its stop signal: a ``threading.Event`` or an event-like view."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


@runtime_checkable
class Camera(Protocol):
    """What the camera pipeline and the check-in screen need from a camera."""

    def open(self) -> None:
        """Open the device; raises CameraError."""
        ...

    def read(self) -> Frame:
        """Take one frame; raises CameraError."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...

    def run(self, stop: StopFlag, on_frame: Callable[[Frame], None]) -> None:
        """Capture until ``stop``, reconnecting as needed."""
        ...

    def status(self) -> DeviceStatus:
        """The state for the status bar."""
        ...


class FpsMeter:
    """Frames per second over a sliding time window.

    Args:
        window_s: how many seconds of frame times to keep.
    """

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def tick(self, t: float) -> None:
        """Record a frame taken at monotonic time ``t``."""
        with self._lock:
            self._times.append(t)
            while self._times and t - self._times[0] > self.window_s:
                self._times.popleft()

    def reset(self) -> None:
        """Forget all frame times (after a reconnect, so the gap does not count)."""
        with self._lock:
            self._times.clear()

    @property
    def fps(self) -> float:
        """Frames per second in the window; 0.0 with fewer than two frames."""
        with self._lock:
            if len(self._times) < 2:
                return 0.0
            span = self._times[-1] - self._times[0]
            return (len(self._times) - 1) / span if span > 0 else 0.0


class CameraBase:
    """The open/read/close life cycle, the capture loop, reconnects, fps and drops.

    Subclasses implement :meth:`_open_device`, :meth:`_read_image` and :meth:`_close_device`.

    Args:
        name: the device name shown in the status bar.
        url: the configured source string, shown with the status.
        backoff_initial_s: first wait before re-opening after a failure.
        backoff_max_s: the longest wait between re-open attempts.
        fps_window_s: the sliding window of the fps measurement.
    """

    def __init__(
        self,
        *,
        name: str,
        url: str,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 8.0,
        fps_window_s: float = 2.0,
    ) -> None:
        self.name = name
        self.url = url
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self._meter = FpsMeter(fps_window_s)
        self._lock = threading.Lock()
        self._state = DeviceState.UNKNOWN
        self._detail = ("", "")
        self._opened = False
        self._count = 0  #: frames delivered since construction
        self._dropped = 0
        self._last_index: int | None = None
        self._reconnects = 0
        self._nominal_fps = 0.0

    # --- subclass hooks -------------------------------------------------------------------

    def _open_device(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _read_image(self) -> tuple[np.ndarray, int | None]:  # pragma: no cover - abstract
        """Return the image and the source's frame number (None: count frames here)."""
        raise NotImplementedError

    def _close_device(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- public life cycle ------------------------------------------------------------------

    def open(self) -> None:
        """Open the device.

        Raises:
            CameraError: it cannot be opened (state becomes OFFLINE).
        """
        try:
            self._open_device()
        except CameraError as exc:
            self._set_state(DeviceState.OFFLINE, exc.zh, exc.en)
            raise
        self._opened = True
        self._last_index = None
        self._meter.reset()
        self._set_state(DeviceState.ONLINE)

    def read(self) -> Frame:
        """Take the next frame (opens the device first if needed).

        Raises:
            CameraError: the read failed; :class:`EndOfStream` at the end of a file.
        """
        if not self._opened:
            self.open()
        try:
            image, source_index = self._read_image()
        except CameraError:
            self._opened = False
            self._close_quietly()
            raise
        t_mono, t_wall = time.monotonic(), time.time()
        with self._lock:
            if source_index is None:
                source_index = self._last_index + 1 if self._last_index is not None else self._count
            if self._last_index is not None and source_index > self._last_index + 1:
                self._dropped += source_index - self._last_index - 1
            self._last_index = source_index
            self._count += 1
        self._meter.tick(t_mono)
        return Frame(image=image, index=source_index, t_mono=t_mono, t_wall=t_wall)

    def close(self) -> None:
        """Release the device; safe to call twice."""
        self._opened = False
        self._close_quietly()
        self._set_state(DeviceState.OFFLINE, "摄像头已关闭", "camera closed")

    def __enter__(self) -> CameraBase:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the loop -----------------------------------------------------------------------------

    def run(self, stop: StopFlag, on_frame: Callable[[Frame], None]) -> None:
        """Capture until ``stop`` is set, handing every frame to ``on_frame``.

        A failed open or read sets RECONNECTING and retries with exponential backoff; a file source
        that reaches its end stops the loop. The device is closed on return.

        Args:
            stop: set by the composition root to end the loop.
            on_frame: called on this thread with each frame; keep it short (slow callbacks drop frames).
        """
        backoff = self.backoff_initial_s
        try:
            while not stop.is_set():
                if not self._opened:
                    try:
                        self.open()
                        backoff = self.backoff_initial_s
                    except CameraError as exc:
                        self._set_state(DeviceState.RECONNECTING, exc.zh, exc.en)
                        log.info("camera %s: open failed (%s), retry in %.1f s", self.name, exc.code, backoff)
                        stop.wait(backoff)
                        backoff = min(backoff * 2, self.backoff_max_s)
                        continue
                try:
                    frame = self.read()
                except EndOfStream as exc:
                    self._set_state(DeviceState.OFFLINE, exc.zh, exc.en)
                    log.info("camera %s: end of file", self.name)
                    return
                except CameraError as exc:
                    with self._lock:
                        self._reconnects += 1
                    self._set_state(DeviceState.RECONNECTING, exc.zh, exc.en)
                    log.warning("camera %s: read failed (%s), reconnecting", self.name, exc.code)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, self.backoff_max_s)
                    continue
                on_frame(frame)
        finally:
            self._opened = False
            self._close_quietly()
            if self.state is not DeviceState.OFFLINE:
                self._set_state(DeviceState.OFFLINE, "摄像头已停止", "camera stopped")

    # --- state ----------------------------------------------------------------------------------

    @property
    def state(self) -> DeviceState:
        """The current device state."""
        with self._lock:
            return self._state

    @property
    def nominal_fps(self) -> float:
        """The rate the source reports (or was asked for); 0.0 if unknown."""
        return self._nominal_fps

    @property
    def fps(self) -> float:
        """Delivered frames per second over the sliding window."""
        return self._meter.fps

    @property
    def dropped(self) -> int:
        """Frames the source produced that were never delivered (gaps in the frame index)."""
        with self._lock:
            return self._dropped

    @property
    def frames(self) -> int:
        """Frames delivered since construction."""
        with self._lock:
            return self._count

    @property
    def reconnects(self) -> int:
        """How many times a read failed and the loop had to re-open the device."""
        with self._lock:
            return self._reconnects

    def status(self) -> DeviceStatus:
        """The state for the status bar, with fps and drops in the detail when online."""
        with self._lock:
            state, (zh, en) = self._state, self._detail
            dropped = self._dropped
        if state is DeviceState.ONLINE:
            fps = self._meter.fps
            zh = f"{fps:.1f} 帧/秒，丢帧 {dropped}"
            en = f"{fps:.1f} fps, {dropped} dropped"
        return DeviceStatus(name=self.name, url=self.url, state=state, detail_zh=zh, detail_en=en)

    def _set_state(self, state: DeviceState, zh: str = "", en: str = "") -> None:
        with self._lock:
            self._state = state
            self._detail = (zh, en)

    def _close_quietly(self) -> None:
        try:
            self._close_device()
        except Exception:  # a vanished device may fail on release; nothing more to do
            log.debug("camera %s: error on close ignored", self.name, exc_info=True)


def classify_source(url: str) -> tuple[str, int | str]:
    """Tell an index, a file and a stream apart.

    Args:
        url: ``"0"``, ``"/dev/video2"``, a file path, ``file:///…`` or a stream URL.

    Returns:
        ``("index", n)``, ``("stream", url)`` or ``("file", path)``; ``/dev/video*`` counts as a stream
        (a live device opened by path).

    Raises:
        CameraError: the string is empty.
    """
    text = url.strip()
    if not text:
        raise CameraError("not-configured", "未配置摄像头", "no camera configured")
    if text.isdigit():
        return "index", int(text)
    if text.lower().startswith(STREAM_SCHEMES) or text.startswith("/dev/video"):
        return "stream", text
    if text.lower().startswith("file://"):
        return "file", text[len("file://") :]
    return "file", text


class OpenCVCamera(CameraBase):
    """A real camera, video file or network stream through ``cv2.VideoCapture``.

    Args:
        url: a device index (``"0"`` or ``0``), a file path or a stream URL.
        name: the device name in the status bar.
        width: requested frame width (live cameras; the driver may refuse).
        height: requested frame height.
        fps: requested rate for live cameras; for files the playback rate when ``realtime``.
        realtime: pace a file to its own frame rate (a demo camera) instead of reading flat out;
            frames that fall behind are skipped and counted as dropped.
        loop: rewind a file at its end instead of ending the loop.
        timeout_s: open and read timeout of network streams.
        **kwargs: passed to :class:`CameraBase` (backoff, fps window).
    """

    def __init__(
        self,
        url: str | int | os.PathLike[str],
        *,
        name: str = "camera",
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        realtime: bool = False,
        loop: bool = False,
        timeout_s: float = 5.0,
        **kwargs: float,
    ) -> None:
        super().__init__(name=name, url=str(url), **kwargs)
        self.kind, self.source = classify_source(str(url))
        self.width, self.height, self.requested_fps = width, height, fps
        self.realtime = realtime
        self.loop = loop
        self.timeout_s = timeout_s
        self._cap: cv2.VideoCapture | None = None
        self._t0 = 0.0
        self._live_index = -1  #: last frame number of a live source (kept across reconnects)
        self._last_t: float | None = None
        self._file_base = 0  #: frames of the earlier passes of a looping file

    def _open_device(self) -> None:
        if self.kind == "file" and not Path(str(self.source)).is_file():
            raise CameraError(
                "not-found", f"视频文件不存在：{self.source}", f"video file not found: {self.source}"
            )
        if self.kind == "stream" and not str(self.source).startswith("/dev/"):
            ms = int(self.timeout_s * 1000)
            params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
            cap = cv2.VideoCapture(self.source, cv2.CAP_FFMPEG, params)
        else:
            cap = cv2.VideoCapture(self.source)
        if not cap.isOpened():
            cap.release()
            raise CameraError("offline", f"无法打开摄像头：{self.url}", f"cannot open camera: {self.url}")
        if self.kind != "file":
            if self.width:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            if self.height:
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            if self.requested_fps:
                cap.set(cv2.CAP_PROP_FPS, self.requested_fps)
        reported = cap.get(cv2.CAP_PROP_FPS)
        self._nominal_fps = float(self.requested_fps or (reported if 0 < reported < 1000 else 0.0))
        self._cap = cap
        self._t0 = time.monotonic()
        self._last_t = None
        self._file_base = 0

    def _read_image(self) -> tuple[np.ndarray, int | None]:
        cap = self._cap
        if cap is None:
            raise CameraError("offline", "摄像头未打开", "camera not open")
        if self.kind == "file":
            return self._read_file(cap)
        ok, image = cap.read()
        if not ok or image is None:
            raise CameraError("read-failed", f"摄像头无画面：{self.url}", f"camera read failed: {self.url}")
        return image, self._live_frame_number()

    def _live_frame_number(self) -> int:
        """Frame number of a live source, continuing across reconnects.

        A gap of at least 1.7 frame periods since the previous frame counts the frames in between as
        dropped; the first frame after (re)opening follows the last one without a gap.
        """
        now = time.monotonic()
        step = 1
        if self._last_t is not None and self._nominal_fps > 0:
            step = max(1, int((now - self._last_t) * self._nominal_fps + 0.3))
        self._last_t = now
        self._live_index += step
        return self._live_index

    def _read_file(self, cap: cv2.VideoCapture) -> tuple[np.ndarray, int | None]:
        fps = self._nominal_fps
        pos = int(cap.get(cv2.CAP_PROP_POS_FRAMES))
        if self.realtime and fps > 0:
            due = self._t0 + pos / fps
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            else:
                for _ in range(int((now - due) * fps)):  # whole frames we are late by: skip them
                    if not cap.grab():
                        break
                pos = int(cap.get(cv2.CAP_PROP_POS_FRAMES))
        ok, image = cap.read()
        if (not ok or image is None) and self.loop and pos > 0:
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._file_base += pos
            self._t0 = time.monotonic()
            pos = 0
            ok, image = cap.read()
        if not ok or image is None:
            raise EndOfStream(self.url)
        return image, self._file_base + pos

    def _close_device(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def open_camera(url: str, *, name: str = "camera") -> CameraBase:
    """Build a camera from its configuration string.

    Args:
        url: ``"synthetic"`` (optionally ``synthetic?width=640&height=480&fps=25&faces=2&seed=1``),
            a device index, a file path or a stream URL.
        name: the device name in the status bar.

    Returns:
        A camera, not yet opened.

    Raises:
        CameraError: the string is empty.
    """
    text = url.strip()
    if text.startswith("synthetic"):
        from devices.camera.synthetic import SyntheticCamera

        return SyntheticCamera.from_url(text, name=name)
    classify_source(text)
    return OpenCVCamera(text, name=name)


def frame_interval_stats(frames: list[Frame]) -> dict[str, float]:
    """Mean and worst interval between consecutive frames, in milliseconds (for benchmarks).

    Args:
        frames: frames in capture order.

    Returns:
        ``{"mean_ms": …, "max_ms": …}``; NaN values with fewer than two frames.
    """
    if len(frames) < 2:
        return {"mean_ms": math.nan, "max_ms": math.nan}
    gaps = [(b.t_mono - a.t_mono) * 1000 for a, b in zip(frames, frames[1:], strict=False)]
    return {"mean_ms": sum(gaps) / len(gaps), "max_ms": max(gaps)}
