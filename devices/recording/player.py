"""Plays recorded segments for the review screen: PyAV decoding on a loop the composition root owns.

PySide6-Essentials has no QtMultimedia, so the review tab shows frames that this player decodes.
:meth:`SegmentPlayer.run` is the loop (a thread of ``hallkiosk.wiring_recording``); the UI calls
:meth:`open`, :meth:`play`, :meth:`pause` and :meth:`seek` from the main thread, and every decoded
frame goes to ``on_frame(rgb, position_s, duration_s)`` — the UI's thread-safe post method —
paced to real time while playing. A sealed segment (encrypted at rest, ``kiosk.sealed``) is
decrypted into memory and decoded from there: no clear copy is written to disk. Seeking jumps to the key frame before the target (at most 2 s
before, see ``encoder.py``) and decodes forward to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from devices.recording.segments import media_source

if TYPE_CHECKING:
    from kiosk.pii import PiiVault

log = logging.getLogger(__name__)


class SegmentPlayer:
    """A one-file video player without sound (the review screen shows pictures and markers).

    Args:
        on_frame: called on the player thread with (RGB image, position s, duration s).
        on_error: called with a short message when a file cannot be played.
        max_width: frames wider than this are scaled down for display.
        vault: decrypts sealed segments (in memory); default: the vault the composition root
            installed (``devices.recording.segments.use_vault``). Plain MP4 files need none.
    """

    def __init__(
        self,
        on_frame: Callable[[np.ndarray, float, float], None],
        on_error: Callable[[str], None] | None = None,
        max_width: int = 960,
        vault: PiiVault | None = None,
    ) -> None:
        self.vault = vault
        self.on_frame = on_frame
        self.on_error = on_error or (lambda msg: None)
        self.max_width = max_width
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._request: tuple[Path, float] | None = None
        self._seek: float | None = None
        self._playing = False
        self.path: Path | None = None
        self.frames_shown = 0

    # --- control (main thread) --------------------------------------------------------------------

    def open(self, path: Path, at_s: float = 0.0, *, play: bool = True) -> None:
        """Show ``path`` from ``at_s`` seconds; start playing unless ``play`` is False."""
        with self._lock:
            self._request = (Path(path), max(0.0, at_s))
            self._playing = play
        self._wake.set()

    def play(self) -> None:
        with self._lock:
            self._playing = True
        self._wake.set()

    def pause(self) -> None:
        with self._lock:
            self._playing = False
        self._wake.set()

    def seek(self, at_s: float) -> None:
        with self._lock:
            self._seek = max(0.0, at_s)
        self._wake.set()

    @property
    def playing(self) -> bool:
        with self._lock:
            return self._playing

    # --- the loop --------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Decode and pace frames until ``stop`` is set."""
        import av

        container = None
        frames = None
        duration = 0.0
        t_start = 0.0  # monotonic time that corresponds to position 0 while playing
        try:
            while not stop.is_set():
                with self._lock:
                    request, self._request = self._request, None
                    seek, self._seek = self._seek, None
                    playing = self._playing
                    self._wake.clear()  # from here on, _wake means an order newer than these
                if request is not None:
                    if container is not None:
                        container.close()
                        container = None
                    try:
                        container = av.open(media_source(request[0], self.vault), mode="r")
                    except Exception as exc:  # noqa: BLE001 - missing or damaged file
                        self.on_error(f"{request[0].name}: {type(exc).__name__}")
                        continue
                    self.path = request[0]
                    duration = (container.duration or 0) / 1_000_000
                    seek = request[1]
                if container is None:
                    self._wake.wait(0.1)
                    continue
                if seek is not None:
                    frames = self._seek_to(container, seek, duration)
                    t_start = time.monotonic() - seek
                    continue
                if not playing or frames is None:
                    self._wake.wait(0.1)
                    if frames is not None and self.playing:
                        t_start = time.monotonic() - self._position
                    continue
                try:
                    frame = next(frames)
                except StopIteration:
                    with self._lock:
                        # the file's end stops playing, unless a newer order came meanwhile: the screen
                        # opens the next segment (play=True) on this file's last frame, and that order
                        # must not be undone by the end of the file it replaces
                        if self._request is None and self._seek is None:
                            self._playing = False
                    frames = None
                    continue
                pos = float(frame.time or 0.0)
                due = t_start + pos
                delay = due - time.monotonic()
                if delay > 0:
                    self._wake.wait(min(delay, 0.5))  # an order (open, seek, pause) ends the wait at once
                with self._lock:
                    superseded = self._request is not None or self._seek is not None or not self._playing
                if superseded:  # opened, sought or paused while this frame waited: it is not what is shown now
                    continue
                self._emit(frame, pos, duration)
        finally:
            if container is not None:
                container.close()

    _position = 0.0

    def _seek_to(self, container, at_s: float, duration: float):
        stream = container.streams.video[0]
        container.seek(int(at_s / stream.time_base), stream=stream, backward=True, any_frame=False)
        frames = container.decode(video=0)
        for frame in frames:
            if float(frame.time or 0.0) + 1e-6 >= at_s or float(frame.time or 0.0) >= duration - 0.2:
                self._emit(frame, float(frame.time or 0.0), duration)
                return frames
        return None

    def _emit(self, frame, pos: float, duration: float) -> None:
        width = frame.width
        if width > self.max_width:
            frame = frame.reformat(width=self.max_width, height=int(frame.height * self.max_width / width))
        self._position = pos
        self.frames_shown += 1
        self.on_frame(frame.to_ndarray(format="rgb24"), pos, duration)
