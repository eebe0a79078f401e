"""The opening's rules (docs/rules/opening.md §2), one test per rule, on a seeded demo day.

Session 2 of the demo day (第一开标室, 10:00, 4 bidders; the platform's bid plan has one
``failed_other``) runs the whole opening. Check-ins are recorded as the check-in capability records
them (``tests/helpers/checkin.py``: its row and the ``checkin.recorded`` entry); decryption results arrive as the platform's ``bid_results`` feed pages.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import Blob, JournalEntry
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.opening import LEGAL_WORDING, OpeningError, OpeningService, QuorumShort, RecordResult, Signer
from kiosk.operators import AccessError
from kiosk.pii import mask_name
from kiosk.records import validate
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import bid_result_key, demo_day, person
from tests.helpers.checkin import record_checkin
from tests.helpers.pdf import pdf_text
from tests.helpers.roles import card_of, signers, take_roles
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S2 = DAY["sessions"][1]["session_id"]
S1 = DAY["sessions"][0]["session_id"]
START2 = dt.datetime.combine(TODAY, dt.time(10, 0), BEIJING)
REGS2 = [r for r in DAY["registrations"] if r["session_id"] == S2]


def open_hall(tmp_path: Path, db_url: str | None = None, at: dt.datetime | None = None) -> Hall:
    cfg = load_config(data_dir=tmp_path / "hall", db_url=db_url, environ={})
    seeded(cfg)
    return Hall.open(cfg, clock=FixedClock(at or START2 - dt.timedelta(minutes=10)))


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = open_hall(tmp_path)
    yield h
    h.close()


def op(hall: Hall, role: str):  # type: ignore[no-untyped-def]
    """The holder of a session-2 role, taken by the appointee's ID card (tests/helpers/roles.py); ``clerk``:
    the recorder, whom the platform did not appoint for session 2, so the clerk's account stands in."""
    role = {"clerk": "recorder"}.get(role, role)
    return take_roles(hall, S2, (role,))[role]


def sign(hall: Hall, svc: OpeningService | None = None) -> RecordResult:
    """Host, recorder and supervisor sign: the appointees' cards again, the clerk's PIN for the recorder."""
    held = take_roles(hall, S2, ("host", "recorder", "supervisor"))
    return (svc or OpeningService(hall)).sign_and_close(S2, signers(hall, S2, held))


def check_in(hall: Hall, session_id: str, reg: dict, i: int = 0) -> str:
    """A check-in as the check-in capability records it (its row, and docs/platform-api.md §4 checkin.recorded)."""
    return record_checkin(hall, session_id, reg, reg["representatives"][i])


def publish_results(hall: Hall, session_id: str, *, only: int | None = None) -> None:
    """The platform's bid_results feed for a session (as the puller applies it)."""
    plans = DAY["bid_plans"][session_id][: only if only is not None else None]
    items = []
    for i, r in enumerate(plans):
        data = dict(r, decrypted_at=rfc3339(hall.clock.now()))
        items.append({"op": "upsert", "key": bid_result_key(data), "version": 1000 + i, "data": data})
    with hall.unit() as s:
        apply_page(s, "bid_results", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True, now=hall.clock.now())


def kinds(hall: Hall, prefix: str = "opening.") -> list[tuple[str, dict]]:
    with hall.reading() as s:
        rows = s.execute(select(JournalEntry.kind, JournalEntry.payload).where(JournalEntry.kind.like(prefix + "%")).order_by(JournalEntry.seq)).all()
    return [(k, json.loads(p)) for k, p in rows]


def to_attendance(hall: Hall, svc: OpeningService, host) -> None:  # type: ignore[no-untyped-def]
    svc.announce(S2, host)
    hall.clock.set(START2)
    svc.publish_bidders(S2, host)
    svc.open_attendance(S2, host)


def decrypt_all(hall: Hall, svc: OpeningService, host, *, advance_s: int = 0) -> None:  # type: ignore[no-untyped-def]
    """From attendance (check-ins and absences recorded): quorum, control price, decryption → 唱标."""
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    if advance_s:
        hall.clock.advance(advance_s)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    publish_results(hall, S2)
    svc.refresh_decryption(S2)
    svc.finish_decryption(S2, host)


def run_to_signing(hall: Hall, svc: OpeningService) -> dict[str, str]:
    host = op(hall, "host")
    pids = {r["registration_id"]: check_in(hall, S2, r) for r in REGS2[:3]}
    to_attendance(hall, svc, host)
    svc.record_absence(S2, host, REGS2[3]["registration_id"], "late")
    decrypt_all(hall, svc, host, advance_s=5)
    for _ in REGS2:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    svc.raise_objection(S2, host, REGS2[0]["bidder"]["name"], "第3家的工期与招标文件要求不符")
    svc.answer_objection(S2, host, 1, "工期属评标内容，由评标委员会评审；已记录在案")
    svc.close_objections(S2, host)
    for pid in pids.values():
        svc.confirm_by_card(S2, pid)
    svc.finish_confirmation(S2, host)
    return pids


# --- pre-conditions -------------------------------------------------------------------------------


def test_rule_no_decryption_before_start(hall: Hall) -> None:
    """§2 pre 1/3: nobody may decrypt before the deadline, on the platform-corrected clock."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    hall.clock.set(START2 - dt.timedelta(seconds=1))
    called: list[str] = []
    with pytest.raises(OpeningError) as e:
        svc.start_decryption(S2, host, starter=called.append)
    assert e.value.code == "too-early" and called == []
    assert svc.view(S2).stage == "control_price"
    hall.clock.set(START2)
    assert svc.start_decryption(S2, host, starter=called.append).stage == "decrypting"
    assert called == [S2]


def test_rule_decryption_refused_by_platform_leaves_stage(hall: Hall) -> None:
    """The platform's own 409 too-early (its clock is the authority) leaves the opening where it was."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)

    class TooEarly(Exception):
        pass

    def refuse(_sid: str) -> None:
        raise TooEarly("409 too-early")

    with pytest.raises(TooEarly):
        svc.start_decryption(S2, host, starter=refuse)
    assert svc.view(S2).stage == "control_price"
    assert not [k for k, p in kinds(hall) if p.get("stage") == "decrypting"]


def test_rule_decryption_needs_platform(hall: Hall) -> None:
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    with pytest.raises(OpeningError) as e:
        svc.start_decryption(S2, host, starter=None)
    assert e.value.code == "no-platform" and "平台" in e.value.zh


def test_rule_publish_bidders_only_after_deadline_and_announce_not_too_early(hall: Hall) -> None:
    """§2 pre 1: the opening is at the deadline; the discipline at most 30 min before."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    hall.clock.set(START2 - dt.timedelta(minutes=31))
    with pytest.raises(OpeningError, match="too-early"):
        svc.announce(S2, host)
    hall.clock.set(START2 - dt.timedelta(minutes=5))
    svc.announce(S2, host)
    with pytest.raises(OpeningError, match="too-early"):
        svc.publish_bidders(S2, host)
    hall.clock.set(START2)
    assert svc.publish_bidders(S2, host).stage == "bidders"


def test_rule_host_role_required(hall: Hall) -> None:
    """§2 pre 2: the host (tenderer/agent) runs the opening; the recorder (a clerk standing in) cannot."""
    svc = OpeningService(hall)
    with pytest.raises(AccessError) as e:
        svc.announce(S2, op(hall, "clerk"))
    assert e.value.code == "role"


def test_rule_late_bids_refused_and_bidders_in_submission_order(tmp_path: Path) -> None:
    """§2 pre 3 + step 1: only bids before the deadline; published in submission order, with times."""
    h = open_hall(tmp_path)
    try:
        late = dict(REGS2[0], registration_id="R-LATE", bid_submitted_at=rfc3339(START2 + dt.timedelta(seconds=1)),
                    checkin_code="late-code")
        with h.unit() as s:
            apply_page(s, "registrations", [{"op": "upsert", "key": "R-LATE", "version": 9999, "data": late}], None,
                       rfc3339(h.clock.now()), h.vault, caught_up=True, now=h.clock.now())
        svc = OpeningService(h)
        host = op(h, "host")
        svc.announce(S2, host)
        h.clock.set(START2)
        v = svc.publish_bidders(S2, host)
        ids = [b.registration_id for b in v.bidders]
        assert "R-LATE" not in ids and [x["registration_id"] for x in v.late] == ["R-LATE"]
        expected = [r["registration_id"] for r in sorted(REGS2, key=lambda r: r["bid_submitted_at"])]
        assert ids == expected
        assert [b.submitted_at for b in v.bidders] == sorted(b.submitted_at for b in v.bidders)
        stage = [p for k, p in kinds(h) if p.get("stage") == "bidders"][0]
        assert stage["late"] == ["R-LATE"] and stage["bidders"] == expected
    finally:
        h.close()


# --- opening steps ----------------------------------------------------------------------------------


def test_rule_attendance_live_from_checkins_and_absent_need_reason(hall: Hall) -> None:
    """Step 1: attendance from check-ins; every absent bidder recorded with a reason."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    to_attendance(hall, svc, host)
    assert all(b.attendance == "absent" for b in svc.view(S2).bidders)
    check_in(hall, S2, REGS2[0])
    v = svc.view(S2)
    assert v.bidder(REGS2[0]["registration_id"]).attendance == "present"
    name = REGS2[0]["representatives"][0]["name"]
    assert v.bidder(REGS2[0]["registration_id"]).person_name == mask_name(name) != name  # masked on every screen
    for r in REGS2[1:3]:
        check_in(hall, S2, r)
    with pytest.raises(OpeningError) as e:
        svc.confirm_attendance(S2, host)
    assert e.value.code == "absence-reason"
    with pytest.raises(OpeningError):
        svc.record_absence(S2, host, REGS2[3]["registration_id"], "other", "")  # 其他 needs text
    with pytest.raises(OpeningError, match="present"):
        svc.record_absence(S2, host, REGS2[0]["registration_id"], "late")
    svc.record_absence(S2, host, REGS2[3]["registration_id"], "other", "交通事故")
    assert svc.view(S2).bidder(REGS2[3]["registration_id"]).absent_reason == "其他：交通事故"
    assert svc.confirm_attendance(S2, host).stage == "control_price"


def test_rule_quorum_short_after_attendance_needs_decision_with_reason(hall: Hall) -> None:
    """Step 2: fewer than 3 bidders (less written withdrawals) → 不得开标, recorded by the host with a reason (D1)."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    check_in(hall, S2, REGS2[0])
    to_attendance(hall, svc, host)
    for r in REGS2[1:]:
        svc.record_withdrawal(S2, host, r["registration_id"], "withdrawn", f"撤回函 {r['registration_id']}", "2026-12-06 16:00")
    with pytest.raises(QuorumShort):
        svc.confirm_attendance(S2, host)
    assert svc.view(S2).stage == "attendance"
    q = [p for k, p in kinds(hall) if k == "opening.quorum"]
    assert q and q[-1]["short"] is True and q[-1]["valid"] == 1 and q[-1]["quorum"] == 3
    with pytest.raises(OpeningError, match="reason"):
        svc.decide_quorum(S2, host, "failed", "  ")
    with pytest.raises(OpeningError):
        svc.publish_control_price(S2, host)  # cannot just carry on
    v = svc.decide_quorum(S2, host, "failed", "递交投标文件的投标人少于3个，依法重新招标")
    assert v.stage == "signing" and v.outcome == "failed_quorum"
    assert v.quorum_decision["reason"].startswith("递交")


def test_rule_quorum_ok_cannot_be_failed(hall: Hall) -> None:
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    with pytest.raises(OpeningError, match="quorum-ok"):
        svc.decide_quorum(S2, host, "failed", "想流标")


def test_rule_control_price_published_before_decryption(hall: Hall) -> None:
    """Step 4: the control price / 标底 is published at the opening (REG 50)."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    with pytest.raises(OpeningError, match="control-price"):
        svc.start_decryption(S2, host, starter=lambda sid: None)
    svc.publish_control_price(S2, host)
    cp = [p for k, p in kinds(hall) if k == "opening.control_price"][-1]
    assert cp["CONTROL_PRICE"] == "386.50" and cp["PRICE_UNIT"] == "1" and cp["capitals"] == "叁佰捌拾陆万伍仟元整"


def test_rule_decrypt_failures_wording_and_reading_only_after_all_decrypted(hall: Hall) -> None:
    """Steps 5–6: 撤回/撤销 wording; quorum again after decryption; 唱标 only when all are decrypted."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    publish_results(hall, S2, only=2)
    v = svc.refresh_decryption(S2)
    assert v is not None and v.decrypt_progress == (2, 4)
    with pytest.raises(OpeningError, match="decrypting"):
        svc.finish_decryption(S2, host)
    publish_results(hall, S2)
    v = svc.refresh_decryption(S2)
    assert v.decrypt_progress == (4, 4) and v.valid_count == 3
    failed = v.bidder(REGS2[1]["registration_id"])
    assert failed.decrypt_status == "failed_other" and failed.decrypt_zh == "解密失败（撤回）"
    dec = [p for k, p in kinds(hall) if k == "opening.decrypt" and p["decrypt_status"] == "failed_other"]
    assert dec and dec[0]["legal_wording"] == LEGAL_WORDING["failed_other"] and "撤回" in dec[0]["legal_wording"]
    assert "撤销" in LEGAL_WORDING["failed_bidder"]
    assert svc.finish_decryption(S2, host).stage == "reading"
    q = [p for k, p in kinds(hall) if p.get("quorum_ok", {}).get("phase") == "decryption"]
    assert q and q[0]["quorum_ok"]["valid"] == 3


def test_rule_quorum_checked_again_after_decryption(tmp_path: Path) -> None:
    h = open_hall(tmp_path)
    try:
        svc = OpeningService(h)
        host = op(h, "host")
        for r in REGS2:
            check_in(h, S2, r)
        to_attendance(h, svc, host)
        svc.confirm_attendance(S2, host)
        svc.publish_control_price(S2, host)
        svc.start_decryption(S2, host, starter=lambda sid: None)
        # Two failures: 2 valid bids < 3.
        plans = DAY["bid_plans"][S2]
        items = []
        for i, r in enumerate(plans):
            data = dict(r) if i not in (0, 2) else {k: v for k, v in r.items() if k in ("session_id", "registration_id")} | {"decrypt_status": "failed_bidder"}
            items.append({"op": "upsert", "key": bid_result_key(data), "version": 2000 + i, "data": data})
        with h.unit() as s:
            apply_page(s, "bid_results", items, None, rfc3339(h.clock.now()), h.vault, caught_up=True, now=h.clock.now())
        svc.refresh_decryption(S2)
        # D1: too few valid bids after decryption is the committee's call: the opening goes on, flagged
        v = svc.finish_decryption(S2, host)
        assert v.stage == "reading" and v.valid_short == {"phase": "decryption", "valid": 1, "quorum": 3, "for_committee": True}
    finally:
        h.close()


def test_rule_reading_in_submission_order_with_capitals_and_every_bid_read(hall: Hall) -> None:
    """Step 6: read each bidder in submission order: price in figures and 大写, other items; all must be read."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    decrypt_all(hall, svc, host)
    svc.read_next(S2, host)
    with pytest.raises(OpeningError, match="unread"):
        svc.finish_reading(S2, host)
    for _ in REGS2[1:]:
        svc.read_next(S2, host)
    with pytest.raises(OpeningError, match="read-all"):
        svc.read_next(S2, host)
    reads = [p for k, p in kinds(hall) if k == "opening.reading"]
    order = [r["registration_id"] for r in sorted(REGS2, key=lambda r: r["bid_submitted_at"])]
    assert [r["registration_id"] for r in reads] == order
    first = reads[0]
    assert first["BID_PRICE"] == "352.80" and first["PRICE_UNIT"] == "1" and first["capitals"] == "叁佰伍拾贰万捌仟元整"
    assert first["TIME_LIMIT"] == "30" and first["QUALITY"] == "合格" and first["extra"]
    failed = next(r for r in reads if r["decrypt_status"] == "failed_other")
    assert "BID_PRICE" not in failed and "撤回" in failed["legal_wording"]
    assert svc.finish_reading(S2, host).stage == "objections"


def test_rule_objection_answered_on_the_spot(hall: Hall) -> None:
    """Step 7: objections raised on the spot are answered and recorded before going on."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    decrypt_all(hall, svc, host)
    for _ in REGS2:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    svc.raise_objection(S2, host, "某公司代表", "唱标价格与开标一览表不一致")
    with pytest.raises(OpeningError, match="unanswered"):
        svc.close_objections(S2, host)
    with pytest.raises(OpeningError, match="reason"):
        svc.answer_objection(S2, host, 1, "")
    svc.answer_objection(S2, host, 1, "以开标一览表为准，大写优先于小写")
    with pytest.raises(OpeningError, match="answered"):
        svc.answer_objection(S2, host, 1, "改答复")
    v = svc.close_objections(S2, host)
    assert v.stage == "confirmation" and v.objections[0].answer.startswith("以开标")
    assert [k for k, _ in kinds(hall) if k in ("opening.objection", "opening.answer")] == ["opening.objection", "opening.answer"]


def test_rule_bidder_confirmation_by_card_refusal_and_absent_deemed(hall: Hall) -> None:
    """Step 8: present bidders confirm by ID card or refuse with a reason; absent ones are deemed to accept."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    pids = {r["registration_id"]: check_in(hall, S2, r) for r in REGS2[:3]}
    to_attendance(hall, svc, host)
    svc.record_absence(S2, host, REGS2[3]["registration_id"], "late")
    decrypt_all(hall, svc, host)
    for _ in REGS2:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    v = svc.close_objections(S2, host)
    assert v.bidder(REGS2[3]["registration_id"]).confirmation == "deemed"
    with pytest.raises(OpeningError, match="not-present"):
        svc.confirm_by_card(S2, hall.person_hmac(person(0)["id_number"]))  # a person of another session
    svc.confirm_by_card(S2, pids[REGS2[0]["registration_id"]])
    svc.confirm_by_card(S2, pids[REGS2[1]["registration_id"]])
    with pytest.raises(OpeningError, match="unconfirmed"):
        svc.finish_confirmation(S2, host)
    with pytest.raises(OpeningError, match="reason"):
        svc.record_refusal(S2, op(hall, "clerk"), REGS2[2]["registration_id"], "")
    svc.record_refusal(S2, op(hall, "clerk"), REGS2[2]["registration_id"], "对唱标价格有异议，拒绝签字")
    v = svc.finish_confirmation(S2, host)
    assert v.stage == "signing" and v.outcome == "opened"
    assert v.bidder(REGS2[2]["registration_id"]).confirmation == "refused"


def test_rule_record_signed_by_three_distinct_operators(hall: Hall) -> None:
    """Step 8: host, recorder and supervisor sign, each confirming their role again (card, or the standing-in
    account's PIN); a wrong card, a wrong PIN or a missing signer is refused; then the opening is closed."""
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    held = take_roles(hall, S2, ("host", "recorder", "supervisor"))
    sig = {x.role: x for x in signers(hall, S2, held)}
    with pytest.raises(OpeningError) as e:  # no supervisor's signature
        svc.sign_and_close(S2, [sig["host"], sig["recorder"]])
    assert e.value.code == "signers" and "监标人/监督人" in e.value.zh
    with pytest.raises(OpeningError) as e:  # the recorder's account with a wrong PIN
        svc.sign_and_close(S2, [sig["host"], Signer("recorder", username="clerk", pin="000000"), sig["supervisor"]])
    assert e.value.code == "sign" and "记录人" in e.value.zh
    with pytest.raises(OpeningError) as e:  # the host's card presented as the supervisor's
        svc.sign_and_close(S2, [sig["host"], sig["recorder"], Signer("supervisor", card=card_of(hall, S2, "host"))])
    assert e.value.code == "sign" and "监标人/监督人" in e.value.zh
    assert svc.view(S2).stage == "signing"
    res = svc.sign_and_close(S2, list(sig.values()))
    v = svc.view(S2)
    assert v.stage == "closed" and v.record_sha256 == res.sha256
    assert v.signatures == {"host": "周海燕", "reader": "周海燕", "supervisor": "钱明",
                            "recorder": "赵窗口（平台未指定，本厅账号代行，原因：平台未指定本场记录人，由窗口工作人员代行）"}
    with hall.reading() as s:
        blob = s.get(Blob, res.sha256)
        assert blob is not None and blob.media_type == "application/pdf" and blob.size == res.path.stat().st_size
    import hashlib

    assert hashlib.sha256(res.path.read_bytes()).hexdigest() == res.sha256


def test_rule_opening_record_payload_exact(hall: Hall) -> None:
    """opening.record exactly per docs/platform-api.md §4."""
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    res = sign(hall, svc)
    rec = [p for k, p in kinds(hall) if k == "opening.record"]
    assert len(rec) == 1
    p = rec[0]
    validate("opening.record", p)
    assert set(p) == {"session_id", "BID_SECTION_CODE", "BID_OPENING_TIME", "BID_OPENING_ADDRESS", "OPEN_COMPERE", "bidders", "outcome",
                      "record_sha256", "staff"}
    assert p["record_sha256"] == res.sha256 and p["outcome"] == "opened" and p["OPEN_COMPERE"] == "周海燕"
    assert [(x["title"], x["name"], x.get("appointed")) for x in p["staff"]] == [
        ("开标人/主持人", "周海燕", True), ("唱标人", "周海燕", None), ("记录人", "赵窗口", False), ("监标人/监督人", "钱明", True)]
    assert p["staff"][2]["reason"] == "平台未指定本场记录人，由窗口工作人员代行"
    assert p["BID_SECTION_CODE"] == DAY["sessions"][1]["BID_SECTION_CODE"]
    assert p["BID_OPENING_TIME"] == rfc3339(START2) and "第一开标室" in p["BID_OPENING_ADDRESS"]
    by = {b["registration_id"]: b for b in p["bidders"]}
    assert set(by) == {r["registration_id"] for r in REGS2}
    for b in p["bidders"]:
        assert set(b) == {"registration_id", "BIDDER_NAME", "BIDDER_ORG_CODE", "attendance", "decrypt_status", "BID_PRICE",
                          "confirmation"}
    assert by[REGS2[1]["registration_id"]]["BID_PRICE"] is None and by[REGS2[1]["registration_id"]]["decrypt_status"] == "failed_other"
    assert by[REGS2[0]["registration_id"]]["BID_PRICE"] == "352.80"
    assert by[REGS2[3]["registration_id"]]["attendance"] == "absent"


def test_rule_record_pdf_text_has_bidders_and_capitals(hall: Hall, tmp_path: Path) -> None:
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    res = sign(hall, svc)
    text = pdf_text(res.path)
    flat = "".join(text.split())
    for r in REGS2:
        assert "".join(r["bidder"]["name"].split())[:8] in flat
    assert "叁佰伍拾贰万捌仟元整" in flat and "叁佰肆拾玖万陆仟元整" in flat
    assert "视为撤回" in flat and "迟到" in flat
    assert "以开标一览表为准" not in flat and "工期属评标内容" in flat
    for title, name in (("开标人/主持人", "周海燕"), ("唱标人", "周海燕"), ("记录人", "赵窗口"), ("监标人/监督人", "钱明")):
        assert title + name in flat
    assert "本厅账号代行" in flat


def test_rule_no_going_back_after_decryption_started(hall: Hall) -> None:
    """State-machine invariant: no backward stage moves after decryption starts."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    with pytest.raises(OpeningError, match="reason"):
        svc.go_back(S2, host, "")
    assert svc.go_back(S2, host, "名单公布有误，重新公布").stage == "bidders"
    svc.open_attendance(S2, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    with pytest.raises(OpeningError) as e:
        svc.go_back(S2, host, "想重新来")
    assert e.value.code == "no-going-back"
    assert svc.view(S2).stage == "decrypting"


def test_rule_pause_resume_with_reason_and_durations(hall: Hall) -> None:
    """Invariant: pause/resume carry actor, reason, server time; paused time is not stage time."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    hall.clock.set(START2 - dt.timedelta(minutes=3))
    svc.announce(S2, host)
    hall.clock.advance(60)
    with pytest.raises(OpeningError, match="reason"):
        svc.pause(S2, host, "")
    svc.pause(S2, host, "投影仪故障")
    hall.clock.advance(120)
    with pytest.raises(OpeningError, match="paused"):
        svc.publish_bidders(S2, host)
    with pytest.raises(OpeningError, match="reason"):
        svc.resume(S2, host, " ")
    svc.resume(S2, host, "设备已恢复")
    hall.clock.advance(30)
    v = svc.publish_bidders(S2, host)
    # announced: 60 s before the pause + (START2 - 5 min) … simply: total minus the paused 120 s
    assert v.durations["announced"] > 0
    pause = [p for k, p in kinds(hall) if k == "opening.pause"][0]
    resume = [p for k, p in kinds(hall) if k == "opening.resume"][0]
    assert pause["actor"] == host.username == "host:周*燕" and pause["reason"] == "投影仪故障" and pause["at"]
    assert resume["reason"] == "设备已恢复" and resume["paused_seconds"] == 120
    stage_secs = (dt.datetime.fromisoformat(kinds(hall)[-1][1]["at"]) - dt.datetime.fromisoformat(kinds(hall)[0][1]["at"])).total_seconds()
    assert v.durations["announced"] == stage_secs - 120.0


def test_every_action_journalled_with_actor_and_platform_time(hall: Hall) -> None:
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    entries = kinds(hall)
    stages = [p["stage"] for k, p in entries if k == "opening.stage"]
    assert stages == ["announced", "bidders", "attendance", "control_price", "decrypting", "reading", "objections",
                      "confirmation", "signing"]
    for _k, p in entries:
        assert p["session_id"] == S2 and p["actor"] and p["at"]
    assert entries[-1][1]["at"] == rfc3339(hall.clock.now())


def test_state_restored_after_restart(tmp_path: Path) -> None:
    h = open_hall(tmp_path)
    svc = OpeningService(h)
    run_to_signing(h, svc)
    before = svc.view(S2)
    h.close()
    h2 = Hall.open(h.config, clock=FixedClock(START2 + dt.timedelta(minutes=40)))
    try:
        after = OpeningService(h2).view(S2)
        assert after.stage == "signing" and after.outcome == "opened"
        assert after.bidders == before.bidders and after.objections == before.objections
        assert after.durations == before.durations and after.reading_index == 4
        res = sign(h2)
        assert OpeningService(h2).view(S2).record_sha256 == res.sha256
    finally:
        h2.close()


def test_no_id_number_in_db_or_journal(tmp_path: Path) -> None:
    h = open_hall(tmp_path)
    svc = OpeningService(h)
    run_to_signing(h, svc)
    res = sign(h, svc)
    h.close()
    ids = [rep["id_number"] for r in REGS2 for rep in r["representatives"]]
    blobs = [p.read_bytes() for p in (h.config.data_dir).glob("hall.db*")] + [res.path.read_bytes()]
    for idn in ids:
        for b in blobs:
            assert idn.encode() not in b


@pytest.mark.postgres
def test_opening_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    h = open_hall(tmp_path, db_url=pg_url)
    try:
        svc = OpeningService(h)
        run_to_signing(h, svc)
        res = sign(h, svc)
        assert svc.view(S2).stage == "closed" and res.sha256
        assert h.verify_journal().ok
    finally:
        h.close()


def test_recording_markers_for_every_stage(hall: Hall) -> None:
    """Every stage change is a recorder marker in the session's room; the record is the last entry and closes."""
    from kiosk.recording.follow import classify

    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    sign(hall, svc)
    entries = kinds(hall)
    actions = [(k, classify(k, p, "KB-01", "KB-01")) for k, p in entries]
    stages = [a for k, a in actions if k == "opening.stage"]
    assert len(stages) == 10 and all(a.kind in ("marker", "close") and a.session_id == S2 for a in stages)
    assert "宣布开标纪律" in stages[0].label
    assert entries[-1][0] == "opening.record" and actions[-1][1].kind == "close"
    assert all(classify(k, p, "KB-03", "KB-01").kind == "ignore" for k, p in entries)  # another room's recorder


def test_rule_signed_record_is_immutable(hall: Hall) -> None:
    """Invariant: once signed, nothing changes the opening (a correction would be a new record)."""
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    sign(hall, svc)
    host = op(hall, "host")
    for call in (lambda: svc.raise_objection(S2, host, "某人", "补充异议"), lambda: svc.pause(S2, host, "x"),
                 lambda: svc.go_back(S2, host, "x"), lambda: svc.record_refusal(S2, host, REGS2[0]["registration_id"], "x"),
                 lambda: sign(hall, svc)):
        with pytest.raises(OpeningError):
            call()
    assert len([k for k, _ in kinds(hall) if k == "opening.record"]) == 1
