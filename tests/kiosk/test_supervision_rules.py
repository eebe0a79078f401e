"""The supervision room's alert rules (docs/rules/supervision.md), each raised and not raised at its
threshold, over entries of the payload shapes the capabilities journal (pure: no database, no Qt)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.config import SupervisionConfig
from kiosk.journal import Entry
from kiosk.supervision import rules
from kiosk.supervision.views import Scheduled
from kiosk.timeutil import BEIJING, rfc3339

T0 = dt.datetime(2026, 12, 7, 9, 30, tzinfo=BEIJING)
CFG = SupervisionConfig()
OPENING = Scheduled("S-1", "bid_opening", "KB-03", T0)
AUCTION = Scheduled("S-4", "auction", "PM-01", T0)
DAY = [OPENING, AUCTION]


class Log:
    """Entries as the journal hands them to a follower (seq in order, the act's time in ``at``)."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, kind: str, payload: dict[str, Any], at: dt.datetime, *, stamp: str = "at") -> Entry:
        body = dict(payload)
        if stamp:
            body.setdefault(stamp, rfc3339(at))
        e = Entry(len(self.entries) + 1, f"k{len(self.entries)}", "J", "T", kind, rfc3339(at), body, "", "", "")
        self.entries.append(e)
        return e

    def stage(self, sid: str, stage: str, at: dt.datetime) -> Entry:  # kiosk.opening.rules.stage_payload
        return self.add("opening.stage", {"session_id": sid, "actor": "host:周*燕", "stage": stage, "stage_zh": stage}, at)

    def lot_opened(self, at: dt.datetime, lot: str = "L1") -> Entry:
        return self.add("auction.lot_opened", {"session_id": "S-4", "lot_code": lot, "actor": "auctioneer"}, at)

    def bid(self, paddle: str, amount: str, at: dt.datetime, *, accepted: bool = True, lot: str = "L1") -> Entry:
        p: dict[str, Any] = {"session_id": "S-4", "lot_code": lot, "paddle_no": paddle, "amount": amount,
                             "source": "keypad", "accepted": accepted}
        if not accepted:
            p["reason"] = "already_leading"
        return self.add("auction.bid", p, at)

    def call(self, no: int, at: dt.datetime, lot: str = "L1") -> Entry:
        return self.add("auction.call", {"session_id": "S-4", "lot_code": lot, "call_no": no, "price": "1230000.00",
                                         "paddle_no": "18", "actor": "auctioneer"}, at)

    def sold(self, at: dt.datetime, lot: str = "L1") -> Entry:
        return self.add("auction.result", {"session_id": "S-4", "lot_code": lot, "result": "sold", "hammer_price": "1230000.00",
                                           "paddle_no": "18", "buyer_name": "某公司", "buyer_code": "X",
                                           "confirmation_sha256": "0" * 64}, at, stamp="hammer_at")

    def rules_now(self, rule: rules.Rule, now: dt.datetime) -> list[str]:
        return sorted(a.key for a in rule(self.entries, DAY, now, CFG))


def m(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_an_opening_not_started_5_minutes_after_its_time_is_raised_and_not_before() -> None:
    log = Log()
    log.stage("S-1", "announced", m(-20))  # the discipline read early is not the start
    assert log.rules_now(rules.opening_not_started, m(4.99)) == []
    assert log.rules_now(rules.opening_not_started, m(5)) == ["opening_late:S-1"]
    log.stage("S-1", "bidders", m(6))
    assert log.rules_now(rules.opening_not_started, m(7)) == []


def test_a_short_quorum_counts_as_started() -> None:
    log = Log()
    log.add("opening.quorum", {"session_id": "S-1", "actor": "host", "outcome": "failed_quorum"}, m(1))
    assert log.rules_now(rules.opening_not_started, m(30)) == []


def test_decryption_pending_over_10_minutes_is_raised_until_it_ends() -> None:
    log = Log()
    e = log.stage("S-1", "decrypting", m(10))
    assert log.rules_now(rules.decryption_stuck, m(20)) == []
    assert log.rules_now(rules.decryption_stuck, m(20.02)) == [f"decrypt_stuck:S-1:{e.seq}"]
    log.stage("S-1", "reading", m(21))
    assert log.rules_now(rules.decryption_stuck, m(40)) == []


def test_a_pause_held_over_15_minutes_by_host_or_supervisor_is_raised() -> None:
    log = Log()
    p = log.add("opening.pause", {"session_id": "S-1", "actor": "host", "stage_at_pause": "reading", "reason": "投影仪故障"}, m(0))
    assert log.rules_now(rules.paused_too_long, m(15)) == []
    assert log.rules_now(rules.paused_too_long, m(15.02)) == [f"paused:S-1:{p.seq}"]
    log.add("opening.resume", {"session_id": "S-1", "actor": "host", "paused_seconds": 960, "reason": "已修复"}, m(16))
    o = log.add("supervision.order", {"room_code": "KB-03", "session_id": "S-1", "order": "pause", "reason": "核查",
                                      "supervisor": "supervisor:赵*东"}, m(20))
    assert log.rules_now(rules.paused_too_long, m(36)) == [f"paused:S-1:{o.seq}"]


def test_a_recording_gap_counts_only_in_a_room_with_a_live_session() -> None:
    log = Log()
    gap = {"room_code": "KB-03", "camera": "0", "session_id": None, "from": rfc3339(m(1)), "to": rfc3339(m(1.5))}
    log.add("recording.gap", gap, m(2), stamp="")  # before the opening: nothing live there
    assert log.rules_now(rules.recording_trouble, m(3)) == []
    log.stage("S-1", "bidders", m(4))
    g = log.add("recording.gap", {**gap, "session_id": "S-1"}, m(5), stamp="")
    elsewhere = log.add("recording.gap", {**gap, "room_code": "KB-01"}, m(5), stamp="")
    assert log.rules_now(rules.recording_trouble, m(6)) == [f"recording_gap:{g.seq}"]
    assert elsewhere.seq not in [a.evidence[0] for a in rules.recording_trouble(log.entries, DAY, m(6), CFG)]
    st = log.add("recording.stopped", {"room_code": "KB-03", "session_id": "S-1", "reason": "手动", "operator": "admin"}, m(7), stamp="")
    assert f"recording_stopped:{st.seq}" in log.rules_now(rules.recording_trouble, m(8))
    log.stage("S-1", "closed", m(60))
    after = log.add("recording.stopped", {"room_code": "KB-03", "session_id": "S-1", "reason": "结束", "operator": None}, m(61), stamp="")
    assert f"recording_stopped:{after.seq}" not in log.rules_now(rules.recording_trouble, m(62))


def test_the_microphone_off_during_a_live_session_or_missing_is_raised() -> None:
    log = Log()
    off = log.add("recording.microphone", {"room_code": "KB-03", "on": False, "reason": "啸叫", "operator": "admin"}, m(0), stamp="")
    assert log.rules_now(rules.recording_trouble, m(1)) == []  # nothing live in the room yet
    log.stage("S-1", "bidders", m(2))
    assert log.rules_now(rules.recording_trouble, m(3)) == [f"mic_off:{off.seq}"]
    log.add("recording.microphone", {"room_code": "KB-03", "on": True, "reason": "", "operator": "admin"}, m(4), stamp="")
    assert log.rules_now(rules.recording_trouble, m(5)) == []
    miss = log.add("recording.microphone_missing", {"room_code": "KB-03", "session_id": "S-1"}, m(6), stamp="")
    assert log.rules_now(rules.recording_trouble, m(7)) == [f"mic_missing:{miss.seq}"]


def refusal(log: Log, pid: str, at: dt.datetime, rid: str = "R-1") -> Entry:  # kiosk.checkin.service._refuse
    return log.add("checkin.recorded", {"session_id": "S-1", "registration_id": rid, "person_name": "张*三",
                                        "person_id_hmac": pid, "method": "idcard", "result": "refused",
                                        "refusal_reason": "window_closed: 不在签到时间内"}, at, stamp="checked_in_at")


def test_one_person_refused_three_times_a_day_is_raised_attempts_not_entries() -> None:
    log = Log()
    refusal(log, "h1", m(0), "R-1")
    refusal(log, "h1", m(0), "R-2")  # one attempt, two registrations: one refusal
    refusal(log, "h1", m(1))
    refusal(log, "h2", m(1))
    assert log.rules_now(rules.repeated_refusals, m(2)) == []
    log.add("staff.role_refused", {"session_id": "S-1", "role": "host", "code": "not_appointed", "person_id_hmac": "h1"}, m(3))
    assert log.rules_now(rules.repeated_refusals, m(4)) == ["refusals:h1:2026-12-07"]
    refusal(log, "h2", m(60 * 15))  # 00:30 the next day: another day's count
    refusal(log, "h2", m(60 * 15 + 1))
    assert log.rules_now(rules.repeated_refusals, m(60 * 16)) == ["refusals:h1:2026-12-07"]


def test_an_agent_for_several_bidders_and_a_ban_hit_are_raised_from_checkins_own_findings() -> None:
    log = Log()
    log.add("checkin.details", {"session_id": "S-1", "registration_id": "R-1", "checkin_no": 1, "face": "ok"}, m(0), stamp="")
    assert log.rules_now(rules.flagged_admissions, m(1)) == []
    f = log.add("checkin.details", {"session_id": "S-1", "registration_id": "R-2", "checkin_no": 2,
                                    "flags": ["several_bidders: 您同时是多家投标人的授权代表（甲公司、乙公司）",
                                              "banned: 市场禁入：不能参加本次交易（至 2027-01-01）"]}, m(2), stamp="")
    r = log.add("checkin.recorded", {"session_id": "S-4", "registration_id": "R-9", "person_name": "李*", "person_id_hmac": "h9",
                                     "method": "idcard", "result": "refused", "refusal_reason": "banned: 市场禁入"}, m(3),
                stamp="checked_in_at")
    assert log.rules_now(rules.flagged_admissions, m(4)) == [f"banned:{f.seq}", f"banned:{r.seq}", f"several_bidders:{f.seq}"]
    rooms = {a.key: a.room_code for a in rules.flagged_admissions(log.entries, DAY, m(4), CFG)}
    assert rooms[f"banned:{r.seq}"] == "PM-01"


def test_a_bid_flood_from_one_paddle_is_raised_at_8_bids_in_30_seconds() -> None:
    log = Log()
    log.lot_opened(m(0))
    t = m(1)
    for i in range(7):
        log.bid("18", "1000000.00", t + dt.timedelta(seconds=4 * i), accepted=i == 0)
    log.bid("7", "1010000.00", t + dt.timedelta(seconds=29))
    assert log.rules_now(rules.auction_irregularities, m(2)) == []
    log.bid("18", "1020000.00", t + dt.timedelta(seconds=29))  # the 8th of paddle 18 within 29 s
    assert log.rules_now(rules.auction_irregularities, m(2)) == ["bid_flood:S-4:L1:18"]
    slow = Log()
    for i in range(10):  # 10 bids, never 8 within 30 s
        slow.bid("5", "1000000.00", t + dt.timedelta(seconds=5 * i))
    assert slow.rules_now(rules.auction_irregularities, m(5)) == []


def test_every_corrected_bid_is_raised() -> None:
    log = Log()
    b = log.bid("18", "1230000.00", m(1))
    c = log.add("auction.bid_corrected", {"session_id": "S-4", "lot_code": "L1", "bid_seq": b.seq, "paddle_no": "18",
                                          "amount": "1230000.00", "actor": "auctioneer", "reason": "误录"}, m(2))
    assert log.rules_now(rules.auction_irregularities, m(3)) == [f"bid_corrected:{c.seq}"]


def test_a_hammer_within_2_seconds_of_the_third_call_is_raised() -> None:
    quick, fair, reset = Log(), Log(), Log()
    for log in (quick, fair, reset):
        log.lot_opened(m(0))
        log.bid("18", "1230000.00", m(1))
        log.call(1, m(1) + dt.timedelta(seconds=10))
        log.call(2, m(1) + dt.timedelta(seconds=20))
        log.call(3, m(1) + dt.timedelta(seconds=30))
    quick.sold(m(1) + dt.timedelta(seconds=31.9))
    fair.sold(m(1) + dt.timedelta(seconds=32))
    reset.bid("7", "1240000.00", m(1) + dt.timedelta(seconds=31))  # a valid bid: the calls start again
    reset.sold(m(1) + dt.timedelta(seconds=31.5))
    assert quick.rules_now(rules.auction_irregularities, m(2)) == ["hammer_quick:S-4:L1"]
    assert fair.rules_now(rules.auction_irregularities, m(2)) == []
    assert reset.rules_now(rules.auction_irregularities, m(2)) == []


def test_thresholds_come_from_config() -> None:
    log = Log()
    log.stage("S-1", "decrypting", m(0))
    short = SupervisionConfig(decrypt_stuck_minutes=2)
    assert [a.rule for a in rules.decryption_stuck(log.entries, DAY, m(2.1), short)] == ["decrypt_stuck"]
    assert rules.decryption_stuck(log.entries, DAY, m(2.1), CFG) == []


def test_the_checklists_follow_each_session_kind() -> None:
    opening = [s.code for s in rules.checklist("bid_opening")]
    assert opening[0] == "announced" and "reading" in opening and opening[-1] == "other"
    assert [s.code for s in rules.checklist("auction")][:2] == ["checkin", "reserve"]
    assert "draw" in [s.code for s in rules.checklist("evaluation")]
    assert all(s.zh and s.en for k in ("bid_opening", "auction", "evaluation") for s in rules.checklist(k))


def test_a_tile_says_the_reading_count_and_the_auctions_call_price_and_paddle() -> None:
    log = Log()
    log.add("opening.stage", {"session_id": "S-1", "actor": "host", "stage": "bidders", "stage_zh": "公布投标人",
                              "bidders": [f"R-{i}" for i in range(7)]}, m(0))
    log.stage("S-1", "decrypting", m(5))
    log.stage("S-1", "reading", m(9))
    for i in range(3):
        log.add("opening.reading", {"session_id": "S-1", "actor": "host", "registration_id": f"R-{i}", "order": i + 1}, m(10 + i))
    assert rules.session_stage("bid_opening", log.entries) == ("开标：唱标 3/7", "", "")
    log.add("supervision.order", {"room_code": "KB-03", "session_id": "S-1", "order": "pause", "reason": "核查",
                                  "supervisor": "supervisor:赵*东"}, m(14))
    assert rules.session_stage("bid_opening", log.entries)[2] == "核查"
    # a remote opening (issue 19): the tile counts who is in the room, who signed in online and who is missing
    for i, kind in enumerate(("checkin.recorded", "checkin.recorded", "opening.online_signin", "opening.online_signin",
                              "checkin.recorded", "checkin.revoked", "checkin.recorded")):
        log.add(kind, {"session_id": "S-1", "registration_id": f"R-{min(i, 4)}",
                       "result": "refused" if i == 6 else "accepted"}, m(15 + i))  # revoked, then refused
    assert rules.session_stage("bid_opening", log.entries)[0] == "开标：唱标 3/7 · 现场 2 · 在线 2 · 未到 3"
    auction = Log()
    auction.lot_opened(m(0))
    auction.bid("18", "1230000.00", m(1))
    auction.call(1, m(1.2))
    auction.call(2, m(1.4))
    assert rules.session_stage("auction", auction.entries)[0] == "拍卖：L1 第 2 次 ¥1,230,000 竞买号 18"
    auction.bid("7", "1240000.00", m(1.5))
    assert rules.session_stage("auction", auction.entries)[0] == "拍卖：L1 ¥1,240,000 竞买号 7"


def test_failed_pins_reaching_the_threshold_and_a_role_tried_by_someone_not_appointed_are_raised() -> None:
    log = Log()
    for n in (1, 2):  # kiosk.operators: each wrong PIN journals the guard's running count
        log.add("operator.login_failed", {"operator": "host", "reason": "wrong-pin", "failures": n, "delay_s": 0}, m(n), stamp="")
    log.add("operator.login_failed", {"operator": "host", "reason": "wait"}, m(2.5), stamp="")  # a wait is no new try
    assert log.rules_now(rules.access_attempts, m(3)) == []
    log.add("operator.login_failed", {"operator": "host", "reason": "wrong-pin", "failures": 3, "delay_s": 1}, m(3), stamp="")
    log.add("operator.login_failed", {"operator": "host", "reason": "wrong-pin", "failures": 4, "delay_s": 2}, m(4), stamp="")
    assert log.rules_now(rules.access_attempts, m(5)) == ["pins:host:2026-12-07"]
    r = log.add("staff.role_refused", {"session_id": "S-1", "role": "host", "code": "not_appointed", "person_id_hmac": "h"}, m(6))
    log.add("staff.role_refused", {"session_id": "S-1", "role": "host", "code": "pin_required", "person_id_hmac": "h"}, m(7))
    assert log.rules_now(rules.access_attempts, m(8)) == [f"not_appointed:{r.seq}", "pins:host:2026-12-07"]
    assert {a.room_code for a in rules.access_attempts(log.entries, DAY, m(8), CFG) if a.rule == "not_appointed"} == {"KB-03"}


def test_an_evaluation_tile_says_the_draw_and_the_experts_admitted() -> None:
    log = Log()
    assert rules.session_stage("evaluation", log.entries)[0] == "评标：未抽取专家"
    log.add("expert.draw", {"evaluation_id": "EV-1", "pool_size": 40, "selected": []}, m(0))
    for x, result in (("E1", "admitted"), ("E2", "admitted"), ("E2", "admitted"), ("E3", "refused")):
        log.add("expert.signin", {"evaluation_id": "EV-1", "expert_id": x, "person_id_hmac": "h", "face_match": "match",
                                  "result": result}, m(1))
    assert rules.session_stage("evaluation", log.entries)[0] == "评标：已抽取专家，已签到 2 人"
