"""The v1.1 feeds of the evaluation area (docs/platform-api.md §7.3) over HTTP: stored with personal data only
encrypted, and a v1 platform that has no such feed (404) is not an error."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

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


def _rows(hall) -> dict[str, tuple]:
    from kiosk.feeds import CTX_EXPERT_NAME

    with read_only_session(hall.engine) as s:
        return {e.expert_id: (e.version, e.id_hmac, e.mobile_hmac, hall.vault.decrypt_str(e.name_enc, context=CTX_EXPERT_NAME),
                              tuple(e.specialties), e.employer_code, e.region, e.status, tuple(e.declared_conflicts))
                for e in s.scalars(select(PfExpert))}


def test_an_experts_page_is_applied_at_once_with_the_item_by_items_rows_and_version_rule(sandbox, hall, client) -> None:
    """A page of valid upserts goes through kiosk.feeds.upsert_experts (one select, delete and insert per
    500): the rows are those the item-by-item path writes, an older version never replaces a newer one."""
    from kiosk.db.engine import session_factory
    from kiosk.feeds import apply_page, upsert_experts

    report = Puller(hall.engine, client, hall.vault, page_limit=50).pull_all(("experts",))
    assert report.ok and report.feeds["experts"].items == 30
    bulk = _rows(hall)
    items = [sandbox.store.current("experts", eid) for eid in sorted(bulk)]
    with session_factory(hall.engine)() as s, s.begin():
        s.execute(delete(PfExpert))
        for e in items:  # the item-by-item path, same versions
            apply_page(s, "experts", [{"op": "upsert", "key": e["expert_id"], "version": bulk[e["expert_id"]][0], "data": e}],
                       None, None, hall.vault)
    one_by_one = _rows(hall)
    assert {k: v[:1] + v[3:] for k, v in bulk.items()} == {k: v[:1] + v[3:] for k, v in one_by_one.items()}
    assert all(bulk[k][1] in hall.vault.lookup_hmacs(sandbox.store.current("experts", k)["id_number"]) for k in bulk)
    first = items[0]
    v = bulk[first["expert_id"]][0]
    with session_factory(hall.engine)() as s, s.begin():
        assert upsert_experts(s, [(first["expert_id"], v - 1, dict(first, region="999999")),  # older: skipped
                                  (items[1]["expert_id"], bulk[items[1]["expert_id"]][0] + 5, dict(items[1], status="retired"))],
                              hall.vault) == 1
    after = _rows(hall)
    assert after[first["expert_id"]][6] == first["region"] and after[items[1]["expert_id"]][7] == "retired"


@pytest.mark.allow_log_warnings(r"EX-150000-01002 dead-lettered")
def test_an_experts_page_with_a_bad_item_falls_back_to_item_by_item_and_dead_letters_only_it(sandbox, hall, client) -> None:
    from kiosk.db.models import FeedDeadLetter

    bad = dict(sandbox.store.current("experts", "EX-150000-01002"))
    bad.pop("status")  # a required member missing
    sandbox.store.put("experts", "EX-150000-01002", bad)
    report = Puller(hall.engine, client, hall.vault, page_limit=50).pull_all(("experts",))
    assert report.ok
    with read_only_session(hall.engine) as s:
        assert s.scalar(select(func.count()).select_from(PfExpert)) == 29
        assert [d.key for d in s.scalars(select(FeedDeadLetter))] == ["EX-150000-01002"]
