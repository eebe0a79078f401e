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

:func:`bench_seal` (``--seal``) measures what sealing a segment at rest costs against writing it in clear.
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


def bench_seal(seconds: int = 10, *, width: int = 1280, height: int = 720, fps: int = 25, rounds: int = 5) -> dict[str, Any]:
    """What sealing a segment at rest costs (issue 20 item 9), on a real H.264 segment.

    Encodes ``seconds`` of the synthetic 720p camera twice: as before (a plain MP4 the muxer writes)
    and as now (a fragmented MP4 sealed and fsync'ed every second as it is written), the ratio of
    the two being the whole cost as the recorder pays it. Then, on the bytes of that segment,
    ``rounds`` times each and best of: writing them to disk in clear (write + fsync) against sealing
    them (``kiosk.sealed``: AES-GCM chunks under the hall's data key, write + fsync), and unsealing
    them for playback or export.
    """
    import hashlib

    from devices.camera import SyntheticCamera
    from devices.recording import PyAVEncoder
    from kiosk import sealed
    from kiosk.pii import PiiVault

    vault = PiiVault(os.urandom(32))
    cam = SyntheticCamera(width, height, fps, realtime=False)
    frames: list[Any] = []
    cam.open()
    try:
        while len(frames) < seconds * fps:
            frames.append(cam.read().image)
    finally:
        cam.close()
    with tempfile.TemporaryDirectory() as d:
        def encode(v: PiiVault | None, name: str) -> tuple[float, float]:
            enc = PyAVEncoder(vault=v)
            t0, c0 = time.perf_counter(), time.process_time()
            enc.open(Path(d) / name, width, height, fps, None)
            for i, img in enumerate(frames):
                enc.write_video(img, i)
            enc.close()
            return time.perf_counter() - t0, time.process_time() - c0

        # as before (a plain MP4 the muxer writes) and as now (fragmented, sealed and fsync'ed every
        # second), alternated, best of two: the machine is shared, CPU seconds are the steadier figure
        plain_runs, sealed_runs = [], []
        for _ in range(2):
            plain_runs.append(encode(None, "plain-encoded.mp4"))
            sealed_runs.append(encode(vault, "seg.partial.mp4"))
        encode_plain_s, encode_plain_cpu = min(r[0] for r in plain_runs), min(r[1] for r in plain_runs)
        encode_s, encode_cpu = min(r[0] for r in sealed_runs), min(r[1] for r in sealed_runs)
        data = sealed.read_file(Path(d) / "seg.partial.mp4", vault)

        def write_plain() -> None:
            with open(Path(d) / "plain.mp4", "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())

        def best(fn: Any) -> float:
            times = []
            for _ in range(rounds):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            return min(times)

        plain_s = best(write_plain)
        seal_s = best(lambda: sealed.write_sealed(vault, data, Path(d) / "sealed.mp4"))
        unseal_s = best(lambda: sealed.read_file(Path(d) / "sealed.mp4", vault))
        hash_s = best(lambda: hashlib.sha256(data).hexdigest())
        size = (Path(d) / "sealed.mp4").stat().st_size
    mb = len(data) / 1e6
    return {
        "segment_seconds": seconds, "size": f"{width}x{height}", "fps": fps, "mb": round(mb, 2),
        "encode_plain_s": round(encode_plain_s, 3), "encode_sealed_streaming_s": round(encode_s, 3),
        "encode_sealed_over_plain_ratio": round(encode_s / encode_plain_s, 3),
        "encode_plain_cpu_s": round(encode_plain_cpu, 2), "encode_sealed_cpu_s": round(encode_cpu, 2),
        "encode_sealed_over_plain_cpu_ratio": round(encode_cpu / encode_plain_cpu, 3),
        "encode_s": round(encode_s, 3), "write_plain_s": round(plain_s, 4), "seal_and_write_s": round(seal_s, 4),
        "seal_over_write_ratio": round(seal_s / plain_s, 2) if plain_s else None,
        "seal_share_of_encode": round(seal_s / encode_s, 4), "unseal_s": round(unseal_s, 4), "sha256_s": round(hash_s, 4),
        "seal_mb_per_s": round(mb / seal_s, 1), "unseal_mb_per_s": round(mb / unseal_s, 1),
        "overhead_bytes": size - len(data),
    }


def run(out: dict[str, Any]) -> None:
    out["recording_2cams_720p25_audio"] = bench()
    out["recording_seal_10s_720p25"] = bench_seal()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=SECONDS)
    p.add_argument("--preset", default="ultrafast")
    p.add_argument("--segment-seconds", type=int, default=60)
    p.add_argument("--seal", action="store_true", help="only the sealing bench (a segment of --segment-seconds)")
    a = p.parse_args()
    if a.seal:
        print(json.dumps(bench_seal(a.segment_seconds), indent=1))
    else:
        print(json.dumps(bench(a.seconds, preset=a.preset, segment_seconds=a.segment_seconds), indent=1))
