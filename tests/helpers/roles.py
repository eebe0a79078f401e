"""Taking a demo session's roles as its staff would: by the appointees' ID cards (kiosk.staffing).

The demo day appoints staff per session (``sync.sandbox.seed.STAFF_PEOPLE``); session 2 (the
procurement opening) appoints no recorder, so a hall ``clerk`` account stands in with a reason.
``take_roles(hall, sid)`` takes every role the platform appointed (plus that fallback recorder) and
returns them by role; ``signers(hall, sid)`` are the record's signatures (the same cards again).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kiosk.db.models_staffing import PfSessionStaff
from kiosk.hall import Hall
from kiosk.opening import Signer
from kiosk.ports import IdCard
from kiosk.staffing import RoleHolder, StaffingService
from sync.sandbox.seed import STAFF_PEOPLE, staff_person

#: the hall account that stands in where the platform appointed nobody (tests' seeded PINs)
FALLBACK = {"recorder": ("clerk", "333333"), "witness": ("clerk", "333333"), "host": ("host", "111111"),
            "supervisor": ("supervisor", "444444")}
FALLBACK_REASON = "平台未指定本场记录人，由窗口工作人员代行"


def staff_card(i: int, role: str = "host") -> IdCard:
    """The resident ID card of demo staff person ``i``."""
    p = staff_person(i, role)
    return IdCard(card_type="resident", name=p["name"], gender="男" if int(p["id_number"][16]) % 2 else "女",
                  birth_date=p["id_number"][6:14], id_number=p["id_number"], valid_from="2020-01-01", valid_until="长期")


def appointed(hall: Hall, session_id: str) -> dict[str, int]:
    """role → staff person index of the session's appointees (first per role)."""
    names = [p[0] for p in STAFF_PEOPLE]
    with hall.reading() as s:
        rows = s.execute(select(PfSessionStaff.role, PfSessionStaff.name).where(PfSessionStaff.session_id == session_id)
                         .order_by(PfSessionStaff.id)).all()
    out: dict[str, int] = {}
    for role, name in rows:
        out.setdefault(role, names.index(name))
    return out


def card_of(hall: Hall, session_id: str, role: str) -> IdCard:
    return staff_card(appointed(hall, session_id)[role], role)


def take_roles(hall: Hall, session_id: str, roles: tuple[str, ...] = ("host", "recorder", "supervisor", "witness",
                                                                       "tenderer_rep")) -> dict[str, RoleHolder]:
    """Take ``roles`` in ``session_id``: by card where appointed, else (recorder) the clerk's account with a reason."""
    svc = StaffingService(hall)
    who = appointed(hall, session_id)
    out: dict[str, RoleHolder] = {}
    for role in roles:
        if role in who:
            out[role] = svc.take_role(session_id, role, card=staff_card(who[role], role))
        elif role == "recorder":
            user, pin = FALLBACK[role]
            out[role] = svc.take_role(session_id, role, username=user, pin=pin, reason=FALLBACK_REASON)
    return out


def signers(hall: Hall, session_id: str, holders: dict[str, RoleHolder]) -> list[Signer]:
    """Each holder's signature: their card again, or the standing-in account's PIN."""
    who = appointed(hall, session_id)
    out = []
    for role, h in holders.items():
        if h.appointed:
            out.append(Signer(role, card=staff_card(who[role], role)))
        else:
            user, pin = FALLBACK[role]
            out.append(Signer(role, username=user, pin=pin))
    return out


def sign_in_on_panel(panel: Any, bridge: Any, hall: Hall, session_id: str, roles: tuple[str, ...], *,
                     confirm: bool = False) -> None:
    """Drive a console's role panel (ui.staffing.signin.RoleSignIn) as the staff would: arm each role and
    place the appointee's card on the reader (through the bridge, like the reader thread), or type the
    standing-in account's PIN and reason; wait until the role is held (or, ``confirm``, confirmed)."""
    from kiosk.ports import CardEvent
    from tests.helpers.screens import wait_until

    who = appointed(hall, session_id)
    wait_until(lambda: panel.session_id == session_id and panel.loads > 0 and not panel.busy)
    for role in roles:
        panel.arm(role)
        if role in who:
            bridge.post_card_event(CardEvent("card", staff_card(who[role], role)))
        else:
            user, pin = FALLBACK[role]
            panel.user.setText(user)
            panel.reason.setText(FALLBACK_REASON)
            panel.pin.setText(pin)
            panel.submit_pin()
        if confirm:
            wait_until(lambda r=role: r in panel.confirmed and not panel.busy)  # type: ignore[misc]
        else:
            wait_until(lambda r=role: panel.holder(r) is not None and not panel.busy)  # type: ignore[misc]
