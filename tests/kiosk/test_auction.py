"""The auction engine against docs/rules/auction.md §2: one test (or more) per rule, named after it.

Real SQLite (and PostgreSQL for the races), the demo day's sessions (car auction with 3 lots, land
listing auction with a cap), check-ins journalled as ``checkin.recorded`` (the contract).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.auction import AuctionError, AuctionService, lottery_draw, replay
from kiosk.auction.demo import check_in_all
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import Blob, JournalEntry, PfRegistration
from kiosk.db.models_auction import AuctionLot
from kiosk.feeds import CTX_BIDDER
from kiosk.hall import Hall
from kiosk.journal import entries_after
from kiosk.operators import AccessError
from kiosk.records import validate
from kiosk.staffing import RoleHolder
from kiosk.timeutil import BEIJING
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.auction_roles import take_role
from tests.helpers.pdf import pdf_text
from tests.helpers.seeded import seeded


def sup(a: AuctionService, session_id: str) -> RoleHolder:
    """The session's 监督人, by the appointee's card (the same holding each time)."""
    return take_role(a, session_id, "supervisor")

def open_hall(tmp_path: Path, db_url: str | None = None) -> Hall:
    cfg = load_config(data_dir=tmp_path / "hall", db_url=db_url, environ={})
    seeded(cfg)
    today = dt.datetime.now(BEIJING).date()
    return Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(14, 0), BEIJING)))


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = open_hall(tmp_path)
    yield h
    h.close()


def sessions(a: AuctionService) -> tuple[str, str]:
    ss = {s.kind: s.session_id for s in a.auction_sessions()}
    return ss["auction"], ss["listing_auction"]


def setup(hall: Hall) -> tuple[AuctionService, str, str]:
    a = AuctionService(hall)
    cars, land = sessions(a)
    check_in_all(hall, cars)
    check_in_all(hall, land)
    return a, cars, land


def calls(a: AuctionService, sid: str, lot: str) -> None:
    for _ in range(3):
        a.hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
        a.call(sid, lot, actor=auc(a, sid))


def entries(hall: Hall, kind: str) -> list:
    with hall.reading() as s:
        return [e for e in entries_after(s, 0, 100_000) if e.kind == kind]


# --- 拍卖法 §28 / §50: the secret reserve ------------------------------------------------------------


def test_rule_s28_reserve_entered_by_auctioneer_and_supervisor_kept_encrypted_and_sealed(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    with pytest.raises(AuctionError, match="reserve"):
        a.open_lot(cars, "L-0001", actor=auc(a, cars))  # a lot with a reserve cannot open without it
    with pytest.raises(AuctionError) as same:
        a.enter_reserve(cars, "L-0001", "40000", auctioneer=auc(a, cars), supervisor=auc(a, cars))
    assert same.value.code == "same_person"
    with pytest.raises(AccessError) as witness:  # the witness is no supervisor: the core refuses, whatever a screen offers
        a.enter_reserve(cars, "L-0001", "40000", auctioneer=auc(a, cars), supervisor=take_role(a, cars, "witness"))
    assert witness.value.code == "role"
    with pytest.raises(AccessError) as swapped:  # nor is the supervisor the auctioneer
        a.enter_reserve(cars, "L-0001", "40000", auctioneer=take_role(a, cars, "supervisor"), supervisor=auc(a, cars))
    assert swapped.value.code == "role"
    assert entries(hall, "auction.reserve_entered") == []
    v = a.enter_reserve(cars, "L-0001", "40123", auctioneer=auc(a, cars), supervisor=sup(a, cars))
    assert v.reserve_entered and "40123" not in repr(v)
    with hall.reading() as s:
        row = s.get(AuctionLot, (cars, "L-0001"))
        assert row is not None and row.reserve_enc is not None and b"40123" not in row.reserve_enc
        bodies = " ".join(s.scalars(select(JournalEntry.payload)).all())
    assert "40123" not in bodies
    (entry,) = entries(hall, "auction.reserve_entered")
    # the appointed people who hold the roles, by card (masked in the journal's actor names)
    assert entry.payload["auctioneer"] == auc(a, cars).username and entry.payload["supervisor"] == sup(a, cars).username
    assert auc(a, cars).method == sup(a, cars).method == "card" and "*" in entry.payload["supervisor"]
    with pytest.raises(AuctionError):
        a.revealed_reserve(cars, "L-0001")  # sealed until the lot closes
    a.open_lot(cars, "L-0001", actor=auc(a, cars))
    a.bid(cars, "L-0001", "01", actor=auc(a, cars))
    calls(a, cars, "L-0001")
    r = a.hammer(cars, "L-0001", actor=auc(a, cars))
    assert r.result == "unsold" and a.revealed_reserve(cars, "L-0001") == "40123.00"
    with hall.reading() as s:
        assert "40123" not in " ".join(s.scalars(select(JournalEntry.payload)).all())


def test_rule_s50_no_reserve_announced_before_bidding(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    v = a.open_lot(cars, "L-0002", actor=auc(a, cars))
    assert v.no_reserve_statement == "本标的无保留价（底价）"
    (opened,) = entries(hall, "auction.lot_opened")
    assert opened.payload["has_reserve"] is False and opened.payload["statement"] == "本标的无保留价"
    with pytest.raises(AuctionError):
        a.enter_reserve(cars, "L-0002", "1", auctioneer=auc(a, cars), supervisor=sup(a, cars))


def test_rule_s50_below_reserve_unsold_at_or_above_sold(tmp_path: Path) -> None:
    for reserve, top, result in (("34000", "33000.00", "unsold"), ("33000", "33000.00", "sold")):
        hall = open_hall(tmp_path / reserve)
        try:
            a, cars, _ = setup(hall)
            a.enter_reserve(cars, "L-0001", reserve, auctioneer=auc(a, cars), supervisor=sup(a, cars))
            a.open_lot(cars, "L-0001", actor=auc(a, cars))
            assert a.bid(cars, "L-0001", "01", actor=auc(a, cars)).accepted
            assert a.bid(cars, "L-0001", "02", actor=auc(a, cars)).amount == top
            calls(a, cars, "L-0001")
            r = a.hammer(cars, "L-0001", actor=auc(a, cars))
            assert r.result == result
            if result == "unsold":
                assert r.reason == "below_reserve" and r.paddle_no is None and r.confirmation_sha256 is None
            else:
                assert r.paddle_no == "02" and r.hammer_price == "33000.00"
        finally:
            hall.close()


# --- 拍卖法 §36: bids are never withdrawn ----------------------------------------------------------


def test_rule_s36_bid_never_withdrawn_correction_is_new_entry_with_reason_before_hammer_only(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    check_in_all(hall, cars)
    first = a.bid(cars, "L-0003", "01", actor=auc(a, cars))  # lot not open: rejected and journalled
    assert not first.accepted and first.reason == "lot_not_open"
    ok = a.bid(cars, "L-0002", "03", actor=auc(a, cars))
    assert ok.accepted
    with pytest.raises(AuctionError):
        a.correct(cars, "L-0002", ok.seq, actor=auc(a, cars), reason=" ")
    v = a.correct(cars, "L-0002", ok.seq, actor=auc(a, cars), reason="号牌录错，应为 03 号的误录")
    assert v.current_price is None and v.leading_paddle is None
    bids = entries(hall, "auction.bid")
    assert [b.seq for b in bids].count(ok.seq) == 1  # the bid itself stays in the journal
    (corr,) = entries(hall, "auction.bid_corrected")
    assert corr.payload["bid_seq"] == ok.seq and corr.payload["actor"] == "auctioneer:李*华" and corr.payload["reason"]
    again = a.bid(cars, "L-0002", "03", actor=auc(a, cars))
    assert again.accepted and again.amount == "28000.00"
    calls(a, cars, "L-0002")
    a.hammer(cars, "L-0002", actor=auc(a, cars))
    with pytest.raises(AuctionError):
        a.correct(cars, "L-0002", again.seq, actor=auc(a, cars), reason="too late")


# --- bidders: checked in, registered, deposit, win limit ----------------------------------------------


def test_rule_bidders_are_checked_in_registered_paddles_with_deposit(hall: Hall) -> None:
    a = AuctionService(hall)
    cars, _ = sessions(a)
    with hall.reading() as s:
        unpaid = s.scalar(select(PfRegistration.registration_id).where(
            PfRegistration.session_id == cars, PfRegistration.deposit_status == "unpaid"))
    paddles = check_in_all(hall, cars)
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    assert a.bid(cars, "L-0002", "99", actor=auc(a, cars)).reason == "not_checked_in"
    assert a.bid(cars, "L-0002", "01", actor=auc(a, cars)).reason == "not_registered"  # 01 registered for L-0001/L-0003 only
    assert a.bid(cars, "L-0002", paddles[unpaid], actor=auc(a, cars)).reason == "no_deposit"
    assert a.bid(cars, "L-0002", "03", actor=auc(a, cars)).accepted
    eligible = {b.paddle_no: b.eligible for b in a.bidders(cars, "L-0002")}
    assert eligible == {"03": True, paddles[unpaid]: False}
    rejected = [e for e in entries(hall, "auction.bid") if not e.payload["accepted"]]
    assert [e.payload["reason"] for e in rejected] == ["not_checked_in", "not_registered", "no_deposit"]


def test_rule_max_wins_per_paddle(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.enter_reserve(cars, "L-0001", "30000", auctioneer=auc(a, cars), supervisor=sup(a, cars))
    a.open_lot(cars, "L-0001", actor=auc(a, cars))
    assert a.bid(cars, "L-0001", "01", actor=auc(a, cars)).accepted
    calls(a, cars, "L-0001")
    assert a.hammer(cars, "L-0001", actor=auc(a, cars)).paddle_no == "01"
    a.open_lot(cars, "L-0003", actor=auc(a, cars))
    assert a.bid(cars, "L-0003", "01", actor=auc(a, cars)).reason == "max_wins"  # one car per paddle (max_wins_per_paddle 1)


# --- amounts: minimum, grid, jump bids, cap, increment changes -----------------------------------------


def test_rule_amount_at_least_current_plus_increment_grid_jump_and_step_change(hall: Hall) -> None:
    a, cars, land = setup(hall)
    a.open_lot(cars, "L-0002", actor=auc(a, cars), jump_bids=False)
    assert a.bid(cars, "L-0002", "03", "27000", actor=auc(a, cars)).reason == "below_minimum"  # below the start
    assert a.bid(cars, "L-0002", "03", "28000", actor=auc(a, cars)).accepted  # first bid at the start
    # paddle 03 is the only one eligible for L-0002: use the land lot for two bidders
    a.open_lot(land, a.lots(land)[0].lot_code, actor=auc(a, land), on_grid=True)
    lot = a.open_lot_of(land)
    assert lot is not None
    v = a.lot(land, lot)
    assert v.current_price == "16200.00" and v.next_amount == "16300.00"  # listing top + one step
    assert a.bid(land, lot, "01", "16250", actor=auc(a, land)).reason == "below_minimum"
    assert a.bid(land, lot, "01", "16350", actor=auc(a, land)).reason == "off_grid"
    assert a.bid(land, lot, "01", "16500", actor=auc(a, land)).accepted  # a jump on the grid is allowed here
    assert a.bid(land, lot, "01", "16600", actor=auc(a, land)).reason == "already_leading"
    a.change_increment(land, lot, "200", actor=auc(a, land))
    assert a.lot(land, lot).next_amount == "16700.00"
    assert a.bid(land, lot, "02", "16600", actor=auc(a, land)).reason == "below_minimum"
    assert a.bid(land, lot, "02", actor=auc(a, land)).amount == "16700.00"
    assert a.bid(land, lot, "01", "18800", actor=auc(a, land)).reason == "above_cap"
    (chg,) = entries(hall, "auction.increment_changed")
    assert chg.payload["increment"] == "200.00"


def test_rule_jump_bids_forbidden_per_lot(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.enter_reserve(cars, "L-0001", "30000", auctioneer=auc(a, cars), supervisor=sup(a, cars))
    a.open_lot(cars, "L-0001", actor=auc(a, cars), jump_bids=False)
    assert a.bid(cars, "L-0001", "01", actor=auc(a, cars)).accepted
    assert a.bid(cars, "L-0001", "02", "35000", actor=auc(a, cars)).reason == "jump_bid"
    assert a.bid(cars, "L-0001", "02", "33000", actor=auc(a, cars)).accepted


# --- calls and hammer ------------------------------------------------------------------------------


def test_rule_three_calls_timer_reset_by_valid_bid_hammer_only_after_third(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    a.bid(cars, "L-0002", "03", actor=auc(a, cars))
    with pytest.raises(AuctionError) as early:
        a.call(cars, "L-0002", actor=auc(a, cars))
    assert early.value.code == "too_early"
    hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
    assert a.due_call(cars, "L-0002", actor=auc(a, cars)).call_no == 1  # type: ignore[union-attr]
    hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
    assert a.call(cars, "L-0002", actor=auc(a, cars)).call_no == 2
    with pytest.raises(AuctionError) as missing:
        a.hammer(cars, "L-0002", actor=auc(a, cars))
    assert missing.value.code == "calls_missing"
    assert a.bid(cars, "L-0002", "99", actor=auc(a, cars)).accepted is False
    assert a.lot(cars, "L-0002").call_no == 2  # a rejected bid does not reset the calls
    check_in_all(hall, cars)
    # a valid bid resets the calls (here by the leading paddle's rival: none eligible, so correct + rebid)
    v = a.lot(cars, "L-0002")
    a.correct(cars, "L-0002", v.bids[0].seq, actor=auc(a, cars), reason="演示：误录")
    assert a.lot(cars, "L-0002").call_no == 0
    assert a.bid(cars, "L-0002", "03", actor=auc(a, cars)).accepted
    calls(a, cars, "L-0002")
    with pytest.raises(AuctionError):
        a.call(cars, "L-0002", actor=auc(a, cars))
    r = a.hammer(cars, "L-0002", actor=auc(a, cars))
    assert r.result == "sold" and r.paddle_no == "03"
    assert [e.payload["call_no"] for e in entries(hall, "auction.call")] == [1, 2, 1, 2, 3]


def test_rule_terminate_with_reason(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.open_lot(cars, "L-0003", actor=auc(a, cars))
    with pytest.raises(AuctionError):
        a.terminate(cars, "L-0003", actor=auc(a, cars), reason="")
    r = a.terminate(cars, "L-0003", actor=auc(a, cars), reason="委托人撤回拍卖标的")
    assert r.result == "terminated"
    (t,) = entries(hall, "auction.terminated")
    assert t.payload["reason"] == "委托人撤回拍卖标的"
    (res,) = entries(hall, "auction.result")
    assert set(res.payload) == {"session_id", "lot_code", "result", "hammer_at"} and res.payload["result"] == "terminated"
    assert a.bid(cars, "L-0003", "01", actor=auc(a, cars)).reason == "lot_not_open"


# --- §2.2 listing auction, §2.3 cap → lottery ------------------------------------------------------


def test_rule_listing_starts_at_top_bid_plus_step_and_goes_to_listing_bidder_if_nobody_continues(hall: Hall) -> None:
    a, _, land = setup(hall)
    lot = a.lots(land)[0].lot_code
    v = a.open_lot(land, lot, actor=auc(a, land))
    assert (v.current_price, v.leading_paddle, v.next_amount) == ("16200.00", "07", "16300.00")
    (b,) = entries(hall, "auction.bid")
    assert b.payload["source"] == "listing" and b.payload["accepted"] is True
    calls(a, land, lot)
    r = a.hammer(land, lot, actor=auc(a, land))
    assert (r.result, r.paddle_no, r.hammer_price) == ("sold", "07", "16200.00")


def test_rule_cap_then_lottery_candidates_join_at_the_cap_and_the_hammer_waits_for_the_lottery(hall: Hall) -> None:
    a, _, land = setup(hall)
    lot = a.lots(land)[0].lot_code
    a.open_lot(land, lot, actor=auc(a, land))
    assert a.bid(land, lot, "01", "18000", actor=auc(a, land)).accepted
    assert a.bid(land, lot, "02", "18720", actor=auc(a, land)).accepted  # reaches the cap
    v = a.lot(land, lot)
    assert v.capped_paddles == ("02",) and v.next_amount == "18720.00"
    assert a.bid(land, lot, "02", "18720", actor=auc(a, land)).reason == "already_capped"
    assert a.bid(land, lot, "01", "18820", actor=auc(a, land)).reason == "above_cap"
    assert a.bid(land, lot, "01", actor=auc(a, land)).accepted  # joins at the cap
    assert a.lot(land, lot).capped_paddles == ("02", "01")
    calls(a, land, lot)
    with pytest.raises(AuctionError) as e:
        a.hammer(land, lot, actor=auc(a, land))  # D8: no silent draw inside the hammer
    assert e.value.code == "lottery_needed" and entries(hall, "auction.lottery") == []
    # the lottery's own steps are tested in tests/kiosk/test_auction_lottery.py
    import secrets

    assert {lottery_draw(secrets.token_hex(32), ["02", "01"]) for _ in range(64)} == {"01", "02"}  # both can win


# --- records, documents, deposits, personal data ------------------------------------------------------


def test_journal_payloads_exactly_platform_section4(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    a.bid(cars, "L-0002", "03", actor=auc(a, cars))
    a.bid(cars, "L-0002", "01", actor=auc(a, cars))
    calls(a, cars, "L-0002")
    a.hammer(cars, "L-0002", actor=auc(a, cars))
    ok, bad = entries(hall, "auction.bid")
    assert set(ok.payload) == {"session_id", "lot_code", "paddle_no", "amount", "source", "accepted", "at"}
    assert set(bad.payload) == set(ok.payload) | {"reason"}
    (res,) = entries(hall, "auction.result")
    assert set(res.payload) == {"session_id", "lot_code", "result", "hammer_at", "hammer_price", "paddle_no",
                                "buyer_name", "buyer_code", "confirmation_sha256"}
    for e in (ok, bad, res):
        validate(e.kind, e.payload)
    # the natural person's buyer_code is the platform's person_id_hmac, never the ID number
    with hall.reading() as s:
        reg = s.scalar(select(PfRegistration).where(PfRegistration.session_id == cars, PfRegistration.lot_code == "L-0002",
                                                    PfRegistration.deposit_status == "paid"))
        assert reg is not None
        id_number = hall.vault.decrypt_str(reg.bidder_code_enc, context=CTX_BIDDER)
        name = reg.bidder_name
    assert res.payload["buyer_code"] == hall.person_hmac(id_number) and res.payload["buyer_name"] == name


def test_documents_confirmation_and_record_pdf_text_and_blobs(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.enter_reserve(cars, "L-0001", "33000", auctioneer=auc(a, cars), supervisor=sup(a, cars))
    a.open_lot(cars, "L-0001", actor=auc(a, cars))
    a.bid(cars, "L-0001", "01", actor=auc(a, cars))
    a.bid(cars, "L-0001", "03", actor=auc(a, cars))  # rejected: not registered
    a.bid(cars, "L-0001", "02", "34000", actor=auc(a, cars))
    calls(a, cars, "L-0001")
    r = a.hammer(cars, "L-0001", actor=auc(a, cars))
    assert r.result == "sold" and r.confirmation_path and r.record_path

    conf = pdf_text(r.confirmation_path)
    for want in ("成交确认书", "L-0001", "34,000.00 元", "叁万肆仟元整", "拍卖大厅", "买受人", "五个工作日内", "合同"):
        assert want in conf, want
    rec = pdf_text(r.record_path)
    for want in ("拍卖笔录", "第一次报价", "第二次报价", "第三次报价", "拒绝", "未报名", "33,000.00 元", "成交", "记录人"):
        assert want in rec, want
    (res,) = entries(hall, "auction.result")
    (recd,) = entries(hall, "auction.record")
    import hashlib

    assert hashlib.sha256(Path(r.confirmation_path).read_bytes()).hexdigest() == res.payload["confirmation_sha256"]
    assert hashlib.sha256(Path(r.record_path).read_bytes()).hexdigest() == recd.payload["record_sha256"]
    with hall.reading() as s:
        blobs = {b.sha256: b.media_type for b in s.scalars(select(Blob))}
    assert blobs[res.payload["confirmation_sha256"]] == blobs[recd.payload["record_sha256"]] == "application/pdf"


def test_deposit_ledger_winner_held_until_signed_others_refund(hall: Hall) -> None:
    a, cars, _ = setup(hall)
    a.enter_reserve(cars, "L-0001", "30000", auctioneer=auc(a, cars), supervisor=sup(a, cars))
    a.open_lot(cars, "L-0001", actor=auc(a, cars))
    a.bid(cars, "L-0001", "01", actor=auc(a, cars))
    a.bid(cars, "L-0001", "02", actor=auc(a, cars))
    calls(a, cars, "L-0001")
    a.hammer(cars, "L-0001", actor=auc(a, cars))
    ledger = {(r["paddle_no"], r["effect"]) for r in a.deposit_ledger(cars)}
    assert ledger == {("02", "held"), ("01", "refund")}  # D10: the buyer's is held until the 确认书 is signed
    assert {(e.payload["paddle_no"], e.payload["effect"]) for e in entries(hall, "auction.deposit")} == ledger


def test_no_id_number_in_database_files(tmp_path: Path) -> None:
    hall = open_hall(tmp_path)
    try:
        a, cars, _ = setup(hall)
        a.open_lot(cars, "L-0002", actor=auc(a, cars))
        a.bid(cars, "L-0002", "03", actor=auc(a, cars))
        calls(a, cars, "L-0002")
        a.hammer(cars, "L-0002", actor=auc(a, cars))
        with hall.reading() as s:
            reg = s.scalar(select(PfRegistration).where(PfRegistration.session_id == cars, PfRegistration.lot_code == "L-0002",
                                                        PfRegistration.deposit_status == "paid"))
            id_number = hall.vault.decrypt_str(reg.bidder_code_enc, context=CTX_BIDDER)  # type: ignore[union-attr]
    finally:
        hall.close()
    for f in (tmp_path / "hall").rglob("*"):
        if f.is_file() and f.suffix != ".pdf":
            assert id_number.encode() not in f.read_bytes(), f


# --- crash and fault safety ---------------------------------------------------------------------------


def test_restart_mid_lot_restores_exact_state_db_and_journal_agree(tmp_path: Path) -> None:
    hall = open_hall(tmp_path)
    a, _, land = setup(hall)
    lot = a.lots(land)[0].lot_code
    a.open_lot(land, lot, actor=auc(a, land))
    a.bid(land, lot, "01", actor=auc(a, land))
    b = a.bid(land, lot, "02", "16600", actor=auc(a, land))
    a.change_increment(land, lot, "200", actor=auc(a, land))
    a.correct(land, lot, b.seq, actor=auc(a, land), reason="误录")
    a.bid(land, lot, "02", actor=auc(a, land))
    hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
    a.call(land, lot, actor=auc(a, land))
    before = a.lot(land, lot)
    hall.close()
    again = Hall.open(hall.config, clock=hall.clock)
    try:
        after = AuctionService(again).lot(land, lot)
        assert after == before
        with again.reading() as s:
            st = replay(entries_after(s, 0, 100_000), land, lot, before.cap_price, before.start_price)
        assert (st.state, st.current_price, st.leading_paddle, st.call_no, st.increment) == (
            "open", before.current_price, before.leading_paddle, before.call_no, before.increment)
        assert (st.current_price, st.leading_paddle, st.call_no) == ("16500.00", "02", 1)
        # and it carries on: next amount uses the changed step
        assert AuctionService(again).lot(land, lot).next_amount == "16700.00"
    finally:
        again.close()


RACER = textwrap.dedent(
    """
    import json, sys, datetime as dt
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.auction import AuctionService, AuctionError
    from tests.helpers.auction_roles import take_auctioneer as auc
    data_dir, db, mode, sid, lot, paddle, n = sys.argv[1:8]
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db or None, environ={}), migrate=False)
    a = AuctionService(hall)
    print("ready", flush=True)
    sys.stdin.readline()
    out = []
    if mode == "hammer":
        try:
            out.append(a.hammer(sid, lot, actor=auc(a, sid)).result)  # each console's auctioneer
        except AuctionError as exc:
            out.append(exc.code)
    else:
        for _ in range(int(n)):
            r = a.bid(sid, lot, paddle, source="keypad", actor=auc(a, sid))
            out.append([r.seq, r.accepted, r.amount])
    hall.close()
    print(json.dumps(out), flush=True)
    """
)


def _race(tmp_path: Path, db: str, mode: str, sid: str, lot: str, paddles: list[str], n: int = 1) -> list:
    import os

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path / "hall"), db, mode, sid, lot, p, str(n)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env) for p in paddles]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        outs.append(json.loads(out.strip().splitlines()[-1]))
    return outs


def _two_consoles(tmp_path: Path, db: str) -> None:
    hall = open_hall(tmp_path, db or None)
    try:
        a, cars, _ = setup(hall)
        a.open_lot(cars, "L-0002", actor=auc(a, cars))
        a.bid(cars, "L-0002", "03", actor=auc(a, cars))
        hall.clock.advance(0)  # type: ignore[attr-defined]
        for i in range(3):
            with hall.unit() as s:  # the calls as if made call_seconds apart
                row = s.get(AuctionLot, (cars, "L-0002"))
                assert row is not None
                row.last_activity_at = hall.clock.now() - dt.timedelta(seconds=a.call_seconds + 1)
            a.call(cars, "L-0002", actor=auc(a, cars))
            del i
    finally:
        hall.close()
    results = sorted(r[0] for r in _race(tmp_path, db, "hammer", cars, "L-0002", ["A", "B"]))
    assert results == ["lot_not_open", "sold"]
    hall = Hall.open(load_config(data_dir=tmp_path / "hall", db_url=db or None, environ={}), migrate=False)
    try:
        assert len(entries(hall, "auction.result")) == 1
        assert hall.verify_journal().ok
    finally:
        hall.close()


def test_two_consoles_can_never_both_hammer_sqlite(tmp_path: Path) -> None:
    _two_consoles(tmp_path, "")


@pytest.mark.postgres
def test_two_consoles_can_never_both_hammer_postgres(tmp_path: Path, pg_url: str) -> None:
    _two_consoles(tmp_path, pg_url)


def _flood(tmp_path: Path, db: str) -> None:
    hall = open_hall(tmp_path, db or None)
    try:
        a, _, land = setup(hall)
        lot = a.lots(land)[0].lot_code
        a.open_lot(land, lot, actor=auc(a, land))
    finally:
        hall.close()
    outs = _race(tmp_path, db, "bid", land, lot, ["01", "02"], n=25)
    mine = sorted(x for out in outs for x in out)
    hall = Hall.open(load_config(data_dir=tmp_path / "hall", db_url=db or None, environ={}), migrate=False)
    try:
        bids = [e for e in entries(hall, "auction.bid") if e.payload["source"] == "keypad"]
        assert [[e.seq, e.payload["accepted"], e.payload["amount"]] for e in bids] == mine  # none lost, same order
        amounts = [float(e.payload["amount"]) for e in bids if e.payload["accepted"]]
        below_cap = [x for x in amounts if x < 18720]
        assert amounts == sorted(amounts) and len(set(below_cap)) == len(below_cap)  # rising in seq order (ties only at the cap)
        leaders = [e.payload["paddle_no"] for e in bids if e.payload["accepted"]]
        assert all(x != y for x, y in zip(leaders, leaders[1:], strict=False))  # nobody outbids himself
        v = AuctionService(hall).lot(land, lot)
        assert float(v.current_price or 0) == amounts[-1]
        assert hall.verify_journal().ok
    finally:
        hall.close()


def test_flood_from_two_processes_never_reorders_or_loses_a_bid_sqlite(tmp_path: Path) -> None:
    _flood(tmp_path, "")


@pytest.mark.postgres
def test_flood_from_two_processes_never_reorders_or_loses_a_bid_postgres(tmp_path: Path, pg_url: str) -> None:
    _flood(tmp_path, pg_url)


def test_the_last_lot_closed_closes_the_session_once_with_what_became_of_its_lots(hall: Hall) -> None:
    """拍卖会结束: when no lot of the session is pending or open any more, the closing act journals
    ``auction.session_closed`` (the room's recorder stops on it), once, with the lots' outcomes."""
    a = AuctionService(hall)
    cars, _ = sessions(a)
    lots = [lot.lot_code for lot in a.lots(cars)]
    assert len(lots) == 3
    check_in_all(hall, cars)
    for i, lot in enumerate(lots):
        assert entries(hall, "auction.session_closed") == []
        a.terminate(cars, lot, actor=auc(a, cars), reason=f"委托人撤回 {i + 1}")
    [closed] = entries(hall, "auction.session_closed")
    assert {k: closed.payload[k] for k in ("session_id", "lots", "sold", "unsold", "terminated")} == \
        {"session_id": cars, "lots": 3, "sold": 0, "unsold": 0, "terminated": 3}
    assert closed.seq > max(e.seq for e in entries(hall, "auction.record"))
    assert hall.verify_journal().ok
