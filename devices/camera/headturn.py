"""A demo camera of a person who looks at the kiosk, then turns their head: for the check-in tour and tests.

The picture is one portrait (``assets/demo/faces/visitor-obama.jpg``, see ``assets/demo/README.md``)
in a 16:9 frame. For ``still_frames`` frames the face looks straight at the camera (with a little
sensor noise, so no two frames are equal); then the head "turns" towards ``direction()`` — asked at
every :meth:`open`, so a demo can follow the side the kiosk asked for — by up to ``max_deg`` over
``turn_frames`` frames, and holds. A turn is made by warping the flat photo (:func:`devices.camera.turn_warps.shift_nose`):
the nose region is moved sideways, as a nose moves across a turning face while the eyes stay nearly put. It is not a 3-D rotation, but a landmark-based yaw (nose against the eyes'
midpoint, ``kiosk.faces.HeadPose``) reads it as one. ``direction() == "none"`` keeps the face still:
a printed photo held up to the kiosk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from devices.camera.capture import CameraBase, CameraError
from devices.camera.turn_warps import shift_nose

VISITOR_JPG = Path(__file__).resolve().parents[2] / "assets" / "demo" / "faces" / "visitor-obama.jpg"
#: the visitor portrait's nose (x, y) and the distance between its eyes' centres, in its pixels
#: (dlib's 5-point landmarks of that file, measured once)
VISITOR_NOSE = (235.0, 170.0)
VISITOR_EYE_DISTANCE = 71.0


class HeadTurnCamera(CameraBase):
    """Plays a portrait that looks, then turns (see the module docstring).

    Args:
        direction: asked at each open: ``"left"``, ``"right"`` or ``"none"`` (a still photo).
        width, height: the frame size.
        still_frames: frames looking straight before the turn starts.
        turn_frames: frames the turn takes.
        max_deg: how far the head turns.
        portrait: the face picture and its nose and eye distance (default the shipped visitor).
    """

    def __init__(self, direction: Callable[[], str] = lambda: "left", *, width: int = 640, height: int = 360,
                 still_frames: int = 8, turn_frames: int = 6, max_deg: float = 35.0,
                 portrait: tuple[Path, tuple[float, float], float] | None = None, name: str = "camera") -> None:
        super().__init__(name=name, url="headturn")
        self.direction = direction
        self.width, self.height = width, height
        self.still_frames, self.turn_frames, self.max_deg = still_frames, turn_frames, max_deg
        path, nose, eyes = portrait or (VISITOR_JPG, VISITOR_NOSE, VISITOR_EYE_DISTANCE)
        face = cv2.imread(str(path))
        if face is None:
            raise CameraError("asset-missing", f"演示人像图片缺失：{path}", f"demo face image missing: {path}")
        scale = height / face.shape[0]
        self._face = cv2.resize(face, (int(face.shape[1] * scale), height), interpolation=cv2.INTER_AREA)
        self._nose = (nose[0] * scale, nose[1] * scale)
        self._eyes = eyes * scale
        self._sign = 1.0
        self._i = 0
        self._rng = np.random.default_rng(7)
        self._nominal_fps = 6.0

    def yaw_at(self, index: int) -> float:
        """The head's yaw in frame ``index`` since the last open."""
        if self._sign == 0.0 or index < self.still_frames:
            return 0.0
        done = min(1.0, (index - self.still_frames + 1) / max(1, self.turn_frames))
        return self._sign * self.max_deg * done

    def render(self, index: int) -> np.ndarray:
        face = shift_nose(self._face, self.yaw_at(index), self._nose, self._eyes) if self.yaw_at(index) else self._face
        frame = np.full((self.height, self.width, 3), (70, 62, 55), np.uint8)
        x0 = (self.width - face.shape[1]) // 2
        frame[:, x0:x0 + face.shape[1]] = face
        noise = self._rng.integers(-3, 4, frame.shape, dtype=np.int16)
        return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    def _open_device(self) -> None:
        side = self.direction()
        self._sign = {"left": 1.0, "right": -1.0}.get(side, 0.0)
        self._i = 0

    def _read_image(self) -> tuple[np.ndarray, int | None]:
        image = self.render(self._i)
        self._i += 1
        return image, self._i

    def _close_device(self) -> None:
        pass
