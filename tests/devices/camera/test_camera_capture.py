"""OpenCVCamera over real video files: reading, the run loop, pacing, looping, reconnecting."""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.capture import (
    CameraError,
    EndOfStream,
    FpsMeter,
    Frame,
    OpenCVCamera,
    classify_source,
    open_camera,
)
from devices.camera.synthetic import SyntheticCamera
from kiosk.ports import DeviceState

W, H, FPS, N = 320, 240, 25.0, 30


def level(i: int) -> int:
    """The grey level that marks frame ``i`` (far apart, so compression cannot confuse them)."""
    return 20 + (i * 7) % 220


def write_video(path: Path, n: int = N, fourcc: str = "mp4v") -> Path:
    """Write ``n`` frames, each with a block whose brightness encodes its number."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, (W, H))
    assert writer.isOpened()
    try:
        for i in range(n):
            img = np.full((H, W, 3), 90, np.uint8)
            img[40:120, 40:120] = level(i)
            cv2.circle(img, (200 + i, 160), 20, (0, 0, 255), -1)
            writer.write(img)
    finally:
        writer.release()
    return path


def mark(frame: Frame) -> float:
    return float(frame.image[60:100, 60:100].mean())


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("video") / "clip.mp4")


def run_in_thread(
    cam: OpenCVCamera | SyntheticCamera, frames: list[Frame]
) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    t = threading.Thread(target=cam.run, args=(stop, frames.append), daemon=True)
    t.start()
    return t, stop


def wait_for(cond: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def test_read_every_frame_of_a_file_in_order(video: Path) -> None:
    cam = OpenCVCamera(str(video))
    frames: list[Frame] = []
    with cam:
        assert cam.state is DeviceState.ONLINE
        assert cam.nominal_fps == pytest.approx(FPS)
        with pytest.raises(EndOfStream):
            while True:
                frames.append(cam.read())
    assert [f.index for f in frames] == list(range(N))
    assert all(f.image.shape == (H, W, 3) and f.image.dtype == np.uint8 for f in frames)
    for f in frames:
        assert abs(mark(f) - level(f.index)) < 6, f.index
    assert all(b.t_mono >= a.t_mono for a, b in zip(frames, frames[1:], strict=False))
    assert cam.dropped == 0
    assert cam.state is DeviceState.OFFLINE


def test_run_loop_over_a_file_ends_at_eof_paced_at_its_rate(video: Path) -> None:
    cam = OpenCVCamera(video, realtime=True)
    frames: list[Frame] = []
    t0 = time.monotonic()
    thread, stop = run_in_thread(cam, frames)
    thread.join(timeout=10)
    elapsed = time.monotonic() - t0
    assert not thread.is_alive()
    assert len(frames) + cam.dropped == N
    assert frames[-1].index == N - 1
    assert elapsed >= (N - 1) / FPS * 0.9  # paced, not flat out
    assert 20.0 <= cam.fps <= 27.0
    st = cam.status()
    assert st.state is DeviceState.OFFLINE and "end of video file" in st.detail_en


def test_looping_file_has_continuous_indices(video: Path) -> None:
    cam = OpenCVCamera(video, loop=True)
    with cam:
        frames = [cam.read() for _ in range(2 * N + 10)]
    assert [f.index for f in frames] == list(range(2 * N + 10))
    assert abs(mark(frames[N]) - level(0)) < 6  # rewound to the first frame
    assert cam.dropped == 0


def test_slow_consumer_of_a_paced_file_drops_frames(video: Path) -> None:
    cam = OpenCVCamera(video, realtime=True)
    frames: list[Frame] = []

    def slow(frame: Frame) -> None:
        frames.append(frame)
        time.sleep(0.1)  # 2.5 frame periods

    stop = threading.Event()
    t = threading.Thread(target=cam.run, args=(stop, slow))
    t.start()
    t.join(timeout=10)
    assert not t.is_alive()
    gaps = sum(b.index - a.index - 1 for a, b in zip(frames, frames[1:], strict=False))
    assert cam.dropped == gaps > 0
    assert len(frames) < N


def test_missing_file_is_offline_with_a_message(tmp_path: Path) -> None:
    cam = OpenCVCamera(tmp_path / "nope.mp4", name="door")
    with pytest.raises(CameraError) as err:
        cam.open()
    assert err.value.code == "not-found"
    st = cam.status()
    assert st.state is DeviceState.OFFLINE and st.name == "door" and "nope.mp4" in st.detail_en


def test_unreadable_file_does_not_open(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00not a video" * 100)
    with pytest.raises(CameraError) as err:
        OpenCVCamera(bad).open()
    assert err.value.code == "offline"


def test_loop_reconnects_until_the_source_appears(tmp_path: Path) -> None:
    target = tmp_path / "late.avi"
    cam = OpenCVCamera(target, backoff_initial_s=0.05, backoff_max_s=0.2)
    frames: list[Frame] = []
    thread, stop = run_in_thread(cam, frames)
    try:
        assert wait_for(lambda: cam.state is DeviceState.RECONNECTING)
        time.sleep(0.3)  # several failed attempts
        assert frames == []
        assert cam.status().state is DeviceState.RECONNECTING
        write_video(tmp_path / "partial.avi", fourcc="MJPG").rename(target)  # the camera "comes back"
        thread.join(timeout=10)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert [f.index for f in frames] == list(range(N))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.mark.allow_log_warnings(r"read failed \(read-failed\), reconnecting")
def test_stream_that_ends_is_reconnected_and_a_dead_server_keeps_reconnecting(tmp_path: Path) -> None:
    write_video(tmp_path / "live.avi", fourcc="MJPG")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path))
    )
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/live.avi"
    cam = OpenCVCamera(url, timeout_s=2, backoff_initial_s=0.02, backoff_max_s=0.1)
    assert cam.kind == "stream"
    frames: list[Frame] = []
    thread, stop = run_in_thread(cam, frames)
    try:
        # each HTTP response carries 30 frames, then the stream "drops": the loop must re-open it
        assert wait_for(lambda: len(frames) >= 2 * N + 5)
        assert cam.reconnects >= 2
        server.shutdown()
        server.server_close()
        assert wait_for(lambda: cam.state is DeviceState.RECONNECTING)
        count = len(frames)
        time.sleep(0.3)
        assert len(frames) == count
        assert cam.status().state is DeviceState.RECONNECTING
    finally:
        stop.set()
        thread.join(timeout=10)
        server.shutdown()
        serving.join(timeout=5)
    assert not thread.is_alive()
    indices = [f.index for f in frames]
    assert indices == list(range(len(frames)))  # numbered on across reconnects, no false drops
    assert abs(mark(frames[N]) - level(0)) < 6  # the second connection started the clip again


def test_refused_stream_fails_fast() -> None:
    t0 = time.monotonic()
    with pytest.raises(CameraError) as err:
        OpenCVCamera("rtsp://127.0.0.1:9/none", timeout_s=1).open()
    assert err.value.code == "offline" and time.monotonic() - t0 < 3


def test_classify_sources() -> None:
    assert classify_source("0") == ("index", 0)
    assert classify_source(" 2 ") == ("index", 2)
    assert classify_source("rtsp://10.0.0.5:554/stream1") == ("stream", "rtsp://10.0.0.5:554/stream1")
    assert classify_source("/dev/video0") == ("stream", "/dev/video0")
    assert classify_source("file:///srv/a.mp4") == ("file", "/srv/a.mp4")
    assert classify_source("demo/hall.mp4") == ("file", "demo/hall.mp4")
    with pytest.raises(CameraError):
        classify_source("  ")


def test_open_camera_builds_the_configured_source(video: Path) -> None:
    cam = open_camera("synthetic?width=320&height=240&fps=10&faces=2&seed=7")
    assert isinstance(cam, SyntheticCamera)
    assert (cam.width, cam.height, cam.nominal_fps, cam.faces, cam.seed) == (320, 240, 10.0, 2, 7)
    real = open_camera(os.fspath(video), name="entrance")
    assert isinstance(real, OpenCVCamera) and real.kind == "file" and real.name == "entrance"
    with pytest.raises(CameraError):
        open_camera("")


def test_fps_meter_sliding_window() -> None:
    m = FpsMeter(window_s=1.0)
    assert m.fps == 0.0
    for i in range(50):
        m.tick(i * 0.04)  # 25 fps for 2 s
    assert m.fps == pytest.approx(25.0)
    for i in range(1, 11):
        m.tick(1.96 + i * 0.1)  # then 10 fps for 1 s: the old frames leave the window
    assert m.fps == pytest.approx(10.0)
