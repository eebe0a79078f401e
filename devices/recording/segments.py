"""Segment files: temp name while open, atomic rename when closed, SHA-256, crash recovery.

Layout (Frigate's, docs/code-style.md practice 11): ``<data_dir>/recordings/<room>/<YYYY-MM-DD>/`` with one
file per closed segment, named ``<HHMMSS>_<camera>_<start ms>-<end ms>.mp4`` (Beijing date and
time; the epoch milliseconds make the name sort and let recovery register a closed file whose
catalogue row never committed). While a segment is written it is ``<start ms>_<camera>.partial.mp4``; only the closed,
flushed, fsync'ed file is renamed to ``.mp4``. A kill therefore loses at most the open segment,
and :func:`recover` finds its ``.partial`` on the next start, moves it to ``quarantine/`` and
reports the gap it leaves.

Segments written with the hall's key are **sealed** (``kiosk.sealed``: AES-GCM chunks under the
hall's data key, issue 20 item 9) under the same names, from their first byte (the ``.partial``
too); older plain MP4 files are read as they are. Given the vault, :func:`recover` first
**salvages** a sealed partial: its durable chunks, cut to the last whole MP4 fragment, become a
closed segment of their own, so a kill loses a second or two rather than the open segment.
:func:`media_source` gives a player or prober what PyAV opens: the path of a plain file, or the
decrypted bytes of a sealed one in memory (never a clear copy on disk). The composition root
installs the hall's vault once (:func:`use_vault`) for the players that are not handed one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import sealed

if TYPE_CHECKING:
    from kiosk.pii import PiiVault

log = logging.getLogger(__name__)
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
PARTIAL = ".partial.mp4"  #: ends in .mp4: OpenCV picks its container by the suffix
_NAME = re.compile(r"^(\d{6})_(.+)_(\d{13})-(\d{13})\.mp4$")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str) -> str:
    """A file-name-safe form of a room or camera name."""
    return _SAFE.sub("-", text).strip("-") or "x"


@dataclass(frozen=True)
class ClosedSegment:
    """A finished segment file, ready for the catalogue.

    Attributes:
        path: the final file.
        camera: the camera's name.
        started_at: wall time (epoch s) of the first frame.
        ended_at: wall time of the end of the last frame (last frame + one period).
        frames: video frames written.
        first_index: the camera's frame number of the first frame.
        last_index: the camera's frame number of the last frame.
        bytes: file size.
        sha256: hex SHA-256 of the file.
        has_audio: whether the file has an audio stream.
        encrypted: the file is sealed (``kiosk.sealed``); ``sha256`` and ``bytes`` are then the plaintext's.
    """

    path: Path
    camera: str
    started_at: float
    ended_at: float
    frames: int
    first_index: int
    last_index: int
    bytes: int
    sha256: str
    has_audio: bool
    encrypted: bool = False


_VAULT: list[PiiVault] = []  # the vault the composition root installed (use_vault), at most one


def use_vault(vault: PiiVault | None) -> None:
    """Install the hall's vault for players and probes that are not handed one (None removes it)."""
    _VAULT[:] = [vault] if vault is not None else []


def installed_vault() -> PiiVault | None:
    return _VAULT[0] if _VAULT else None


def media_source(path: Path, vault: PiiVault | None = None) -> str | io.BytesIO:
    """What ``av.open`` should open: a plain file's path, or a sealed file decrypted into memory.

    Raises:
        kiosk.sealed.SealedFileError: sealed, and no key or the wrong one at hand, or altered.
    """
    path = Path(path)
    if not sealed.file_is_sealed(path):
        return str(path)
    return io.BytesIO(sealed.read_file(path, vault or installed_vault()))


def segment_digest(path: Path, vault: PiiVault | None = None) -> tuple[str, int, bool]:
    """(SHA-256, size, sealed) of a segment's plaintext: what the catalogue and the journal name."""
    path = Path(path)
    if sealed.file_is_sealed(path):
        digest, size = sealed.digest(path, vault or installed_vault())
        return digest, size, True
    digest, size = sha256_file(path)
    return digest, size, False


def sha256_file(path: Path) -> tuple[str, int]:
    """Hex SHA-256 and size of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def segment_dir(root: Path, room: str, wall_time: float) -> Path:
    """``<root>/<room>/<YYYY-MM-DD>`` (Beijing date) for a segment starting at ``wall_time``."""
    day = dt.datetime.fromtimestamp(wall_time, BEIJING).strftime("%Y-%m-%d")
    return root / safe_name(room) / day


def final_name(camera: str, started_at: float, ended_at: float) -> str:
    hms = dt.datetime.fromtimestamp(started_at, BEIJING).strftime("%H%M%S")
    return f"{hms}_{safe_name(camera)}_{int(started_at * 1000):013d}-{int(ended_at * 1000):013d}.mp4"


def parse_name(name: str) -> tuple[str, float, float] | None:
    """(camera, started_at, ended_at) from a final segment name, or None."""
    m = _NAME.match(name)
    if not m:
        return None
    return m.group(2), int(m.group(3)) / 1000, int(m.group(4)) / 1000


def finish(partial: Path, camera: str, started_at: float, ended_at: float, *,
           digest: tuple[str, int] | None = None, **facts: object) -> ClosedSegment:
    """fsync the closed ``partial`` file, rename it to its final name and hash it.

    ``digest``: the plaintext's (SHA-256, size) when the encoder sealed the file (it is then not re-read).
    """
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    final = partial.parent / final_name(camera, started_at, ended_at)
    os.replace(partial, final)
    try:  # make the rename itself durable
        dfd = os.open(partial.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    sha, size = digest if digest is not None else sha256_file(final)
    return ClosedSegment(
        path=final, camera=camera, started_at=started_at, ended_at=ended_at, bytes=size, sha256=sha,
        encrypted=digest is not None, **facts  # type: ignore[arg-type]  # facts: the remaining ClosedSegment fields
    )


@dataclass(frozen=True)
class Recovered:
    """What :func:`recover` found after an unclean stop."""

    quarantined: tuple[Path, ...]  #: partial files moved aside (the lost open segments)
    gaps: tuple[tuple[str, float, float], ...]  #: (room dir, from, to) epoch s: the lost spans, best known
    salvaged: tuple[ClosedSegment, ...] = ()  #: what a sealed partial still held, closed as a segment of its own


def recover(root: Path, vault: PiiVault | None = None) -> Recovered:
    """Move every ``*.partial`` under ``root`` to ``root/quarantine/`` (kept as it was, never registered).

    With the hall's ``vault``, a sealed partial (a segment killed while it was recorded) is first
    salvaged: the whole fragments its durable chunks hold are sealed again as a closed segment of their
    own, and the gap reported starts where they end.
    """
    moved, gaps, saved = [], [], []
    if not root.exists():
        return Recovered((), ())
    qdir = root / "quarantine"
    for partial in sorted(root.rglob(f"*{PARTIAL}")):
        if qdir in partial.parents:
            continue
        qdir.mkdir(parents=True, exist_ok=True)
        target = qdir / f"{partial.parent.parent.name}_{partial.parent.name}_{partial.name}"
        st = partial.stat()
        m = re.match(r"^(\d{13})_(.+)" + re.escape(PARTIAL) + "$", partial.name)
        start = int(m.group(1)) / 1000 if m else st.st_mtime
        rescued = _salvage(partial, m.group(2), start, vault) if m and vault is not None else None
        os.replace(partial, target)
        moved.append(target)
        if rescued is not None:
            saved.append(rescued)
            log.warning("recording: %.1f s of unfinished segment %s salvaged", rescued.ended_at - start, partial.name)
        gaps.append((partial.parent.parent.name, rescued.ended_at if rescued else start, max(st.st_mtime, start)))
        log.warning("recording: unfinished segment %s quarantined (the recorder stopped uncleanly)", partial.name)
    return Recovered(tuple(moved), tuple(gaps), tuple(saved))


def whole_fragments(data: bytes) -> int:
    """The length of the longest prefix of a fragmented MP4 that ends on a whole top-level box after a ``mdat``."""
    pos, end = 0, 0
    while pos + 8 <= len(data):
        size, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if size == 1 and pos + 16 <= len(data):
            size = int.from_bytes(data[pos + 8:pos + 16], "big")
        if size < 8 or pos + size > len(data):
            break
        pos += size
        if kind == b"mdat":
            end = pos
    return end


def _salvage(partial: Path, camera: str, start: float, vault: PiiVault) -> ClosedSegment | None:
    """The whole fragments of a sealed partial, sealed again under its final name; None if there are none."""
    import av

    try:
        blob = partial.read_bytes()
        if not sealed.is_sealed(blob):
            return None
        plain, _whole = sealed.salvage(vault, blob)
        plain = plain[:whole_fragments(plain)]
        if not plain:
            return None
        frames, last, has_audio, rate = 0, 0.0, False, 0.0
        with av.open(io.BytesIO(plain), mode="r") as c:
            has_audio = bool(c.streams.audio)
            stream = c.streams.video[0]
            rate = float(stream.average_rate or stream.guessed_rate or 0) or 25.0
            for frame in c.decode(video=0):
                frames += 1
                last = float(frame.time or 0.0)
    except Exception as exc:  # noqa: BLE001 - a damaged partial stays in the quarantine only
        log.warning("recording: %s could not be salvaged: %s", partial.name, type(exc).__name__)
        return None
    if not frames:
        return None
    ended = start + last + 1 / rate
    final = partial.parent / final_name(camera, start, ended)
    sealed.write_sealed(vault, plain, final)
    return ClosedSegment(path=final, camera=camera, started_at=start, ended_at=ended, frames=frames, first_index=0,
                         last_index=frames - 1, bytes=len(plain), sha256=hashlib.sha256(plain).hexdigest(),
                         has_audio=has_audio, encrypted=True)


def partial_path(directory: Path, camera: str, started_at: float) -> Path:
    """The temp name of an open segment: ``<start ms>_<camera>.partial.mp4``."""
    return directory / f"{int(started_at * 1000):013d}_{safe_name(camera)}{PARTIAL}"


def closed_files(root: Path) -> list[Path]:
    """Every final segment file under ``root`` (not the quarantine), sorted by name."""
    if not root.exists():
        return []
    qdir = root / "quarantine"
    return sorted(p for p in root.rglob("*.mp4") if qdir not in p.parents and not p.name.endswith(PARTIAL) and parse_name(p.name))
