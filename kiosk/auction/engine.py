"""The auction engine (拍卖): lots, bids, calls, hammer, results (reference/auction.md §2–3).

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
* price cap (§2.3 限价+摇号): at the cap further bidders may only join at the cap; at the hammer a
  lottery among the capped bidders (CSPRNG seed from ``secrets``, recorded, draw verifiable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db.models import Blob, JournalEntry, JournalHead, PfLot, PfRegistration, PfSession
from kiosk.db.models_auction import AuctionBid, AuctionDeposit, AuctionLot
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
}


class AuctionError(HallError):
    """An auctioneer action that the rules do not allow (zh/en for the console)."""


@dataclass(frozen=True)
class BidView:
    seq: int
    paddle_no: str
    amount: str
    source: str
    accepted: bool
    reason: str | None
    at: dt.datetime
    corrected: bool = False
    corrected_reason: str | None = None

    @property
    def reason_zh(self) -> str:
        return REASONS.get(self.reason or "", (self.reason or "", ""))[0]

    @property
    def reason_en(self) -> str:
        return REASONS.get(self.reason or "", ("", self.reason or ""))[1]


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
        if self.state != "open" or self.last_activity_at is None or self.call_no >= 3:
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
                 on_grid: bool = False) -> LotView:
        """Announce and open a lot (start, increment, rules; "no reserve" where there is none)."""
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
            now = self.hall.clock.now()
            row.state = "open"
            row.jump_bids = self.default_jump if jump_bids is None else jump_bids
            row.on_grid = on_grid
            row.opened_by, row.opened_at, row.last_activity_at = actor, now, now
            row.call_no = 0
            row.version += 1
            payload = {
                "session_id": session_id, "lot_code": lot_code, "title": p.title, "start_price": p.start_price,
                "increment": p.increment, "price_unit": p.price_unit, "has_reserve": bool(p.has_reserve),
                "cap_price": p.cap_price, "jump_bids": row.jump_bids, "on_grid": on_grid,
                "bidders": len(self._eligible_paddles(s, session_id, lot_code)), "actor": actor, "at": rfc3339(now),
            }
            if not p.has_reserve:
                payload["statement"] = "本标的无保留价"
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
            self.hall.journal.append(s, "auction.call", {
                "session_id": session_id, "lot_code": lot_code, "call_no": row.call_no,
                "price": row.current_price, "paddle_no": row.leading_paddle, "actor": actor, "at": rfc3339(now),
            })
            return self._view(s, p, row, bids=True)

    def hammer(self, session_id: str, lot_code: str, *, actor: str, place: str = "") -> LotResult:
        """落槌 after the third call: sold (≥ reserve; lottery among capped bidders) or unsold (流拍)."""
        with self.hall.unit() as s:
            self._lock(s)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open":
                raise AuctionError("lot_not_open", "该标的已落槌或未开拍", "the lot is closed or not open")
            if row.call_no < 3:
                raise AuctionError("calls_missing", "须三次报价无人应价后方可落槌", "three calls are needed before the hammer")
            now = self.hall.clock.now()
            reserve = self._reserve(row)
            price = _dec(row.current_price)
            winner = row.leading_paddle
            seed = None
            capped = [c for c in row.capped_paddles.split(",") if c]
            if len(capped) > 1:
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
                               price=row.current_price if result == "sold" else None,
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
            if paddle in capped:
                return "already_capped", value
            if value != cap:
                return "above_cap" if value > cap else "below_minimum", value  # type: ignore[operator]
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
            base = _dec(row.current_price) if row.current_price is not None else parse_money(p.start_price)
            if (value - base) % parse_money(row.increment) != 0:  # type: ignore[operator]
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
        return (ok or regs or [None])[0]

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
                                   "auction.reserve_entered", "auction.lottery", "auction.terminated"))).order_by(JournalEntry.seq)).all()
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
        )


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
