"""Wiring of the supervision room (role ``supervisor``): the wall, its cameras, the alert watch.

* The wall (:class:`ui.supervision.wall.SupervisionWall`) is the role's page.
* One camera loop per room of ``[supervision] cameras`` (``"KB-03=rtsp://…,PM-01=synthetic"``): frames
  are shrunk to ≤ 320×180 (≤ 1280×720 for the room open in the full view) and converted to RGB on the
  camera's thread, at most ``tile_fps`` a second,
  and at most one frame per room is ever waiting for the UI thread (a slow UI drops frames, it never
  queues them).
* Replay (:class:`ui.supervision.replay.ReplayScreen`, opened from the wall): one
  ``devices.recording.SegmentPlayer`` decoding on a thread of its own, its frames handed to the
  screen through the bridge (only the latest one waits).
* One :class:`kiosk.supervision.Watch` on a thread runs the alert rules over the journal and
  journals new findings; the wall hears of them through the bridge and sounds them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.supervision import RaisedAlert, SupervisionService, Watch

log = logging.getLogger(__name__)

TILE_W, TILE_H = 320, 180
REPLAY_MAX_WIDTH = 1280  #: replayed frames wider than this are scaled down on the player's thread
FULL_BOX = (1280, 720)  #: the one room open in the full view gets its frames this large (a sub-stream's own size at most)
#: a tile's synthetic camera is made at tile size (the demo and the bench: no big frames to shrink)
SYNTHETIC_TILE = f"synthetic?width={TILE_W}&height={TILE_H}&fps=10&faces=1"


def parse_cameras(text: str) -> dict[str, str]:
    """``"KB-03=rtsp://…,PM-01=synthetic"`` → ``{"KB-03": "rtsp://…", "PM-01": "synthetic"}``."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if "=" not in part:
            continue
        room, url = part.split("=", 1)
        if room.strip() and url.strip():
            out[room.strip()] = url.strip()
    return out


def tile_url(url: str, fps: int) -> str:
    """A bare ``synthetic`` camera is made at tile size and rate; other URLs are opened as they are."""
    if url == "synthetic":
        return f"synthetic?width={TILE_W}&height={TILE_H}&fps={min(10, max(1, fps))}&faces=1"
    return url


def shrink(image: np.ndarray, box: tuple[int, int] = (TILE_W, TILE_H)) -> tuple[bytes, int, int]:
    """BGR frame → RGB bytes of at most ``box`` (320×180; aspect kept, never enlarged), on the camera's thread."""
    import cv2

    h, w = image.shape[:2]
    scale = min(box[0] / w, box[1] / h, 1.0)
    if scale < 1.0:
        image = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return rgb.tobytes(), rgb.shape[1], rgb.shape[0]


@dataclass
class TileFeed:
    """Frames of one room's camera to one tile: throttled, shrunk, one in flight."""

    room_code: str
    post: Callable[[Callable[..., None], bytes, int, int], None]  #: the bridge's call (thread-safe)
    sink: Callable[[bytes, int, int], None]  #: the tile (main thread)
    fps: int = 10
    full: Callable[[], bool] = lambda: False  #: the room is open in the full view: frames up to FULL_BOX
    delivered: int = 0
    dropped: int = 0
    _last: float = 0.0
    _pending: threading.Event = field(default_factory=threading.Event)

    def on_frame(self, frame: Any) -> None:
        """Camera thread."""
        now = time.monotonic()
        if now - self._last < 1.0 / max(1, min(10, self.fps)) * 0.95:
            return
        if self._pending.is_set():  # the UI has not drawn the last one yet: drop, never queue
            self.dropped += 1
            return
        self._last = now
        rgb, w, h = shrink(frame.image, FULL_BOX if self.full() else (TILE_W, TILE_H))
        self._pending.set()
        self.post(self._deliver, rgb, w, h)

    def _deliver(self, rgb: bytes, w: int, h: int) -> None:
        """Main thread."""
        self._pending.clear()
        self.delivered += 1
        self.sink(rgb, w, h)


@dataclass
class SupervisionWiring:
    service: SupervisionService
    watch: Watch
    wall: Any = None
    feeds: dict[str, TileFeed] = field(default_factory=dict)
    sounded: list[RaisedAlert] = field(default_factory=list)
    replay: Any = None  #: ui.supervision.replay.ReplayScreen
    player: Any = None  #: devices.recording.SegmentPlayer (its own thread)


def _is_full(wall: Any, room: str) -> Callable[[], bool]:
    """Camera thread: whether ``room`` is open in the wall's full view (a str read across threads: no lock needed)."""
    return lambda: bool(wall.full_room == room)


def attach(term: Any) -> SupervisionWiring | None:
    if term.ctx.role != "supervisor":
        return None
    from devices.camera.capture import open_camera
    from devices.recording import SegmentPlayer
    from kiosk.staffing import StaffingService
    from ui.supervision.replay import ReplayScreen
    from ui.supervision.wall import SupervisionWall

    hall = term.hall
    cfg = hall.config.supervision
    service = SupervisionService(hall, cfg)
    watch = Watch(service)
    wiring = SupervisionWiring(service, watch)

    def sound(a: RaisedAlert) -> None:
        wiring.sounded.append(a)
        log.info("supervision alert: %s in %s", a.alert.rule, a.alert.room_code)
        try:
            from PySide6.QtWidgets import QApplication

            QApplication.beep()  # no sound card: nothing is heard, and nothing fails
        except Exception:  # noqa: BLE001 - a missing audio stack must not stop the wall
            pass

    wall = SupervisionWall(term.ctx, service, StaffingService(hall), sound=sound)
    term.window.page.set_wall(wall)
    wiring.wall = wall
    # replay (must 5): one player decoding on a thread of its own; the screen gets its frames through the bridge
    replay = ReplayScreen(term.ctx, service)
    player = SegmentPlayer(on_frame=replay.post_frame, on_error=replay.post_error, max_width=REPLAY_MAX_WIDTH,
                           vault=hall.vault)  # sealed segments are decrypted in memory with the hall's key
    replay.set_player(player)
    term.window.page.set_replay(replay)
    term.threads.start("supervision-replay-player", player.run)
    wiring.replay, wiring.player = replay, player
    bridge = term.ctx.bridge
    for room, url in parse_cameras(cfg.cameras).items():
        feed = TileFeed(room, bridge.call, wall.frame_sink(room), cfg.tile_fps, full=_is_full(wall, room))
        wiring.feeds[room] = feed
        cam = open_camera(tile_url(url, cfg.tile_fps), name=f"wall-{room}")
        term.threads.start(f"wall-camera-{room}", lambda stop, c=cam, f=feed: c.run(stop, f.on_frame))
    follower = hall.follower()
    term.threads.start("supervision-watch",
                       lambda stop: watch.run(stop, follower, lambda _raised: bridge.call(wall.alerts_loader.request)))
    term.supervision = wiring
    return wiring
