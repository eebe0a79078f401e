"""Sealed files (kiosk.sealed): video segments encrypted at rest in AES-GCM chunks under the hall's data key."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kiosk import sealed
from kiosk.pii import KeySet, PiiVault, kid_of_ciphertext
from kiosk.sealed import CHUNK, HEADER_BYTES, MAGIC, SealedFileError


def _vault(*kids: str) -> PiiVault:
    keys = {k: os.urandom(32) for k in kids}
    return PiiVault(keyset=KeySet(keys, kids[-1], tuple(kids)))


def _records(blob: bytes) -> list[bytes]:
    out, pos = [], HEADER_BYTES
    while pos < len(blob):
        n = int.from_bytes(blob[pos:pos + 4], "big")
        out.append(blob[pos:pos + 4 + n])
        pos += 4 + n
    return out


def test_a_segment_seals_in_chunks_under_the_current_key_id_and_opens_again(tmp_path: Path) -> None:
    vault = _vault("k1", "k2")
    data = os.urandom(2 * CHUNK + 12345)  # three chunks, the last one short
    path = tmp_path / "seg.mp4"
    sealed.write_sealed(vault, data, path)
    blob = path.read_bytes()
    assert blob.startswith(MAGIC) and data[:64] not in blob  # nothing of the clear bytes on disk
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert [kid_of_ciphertext(r[4:]) for r in _records(blob)] == ["k2", "k2", "k2"]  # the current key, named
    assert sealed.kid_of(blob[:512]) == "k2"
    assert sealed.read_file(path, vault) == data
    assert sealed.digest(path, vault) == (hashlib.sha256(data).hexdigest(), len(data))
    assert vault.decrypt(blob) == data  # what the upload (sync/blobs) and a key rotation call
    empty = tmp_path / "empty.mp4"
    sealed.write_sealed(vault, b"", empty)
    assert sealed.read_file(empty, vault) == b""


def test_a_plain_segment_from_before_sealing_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "old.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"x" * 100)
    assert sealed.read_file(path, None) == path.read_bytes()
    assert not sealed.file_is_sealed(path)


@pytest.mark.parametrize("damage", ["cut_last_chunk", "swap_chunks", "flip_a_byte", "chunk_from_another_file",
                                    "cut_inside_a_chunk"])
def test_a_sealed_segment_cut_short_reordered_altered_or_spliced_does_not_open(tmp_path: Path, damage: str) -> None:
    vault = _vault("k1")
    data = os.urandom(2 * CHUNK + 10)
    blob = sealed.seal(vault, data)
    head, recs = blob[:HEADER_BYTES], _records(blob)
    if damage == "cut_last_chunk":
        bad = head + b"".join(recs[:-1])  # ends on a chunk boundary: only the "last chunk" flag tells
    elif damage == "swap_chunks":
        bad = head + recs[1] + recs[0] + recs[2]
    elif damage == "flip_a_byte":
        mutable = bytearray(blob)
        mutable[HEADER_BYTES + CHUNK // 2] ^= 1
        bad = bytes(mutable)
    elif damage == "chunk_from_another_file":
        other = _records(sealed.seal(vault, data))
        bad = head + recs[0] + other[1] + recs[2]
    else:
        bad = blob[:-100]
    with pytest.raises(SealedFileError):
        sealed.unseal(vault, bad)


def test_a_terminal_without_the_key_gets_a_clear_error_not_garbage(tmp_path: Path) -> None:
    path = tmp_path / "seg.mp4"
    sealed.write_sealed(_vault("k1"), b"video" * 1000, path)
    with pytest.raises(SealedFileError, match="k1"):
        sealed.read_file(path, _vault("k2"))
    with pytest.raises(SealedFileError, match="no hall key"):
        sealed.read_file(path, None)
