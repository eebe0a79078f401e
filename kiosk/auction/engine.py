"""The auction engine (拍卖): lots, bids, calls, hammer, results (docs/rules/auction.md §2–3).

A lot is a state machine ``pending → open → sold / unsold / terminated``. Every step is one unit
of work that **takes the journal head lock first** (``SELECT … FOR UPDATE``; on SQLite the
``BEGIN IMMEDIATE`` writer lock), then reads the lot's row, decides, appends its journal entry and
updates the row in the same transaction. So the journal's ``seq`` is the single authority of bid
order across every process and terminal, a keypad flood can neither reorder nor lose a bid, and
two consoles can never both hammer a lot (the second one finds the lot closed).

Rules enforced (each has a test named after it in ``tests/kiosk/test_auction.py``):

* 拍卖法 §28/§50: the secret reserve (底价) is entered on site by the auctioneer **and** a supervisor
  (two PINs), kept encrypted (``hall.vault``), never in a DTO, log or journal payload until the
  lot closes; a lot without reserve is announced as such (``no_reserve_statement``).
* §36: bids are never withdrawn; a clerk correction is a new entry with operator and reason,
  only before the hammer.
* bidders: checked-in paddles (``checkin.recorded`` accepted with ``paddle_no``) registered for
  the lot with deposit ``paid``/``guarantee``; ``max_wins_per_paddle``.
* amount ≥ current + increment (first bid ≥ start), on the increment grid where the lot says,
  no jump bids where the lot forbids them, ≤ cap; increments may change during a lot.
* three calls (第一次/第二次/第三次) ``[auction] call_seconds`` apart; any valid bid resets them;
  hammer only after the third call: sold when ≥ reserve, else unsold (流拍); terminate with reason.
* ``listing_auction``: the listing's top 报价 is the opening bid (source ``listing``); the next
  bid is top + one increment; nobody continues → the listing's top bidder buys.
* price cap (§2.3): at the cap further bidders may only join at the cap (one price bid at the cap
  each); what follows is the lot's **stage**, chosen by the auctioneer at opening (default
  ``[auction] cap_stage``), announced and journalled in ``auction.lot_opened`` and fixed from then on:

  - ``lottery`` 限价+摇号: at the hammer a lottery among the capped bidders (CSPRNG seed from
    ``secrets``, recorded, draw verifiable);
  - ``area`` 竞配建: price bids are refused (已达最高限价); the capped bidders bid the 配建 floor area
    (m², own start and step entered at opening); the largest area wins at the cap price after three
    calls; every valid area bid resets the calls;
  - ``self_hold`` 竞自持: the same with the percentage of floor area held for rent (0–100); bidders
    tied at 100 % cannot be separated on the floor: the lot is terminated with a reason (转入方案评审);
  - ``average`` 平均价: the auctioneer closes the capped list (``start_sealed``) and enters each
    capped bidder's one-time written bid, never shown before all are in (or entry is closed); bids
    outside [cap, upper] or identical to another are invalid; the valid bid nearest the mean of the
    valid bids wins, the lower on equal distance; the hammer falls at that bid.

  Every stage bid is journalled as ``auction.stage_bid`` (paddle, value, unit, accepted, reason);
  ``replay`` folds them back into the same state.
* 矿业权 (§2.4): a lot cannot be opened or bid on with fewer eligible bidders than
  ``[auction] min_bidders_by_trade_type`` asks for its session's ``trade_type`` (KYQ=3); the
  auctioneer waits for check-ins or terminates with a reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import ConfigError
from kiosk.db.models import Blob, JournalEntry, JournalHead, Operator, PfLot, PfRegistration, PfSession
from kiosk.db.models_auction import AuctionBid, AuctionDeposit, AuctionLot, AuctionStageBid
from kiosk.errors import HallError
from kiosk.feeds import CTX_BIDDER
from kiosk.money import MoneyError, format_money, parse_money, to_capitals
from kiosk.pii import mask_name
from kiosk.ports import KeypadEvent
from kiosk.timeutil import beijing, parse_rfc3339, rfc3339

DEPOSIT_OK = ("paid", "guarantee")
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
TRADE_TYPES_ZH = {"GCJS": "工程建设", "ZFCG": "政府采购", "TDSYQ": "土地使用权", "KYQ": "矿业权", "GYCQ": "国有产权", "QT": "其他"}
SELF_HOLD_MAX = Decimal(100)


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
    d = _num(value)
    if d is None:
        return value
    if unit == "money":
        return format_money(value, price_unit)
    q = f"{d:,.2f}".rstrip("0").rstrip(".") if d != d.to_integral_value() else f"{d:,.0f}"
    return f"{q} m²" if unit == "m2" else f"{q} %"


class AuctionError(HallError):
    """An auctioneer action that the rules do not allow (zh/en for the console)."""


class _Reason:
    """``reason`` (a code of ``REASONS``) in words; an unknown code is shown as it is."""

    reason: str | None

    @property
    def reason_zh(self) -> str:
        return REASONS.get(self.reason or "", (self.reason or "", ""))[0]

    @property
    def reason_en(self) -> str:
        return REASONS.get(self.reason or "", ("", self.reason or ""))[1]


@dataclass(frozen=True)
class BidView(_Reason):
    seq: int
    paddle_no: str
    amount: str
    source: str
    accepted: bool
    reason: str | None
    at: dt.datetime
    corrected: bool = False
    corrected_reason: str | None = None


@dataclass(frozen=True)
class StageBidView(_Reason):
    """One stage bid; a sealed one-time bid's value is None until the bids are revealed."""

    seq: int
    paddle_no: str
    value: str | None
    unit: str
    source: str
    accepted: bool
    reason: str | None
    at: dt.datetime


@dataclass(frozen=True)
class LotView:
    """A lot as the console and the audience screen show it — never the reserve."""

    session_id: str
    lot_code: str
    title: str
    position: int
    start_price: str
    increment: str
    price_unit: str
    deposit: str | None
    has_reserve: bool
    reserve_entered: bool
    cap_price: str | None
    max_wins_per_paddle: int | None
    listing_top_bid: str | None
    listing_top_paddle: str | None
    state: str
    jump_bids: bool
    on_grid: bool
    current_price: str | None
    leading_paddle: str | None
    next_amount: str | None
    capped_paddles: tuple[str, ...]
    call_no: int
    last_activity_at: dt.datetime | None
    call_seconds: int
    hammer_price: str | None
    buyer_paddle: str | None
    close_reason: str | None
    closed_at: dt.datetime | None
    version: int
    bids: tuple[BidView, ...] = ()
    trade_type: str = ""
    min_bidders: int = 1
    eligible_bidders: int | None = None  #: counted where a minimum above 1 applies
    stage: str | None = None  #: the stage after the cap (STAGES), fixed at opening
    stage_start: str | None = None
    stage_step: str | None = None
    stage_upper: str | None = None  #: average: the band's upper end
    stage_phase: str | None = None  #: average: sealed → revealed
    stage_value: str | None = None  #: the best area/percent; average: the winning one-time bid
    stage_leader: str | None = None
    stage_tied: tuple[str, ...] = ()  #: self_hold: paddles tied at 100 %
    stage_next: str | None = None
    sealed_candidates: tuple[str, ...] = ()
    confirmation_sha256: str | None = None  #: the 成交确认书 of a sold lot (``Hall.document``)
    record_sha256: str | None = None  #: the lot's 拍卖笔录
    sealed_in: tuple[str, ...] = ()  #: paddles whose one-time bid is in (never the amounts before the reveal)
    stage_mean: str | None = None
    stage_revealed: tuple[tuple[str, str | None, bool, str | None], ...] = ()  #: (paddle, value, valid, reason)
    stage_bids: tuple[StageBidView, ...] = ()

    @property
    def stage_unit(self) -> str:
        return STAGES[self.stage][2] if self.stage else ""

    def stage_text(self, value: str | None) -> str:
        return stage_value_text(value, self.stage_unit, self.price_unit)

    @property
    def too_few_bidders(self) -> bool:
        return self.eligible_bidders is not None and self.eligible_bidders < self.min_bidders

    @property
    def at_cap(self) -> bool:
        return bool(self.capped_paddles)

    @property
    def unit_zh(self) -> str:
        return "万元" if self.price_unit == "1" else "元"

    @property
    def no_reserve_statement(self) -> str:
        return "" if self.has_reserve else "本标的无保留价（底价）"

    def money(self, amount: str | None) -> str:
        return format_money(amount, self.price_unit) if amount is not None else "—"

    def capitals(self, amount: str | None) -> str:
        return to_capitals(amount, self.price_unit) if amount is not None else ""

    def seconds_to_next_call(self, now: dt.datetime) -> float | None:
        if self.state != "open" or self.last_activity_at is None or self.call_no >= 3 or self.stage_phase:
            return None
        return max(0.0, self.call_seconds - (now - self.last_activity_at).total_seconds())


@dataclass(frozen=True)
class BidOutcome:
    accepted: bool
    reason: str | None
    seq: int
    amount: str
    lot: LotView

    @property
    def reason_zh(self) -> str:
        return REASONS.get(self.reason or "", ("", ""))[0]

    @property
    def reason_en(self) -> str:
        return REASONS.get(self.reason or "", ("", ""))[1]


@dataclass(frozen=True)
class Bidder:
    paddle_no: str
    registration_id: str
    name_masked: str
    deposit_status: str | None
    eligible: bool


@dataclass(frozen=True)
class LotResult:
    """What the hammer (or termination) produced."""

    session_id: str
    lot_code: str
    result: str
    hammer_at: dt.datetime
    hammer_price: str | None = None
    paddle_no: str | None = None
    buyer_name: str | None = None
    confirmation_sha256: str | None = None
    record_sha256: str | None = None
    confirmation_path: str | None = None
    record_path: str | None = None
    lottery_seed: str | None = None
    reason: str | None = None


@dataclass
class _PaddleCache:
    cursor: int = 0
    by_session: dict[str, dict[str, list[str]]] = field(default_factory=dict)


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
        out.append({"paddle_no": pad, "value": _s(v), "valid": reason is None, "reason": reason})
        if reason is None:
            valid.append((pad, v))
    if not valid:
        return out, None, None
    mean = sum((Fraction(v) for _p, v in valid), Fraction(0)) / len(valid)  # exact: distances compare exactly
    pad, v = min(valid, key=lambda pv: (abs(Fraction(pv[1]) - mean), pv[1]))
    mean_text = _s((Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal("0.0001")))
    return out, mean_text, (pad, _s(v))


def lottery_draw(seed_hex: str, candidates: list[str]) -> str:
    """The drawn paddle: SHA-256(seed ‖ candidates) mod n — anyone can re-draw from the recorded seed."""
    digest = hashlib.sha256((seed_hex + "|" + ",".join(candidates)).encode("ascii")).digest()
    return candidates[int.from_bytes(digest, "big") % len(candidates)]


def _dec(text: str | None) -> Decimal | None:
    return parse_money(text) if text is not None else None


def _s(value: Decimal) -> str:
    """A decimal string with at least two places (``32000.00``), more only where the amount has them."""
    q = value.quantize(Decimal("0.01"))
    return f"{q:f}" if q == value else f"{value.normalize():f}"


class AuctionService:
    """The auction engine on a ``kiosk.hall.Hall`` (each public method = one unit of work)."""

    def __init__(self, hall: Any) -> None:
        self.hall = hall
        self.call_seconds = int(hall.config.auction.call_seconds)
        self.default_jump = bool(hall.config.auction.jump_bids)
        self.keypad_interval = hall.config.auction.keypad_min_interval_ms / 1000.0
        self.min_bidders = parse_min_bidders(hall.config.auction.min_bidders_by_trade_type)
        self.cap_stage = hall.config.auction.cap_stage
        if self.cap_stage not in STAGES:
            raise ConfigError(f"[auction] cap_stage: {self.cap_stage!r} is not one of {', '.join(STAGES)}")
        self._paddles = _PaddleCache()
        self._plock = threading.Lock()
        self._last_press: dict[str, float] = {}

    # --- reading ----------------------------------------------------------------------------

    def auction_sessions(self, day: dt.date | None = None, room_code: str | None = None) -> list[Any]:
        return self.hall.sessions_on(day, room_code=room_code, kinds=("auction", "listing_auction"))

    def lots(self, session_id: str) -> list[LotView]:
        with self.hall.reading() as s:
            pfs = s.scalars(select(PfLot).where(PfLot.session_id == session_id).order_by(PfLot.position)).all()
            return [self._view(s, p, s.get(AuctionLot, (session_id, p.lot_code)), bids=False) for p in pfs]

    def lot(self, session_id: str, lot_code: str, *, last_bids: int = 12) -> LotView:
        with self.hall.reading() as s:
            p = self._pf(s, session_id, lot_code)
            return self._view(s, p, s.get(AuctionLot, (session_id, lot_code)), bids=True, last_bids=last_bids)

    def open_lot_of(self, session_id: str) -> str | None:
        with self.hall.reading() as s:
            return s.scalar(select(AuctionLot.lot_code).where(AuctionLot.session_id == session_id, AuctionLot.state == "open"))

    def bids(self, session_id: str, lot_code: str) -> list[BidView]:
        with self.hall.reading() as s:
            return self._bids(s, session_id, lot_code, None)

    def bidders(self, session_id: str, lot_code: str) -> list[Bidder]:
        """Checked-in paddles for the lot (点算): eligible = registered for it with deposit confirmed."""
        with self.hall.reading() as s:
            paddles = self._paddle_map(s, session_id)
            out = []
            for paddle, rids in sorted(paddles.items()):
                regs = self._regs_for_lot(s, rids, lot_code)
                if not regs:
                    continue
                ok = [r for r in regs if r.deposit_status in DEPOSIT_OK]
                r = (ok or regs)[0]
                name = r.bidder_name if r.bidder_code_type == "USCC" else mask_name(r.bidder_name)
                out.append(Bidder(paddle, r.registration_id, name, r.deposit_status, bool(ok)))
            return out

    # --- actions ----------------------------------------------------------------------------

    def enter_reserve(self, session_id: str, lot_code: str, amount: str, *, auctioneer: tuple[str, str],
                      supervisor: tuple[str, str]) -> LotView:
        """The sealed 底价, entered by the auctioneer and a supervisor (both PINs checked and journalled)."""
        if auctioneer[0].strip() == supervisor[0].strip():
            raise AuctionError("same_person", "底价须由拍卖师和监督人两人录入", "the reserve needs two different people")
        a = self.hall.login(auctioneer[0], auctioneer[1], roles=("auctioneer",))
        b = self.hall.login(supervisor[0], supervisor[1], roles=("supervisor",))
        try:
            value = parse_money(amount)
        except MoneyError as exc:
            raise AuctionError("bad_amount", "底价金额无效", "invalid reserve amount") from exc
        if value <= 0:
            raise AuctionError("bad_amount", "底价金额无效", "invalid reserve amount")
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            if not p.has_reserve:
                raise AuctionError("no_reserve", "本标的无保留价", "this lot has no reserve")
            row = self._row(s, p)
            if row.state != "pending":
                raise AuctionError("not_pending", "标的已开拍，不能再录入底价", "the lot is already open")
            row.reserve_enc = self.hall.vault.encrypt(_s(value), context=self._ctx(session_id, lot_code))
            row.reserve_by, row.reserve_cosigner = a.username, b.username
            row.version += 1
            self.hall.journal.append(s, "auction.reserve_entered", {
                "session_id": session_id, "lot_code": lot_code, "auctioneer": a.username,
                "supervisor": b.username, "at": rfc3339(self.hall.clock.now()),
            })
            return self._view(s, p, row, bids=False)

    def open_lot(self, session_id: str, lot_code: str, *, actor: str, jump_bids: bool | None = None,
                 on_grid: bool = False, stage: str | None = None, stage_start: str | None = None,
                 stage_step: str | None = None, stage_upper: str | None = None) -> LotView:
        """Announce and open a lot (start, increment, rules; "no reserve" where there is none).

        A lot with a price cap also gets its stage after the cap (``stage``, default ``[auction]
        cap_stage``): ``area``/``self_hold`` need ``stage_start`` and ``stage_step``, ``average``
        needs ``stage_upper`` (the top of the valid band, above the cap).
        """
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "pending":
                raise AuctionError("not_pending", "该标的已拍过", "the lot was already auctioned")
            other = s.scalar(select(AuctionLot.lot_code).where(AuctionLot.session_id == session_id, AuctionLot.state == "open"))
            if other:
                raise AuctionError("other_open", f"标的 {other} 尚未落槌", f"lot {other} is still open")
            if p.has_reserve and row.reserve_enc is None:
                raise AuctionError("reserve_missing", "请先由拍卖师和监督人录入密封底价", "enter the sealed reserve first (auctioneer + supervisor)")
            params = self._stage_params(p, stage, stage_start, stage_step, stage_upper)
            trade, need = self._minimum(s, session_id)
            eligible = self._eligible_paddles(s, session_id, lot_code)
            if len(eligible) < need:
                raise _too_few(trade, need, len(eligible))
            now = self.hall.clock.now()
            row.state = "open"
            if params is not None:
                row.stage = params.pop("kind")
                row.stage_params = json.dumps(params, sort_keys=True)
            row.jump_bids = self.default_jump if jump_bids is None else jump_bids
            row.on_grid = on_grid
            row.opened_by, row.opened_at, row.last_activity_at = actor, now, now
            row.call_no = 0
            row.version += 1
            payload = {
                "session_id": session_id, "lot_code": lot_code, "title": p.title, "start_price": p.start_price,
                "increment": p.increment, "price_unit": p.price_unit, "has_reserve": bool(p.has_reserve),
                "cap_price": p.cap_price, "jump_bids": row.jump_bids, "on_grid": on_grid,
                "bidders": len(eligible), "actor": actor, "at": rfc3339(now),
            }
            if not p.has_reserve:
                payload["statement"] = "本标的无保留价"
            if need > 1:
                payload.update(trade_type=trade, min_bidders=need)
            if row.stage is not None:
                payload["stage"] = {"kind": row.stage, **json.loads(row.stage_params or "{}")}
                payload["stage_statement"] = self._stage_statement(p, row)
            self.hall.journal.append(s, "auction.lot_opened", payload)
            if p.listing_top_bid and p.listing_top_paddle:
                e = self._append_bid(s, session_id, lot_code, p.listing_top_paddle, p.listing_top_bid, "listing", True, None, now)
                row.current_price, row.leading_paddle = p.listing_top_bid, p.listing_top_paddle
                if p.cap_price and parse_money(p.listing_top_bid) >= parse_money(p.cap_price):
                    row.capped_paddles = p.listing_top_paddle
                del e
            return self._view(s, p, row, bids=True)

    def bid(self, session_id: str, lot_code: str, paddle_no: str, amount: str | None = None, *,
            source: str = "floor", actor: str = "") -> BidOutcome:
        """Validate and journal one bid (accepted or rejected with its reason). ``amount`` None = next amount."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            now = self.hall.clock.now()
            paddle_no = paddle_no.strip()
            if source == "keypad" and amount is None and row.stage in ("area", "self_hold") \
                    and paddle_no in _split(row.capped_paddles):
                return self._stage_bid(s, p, row, paddle_no, None, source, actor)  # BID at the cap = the next area/share
            reason, value = self._check(s, p, row, paddle_no, amount)
            text = _s(value) if value is not None else (amount or "0")
            e = self._append_bid(s, session_id, lot_code, paddle_no, text, source, reason is None, reason, now)
            if reason is None:
                assert value is not None
                cap = _dec(p.cap_price)
                if cap is not None and value >= cap:
                    capped = [c for c in row.capped_paddles.split(",") if c]
                    if not capped:
                        row.current_price, row.leading_paddle = text, paddle_no
                    capped.append(paddle_no)
                    row.capped_paddles = ",".join(capped)
                else:
                    row.current_price, row.leading_paddle = text, paddle_no
                row.call_no = 0
                row.last_activity_at = now
                row.version += 1
            return BidOutcome(reason is None, reason, e.seq, text, self._view(s, p, row, bids=False))

    def keypad(self, session_id: str, event: KeypadEvent) -> BidOutcome | None:
        """A keypad press → a bid on the session's open lot (BID = next amount; AMOUNT in yuan)."""
        if event.key not in ("BID", "AMOUNT"):
            return None
        if event.received_at:
            last = self._last_press.get(event.paddle_no)
            if last is not None and 0 <= event.received_at - last < self.keypad_interval:
                return None  # a repeated press of the same paddle within the interval is one press
            self._last_press[event.paddle_no] = event.received_at
        lot_code = self.open_lot_of(session_id)
        if lot_code is None:
            return None
        amount = None
        if event.key == "AMOUNT" and event.amount is not None:
            with self.hall.reading() as s:
                unit = self._pf(s, session_id, lot_code).price_unit
            value = parse_money(event.amount)
            amount = _s(value / 10000) if unit == "1" else _s(value)
        return self.bid(session_id, lot_code, event.paddle_no, amount, source="keypad", actor="keypad")

    # --- the stage after the cap (docs/rules/auction.md §2.3) ----------------------------------------

    def stage_bid(self, session_id: str, lot_code: str, paddle_no: str, value: str | None = None, *,
                  source: str = "floor", actor: str = "") -> BidOutcome:
        """One bid of the lot's stage after the cap: an area (m²), a percentage, or a sealed one-time bid.

        Validated and journalled as ``auction.stage_bid`` (accepted or refused with its reason). ``value``
        None = the next area/percentage (not for sealed bids). The last sealed bid reveals them all.
        """
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            return self._stage_bid(s, p, row, paddle_no.strip(), value, source, actor)

    def _stage_bid(self, s: Session, p: PfLot, row: AuctionLot, paddle_no: str, value: str | None, source: str,
                   actor: str) -> BidOutcome:
        session_id, lot_code = p.session_id, p.lot_code
        now = self.hall.clock.now()
        reason, v = self._check_stage(s, p, row, paddle_no, value)
        stage = row.stage or "lottery"
        text = (_s(v) if stage == "average" else _v(v)) if v is not None else (value or "0")[:32]
        unit = STAGES[stage][2] or "-"
        payload: dict[str, Any] = {"session_id": session_id, "lot_code": lot_code, "stage": stage,
                                   "paddle_no": paddle_no, "value": text, "unit": unit, "source": source,
                                   "accepted": reason is None, "actor": actor, "at": rfc3339(now)}
        if stage == "average":
            payload["price_unit"] = p.price_unit or "0"
        if reason is not None:
            payload["reason"] = reason
        e = self.hall.journal.append(s, "auction.stage_bid", payload, occurred_at=now)
        s.add(AuctionStageBid(journal_seq=e.seq, session_id=session_id, lot_code=lot_code, stage=stage,
                              paddle_no=paddle_no, value=text, unit=unit, source=source, accepted=reason is None,
                              reason=reason, at=now))
        if reason is None:
            assert v is not None
            if stage == "average":
                s.flush()
                if set(self._sealed_in(s, p)) >= set(_split(row.stage_paddles)):
                    self._reveal(s, p, row, now, actor)
            else:
                tied = _split(row.stage_paddles)
                if stage == "self_hold" and v == SELF_HOLD_MAX and row.stage_value is not None \
                        and Decimal(row.stage_value) == SELF_HOLD_MAX:
                    tied.append(paddle_no)
                else:
                    row.stage_value, row.stage_leader, tied = text, paddle_no, [paddle_no]
                row.stage_paddles = ",".join(tied)
                row.call_no = 0
                row.last_activity_at = now
            row.version += 1
        return BidOutcome(reason is None, reason, e.seq, text, self._view(s, p, row, bids=False))

    def start_sealed(self, session_id: str, lot_code: str, *, actor: str) -> LotView:
        """平均价: open bidding stops; the capped paddles (fixed now) each hand in one written bid."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open" or row.stage != "average" or row.stage_phase is not None:
                raise AuctionError("stage_closed", "只有平均价标的在达到最高限价后可开始一次报价",
                                   "only an average-price lot at its cap can start the sealed bids")
            capped = _split(row.capped_paddles)
            if not capped:
                raise AuctionError("not_capped", "尚未达到最高限价", "the cap has not been reached")
            now = self.hall.clock.now()
            row.stage_phase, row.stage_paddles = "sealed", ",".join(capped)
            row.call_no, row.last_activity_at = 0, now
            row.version += 1
            self.hall.journal.append(s, "auction.stage", {
                "session_id": session_id, "lot_code": lot_code, "stage": "average", "phase": "sealed",
                "candidates": capped, "actor": actor, "at": rfc3339(now)})
            return self._view(s, p, row, bids=True)

    def close_sealed(self, session_id: str, lot_code: str, *, actor: str) -> LotView:
        """平均价: close the entry (a bidder who handed in nothing has no bid) and reveal."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open" or row.stage_phase != "sealed":
                raise AuctionError("stage_closed", "没有进行中的一次报价", "no sealed bids are being entered")
            self._reveal(s, p, row, self.hall.clock.now(), actor)
            row.version += 1
            return self._view(s, p, row, bids=True)

    def _reveal(self, s: Session, p: PfLot, row: AuctionLot, now: dt.datetime, actor: str) -> None:
        """The one-time bids: valid within [cap, upper] and not identical; nearest the mean wins, lower on a tie."""
        cap = parse_money(p.cap_price or "0")
        upper = parse_money(json.loads(row.stage_params or "{}")["upper"])
        out, mean_text, winner = average_price_result(self._sealed_in(s, p), _split(row.stage_paddles), cap, upper)
        row.stage_phase = "revealed"
        row.stage_leader, row.stage_value = (winner or (None, None))
        row.stage_result = json.dumps({"bids": out, "mean": mean_text}, ensure_ascii=False)
        row.call_no, row.last_activity_at = 0, now
        self.hall.journal.append(s, "auction.stage_reveal", {
            "session_id": p.session_id, "lot_code": p.lot_code, "stage": "average", "cap_price": p.cap_price,
            "upper": _s(upper), "bids": out, "mean": mean_text, "winner": winner[0] if winner else None,
            "winning_bid": winner[1] if winner else None, "actor": actor, "at": rfc3339(now)})

    def _sealed_in(self, s: Session, p: PfLot) -> dict[str, Decimal]:
        rows = s.scalars(select(AuctionStageBid).where(
            AuctionStageBid.session_id == p.session_id, AuctionStageBid.lot_code == p.lot_code,
            AuctionStageBid.accepted.is_(True)).order_by(AuctionStageBid.journal_seq)).all()
        return {b.paddle_no: Decimal(b.value) for b in rows}

    def _check_stage(self, s: Session, p: PfLot, row: AuctionLot, paddle: str, value: str | None) -> tuple[str | None, Decimal | None]:
        given = _num(value) if value not in (None, "") else None
        if value not in (None, "") and given is None:
            return "bad_amount", None
        if row.state != "open":
            return "lot_not_open", given
        capped = _split(row.capped_paddles)
        if row.stage in (None, "lottery") or not capped:
            return "stage_closed", given  # no stage on this lot, or the cap has not been reached
        if row.stage == "average":
            if row.stage_phase != "sealed":
                return "stage_closed", given
            if paddle not in _split(row.stage_paddles):
                return "not_at_cap", given
            if paddle in self._sealed_in(s, p):
                return "already_sealed", given
            if given is None or given <= 0:
                return "bad_amount", given
            return None, given
        if paddle not in capped:
            return "not_at_cap", given
        nxt = self._stage_next(row)
        v = nxt if given is None else given
        if v is None or v < 0:
            return "bad_amount", v
        best = Decimal(row.stage_value) if row.stage_value is not None else None
        at_max = row.stage == "self_hold" and best == SELF_HOLD_MAX
        if paddle in _split(row.stage_paddles) and (at_max or paddle == row.stage_leader):
            return "already_leading", v
        if row.stage == "self_hold" and v > SELF_HOLD_MAX:
            return "stage_above_max", v
        if at_max:
            return (None if v == SELF_HOLD_MAX else "stage_below"), v  # joining the tie at 100 %
        assert nxt is not None
        if v < nxt:
            return "stage_below", v
        if v != nxt and not row.jump_bids:
            return "jump_bid", v
        params = json.loads(row.stage_params or "{}")
        if row.on_grid and (v - Decimal(params["start"])) % Decimal(params["step"]) != 0 and v != SELF_HOLD_MAX:
            return "off_grid", v
        return None, v

    @staticmethod
    def _stage_next(row: AuctionLot) -> Decimal | None:
        """The next area/percentage: the start, then the best + one step (self_hold: at most 100)."""
        if row.stage not in ("area", "self_hold"):
            return None
        params = json.loads(row.stage_params or "{}")
        nxt = Decimal(params["start"]) if row.stage_value is None else Decimal(row.stage_value) + Decimal(params["step"])
        return min(nxt, SELF_HOLD_MAX) if row.stage == "self_hold" else nxt

    def _stage_params(self, p: PfLot, stage: str | None, start: str | None, step: str | None,
                      upper: str | None) -> dict[str, str] | None:
        if not p.cap_price:
            if stage not in (None, "", "lottery"):
                raise AuctionError("no_cap", "本标的未设最高限价，没有限价后的竞价阶段", "this lot has no price cap, so no stage after it")
            return None
        kind = stage or self.cap_stage
        if kind not in STAGES:
            raise AuctionError("bad_stage", f"未知的限价后竞价方式 {kind}", f"unknown stage {kind}")
        if kind == "lottery":
            return {"kind": kind}
        if kind == "average":
            u = _num(upper)
            if u is None or u <= parse_money(p.cap_price):
                raise AuctionError("bad_stage", "平均价：请录入有效报价区间上限（须高于最高限价）",
                                   "average price: enter the upper end of the valid band (above the cap)")
            return {"kind": kind, "upper": _s(u)}
        a, b = _num(start), _num(step)
        if a is None or b is None or a < 0 or b <= 0 or (kind == "self_hold" and a > SELF_HOLD_MAX):
            what = ("竞配建：请录入起始面积和面积增幅（m²）", "配建: enter the start area and its step (m²)") if kind == "area" \
                else ("竞自持：请录入起始比例和比例增幅（0–100%）", "self-held share: enter its start and step (0–100 %)")
            raise AuctionError("bad_stage", *what)
        return {"kind": kind, "start": _v(a), "step": _v(b)}

    def _stage_statement(self, p: PfLot, row: AuctionLot) -> str:
        """What the auctioneer announces at opening about the stage after the cap."""
        cap = format_money(p.cap_price, p.price_unit or "0")  # type: ignore[arg-type]  # a stage needs a cap (stage_params)
        params = json.loads(row.stage_params or "{}")
        if row.stage == "area":
            return (f"达到最高限价 {cap} 后，转为竞报配建面积：起始 {stage_value_text(params['start'], 'm2')}，"
                    f"增幅 {stage_value_text(params['step'], 'm2')}，面积最大者以最高限价竞得")
        if row.stage == "self_hold":
            return (f"达到最高限价 {cap} 后，转为竞报自持面积比例：起始 {stage_value_text(params['start'], '%')}，"
                    f"增幅 {stage_value_text(params['step'], '%')}，比例最高者竞得；同为 100% 的转入方案评审")
        if row.stage == "average":
            return (f"达到最高限价 {cap} 后停止举牌，在最高限价应价的竞买人各提交一次书面报价，"
                    f"有效区间 {cap} 至 {format_money(params['upper'], p.price_unit or '0')}，相同报价无效，"
                    "最接近有效报价算术平均值者竞得，距离相同的较低者竞得")
        return f"达到最高限价 {cap} 后，在最高限价应价的竞买人摇号确定竞得人"

    def _minimum(self, s: Session, session_id: str) -> tuple[str, int]:
        sess = s.get(PfSession, session_id)
        trade = (sess.trade_type if sess is not None else "") or ""
        return trade, self.min_bidders.get(trade.upper(), 1)

    def correct(self, session_id: str, lot_code: str, bid_seq: int, *, actor: str, reason: str) -> LotView:
        """A clerk's correction of a wrongly entered bid (拍卖法 §36: never a withdrawal) — before the hammer only."""
        if not reason.strip() or not actor:
            raise AuctionError("reason_required", "更正须注明操作员和理由", "a correction needs an operator and a reason")
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open":
                raise AuctionError("closed", "已落槌，不能更正", "the hammer has fallen: no corrections")
            b = s.get(AuctionBid, bid_seq)
            if b is None or b.session_id != session_id or b.lot_code != lot_code or not b.accepted or b.corrected_seq:
                raise AuctionError("no_bid", "没有可更正的有效应价", "no such valid bid to correct")
            if b.source == "listing":
                raise AuctionError("listing", "挂牌报价不能更正", "the listing bid cannot be corrected")
            if row.stage_value is not None or row.stage_phase is not None:
                raise AuctionError("stage_started", "限价后竞价阶段已开始，不能再更正举牌应价",
                                   "the stage after the cap has begun: price bids can no longer be corrected")
            now = self.hall.clock.now()
            e = self.hall.journal.append(s, "auction.bid_corrected", {
                "session_id": session_id, "lot_code": lot_code, "bid_seq": bid_seq, "paddle_no": b.paddle_no,
                "amount": b.amount, "actor": actor, "reason": reason, "at": rfc3339(now),
            })
            b.corrected_seq, b.corrected_by, b.corrected_reason = e.seq, actor, reason
            s.flush()
            self._recompute(s, p, row)
            row.call_no = 0
            row.last_activity_at = now
            row.version += 1
            return self._view(s, p, row, bids=True)

    def change_increment(self, session_id: str, lot_code: str, increment: str, *, actor: str) -> LotView:
        """The auctioneer may change the step during bidding (39号令 §16)."""
        value = parse_money(increment)
        if value <= 0:
            raise AuctionError("bad_amount", "加价幅度无效", "invalid increment")
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state not in ("pending", "open"):
                raise AuctionError("closed", "已落槌", "the lot is closed")
            row.increment = _s(value)
            row.version += 1
            self.hall.journal.append(s, "auction.increment_changed", {
                "session_id": session_id, "lot_code": lot_code, "increment": row.increment, "actor": actor,
                "at": rfc3339(self.hall.clock.now()),
            })
            return self._view(s, p, row, bids=True)

    def call(self, session_id: str, lot_code: str, *, actor: str, expect_version: int | None = None) -> LotView:
        """The next call (第一次/第二次/第三次), at least ``call_seconds`` after the last bid or call."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open":
                raise AuctionError("lot_not_open", "标的未开拍或已落槌", "the lot is not open")
            if expect_version is not None and row.version != expect_version:
                raise AuctionError("changed", "有新的应价，报价重新计时", "a new bid arrived: the calls restart")
            if row.stage_phase:
                raise AuctionError("sealed_entry", "一次报价阶段不再报价计次", "no calls in the sealed-bid stage")
            if row.call_no >= 3:
                raise AuctionError("calls_done", "已三次报价，请落槌", "three calls made: drop the hammer")
            now = self.hall.clock.now()
            waited = (now - (row.last_activity_at or now)).total_seconds()
            if waited < self.call_seconds:
                raise AuctionError("too_early", f"距上次应价或报价不足 {self.call_seconds} 秒",
                                   f"less than {self.call_seconds} s since the last bid or call")
            row.call_no += 1
            row.last_activity_at = now
            row.version += 1
            payload = {"session_id": session_id, "lot_code": lot_code, "call_no": row.call_no,
                       "price": row.current_price, "paddle_no": row.leading_paddle, "actor": actor, "at": rfc3339(now)}
            if row.stage in ("area", "self_hold") and row.stage_leader is not None:
                # in the stage the call names the best area/share and who holds it (several when tied at 100 %)
                payload.update(paddle_no=row.stage_leader, stage_value=row.stage_value, unit=STAGES[row.stage][2],
                               tied=_split(row.stage_paddles))
            self.hall.journal.append(s, "auction.call", payload)
            return self._view(s, p, row, bids=True)

    def hammer(self, session_id: str, lot_code: str, *, actor: str, place: str = "") -> LotResult:
        """落槌 after the third call: sold (≥ reserve; lottery among capped bidders) or unsold (流拍)."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open":
                raise AuctionError("lot_not_open", "该标的已落槌或未开拍", "the lot is closed or not open")
            if row.stage_phase == "sealed":
                raise AuctionError("sealed_open", "一次报价尚未全部提交：请录入或结束录入", "the sealed bids are not all in: enter them or close the entry")
            if row.call_no < 3 and row.stage_phase != "revealed":
                raise AuctionError("calls_missing", "须三次报价无人应价后方可落槌", "three calls are needed before the hammer")
            now = self.hall.clock.now()
            reserve = self._reserve(row)
            price = _dec(row.current_price)
            winner = row.leading_paddle
            seed = None
            capped = [c for c in row.capped_paddles.split(",") if c]
            if capped and row.stage in ("area", "self_hold"):
                tied = _split(row.stage_paddles)
                if row.stage_leader is not None and len(tied) == 1:
                    winner = row.stage_leader
                elif len(capped) > 1 or len(tied) > 1:
                    if row.stage == "self_hold":
                        raise AuctionError("stage_tied", "竞自持比例相同，现场无法确定竞得人：请终止本标的并注明理由（转入方案评审）",
                                           "tied on the self-held share: nobody can win on the floor — terminate the lot with a reason (转入方案评审)")
                    raise AuctionError("stage_tied", "多名竞买人在最高限价，须竞报配建面积决出；无人报面积的，请终止并注明理由",
                                       "several bidders at the cap: the 配建 area decides — if nobody bids it, terminate with a reason")
            elif capped and row.stage == "average":
                if row.stage_phase == "revealed":
                    if row.stage_leader is None:
                        raise AuctionError("no_valid_bid", "没有有效的一次报价：请终止本标的并注明理由",
                                           "no valid one-time bid: terminate the lot with a reason")
                    winner, price = row.stage_leader, Decimal(row.stage_value or "0")
                elif len(capped) > 1:
                    raise AuctionError("sealed_missing", "多名竞买人在最高限价：请开始一次报价", "several bidders at the cap: start the sealed one-time bids")
            elif len(capped) > 1:
                seed = secrets.token_hex(32)
                winner = lottery_draw(seed, capped)
                self.hall.journal.append(s, "auction.lottery", {
                    "session_id": session_id, "lot_code": lot_code, "candidates": capped, "seed": seed,
                    "method": "sha256(seed|candidates) mod n", "winner": winner, "at": rfc3339(now),
                })
            if price is None or winner is None:
                result, reason = "unsold", "no_bids"
            elif reserve is not None and price < reserve:
                result, reason = "unsold", "below_reserve"
            else:
                result, reason = "sold", None
            return self._close(s, p, row, result, now, actor=actor, place=place, reason=reason,
                               price=_s(price) if result == "sold" and price is not None else None,
                               paddle=winner if result == "sold" else None, seed=seed)

    def terminate(self, session_id: str, lot_code: str, *, actor: str, reason: str, place: str = "") -> LotResult:
        """终止 a lot with a reason (e.g. a fault, or an order of the consignor)."""
        if not reason.strip():
            raise AuctionError("reason_required", "终止须注明理由", "termination needs a reason")
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state in CLOSED:
                raise AuctionError("lot_not_open", "该标的已结束", "the lot is closed")
            return self._close(s, p, row, "terminated", self.hall.clock.now(), actor=actor, place=place, reason=reason)

    def due_call(self, session_id: str, lot_code: str, *, actor: str) -> LotView | None:
        """Make the next call if its time has come (the console's timer); None when not due."""
        v = self.lot(session_id, lot_code, last_bids=0)
        left = v.seconds_to_next_call(self.hall.clock.now())
        if left is None or left > 0:
            return None
        try:
            return self.call(session_id, lot_code, actor=actor, expect_version=v.version)
        except AuctionError:
            return None  # another console called, or a bid arrived: nothing is due

    # --- closing ------------------------------------------------------------------------------

    def _close(self, s: Session, p: PfLot, row: AuctionLot, result: str, now: dt.datetime, *, actor: str, place: str,
               reason: str | None, price: str | None = None, paddle: str | None = None, seed: str | None = None) -> LotResult:
        from kiosk.auction import docs as auction_docs  # reportlab is heavy: load it when a lot closes

        row.state = result
        row.closed_at = now
        row.close_reason = reason
        row.hammer_price = price
        row.buyer_paddle = paddle
        row.lottery_seed = seed
        row.version += 1
        session = s.get(PfSession, p.session_id)
        place = place or (f"{self.hall.config.site.name}{session.room_name}" if session else self.hall.config.site.name)
        reg = self._buyer_registration(s, p.session_id, p.lot_code, paddle) if paddle else None
        buyer_name = reg.bidder_name if reg else (f"挂牌竞得人（号牌 {paddle}）" if paddle else None)
        buyer_code = self._buyer_code(reg) if reg else ""
        docs = auction_docs.Docs(
            site=self.hall.config.site.name, session=session, lot=p, state=row, place=place, hammer_at=now,
            buyer_name=buyer_name, buyer_code=buyer_code, reserve=self._reserve_text(row), actor=actor,
            bids=self._bids(s, p.session_id, p.lot_code, None), events=self._lot_events(s, p.session_id, p.lot_code),
            names={u: n for u, n in s.execute(select(Operator.username, Operator.display_name))},
            stage_bids=self._stage_bid_views(s, p.session_id, p.lot_code, row),
        )
        out_dir = self.hall.config.data_dir / "auction" / p.session_id
        conf_sha = conf_path = None
        if result == "sold":
            data, conf_sha = auction_docs.confirmation_pdf(docs)
            conf_path = self._store(s, out_dir / f"{p.lot_code}-成交确认书.pdf", data, conf_sha, now)
            row.confirmation_sha256 = conf_sha
        payload: dict[str, Any] = {"session_id": p.session_id, "lot_code": p.lot_code, "result": result, "hammer_at": rfc3339(now)}
        if result == "sold":
            payload.update(hammer_price=price, paddle_no=paddle, buyer_name=buyer_name, buyer_code=buyer_code,
                           confirmation_sha256=conf_sha)
        if result == "terminated":
            self.hall.journal.append(s, "auction.terminated", {
                "session_id": p.session_id, "lot_code": p.lot_code, "actor": actor, "reason": reason or "", "at": rfc3339(now)})
        self.hall.journal.append(s, "auction.result", payload)
        record, rec_sha = auction_docs.record_pdf(docs, result=result, reason=reason)
        rec_path = self._store(s, out_dir / f"{p.lot_code}-拍卖笔录.pdf", record, rec_sha, now)
        row.record_sha256 = rec_sha
        self.hall.journal.append(s, "auction.record", {"session_id": p.session_id, "lot_code": p.lot_code, "record_sha256": rec_sha})
        self._deposits(s, p, paddle if result == "sold" else None, now)
        return LotResult(p.session_id, p.lot_code, result, now, price, paddle, buyer_name, conf_sha, rec_sha,
                         conf_path, rec_path, seed, reason)

    def _store(self, s: Session, path: Path, data: bytes, sha: str, now: dt.datetime) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, path=str(path), size=len(data), media_type="application/pdf", encrypted=False, created_at=now))
        return str(path)

    def _deposits(self, s: Session, p: PfLot, winner: str | None, now: dt.datetime) -> None:
        paddles = self._paddle_map(s, p.session_id)
        paddle_of = {rid: pad for pad, rids in paddles.items() for rid in rids}
        regs = s.scalars(select(PfRegistration).where(
            PfRegistration.session_id == p.session_id, PfRegistration.lot_code == p.lot_code,
            PfRegistration.deposit_status.in_(DEPOSIT_OK)).order_by(PfRegistration.registration_id)).all()
        won = False
        for r in regs:
            pad = paddle_of.get(r.registration_id)
            effect = "convert" if winner is not None and pad == winner and not won else "refund"
            won = won or effect == "convert"
            amount = r.deposit_amount or p.deposit or "0"
            e = self.hall.journal.append(s, "auction.deposit", {
                "session_id": p.session_id, "lot_code": p.lot_code, "registration_id": r.registration_id,
                "paddle_no": pad, "amount": amount, "effect": effect, "at": rfc3339(now),
            })
            s.add(AuctionDeposit(session_id=p.session_id, lot_code=p.lot_code, registration_id=r.registration_id,
                                 paddle_no=pad, amount=amount, effect=effect, at=now, journal_seq=e.seq))

    def deposit_ledger(self, session_id: str) -> list[dict[str, Any]]:
        with self.hall.reading() as s:
            rows = s.scalars(select(AuctionDeposit).where(AuctionDeposit.session_id == session_id).order_by(AuctionDeposit.id)).all()
            return [{"lot_code": r.lot_code, "registration_id": r.registration_id, "paddle_no": r.paddle_no,
                     "amount": r.amount, "effect": r.effect} for r in rows]

    def revealed_reserve(self, session_id: str, lot_code: str) -> str | None:
        """The reserve — only once the lot has closed (for the record and the result screen)."""
        with self.hall.reading() as s:
            row = s.get(AuctionLot, (session_id, lot_code))
            if row is None or row.state not in CLOSED:
                raise AuctionError("sealed", "底价在落槌前保密", "the reserve stays sealed until the lot closes")
            return self._reserve_text(row)

    # --- internals ----------------------------------------------------------------------------

    @staticmethod
    def _lock(s: Session) -> None:
        """The journal head's lock: one authority for the order of every auction event."""
        s.execute(select(JournalHead.id).where(JournalHead.id == 1).with_for_update()).first()

    @staticmethod
    def _ctx(session_id: str, lot_code: str) -> bytes:
        return f"auction-reserve/{session_id}/{lot_code}".encode()

    def _reserve(self, row: AuctionLot) -> Decimal | None:
        if row.reserve_enc is None:
            return None
        return parse_money(self.hall.vault.decrypt_str(row.reserve_enc, context=self._ctx(row.session_id, row.lot_code)))

    def _reserve_text(self, row: AuctionLot) -> str | None:
        r = self._reserve(row)
        return _s(r) if r is not None else None

    @staticmethod
    def _pf(s: Session, session_id: str, lot_code: str) -> PfLot:
        p = s.get(PfLot, (session_id, lot_code))
        if p is None:
            raise AuctionError("no_lot", f"没有标的 {lot_code}", f"no lot {lot_code}")
        return p

    @staticmethod
    def _row(s: Session, p: PfLot) -> AuctionLot:
        row = s.get(AuctionLot, (p.session_id, p.lot_code))
        if row is None:
            row = AuctionLot(session_id=p.session_id, lot_code=p.lot_code, state="pending", increment=p.increment,
                             jump_bids=True, on_grid=False, capped_paddles="", call_no=0, version=0)
            s.add(row)
            s.flush()
        return row

    def _append_bid(self, s: Session, session_id: str, lot_code: str, paddle: str, amount: str, source: str,
                    accepted: bool, reason: str | None, now: dt.datetime) -> Any:
        payload: dict[str, Any] = {"session_id": session_id, "lot_code": lot_code, "paddle_no": paddle, "amount": amount,
                                   "source": source, "accepted": accepted, "at": rfc3339(now)}
        if not accepted:
            payload["reason"] = reason or "rejected"
        e = self.hall.journal.append(s, "auction.bid", payload, occurred_at=now)
        s.add(AuctionBid(journal_seq=e.seq, session_id=session_id, lot_code=lot_code, paddle_no=paddle, amount=amount,
                         source=source, accepted=accepted, reason=None if accepted else payload["reason"], at=now))
        return e

    def _check(self, s: Session, p: PfLot, row: AuctionLot, paddle: str, amount: str | None) -> tuple[str | None, Decimal | None]:
        nxt = self._next(p, row)
        if amount is None or amount == "":
            amount = _s(nxt)
        if row.state != "open":
            return "lot_not_open", _safe(amount)
        _trade, need = self._minimum(s, p.session_id)
        if need > 1 and len(self._eligible_paddles(s, p.session_id, p.lot_code)) < need:
            return "too_few_bidders", _safe(amount)
        paddles = self._paddle_map(s, p.session_id)
        if paddle not in paddles:
            return "not_checked_in", _safe(amount)
        regs = self._regs_for_lot(s, paddles[paddle], p.lot_code)
        if not regs:
            return "not_registered", _safe(amount)
        if not any(r.deposit_status in DEPOSIT_OK for r in regs):
            return "no_deposit", _safe(amount)
        if p.max_wins_per_paddle:
            wins = len(s.scalars(select(AuctionLot.lot_code).where(
                AuctionLot.session_id == p.session_id, AuctionLot.state == "sold", AuctionLot.buyer_paddle == paddle)).all())
            if wins >= p.max_wins_per_paddle:
                return "max_wins", _safe(amount)
        try:
            value = parse_money(amount)
        except MoneyError:
            return "bad_amount", None
        if value <= 0:
            return "bad_amount", value
        cap = _dec(p.cap_price)
        capped = [c for c in row.capped_paddles.split(",") if c]
        if capped:
            if row.stage in (None, "lottery"):
                if paddle in capped:
                    return "already_capped", value
                if value != cap:
                    return "above_cap" if value > cap else "below_minimum", value  # type: ignore[operator]  # paddles are capped only under a cap
                return None, value
            if row.stage == "average" and row.stage_phase:
                return "sealed_entry", value
            if paddle in capped or value != cap:
                return "cap_reached", value  # only joining at the cap; the stage's bids come next
            return None, value
        if paddle == row.leading_paddle:
            return "already_leading", value
        if cap is not None and value > cap:
            return "above_cap", value
        if value < nxt:
            return "below_minimum", value
        if cap is not None and value == cap:
            return None, value
        if value != nxt and not row.jump_bids:
            return "jump_bid", value
        if row.on_grid:
            base = parse_money(row.current_price) if row.current_price is not None else parse_money(p.start_price)
            if (value - base) % parse_money(row.increment) != 0:
                return "off_grid", value
        return None, value

    @staticmethod
    def _next(p: PfLot, row: AuctionLot) -> Decimal:
        if row.current_price is None:
            nxt = parse_money(p.start_price)
        else:
            nxt = parse_money(row.current_price) + parse_money(row.increment)
        cap = _dec(p.cap_price)
        return min(nxt, cap) if cap is not None else nxt

    def _recompute(self, s: Session, p: PfLot, row: AuctionLot) -> None:
        valid = s.scalars(select(AuctionBid).where(
            AuctionBid.session_id == p.session_id, AuctionBid.lot_code == p.lot_code, AuctionBid.accepted.is_(True),
            AuctionBid.corrected_seq.is_(None)).order_by(AuctionBid.journal_seq)).all()
        cap = _dec(p.cap_price)
        row.current_price = row.leading_paddle = None
        capped: list[str] = []
        for b in valid:
            if cap is not None and parse_money(b.amount) >= cap:
                if not capped:
                    row.current_price, row.leading_paddle = b.amount, b.paddle_no
                capped.append(b.paddle_no)
            else:
                row.current_price, row.leading_paddle = b.amount, b.paddle_no
        row.capped_paddles = ",".join(capped)

    def _paddle_map(self, s: Session, session_id: str) -> dict[str, list[str]]:
        """paddle → registration ids, from the journal's accepted ``checkin.recorded`` entries (incremental)."""
        with self._plock:
            rows = s.execute(select(JournalEntry.seq, JournalEntry.payload).where(
                JournalEntry.kind == "checkin.recorded", JournalEntry.seq > self._paddles.cursor).order_by(JournalEntry.seq)).all()
            for seq, body in rows:
                pl = json.loads(body)
                if pl.get("result") == "accepted" and pl.get("paddle_no") and pl.get("registration_id"):
                    rids = self._paddles.by_session.setdefault(pl["session_id"], {}).setdefault(pl["paddle_no"], [])
                    if pl["registration_id"] not in rids:
                        rids.append(pl["registration_id"])
                self._paddles.cursor = max(self._paddles.cursor, seq)
            return {k: list(v) for k, v in self._paddles.by_session.get(session_id, {}).items()}

    @staticmethod
    def _regs_for_lot(s: Session, rids: list[str], lot_code: str) -> list[PfRegistration]:
        regs = s.scalars(select(PfRegistration).where(PfRegistration.registration_id.in_(rids))).all()
        return [r for r in regs if r.lot_code in (lot_code, None)]

    def _eligible_paddles(self, s: Session, session_id: str, lot_code: str) -> list[str]:
        out = []
        for pad, rids in self._paddle_map(s, session_id).items():
            if any(r.deposit_status in DEPOSIT_OK for r in self._regs_for_lot(s, rids, lot_code)):
                out.append(pad)
        return sorted(out)

    def _buyer_registration(self, s: Session, session_id: str, lot_code: str, paddle: str) -> PfRegistration | None:
        rids = self._paddle_map(s, session_id).get(paddle)
        if not rids:
            return None
        regs = self._regs_for_lot(s, rids, lot_code)
        ok = [r for r in regs if r.deposit_status in DEPOSIT_OK]
        return ok[0] if ok else regs[0] if regs else None

    def _buyer_code(self, reg: PfRegistration) -> str:
        """USCC as it is; a natural person only as the platform's person_id_hmac (never the ID number)."""
        if reg.bidder_code_type == "USCC" and reg.bidder_code:
            return reg.bidder_code
        if reg.bidder_code_enc:
            return self.hall.person_hmac(self.hall.vault.decrypt_str(reg.bidder_code_enc, context=CTX_BIDDER))
        return reg.bidder_code_hmac or ""

    def _bids(self, s: Session, session_id: str, lot_code: str, last: int | None) -> list[BidView]:
        q = select(AuctionBid).where(AuctionBid.session_id == session_id, AuctionBid.lot_code == lot_code)
        if last is not None:
            rows = list(s.scalars(q.order_by(AuctionBid.journal_seq.desc()).limit(last)).all())[::-1]
        else:
            rows = list(s.scalars(q.order_by(AuctionBid.journal_seq)).all())
        return [BidView(b.journal_seq, b.paddle_no, b.amount, b.source, b.accepted, b.reason, b.at,
                        b.corrected_seq is not None, b.corrected_reason) for b in rows]

    @staticmethod
    def _lot_events(s: Session, session_id: str, lot_code: str) -> list[tuple[int, str, dict[str, Any], str]]:
        rows = s.execute(select(JournalEntry.seq, JournalEntry.kind, JournalEntry.payload, JournalEntry.occurred_at).where(
            JournalEntry.kind.in_(("auction.lot_opened", "auction.call", "auction.increment_changed", "auction.bid_corrected",
                                   "auction.reserve_entered", "auction.lottery", "auction.terminated", "auction.stage",
                                   "auction.stage_reveal"))).order_by(JournalEntry.seq)).all()
        out = []
        for seq, kind, body, at in rows:
            pl = json.loads(body)
            if pl.get("session_id") == session_id and pl.get("lot_code") == lot_code:
                out.append((seq, kind, pl, at))
        return out

    def _view(self, s: Session, p: PfLot, row: AuctionLot | None, *, bids: bool, last_bids: int = 12) -> LotView:
        state = row.state if row else "pending"
        inc = row.increment if row else p.increment
        nxt = None
        if row is not None and state == "open":
            nxt = _s(self._next(p, row))
        elif state == "pending":
            nxt = p.listing_top_bid and _s(parse_money(p.listing_top_bid) + parse_money(p.increment)) or p.start_price
        return LotView(
            session_id=p.session_id, lot_code=p.lot_code, title=p.title, position=p.position, start_price=p.start_price,
            increment=inc, price_unit=p.price_unit or "0", deposit=p.deposit, has_reserve=bool(p.has_reserve),
            reserve_entered=bool(row and row.reserve_enc), cap_price=p.cap_price, max_wins_per_paddle=p.max_wins_per_paddle,
            listing_top_bid=p.listing_top_bid, listing_top_paddle=p.listing_top_paddle, state=state,
            jump_bids=row.jump_bids if row else self.default_jump, on_grid=row.on_grid if row else False,
            current_price=row.current_price if row else None, leading_paddle=row.leading_paddle if row else None,
            next_amount=nxt, capped_paddles=tuple(c for c in (row.capped_paddles if row else "").split(",") if c),
            call_no=row.call_no if row else 0, last_activity_at=row.last_activity_at if row else None,
            call_seconds=self.call_seconds, hammer_price=row.hammer_price if row else None,
            buyer_paddle=row.buyer_paddle if row else None, close_reason=row.close_reason if row else None,
            closed_at=row.closed_at if row else None, version=row.version if row else 0,
            bids=tuple(self._bids(s, p.session_id, p.lot_code, last_bids)) if bids and last_bids else (),
            confirmation_sha256=row.confirmation_sha256 if row else None, record_sha256=row.record_sha256 if row else None,
            **self._stage_view(s, p, row, state, bids=bids, last_bids=last_bids),
        )

    def _stage_view(self, s: Session, p: PfLot, row: AuctionLot | None, state: str, *, bids: bool,
                    last_bids: int) -> dict[str, Any]:
        trade, need = self._minimum(s, p.session_id)
        out: dict[str, Any] = {"trade_type": trade, "min_bidders": need}
        if need > 1 and state in ("pending", "open"):
            out["eligible_bidders"] = len(self._eligible_paddles(s, p.session_id, p.lot_code))
        if row is None or row.stage is None:
            if p.cap_price and state == "pending":
                out["stage"] = self.cap_stage  # the default the console proposes
            return out
        params = json.loads(row.stage_params or "{}")
        nxt = self._stage_next(row) if state == "open" else None
        sealed = row.stage == "average" and row.stage_phase != "revealed" and state not in CLOSED
        out.update(stage=row.stage, stage_start=params.get("start"), stage_step=params.get("step"),
                   stage_upper=params.get("upper"), stage_phase=row.stage_phase,
                   stage_value=row.stage_value, stage_leader=row.stage_leader,
                   stage_tied=tuple(_split(row.stage_paddles)) if row.stage != "average" else (),
                   stage_next=_v(nxt) if nxt is not None else None)
        if row.stage == "average" and row.stage_phase:
            out["sealed_candidates"] = tuple(_split(row.stage_paddles))
            out["sealed_in"] = tuple(sorted(self._sealed_in(s, p)))
        if row.stage_result:
            res = json.loads(row.stage_result)
            out["stage_mean"] = res.get("mean")
            out["stage_revealed"] = tuple((b["paddle_no"], b["value"], b["valid"], b["reason"]) for b in res["bids"])
        if bids and last_bids:
            q = select(AuctionStageBid).where(AuctionStageBid.session_id == p.session_id, AuctionStageBid.lot_code == p.lot_code)
            rows = list(s.scalars(q.order_by(AuctionStageBid.journal_seq.desc()).limit(last_bids)).all())[::-1]
            out["stage_bids"] = tuple(StageBidView(b.journal_seq, b.paddle_no, None if sealed else b.value, b.unit, b.source,
                                                   b.accepted, b.reason, b.at) for b in rows)
        return out

    def stage_bids(self, session_id: str, lot_code: str) -> list[StageBidView]:
        """Every stage bid of a lot (sealed values only after the reveal)."""
        with self.hall.reading() as s:
            row = s.get(AuctionLot, (session_id, lot_code))
            return self._stage_bid_views(s, session_id, lot_code, row)

    @staticmethod
    def _stage_bid_views(s: Session, session_id: str, lot_code: str, row: AuctionLot | None) -> list[StageBidView]:
        sealed = row is not None and row.stage == "average" and row.stage_phase != "revealed" and row.state not in CLOSED
        rows = s.scalars(select(AuctionStageBid).where(AuctionStageBid.session_id == session_id, AuctionStageBid.lot_code == lot_code)
                         .order_by(AuctionStageBid.journal_seq)).all()
        return [StageBidView(b.journal_seq, b.paddle_no, None if sealed else b.value, b.unit, b.source, b.accepted, b.reason, b.at)
                for b in rows]


def _split(text: str | None) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def _num(text: str | None) -> Decimal | None:
    """A plain decimal (m², %, money) or None when it is not one."""
    try:
        d = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _v(value: Decimal) -> str:
    """An area or percentage as a decimal string without trailing zeros (``1200``, ``12.5``)."""
    q = value.quantize(Decimal("0.01")).normalize()
    return f"{q:f}"


def _too_few(trade: str, need: int, have: int) -> AuctionError:
    name = TRADE_TYPES_ZH.get(trade.upper(), trade)
    return AuctionError("too_few_bidders",
                        f"{name}拍卖须有至少 {need} 名合格竞买人（已签到且保证金到账），现有 {have} 名：不得开拍或竞价，"
                        "请等待签到或终止本标的并注明理由",
                        f"{trade} lots need at least {need} eligible bidders (checked in, deposit confirmed); "
                        f"there are {have}: the lot cannot be opened or bid on — wait for check-ins or terminate it with a reason")


def _safe(amount: str | None) -> Decimal | None:
    try:
        return parse_money(amount) if amount else None
    except MoneyError:
        return None


# --- replay: the lot's state from the journal alone ------------------------------------------------


@dataclass
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


def replay(entries: list[Any], session_id: str, lot_code: str, cap_price: str | None = None,
           start_increment: str | None = None) -> ReplayState:
    """Fold the journal's auction entries of one lot (in seq order) into its state."""
    st = ReplayState(increment=start_increment)
    cap = _dec(cap_price)
    for e in entries:
        pl = e.payload
        if not e.kind.startswith("auction.") or pl.get("session_id") != session_id or pl.get("lot_code") != lot_code:
            continue
        if e.kind == "auction.lot_opened":
            st.state, st.increment = "open", pl["increment"]
            if pl.get("stage"):
                st.stage = pl["stage"]["kind"]
                st.stage_params = {k: v for k, v in pl["stage"].items() if k != "kind"}
        elif e.kind == "auction.stage_bid":
            st.stage_bids.append((e.seq, pl["paddle_no"], pl["value"], pl["accepted"]))
            if pl["accepted"] and st.stage == "average":
                st.sealed[pl["paddle_no"]] = pl["value"]
            elif pl["accepted"]:
                stage_bid = Decimal(pl["value"])
                if st.stage == "self_hold" and stage_bid == SELF_HOLD_MAX and st.stage_value is not None \
                        and Decimal(st.stage_value) == SELF_HOLD_MAX:
                    st.stage_paddles.append(pl["paddle_no"])
                else:
                    st.stage_value, st.stage_leader, st.stage_paddles = pl["value"], pl["paddle_no"], [pl["paddle_no"]]
                st.call_no = 0
        elif e.kind == "auction.stage":
            st.stage_phase, st.stage_paddles, st.call_no = pl["phase"], list(pl["candidates"]), 0
        elif e.kind == "auction.stage_reveal":
            st.stage_phase, st.stage_value, st.stage_leader, st.stage_mean = "revealed", pl["winning_bid"], pl["winner"], pl["mean"]
            st.call_no = 0
        elif e.kind == "auction.bid" and pl["accepted"]:
            st.bids.append((e.seq, pl["paddle_no"], pl["amount"], True))
        elif e.kind == "auction.bid_corrected":
            st.bids = [(q, pd, a, v and q != pl["bid_seq"]) for q, pd, a, v in st.bids]
        elif e.kind == "auction.increment_changed":
            st.increment = pl["increment"]
        elif e.kind == "auction.call":
            st.call_no = pl["call_no"]
        elif e.kind == "auction.result":
            st.state = st.result = pl["result"]
            st.hammer_price = pl.get("hammer_price")
            st.buyer_paddle = pl.get("paddle_no")
        if e.kind in ("auction.bid", "auction.bid_corrected") and (e.kind != "auction.bid" or pl["accepted"]):
            st.call_no = 0
            st.current_price = st.leading_paddle = None
            st.capped = []
            for _q, pd, a, v in st.bids:
                if not v:
                    continue
                if cap is not None and parse_money(a) >= cap:
                    if not st.capped:
                        st.current_price, st.leading_paddle = a, pd
                    st.capped.append(pd)
                else:
                    st.current_price, st.leading_paddle = a, pd
    return st


def journal_time(text: str) -> dt.datetime:
    return parse_rfc3339(text)


def beijing_text(when: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return beijing(when).strftime(fmt) if when else ""


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0
