"""The dlib face engine on real labelled photos (tests/data/faces): matches, face counts, head yaw."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera.dlib_faces import DlibFaceEngine, shared, yaw_from_landmarks
from devices.camera.faces import FaceModelError
from devices.camera.sface_engine import LazyFaceEngine
from devices.camera.turn_warps import turn_head
from kiosk.faces import FaceCountError, FaceEngine

FACES = Path(__file__).resolve().parents[2] / "data" / "faces"


@pytest.fixture(scope="session")
def engine() -> DlibFaceEngine:
    # loading takes ~1.2 s: one engine for the whole run (devices.camera.dlib_faces.shared)
    return shared()


def photo(name: str) -> bytes:
    return (FACES / f"{name}.jpg").read_bytes()


def image(name: str) -> np.ndarray:
    img = cv2.imread(str(FACES / f"{name}.jpg"), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def jpeg(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return bytes(buf)


def test_it_is_a_face_engine(engine: DlibFaceEngine) -> None:
    port: FaceEngine = engine
    assert port.name == "dlib-resnet" and port.threshold == 0.6


@pytest.mark.parametrize(("a", "b"), [("obama_1", "obama_4"), ("harington_1", "harington_3")])
def test_genuine_pairs_match(engine: DlibFaceEngine, a: str, b: str) -> None:
    c = engine.compare(photo(a), photo(b))
    assert c.match and c.result == "match"
    assert 0.2 < c.score <= 0.55 and c.threshold == 0.6 and c.engine == "dlib-resnet"


@pytest.mark.parametrize(("a", "b"), [("obama_1", "biden_1"), ("leslie_1", "collins_1")])
def test_impostors_do_not_match(engine: DlibFaceEngine, a: str, b: str) -> None:
    c = engine.compare(photo(a), photo(b))
    assert not c.match and c.result == "no_match"
    assert c.score > 0.65


def test_the_threshold_decides(engine: DlibFaceEngine) -> None:
    c = engine.with_threshold(0.3).compare(photo("obama_1"), photo("obama_4"))
    assert c.threshold == 0.3 and not c.match and c.score > 0.3


def test_no_face_is_a_face_count_error_naming_the_image(engine: DlibFaceEngine) -> None:
    with pytest.raises(FaceCountError) as err:
        engine.compare(photo("cat"), photo("obama_1"))
    assert err.value.count == 0 and err.value.code == "no_face" and "photo" in err.value.en
    assert "未检测到人脸" in err.value.zh


def test_two_faces_side_by_side_are_refused(engine: DlibFaceEngine) -> None:
    a, b = image("leslie_1"), image("obama_4")
    b = cv2.resize(b, (round(b.shape[1] * a.shape[0] / b.shape[0]), a.shape[0]))
    with pytest.raises(FaceCountError) as err:
        engine.compare(photo("leslie_2"), jpeg(np.hstack([a, b])))
    assert err.value.count == 2 and err.value.code == "several_faces" and "reference" in err.value.en
    assert engine.head_pose(np.hstack([a, b])) is None


@pytest.mark.parametrize("data", [b"", b"not an image", b"\xff\xd8\xff\xe0 truncated jpeg"])
def test_undecodable_images_are_value_errors(engine: DlibFaceEngine, data: bytes) -> None:
    with pytest.raises(ValueError):
        engine.compare(data, photo("obama_1"))


def test_missing_model_files_are_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(FaceModelError) as err:
        DlibFaceEngine(models=tmp_path)
    assert err.value.code == "face-model-missing"


# --- head pose ---------------------------------------------------------------------------------------


def test_a_frontal_still_photo_reads_near_zero_yaw(engine: DlibFaceEngine) -> None:
    pose = engine.head_pose(image("lacamoire_2"))
    assert pose is not None and abs(pose.yaw_deg) < 5
    assert 0.02 < pose.face_fraction < 0.2


@pytest.mark.parametrize(("name", "sign"), [("harington_2", -1), ("obama_4", 1)])
def test_a_mirrored_photo_turns_the_other_way(engine: DlibFaceEngine, name: str, sign: int) -> None:
    img = image(name)
    pose, mirrored = engine.head_pose(img), engine.head_pose(cv2.flip(img, 1))
    assert pose is not None and mirrored is not None
    assert math.copysign(1, pose.yaw_deg) == sign and math.copysign(1, mirrored.yaw_deg) == -sign
    assert abs(pose.yaw_deg) > 15 and abs(mirrored.yaw_deg) > 15


def test_no_face_has_no_pose(engine: DlibFaceEngine) -> None:
    assert engine.head_pose(image("cat")) is None


def test_a_synthetic_head_turn_reads_as_yaw_of_its_sign(engine: DlibFaceEngine) -> None:
    img = image("lacamoire_2")
    points = engine.landmarks(img)
    assert points is not None
    p = np.asarray(points)
    iod = float(np.linalg.norm(p[0:2].mean(axis=0) - p[2:4].mean(axis=0)))
    left = engine.head_pose(turn_head(img, p[4][0], 1.1 * iod, -30))
    right = engine.head_pose(turn_head(img, p[4][0], 1.1 * iod, 30))
    assert left is not None and right is not None
    assert left.yaw_deg < -8 and right.yaw_deg > 8


def test_yaw_from_landmarks_geometry() -> None:
    eyes = [(100.0, 100.0), (110.0, 100.0), (150.0, 100.0), (160.0, 100.0)]  # centres 105 and 155: iod 50
    assert yaw_from_landmarks([*eyes, (130.0, 140.0)]) == pytest.approx(0.0)
    # the nose 0.32 × iod to the image's right: tan(yaw) = 1 → +45° (the person turned to their left)
    assert yaw_from_landmarks([*eyes, (130.0 + 0.32 * 50, 140.0)]) == pytest.approx(45.0)
    assert yaw_from_landmarks([*eyes[2:], *eyes[:2], (130.0 - 0.32 * 50, 140.0)]) == pytest.approx(-45.0)
    # a tilted head (everything rotated 30° in the image) reads the same yaw
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    tilted = [(x * c - y * s, x * s + y * c) for x, y in [*eyes, (130.0 + 0.32 * 50, 140.0)]]
    assert yaw_from_landmarks(tilted) == pytest.approx(45.0)
    with pytest.raises(ValueError):
        yaw_from_landmarks(eyes)


def test_a_720p_camera_frame_reads_the_same_pose_as_the_photo(engine: DlibFaceEngine) -> None:
    img = image("lacamoire_2")  # 640×423, face ~130 px: found in the frame scaled to 640 wide
    frame = np.full((720, 1280, 3), 128, np.uint8)
    frame[100:100 + img.shape[0], 300:300 + img.shape[1]] = img
    alone, in_frame = engine.head_pose(img), engine.head_pose(frame)
    assert alone is not None and in_frame is not None
    assert abs(in_frame.yaw_deg - alone.yaw_deg) < 3
    share = img.shape[0] * img.shape[1] / (720 * 1280)
    # HOG boxes come in the pyramid's steps (~20 % apart in size), so the area agrees only roughly
    assert in_frame.face_fraction == pytest.approx(alone.face_fraction * share, rel=0.5)
    small = cv2.resize(img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # face ~65 px: the full frame is searched
    frame[:] = 128
    frame[300:300 + small.shape[0], 500:500 + small.shape[1]] = small
    assert engine.head_pose(frame) is not None


def test_a_lazy_engine_loads_once_on_first_use_and_keeps_a_load_failure(engine: DlibFaceEngine) -> None:
    builds: list[int] = []

    def build() -> DlibFaceEngine:
        builds.append(1)
        return engine

    lazy = LazyFaceEngine("dlib-resnet", 0.6, build)
    assert not lazy.loaded and builds == []
    assert lazy.head_pose(image("cat")) is None and lazy.loaded
    assert lazy.head_pose(image("cat")) is None and lazy.load() is engine and len(builds) == 1

    def broken() -> DlibFaceEngine:
        builds.append(1)
        raise FaceModelError("face-model-invalid", "x.dat", "dlib cannot load the model files")

    bad = LazyFaceEngine("dlib-resnet", 0.6, broken)
    for _ in range(2):
        with pytest.raises(FaceModelError):
            bad.compare(photo("obama_1"), photo("obama_4"))
    assert len(builds) == 2 and not bad.loaded  # the broken load was tried once, its error kept
