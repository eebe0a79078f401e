"""Segments sealed at rest as the recorder closes them; played and probed from memory; old plain files still play."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from devices.camera import SyntheticCamera
from devices.recording import (
    CameraRecorder,
    ClosedSegment,
    SegmentPlayer,
    make_encoder,
    media_source,
    probe,
    recover,
    segment_digest,
    use_vault,
)
from devices.recording.segments import PARTIAL
from kiosk import sealed
from kiosk.pii import PiiVault

W, H, FPS = 320, 240, 10


def record(tmp_path: Path, vault: PiiVault | None, *, encoder: str = "pyav", frames: int = 21, seconds: int = 2, queue: int = 30,
           watch: Callable[[CameraRecorder], None] | None = None) -> list[ClosedSegment]:
    segs: list[ClosedSegment] = []
    rec = CameraRecorder(
        SyntheticCamera(W, H, FPS, realtime=False), camera_name="cam1", room="KB-03", root=tmp_path / "recordings",
        encoder_factory=lambda: make_encoder(encoder, vault=vault), width=W, height=H, fps=FPS, segment_seconds=seconds,
        on_segment=segs.append, queue_frames=queue,
    )
    stop = threading.Event()
    threads = [threading.Thread(target=rec.capture_loop, args=(stop,)), threading.Thread(target=rec.encode_loop, args=(stop,))]
    for t in threads:
        t.start()
    rec.start("S-1")
    deadline = time.monotonic() + 20
    while rec.stats.written < frames and time.monotonic() < deadline:
        if watch is not None:
            watch(rec)
        time.sleep(0.002)
    rec.stop()
    stop.set()
    for t in threads:
        t.join(20)
    return segs


def test_closed_segments_are_sealed_and_their_digest_is_the_plain_mp4s(tmp_path: Path) -> None:
    vault = PiiVault(os.urandom(32))
    heads: list[bytes] = []

    def watch(_rec: CameraRecorder) -> None:  # while a segment is open its file is sealed from the first byte
        for p in (tmp_path / "recordings").rglob(f"*{PARTIAL}"):
            try:
                with open(p, "rb") as fh:
                    heads.append(fh.read(len(sealed.MAGIC)))
            except FileNotFoundError:  # renamed to its final name meanwhile
                pass

    segs = record(tmp_path, vault, watch=watch)
    # never a clear MP4 on disk: every read is the sealed magic, or the start of it in a file just created
    # (an empty one was read under load: the watcher opened it between its creation and its first write)
    assert len(segs) >= 2 and sealed.MAGIC in heads and all(sealed.MAGIC.startswith(h) for h in heads), set(heads)
    for seg in segs[:2]:
        raw = seg.path.read_bytes()
        assert seg.encrypted and raw.startswith(sealed.MAGIC) and b"ftyp" not in raw
        assert os.stat(seg.path).st_mode & 0o777 == 0o600
        plain = sealed.read_file(seg.path, vault)
        assert plain[4:8] == b"ftyp" and (hashlib.sha256(plain).hexdigest(), len(plain)) == (seg.sha256, seg.bytes)
        assert segment_digest(seg.path, vault) == (seg.sha256, seg.bytes, True)
        info = probe(seg.path, vault)
        assert info["first_key"] and info["frames"] == seg.frames and info["video_codec"] == "h264"
    with pytest.raises(sealed.SealedFileError):
        probe(segs[0].path, PiiVault(os.urandom(32)))  # another hall's key: refused, not garbage


def test_the_opencv_fallback_seals_its_segment_when_it_closes(tmp_path: Path) -> None:
    vault = PiiVault(os.urandom(32))
    segs = record(tmp_path, vault, encoder="opencv", frames=12)
    assert segs and all(s.encrypted and s.path.read_bytes().startswith(sealed.MAGIC) for s in segs)
    assert probe(segs[0].path, vault)["first_key"]


def test_the_player_decodes_sealed_segments_in_memory_and_old_plain_ones_as_before(tmp_path: Path) -> None:
    vault = PiiVault(os.urandom(32))
    new = record(tmp_path / "new", vault, frames=12)[0]
    old = record(tmp_path / "old", None, frames=12)[0]  # written before sealing: a plain MP4
    assert not old.encrypted and old.path.read_bytes()[4:8] == b"ftyp"
    assert isinstance(media_source(old.path), str)  # plain files are opened where they are
    frames: list[tuple[np.ndarray, float]] = []
    errors: list[str] = []
    stop = threading.Event()
    use_vault(vault)  # what the composition root does (hallkiosk.wiring_recording.attach)
    try:
        player = SegmentPlayer(on_frame=lambda img, pos, dur: frames.append((img, pos)), on_error=errors.append)
        t = threading.Thread(target=player.run, args=(stop,))
        t.start()
        for path in (new.path, old.path):
            frames.clear()
            player.open(path, 0.5, play=False)
            deadline = time.monotonic() + 10
            while not frames and not errors and time.monotonic() < deadline:
                time.sleep(0.01)
            assert not errors and frames and frames[0][0].shape == (H, W, 3) and frames[0][1] >= 0.5 - 1e-6
        use_vault(None)
        player.open(new.path, 0.0, play=False)  # no key at hand: a short error, no crash
        deadline = time.monotonic() + 10
        while not errors and time.monotonic() < deadline:
            time.sleep(0.01)
        assert errors and "SealedFileError" in errors[0]
    finally:
        use_vault(None)
        stop.set()
        t.join(10)
    assert not list((tmp_path / "new").rglob("*.tmp"))  # no clear copy was written beside it


@pytest.mark.allow_log_warnings(r"salvaged|quarantined")
def test_a_segment_killed_while_recorded_is_salvaged_up_to_its_last_durable_fragment(tmp_path: Path) -> None:
    """A kill -9 leaves the open segment's sealed chunks: recovery closes what they hold as a segment of its own."""
    vault = PiiVault(os.urandom(32))
    killed = tmp_path / "killed"

    def watch(rec: CameraRecorder) -> None:  # the file as a kill would leave it, 4.5 s into a 6-s segment
        if not killed.exists() and rec.stats.written >= 45:
            for p in (tmp_path / "live" / "recordings").rglob(f"*{PARTIAL}"):
                copy = killed / p.relative_to(tmp_path / "live" / "recordings")
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(p.read_bytes())

    record(tmp_path / "live", vault, frames=60, seconds=6, queue=10_000, watch=watch)  # no frame dropped
    partial = next(killed.rglob(f"*{PARTIAL}"))
    assert sealed.salvage(vault, partial.read_bytes())[1] is False  # cut short: no last chunk
    found = recover(killed, vault)
    assert len(found.quarantined) == 1 and len(found.salvaged) == 1
    seg = found.salvaged[0]
    assert 20 <= seg.frames < 60 and seg.encrypted and seg.path.name.endswith(".mp4") and PARTIAL not in seg.path.name
    plain = sealed.read_file(seg.path, vault)  # sealed again, whole: it opens strictly
    assert (hashlib.sha256(plain).hexdigest(), len(plain)) == (seg.sha256, seg.bytes)
    info = probe(seg.path, vault)
    assert info["first_key"] and info["frames"] == seg.frames
    assert abs((seg.ended_at - seg.started_at) - seg.frames / FPS) < 1e-6
    (_room, gap_from, _gap_to), = found.gaps
    assert gap_from == seg.ended_at  # the lost span starts where the salvaged picture ends
    assert recover(killed, None).salvaged == ()  # nothing left to salvage; without the key nothing would be


def test_salvage_reads_the_authentic_prefix_of_a_cut_sealed_stream(tmp_path: Path) -> None:
    vault = PiiVault(os.urandom(32))
    w = sealed.SealedWriter(vault, tmp_path / "s.partial.mp4")
    w.write(b"a" * 1000)
    w.flush_chunk()
    w.write(b"b" * 1000)
    w.flush_chunk()
    w.write(b"c" * 10)  # never flushed: lost in a kill
    blob = (tmp_path / "s.partial.mp4").read_bytes()
    assert sealed.salvage(vault, blob) == (b"a" * 1000 + b"b" * 1000, False)
    assert sealed.salvage(vault, blob[:-5]) == (b"a" * 1000, False)  # a torn chunk is dropped, not guessed
    with pytest.raises(sealed.SealedFileError):
        sealed.unseal(vault, blob)  # a strict read refuses a cut file
    assert w.close() == (hashlib.sha256(b"a" * 1000 + b"b" * 1000 + b"c" * 10).hexdigest(), 2010)
    whole = (tmp_path / "s.partial.mp4").read_bytes()
    assert sealed.salvage(vault, whole) == (b"a" * 1000 + b"b" * 1000 + b"c" * 10, True)
    assert sealed.unseal(vault, whole) == b"a" * 1000 + b"b" * 1000 + b"c" * 10
