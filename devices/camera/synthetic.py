"""A synthetic camera for demos and tests: a moving scene with a real face in it.

The scene is a wall gradient with light sensor noise, shapes moving across it, and a photograph of
a person — the public-domain NASA portrait of astronaut Eileen Collins shipped by scikit-image as
``astronaut`` (``assets/demo/README.md``) — gently swaying, with a frame counter and a time stamp in
the top-left corner. It speaks the same interface as :class:`~devices.camera.capture.OpenCVCamera`
(the same capture loop, reconnects, fps and drop counting), so the check-in screen and the
recorder run unchanged on it.

For tests it has: ``faces`` = 0, 1 or 2 (no-face and two-faces modes), ``face_scale`` (a person far
from the kiosk), a seed (a frame is a pure function of seed, settings and index), and
:meth:`SyntheticCamera.unplug` (reads and opens fail for a while, as when a USB cable is pulled).
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypedDict
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np

from devices.camera.capture import CameraBase, CameraError

#: The shipped face picture (public domain, see assets/demo/README.md).
ASTRONAUT_PNG = Path(__file__).resolve().parents[2] / "assets" / "demo" / "astronaut.png"

_CST = timezone(timedelta(hours=8))
#: Time drawn on frames rendered without a wall time: a fixed morning, so frames are reproducible.
DEFAULT_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=_CST).timestamp()

_lock = threading.Lock()
_face_cache: dict[str, np.ndarray] = {}


class _Mover(TypedDict):
    """A background shape drifting across the frame (positions and sizes as shares of the frame)."""

    y: float
    speed: float
    phase: float
    size: float
    colour: tuple[int, ...]
    shape: float


def load_face_image(path: Path | None = None) -> np.ndarray:
    """Load the demo portrait (BGR), once per process.

    Args:
        path: another portrait to use; default the shipped astronaut.

    Raises:
        CameraError: the file is missing or not an image.
    """
    p = str(path or ASTRONAUT_PNG)
    with _lock:
        if p not in _face_cache:
            image = cv2.imread(p, cv2.IMREAD_COLOR)
            if image is None:
                raise CameraError("asset-missing", f"演示人像图片缺失：{p}", f"demo face image missing: {p}")
            _face_cache[p] = image
        return _face_cache[p]


class SyntheticCamera(CameraBase):
    """A deterministic moving scene at a chosen size and rate.

    Args:
        width: frame width in pixels.
        height: frame height in pixels.
        fps: frame rate; with ``realtime`` frames are delivered on that clock and late ones dropped.
        seed: picks the colours and the moving shapes; same seed, same frames.
        faces: how many people are in the picture: 0, 1 or 2.
        face_scale: size of the person relative to the default (about 55 % of the frame height).
        sway: let the person move slightly, like someone standing at a kiosk.
        noise: add light sensor noise.
        realtime: deliver at ``fps`` (a camera); False renders as fast as possible (benchmarks, tests).
        epoch: wall time of frame 0 for the drawn time stamp when rendering without a wall time.
        face_image: another portrait to use instead of the astronaut.
        name: the device name shown in the status bar.
        url: the configuration string, shown with the status.
        **kwargs: passed to :class:`CameraBase` (backoff, fps window).
    """

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        fps: float = 25.0,
        *,
        seed: int = 0,
        faces: int = 1,
        face_scale: float = 1.0,
        sway: bool = True,
        noise: bool = True,
        realtime: bool = True,
        epoch: float = DEFAULT_EPOCH,
        face_image: Path | None = None,
        name: str = "camera",
        url: str = "synthetic",
        **kwargs: float,
    ) -> None:
        if width < 64 or height < 48:
            raise ValueError("synthetic camera needs at least 64×48 pixels")
        if faces not in (0, 1, 2):
            raise ValueError("faces must be 0, 1 or 2")
        if fps <= 0:
            raise ValueError("fps must be positive")
        super().__init__(name=name, url=url, **kwargs)
        self.width, self.height = width, height
        self._nominal_fps = float(fps)
        self.seed, self.faces, self.face_scale = seed, faces, face_scale
        self.sway, self.realtime, self.epoch = sway, realtime, epoch
        rng = np.random.default_rng(seed)
        self._background = self._make_background(rng)
        self._noise = (
            [rng.integers(0, 7, size=(height, width, 3), dtype=np.uint8) for _ in range(4)] if noise else []
        )
        self._movers = self._make_movers(rng)
        self._people = self._make_people(load_face_image(face_image)) if faces else []
        self._unplugged_until = 0.0
        self._t0 = 0.0
        self._next = 0

    @classmethod
    def from_url(cls, url: str, *, name: str = "camera") -> SyntheticCamera:
        """Build from ``synthetic?width=…&height=…&fps=…&faces=…&seed=…&scale=…``.

        Raises:
            CameraError: a parameter is not a number.
        """
        query = parse_qs(urlsplit(url).query)

        def get(key: str, default: float) -> float:
            try:
                return float(query[key][0]) if key in query else default
            except ValueError as exc:
                raise CameraError(
                    "bad-url", f"合成摄像头参数无效：{key}", f"invalid synthetic camera parameter: {key}"
                ) from exc

        return cls(
            int(get("width", 1280)),
            int(get("height", 720)),
            get("fps", 25.0),
            seed=int(get("seed", 0)),
            faces=int(get("faces", 1)),
            face_scale=get("scale", 1.0),
            name=name,
            url=url,
        )

    # --- the scene -------------------------------------------------------------------------------

    def _make_background(self, rng: np.random.Generator) -> np.ndarray:
        h, w = self.height, self.width
        top = rng.uniform(150, 215, 3)  # a pale wall …
        bottom = top * rng.uniform(0.55, 0.75)  # … darker towards the floor
        ramp = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
        side = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :, None]
        bg = top * (1 - ramp) + bottom * ramp
        bg = bg * (1 - 0.12 * side**2)  # vignetting, as a cheap lens gives
        image = np.clip(bg, 0, 255).astype(np.uint8)
        floor = int(h * 0.82)
        image[floor:] = (image[floor:] * 0.8).astype(np.uint8)
        cv2.line(image, (0, floor), (w, floor), (90, 90, 95), max(1, h // 240))
        # a notice board and a door frame on the wall (static)
        bx = int(w * rng.uniform(0.62, 0.72))
        cv2.rectangle(image, (bx, int(h * 0.12)), (bx + w // 6, int(h * 0.40)), (40, 70, 150), -1)
        for i in range(4):
            y = int(h * (0.16 + 0.05 * i))
            cv2.line(image, (bx + w // 60, y), (bx + w // 7, y), (220, 225, 230), max(1, h // 180))
        dx = int(w * rng.uniform(0.04, 0.12))
        cv2.rectangle(image, (dx, int(h * 0.18)), (dx + w // 9, floor), (70, 95, 120), max(2, h // 120))
        return image

    def _make_movers(self, rng: np.random.Generator) -> list[_Mover]:
        movers: list[_Mover] = []
        for i in range(3):
            movers.append(
                {
                    "y": rng.uniform(0.25, 0.9),
                    "speed": rng.uniform(0.05, 0.2) * (1 if i % 2 == 0 else -1),  # frame widths per second
                    "phase": rng.uniform(0, 1),
                    "size": rng.uniform(0.03, 0.07),
                    "colour": tuple(int(c) for c in rng.integers(30, 220, 3)),
                    "shape": float(i % 2),
                }
            )
        return movers

    def _make_people(self, portrait: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Scaled portraits with feathered elliptical masks, and their horizontal centre (0..1)."""
        share = 0.55 if self.faces == 1 else 0.45
        target_h = max(16, int(self.height * share * self.face_scale))
        scale = target_h / portrait.shape[0]
        target_w = max(12, int(portrait.shape[1] * scale))
        target_w = min(target_w, self.width - 4)
        target_h = min(target_h, self.height - 4)
        person = cv2.resize(portrait, (target_w, target_h), interpolation=cv2.INTER_AREA)
        mask: np.ndarray = np.zeros((target_h, target_w), np.float32)
        cv2.ellipse(
            mask,
            (target_w // 2, target_h // 2),
            (int(target_w * 0.49), int(target_h * 0.49)),
            0,
            0,
            360,
            1.0,
            -1,
        )
        k = max(3, (min(target_w, target_h) // 12) | 1)
        mask = cv2.GaussianBlur(mask, (k, k), 0)[:, :, None]
        if self.faces == 1:
            return [(person, mask, 0.45)]
        return [(person, mask, 0.3), (cv2.flip(person, 1), mask, 0.7)]

    def render(self, index: int, wall_time: float | None = None) -> np.ndarray:
        """Draw frame ``index``; a pure function of the settings, the seed, ``index`` and ``wall_time``.

        Args:
            index: the frame number (sets positions and the counter).
            wall_time: the time to stamp; default ``epoch + index / fps``.

        Returns:
            A new BGR image of (height, width, 3).
        """
        h, w = self.height, self.width
        t = index / self._nominal_fps
        image = self._background.copy()
        for m in self._movers:
            x = int(((float(m["phase"]) + float(m["speed"]) * t) % 1.2 - 0.1) * w)
            y = int(float(m["y"]) * h)
            r = max(3, int(float(m["size"]) * h))
            colour = m["colour"]
            assert isinstance(colour, tuple)
            if m["shape"]:
                cv2.rectangle(image, (x - r, y - r // 2), (x + r, y + r // 2), colour, -1)
            else:
                cv2.circle(image, (x, y), r, colour, -1, cv2.LINE_AA)
        for i, (person, mask, centre) in enumerate(self._people):
            ph, pw = person.shape[:2]
            dx = dy = 0
            if self.sway:
                dx = int(0.012 * w * math.sin(2 * math.pi * t / 4.0 + i))
                dy = int(0.006 * h * math.sin(2 * math.pi * t / 2.7 + i))
            x0 = min(max(0, int(centre * w - pw / 2) + dx), w - pw)
            y0 = min(max(0, h - ph - int(0.04 * h) + dy), h - ph)
            roi = image[y0 : y0 + ph, x0 : x0 + pw]
            blended = roi.astype(np.float32) * (1 - mask) + person.astype(np.float32) * mask
            roi[:] = blended.astype(np.uint8)
        if self._noise:
            cv2.add(image, self._noise[index % len(self._noise)], dst=image)
        stamp = wall_time if wall_time is not None else self.epoch + t
        when = datetime.fromtimestamp(stamp, _CST)
        self._draw_overlay(
            image,
            [
                f"CAM synthetic  #{index:06d}",
                when.strftime("%Y-%m-%d %H:%M:%S.") + f"{when.microsecond // 1000:03d}",
            ],
        )
        return image

    def _draw_overlay(self, image: np.ndarray, lines: list[str]) -> None:
        scale = max(0.35, self.height / 1080)
        thick = max(1, int(round(scale * 2)))
        pad = int(8 * scale) + 2
        line_h = int(32 * scale) + 4
        box_w = int(520 * scale)
        cv2.rectangle(image, (0, 0), (min(self.width - 1, box_w), pad + line_h * len(lines)), (0, 0, 0), -1)
        for i, text in enumerate(lines):
            org = (pad, pad + line_h * (i + 1) - int(8 * scale))
            cv2.putText(
                image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thick, cv2.LINE_AA
            )

    # --- the device --------------------------------------------------------------------------------

    def unplug(self, seconds: float) -> None:
        """Simulate a pulled cable: reads and opens fail for ``seconds`` from now."""
        self._unplugged_until = time.monotonic() + seconds

    @property
    def unplugged(self) -> bool:
        """True while a simulated unplug lasts."""
        return time.monotonic() < self._unplugged_until

    def _open_device(self) -> None:
        if self.unplugged:
            raise CameraError("offline", "摄像头未连接（模拟）", "camera not connected (simulated)")
        self._t0 = time.monotonic() - self._next / self._nominal_fps if self.realtime else 0.0

    def _read_image(self) -> tuple[np.ndarray, int | None]:
        if self.unplugged:
            raise CameraError(
                "read-failed", "摄像头无画面（模拟拔出）", "camera read failed (simulated unplug)"
            )
        index = self._next
        if self.realtime:
            due = self._t0 + index / self._nominal_fps
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            else:
                index += int((now - due) * self._nominal_fps)  # frames whose time has passed are lost
        self._next = index + 1
        return self.render(index, time.time()), index

    def _close_device(self) -> None:
        """Nothing to release."""
