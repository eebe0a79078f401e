"""Auction tests take their session roles as the console does: the appointee's ID card (kiosk.staffing).

``take_auctioneer(hall, sid)`` places the card of the person the platform appointed as the session's
拍卖师 (its ID number is read back from ``pf_session_staff`` with the hall's vault, the way a reader
would present the card); taking the role again returns the same holding. ``set_after_cap`` stands in
for a platform feed that changes a lot's ``after_cap`` (docs/platform-api.md §7.1).
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from kiosk.db.models import PfSession
from kiosk.db.models_staffing import PfSessionStaff
from kiosk.feeds import CTX_STAFF
from kiosk.hall import Hall
from kiosk.ports import IdCard
from kiosk.staffing import RoleHolder, StaffingService


def _hall(h: Any) -> Hall:
    return h.hall if hasattr(h, "hall") and not isinstance(h, Hall) else h


def staff_card(hall: Any, session_id: str, role: str) -> IdCard:
    """The ID card of the person the platform appointed to ``role`` in ``session_id``."""
    hall = _hall(hall)
    with hall.reading() as s:
        row = s.scalars(select(PfSessionStaff).where(PfSessionStaff.session_id == session_id,
                                                     PfSessionStaff.role == role).order_by(PfSessionStaff.id)).first()
        assert row is not None, f"nobody appointed as {role} in {session_id}"
        number = hall.vault.decrypt_str(row.id_enc, context=CTX_STAFF)
        name = row.name
    return IdCard(card_type="resident", name=name, gender="男", birth_date=f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                  id_number=number, valid_from="2020-01-01", valid_until="长期")


def take_role(hall: Any, session_id: str, role: str) -> RoleHolder:
    """``role`` in ``session_id``, taken by its appointee's card."""
    hall = _hall(hall)
    return StaffingService(hall).take_role(session_id, role, card=staff_card(hall, session_id, role))


_HELD: weakref.WeakKeyDictionary[Hall, dict[tuple[str, str], RoleHolder]] = weakref.WeakKeyDictionary()


def take_auctioneer(hall: Any, session_id: str) -> RoleHolder:
    """The session's 拍卖师 (a Hall or an AuctionService), taken once per hall object and session."""
    hall = _hall(hall)
    held = _HELD.setdefault(hall, {})
    key = (session_id, "auctioneer")
    if key not in held:
        held[key] = take_role(hall, session_id, "auctioneer")
    return held[key]


def take_supervisor(hall: Any, session_id: str) -> RoleHolder:
    return take_role(hall, session_id, "supervisor")


def set_after_cap(hall: Any, session_id: str, lot_code: str, after_cap: dict[str, Any] | None) -> None:
    """The platform's lot now says ``after_cap`` (as a newer ``sessions`` record would). ``hall``: a Hall, an
    AuctionService, or a data directory (the hall is opened and closed)."""
    if isinstance(hall, (str, Path)):
        from kiosk.config import load_config

        opened = Hall.open(load_config(data_dir=Path(hall), environ={}))
        try:
            set_after_cap(opened, session_id, lot_code, after_cap)
        finally:
            opened.close()
        return
    hall = _hall(hall)
    with hall.unit() as s:
        ps = s.get(PfSession, session_id)
        assert ps is not None
        data = dict(ps.data)
        data["lots"] = [dict(lot, after_cap=after_cap) if lot.get("lot_code") == lot_code else lot
                        for lot in data.get("lots") or []]
        ps.data = data
        flag_modified(ps, "data")
