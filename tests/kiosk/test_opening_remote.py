"""不见面开标 (issue 19; docs/rules/opening.md §5): online bidders and bidders in the room in one opening.

The seeded demo day's sixth session is remote (政府采购, ``deemed_accept_absent``): five bidders, of whom
the tests check two in at the kiosk, sign two in online through the platform's ``remote_events`` feed
(applied as the puller applies it) and leave one absent. Each test names the rule it proves.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.db.models import JournalEntry
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.opening import OpeningError, OpeningService
from kiosk.records import validate
from kiosk.timeutil import BEIJING, rfc3339
from sync.feeds import validate_item
from sync.sandbox.seed import REMOTE_PLAN, bid_result_key, remote_event
from tests.helpers.checkin import record_checkin
from tests.helpers.pdf import pdf_text
from tests.helpers.roles import signers, take_roles
from tests.kiosk.test_opening import DAY, TODAY, open_hall

S6 = DAY["sessions"][5]["session_id"]
START6 = dt.datetime.combine(TODAY, dt.time(11, 0), BEIJING)
REGS6 = [r for r in DAY["registrations"] if r["session_id"] == S6]
HALL_REGS = [r for r, how in zip(REGS6, REMOTE_PLAN, strict=True) if how == "hall"]
ONLINE_REGS = [r for r, how in zip(REGS6, REMOTE_PLAN, strict=True) if how == "online"]
ABSENT_REGS = [r for r, how in zip(REGS6, REMOTE_PLAN, strict=True) if how == "absent"]
_NO = [0]


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    h = open_hall(tmp_path, at=START6 - dt.timedelta(minutes=10))
    yield h
    h.close()


def deliver(hall: Hall, *events: dict[str, Any]) -> None:
    """The platform's remote_events page as the puller applies it (caught up now: the platform is reachable)."""
    items = []
    for e in events:
        _NO[0] += 1
        item = {"op": "upsert", "key": e["event_id"], "version": 10_000 + _NO[0], "data": e}
        validate_item("remote_events", item)  # what the puller checks before applying
        items.append(item)
    with hall.unit() as s:
        apply_page(s, "remote_events", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True,
                   now=hall.clock.now())


def event(reg: dict, kind: str, hall: Hall, **members: Any) -> dict[str, Any]:
    _NO[0] += 1
    return remote_event(reg, 500 + _NO[0], kind, hall.clock.now(), **members)


def journal(hall: Hall, kind: str) -> list[dict]:
    with hall.reading() as s:
        rows = s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == kind).order_by(JournalEntry.seq)).all()
    return [json.loads(p) for p in rows]


def rid(reg: dict) -> str:
    return str(reg["registration_id"])


def signed_in(hall: Hall, svc: OpeningService) -> dict[str, str]:
    """Two representatives check in at the kiosk, two sign in online; returns registration → person HMAC."""
    pids = {rid(r): record_checkin(hall, S6, r, r["representatives"][0]) for r in HALL_REGS}
    deliver(hall, *(event(r, "signin", hall) for r in ONLINE_REGS))
    assert svc.take_remote_events(S6) == 2
    return pids


def to_objections(hall: Hall, svc: OpeningService, host: Any) -> None:
    """Discipline, bidders, roll call (the absent one recorded late), decryption, 唱标 → 异议."""
    svc.announce(S6, host)
    hall.clock.set(START6)
    svc.publish_bidders(S6, host)
    svc.open_attendance(S6, host)
    for r in ABSENT_REGS:
        svc.record_absence(S6, host, rid(r), "late")
    svc.confirm_attendance(S6, host)
    svc.publish_control_price(S6, host)
    svc.start_decryption(S6, host, starter=lambda sid: None)
    items = [{"op": "upsert", "key": bid_result_key(p), "version": 2000 + i, "data": dict(p, decrypted_at=rfc3339(hall.clock.now()))}
             for i, p in enumerate(DAY["bid_plans"][S6])]
    with hall.unit() as s:
        apply_page(s, "bid_results", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True, now=hall.clock.now())
    svc.refresh_decryption(S6)
    svc.finish_decryption(S6, host)
    for _ in REGS6:
        svc.read_next(S6, host)
    svc.finish_reading(S6, host)


def test_rule_one_attendance_present_online_absent(hall: Hall) -> None:
    """Must 1: 现场 (kiosk check-in), 在线 (online sign-in with the CA serial) and 未到; an online bidder needs
    no absence reason and cannot be recorded absent; the sign-in is journalled once, the name masked."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    signed_in(hall, svc)
    v = svc.view(S6)
    assert v.remote
    assert [b.attendance for b in v.bidders] == ["present", "present", "online", "online", "absent"]
    assert v.attendance_counts == {"present": 2, "online": 2, "absent": 1}
    online = v.bidders[2]
    assert online.ca_serial and online.ca_serial == remote_event(ONLINE_REGS[0], 1, "signin", START6)["ca_serial"]
    full_name = ONLINE_REGS[0]["representatives"][0]["name"]
    assert online.person_name != full_name and online.person_name.startswith(full_name[0])
    entries = journal(hall, "opening.online_signin")
    assert [e["registration_id"] for e in entries] == [rid(r) for r in ONLINE_REGS]
    assert all(e["actor"] == "platform" and e["ca_serial"] for e in entries)
    assert full_name not in json.dumps(entries, ensure_ascii=False)  # never the full name in the journal
    assert svc.take_remote_events(S6) == 0  # each event once
    svc.announce(S6, host)
    hall.clock.set(START6)
    svc.publish_bidders(S6, host)
    svc.open_attendance(S6, host)
    with pytest.raises(OpeningError) as e:
        svc.record_absence(S6, host, rid(ONLINE_REGS[0]), "late")
    assert e.value.code == "online"
    with pytest.raises(OpeningError, match="absence-reason"):  # only the bidder that neither came nor signed in
        svc.confirm_attendance(S6, host)
    svc.record_absence(S6, host, rid(ABSENT_REGS[0]), "late")
    assert svc.confirm_attendance(S6, host).stage == "control_price"


def test_rule_online_objection_in_the_same_list_answered_as_a_hall_record(hall: Hall) -> None:
    """Must 2: an online objection takes the next number of the one list; the host's answer is
    ``opening.answer`` naming the event and the registration, so the platform can show it online."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    signed_in(hall, svc)
    to_objections(hall, svc, host)
    svc.raise_objection(S6, host, HALL_REGS[0]["bidder"]["name"], "第2家工期填写有误")
    deliver(hall, event(ONLINE_REGS[1], "objection", hall, category="price", text="第1家报价低于成本"))
    assert svc.take_remote_events(S6) == 1
    v = svc.view(S6)
    assert [(o.no, o.source) for o in v.objections] == [(1, "console"), (2, "online")]
    o2 = v.objections[1]
    assert o2.content == "对报价有异议：第1家报价低于成本" and o2.ca_serial and o2.registration_id == rid(ONLINE_REGS[1])
    svc.answer_objection(S6, host, 1, "已核对，按投标文件记录")
    svc.answer_objection(S6, host, 2, "报价是否低于成本由评标委员会评审")
    answers = journal(hall, "opening.answer")
    assert answers[1]["event_id"] == o2.event_id and answers[1]["registration_id"] == rid(ONLINE_REGS[1])
    assert "event_id" not in answers[0]


def test_rule_objections_wait_for_the_platform_and_their_window(hall: Hall) -> None:
    """Must 4: the objections stage closes only with the online events caught up a moment ago and its window
    over; an unreachable platform makes the opening wait (and says so) instead of closing without them."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    signed_in(hall, svc)
    to_objections(hall, svc, host)
    deliver(hall)  # a poll that found nothing new: the platform is reachable
    with pytest.raises(OpeningError) as e:
        svc.close_objections(S6, host)
    assert e.value.code == "remote-window" and "秒" in e.value.zh
    hall.clock.advance(61)  # the window is over, but no poll has succeeded for 61 s
    with pytest.raises(OpeningError) as e:
        svc.close_objections(S6, host)
    assert e.value.code == "remote-unreachable" and "无法连接交易平台" in e.value.zh
    assert svc.view(S6).stage == "objections"
    deliver(hall)
    assert svc.close_objections(S6, host).stage == "confirmation"


def test_rule_online_confirmations_count_and_deemed_only_for_the_absent(hall: Hall) -> None:
    """Must 3 and 5: an online confirm/refuse with its signature hash counts like a card; ``deemed_accept_absent``
    applies only to the bidder that neither came nor signed in; the record carries who attended how."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    pids = signed_in(hall, svc)
    to_objections(hall, svc, host)
    early = event(ONLINE_REGS[0], "confirmation", hall, decision="confirm")
    deliver(hall, early)
    assert svc.take_remote_events(S6) == 0  # before the confirmation stage: kept, not dropped
    hall.clock.advance(61)
    deliver(hall)
    v = svc.close_objections(S6, host)
    assert [b.confirmation for b in v.bidders] == ["", "", "", "", "deemed"]
    assert svc.take_remote_events(S6) == 1  # the early one, now
    for pid in pids.values():
        svc.confirm_by_card(S6, pid)
    with pytest.raises(OpeningError) as e:
        svc.finish_confirmation(S6, host)
    assert e.value.code == "online-unconfirmed" and ONLINE_REGS[1]["bidder"]["name"] in e.value.zh
    deliver(hall, event(ONLINE_REGS[1], "confirmation", hall, decision="refuse", text="对唱标价格有异议"))
    assert svc.take_remote_events(S6) == 1
    v = svc.view(S6)
    assert [b.confirmation for b in v.bidders] == ["confirmed", "confirmed", "confirmed", "refused", "deemed"]
    assert v.bidders[2].confirmation_source == "online" and len(v.bidders[2].confirmation_signature) == 64
    conf = [p for p in journal(hall, "opening.confirmation") if p.get("source") == "online"]
    assert [c["result"] for c in conf] == ["confirmed", "refused"] and all(len(c["signature_sha256"]) == 64 for c in conf)
    svc.finish_confirmation(S6, host)
    held = take_roles(hall, S6, ("host", "recorder", "supervisor", "witness"))
    result = svc.sign_and_close(S6, signers(hall, S6, held))
    validate("opening.record", result.payload)  # §4's enum holds: an online bidder attended (present)
    rows = {b["registration_id"]: b for b in result.payload["bidders"]}
    on = rows[rid(ONLINE_REGS[0])]
    assert (on["attendance"], on["attended"], on["confirmation"]) == ("present", "online", "confirmed")
    assert on["ca_serial"] and len(on["confirmation_signature_sha256"]) == 64
    assert rows[rid(HALL_REGS[0])]["attended"] == "onsite" and rows[rid(ABSENT_REGS[0])]["attendance"] == "absent"
    text = "".join(pdf_text(result.path).split())
    assert "在线参加开标情况" in text and "现场2家，在线2家，未到1家" in text
    sig = on["confirmation_signature_sha256"]
    assert on["ca_serial"] in text and all(sig[i:i + 16] in text for i in range(0, 64, 16))
    assert "视同认可开标结果" in text and ABSENT_REGS[0]["bidder"]["name"] in text


def test_rule_events_refused_or_deferred_never_lost(hall: Hall) -> None:
    """An event for no bidder is refused and journalled; an objection while the host has paused waits and is
    taken on resuming; an event after the record is signed is refused as over."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    signed_in(hall, svc)
    stranger = dict(event(ONLINE_REGS[0], "signin", hall), registration_id="R-NOBODY")
    deliver(hall, stranger)
    assert svc.take_remote_events(S6) == 1
    refused = journal(hall, "opening.online_refused")
    assert refused[-1]["reason_code"] == "not-bidder" and refused[-1]["event_id"] == stranger["event_id"]
    to_objections(hall, svc, host)
    svc.pause(S6, host, "网络故障，暂停 5 分钟")
    deliver(hall, event(ONLINE_REGS[0], "objection", hall, category="procedure", text=None))
    assert svc.take_remote_events(S6) == 0 and svc.view(S6).objections == ()
    svc.resume(S6, host, "网络恢复")
    assert svc.take_remote_events(S6) == 1 and svc.view(S6).objections[0].source == "online"


def test_rule_no_answer_only_after_the_window_with_the_platform_reachable(hall: Hall) -> None:
    """An online bidder that never answers is recorded 在线未确认 (not deemed) only after the confirmation window,
    and only while the platform is reachable (a silence behind a dead link is not a silence)."""
    svc = OpeningService(hall)
    host = take_roles(hall, S6, ("host",))["host"]
    signed_in(hall, svc)
    to_objections(hall, svc, host)
    hall.clock.advance(61)
    deliver(hall)
    svc.close_objections(S6, host)
    quiet = rid(ONLINE_REGS[0])
    with pytest.raises(OpeningError, match="remote-window"):
        svc.record_online_no_answer(S6, host, quiet)
    hall.clock.advance(301)
    with pytest.raises(OpeningError, match="remote-unreachable"):
        svc.record_online_no_answer(S6, host, quiet)
    deliver(hall)
    with pytest.raises(OpeningError, match="not-online"):
        svc.record_online_no_answer(S6, host, rid(HALL_REGS[0]))
    v = svc.record_online_no_answer(S6, host, quiet)
    assert v.bidder(quiet).confirmation == "no_answer" and v.bidder(quiet).confirmation_zh == "在线未确认"


def test_the_witness_notes_end_the_opening_record_on_their_own_page(hall: Hall) -> None:
    """Issue 18 must 4: the witness's notes (见证记录) are the last page of the 开标记录表."""
    from kiosk.supervision import SupervisionService

    svc = OpeningService(hall)
    witness = take_roles(hall, S6, ("witness",))["witness"]
    SupervisionService(hall).note(witness, S6, "announced", "在线投标人签到情况已核对，与平台一致")
    pdf, _sha = svc.record_pdf(S6)
    path = Path(hall.config.data_dir) / "draft.pdf"
    path.write_bytes(pdf)
    pages = pdf_text(path).split("\f")
    last = "".join(pages[-1].split()) if len(pages) > 1 else "".join(pdf_text(path).split())
    assert "见证记录" in last and "在线投标人签到情况已核对，与平台一致" in last
