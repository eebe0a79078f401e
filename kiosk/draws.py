"""Verifiable draws: commit → reveal → a deterministic selection from (pool, seed).

One scheme for every random choice the hall makes in front of witnesses — the evaluation experts
(``kiosk.experts``), and the auction's 摇号 lottery may use it too. Pure functions: no database,
no clock, no randomness except in :func:`hall_seed`, which takes its CSPRNG bytes as an argument
so that tests and verifiers can replay it. docs/rules/expert-area.md §2 states the scheme
precisely enough for another implementation to recompute a draw:

1. **Pool**: the eligible ids. ``pool_sha256`` = SHA-256 (hex) of the RFC 8785 JSON array of the
   ids, unique and sorted by code point (:func:`pool_sha256`).
2. **Seed**: 32 bytes = SHA-256 of ``DOMAIN_SEED`` followed, for each contribution (the CSPRNG's
   bytes first, then each witness's typed text in UTF-8), by its length as 4 bytes big-endian and
   the bytes (:func:`hall_seed`). Only the seed is revealed, never the contributions.
3. **Commitment**: SHA-256 hex of the 32 seed bytes (:func:`commitment`), journalled with the
   pool hash *before* anything depends on the seed.
4. **Beacon**: a value nobody in the hall knew at commitment time (the platform's signature on its
   receipt for the commitment record), or the empty string when none came.
5. **Key**: ``key = SHA-256(DOMAIN_KEY ‖ seed ‖ UTF-8(beacon))`` (:func:`draw_key`).
6. **Ranking**: each id gets ``HMAC-SHA256(key, UTF-8(label ‖ "\\n" ‖ id))``; ids sorted by that
   digest (ties, which SHA-256 makes vanishingly rare, by the id) form a uniformly random
   permutation (:func:`rank`); a draw takes its first ``n``.
7. **Lines**: a plan of lines (label, count, reserves) is drawn in plan order; an id already
   taken by an earlier line is skipped in later ones (:func:`select_lines`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kiosk.canonical import canonical

#: the scheme's name and version, journalled with every draw
SCHEME = "hallkiosk-draw-v1"
DOMAIN_SEED = b"hallkiosk-draw-v1/seed"
DOMAIN_KEY = b"hallkiosk-draw-v1/key"


class DrawError(ValueError):
    """A draw that cannot be made (a pool smaller than asked for, a malformed seed)."""


def canonical_pool(ids: Iterable[str]) -> list[str]:
    """The pool as it is hashed: unique ids sorted by code point."""
    return sorted(set(ids))


_PLAIN_ID = re.compile(r"[A-Za-z0-9._:/-]*")


def pool_sha256(ids: Iterable[str]) -> str:
    """SHA-256 hex of the RFC 8785 JSON array of the unique, sorted ids.

    Ids made only of letters, digits and ``._:/-`` need no escaping, so their RFC 8785 array is
    ``["a","b",…]`` and is built directly (10,000 ids in a few ms); any other id goes through the
    general serialiser. Both give the same bytes (tests/kiosk/test_experts.py).
    """
    pool = canonical_pool(ids)
    if all(_PLAIN_ID.fullmatch(i) for i in pool):
        data = ("[" + ",".join(f'"{i}"' for i in pool) + "]").encode("ascii")
    else:
        data = canonical(pool)
    return hashlib.sha256(data).hexdigest()


def hall_seed(random_bytes: bytes, *contributions: str) -> bytes:
    """The 32-byte seed from the CSPRNG's bytes (``secrets.token_bytes(32)``) and the witnesses' typed texts.

    Each part is length-prefixed, so no two different sets of contributions give the same input.
    """
    if len(random_bytes) < 16:
        raise DrawError("the CSPRNG part of a seed must be at least 16 bytes")
    h = hashlib.sha256(DOMAIN_SEED)
    for part in (random_bytes, *(c.encode("utf-8") for c in contributions)):
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


def commitment(seed: bytes) -> str:
    """SHA-256 hex of the seed: what is journalled before the draw."""
    return hashlib.sha256(seed).hexdigest()


def seed_from_hex(seed_hex: str) -> bytes:
    """A revealed seed (64 hex digits) as bytes."""
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError as exc:
        raise DrawError("the seed is not hexadecimal") from exc
    if len(seed) != 32:
        raise DrawError("the seed is not 32 bytes")
    return seed


def reveals(seed_hex: str, commitment_hex: str) -> bool:
    """Whether a revealed seed is the one committed to."""
    try:
        return hmac.compare_digest(commitment(seed_from_hex(seed_hex)), commitment_hex.lower())
    except DrawError:
        return False


def draw_key(seed: bytes, beacon: str) -> bytes:
    """The key the ranking uses: the seed mixed with the beacon (empty when none came)."""
    return hashlib.sha256(DOMAIN_KEY + seed + beacon.encode("utf-8")).digest()


def rank(pool: Iterable[str], key: bytes, label: str = "") -> list[str]:
    """Every id of the pool in draw order (a uniformly random permutation under an unknown key)."""
    base = hmac.new(key, (label + "\n").encode("utf-8"), hashlib.sha256)  # HMAC(key, label ‖ "\n" ‖ id), the prefix hashed once

    def digest(i: str) -> bytes:
        h = base.copy()
        h.update(i.encode("utf-8"))
        return h.digest()

    scored = [(digest(i), i) for i in set(pool)]
    scored.sort()
    return [i for _d, i in scored]


def select(pool: Iterable[str], key: bytes, n: int, label: str = "") -> list[str]:
    """The first ``n`` ids in draw order; :class:`DrawError` when the pool has fewer."""
    order = rank(pool, key, label)
    if len(order) < n:
        raise DrawError(f"pool of {len(order)} is smaller than {n}")
    return order[:n]


@dataclass(frozen=True)
class Line:
    """One line of a draw plan: ``count`` members and ``reserves`` reserves from the pool named ``label``."""

    label: str
    count: int
    reserves: int = 0


@dataclass(frozen=True)
class Pick:
    """One id drawn: its line, its place in that line's draw order (1-based) and whether it is a reserve."""

    id: str
    label: str
    order: int
    reserve: bool


def select_lines(pools: Mapping[str, Sequence[str]], lines: Sequence[Line], key: bytes,
                 exclude: Iterable[str] = ()) -> list[Pick]:
    """Draw every line of a plan in order; an id taken by an earlier line (or in ``exclude``) is skipped.

    Raises:
        DrawError: a line's pool, after what earlier lines took, is smaller than count + reserves.
    """
    taken = set(exclude)
    out: list[Pick] = []
    for line in lines:
        need = line.count + line.reserves
        free = [i for i in rank(pools.get(line.label, ()), key, line.label) if i not in taken]
        if len(free) < need:
            raise DrawError(f"{line.label}: pool of {len(free)} is smaller than {need}")
        for k, i in enumerate(free[:need], start=1):
            taken.add(i)
            out.append(Pick(i, line.label, k, k > line.count))
    return out
