"""Cameras: OpenCV capture (index, file, stream), the synthetic demo camera, face detection.

See :mod:`devices.camera.capture`, :mod:`devices.camera.synthetic` and :mod:`devices.camera.faces`
(docs/devices.md §4).
"""

from devices.camera.capture import (
    Camera,
    CameraBase,
    CameraError,
    EndOfStream,
    Frame,
    OpenCVCamera,
    open_camera,
)
from devices.camera.faces import (
    FaceAssessment,
    FaceBox,
    FaceDetector,
    FaceModelError,
    FacePolicy,
    HaarFaceDetector,
    SFaceMatcher,
    Verdict,
    YuNetFaceDetector,
    assess_face,
)
from devices.camera.synthetic import SyntheticCamera

__all__ = [
    "Camera",
    "CameraBase",
    "CameraError",
    "EndOfStream",
    "FaceAssessment",
    "FaceBox",
    "FaceDetector",
    "FaceModelError",
    "FacePolicy",
    "Frame",
    "HaarFaceDetector",
    "OpenCVCamera",
    "SFaceMatcher",
    "SyntheticCamera",
    "Verdict",
    "YuNetFaceDetector",
    "assess_face",
    "open_camera",
]
