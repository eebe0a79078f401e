"""A check-in as the check-in capability records it, for tests of the capabilities that read it.

``kiosk.checkin.CheckinService`` writes, in one transaction, the accepted ``checkin.recorded``
entry (docs/platform-api.md §4) and the ``checkins`` row that other capabilities ask through
``kiosk.checkin.checked_in``. This writes the same two without the service's rules (window,
blacklist, face), so an opening test can put a representative in the room at any time.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from kiosk.db.models_checkin import Checkin
from kiosk.hall import Hall
from kiosk.timeutil import rfc3339


def record_checkin(hall: Hall, session_id: str, reg: dict, rep: dict, *, journalled_name: str | None = None) -> str:
    """Check ``rep`` (a representative of the seeded registration ``reg``) in; returns their ``person_id_hmac``.

    ``journalled_name`` is the name the entry carries (the full name, as check-in journals it, by default).
    """
    pid = hall.person_hmac(rep["id_number"])
    now = hall.clock.now()
    with hall.unit() as s:
        entry = hall.journal.append(s, "checkin.recorded", {
            "session_id": session_id, "registration_id": reg["registration_id"],
            "person_name": journalled_name if journalled_name is not None else rep["name"],
            "person_id_hmac": pid, "method": "idcard", "result": "accepted", "checked_in_at": rfc3339(now),
        })
        no = (s.scalar(select(func.max(Checkin.checkin_no)).where(Checkin.session_id == session_id)) or 0) + 1
        s.add(Checkin(
            session_id=session_id, registration_id=reg["registration_id"], checkin_no=no, paddle_no=None,
            token=secrets.token_urlsafe(18), person_name=journalled_name if journalled_name is not None else rep["name"],
            person_hmac=hall.vault.lookup_hmac(rep["id_number"]), person_id_hmac=pid,
            bidder_name=reg["bidder"]["name"], bidder_key=reg["bidder"].get("code") or reg["registration_id"],
            method="idcard", face_status="captured", face_match="", needs_confirmation=False, overrides="",
            terminal_id=hall.config.site.terminal_id, journal_seq=entry.seq, reprints=0, checked_in_at=now,
        ))
    return pid
