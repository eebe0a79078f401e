"""Validating feed items before they are applied (docs/platform-api.md §2, §7.1, §7.3).

One malformed record must never stop a feed, and never another feed (issue 20: a lot without
``lot_code`` raised ``KeyError`` and the market ban in the next feed was never applied). So every
item of a page goes through :func:`validate_item` first: it checks the envelope (``op``, ``key``,
``version``) and, for an upsert, the record's members that the hall stores or acts on — presence,
JSON type, the platform's enumerations, RFC 3339 times, decimal-string money, and the lengths of the
columns they land in — and returns a :class:`FeedItem`. Whatever is wrong raises
:class:`FeedItemError` (and nothing else, whatever JSON it is given: ``tests/sync/test_feeds_fuzz.py``)
naming the feed, the key and the member, in Chinese and English. The puller dead-letters such an
item (``kiosk.feed_dead_letters``) and applies the rest of the page.

The reasons never quote a value: a record may carry an ID number or a phone number.
Members the hall does not know are let through (a newer platform may add some).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.pii import normalise_id
from kiosk.timeutil import parse_rfc3339

KEY_MAX = 128  #: feed keys land in String(128) columns
VERSION_MAX = 2**63 - 1  #: BigInteger
INT_MAX = 2**31 - 1  #: Integer columns (quorum, max_wins_per_paddle)
MONEY = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,8})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

SESSION_KINDS = ("bid_opening", "auction", "listing_auction")
PRICE_UNITS = ("0", "1")
STAFF_ROLES = ("host", "recorder", "supervisor", "witness", "tenderer_rep", "notary", "auctioneer")
AFTER_CAP_METHODS = ("lottery", "area", "self_hold", "average")
AFTER_CAP_UNITS = ("m2", "percent")
CODE_TYPES = ("USCC", "ID")
DEPOSIT_STATUSES = ("paid", "unpaid", "guarantee", "refunded", "forfeited")
BODY_TYPES = ("entity", "person", "expert")
DECRYPT_STATUSES = ("pending", "ok", "failed_bidder", "failed_other")
EXPERT_STATUSES = ("active", "suspended", "retired")
REMOTE_TYPES = ("signin", "objection", "confirmation")
REMOTE_CATEGORIES = ("price", "qualification", "procedure", "other")
REMOTE_DECISIONS = ("confirm", "refuse")


class FeedItemError(ValueError):
    """A feed item that cannot be applied, and why (no value of the record is quoted).

    Attributes:
        feed: the feed it came in.
        key: its ``key`` when that was a usable string, else None.
        version: its ``version`` when that was an integer, else None.
        member: the member at fault, as a path (``lots[0].lot_code``; ``""`` for the item itself).
        zh, en: the reason, in Chinese and in English.
    """

    def __init__(self, feed: str, key: str | None, version: int | None, member: str, zh: str, en: str) -> None:
        super().__init__(f"{feed} {key or '?'}: {en}")
        self.feed = feed
        self.key = key
        self.version = version
        self.member = member
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class FeedItem:
    """One valid item of a feed page (``data`` is None for a delete)."""

    op: str
    key: str
    version: int
    data: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        """The item as ``kiosk.feeds.apply_page`` takes it."""
        out: dict[str, Any] = {"op": self.op, "key": self.key, "version": self.version}
        if self.data is not None:
            out["data"] = self.data
        return out


class _Bad(Exception):
    """Raised inside a validator; :func:`validate_item` turns it into a :class:`FeedItemError`."""

    def __init__(self, member: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.member, self.zh, self.en = member, zh, en


# --- member checks ---------------------------------------------------------------------------
# Each takes the object, the member name and the path of the object, and returns the value
# (None when it may be absent and is). They raise _Bad naming the member.


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _get(obj: Mapping[str, Any], name: str, path: str, required: bool) -> Any:
    value = obj.get(name)
    if value is None and required:
        raise _Bad(_at(path, name), f"缺少必填字段 {_at(path, name)}", f"lacks the required member {_at(path, name)}")
    return value


def _wrong(path: str, name: str, zh_type: str, en_type: str) -> _Bad:
    member = _at(path, name)
    return _Bad(member, f"字段 {member} 应为{zh_type}", f"member {member} must be {en_type}")


def _str(obj: Mapping[str, Any], name: str, path: str = "", *, required: bool = False, max_len: int | None = None,
         choices: tuple[str, ...] | None = None, nonempty: bool = False) -> str | None:
    value = _get(obj, name, path, required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong(path, name, "字符串", "a string")
    if (required or nonempty) and not value.strip():
        raise _wrong(path, name, "非空字符串", "a non-empty string")
    if choices is not None and value not in choices:
        raise _wrong(path, name, "以下之一：" + "、".join(choices), "one of " + ", ".join(choices))
    if max_len is not None and len(value) > max_len:
        raise _wrong(path, name, f"不超过 {max_len} 个字符的字符串", f"a string of at most {max_len} characters")
    return value


def _code(obj: Mapping[str, Any], name: str, path: str = "", *, max_len: int = 32) -> str | None:
    """An organisation code stored in clear (normalised, in a String(32) column)."""
    value = _str(obj, name, path)
    if value is not None and len(normalise_id(value)) > max_len:
        raise _wrong(path, name, f"不超过 {max_len} 位的代码", f"a code of at most {max_len} characters")
    return value


def _time(obj: Mapping[str, Any], name: str, path: str = "", *, required: bool = False) -> str | None:
    value = _str(obj, name, path, required=required)
    if not value:  # absent, or "" (taken as absent where the member is optional)
        return None
    try:
        parse_rfc3339(value).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise _wrong(path, name, "带时区的 RFC 3339 时间", "an RFC 3339 time with an offset") from None
    return value


def _date(obj: Mapping[str, Any], name: str, path: str = "") -> str | None:
    value = _str(obj, name, path)
    if value is None:
        return None
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        raise _wrong(path, name, "YYYY-MM-DD 日期", "a YYYY-MM-DD date") from None
    return value


def _money(obj: Mapping[str, Any], name: str, path: str = "", *, required: bool = False) -> str | None:
    value = _get(obj, name, path, required)
    if value is None:
        return None
    if not isinstance(value, str) or not MONEY.fullmatch(value):
        raise _wrong(path, name, "十进制数字字符串（如 \"12500.00\"）", 'a decimal string (e.g. "12500.00")')
    try:
        Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a decimal
        raise _wrong(path, name, "十进制数字字符串", "a decimal string") from None
    return value


def _int(obj: Mapping[str, Any], name: str, path: str = "", *, required: bool = False, low: int = 0,
         high: int = INT_MAX) -> int | None:
    value = _get(obj, name, path, required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _wrong(path, name, f"{low} 到 {high} 之间的整数", f"an integer from {low} to {high}")
    return value


def _number(obj: Mapping[str, Any], name: str, path: str = "") -> float | int | None:
    value = _get(obj, name, path, False)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise _wrong(path, name, "非负数", "a non-negative number")
    return value


def _bool(obj: Mapping[str, Any], name: str, path: str = "") -> bool | None:
    value = _get(obj, name, path, False)
    if value is not None and not isinstance(value, bool):
        raise _wrong(path, name, "true 或 false", "true or false")
    return value


def _obj(obj: Mapping[str, Any], name: str, path: str = "", *, required: bool = False) -> dict[str, Any] | None:
    value = _get(obj, name, path, required)
    if value is not None and not isinstance(value, dict):
        raise _wrong(path, name, "对象", "an object")
    return value


def _objects(obj: Mapping[str, Any], name: str, path: str = "") -> list[dict[str, Any]]:
    value = _get(obj, name, path, False)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(path, name, "对象数组", "an array of objects")
    for i, x in enumerate(value):
        if not isinstance(x, dict):
            raise _wrong(path, f"{name}[{i}]", "对象", "an object")
    return value


def _strings(obj: Mapping[str, Any], name: str, path: str = "", *, max_len: int = 64) -> list[str]:
    value = _get(obj, name, path, False)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) and len(x) <= max_len for x in value):
        raise _wrong(path, name, f"字符串数组（每项不超过 {max_len} 个字符）",
                     f"an array of strings of at most {max_len} characters")
    return value


def _storable(value: Any, path: str, depth: int = 0) -> None:
    """Whatever is stored as JSON must be storable on SQLite and PostgreSQL alike."""
    if depth > 32:
        raise _Bad(path, f"字段 {path or '记录'} 嵌套过深", f"member {path or 'record'} is nested too deeply")
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            raise _Bad(path, f"字段 {path or '记录'} 含有无法保存的字符", f"member {path or 'record'} holds characters that cannot be stored")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(path, f"字段 {path or '记录'} 不是有限数", f"member {path or 'record'} is not a finite number")
    elif isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise _Bad(path, f"字段 {path or '记录'} 的成员名不是字符串", f"member {path or 'record'} has a non-string name")
            _storable(k, path, depth + 1)
            _storable(v, _at(path, k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _storable(v, f"{path}[{i}]", depth + 1)
    elif value is not None and not isinstance(value, bool | int):
        raise _Bad(path, f"字段 {path or '记录'} 不是 JSON 值", f"member {path or 'record'} is not a JSON value")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > VERSION_MAX:
        raise _Bad(path, f"字段 {path or '记录'} 的整数过大", f"member {path or 'record'} is an integer too large to store")


# --- one validator per feed ------------------------------------------------------------------


def _staff(data: Mapping[str, Any]) -> None:
    for i, person in enumerate(_objects(data, "staff")):
        p = f"staff[{i}]"
        _str(person, "role", p, required=True, choices=STAFF_ROLES)
        _str(person, "name", p, max_len=100)
        _str(person, "id_number", p, max_len=32)
        _str(person, "org", p)


def validate_session(data: Mapping[str, Any]) -> None:
    """``sessions`` (§2, §7.1)."""
    _str(data, "session_id", required=True, max_len=64)
    _str(data, "kind", required=True, choices=SESSION_KINDS)
    _str(data, "room_code", max_len=32)
    _str(data, "room_name", max_len=200)
    _time(data, "starts_at", required=True)
    _str(data, "title")
    _str(data, "trade_type", max_len=16)
    _int(data, "quorum")
    for name in ("TENDER_PROJECT_CODE", "BID_SECTION_CODE", "BID_SECTION_NAME", "TENDERER_NAME", "TENDER_AGENCY_NAME",
                 "auctioneer_licence", "seller_name", "auction_house"):
        _str(data, name)
    _money(data, "CONTROL_PRICE")
    _str(data, "PRICE_UNIT", choices=PRICE_UNITS)
    for name in ("deemed_accept_absent", "deposit_required", "remote"):
        _bool(data, name)
    _staff(data)
    seen: set[str] = set()
    for i, lot in enumerate(_objects(data, "lots")):
        p = f"lots[{i}]"
        code = _str(lot, "lot_code", p, required=True, max_len=64)
        assert code is not None
        if code in seen:
            raise _Bad(f"{p}.lot_code", f"标的编号 {p}.lot_code 重复", f"{p}.lot_code repeats an earlier lot's")
        seen.add(code)
        _str(lot, "title", p)
        _money(lot, "start_price", p, required=True)
        _money(lot, "increment", p, required=True)
        _str(lot, "price_unit", p, choices=PRICE_UNITS)
        for name in ("deposit", "cap_price", "listing_top_bid"):
            _money(lot, name, p)
        _bool(lot, "has_reserve", p)
        _int(lot, "max_wins_per_paddle", p)
        _str(lot, "listing_top_paddle", p, max_len=32)
        after = _obj(lot, "after_cap", p)
        if after is not None:
            q = f"{p}.after_cap"
            _str(after, "method", q, required=True, choices=AFTER_CAP_METHODS)
            _money(after, "start", q)
            _money(after, "step", q)
            _str(after, "unit", q, choices=AFTER_CAP_UNITS)


def validate_registration(data: Mapping[str, Any]) -> None:
    """``registrations`` (§2, §7.1)."""
    _str(data, "registration_id", required=True, max_len=64)
    _str(data, "session_id", required=True, max_len=64)
    _str(data, "lot_code", max_len=64)
    bidder = _obj(data, "bidder")
    if bidder is not None:
        _str(bidder, "name", "bidder")
        code_type = _str(bidder, "code_type", "bidder", choices=CODE_TYPES)
        if code_type in (None, "USCC"):
            _code(bidder, "code", "bidder")
        else:
            _str(bidder, "code", "bidder", max_len=64)
    for i, rep in enumerate(_objects(data, "representatives")):
        p = f"representatives[{i}]"
        _str(rep, "name", p, max_len=100)
        _str(rep, "id_number", p, max_len=64)
        _str(rep, "photo_sha256", p, max_len=64)
    deposit = _obj(data, "deposit")
    if deposit is not None:
        _str(deposit, "status", "deposit", choices=DEPOSIT_STATUSES)
        _money(deposit, "amount", "deposit")
        _time(deposit, "received_at", "deposit")
    _str(data, "checkin_code", max_len=64)
    _time(data, "bid_submitted_at")


def validate_blacklist(data: Mapping[str, Any]) -> None:
    """``blacklist`` (§2)."""
    _str(data, "BLACKLIST_CODE", required=True, max_len=64)
    _str(data, "BODY_NAME")
    body_type = _str(data, "BODY_TYPE", choices=BODY_TYPES)
    if body_type in (None, "entity"):
        _code(data, "BODY_CODE")
    else:
        _str(data, "BODY_CODE", max_len=64)
    _str(data, "CONFINED_ACTION", max_len=32)
    _str(data, "RECORD_REASON")
    start, end = _date(data, "valid_from"), _date(data, "valid_until")
    if start and end and end < start:
        raise _Bad("valid_until", "valid_until 早于 valid_from", "valid_until is before valid_from")


def validate_bid_result(data: Mapping[str, Any]) -> None:
    """``bid_results`` (§2)."""
    _str(data, "session_id", required=True, max_len=64)
    _str(data, "registration_id", required=True, max_len=64)
    _str(data, "decrypt_status", choices=DECRYPT_STATUSES)
    _time(data, "decrypted_at")
    _money(data, "BID_PRICE")
    _str(data, "PRICE_UNIT", choices=PRICE_UNITS)
    _obj(data, "extra")


def validate_expert(data: Mapping[str, Any]) -> None:
    """``experts`` (§7.3)."""
    _str(data, "expert_id", required=True, max_len=64)
    _str(data, "name", max_len=100)
    _str(data, "id_number", max_len=64)
    _str(data, "mobile", max_len=32)
    _str(data, "photo_sha256", max_len=64)
    _strings(data, "specialties")
    _str(data, "title")
    employer = _obj(data, "employer")
    if employer is not None:
        _str(employer, "name", "employer")
        _code(employer, "code", "employer")
    _str(data, "region", max_len=16)
    _str(data, "status", required=True, choices=EXPERT_STATUSES)
    _strings(data, "declared_conflicts")


def validate_evaluation(data: Mapping[str, Any]) -> None:
    """``evaluations`` (§7.3)."""
    _str(data, "evaluation_id", required=True, max_len=64)
    _strings(data, "session_ids")
    _str(data, "room_code", max_len=32)
    _str(data, "room_name", max_len=200)
    _time(data, "starts_at", required=True)
    _number(data, "expected_hours")
    _str(data, "trade_type", max_len=16)
    _money(data, "budget")
    _int(data, "members_total", required=True, low=1)
    _int(data, "owner_reps")
    for i, draw in enumerate(_objects(data, "draws")):
        p = f"draws[{i}]"
        _str(draw, "specialty", p, required=True, max_len=64)
        _int(draw, "count", p, required=True, low=1)
        _int(draw, "reserves", p)
    _time(data, "draw_not_before")
    _str(data, "region", max_len=16)
    _strings(data, "avoid_codes")


def validate_remote_event(data: Mapping[str, Any]) -> None:
    """``remote_events`` (§7.3)."""
    _str(data, "event_id", required=True, max_len=64)
    _str(data, "session_id", required=True, max_len=64)
    _str(data, "registration_id", max_len=64)
    _str(data, "type", required=True, choices=REMOTE_TYPES)
    _time(data, "at", required=True)
    _str(data, "person_name", max_len=100)
    _str(data, "ca_serial", max_len=128)
    _str(data, "category", choices=REMOTE_CATEGORIES)
    _str(data, "text")
    _str(data, "decision", choices=REMOTE_DECISIONS)
    _str(data, "signature_sha256", max_len=64)


VALIDATORS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "sessions": validate_session,
    "registrations": validate_registration,
    "blacklist": validate_blacklist,
    "bid_results": validate_bid_result,
    "experts": validate_expert,
    "evaluations": validate_evaluation,
    "remote_events": validate_remote_event,
}


def validate_item(feed: str, item: object) -> FeedItem:
    """Check one item of ``feed`` and return it typed.

    Raises:
        FeedItemError: the item (or its record) is malformed; nothing else is ever raised.
    """
    key: str | None = None
    version: int | None = None
    try:
        check = VALIDATORS.get(feed)
        if check is None:
            raise _Bad("", f"未知数据源 {feed}", f"unknown feed {feed}")
        if not isinstance(item, dict):
            raise _Bad("", "条目不是对象", "the item is not an object")
        raw_key, raw_version = item.get("key"), item.get("version")
        if isinstance(raw_key, str) and 0 < len(raw_key) <= KEY_MAX and raw_key.strip():
            key = raw_key
        if isinstance(raw_version, int) and not isinstance(raw_version, bool) and 0 <= raw_version <= VERSION_MAX:
            version = raw_version
        if key is None:
            raise _wrong("", "key", f"1 到 {KEY_MAX} 个字符的字符串", f"a string of 1 to {KEY_MAX} characters")
        _storable(key, "key")
        if version is None:
            raise _wrong("", "version", f"0 到 {VERSION_MAX} 之间的整数", f"an integer from 0 to {VERSION_MAX}")
        op = item.get("op")
        if op == "delete":
            return FeedItem("delete", key, version, None)
        if op != "upsert":
            raise _wrong("", "op", "\"upsert\" 或 \"delete\"", '"upsert" or "delete"')
        data = item.get("data")
        if not isinstance(data, dict):
            raise _wrong("", "data", "对象", "an object")
        _storable(data, "")
        check(data)
        return FeedItem("upsert", key, version, data)
    except _Bad as bad:
        raise FeedItemError(feed, key, version, bad.member, f"{feed} 数据不合规：{bad.zh}",
                            f"{feed} item malformed: {bad.en}") from None
    except RecursionError:
        raise FeedItemError(feed, key, version, "", f"{feed} 数据不合规：嵌套过深",
                            f"{feed} item malformed: nested too deeply") from None
