"""Rules of docs/rules/auction.md §2.3 (the stage after the price cap) and §2.4 (矿业权 ≥3 bidders).

Real SQLite with the demo day (the land lot: start 15,600 万元, step 100, cap 18,720 万元 = +25 % of a
guide price of 14,976 万元, the Suzhou threshold of docs/rules/auction.md §2.3; its +50 % upper end is 22,464 万元),
extra company registrations where a rule needs more bidders, check-ins journalled as the contract
says, and the PDFs read back in reading order (tests/helpers/pdf.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.auction import AuctionError, AuctionService, average_price_result, parse_min_bidders, replay
from kiosk.auction.demo import add_bidders, check_in_all
from kiosk.config import ConfigError
from kiosk.db.models import PfRegistration, PfSession
from kiosk.hall import Hall
from kiosk.journal import entries_after
from kiosk.ports import KeypadEvent
from tests.helpers.auction_roles import set_after_cap
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.pdf import pdf_text
from tests.kiosk import test_auction as base

CAP, UPPER = "18720.00", "22464.00"  # guide 14,976 万元: +25 % and +50 %
MORE = (("内蒙古甲置业有限公司", "91150100MA0TEST0A1"), ("内蒙古乙置业有限公司", "91150100MA0TEST0B2"),
        ("内蒙古丙置业有限公司", "91150100MA0TEST0C3"))


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = base.open_hall(tmp_path)
    yield h
    h.close()


def land(hall: Hall, extra: int = 0) -> tuple[AuctionService, str, str]:
    """The land lot with 2 + ``extra`` checked-in paddles (01, 02, 03, …), all with deposits."""
    a = AuctionService(hall)
    _, sid = base.sessions(a)
    lot = a.lots(sid)[0].lot_code
    if extra:
        add_bidders(hall, sid, lot, MORE[:extra])
    check_in_all(hall, sid)
    return a, sid, lot


def to_cap(a: AuctionService, sid: str, lot: str, *joiners: str) -> None:
    """01 bids 18,000, 02 reaches the cap; each joiner then accepts the cap price."""
    assert a.bid(sid, lot, "01", "18000", actor=auc(a, sid)).accepted
    assert a.bid(sid, lot, "02", CAP, actor=auc(a, sid)).accepted
    for p in joiners:
        assert a.bid(sid, lot, p, CAP, actor=auc(a, sid)).accepted, p


def set_trade_type(hall: Hall, sid: str, trade: str) -> None:
    with hall.unit() as s:
        sess = s.get(PfSession, sid)
        assert sess is not None
        sess.trade_type = trade


# --- §2.4 mining rights: at least three bidders -----------------------------------------------------


def test_rule_s2_4_mining_rights_need_three_eligible_bidders_to_open(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_trade_type(hall, sid, "KYQ")
    v = a.lot(sid, lot)
    assert (v.min_bidders, v.eligible_bidders, v.too_few_bidders) == (3, 2, True)
    with pytest.raises(AuctionError) as exc:
        a.open_lot(sid, lot, actor=auc(a, sid), stage="lottery")
    assert exc.value.code == "too_few_bidders"
    assert "至少 3 名" in exc.value.zh and "现有 2 名" in exc.value.zh and "at least 3" in exc.value.en
    assert a.lot(sid, lot).state == "pending"
    # a third bidder checks in (deposit confirmed) → the lot may open; the count is journalled
    add_bidders(hall, sid, lot, MORE[:1])
    check_in_all(hall, sid)
    assert a.lot(sid, lot).too_few_bidders is False
    a.open_lot(sid, lot, actor=auc(a, sid), stage="lottery")
    (opened,) = base.entries(hall, "auction.lot_opened")
    assert (opened.payload["trade_type"], opened.payload["min_bidders"], opened.payload["bidders"]) == ("KYQ", 3, 3)


def test_rule_s2_4_mining_rights_bids_refused_and_terminate_when_a_bidder_drops_below_three(hall: Hall) -> None:
    a, sid, lot = land(hall, extra=1)
    set_trade_type(hall, sid, "KYQ")
    a.open_lot(sid, lot, actor=auc(a, sid), stage="lottery")
    assert a.bid(sid, lot, "01", actor=auc(a, sid)).accepted
    with hall.unit() as s:  # the platform reports one deposit refunded: only two eligible bidders remain
        reg = s.scalar(select(PfRegistration).where(PfRegistration.bidder_code == MORE[0][1]))
        assert reg is not None
        reg.deposit_status = "refunded"
    r = a.bid(sid, lot, "02", actor=auc(a, sid))
    assert (r.accepted, r.reason, r.reason_zh) == (False, "too_few_bidders", "合格竞买人不足，不得竞价")
    with pytest.raises(AuctionError):
        a.terminate(sid, lot, actor=auc(a, sid), reason=" ")
    res = a.terminate(sid, lot, actor=auc(a, sid), reason="合格竞买人不足三人，依矿业权交易规则终止")
    assert res.result == "terminated"
    assert "合格竞买人不足三人" in pdf_text(res.record_path)


def test_rule_s2_4_minimum_is_configurable_per_trade_type(tmp_path: Path) -> None:
    assert parse_min_bidders("KYQ=3, tdsyq=2") == {"KYQ": 3, "TDSYQ": 2}
    for bad in ("KYQ", "KYQ=0", "=3", "KYQ=x"):
        with pytest.raises(ConfigError):
            parse_min_bidders(bad)
    first = base.open_hall(tmp_path)
    first.close()
    cfg = dataclasses.replace(first.config, auction=dataclasses.replace(first.config.auction, min_bidders_by_trade_type="TDSYQ=3"))
    hall = Hall.open(cfg, clock=first.clock)
    try:
        a, sid, lot = land(hall)
        with pytest.raises(AuctionError, match="too_few|3"):
            a.open_lot(sid, lot, actor=auc(a, sid))
        a.min_bidders = parse_min_bidders("KYQ=3")  # land needs one bidder again
        assert a.open_lot(sid, lot, actor=auc(a, sid)).state == "open"
    finally:
        hall.close()


def test_rule_s50_no_reserve_statement_still_journalled_with_the_stage_announcement(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    (opened,) = base.entries(hall, "auction.lot_opened")
    assert opened.payload["statement"] == "本标的无保留价"
    assert opened.payload["stage"] == {"kind": "area", "start": "1000", "step": "100"}
    assert "竞报配建面积" in opened.payload["stage_statement"] and "18,720.0000 万元" in opened.payload["stage_statement"]


# --- D7: the stage after the cap comes read-only from the platform's lot; the auctioneer confirms it --------


def test_rule_d7_after_cap_read_only_from_the_lot_confirmed_never_chosen(hall: Hall) -> None:
    a, sid, lot = land(hall)
    assert a.lot(sid, lot).stage == "lottery"  # the demo lot's after_cap, shown before opening
    with pytest.raises(AuctionError) as e0:
        a.open_lot(sid, lot, actor=auc(a, sid), stage="area")  # the auctioneer may not choose another
    assert e0.value.code == "after_cap_differs"
    set_after_cap(a, sid, lot, {"method": "area"})  # the platform's data without start/step
    with pytest.raises(AuctionError) as e1:
        a.open_lot(sid, lot, actor=auc(a, sid))
    set_after_cap(a, sid, lot, {"method": "average", "upper": "18000"})  # upper below the cap
    with pytest.raises(AuctionError) as e2:
        a.open_lot(sid, lot, actor=auc(a, sid))
    set_after_cap(a, sid, lot, {"method": "self_hold", "start": "120", "step": "5"})
    with pytest.raises(AuctionError) as e3:
        a.open_lot(sid, lot, actor=auc(a, sid))
    assert {e1.value.code, e2.value.code, e3.value.code} == {"bad_after_cap"}
    set_after_cap(a, sid, lot, None)  # a capped lot without after_cap: terminate only
    with pytest.raises(AuctionError) as e4:
        a.open_lot(sid, lot, actor=auc(a, sid))
    assert e4.value.code == "no_after_cap" and a.lot(sid, lot).state == "pending"
    cars, _ = base.sessions(a)
    check_in_all(hall, cars)
    set_after_cap(a, cars, "L-0002", {"method": "area", "start": "1", "step": "1"})
    assert a.open_lot(cars, "L-0002", actor=auc(a, cars)).stage is None  # no cap: after_cap means nothing
    set_after_cap(a, sid, lot, {"method": "self_hold", "start": "10", "step": "5", "unit": "percent"})
    assert (a.lot(sid, lot).stage, a.lot(sid, lot).stage_start) == ("self_hold", "10")
    v = a.open_lot(sid, lot, actor=auc(a, sid), stage="self_hold")
    assert (v.stage, v.stage_start, v.stage_step, v.stage_unit) == ("self_hold", "10", "5", "%")
    (opened,) = [e for e in base.entries(hall, "auction.lot_opened") if e.payload["lot_code"] == lot]
    assert opened.payload["stage_from"] == "platform"


def test_rule_d7_a_capped_lot_without_after_cap_can_be_terminated_with_a_reason(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, None)
    with pytest.raises(AuctionError):
        a.terminate(sid, lot, actor=auc(a, sid), reason=" ")
    r = a.terminate(sid, lot, actor=auc(a, sid), reason="出让公告未载明达到最高限价后的竞价方式")
    assert r.result == "terminated"


# --- §2.3 限地价+竞配建 ----------------------------------------------------------------------------------


def test_rule_s2_3_area_at_cap_price_bids_refused_largest_area_wins_at_cap(hall: Hall) -> None:
    a, sid, lot = land(hall, extra=1)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    assert a.stage_bid(sid, lot, "01", "1000", actor=auc(a, sid)).reason == "stage_closed"  # the cap is not reached yet
    to_cap(a, sid, lot)
    for paddle, amount in (("01", "18820"), ("02", CAP), ("01", "18800")):
        r = a.bid(sid, lot, paddle, amount, actor=auc(a, sid))
        assert (r.accepted, r.reason, r.reason_zh) == (False, "cap_reached", "已达最高限价")
    assert a.bid(sid, lot, "01", CAP, actor=auc(a, sid)).accepted  # 01 accepts the cap price and may bid area
    assert a.stage_bid(sid, lot, "03", "1500", actor=auc(a, sid)).reason == "not_at_cap"
    r = a.stage_bid(sid, lot, "02", actor=auc(a, sid))  # the default is the start area
    assert (r.accepted, r.amount) == (True, "1000")
    assert a.stage_bid(sid, lot, "02", "1200", actor=auc(a, sid)).reason == "already_leading"
    assert a.stage_bid(sid, lot, "01", "1050", actor=auc(a, sid)).reason == "stage_below"
    assert a.stage_bid(sid, lot, "01", "abc", actor=auc(a, sid)).reason == "bad_amount"
    hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
    assert a.call(sid, lot, actor=auc(a, sid)).call_no == 1
    v = a.stage_bid(sid, lot, "01", "1200", actor=auc(a, sid)).lot  # a valid area bid resets the calls
    assert (v.stage_value, v.stage_leader, v.call_no, v.stage_next, v.current_price) == ("1200", "01", 0, "1300", CAP)
    assert v.stage_text(v.stage_value) == "1,200 m²"
    with pytest.raises(AuctionError):
        a.hammer(sid, lot, actor=auc(a, sid))  # three calls first
    base.calls(a, sid, lot)
    res = a.hammer(sid, lot, actor=auc(a, sid))
    assert (res.result, res.paddle_no, res.hammer_price) == ("sold", "01", CAP)
    bids = [e.payload for e in base.entries(hall, "auction.stage_bid")]
    assert [(b["paddle_no"], b["value"], b["unit"], b["accepted"], b.get("reason")) for b in bids] == [
        ("01", "1000", "m2", False, "stage_closed"), ("03", "1500", "m2", False, "not_at_cap"), ("02", "1000", "m2", True, None),
        ("02", "1200", "m2", False, "already_leading"), ("01", "1050", "m2", False, "stage_below"),
        ("01", "abc", "m2", False, "bad_amount"), ("01", "1200", "m2", True, None)]
    conf = pdf_text(res.confirmation_path)
    for want in ("最高限价", "18,720.0000 万元", "竞得配建面积", "1,200 m²", "李*华", "1501019700123", "出让人", "呼和浩特市自然资源局", "竞得人"):
        assert want in conf, want
    rec = pdf_text(res.record_path)
    for want in ("限地价+竞配建", "竞报配建面积", "已达最高限价", "1,200 m²", "拒绝：该号牌未在最高限", "拍卖师：李*华"):
        assert want in rec, want
    assert "auctioneer" not in rec and "auctioneer" not in conf  # display names, never login names


def test_rule_s2_3_area_keypad_bid_at_the_cap_is_the_next_area(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    to_cap(a, sid, lot, "01")
    r = a.keypad(sid, KeypadEvent(paddle_no="01", key="BID"))
    assert r is not None and (r.accepted, r.amount, r.lot.stage_leader) == (True, "1000", "01")
    r = a.keypad(sid, KeypadEvent(paddle_no="02", key="BID"))
    assert r is not None and (r.accepted, r.amount, r.lot.stage_leader) == (True, "1100", "02")


def test_rule_s2_3_area_several_at_cap_nobody_bids_area_cannot_hammer_only_terminate(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    to_cap(a, sid, lot, "01")
    base.calls(a, sid, lot)
    with pytest.raises(AuctionError) as exc:
        a.hammer(sid, lot, actor=auc(a, sid))
    assert exc.value.code == "stage_tied"
    assert a.terminate(sid, lot, actor=auc(a, sid), reason="无人竞报配建面积").result == "terminated"


def test_rule_s2_3_one_bidder_at_cap_and_no_area_bid_wins_at_cap(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    to_cap(a, sid, lot)
    base.calls(a, sid, lot)
    res = a.hammer(sid, lot, actor=auc(a, sid))
    assert (res.result, res.paddle_no, res.hammer_price) == ("sold", "02", CAP)


# --- §2.3 竞自持 -------------------------------------------------------------------------------------


def test_rule_s2_3_self_hold_percent_0_to_100_tie_at_100_terminates_for_proposal_review(hall: Hall) -> None:
    a, sid, lot = land(hall, extra=1)
    set_after_cap(a, sid, lot, {"method": "self_hold", "start": "10", "step": "5"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="self_hold")
    to_cap(a, sid, lot, "01", "03")
    assert a.stage_bid(sid, lot, "01", actor=auc(a, sid)).amount == "10"
    assert a.stage_bid(sid, lot, "02", "12", actor=auc(a, sid)).reason == "stage_below"
    assert a.stage_bid(sid, lot, "02", "101", actor=auc(a, sid)).reason == "stage_above_max"
    assert a.stage_bid(sid, lot, "02", "95", actor=auc(a, sid)).accepted
    assert a.lot(sid, lot).stage_next == "100"
    assert a.stage_bid(sid, lot, "03", "100", actor=auc(a, sid)).accepted
    r = a.stage_bid(sid, lot, "01", "100", actor=auc(a, sid))  # joins the tie at 100 %
    assert r.accepted and r.lot.stage_tied == ("03", "01")
    assert a.stage_bid(sid, lot, "03", "100", actor=auc(a, sid)).reason == "already_leading"
    base.calls(a, sid, lot)
    with pytest.raises(AuctionError) as exc:
        a.hammer(sid, lot, actor=auc(a, sid))
    assert exc.value.code == "stage_tied" and "转入方案评审" in exc.value.zh
    res = a.terminate(sid, lot, actor=auc(a, sid), reason="竞自持比例均为100%，转入方案评审")
    rec = pdf_text(res.record_path)
    for want in ("限地价+竞自持", "竞报自持比例", "100 %", "转入方案评审"):
        assert want in rec, want


def test_rule_s2_3_self_hold_highest_share_wins_at_cap(hall: Hall) -> None:
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "self_hold", "start": "10", "step": "5"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="self_hold")
    to_cap(a, sid, lot, "01")
    a.stage_bid(sid, lot, "02", actor=auc(a, sid))
    a.stage_bid(sid, lot, "01", "25", actor=auc(a, sid))
    base.calls(a, sid, lot)
    res = a.hammer(sid, lot, actor=auc(a, sid))
    assert (res.paddle_no, res.hammer_price) == ("01", CAP)
    assert "竞得自持比例" in pdf_text(res.confirmation_path) and "25 %" in pdf_text(res.confirmation_path)


# --- §2.3 平均价 (Suzhou 2016: +25 % stops open bidding, sealed band +25 %…+50 %) --------------------


def test_rule_s2_3_average_nearest_mean_wins_identical_and_out_of_band_invalid_equal_distance_lower() -> None:
    cap, upper = Decimal(CAP), Decimal(UPPER)
    d = {k: Decimal(v) for k, v in {"01": "19000", "02": "20000", "03": "21500", "04": "20500", "05": "20500",
                                    "06": "22600", "07": "18000"}.items()}
    out, mean, winner = average_price_result(d, ["01", "02", "03", "04", "05", "06", "07", "08"], cap, upper)
    assert [(o["paddle_no"], o["valid"], o["reason"]) for o in out] == [
        ("01", True, None), ("02", True, None), ("03", True, None), ("04", False, "identical"), ("05", False, "identical"),
        ("06", False, "out_of_band"), ("07", False, "out_of_band"), ("08", False, "absent")]
    assert mean == "20166.6667" and winner == ("02", "20000.00")  # |20000 − 20166.67| is the smallest
    # equal distance from the mean → the lower bid wins
    out, mean, winner = average_price_result({"01": Decimal("19000"), "02": Decimal("21000")}, ["01", "02"], cap, upper)
    assert mean == "20000.00" and winner == ("01", "19000.00")
    # both ends of the band are valid
    _, _, winner = average_price_result({"01": cap, "02": upper}, ["01", "02"], cap, upper)
    assert winner == ("01", CAP)
    assert average_price_result({"01": Decimal("30000")}, ["01"], cap, upper)[2] is None


def test_rule_s2_3_average_sealed_bids_hidden_until_all_in_then_hammer_at_winning_bid(hall: Hall) -> None:
    a, sid, lot = land(hall, extra=2)
    set_after_cap(a, sid, lot, {"method": "average", "upper": UPPER})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="average")
    to_cap(a, sid, lot, "01", "03")
    assert a.stage_bid(sid, lot, "01", "19000", actor=auc(a, sid)).reason == "stage_closed"  # entry not started
    v = a.start_sealed(sid, lot, actor=auc(a, sid))
    assert v.sealed_candidates == ("02", "01", "03") and v.seconds_to_next_call(hall.clock.now()) is None
    assert a.bid(sid, lot, "04", CAP, actor=auc(a, sid)).reason == "sealed_entry"  # open bidding has stopped
    assert a.stage_bid(sid, lot, "04", "20000", actor=auc(a, sid)).reason == "not_at_cap"
    assert a.stage_bid(sid, lot, "02", "21000", actor=auc(a, sid)).accepted
    assert a.stage_bid(sid, lot, "02", "20000", actor=auc(a, sid)).reason == "already_sealed"  # one-time
    assert a.stage_bid(sid, lot, "01", "19000", actor=auc(a, sid)).accepted
    with pytest.raises(AuctionError):
        a.call(sid, lot, actor=auc(a, sid))
    with pytest.raises(AuctionError):
        a.hammer(sid, lot, actor=auc(a, sid))
    v = a.lot(sid, lot, last_bids=30)
    assert v.sealed_in == ("01", "02") and v.stage_value is None
    assert all(b.value is None for b in v.stage_bids) and "21000" not in repr(v) and "19000" not in repr(v)
    assert [b.value for b in a.stage_bids(sid, lot)] == [None, None, None, None, None]
    v = a.stage_bid(sid, lot, "03", "20500", actor=auc(a, sid)).lot  # the last one → revealed at once
    assert (v.stage_phase, v.stage_mean, v.stage_leader, v.stage_value) == ("revealed", "20166.6667", "03", "20500.00")
    assert [b.value for b in a.stage_bids(sid, lot) if b.accepted] == ["21000.00", "19000.00", "20500.00"]
    (rev,) = base.entries(hall, "auction.stage_reveal")
    assert (rev.payload["winner"], rev.payload["winning_bid"], rev.payload["mean"]) == ("03", "20500.00", "20166.6667")
    res = a.hammer(sid, lot, actor=auc(a, sid))  # no calls after the reveal
    assert (res.result, res.paddle_no, res.hammer_price) == ("sold", "03", "20500.00")
    conf = pdf_text(res.confirmation_path)
    for want in ("最高限价", "18,720.0000 万元", "20,500.0000 万元", "平均价", "20,166.6667"):
        assert want in conf, want
    rec = pdf_text(res.record_path)
    for want in ("一次书面报价", "停止举牌，开始一次报价", "揭晓一次报价", "21,000.0000 万元", "22,464.0000 万元"):
        assert want in rec, want


def test_rule_s2_3_average_entry_closed_with_a_bidder_absent(hall: Hall) -> None:
    a, sid, lot = land(hall, extra=1)
    set_after_cap(a, sid, lot, {"method": "average", "upper": UPPER})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="average")
    to_cap(a, sid, lot, "01", "03")
    a.start_sealed(sid, lot, actor=auc(a, sid))
    a.stage_bid(sid, lot, "02", "19500", actor=auc(a, sid))
    a.stage_bid(sid, lot, "03", "23000", actor=auc(a, sid))  # above +50 %: invalid
    v = a.close_sealed(sid, lot, actor=auc(a, sid))
    assert dict((p, (ok, why)) for p, _v, ok, why in v.stage_revealed) == {
        "02": (True, None), "01": (False, "absent"), "03": (False, "out_of_band")}
    assert (v.stage_leader, v.stage_value) == ("02", "19500.00")


# --- restart in mid-stage: the journal alone gives the same state -------------------------------------


def _restart_and_compare(hall: Hall, sid: str, lot: str) -> tuple[AuctionService, Hall]:
    a0 = AuctionService(hall)
    before = a0.lot(sid, lot, last_bids=30)
    hall.close()
    again = Hall.open(hall.config, clock=hall.clock)
    a = AuctionService(again)
    after = a.lot(sid, lot, last_bids=30)
    assert after == before
    with again.reading() as s:
        st = replay(entries_after(s, 0, 100_000), sid, lot, before.cap_price, before.start_price)
    assert (st.state, st.current_price, st.leading_paddle, st.call_no, st.capped) == (
        "open", before.current_price, before.leading_paddle, before.call_no, list(before.capped_paddles))
    assert (st.stage, st.stage_phase, st.stage_value, st.stage_leader, st.stage_mean) == (
        before.stage, before.stage_phase, before.stage_value, before.stage_leader, before.stage_mean)
    assert st.stage_params == {k: v for k, v in (("start", before.stage_start), ("step", before.stage_step),
                                                  ("upper", before.stage_upper)) if v is not None}
    return a, again


def test_restart_mid_area_stage_restores_exact_stage_state(tmp_path: Path) -> None:
    hall = base.open_hall(tmp_path)
    a, sid, lot = land(hall)
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    to_cap(a, sid, lot, "01")
    a.stage_bid(sid, lot, "02", actor=auc(a, sid))
    a.stage_bid(sid, lot, "01", "1350", actor=auc(a, sid))
    a.stage_bid(sid, lot, "02", "1400", actor=auc(a, sid))  # refused: below 1450
    hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
    a.call(sid, lot, actor=auc(a, sid))
    a2, again = _restart_and_compare(hall, sid, lot)
    try:
        v = a2.lot(sid, lot)
        assert (v.stage_value, v.stage_leader, v.stage_next, v.call_no) == ("1350", "01", "1450", 1)
        assert a2.stage_bid(sid, lot, "02", actor=auc(a2, sid)).amount == "1450"  # and it carries on
    finally:
        again.close()


def test_restart_mid_sealed_entry_restores_who_is_in_and_reveals_the_same(tmp_path: Path) -> None:
    hall = base.open_hall(tmp_path)
    a, sid, lot = land(hall, extra=1)
    set_after_cap(a, sid, lot, {"method": "average", "upper": UPPER})
    a.open_lot(sid, lot, actor=auc(a, sid), stage="average")
    to_cap(a, sid, lot, "01", "03")
    a.start_sealed(sid, lot, actor=auc(a, sid))
    a.stage_bid(sid, lot, "01", "19000", actor=auc(a, sid))
    a2, again = _restart_and_compare(hall, sid, lot)
    try:
        assert a2.lot(sid, lot).sealed_in == ("01",)
        a2.stage_bid(sid, lot, "02", "21000", actor=auc(a2, sid))
        v = a2.stage_bid(sid, lot, "03", "20000", actor=auc(a2, sid)).lot
        assert (v.stage_phase, v.stage_leader, v.stage_mean) == ("revealed", "03", "20000.00")
        with again.reading() as s:
            st = replay(entries_after(s, 0, 100_000), sid, lot, v.cap_price, v.start_price)
        assert st.sealed == {"01": "19000.00", "02": "21000.00", "03": "20000.00"}
        assert (st.stage_phase, st.stage_leader, st.stage_value) == ("revealed", "03", "20000.00")
    finally:
        again.close()


def test_stage_lot_of_the_demo_tour_is_seeded_with_three_bidders(hall: Hall) -> None:
    from kiosk.auction.demo import seed_stage_lot

    sid, lot = seed_stage_lot(hall, hall.clock.now() + dt.timedelta(hours=2))
    seed_stage_lot(hall, hall.clock.now() + dt.timedelta(hours=2))  # idempotent
    check_in_all(hall, sid)
    a = AuctionService(hall)
    assert [b.paddle_no for b in a.bidders(sid, lot) if b.eligible] == ["01", "02", "03"]
    set_after_cap(a, sid, lot, {"method": "area", "start": "1000", "step": "100"})
    v = a.open_lot(sid, lot, actor=auc(a, sid), stage="area")
    assert v.cap_price == CAP and v.stage == "area"
