"""The auction as the law draws it (issue 15 must 1 and 3, docs/rules/auction.md §2.5–§2.7): who may act, the
witnessed lottery and its recomputation from the journal, the parties on the documents, the deposits."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.auction import AuctionError, AuctionService, lottery_draw, lottery_seed, verify_lottery
from kiosk.auction.rules import sha256_hex
from kiosk.db.models import PfRegistration
from kiosk.hall import Hall
from kiosk.operators import AccessError
from kiosk.ports import KeypadEvent
from kiosk.staffing import StaffingService
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.auction_roles import take_role
from tests.helpers.pdf import pdf_text
from tests.kiosk.test_auction import calls, entries, hall, setup  # noqa: F401  (hall is a fixture)

# --- must 1: every auction act is the appointed auctioneer's, checked in the core -------------------------


def test_only_the_auctioneer_acts_the_supervisor_and_the_witness_operate_nothing(hall: Hall) -> None:  # noqa: F811
    a, cars, land = setup(hall)
    sup, wit = take_role(hall, cars, "supervisor"), take_role(hall, cars, "witness")
    for who in (sup, wit):
        for act in (lambda h: a.open_lot(cars, "L-0002", actor=h),
                    lambda h: a.bid(cars, "L-0002", "03", actor=h),
                    lambda h: a.terminate(cars, "L-0002", actor=h, reason="test")):
            with pytest.raises(AccessError) as e:
                act(who)
            assert e.value.code == "role"
    assert a.lot(cars, "L-0002").state == "pending" and entries(hall, "auction.bid") == []
    with pytest.raises(AccessError) as e:
        a.open_lot(land, a.lots(land)[0].lot_code, actor=auc(a, cars))  # the cars session's auctioneer holding
    assert e.value.code == "other_session"
    v = a.open_lot(cars, "L-0002", actor=auc(a, cars))
    assert v.state == "open"
    (opened,) = entries(hall, "auction.lot_opened")
    assert opened.payload["actor"] == auc(a, cars).username == "auctioneer:李*华"  # a masked name, no ID number
    # a bidder's keypad press is the bidder's act: no role
    out = a.keypad(cars, KeypadEvent(paddle_no="03", key="BID"))
    assert out is not None and out.accepted


def test_a_supervisors_pause_stops_the_auctioneer_and_the_keypads_until_resumed(hall: Hall) -> None:  # noqa: F811
    """REG 62: while a supervisor's pause stands, no call, no hammer and no keypad bid; resume lets the lot go on."""
    from kiosk.supervision import SupervisionService

    a, cars, _ = setup(hall)
    sup = take_role(hall, cars, "supervisor")
    a.open_lot(cars, "L-0002", actor=auc(a, cars))
    SupervisionService(hall).order(sup, "PM-01", cars, "pause", "竞买人反映号牌被冒用，暂停核查")
    with pytest.raises(AuctionError) as e:
        a.call(cars, "L-0002", actor=auc(a, cars))
    assert e.value.code == "supervised"
    with pytest.raises(AuctionError):
        a.keypad(cars, KeypadEvent(paddle_no="03", key="BID"))
    assert entries(hall, "auction.bid") == []
    SupervisionService(hall).order(sup, "PM-01", cars, "resume", "核查完毕")
    out = a.keypad(cars, KeypadEvent(paddle_no="03", key="BID"))
    assert out is not None and out.accepted


def test_a_released_auctioneer_can_no_longer_act(hall: Hall) -> None:  # noqa: F811
    a, cars, _ = setup(hall)
    holder = take_role(hall, cars, "auctioneer")
    a.open_lot(cars, "L-0002", actor=holder)
    StaffingService(hall).release(holder)
    with pytest.raises(AccessError) as e:
        a.call(cars, "L-0002", actor=holder)
    assert e.value.code == "released"


# --- D8: the lottery, a witnessed step whose winner anyone can recompute ------------------------------------

#: docs/rules/auction.md §2.6's worked example: (seed, seed_sha256, winner)
WORKED = ("ce90591dec45f974e317421e504ed73cb06e433f47af69a4f781e91e1bd5af87",
          "bbaf7553a1d223506e4103c3a790495269d652e5eb85524eed5f055c93eb7619", "02")


def at_cap(h: Hall) -> tuple[AuctionService, str, str]:
    a, _, land = setup(h)
    lot = a.lots(land)[0].lot_code
    a.open_lot(land, lot, actor=auc(a, land))
    assert a.bid(land, lot, "02", "18720", actor=auc(a, land)).accepted
    assert a.bid(land, lot, "01", actor=auc(a, land)).accepted  # joins at the cap
    return a, land, lot


def test_rule_d8_lottery_candidates_entropy_commitment_draw_reveal(hall: Hall) -> None:  # noqa: F811
    a, land, lot = at_cap(hall)
    with pytest.raises(AuctionError) as e:
        a.lottery_candidates(land, lot, actor=auc(a, land))
    assert e.value.code == "calls_missing"  # three calls first: another bidder may still join at the cap
    calls(a, land, lot)
    sup = take_role(hall, land, "supervisor")
    with pytest.raises(AccessError):
        a.lottery_candidates(land, lot, actor=sup)  # the supervisor operates nothing
    v = a.lottery_candidates(land, lot, actor=auc(a, land))
    assert v.stage_phase == "lottery" and v.lottery_candidates == ("02", "01")
    assert a.bid(land, lot, "02", "18720", actor=auc(a, land)).reason == "stage_closed"  # the list is fixed
    with pytest.raises(AuctionError) as e:
        a.lottery_run(land, lot, actor=auc(a, land))
    assert e.value.code == "lottery_step"  # no draw before both have entered their digits
    with pytest.raises(AccessError):
        a.lottery_entropy(land, lot, "1234", actor=take_role(hall, land, "witness"))
    with pytest.raises(AuctionError):
        a.lottery_entropy(land, lot, "12ab", actor=sup)
    v = a.lottery_entropy(land, lot, "4711", actor=sup)  # the one thing a supervisor enters
    assert v.lottery_entropy == ("supervisor",) and v.lottery_commitment is None
    with pytest.raises(AuctionError) as e:
        a.lottery_entropy(land, lot, "9999", actor=sup)
    assert e.value.code == "entropy_given"
    v = a.lottery_entropy(land, lot, "0815", actor=auc(a, land))
    (commit,) = entries(hall, "auction.lottery_commit")
    assert v.stage_phase == "committed" and v.lottery_commitment == commit.payload["seed_sha256"] and v.lottery_seed is None
    v = a.lottery_run(land, lot, actor=auc(a, land))
    (cand,), (draw,) = entries(hall, "auction.lottery_candidates"), entries(hall, "auction.lottery")
    assert cand.seq < commit.seq < draw.seq  # candidates and the CSPRNG's commitment, then the seed's, then the draw
    seed = lottery_seed({"auctioneer": "0815", "supervisor": "4711"}, draw.payload["csprng"])
    assert draw.payload["seed"] == seed == v.lottery_seed and v.lottery_winner == lottery_draw(seed, ["02", "01"], f"auction/{land}/{lot}")
    r = a.hammer(land, lot, actor=auc(a, land))
    assert (r.result, r.paddle_no, r.hammer_price, r.lottery_seed) == ("sold", v.lottery_winner, "18720.00", seed)
    assert verify_lottery(a.lottery_entries(land, lot)) == []
    rec = pdf_text(r.record_path)
    for want in ("确认摇号候选人", "监督人录入随机数字", "公布种子 SHA-256", "限价摇号", "中签"):
        assert want in rec, want


def test_rule_d8_verify_lottery_names_a_tampered_seed_candidate_list_or_winner(hall: Hall) -> None:  # noqa: F811
    a, land, lot = at_cap(hall)
    calls(a, land, lot)
    a.lottery_candidates(land, lot, actor=auc(a, land))
    a.lottery_entropy(land, lot, "4711", actor=take_role(hall, land, "supervisor"))
    a.lottery_entropy(land, lot, "0815", actor=auc(a, land))
    a.lottery_run(land, lot, actor=auc(a, land))
    honest = a.lottery_entries(land, lot)
    assert verify_lottery(honest) == []

    def tampered(kind: str, change: Any) -> list[str]:
        rows = copy.deepcopy(honest)
        for k, pl in rows:
            if k == kind:
                change(pl)
        return verify_lottery(rows)

    draw = next(pl for k, pl in honest if k == "auction.lottery")
    other = next(c for c in draw["candidates"] if c != draw["winner"])
    assert any(d.startswith("种子") and "seed" in d for d in tampered("auction.lottery", lambda pl: pl.update(seed="0" * 64)))
    assert any("candidates" in d for d in tampered("auction.lottery", lambda pl: pl.update(candidates=["01", "02", "03"])))
    assert any("winner" in d and other in d or "winner" in d for d in tampered("auction.lottery", lambda pl: pl.update(winner=other)))
    assert any("csprng" in d for d in tampered("auction.lottery", lambda pl: pl.update(csprng="1" * 64)))
    assert any("recomputed from the entropy" in d for d in tampered("auction.lottery_entropy", lambda pl: pl.update(digits="0000")))
    assert any("hexadecimal" in d for d in tampered("auction.lottery", lambda pl: pl.update(seed="not hex")))


def test_rule_d8_the_scheme_is_the_expert_draws_worked_example() -> None:
    """The worked example of docs/rules/auction.md §2.6, recomputed with kiosk.draws directly."""
    from kiosk import draws

    csprng = "ab" * 32
    seed = lottery_seed({"auctioneer": "0815", "supervisor": "4711"}, csprng)
    assert seed == draws.hall_seed(bytes.fromhex(csprng), "0815", "4711").hex()
    assert draws.commitment(bytes.fromhex(seed)) == sha256_hex(seed)
    label = "auction/S-1/L-1"
    assert lottery_draw(seed, ["02", "01"], label) == draws.rank(["02", "01"], draws.draw_key(bytes.fromhex(seed), ""), label)[0]
    assert (seed, sha256_hex(seed), lottery_draw(seed, ["02", "01"], label)) == WORKED


# --- D9: the parties the law names --------------------------------------------------------------------------


def test_rule_d9_confirmation_names_the_licensed_auction_house_and_the_auctioneers_licence(hall: Hall) -> None:  # noqa: F811
    a, cars, _ = setup(hall)
    a.open_lot(cars, "L-0003", actor=auc(a, cars))
    a.bid(cars, "L-0003", "01", actor=auc(a, cars))
    calls(a, cars, "L-0003")
    r = a.hammer(cars, "L-0003", actor=auc(a, cars))
    conf, rec = pdf_text(r.confirmation_path), pdf_text(r.record_path)
    for text in (conf, rec):
        for want in ("拍卖人", "内蒙古诚信拍卖有限责任公司", "委托人", "呼和浩特市机关事务服务中心", "1501019700123", "李*华"):
            assert want in text, want
    assert "买受人" in conf and "出让人" not in conf and "李振华" not in conf  # the name masked on paper


# --- D10: deposits held until the confirmation is signed ----------------------------------------------------


def sold_cars_lot(h: Hall, *, guarantee: bool = False) -> tuple[AuctionService, str]:
    a, cars, _ = setup(h)
    a.open_lot(cars, "L-0003", actor=auc(a, cars))
    a.bid(cars, "L-0003", "01", actor=auc(a, cars))
    if guarantee:
        with h.unit() as s:
            for r in s.scalars(select(PfRegistration).where(PfRegistration.session_id == cars,
                                                            PfRegistration.lot_code == "L-0003")):
                r.deposit_status = "guarantee"
    calls(a, cars, "L-0003")
    assert a.hammer(cars, "L-0003", actor=auc(a, cars)).result == "sold"
    return a, cars


def effects(a: AuctionService, sid: str) -> list[tuple[str, str]]:
    return [(r["paddle_no"], r["effect"]) for r in a.deposit_ledger(sid) if r["lot_code"] == "L-0003"]


def test_rule_d10_cash_deposit_held_then_converted_when_the_confirmation_is_signed(hall: Hall) -> None:  # noqa: F811
    a, cars = sold_cars_lot(hall)
    assert effects(a, cars) == [("01", "held")]
    a.settle_deposit(cars, "L-0003", signed=True, actor=auc(a, cars))
    assert effects(a, cars) == [("01", "held"), ("01", "convert")]
    assert [e.payload["form"] for e in entries(hall, "auction.deposit")] == ["paid", "paid"]
    with pytest.raises(AuctionError):
        a.settle_deposit(cars, "L-0003", signed=True, actor=auc(a, cars))  # nothing held any more


def test_rule_d10_guarantee_is_released_never_converted(hall: Hall) -> None:  # noqa: F811
    a, cars = sold_cars_lot(hall, guarantee=True)
    a.settle_deposit(cars, "L-0003", signed=True, actor=auc(a, cars))
    assert effects(a, cars) == [("01", "held"), ("01", "release")]


def test_rule_d10_refusal_to_sign_forfeits_the_deposit_with_its_reason(hall: Hall) -> None:  # noqa: F811
    a, cars = sold_cars_lot(hall)
    with pytest.raises(AuctionError):
        a.settle_deposit(cars, "L-0003", signed=False, actor=auc(a, cars))  # a reason is required
    with pytest.raises(AccessError):
        a.settle_deposit(cars, "L-0003", signed=False, actor=take_role(hall, cars, "supervisor"), reason="x")
    a.settle_deposit(cars, "L-0003", signed=False, actor=auc(a, cars), reason="竞得人当场拒绝签署成交确认书")
    assert effects(a, cars) == [("01", "held"), ("01", "forfeited")]
    (default,) = entries(hall, "auction.default")
    forfeited = entries(hall, "auction.deposit")[-1].payload
    assert default.payload["reason"] == forfeited["reason"] == "竞得人当场拒绝签署成交确认书"
