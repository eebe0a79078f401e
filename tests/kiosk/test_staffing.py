"""Session roles (docs/rules/staffing.md): the card must be the appointee's, a hall account stands in only
where the platform named nobody and then with a reason, one person holds one role, every attempt is journalled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry, PfSession
from kiosk.db.models_staffing import PfSessionStaff
from kiosk.hall import Hall
from kiosk.operators import AccessError
from kiosk.ports import IdCard
from kiosk.staffing import StaffingService, current
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day, person, staff_person
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S1 = DAY["sessions"][0]["session_id"]  # appoints host 0, recorder 1, supervisor 2, witness 3, tenderer_rep 4
S2 = DAY["sessions"][1]["session_id"]  # appoints host 7, supervisor 8, witness 3: no recorder


def card(entry: dict[str, str]) -> IdCard:
    return IdCard(card_type="resident", name=entry["name"], gender="男", birth_date="1980-01-01",
                  id_number=entry["id_number"], valid_from="2020-01-01", valid_until="长期")


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(TODAY, dt.time(9, 0), BEIJING)))
    yield h
    h.close()


def kinds(hall: Hall) -> list[str]:
    with hall.reading() as s:
        return list(s.scalars(select(JournalEntry.kind).where(JournalEntry.kind.like("staff.%")).order_by(JournalEntry.seq)))


def test_the_staff_id_numbers_are_stored_only_as_hmac_and_ciphertext(hall: Hall) -> None:
    number = staff_person(0, "host")["id_number"]
    with hall.reading() as s:
        rows = [(r.role, r.id_hmac, r.id_enc) for r in s.scalars(select(PfSessionStaff).where(PfSessionStaff.session_id == S1))]
        data = s.get(PfSession, S1).data
    assert {r[0] for r in rows} == {"host", "recorder", "supervisor", "witness", "tenderer_rep"}
    assert number not in repr(data) and all(number.encode() not in r[2] for r in rows)
    assert any(r[1] in hall.vault.lookup_hmacs(number) for r in rows)


def test_the_appointed_host_takes_the_role_by_card_and_the_record_names_them(hall: Hall) -> None:
    svc = StaffingService(hall)
    h = svc.take_role(S1, "host", card=card(staff_person(0, "host")))
    assert (h.role, h.name, h.method, h.appointed) == ("host", "韩志刚", "card", True)
    assert [a.held for a in svc.appointees(S1) if a.role == "host"] == [True]
    assert kinds(hall) == ["staff.role_taken"]


def test_a_card_that_is_not_the_appointees_is_refused_and_journalled(hall: Hall) -> None:
    svc = StaffingService(hall)
    with pytest.raises(AccessError) as e:
        svc.take_role(S1, "host", card=card(person(0)))  # a bidder's card
    assert e.value.code == "not_appointed"
    with pytest.raises(AccessError) as e:
        svc.take_role(S1, "host", username="host", pin="111111")  # the hall's host account, no card
    assert e.value.code == "card_required"
    assert kinds(hall) == ["staff.role_refused", "staff.role_refused"]
    assert svc.holders(S1) == []


def test_a_hall_account_stands_in_only_where_nobody_was_appointed_and_with_a_reason(hall: Hall) -> None:
    svc = StaffingService(hall)
    with pytest.raises(AccessError) as e:
        svc.take_role(S2, "recorder", username="clerk", pin="333333")
    assert e.value.code == "reason"
    h = svc.take_role(S2, "recorder", username="clerk", pin="333333", reason="平台未指定记录人，由窗口人员记录")
    assert (h.method, h.appointed, h.operator) == ("account", False, "clerk")
    with pytest.raises(AccessError) as e:  # an admin account is no session role
        svc.take_role(S2, "recorder", username="admin", pin="123456", reason="x")
    assert e.value.code == "role"
    with pytest.raises(AccessError) as e:  # a 招标人代表 is never a hall account
        svc.take_role(S2, "tenderer_rep", username="clerk", pin="333333", reason="x")
    assert e.value.code == "no_appointee"


def test_one_person_never_holds_two_roles_in_one_session(hall: Hall) -> None:
    svc = StaffingService(hall)
    witness = card(staff_person(3, "witness"))
    svc.take_role(S2, "witness", card=witness)
    with hall.unit() as s:  # the witness's card is also, wrongly, appointed supervisor
        s.add(PfSessionStaff(session_id=S2, role="supervisor", name="赵晓东", org="", id_hmac=hall.vault.lookup_hmac(witness.id_number),
                             id_enc=hall.vault.encrypt(witness.id_number)))
    with pytest.raises(AccessError) as e:
        svc.take_role(S2, "supervisor", card=witness)
    assert e.value.code == "two_roles"
    svc.take_role(S2, "recorder", username="clerk", pin="333333", reason="平台未指定记录人")
    with pytest.raises(AccessError) as e:  # the same hall account cannot also stand in as host … nor as witness
        svc.take_role(S2, "host", username="clerk", pin="333333", reason="x")
    assert e.value.code in ("card_required", "two_roles")


def test_a_card_bound_to_a_hall_account_needs_that_accounts_pin_too(hall: Hall) -> None:
    svc = StaffingService(hall)
    witness = card(staff_person(3, "witness"))
    with hall.unit() as s:
        hall.operators.link_card(s, "clerk", hall.vault.lookup_hmac(witness.id_number))
    with pytest.raises(AccessError) as e:
        svc.take_role(S1, "witness", card=witness)
    assert e.value.code == "pin_required"
    with pytest.raises(AccessError) as e:
        svc.take_role(S1, "witness", card=witness, pin="000000")
    assert e.value.code == "wrong-pin"
    h = svc.take_role(S1, "witness", card=witness, pin="333333")
    assert (h.method, h.operator) == ("card+pin", "clerk")


def test_a_handed_over_role_can_no_longer_act_and_taking_it_again_is_a_re_sign_in(hall: Hall) -> None:
    svc = StaffingService(hall)
    first = svc.take_role(S2, "recorder", username="clerk", pin="333333", reason="平台未指定记录人")
    assert svc.take_role(S2, "recorder", username="clerk", pin="333333", reason="again").id == first.id
    with hall.unit() as s:
        hall.operators.add(s, "clerk2", "钱窗口", "clerk", "555555")
    second = svc.take_role(S2, "recorder", username="clerk2", pin="555555", reason="换班")
    with hall.unit() as s, pytest.raises(AccessError) as e:
        current(s, first, S2, ("recorder",))
    assert e.value.code == "released"
    with hall.unit() as s:
        assert current(s, second, S2, ("recorder",)).operator == "clerk2"
        with pytest.raises(AccessError) as e:
            current(s, second, S2, ("host",))
        assert e.value.code == "role"
    assert kinds(hall)[-2:] == ["staff.role_released", "staff.role_taken"]


def test_the_appointees_id_numbers_are_purged_on_the_retention_clock(hall: Hall) -> None:
    later = hall.clock.now() + dt.timedelta(days=hall.config.security.pii_retention_days + 2)
    plan = hall.pii_purge_plan(later)
    done = hall.purge_personal_data(later, operator="admin", confirm_clock=True)
    assert done.session_staff == plan.session_staff == 5 + 3 + 3 + 3 + 3 + 4  # every appointment of the demo's six sessions
    with hall.reading() as s:
        assert all(r == b"" for r in s.scalars(select(PfSessionStaff.id_enc)))


S4 = DAY["sessions"][3]["session_id"]  # the car auction: appoints auctioneer, supervisor, witness


def _pairs(session: dict) -> list[tuple[str, str, str]]:
    roles = [x["role"] for x in session["staff"]]
    return [(session["session_id"], a, b) for a in roles for b in roles if a != b]


PAIRS = _pairs(DAY["sessions"][0]) + _pairs(DAY["sessions"][3])


@pytest.mark.parametrize(("sid", "first", "second"), PAIRS,
                         ids=[f"{'opening' if sid == S1 else 'auction'}-{a}-{b}" for sid, a, b in PAIRS])
def test_each_forbidden_pair_of_roles_is_refused_to_one_person_in_the_core(hall: Hall, sid: str, first: str, second: str) -> None:
    """Separation of duties (issue 15 must 1), every ordered pair of the roles an opening (S1: host,
    recorder, supervisor, witness, 招标人代表) and an auction (拍卖师, supervisor, witness) appoint: the
    person who holds ``first`` is, wrongly, appointed to ``second`` too — taking it is refused by
    ``StaffingService.take_role`` itself (``two_roles``), journalled, and ``first`` still holds."""
    session = next(x for x in DAY["sessions"] if x["session_id"] == sid)
    person = next(x for x in session["staff"] if x["role"] == first)
    svc = StaffingService(hall)
    held = svc.take_role(sid, first, card=card(person))
    with hall.unit() as s:  # the platform's list names the same person in a second role
        s.add(PfSessionStaff(session_id=sid, role=second, name=person["name"], org=person.get("org", ""),
                             id_hmac=hall.vault.lookup_hmac(person["id_number"]), id_enc=hall.vault.encrypt(person["id_number"])))
    with pytest.raises(AccessError) as e:
        svc.take_role(sid, second, card=card(person))
    assert e.value.code == "two_roles"
    assert kinds(hall)[-1] == "staff.role_refused"
    with hall.reading() as s:
        assert current(s, held, sid, (first,)) is not None  # the first role is untouched


def test_a_journal_actor_prints_on_the_record_by_its_title() -> None:
    # the 开标记录's 答复人 column: a role holder by card is journalled as "<role>:<masked name>"
    from kiosk.staffing.rules import actor_label

    assert actor_label("host:周*燕") == "主持人 周*燕"
    assert actor_label("supervisor:李*") == "监督人 李*"
    assert actor_label("host1") == "host1"  # a hall account standing in: its name as it is
    assert actor_label("nobody:王*") == "nobody:王*"  # not a role: never dressed up as one
