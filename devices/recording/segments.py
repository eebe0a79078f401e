"""Segment files: temp name while open, atomic rename when closed, SHA-256, crash recovery.

Layout (Frigate's, docs/code-style.md practice 11): ``<data_dir>/recordings/<room>/<YYYY-MM-DD>/`` with one
file per closed segment, named ``<HHMMSS>_<camera>_<start ms>-<end ms>.mp4`` (Beijing date and
time; the epoch milliseconds make the name sort and let recovery register a closed file whose
catalogue row never committed). While a segment is written it is ``<start ms>_<camera>.partial.mp4``; only the closed,
flushed, fsync'ed file is renamed to ``.mp4``. A kill therefore loses at most the open segment,
and :func:`recover` finds its ``.partial`` on the next start, moves it to ``quarantine/`` and
reports the gap it leaves.

Segments written with the hall's key are **sealed** (``kiosk.sealed``: AES-GCM chunks under the
hall's data key, issue 20 item 9) under the same names; older plain MP4 files are read as they are.
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


def recover(root: Path) -> Recovered:
    """Move every ``*.partial`` under ``root`` to ``root/quarantine/`` (never decoded or registered)."""
    moved, gaps = [], []
    if not root.exists():
        return Recovered((), ())
    qdir = root / "quarantine"
    for partial in sorted(root.rglob(f"*{PARTIAL}")):
        if qdir in partial.parents:
            continue
        qdir.mkdir(parents=True, exist_ok=True)
        target = qdir / f"{partial.parent.parent.name}_{partial.parent.name}_{partial.name}"
        st = partial.stat()
        m = re.match(r"^(\d{13})_", partial.name)
        start = int(m.group(1)) / 1000 if m else st.st_mtime
        os.replace(partial, target)
        moved.append(target)
        gaps.append((partial.parent.parent.name, start, st.st_mtime))
        log.warning("recording: unfinished segment %s quarantined (the recorder stopped uncleanly)", partial.name)
    return Recovered(tuple(moved), tuple(gaps))


def partial_path(directory: Path, camera: str, started_at: float) -> Path:
    """The temp name of an open segment: ``<start ms>_<camera>.partial.mp4``."""
    return directory / f"{int(started_at * 1000):013d}_{safe_name(camera)}{PARTIAL}"


def closed_files(root: Path) -> list[Path]:
    """Every final segment file under ``root`` (not the quarantine), sorted by name."""
    if not root.exists():
        return []
    qdir = root / "quarantine"
    return sorted(p for p in root.rglob("*.mp4") if qdir not in p.parents and not p.name.endswith(PARTIAL) and parse_name(p.name))
