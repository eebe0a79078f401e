"""A wall tile's camera feed (hallkiosk/wiring_supervision.py): frames shrunk to at most 320×180 on the camera's
thread, at most ``tile_fps`` a second, and never more than one waiting for the UI (a slow UI drops, never queues)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from devices.camera.capture import Frame
from hallkiosk.wiring_supervision import TileFeed, parse_cameras, shrink, tile_url


def frame(w: int = 1920, h: int = 1080) -> Frame:
    return Frame(np.zeros((h, w, 3), dtype=np.uint8), 0, time.monotonic(), time.time())


def test_the_cameras_map_names_each_rooms_url() -> None:
    assert parse_cameras("KB-03=rtsp://10.0.0.5/sub?x=1, PM-01=synthetic,bad,=x") == {
        "KB-03": "rtsp://10.0.0.5/sub?x=1", "PM-01": "synthetic"}
    assert tile_url("synthetic", 25) == "synthetic?width=320&height=180&fps=10&faces=1"
    assert tile_url("rtsp://cam/sub", 10) == "rtsp://cam/sub"


def test_a_frame_is_shrunk_to_the_tile_keeping_its_aspect() -> None:
    assert shrink(frame().image)[1:] == (320, 180)
    assert shrink(frame(640, 480).image)[1:] == (240, 180)
    rgb, w, h = shrink(frame(200, 100).image)  # never enlarged
    assert (w, h) == (200, 100) and len(rgb) == 200 * 100 * 3


def test_one_frame_in_flight_and_at_most_tile_fps() -> None:
    posted: list[Any] = []
    drawn: list[tuple[int, int]] = []
    feed = TileFeed("KB-03", lambda fn, *a: posted.append((fn, a)), lambda rgb, w, h: drawn.append((w, h)), fps=10)
    feed.on_frame(frame())
    assert len(posted) == 1
    feed._last -= 1.0  # a tenth of a second later … but the UI has not drawn the first: dropped, not queued
    feed.on_frame(frame())
    assert len(posted) == 1 and feed.dropped == 1
    fn, args = posted[0]
    fn(*args)  # the UI draws it
    assert drawn == [(320, 180)] and feed.delivered == 1
    feed._last = time.monotonic()
    feed.on_frame(frame())  # too soon after the last one taken (10 fps: one a tenth of a second)
    assert len(posted) == 1
    feed._last -= 0.1
    feed.on_frame(frame())
    assert len(posted) == 2


def test_a_tile_whose_camera_stops_says_the_signal_is_lost(qapp) -> None:
    from ui.supervision.wall import LOST_AFTER_S, Tile

    tile = Tile("KB-03")
    tile.check_signal(time.monotonic())
    assert not tile.lost and "无视频信号" in tile.video.text()  # never had a camera: no alarm
    tile.set_frame(bytes(320 * 180 * 3), 320, 180)
    tile.check_signal(time.monotonic() + LOST_AFTER_S - 0.5)
    assert not tile.lost
    tile.check_signal(time.monotonic() + LOST_AFTER_S + 0.5)
    assert tile.lost and "信号中断" in tile.video.text()
    tile.set_frame(bytes(320 * 180 * 3), 320, 180)
    assert not tile.lost


def test_the_room_open_in_the_full_view_gets_larger_frames() -> None:
    posted: list[Any] = []
    full = [False]
    feed = TileFeed("KB-03", lambda fn, *a: posted.append(a), lambda rgb, w, h: None, fps=10, full=lambda: full[0])
    feed.on_frame(frame())
    full[0] = True
    feed._pending.clear()
    feed._last -= 1.0
    feed.on_frame(frame())
    assert [a[1:] for a in posted] == [(320, 180), (1280, 720)]
