"""Sealed files: large files (video segments) encrypted at rest in authenticated chunks (issue 20 item 9).

A face photo is one AES-GCM ciphertext (``kiosk.pii``: ``HK2 <len> <kid> <nonce> <body>``). A video
segment of tens of megabytes is sealed the same way **chunk by chunk**, so it never has to be one
ciphertext in memory twice and a damaged chunk is found where it is::

    b"HKREC1\\n" <16-byte file id>  then, per chunk of ≤ 1 MiB of plaintext:
    <4-byte big-endian length> <the chunk's kiosk.pii ciphertext: HK2, key id, nonce, body>

Every chunk is encrypted by :meth:`kiosk.pii.PiiVault.encrypt_with` under the hall's current data
key (the same key ids as faces: ``k1``, ``k2`` …, unwrapped per terminal by ``kiosk.keys``), with
the file id, the chunk's index and a "last chunk" flag bound as associated data. So a chunk moved
to another place or another file, a chunk dropped, or a file cut short does not decrypt
(:class:`SealedFileError`). Plain files (segments written before sealing) are read as they are
(:func:`read_file`), so nothing stored before has to be rewritten to stay playable.

A segment is sealed **as it is recorded** (:class:`SealedWriter`: the muxer writes a fragmented MP4
into it, a chunk is sealed and fsync'ed every second), so a kill leaves a sealed prefix that
:func:`salvage` reads back — never a clear file, and never more lost than the last second or two.

Pure: no database; ``devices`` may use it (import-linter).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidTag

from kiosk.pii import UnknownKeyId, kid_of_ciphertext

if TYPE_CHECKING:
    from kiosk.pii import PiiVault

MAGIC = b"HKREC1\n"
_ID_BYTES = 16
HEADER_BYTES = len(MAGIC) + _ID_BYTES
CHUNK = 1 << 20  #: plaintext bytes per chunk
_MAX_RECORD = CHUNK + 4 + 255 + 12 + 16  # HK2, length byte, key id, nonce, tag


class SealedFileError(ValueError):
    """A sealed file that is cut short, altered, or under a key this terminal does not hold."""


def is_sealed(head: bytes) -> bool:
    """Whether bytes (a file's first few) begin a sealed file."""
    return head.startswith(MAGIC)


def file_is_sealed(path: Path) -> bool:
    with open(path, "rb") as fh:
        return is_sealed(fh.read(len(MAGIC)))


def _context(file_id: bytes, index: int, last: bool) -> bytes:
    return b"hk-rec/1|" + file_id + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def seal_chunks(vault: PiiVault, data: bytes, *, kid: str | None = None) -> Iterator[bytes]:
    """The sealed form of ``data``, piece by piece (header first); under ``kid`` or the current key."""
    kid = kid or vault.current_kid
    file_id = os.urandom(_ID_BYTES)
    yield MAGIC + file_id
    count = max(1, -(-len(data) // CHUNK))
    view = memoryview(data)
    for i in range(count):
        chunk = bytes(view[i * CHUNK:(i + 1) * CHUNK])
        body = vault.encrypt_with(kid, chunk, context=_context(file_id, i, i == count - 1))
        yield len(body).to_bytes(4, "big") + body


def seal(vault: PiiVault, data: bytes, *, kid: str | None = None) -> bytes:
    return b"".join(seal_chunks(vault, data, kid=kid))


def write_sealed(vault: PiiVault, data: bytes, path: Path, *, kid: str | None = None) -> None:
    """Write ``data`` sealed to ``path`` (mode 0600, flushed and fsync'ed; replaces what was there)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for piece in seal_chunks(vault, data, kid=kid):
            fh.write(piece)
        fh.flush()
        os.fsync(fh.fileno())


class SealedWriter:
    """Seals a stream as it is written (a file-like object for a muxer: ``write`` and ``tell``, no ``seek``).

    Bytes are sealed into a chunk whenever a whole :data:`CHUNK` has come, and on :meth:`flush_chunk`
    (the encoder calls it every second), each chunk written and fsync'ed: a kill loses only what came
    since the last chunk, and what was written is still a valid prefix (:func:`salvage`). :meth:`close`
    seals the rest as the last chunk and returns the plaintext's (SHA-256, size).
    """

    def __init__(self, vault: PiiVault, path: Path, *, kid: str | None = None) -> None:
        self.vault, self.kid = vault, kid or vault.current_kid
        self.file_id = os.urandom(_ID_BYTES)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(self._fd, MAGIC + self.file_id)
        self._buffer = bytearray()
        self._hash = hashlib.sha256()
        self._size = 0
        self._index = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._hash.update(data)
        self._size += len(data)
        while len(self._buffer) >= CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def tell(self) -> int:
        return self._size

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        body = self.vault.encrypt_with(self.kid, chunk, context=_context(self.file_id, self._index, last))
        record = len(body).to_bytes(4, "big") + body
        view = memoryview(record)
        while view:
            view = view[os.write(self._fd, view):]
        self._index += 1

    def flush_chunk(self) -> None:
        """Seal what has come since the last chunk (if anything) and make it durable."""
        if self._buffer:
            self._emit(bytes(self._buffer), last=False)
            self._buffer.clear()
            os.fsync(self._fd)

    def close(self) -> tuple[str, int]:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()
        os.fsync(self._fd)
        os.close(self._fd)
        return self._hash.hexdigest(), self._size


def _records(blob: bytes) -> Iterator[bytes]:
    pos = HEADER_BYTES
    while pos < len(blob):
        if pos + 4 > len(blob):
            raise SealedFileError("sealed file cut short inside a chunk header")
        n = int.from_bytes(blob[pos:pos + 4], "big")
        if n > _MAX_RECORD or pos + 4 + n > len(blob):
            raise SealedFileError("sealed file cut short or damaged inside a chunk")
        yield blob[pos + 4:pos + 4 + n]
        pos += 4 + n


def kid_of(head: bytes) -> str | None:
    """The key id of a sealed file from its first bytes (≥ header + 4 + 4 + 255), None if not sealed."""
    if not is_sealed(head) or len(head) < HEADER_BYTES + 8:
        return None
    return kid_of_ciphertext(head[HEADER_BYTES + 4:])


def unseal(vault: PiiVault, blob: bytes) -> bytes:
    """The plaintext of a sealed file's bytes.

    Raises:
        SealedFileError: not sealed, cut short, reordered, altered, or under a key not held here.
    """
    if not is_sealed(blob) or len(blob) < HEADER_BYTES:
        raise SealedFileError("not a sealed file")
    file_id = blob[len(MAGIC):HEADER_BYTES]
    records = list(_records(blob))
    if not records:
        raise SealedFileError("sealed file has no chunk")
    out = []
    for i, rec in enumerate(records):
        try:
            out.append(vault.decrypt(rec, context=_context(file_id, i, i == len(records) - 1)))
        except UnknownKeyId as exc:
            raise SealedFileError(str(exc)) from exc
        except (InvalidTag, ValueError) as exc:
            raise SealedFileError(f"chunk {i} does not decrypt: altered, moved or the file was cut short") from exc
    return b"".join(out)


def salvage(vault: PiiVault, blob: bytes) -> tuple[bytes, bool]:
    """What can be read of a sealed file that may have been cut short (a kill while it was written).

    Chunks are decrypted in order up to the first that is cut, damaged or missing; every chunk
    returned is authentic and in its place (the file id and index are bound), so the result is a
    true prefix of what was written. Returns (that prefix, whether the file was whole).
    """
    if not is_sealed(blob) or len(blob) < HEADER_BYTES:
        return b"", False
    file_id = blob[len(MAGIC):HEADER_BYTES]
    out: list[bytes] = []
    pos, i = HEADER_BYTES, 0
    while pos + 4 <= len(blob):
        n = int.from_bytes(blob[pos:pos + 4], "big")
        if n > _MAX_RECORD or pos + 4 + n > len(blob):
            break
        record = blob[pos + 4:pos + 4 + n]
        for last in (False, True):
            try:
                out.append(vault.decrypt(record, context=_context(file_id, i, last)))
            except (InvalidTag, ValueError):
                continue
            if last:
                return b"".join(out), pos + 4 + n == len(blob)
            break
        else:
            break
        pos, i = pos + 4 + n, i + 1
    return b"".join(out), False


def read_file(path: Path, vault: PiiVault | None) -> bytes:
    """A file's plaintext: unsealed when sealed (needs ``vault``), else its bytes as they are."""
    data = Path(path).read_bytes()
    if not is_sealed(data):
        return data
    if vault is None:
        raise SealedFileError(f"{Path(path).name} is encrypted and no hall key is at hand")
    return unseal(vault, data)


def digest(path: Path, vault: PiiVault | None) -> tuple[str, int]:
    """Hex SHA-256 and size of a file's plaintext (what the journal names)."""
    data = read_file(path, vault)
    return hashlib.sha256(data).hexdigest(), len(data)
