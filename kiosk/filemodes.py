"""Files at rest (issue 20 must 9): the data dir is 0700, what the hall writes 0600, secrets checked.

The composition root and the CLI set ``umask 077`` before anything is written, so every file and
directory the hall makes is its owner's alone; :func:`private_dir` and :func:`create_private_file`
make the data dir and ``hall.db`` private even when the umask was not set (a script or a test
calling ``Hall.open``). At start the secrets — ``[platform] secret_file``, the key files under
``keys/`` (and ``[security] key_file``/``kek_file`` when set elsewhere), ``hall.db`` and its WAL —
are checked: one that others may read means it may already have been read, so the hall refuses to
start and says the fix (``hallkiosk/failures.py``, exit 16) rather than quietly tightening it.
Everything else of the data dir is tightened (:func:`tighten`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config

PRIVATE_UMASK = 0o077
OPEN_BITS = 0o077  #: group and other: any of them set is too open for a secret


def private_dir(path: Path) -> None:
    """Create ``path`` (and its parents) with the data dir's mode 0700 when it does not exist."""
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask; the data dir is 0700 whatever it is


def create_private_file(path: Path) -> None:
    """Create an empty ``path`` with mode 0600 unless it exists (``hall.db`` before SQLite opens it)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def secret_files(config: Config) -> list[Path]:
    """The secrets of a terminal that exist: journal secret, key files, the SQLite database."""
    found: list[Path] = []
    if config.platform.secret_file:
        found.append(Path(config.platform.secret_file))
    keys = config.data_dir / "keys"
    if keys.is_dir():
        found.extend(sorted(p for p in keys.iterdir() if p.is_file()))
    for name in ("key_file", "kek_file"):
        configured = getattr(config.security, name, "")
        if configured:
            found.append(Path(configured))
    db = sqlite_file(config.database_url)
    if db is not None:
        found.extend((db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")))
    unique: list[Path] = []
    for p in found:
        if p.is_file() and p not in unique:
            unique.append(p)
    return unique


def too_open(config: Config) -> list[tuple[Path, int]]:
    """The secrets group or others may touch, with their modes."""
    out = []
    for p in secret_files(config):
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & OPEN_BITS:
            out.append((p, mode))
    return out


def tighten(data_dir: Path, *, deep: bool) -> int:
    """Take group and other bits off the data dir and, ``deep``, everything under it (else only
    its own files and ``keys/``, ``logs/``); returns how many modes changed. Symlinks and what
    this user does not own are left alone."""
    changed = 0

    def fix(path: Path) -> None:
        nonlocal changed
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid():
                return
            mode = stat.S_IMODE(st.st_mode)
            if mode & OPEN_BITS:
                os.chmod(path, mode & ~OPEN_BITS)
                changed += 1
        except OSError:
            return

    if not data_dir.is_dir():
        return 0
    fix(data_dir)
    if deep:
        for root, dirs, files in os.walk(data_dir):
            for name in dirs + files:
                fix(Path(root) / name)
        return changed
    for child in data_dir.iterdir():
        fix(child)
        if child.name in ("keys", "logs") and child.is_dir():
            for grandchild in child.iterdir():
                fix(grandchild)
    return changed
