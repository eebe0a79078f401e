"""Check-in rules, records and journal (kiosk.checkin) on a seeded demo day, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from kiosk.checkin import (
    OVERRIDABLE,
    REFUSALS,
    CheckedIn,
    CheckinError,
    CheckinService,
    FaceCapture,
    checked_in,
)
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import Blob, FeedState
from kiosk.db.models_checkin import Checkin
from kiosk.hall import Hall
from kiosk.idnumbers import card_expired, check_char, id_number_problem
from kiosk.journal import entries_after
from kiosk.ports import IdCard, Qr, Text
from kiosk.records import validate
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import COMPANIES, PEOPLE, company, demo_day, person, uscc
from tests.helpers.seeded import seeded

JPEG = b"\xff\xd8\xff\xe0fake-jpeg-of-a-face\xff\xd9"


def card(i: int, *, valid_until: str = "长期", id_number: str | None = None, card_type: str = "resident") -> IdCard:
    p = person(i)
    return IdCard(card_type=card_type, name=p["name"], gender="男", birth_date="1980-01-01",  # type: ignore[arg-type]
                  id_number=id_number or p["id_number"], valid_from="2015-01-01", valid_until=valid_until)


def open_hall(tmp_path: Path, db_url: str | None = None, when: tuple[int, int] = (8, 50)) -> Hall:
    """A hall with the demo day seeded (SQLite: copied from one seeded template per run)."""
    cfg = load_config(data_dir=tmp_path / "hall", db_url=db_url, environ={})
    today = dt.datetime.now(BEIJING).date()
    clock = FixedClock(dt.datetime.combine(today, dt.time(*when), BEIJING))
    seeded(cfg)
    return Hall.open(cfg, clock=clock)


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = open_hall(tmp_path)
    yield h
    h.close()


def journal(hall: Hall, kind: str = "checkin.recorded") -> list:
    with hall.reading() as s:
        return [e for e in entries_after(s, 0, 10_000) if e.kind == kind]


def test_checked_in_answers_other_capabilities_from_the_checkin_table(hall: Hall) -> None:
    """checked_in(session, session_id): registration → masked name and person_id_hmac, only accepted check-ins."""
    svc = CheckinService(hall)
    sid = svc.evaluate(card(0)).eligible[0].session_id
    with hall.reading() as s:
        assert checked_in(s, sid) == {}
    out = svc.check_in(card(0), sid, face=FaceCapture(JPEG, "captured"))
    refused = svc.check_in(card(1, valid_until="2020-01-01"), sid, face=FaceCapture(JPEG, "captured"))
    assert refused.refusal is not None and refused.refusal.code == "card_expired"  # journalled, never a row
    [info] = out.accepted
    with hall.reading() as s:
        assert checked_in(s, sid) == {info.registration_id: CheckedIn(
            info.registration_id, "张*", hall.person_hmac(person(0)["id_number"]))}
        assert checked_in(s, "S-none") == {}


def test_id_checks_agree_with_devices_validators() -> None:
    from devices.validators import validate_id_number

    today = dt.date(2026, 11, 28)
    for i in range(len(PEOPLE)):
        n = person(i)["id_number"]
        assert id_number_problem(n, "resident", today=today) is None
        assert validate_id_number(n, today=today).ok
        bad = n[:17] + ("0" if n[17] != "0" else "1")
        assert id_number_problem(bad, "resident", today=today) is not None
        assert not validate_id_number(bad, today=today).ok
    assert check_char("15010219800101123") == "6"
    assert id_number_problem("USA110079010101", "foreign_2017", today=today) is None
    assert id_number_problem("US1110079010101", "foreign_2017", today=today) is not None
    assert not card_expired("长期", today=today)
    assert card_expired("2026-11-27", today=today)
    assert not card_expired("2026-11-28", today=today)
    assert card_expired("garbage", today=today)


def test_accepted_checkin_journal_is_exactly_platform_section4(hall: Hall) -> None:
    svc = CheckinService(hall)
    ev = svc.evaluate(card(0))
    assert ev.refusal is None and [o.session_id for o in ev.eligible] == [hall.sessions_on()[0].session_id]
    out = svc.check_in(card(0), ev.eligible[0].session_id, face=FaceCapture(JPEG, "captured"))
    assert out.refusal is None and len(out.accepted) == 1
    info = out.accepted[0]
    assert info.checkin_no == 1 and info.paddle_no is None and info.person_name_masked == "张*"
    [entry] = journal(hall)
    p = entry.payload
    assert set(p) == {"session_id", "registration_id", "person_name", "person_id_hmac", "method", "result",
                      "checked_in_at", "face_photo_sha256"}
    validate("checkin.recorded", p)
    assert p["result"] == "accepted" and p["method"] == "idcard" and p["person_name"] == "张伟"
    assert p["person_id_hmac"] == hall.person_hmac(person(0)["id_number"])
    assert person(0)["id_number"] not in entry.envelope().__repr__()
    sha = hashlib.sha256(JPEG).hexdigest()
    assert p["face_photo_sha256"] == sha
    with hall.reading() as s:
        blob = s.get(Blob, sha)
        assert blob is not None and blob.encrypted and blob.size == len(JPEG) and blob.media_type == "image/jpeg"
        assert not Path(blob.path).is_absolute()  # relative to the data dir (issue 20)
        stored = (hall.config.data_dir / blob.path).read_bytes()
    assert JPEG not in stored and hall.vault.decrypt(stored) == JPEG  # as sync/blobs.py reads it
    details = journal(hall, "checkin.details")[0].payload
    assert details["face"] == "captured" and details["face_match"] == "not_done"
    assert details["face_reference"] == "none" and details["face_note"].startswith("未比对")
    # the slip: masked name, check-in number, opaque QR
    texts = [i.text for i in out.slip.items if isinstance(i, Text)]
    assert any("张*" in t for t in texts) and any("001" in t for t in texts)
    assert not any("张伟" in t for t in texts)
    qr = [i for i in out.slip.items if isinstance(i, Qr)][0]
    assert qr.data == f"HK-CI:{info.token}" and len(info.token) >= 20
    assert svc.by_token(qr.data).checkin_id == info.checkin_id


def test_second_checkin_is_never_recorded_offers_reprint(hall: Hall) -> None:
    svc = CheckinService(hall)
    sid = svc.evaluate(card(0)).eligible[0].session_id
    first = svc.check_in(card(0), sid, face=FaceCapture(JPEG, "captured"))
    ev = svc.evaluate(card(0))
    assert not ev.eligible and ev.already[0].existing[0].checkin_no == 1 and ev.first_refusal is None
    again = svc.check_in(card(0), sid, face=FaceCapture(JPEG, "captured"))
    assert again.accepted[0].checkin_id == first.accepted[0].checkin_id
    assert len([e for e in journal(hall) if e.payload["result"] == "accepted"]) == 1
    info, slip = svc.reprint(first.accepted[0].checkin_id)
    assert any(isinstance(i, Text) and "补打" in i.text for i in slip.items)
    assert journal(hall, "checkin.reprinted")[0].payload["reprint_no"] == 1
    # the database refuses a second row whatever the code path
    with pytest.raises(IntegrityError), hall.unit() as s:
        row = s.scalar(select(Checkin))
        s.add(Checkin(**{c.name: getattr(row, c.name) for c in Checkin.__table__.columns if c.name not in ("id", "token", "checkin_no")},
                      token="x", checkin_no=99))
        s.flush()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: card(0, valid_until="2020-01-01"), "card_expired"),
        (lambda: card(0, id_number=person(0)["id_number"][:17] + "0" if person(0)["id_number"][17] != "0" else "1"), "id_invalid"),
        (lambda: card(0, card_type="driving_licence"), "card_type"),
        (lambda: card(16), "not_registered"),  # blacklisted person, no registration
        (lambda: card(10), "other_day"),  # tomorrow's session only
    ],
)
def test_refusals_have_reason_screen_text_and_journal(hall: Hall, make, code: str) -> None:  # type: ignore[no-untyped-def]
    svc = CheckinService(hall)
    c = make()
    ev = svc.evaluate(c)
    r = ev.first_refusal
    assert r is not None and r.code == code
    assert r.zh and r.en and r.advice_zh and r.advice_en
    entries = journal(hall)
    if code in ("not_registered", "other_day", "id_invalid"):  # the card's holder has nothing today: no name, no HMAC
        assert entries == []
        entries = journal(hall, "checkin.refused_unregistered")
        assert entries and entries[-1].payload["count"] == 1
    else:
        assert entries and all(e.payload["result"] == "refused" for e in entries)
        for e in entries:
            validate("checkin.recorded", e.payload)
    assert entries[-1].payload["refusal_reason"].startswith(code + ":")
    for e in entries:
        assert c.id_number not in str(e.payload)


def test_qr_code_then_card(hall: Hall) -> None:
    svc = CheckinService(hall)
    day = demo_day(dt.datetime.now(BEIJING).date())
    reg = next(r for r in day["registrations"] if r["representatives"][0]["name"] == PEOPLE[0][0])
    assert svc.evaluate(card(0), checkin_code="nope").first_refusal.code == "unknown_qr"
    assert svc.evaluate(card(3), checkin_code=reg["checkin_code"]).first_refusal.code == "qr_mismatch"
    ev = svc.evaluate(card(0), checkin_code=reg["checkin_code"])
    assert ev.method == "qrcode+idcard" and ev.eligible[0].registration_ids == (reg["registration_id"],)
    out = svc.check_in(card(0), ev.eligible[0].session_id, face=FaceCapture(None, "camera_missing"),
                       checkin_code=reg["checkin_code"])
    assert out.accepted[0].needs_confirmation
    assert journal(hall)[-1].payload["method"] == "qrcode+idcard"
    assert "face_photo_sha256" not in journal(hall)[-1].payload
    pending = svc.pending_confirmations()
    assert [p.checkin_id for p in pending] == [out.accepted[0].checkin_id]
    svc.confirm(pending[0].checkin_id, operator="clerk", note="看过身份证")
    assert svc.pending_confirmations() == []
    assert journal(hall, "checkin.confirmed")[0].payload["operator"] == "clerk"


def test_window_opens_120_before_and_closes_30_after(tmp_path: Path) -> None:
    hall = open_hall(tmp_path, when=(7, 29))
    try:
        svc = CheckinService(hall)
        assert svc.evaluate(card(0)).first_refusal.code == "window_not_open"
        hall.clock.set(dt.datetime.combine(hall.clock.now().astimezone(BEIJING).date(), dt.time(7, 30), BEIJING))
        assert svc.evaluate(card(0)).eligible
        hall.clock.set(dt.datetime.combine(hall.clock.now().astimezone(BEIJING).date(), dt.time(10, 0, 1), BEIJING))
        ev = svc.evaluate(card(0))
        assert ev.first_refusal.code == "window_closed" and ev.first_refusal.overridable
    finally:
        hall.close()


def test_auction_paddle_deposit_and_window(tmp_path: Path) -> None:
    hall = open_hall(tmp_path, when=(12, 30))
    try:
        svc = CheckinService(hall)
        # 孙丽 represents company 12 for lots L-0001 and L-0003: one check-in, one paddle for both
        ev = svc.evaluate(card(14))
        [opt] = ev.eligible
        assert opt.is_auction and opt.lots == ("L-0001", "L-0003")
        out = svc.check_in(card(14), opt.session_id, face=FaceCapture(JPEG, "captured"))
        assert [i.paddle_no for i in out.accepted] == ["01", "01"] and [i.checkin_no for i in out.accepted] == [1, 2]
        assert all(e.payload["paddle_no"] == "01" for e in journal(hall))
        assert any(isinstance(i, Text) and i.text == "01" and i.size >= 4 for i in out.slip.items)
        out2 = svc.check_in(card(15), opt.session_id, face=FaceCapture(JPEG, "captured"))
        assert out2.accepted[0].paddle_no == "02"
        # 高峰 is a natural-person bidder too: paid → paddle 03
        assert svc.check_in(card(17), opt.session_id, face=FaceCapture(None, "camera_missing")).accepted[0].paddle_no == "03"
        # 吴斌 (company 11, L-0002 unpaid) is refused for the auction, not for the listing auction later
        ev = svc.evaluate(card(13))
        refused = {o.session_id: o.refusal.code for o in ev.options if o.refusal}
        assert "deposit" in refused.values()
        assert not svc.check_in(card(13), opt.session_id, face=FaceCapture(JPEG, "captured")).accepted
        hall.clock.set(hall.clock.now() + dt.timedelta(hours=1, minutes=31))  # 14:01: the auction has started
        assert svc.evaluate(card(15)).already  # done before; shown, not refused
        att = svc.attendance(opt.session_id)
        assert att.present == 4 and att.paddles == 3
    finally:
        hall.close()


def test_a_revoked_checkin_takes_its_paddle_out_of_the_auction_until_the_card_holder_checks_in(tmp_path: Path) -> None:
    """人证核验 at an auction. The auction asks check-in which paddles are in (kiosk.checkin.paddles):
    a check-in a clerk must still confirm (here no face engine, and ``face_required``) is never admitted
    alone, so its paddle is out until the clerk confirms; a check-in the clerk revokes (人证不符) takes
    paddle 01 out again and its bids are refused as not checked in; when the card's holder checks in,
    the same paddle 01 comes back."""
    from kiosk.auction import AuctionService
    from tests.helpers.auction_roles import take_auctioneer, take_role

    hall = open_hall(tmp_path, when=(12, 30))
    try:
        svc = CheckinService(hall)
        auction = AuctionService(hall)
        [opt] = svc.evaluate(card(14)).eligible
        sid = opt.session_id

        def bidders() -> set[str]:
            return {b.paddle_no for b in auction.bidders(sid, "L-0001")}

        def admitted(i: int) -> tuple:  # type: ignore[type-arg]
            out = svc.check_in(card(i), sid, face=FaceCapture(JPEG, "captured"))
            assert out.needs_clerk  # no engine here: the clerk confirms who this is
            before = bidders()
            for info in out.accepted:
                svc.confirm(info.checkin_id, operator="clerk", note="核对身份证原件，与本人一致")
            return out.accepted, before

        first, before = admitted(14)
        assert [i.paddle_no for i in first] == ["01", "01"] and before == set()  # not before the clerk confirmed
        assert admitted(15)[0][0].paddle_no == "02"
        assert bidders() == {"01", "02"}
        for info in first:  # before the auction: the impostor is sent away
            svc.revoke(info.checkin_id, operator="clerk", reason="人证不符，本人未到场")
        assert bidders() == {"02"}
        again, _ = admitted(14)
        assert [i.paddle_no for i in again] == ["01", "01"]  # the bidder's paddle number stays theirs
        assert bidders() == {"01", "02"}

        hall.clock.set(hall.clock.now() + dt.timedelta(hours=1, minutes=31))  # 14:01: the auction has started
        auctioneer = take_auctioneer(hall, sid)
        auction.enter_reserve(sid, "L-0001", "1.00", auctioneer=auctioneer, supervisor=take_role(hall, sid, "supervisor"))
        auction.open_lot(sid, "L-0001", actor=auctioneer)
        assert auction.bid(sid, "L-0001", "01", actor=auctioneer).accepted
        for info in again:  # during it: the check-in is judged a mismatch after all
            svc.revoke(info.checkin_id, operator="clerk", reason="人证不符，经核实非本人")
        assert bidders() == {"02"}
        refused = auction.bid(sid, "L-0001", "01", actor=auctioneer)
        assert not refused.accepted and refused.reason == "not_checked_in"
        assert auction.bid(sid, "L-0001", "02", actor=auctioneer).accepted
    finally:
        hall.close()


def test_stale_blacklist_sends_to_window_clerk_may_override(hall: Hall) -> None:
    svc = CheckinService(hall)
    with hall.unit() as s:
        s.execute(update(FeedState).where(FeedState.feed == "blacklist").values(
            synced_at=hall.clock.now() - dt.timedelta(hours=30)))
    ev = svc.evaluate(card(0))
    assert ev.first_refusal.code == "stale_blacklist" and "30.0" in ev.first_refusal.detail
    assert REFUSALS["stale_blacklist"][2] == "请到窗口办理"
    sid = hall.sessions_on()[0].session_id
    rid = svc.search("张伟")[0].registration_id
    with pytest.raises(CheckinError):
        svc.manual_check_in(operator="clerk", session_id=sid, registration_id=rid, person_name="张伟",
                            id_number=person(0)["id_number"], reason=" ")
    no = svc.manual_check_in(operator="clerk", session_id=sid, registration_id=rid, person_name="张伟",
                             id_number=person(0)["id_number"], reason="读卡器故障")
    assert no.refusal.code == "stale_blacklist"
    ok = svc.manual_check_in(operator="clerk", session_id=sid, registration_id=rid, person_name="张伟",
                             id_number=person(0)["id_number"], reason="已人工查询信用中国", overrides=["stale_blacklist"])
    assert ok.accepted and ok.accepted[0].method == "manual" and ok.accepted[0].operator == "clerk"
    d = journal(hall, "checkin.details")[-1].payload
    assert d["operator"] == "clerk" and d["reason"] == "已人工查询信用中国" and d["overrides"] == ["stale_blacklist"]
    assert journal(hall)[-1].payload["method"] == "manual"


def test_clerk_can_never_override_a_market_ban(hall: Hall) -> None:
    """At an auction a ban refuses and no override passes it; at a bid opening it admits and flags (D6, REG 51)."""
    from kiosk.feeds import apply_page

    svc = CheckinService(hall)
    banned = company(3)
    auction = demo_day(dt.datetime.now(BEIJING).date())["sessions"][3]["session_id"]
    data = {"registration_id": "R-BANNED-LOT", "session_id": auction, "lot_code": "L-0002", "bidder": banned,
            "representatives": [person(4)], "deposit": {"status": "paid", "amount": "10000.00", "received_at": None},
            "checkin_code": "banned-lot", "bid_submitted_at": None}
    with hall.unit() as s:
        apply_page(s, "registrations", [{"op": "upsert", "key": "R-BANNED-LOT", "version": 999, "data": data}], None, None,
                   hall.vault, caught_up=True, now=hall.clock.now())
    out = svc.manual_check_in(operator="clerk", session_id=auction, registration_id="R-BANNED-LOT",
                              person_name=PEOPLE[4][0], id_number=person(4)["id_number"], reason="强行签到",
                              overrides=list(REFUSALS))
    assert out.refusal.code == "banned" and not out.accepted and "串通投标" in out.refusal.detail
    view = next(v for v in svc.search(banned["code"]) if v.session_id != auction)
    assert view.bidder_name == COMPANIES[3][0]
    out = svc.manual_check_in(operator="clerk", session_id=view.session_id, registration_id=view.registration_id,
                              person_name=PEOPLE[4][0], id_number=person(4)["id_number"], reason="代表未带身份证原件",
                              overrides=[])
    assert out.refusal is None and out.accepted  # the opening: admitted, flagged to host and supervisor
    assert "banned" not in OVERRIDABLE and "deposit" not in OVERRIDABLE
    # someone not named as representative cannot be checked in manually either
    out = svc.manual_check_in(operator="clerk", session_id=view.session_id, registration_id=svc.search("张伟")[0].registration_id,
                              person_name="路人甲", id_number=person(9)["id_number"], reason="护照", overrides=list(OVERRIDABLE))
    assert out.refusal.code == "not_registered"


def test_passport_holder_manual_with_override(hall: Hall) -> None:
    from kiosk.feeds import apply_page

    svc = CheckinService(hall)
    sid = hall.sessions_on()[0].session_id
    data = {"registration_id": "R-PASS", "session_id": sid, "lot_code": None, "bidder": company(9),
            "representatives": [{"name": "John Smith", "id_number": "E12345678"}], "deposit": None,
            "checkin_code": "passport1", "bid_submitted_at": None}
    with hall.unit() as s:
        apply_page(s, "registrations", [{"op": "upsert", "key": "R-PASS", "version": 999, "data": data}], None, None,
                   hall.vault, caught_up=True, now=hall.clock.now())
    kw = dict(operator="clerk", session_id=sid, registration_id="R-PASS", person_name="John Smith", id_number="e12345678")
    out = svc.manual_check_in(**kw, reason="护照", overrides=[])
    assert out.refusal.code == "id_invalid" and out.refusal.overridable  # not an ID number: the clerk must say so
    out = svc.manual_check_in(**kw, reason="护照持有人，已核对护照", overrides=["id_invalid"])
    assert out.accepted and out.accepted[0].person_name_masked == "J*** S****"
    assert journal(hall, "checkin.details")[-1].payload["overrides"] == ["id_invalid"]


def test_other_representative_and_several_bidders(hall: Hall) -> None:
    svc = CheckinService(hall)
    # company 1 has representatives 1 and 2
    sid = svc.evaluate(card(1)).eligible[0].session_id
    assert svc.check_in(card(1), sid, face=FaceCapture(JPEG, "captured")).accepted
    r = svc.evaluate(card(2)).first_refusal
    assert r.code == "other_representative" and "王*" in r.detail


def _concurrent(hall_a: Hall, hall_b: Hall) -> None:
    """Two terminals check the same person in at the same moment: one check-in, numbers unique."""
    a, b = CheckinService(hall_a), CheckinService(hall_b)
    sid = a.evaluate(card(0)).eligible[0].session_id
    results = []
    barrier = threading.Barrier(2)

    def go(svc: CheckinService, c: IdCard) -> None:
        barrier.wait()
        results.append(svc.check_in(c, sid, face=FaceCapture(JPEG, "captured")))

    threads = [threading.Thread(target=go, args=(a, card(0))), threading.Thread(target=go, args=(b, card(0)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = {o.accepted[0].checkin_id for o in results}
    assert len(ids) == 1
    assert len([e for e in journal(hall_a) if e.payload.get("result") == "accepted"]) == 1
    # different people at once: distinct numbers
    threads = [threading.Thread(target=go, args=(a, card(1))), threading.Thread(target=go, args=(b, card(3)))]
    barrier.reset()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    nos = sorted(i.checkin_no for i in a.checkins(sid))
    assert nos == [1, 2, 3]


def test_concurrent_sqlite(tmp_path: Path) -> None:
    a = open_hall(tmp_path)
    b = Hall.open(a.config, clock=a.clock)
    try:
        _concurrent(a, b)
    finally:
        a.close()
        b.close()


@pytest.mark.postgres
def test_concurrent_postgres(tmp_path: Path, pg_url: str) -> None:
    a = open_hall(tmp_path, db_url=pg_url)
    b = Hall.open(a.config, clock=a.clock)
    try:
        _concurrent(a, b)
    finally:
        a.close()
        b.close()


def test_no_id_number_in_database_files_or_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hall = open_hall(tmp_path)
    try:
        svc = CheckinService(hall)
        for i in (0, 3, 4):
            ev = svc.evaluate(card(i))
            if ev.eligible:
                svc.check_in(card(i), ev.eligible[0].session_id, face=FaceCapture(JPEG, "captured"))
        svc.evaluate(card(0, valid_until="2001-01-01"))
    finally:
        hall.close()
    data = b"".join(p.read_bytes() for p in (tmp_path / "hall").rglob("*") if p.is_file())
    for i in (0, 3, 4):
        assert person(i)["id_number"].encode() not in data
    assert "张伟".encode() in data  # names are kept (journal person_name), so the search above is real
    assert any(p.name.endswith("-wal") for p in (tmp_path / "hall").rglob("*")) or (tmp_path / "hall" / "hall.db").exists()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for i in (0, 3, 4):
        assert person(i)["id_number"] not in logged


def test_manual_cli_inputs_checked(hall: Hall) -> None:
    svc = CheckinService(hall)
    with pytest.raises(CheckinError):
        svc.manual_check_in(operator="", session_id="x", registration_id="y", person_name="a", id_number="1", reason="r")
    assert svc.search("") == []
    assert svc.search(uscc(COMPANIES[0][1], COMPANIES[0][2]))[0].bidder_name == COMPANIES[0][0]
    assert svc.attendance("nope") is None
    _ = dataclasses  # noqa
