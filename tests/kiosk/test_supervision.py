"""The supervision service (docs/rules/supervision.md): alerts journalled once and acknowledged with a
note, the supervisor's pause/resume orders exactly as docs/platform-api.md §7.4, the witness's notes per
checklist, all over a real hall with roles taken by the appointees' cards and a real opening."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.errors import HallError
from kiosk.hall import Hall
from kiosk.journal import JournalFollower
from kiosk.opening import STAGE_ZH, OpeningService
from kiosk.operators import AccessError
from kiosk.supervision import SupervisionService, Watch, paused_by_supervisor, witness_notes
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.roles import take_roles

TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S1 = DAY["sessions"][0]["session_id"]  # KB-03, 09:30; appoints host, recorder, supervisor, witness, tenderer_rep
START1 = dt.datetime.combine(TODAY, dt.time(9, 30), BEIJING)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    from tests.helpers.seeded import seeded

    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    h = Hall.open(cfg, clock=FixedClock(START1 - dt.timedelta(minutes=20)))
    yield h
    h.close()


def payloads(hall: Hall, kind: str) -> list[dict]:
    with hall.reading() as s:
        import json

        return [json.loads(b) for b in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == kind)
                                                 .order_by(JournalEntry.seq))]


def test_an_alert_is_journalled_once_by_two_walls_and_acknowledged_with_a_note(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("host", "supervisor", "witness"))
    svc = SupervisionService(hall)
    a, b = Watch(svc), Watch(SupervisionService(hall))
    a.load()
    b.load()
    hall.clock.set(START1 + dt.timedelta(minutes=4, seconds=59))  # type: ignore[attr-defined]
    assert a.check() == []
    hall.clock.set(START1 + dt.timedelta(minutes=5))  # type: ignore[attr-defined]
    raised = a.check() + b.check()
    assert [r.alert.key for r in raised] == [f"opening_late:{S1}"]
    (p,) = payloads(hall, "supervision.alert")
    assert (p["rule"], p["room_code"], p["session_id"]) == ("opening_late", "KB-03", S1) and p["text_zh"].startswith("开标时间已过")
    with pytest.raises(HallError) as e:
        svc.acknowledge(raised[0].seq, "  ", staff["supervisor"])
    assert e.value.code == "note"
    with pytest.raises(AccessError):  # the witness is no supervisor
        svc.acknowledge(raised[0].seq, "已电话联系主持人", staff["witness"])
    done = svc.acknowledge(raised[0].seq, "已电话联系主持人，投标人迟到", staff["supervisor"])
    assert done.acked and done.ack_by == staff["supervisor"].username
    with pytest.raises(HallError) as e:
        svc.acknowledge(raised[0].seq, "again", staff["supervisor"])
    assert e.value.code == "acked"
    assert svc.alerts(open_only=True) == [] and svc.alerts()[0].ack_note == "已电话联系主持人，投标人迟到"
    (ack,) = payloads(hall, "supervision.ack")
    assert "韩志刚" not in str(ack) and ack["alert_key"] == f"opening_late:{S1}"


def test_the_watch_follows_a_real_opening_and_raises_a_host_pause_held_over_15_minutes(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("host", "supervisor"))
    opening = OpeningService(hall)
    watch = Watch(SupervisionService(hall))
    watch.load()
    follower = JournalFollower(hall.engine, after_seq=0, interval=0.01)
    follower.poll()  # the watch loaded today's entries itself: the follower starts at the head
    opening.announce(S1, staff["host"])
    hall.clock.set(START1)  # type: ignore[attr-defined]
    opening.publish_bidders(S1, staff["host"])
    opening.pause(S1, staff["host"], "投影仪故障")
    watch.feed(follower.poll())
    hall.clock.advance(15 * 60)  # type: ignore[attr-defined]
    assert watch.check() == []
    hall.clock.advance(2)  # type: ignore[attr-defined]
    assert [r.alert.rule for r in watch.check()] == ["paused"]
    seen: list[str] = []
    stop = threading.Event()

    def on_raised(rs: list) -> None:
        seen.extend(r.alert.rule for r in rs)
        stop.set()

    opening.resume(S1, staff["host"], "已修复")
    opening.pause(S1, staff["host"], "再次故障")
    hall.clock.advance(16 * 60)  # type: ignore[attr-defined]
    t = threading.Thread(target=watch.run, args=(stop, follower, on_raised), kwargs={"interval": 0.01})
    t.start()
    t.join(5)
    stop.set()
    assert seen == ["paused"]


def test_a_supervisor_orders_a_pause_and_its_resume_exactly_as_platform_api_7_4(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("host", "supervisor", "witness"))
    svc = SupervisionService(hall)
    for bad in ("", "  "):
        with pytest.raises(HallError) as e:
            svc.order(staff["supervisor"], "KB-03", S1, "pause", bad)
        assert e.value.code == "reason"
    for who in ("host", "witness"):  # nobody else orders; a supervisor operates nothing else
        with pytest.raises(AccessError):
            svc.order(staff[who], "KB-03", S1, "pause", "核查")
    with pytest.raises(HallError) as e:
        svc.order(staff["supervisor"], "KB-03", S1, "resume", "无暂停")
    assert e.value.code == "not_paused"
    with pytest.raises(HallError) as e:
        svc.order(staff["supervisor"], "KB-01", S1, "pause", "核查")
    assert e.value.code == "room"
    with hall.reading() as s:
        assert paused_by_supervisor(s, S1) is None
    o = svc.order(staff["supervisor"], "KB-03", S1, "pause", "投标人现场投诉，核查中")
    with hall.reading() as s:
        standing = paused_by_supervisor(s, S1)
    assert standing is not None and standing.seq == o.seq and "投标人现场投诉" in standing.zh
    with pytest.raises(HallError) as e:
        svc.order(staff["supervisor"], "KB-03", S1, "pause", "again")
    assert e.value.code == "paused"
    svc.order(staff["supervisor"], "KB-03", S1, "note", "唱标声音偏小")
    assert svc.standing_pause(S1) is not None  # a note lifts nothing
    svc.order(staff["supervisor"], "KB-03", S1, "resume", "核查完毕，继续")
    assert svc.standing_pause(S1) is None
    ps = payloads(hall, "supervision.order")
    assert [p["order"] for p in ps] == ["pause", "note", "resume"]
    assert all(set(p) == {"room_code", "session_id", "order", "reason", "supervisor", "at"} for p in ps)
    assert ps[0]["supervisor"] == staff["supervisor"].username and "*" in ps[0]["supervisor"]
    with hall.reading() as s:
        assert paused_by_supervisor(s, "S-OTHER") is None


def test_the_witness_notes_each_step_of_the_checklist_and_the_record_reads_them(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("host", "supervisor", "witness"))
    svc = SupervisionService(hall)
    with pytest.raises(AccessError):
        svc.note(staff["supervisor"], S1, "announced", "已见证")
    with pytest.raises(HallError) as e:
        svc.note(staff["witness"], S1, "hammer", "已见证")  # an auction's step, not an opening's
    assert e.value.code == "step"
    with pytest.raises(HallError) as e:
        svc.note(staff["witness"], S1, "announced", " ")
    assert e.value.code == "text"
    svc.note(staff["witness"], S1, "announced", "已见证，纪律宣读完整")
    svc.note(staff["witness"], S1, "reading", "第 3 家唱标时投影未同步显示", irregular=True)
    with hall.reading() as s:
        notes = witness_notes(s, S1)
    assert [(n.step, n.step_zh, n.irregular) for n in notes] == [
        ("announced", STAGE_ZH["announced"], False), ("reading", STAGE_ZH["reading"], True)]
    assert notes[0].witness == staff["witness"].username and svc.notes(S1) == notes
    ps = payloads(hall, "witness.note")
    assert all({"room_code", "session_id", "step", "text", "witness", "at"} <= set(p) for p in ps)
    assert ps[1]["room_code"] == "KB-03" and ps[1]["irregular"] is True


def test_the_wall_reads_each_rooms_session_stage_and_masked_staff(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("host", "supervisor"))
    opening = OpeningService(hall)
    opening.announce(S1, staff["host"])
    hall.clock.set(START1)  # type: ignore[attr-defined]
    opening.publish_bidders(S1, staff["host"])
    SupervisionService(hall).order(staff["supervisor"], "KB-03", S1, "pause", "核查投诉")
    states = {r.room_code: r for r in SupervisionService(hall).room_states()}
    kb3 = states["KB-03"]
    assert kb3.session_id == S1 and kb3.live and kb3.stage == f"开标：{STAGE_ZH['bidders']}"
    assert kb3.paused == "核查投诉" and kb3.supervisor_pause
    assert any(p.startswith("主持人 ") and "*" in p for p in kb3.people)
    assert staff["host"].name not in repr(states)
    assert "PM-01" in states and not states["PM-01"].live


def test_the_days_evaluation_sitting_has_a_tile_in_its_room(hall: Hall) -> None:
    ev = DAY["evaluations"][0]
    svc = SupervisionService(hall)
    assert any(x.session_id == ev["evaluation_id"] and x.kind == "evaluation" for x in svc.schedule())
    states = {r.room_code: r for r in svc.room_states()}
    room = states[ev["room_code"]]
    assert room.session_id == ev["evaluation_id"] and room.stage == "评标：未抽取专家" and "评标委员会" in room.title


def test_a_supervisors_pause_stops_the_hosts_next_step_until_resumed_but_never_an_objection(hall: Hall) -> None:
    """REG 62: the supervisor orders a pause; the opening's core refuses the host's next step while it stands
    (not only the console), objections are still taken and answered (实施条例 §44), and resume lets the host go on."""
    staff = take_roles(hall, S1, ("host", "supervisor"))
    svc, opening = SupervisionService(hall), OpeningService(hall)
    opening.announce(S1, staff["host"])
    svc.order(staff["supervisor"], "KB-03", S1, "pause", "开标室秩序混乱，暂停核查")
    with pytest.raises(HallError) as e:
        opening.publish_bidders(S1, staff["host"])
    assert e.value.code == "supervised" and "暂停" in e.value.zh
    view = opening.raise_objection(S1, staff["host"], "投标人甲", "对开标程序有异议")
    no = view.objections[-1].no
    opening.answer_objection(S1, staff["host"], no, "已记录，暂停期间核查后答复")
    svc.order(staff["supervisor"], "KB-03", S1, "resume", "核查完毕")
    hall.clock.advance(25 * 60)  # type: ignore[attr-defined]  # past the deadline: bidders may be published
    opening.publish_bidders(S1, staff["host"])
