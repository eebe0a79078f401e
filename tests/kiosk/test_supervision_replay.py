"""Replay any moment (issue 18 must 5, docs/rules/supervision.md §6): which segment and offset show an
instant, which entries surround it and in which room, the list's cursor following the video — pure
(RP1–RP5) — and the same read from a real hall's catalogue and journal and from an exported folder (RP6–RP8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.errors import HallError
from kiosk.hall import Hall
from kiosk.recording import Recordings, verify_export
from kiosk.supervision import AUCTION_STEPS, Clip, Moment, SupervisionService
from kiosk.supervision import replay as rp
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import demo_day
from tests.helpers.replay import add_segment
from tests.helpers.roles import take_roles

T = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
AUCTION_STEPS_ZH = {st.code: st.zh for st in AUCTION_STEPS}


def clip(camera: str, start_s: float, end_s: float) -> Clip:
    return Clip(camera, f"/v/{camera}-{start_s}.mp4", T + dt.timedelta(seconds=start_s), T + dt.timedelta(seconds=end_s))


CLIPS = (clip("0", 0, 60), clip("0", 60, 120), clip("0", 150, 210), clip("1", 0, 120))


def test_rp1_the_clip_and_offset_that_show_an_instant_a_boundary_a_gap_and_after_the_end() -> None:
    c, off = rp.locate(CLIPS, T + dt.timedelta(seconds=75))  # type: ignore[misc]
    assert (c.started_at - T, off) == (dt.timedelta(seconds=60), 15.0)
    c, off = rp.locate(CLIPS, T + dt.timedelta(seconds=60))  # type: ignore[misc]
    assert (c.started_at - T, off) == (dt.timedelta(seconds=60), 0.0)  # a boundary belongs to the later clip
    c, off = rp.locate(CLIPS, T + dt.timedelta(seconds=130))  # type: ignore[misc]
    assert (c.started_at - T, off) == (dt.timedelta(seconds=150), 0.0)  # in a gap: the next clip from its start
    assert rp.locate(CLIPS, T + dt.timedelta(seconds=210)) is None
    c, off = rp.locate(CLIPS, T + dt.timedelta(seconds=75), camera="1")  # type: ignore[misc]
    assert (c.camera, off) == ("1", 75.0)
    c, _ = rp.locate(CLIPS, T, camera="9")  # type: ignore[misc]
    assert c.camera == "0"  # an unknown camera: the room's first
    gone = (Clip("0", "", T, T + dt.timedelta(seconds=60)), clip("0", 60, 120))
    c, off = rp.locate(gone, T + dt.timedelta(seconds=10))  # type: ignore[misc]
    assert (c.started_at - T, off) == (dt.timedelta(seconds=60), 0.0)  # a deleted file is never played


def test_rp2_playing_on_crosses_a_segment_boundary_but_reports_the_gap() -> None:
    nxt = rp.next_clip(CLIPS, CLIPS[0])
    assert nxt == CLIPS[1]
    assert rp.next_clip(CLIPS, CLIPS[1]) == CLIPS[2]  # after a 30 s gap: the next recorded clip
    assert rp.next_clip(CLIPS, CLIPS[2]) is None
    assert CLIPS[1].time_at(2.5) == T + dt.timedelta(seconds=62.5)
    assert rp.cameras(CLIPS + (clip("10", 0, 1), clip("2", 0, 1))) == ("0", "1", "2", "10")


@dataclass
class E:
    seq: int
    kind: str
    payload: dict[str, Any]
    occurred_at: str


def at(s: float) -> str:
    return rfc3339(T + dt.timedelta(seconds=s))


def test_rp3_entries_belong_to_a_room_by_room_code_else_by_their_session_else_to_none() -> None:
    rooms = {"S-1": "KB-03", "EV-1": "PB-02"}
    assert rp.room_of("supervision.alert", {"room_code": "KB-01", "session_id": "S-1"}, rooms) == "KB-01"
    assert rp.room_of("auction.bid", {"session_id": "S-1"}, rooms) == "KB-03"
    assert rp.room_of("expert.signin", {"evaluation_id": "EV-1"}, rooms) == "PB-02"
    assert rp.room_of("operator.login_failed", {"username": "x"}, rooms) is None
    assert rp.room_of("auction.bid", {"session_id": "S-9"}, rooms) is None


def test_rp4_the_list_beside_the_video_is_the_rooms_entries_in_time_order_without_a_name() -> None:
    rooms = {"S-1": "KB-03"}
    entries = [
        E(1, "checkin.recorded", {"session_id": "S-1", "person_name": "韩志刚", "person_id_hmac": "ab", "result": "accepted"}, at(5)),
        E(2, "auction.bid", {"session_id": "S-1", "lot_code": "L1", "paddle_no": "18", "amount": "1230000.00",
                             "source": "keypad", "accepted": True}, at(20)),
        E(3, "recording.segment", {"room_code": "KB-03"}, at(21)),
        E(4, "supervision.alert", {"room_code": "KB-03", "session_id": "S-1", "text_zh": "拍卖应价过于频繁",
                                   "text_en": "bid flood", "since": at(10), "at": at(40)}, at(40)),
        E(5, "witness.note", {"room_code": "KB-03", "session_id": "S-1", "step": "hammer", "text": "已见证",
                              "witness": "见证人 王*", "irregular": False, "at": at(30)}, at(30)),
        E(6, "auction.bid", {"session_id": "S-2", "lot_code": "L1", "paddle_no": "3", "amount": "1.00",
                             "source": "floor", "accepted": True}, at(25)),
    ]
    ms = rp.moments_of(entries, "KB-03", rooms)
    assert [(m.seq, (m.at - T).total_seconds()) for m in ms] == [(1, 5.0), (4, 10.0), (2, 20.0), (5, 30.0)]  # alert at its since
    assert "韩志刚" not in " ".join(m.zh + m.en for m in ms) and ms[0].zh == "签到核验：通过"
    assert ms[2].zh == "应价 L1 号牌 18 1,230,000.00 元（有效）" and ms[2].jumpable and not ms[0].jumpable
    assert ms[1].zh == "预警：拍卖应价过于频繁" and ms[3].zh.startswith(f"见证（{AUCTION_STEPS_ZH['hammer']}）：已见证")
    assert [m.seq for m in rp.around(ms, T + dt.timedelta(seconds=15), before_s=6, after_s=6)] == [4, 2]


def test_rp5_the_cursor_follows_the_videos_time() -> None:
    ms = [Moment(i, T + dt.timedelta(seconds=s), "k", "KB-03", None, "", "") for i, s in enumerate((0, 10, 10, 30))]
    assert [rp.cursor(ms, T + dt.timedelta(seconds=s)) for s in (-1, 0, 9.9, 10, 29, 30, 99)] == [-1, 0, 0, 2, 2, 3, 3]
    assert rp.cursor([], T) == -1


# --- the hall ------------------------------------------------------------------------------------

TODAY = dt.datetime.now(BEIJING).date()
S1 = demo_day(TODAY)["sessions"][0]["session_id"]  # KB-03, 09:30
START1 = dt.datetime.combine(TODAY, dt.time(9, 30), BEIJING)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    from tests.helpers.seeded import seeded

    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    h = Hall.open(cfg, clock=FixedClock(START1))
    yield h
    h.close()


def test_rp6_a_rooms_moment_from_the_catalogue_and_the_journal_and_a_jump_from_a_note_and_an_alert(hall: Hall) -> None:
    staff = take_roles(hall, S1, ("supervisor", "witness"))
    a = add_segment(hall, "KB-03", START1, 3, session_id=S1)
    b = add_segment(hall, "KB-03", START1 + dt.timedelta(seconds=3), 3, session_id=S1, first_second=3)
    add_segment(hall, "KB-01", START1, 3)  # another room's video is not this room's
    svc = SupervisionService(hall)
    hall.clock.set(START1 + dt.timedelta(seconds=4))  # type: ignore[attr-defined]
    note = svc.note(staff["witness"], S1, "announced", "已见证，纪律宣读完整")
    from kiosk.supervision import Alert

    (alert,) = svc.raise_alerts([Alert("k1", "microphone", "KB-03", S1, "麦克风已关闭", "microphone off",
                                       START1 + dt.timedelta(seconds=1))])
    r = svc.replay("KB-03", START1 + dt.timedelta(seconds=4))
    assert [c.path for c in r.clips] == [a.path, b.path] and r.cameras == ("0",)
    c, off = rp.locate(r.clips, r.at)  # type: ignore[misc]
    assert c.path == b.path and off == pytest.approx(1.0)
    kinds = [m.kind for m in r.moments]
    assert "witness.note" in kinds and "supervision.alert" in kinds and "recording.segment" not in kinds
    assert all(m.room_code == "KB-03" for m in r.moments)
    assert svc.moment_of(note.seq) == ("KB-03", note.at)
    assert svc.moment_of(alert.seq) == ("KB-03", START1 + dt.timedelta(seconds=1))  # the alert's since, not when raised
    assert svc.moment_of(10**9) is None
    assert "KB-03" in svc.replay_rooms() and "KB-01" in svc.replay_rooms()
    far = svc.replay("KB-03", START1 + dt.timedelta(hours=2), before_s=60, after_s=60)
    assert far.clips == () and far.moments == ()


def test_rp7_an_exported_folder_replays_from_its_manifest(hall: Hall, tmp_path: Path) -> None:
    a = add_segment(hall, "KB-03", START1, 3, session_id=S1)
    add_segment(hall, "KB-03", START1 + dt.timedelta(seconds=3), 3, session_id=S1, first_second=3)
    from kiosk.recording import catalogue as cat

    with hall.unit() as s:
        cat.add_marker(s, room_code="KB-03", session_id=S1, at=START1 + dt.timedelta(seconds=2), kind="opening.stage",
                       label="开标进入：唱标")
    out = tmp_path / "export"
    Recordings(hall).export_clip("KB-03", START1, START1 + dt.timedelta(seconds=6), out)
    assert verify_export(out).ok
    r = SupervisionService.replay_export(out)
    assert r.room_code == "KB-03" and r.source == str(out) and r.at == START1
    assert [Path(c.path).parent for c in r.clips] == [out, out] and all(Path(c.path).exists() for c in r.clips)
    assert [(m.zh, m.at) for m in r.moments] == [("开标进入：唱标", START1 + dt.timedelta(seconds=2))]
    c, off = rp.locate(r.clips, START1 + dt.timedelta(seconds=4.5))  # type: ignore[misc]
    assert c.started_at == START1 + dt.timedelta(seconds=3) and off == pytest.approx(1.5)
    assert Path(a.path).read_bytes() == Path(r.clips[0].path).read_bytes()


def test_rp8_a_folder_that_is_not_an_export_is_refused_and_a_name_leaving_it_is_not_played(tmp_path: Path) -> None:
    with pytest.raises(HallError) as e:
        SupervisionService.replay_export(tmp_path)
    assert e.value.code == "export"
    manifest = {"format": "hall-kiosk-recording-export/1", "room_code": "KB-03", "from": rfc3339(T),
                "files": [{"file": "../../etc/passwd", "camera": "0", "started_at": rfc3339(T),
                           "ended_at": rfc3339(T + dt.timedelta(seconds=5))}], "markers": []}
    r = rp.from_manifest(manifest, tmp_path)
    assert r.clips[0].path == "" and rp.locate(r.clips, T) is None


def test_every_kind_the_core_journals_reads_in_words_beside_the_video() -> None:
    """A supervisor replaying a room reads each entry in Chinese, never a program's kind name: every
    kind string of a watched family in the core's sources has its own line (the fallback names the
    kind, for a kind a newer terminal wrote). Sealed values stay sealed, and no name is shown."""
    import re

    root = Path(__file__).resolve().parents[2] / "kiosk"
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    families = ("auction.", "checkin.", "expert.", "opening.", "recording.", "staff.", "supervision.", "witness.")
    kinds = {k for k in re.findall(r'"([a-z_]+\.[a-z_]+)"', text) if k.startswith(families)}
    payload = {"lot_code": "L-0001", "paddle_no": "03", "amount": "1000.00", "stage": "area", "value": "1200",
               "accepted": True, "role": "supervisor", "order": 2, "BID_PRICE": "3528000.00", "effect": "refund"}
    unread = sorted(k for k in kinds - rp.QUIET_KINDS
                    if k in rp.describe(k, payload)[0] or not re.search(r"[\u4e00-\u9fff]", rp.describe(k, payload)[0]))
    assert len(kinds) > 60 and unread == []
    assert rp.describe("auction.new_kind", {})[0] == "拍卖记录（auction.new_kind）"
    sealed = rp.describe("auction.stage_bid", {**payload, "stage": "average", "value": "4321000.00"})
    assert "4321000" not in sealed[0] + sealed[1] and "号牌 03" in sealed[0]
    assert "1200" in rp.describe("auction.stage_bid", payload)[0]  # 竞配建 is bid in the open
    assert rp.describe("checkin.revoked", {"person_name": "张三", "reason": "张三冒用"})[0] == "签到撤销（人证不符）"
