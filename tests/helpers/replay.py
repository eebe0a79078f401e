"""Small real recordings for the replay tests: H.264 files written with PyAV and catalogued through the
recording catalogue's public ``register_segment`` (as the recorder does), each frame's grey level
telling which second of the day it shows, so a test can see which moment a screen plays."""

from __future__ import annotations

import datetime as dt
import fractions
import hashlib
from pathlib import Path

import av
import numpy as np

from kiosk.hall import Hall
from kiosk.recording import catalogue as cat

FPS = 10


def level_of(second: int) -> int:
    """The grey level of the frames of second ``second`` of a test segment (distinct per second)."""
    return 30 + (second % 10) * 20


def write_mp4(path: Path, seconds: int, first_second: int = 0, size: tuple[int, int] = (160, 96)) -> int:
    """A ``seconds``-long file at 10 fps, a key frame every second; returns the frame count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as c:
        st = c.add_stream("libx264", rate=FPS, options={"g": str(FPS), "bf": "0", "preset": "ultrafast"})
        st.width, st.height, st.pix_fmt = size[0], size[1], "yuv420p"
        st.codec_context.time_base = fractions.Fraction(1, FPS)
        n = seconds * FPS
        for i in range(n):
            img = np.full((size[1], size[0], 3), level_of(first_second + i // FPS), np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            for packet in st.encode(frame):
                c.mux(packet)
        for packet in st.encode():
            c.mux(packet)
    return n


def add_segment(hall: Hall, room: str, start: dt.datetime, seconds: int = 3, camera: str = "0",
                session_id: str | None = None, first_second: int = 0, sealed: bool = False) -> cat.SegmentInfo:
    """Write and catalogue one segment of ``room`` from ``start`` (``sealed``: stored as the recorder
    stores it at rest, AES-GCM chunks under the hall's key, its digest the plaintext's)."""
    path = hall.config.data_dir / "recordings" / room / f"{camera}-{start:%H%M%S}.mp4"
    frames = write_mp4(path, seconds, first_second)
    data = path.read_bytes()
    if sealed:
        from kiosk.sealed import write_sealed

        write_sealed(hall.vault, data, path)
    with hall.unit() as s:
        return cat.register_segment(
            s, hall.journal, room_code=room, camera=camera, session_id=session_id, path=path, started_at=start,
            ended_at=start + dt.timedelta(seconds=seconds), frames=frames, has_audio=False, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data_dir=hall.config.data_dir)
