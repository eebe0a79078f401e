"""``hall-kiosk faces compare A.jpg B.jpg``: one 1:1 face comparison, decided as the kiosk decides it.

* ``faces compare A B [--json] [--engine dlib|sface] [--threshold X]`` — the engine is
  ``[checkin] face_engine`` unless ``--engine`` says otherwise, the threshold the engine's own
  (``[checkin] face_match_threshold``, 0 = the engine's default) unless ``--threshold``; the score is
  in the engine's measure (dlib: a distance, lower is closer; sface: a cosine similarity). ``--json``
  prints exactly ``{"score", "threshold", "match", "engine"}``.

Exit 0 on a match, 1 on no match, 2 when an image cannot be read or has no face or several (one line
in Chinese and English on stderr), or when no engine is available.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from hallkiosk.cli.common import config_from_args, print_json
from kiosk.faces import FaceCountError


def _fail(zh: str, en: str) -> int:
    print(f"错误 error: {zh} / {en}", file=sys.stderr)
    return 2


def _cmd_compare(args: argparse.Namespace) -> int:
    from hallkiosk.face_engines import build_face_engine

    images = []
    for which, name in (("photo", args.photo), ("reference", args.reference)):
        try:
            images.append(Path(name).read_bytes())
        except OSError as exc:
            return _fail(f"无法读取图片 {name}（{exc.strerror or type(exc).__name__}）",
                         f"cannot read the {which} image {name} ({exc.strerror or type(exc).__name__})")
    cfg = config_from_args(args).checkin
    changes: dict[str, object] = {}
    if args.engine:
        changes["face_engine"] = args.engine
    if args.threshold is not None:
        changes["face_match_threshold"] = args.threshold
    elif args.engine and args.engine != cfg.face_engine:
        changes["face_match_threshold"] = 0.0  # the configured threshold belongs to the configured engine
    engine, why = build_face_engine(dataclasses.replace(cfg, **changes))  # type: ignore[arg-type]  # fields of CheckinConfig
    if engine is None:
        return _fail(f"没有可用的人脸比对引擎：{why}", "no face engine available (see [checkin] face_engine)")
    try:
        result = engine.compare(images[0], images[1])
    except FaceCountError as exc:
        name = args.reference if exc.which == "reference" else args.photo
        if exc.count == 0:
            return _fail(f"图片中未检测到人脸：{name}", f"no face found in {name}")
        return _fail(f"图片中有 {exc.count} 张人脸，只能有一张：{name}", f"{exc.count} faces in {name}, exactly one is needed")
    except ValueError:
        return _fail("图片无法解码（须为 JPEG、PNG 或 BMP）", "an image cannot be decoded (JPEG, PNG or BMP expected)")
    if args.json:
        print_json({"score": result.score, "threshold": result.threshold, "match": result.match, "engine": result.engine})
    else:
        verdict = "一致 match" if result.match else "不一致 no match"
        print(f"{verdict}: {result.score:.4f}（阈值 threshold {result.threshold:g}, {result.engine}）")
    return 0 if result.match else 1


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("faces", help="人脸比对 face engine checks")
    sub = p.add_subparsers(dest="faces_command", metavar="ACTION", required=True)
    c = sub.add_parser("compare", parents=[common], help="compare the one face of each of two images (exit 0 match, 1 no match, 2 error)")
    c.add_argument("photo", metavar="A.jpg", help="the live photo")
    c.add_argument("reference", metavar="B.jpg", help="the reference photo")
    c.add_argument("--json", action="store_true", help='print {"score", "threshold", "match", "engine"}')
    c.add_argument("--engine", choices=("dlib", "sface"), help="default: [checkin] face_engine")
    c.add_argument("--threshold", type=float, help="in the engine's measure (dlib: distance ≤; sface: cosine ≥)")
    c.set_defaults(func=_cmd_compare)
