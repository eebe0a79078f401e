"""The face engine port: 1:1 comparison and head pose, as check-in and the expert door need them.

An engine (``devices.camera.dlib_faces.DlibFaceEngine``: dlib's HOG detector, 5-point landmarks and
ResNet descriptor from the ``dlib-bin`` and ``face-recognition-models`` wheels; or YuNet/SFace, or a
vendor engine) lives in ``devices``; the kiosk's rules only see this port. Descriptors never leave
the engine: callers get a score and a verdict, never a vector (PIPL: nothing biometric is stored
but the photo, encrypted, and the score).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from kiosk.errors import HallError

MatchResult = Literal["match", "no_match", "not_done"]
#: Which reference a comparison used, in order of trust (issue 16 must 2).
ReferenceKind = Literal["chip", "platform", "none"]
REFERENCE_ZH = {"chip": "身份证芯片照片", "platform": "平台登记照片", "none": "无参考照片"}


#: the images of a comparison, as messages name them
WHICH_ZH = {"photo": "现场照片", "reference": "参考照片"}


class FaceCountError(HallError):
    """An image has no face or several: nothing can be compared. ``count`` is how many were found."""

    def __init__(self, count: int, which: str = "") -> None:
        what = f"（{WHICH_ZH.get(which, which)}）" if which else ""
        if count == 0:
            super().__init__("no_face", f"照片中未检测到人脸{what}", f"no face found in the image {which}".strip())
        else:
            super().__init__("several_faces", f"照片中有 {count} 张人脸{what}，只能有一张",
                             f"{count} faces in the image {which}, exactly one is needed".strip())
        self.count = count
        self.which = which  #: which image ("photo", "reference"), "" when not said


@dataclass(frozen=True)
class FaceComparison:
    """One 1:1 comparison.

    ``score`` is in the engine's own measure (a distance for dlib: lower is closer; a cosine
    similarity for SFace: higher is closer); ``match`` is decided against ``threshold`` the way the
    engine's measure reads, so callers never compare numbers themselves.
    """

    score: float
    threshold: float
    match: bool
    engine: str

    @property
    def result(self) -> MatchResult:
        return "match" if self.match else "no_match"


@dataclass(frozen=True)
class HeadPose:
    """One frame's face for the liveness check: yaw in degrees (positive = the person turned to
    their own left, i.e. the face's nose moves to the image's right in an unmirrored camera image),
    and the face box area as a fraction of the frame (to notice a face that left)."""

    yaw_deg: float
    face_fraction: float


class FaceEngine(Protocol):
    """A face engine: loaded once (slow), then called off the UI thread."""

    name: str
    threshold: float

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        """Compare the single face of each encoded image (JPEG/PNG/BMP).

        Raises:
            FaceCountError: an image has no face or more than one.
            ValueError: an image cannot be decoded.
        """
        ...

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        """The pose of the one face in a BGR frame (numpy array), or None without exactly one face."""
        ...
