"""The review player (devices.recording.SegmentPlayer) against real H.264 files, as the supervisor's
replay screen drives it: an order (open, seek, pause) given while a file plays."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from devices.recording import SegmentPlayer
from tests.helpers.replay import write_mp4


class Watched:
    """A player on its own thread; every frame noted with the file it came from and when."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, str, float]] = []  # (monotonic time, file name, position s)
        self.lock = threading.Lock()
        self.player = SegmentPlayer(on_frame=self._frame)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.player.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def _frame(self, _rgb: np.ndarray, pos: float, _duration: float) -> None:
        path = self.player.path
        with self.lock:
            self.frames.append((time.monotonic(), path.name if path else "", pos))

    def since(self, t: float) -> list[tuple[float, str, float]]:
        with self.lock:
            return [f for f in self.frames if f[0] >= t]

    def wait_for(self, cond, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not cond() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert cond()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Watched, Path, Path]]:
    a, b = tmp_path / "0-100000.mp4", tmp_path / "0-100003.mp4"
    write_mp4(a, 3)
    write_mp4(b, 3, first_second=3)
    w = Watched()
    yield w, a, b
    w.stop.set()
    w.thread.join(5)


def test_an_order_given_while_a_frame_waits_is_served_at_once_and_no_older_frame_follows_it(watched) -> None:  # type: ignore[no-untyped-def]
    """Playing a 10 fps file, the player waits up to 100 ms for each frame's time. An order given
    then used to wait that out and emit the old file's frame after it; the screen then read that
    frame's position against the newly opened segment (a wrong time, or even the next segment
    opened). Now the order ends the wait and the frame is dropped, 5 times over at varied moments."""
    w, a, b = watched
    for i in range(5):
        w.player.open(a, 0.0, play=True)
        w.wait_for(lambda: any(name == a.name and pos >= 0.5 for _, name, pos in w.frames[-3:]))
        time.sleep(0.013 * i)  # somewhere inside the next frame's wait
        t0 = time.monotonic()
        w.player.open(b, 1.0, play=False)
        w.wait_for(lambda t0=t0: any(name == b.name for _, name, _ in w.since(t0)))
        after = w.since(t0)
        assert [name for _, name, _ in after] == [b.name], after  # one frame, of the new file, where asked
        assert after[0][2] == pytest.approx(1.0, abs=0.051)
        assert after[0][0] - t0 < 0.09, after[0][0] - t0  # not a frame interval later
        with w.lock:
            w.frames.clear()


def test_pause_stops_the_picture_and_a_paused_player_emits_nothing_more(watched) -> None:  # type: ignore[no-untyped-def]
    w, a, _b = watched
    w.player.open(a, 0.0, play=True)
    w.wait_for(lambda: any(pos >= 0.3 for _, _, pos in w.frames))
    w.player.pause()
    t0 = time.monotonic()
    time.sleep(0.4)
    assert w.since(t0) == [] and not w.player.playing
    w.player.play()
    w.wait_for(lambda: len(w.since(t0)) >= 3)


def test_the_next_segment_opened_on_the_last_frame_plays_on(watched) -> None:  # type: ignore[no-untyped-def]
    """The screen opens the next segment (play=True) when a file's last frame reaches it, while the
    player may be finding that file's end: the end must not undo the order (the picture stood still
    at the next segment's first frame, the button still said playing: 1 screen-test run in ~10)."""
    w, a, b = watched
    opened = threading.Event()

    def on_frame(_rgb: np.ndarray, pos: float, duration: float) -> None:
        Watched._frame(w, _rgb, pos, duration)
        if w.player.path == a and pos >= duration - 0.15 and not opened.is_set():
            opened.set()
            threading.Thread(target=w.player.open, args=(b, 0.0), kwargs={"play": True}).start()

    w.player.on_frame = on_frame
    w.player.open(a, 2.5, play=True)
    w.wait_for(lambda: any(name == b.name and pos >= 0.5 for _, name, pos in w.frames))
