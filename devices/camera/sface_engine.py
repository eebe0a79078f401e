"""YuNet + SFace (operator-supplied ONNX files) behind :class:`kiosk.faces.FaceEngine`, and a lazy loader.

:class:`SFaceEngine` is the engine check-in used before the dlib one: YuNet finds the face and its
five landmarks, SFace compares aligned faces by **cosine similarity** (higher is closer;
``match = score >= threshold``, OpenCV's published operating point 0.363). It stays pluggable:
``[checkin] face_engine = "sface"`` with ``face_model_dir`` holding ``*yunet*.onnx`` and
``*sface*.onnx``.

:class:`LazyFaceEngine` loads any engine on its first call (or on :meth:`LazyFaceEngine.load`, which
the composition root runs on a worker lane), so building a terminal never waits for a model.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from devices.camera.dlib_faces import decode
from devices.camera.faces import SFaceMatcher, YuNetFaceDetector
from kiosk.faces import FaceComparison, FaceCountError, FaceEngine, HeadPose

DEFAULT_THRESHOLD = 0.363
#: YuNet's third landmark is the nose *tip*, further in front of the eyes than dlib's nose-bottom
#: point: ≈30 mm over ≈63 mm between the eyes (anthropometric average; an approximation, untested
#: here for want of the model files).
NOSE_TIP_DEPTH_OVER_IOD = 0.5


class SFaceEngine:
    """YuNet detection + SFace cosine similarity (see the module docstring).

    Args:
        yunet: ``face_detection_yunet_2023mar.onnx``.
        sface: ``face_recognition_sface_2021dec.onnx`` (or its int8 variant).
        threshold: the least cosine similarity that is still the same person.

    Raises:
        devices.camera.faces.FaceModelError: a file is missing or OpenCV cannot load it.
    """

    name = "sface"

    def __init__(self, yunet: str | Path, sface: str | Path, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.detector = YuNetFaceDetector(yunet)
        self.matcher = SFaceMatcher(sface, threshold=threshold)
        self.threshold = float(threshold)
        self._lock = threading.Lock()  # OpenCV's dnn nets are not safe to share between threads

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        """Cosine similarity of the one face in each image; ``match`` when ``>= threshold``.

        Raises:
            FaceCountError: an image has no face or several.
            ValueError: an image cannot be decoded.
        """
        images = decode(photo), decode(reference)
        feats = []
        with self._lock:
            for image, which in zip(images, ("photo", "reference"), strict=True):
                faces = self.detector.detect(image)
                if len(faces) != 1:
                    raise FaceCountError(len(faces), which)
                feats.append(self.matcher.feature(image, faces[0]))
            score = self.matcher.similarity(feats[0], feats[1])
        return FaceComparison(round(score, 4), self.threshold, score >= self.threshold, self.name)

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        """Yaw from YuNet's eyes and nose tip (same model as ``dlib_faces.yaw_from_landmarks``)."""
        image = np.asarray(frame_bgr)
        with self._lock:
            faces = self.detector.detect(image)
        if len(faces) != 1 or len(faces[0].landmarks) != 5:
            return None
        (ax, ay), (bx, by), nose = faces[0].landmarks[0], faces[0].landmarks[1], faces[0].landmarks[2]
        left, right = ((ax, ay), (bx, by)) if ax <= bx else ((bx, by), (ax, ay))
        axis = np.subtract(right, left)
        iod = float(np.hypot(*axis))
        if iod < 1e-6:
            return None
        offset = float(np.dot(np.subtract(nose, np.add(left, right) / 2), axis / iod))
        yaw = math.degrees(math.atan((offset / iod) / NOSE_TIP_DEPTH_OVER_IOD))
        h, w = image.shape[:2]
        return HeadPose(round(yaw, 2), faces[0].area / float(w * h))


class LazyFaceEngine:
    """An engine whose models load on first use (:class:`kiosk.faces.FaceEngine`).

    ``name`` and ``threshold`` are known before loading. :meth:`load` is thread-safe and loads once;
    a load that failed raises the same error on every later call.

    Args:
        name: the engine's name (as the loaded engine reports it).
        threshold: its threshold.
        build: makes the engine (slow).
    """

    def __init__(self, name: str, threshold: float, build: Callable[[], FaceEngine]) -> None:
        self.name = name
        self.threshold = threshold
        self._build = build
        self._engine: FaceEngine | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """True once the models are in memory."""
        return self._engine is not None

    def load(self) -> FaceEngine:
        """The engine, loading it now if needed (call off the UI thread).

        Raises:
            devices.camera.faces.FaceModelError: the models cannot be loaded.
        """
        with self._lock:
            if self._engine is None:
                if self._error is not None:
                    raise self._error
                try:
                    self._engine = self._build()
                except Exception as exc:
                    self._error = exc
                    raise
            return self._engine

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        """See :meth:`kiosk.faces.FaceEngine.compare` (loads the models first if needed)."""
        return self.load().compare(photo, reference)

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        """See :meth:`kiosk.faces.FaceEngine.head_pose` (loads the models first if needed)."""
        return self.load().head_pose(frame_bgr)
