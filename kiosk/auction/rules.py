"""The auction's rules (拍卖, docs/rules/auction.md §2–3): tables, checks and the one state fold.

Pure: no I/O, no clock, no database. The service (``kiosk.auction.service``) reads what a check
needs, takes the journal head, asks these functions and writes what they decide; ``replay``
rebuilds a lot from its journal entries with the same fold (:func:`price_after`,
:func:`stage_lead_after`), so the live state, a correction's recompute and the replay cannot
disagree.

A lot is a state machine ``pending → open → sold / unsold / terminated``. Rules enforced (each has a
test named after it in ``tests/kiosk/test_auction.py`` and ``tests/kiosk/test_auction_stages.py``):

* 拍卖法 §28/§50: the secret reserve (底价) is entered on site by the auctioneer **and** a supervisor
  (two PINs), kept encrypted (``hall.vault``), never in a DTO, log or journal payload until the
  lot closes; a lot without reserve is announced as such (``no_reserve_statement``).
* §36: bids are never withdrawn; a clerk correction is a new entry with operator and reason,
  only before the hammer.
* bidders: checked-in paddles (check-in's answer, ``kiosk.checkin.paddles``: a revoked check-in's
  paddle is out) registered for the lot with deposit ``paid``/``guarantee``; ``max_wins_per_paddle``.
* amount ≥ current + increment (first bid ≥ start), on the increment grid where the lot says,
  no jump bids where the lot forbids them, ≤ cap; increments may change during a lot.
* three calls (第一次/第二次/第三次) ``[auction] call_seconds`` apart; any valid bid resets them;
  hammer only after the third call: sold when ≥ reserve, else unsold (流拍); terminate with reason.
* ``listing_auction``: the listing's top 报价 is the opening bid (source ``listing``); the next
  bid is top + one increment; nobody continues → the listing's top bidder buys.
* price cap (§2.3): at the cap further bidders may only join at the cap (one price bid at the cap
  each); what follows is the lot's **stage**, the 出让公告's (D7): read-only from the platform's
  ``after_cap`` (:func:`after_cap_params`), confirmed by the auctioneer at opening, announced and
  journalled in ``auction.lot_opened`` and fixed from then on:

  - ``lottery`` 限价+摇号: after the third call a witnessed lottery among the capped bidders (D8):
    candidates, the auctioneer's and the supervisor's digits plus a CSPRNG part committed before the
    draw, the seed revealed after it (:func:`lottery_seed`, :func:`lottery_draw`, :func:`verify_lottery`);
  - ``area`` 竞配建: price bids are refused (已达最高限价); the capped bidders bid the 配建 floor area
    (m², own start and step entered at opening); the largest area wins at the cap price after three
    calls; every valid area bid resets the calls;
  - ``self_hold`` 竞自持: the same with the percentage of floor area held for rent (0–100); bidders
    tied at 100 % cannot be separated on the floor: the lot is terminated with a reason (转入方案评审);
  - ``average`` 平均价: the auctioneer closes the capped list (``start_sealed``) and enters each
    capped bidder's one-time written bid, never shown before all are in (or entry is closed); bids
    outside [cap, upper] or identical to another are invalid; the valid bid nearest the mean of the
    valid bids wins, the lower on equal distance (:func:`average_price_result`); the hammer falls
    at that bid.

  Every stage bid is journalled as ``auction.stage_bid`` (paddle, value, unit, accepted, reason);
  ``replay`` folds them back into the same state.
* 矿业权 (§2.4): a lot cannot be opened or bid on with fewer eligible bidders than
  ``[auction] min_bidders_by_trade_type`` asks for its session's ``trade_type`` (KYQ=3); the
  auctioneer waits for check-ins or terminates with a reason.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from kiosk import draws
from kiosk.config import ConfigError
from kiosk.errors import HallError
from kiosk.money import (
    MoneyError,
    decimal_text,
    format_money,
    format_quantity,
    parse_money,
    parse_optional_money,
    quantity_text,
    try_parse_money,
)
from kiosk.trade import DEPOSIT_OK as DEPOSIT_OK  # the auction service asks the rules
from kiosk.trade import trade_type_zh

CLOSED = ("sold", "unsold", "terminated")

#: bid refusal reasons (journalled code → zh, en)
REASONS: dict[str, tuple[str, str]] = {
    "lot_not_open": ("拍卖标的未开拍或已落槌", "the lot is not open"),
    "not_checked_in": ("该号牌未签到", "paddle not checked in"),
    "not_registered": ("该号牌未报名本标的", "paddle not registered for this lot"),
    "no_deposit": ("保证金未到账", "deposit not confirmed"),
    "max_wins": ("该号牌已达可竞得数量上限", "paddle has reached its win limit"),
    "below_minimum": ("低于最低应价", "below the minimum bid"),
    "off_grid": ("不是加价幅度的整数倍", "not on the increment grid"),
    "jump_bid": ("本标的不允许跳价", "jump bids are not allowed on this lot"),
    "above_cap": ("超过最高限价", "above the price cap"),
    "already_leading": ("该号牌已是当前最高应价", "paddle is already leading"),
    "already_capped": ("该号牌已在最高限价应价", "paddle already bid at the cap"),
    "bad_amount": ("金额无效", "invalid amount"),
    "too_few_bidders": ("合格竞买人不足，不得竞价", "too few eligible bidders to bid"),
    "cap_reached": ("已达最高限价", "the price cap has been reached"),
    "not_at_cap": ("该号牌未在最高限价应价", "paddle has not bid at the cap"),
    "stage_closed": ("本标的当前不接受此项报价", "this kind of bid is not taken now"),
    "stage_below": ("低于本阶段最低应报值", "below the stage's minimum"),
    "stage_above_max": ("超过本阶段上限", "above the stage's maximum"),
    "sealed_entry": ("一次报价进行中，不再接受举牌应价", "sealed bids are being entered: no open bids"),
    "already_sealed": ("该号牌已提交一次报价", "paddle has already handed in its one-time bid"),
    "out_of_band": ("不在有效报价区间内", "outside the valid band"),
    "identical": ("与他人报价相同，无效", "identical to another bid: invalid"),
    "absent": ("未提交一次报价", "no one-time bid handed in"),
}

#: stages after the price cap (docs/rules/auction.md §2.3): code → (zh, en, unit of the stage's bids)
STAGES: dict[str, tuple[str, str, str]] = {
    "lottery": ("限价+摇号", "cap + lottery", ""),
    "area": ("竞配建", "bidding the 配建 floor area", "m2"),
    "self_hold": ("竞自持", "bidding the share held for rent", "%"),
    "average": ("一次报价·平均价", "one-time sealed bid, nearest the average", "money"),
}
#: the stages whose bids are an area or a share, raised step by step (the others: a lottery, sealed bids)
VALUE_STAGES = ("area", "self_hold")
SELF_HOLD_MAX = Decimal(100)


class AuctionError(HallError):
    """An auctioneer action that the rules do not allow (zh/en for the console)."""


def parse_min_bidders(text: str) -> dict[str, int]:
    """``"KYQ=3,TDSYQ=2"`` → {"KYQ": 3, "TDSYQ": 2} (``[auction] min_bidders_by_trade_type``)."""
    out: dict[str, int] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        try:
            n = int(value)
        except ValueError:
            n = 0
        if not sep or not key.strip() or n < 1:
            raise ConfigError(f"[auction] min_bidders_by_trade_type: {part.strip()!r} is not TYPE=N (N ≥ 1)")
        out[key.strip().upper()] = n
    return out


def stage_value_text(value: str | None, unit: str, price_unit: str = "0") -> str:
    """A stage value as people read it: ``1,200 m²``, ``15 %``, or money."""
    if value is None:
        return "—"
    d = try_parse_money(value)
    if d is None:
        return value
    if unit == "money":
        return format_money(value, price_unit)
    return f"{format_quantity(d)} m²" if unit == "m2" else f"{format_quantity(d)} %"


def split_paddles(text: str | None) -> list[str]:
    """A stored comma list of paddles (``"01,03"``) as a list."""
    return [c for c in (text or "").split(",") if c]


def too_few(trade: str, need: int, have: int) -> AuctionError:
    """§2.4: why a lot with fewer eligible bidders than its trade type asks can be neither opened nor bid on."""
    name = trade_type_zh(trade)
    return AuctionError("too_few_bidders",
                        f"{name}拍卖须有至少 {need} 名合格竞买人（已签到且保证金到账），现有 {have} 名：不得开拍或竞价，"
                        "请等待签到或终止本标的并注明理由",
                        f"{trade} lots need at least {need} eligible bidders (checked in, deposit confirmed); "
                        f"there are {have}: the lot cannot be opened or bid on — wait for check-ins or terminate it with a reason")


# --- what a rule reads: the platform's terms of a lot and its floor state -----------------------------


class LotTerms(Protocol):
    """The platform's terms of a lot (``PfLot``)."""

    @property
    def start_price(self) -> str: ...
    @property
    def increment(self) -> str: ...
    @property
    def cap_price(self) -> str | None: ...
    @property
    def listing_top_bid(self) -> str | None: ...
    @property
    def max_wins_per_paddle(self) -> int | None: ...


class LotFloor(Protocol):
    """A lot's state on the floor (``AuctionLot``)."""

    @property
    def state(self) -> str: ...
    @property
    def increment(self) -> str: ...
    @property
    def current_price(self) -> str | None: ...
    @property
    def leading_paddle(self) -> str | None: ...
    @property
    def capped_paddles(self) -> str: ...
    @property
    def jump_bids(self) -> bool: ...
    @property
    def on_grid(self) -> bool: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def stage_params(self) -> str | None: ...
    @property
    def stage_phase(self) -> str | None: ...
    @property
    def stage_value(self) -> str | None: ...
    @property
    def stage_leader(self) -> str | None: ...
    @property
    def stage_paddles(self) -> str | None: ...


@dataclass(frozen=True)
class BidderFacts:
    """What a bid's check needs to know of the hall outside the auction (check-ins, registrations)."""

    checked_in: bool
    registered: bool  #: registered for this lot
    deposit_ok: bool  #: a registration for this lot with its deposit paid or guaranteed
    too_few_bidders: bool = False  #: §2.4: fewer eligible bidders than the trade type asks


class KeypadDebounce:
    """A repeated press of the same paddle within ``interval_ms`` is one press (``KeypadEvent.received_at``:
    the receiver's monotonic seconds; a press without it always counts)."""

    def __init__(self, interval_ms: float) -> None:
        self.interval = interval_ms / 1000.0
        self._last: dict[str, float] = {}

    def accept(self, paddle_no: str, received_at: float) -> bool:
        if received_at:
            last = self._last.get(paddle_no)
            if last is not None and 0 <= received_at - last < self.interval:
                return False
            self._last[paddle_no] = received_at
        return True


# --- the one fold: prices (and who is at the cap), stage leads ---------------------------------------


@dataclass(frozen=True)
class Price:
    """The price side of a lot: the current price, who leads, and the paddles at the cap in order."""

    current_price: str | None = None
    leading_paddle: str | None = None
    capped: tuple[str, ...] = ()


def price_after(price: Price, paddle: str, amount: str, cap: Decimal | None) -> Price:
    """One more valid price bid: below the cap it leads; at the cap its paddle joins the capped list
    (the first one at the cap leads)."""
    if cap is not None and parse_money(amount) >= cap:
        if not price.capped:
            return Price(amount, paddle, (paddle,))
        return dataclasses.replace(price, capped=(*price.capped, paddle))
    return Price(amount, paddle, price.capped)


def price_of(bids: Iterable[tuple[str, str]], cap: Decimal | None) -> Price:
    """The price side of a lot from its valid bids ``(paddle, amount)`` in journal order."""
    price = Price()
    for paddle, amount in bids:
        price = price_after(price, paddle, amount, cap)
    return price


@dataclass(frozen=True)
class StageLead:
    """The best area/share of a lot's stage, who holds it, and the paddles tied on it (self_hold at 100 %)."""

    value: str | None = None
    leader: str | None = None
    paddles: tuple[str, ...] = ()


def stage_lead_after(stage: str | None, lead: StageLead, paddle: str, value: str) -> StageLead:
    """One more valid area/share bid: it leads, or (self_hold) joins the tie at 100 %."""
    if stage == "self_hold" and Decimal(value) == SELF_HOLD_MAX and lead.value is not None \
            and Decimal(lead.value) == SELF_HOLD_MAX:
        return dataclasses.replace(lead, paddles=(*lead.paddles, paddle))
    return StageLead(value, paddle, (paddle,))


# --- amounts and checks --------------------------------------------------------------------------------


def next_amount(terms: LotTerms, floor: LotFloor) -> Decimal:
    """The minimum next bid: the start, then current + increment, never above the cap."""
    if floor.current_price is None:
        nxt = parse_money(terms.start_price)
    else:
        nxt = parse_money(floor.current_price) + parse_money(floor.increment)
    cap = parse_optional_money(terms.cap_price)
    return min(nxt, cap) if cap is not None else nxt


def opening_amount(terms: LotTerms) -> str:
    """The first bid a pending lot will take: the listing's top + one increment, else the start."""
    if terms.listing_top_bid:
        return decimal_text(parse_money(terms.listing_top_bid) + parse_money(terms.increment))
    return terms.start_price


def is_stage_bid(stage: str | None, stage_phase: str | None, capped: Sequence[str], paddle: str) -> bool:
    """On an open lot: is a bid of ``paddle`` one of the stage after the cap (``auction.stage_bid``), not a
    price bid? At the cap of 竞配建/竞自持 a capped paddle bids the area/share; during 平均价's sealed entry
    every bid is a one-time bid."""
    if not capped:
        return False
    if stage in VALUE_STAGES:
        return paddle in capped
    return stage == "average" and stage_phase == "sealed"


def check_bid(terms: LotTerms, floor: LotFloor, paddle: str, amount: str | None, bidder: BidderFacts,
              wins: int) -> tuple[str | None, Decimal | None]:
    """A price bid judged: (None or the refusal reason of ``REASONS``, the amount). ``amount`` None = next."""
    nxt = next_amount(terms, floor)
    if amount is None or amount == "":
        amount = decimal_text(nxt)
    if floor.state != "open":
        return "lot_not_open", try_parse_money(amount)
    if bidder.too_few_bidders:
        return "too_few_bidders", try_parse_money(amount)
    if not bidder.checked_in:
        return "not_checked_in", try_parse_money(amount)
    if not bidder.registered:
        return "not_registered", try_parse_money(amount)
    if not bidder.deposit_ok:
        return "no_deposit", try_parse_money(amount)
    if terms.max_wins_per_paddle and wins >= terms.max_wins_per_paddle:
        return "max_wins", try_parse_money(amount)
    try:
        value = parse_money(amount)
    except MoneyError:
        return "bad_amount", None
    if value <= 0:
        return "bad_amount", value
    cap = parse_optional_money(terms.cap_price)
    capped = split_paddles(floor.capped_paddles)
    if capped:
        if floor.stage == "lottery" and floor.stage_phase:
            return "stage_closed", value  # the lottery's candidates are fixed
        if floor.stage in (None, "lottery"):
            if paddle in capped:
                return "already_capped", value
            if value != cap:
                return "above_cap" if value > cap else "below_minimum", value  # type: ignore[operator]  # paddles are capped only under a cap
            return None, value
        if floor.stage == "average" and floor.stage_phase:
            return "sealed_entry", value
        if paddle in capped or value != cap:
            return "cap_reached", value  # only joining at the cap; the stage's bids come next
        return None, value
    if paddle == floor.leading_paddle:
        return "already_leading", value
    if cap is not None and value > cap:
        return "above_cap", value
    if value < nxt:
        return "below_minimum", value
    if cap is not None and value == cap:
        return None, value
    if value != nxt and not floor.jump_bids:
        return "jump_bid", value
    if floor.on_grid:
        base = parse_money(floor.current_price) if floor.current_price is not None else parse_money(terms.start_price)
        if (value - base) % parse_money(floor.increment) != 0:
            return "off_grid", value
    return None, value


def stage_next(floor: LotFloor) -> Decimal | None:
    """The next area/percentage: the start, then the best + one step (self_hold: at most 100)."""
    if floor.stage not in VALUE_STAGES:
        return None
    params = json.loads(floor.stage_params or "{}")
    nxt = Decimal(params["start"]) if floor.stage_value is None else Decimal(floor.stage_value) + Decimal(params["step"])
    return min(nxt, SELF_HOLD_MAX) if floor.stage == "self_hold" else nxt


def check_stage_bid(floor: LotFloor, paddle: str, value: str | None,
                    sealed_in: Mapping[str, Decimal]) -> tuple[str | None, Decimal | None]:
    """A stage bid judged: (None or the refusal reason, the value). ``value`` None = the next area/share.

    ``sealed_in``: the one-time bids already in (平均价 only; empty otherwise).
    """
    given = try_parse_money(value)
    if value not in (None, "") and given is None:
        return "bad_amount", None
    if floor.state != "open":
        return "lot_not_open", given
    capped = split_paddles(floor.capped_paddles)
    if floor.stage in (None, "lottery") or not capped:
        return "stage_closed", given  # no stage on this lot, or the cap has not been reached
    if floor.stage == "average":
        if floor.stage_phase != "sealed":
            return "stage_closed", given
        if paddle not in split_paddles(floor.stage_paddles):
            return "not_at_cap", given
        if paddle in sealed_in:
            return "already_sealed", given
        if given is None or given <= 0:
            return "bad_amount", given
        return None, given
    if paddle not in capped:
        return "not_at_cap", given
    nxt = stage_next(floor)
    v = nxt if given is None else given
    if v is None or v < 0:
        return "bad_amount", v
    best = Decimal(floor.stage_value) if floor.stage_value is not None else None
    at_max = floor.stage == "self_hold" and best == SELF_HOLD_MAX
    if paddle in split_paddles(floor.stage_paddles) and (at_max or paddle == floor.stage_leader):
        return "already_leading", v
    if floor.stage == "self_hold" and v > SELF_HOLD_MAX:
        return "stage_above_max", v
    if at_max:
        return (None if v == SELF_HOLD_MAX else "stage_below"), v  # joining the tie at 100 %
    assert nxt is not None
    if v < nxt:
        return "stage_below", v
    if v != nxt and not floor.jump_bids:
        return "jump_bid", v
    params = json.loads(floor.stage_params or "{}")
    if floor.on_grid and (v - Decimal(params["start"])) % Decimal(params["step"]) != 0 and v != SELF_HOLD_MAX:
        return "off_grid", v
    return None, v


def stage_value_of(stage: str, value: Decimal) -> str:
    """A stage bid's value as journalled: money for 平均价, else an area/share."""
    return decimal_text(value) if stage == "average" else quantity_text(value)


def stage_params(cap_price: str | None, default_stage: str, stage: str | None, start: str | None,
                 step: str | None, upper: str | None) -> dict[str, str] | None:
    """The stage after the cap chosen at opening, checked: ``{"kind": …, …}``, or None for a lot without a cap."""
    if not cap_price:
        if stage not in (None, "", "lottery"):
            raise AuctionError("no_cap", "本标的未设最高限价，没有限价后的竞价阶段", "this lot has no price cap, so no stage after it")
        return None
    kind = stage or default_stage
    if kind not in STAGES:
        raise AuctionError("bad_stage", f"未知的限价后竞价方式 {kind}", f"unknown stage {kind}")
    if kind == "lottery":
        return {"kind": kind}
    if kind == "average":
        u = try_parse_money(upper)
        if u is None or u <= parse_money(cap_price):
            raise AuctionError("bad_stage", "平均价：请录入有效报价区间上限（须高于最高限价）",
                               "average price: enter the upper end of the valid band (above the cap)")
        return {"kind": kind, "upper": decimal_text(u)}
    a, b = try_parse_money(start), try_parse_money(step)
    if a is None or b is None or a < 0 or b <= 0 or (kind == "self_hold" and a > SELF_HOLD_MAX):
        what = ("竞配建：请录入起始面积和面积增幅（m²）", "配建: enter the start area and its step (m²)") if kind == "area" \
            else ("竞自持：请录入起始比例和比例增幅（0–100%）", "self-held share: enter its start and step (0–100 %)")
        raise AuctionError("bad_stage", *what)
    return {"kind": kind, "start": quantity_text(a), "step": quantity_text(b)}


def after_cap_params(cap_price: str | None, after_cap: Mapping[str, Any] | None) -> dict[str, str] | None:
    """D7: the stage after the cap as the platform's lot gives it (``after_cap``, docs/platform-api.md §7.1), checked.

    ``{"kind": …, …}``; None for a lot without a cap. The auctioneer never chooses it: a capped lot
    without ``after_cap`` cannot be opened (only terminated with a reason). 平均价 needs the band's upper
    end, which §7.1 has no member for: it is read from ``after_cap.upper`` when the platform sends one.
    """
    if not cap_price:
        return None
    if not after_cap or not after_cap.get("method"):
        raise AuctionError("no_after_cap",
                           "本标的设有最高限价，但出让公告（平台数据）未给出达到限价后的竞价方式：不能开拍，只能注明理由终止",
                           "this lot has a price cap but the platform's lot data gives no method after the cap: "
                           "it cannot be opened, only terminated with a reason")
    kind = str(after_cap["method"])
    try:
        return stage_params(cap_price, kind, kind, after_cap.get("start"), after_cap.get("step"), after_cap.get("upper"))
    except AuctionError as exc:
        raise AuctionError("bad_after_cap", f"平台数据中的限价后竞价方式不完整（{exc.zh}）：不能开拍，只能注明理由终止",
                           f"the platform's method after the cap is incomplete ({exc.en}): the lot cannot be opened, "
                           "only terminated with a reason") from exc


def stage_statement(cap_price: str, price_unit: str, stage: str | None, params: Mapping[str, str]) -> str:
    """What the auctioneer announces at opening about the stage after the cap."""
    cap = format_money(cap_price, price_unit)
    if stage == "area":
        return (f"达到最高限价 {cap} 后，转为竞报配建面积：起始 {stage_value_text(params['start'], 'm2')}，"
                f"增幅 {stage_value_text(params['step'], 'm2')}，面积最大者以最高限价竞得")
    if stage == "self_hold":
        return (f"达到最高限价 {cap} 后，转为竞报自持面积比例：起始 {stage_value_text(params['start'], '%')}，"
                f"增幅 {stage_value_text(params['step'], '%')}，比例最高者竞得；同为 100% 的转入方案评审")
    if stage == "average":
        return (f"达到最高限价 {cap} 后停止举牌，在最高限价应价的竞买人各提交一次书面报价，"
                f"有效区间 {cap} 至 {format_money(params['upper'], price_unit)}，相同报价无效，"
                "最接近有效报价算术平均值者竞得，距离相同的较低者竞得")
    return (f"达到最高限价 {cap} 后，在最高限价应价的竞买人摇号确定竞得人：确认候选人，拍卖师和监督人各录入随机数字，"
            "先公布种子的 SHA-256，再当场抽签并公开种子，任何人可据此复算")


def average_price_result(entered: dict[str, Decimal], candidates: list[str], cap: Decimal,
                         upper: Decimal) -> tuple[list[dict[str, Any]], str | None, tuple[str, str] | None]:
    """平均价 (Suzhou 2016, docs/rules/auction.md §2.3): the one-time bids judged.

    A bid is valid within [cap, upper] and when no other bid has the same amount; the valid bid
    nearest the arithmetic mean of the valid bids wins, and on equal distance the lower bid.
    Returns (per candidate {paddle_no, value, valid, reason}, the mean to 4 places, (winner, bid)).
    """
    counts = Counter(entered.values())
    out: list[dict[str, Any]] = []
    valid: list[tuple[str, Decimal]] = []
    for pad in candidates:
        if pad not in entered:
            out.append({"paddle_no": pad, "value": None, "valid": False, "reason": "absent"})
            continue
        v = entered[pad]
        reason = "out_of_band" if not cap <= v <= upper else ("identical" if counts[v] > 1 else None)
        out.append({"paddle_no": pad, "value": decimal_text(v), "valid": reason is None, "reason": reason})
        if reason is None:
            valid.append((pad, v))
    if not valid:
        return out, None, None
    mean = sum((Fraction(v) for _p, v in valid), Fraction(0)) / len(valid)  # exact: distances compare exactly
    pad, v = min(valid, key=lambda pv: (abs(Fraction(pv[1]) - mean), pv[1]))
    mean_text = decimal_text((Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal("0.0001")))
    return out, mean_text, (pad, decimal_text(v))


def lottery_draw(seed_hex: str, candidates: list[str], label: str = "") -> str:
    """The drawn paddle (docs/rules/auction.md §2.6): the first of the candidates in the draw order of
    ``kiosk.draws`` (the expert draw's scheme: key = SHA-256(domain ‖ seed ‖ beacon), no beacon here;
    each paddle ranked by HMAC-SHA256(key, label ‖ "\n" ‖ paddle)) — anyone can re-draw it."""
    return draws.select(candidates, draws.draw_key(draws.seed_from_hex(seed_hex), ""), 1, label)[0]


def lottery_label(session_id: str, lot_code: str) -> str:
    """The draw's label: the lot it decides (so one seed never ranks two lots alike)."""
    return f"auction/{session_id}/{lot_code}"


#: who enters a lottery's entropy (a few digits each): both, before the seed is committed
LOTTERY_ENTROPY_ROLES = ("auctioneer", "supervisor")
LOTTERY_METHOD = f"{draws.SCHEME}: seed=hall_seed(csprng, auctioneer digits, supervisor digits); winner=select(candidates, 1)"


def sha256_hex(hex_value: str) -> str:
    """SHA-256 (hex) of the bytes a hex value stands for: a seed's or the CSPRNG part's commitment."""
    return draws.commitment(bytes.fromhex(hex_value))


def lottery_seed(entropy: Mapping[str, str], csprng_hex: str) -> str:
    """The seed (hex): ``kiosk.draws.hall_seed`` of the CSPRNG's 32 bytes, then the auctioneer's digits,
    then the supervisor's (each length-prefixed under the scheme's domain)."""
    return draws.hall_seed(bytes.fromhex(csprng_hex), *(entropy[r] for r in LOTTERY_ENTROPY_ROLES)).hex()


def need_entropy_digits(digits: str) -> str:
    text = (digits or "").strip()
    if not (4 <= len(text) <= 12 and text.isascii() and text.isdigit()):
        raise AuctionError("bad_entropy", "请输入 4–12 位数字", "enter 4 to 12 digits")
    return text


def _commitment_of(hex_value: Any) -> str | None:
    try:
        return sha256_hex(str(hex_value or ""))
    except ValueError:
        return None


def verify_lottery(entries: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Recompute a lot's lottery from its journal entries ``(kind, payload)`` in seq order.

    Returns what differs (empty when the commitment, the seed, the candidates and the winner agree):
    each item names the member, Chinese first.
    """
    by: dict[str, list[Mapping[str, Any]]] = {}
    for kind, pl in entries:
        by.setdefault(kind, []).append(pl)
    need = ("auction.lottery_candidates", "auction.lottery_commit", "auction.lottery")
    missing = [k for k in need if k not in by]
    if missing:
        return [f"日志中缺少 {k} / the journal has no {k}" for k in missing]
    cand, commit, draw = by["auction.lottery_candidates"][-1], by["auction.lottery_commit"][-1], by["auction.lottery"][-1]
    out: list[str] = []
    candidates = list(cand["candidates"])
    if list(draw.get("candidates") or []) != candidates:
        out.append("候选人名单与确认的不同 / candidates: the draw's list differs from the confirmed list")
    if _commitment_of(draw.get("csprng")) != cand.get("csprng_sha256"):
        out.append("随机数与事先承诺的不符 / csprng: its SHA-256 differs from the commitment made with the candidates")
    entropy = {pl["role"]: str(pl["digits"]) for pl in by.get("auction.lottery_entropy", [])}
    if set(entropy) != set(LOTTERY_ENTROPY_ROLES):
        out.append("缺少拍卖师或监督人的随机数字 / entropy: the auctioneer's or the supervisor's digits are missing")
        return out
    try:
        seed = lottery_seed(entropy, str(draw.get("csprng", "")))
        bytes.fromhex(str(draw.get("seed", "")))
    except ValueError:
        return [*out, "种子或随机数不是十六进制 / seed or csprng: not hexadecimal"]
    label = lottery_label(str(cand.get("session_id", "")), str(cand.get("lot_code", "")))
    if draw.get("seed") != seed:
        out.append("种子与各方随机数重算结果不同 / seed: differs from the one recomputed from the entropy and the csprng")
    if _commitment_of(draw.get("seed")) != commit.get("seed_sha256"):
        out.append("种子与事先承诺的 SHA-256 不符 / seed: its SHA-256 differs from the committed seed_sha256")
    if candidates and lottery_draw(seed, candidates, label) != draw.get("winner"):
        won = lottery_draw(seed, candidates, label)
        out.append(f"中签号牌应为 {won} / winner: the recomputed winner is {won}, the journal says {draw.get('winner')}")
    for res in by.get("auction.result", []):
        if res.get("result") == "sold" and res.get("paddle_no") != draw.get("winner"):
            out.append("成交号牌不是中签号牌 / result: the buyer is not the drawn paddle")
    return out


# --- replay: the lot's state from the journal alone ------------------------------------------------


@dataclass(frozen=True)
class ReplayState:
    state: str = "pending"
    increment: str | None = None
    current_price: str | None = None
    leading_paddle: str | None = None
    capped: list[str] = field(default_factory=list)
    call_no: int = 0
    bids: list[tuple[int, str, str, bool]] = field(default_factory=list)  #: (seq, paddle, amount, valid)
    result: str | None = None
    hammer_price: str | None = None
    buyer_paddle: str | None = None
    stage: str | None = None
    stage_params: dict[str, str] = field(default_factory=dict)
    stage_phase: str | None = None
    stage_value: str | None = None
    stage_leader: str | None = None
    stage_paddles: list[str] = field(default_factory=list)  #: tied at 100 % / sealed candidates
    sealed: dict[str, str] = field(default_factory=dict)  #: paddle → one-time bid
    stage_mean: str | None = None
    stage_bids: list[tuple[int, str, str, bool]] = field(default_factory=list)  #: (seq, paddle, value, accepted)


def replay_step(st: ReplayState, seq: int, kind: str, pl: Mapping[str, Any], cap: Decimal | None) -> ReplayState:
    """One auction journal entry of the lot folded into its state (a new state; ``st`` is not changed)."""
    rep = dataclasses.replace
    if kind == "auction.lot_opened":
        st = rep(st, state="open", increment=pl["increment"])
        if pl.get("stage"):
            st = rep(st, stage=pl["stage"]["kind"], stage_params={k: v for k, v in pl["stage"].items() if k != "kind"})
    elif kind == "auction.stage_bid":
        st = rep(st, stage_bids=[*st.stage_bids, (seq, pl["paddle_no"], pl["value"], pl["accepted"])])
        if pl["accepted"] and st.stage == "average":
            st = rep(st, sealed={**st.sealed, pl["paddle_no"]: pl["value"]})
        elif pl["accepted"]:
            lead = stage_lead_after(st.stage, StageLead(st.stage_value, st.stage_leader, tuple(st.stage_paddles)),
                                    pl["paddle_no"], pl["value"])
            st = rep(st, stage_value=lead.value, stage_leader=lead.leader, stage_paddles=list(lead.paddles), call_no=0)
    elif kind == "auction.stage":
        st = rep(st, stage_phase=pl["phase"], stage_paddles=list(pl["candidates"]), call_no=0)
    elif kind == "auction.stage_reveal":
        st = rep(st, stage_phase="revealed", stage_value=pl["winning_bid"], stage_leader=pl["winner"],
                 stage_mean=pl["mean"], call_no=0)
    elif kind == "auction.bid" and pl["accepted"]:
        st = rep(st, bids=[*st.bids, (seq, pl["paddle_no"], pl["amount"], True)])
    elif kind == "auction.bid_corrected":
        st = rep(st, bids=[(q, pd, a, v and q != pl["bid_seq"]) for q, pd, a, v in st.bids])
    elif kind == "auction.increment_changed":
        st = rep(st, increment=pl["increment"])
    elif kind == "auction.call":
        st = rep(st, call_no=pl["call_no"])
    elif kind == "auction.result":
        st = rep(st, state=pl["result"], result=pl["result"], hammer_price=pl.get("hammer_price"),
                 buyer_paddle=pl.get("paddle_no"))
    if kind == "auction.bid_corrected" or (kind == "auction.bid" and pl["accepted"]):
        price = price_of(((pd, a) for _q, pd, a, v in st.bids if v), cap)
        st = rep(st, call_no=0, current_price=price.current_price, leading_paddle=price.leading_paddle,
                 capped=list(price.capped))
    return st


def replay(entries: list[Any], session_id: str, lot_code: str, cap_price: str | None = None,
           start_increment: str | None = None) -> ReplayState:
    """Fold the journal's auction entries of one lot (in seq order) into its state."""
    st = ReplayState(increment=start_increment)
    cap = parse_optional_money(cap_price)
    for e in entries:
        pl = e.payload
        if e.kind.startswith("auction.") and pl.get("session_id") == session_id and pl.get("lot_code") == lot_code:
            st = replay_step(st, e.seq, e.kind, pl, cap)
    return st
