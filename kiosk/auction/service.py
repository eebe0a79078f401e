"""The auction service (拍卖): lots, bids, calls, hammer, results (docs/rules/auction.md §2–3).

``AuctionService(hall)`` on a :class:`kiosk.context.HallContext`; each public method is one unit
of work. An act reads what it can first (the platform's registrations, the check-ins, the
session's trade type), then **takes the journal head lock** (``SELECT … FOR UPDATE``; on SQLite the
``BEGIN IMMEDIATE`` writer lock), reads the lot's row, asks the rules (``kiosk.auction.rules``),
appends its journal entry and updates the row in the same transaction. So the journal's ``seq`` is
the single authority of bid order across every process and terminal, a keypad flood can neither
reorder nor lose a bid, and two consoles can never both hammer a lot (the second one finds the lot
closed). The rules themselves, and the fold ``replay`` shares with this service, are in
``kiosk.auction.rules``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import Session

from kiosk.auction.rules import (
    CLOSED,
    DEPOSIT_OK,
    LOTTERY_ENTROPY_ROLES,
    LOTTERY_METHOD,
    STAGES,
    VALUE_STAGES,
    AuctionError,
    BidderFacts,
    KeypadDebounce,
    Price,
    StageLead,
    after_cap_params,
    average_price_result,
    check_bid,
    check_stage_bid,
    is_stage_bid,
    lottery_draw,
    lottery_label,
    lottery_seed,
    need_entropy_digits,
    next_amount,
    opening_amount,
    parse_min_bidders,
    price_after,
    price_of,
    sha256_hex,
    split_paddles,
    stage_lead_after,
    stage_next,
    stage_statement,
    stage_value_of,
    too_few,
)
from kiosk.auction.views import Bidder, BidOutcome, BidView, LotResult, LotView, StageBidView
from kiosk.blobstore import stored_path
from kiosk.checkin import paddles as checkin_paddles
from kiosk.config import ConfigError
from kiosk.context import HallContext
from kiosk.db.models import Blob, JournalEntry, JournalHead, Operator, PfLot, PfRegistration, PfSession
from kiosk.db.models_auction import AuctionBid, AuctionDeposit, AuctionLot, AuctionStageBid
from kiosk.feeds import CTX_BIDDER
from kiosk.journal import HEAD_ID, take_head, take_head_reading
from kiosk.money import MoneyError, decimal_text, parse_money, parse_optional_money, quantity_text
from kiosk.pii import mask_name
from kiosk.ports import KeypadEvent
from kiosk.staffing import RoleHolder, current
from kiosk.supervision.service import ORDER_KIND, Order, paused_by_supervisor, witness_notes
from kiosk.timeutil import rfc3339

if TYPE_CHECKING:
    from kiosk.hall import SessionInfo


#: the session role every auction act is done in (the supervisor watches and operates nothing)
AUCTIONEER = ("auctioneer",)


def acting(s: Session, actor: RoleHolder, session_id: str, roles: tuple[str, ...] = AUCTIONEER) -> str:
    """Inside an act's transaction: ``actor`` holds one of ``roles`` in the session now, and no supervisor's
    pause stands over it; the journal's ``actor``."""
    current(s, actor, session_id, roles)
    not_supervised(s, session_id)
    return actor.username


def not_supervised(s: Session, session_id: str) -> None:
    """A supervisor's pause (REG 62, ``supervision.order``) stops every step of the auction, a keypad's bid too."""
    order = paused_by_supervisor(s, session_id)
    if order is not None:
        raise AuctionError("supervised", order.zh, order.en)


def after_cap_of(s: Session, p: PfLot) -> dict[str, Any] | None:
    """The lot's ``after_cap`` as the platform sent it (docs/platform-api.md §7.1, kept in ``pf_sessions.data``)."""
    ps = s.get(PfSession, p.session_id)
    for lot in ((ps.data or {}).get("lots") or []) if ps is not None else []:
        if isinstance(lot, dict) and lot.get("lot_code") == p.lot_code:
            after = lot.get("after_cap")
            return dict(after) if isinstance(after, dict) else None
    return None


#: a keypad bid's read under the lock: the lot's row, and whether a ``supervision.order`` was journalled
#: after ``seen`` (built once: building it per bid costs its coercions and cache key under the lock)
_LOT_AND_ORDERS_SINCE = select(AuctionLot, exists().where(
    JournalEntry.kind == ORDER_KIND, JournalEntry.seq > bindparam("seen"))).where(
    AuctionLot.session_id == bindparam("session_id"), AuctionLot.lot_code == bindparam("lot_code"))
#: and the reads before it (a keypad bid's; built once, for the same reason)
_OPEN_TERMS = select(AuctionLot.session_id, PfLot).join(
    PfLot, and_(PfLot.session_id == AuctionLot.session_id, PfLot.lot_code == AuctionLot.lot_code),
).where(AuctionLot.session_id.in_(bindparam("ids", expanding=True)), AuctionLot.state == "open")
_REGISTRATIONS = select(PfRegistration).where(PfRegistration.registration_id.in_(bindparam("ids", expanding=True)))
_TRADE_TYPE = select(PfSession.trade_type).where(PfSession.session_id == bindparam("session_id"))
_LAST_SEQ = select(JournalHead.last_seq).where(JournalHead.id == HEAD_ID)


class AuctionService:
    """The auction on a hall (each public method = one unit of work)."""

    def __init__(self, hall: HallContext) -> None:
        self.hall = hall
        self.call_seconds = int(hall.config.auction.call_seconds)
        self.default_jump = bool(hall.config.auction.jump_bids)
        self.min_bidders = parse_min_bidders(hall.config.auction.min_bidders_by_trade_type)
        self.cap_stage = hall.config.auction.cap_stage
        if self.cap_stage not in STAGES:
            raise ConfigError(f"[auction] cap_stage: {self.cap_stage!r} is not one of {', '.join(STAGES)}")
        self._presses = KeypadDebounce(hall.config.auction.keypad_min_interval_ms)

    # --- reading ----------------------------------------------------------------------------

    def auction_sessions(self, day: dt.date | None = None, room_code: str | None = None) -> list[SessionInfo]:
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
            return self._open_lot_of(s, session_id)

    def bids(self, session_id: str, lot_code: str) -> list[BidView]:
        with self.hall.reading() as s:
            return self._bids(s, session_id, lot_code, None)

    def bidders(self, session_id: str, lot_code: str) -> list[Bidder]:
        """Checked-in paddles for the lot (点算): eligible = registered for it with deposit confirmed."""
        with self.hall.reading() as s:
            paddles = checkin_paddles(s, session_id)
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

    def enter_reserve(self, session_id: str, lot_code: str, amount: str, *, auctioneer: RoleHolder,
                      supervisor: RoleHolder) -> LotView:
        """The sealed 底价 (拍卖法 28), entered by the session's 拍卖师 with its 监督人 (docs/rules/auction.md §2.1):
        both as holders of their roles in this session, the appointees who placed their ID cards (or the
        hall accounts standing in where the platform appointed nobody, with the reason journalled when
        the role was taken), each holding checked again inside the act's transaction."""
        if auctioneer.id == supervisor.id or (auctioneer.person_hmac is not None and auctioneer.person_hmac == supervisor.person_hmac) \
                or (auctioneer.operator is not None and auctioneer.operator == supervisor.operator):
            raise AuctionError("same_person", "底价须由拍卖师和监督人两人录入", "the reserve needs two different people")
        try:
            value = parse_money(amount)
        except MoneyError as exc:
            raise AuctionError("bad_amount", "底价金额无效", "invalid reserve amount") from exc
        if value <= 0:
            raise AuctionError("bad_amount", "底价金额无效", "invalid reserve amount")
        with self.hall.unit() as s:
            take_head(s)
            by = acting(s, auctioneer, session_id)
            current(s, supervisor, session_id, ("supervisor",))
            cosigner = supervisor.username
            p = self._pf(s, session_id, lot_code)
            if not p.has_reserve:
                raise AuctionError("no_reserve", "本标的无保留价", "this lot has no reserve")
            row = self._row(s, p)
            if row.state != "pending":
                raise AuctionError("not_pending", "标的已开拍，不能再录入底价", "the lot is already open")
            row.reserve_enc = self.hall.vault.encrypt(decimal_text(value), context=self._ctx(session_id, lot_code))
            row.reserve_by, row.reserve_cosigner = by, cosigner
            row.version += 1
            self.hall.journal.append(s, "auction.reserve_entered", {
                "session_id": session_id, "lot_code": lot_code, "auctioneer": by,
                "supervisor": cosigner, "at": rfc3339(self.hall.clock.now()),
            })
            return self._view(s, p, row, bids=False)

    def open_lot(self, session_id: str, lot_code: str, *, actor: RoleHolder, jump_bids: bool | None = None,
                 on_grid: bool = False, stage: str | None = None) -> LotView:
        """The auctioneer announces and opens a lot (start, increment, rules; "no reserve" where there is none).

        A lot with a price cap takes its stage after the cap from the platform's ``after_cap`` (D7,
        docs/platform-api.md §7.1): the auctioneer confirms it, never chooses it. ``stage``, when given, is
        the method the auctioneer read out; one that differs from the lot's is refused. A capped lot
        without ``after_cap`` cannot be opened (only terminated with a reason).
        """
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "pending":
                raise AuctionError("not_pending", "该标的已拍过", "the lot was already auctioned")
            other = s.scalar(select(AuctionLot.lot_code).where(AuctionLot.session_id == session_id, AuctionLot.state == "open"))
            if other:
                raise AuctionError("other_open", f"标的 {other} 尚未落槌", f"lot {other} is still open")
            if p.has_reserve and row.reserve_enc is None:
                raise AuctionError("reserve_missing", "请先由拍卖师和监督人录入密封底价", "enter the sealed reserve first (auctioneer + supervisor)")
            params = after_cap_params(p.cap_price, after_cap_of(s, p))
            if stage and (params is None or params["kind"] != stage):
                raise AuctionError("after_cap_differs", "限价后的竞价方式以出让公告（平台数据）为准，拍卖师只能确认，不能另选",
                                   "the stage after the cap is the one the platform's lot data gives: the auctioneer confirms it, never chooses")
            trade, need = self._minimum(s, session_id)
            eligible = self._eligible_paddles(s, session_id, lot_code)
            if len(eligible) < need:
                raise too_few(trade, need, len(eligible))
            now = self.hall.clock.now()
            row.state = "open"
            if params is not None:
                row.stage = params.pop("kind")
                row.stage_params = json.dumps(params, sort_keys=True)
            row.jump_bids = self.default_jump if jump_bids is None else jump_bids
            row.on_grid = on_grid
            row.opened_by, row.opened_at, row.last_activity_at = who, now, now
            row.call_no = 0
            row.version += 1
            payload = {
                "session_id": session_id, "lot_code": lot_code, "title": p.title, "start_price": p.start_price,
                "increment": p.increment, "price_unit": p.price_unit, "has_reserve": bool(p.has_reserve),
                "cap_price": p.cap_price, "jump_bids": row.jump_bids, "on_grid": on_grid,
                "bidders": len(eligible), "actor": who, "at": rfc3339(now),
            }
            if not p.has_reserve:
                payload["statement"] = "本标的无保留价"
            if need > 1:
                payload.update(trade_type=trade, min_bidders=need)
            if row.stage is not None:
                payload["stage"] = {"kind": row.stage, **json.loads(row.stage_params or "{}")}
                payload["stage_from"] = "platform"  # D7: the lot's after_cap, confirmed by the auctioneer
                assert p.cap_price  # a lot has a stage only under a cap (stage_params)
                payload["stage_statement"] = stage_statement(p.cap_price, p.price_unit or "0", row.stage,
                                                             json.loads(row.stage_params or "{}"))
            self.hall.journal.append(s, "auction.lot_opened", payload)
            if p.listing_top_bid and p.listing_top_paddle:
                e = self._append_bid(s, session_id, lot_code, p.listing_top_paddle, p.listing_top_bid, "listing", True, None, now)
                row.current_price, row.leading_paddle = p.listing_top_bid, p.listing_top_paddle
                if p.cap_price and parse_money(p.listing_top_bid) >= parse_money(p.cap_price):
                    row.capped_paddles = p.listing_top_paddle
                del e
            return self._view(s, p, row, bids=True)

    def bid(self, session_id: str, lot_code: str, paddle_no: str, amount: str | None = None, *,
            source: str = "floor", actor: RoleHolder) -> BidOutcome:
        """The auctioneer enters one bid for a paddle (validated and journalled, accepted or rejected with its
        reason). ``amount`` None = next amount. A bidder's own keypad press is :meth:`keypad`, not a role's act.

        The outcome carries the lot's view after the bid (the console shows it), built once the
        bid has committed, outside the journal lock.
        """
        paddle_no = paddle_no.strip()
        with self.hall.reading() as s:
            p = self._pf(s, session_id, lot_code)
            bidder = self._bidder_facts(s, p, paddle_no)
            s.expunge(p)
        return self._bid(p, paddle_no, amount, source, actor, bidder, view=True)

    def keypad(self, session_id: str | None, event: KeypadEvent, *,
               others: Callable[[], Iterable[str]] | None = None) -> BidOutcome | None:
        """A keypad press → a bid on the open lot (BID = next amount; AMOUNT in yuan).

        The lot is the open one of ``session_id`` (the console's session); when that has none,
        of the first of ``others()`` that has one (the room's auction sessions: asked only then).
        One reading before the lock (the open lot with its terms, the paddle's check-in and
        registration), then the unit: the lot's row, the check, the entry, the commit. No view
        is built; the outcome's ``lot`` is read only if someone asks for it.
        """
        if event.key not in ("BID", "AMOUNT"):
            return None
        if not self._presses.accept(event.paddle_no, event.received_at):
            return None  # a repeated press of the same paddle within the interval is one press
        paddle_no = event.paddle_no.strip()
        with self.hall.reading() as s:
            p = self._open_terms(s, [session_id] if session_id else [])
            if p is None and others is not None:
                p = self._open_terms(s, [sid for sid in others() if sid != session_id])
            if p is None:
                return None
            amount = None
            if event.key == "AMOUNT" and event.amount is not None:
                value = parse_money(event.amount)
                amount = decimal_text(value / 10000) if p.price_unit == "1" else decimal_text(value)
            bidder = self._bidder_facts(s, p, paddle_no)
            seen = s.scalar(_LAST_SEQ) or 0  # before the orders
            paused = paused_by_supervisor(s, p.session_id)
            s.expunge(p)
        return self._bid(p, paddle_no, amount, "keypad", None, bidder, view=False, supervision=(seen, paused))

    @staticmethod
    def _open_terms(s: Session, session_ids: list[str]) -> PfLot | None:
        """The platform's terms of the open lot of the first of ``session_ids`` that has one (one statement)."""
        if not session_ids:
            return None
        rows = s.execute(_OPEN_TERMS, {"ids": list(session_ids)}).all()
        found = {sid: p for sid, p in rows}
        return next((found[sid] for sid in session_ids if sid in found), None)

    def _bid(self, p: PfLot, paddle_no: str, amount: str | None, source: str, actor: RoleHolder | None,
             bidder: BidderFacts, *, view: bool, supervision: tuple[int, Order | None] | None = None) -> BidOutcome:
        """Under the journal lock only the lot's row, the check, the entry and the commit.

        ``p`` (the platform's terms of the lot) and ``bidder`` were read before the lock: only the
        platform feed changes the terms, never a writer of the hall. A check-in can only add a
        bidder, so facts that let the bid through stay true; facts that would refuse it are read
        again under the lock, so a check-in committed just before the bid always counts.
        ``supervision`` (a keypad's bid): the journal's last ``seq`` and the supervisor's pause read
        before the lock (the ``seq`` first); under it the lot's row comes with whether a
        ``supervision.order`` was journalled since — only then are the orders read again.
        """
        with self.hall.unit() as s:
            row = None
            if actor is not None:
                take_head(s)
                who = acting(s, actor, p.session_id)
            else:
                who = "keypad"
                if supervision is None:
                    take_head(s)
                    not_supervised(s, p.session_id)
                else:
                    seen, paused = supervision
                    # the lot's row and whether an order came since: sent with the lock, one round trip
                    _head, result = take_head_reading(s, _LOT_AND_ORDERS_SINCE, {
                        "session_id": p.session_id, "lot_code": p.lot_code, "seen": seen})
                    found = result.one_or_none()
                    row = found[0] if found is not None else None
                    if found is None or found[1]:
                        not_supervised(s, p.session_id)
                    elif paused is not None:
                        raise AuctionError("supervised", paused.zh, paused.en)
            row = row or self._row(s, p)
            now = self.hall.clock.now()
            if source == "keypad" and amount is None and row.stage in VALUE_STAGES \
                    and is_stage_bid(row.stage, row.stage_phase, split_paddles(row.capped_paddles), paddle_no):
                done = self._stage_bid(s, p, row, paddle_no, None, source, who)  # BID at the cap = the next area/share
            else:
                if not (bidder.checked_in and bidder.registered and bidder.deposit_ok and not bidder.too_few_bidders):
                    bidder = self._bidder_facts(s, p, paddle_no)
                reason, value = check_bid(p, row, paddle_no, amount, bidder, self._wins(s, p, paddle_no))
                text = decimal_text(value) if value is not None else (amount or "0")
                e = self._append_bid(s, p.session_id, p.lot_code, paddle_no, text, source, reason is None, reason, now)
                if reason is None:
                    price = price_after(Price(row.current_price, row.leading_paddle, tuple(split_paddles(row.capped_paddles))),
                                        paddle_no, text, parse_optional_money(p.cap_price))
                    self._set_price(row, price)
                    row.call_no = 0
                    row.last_activity_at = now
                    row.version += 1
                done = (reason is None, reason, e.seq, text)
        return BidOutcome(*done, self._outcome_view(p, row, view))

    def _outcome_view(self, p: PfLot, row: AuctionLot, view: bool) -> LotView | Callable[[], LotView]:
        """The lot after a committed bid, never built under the journal lock: built now from the
        row as the bid committed it (console, CLI), or read later only if asked for (keypads)."""
        if view:
            with self.hall.reading() as r:
                return self._view(r, p, row, bids=False)
        session_id, lot_code = p.session_id, p.lot_code
        return lambda: self.lot(session_id, lot_code, last_bids=0)

    # --- the stage after the cap (docs/rules/auction.md §2.3) ----------------------------------------

    def stage_bid(self, session_id: str, lot_code: str, paddle_no: str, value: str | None = None, *,
                  source: str = "floor", actor: RoleHolder) -> BidOutcome:
        """One bid of the lot's stage after the cap: an area (m²), a percentage, or a sealed one-time bid.

        Validated and journalled as ``auction.stage_bid`` (accepted or refused with its reason). ``value``
        None = the next area/percentage (not for sealed bids). The last sealed bid reveals them all.
        """
        with self.hall.reading() as r:
            p = self._pf(r, session_id, lot_code)
            r.expunge(p)
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            row = self._row(s, p)
            done = self._stage_bid(s, p, row, paddle_no.strip(), value, source, who)
        return BidOutcome(*done, self._outcome_view(p, row, True))

    def _stage_bid(self, s: Session, p: PfLot, row: AuctionLot, paddle_no: str, value: str | None, source: str,
                   actor: str) -> tuple[bool, str | None, int, str]:
        """Judge and journal a stage bid under the lock: (accepted, reason, seq, value as journalled)."""
        session_id, lot_code = p.session_id, p.lot_code
        now = self.hall.clock.now()
        sealed_in = self._sealed_in(s, p) if row.stage == "average" else {}
        reason, v = check_stage_bid(row, paddle_no, value, sealed_in)
        stage = row.stage or "lottery"
        text = stage_value_of(stage, v) if v is not None else (value or "0")[:32]
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
                if set(self._sealed_in(s, p)) >= set(split_paddles(row.stage_paddles)):
                    self._reveal(s, p, row, now, actor)
            else:
                lead = stage_lead_after(stage, StageLead(row.stage_value, row.stage_leader,
                                                         tuple(split_paddles(row.stage_paddles))), paddle_no, text)
                row.stage_value, row.stage_leader, row.stage_paddles = lead.value, lead.leader, ",".join(lead.paddles)
                row.call_no = 0
                row.last_activity_at = now
            row.version += 1
        return reason is None, reason, e.seq, text

    def start_sealed(self, session_id: str, lot_code: str, *, actor: RoleHolder) -> LotView:
        """平均价: open bidding stops; the capped paddles (fixed now) each hand in one written bid."""
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open" or row.stage != "average" or row.stage_phase is not None:
                raise AuctionError("stage_closed", "只有平均价标的在达到最高限价后可开始一次报价",
                                   "only an average-price lot at its cap can start the sealed bids")
            capped = split_paddles(row.capped_paddles)
            if not capped:
                raise AuctionError("not_capped", "尚未达到最高限价", "the cap has not been reached")
            now = self.hall.clock.now()
            row.stage_phase, row.stage_paddles = "sealed", ",".join(capped)
            row.call_no, row.last_activity_at = 0, now
            row.version += 1
            self.hall.journal.append(s, "auction.stage", {
                "session_id": session_id, "lot_code": lot_code, "stage": "average", "phase": "sealed",
                "candidates": capped, "actor": who, "at": rfc3339(now)})
            return self._view(s, p, row, bids=True)

    def close_sealed(self, session_id: str, lot_code: str, *, actor: RoleHolder) -> LotView:
        """平均价: close the entry (a bidder who handed in nothing has no bid) and reveal."""
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open" or row.stage_phase != "sealed":
                raise AuctionError("stage_closed", "没有进行中的一次报价", "no sealed bids are being entered")
            self._reveal(s, p, row, self.hall.clock.now(), who)
            row.version += 1
            return self._view(s, p, row, bids=True)

    def _reveal(self, s: Session, p: PfLot, row: AuctionLot, now: dt.datetime, actor: str) -> None:
        """The one-time bids: valid within [cap, upper] and not identical; nearest the mean wins, lower on a tie."""
        cap = parse_money(p.cap_price or "0")
        upper = parse_money(json.loads(row.stage_params or "{}")["upper"])
        out, mean_text, winner = average_price_result(self._sealed_in(s, p), split_paddles(row.stage_paddles), cap, upper)
        row.stage_phase = "revealed"
        row.stage_leader, row.stage_value = (winner or (None, None))
        row.stage_result = json.dumps({"bids": out, "mean": mean_text}, ensure_ascii=False)
        row.call_no, row.last_activity_at = 0, now
        self.hall.journal.append(s, "auction.stage_reveal", {
            "session_id": p.session_id, "lot_code": p.lot_code, "stage": "average", "cap_price": p.cap_price,
            "upper": decimal_text(upper), "bids": out, "mean": mean_text, "winner": winner[0] if winner else None,
            "winning_bid": winner[1] if winner else None, "actor": actor, "at": rfc3339(now)})

    def _sealed_in(self, s: Session, p: PfLot) -> dict[str, Decimal]:
        rows = s.scalars(select(AuctionStageBid).where(
            AuctionStageBid.session_id == p.session_id, AuctionStageBid.lot_code == p.lot_code,
            AuctionStageBid.accepted.is_(True)).order_by(AuctionStageBid.journal_seq)).all()
        return {b.paddle_no: Decimal(b.value) for b in rows}

    # --- the lottery among the bidders at the cap (D8, docs/rules/auction.md §2.5) ------------------

    @staticmethod
    def _lottery_ctx(session_id: str, lot_code: str) -> bytes:
        return f"auction-lottery/{session_id}/{lot_code}".encode()

    def _lottery_row(self, s: Session, session_id: str, lot_code: str, phases: tuple[str | None, ...]) -> tuple[PfLot, AuctionLot]:
        p = self._pf(s, session_id, lot_code)
        row = self._row(s, p)
        if row.state != "open" or row.stage != "lottery" or len(split_paddles(row.capped_paddles)) < 2:
            raise AuctionError("no_lottery", "本标的现在不摇号（须为限价+摇号标的，且至少两名竞买人在最高限价）",
                               "no lottery now: the lot must be a cap + lottery lot with at least two bidders at the cap")
        if row.stage_phase not in phases:
            raise AuctionError("lottery_step", "摇号步骤顺序不对：确认候选人 → 录入随机数字 → 抽签",
                               "the lottery's steps come in order: confirm the candidates → enter the digits → draw")
        return p, row

    def lottery_candidates(self, session_id: str, lot_code: str, *, actor: RoleHolder) -> LotView:
        """The auctioneer confirms the candidates (every paddle at the cap, after three calls) in the room.

        The hall's CSPRNG part of the seed is drawn now, kept encrypted, and only its SHA-256 is
        journalled (``auction.lottery_candidates``): it is fixed before anyone enters digits.
        """
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p, row = self._lottery_row(s, session_id, lot_code, (None,))
            if row.call_no < 3:
                raise AuctionError("calls_missing", "须三次报价无人再以最高限价应价后，方可确认摇号候选人",
                                   "three calls with nobody else joining at the cap come before the candidates are confirmed")
            candidates = split_paddles(row.capped_paddles)
            csprng = secrets.token_hex(32)
            now = self.hall.clock.now()
            enc = self.hall.vault.encrypt(csprng, context=self._lottery_ctx(session_id, lot_code))
            row.stage_phase, row.stage_paddles = "lottery", ",".join(candidates)
            row.stage_result = json.dumps({"csprng_enc": base64.b64encode(enc).decode("ascii"), "entropy": {}})
            row.version += 1
            self.hall.journal.append(s, "auction.lottery_candidates", {
                "session_id": session_id, "lot_code": lot_code, "candidates": candidates,
                "csprng_sha256": sha256_hex(csprng), "actor": who, "at": rfc3339(now)})
            return self._view(s, p, row, bids=True)

    def lottery_entropy(self, session_id: str, lot_code: str, digits: str, *, actor: RoleHolder) -> LotView:
        """The auctioneer or the supervisor enters their digits (once each; the one thing a supervisor enters).

        When both are in, the seed is derived and committed: ``auction.lottery_commit`` journals its
        SHA-256 before the draw.
        """
        text = need_entropy_digits(digits)
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id, LOTTERY_ENTROPY_ROLES)
            p, row = self._lottery_row(s, session_id, lot_code, ("lottery",))
            state = json.loads(row.stage_result or "{}")
            entropy: dict[str, str] = state.setdefault("entropy", {})
            if actor.role in entropy:
                raise AuctionError("entropy_given", "您已录入过随机数字", "you have entered your digits already")
            entropy[actor.role] = text
            now = self.hall.clock.now()
            self.hall.journal.append(s, "auction.lottery_entropy", {
                "session_id": session_id, "lot_code": lot_code, "role": actor.role, "digits": text, "actor": who,
                "at": rfc3339(now)})
            if set(entropy) >= set(LOTTERY_ENTROPY_ROLES):
                csprng = self.hall.vault.decrypt_str(base64.b64decode(state["csprng_enc"]),
                                                     context=self._lottery_ctx(session_id, lot_code))
                seed = lottery_seed(entropy, csprng)
                state["seed_sha256"] = sha256_hex(seed)
                row.stage_phase = "committed"
                self.hall.journal.append(s, "auction.lottery_commit", {
                    "session_id": session_id, "lot_code": lot_code, "candidates": split_paddles(row.stage_paddles),
                    "seed_sha256": state["seed_sha256"], "method": LOTTERY_METHOD, "at": rfc3339(now)})
            row.stage_result = json.dumps(state)
            row.version += 1
            return self._view(s, p, row, bids=True)

    def lottery_run(self, session_id: str, lot_code: str, *, actor: RoleHolder) -> LotView:
        """The auctioneer draws: the winner is computed from the committed seed, and the seed and the CSPRNG
        part are revealed (``auction.lottery``) so anyone can recompute it (``auction verify-lottery``)."""
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p, row = self._lottery_row(s, session_id, lot_code, ("committed",))
            state = json.loads(row.stage_result or "{}")
            csprng = self.hall.vault.decrypt_str(base64.b64decode(state["csprng_enc"]),
                                                 context=self._lottery_ctx(session_id, lot_code))
            seed = lottery_seed(state["entropy"], csprng)
            candidates = split_paddles(row.stage_paddles)
            winner = lottery_draw(seed, candidates, lottery_label(session_id, lot_code))
            now = self.hall.clock.now()
            row.stage_phase, row.stage_leader, row.lottery_seed = "drawn", winner, seed
            row.stage_result = json.dumps({"entropy": state["entropy"], "seed_sha256": state.get("seed_sha256"),
                                           "csprng": csprng, "seed": seed, "winner": winner})
            row.version += 1
            self.hall.journal.append(s, "auction.lottery", {
                "session_id": session_id, "lot_code": lot_code, "candidates": candidates, "entropy": state["entropy"],
                "csprng": csprng, "seed": seed, "seed_sha256": sha256_hex(seed), "method": LOTTERY_METHOD,
                "winner": winner, "actor": who, "at": rfc3339(now)})
            return self._view(s, p, row, bids=True)

    def lottery_entries(self, session_id: str, lot_code: str) -> list[tuple[str, dict[str, Any]]]:
        """The lot's lottery and result entries ``(kind, payload)`` in journal order (``verify-lottery``)."""
        kinds = ("auction.lottery_candidates", "auction.lottery_entropy", "auction.lottery_commit", "auction.lottery",
                 "auction.result")
        with self.hall.reading() as s:
            rows = s.execute(select(JournalEntry.kind, JournalEntry.payload).where(JournalEntry.kind.in_(kinds))
                             .order_by(JournalEntry.seq)).all()
        out = []
        for kind, body in rows:
            pl = json.loads(body)
            if pl.get("session_id") == session_id and pl.get("lot_code") == lot_code:
                out.append((kind, pl))
        return out

    def _minimum(self, s: Session, session_id: str) -> tuple[str, int]:
        trade = s.scalar(_TRADE_TYPE, {"session_id": session_id}) or ""  # the column, not the session's whole feed
        return trade, self.min_bidders.get(trade.upper(), 1)

    def correct(self, session_id: str, lot_code: str, bid_seq: int, *, actor: RoleHolder, reason: str) -> LotView:
        """A clerk's correction of a wrongly entered bid (拍卖法 §36: never a withdrawal) — before the hammer only."""
        if not reason.strip():
            raise AuctionError("reason_required", "更正须注明操作员和理由", "a correction needs an operator and a reason")
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
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
                "amount": b.amount, "actor": who, "reason": reason, "at": rfc3339(now),
            })
            b.corrected_seq, b.corrected_by, b.corrected_reason = e.seq, who, reason
            s.flush()
            self._recompute(s, p, row)
            row.call_no = 0
            row.last_activity_at = now
            row.version += 1
            return self._view(s, p, row, bids=True)

    def change_increment(self, session_id: str, lot_code: str, increment: str, *, actor: RoleHolder) -> LotView:
        """The auctioneer may change the step during bidding (39号令 §16)."""
        value = parse_money(increment)
        if value <= 0:
            raise AuctionError("bad_amount", "加价幅度无效", "invalid increment")
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state not in ("pending", "open"):
                raise AuctionError("closed", "已落槌", "the lot is closed")
            row.increment = decimal_text(value)
            row.version += 1
            self.hall.journal.append(s, "auction.increment_changed", {
                "session_id": session_id, "lot_code": lot_code, "increment": row.increment, "actor": who,
                "at": rfc3339(self.hall.clock.now()),
            })
            return self._view(s, p, row, bids=True)

    def call(self, session_id: str, lot_code: str, *, actor: RoleHolder, expect_version: int | None = None) -> LotView:
        """The next call (第一次/第二次/第三次), at least ``call_seconds`` after the last bid or call."""
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state != "open":
                raise AuctionError("lot_not_open", "标的未开拍或已落槌", "the lot is not open")
            if expect_version is not None and row.version != expect_version:
                raise AuctionError("changed", "有新的应价，报价重新计时", "a new bid arrived: the calls restart")
            if row.stage_phase and row.stage == "lottery":
                raise AuctionError("lottery_on", "摇号进行中，不再报价计次", "the lottery is under way: no calls")
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
                       "price": row.current_price, "paddle_no": row.leading_paddle, "actor": who, "at": rfc3339(now)}
            if row.stage in ("area", "self_hold") and row.stage_leader is not None:
                # in the stage the call names the best area/share and who holds it (several when tied at 100 %)
                payload.update(paddle_no=row.stage_leader, stage_value=row.stage_value, unit=STAGES[row.stage][2],
                               tied=split_paddles(row.stage_paddles))
            self.hall.journal.append(s, "auction.call", payload)
            return self._view(s, p, row, bids=True)

    def hammer(self, session_id: str, lot_code: str, *, actor: RoleHolder, place: str = "") -> LotResult:
        """落槌 after the third call: sold (≥ reserve; to the drawn paddle after a lottery) or unsold (流拍)."""
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
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
            price = parse_optional_money(row.current_price)
            winner = row.leading_paddle
            seed = None
            capped = [c for c in row.capped_paddles.split(",") if c]
            if capped and row.stage in ("area", "self_hold"):
                tied = split_paddles(row.stage_paddles)
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
                if row.stage_phase != "drawn" or not row.stage_leader:
                    raise AuctionError("lottery_needed", "多名竞买人在最高限价：须先摇号（确认候选人、拍卖师和监督人录入随机数字、抽签）",
                                       "several bidders at the cap: hold the lottery first (confirm the candidates, "
                                       "the auctioneer's and the supervisor's digits, the draw)")
                winner, seed = row.stage_leader, row.lottery_seed
            if price is None or winner is None:
                result, reason = "unsold", "no_bids"
            elif reserve is not None and price < reserve:
                result, reason = "unsold", "below_reserve"
            else:
                result, reason = "sold", None
            return self._close(s, p, row, result, now, actor=who, place=place, reason=reason,
                               price=decimal_text(price) if result == "sold" and price is not None else None,
                               paddle=winner if result == "sold" else None, seed=seed)

    def terminate(self, session_id: str, lot_code: str, *, actor: RoleHolder, reason: str, place: str = "") -> LotResult:
        """终止 a lot with a reason (e.g. a fault, or an order of the consignor)."""
        if not reason.strip():
            raise AuctionError("reason_required", "终止须注明理由", "termination needs a reason")
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            if row.state in CLOSED:
                raise AuctionError("lot_not_open", "该标的已结束", "the lot is closed")
            return self._close(s, p, row, "terminated", self.hall.clock.now(), actor=who, place=place, reason=reason)

    def due_call(self, session_id: str, lot_code: str, *, actor: RoleHolder) -> LotView | None:
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
        from kiosk.auction import documents as auction_docs  # reportlab is heavy: load it when a lot closes

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
            witness_notes=witness_notes(s, p.session_id),
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
        self._close_session_when_done(s, p.session_id, actor, now)
        return LotResult(p.session_id, p.lot_code, result, now, price, paddle, buyer_name, conf_sha, rec_sha,
                         conf_path, rec_path, seed, reason)

    def _close_session_when_done(self, s: Session, session_id: str, actor: str, now: dt.datetime) -> None:
        """The lot just closed was the session's last one open or pending: journal ``auction.session_closed``
        (拍卖会结束) with what became of its lots. The room's recorder stops on it after its grace
        period (``kiosk.recording.follow.CLOSE_KINDS``); a lot opened later starts it again."""
        lots = s.scalars(select(PfLot.lot_code).where(PfLot.session_id == session_id)).all()
        states = dict(s.execute(select(AuctionLot.lot_code, AuctionLot.state).where(AuctionLot.session_id == session_id)).all())
        if not lots or any(states.get(code) not in CLOSED for code in lots):
            return
        ended = [states[code] for code in lots]
        self.hall.journal.append(s, "auction.session_closed", {
            "session_id": session_id, "lots": len(lots), "sold": ended.count("sold"), "unsold": ended.count("unsold"),
            "terminated": ended.count("terminated"), "actor": actor, "at": rfc3339(now)})

    def _store(self, s: Session, path: Path, data: bytes, sha: str, now: dt.datetime) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, path=stored_path(self.hall.config.data_dir, path), size=len(data),
                       media_type="application/pdf", encrypted=False, created_at=now))
        return str(path)

    def _deposits(self, s: Session, p: PfLot, winner: str | None, now: dt.datetime) -> None:
        """D10 at the close: the buyer's deposit is ``held`` until the 成交确认书 is signed; the others' cash
        deposits are refunded and their 电子保函 released."""
        paddles = checkin_paddles(s, p.session_id)
        paddle_of = {rid: pad for pad, rids in paddles.items() for rid in rids}
        regs = s.scalars(select(PfRegistration).where(
            PfRegistration.session_id == p.session_id, PfRegistration.lot_code == p.lot_code,
            PfRegistration.deposit_status.in_(DEPOSIT_OK)).order_by(PfRegistration.registration_id)).all()
        won = False
        for r in regs:
            pad = paddle_of.get(r.registration_id)
            if winner is not None and pad == winner and not won:
                won, effect = True, "held"
            else:
                effect = "release" if r.deposit_status == "guarantee" else "refund"
            self._deposit_entry(s, p, r, pad, effect, now)

    def _deposit_entry(self, s: Session, p: PfLot, r: PfRegistration, pad: str | None, effect: str, now: dt.datetime,
                       reason: str | None = None) -> None:
        amount = r.deposit_amount or p.deposit or "0"
        payload: dict[str, Any] = {"session_id": p.session_id, "lot_code": p.lot_code, "registration_id": r.registration_id,
                                   "paddle_no": pad, "amount": amount, "form": r.deposit_status, "effect": effect,
                                   "at": rfc3339(now)}
        if reason:
            payload["reason"] = reason
        e = self.hall.journal.append(s, "auction.deposit", payload)
        s.add(AuctionDeposit(session_id=p.session_id, lot_code=p.lot_code, registration_id=r.registration_id,
                             paddle_no=pad, amount=amount, effect=effect, at=now, journal_seq=e.seq))

    def settle_deposit(self, session_id: str, lot_code: str, *, signed: bool, actor: RoleHolder,
                       reason: str = "") -> list[dict[str, Any]]:
        """D10 after the hammer: the buyer signed the 成交确认书 (``signed``: a cash deposit is ``convert``-ed
        into the price, a 电子保函 ``release``-d — never converted) or refused to sign (悔拍: the held deposit is
        ``forfeited``, with the reason). Journalled as ``auction.confirmation_signed`` / ``auction.default``
        and one ``auction.deposit`` per registration."""
        if not signed and not reason.strip():
            raise AuctionError("reason_required", "悔拍须注明情况", "a refusal to sign needs a reason")
        with self.hall.unit() as s:
            take_head(s)
            who = acting(s, actor, session_id)
            p = self._pf(s, session_id, lot_code)
            row = self._row(s, p)
            open_held = self._held(s, session_id, lot_code)
            if row.state != "sold" or not open_held:
                raise AuctionError("nothing_held", "本标的没有待处理的竞得人保证金", "no buyer's deposit is held for this lot")
            now = self.hall.clock.now()
            self.hall.journal.append(s, "auction.confirmation_signed" if signed else "auction.default", {
                "session_id": session_id, "lot_code": lot_code, "paddle_no": row.buyer_paddle,
                "confirmation_sha256": row.confirmation_sha256, "actor": who, "at": rfc3339(now),
                **({} if signed else {"reason": reason.strip()})})
            for d in open_held:
                r = s.get(PfRegistration, d.registration_id)
                assert r is not None
                effect = ("release" if r.deposit_status == "guarantee" else "convert") if signed else "forfeited"
                self._deposit_entry(s, p, r, d.paddle_no, effect, now, None if signed else reason.strip())
            row.version += 1
        return self.deposit_ledger(session_id)

    @staticmethod
    def _held(s: Session, session_id: str, lot_code: str) -> list[AuctionDeposit]:
        """The lot's deposits whose last entry is ``held`` (the buyer's, until the 确认书 is settled)."""
        rows = s.scalars(select(AuctionDeposit).where(
            AuctionDeposit.session_id == session_id, AuctionDeposit.lot_code == lot_code).order_by(AuctionDeposit.id)).all()
        return [d for d in rows if d.effect == "held"
                and not any(x.registration_id == d.registration_id and x.id > d.id for x in rows)]

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
    def _ctx(session_id: str, lot_code: str) -> bytes:
        return f"auction-reserve/{session_id}/{lot_code}".encode()

    def _reserve(self, row: AuctionLot) -> Decimal | None:
        if row.reserve_enc is None:
            return None
        return parse_money(self.hall.vault.decrypt_str(row.reserve_enc, context=self._ctx(row.session_id, row.lot_code)))

    def _reserve_text(self, row: AuctionLot) -> str | None:
        r = self._reserve(row)
        return decimal_text(r) if r is not None else None

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

    def _bidder_facts(self, s: Session, p: PfLot, paddle: str) -> BidderFacts:
        """What a bid's check needs from outside the auction, read before the journal lock (the
        paddles once, their registrations in one statement)."""
        _trade, need = self._minimum(s, p.session_id)
        paddles = checkin_paddles(s, p.session_id)
        by_paddle = self._regs_by_paddle(s, paddles if need > 1 else {paddle: paddles.get(paddle, [])}, p.lot_code)
        too_few_bidders = need > 1 and sum(1 for regs in by_paddle.values()
                                           if any(r.deposit_status in DEPOSIT_OK for r in regs)) < need
        rids = paddles.get(paddle)
        regs = by_paddle.get(paddle, []) if rids is not None else []
        return BidderFacts(checked_in=rids is not None, registered=bool(regs),
                           deposit_ok=any(r.deposit_status in DEPOSIT_OK for r in regs), too_few_bidders=too_few_bidders)

    @staticmethod
    def _wins(s: Session, p: PfLot, paddle: str) -> int:
        """Lots of the session this paddle has bought (only where the lot limits them)."""
        if not p.max_wins_per_paddle:
            return 0
        return len(s.scalars(select(AuctionLot.lot_code).where(
            AuctionLot.session_id == p.session_id, AuctionLot.state == "sold", AuctionLot.buyer_paddle == paddle)).all())

    @staticmethod
    def _set_price(row: AuctionLot, price: Price) -> None:
        row.current_price, row.leading_paddle = price.current_price, price.leading_paddle
        row.capped_paddles = ",".join(price.capped)

    def _recompute(self, s: Session, p: PfLot, row: AuctionLot) -> None:
        """The price side again from the valid bids (after a correction), by the same fold as a live bid."""
        valid = s.scalars(select(AuctionBid).where(
            AuctionBid.session_id == p.session_id, AuctionBid.lot_code == p.lot_code, AuctionBid.accepted.is_(True),
            AuctionBid.corrected_seq.is_(None)).order_by(AuctionBid.journal_seq)).all()
        self._set_price(row, price_of(((b.paddle_no, b.amount) for b in valid), parse_optional_money(p.cap_price)))

    @staticmethod
    def _open_lot_of(s: Session, session_id: str) -> str | None:
        return s.scalar(select(AuctionLot.lot_code).where(AuctionLot.session_id == session_id, AuctionLot.state == "open"))

    @staticmethod
    def _regs_for_lot(s: Session, rids: list[str], lot_code: str) -> list[PfRegistration]:
        regs = s.scalars(_REGISTRATIONS, {"ids": list(rids)}).all() if rids else []
        return [r for r in regs if r.lot_code in (lot_code, None)]

    @staticmethod
    def _regs_by_paddle(s: Session, paddles: dict[str, list[str]], lot_code: str) -> dict[str, list[PfRegistration]]:
        """Each paddle's registrations for the lot (one statement for them all)."""
        every = sorted({rid for rids in paddles.values() for rid in rids})
        found = {r.registration_id: r for r in s.scalars(_REGISTRATIONS, {"ids": every})} if every else {}
        return {pad: [found[rid] for rid in rids if rid in found and found[rid].lot_code in (lot_code, None)]
                for pad, rids in paddles.items()}

    def _eligible_paddles(self, s: Session, session_id: str, lot_code: str) -> list[str]:
        by_paddle = self._regs_by_paddle(s, checkin_paddles(s, session_id), lot_code)
        return sorted(pad for pad, regs in by_paddle.items() if any(r.deposit_status in DEPOSIT_OK for r in regs))

    def _buyer_registration(self, s: Session, session_id: str, lot_code: str, paddle: str) -> PfRegistration | None:
        rids = checkin_paddles(s, session_id).get(paddle)
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
                                   "auction.lottery_candidates", "auction.lottery_entropy", "auction.lottery_commit",
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
            nxt = decimal_text(next_amount(p, row))
        elif state == "pending":
            nxt = opening_amount(p)
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
            deposit_held=state == "sold" and bool(self._held(s, p.session_id, p.lot_code)),
            **self._stage_view(s, p, row, state, bids=bids, last_bids=last_bids),
        )

    def _stage_view(self, s: Session, p: PfLot, row: AuctionLot | None, state: str, *, bids: bool,
                    last_bids: int) -> dict[str, Any]:
        trade, need = self._minimum(s, p.session_id)
        out: dict[str, Any] = {"trade_type": trade, "min_bidders": need}
        if need > 1 and state in ("pending", "open"):
            out["eligible_bidders"] = len(self._eligible_paddles(s, p.session_id, p.lot_code))
        if row is None or row.stage is None:
            after = after_cap_of(s, p) if p.cap_price and state == "pending" else None
            if after and after.get("method") in STAGES:
                # D7: read-only from the platform's lot; the console shows it, the auctioneer confirms it
                out.update(stage=after["method"], stage_start=after.get("start"), stage_step=after.get("step"),
                           stage_upper=after.get("upper"))
            return out
        params = json.loads(row.stage_params or "{}")
        nxt = stage_next(row) if state == "open" else None
        sealed = row.stage == "average" and row.stage_phase != "revealed" and state not in CLOSED
        out.update(stage=row.stage, stage_start=params.get("start"), stage_step=params.get("step"),
                   stage_upper=params.get("upper"), stage_phase=row.stage_phase,
                   stage_value=row.stage_value, stage_leader=row.stage_leader,
                   stage_tied=tuple(split_paddles(row.stage_paddles)) if row.stage != "average" else (),
                   stage_next=quantity_text(nxt) if nxt is not None else None)
        if row.stage == "lottery" and row.stage_phase:
            lot_state = json.loads(row.stage_result or "{}")
            out.update(lottery_candidates=tuple(split_paddles(row.stage_paddles)),
                       lottery_entropy=tuple(sorted(lot_state.get("entropy", {}))),
                       lottery_commitment=lot_state.get("seed_sha256"), lottery_seed=row.lottery_seed,
                       lottery_winner=row.stage_leader if row.stage_phase == "drawn" else None)
        if row.stage == "average" and row.stage_phase:
            out["sealed_candidates"] = tuple(split_paddles(row.stage_paddles))
            out["sealed_in"] = tuple(sorted(self._sealed_in(s, p)))
        if row.stage_result and row.stage == "average":
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
