"""The record kinds the platform validates (docs/platform-api.md §4), checked before a record is journalled.

A payload that the platform would reject as ``invalid-payload`` is a bug on our side; catching it
at append time keeps it out of the journal instead of dead-lettering it days later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kiosk.timeutil import parse_rfc3339

KIND_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z_]+)+$")


class InvalidRecord(ValueError):
    """A payload breaks docs/platform-api.md §4; the message names the kind and member."""


Check = Callable[[Any], bool]


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _str_or_null(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


def _time(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        parse_rfc3339(v)
    except ValueError:
        return False
    return True


def _date(v: Any) -> bool:
    return isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None


def _money(v: Any) -> bool:
    return isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v) is not None


def _one_of(*values: str) -> Check:
    return lambda v: v in values


def _bidders(v: Any) -> bool:
    if not isinstance(v, list):
        return False
    for b in v:
        if not isinstance(b, dict):
            return False
        for name, check in _OPENING_BIDDER.items():
            if name not in b or not check(b[name]):
                return False
    return True


def _selected(v: Any) -> bool:
    """``expert.draw``'s ``selected``: objects with ``expert_id`` (str), ``specialty`` (str), ``order`` (int), ``reserve`` (bool)."""
    return isinstance(v, list) and all(
        isinstance(x, dict) and _str(x.get("expert_id")) and _str(x.get("specialty")) and _int(x.get("order"))
        and _bool(x.get("reserve")) for x in v)


_OPENING_BIDDER: dict[str, Check] = {
    "registration_id": _str,
    "BIDDER_NAME": _str,
    "BIDDER_ORG_CODE": _str,
    "attendance": _one_of("present", "absent"),
    "decrypt_status": _str,
    "BID_PRICE": _str_or_null,
}

REQUIRED: dict[str, dict[str, Check]] = {
    "checkin.recorded": {
        "session_id": _str,
        "registration_id": _str_or_null,
        "person_name": _str,
        "person_id_hmac": _str,
        "method": _one_of("idcard", "qrcode+idcard", "manual"),
        "result": _one_of("accepted", "refused"),
        "checked_in_at": _time,
    },
    "ticket.issued": {
        "ticket_id": _str,
        "ticket_no": _str,
        "service_code": _str,
        "issued_at": _time,
        "business_date": _date,
    },
    "ticket.called": {
        "ticket_id": _str,
        "ticket_no": _str,
        "counter_no": _str,
        "called_at": _time,
        "call_count": _int,
    },
    "ticket.finished": {
        "ticket_id": _str,
        "ticket_no": _str,
        "counter_no": _str,
        "outcome": _one_of("served", "missed", "transferred", "expired", "cancelled"),
        "finished_at": _time,
    },
    "opening.record": {
        "session_id": _str,
        "BID_SECTION_CODE": _str,
        "BID_OPENING_TIME": _time,
        "BID_OPENING_ADDRESS": _str,
        "OPEN_COMPERE": _str,
        "bidders": _bidders,
        "outcome": _one_of("opened", "failed_quorum", "suspended"),
        "record_sha256": _str,
    },
    "auction.bid": {
        "session_id": _str,
        "lot_code": _str,
        "paddle_no": _str,
        "amount": _money,
        "source": _one_of("floor", "keypad", "listing"),
        "accepted": _bool,
        "at": _time,
    },
    "auction.result": {
        "session_id": _str,
        "lot_code": _str,
        "result": _one_of("sold", "unsold", "terminated"),
        "hammer_at": _time,
    },
    "recording.segment": {
        "room_code": _str,
        "camera": _str,
        "session_id": _str_or_null,
        "segment_no": _int,
        "started_at": _time,
        "ended_at": _time,
        "bytes": _int,
        "sha256": _str,
        "prev_segment_sha256": _str_or_null,
    },
    # --- v1.1 (docs/platform-api.md §7.4) ---
    "expert.draw": {
        "evaluation_id": _str,
        "pool_sha256": _str,
        "pool_size": _int,
        "seed_commitment": _str,
        "seed": _str,
        "selected": _selected,
        "at": _time,
    },
    "expert.response": {
        "evaluation_id": _str,
        "expert_id": _str,
        "channel": _one_of("sms", "voice", "manual"),
        "answer": _one_of("accept", "decline", "none"),
        "at": _time,
    },
    "expert.signin": {
        "evaluation_id": _str,
        "expert_id": _str,
        "person_id_hmac": _str,
        "face_match": _one_of("match", "no_match", "not_done"),
        "result": _one_of("admitted", "refused"),
        "at": _time,
    },
    "expert.signout": {"evaluation_id": _str, "expert_id": _str, "at": _time},
    "supervision.order": {
        "room_code": _str,
        "session_id": _str_or_null,
        "order": _one_of("pause", "resume", "note"),
        "reason": _str,
        "supervisor": _str,
        "at": _time,
    },
    "witness.note": {
        "room_code": _str,
        "session_id": _str_or_null,
        "step": _str,
        "text": _str,
        "witness": _str,
        "at": _time,
    },
}

#: members required only in some cases: (kind, condition member, condition value) → members
CONDITIONAL: dict[tuple[str, str, Any], dict[str, Check]] = {
    ("checkin.recorded", "result", "refused"): {"refusal_reason": _str},
    ("auction.bid", "accepted", False): {"reason": _str},
    ("expert.signin", "result", "refused"): {"refusal_reason": _str},
    ("auction.result", "result", "sold"): {
        "hammer_price": _money,
        "paddle_no": _str,
        "buyer_name": _str,
        "buyer_code": _str,
        "confirmation_sha256": _str,
    },
}

OPTIONAL: dict[str, dict[str, Check]] = {
    "checkin.recorded": {"paddle_no": _str, "face_photo_sha256": _str},
}


def validate(kind: str, payload: dict[str, Any]) -> None:
    """Raise InvalidRecord when ``payload`` breaks §4 for ``kind``; other kinds pass as they are.

    Floats are refused everywhere: money is a decimal string, and RFC 8785 number formatting
    is the one place two implementations could hash the same value differently.
    """
    if not KIND_RE.match(kind):
        raise InvalidRecord(f"kind {kind!r} does not match {KIND_RE.pattern}")
    if not isinstance(payload, dict):
        raise InvalidRecord(f"{kind}: payload must be an object")
    _no_floats(kind, payload, "payload")
    rules = dict(REQUIRED.get(kind, {}))
    for (k, member, value), extra in CONDITIONAL.items():
        if k == kind and payload.get(member) == value:
            rules.update(extra)
    for name, check in rules.items():
        if name not in payload:
            raise InvalidRecord(f"{kind}: missing {name!r}")
        if not check(payload[name]):
            raise InvalidRecord(f"{kind}: {name!r} has the wrong type or value: {payload[name]!r}")
    for name, check in OPTIONAL.get(kind, {}).items():
        if name in payload and payload[name] is not None and not check(payload[name]):
            raise InvalidRecord(f"{kind}: {name!r} has the wrong type: {payload[name]!r}")


def _no_floats(kind: str, value: Any, where: str) -> None:
    if isinstance(value, float):
        raise InvalidRecord(f"{kind}: {where} is a float; use a decimal string")
    if isinstance(value, dict):
        for k, v in value.items():
            _no_floats(kind, v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_floats(kind, v, f"{where}[{i}]")
