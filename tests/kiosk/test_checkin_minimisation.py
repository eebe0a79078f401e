"""A refused tap by someone registered for nothing today journals no name and no HMAC (issue 20 item 8).

Issue 20: a passer-by's refused tap (``not_registered``) journalled their full name and
``person_id_hmac`` forever; with the journal secret the HMAC was reversed to the ID number in 12
guesses. Now such a refusal is a ``checkin.refused_unregistered`` entry: the reason and a count.
The journal rows themselves are read back (every column of every row), not the service's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.checkin import CheckinService, FaceCapture
from kiosk.checkin.service import UNREGISTERED_REFUSAL_KIND
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.ports import IdCard
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded_hall_at

JPEG = b"\xff\xd8\xff\xe0a-face-photo-for-the-minimisation-test\xff\xd9"


def _card(i: int, *, valid_until: str = "长期") -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until=valid_until)


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    with seeded_hall_at(tmp_path) as h:
        yield h


def _rows(hall: Hall) -> list[JournalEntry]:
    with hall.reading() as s:
        rows = list(s.scalars(select(JournalEntry).order_by(JournalEntry.seq)))
        s.expunge_all()
        return rows


def _traces(hall: Hall, i: int) -> list[str]:
    """What would identify person ``i``: the name, the ID number, the platform's and the local HMAC."""
    p = person(i)
    return [p["name"], p["id_number"], hall.person_hmac(p["id_number"]), hall.vault.lookup_hmac(p["id_number"])]


def _raw(row: JournalEntry) -> str:
    return " ".join(str(getattr(row, c.name)) for c in JournalEntry.__table__.columns)


@pytest.mark.parametrize(("make", "code"), [
    (lambda: _card(16), "not_registered"),  # a blacklisted person with no registration at all
    (lambda: _card(10), "other_day"),  # registered for tomorrow only: nothing today
    (lambda: _card(16, valid_until="2020-01-01"), "card_expired"),  # a card refusal of someone with nothing today
])
def test_a_refused_tap_by_someone_with_nothing_today_leaves_no_name_or_hmac(hall: Hall, make, code: str) -> None:  # type: ignore[no-untyped-def]
    svc = CheckinService(hall)
    card = make()
    before = len(_rows(hall))
    ev = svc.evaluate(card)
    assert ev.first_refusal is not None and ev.first_refusal.code == code
    new = _rows(hall)[before:]
    assert [r.kind for r in new] == [UNREGISTERED_REFUSAL_KIND] and [r.seq for r in new] == list(ev.journal_seqs)
    payload = new[0].payload
    assert '"count":1' in payload and f'"refusal_code":"{code}"' in payload and '"method":"idcard"' in payload
    idx = _traces(hall, 16 if card.name == person(16)["name"] else 10)
    for row in new:
        for trace in idx:
            assert trace not in _raw(row)
    assert "有效期至" not in payload  # the refusal's detail (the card's own data) is left out too
    assert hall.verify_journal().ok


def test_check_in_by_someone_with_nothing_today_is_anonymous_too(hall: Hall) -> None:
    """The check-in call (the screen's second step, or a crafted request) refuses the same way."""
    svc = CheckinService(hall)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    before = len(_rows(hall))
    out = svc.check_in(_card(16), sid, face=FaceCapture(JPEG, "captured"))
    assert out.refusal is not None and out.refusal.code == "not_registered" and not out.accepted
    new = _rows(hall)[before:]
    assert [r.kind for r in new] == [UNREGISTERED_REFUSAL_KIND]
    for trace in _traces(hall, 16):
        assert all(trace not in _raw(r) for r in new)


def test_a_registered_persons_refusal_still_names_them_for_the_platform(hall: Hall) -> None:
    """Someone registered today whose card has expired: §4's checkin.recorded, placed on today's session."""
    svc = CheckinService(hall)
    before = len(_rows(hall))
    ev = svc.evaluate(_card(0, valid_until="2020-01-01"))
    assert ev.first_refusal is not None and ev.first_refusal.code == "card_expired"
    [row] = _rows(hall)[before:]
    assert row.kind == "checkin.recorded"
    assert person(0)["name"] in row.payload and hall.person_hmac(person(0)["id_number"]) in row.payload
    assert '"session_id":""' not in row.payload and person(0)["id_number"] not in row.payload
