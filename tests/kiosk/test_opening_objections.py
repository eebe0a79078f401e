"""Objections raised by a bidder with their ID card at a kiosk (docs/rules/opening.md §2 step 7,
REG 44): who may raise one and when, what is journalled, and that the host must answer it on the spot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.opening import OBJECTION_CATEGORIES, OpeningError, OpeningService
from kiosk.pii import mask_name
from sync.sandbox.seed import person
from tests.kiosk.test_opening import (
    REGS2,
    S2,
    check_in,
    decrypt_all,
    kinds,
    op,
    open_hall,
    to_attendance,
)


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    h = open_hall(tmp_path)
    yield h
    h.close()


def idn(reg: dict, i: int = 0) -> str:
    return reg["representatives"][i]["id_number"]


def to_reading(hall: Hall, svc: OpeningService) -> None:
    """Three of four bidders checked in (REGS2[3] absent, late); decrypted; at the first 唱标."""
    host = op(hall, "host")
    for r in REGS2[:3]:
        check_in(hall, S2, r)
    to_attendance(hall, svc, host)
    svc.record_absence(S2, host, REGS2[3]["registration_id"], "late")
    decrypt_all(hall, svc, host, advance_s=5)
    svc.read_next(S2, host)


def test_kiosk_objection_refused_when_no_opening_is_under_way(hall: Hall) -> None:
    svc = OpeningService(hall)
    check_in(hall, S2, REGS2[0])  # scheduled: the opening has not begun (from the discipline on, REG 44: D2)
    with pytest.raises(OpeningError) as e:
        svc.objection_targets(idn(REGS2[0]))
    assert e.value.code == "no-open-opening" and "正在进行" in e.value.zh


def test_kiosk_objection_refused_for_strangers_and_for_bidders_not_checked_in(hall: Hall) -> None:
    svc = OpeningService(hall)
    to_reading(hall, svc)
    with pytest.raises(OpeningError) as e:
        svc.objection_targets(person(16)["id_number"])  # registered for nothing today
    assert e.value.code == "not-representative" and "不是" in e.value.zh and e.value.en
    with pytest.raises(OpeningError) as e:
        svc.objection_targets(idn(REGS2[3]))  # a representative, but absent
    assert e.value.code == "not-checked-in" and "签到" in e.value.zh
    # a raise for someone else's registration is refused too (checked again at submission)
    with pytest.raises(OpeningError):
        svc.raise_objection_at_kiosk(S2, REGS2[1]["registration_id"], idn(REGS2[0]), "reading")


def test_kiosk_objection_refused_while_paused(hall: Hall) -> None:
    svc = OpeningService(hall)
    to_reading(hall, svc)
    svc.pause(S2, op(hall, "host"), "设备故障")
    with pytest.raises(OpeningError) as e:
        svc.objection_targets(idn(REGS2[0]))
    assert e.value.code == "paused"


def test_kiosk_objection_category_alone_journalled_without_id_number_and_must_be_answered(hall: Hall) -> None:
    svc = OpeningService(hall)
    to_reading(hall, svc)
    host = op(hall, "host")
    reg = REGS2[0]
    targets = svc.objection_targets(idn(reg))
    assert [(t.session_id, t.registration_id, t.bidder_name) for t in targets] == [(S2, reg["registration_id"], reg["bidder"]["name"])]
    full = reg["representatives"][0]["name"]
    assert targets[0].person_name == mask_name(full) != full
    with pytest.raises(OpeningError, match="category"):
        svc.raise_objection_at_kiosk(S2, reg["registration_id"], idn(reg), "nonsense")
    with pytest.raises(OpeningError, match="too-long"):
        svc.raise_objection_at_kiosk(S2, reg["registration_id"], idn(reg), "other", "字" * 201)
    v, no = svc.raise_objection_at_kiosk(S2, reg["registration_id"], idn(reg), "reading", terminal_id="KIOSK-07")
    assert no == 1
    o = v.objections[0]
    assert (o.source, o.category, o.registration_id, o.by) == ("kiosk", "reading", reg["registration_id"], reg["bidder"]["name"])
    assert o.content == OBJECTION_CATEGORIES["reading"][0] and v.open_objections == (o,)
    # the same objection again before it is answered: refused; another category or with text: accepted
    with pytest.raises(OpeningError, match="duplicate"):
        svc.raise_objection_at_kiosk(S2, reg["registration_id"], idn(reg), "reading")
    v, no2 = svc.raise_objection_at_kiosk(S2, reg["registration_id"], idn(reg), "procedure", "  唱标  顺序与递交顺序不符 ")
    assert no2 == 2 and v.objections[1].content == "对开标程序有异议：唱标 顺序与递交顺序不符"
    entries = [p for k, p in kinds(hall) if k == "opening.objection"]
    assert entries[0]["source"] == "kiosk" and entries[0]["actor"] == "kiosk:KIOSK-07"
    assert entries[0]["registration_id"] == reg["registration_id"] and entries[0]["by"] == reg["bidder"]["name"]
    assert entries[0]["person_name"] == mask_name(full) and entries[0]["category"] == "reading"
    with hall.reading() as s:
        everything = " ".join(s.scalars(select(JournalEntry.payload)))
    for r in REGS2:
        for rep in r["representatives"]:
            assert rep["id_number"] not in everything
    # the host answers on the spot; nothing moves on while one is open (REG 44)
    for _ in REGS2[1:]:
        svc.read_next(S2, host)
    svc.finish_reading(S2, host)
    with pytest.raises(OpeningError, match="unanswered"):
        svc.close_objections(S2, host)
    svc.answer_objection(S2, host, 1, "唱标内容以开标一览表为准，已当场核对")
    svc.answer_objection(S2, host, 2, "按递交顺序唱标，已核对递交时间")
    answers = [p for k, p in kinds(hall) if k == "opening.answer"]
    assert [a["source"] for a in answers] == ["kiosk", "kiosk"]
    assert svc.close_objections(S2, host).stage == "confirmation"
    # the whole 开标现场 takes objections (REG 44; D2): still at the confirmation stage
    assert [t.stage for t in svc.objection_targets(idn(reg))] == ["confirmation"]
