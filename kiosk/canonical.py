"""RFC 8785 (JCS) canonical JSON and the hashes the platform defines over it (docs/platform-api.md §3)."""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_hash(payload: dict[str, Any], canonical_payload: bytes | None = None) -> str:
    """``"sha256:" + hex`` of the canonical payload (``canonical_payload``: its canonical bytes, when
    the caller already has them)."""
    return "sha256:" + sha256_hex(canonical(payload) if canonical_payload is None else canonical_payload)


#: stands for the payload while the rest of an envelope is canonicalised: a string no payload hash,
#: id, kind or time can contain (RFC 8785 writes U+0000 as ``\u0000``)
_PAYLOAD_SLOT = "\x00payload\x00"
_PAYLOAD_SLOT_JSON = canonical(_PAYLOAD_SLOT)


def envelope_hash(envelope: dict[str, Any], canonical_payload: bytes | None = None) -> str:
    """Hex SHA-256 of the canonical envelope without its ``hash`` member.

    ``canonical_payload``: the canonical bytes of ``envelope["payload"]``, when the caller already
    has them: they are put in the payload's place instead of canonicalising the payload again (the
    same bytes: a member's value is canonicalised on its own, whatever surrounds it)."""
    members = {k: v for k, v in envelope.items() if k != "hash"}
    if canonical_payload is None or "payload" not in members:
        return sha256_hex(canonical(members))
    text = canonical({**members, "payload": _PAYLOAD_SLOT})
    if text.count(_PAYLOAD_SLOT_JSON) != 1:  # another member spells the slot: canonicalise it all
        return sha256_hex(canonical(members))
    return sha256_hex(text.replace(_PAYLOAD_SLOT_JSON, canonical_payload))
