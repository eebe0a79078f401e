"""Where the hall's files live: ``Blob.path`` is relative to the data dir (issue 20 item 5).

Face photos, signed documents and video segments are files under the terminal's data dir
(``faces/<day>/<sha256>.hkenc``, ``opening/…pdf``, ``auction/<session>/…pdf``, ``recordings/…``),
each named by a ``Blob`` row. The row keeps the path **relative to the data dir**, and every reader
resolves it against the data dir of the terminal that is running. So a copy of a data dir (a
backup restored elsewhere, a training copy) works on its own files and can never reach the
original's — an absolute path once made a purge run in a copy shred the live terminal's photos.

A stored path that is absolute, or that climbs out with ``..``, is refused (:class:`BlobPathError`)
both when a row is written (``Blob.path`` is validated) and when one is read (:func:`resolve`).
This module is pure: no database, no I/O beyond path arithmetic.
"""

from __future__ import annotations

import secrets
from pathlib import Path, PurePosixPath, PureWindowsPath

#: the folders of the data dir the hall writes files into, and how many parts follow each
LAYOUT: dict[str, tuple[int, int, str]] = {  # folder: (fewest parts after it, most, suffix of the file)
    "faces": (2, 2, ".hkenc"),
    "opening": (1, 1, ".pdf"),
    "auction": (2, 2, ".pdf"),
    "recordings": (2, 4, ".mp4"),
}


class BlobPathError(ValueError):
    """A file path that is not inside the data dir (absolute, ``..``, or outside it)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def check_stored(stored: str) -> str:
    """``stored`` if it is a relative path that stays inside the data dir, else :class:`BlobPathError`.

    Refused: empty, absolute (``/x``, ``C:\\x``, ``\\\\server\\x``), backslashes, NUL, and any ``..`` part.
    """
    if not isinstance(stored, str) or not stored or "\x00" in stored:
        raise BlobPathError("文件路径为空或无效", "the file path is empty or invalid")
    if "\\" in stored or PurePosixPath(stored).is_absolute() or PureWindowsPath(stored).is_absolute() \
            or PureWindowsPath(stored).drive:
        raise BlobPathError("文件路径必须相对于数据目录", "the file path must be relative to the data dir")
    parts = PurePosixPath(stored).parts
    if any(p == ".." for p in parts):
        raise BlobPathError("文件路径不得用“..”跳出数据目录", "the file path may not climb out of the data dir with '..'")
    if not parts or parts == (".",):
        raise BlobPathError("文件路径为空或无效", "the file path is empty or invalid")
    return stored


def part_path(final: Path) -> Path:
    """Where a file is written before it is renamed to ``final`` by the unit that registers it: beside it,
    under a name of its own (``<sha>.<random>.part.hkenc``), so two writers of one file never share a
    part, and a part a crash left keeps the suffix retention's orphan sweep looks for."""
    suffix = "".join(final.suffixes[-1:])
    return final.with_name(f"{final.name[: len(final.name) - len(suffix)]}.{secrets.token_hex(4)}.part{suffix}")


def stored_path(data_dir: Path, path: Path) -> str:
    """The form of ``path`` kept in ``Blob.path``: relative to ``data_dir``, with ``/`` separators.

    Raises:
        BlobPathError: ``path`` is not inside ``data_dir``.
    """
    base = Path(data_dir).absolute()
    full = Path(path) if Path(path).is_absolute() else base / path
    try:
        rel = full.relative_to(base)
    except ValueError:
        raise BlobPathError("文件不在数据目录内", "the file is not inside the data dir") from None
    return check_stored(rel.as_posix())


def resolve(data_dir: Path, stored: str) -> Path:
    """The file ``stored`` names under the running terminal's ``data_dir``.

    Raises:
        BlobPathError: ``stored`` is absolute or climbs out of the data dir.
    """
    return Path(data_dir) / PurePosixPath(check_stored(stored))


def relative_from_layout(path: str) -> str | None:
    """The data-dir-relative form of an absolute ``path`` the hall wrote, found from its shape; None if none fits.

    Used by the migration for paths under another data dir than the one it runs for (the other
    terminals of a shared database): the last part of the path that is one of :data:`LAYOUT`'s
    folders, followed by as many parts as that folder holds and a file of its kind, starts it.
    """
    parts = PurePosixPath(path.replace("\\", "/")).parts
    for i in range(len(parts) - 1, -1, -1):
        shape = LAYOUT.get(parts[i])
        if shape is None:
            continue
        fewest, most, suffix = shape
        tail = parts[i + 1:]
        if fewest <= len(tail) <= most and tail[-1].endswith(suffix) and ".." not in tail:
            return "/".join(parts[i:])
    return None
