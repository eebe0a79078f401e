"""kiosk.feeds: pages applied with their cursor, tombstones, personal data never in clear, look-ups."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from kiosk import feeds
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import FeedState, PfBlacklist, PfLot, PfRegistration, PfRepresentative, PfSession
from sync.sandbox.seed import FEED_KEY, demo_day

TODAY = dt.date(2026, 11, 27)


def _items(feed: str, records: list[dict], start: int = 1) -> list[dict]:
    return [{"op": "upsert", "key": str(r[FEED_KEY[feed]]), "version": start + i, "data": r}
            for i, r in enumerate(records)]


def _load(hall, day: dict) -> None:  # type: ignore[no-untyped-def]
    with session_factory(hall.engine)() as s, s.begin():
        for feed in ("sessions", "registrations", "blacklist"):
            feeds.apply_page(s, feed, _items(feed, day[feed]), f"c-{feed}", "2026-11-27T08:00:00+08:00", hall.vault,
                             caught_up=True, now=dt.datetime(2026, 11, 27, 0, 0, tzinfo=dt.UTC))


def test_demo_identifiers_are_valid() -> None:
    day = demo_day(TODAY)
    ids = [rep["id_number"] for r in day["registrations"] for rep in r["representatives"]]
    assert len(ids) >= 20 and all(ric.is_valid(i) for i in ids)
    codes = [r["bidder"]["code"] for r in day["registrations"] if r["bidder"]["code_type"] == "USCC"]
    assert codes and all(uscc.is_valid(c) for c in codes)
    assert uscc.is_valid(day["blacklist"][0]["BODY_CODE"])
    kinds = {s["kind"] for s in day["sessions"]}
    assert {"bid_opening", "auction", "listing_auction"} <= kinds
    openings = [s["session_id"] for s in day["sessions"] if s["kind"] == "bid_opening"]
    for sid in openings:
        assert len([r for r in day["registrations"] if r["session_id"] == sid]) >= 4
    statuses = [r["decrypt_status"] for plan in day["bid_plans"].values() for r in plan]
    assert statuses.count("failed_bidder") == 1 and statuses.count("failed_other") == 1


def test_apply_page_stores_data_cursor_and_no_id_number_in_clear(hall) -> None:  # type: ignore[no-untyped-def]
    day = demo_day(TODAY)
    _load(hall, day)
    with read_only_session(hall.engine) as s:
        assert s.scalar(select(func.count()).select_from(PfSession)) == len(day["sessions"]) == 6
        assert s.scalar(select(func.count()).select_from(PfLot)) == 4
        assert s.scalar(select(func.count()).select_from(PfRegistration)) == len(day["registrations"])
        assert s.get(FeedState, "registrations").cursor == "c-registrations"
        car = s.scalar(select(PfLot).where(PfLot.lot_code == "L-0001"))
        assert car.has_reserve is True
        land = s.scalar(select(PfLot).where(PfLot.listing_top_paddle.is_not(None)))
        assert land.listing_top_bid == "16200.00"
        natural = s.scalar(select(PfRegistration).where(PfRegistration.bidder_code_type == "ID"))
        assert natural.bidder_code is None and natural.bidder_code_hmac and natural.bidder_code_enc
        rep = s.scalars(select(PfRepresentative)).first()
        assert hall.vault.decrypt_str(rep.id_enc, context=feeds.CTX_REPRESENTATIVE) in {
            p["id_number"] for r in day["registrations"] for p in r["representatives"]}
        person = s.scalar(select(PfBlacklist).where(PfBlacklist.body_type == "person"))
        assert person.body_code is None and person.body_code_hmac
    # No ID number anywhere in the database file, in any column or JSON.
    hall.engine.dispose()
    secrets = {p["id_number"] for r in day["registrations"] for p in r["representatives"]}
    secrets |= {r["bidder"]["code"] for r in day["registrations"] if r["bidder"]["code_type"] == "ID"}
    secrets |= {b["BODY_CODE"] for b in day["blacklist"] if b["BODY_TYPE"] == "person"}
    with sqlite3.connect(hall.path) as raw:
        dump = "\n".join(raw.iterdump())
    raw.close()
    assert not [x for x in secrets if x in dump]
    assert day["blacklist"][0]["BODY_CODE"] in dump  # an entity's USCC is not personal data


def test_lookups_for_checkin(hall) -> None:  # type: ignore[no-untyped-def]
    day = demo_day(TODAY)
    _load(hall, day)
    rep = day["registrations"][1]["representatives"][1]
    with read_only_session(hall.engine) as s:
        found = feeds.registrations_for_person(s, hall.vault, rep["id_number"].lower())
        assert [m.registration_id for m in found] == [day["registrations"][1]["registration_id"]]
        assert found[0].via == "representative" and found[0].person_name == rep["name"]
        natural = next(r for r in day["registrations"] if r["bidder"]["code_type"] == "ID")
        matches = feeds.registrations_for_person(s, hall.vault, natural["bidder"]["code"])
        assert natural["registration_id"] in {m.registration_id for m in matches}
        assert feeds.registrations_for_person(s, hall.vault, "110101199003074477") == []
        banned = day["blacklist"][0]
        bans = feeds.active_bans(s, hall.vault, on_date=TODAY, body_codes=[banned["BODY_CODE"]])
        assert [b.blacklist_code for b in bans] == [banned["BLACKLIST_CODE"]]
        assert feeds.active_bans(s, hall.vault, on_date=TODAY + dt.timedelta(days=600),
                                 body_codes=[banned["BODY_CODE"]]) == []
        expired = day["blacklist"][1]
        assert feeds.active_bans(s, hall.vault, on_date=TODAY, body_codes=[expired["BODY_CODE"]]) == []
        assert len(feeds.active_bans(s, hall.vault, on_date=TODAY - dt.timedelta(days=100),
                                     body_codes=[expired["BODY_CODE"]])) == 1
        person = day["blacklist"][2]
        assert [b.body_type for b in feeds.active_bans(s, hall.vault, on_date=TODAY,
                                                        id_number=person["BODY_CODE"])] == ["person"]
        reg = day["registrations"][0]
        assert feeds.registration_by_checkin_code(s, reg["checkin_code"]).registration_id == reg["registration_id"]


def test_tombstones_versions_and_relist(hall) -> None:  # type: ignore[no-untyped-def]
    day = demo_day(TODAY)
    _load(hall, day)
    sid = day["sessions"][3]["session_id"]  # the car auction, with lots
    reg = day["registrations"][0]
    sessions = session_factory(hall.engine)
    with sessions() as s, s.begin():
        # an older version is ignored; a newer one replaces the whole record
        old = dict(reg, checkin_code="OLD")
        assert feeds.apply_page(s, "registrations", [{"op": "upsert", "key": reg["registration_id"], "version": 1,
                                                      "data": old}], "c2", None, hall.vault) == 0
        new = dict(reg, representatives=[], checkin_code="NEW")
        assert feeds.apply_page(s, "registrations", [{"op": "upsert", "key": reg["registration_id"], "version": 900,
                                                      "data": new}], "c3", None, hall.vault) == 1
        feeds.apply_page(s, "sessions", [{"op": "delete", "key": sid, "version": 901}], "c4", None, hall.vault)
        feeds.apply_page(s, "blacklist", [{"op": "delete", "key": day["blacklist"][0]["BLACKLIST_CODE"],
                                           "version": 902}], "c5", None, hall.vault)
    with read_only_session(hall.engine) as s:
        row = s.get(PfRegistration, reg["registration_id"])
        assert row.checkin_code == "NEW"
        assert s.scalar(select(func.count()).select_from(PfRepresentative)
                        .where(PfRepresentative.registration_id == reg["registration_id"])) == 0
        assert s.get(PfSession, sid) is None
        assert s.scalar(select(func.count()).select_from(PfLot).where(PfLot.session_id == sid)) == 0
        assert feeds.active_bans(s, hall.vault, on_date=TODAY, body_codes=[day["blacklist"][0]["BODY_CODE"]]) == []
        assert feeds.feed_cursor(s, "blacklist") == "c5"
        ages = feeds.feed_ages(s, dt.datetime(2026, 11, 27, 0, 10, tzinfo=dt.UTC))
        assert ages["sessions"] == 600.0 and ages["bid_results"] is None
    with sessions() as s, s.begin():
        feeds.relist(s, "registrations")
    with read_only_session(hall.engine) as s:
        assert s.scalar(select(func.count()).select_from(PfRegistration)) == 0
        assert s.scalar(select(func.count()).select_from(PfRepresentative)) == 0
        st = s.get(FeedState, "registrations")
        assert st.cursor is None and st.relists == 1
        assert s.scalar(select(func.count()).select_from(PfSession)) == 5  # other feeds untouched
    assert json.dumps(day)  # the demo day is plain JSON
