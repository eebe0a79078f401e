"""The recording pipeline on the synthetic camera and audio: segments, continuity, key frames, gaps."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from devices.camera import SyntheticCamera
from devices.recording import (
    CameraRecorder,
    ClosedSegment,
    Overlay,
    SyntheticAudio,
    make_encoder,
    probe,
    recover,
)
from devices.recording.segments import PARTIAL, parse_name, sha256_file

W, H, FPS = 320, 240, 10


def run_recorder(tmp_path: Path, frames: int, *, encoder: str = "pyav", audio: bool = True, seconds: int = 2,
                 camera: SyntheticCamera | None = None, until=None, gap_seconds: float = 1.5) -> tuple[CameraRecorder, list[ClosedSegment]]:
    cam = camera or SyntheticCamera(W, H, FPS, realtime=False)
    segs: list[ClosedSegment] = []
    gaps: list[tuple[str, float, float]] = []
    rec = CameraRecorder(
        cam, camera_name="cam1", room="KB-03", room_label="第三开标室", root=tmp_path / "recordings",
        encoder_factory=lambda: make_encoder(encoder), width=W, height=H, fps=FPS, segment_seconds=seconds,
        audio=SyntheticAudio(16000) if audio else None, on_segment=segs.append,
        on_gap=lambda c, a, b: gaps.append((c, a, b)), queue_frames=10_000, gap_seconds=gap_seconds,
    )
    rec.gaps_seen = gaps  # type: ignore[attr-defined]
    stop = threading.Event()
    threads = [threading.Thread(target=rec.capture_loop, args=(stop,)), threading.Thread(target=rec.encode_loop, args=(stop,))]
    for t in threads:
        t.start()
    rec.start("S-20261127-001")
    deadline = time.monotonic() + 30
    while (until() if until else rec.stats.captured < frames) and time.monotonic() < deadline:
        time.sleep(0.005)
    rec.stop()
    stop.set()
    for t in threads:
        t.join(20)
    assert not any(t.is_alive() for t in threads)
    return rec, segs


def test_segments_have_fixed_length_key_frame_first_and_play(tmp_path: Path) -> None:
    rec, segs = run_recorder(tmp_path, 20 * 3)
    full = [s for s in segs if s.frames == 20]
    assert len(full) >= 3, [s.frames for s in segs]
    for s in segs:
        info = probe(s.path)
        assert info["streams"] == ["video", "audio"]
        assert info["video_codec"] == "h264" and info["audio_codec"] == "aac"
        assert info["first_key"] is True and info["first_time_s"] == 0.0
        assert info["frames"] == s.frames
        assert s.path.suffix == ".mp4" and s.path.parent.parent.name == "KB-03"
        assert sha256_file(s.path) == (s.sha256, s.bytes)
    for s in full:
        info = probe(s.path)
        assert info["last_time_s"] == pytest.approx(1.9)
        assert 1.9 <= info["duration_s"] <= 2.2  # AAC priming/padding adds up to ~1 audio frame
    assert rec.stats.written == rec.stats.captured == sum(s.frames for s in segs)
    assert not list((tmp_path / "recordings").rglob(f"*{PARTIAL}"))


def test_consecutive_segments_have_no_frame_gap(tmp_path: Path) -> None:
    _rec, segs = run_recorder(tmp_path, 75)
    assert len(segs) >= 4
    for a, b in zip(segs, segs[1:], strict=False):
        assert b.first_index == a.last_index + 1  # the camera's frame counter continues exactly
        assert a.last_index - a.first_index + 1 == a.frames
    assert segs[0].first_index == 0


def test_overlay_is_cached_and_burnt_in(tmp_path: Path) -> None:
    ov = Overlay(W, H, "第三开标室", "cam1")
    img = np.full((H, W, 3), 200, np.uint8)
    for i in range(25):
        ov.apply(img.copy(), 1_795_000_000 + i / 10)  # 2.5 s → the text changes at most 3 times
    assert 2 <= ov.renders <= 3
    out = ov.apply(img.copy(), 1_795_000_000)
    assert (out[-5:, :50] != 200).any() and (out[:20] == 200).all()  # bottom-left caption, top untouched
    first, second = ov.lines(1_795_000_000)
    assert "第三开标室" in first and "REC" in first and "北京时间" in second


def test_opencv_fallback_encoder_writes_playable_segments(tmp_path: Path) -> None:
    _rec, segs = run_recorder(tmp_path, 25, encoder="opencv", audio=False)
    assert segs and segs[0].frames == 20
    info = probe(segs[0].path)
    assert info["video_codec"] == "mpeg4" and info["audio_codec"] is None and info["first_key"]


@pytest.mark.allow_log_warnings(r"read failed", r"no picture for")
def test_camera_unplug_records_a_gap_and_recording_resumes(tmp_path: Path) -> None:
    cam = SyntheticCamera(W, H, FPS, realtime=True, backoff_initial_s=0.1, backoff_max_s=0.2)
    state = {"t0": None}

    def until() -> bool:
        rec = holder["rec"]
        if state["t0"] is None and rec is not None and rec.stats.written >= 8:
            cam.unplug(2.0)
            state["t0"] = time.monotonic()
        return not (state["t0"] is not None and time.monotonic() - state["t0"] > 3.2)

    holder: dict = {"rec": None}
    orig = CameraRecorder.__init__

    def capture(self, *a, **k):  # type: ignore[no-untyped-def]
        orig(self, *a, **k)
        holder["rec"] = self

    CameraRecorder.__init__ = capture  # type: ignore[method-assign]
    try:
        rec, segs = run_recorder(tmp_path, 0, camera=cam, until=until, seconds=10, gap_seconds=1.0)
    finally:
        CameraRecorder.__init__ = orig  # type: ignore[method-assign]
    gaps = rec.gaps_seen  # type: ignore[attr-defined]
    assert len(gaps) == 1 and gaps[0][0] == "cam1"
    assert 1.5 <= gaps[0][2] - gaps[0][1] <= 3.5
    assert len(segs) == 2  # the segment before the gap was closed; a new one began after it
    assert segs[0].ended_at <= gaps[0][1] + 0.01 and segs[1].started_at >= gaps[0][2] - 0.01
    assert segs[1].frames >= 5 and probe(segs[1].path)["first_key"]


@pytest.mark.allow_log_warnings(r"quarantined")
def test_recover_quarantines_partial_files(tmp_path: Path) -> None:
    root = tmp_path / "recordings"
    day = root / "KB-03" / "2026-11-27"
    day.mkdir(parents=True)
    (day / f"1795000000000_cam1{PARTIAL}").write_bytes(b"half a segment")
    found = recover(root)
    assert len(found.quarantined) == 1 and found.quarantined[0].parent.name == "quarantine"
    assert found.gaps[0][1] == 1_795_000_000.0
    assert not list(day.iterdir())
    assert parse_name("093000_cam1_1795000000000-1795000002000.mp4") == ("cam1", 1_795_000_000.0, 1_795_000_002.0)
