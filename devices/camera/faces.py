"""Face detection and the check-in face check: "exactly one face of adequate size and sharpness".

Detectors:

- :class:`HaarFaceDetector` — the frontal-face Haar cascade that opencv-python(-headless) 4.x ships
  (``cv2.data.haarcascades``). Always available, no model files; the default.
- :class:`YuNetFaceDetector` and :class:`SFaceMatcher` — OpenCV's ``FaceDetectorYN`` and
  ``FaceRecognizerSF`` over ONNX models an operator supplies by path (YuNet
  ``face_detection_yunet_2023mar.onnx``, SFace ``face_recognition_sface_2021dec.onnx``); nothing is
  downloaded. A missing or unreadable model raises :class:`FaceModelError`.

:func:`assess_face` turns a frame into a :class:`FaceAssessment` with a verdict and a message in
Chinese and English for the check-in screen.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import cv2.data  # the cascades' folder; cv2's stubs do not name the submodule
import numpy as np

from devices.camera.capture import Frame
from kiosk.ports import DeviceError

log = logging.getLogger(__name__)

#: The cascade file used by default (shipped in the opencv-python 4.x wheels).
HAAR_FRONTAL = "haarcascade_frontalface_default.xml"


@dataclass(frozen=True)
class FaceBox:
    """A detected face in image pixels.

    Attributes:
        x: left edge.
        y: top edge.
        w: width.
        h: height.
        score: detector confidence (1.0 for Haar, which gives none).
        landmarks: five (x, y) points — eyes, nose tip, mouth corners — from YuNet; empty for Haar.
    """

    x: int
    y: int
    w: int
    h: int
    score: float = 1.0
    landmarks: tuple[tuple[float, float], ...] = ()

    @property
    def area(self) -> int:
        """Area in square pixels."""
        return self.w * self.h

    def to_yunet_row(self) -> np.ndarray:
        """The 15-value row ``FaceRecognizerSF.alignCrop`` expects (box, 5 landmarks, score)."""
        if len(self.landmarks) != 5:
            raise ValueError("alignment needs the five YuNet landmarks")
        flat = [float(v) for point in self.landmarks for v in point]
        return np.array([self.x, self.y, self.w, self.h, *flat, self.score], dtype=np.float32)


@runtime_checkable
class FaceDetector(Protocol):
    """Finds faces in a BGR image."""

    def detect(self, image: np.ndarray) -> list[FaceBox]: ...


class FaceModelError(DeviceError):
    """A face model file is missing, unreadable or not a model OpenCV can load."""

    def __init__(self, code: str, path: str | Path, reason: str) -> None:
        super().__init__(
            code,
            f"人脸模型不可用：{Path(path).name}（{reason}）",
            f"face model unavailable: {path} ({reason})",
        )
        self.path = str(path)
        self.reason = reason


def _check_model_file(path: str | Path, suffixes: tuple[str, ...] = (".onnx",)) -> Path:
    p = Path(path)
    if not str(path):
        raise FaceModelError("face-model-missing", path, "no model path configured")
    if not p.is_file():
        raise FaceModelError("face-model-missing", p, "file not found")
    if p.suffix.lower() not in suffixes:
        raise FaceModelError("face-model-invalid", p, f"expected a {'/'.join(suffixes)} file")
    return p


class HaarFaceDetector:
    """The Haar cascade frontal-face detector.

    Large frames are scaled down to ``max_width`` first (a 720p frame takes a few tens of ms at full
    size on a small CPU); boxes are returned in the original frame's pixels.

    Args:
        cascade: a cascade XML path; default the frontal-face cascade shipped with OpenCV 4.x.
        scale_factor: the pyramid step of ``detectMultiScale``.
        min_neighbors: how many overlapping hits a face needs (higher: fewer false faces).
        min_size_ratio: smallest face searched for, as a fraction of the frame's shorter side.
        max_width: frames wider than this are scaled down before detection.

    Raises:
        FaceModelError: the cascade file is missing or does not load.
    """

    def __init__(
        self,
        cascade: str | Path | None = None,
        *,
        scale_factor: float = 1.1,
        min_neighbors: int = 5,
        min_size_ratio: float = 0.08,
        max_width: int = 640,
    ) -> None:
        path = Path(cascade) if cascade else Path(cv2.data.haarcascades) / HAAR_FRONTAL
        if not path.is_file():
            raise FaceModelError("face-model-missing", path, "cascade file not found")
        try:
            self._cascade = cv2.CascadeClassifier(str(path))
        except (cv2.error, SystemError) as exc:  # a malformed XML surfaces as SystemError from the binding
            raise FaceModelError("face-model-invalid", path, "not a cascade OpenCV can load") from exc
        if self._cascade.empty():
            raise FaceModelError("face-model-invalid", path, "not a cascade OpenCV can load")
        self.path = path
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size_ratio = min_size_ratio
        self.max_width = max_width

    def detect(self, image: np.ndarray) -> list[FaceBox]:
        """Find frontal faces, largest first.

        Args:
            image: BGR or grey ``uint8`` image.
        """
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        scale = 1.0
        if gray.shape[1] > self.max_width:
            scale = self.max_width / gray.shape[1]
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        side = max(20, int(min(gray.shape[:2]) * self.min_size_ratio))
        found = self._cascade.detectMultiScale(
            gray, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors, minSize=(side, side)
        )
        boxes = [
            FaceBox(
                int(round(x / scale)), int(round(y / scale)), int(round(w / scale)), int(round(h / scale))
            )
            for (x, y, w, h) in found
        ]
        return sorted(boxes, key=lambda b: b.area, reverse=True)


class YuNetFaceDetector:
    """OpenCV's YuNet CNN face detector (``cv2.FaceDetectorYN``) over an operator-supplied ONNX file.

    Args:
        model: path of ``face_detection_yunet_2023mar.onnx`` (the model for OpenCV 4.x).
        score_threshold: minimum confidence of a face.
        nms_threshold: non-maximum suppression overlap.
        top_k: candidates kept before suppression.

    Raises:
        FaceModelError: the file is missing, has the wrong type, or OpenCV cannot load it.
    """

    def __init__(
        self, model: str | Path, *, score_threshold: float = 0.8, nms_threshold: float = 0.3, top_k: int = 50
    ) -> None:
        path = _check_model_file(model)
        try:
            self._net = cv2.FaceDetectorYN.create(
                str(path), "", (320, 320), score_threshold, nms_threshold, top_k
            )
        except cv2.error as exc:
            raise FaceModelError(
                "face-model-invalid", path, "OpenCV cannot load it as a YuNet model"
            ) from exc
        self.path = path
        self._size: tuple[int, int] = (320, 320)

    def detect(self, image: np.ndarray) -> list[FaceBox]:
        """Find faces with their five landmarks, largest first.

        Args:
            image: BGR ``uint8`` image.
        """
        h, w = image.shape[:2]
        if (w, h) != self._size:
            self._net.setInputSize((w, h))
            self._size = (w, h)
        _, faces = self._net.detect(image)
        if faces is None:
            return []
        boxes = []
        for row in faces:
            x, y, bw, bh = (int(round(v)) for v in row[:4])
            marks = tuple((float(row[4 + 2 * i]), float(row[5 + 2 * i])) for i in range(5))
            boxes.append(FaceBox(max(0, x), max(0, y), bw, bh, float(row[14]), marks))
        return sorted(boxes, key=lambda b: b.area, reverse=True)


class SFaceMatcher:
    """OpenCV's SFace face recogniser (``cv2.FaceRecognizerSF``) over an operator-supplied ONNX file.

    Compares a live face with a reference face (for example a photo taken at an earlier check-in).
    It needs the landmarks of :class:`YuNetFaceDetector` to align faces.

    Args:
        model: path of ``face_recognition_sface_2021dec.onnx`` (or its int8 variant).
        threshold: cosine similarity at or above which two faces are the same person (OpenCV's
            published operating point for SFace is 0.363).

    Raises:
        FaceModelError: the file is missing, has the wrong type, or OpenCV cannot load it.
    """

    def __init__(self, model: str | Path, *, threshold: float = 0.363) -> None:
        path = _check_model_file(model)
        try:
            self._net = cv2.FaceRecognizerSF.create(str(path), "")
        except cv2.error as exc:
            raise FaceModelError(
                "face-model-invalid", path, "OpenCV cannot load it as an SFace model"
            ) from exc
        self.path = path
        self.threshold = threshold

    def feature(self, image: np.ndarray, face: FaceBox) -> np.ndarray:
        """The normalised feature vector of ``face`` in ``image`` (aligned on its landmarks)."""
        aligned = self._net.alignCrop(image, face.to_yunet_row())
        return np.asarray(self._net.feature(aligned)).copy()

    def similarity(self, a: np.ndarray, b: np.ndarray) -> float:
        """Cosine similarity of two feature vectors."""
        return float(self._net.match(a, b, cv2.FaceRecognizerSF_FR_COSINE))

    def same_person(self, a: np.ndarray, b: np.ndarray) -> bool:
        """True when the similarity reaches the threshold."""
        return self.similarity(a, b) >= self.threshold


# --- the check-in face check -------------------------------------------------------------------


class Verdict(enum.StrEnum):
    """The outcome of :func:`assess_face`, worst problem first."""

    OK = "ok"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_SMALL = "too_small"
    TOO_DARK = "too_dark"
    TOO_BLURRY = "too_blurry"


#: What the check-in screen says for each verdict (zh, en).
MESSAGES: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("人脸采集合格，请保持不动", "Face captured — please hold still"),
    Verdict.NO_FACE: ("未检测到人脸，请正对摄像头", "No face found — please face the camera"),
    Verdict.SEVERAL_FACES: (
        "检测到多张人脸，请一人单独采集",
        "More than one face — one person at a time, please",
    ),
    Verdict.TOO_SMALL: ("请靠近摄像头，使面部位于框内", "Please come closer so your face fills the frame"),
    Verdict.TOO_DARK: ("光线太暗，请调整位置或开启补光", "Too dark — please move into the light"),
    Verdict.TOO_BLURRY: ("画面模糊，请保持不动", "Image blurred — please hold still"),
}


@dataclass(frozen=True)
class FacePolicy:
    """Thresholds of the check-in face check.

    Attributes:
        min_size_ratio: the face's height as a share of the guide region's height, at least.
        min_sharpness: :func:`face_sharpness` of the face, at least.
        min_brightness: mean grey level (0–255) of the face, at least.
        guide: the guide frame on screen as (x, y, w, h) fractions of the frame; faces whose centre
            lies outside it are ignored. None: the whole frame.
    """

    min_size_ratio: float = 0.15
    min_sharpness: float = 30.0
    min_brightness: float = 50.0
    guide: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class FaceAssessment:
    """The result of :func:`assess_face`.

    Attributes:
        verdict: ok, or the first problem found.
        count: faces found inside the guide frame.
        face: the largest of them, in frame pixels, or None.
        size_ratio: its height over the guide region's height (0.0 without a face).
        sharpness: variance of the Laplacian on it (0.0 without a face).
        brightness: its mean grey level (0.0 without a face).
    """

    verdict: Verdict
    count: int
    face: FaceBox | None
    size_ratio: float
    sharpness: float
    brightness: float

    @property
    def ok(self) -> bool:
        """True when the face may be captured."""
        return self.verdict is Verdict.OK

    @property
    def message_zh(self) -> str:
        """The instruction for the screen, in Chinese."""
        return MESSAGES[self.verdict][0]

    @property
    def message_en(self) -> str:
        """The instruction for the screen, in English."""
        return MESSAGES[self.verdict][1]


def face_sharpness(gray_face: np.ndarray) -> float:
    """Variance of the Laplacian of a grey face crop, normalised for size and contrast.

    The crop is resized to 112 px wide (the input size of face recognisers such as SFace, so the
    figure says how sharp the face is as a recogniser would see it) and stretched to a standard
    deviation of 40 grey levels, so a dim or low-contrast face is judged by its blur alone.
    """
    h, w = gray_face.shape[:2]
    if w == 0 or h == 0:
        return 0.0
    norm = cv2.resize(gray_face, (112, max(1, round(112 * h / w))), interpolation=cv2.INTER_AREA)
    norm = norm.astype(np.float64)
    std = float(norm.std())
    if std < 1.0:
        return 0.0
    norm = (norm - norm.mean()) * (40.0 / std)
    return float(cv2.Laplacian(norm, cv2.CV_64F).var())


def assess_face(
    frame: Frame | np.ndarray, detector: FaceDetector, policy: FacePolicy | None = None
) -> FaceAssessment:
    """Check a frame for exactly one face of adequate size, light and sharpness in the guide frame.

    Args:
        frame: a captured frame or a BGR image.
        detector: the face detector to use.
        policy: thresholds and guide frame; default :class:`FacePolicy`.

    Returns:
        The assessment; the verdict names the first failing check in the order
        no face, several faces, too small, too dark, too blurry.
    """
    policy = policy or FacePolicy()
    image = frame.image if isinstance(frame, Frame) else frame
    fh, fw = image.shape[:2]
    gx, gy, gw, gh = 0, 0, fw, fh
    if policy.guide is not None:
        rx, ry, rw, rh = policy.guide
        gx, gy, gw, gh = int(rx * fw), int(ry * fh), max(1, int(rw * fw)), max(1, int(rh * fh))
    faces = [
        f for f in detector.detect(image) if gx <= f.x + f.w / 2 < gx + gw and gy <= f.y + f.h / 2 < gy + gh
    ]
    if not faces:
        return FaceAssessment(Verdict.NO_FACE, 0, None, 0.0, 0.0, 0.0)
    face = max(faces, key=lambda f: f.area)
    x0, y0 = max(0, face.x), max(0, face.y)
    x1, y1 = min(fw, face.x + face.w), min(fh, face.y + face.h)
    crop = image[y0:y1, x0:x1]
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    ratio = face.h / gh
    sharpness = face_sharpness(gray)
    brightness = float(gray.mean()) if gray.size else 0.0
    if len(faces) > 1:
        verdict = Verdict.SEVERAL_FACES
    elif ratio < policy.min_size_ratio:
        verdict = Verdict.TOO_SMALL
    elif brightness < policy.min_brightness:
        verdict = Verdict.TOO_DARK
    elif sharpness < policy.min_sharpness:
        verdict = Verdict.TOO_BLURRY
    else:
        verdict = Verdict.OK
    return FaceAssessment(verdict, len(faces), face, ratio, sharpness, brightness)
