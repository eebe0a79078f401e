"""The sandbox platform's online bidders (sync/sandbox/online.py; issue 19): they react to a remote opening's
records once each, with events the hall's feed validator accepts, and leave other openings alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sync.feeds import validate_item
from sync.sandbox.online import OBJECTION_TEXT, OnlineBidders
from sync.sandbox.seed import REMOTE_PLAN, demo_day
from sync.sandbox.store import SandboxStore
from tests.helpers.seeded import TEST_DAY

DAY = demo_day(TEST_DAY)
S6 = DAY["sessions"][5]["session_id"]
S1 = DAY["sessions"][0]["session_id"]


def stage(sid: str, name: str) -> dict:
    return {"kind": "opening.stage", "payload": {"session_id": sid, "stage": name}}


def events(store: SandboxStore) -> list[dict]:
    return [i["data"] for i in store.feed_page("remote_events", None, 500, "")["items"]]


def test_online_bidders_follow_a_remote_opening_once_each(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path)
    store.seed(DAY)
    bidders = OnlineBidders(store)
    assert bidders.on_records([stage(S1, "announced"), stage(S1, "confirmation")]) == 0  # not remote
    assert bidders.on_records([stage(S6, "bidders"), {"kind": "checkin.recorded", "payload": {"session_id": S6}}]) == 0
    assert bidders.on_records([stage(S6, "announced")]) == 2
    assert bidders.on_records([stage(S6, "announced")]) == 0  # a record sent twice: once
    assert bidders.on_records([stage(S6, "objections"), stage(S6, "confirmation")]) == 3
    got = events(store)
    online = [r["registration_id"] for r, how in zip([r for r in DAY["registrations"] if r["session_id"] == S6],
                                                      REMOTE_PLAN, strict=True) if how == "online"]
    assert [(e["type"], e["registration_id"]) for e in got] == [
        ("signin", online[0]), ("signin", online[1]), ("objection", online[0]),
        ("confirmation", online[0]), ("confirmation", online[1])]
    assert got[2]["text"] == OBJECTION_TEXT and all(len(e["signature_sha256"]) == 64 for e in got[3:])
    for i, e in enumerate(got):
        validate_item("remote_events", {"op": "upsert", "key": e["event_id"], "version": i + 1, "data": e})
        assert dt.datetime.fromisoformat(e["at"]).utcoffset() == dt.timedelta(hours=8)
    store.close()
