"""The auction's pure rules: the one fold (live bid, recompute and replay share it) and what a stage bid is."""

from decimal import Decimal
from types import SimpleNamespace

from kiosk.auction.rules import (
    KeypadDebounce,
    Price,
    StageLead,
    is_stage_bid,
    price_after,
    price_of,
    replay,
    stage_lead_after,
)

CAP = Decimal("18720")


def test_price_fold_below_and_at_the_cap_first_capped_leads() -> None:
    bids = [("01", "15600.00"), ("02", "15800.00"), ("02", "18720.00"), ("01", "18720.00"), ("03", "18720.00")]
    live = Price()
    for paddle, amount in bids:
        live = price_after(live, paddle, amount, CAP)
    assert live == price_of(bids, CAP) == Price("18720.00", "02", ("02", "01", "03"))
    assert price_of(bids, None) == Price("18720.00", "03", ())


def test_replay_uses_the_same_fold_after_a_correction() -> None:
    def e(seq: int, kind: str, **pl: object) -> SimpleNamespace:
        return SimpleNamespace(seq=seq, kind=kind, payload={"session_id": "S", "lot_code": "L", **pl})

    entries = [e(1, "auction.lot_opened", increment="200"), e(2, "auction.bid", paddle_no="01", amount="15600.00", accepted=True),
               e(3, "auction.bid", paddle_no="02", amount="18720.00", accepted=True),
               e(4, "auction.bid", paddle_no="01", amount="18720.00", accepted=True), e(5, "auction.bid_corrected", bid_seq=3)]
    st = replay(entries, "S", "L", "18720.00", "200")
    assert (st.current_price, st.leading_paddle, st.capped) == ("18720.00", "01", ["01"])
    assert price_of([("01", "15600.00"), ("01", "18720.00")], CAP) == Price("18720.00", "01", ("01",))


def test_self_hold_ties_at_100_and_area_leads() -> None:
    lead = stage_lead_after("self_hold", StageLead(), "03", "100")
    assert stage_lead_after("self_hold", lead, "01", "100") == StageLead("100", "03", ("03", "01"))
    assert stage_lead_after("area", StageLead("1200", "01", ("01",)), "02", "1300") == StageLead("1300", "02", ("02",))


def test_what_a_stage_bid_is() -> None:
    assert is_stage_bid("area", None, ("01",), "01") and not is_stage_bid("area", None, ("01",), "02")
    assert is_stage_bid("average", "sealed", ("01",), "02") and not is_stage_bid("average", None, ("01",), "01")
    assert not is_stage_bid("lottery", None, ("01",), "01") and not is_stage_bid("area", None, (), "01")


def test_keypad_debounce_is_per_paddle() -> None:
    d = KeypadDebounce(300)
    assert d.accept("01", 10.0) and not d.accept("01", 10.2) and d.accept("02", 10.2) and d.accept("01", 10.31)
    assert d.accept("01", 0.0) and d.accept("01", 0.0)  # no receiver time: every press counts
