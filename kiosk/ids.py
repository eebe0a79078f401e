"""UUIDv7 record keys (RFC 9562 §5.7), monotonic within a process.

Python 3.11's ``uuid`` has no ``uuid7`` (it arrives in 3.14); this is the RFC's layout:
48-bit Unix milliseconds, version 7, 12 bits of sub-millisecond counter (method 1 of §6.2,
so keys made in the same millisecond still sort), variant 10, 62 random bits.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """A new UUIDv7; sorts after every key made before it in this process."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        if ms <= _last_ms:
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                _last_ms += 1
                _counter = 0
            ms = _last_ms
        else:
            _last_ms = ms
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF  # leave room to count up
        rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | _counter << 64 | 0b10 << 62 | rand
        return uuid.UUID(int=value)
