"""The dlib face engine: HOG detection, 5-point alignment, a 128-d ResNet descriptor, and head yaw.

:class:`DlibFaceEngine` implements :class:`kiosk.faces.FaceEngine` with the ``dlib-bin`` wheel and the
model files of the ``face-recognition-models`` wheel (both from PyPI; nothing is downloaded at run
time):

- ``dlib.get_frontal_face_detector()`` — a HOG + linear SVM face detector (in dlib itself);
- ``shape_predictor_5_face_landmarks.dat`` — two points per eye (its corners) and one under the nose;
- ``dlib_face_recognition_resnet_model_v1.dat`` — a ResNet that maps an aligned 150×150 face chip to
  a 128-d descriptor; two faces of one person lie less than about 0.6 apart (Euclidean distance).

The score is that **distance** (lower is closer) and ``match = distance <= threshold``.

Yaw for the liveness check comes from the same 5 landmarks (:func:`yaw_from_landmarks`).

docs/devices.md §4.1 has the licences, the threshold and the measurement it came from.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from devices.camera.faces import FaceModelError
from kiosk.faces import FaceComparison, FaceCountError, HeadPose

#: The default distance threshold: the descriptor's published operating point (0.6, dlib's
#: ``python_examples/face_recognition.py``), which on this repository's labelled photos lies between the
#: largest genuine distance (0.54) and the smallest impostor distance (0.68) (``bench/bench_faces.py``).
DEFAULT_THRESHOLD = 0.6
#: Images whose shorter side is below this are upsampled once before detection (a chip photo is
#: 102×126 px, a thumbnail ~240 px): HOG's window is 80×80 px, so a face smaller than that is missed.
#: Larger images are not (upsampling a 1280×720 frame costs 4× the time and finds false faces).
UPSAMPLE_BELOW = 360
#: The nose-bottom point's depth in front of the eye corners, over the inter-ocular distance, for an
#: average adult head (≈20 mm over ≈63 mm, anthropometric tables); used to turn the landmark offset
#: into degrees. An approximation: it varies between faces by perhaps ±30 %, so yaw in degrees is too.
NOSE_DEPTH_OVER_IOD = 0.32
#: A detection counts as a face only above this HOG score (dlib's default is 0). Real faces in the
#: test photos scored 0.59 and more; a spot on the astronaut's suit scored 0.002 (0.12 upsampled).
MIN_DETECTION_SCORE = 0.3

#: Faces are looked for in images wider than this scaled down to this width first (a face close to
#: the kiosk's camera is still well over 80 px there), and in the full image only when that finds
#: none: ~4× faster on a 1280×720 frame. So a much smaller second face (a bystander far behind) is
#: not counted when a large one is found. Landmarks and descriptors always use the full image.
DETECT_WIDTH = 640

LANDMARKS_FILE = "shape_predictor_5_face_landmarks.dat"
DESCRIPTOR_FILE = "dlib_face_recognition_resnet_model_v1.dat"


def models_dir() -> Path:
    """The folder of the ``face-recognition-models`` wheel's model files.

    The package is located without importing it (its ``__init__`` imports ``pkg_resources``, which
    recent setuptools no longer has).

    Raises:
        FaceModelError: the package is not installed.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise FaceModelError("face-model-missing", "face_recognition_models", "package not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def decode(data: bytes) -> np.ndarray:
    """A BGR image from encoded bytes (JPEG/PNG/BMP).

    Raises:
        ValueError: the bytes are not an image OpenCV can decode.
    """
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None:
        raise ValueError("not a decodable image")
    return image


def yaw_from_landmarks(points: Sequence[tuple[float, float]]) -> float:
    """Yaw in degrees from dlib's 5 landmarks (0–1 one eye's corners, 2–3 the other's, 4 under the nose).

    The nose point's offset from the midpoint of the two eye centres, measured along the eye line
    (so a tilted head reads the same) and divided by the distance between the eye centres, is
    ``r = (d / iod) · tan(yaw)`` for a head turning about a vertical axis seen from the front
    (orthographic view; ``d`` the nose point's depth in front of the eyes). So
    ``yaw = atan(r / NOSE_DEPTH_OVER_IOD)``. Positive: the nose moved to the image's right, i.e. the
    person turned to their own left in an unmirrored camera image (:class:`kiosk.faces.HeadPose`).

    Raises:
        ValueError: not 5 points, or both eyes at one place.
    """
    if len(points) != 5:
        raise ValueError("need dlib's 5 landmarks")
    p = np.asarray(points, dtype=np.float64)
    eye_a, eye_b = p[0:2].mean(axis=0), p[2:4].mean(axis=0)
    left, right = (eye_a, eye_b) if eye_a[0] <= eye_b[0] else (eye_b, eye_a)  # in the image
    axis = right - left
    iod = float(np.hypot(axis[0], axis[1]))
    if iod < 1e-6:
        raise ValueError("eye centres coincide")
    offset = float(np.dot(p[4] - (left + right) / 2, axis / iod))
    return math.degrees(math.atan((offset / iod) / NOSE_DEPTH_OVER_IOD))


class DlibFaceEngine:
    """dlib's face detector, 5-point landmarks and ResNet descriptor, behind :class:`kiosk.faces.FaceEngine`.

    Loading the models takes about 1 s (the descriptor file is 22 MB): build one engine, off the UI
    thread, and keep it. Calls may come from any thread; a lock serialises them (dlib's detector and
    networks keep per-object scratch buffers), so the intended use is one worker thread — the job
    runner's lane that runs check-in's face work.

    Args:
        threshold: the largest descriptor distance that is still the same person.
        models: the folder with the two ``.dat`` files; default the ``face-recognition-models`` wheel.
        num_jitters: descriptor jitters (1: one pass; 10 is ~10× slower and ~0.1 % more accurate).

    Raises:
        FaceModelError: a model file is missing or dlib cannot load it.
    """

    name = "dlib-resnet"

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, *, models: str | Path | None = None,
                 num_jitters: int = 1) -> None:
        import dlib  # type: ignore[import-untyped]  # no stubs; ~10 MB of native code, imported with the engine

        folder = Path(models) if models is not None else models_dir()
        paths = {}
        for name in (LANDMARKS_FILE, DESCRIPTOR_FILE):
            path = folder / name
            if not path.is_file():
                raise FaceModelError("face-model-missing", path, "file not found")
            paths[name] = path
        try:
            self._detector = dlib.get_frontal_face_detector()
            self._shapes = dlib.shape_predictor(str(paths[LANDMARKS_FILE]))
            self._net = dlib.face_recognition_model_v1(str(paths[DESCRIPTOR_FILE]))
        except RuntimeError as exc:
            raise FaceModelError("face-model-invalid", folder, "dlib cannot load the model files") from exc
        self._dlib = dlib
        self._lock = threading.Lock()
        self.threshold = float(threshold)
        self.num_jitters = num_jitters

    # --- the port -----------------------------------------------------------------------------------

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        """The descriptor distance of the one face in each image; ``match`` when ``<= threshold``.

        Raises:
            FaceCountError: an image has no face or several (``which`` = "photo" or "reference").
            ValueError: an image cannot be decoded.
        """
        images = decode(photo), decode(reference)
        with self._lock:
            a = self._descriptor(images[0], "photo")
            b = self._descriptor(images[1], "reference")
        distance = float(np.linalg.norm(a - b))
        return FaceComparison(round(distance, 4), self.threshold, distance <= self.threshold, self.name)

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        """Yaw (:func:`yaw_from_landmarks`) and face area fraction of the one face in a BGR frame.

        Returns:
            The pose, or None when the frame holds no face or several.
        """
        image = np.asarray(frame_bgr)
        with self._lock:
            found = self._landmarks(image)
        if found is None:
            return None
        box_area, points = found
        h, w = image.shape[:2]
        return HeadPose(round(yaw_from_landmarks(points), 2), box_area / float(w * h))

    # --- helpers --------------------------------------------------------------------------------------

    def with_threshold(self, threshold: float) -> DlibFaceEngine:
        """The same loaded models (and lock) with another threshold."""
        other = copy.copy(self)
        other.threshold = float(threshold)
        return other

    def descriptor_of(self, image_bgr: np.ndarray, which: str = "") -> np.ndarray:
        """The 128-d descriptor of the one face in a BGR image (for the bench; never stored).

        Raises:
            FaceCountError: no face or several.
        """
        with self._lock:
            return self._descriptor(image_bgr, which)

    def landmarks(self, frame_bgr: np.ndarray) -> list[tuple[float, float]] | None:
        """The 5 landmarks of the one face in a BGR frame, or None without exactly one face."""
        with self._lock:
            found = self._landmarks(np.asarray(frame_bgr))
        return None if found is None else found[1]

    def _faces(self, rgb: np.ndarray) -> Any:
        upsample = 1 if min(rgb.shape[:2]) < UPSAMPLE_BELOW else 0
        boxes, _scores, _kinds = self._detector.run(rgb, upsample, MIN_DETECTION_SCORE)
        return boxes

    def _detect(self, rgb: np.ndarray) -> Any:
        """Faces in full-size pixels: in a frame wider than ``DETECT_WIDTH`` looked for at that width
        first, and in the full frame only when that finds none."""
        h, w = rgb.shape[:2]
        if w > DETECT_WIDTH:
            scale = DETECT_WIDTH / w
            small = cv2.resize(rgb, (DETECT_WIDTH, round(h * scale)), interpolation=cv2.INTER_AREA)
            found = [self._dlib.rectangle(round(r.left() / scale), round(r.top() / scale),
                                          round(r.right() / scale), round(r.bottom() / scale))
                     for r in self._faces(small)]
            if found:
                return found
        return self._faces(rgb)

    def _descriptor(self, image_bgr: np.ndarray, which: str) -> np.ndarray:
        rgb = _rgb(image_bgr)
        faces = self._detect(rgb)
        if len(faces) != 1:
            raise FaceCountError(len(faces), which)
        shape = self._shapes(rgb, faces[0])
        return np.asarray(self._net.compute_face_descriptor(rgb, shape, self.num_jitters), dtype=np.float64)

    def _landmarks(self, image_bgr: np.ndarray) -> tuple[float, list[tuple[float, float]]] | None:
        rgb = _rgb(image_bgr)
        faces = self._detect(rgb)
        if len(faces) != 1:
            return None
        box = faces[0]
        shape = self._shapes(rgb, box)  # landmarks at full resolution
        points = [(float(shape.part(i).x), float(shape.part(i).y)) for i in range(shape.num_parts)]
        return float(box.width() * box.height()), points


def shared(threshold: float = DEFAULT_THRESHOLD) -> DlibFaceEngine:
    """The process's one loaded engine (terminals, the CLI and tests share it) with ``threshold``.

    Raises:
        FaceModelError: as :class:`DlibFaceEngine`.
    """
    return _loaded().with_threshold(threshold)


def build(threshold: float = DEFAULT_THRESHOLD) -> DlibFaceEngine:
    """:func:`shared`, by a name a child process can be told to call (``devices.camera.face_process``)."""
    return shared(threshold)


@functools.lru_cache(maxsize=1)
def _loaded() -> DlibFaceEngine:
    return DlibFaceEngine()


def _rgb(image_bgr: np.ndarray) -> np.ndarray:
    if image_bgr.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_GRAY2RGB))
    if image_bgr.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGRA2RGB))
    return np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
