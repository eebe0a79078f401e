"""Time helpers: UTC inside, Beijing time on screen and in records, RFC 3339 on the wire."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """The machine's time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def rfc3339(when: dt.datetime, *, millis: bool = True) -> str:
    """``2026-11-27T09:01:02.123+08:00``: Beijing time with offset, as the platform speaks it."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    local = when.astimezone(BEIJING)
    return local.isoformat(timespec="milliseconds" if millis else "seconds")


def parse_rfc3339(text: str) -> dt.datetime:
    """Parse an RFC 3339 time with an offset (``Z`` accepted); naive input is refused."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time without offset: {text!r}")
    return value


def beijing(when: dt.datetime) -> dt.datetime:
    """The same instant in Beijing time, for display."""
    return when.astimezone(BEIJING)


def beijing_text(when: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An instant as Beijing time text (``""`` for None): the one formatter for screens and records."""
    return beijing(when).strftime(fmt) if when else ""
