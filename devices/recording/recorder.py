"""One camera's recorder: capture → overlay → encoder → closed segments (docs/architecture.md §5, §6).

Two loops, both run on threads the composition root owns (``hallkiosk.wiring_recording``):

* :meth:`CameraRecorder.capture_loop` runs the camera's own capture loop
  (:meth:`devices.camera.CameraBase.run`, with its reconnect backoff) while recording is on and puts
  frames on a bounded queue; a full queue drops the frame and counts it (the encoder is behind).
* :meth:`CameraRecorder.encode_loop` takes frames (and control messages, in order) off the queue,
  burns in the :class:`~devices.recording.overlay.Overlay`, pulls the matching audio samples and
  feeds the :class:`~devices.recording.encoder.SegmentEncoder`.

Timing is by frame numbers, not by wall clock: a frame's pts inside its segment is its camera frame
number minus that of the segment's first frame, and a segment closes when the next frame's pts
reaches ``segment_seconds × fps``. So consecutive segments share no frame and miss no frame, and a
segment holds exactly ``segment_seconds`` of media unless it was cut early: by a session change, a
stop, or a **gap** — no frame for ``gap_seconds`` (a camera unplugged: the camera loop reconnects by
itself; the recorder closes the segment before the gap, reports the gap through ``on_gap`` and
starts a new segment when frames come back).

Closed segments go to ``on_segment`` (the catalogue: hash chain, journal, blob); the callback runs
on the encode thread, so a slow database slows only this camera's queue.
"""

from __future__ import annotations

import logging
import queue
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from devices.camera.capture import CameraBase, Frame
from devices.recording.audio import AudioSource
from devices.recording.encoder import EncoderError, SegmentEncoder
from devices.recording.overlay import Overlay
from devices.recording.segments import ClosedSegment, finish, partial_path, segment_dir

log = logging.getLogger(__name__)


class _Either:
    """An event-like view that is set when either of two events is (for ``CameraBase.run``)."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        end = time.monotonic() + (timeout if timeout is not None else 1e9)
        while not self.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return False
            self.a.wait(min(0.05, left))
        return True


@dataclass
class RecorderStats:
    """Counters any thread may read (for the admin tab and the bench)."""

    captured: int = 0  #: frames the camera delivered while recording
    queue_drops: int = 0  #: frames dropped because the encoder was behind
    written: int = 0  #: frames encoded
    segments: int = 0  #: segments closed
    gaps: int = 0  #: camera gaps
    encode_errors: int = 0
    capture_cpu_s: float = 0.0  #: CPU time of the capture thread (RUSAGE_THREAD)
    encode_cpu_s: float = 0.0  #: CPU time of the encode thread
    last_error: str = ""
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class _Open:
    encoder: SegmentEncoder
    partial: Path
    started_at: float
    first_index: int
    last_index: int = -1
    last_pts: int = -1
    frames: int = 0
    samples: int = 0
    last_t_mono: float = 0.0
    last_wall: float = 0.0


def _thread_cpu() -> float:
    try:
        r = resource.getrusage(resource.RUSAGE_THREAD)
    except (AttributeError, OSError):  # not Linux
        return time.thread_time()
    return r.ru_utime + r.ru_stime


class CameraRecorder:
    """Records one camera of a room into fixed-length segments.

    Args:
        camera: the source (``devices.camera.open_camera``); opened and closed by the capture loop.
        camera_name: the name in file names, journal entries and the caption (``cam1``).
        room: the room code (file layout).
        room_label: what the caption shows (the room's Chinese name).
        root: ``<data_dir>/recordings``.
        encoder_factory: a new :class:`SegmentEncoder` per segment.
        width, height, fps: the recording's picture (frames of another size are scaled).
        segment_seconds: the fixed segment length.
        audio: the room microphone (only one camera of a room should have it), or None.
        on_segment: called with every :class:`ClosedSegment` (encode thread).
        on_gap: called with (camera_name, from, to) epoch seconds when frames stopped and came back.
        wall_offset: seconds to add to the machine clock (the platform-corrected clock's offset).
        gap_seconds: no frame for this long is a gap (segment closed, gap reported).
        queue_frames: the capture → encode queue (frames beyond it are dropped and counted).
    """

    def __init__(
        self,
        camera: CameraBase,
        *,
        camera_name: str,
        room: str,
        root: Path,
        encoder_factory: Callable[[], SegmentEncoder],
        width: int,
        height: int,
        fps: int,
        segment_seconds: int,
        room_label: str = "",
        audio: AudioSource | None = None,
        on_segment: Callable[[ClosedSegment], None] | None = None,
        on_gap: Callable[[str, float, float], None] | None = None,
        wall_offset: Callable[[], float] = lambda: 0.0,
        gap_seconds: float = 1.5,
        queue_frames: int = 50,
    ) -> None:
        self.camera = camera
        self.camera_name = camera_name
        self.room = room
        self.root = root
        self.encoder_factory = encoder_factory
        self.width, self.height, self.fps = width, height, fps
        self.segment_frames = max(1, segment_seconds * fps)
        self.audio = audio
        self.on_segment = on_segment or (lambda seg: None)
        self.on_gap = on_gap or (lambda cam, a, b: None)
        self.wall_offset = wall_offset
        self.gap_seconds = gap_seconds
        self.overlay = Overlay(width, height, room_label or room, camera_name)
        self.stats = RecorderStats()
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_frames)
        self._active = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._open: _Open | None = None
        self._session = ""
        self._retry_at = 0.0
        self._lock = threading.Lock()
        self.closed: list[ClosedSegment] = []  #: closed in this process (the latest 100)

    # --- control (any thread) -----------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._active.is_set()

    def start(self, session_id: str = "") -> None:
        """Begin recording (the capture loop opens the camera); ``session_id`` goes into the caption."""
        self._control(("session", session_id))
        self._idle.clear()
        self._active.set()

    def set_session(self, session_id: str) -> None:
        """Another session from now on: the open segment closes, the next carries the new session."""
        self._control(("session", session_id))

    def stop(self) -> None:
        """Stop recording: the open segment is closed and registered; the camera is released."""
        self._active.clear()
        self._idle.set()
        self._control(("stop", None))

    def _control(self, message: tuple[str, object]) -> None:
        try:
            self._queue.put(message, timeout=5.0)
        except queue.Full:
            log.error("recorder %s: control message %s lost (encoder stuck)", self.camera_name, message[0])

    # --- capture thread -------------------------------------------------------------------------

    def capture_loop(self, stop: threading.Event) -> None:
        """Capture while recording is on; idle (camera closed) otherwise. Returns when ``stop`` is set."""
        t0 = _thread_cpu()
        try:
            while not stop.is_set():
                if not self._active.is_set():
                    self._active.wait(0.1)
                    continue
                self.camera.run(_Either(stop, self._idle), self._on_frame)
        finally:
            self.stats.capture_cpu_s += _thread_cpu() - t0

    def _on_frame(self, frame: Frame) -> None:
        if not self._active.is_set():
            return
        self.stats.captured += 1
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            self.stats.queue_drops += 1

    # --- encode thread --------------------------------------------------------------------------

    def encode_loop(self, stop: threading.Event) -> None:
        """Encode queued frames until ``stop`` is set and the queue is drained; closes the open segment."""
        t0 = _thread_cpu()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=0.1)
                except queue.Empty:
                    if stop.is_set():
                        break
                    continue
                if isinstance(item, Frame):
                    self._frame(item)
                elif isinstance(item, tuple):
                    what, value = item
                    self._close()
                    if what == "session":
                        self._session = str(value or "")
                        self.overlay.set_session(self._session)
        finally:
            self._close()
            self.stats.encode_cpu_s += _thread_cpu() - t0

    @property
    def session_id(self) -> str:
        return self._session

    def _frame(self, frame: Frame) -> None:
        wall = frame.t_wall + self.wall_offset()
        seg = self._open
        if seg is not None and frame.t_mono - seg.last_t_mono > self.gap_seconds:
            gap_from = seg.started_at + (seg.last_pts + 1) / self.fps
            self._close()
            self.stats.gaps += 1
            log.warning("recorder %s: no picture for %.1f s, new segment", self.camera_name, frame.t_mono - seg.last_t_mono)
            self.on_gap(self.camera_name, gap_from, wall)
            seg = None
        if seg is not None:
            pts = frame.index - seg.first_index
            if pts <= seg.last_pts:  # a source that restarted its numbering
                pts = seg.last_pts + 1
                seg.first_index = frame.index - pts
            if pts >= self.segment_frames:
                self._close()
                seg = None
        if seg is None:
            seg = self._begin(frame, wall)
            if seg is None:
                return
            pts = 0
        image = frame.image
        if image.shape[1] != self.width or image.shape[0] != self.height:
            image = cv2.resize(image, (self.width, self.height), interpolation=cv2.INTER_AREA)
        else:
            image = image.copy()  # the camera's frame is read-only to us
        self.overlay.apply(image, wall)
        try:
            seg.encoder.write_video(image, pts)
            if self.audio is not None and seg.encoder.has_audio:
                target = int(round((pts + 1) * self.audio.sample_rate / self.fps))
                if target > seg.samples:
                    seg.encoder.write_audio(self.audio.read(target - seg.samples))
                    seg.samples = target
        except (EncoderError, OSError, ValueError) as exc:
            self._fail(seg, exc)
            return
        seg.last_pts, seg.last_index = pts, frame.index
        seg.frames += 1
        seg.last_t_mono, seg.last_wall = frame.t_mono, wall
        self.stats.written += 1

    def _begin(self, frame: Frame, wall: float) -> _Open | None:
        if frame.t_mono < self._retry_at:
            return None
        directory = segment_dir(self.root, self.room, wall)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            partial = partial_path(directory, self.camera_name, wall)
            encoder = self.encoder_factory()
            encoder.open(
                partial, self.width, self.height, self.fps, self.audio.sample_rate if self.audio is not None else None
            )
        except (EncoderError, OSError) as exc:
            self.stats.encode_errors += 1
            self.stats.last_error = str(exc)
            log.error("recorder %s: cannot start a segment: %s (retry in 2 s)", self.camera_name, exc)
            self._retry_at = frame.t_mono + 2.0
            return None
        self._open = _Open(encoder, partial, wall, frame.index, last_t_mono=frame.t_mono, last_wall=wall)
        return self._open

    def _fail(self, seg: _Open, exc: Exception) -> None:
        self.stats.encode_errors += 1
        self.stats.last_error = str(exc)
        log.error("recorder %s: segment abandoned: %s", self.camera_name, exc)
        self._open = None
        try:
            seg.encoder.close()
        except Exception:  # noqa: BLE001 - already failing
            pass

    def _close(self) -> None:
        seg, self._open = self._open, None
        if seg is None:
            return
        try:
            seg.encoder.close()
        except (EncoderError, OSError, ValueError) as exc:
            self.stats.encode_errors += 1
            log.error("recorder %s: closing a segment failed: %s", self.camera_name, exc)
            return
        if seg.frames == 0:
            seg.partial.unlink(missing_ok=True)
            return
        ended = seg.started_at + (seg.last_pts + 1) / self.fps
        closed = finish(
            seg.partial, self.camera_name, seg.started_at, ended,
            frames=seg.frames, first_index=seg.first_index, last_index=seg.last_index,
            has_audio=seg.encoder.has_audio, digest=getattr(seg.encoder, "digest", None),
        )
        self.stats.segments += 1
        with self._lock:
            self.closed = [*self.closed[-99:], closed]
        try:
            self.on_segment(closed)
        except Exception:  # the file is safe under its final name; recovery registers it later
            log.exception("recorder %s: segment %s not catalogued", self.camera_name, closed.path.name)
