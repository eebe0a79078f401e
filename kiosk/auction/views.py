"""What the auction hands out (console, audience screen, CLI): frozen DTOs, never an ORM object or the reserve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from kiosk.auction.rules import REASONS, STAGES, stage_value_text
from kiosk.money import format_money, to_capitals


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
    #: the lottery (D8): phase in stage_phase (lottery → committed → drawn); the digits' roles, the seed's
    #: SHA-256 once committed, the seed and the winner once drawn
    lottery_candidates: tuple[str, ...] = ()
    lottery_entropy: tuple[str, ...] = ()
    lottery_commitment: str | None = None
    lottery_seed: str | None = None
    lottery_winner: str | None = None
    #: D10: a sold lot whose buyer's deposit is still held (the 成交确认书 not yet signed, nor refused)
    deposit_held: bool = False

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
    """A bid's outcome and the lot after it.

    ``lot_after`` is the lot's view, or a function that reads it: the keypad path builds no view
    under the journal lock (nobody on its thread reads one); it is read, once, when asked for.
    """

    accepted: bool
    reason: str | None
    seq: int
    amount: str
    lot_after: LotView | Callable[[], LotView] = field(repr=False, compare=False)

    @cached_property
    def lot(self) -> LotView:
        return self.lot_after if isinstance(self.lot_after, LotView) else self.lot_after()

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
