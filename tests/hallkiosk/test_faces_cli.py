"""``hall-kiosk faces compare``: the JSON shape, exit codes 0/1/2 and the messages, on real photos."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from hallkiosk.cli import main

FACES = Path(__file__).resolve().parents[1] / "data" / "faces"


def face(name: str) -> str:
    return str(FACES / f"{name}.jpg")


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    rc = main(["faces", "compare", *args, "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    return rc, out, err


def test_a_match_prints_exactly_the_four_keys_and_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, _ = run(capsys, tmp_path, face("obama_1"), face("obama_4"), "--json")
    assert rc == 0 and out.count("\n") == 1
    doc = json.loads(out)
    assert list(doc) == ["score", "threshold", "match", "engine"]
    assert doc["match"] is True and doc["engine"] == "dlib-resnet" and doc["threshold"] == 0.6
    assert isinstance(doc["score"], float) and 0.2 < doc["score"] <= 0.6


def test_no_match_exits_1_and_a_threshold_can_change_the_verdict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, _ = run(capsys, tmp_path, face("obama_1"), face("biden_1"), "--json")
    doc = json.loads(out)
    assert rc == 1 and doc["match"] is False and doc["score"] > 0.6
    rc, out, _ = run(capsys, tmp_path, face("obama_1"), face("biden_1"), "--threshold", "1.2")
    assert rc == 0 and "一致 match" in out and "1.2" in out


def test_no_face_exits_2_naming_the_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, err = run(capsys, tmp_path, face("obama_1"), face("cat"), "--json")
    assert rc == 2 and out == ""
    assert "未检测到人脸" in err and "no face" in err and "cat.jpg" in err


def test_several_faces_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = cv2.imread(face("leslie_1")), cv2.imread(face("obama_4"))
    assert a is not None and b is not None
    b = cv2.resize(b, (round(b.shape[1] * a.shape[0] / b.shape[0]), a.shape[0]))
    two = tmp_path / "two.jpg"
    cv2.imwrite(str(two), np.hstack([a, b]))
    rc, _, err = run(capsys, tmp_path, str(two), face("leslie_2"))
    assert rc == 2 and "2 张人脸" in err and "2 faces" in err and "two.jpg" in err


def test_unreadable_and_undecodable_images_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, tmp_path, str(tmp_path / "missing.jpg"), face("obama_1"))
    assert rc == 2 and "无法读取" in err and "cannot read" in err and "missing.jpg" in err
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image")
    rc, _, err = run(capsys, tmp_path, face("obama_1"), str(junk))
    assert rc == 2 and "无法解码" in err and "cannot be decoded" in err


def test_sface_without_its_model_files_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, err = run(capsys, tmp_path, face("obama_1"), face("obama_4"), "--engine", "sface")
    assert rc == 2 and out == "" and "face_model_dir" in err and "no face engine" in err
