"""The face engine a terminal or the CLI uses: ``[checkin] face_engine`` built into a ``kiosk.faces.FaceEngine``.

Qt-free, so ``hall-kiosk faces compare`` does not load the UI. docs/devices.md §4.1.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

from kiosk.config import CheckinConfig
from kiosk.faces import FaceEngine
from kiosk.ports import DeviceError

log = logging.getLogger(__name__)


def build_face_engine(cfg: CheckinConfig, *, own_process: bool = False) -> tuple[FaceEngine | None, str]:
    """The face engine of ``[checkin] face_engine``, or None and why there is none.

    ``dlib`` (the default) comes back unloaded: its ~1 s of model loading happens on the first call,
    on a worker lane, never while a terminal is built. With ``own_process`` (a terminal) it runs in a
    child process (``devices.camera.face_process.FaceEngineProcess``): dlib holds the GIL while it
    computes, which would stop the terminal's UI thread for the few hundred ms of a comparison;
    without (the CLI) in this process (``devices.camera.sface_engine.LazyFaceEngine``), one loaded
    engine shared by every caller of the process. ``sface`` loads its two
    small ONNX files here, so a broken file is reported at once. ``face_match_threshold`` 0 means
    the engine's own default (docs/devices.md §4.1).
    """
    kind = cfg.face_engine.strip().lower()
    if kind == "none":
        return None, '人脸比对已关闭（[checkin] face_engine = "none"）'
    if kind == "dlib":
        from devices.camera import dlib_faces
        from devices.camera.faces import FaceModelError
        from devices.camera.sface_engine import LazyFaceEngine

        threshold = cfg.face_match_threshold or dlib_faces.DEFAULT_THRESHOLD
        try:
            folder = dlib_faces.models_dir()
            missing = [n for n in (dlib_faces.LANDMARKS_FILE, dlib_faces.DESCRIPTOR_FILE) if not (folder / n).is_file()]
            if missing or importlib.util.find_spec("dlib") is None:
                raise FaceModelError("face-model-missing", folder / (missing[0] if missing else "dlib"), "not installed")
        except FaceModelError as exc:
            log.warning("face match models not usable: %s", exc.en)
            return None, f"人脸比对模型无法加载：{exc.zh}"
        if own_process:
            from devices.camera.face_process import FaceEngineProcess

            return FaceEngineProcess(dlib_faces.DlibFaceEngine.name, threshold, functools.partial(dlib_faces.build, threshold)), ""
        return LazyFaceEngine(dlib_faces.DlibFaceEngine.name, threshold, lambda: dlib_faces.shared(threshold)), ""
    if kind != "sface":
        return None, f"未知的人脸比对引擎：{cfg.face_engine}（可选 dlib、sface、none）"
    if not cfg.face_model_dir:
        return None, "未配置人脸比对模型（[checkin] face_model_dir）"
    folder = Path(cfg.face_model_dir)
    yunet = sorted(folder.glob("*yunet*.onnx"))
    sface = sorted(folder.glob("*sface*.onnx"))
    if not yunet or not sface:
        return None, f"模型目录中缺少 YuNet/SFace 文件：{folder}"
    from devices.camera.sface_engine import DEFAULT_THRESHOLD, SFaceEngine

    try:
        return SFaceEngine(yunet[-1], sface[-1], cfg.face_match_threshold or DEFAULT_THRESHOLD), ""
    except DeviceError as exc:
        log.warning("face match models not usable: %s", exc.en)
        return None, f"人脸比对模型无法加载：{exc.zh}"
