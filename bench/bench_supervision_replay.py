"""Replay bench (issue 18 must 5): the replay screen playing a 720p recording, and seeking to an entry.

A fresh hall gets one 12-second 1280×720 25 fps segment of the synthetic camera (written by the
recorder's PyAV encoder, catalogued as the recorder does); the real :class:`ui.supervision.replay.ReplayScreen`
at 1920×1080 plays it through the real ``SegmentPlayer`` on its own thread. Measured:

* the UI event loop's lateness (a 10 ms ``QTimer``: p50/p99/max) idle, then while playing;
* frames drawn per second while playing and the process' CPU (decode, scale, draw);
* seek: from a click on an entry (``seek_to``) until the frame of that moment is on screen,
  p50/p95 over ``seeks`` jumps back and forth across the segment (each decodes from the key frame
  before the target, at most 2 s of video).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from typing import Any

W, H, FPS, SECONDS = 1280, 720, 25, 12


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, max(0, int(len(xs) * q + 0.5) - 1))], 2)


def bench(play_s: float = 8.0, seeks: int = 20) -> dict[str, Any]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from devices.camera.synthetic import SyntheticCamera
    from devices.recording import PyAVEncoder, SegmentPlayer
    from devices.recording.segments import sha256_file
    from hallkiosk.app import ensure_qapp
    from hallkiosk.jobs import JobRunner
    from hallkiosk.threads import Threads
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.recording import catalogue as cat
    from kiosk.supervision import SupervisionService
    from kiosk.timeutil import BEIJING
    from ui.bridge import QtBridge
    from ui.context import UiContext
    from ui.i18n import Languages
    from ui.supervision.replay import ReplayScreen

    ensure_qapp(headless=True)
    t0 = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
    with tempfile.TemporaryDirectory() as d:
        hall = Hall.open(load_config(data_dir=Path(d) / "hall", environ={}), clock=FixedClock(t0))
        cam = SyntheticCamera(W, H, fps=FPS, realtime=False)
        path = hall.config.data_dir / "recordings" / "KB-03" / "0_bench.mp4"
        path.parent.mkdir(parents=True)
        enc = PyAVEncoder()
        enc.open(path, W, H, FPS, None)
        for i in range(SECONDS * FPS):
            enc.write_video(cam.render(i, t0.timestamp() + i / FPS), i)
        enc.close()
        sha, size = sha256_file(path)
        with hall.unit() as s:
            cat.register_segment(s, hall.journal, room_code="KB-03", camera="0", session_id=None, path=path, started_at=t0,
                                 ended_at=t0 + dt.timedelta(seconds=SECONDS), frames=SECONDS * FPS, has_audio=False,
                                 size=size, sha256=sha, data_dir=hall.config.data_dir)
        threads, bridge = Threads(), QtBridge()
        ctx = UiContext(hall=hall, bridge=bridge, languages=Languages(), role="supervisor", jobs=JobRunner(threads, bridge))
        screen = ReplayScreen(ctx, SupervisionService(hall))
        player = SegmentPlayer(on_frame=screen.post_frame, on_error=screen.post_error, max_width=1280, vault=hall.vault)
        screen.set_player(player)
        threads.start("replay-player", player.run)
        screen.resize(1920, 1080)
        screen.show()

        def spin_until(done: Any, timeout: float = 10.0) -> None:
            end = time.monotonic() + timeout
            while not done() and time.monotonic() < end:
                QApplication.processEvents()
                time.sleep(0.001)

        def lateness(seconds: float) -> list[float]:
            late: list[float] = []
            last = [time.perf_counter()]

            def tick() -> None:
                now = time.perf_counter()
                late.append((now - last[0]) * 1000 - 10)
                last[0] = now
            timer = QTimer()
            timer.timeout.connect(tick)
            timer.start(10)
            spin_until(lambda: False, seconds)
            timer.stop()
            return late

        try:
            idle = lateness(2.0)
            screen.show_moment("KB-03", t0)
            spin_until(lambda: screen.frames_shown > 0)
            f0, c0, w0 = screen.frames_shown, time.process_time(), time.monotonic()
            play = lateness(play_s)
            f1, c1, w1 = screen.frames_shown, time.process_time(), time.monotonic()
            screen.toggle_play()  # paused: each seek shows the one frame of its moment
            rng = random.Random(7)
            seek_ms: list[float] = []
            for _ in range(seeks):
                target = t0 + dt.timedelta(seconds=rng.uniform(0.5, SECONDS - 1.0))
                before = screen.frames_shown
                start = time.perf_counter()
                screen.seek_to(target)
                spin_until(lambda b=before: screen.frames_shown > b)
                seek_ms.append((time.perf_counter() - start) * 1000)
        finally:
            threads.stop()
            screen.deleteLater()
            hall.close()
    return {
        "recording": f"{W}x{H} {FPS} fps, {SECONDS} s, one segment",
        "idle_tick_late_ms": {"p50": _pct(idle, 0.5), "p99": _pct(idle, 0.99), "max": round(max(idle), 2)},
        "playing_tick_late_ms": {"p50": _pct(play, 0.5), "p99": _pct(play, 0.99), "max": round(max(play), 2)},
        "frames_drawn_per_s": round((f1 - f0) / (w1 - w0), 1),
        "cpu_cores_while_playing": round((c1 - c0) / (w1 - w0), 2),
        "seek_to_frame_ms": {"n": len(seek_ms), "p50": _pct(seek_ms, 0.5), "p95": _pct(seek_ms, 0.95),
                             "max": round(max(seek_ms), 1)},
    }


def run(out: dict[str, Any]) -> None:
    out.update(bench())


if __name__ == "__main__":
    import json

    print(json.dumps(bench(), ensure_ascii=False, indent=2))
