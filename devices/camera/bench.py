"""Camera benchmarks: synthetic rendering and delivery rate, file capture rate, Haar detection time.

Each function returns a plain dict (JSON-ready) for ``make bench``; nothing here runs in the test
suite, which keeps to small frames. Run by hand with ``python -m devices.camera.bench``.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from devices.camera.capture import EndOfStream, Frame, OpenCVCamera
from devices.camera.faces import HaarFaceDetector
from devices.camera.synthetic import SyntheticCamera


def _machine() -> dict[str, object]:
    return {"python": platform.python_version(), "opencv": cv2.__version__, "cpus": os.cpu_count()}


def bench_synthetic_fps(
    width: int = 1280, height: int = 720, fps: float = 25.0, seconds: float = 3.0
) -> dict[str, object]:
    """Measure the synthetic camera at ``width``×``height``.

    Args:
        width: frame width.
        height: frame height.
        fps: the camera's nominal rate for the paced run.
        seconds: length of each of the two runs.

    Returns:
        ``render_fps`` (flat out, one core), ``render_ms`` per frame, and for a paced run through
        :meth:`SyntheticCamera.run`: ``delivered_fps`` (the sliding-window figure), ``frames`` and
        ``dropped``.
    """
    cam = SyntheticCamera(width, height, fps, realtime=False)
    cam.render(0)  # warm up
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        cam.render(n)
        n += 1
    flat = n / (time.perf_counter() - t0)

    paced = SyntheticCamera(width, height, fps, realtime=True)
    frames: list[Frame] = []
    stop = threading.Event()
    thread = threading.Thread(target=paced.run, args=(stop, frames.append))
    thread.start()
    time.sleep(seconds)
    delivered = paced.fps
    stop.set()
    thread.join()
    return {
        "resolution": f"{width}x{height}",
        "nominal_fps": fps,
        "render_fps": round(flat, 1),
        "render_ms": round(1000 / flat, 2),
        "delivered_fps": round(delivered, 2),
        "frames": len(frames),
        "dropped": paced.dropped,
        "machine": _machine(),
    }


def bench_capture_fps(width: int = 1280, height: int = 720, frames: int = 100) -> dict[str, object]:
    """Write ``frames`` synthetic frames to an mp4v file, then read them back flat out with OpenCVCamera.

    Returns:
        ``capture_fps`` (decode and deliver, unpaced), ``write_fps`` and the file size.
    """
    cam = SyntheticCamera(width, height, realtime=False)
    images = [cam.render(i) for i in range(frames)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mp4"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 25.0, (width, height))
        t0 = time.perf_counter()
        for img in images:
            writer.write(img)
        writer.release()
        write_fps = frames / (time.perf_counter() - t0)
        size = path.stat().st_size
        reader = OpenCVCamera(path)
        n, t0 = 0, time.perf_counter()
        with reader:
            try:
                while True:
                    reader.read()
                    n += 1
            except EndOfStream:
                pass
        read_fps = n / (time.perf_counter() - t0)
    return {
        "resolution": f"{width}x{height}",
        "frames_read": n,
        "capture_fps": round(read_fps, 1),
        "write_fps": round(write_fps, 1),
        "file_bytes": size,
        "machine": _machine(),
    }


def bench_haar(width: int = 1280, height: int = 720, frames: int = 30) -> dict[str, object]:
    """Time the Haar detector per frame on synthetic frames with one face.

    Returns:
        ``mean_ms``, ``max_ms`` per frame and how many frames had exactly one face.
    """
    cam = SyntheticCamera(width, height, realtime=False)
    detector = HaarFaceDetector()
    images = [cam.render(i * 3) for i in range(frames)]
    detector.detect(images[0])
    times, one = [], 0
    for img in images:
        t0 = time.perf_counter()
        found = detector.detect(img)
        times.append((time.perf_counter() - t0) * 1000)
        one += len(found) == 1
    return {
        "resolution": f"{width}x{height}",
        "mean_ms": round(float(np.mean(times)), 2),
        "max_ms": round(float(np.max(times)), 2),
        "frames_with_one_face": f"{one}/{frames}",
        "machine": _machine(),
    }


if __name__ == "__main__":
    print(
        json.dumps(
            {"synthetic": bench_synthetic_fps(), "capture": bench_capture_fps(), "haar": bench_haar()},
            indent=2,
        )
    )
