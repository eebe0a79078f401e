"""``hall-kiosk experts verify-draw`` recomputes a draw from the journal alone: 0 when it agrees, 1 naming what differs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from hallkiosk.cli import main
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.experts.service import ExpertsService
from kiosk.hall import Hall
from kiosk.staffing import StaffingService
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.roles import staff_card
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
EV = demo_day(TODAY)["evaluations"][0]["evaluation_id"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _tamper(hall: Hall, kind: str, change) -> None:
    with hall.unit() as s:
        row = s.scalars(select(JournalEntry).where(JournalEntry.kind == kind)).one()
        payload = json.loads(row.payload)
        change(payload)
        s.execute(update(JournalEntry).where(JournalEntry.seq == row.seq).values(payload=json.dumps(payload, ensure_ascii=False)))


def test_verify_draw_passes_on_the_journal_and_fails_naming_a_changed_member_or_seed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING)))
    d = ["--data-dir", str(cfg.data_dir)]
    try:
        staff = StaffingService(hall)
        who = {r: staff.take_role(EV, r, card=staff_card(i, r)) for r, i in (("witness", 3), ("tenderer_rep", 4), ("supervisor", 2))}
        svc = ExpertsService(hall)
        svc.commit(EV, who, {"tenderer_rep": "abc123xyz", "supervisor": "qwerty77"})
        svc.draw(EV, who, beacon=None)
        code, out, _err = run(capsys, "experts", "verify-draw", EV, *d)
        assert code == 0 and "draw verified: 1 round" in out and "no platform receipt was mixed in" in out
        code, out, _ = run(capsys, "experts", "pool", EV, "--json", *d)
        assert code == 0 and json.loads(out)["pool_size"] == 26 - 7  # the drawn are not in the pool again
        _tamper(hall, "expert.draw_committed", lambda p: p["pools"]["A080101"].__setitem__(0, "EX-150000-01004"))
        code, _out, err = run(capsys, "experts", "verify-draw", EV, *d)
        assert code == 1 and "pool does not hash" in err
        _tamper(hall, "expert.draw_committed", lambda p: p["pools"]["A080101"].__setitem__(0, "EX-150000-01001"))
        assert run(capsys, "experts", "verify-draw", EV, *d)[0] == 0  # back as it was
        _tamper(hall, "expert.draw", lambda p: p.__setitem__("seed", "ab" * 32))
        code, _out, err = run(capsys, "experts", "verify-draw", EV, "--json", *d)
        assert code == 1
        code, out, _ = run(capsys, "experts", "verify-draw", EV, "--json", *d)
        assert code == 1 and "seed does not match" in json.loads(out)["problems"][0]
        assert run(capsys, "experts", "verify-draw", "EV-NONE", *d)[0] == 1
    finally:
        hall.close()


def test_rooms_shows_the_door_counts_and_no_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.experts.signin import SigninService
    from tests.kiosk.test_experts_door import EXPERTS, LIVE, FixedFaces, drawn_and_answered, expert_card

    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    clock = FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING))
    hall = Hall.open(cfg, clock=clock)
    try:
        members, _ = drawn_and_answered(hall)
        clock.set(dt.datetime.combine(TODAY, dt.time(14, 0), BEIJING))
        svc = SigninService(hall, face_engine=FixedFaces())
        for eid in members[:3]:
            svc.sign_in(expert_card(eid), svc.face_check(expert_card(eid), LIVE))
    finally:
        hall.close()
    code, out, _err = run(capsys, "experts", "rooms", "--date", TODAY.isoformat(), "--json", "--data-dir", str(cfg.data_dir))
    [room] = json.loads(out)
    assert code == 0 and (room["room_code"], room["members_in"], room["members_total"], room["recording"]) == ("PB-02", 3, 5, True)
    code, out, _err = run(capsys, "experts", "rooms", "--date", TODAY.isoformat(), "--data-dir", str(cfg.data_dir))
    assert code == 0 and "已签到 in 3/5" in out
    assert not any(EXPERTS[e]["name"] in out or e in out for e in members)
