"""The v1.1 feeds of the evaluation area (docs/platform-api.md §7.3) over HTTP: stored with personal data only
encrypted, and a v1 platform that has no such feed (404) is not an error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kiosk.db.engine import read_only_session
from kiosk.db.models_experts import PfEvaluation, PfEvaluationStaff, PfExpert
from sync.pull import Puller
from sync.sandbox import store as sandbox_store


def test_experts_and_evaluations_are_pulled_and_stored_encrypted(sandbox, hall, client) -> None:
    report = Puller(hall.engine, client, hall.vault, page_limit=50).pull_all(("experts", "evaluations"))
    assert report.ok, report.errors
    assert report.feeds["experts"].items == 30 and report.feeds["evaluations"].items == 1
    with read_only_session(hall.engine) as s:
        assert s.scalar(select(func.count()).select_from(PfExpert)) == 30
        ev = s.scalars(select(PfEvaluation)).one()
        assert [d["count"] for d in ev.draws] == [3, 1] and ev.avoid_codes
        assert {r.role for r in s.scalars(select(PfEvaluationStaff))} == {"witness", "tenderer_rep", "supervisor"}
    raw = hall.path.read_bytes() + (hall.path.with_name(hall.path.name + "-wal").read_bytes()
                                    if hall.path.with_name(hall.path.name + "-wal").exists() else b"")
    expert = sandbox.store.current("experts", "EX-150000-01003")
    assert expert["mobile"].encode() not in raw and expert["id_number"].encode() not in raw
    assert expert["name"].encode() not in raw


def test_a_v1_platform_without_the_feeds_answers_404_and_that_is_no_error(
        sandbox, hall, client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_store, "FEEDS", ("sessions", "registrations", "blacklist", "bid_results"))
    report = Puller(hall.engine, client, hall.vault, page_limit=50).pull_all()
    assert report.ok and report.errors == {}
    assert report.feeds["experts"].absent and report.feeds["evaluations"].absent
    assert not report.feeds["sessions"].absent and report.feeds["sessions"].items == 6
    # asked once each (counted when the request arrives; the answer's own note may trail the client)
    assert sandbox.stats.requests["GET /feeds/experts"] == 1 and sandbox.stats.requests["GET /feeds/evaluations"] == 1
