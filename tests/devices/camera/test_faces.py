"""Face detection on the synthetic camera's real portrait, the check-in assessment, model errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.faces import (
    MESSAGES,
    FaceBox,
    FaceModelError,
    FacePolicy,
    HaarFaceDetector,
    SFaceMatcher,
    Verdict,
    YuNetFaceDetector,
    assess_face,
)
from devices.camera.synthetic import SyntheticCamera


@pytest.fixture(scope="module")
def haar() -> HaarFaceDetector:
    return HaarFaceDetector()


def frame(faces: int = 1, *, w: int = 320, h: int = 240, index: int = 10, **kw: object) -> np.ndarray:
    return SyntheticCamera(w, h, faces=faces, realtime=False, **kw).render(index)  # type: ignore[arg-type]


@pytest.mark.parametrize("index", [0, 17, 33, 61])
def test_exactly_one_face_in_the_astronaut_scene(haar: HaarFaceDetector, index: int) -> None:
    cam = SyntheticCamera(320, 240, realtime=False)
    boxes = haar.detect(cam.render(index))
    assert len(boxes) == 1
    b = boxes[0]
    # the face is in the person's upper part, around the person's centre (45 % of the width)
    assert 0.3 * 320 < b.x + b.w / 2 < 0.6 * 320 and b.y + b.h / 2 < 0.75 * 240


def test_one_face_in_a_720p_frame(haar: HaarFaceDetector) -> None:
    boxes = haar.detect(frame(w=1280, h=720))
    assert len(boxes) == 1 and boxes[0].h > 100  # boxes come back in full-frame pixels


@pytest.mark.parametrize("index", [0, 25, 50])
def test_no_face_mode_has_no_face(haar: HaarFaceDetector, index: int) -> None:
    assert haar.detect(frame(0, index=index)) == []


def test_two_faces_mode_has_two_faces(haar: HaarFaceDetector) -> None:
    boxes = haar.detect(frame(2))
    assert len(boxes) == 2
    left, right = sorted(boxes, key=lambda b: b.x)
    assert left.x + left.w < right.x  # side by side, not one face found twice


def test_clean_frame_is_ok(haar: HaarFaceDetector) -> None:
    a = assess_face(frame(w=640, h=480), haar)
    assert a.verdict is Verdict.OK and a.ok and a.count == 1 and a.face is not None
    assert 0.15 < a.size_ratio < 0.3
    assert a.sharpness > 60 and a.brightness > 100
    assert a.message_zh == MESSAGES[Verdict.OK][0] and a.message_en == MESSAGES[Verdict.OK][1]


def test_blurred_frame_is_too_blurry(haar: HaarFaceDetector) -> None:
    sharp = frame(w=640, h=480)
    a = assess_face(cv2.GaussianBlur(sharp, (0, 0), 2.5), haar)
    assert a.verdict is Verdict.TOO_BLURRY and a.count == 1
    assert a.sharpness < FacePolicy().min_sharpness < assess_face(sharp, haar).sharpness


def test_far_face_is_too_small(haar: HaarFaceDetector) -> None:
    a = assess_face(frame(w=640, h=480, face_scale=0.6), haar)
    assert a.verdict is Verdict.TOO_SMALL and a.count == 1
    assert a.size_ratio < FacePolicy().min_size_ratio


def test_dark_frame_is_too_dark(haar: HaarFaceDetector) -> None:
    dark = (frame(w=640, h=480).astype(np.float32) * 0.3).astype(np.uint8)
    a = assess_face(dark, haar)
    assert a.verdict is Verdict.TOO_DARK and a.brightness < 50
    assert a.sharpness > FacePolicy().min_sharpness  # sharpness is contrast-normalised: dark ≠ blurred


def test_no_face_and_several_faces(haar: HaarFaceDetector) -> None:
    none = assess_face(frame(0), haar)
    assert none.verdict is Verdict.NO_FACE and none.face is None and none.count == 0
    two = assess_face(frame(2, w=640, h=480), haar)
    assert two.verdict is Verdict.SEVERAL_FACES and two.count == 2
    assert "多" in two.message_zh and "one person" in two.message_en


def test_guide_frame_ignores_faces_outside_it(haar: HaarFaceDetector) -> None:
    img = frame(2, w=640, h=480, face_scale=1.25)  # two people close to the camera
    left_half = FacePolicy(guide=(0.0, 0.0, 0.5, 1.0))
    assert assess_face(img, haar).verdict is Verdict.SEVERAL_FACES
    a = assess_face(img, haar, left_half)
    assert a.verdict is Verdict.OK and a.count == 1
    assert a.face is not None and a.face.x + a.face.w / 2 < 320


def test_every_verdict_has_distinct_messages() -> None:
    assert set(MESSAGES) == set(Verdict)
    assert len({zh for zh, _ in MESSAGES.values()}) == len(Verdict)
    assert len({en for _, en in MESSAGES.values()}) == len(Verdict)


def test_missing_and_invalid_models_raise_typed_errors(tmp_path: Path) -> None:
    missing = tmp_path / "face_detection_yunet_2023mar.onnx"
    for cls in (YuNetFaceDetector, SFaceMatcher):
        with pytest.raises(FaceModelError) as err:
            cls(missing)
        assert err.value.code == "face-model-missing" and "file not found" in err.value.en
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"this is not a protobuf" * 40)
    for cls in (YuNetFaceDetector, SFaceMatcher):
        with pytest.raises(FaceModelError) as err:
            cls(garbage)
        assert err.value.code == "face-model-invalid" and err.value.zh.startswith("人脸模型不可用")
    wrong_type = tmp_path / "model.txt"
    wrong_type.write_text("x")
    with pytest.raises(FaceModelError) as err:
        YuNetFaceDetector(wrong_type)
    assert err.value.code == "face-model-invalid"


def test_bad_cascade_raises_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(FaceModelError) as err:
        HaarFaceDetector(tmp_path / "none.xml")
    assert err.value.code == "face-model-missing"
    bad = tmp_path / "bad.xml"
    bad.write_text("<opencv_storage>nonsense</opencv_storage>")
    with pytest.raises(FaceModelError) as err:
        HaarFaceDetector(bad)
    assert err.value.code == "face-model-invalid"


def test_yunet_row_needs_landmarks() -> None:
    with pytest.raises(ValueError):
        FaceBox(1, 2, 3, 4).to_yunet_row()
    row = FaceBox(1, 2, 3, 4, 0.9, ((5, 6), (7, 8), (9, 10), (11, 12), (13, 14))).to_yunet_row()
    assert row.shape == (15,) and row[4] == 5 and row[14] == pytest.approx(0.9)
