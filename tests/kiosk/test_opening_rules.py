"""The opening's rules as pure functions (kiosk/opening/rules.py): no database, no clock, no I/O."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.opening import OpeningError, rules
from kiosk.opening.rules import Journalled, Progress, SessionFacts

START = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
FACTS = SessionFacts("S-1", "某某工程施工招标", "K1", "第一开标室", START, 3, {"CONTROL_PRICE": "1000000.00", "PRICE_UNIT": "0"})
SNAP = [{"registration_id": f"R-{i}", "name": f"投标人{i}", "org_code": f"9115{i}", "submitted_at": None} for i in range(1, 5)]


def view(progress: Progress, data: dict, present: dict[str, str], now: dt.datetime = START):  # type: ignore[no-untyped-def]
    return rules.fold_view(FACTS, progress, data, SNAP, [], present, now)


def test_fold_view_bidders_attendance_and_absence() -> None:
    v = view(Progress(stage="attendance"), {"absent": {"R-3": "迟到"}, "withdrawals": {"R-4": {"kind": "withdrawn", "reference": "W-1",
                                                                                        "received_at": "2026-12-06 16:00"}}},
             {"R-1": "张*", "R-2": "李*四"})
    assert [b.attendance for b in v.bidders] == ["present", "present", "absent", "absent"]
    assert [b.person_name for b in v.bidders] == ["张*", "李*四", "", ""]
    assert v.bidders[2].absent_reason == "迟到" and v.bidders[2].valid  # absence alone never drops a bid (D1)
    assert v.bidders[3].absent_reason == "弃标（书面撤回投标文件）" and not v.bidders[3].valid
    assert v.valid_count == 3 and v.bidder_count == 3
    assert v.stage == "attendance" and v.control_price == "1000000.00" and v.seconds_to_start == 0


def test_quorum_check_is_journalled_as_opening_quorum_when_short() -> None:
    data = {"withdrawals": {r: {"kind": "withdrawn", "reference": f"W-{r}", "received_at": "2026-12-06"} for r in ("R-3", "R-4")}}
    v = view(Progress(stage="attendance"), data, {"R-1": "张*", "R-2": "李*四"})
    out = rules.advance_checked(v, data, "attendance", "control_price", "attendance")
    assert out == Journalled("opening.quorum", {"phase": "attendance", "valid": 2, "quorum": 3, "short": True})
    assert data["quorum_short"] == {"phase": "attendance", "valid": 2, "quorum": 3}
    with pytest.raises(OpeningError) as e:
        rules.advance_checked(view(Progress(stage="bidders"), {}, {}), {}, "attendance", "control_price", "attendance")
    assert e.value.code == "stage"


def test_no_going_back_once_decryption_started() -> None:
    assert rules.go_back(view(Progress(stage="bidders"), {}, {})) == {"stage": "announced", "back_from": "bidders"}
    with pytest.raises(OpeningError) as e:
        rules.go_back(view(Progress(stage="control_price", decrypt_started_at=START), {}, {}))
    assert e.value.code == "no-going-back"
