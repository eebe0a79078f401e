"""Pulling feeds from the sandbox over HTTP: paging, tombstones, cursor expiry mid-pull, decryption."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest
from sqlalchemy import func, select

from kiosk import feeds
from kiosk.db.engine import read_only_session
from kiosk.db.models import FeedState, PfBidResult, PfBlacklist, PfRegistration, PfSession
from kiosk.timeutil import parse_rfc3339
from sync.errors import Conflict
from sync.pull import Puller
from sync.push import Backoff


def _count(hall, model) -> int:  # type: ignore[no-untyped-def]
    with read_only_session(hall.engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_pull_all_feeds_with_paging_and_tombstones(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    puller = Puller(hall.engine, client, hall.vault, page_limit=3)
    report = puller.pull_all()
    assert report.ok, report.errors
    assert report.feeds["registrations"].pages == 9  # 25 records, 3 a page
    assert _count(hall, PfSession) == 6 and _count(hall, PfRegistration) == 25 and _count(hall, PfBlacklist) == 3
    gets = sandbox.stats.requests["GET /feeds/registrations"]
    assert gets == 9
    # changes on the platform: a withdrawn blacklist entry, a cancelled session, an amended registration
    store = sandbox.store
    store.delete("blacklist", store.feed_page("blacklist", None, 1, "")["items"][0]["key"])
    sid = f"S-{client.server_time():%Y%m%d}-003"
    store.delete("sessions", sid)
    reg = store.current("registrations", "R-88231")
    reg["deposit"] = {"status": "refunded", "amount": "250000.00", "received_at": None}
    store.put("registrations", "R-88231", reg)
    report = puller.pull_all()
    assert report.ok and not any(r.relisted for r in report.feeds.values())
    assert report.feeds["blacklist"].items == 1 and report.feeds["sessions"].items == 1
    assert _count(hall, PfBlacklist) == 2 and _count(hall, PfSession) == 5
    with read_only_session(hall.engine) as s:
        assert s.get(PfSession, sid) is None
        assert s.get(PfRegistration, "R-88231").deposit_status == "refunded"
        ages = feeds.feed_ages(s, client.clock.now())
        assert all(a is not None and a < 30 for a in ages.values())
    # nothing new: one request per feed, nothing applied
    before = sandbox.stats.requests["GET /feeds/sessions"]
    assert puller.pull_all().feeds["sessions"].items == 0
    assert sandbox.stats.requests["GET /feeds/sessions"] == before + 1


@pytest.mark.allow_log_warnings(r"forgot our registrations cursor")
def test_cursor_expired_in_the_middle_of_a_pull_lists_again(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    puller = Puller(hall.engine, client, hall.vault, page_limit=2)
    assert puller.pull_feed("registrations").items == 25
    # 30 more registrations arrive; the platform forgets cursors after 3 pages of the catch-up
    base = sandbox.store.current("registrations", "R-88231")
    for i in range(30):
        sandbox.store.put("registrations", f"R-9{i:04d}", dict(base, registration_id=f"R-9{i:04d}",
                                                                checkin_code=f"X{i:09d}"))
    sandbox.store.delete("registrations", "R-88232")
    sandbox.set_faults(expire_cursor_after=3)
    result = puller.pull_feed("registrations")
    assert result.relisted
    assert sandbox.stats.answers[410] == 1
    with read_only_session(hall.engine) as s:
        ids = set(s.scalars(select(PfRegistration.registration_id)))
        assert len(ids) == 54 and "R-88232" not in ids and "R-90029" in ids
        state = s.get(FeedState, "registrations")
        assert state.relists == 1 and state.cursor
    # and the new cursor works: an incremental pull sees only what is new
    sandbox.store.delete("registrations", "R-90000")
    again = puller.pull_feed("registrations")
    assert not again.relisted and again.items == 1
    assert _count(hall, PfRegistration) == 53


@pytest.mark.allow_log_warnings(r"our clock is off")
def test_decryption_results_appear_only_after_decrypt(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    client.max_clock_step_s = None  # the platform's clock jumps by hours here: correction without a bound
    puller = Puller(hall.engine, client, hall.vault)
    puller.pull_all()
    with read_only_session(hall.engine) as s:
        opening = s.scalar(select(PfSession).where(PfSession.room_code == "KB-03").order_by(PfSession.starts_at))
        sid, starts = opening.session_id, opening.starts_at
    assert puller.poll_bid_results(sid) == []
    # before the opening time the platform says too-early (its clock is authoritative)
    sandbox.set_faults(clock_offset_s=starts.timestamp() - time.time() - 120)
    with pytest.raises(Conflict) as exc:
        puller.start_decryption(sid)
    assert exc.value.code == "too-early" and exc.value.status == 409
    sandbox.set_faults(clock_offset_s=starts.timestamp() - time.time() + 60, decrypt_step_s=0.3)
    puller.start_decryption(sid)
    first = puller.poll_bid_results(sid)
    assert len(first) == 4 and {r.decrypt_status for r in first} <= {"pending", "ok"}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        results = puller.poll_bid_results(sid)
        if all(r.decrypt_status != "pending" for r in results):
            break
        time.sleep(0.2)
    statuses = sorted(r.decrypt_status for r in results)
    assert statuses == ["failed_bidder", "ok", "ok", "ok"]
    ok = [r for r in results if r.decrypt_status == "ok"]
    assert all(r.bid_price and r.price_unit == "0" for r in ok)
    assert all(parse_rfc3339(r.decrypted_at) > starts for r in results)
    assert not [r for r in results if r.decrypt_status != "ok" and r.bid_price]
    assert _count(hall, PfBidResult) == 4
    assert abs(client.clock.now() - dt.datetime.now(dt.UTC) - dt.timedelta(
        seconds=sandbox.faults.clock_offset_s)) < dt.timedelta(seconds=3)


def test_pull_rides_out_server_errors(sandbox, hall, client) -> None:  # type: ignore[no-untyped-def]
    sandbox.set_faults(error_rate=0.3)
    waits: list[float] = []
    puller = Puller(hall.engine, client, hall.vault, page_limit=2, retries=8,
                    backoff=Backoff(base_s=0.01, cap_s=0.02, rng=random.Random(5)), sleep=waits.append)
    report = puller.pull_all()
    assert report.ok, report.errors
    assert _count(hall, PfRegistration) == 25 and _count(hall, PfSession) == 6
    assert waits and sum(sandbox.stats.answers[c] for c in (500, 502, 504)) == len(waits)
