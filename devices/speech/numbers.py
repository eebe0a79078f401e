"""Mandarin reading of ticket and window numbers for voice calls (docs/rules/queue.md §3).

The rules halls use: a ticket is read letter first, then its digits one by one with 零 for zero
(``A012`` → "A零一二"); a window is read as a number (3 → "三号窗口", 10 → "十号窗口",
12 → "十二号窗口", 20 → "二十号窗口"). The standard call is "请A012号到3号窗口办理" on screen and
"请A零一二号到三号窗口办理" in the voice.

The text-to-speech engines read Chinese characters reliably but read Arabic digit runs in different
ways ("012" as "twelve", or digit by digit, depending on the engine and voice), so the voice text
carries no digits at all.
"""

from __future__ import annotations

import re
from typing import Literal

DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")

#: The call template on screen and, after :func:`speakable`, in the voice.
CALL_TEMPLATE = "请{ticket}号到{window}号窗口办理"

TicketStyle = Literal["digits", "number"]

_TICKET = re.compile(r"^([A-Za-z]{0,3})([0-9]{1,6})$")
_TOKEN = re.compile(r"(?<![0-9])([A-Za-z]{1,3})?([0-9]+)(?![0-9])")


def digits_zh(digits: str) -> str:
    """Read a digit string one digit at a time: ``"012"`` → "零一二".

    Raises:
        ValueError: ``digits`` holds anything but ASCII digits.
    """
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a digit string: {digits!r}")
    return "".join(DIGITS[int(d)] for d in digits)


def _below_10000(n: int) -> str:
    """Read 1..9999 as a Chinese number, with 零 for inner gaps and 十 (not 一十) at the head."""
    parts: list[str] = []
    zero_pending = False
    for power in (3, 2, 1, 0):
        d = (n // 10**power) % 10
        if d == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(DIGITS[d] + _UNITS[power])
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def number_zh(n: int) -> str:
    """Read a whole number as Mandarin does: 10 → "十", 12 → "十二", 20 → "二十", 105 → "一百零五".

    Args:
        n: 0 ≤ n < 100 000 000.

    Raises:
        ValueError: ``n`` is negative or too large.
    """
    if n < 0 or n >= 10**8:
        raise ValueError(f"number out of range: {n}")
    if n == 0:
        return DIGITS[0]
    high, low = divmod(n, 10000)
    if not high:
        return _below_10000(low)
    text = _below_10000(high) + "万"
    if low == 0:
        return text
    low_text = _below_10000(low)
    if low < 1000:
        text += "零"
        if 10 <= low < 20:
            low_text = "一" + low_text  # 一万零一十二, not 一万零十二
    return text + low_text


def ticket_zh(ticket: str, style: TicketStyle = "digits") -> str:
    """Read a ticket number: ``"A012"`` → "A零一二" (or "A十二" with ``style="number"``).

    Args:
        ticket: a prefix of up to three letters and up to six digits.
        style: ``"digits"`` reads digits one by one (the hall default); ``"number"`` as a number.

    Raises:
        ValueError: ``ticket`` is not a ticket number.
    """
    m = _TICKET.match(ticket.strip())
    if not m:
        raise ValueError(f"not a ticket number: {ticket!r}")
    letters, digits = m.group(1).upper(), m.group(2)
    return letters + (digits_zh(digits) if style == "digits" else number_zh(int(digits)))


def window_zh(window: int | str) -> str:
    """Read a window (counter): 3 → "三号窗口", ``"12"`` → "十二号窗口", ``"B2"`` → "B二号窗口".

    Raises:
        ValueError: ``window`` is not a number, optionally after up to three letters.
    """
    m = _TICKET.match(str(window).strip())
    if not m:
        raise ValueError(f"not a window number: {window!r}")
    return m.group(1).upper() + number_zh(int(m.group(2))) + "号窗口"


def call_text(ticket: str, window: int | str, template: str = CALL_TEMPLATE) -> str:
    """The call as shown on the board: ``call_text("A012", 3)`` → "请A012号到3号窗口办理"."""
    return template.format(ticket=ticket.strip().upper(), window=str(window).strip().upper())


def call_speech(
    ticket: str, window: int | str, template: str = CALL_TEMPLATE, style: TicketStyle = "digits"
) -> str:
    """The call as spoken: ``call_speech("A012", 3)`` → "请A零一二号到三号窗口办理".

    Raises:
        ValueError: the ticket or window is malformed.
    """
    w = window_zh(window)
    return template.format(ticket=ticket_zh(ticket, style), window=w[: -len("号窗口")])


def speakable(text: str, style: TicketStyle = "digits") -> str:
    """Turn display text into voice text: no Arabic digits left.

    A letter-prefixed number (a ticket, ``A012``) is read digit by digit (or per ``style``); a bare
    number (a window, a count) is read as a number. ``"请A012号到3号窗口办理"`` →
    "请A零一二号到三号窗口办理". Text without digits is returned unchanged.
    """

    def repl(m: re.Match[str]) -> str:
        letters, digits = m.group(1), m.group(2)
        if letters:
            if len(digits) > 6:
                return letters.upper() + digits_zh(digits)
            return ticket_zh(letters + digits, style)
        if (len(digits) > 1 and digits.startswith("0")) or len(digits) > 8:
            return digits_zh(digits)  # "007", long codes: one by one
        return number_zh(int(digits))

    return _TOKEN.sub(repl, text)
