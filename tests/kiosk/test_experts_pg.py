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
