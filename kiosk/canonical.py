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


def payload_hash(payload: dict[str, Any]) -> str:
    """``"sha256:" + hex`` of the canonical payload."""
    return "sha256:" + sha256_hex(canonical(payload))


def envelope_hash(envelope: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical envelope without its ``hash`` member."""
    return sha256_hex(canonical({k: v for k, v in envelope.items() if k != "hash"}))
