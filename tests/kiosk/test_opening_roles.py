"""The opening's acts bound to the session's roles, refused in the core (issue 15 must 1; docs/rules/staffing.md).

Session 2 of the demo day appoints host 周海燕, supervisor 钱明 and witness 赵晓东 and no recorder (the
clerk's account stands in with a reason); session 1 appoints its own host (韩志刚). Each forbidden
combination is called on ``OpeningService`` directly, with a real holding taken by card.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.db.models_opening import OpeningState
from kiosk.hall import Hall
from kiosk.opening import OpeningError, OpeningService
from kiosk.operators import AccessError
from kiosk.staffing import StaffingService
from tests.helpers.pdf import pdf_text
from tests.helpers.roles import signers, take_roles
from tests.kiosk.test_opening import (
    REGS2,
    S1,
    S2,
    check_in,
    kinds,
    open_hall,
    publish_results,
    run_to_signing,
    to_attendance,
)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    h = open_hall(tmp_path)
    yield h
    h.close()


def refused(call, code: str) -> AccessError:  # type: ignore[no-untyped-def]
    with pytest.raises(AccessError) as e:
        call()
    assert e.value.code == code, (e.value.code, e.value.zh)
    return e.value


def test_the_supervisor_operates_nothing_and_answers_nothing(hall: Hall) -> None:
    """管办分离: the supervisor watches; announcing, advancing, answering an objection or recording are refused."""
    svc = OpeningService(hall)
    roles = take_roles(hall, S2, ("host", "supervisor"))
    sup = roles["supervisor"]
    e = refused(lambda: svc.announce(S2, sup), "role")
    assert "监督人无权执行此操作" in e.zh and "supervisor may not" in e.en
    to_attendance(hall, svc, roles["host"])
    refused(lambda: svc.confirm_attendance(S2, sup), "role")
    refused(lambda: svc.record_absence(S2, sup, REGS2[3]["registration_id"], "late"), "role")
    refused(lambda: svc.pause(S2, sup, "监督人要求暂停"), "role")
    svc.pause(S2, roles["host"], "设备故障")
    refused(lambda: svc.resume(S2, sup, "已恢复"), "role")
    assert svc.view(S2).paused  # nothing the supervisor pressed changed the opening


def test_the_supervisor_cannot_answer_an_objection(hall: Hall) -> None:
    svc = OpeningService(hall)
    run_to_signing_until_objections(hall, svc)
    sup = take_roles(hall, S2, ("supervisor",))["supervisor"]
    refused(lambda: svc.answer_objection(S2, sup, 1, "监督人答复"), "role")
    assert svc.view(S2).open_objections  # still unanswered
    assert not [p for k, p in kinds(hall) if k == "opening.answer"]


def run_to_signing_until_objections(hall: Hall, svc: OpeningService) -> None:
    """To 唱标 with one objection raised (by the host, for a bidder) and unanswered."""
    host = take_roles(hall, S2, ("host",))["host"]
    for r in REGS2[:3]:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.record_absence(S2, host, REGS2[3]["registration_id"], "late")
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)
    hall.clock.advance(5)
    svc.start_decryption(S2, host, starter=lambda sid: None)
    publish_results(hall, S2)
    svc.refresh_decryption(S2)
    svc.finish_decryption(S2, host)
    svc.raise_objection(S2, host, REGS2[0]["bidder"]["name"], "唱标顺序有误")


def test_a_witness_and_a_recorder_run_no_stage(hall: Hall) -> None:
    svc = OpeningService(hall)
    roles = take_roles(hall, S2, ("host", "recorder", "witness"))
    refused(lambda: svc.announce(S2, roles["witness"]), "role")
    refused(lambda: svc.announce(S2, roles["recorder"]), "role")
    to_attendance(hall, svc, roles["host"])
    refused(lambda: svc.record_absence(S2, roles["witness"], REGS2[3]["registration_id"], "late"), "role")
    v = svc.record_absence(S2, roles["recorder"], REGS2[3]["registration_id"], "late")  # the recorder records
    assert v.bidder(REGS2[3]["registration_id"]).absent_reason
    absence = [p for k, p in kinds(hall) if k == "opening.absence"][0]
    assert absence["actor"] == "clerk"  # the standing-in account, as the journal names it


def test_the_tenderers_representative_runs_nothing_in_the_core(hall: Hall) -> None:
    """The 招标人代表 attends and signs (session 1 appoints one); the opening is run by the host alone:
    announcing, recording an absence, entering or answering an objection, pausing — each refused ``role``."""
    svc = OpeningService(hall)
    rep = take_roles(hall, S1, ("host", "tenderer_rep"))["tenderer_rep"]
    refused(lambda: svc.announce(S1, rep), "role")
    refused(lambda: svc.record_absence(S1, rep, "R-x", "late"), "role")
    refused(lambda: svc.raise_objection(S1, rep, "某投标人", "代表登记的异议"), "role")
    refused(lambda: svc.answer_objection(S1, rep, 1, "代表答复"), "role")
    refused(lambda: svc.pause(S1, rep, "代表要求暂停"), "role")
    assert svc.view(S1).stage == "scheduled"
    assert not [k for k, _p in kinds(hall) if k.startswith("opening.")]


def test_a_released_host_and_another_sessions_host_cannot_act(hall: Hall) -> None:
    svc = OpeningService(hall)
    host = take_roles(hall, S2, ("host",))["host"]
    svc.announce(S2, host)
    StaffingService(hall).release(host)
    e = refused(lambda: svc.go_back(S2, host, "重来"), "released")
    assert "重新刷身份证" in e.zh
    other = take_roles(hall, S1, ("host",))["host"]  # 韩志刚, appointed host of session 1 only
    refused(lambda: svc.go_back(S2, other, "重来"), "other_session")
    assert svc.view(S2).stage == "announced"
    again = take_roles(hall, S2, ("host",))["host"]  # the appointee signs in again: a new holding acts
    assert again.id != host.id and svc.go_back(S2, again, "重来").stage == "scheduled"


def test_a_held_witness_signs_and_the_record_names_everyone_in_their_role(hall: Hall) -> None:
    """Signing: a witness who holds a role must sign; the record titles each person (RECORD_TITLES)."""
    svc = OpeningService(hall)
    run_to_signing(hall, svc)
    with hall.reading() as s:  # until the record is signed the opening's state keeps holdings and masked names only
        state = json.dumps(s.get(OpeningState, S2).data, ensure_ascii=False)
    assert "周*燕" in state and "周海燕" not in state
    held = take_roles(hall, S2, ("host", "recorder", "supervisor", "witness"))
    sig = signers(hall, S2, held)
    with pytest.raises(OpeningError) as e:
        svc.sign_and_close(S2, [x for x in sig if x.role != "witness"])
    assert e.value.code == "signers" and "见证人" in e.value.zh
    res = svc.sign_and_close(S2, sig)
    staff = [(x["title"], x["name"]) for x in res.payload["staff"]]
    assert staff == [("开标人/主持人", "周海燕"), ("唱标人", "周海燕"), ("记录人", "赵窗口"), ("监标人/监督人", "钱明"),
                     ("见证人", "赵晓东")]
    flat = "".join(pdf_text(res.path).split())
    for title, name in staff:
        assert title + name in flat
    assert "主持人周*燕" in flat and "host:" not in flat  # the objection's 答复人, by title (actor_label)
    signed_by = [p for k, p in kinds(hall) if k == "opening.stage" and p.get("stage") == "closed"][0]["signed_by"]
    assert signed_by == {"host": "host:周*燕", "recorder": "clerk", "supervisor": "supervisor:钱*", "witness": "witness:赵*东"}
