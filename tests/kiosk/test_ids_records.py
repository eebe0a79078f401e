"""UUIDv7 record keys and the §4 payload rules."""

from __future__ import annotations

import uuid

import pytest

from kiosk.ids import uuid7
from kiosk.records import InvalidRecord, validate


def test_uuid7_layout_and_order() -> None:
    keys = [uuid7() for _ in range(5000)]
    assert all(k.version == 7 and k.variant == uuid.RFC_4122 for k in keys)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert uuid7(now_ms=1_700_000_000_000).int >> 80 >= 1_700_000_000_000


def test_checkin_rules() -> None:
    ok = {"session_id": "S", "registration_id": None, "person_name": "张*", "person_id_hmac": "ab", "method": "idcard",
          "result": "accepted", "checked_in_at": "2026-11-27T09:01:02+08:00"}
    validate("checkin.recorded", ok)
    with pytest.raises(InvalidRecord, match="refusal_reason"):
        validate("checkin.recorded", {**ok, "result": "refused"})
    with pytest.raises(InvalidRecord, match="method"):
        validate("checkin.recorded", {**ok, "method": "face"})
    with pytest.raises(InvalidRecord, match="checked_in_at"):
        validate("checkin.recorded", {**ok, "checked_in_at": "2026-11-27 09:01"})


def test_auction_and_kinds() -> None:
    bid = {"session_id": "S", "lot_code": "L", "paddle_no": "8", "amount": "33000.00", "source": "floor", "accepted": False, "at": "2026-11-27T14:00:00+08:00"}
    with pytest.raises(InvalidRecord, match="reason"):
        validate("auction.bid", bid)
    validate("auction.bid", {**bid, "reason": "低于加价幅度"})
    with pytest.raises(InvalidRecord, match="amount"):
        validate("auction.bid", {**bid, "accepted": True, "amount": "33k"})
    with pytest.raises(InvalidRecord, match="kind"):
        validate("Auction.Bid", {})
    validate("custom.kind_ok", {"anything": [1, "x"]})


def test_v1_1_record_kinds_are_validated_as_platform_api_7_4_says() -> None:
    at = "2026-12-08T09:00:00+08:00"
    draw = {"evaluation_id": "EV-1", "pool_sha256": "a" * 64, "pool_size": 12, "seed_commitment": "b" * 64,
            "seed": "c" * 64, "selected": [{"expert_id": "EX-1", "specialty": "A080101", "order": 1, "reserve": False}],
            "at": at}
    validate("expert.draw", draw)
    with pytest.raises(InvalidRecord):
        validate("expert.draw", {**draw, "selected": [{"expert_id": "EX-1", "specialty": "A080101", "order": "1", "reserve": False}]})
    with pytest.raises(InvalidRecord):
        validate("expert.response", {"evaluation_id": "EV-1", "expert_id": "EX-1", "channel": "email", "answer": "accept", "at": at})
    with pytest.raises(InvalidRecord):  # a refused sign-in says why
        validate("expert.signin", {"evaluation_id": "EV-1", "expert_id": "EX-1", "person_id_hmac": "h", "face_match": "no_match",
                                   "result": "refused", "at": at})
    validate("supervision.order", {"room_code": "KB-03", "session_id": None, "order": "pause", "reason": "核查",
                                   "supervisor": "supervisor:田*华", "at": at})
    with pytest.raises(InvalidRecord):
        validate("supervision.order", {"room_code": "KB-03", "session_id": "S-1", "order": "stop", "reason": "x",
                                       "supervisor": "s", "at": at})
    validate("witness.note", {"room_code": "KB-03", "session_id": "S-1", "step": "reading", "text": "已见", "witness": "w", "at": at})
