"""Demo and test helper: check in every registration of an auction session (journal contract).

The check-in capability journals ``checkin.recorded`` with ``paddle_no``; the auction reads only
those entries. The demo tour and tests use this to have paddles without a card reader; one paddle
per bidder (same name and code), numbered 01, 02, … in registration order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kiosk.db.models import JournalEntry, PfRegistration, PfRepresentative
from kiosk.pii import mask_name
from kiosk.timeutil import rfc3339


def checked_in_paddles(hall: Any, session_id: str) -> dict[str, str]:
    """registration_id → paddle_no of the accepted check-ins already journalled."""
    import json

    with hall.reading() as s:
        out = {}
        for body in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "checkin.recorded")):
            pl = json.loads(body)
            if pl.get("session_id") == session_id and pl.get("result") == "accepted" and pl.get("paddle_no"):
                out[pl["registration_id"]] = pl["paddle_no"]
        return out


def check_in_all(hall: Any, session_id: str, *, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Journal a manual check-in with a paddle for each registration (not already checked in)."""
    done = checked_in_paddles(hall, session_id)
    with hall.unit() as s:
        regs = s.scalars(select(PfRegistration).where(PfRegistration.session_id == session_id)
                         .order_by(PfRegistration.registration_id)).all()
        paddles: dict[tuple[str, str | None], str] = {}
        used = set(done.values())
        for r in regs:
            if r.registration_id in done or r.registration_id in skip:
                continue
            key = (r.bidder_name, r.bidder_code or r.bidder_code_hmac)
            if key not in paddles:
                n = 1
                while f"{n:02d}" in used:
                    n += 1
                paddles[key] = f"{n:02d}"
                used.add(paddles[key])
            rep = s.scalars(select(PfRepresentative).where(PfRepresentative.registration_id == r.registration_id)
                            .order_by(PfRepresentative.id)).first()
            name = rep.name if rep is not None else r.bidder_name
            hall.journal.append(s, "checkin.recorded", {
                "session_id": session_id, "registration_id": r.registration_id, "person_name": mask_name(name),
                "person_id_hmac": rep.id_hmac if rep is not None else "0" * 64, "method": "manual",
                "result": "accepted", "checked_in_at": rfc3339(hall.clock.now()), "paddle_no": paddles[key],
            })
            done[r.registration_id] = paddles[key]
    return done
