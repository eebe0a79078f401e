"""The ID-number checks check-in needs, as pure core logic (GB 11643 MOD 11-2).

Why here and not an injected ``devices.validators``: "is this card's number valid" is a check-in
*rule* (it decides a refusal and its journal entry), so it belongs to the core and must hold in
every caller — kiosk, clerk console, CLI, tests — without depending on what a composition root
wired in. The checksum is twenty lines of arithmetic with no dependency; ``devices.validators``
keeps the richer validator (USCC, department tables, python-stdnum) for the ``validate`` CLI.
The two are cross-checked in the tests.
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.pii import normalise_id

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """The MOD 11-2 check character of 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str, card_type: str, *, today: dt.date) -> tuple[str, str] | None:
    """Why ``value`` is not a valid number for a card of ``card_type`` ((zh, en)), or None when valid.

    18-character numbers (resident cards, HK/Macau/Taiwan residence permits, 2023 foreigner cards)
    get the check character and the birth date checked; 2017 foreigner cards (3 letters + 12
    digits) get their format checked — their check digit is not published.
    """
    n = normalise_id(value)
    if card_type == "foreign_2017":
        if re.fullmatch(r"[A-Z]{3}\d{12}", n):
            return None
        return ("外国人永久居留证号码格式错误", "foreign permanent-resident card number is malformed")
    if not re.fullmatch(r"\d{17}[\dX]", n):
        return ("证件号码格式错误", "ID number is malformed")
    if check_char(n[:17]) != n[17]:
        return ("证件号码校验位错误", "ID number check character is wrong")
    try:
        birth = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return ("证件号码中的出生日期无效", "birth date in the ID number is not a date")
    if birth > today or birth.year < 1900:
        return ("证件号码中的出生日期不合理", "birth date in the ID number is out of range")
    return None


def card_expired(valid_until: str, *, today: dt.date) -> bool:
    """True when a card's ``valid_until`` (``YYYY-MM-DD`` or ``长期``) is before ``today``.

    An unreadable date counts as expired: a card whose validity cannot be read is not accepted
    by the machine (a clerk can look at it).
    """
    v = (valid_until or "").strip()
    if v in ("长期", "长期有效"):
        return False
    try:
        until = dt.date.fromisoformat(v)
    except ValueError:
        return True
    return until < today
