"""The opening's rules the legal review found wrong (issue 15 must 2; docs/rules/opening.md §4): D1, D2, D4, D5, D6.

Each test is named after the finding it proves. They run the real service on the seeded demo day
(session 2: 政府采购, ``deemed_accept_absent`` true, no deposit; session 1: 工程建设, deposits required,
absent bidders not deemed to accept, one bidder on the credit blacklist) with the staff's roles taken
by their ID cards (``tests/helpers/roles.py``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.checkin import CheckinService, FaceCapture
from kiosk.checkin import rules as checkin_rules
from kiosk.checkin.rules import CheckedBy, Refusal
from kiosk.clock import FixedClock
from kiosk.db.models import JournalEntry, PfSession
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.opening import OBJECTION_CATEGORIES, OpeningError, OpeningService, QuorumShort
from kiosk.opening import rules as opening_rules
from kiosk.opening.rules import Progress, SessionFacts
from kiosk.opening.slip import RECEIPT_PREFIX, objection_receipt, receipt_number
from kiosk.operators import AccessError
from kiosk.pii import mask_name
from kiosk.ports import IdCard, Qr, Slip, Text
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import COMPANIES, bid_result_key, company, person
from tests.helpers.pdf import pdf_text
from tests.kiosk.test_opening import (
    DAY,
    REGS2,
    S1,
    S2,
    START2,
    TODAY,
    check_in,
    decrypt_all,
    kinds,
    op,
    open_hall,
    publish_results,
    to_attendance,
)

REGS1 = [r for r in DAY["registrations"] if r["session_id"] == S1]
START1 = dt.datetime.combine(TODAY, dt.time(9, 30), BEIJING)
JPEG = b"\xff\xd8\xff\xe0fake-jpeg-of-a-face\xff\xd9"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    h = open_hall(tmp_path)
    yield h
    h.close()


def rid(reg: dict) -> str:
    return str(reg["registration_id"])


def card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until="长期")


def record_text(hall: Hall, session_id: str) -> str:
    """The 开标记录表 as it stands (unsigned), its text without white space."""
    pdf, sha = OpeningService(hall).record_pdf(session_id)
    path = Path(hall.config.data_dir) / f"record-{sha[:12]}.pdf"
    path.write_bytes(pdf)
    return "".join(pdf_text(path).split())


def slip_text(slip: Slip) -> str:
    return "\n".join(i.text for i in slip.items if isinstance(i, Text))


def bad_decryption(hall: Hall, failed: tuple[int, ...]) -> None:
    """Session 2's bid results with the bids at ``failed`` (plan order) failed by the bidder's fault."""
    items = []
    for i, r in enumerate(DAY["bid_plans"][S2]):
        data = ({"session_id": S2, "registration_id": r["registration_id"], "decrypt_status": "failed_bidder",
                 "decrypted_at": rfc3339(hall.clock.now())} if i in failed else dict(r, decrypted_at=rfc3339(hall.clock.now())))
        items.append({"op": "upsert", "key": bid_result_key(data), "version": 3000 + i, "data": data})
    with hall.unit() as s:
        apply_page(s, "bid_results", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True, now=hall.clock.now())


def set_session(hall: Hall, session_id: str, **members: object) -> None:
    """The platform's session record with ``members`` changed (as a later version of the sessions feed would)."""
    with hall.unit() as s:
        ps = s.get(PfSession, session_id)
        assert ps is not None
        ps.data = {**ps.data, **members}


# --- D1: the quorum counts bidders at the deadline; too few valid bids is the committee's ----------------


def test_d1_fewer_than_three_bidders_at_the_deadline_means_no_opening_never_suspend(hall: Hall) -> None:
    """REG 44: 投标人少于3个的，不得开标 — counted at the deadline (bids in time less written withdrawals);
    the only outcome is 不得开标/重新招标 with a reason, never 中止 (``suspend``)."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    check_in(hall, S2, REGS2[0])
    to_attendance(hall, svc, host)
    for r in REGS2[1:3]:
        svc.record_withdrawal(S2, host, rid(r), "withdrawn", f"撤回函 {rid(r)}-1", "2026-12-06 16:00")
    svc.record_absence(S2, host, rid(REGS2[3]), "late")
    with pytest.raises(QuorumShort) as e:
        svc.confirm_attendance(S2, host)
    assert "不得开标" in e.value.zh and "第四十四条" in e.value.zh and "REG 44" in e.value.en
    q = [p for k, p in kinds(hall) if k == "opening.quorum"][-1]
    assert (q["phase"], q["valid"], q["quorum"], q["short"]) == ("attendance", 2, 3, True)
    assert svc.view(S2).awaiting_quorum_decision
    with pytest.raises(OpeningError) as refused:
        svc.decide_quorum(S2, host, "suspend", "择日再开")
    assert refused.value.code == "decision" and "不能中止" in refused.value.zh
    v = svc.decide_quorum(S2, host, "failed", "投标截止时投标人少于3个，依法重新招标")
    assert (v.stage, v.outcome) == ("signing", "failed_quorum")
    stage = [p for k, p in kinds(hall) if k == "opening.stage"][-1]
    assert stage["outcome"] == "failed_quorum" and stage["legal_basis"] == "《招标投标法实施条例》第四十四条"
    text = record_text(hall, S2)
    assert "依法不得开标" in text and "重新招标" in text and "撤回函" in text


def test_d1_absence_alone_does_not_reduce_the_count(hall: Hall) -> None:
    """An absent bidder's bid stands (REG 44 counts 投标人, not who came): one present and three absent is 4."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    check_in(hall, S2, REGS2[0])
    to_attendance(hall, svc, host)
    for r in REGS2[1:]:
        svc.record_absence(S2, host, rid(r), "other", "未派代表到场")
    v = svc.confirm_attendance(S2, host)
    assert v.stage == "control_price" and v.bidder_count == 4
    with pytest.raises(OpeningError) as e:
        svc.decide_quorum(S2, host, "failed", "人太少")
    assert e.value.code == "quorum-ok"


def test_d1_abandoned_only_with_the_written_withdrawal_recorded_and_journalled(hall: Hall) -> None:
    """REG 35: a host cannot drop a bidder (弃标) on their word; the written 撤回/撤销 is recorded with its reference."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2[:3]:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    gone = rid(REGS2[3])
    with pytest.raises(OpeningError) as e:
        svc.record_absence(S2, host, gone, "abandoned")
    assert e.value.code == "withdrawal-needed" and "第三十五条" in e.value.zh and "REG 35" in e.value.en
    for kind, ref, when, code in (("gave-up", "X-1", "09:00", "withdrawal-kind"), ("revoked", "  ", "09:00", "withdrawal-reference"),
                                  ("revoked", "X-1", "", "withdrawal-time")):
        with pytest.raises(OpeningError) as e:
            svc.record_withdrawal(S2, host, gone, kind, ref, when)
        assert e.value.code == code
    received = START2 - dt.timedelta(hours=20)
    v = svc.record_withdrawal(S2, host, gone, "withdrawn", "平台撤回记录 WD-2026-0042", received)
    b = v.bidder(gone)
    assert b.withdrawn and not b.valid and b.absent_reason == "弃标（书面撤回投标文件）"
    assert "WD-2026-0042" in b.withdrawal_zh and v.bidder_count == 3
    w = [p for k, p in kinds(hall) if k == "opening.withdrawal"]
    assert len(w) == 1 and w[0]["reference"] == "平台撤回记录 WD-2026-0042" and w[0]["received_at"] == rfc3339(received)
    assert w[0]["withdrawal"] == "withdrawn" and w[0]["actor"] == host.username
    with pytest.raises(OpeningError, match="withdrawn"):
        svc.record_withdrawal(S2, host, gone, "revoked", "again", "10:00")
    decrypt_all(hall, svc, host)  # the withdrawn bid is neither decrypted nor waited for
    v = svc.view(S2)
    assert v.stage == "reading" and v.decrypt_progress == (3, 3) and v.bidder(gone).decrypt_status == ""
    with pytest.raises(OpeningError) as e:  # after decryption has started: too late to record one
        svc.record_withdrawal(S2, host, rid(REGS2[0]), "revoked", "X-2", "10:01")
    assert e.value.code == "stage"


def test_d1_too_few_valid_bids_after_decryption_completes_and_flags_it_for_the_committee(hall: Hall) -> None:
    """After decryption too few valid bids does not stop the opening; the record flags it (暂行规定 art. 27)."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    bad_decryption(hall, failed=(0, 2))  # with the plan's failed_other: 1 valid bid of 4
    svc.refresh_decryption(S2)
    v = svc.finish_decryption(S2, host)  # no QuorumShort
    assert v.stage == "reading" and v.valid_count == 1 and not v.awaiting_quorum_decision
    assert v.valid_short == {"phase": "decryption", "valid": 1, "quorum": 3, "for_committee": True}
    stage = [p for k, p in kinds(hall) if k == "opening.stage"][-1]
    assert stage["stage"] == "reading" and stage["valid_short"]["for_committee"] is True
    assert not [p for k, p in kinds(hall) if k == "opening.quorum"]
    with pytest.raises(OpeningError) as e:
        svc.decide_quorum(S2, host, "failed", "有效投标不足")
    assert e.value.code == "quorum-ok"
    for _ in REGS2:
        svc.read_next(S2, host)
    assert svc.finish_reading(S2, host).stage == "objections"
    text = record_text(hall, S2)
    assert "解密后有效投标1家，少于3家" in text and "提请评标委员会依法评审" in text and "第二十七条" in text


# --- D2: objections throughout the opening, answered by the host, with a printed receipt --------------------


def test_d2_objections_taken_at_every_stage_of_the_opening_and_answered_before_moving_on(hall: Hall) -> None:
    """REG 44 covers the whole 开标现场: a checked-in representative objects at the roll call already; one raised
    during the confirmation is answered before the confirmation ends; never before the opening or after it."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    reg = REGS2[0]
    idn = reg["representatives"][0]["id_number"]
    pids = {rid(r): check_in(hall, S2, r) for r in REGS2[:3]}
    with pytest.raises(OpeningError) as e:  # scheduled: the opening has not begun
        svc.objection_targets(idn)
    assert e.value.code == "no-open-opening"
    to_attendance(hall, svc, host)
    [t] = svc.objection_targets(idn)
    assert (t.stage, t.registration_id) == ("attendance", rid(reg))
    v, no = svc.raise_objection_at_kiosk(S2, rid(reg), idn, "bidders", "第4家是否按时递交", terminal_id="KIOSK-01")
    assert no == 1 and v.objections[0].person_name == mask_name(reg["representatives"][0]["name"])
    svc.answer_objection(S2, host, 1, "第4家于截止前递交，递交时间已公布")
    with pytest.raises(AccessError):  # the supervisor watches, never answers
        svc.answer_objection(S2, op(hall, "supervisor"), 1, "监督人答复")
    svc.record_absence(S2, host, rid(REGS2[3]), "late")
    svc.confirm_attendance(S2, host)
    svc.raise_objection(S2, host, REGS2[1]["bidder"]["name"], "控制价公布前未宣读计算方法")  # at 公布控制价
    svc.answer_objection(S2, host, 2, "控制价已在招标文件中载明")
    svc.publish_control_price(S2, host)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    publish_results(hall, S2)
    svc.refresh_decryption(S2)
    svc.finish_decryption(S2, host)
    for _ in REGS2:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    svc.close_objections(S2, host)
    for pid in pids.values():
        svc.confirm_by_card(S2, pid)
    v, no = svc.raise_objection_at_kiosk(S2, rid(reg), idn, "procedure")  # at 投标人确认
    assert no == 3 and v.stage == "confirmation"
    with pytest.raises(OpeningError) as e:
        svc.finish_confirmation(S2, host)
    assert e.value.code == "unanswered"
    svc.answer_objection(S2, host, 3, "程序符合招标文件，已记录")
    assert svc.finish_confirmation(S2, host).stage == "signing"
    stages = [p["stage"] for k, p in kinds(hall) if k == "opening.stage"]
    assert stages.index("attendance") < stages.index("reading")  # objection 1 came before 唱标
    assert [(o.no, o.source) for o in svc.view(S2).objections] == [(1, "kiosk"), (2, "console"), (3, "kiosk")]


def test_d2_objection_receipt_has_number_time_category_and_masked_name_never_the_id(hall: Hall) -> None:
    """REG 60: the on-site objection is the precondition of a complaint, so the kiosk prints an 异议回执."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    reg = REGS2[0]
    rep = reg["representatives"][0]
    check_in(hall, S2, reg)
    to_attendance(hall, svc, host)
    assert isinstance(hall.clock, FixedClock)
    hall.clock.set(START2 + dt.timedelta(minutes=3, seconds=7))
    v, no = svc.raise_objection_at_kiosk(S2, rid(reg), rep["id_number"], "bidders", "名单缺少一家", terminal_id="KIOSK-02")
    slip = svc.objection_receipt(S2, no, terminal_id="KIOSK-02")
    assert slip == objection_receipt(v, no, hall.config.site.name, terminal_id="KIOSK-02")
    text = slip_text(slip)
    number = receipt_number(S2, no)
    assert number == f"{S2}-YY01"
    assert f"回执编号：{number}" in text and "第 1 号异议" in text
    assert f"提出时间：{TODAY:%Y-%m-%d} 10:03:07" in text
    assert f"异议类别：{OBJECTION_CATEGORIES['bidders'][0]}" in text and "补充说明：名单缺少一家" in text
    assert f"提出人：{mask_name(rep['name'])}" in text and rep["name"] not in text
    assert f"投标人：{reg['bidder']['name']}" in text and "KIOSK-02" in text
    assert "第四十四条" in text and "第六十条" in text and "10日内" in text
    assert rep["id_number"] not in repr(slip)
    assert [i.data for i in slip.items if isinstance(i, Qr)] == [RECEIPT_PREFIX + number]
    with pytest.raises(OpeningError, match="no-objection"):
        svc.objection_receipt(S2, 9)
    assert "提出阶段：签到与缺席" in text  # the stage it was raised in ...
    svc.answer_objection(S2, host, no, "名单以截标时递交为准，已记录")
    for r in REGS2[1:]:
        svc.record_absence(S2, host, rid(r), "late")
    svc.confirm_attendance(S2, host)
    later = slip_text(svc.objection_receipt(S2, no))  # ... still, when (re)printed at a later stage
    assert svc.view(S2).stage != "attendance"
    assert "提出阶段：签到与缺席（已答复）" in later and "KIOSK-02" not in later


def test_d2_a_receipt_says_how_the_objection_came_in(hall: Hall) -> None:
    """The 异议回执 names the way in: a kiosk with the ID card, the host at the console, or online with the
    bidder's CA certificate — an online objection's category is the platform's, never its raw key."""
    svc = OpeningService(hall)
    host = op(hall, "host")
    reg = REGS2[0]
    check_in(hall, S2, reg)
    to_attendance(hall, svc, host)
    v = svc.raise_objection(S2, host, reg["bidder"]["name"], "开标时间早于公告时间")
    console = slip_text(svc.objection_receipt(S2, 1, terminal_id="CONSOLE-1"))
    assert "提出方式：开标现场，主持人登记" in console and "CONSOLE-1" not in console and "提出阶段：签到与缺席" in console
    online = dataclasses.replace(v.objections[0], no=2, source="online", category="price", content="对报价有异议：低于成本",
                                 ca_serial="CA-0042", stage="reading")
    text = slip_text(objection_receipt(dataclasses.replace(v, objections=(*v.objections, online)), 2, hall.config.site.name))
    assert "异议类别：对报价有异议" in text and "补充说明：低于成本" in text and "price" not in text
    assert "提出方式：不见面开标系统，CA 数字证书（CA-0042）" in text and "主持人登记" not in text
    assert "提出阶段：唱标" in text


# --- D4: 唱标 reads the bid bond where the session requires one ---------------------------------------------


def test_d4_reading_reads_the_bid_bond_where_the_session_requires_it(hall: Hall) -> None:
    """标准施工招标文件 5.2: 投标保证金递交情况 is read where ``deposit_required`` (session 1), not otherwise."""
    svc = OpeningService(hall)
    v1 = svc.view(S1)
    assert v1.deposit_required and not svc.view(S2).deposit_required
    by = {b.registration_id: b for b in v1.bidders}
    assert {r["deposit"]["status"] for r in REGS1} == {"paid", "guarantee", "unpaid"}
    for r in REGS1:
        assert by[rid(r)].deposit_status == r["deposit"]["status"]
    assert {b.deposit_zh for b in v1.bidders} == {"已递交", "电子保函", "未递交"}
    # 唱标 on session 1's published bidders (the rules the service runs), then session 2's through the service
    facts = SessionFacts(S1, v1.title, v1.room_code, v1.room_name, v1.starts_at, 3, v1.session)
    snap = [{"registration_id": b.registration_id, "name": b.name, "org_code": b.org_code, "submitted_at": None,
             "deposit": {"status": b.deposit_status}} for b in v1.bidders]
    data: dict = {"decrypt": {b.registration_id: {"status": "ok", "price": "100.00", "price_unit": "0"} for b in v1.bidders}}
    reads = []
    for _ in snap:
        v = opening_rules.fold_view(facts, Progress(stage="reading"), data, snap, [], {}, v1.now)
        reads.append(opening_rules.read_next(v, data))
    assert [r["deposit"] for r in reads] == [b.deposit_status for b in v1.bidders]
    assert "未递交" in [r["deposit_zh"] for r in reads]
    host = op(hall, "host")
    for r in REGS2:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    decrypt_all(hall, svc, host)
    svc.read_next(S2, host)
    assert "deposit" not in [p for k, p in kinds(hall) if k == "opening.reading"][0]


def test_d4_the_record_has_the_bid_bond_column_where_required(hall: Hall) -> None:
    text = record_text(hall, S1)
    assert "投标保证金" in text and "电子保函" in text and "未递交" in text
    assert "投标保证金" not in record_text(hall, S2)


# --- D5: absent = accepts only where the session says so ---------------------------------------------------


def _to_confirmation(hall: Hall, svc: OpeningService) -> dict[str, str]:
    host = op(hall, "host")
    pids = {rid(r): check_in(hall, S2, r) for r in REGS2[:3]}
    to_attendance(hall, svc, host)
    svc.record_absence(S2, host, rid(REGS2[3]), "late")
    decrypt_all(hall, svc, host)
    for _ in REGS2:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    svc.close_objections(S2, host)
    for pid in pids.values():
        svc.confirm_by_card(S2, pid)
    svc.finish_confirmation(S2, host)
    return pids


def test_d5_absent_bidder_is_recorded_absent_not_accepting_unless_the_session_says_so(hall: Hall) -> None:
    """G87 art. 42 (政府采购 only): with ``deemed_accept_absent`` false an absent bidder is 未到场, not 视同认可."""
    set_session(hall, S2, deemed_accept_absent=False)
    svc = OpeningService(hall)
    _to_confirmation(hall, svc)
    v = svc.view(S2)
    absent = v.bidder(rid(REGS2[3]))
    assert (absent.confirmation, absent.confirmation_zh) == ("absent", "未到场")
    stage = [p for k, p in kinds(hall) if k == "opening.stage" and p.get("stage") == "confirmation"][-1]
    assert stage["absent_deemed_accept"] is False
    payload = svc.record_payload(v, "0" * 64)
    assert {b["registration_id"]: b["confirmation"] for b in payload["bidders"]} == {
        rid(REGS2[0]): "confirmed", rid(REGS2[1]): "confirmed", rid(REGS2[2]): "confirmed", rid(REGS2[3]): "absent"}
    text = record_text(hall, S2)
    assert "不视为认可" in text and "视同认可开标结果" not in text


def test_d5_absent_bidder_deemed_to_accept_where_the_session_says_so(hall: Hall) -> None:
    svc = OpeningService(hall)  # session 2 is 政府采购 with deemed_accept_absent true
    _to_confirmation(hall, svc)
    v = svc.view(S2)
    assert v.deemed_accept_absent and v.bidder(rid(REGS2[3])).confirmation == "deemed"
    by = {b["registration_id"]: b["confirmation"] for b in svc.record_payload(v, "0" * 64)["bidders"]}
    assert by[rid(REGS2[3])] == "deemed"
    assert "未到场的投标人视同认可开标结果" in record_text(hall, S2)


# --- D6: at an opening admit and flag; at an auction refuse ----------------------------------------------


def _hall_at(tmp_path: Path, hh: int, mm: int) -> Hall:
    return open_hall(tmp_path, at=dt.datetime.combine(TODAY, dt.time(hh, mm), BEIJING))


def _register(hall: Hall, reg: dict) -> None:
    with hall.unit() as s:
        apply_page(s, "registrations", [{"op": "upsert", "key": reg["registration_id"], "version": 5000, "data": reg}], None,
                   None, hall.vault, caught_up=True, now=hall.clock.now())


def test_d6_a_banned_bidders_representative_is_admitted_at_an_opening_and_flagged_with_the_evidence(tmp_path: Path) -> None:
    """REG 51: the bid's validity is the committee's; the centre admits, flags to host and supervisor, keeps evidence."""
    hall = _hall_at(tmp_path, 9, 20)
    try:
        banned = next(r for r in REGS1 if r["bidder"]["name"] == COMPANIES[3][0])
        out = CheckinService(hall).check_in(card(4), S1, face=FaceCapture(JPEG, "captured"))
        assert out.refusal is None and [i.registration_id for i in out.accepted] == [rid(banned)]
        with hall.reading() as s:
            details = json.loads(s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "checkin.details")).all()[-1])
        assert details["flags"][0].startswith("banned:") and "串通投标" in details["flags"][0]  # kept as evidence
        v = OpeningService(hall).view(S1)
        [flag] = v.flags
        assert (flag.code, flag.registration_id, flag.bidder_name) == ("banned", rid(banned), COMPANIES[3][0])
        assert f"BL-{TODAY.year}-000123" in flag.evidence and "串通投标" in flag.evidence and "评标委员会" in flag.zh
        assert v.bidder(rid(banned)).attendance == "present" and v.bidder(rid(banned)).valid
        text = record_text(hall, S1)
        assert "签到核验提示" in text and f"BL-{TODAY.year}-000123" in text and "市场禁入" in text
    finally:
        hall.close()


def test_d6_one_agent_for_several_bidders_is_admitted_at_an_opening_and_flagged_on_each(tmp_path: Path) -> None:
    """REG 40(二) makes it a case of deemed collusion — for the committee to judge; the room sees it at once."""
    hall = _hall_at(tmp_path, 9, 20)
    try:
        extra = {"registration_id": "R-EXTRA-1", "session_id": S1, "lot_code": None, "bidder": company(9),
                 "representatives": [person(0)], "deposit": {"status": "paid", "amount": "250000.00", "received_at": None},
                 "checkin_code": "extra-1", "bid_submitted_at": rfc3339(START1 - dt.timedelta(hours=2))}
        _register(hall, extra)
        svc = CheckinService(hall)
        [opt] = [o for o in svc.evaluate(card(0)).options if o.session_id == S1]
        assert opt.status == "eligible" and [f.code for f in opt.flags] == ["several_bidders"]
        out = svc.check_in(card(0), S1, face=FaceCapture(JPEG, "captured"))
        assert len(out.accepted) == 2
        v = OpeningService(hall).view(S1)
        flagged = {f.registration_id: f for f in v.flags if f.code == "several_bidders"}
        assert set(flagged) == {rid(REGS1[0]), "R-EXTRA-1"}
        ev = flagged["R-EXTRA-1"].evidence
        assert mask_name(person(0)["name"]) in ev and COMPANIES[0][0] in ev and COMPANIES[9][0] in ev
        assert person(0)["name"] not in ev and person(0)["id_number"] not in ev
    finally:
        hall.close()


def test_d6_at_an_auction_a_ban_refuses_and_one_person_for_several_paddles_in_one_lot_is_refused(tmp_path: Path) -> None:
    hall = _hall_at(tmp_path, 13, 0)
    try:
        auction = DAY["sessions"][3]["session_id"]
        # person 14 represents company 12 for L-0001 already; now also company 9 for the same lot
        _register(hall, {"registration_id": "R-EXTRA-2", "session_id": auction, "lot_code": "L-0001", "bidder": company(9),
                         "representatives": [person(14)], "deposit": {"status": "paid", "amount": "10000.00", "received_at": None},
                         "checkin_code": "extra-2", "bid_submitted_at": None})
        svc = CheckinService(hall)
        [opt] = [o for o in svc.evaluate(card(14)).options if o.session_id == auction]
        assert opt.status == "refused" and opt.refusal is not None and opt.refusal.code == "several_paddles"
        assert "L-0001" in opt.refusal.detail and opt.refusal.zh and opt.refusal.en and not opt.refusal.overridable
        out = svc.check_in(card(14), auction, face=FaceCapture(JPEG, "captured"))
        assert not out.accepted and out.refusal is not None and out.refusal.code == "several_paddles"
    finally:
        hall.close()


def test_d6_the_check_in_rule_flags_at_openings_and_refuses_at_auctions() -> None:
    """kiosk/checkin/rules.py decide_session: the same facts, two kinds of session."""
    @dataclasses.dataclass(frozen=True)
    class Reg:
        registration_id: str
        lot_code: str | None
        bidder_name: str
        bidder_code: str | None
        deposit_status: str | None = "paid"

    now = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
    opens, closes = now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)
    two = [Reg("R-1", None, "甲公司", "C-A"), Reg("R-2", None, "乙公司", "C-B")]
    d = checkin_rules.decide_session("bid_opening", two, {}, "me", ["甲公司：串通投标，至 2027-12-31"], now, opens, closes)
    assert d.status == "eligible" and d.registration_ids == ("R-1", "R-2") and d.refusal is None
    assert [f.code for f in d.flags] == ["banned", "several_bidders"] and "串通投标" in d.flags[0].detail
    d = checkin_rules.decide_session("auction", [Reg("R-1", "L1", "甲公司", "C-A")], {}, "me", ["甲公司：串通投标"], now, opens, closes)
    assert d.status == "refused" and d.refusal == Refusal("banned", "甲公司：串通投标") and not d.flags
    same_lot = [Reg("R-1", "L1", "甲公司", "C-A"), Reg("R-2", "L1", "乙公司", "C-B")]
    d = checkin_rules.decide_session("auction", same_lot, {}, "me", [], now, opens, closes)
    assert d.status == "refused" and d.refusal is not None and d.refusal.code == "several_paddles"
    other_lots = [Reg("R-1", "L1", "甲公司", "C-A"), Reg("R-2", "L2", "乙公司", "C-B")]
    assert checkin_rules.decide_session("auction", other_lots, {}, "me", [], now, opens, closes).status == "eligible"
    mine = {"R-1": CheckedBy("me", "王小明", now)}
    d = checkin_rules.decide_session("bid_opening", two[:1], mine, "me", ["甲公司：失信"], now, opens, closes)
    assert d.status == "already" and d.flags[0].code == "banned"  # a flagged person who already checked in stays flagged

