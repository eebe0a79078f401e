"""The expert draw's demo tour end to end against the sandbox platform and the modem simulator: the
commitment is receipted by the platform (the beacon), a decline and a silence are replaced from the
reserves, and ``experts verify-draw`` passes on the resulting journal; then the door scene against the
door/locker simulator (pymodbus's server): four sign-ins (one face no-match decided by the witness with
the real dlib engine), lockers released and shut, one sign-out, the room's recording asked for."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.access.simulator import AccessSimulator
from hallkiosk.tours.experts import tour
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.timeutil import BEIJING
from sync.sandbox import SandboxServer
from tests.helpers.seeded import seeded

JID = "NM-HHHT-HALL17"
TODAY = dt.datetime.now(BEIJING).date()


@pytest.mark.allow_log_warnings(r"access line lost")  # a poll that met the tour's own hand on the shared line
def test_the_tour_draws_with_the_platforms_receipt_replaces_and_verifies(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "platform", seed="demo", today=TODAY)
    server.provision(JID, secret_file=tmp_path / "journal.secret")
    server.start()
    try:
        cfg = load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
        access = AccessSimulator("modbus-rtu+socket://127.0.0.1:0", lockers=12).start()
        cfg = dataclasses.replace(cfg, platform=dataclasses.replace(cfg.platform, url=server.url, journal_id=JID,
                                                                      secret_file=str(tmp_path / "journal.secret")),
                                  devices=dataclasses.replace(cfg.devices, door=access.door_url, lockers=access.lockers_url))
        seeded(cfg)
        out = tmp_path / "out"
        out.mkdir()
        shots = tour(cfg, out, platform_dir=tmp_path / "platform")
        assert "exit 0" in (out / "experts-verify-draw.txt").read_text(encoding="utf-8")
        assert {s["screen"] for s in shots} >= {"pool", "committed", "drawn", "answers"}
        assert all((out / s["file"]).stat().st_size > 10_000 for s in shots if s["file"].endswith(".png"))
        hall = Hall.open(cfg)
        try:
            with hall.reading() as s:
                rows = [(r.kind, json.loads(r.payload)) for r in s.scalars(
                    select(JournalEntry).where(JournalEntry.kind.like("expert.%")).order_by(JournalEntry.seq))]
        finally:
            hall.close()
        draw = next(p for k, p in rows if k == "expert.draw")
        assert draw["beacon_source"] == "platform_receipt" and draw["beacon_seq"] >= draw["commit_seq"]
        assert draw["beacon_receipt"]["sig"] == draw["beacon"]  # checkable by anyone with the platform key
        answers = [(p["channel"], p["answer"]) for k, p in rows if k == "expert.response"]
        assert ("sms", "decline") in answers and ("manual", "none") in answers
        assert [p["source"] for k, p in rows if k == "expert.replacement"] == ["reserve", "reserve"]
        assert answers.count(("sms", "accept")) == 4
        # the door: four in (the third by the witness's decision), one out, phones in lockers 1-4
        signins = [p for k, p in rows if k == "expert.signin"]
        admitted = [p for p in signins if p["result"] == "admitted"]
        assert len(admitted) == 4 and sorted(p["locker"] for p in admitted) == [1, 2, 3, 4]
        assert [p["face_match"] for p in admitted].count("match") == 3
        assert [p for p in signins if p.get("pending")][0]["face_match"] == "no_match"
        assert sum(1 for p in admitted if p.get("confirmed_by")) == 1
        assert len([p for k, p in rows if k == "expert.signout"]) == 1
        closed = [p["locker"] for k, p in rows if k == "expert.access" and p["event"] == "locker-closed"]
        assert sorted(closed) == [1, 1, 2, 3, 4]  # shut on the phone, and again when it was taken back
        assert access.releases == [1, 2, 3, 4, 1]
        assert "已签到 3/5" in (out / "experts-door.txt").read_text(encoding="utf-8")
        assert {f"evaluation-door {x}" for x in ("card", "face", "pending", "clerk", "admitted", "signed-out")} <= {
            s["screen"] for s in shots}
    finally:
        access.stop()
        server.stop()
