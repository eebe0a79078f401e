"""Demo and test helper: check in every registration of an auction session.

The check-in capability writes the ``checkins`` row with the accepted ``checkin.recorded`` entry
and its ``paddle_no``; the auction asks check-in which paddles are in (``kiosk.checkin.paddles``).
The demo tour and tests use this to have paddles without a card reader; one paddle per bidder
(same code), numbered 01, 02, … in registration order after those already given.

``seed_stage_lot`` adds the tour's land lot with a price cap and 竞配建 after it, and ``add_bidders``
company registrations for a lot: local demo/test data in the ``pf_*`` tables, as the platform's
feeds would hold them (the sandbox platform's seed does not send that lot).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from kiosk.checkin import CheckinService, paddles
from kiosk.checkin.rules import bidder_key, next_paddle
from kiosk.db.models import PfRegistration, PfRepresentative
from kiosk.db.models_checkin import Checkin, CheckinPaddle
from kiosk.pii import mask_name
from kiosk.timeutil import rfc3339


def checked_in_paddles(hall: Any, session_id: str) -> dict[str, str]:
    """registration_id → paddle_no of the session's live check-ins (the check-in table)."""
    with hall.reading() as s:
        return {rid: paddle for paddle, rids in paddles(s, session_id).items() for rid in rids}


def check_in_all(hall: Any, session_id: str, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Check each registration in (not already checked in) with a paddle, as a clerk's manual check-in.

    Check-ins made at a kiosk that wait for a clerk are confirmed first (``CheckinService.confirm``,
    as the clerk at the window would). Then writes what ``kiosk.checkin.CheckinService`` writes in one
    transaction, without its rules (window, blacklist, face): the accepted ``checkin.recorded`` entry with the paddle, the
    ``checkins`` row the auction asks (``kiosk.checkin.paddles``) and the bidder's paddle number
    (``checkin_paddles``: one per bidder, the same one the service would give a card later).
    """
    with hall.reading() as s:  # check-ins at a kiosk that wait for the clerk: the clerk confirms them first
        waiting = s.scalars(select(Checkin.id).where(Checkin.session_id == session_id, Checkin.needs_confirmation.is_(True),
                                                     Checkin.confirmed_by.is_(None))).all()
    for checkin_id in waiting:
        CheckinService(hall).confirm(checkin_id, operator="demo", note="演示：窗口核对身份证原件与本人一致")
    done = checked_in_paddles(hall, session_id)
    with hall.unit() as s:
        regs = s.scalars(select(PfRegistration).where(PfRegistration.session_id == session_id)
                         .order_by(PfRegistration.registration_id)).all()
        now = hall.clock.now()
        numbers = {row.bidder_key: row.paddle_no for row in s.scalars(
            select(CheckinPaddle).where(CheckinPaddle.session_id == session_id))}
        next_no = (s.scalar(select(func.max(Checkin.checkin_no)).where(Checkin.session_id == session_id)) or 0) + 1
        for r in regs:
            if r.registration_id in done or r.registration_id in skip:
                continue
            key = bidder_key(r.bidder_code, r.bidder_code_hmac, r.registration_id)
            if key not in numbers:
                numbers[key] = next_paddle(numbers.values())
                s.add(CheckinPaddle(session_id=session_id, bidder_key=key, paddle_no=numbers[key], assigned_at=now))
            rep = s.scalars(select(PfRepresentative).where(PfRepresentative.registration_id == r.registration_id)
                            .order_by(PfRepresentative.id)).first()
            name = mask_name(rep.name if rep is not None else r.bidder_name)
            pid = rep.id_hmac if rep is not None else "0" * 64
            entry = hall.journal.append(s, "checkin.recorded", {
                "session_id": session_id, "registration_id": r.registration_id, "person_name": name,
                "person_id_hmac": pid, "method": "manual", "result": "accepted", "checked_in_at": rfc3339(now),
                "paddle_no": numbers[key],
            })
            s.add(Checkin(
                session_id=session_id, registration_id=r.registration_id, checkin_no=next_no, paddle_no=numbers[key],
                token=secrets.token_urlsafe(18), person_name=name, person_hmac=f"demo:{r.registration_id}"[:64],
                person_id_hmac=pid, bidder_name=r.bidder_name, bidder_key=key, method="manual",
                face_status="manual", face_match="演示：未经读卡器的人工签到", needs_confirmation=False,
                operator="demo", reason="演示：无读卡器的批量签到", overrides="",
                terminal_id=hall.config.site.terminal_id, journal_seq=entry.seq, reprints=0, checked_in_at=now,
            ))
            next_no += 1
            done[r.registration_id] = numbers[key]
    return done


#: the demo's land lot with a price cap and 竞配建 after it (demo data, held locally: the sandbox
#: platform's seed does not send it). Guide price 14,976 万元; cap = +25 % = 18,720 万元.
STAGE_LOT: dict[str, Any] = {"lot_code": "TD-DEMO-07", "title": "回民区公主府片区地块（住宅用地，26,480.0㎡，限地价+竞配建）",
             "start_price": "15600.00", "increment": "200.00", "price_unit": "1", "deposit": "3000.00",
             "has_reserve": False, "cap_price": "18720.00", "max_wins_per_paddle": None,
             # the 出让公告 decides between bidders at the cap (docs/platform-api.md §7.1): 竞配建 from 1,000 m² in 100 m² steps
             "after_cap": {"method": "area", "start": "1000", "step": "100", "unit": "m2"}}
STAGE_BIDDERS = (("内蒙古北疆置业有限公司", "91150100MA0STAGE01"), ("呼和浩特城发房地产开发有限公司", "91150100MA0STAGE02"),
                 ("内蒙古青城安居建设有限公司", "91150100MA0STAGE03"))


def add_bidders(hall: Any, session_id: str, lot_code: str | None, bidders: tuple[tuple[str, str], ...],
                *, deposit: str = "paid", amount: str = "3000.00") -> list[str]:
    """Registrations of companies (USCC) for a lot, as the platform's ``registrations`` feed would hold them."""
    from kiosk.db.models import PfRegistration

    out = []
    with hall.unit() as s:
        for name, code in bidders:
            rid = f"R-{session_id[-6:]}-{code[-6:]}"
            if s.get(PfRegistration, rid) is None:
                s.add(PfRegistration(registration_id=rid, feed_key=f"local:{rid}", version=0, session_id=session_id,
                                     lot_code=lot_code, bidder_name=name, bidder_code_type="USCC", bidder_code=code,
                                     deposit_status=deposit, deposit_amount=amount))
            out.append(rid)
    return out


def seed_stage_lot(hall: Any, starts_at: Any) -> tuple[str, str]:
    """A land auction session with one capped lot (竞配建 demo) and three company bidders; (session_id, lot_code)."""
    from kiosk.db.models import PfLot, PfSession
    from kiosk.db.models_staffing import PfSessionStaff

    session_id = f"S-{starts_at:%Y%m%d}-DEMO7"
    with hall.unit() as s:
        if s.get(PfSession, session_id) is None:
            data = {"session_id": session_id, "kind": "auction", "room_code": "PM-01", "room_name": "拍卖大厅",
                    "starts_at": rfc3339(starts_at), "title": "呼和浩特市国有建设用地使用权拍卖出让会（限地价）",
                    "trade_type": "TDSYQ", "lots": [STAGE_LOT], "auctioneer_licence": "1501019700123",
                    "seller_name": "呼和浩特市自然资源局", "auction_house": None}
            s.add(PfSession(session_id=session_id, feed_key=f"local:{session_id}", version=0, kind="auction",
                            room_code="PM-01", room_name="拍卖大厅", starts_at=starts_at, title=data["title"],
                            trade_type="TDSYQ", quorum=None, data=data))
            s.flush()
            s.add(PfLot(session_id=session_id, position=1, **{k: v for k, v in STAGE_LOT.items() if k != "after_cap"}))
            # the same appointees as the day's land auction (auctioneer, supervisor, witness), if the feed holds one
            land = s.scalars(select(PfSession.session_id).where(PfSession.trade_type == "TDSYQ",
                                                                PfSession.session_id != session_id)).first()
            for st in s.scalars(select(PfSessionStaff).where(PfSessionStaff.session_id == land)).all() if land else []:
                s.add(PfSessionStaff(session_id=session_id, role=st.role, name=st.name, org=st.org, id_hmac=st.id_hmac,
                                     id_enc=st.id_enc))
    add_bidders(hall, session_id, STAGE_LOT["lot_code"], STAGE_BIDDERS)
    return session_id, STAGE_LOT["lot_code"]
