"""Segment encoders behind one interface: H.264 + AAC in MP4 with PyAV, or OpenCV's mp4v.

LICENCE NOTE: PyAV's binary wheel carries a **GPL** build of FFmpeg (it links libx264). A site that
cannot ship GPL code swaps the encoder — :class:`SegmentEncoder` is the whole interface the
recorder uses — for OpenCV's ``mp4v`` (:class:`OpenCVEncoder`, MPEG-4 Part 2, no audio, ~15× larger
files, docs/devices.md §4) or a hardware/site encoder of its own.

Every segment is its own MP4 file opened by a fresh encoder, so its first frame is an IDR key
frame (forced as well: ``pict_type = I``), a key frame follows every 2 s (GOP ≤ segment) and any ordinary
player opens any segment on its own. Video timestamps are frame numbers (time base 1/fps): the
recorder gives each frame its pts from the camera's frame numbers, so dropped frames leave a hole in
time (the previous picture is held), never a shift. Audio is AAC (mono, float planar) fed through an
``AudioFifo`` in the codec's 1024-sample frames.

**Encrypted at rest** (issue 20 item 9): given the hall's ``vault``, an encoder seals the segment
(:mod:`kiosk.sealed`, AES-GCM chunks under the hall's data key). PyAV muxes a **fragmented** MP4
(a fragment per 2-s GOP, ``movflags`` :data:`FRAGMENTED`) straight into a
:class:`kiosk.sealed.SealedWriter`, which seals and fsyncs a chunk every second: no clear picture
is ever on disk, and a kill leaves a sealed prefix of whole fragments that recovery plays back
(``segments.recover``). OpenCV can only write to a path: its open segment is in clear on disk until
it closes and is sealed in place (the fallback's limit, docs/rules/recording.md). After ``close``,
``digest`` is the SHA-256 and size of the **plaintext** MP4 — what the journal names and an export carries.
"""

from __future__ import annotations

import fractions
import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from kiosk import sealed

if TYPE_CHECKING:
    from kiosk.pii import PiiVault

log = logging.getLogger(__name__)


#: a fragment per key frame, the moov first and empty: the file is playable up to any fragment it was cut at
FRAGMENTED = "frag_keyframe+empty_moov+default_base_moof"


class EncoderError(RuntimeError):
    """The encoder cannot open or write a segment."""


class SegmentEncoder(Protocol):
    """Writes one segment file; a new instance (or ``open``) per segment."""

    name: str
    has_audio: bool

    def open(self, path: Path, width: int, height: int, fps: int, sample_rate: int | None) -> None:
        """Start a file at ``path`` (the container is chosen by the encoder, not the suffix)."""
        ...

    def write_video(self, image: np.ndarray, pts: int) -> None:
        """One BGR frame at ``pts`` frame periods from the segment's start (strictly increasing)."""
        ...

    def write_audio(self, samples: np.ndarray) -> None:
        """Mono float32 samples following the previous ones without a gap."""
        ...

    def close(self) -> None:
        """Flush and finish the file."""
        ...


class _Sealing:
    """What both encoders share: the vault, and the plaintext's digest once a segment is sealed."""

    vault: PiiVault | None = None
    digest: tuple[str, int] | None = None  #: (SHA-256, size) of the plaintext, set by ``close`` when sealed
    sealed: bool = False

    def _seal(self, data: bytes, path: Path) -> None:
        assert self.vault is not None
        try:
            sealed.write_sealed(self.vault, data, path)
        except OSError as exc:
            raise EncoderError(f"cannot write {path.name}: {exc}") from exc
        self.digest = (hashlib.sha256(data).hexdigest(), len(data))
        self.sealed = True


class PyAVEncoder(_Sealing):
    """libx264 + AAC in MP4 through PyAV (GPL FFmpeg, see the module note).

    Args:
        preset: libx264 preset; ``ultrafast`` keeps two 720p25 cameras within two shared cores (bench_recording).
        crf: constant quality; 23 is x264's default, 26 is plenty for a room camera.
        threads: encoder threads (0 = FFmpeg decides).
    """

    name = "pyav"

    def __init__(self, preset: str = "ultrafast", crf: int = 26, threads: int = 0, audio_bitrate: int = 48000,
                 *, vault: PiiVault | None = None) -> None:
        self.preset, self.crf, self.threads, self.audio_bitrate = preset, crf, threads, audio_bitrate
        self.vault = vault
        self._sink: sealed.SealedWriter | None = None
        self._frames = 0
        # PyAV's container, streams and FIFO while a segment is open (av is imported only then)
        self._container: Any = None
        self._video: Any = None
        self._audio: Any = None
        self._fifo: Any = None
        self._audio_pts = 0
        self._first = True
        self.has_audio = False

    def open(self, path: Path, width: int, height: int, fps: int, sample_rate: int | None) -> None:
        import av

        self.digest, self.sealed, self._frames = None, False, 0
        try:
            if self.vault is not None:  # a fragmented MP4, sealed chunk by chunk as it is written
                self._sink = sealed.SealedWriter(self.vault, Path(path))
                container = av.open(self._sink, mode="w", format="mp4", options={"movflags": FRAGMENTED})
            else:
                container = av.open(str(path), mode="w", format="mp4")
        except Exception as exc:  # noqa: BLE001 - disk full, permissions
            raise EncoderError(f"cannot create {path.name}: {exc}") from exc
        gop = str(max(1, fps * 2))  # a key frame every 2 s: seeking to a marker decodes ≤ 2 s
        video = container.add_stream(
            "libx264", rate=fps,
            options={"preset": self.preset, "crf": str(self.crf), "g": gop, "sc_threshold": "0", "bf": "0"},
        )
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.time_base = fractions.Fraction(1, fps)
        video.codec_context.thread_count = self.threads
        self._container, self._video = container, video
        self._fps = fps
        self.has_audio = sample_rate is not None
        if sample_rate is not None:
            audio = container.add_stream("aac", rate=sample_rate, layout="mono")
            audio.codec_context.bit_rate = self.audio_bitrate
            self._audio = audio
            self._fifo = av.AudioFifo()
            self._sample_rate = sample_rate
        self._audio_pts = 0
        self._first = True

    def write_video(self, image: np.ndarray, pts: int) -> None:
        import av
        from av.video.frame import PictureType

        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts = pts
        frame.time_base = fractions.Fraction(1, self._fps)
        if self._first:
            frame.pict_type = PictureType.I  # the segment opens on a key frame
            self._first = False
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self._frames += 1
        if self._sink is not None and self._frames % self._fps == 0:
            try:  # every second: what the muxer wrote (the fragments before the last key frame) is sealed and durable
                self._sink.flush_chunk()
            except OSError as exc:
                raise EncoderError(f"cannot write the segment: {exc}") from exc

    def write_audio(self, samples: np.ndarray) -> None:
        import av

        if self._audio is None or len(samples) == 0:
            return
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32), format="fltp", layout="mono")
        frame.sample_rate = self._sample_rate
        frame.pts = self._audio_pts
        self._audio_pts += len(samples)
        self._fifo.write(frame)
        size = self._audio.codec_context.frame_size or 1024
        while self._fifo.samples >= size:
            for packet in self._audio.encode(self._fifo.read(size)):
                self._container.mux(packet)

    def close(self) -> None:
        if self._container is None:
            return
        try:
            if self._audio is not None:
                rest = self._fifo.read()
                if rest is not None and rest.samples:
                    for packet in self._audio.encode(rest):
                        self._container.mux(packet)
                for packet in self._audio.encode(None):
                    self._container.mux(packet)
            for packet in self._video.encode(None):
                self._container.mux(packet)
        finally:
            self._container.close()
            self._container = self._video = self._audio = self._fifo = None
        if self._sink is not None:
            sink, self._sink = self._sink, None
            try:
                self.digest, self.sealed = sink.close(), True
            except OSError as exc:
                raise EncoderError(f"cannot finish the segment: {exc}") from exc


class OpenCVEncoder(_Sealing):
    """The fallback: OpenCV ``VideoWriter`` with ``mp4v`` in MP4 (no audio; docs/devices.md §4).

    Dropped frames are filled by repeating the previous picture, since a ``VideoWriter`` has no
    timestamps of its own.
    """

    name = "opencv"

    def __init__(self, *, vault: PiiVault | None = None) -> None:
        self.vault = vault
        self._path: Path | None = None
        self._writer: Any = None  # a cv2.VideoWriter while a segment is open
        self._next = 0
        self._last: np.ndarray | None = None
        self.has_audio = False

    def open(self, path: Path, width: int, height: int, fps: int, sample_rate: int | None) -> None:
        import cv2

        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), float(fps), (width, height))
        if not writer.isOpened():
            raise EncoderError(f"OpenCV cannot write {path.name} (mp4v)")
        self._writer, self._next, self._last = writer, 0, None
        self._path, self.digest, self.sealed = Path(path), None, False

    def write_video(self, image: np.ndarray, pts: int) -> None:
        while self._last is not None and self._next < pts:
            self._writer.write(self._last)
            self._next += 1
        self._writer.write(image)
        self._last = image
        self._next = pts + 1

    def write_audio(self, samples: np.ndarray) -> None:
        """mp4v segments carry no sound."""

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
            if self.vault is not None and self._path is not None:
                self._seal(self._path.read_bytes(), self._path)


def make_encoder(name: str, *, preset: str = "ultrafast", crf: int = 26, threads: int = 0,
                 vault: PiiVault | None = None) -> SegmentEncoder:
    """The configured encoder: ``pyav`` (H.264/AAC) or ``opencv`` (mp4v); sealing segments when given ``vault``."""
    if name == "pyav":
        return PyAVEncoder(preset, crf, threads, vault=vault)
    if name == "opencv":
        return OpenCVEncoder(vault=vault)
    raise ValueError(f"unknown encoder {name!r}: pyav or opencv")


def probe(path: Path, vault: PiiVault | None = None) -> dict[str, object]:
    """What a player would see (an ffprobe in PyAV): streams, codecs, duration, frames, key frame at t=0.

    Decodes every video frame, so use it on short files (tests, ``recording verify --decode``). A
    sealed segment is decrypted in memory (``vault``, or the one the composition root installed).
    """
    import av

    from devices.recording.segments import media_source

    with av.open(media_source(Path(path), vault), mode="r") as c:
        info: dict[str, object] = {
            "format": c.format.name,
            "duration_s": (c.duration or 0) / 1_000_000,
            "streams": [s.type for s in c.streams],
            "video_codec": c.streams.video[0].codec_context.name if c.streams.video else None,
            "audio_codec": c.streams.audio[0].codec_context.name if c.streams.audio else None,
        }
        frames = []
        for frame in c.decode(video=0):
            frames.append((frame.pts, frame.key_frame, frame.time))
        info["frames"] = len(frames)
        info["first_key"] = bool(frames and frames[0][1])
        info["first_time_s"] = float(frames[0][2]) if frames else None
        info["key_frames"] = sum(1 for f in frames if f[1])
        info["last_time_s"] = float(frames[-1][2]) if frames else None
    return info
