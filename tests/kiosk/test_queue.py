"""Queue rules on a real SQLite hall: numbering, daily reset, issuing limits, calls, journal."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.ports import IdCard
from kiosk.queue import (
    CounterInfo,
    QueueError,
    QueueService,
    ServiceInfo,
    age_on,
    format_ticket_no,
    stats_csv_rows,
)
from kiosk.records import validate
from kiosk.timeutil import BEIJING

MORNING = dt.datetime(2026, 11, 27, 9, 0, tzinfo=BEIJING)
ID_NUMBER = "150102195001011237"


def card(id_number: str = ID_NUMBER, birth: str = "1950-01-01") -> IdCard:
    return IdCard("resident", "张三", "男", birth, id_number, "2020-01-01", "长期")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def q(tmp_path: Path, clock: FixedClock) -> Iterator[QueueService]:
    hall = Hall.open(load_config(data_dir=tmp_path / "data", environ={}), clock=clock)
    queue = QueueService(hall)
    queue.seed_if_empty("test")
    yield queue
    hall.close()


def entries(q: QueueService, kind: str | None = None) -> list:
    out = [e for e in q.hall.recent_entries(10_000)[::-1] if kind is None or e.kind == kind]
    return out


def test_numbering_per_service_and_day(q: QueueService, clock: FixedClock) -> None:
    a1, a2, b1 = q.issue("deposit"), q.issue("A"), q.issue("contract")
    assert (a1.ticket_no, a2.ticket_no, b1.ticket_no) == ("A001", "A002", "B001")
    assert a2.people_ahead == 1 and a1.people_ahead == 0
    assert a1.token != a2.token and len(a1.token) >= 12 and "A001" not in a1.qr_data
    issued = entries(q, "ticket.issued")
    assert [e.payload["ticket_no"] for e in issued] == ["A001", "A002", "B001"]
    assert set(issued[0].payload) >= {"ticket_id", "ticket_no", "service_code", "issued_at", "business_date"}
    assert issued[0].payload["business_date"] == "2026-11-27"
    # next day: numbers start again, yesterday's open tickets are closed as expired, never deleted
    clock.set(MORNING + dt.timedelta(days=1))
    assert q.issue("deposit").ticket_no == "A001"
    expired = [e for e in entries(q, "ticket.finished") if e.payload["outcome"] == "expired"]
    assert sorted(e.payload["ticket_no"] for e in expired) == ["A001", "A002", "B001"]
    with q.hall.reading() as s:
        assert s.execute(text("SELECT count(*) FROM q_tickets")).scalar() == 4
    assert q.lookup(a1.qr_data).status == "done" and q.lookup(a1.qr_data).outcome == "expired"
    assert q.hall.verify_journal().ok


def test_business_day_is_the_beijing_date(q: QueueService, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC))  # 09:00 Beijing
    assert q.issue("A").business_date == dt.date(2026, 11, 27)


def test_outside_hours_and_used_up(q: QueueService, clock: FixedClock) -> None:
    clock.set(MORNING.replace(hour=7))
    with pytest.raises(QueueError) as err:
        q.issue("A")
    assert err.value.code == "closed" and "08:30" in err.value.zh
    assert {a.code: a.state for a in q.availability()}["deposit"] == "closed"
    clock.set(MORNING)
    q.save_service(ServiceInfo("small", "E", "小业务", "Small", 1, 999, 2, "08:00", "18:00"), "admin")
    q.issue("small")
    q.issue("small")
    with pytest.raises(QueueError) as err:
        q.issue("small")
    assert err.value.code == "used-up" and "已取完" in err.value.zh
    assert {a.code: a.state for a in q.availability()}["small"] == "used-up"
    # a range smaller than the quota also stops numbering: never past last_no, never reused
    q.save_service(ServiceInfo("tiny", "F", "窄号段", "", 98, 99, 50, "08:00", "18:00"), "admin")
    assert [q.issue("F").ticket_no for _ in range(2)] == ["F098", "F099"]
    with pytest.raises(QueueError):
        q.issue("F")


def test_service_validation(q: QueueService) -> None:
    for bad, word in (
        (ServiceInfo("x", "O", "X"), "I、O"),
        (ServiceInfo("x", "A", "X"), "已被"),
        (ServiceInfo("x", "X", "X", open_from="9:00"), "HH:MM"),
        (ServiceInfo("x", "X", "X", first_no=5, last_no=4), "范围"),
    ):
        with pytest.raises(QueueError) as err:
            q.save_service(bad, "admin")
        assert word in err.value.zh
    with pytest.raises(QueueError):
        q.save_counter(CounterInfo("9", "", ("nope",)), "admin")


def test_one_open_ticket_per_person_and_priority_by_age(q: QueueService) -> None:
    t1 = q.issue("A", card())
    assert t1.priority and t1.priority_reason == "age70"
    again = q.issue("A", card())
    assert again.reprint and again.ticket_id == t1.ticket_id
    assert entries(q, "ticket.reprinted")[-1].payload["ticket_no"] == t1.ticket_no
    other_service = q.issue("B", card())
    assert not other_service.reprint
    young = q.issue("A", card("150102199001011234", "1990-01-01"))
    assert not young.priority and young.ticket_no == "A002"
    assert age_on("1956-11-28", dt.date(2026, 11, 27)) == 69
    assert age_on("1956-11-27", dt.date(2026, 11, 27)) == 70


def test_priority_ratio_never_starves_normal_tickets(q: QueueService, clock: FixedClock) -> None:
    q.save_counter(CounterInfo("1", "", ("deposit",), 2), "admin")
    normal = [q.issue("A").ticket_no for _ in range(3)]
    clock.advance(60)
    prio = [q.issue("A", card(f"15010219500101{i:03d}X", "1950-01-01")).ticket_no for i in range(5)]
    order = []
    for _ in range(8):
        t = q.call_next("1", "clerk")
        assert t is not None
        order.append(t.ticket_no)
        q.finish("1")
    # 2 priority : 1 normal
    assert order == [prio[0], prio[1], normal[0], prio[2], prio[3], normal[1], prio[4], normal[2]]
    assert q.call_next("1", "clerk") is None


def test_longest_waiting_across_the_counters_queues(q: QueueService, clock: FixedClock) -> None:
    b = q.issue("B")
    clock.advance(30)
    a = q.issue("A")
    clock.advance(30)
    assert q.call_next("2", "clerk").ticket_no == b.ticket_no  # counter 2 serves A and B
    q.finish("2")
    assert q.call_next("2", "clerk").ticket_no == a.ticket_no


def test_counter_flow_recall_miss_reactivate_hold_transfer(q: QueueService, clock: FixedClock) -> None:
    tickets = []
    for _ in range(6):
        tickets.append(q.issue("A"))
        clock.advance(10)
    first = q.call_next("1", "clerk")
    assert first.ticket_no == "A001" and first.counter_no == "1"
    with pytest.raises(QueueError) as err:
        q.call_next("1", "clerk")
    assert err.value.code == "busy"
    for n in range(2, 5):
        assert q.recall("1").call_count == n
    with pytest.raises(QueueError) as err:
        q.recall("1")
    assert err.value.code == "recall-limit"
    missed = q.miss("1")
    assert missed.status == "missed"
    assert q.counter_state("1").missed[0].ticket_no == "A001"
    with pytest.raises(QueueError) as err:
        q.reactivate(missed.ticket_id)
    assert err.value.code == "too-early"
    clock.advance(5 * 60)
    back = q.reactivate(missed.ticket_id)
    assert back.status == "waiting" and back.people_ahead == 3  # behind 3 waiting tickets, not at the head
    # hold and call back by the same counter
    t2 = q.call_next("1", "clerk")
    assert t2.ticket_no == "A002"
    held = q.hold("1")
    assert held.status == "held" and held.held_by == "1"
    with pytest.raises(QueueError):
        q.call_back("2", held.ticket_id)
    assert q.call_back("1", held.ticket_id, "clerk").status == "called"
    # transfer keeps the original arrival time: A002 goes ahead of every later B ticket
    clock.advance(60)
    b_later = q.issue("B")
    moved = q.transfer("1", "contract")
    assert moved.service_code == "contract" and moved.ticket_no == "A002" and moved.people_ahead == 0
    assert q.lookup(b_later.token).people_ahead == 1
    assert q.call_next("3", "clerk2").ticket_no == "A002"
    assert q.finish("3", note="材料齐全").outcome == "served"
    outcomes = [(e.payload["ticket_no"], e.payload["outcome"]) for e in entries(q, "ticket.finished")]
    assert outcomes == [("A001", "missed"), ("A002", "transferred"), ("A002", "served")]
    for e in entries(q):
        if e.kind.startswith("ticket."):
            validate(e.kind, e.payload)
            assert "150102" not in json.dumps(e.payload)
    assert {e.kind for e in entries(q)} >= {"ticket.issued", "ticket.called", "ticket.finished", "ticket.held", "ticket.requeued", "ticket.transferred"}
    assert len(tickets) == 6 and q.hall.verify_journal().ok


def test_call_next_can_close_the_current_ticket(q: QueueService) -> None:
    q.issue("A")
    q.issue("A")
    q.call_next("1", "clerk")
    nxt = q.call_next("1", "clerk", close_current="served")
    assert nxt.ticket_no == "A002"
    assert entries(q, "ticket.finished")[-1].payload["outcome"] == "served"


def test_board_state_and_statistics(q: QueueService, clock: FixedClock) -> None:
    for _ in range(4):
        q.issue("A")
    q.issue("D")
    for _ in range(3):
        clock.advance(120)
        q.call_next("1", "clerk")
        clock.advance(240)
        q.finish("1")
    q.call_next("1", "clerk")
    q.miss("1")
    board = q.board()
    row = next(r for r in board.counters if r.counter_no == "1")
    assert row.current is None and row.recent[:2] == ("A004", "A003")
    assert dict((c, n) for c, _n, _e, n in board.waiting)["consult"] == 1
    st = q.daily_stats()
    assert st.total.tickets == 5 and st.total.served == 3 and st.total.no_shows == 1
    dep = next(g for g in st.by_service if g.key == "deposit")
    assert dep.service_avg_s == 240 and dep.wait_p50_s is not None and dep.wait_p90_s >= dep.wait_p50_s
    assert [g.key for g in st.by_counter] == ["1"] and st.by_clerk[0].key == "clerk"
    rows = stats_csv_rows(st)
    assert rows[0][:3] == ["date", "group", "key"] and any(r[1] == "hour" and r[2] == "09" for r in rows)


def test_ticket_number_format() -> None:
    assert format_ticket_no("A", 12, 999) == "A012"
    assert format_ticket_no("B", 7, 1500) == "B0007"


def test_id_number_never_stored(q: QueueService, tmp_path: Path) -> None:
    q.issue("A", card())
    q.issue("B", card())
    q.hall.close()
    for f in (tmp_path / "data").glob("hall.db*"):
        assert ID_NUMBER.encode() not in f.read_bytes(), f.name
