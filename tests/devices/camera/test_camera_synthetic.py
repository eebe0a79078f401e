"""The synthetic camera: determinism, measured rate, dropped frames, simulated unplug and recovery."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from devices.camera.capture import CameraError, Frame
from devices.camera.synthetic import SyntheticCamera, load_face_image
from kiosk.ports import DeviceState


def wait_for(cond: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.005)
    return False


def test_frames_are_deterministic_per_seed_and_move() -> None:
    a = SyntheticCamera(320, 240, seed=3, realtime=False)
    b = SyntheticCamera(320, 240, seed=3, realtime=False)
    c = SyntheticCamera(320, 240, seed=4, realtime=False)
    assert np.array_equal(a.render(12), b.render(12))
    assert not np.array_equal(a.render(12), c.render(12))
    diff = np.abs(a.render(12).astype(int) - a.render(13).astype(int))
    assert diff.max() > 50  # something moved between consecutive frames
    img = a.render(5)
    assert img.shape == (240, 320, 3) and img.dtype == np.uint8


def test_time_stamp_and_counter_are_drawn_in_the_top_left_corner() -> None:
    cam = SyntheticCamera(320, 240, noise=False, sway=False, realtime=False)
    one, two = cam.render(1, wall_time=0.0), cam.render(1, wall_time=3600.0)
    changed = np.argwhere(np.any(one != two, axis=2))
    assert changed.size  # the stamp differs …
    assert changed[:, 0].max() < 240 * 0.2 and changed[:, 1].max() < 320 * 0.6  # … only in the corner


def test_face_image_is_the_shipped_portrait() -> None:
    face = load_face_image()
    assert face.shape == (300, 240, 3)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        SyntheticCamera(320, 240, faces=3)
    with pytest.raises(ValueError):
        SyntheticCamera(32, 24)
    with pytest.raises(CameraError):
        SyntheticCamera.from_url("synthetic?width=wide")


@pytest.mark.timing
def test_realtime_rate_is_measured() -> None:
    cam = SyntheticCamera(320, 240, fps=25, realtime=True)
    frames: list[Frame] = []
    stop = threading.Event()
    t = threading.Thread(target=cam.run, args=(stop, frames.append))
    t.start()
    try:
        time.sleep(1.6)
        fps, status = cam.fps, cam.status()
    finally:
        stop.set()
        t.join(timeout=5)
    assert not t.is_alive()
    assert 22.0 <= fps <= 26.5
    assert 30 <= len(frames) <= 45
    assert status.state is DeviceState.ONLINE and "fps" in status.detail_en
    assert cam.state is DeviceState.OFFLINE  # closed when the loop ended
    intervals = np.diff([f.t_mono for f in frames])
    assert 0.03 < float(np.median(intervals)) < 0.05


def test_slow_consumer_drops_frames_and_they_are_counted() -> None:
    cam = SyntheticCamera(160, 120, fps=50, realtime=True, noise=False)
    frames: list[Frame] = []

    def slow(frame: Frame) -> None:
        frames.append(frame)
        time.sleep(0.07)  # 3.5 frame periods

    stop = threading.Event()
    t = threading.Thread(target=cam.run, args=(stop, slow))
    t.start()
    time.sleep(0.8)
    stop.set()
    t.join(timeout=5)
    assert not t.is_alive()
    gaps = sum(b.index - a.index - 1 for a, b in zip(frames, frames[1:], strict=False))
    assert cam.dropped == gaps
    assert gaps >= 2 * len(frames) - 4  # about 3 lost per delivered frame
    assert cam.frames == len(frames)


@pytest.mark.allow_log_warnings(r"read failed \(read-failed\), reconnecting")
def test_unplug_then_recover() -> None:
    cam = SyntheticCamera(
        160, 120, fps=50, realtime=True, noise=False, backoff_initial_s=0.05, backoff_max_s=0.1
    )
    frames: list[Frame] = []
    states: list[DeviceState] = []
    stop = threading.Event()
    t = threading.Thread(target=cam.run, args=(stop, frames.append))
    t.start()
    try:
        assert wait_for(lambda: len(frames) >= 5)
        cam.unplug(0.5)
        assert wait_for(lambda: cam.state is DeviceState.RECONNECTING)
        states.append(cam.status().state)
        count_while_unplugged = len(frames)
        time.sleep(0.3)
        assert len(frames) == count_while_unplugged  # nothing delivered while unplugged
        assert cam.status().detail_en  # says why
        assert wait_for(lambda: cam.state is DeviceState.ONLINE and len(frames) > count_while_unplugged + 5)
        states.append(cam.state)
    finally:
        stop.set()
        t.join(timeout=5)
    assert not t.is_alive()
    assert states == [DeviceState.RECONNECTING, DeviceState.ONLINE]
    assert cam.reconnects == 1
    indices = [f.index for f in frames]
    assert indices == sorted(set(indices))  # still increasing after the reconnect


def test_read_fails_while_unplugged() -> None:
    cam = SyntheticCamera(160, 120, realtime=False)
    cam.open()
    assert cam.read().index == 0
    cam.unplug(10)
    with pytest.raises(CameraError) as err:
        cam.read()
    assert err.value.code == "read-failed"
    with pytest.raises(CameraError):
        cam.open()
    assert cam.status().state is DeviceState.OFFLINE
    cam.unplug(0)
    cam.open()
    assert cam.read().index == 1
    cam.close()
