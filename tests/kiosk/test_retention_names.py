"""Names go on the retention clock of ID numbers; the masked form stays (issue 20 item 8).

Issue 20: names were never purged. Representatives' names (``pf_representatives.name``) and the
names of check-ins (``checkins.person_name``) are now cut to their masked form when the ID numbers
beside them are purged, and counted in the purge's result (``pii purge --json``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.checkin import CheckinService, FaceCapture
from kiosk.db.models import PfRepresentative
from kiosk.db.models_checkin import Checkin
from kiosk.hall import Hall
from kiosk.pii import mask_name
from kiosk.ports import IdCard
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded_hall_at

JPEG = b"\xff\xd8\xff\xe0a-face-photo-for-the-names-test\xff\xd9"


def _card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until="长期")


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    with seeded_hall_at(tmp_path) as h:
        yield h


def _names(hall: Hall) -> tuple[list[str], list[str]]:
    with hall.reading() as s:
        return (list(s.scalars(select(PfRepresentative.name).order_by(PfRepresentative.id))),
                list(s.scalars(select(Checkin.person_name).order_by(Checkin.id))))


def test_names_past_retention_are_cut_to_their_masked_form(hall: Hall) -> None:
    svc = CheckinService(hall)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    [info] = svc.check_in(_card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
    reps, checkins = _names(hall)
    assert person(0)["name"] in reps and checkins == [person(0)["name"]]
    assert all("*" not in n for n in reps)

    soon = hall.clock.now() + dt.timedelta(days=hall.config.security.pii_retention_days - 1)
    done = hall.purge_personal_data(soon)
    assert done.representative_names == 0 and done.checkin_names == 0 and _names(hall) == (reps, checkins)

    later = hall.clock.now() + dt.timedelta(days=hall.config.security.pii_retention_days + 30)
    plan = hall.pii_purge_plan(later)
    assert plan.representative_names == len(reps) and plan.checkin_names == 1
    done = hall.purge_personal_data(later)
    assert done.representative_names == len(reps) and done.checkin_names == 1
    assert done.as_dict()["representative_names"] == len(reps) and done.as_dict()["checkin_names"] == 1
    after_reps, after_checkins = _names(hall)
    assert after_reps == [mask_name(n) for n in reps] and after_checkins == [mask_name(person(0)["name"])]
    for full in {*reps, person(0)["name"]}:
        assert full not in after_reps and full not in after_checkins
    # the screens and slips read as before: they always showed the masked form
    [again] = svc.checkins(sid)
    assert again.person_name_masked == info.person_name_masked == mask_name(person(0)["name"])
    entry = hall.last_entry("pii.purged")
    assert entry is not None and entry.payload["representative_names"] == len(reps)
    assert entry.payload["checkin_names"] == 1
    # idempotent: a masked name is never counted again
    assert hall.purge_personal_data(later).total == 0


def test_cli_json_counts_names(hall: Hall) -> None:
    reps, _ = _names(hall)
    env = {**os.environ, "HALL_KIOSK__SECURITY__PII_RETENTION_DAYS": "0"}
    run = [sys.executable, "-m", "hallkiosk", "pii", "plan", "--data-dir", str(hall.config.data_dir), "--json"]
    plan = json.loads(subprocess.run(run, capture_output=True, text=True, check=True, timeout=120, env=env).stdout)
    assert plan["representative_names"] == plan["representatives"] and plan["checkin_names"] == 0
    run[4:5] = ["purge", "--by", "admin"]  # an admin's PIN on stdin (issue 15: no act without a person)
    done = json.loads(subprocess.run(run, input="123456\n", capture_output=True, text=True, check=True, timeout=120,
                                     env=env).stdout)
    assert done["purged"] is True and done["representative_names"] == plan["representative_names"]
    masked = sum(1 for n in _names(hall)[0] if "*" in n)
    assert masked == done["representative_names"] and len(reps) > masked  # tomorrow's sessions keep theirs
