"""The expert draw on a shared hall's PostgreSQL: the pool read with its JSON lists as the driver gives
them, a draw, a decline replaced, and verify-draw (the same code as on SQLite)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.experts.service import ExpertsService
from kiosk.hall import Hall
from kiosk.staffing import StaffingService
from kiosk.timeutil import BEIJING
from tests.helpers.roles import staff_card
from tests.helpers.seeded import seeded
from tests.kiosk.test_experts import ENTROPY, EV, ROLE_STAFF, TODAY


@pytest.mark.postgres
def test_the_draw_on_postgres(tmp_path: Path, pg_url: str) -> None:
    base = load_config(data_dir=tmp_path / "hall", environ={})
    cfg = seeded(dataclasses.replace(base, database=dataclasses.replace(base.database, url=pg_url)))
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING)))
    try:
        svc = ExpertsService(hall)
        view = svc.pool(EV)
        assert [(ln.specialty, ln.eligible) for ln in view.lines] == [("A080101", 17), ("A080102", 13)]
        staff = StaffingService(hall)
        who = {r: staff.take_role(EV, r, card=staff_card(i, r)) for r, i in ROLE_STAFF.items()}
        svc.commit(EV, who, ENTROPY)
        drawn = svc.draw(EV, who, beacon=None)
        svc.answer(EV, drawn.picks[0].expert_id, "decline", who["witness"])
        assert [p.status for p in svc.picks(EV)][:4] == ["replaced", "selected", "selected", "selected"]
        assert svc.verify_draw(EV).ok
    finally:
        hall.close()


@pytest.mark.postgres
def test_two_door_terminals_on_postgres_never_give_one_locker_twice(tmp_path: Path, pg_url: str) -> None:
    """Two doors of one hall (two halls open on one PostgreSQL database, as two terminals are) admit four
    members at once: every act takes the journal head, so the lockers are four different ones and the
    room's recording is asked for once."""
    import json
    import threading

    from sqlalchemy import select

    from kiosk.db.models import JournalEntry
    from kiosk.experts.signin import SigninService
    from tests.kiosk.test_experts_door import LIVE, FixedFaces, drawn_and_answered, expert_card

    base = load_config(data_dir=tmp_path / "hall", environ={})
    cfg = seeded(dataclasses.replace(base, database=dataclasses.replace(base.database, url=pg_url)))
    at = FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING))
    hall = Hall.open(cfg, clock=at)
    other = Hall.open(dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="DOOR-2")), clock=at)
    try:
        members, _ = drawn_and_answered(hall)
        at.set(dt.datetime.combine(TODAY, dt.time(14, 0), BEIJING))
        doors = [SigninService(h, face_engine=FixedFaces(), lockers=8) for h in (hall, other)]
        outcomes: list = []
        errors: list = []

        def go(svc: SigninService, eid: str) -> None:
            try:
                card = expert_card(eid)
                outcomes.append(svc.sign_in(card, svc.face_check(card, LIVE)))
            except Exception as exc:  # noqa: BLE001 - the assertion below names it
                errors.append(exc)

        threads = [threading.Thread(target=go, args=(doors[k % 2], eid)) for k, eid in enumerate(members)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and len(outcomes) == 4
        assert sorted(o.locker for o in outcomes) == [1, 2, 3, 4]
        with hall.reading() as s:
            kinds = [(r.kind, json.loads(r.payload).get("action")) for r in s.scalars(
                select(JournalEntry).where(JournalEntry.kind == "recording.requested"))]
        assert kinds == [("recording.requested", "start")]
    finally:
        other.close()
        hall.close()
