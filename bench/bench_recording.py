"""Recording bench: 2 synthetic cameras at 1280×720, 25 fps, with audio, through the real recorder.

Measures, over ``seconds`` of recording (default 60; the issue's 5-minute figure is
``python -m bench.bench_recording --seconds 300``):

* frames captured vs written per camera, and drops (source: the camera fell behind real time;
  queue: the encoder fell behind the camera);
* CPU seconds per camera thread (``RUSAGE_THREAD``) and as a share of one core; note that the
  synthetic camera *renders* its 720p scene on the capture thread (a real camera's capture costs
  less), and the encode thread includes the overlay, colour conversion, x264 and AAC;
* the UI event-loop latency while recording: an offscreen ``QApplication`` runs a 10 ms ``QTimer``
  and records how late each tick fires (p50/p99/max);
* MB per minute of recording and the segment count; the catalogue (journal, hash chain, blobs)
  runs as in the app.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SECONDS = float(os.environ.get("HALL_KIOSK_BENCH_RECORDING_SECONDS", "60"))


def _ui_latency_probe(seconds: float) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from hallkiosk.app import ensure_qapp

    app = ensure_qapp(headless=True)
    lateness: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    timer = QTimer()
    timer.setInterval(10)

    def tick() -> None:
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - 10.0))
        last[0] = now

    timer.timeout.connect(tick)
    timer.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    lateness.sort()
    return {
        "ticks": len(lateness),
        "p50_ms": round(statistics.median(lateness), 2) if lateness else 0.0,
        "p99_ms": round(lateness[int(len(lateness) * 0.99) - 1], 2) if lateness else 0.0,
        "max_ms": round(lateness[-1], 2) if lateness else 0.0,
    }


def bench(seconds: float = SECONDS, *, width: int = 1280, height: int = 720, fps: int = 25, cameras: int = 2,
          segment_seconds: int = 60, preset: str = "ultrafast") -> dict[str, Any]:
    from hallkiosk.threads import Threads
    from hallkiosk.wiring_recording import RoomRecorder
    from kiosk.config import load_config
    from kiosk.hall import Hall

    with tempfile.TemporaryDirectory() as d:
        cfg = load_config(data_dir=Path(d), environ={})
        url = f"synthetic?width={width}&height={height}&fps={fps}"
        cfg = dataclasses.replace(
            cfg, site=dataclasses.replace(cfg.site, room_code="KB-03"),
            recording=dataclasses.replace(cfg.recording, cameras=",".join([url] * cameras), microphone="synthetic",
                                          width=width, height=height, fps=fps, segment_seconds=segment_seconds,
                                          preset=preset),
        )
        hall = Hall.open(cfg)
        threads = Threads()
        try:
            rec = RoomRecorder.from_config(hall)
            for name, loop in rec.loops():
                if name.startswith(("rec-capture", "rec-encode")):
                    threads.start(name, loop)
            cpu0 = time.process_time()
            t0 = time.monotonic()
            rec.start(None, "bench")
            ui = _ui_latency_probe(seconds)
            rec.stop("bench end")
            threads.stop(30)
            wall = time.monotonic() - t0
            cpu = time.process_time() - cpu0
            from kiosk.recording import Recordings

            segs = Recordings(hall).segments("KB-03")
            total = sum(s.bytes for s in segs)
            per_cam = {}
            for c in rec.cameras:
                st = c.stats
                per_cam[c.camera_name] = {
                    "captured": st.captured, "written": st.written, "queue_drops": st.queue_drops,
                    "source_drops": c.camera.dropped, "expected": int(wall * fps),
                    "capture_cpu_s": round(st.capture_cpu_s, 1), "encode_cpu_s": round(st.encode_cpu_s, 1),
                    "cpu_share_of_one_core": round((st.capture_cpu_s + st.encode_cpu_s) / wall, 2),
                    "segments": st.segments, "encode_errors": st.encode_errors,
                }
            return {
                "seconds": seconds, "size": f"{width}x{height}", "fps": fps, "cameras": cameras, "audio": True,
                "preset": preset, "segment_seconds": segment_seconds, "cpus": os.cpu_count(),
                "per_camera": per_cam, "process_cpu_share": round(cpu / wall, 2), "ui_latency": ui,
                "segments": len(segs), "mb_total": round(total / 1e6, 1),
                "mb_per_minute_per_camera": round(total / 1e6 / (seconds / 60) / cameras, 1),
            }
        finally:
            threads.stop(30)
            hall.close()


def run(out: dict[str, Any]) -> None:
    out["recording_2cams_720p25_audio"] = bench()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=SECONDS)
    p.add_argument("--preset", default="ultrafast")
    p.add_argument("--segment-seconds", type=int, default=60)
    a = p.parse_args()
    print(json.dumps(bench(a.seconds, preset=a.preset, segment_seconds=a.segment_seconds), indent=1))
