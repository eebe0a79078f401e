"""Synthetic head turns from one still photo for the bench and tests: a turning head, and a turned print.

For tests and the bench of the liveness check (issue 16 must 3), where no camera and no
video of a real head turn is available:

- :func:`turn_head` wraps the face round a vertical cylinder and rotates it: the nose moves against
  the eyes as on a real turning head, but less (a cylinder has no nose sticking out), so a yaw
  estimator reports less than the cylinder's angle (measured in ``bench/bench_faces.py``).
- :func:`shift_nose` moves only the nose region sideways (the demo camera's turn).
- :func:`tilt_print` turns the whole photo as a flat sheet (a perspective warp), which is what
  happens when someone turns a printed photo or a phone in front of the camera. Geometrically the
  nose hardly moves against the eyes; but dlib's 5-point model places its landmarks from the
  face's whole appearance and reads a foreshortened face as a turned one, so the yaw estimate does
  change — by about as much as for :func:`turn_head` on some photos (``bench/bench_faces.py``
  measures it). A yaw change alone does not tell a turned print from a turned head.
"""

from __future__ import annotations

import math

import cv2
import numpy as np


def turn_head(image: np.ndarray, axis_x: float, radius: float, yaw_deg: float) -> np.ndarray:
    """The image with the band ``axis_x ± radius`` wrapped on a cylinder turned by ``yaw_deg``.

    Args:
        image: a BGR frame.
        axis_x: the column of the turning axis (the face's middle, e.g. the nose's x).
        radius: the cylinder's radius in pixels (about half the face's width).
        yaw_deg: positive turns the face's front to the image's right (the nose moves right, as in
            :class:`kiosk.faces.HeadPose`).

    Returns:
        A new frame of the same size; outside the band the image is unchanged.
    """
    h, w = image.shape[:2]
    theta = math.radians(yaw_deg)
    xs = np.arange(w, dtype=np.float64)
    u = (xs - axis_x) / radius
    inside = np.abs(u) < 1.0
    # output column x' shows the cylinder point at angle asin(u) - theta (seen from the front)
    phi = np.arcsin(np.clip(u, -1.0, 1.0)) - theta
    src = np.where(inside & (np.abs(phi) < math.pi / 2), axis_x + radius * np.sin(phi), xs)
    map_x = np.tile(src.astype(np.float32), (h, 1))
    map_y = np.tile(np.arange(h, dtype=np.float32)[:, None], (1, w))
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def shift_nose(image: np.ndarray, yaw_deg: float, nose: tuple[float, float], eye_distance: float) -> np.ndarray:
    """``image`` with the nose region moved sideways by a Gaussian displacement field, as a nose moves
    across a turning face while the eyes stay nearly put (positive: the person's own left, the nose
    moving to the image's right). Not a 3-D rotation, but a landmark-based yaw reads it as one; the
    demo's :class:`devices.camera.headturn.HeadTurnCamera` plays it."""
    h, w = image.shape[:2]
    nx, ny = nose
    shift = eye_distance * math.sin(math.radians(yaw_deg))
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    field = np.exp(-(((xs - nx) / (0.45 * eye_distance)) ** 2 + ((ys - ny) / eye_distance) ** 2) / 2)
    return cv2.remap(image, (xs - shift * field).astype(np.float32), ys, cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def tilt_print(image: np.ndarray, yaw_deg: float, focal: float | None = None) -> np.ndarray:
    """The image as a flat sheet turned by ``yaw_deg`` about its vertical centre line (pinhole view).

    Args:
        image: a BGR frame.
        yaw_deg: the sheet's turn; positive moves its right edge away from the camera.
        focal: the camera's focal length in pixels; default the image's width (~53° field of view).
    """
    h, w = image.shape[:2]
    f = float(focal or w)
    theta = math.radians(yaw_deg)
    cx, cy = w / 2.0, h / 2.0
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = []
    for x, y in src:
        dx, dy = x - cx, y - cy
        depth = f + dx * math.sin(theta)
        dst.append([cx + f * dx * math.cos(theta) / depth, cy + f * dy / depth])
    m = cv2.getPerspectiveTransform(src, np.array(dst, dtype=np.float32))
    return cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def sequence(image: np.ndarray, axis_x: float, radius: float, peak_deg: float, frames: int = 12,
             *, flat: bool = False) -> list[np.ndarray]:
    """``frames`` frames turning from 0 to ``peak_deg`` and back halfway, as a person asked to turn would.

    Args:
        flat: turn the photo as a flat print (:func:`tilt_print`) instead of a head (:func:`turn_head`).
    """
    out = []
    for i in range(frames):
        t = i / max(1, frames - 1)
        angle = peak_deg * (t / 0.7 if t <= 0.7 else 1.0 - 0.5 * (t - 0.7) / 0.3)
        out.append(tilt_print(image, angle) if flat else turn_head(image, axis_x, radius, angle))
    return out
