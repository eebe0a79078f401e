"""Fuzzing the feed validators (``sync.feeds``), as ``tests/devices/test_idcard_frames.py`` fuzzes the reader's frames.

Whatever JSON arrives as a feed item, :func:`sync.feeds.validate_item` returns a ``FeedItem`` or
raises ``FeedItemError`` — nothing else; and what it accepts, ``kiosk.feeds.apply_page`` applies
without an error (on a real database).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kiosk import feeds
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.pii import PiiVault
from sync.feeds import VALIDATORS, FeedItem, FeedItemError, validate_item
from sync.sandbox.seed import FEED_KEY, bid_result_key, demo_day

TODAY = dt.date(2026, 11, 27)
DAY = demo_day(TODAY)
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "sessions": DAY["sessions"],
    "registrations": DAY["registrations"],
    "blacklist": DAY["blacklist"],
    "bid_results": [r for plan in DAY["bid_plans"].values() for r in plan],
    # §7.3, from the platform's own examples
    "experts": [{"expert_id": "EX-150000-01234", "name": "赵建国", "id_number": "150102196502031234",
                 "mobile": "13904710000", "photo_sha256": None, "specialties": ["A080101", "A080102"],
                 "title": "高级工程师", "employer": {"name": "内蒙古某设计研究院有限公司", "code": "91150000XXXXXXXXXX"},
                 "region": "150100", "status": "active", "declared_conflicts": ["91150100MA0N000000"]}],
    "evaluations": [{"evaluation_id": "EV-20261208-003", "session_ids": ["S-20261208-001"], "room_code": "PB-02",
                     "room_name": "第二评标室", "starts_at": "2026-12-08T13:30:00+08:00", "expected_hours": 4,
                     "trade_type": "GCJS", "budget": "12500000.00", "members_total": 5, "owner_reps": 1,
                     "draws": [{"specialty": "A080101", "count": 3, "reserves": 2}],
                     "draw_not_before": "2026-12-06T13:30:00+08:00", "region": "150100",
                     "avoid_codes": ["91150100MA0N000000"]}],
    "remote_events": [{"event_id": "RE-000123", "session_id": "S-20261208-001", "registration_id": "R-88231",
                       "type": "objection", "at": "2026-12-08T09:31:02+08:00", "person_name": "张三",
                       "ca_serial": "5F3A", "category": "price", "text": "报价读错", "decision": None,
                       "signature_sha256": None}],
}
APPLIED = tuple(feeds.FEEDS)  # the feeds kiosk.feeds can apply today

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) \
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=20)
#: strings that are nearly right: times, dates, money, enumerations, lengths, NUL
tricky = st.sampled_from([
    "", " ", "\x00", "x" * 129, "2026-11-27", "2026-11-27T09:30:00", "2026-11-27T09:30:00+08:00",
    "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "2026-02-30", "2026-1-1", "1e5", "12,500.00",
    "-0.5", "NaN", "12500.00", "0", "1", "2", "USCC", "ID", "entity", "person", "paid", "forfeited", "ok",
    "auction", "bid_opening", "host", "lottery", "\ud800",
]) | st.integers(min_value=-3, max_value=2**63 + 3) | st.just(float("nan"))


def _key(feed: str, data: dict[str, Any]) -> str:
    if feed == "bid_results":
        return bid_result_key(data)
    name = FEED_KEY.get(feed) or next(k for k in data if k.endswith("_id"))
    return str(data[name])


def _item(feed: str, data: Any, version: int = 1) -> dict[str, Any]:
    return {"op": "upsert", "key": _key(feed, SAMPLES[feed][0]), "version": version, "data": data}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every member path inside a record (dict keys and list indexes)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _set(record: Any, path: tuple[Any, ...], value: Any, drop: bool) -> None:
    *parents, last = path
    for p in parents:
        record = record[p]
    if drop and isinstance(record, dict):
        del record[last]
    else:
        record[last] = value


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, PiiVault]]:
    """One migrated SQLite database; each example runs in a savepoint that is rolled back."""
    path = tmp_path_factory.mktemp("fuzz") / "hall.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_factory(engine)() as s:
        s.begin()
        yield s, PiiVault(os.urandom(32))
        s.rollback()
    engine.dispose()


def _applies(db: tuple[Session, PiiVault], feed: str, item: FeedItem) -> None:
    """What the validator accepted applies without an error."""
    if feed not in APPLIED:
        return
    s, vault = db
    nested = s.begin_nested()
    try:
        feeds.apply_page(s, feed, [item.as_dict()], "c", None, vault)
    finally:
        nested.rollback()


@pytest.mark.parametrize("feed", sorted(VALIDATORS))
def test_every_sample_record_is_accepted(feed: str, db) -> None:  # type: ignore[no-untyped-def]
    for i, data in enumerate(SAMPLES[feed]):
        item = validate_item(feed, _item(feed, data, i + 1))
        assert item.data == data and item.op == "upsert"
        _applies(db, feed, item)
    assert validate_item(feed, {"op": "delete", "key": "K-1", "version": 9}) == FeedItem("delete", "K-1", 9, None)


@pytest.mark.parametrize("feed", sorted(VALIDATORS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=json_values)
def test_arbitrary_json_items_raise_only_the_typed_error(feed: str, item: Any) -> None:
    try:
        validate_item(feed, item)
    except FeedItemError as exc:
        assert exc.feed == feed and exc.zh and exc.en


@pytest.mark.parametrize("feed", sorted(VALIDATORS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=json_values | st.dictionaries(st.text(max_size=20), json_values, max_size=8))
def test_arbitrary_records_raise_only_the_typed_error(feed: str, data: Any) -> None:
    try:
        validate_item(feed, _item(feed, data))
    except FeedItemError as exc:
        assert exc.key == _key(feed, SAMPLES[feed][0])  # the key survives to name the dead letter


@pytest.mark.parametrize("feed", sorted(VALIDATORS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_records_are_refused_by_name_or_applied(feed: str, data: st.DataObject, db) -> None:  # type: ignore[no-untyped-def]
    """A valid record with members dropped or replaced (by any JSON, or nearly-right strings)."""
    original = data.draw(st.sampled_from(SAMPLES[feed]))
    record = copy.deepcopy(original)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(record))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        _set(record, path, data.draw(tricky | json_values), drop=data.draw(st.booleans()))
    try:
        item = validate_item(feed, _item(feed, record))
    except FeedItemError as exc:
        assert exc.member is not None and exc.en.startswith(f"{feed} item malformed")
        top = exc.member.split(".")[0].split("[")[0]
        assert top in original or top in record or top == "", exc.member  # it names a member of the record
        return
    _applies(db, feed, item)


def test_reasons_never_quote_the_record() -> None:
    """A reason names the member and what it should be, never its value (it may be an ID number)."""
    rep = copy.deepcopy(SAMPLES["registrations"][0])
    rep["representatives"][0]["id_number"] = ["150102198001011234"]
    with pytest.raises(FeedItemError) as exc:
        validate_item("registrations", _item("registrations", rep))
    assert exc.value.member == "representatives[0].id_number"
    assert "150102198001011234" not in exc.value.zh + exc.value.en + str(exc.value)
    assert exc.value.zh == "registrations 数据不合规：字段 representatives[0].id_number 应为字符串"
