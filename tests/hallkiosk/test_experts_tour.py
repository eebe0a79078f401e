"""The expert draw's demo tour end to end against the sandbox platform and the modem simulator: the
commitment is receipted by the platform (the beacon), a decline and a silence are replaced from the
reserves, and ``experts verify-draw`` passes on the resulting journal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from hallkiosk.tours.experts import tour
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.timeutil import BEIJING
from sync.sandbox import SandboxServer
from tests.helpers.seeded import seeded

JID = "NM-HHHT-HALL17"
TODAY = dt.datetime.now(BEIJING).date()


def test_the_tour_draws_with_the_platforms_receipt_replaces_and_verifies(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "platform", seed="demo", today=TODAY)
    server.provision(JID, secret_file=tmp_path / "journal.secret")
    server.start()
    try:
        cfg = load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
        cfg = dataclasses.replace(cfg, platform=dataclasses.replace(cfg.platform, url=server.url, journal_id=JID,
                                                                      secret_file=str(tmp_path / "journal.secret")))
        seeded(cfg)
        out = tmp_path / "out"
        out.mkdir()
        shots = tour(cfg, out)
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
    finally:
        server.stop()
