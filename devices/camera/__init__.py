"""Cameras: OpenCV capture (index, file, stream), the synthetic demo camera, face detection, face engines.

See :mod:`devices.camera.capture`, :mod:`devices.camera.synthetic`, :mod:`devices.camera.faces`,
:mod:`devices.camera.dlib_faces` and :mod:`devices.camera.sface_engine` (docs/devices.md §4).
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
from devices.camera.dlib_faces import DlibFaceEngine
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
from devices.camera.sface_engine import LazyFaceEngine, SFaceEngine
from devices.camera.synthetic import SyntheticCamera

__all__ = [
    "Camera",
    "CameraBase",
    "CameraError",
    "DlibFaceEngine",
    "EndOfStream",
    "FaceAssessment",
    "FaceBox",
    "FaceDetector",
    "FaceModelError",
    "FacePolicy",
    "Frame",
    "HaarFaceDetector",
    "LazyFaceEngine",
    "OpenCVCamera",
    "SFaceEngine",
    "SFaceMatcher",
    "SyntheticCamera",
    "Verdict",
    "YuNetFaceDetector",
    "assess_face",
    "open_camera",
]
