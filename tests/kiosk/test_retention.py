"""Personal data past ``[security] pii_retention_days`` is purged: photos shredded, ID ciphertexts gone."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk import keys
from kiosk.checkin import CheckinService, FaceCapture
from kiosk.config import load_config
from kiosk.db.models import Blob, PfRepresentative
from kiosk.db.models_checkin import Checkin
from kiosk.hall import Hall
from kiosk.journal import entries_after
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded, seeded_hall_at

JPEG = b"\xff\xd8\xff\xe0a-face-photo-for-the-retention-test\xff\xd9"


def _card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until="长期")


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    with seeded_hall_at(tmp_path) as h:
        yield h


def _purged(hall: Hall) -> list:
    with hall.reading() as s:
        return [e for e in entries_after(s, 0, 100_000) if e.kind == "pii.purged"]


def test_nothing_is_purged_within_retention(hall: Hall) -> None:
    svc = CheckinService(hall)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    assert svc.check_in(_card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
    soon = hall.clock.now() + dt.timedelta(days=hall.config.security.pii_retention_days - 1)
    assert hall.pii_purge_plan(soon).total == 0
    assert hall.purge_personal_data(soon).total == 0
    assert _purged(hall) == []
    with hall.reading() as s:
        blob = s.scalars(select(Blob)).one()
        assert (hall.config.data_dir / blob.path).is_file()  # relative to the data dir


def test_purge_after_retention_shreds_photos_and_id_ciphertexts(hall: Hall) -> None:
    svc = CheckinService(hall)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    assert svc.check_in(_card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
    with hall.reading() as s:
        blob = s.scalars(select(Blob)).one()
        photo, sha = hall.config.data_dir / blob.path, blob.sha256
        ciphertexts = [r for r in s.scalars(select(PfRepresentative.id_enc)) if r]
    assert photo.is_file() and len(ciphertexts) >= 4
    later = hall.clock.now() + dt.timedelta(days=hall.config.security.pii_retention_days + 30)  # past every demo session

    plan = hall.pii_purge_plan(later)
    assert plan.faces == [sha] and plan.faces_not_uploaded == 1 and plan.representatives == len(ciphertexts)
    done = hall.purge_personal_data(later, operator="admin")
    assert done.faces == [sha] and done.representatives == len(ciphertexts)

    assert not photo.exists() and not photo.parent.exists()
    with hall.reading() as s:
        assert s.scalars(select(Blob)).all() == []  # the uploader no longer offers it
        assert s.scalars(select(Checkin.face_sha256)).one() == sha  # the hash stays
        assert all(r == b"" for r in s.scalars(select(PfRepresentative.id_enc)))
        assert all(h for h in s.scalars(select(PfRepresentative.id_hmac)))  # lookups still work
    [entry] = _purged(hall)
    assert entry.payload["face_sha256"] == [sha] and entry.payload["operator"] == "admin"
    assert entry.payload["representatives"] == len(ciphertexts) and entry.payload["retention_days"] == 180
    assert hall.verify_journal().ok
    # Idempotent: a second run (another terminal of the hall) finds nothing and journals nothing.
    assert hall.purge_personal_data(later).total == 0 and len(_purged(hall)) == 1

    # The ciphertexts are not left in free pages of the database (secure_delete) either.
    hall.close()  # the last connection checkpoints the WAL into the file
    data = b"".join(p.read_bytes() for p in hall.config.data_dir.glob("hall.db*"))
    for c in ciphertexts:
        assert c not in data


def test_orphan_face_files_of_past_days_are_swept(hall: Hall) -> None:
    """A purge killed between its commit and the unlink leaves files no row names: the next run removes them."""
    old = hall.config.data_dir / "faces" / "20200101"
    old.mkdir(parents=True)
    (old / "deadbeef.hkenc").write_bytes(b"ciphertext")
    today = hall.config.data_dir / "faces" / hall.clock.now().astimezone(BEIJING).strftime("%Y%m%d")
    today.mkdir(parents=True)
    (today / "cafe.hkenc").write_bytes(b"being written by a check-in that has not committed yet")
    hall.purge_personal_data()
    assert not old.exists()
    assert (today / "cafe.hkenc").exists()


def test_cli_plan_and_purge(hall: Hall) -> None:
    import json
    import os

    env = {**os.environ, "HALL_KIOSK__SECURITY__PII_RETENTION_DAYS": "0"}
    run = [sys.executable, "-m", "hallkiosk", "pii", "plan", "--data-dir", str(hall.config.data_dir), "--json"]
    plan = json.loads(subprocess.run(run, capture_output=True, text=True, check=True, timeout=120, env=env).stdout)
    assert plan["retention_days"] == 0 and plan["purged"] is False and plan["faces"] == 0
    past = plan["representatives"]  # the demo's sessions that started before now
    run[4:5] = ["purge", "--by", "admin"]  # an admin's PIN on stdin (issue 15: no act without a person)
    done = json.loads(subprocess.run(run, input="123456\n", capture_output=True, text=True, check=True, timeout=120,
                                     env=env).stdout)
    assert done["purged"] is True and done["representatives"] == past
    again = json.loads(subprocess.run(run, input="123456\n", capture_output=True, text=True, check=True, timeout=120,
                                      env=env).stdout)
    assert again["representatives"] == 0
    due = past + plan["session_staff"] + plan["evaluation_staff"] + plan["experts"]  # appointees' and experts' data too
    assert len(_purged(hall)) == (1 if due else 0)


@pytest.mark.postgres
def test_purge_on_postgres_two_terminals(tmp_path: Path, pg_url: str) -> None:
    """Two terminals of a shared hall purge at once: one ``pii.purged`` entry, every ciphertext gone."""
    import threading

    cfg = load_config(data_dir=tmp_path / "a", db_url=pg_url, environ={})
    seeded(cfg)
    first = Hall.open(cfg)
    b_cfg = load_config(data_dir=tmp_path / "b", db_url=pg_url, environ={})
    keys.add_terminal(first, first.engine, keys.load_or_create_kek(b_cfg.kek_path), "B")  # one hall, one key
    halls = [first, Hall.open(b_cfg)]
    try:
        later = halls[0].clock.now() + dt.timedelta(days=cfg.security.pii_retention_days + 30)
        expected = halls[0].pii_purge_plan(later).representatives
        assert expected > 0
        results: list[int] = []
        threads = [threading.Thread(target=lambda h=h: results.append(h.purge_personal_data(later).representatives))
                   for h in halls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(results) == [0, expected]
        assert len(_purged(halls[0])) == 1
        with halls[0].reading() as s:
            assert all(r == b"" for r in s.scalars(select(PfRepresentative.id_enc)))
    finally:
        for h in halls:
            h.close()
