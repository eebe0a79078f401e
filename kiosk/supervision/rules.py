"""The supervision room's alert rules (预警) and the witness's checklists: pure functions, no I/O.

Each rule reads journal entries (as the capabilities write them), the day's schedule and the clock,
with its threshold from ``[supervision]`` (:class:`kiosk.config.SupervisionConfig`), and returns
:class:`~kiosk.supervision.views.Alert` findings with a stable key; the service journals each key
once (``supervision.alert``). Sources: 内政办发〔2016〕10号 (电子监督, 自动预警, 全程留痕);
招标投标法实施条例 (REG) 46(4) and 62 (supervisors watch and may order a suspension). See
docs/rules/supervision.md for each rule, its threshold, its source and its test.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from kiosk.config import SupervisionConfig
from kiosk.journal import Entry
from kiosk.opening.rules import STAGES as OPENING_STAGES
from kiosk.opening.views import STAGE_EN, STAGE_ZH
from kiosk.supervision.views import Alert, Order, Scheduled, Step
from kiosk.timeutil import BEIJING, parse_rfc3339

ORDERS = ("pause", "resume", "note")
OPENING_KINDS = ("bid_opening",)
AUCTION_KINDS = ("auction", "listing_auction")
#: journal kinds the rules read (the watch keeps only these)
WATCHED_PREFIXES = ("opening.", "auction.", "recording.", "checkin.", "staff.", "supervision.", "operator.login_failed",
                    "expert.")

# --- reading entries ---------------------------------------------------------------------------------


def when(e: Entry) -> dt.datetime:
    """The time an entry says its act happened (its payload's time, else its ``occurred_at``)."""
    p = e.payload
    for name in ("at", "checked_in_at", "hammer_at"):
        v = p.get(name)
        if isinstance(v, str):
            try:
                return parse_rfc3339(v)
            except ValueError:
                break
    return parse_rfc3339(e.occurred_at)


def _sid(e: Entry) -> str | None:
    v = e.payload.get("session_id")
    return v if isinstance(v, str) and v else None


def live_sessions(entries: Iterable[Entry]) -> dict[str, int]:
    """Sessions under way now: an opening past its announcement and not closed, an auction lot
    opened and not yet settled. Returns ``{session_id: seq of the entry that made it live}``."""
    live: dict[str, int] = {}
    open_lots: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        sid = _sid(e)
        if sid is None:
            continue
        if e.kind == "opening.stage":
            stage = e.payload.get("stage")
            if stage == "closed":
                live.pop(sid, None)
            elif stage in OPENING_STAGES:
                live.setdefault(sid, e.seq)
        elif e.kind in ("opening.record", "opening.quorum") and e.payload.get("outcome") in ("opened", "failed_quorum", "suspended"):
            live.pop(sid, None)
        elif e.kind == "auction.lot_opened":
            open_lots[sid].add(str(e.payload.get("lot_code")))
            live.setdefault(sid, e.seq)
        elif e.kind == "auction.result":
            open_lots[sid].discard(str(e.payload.get("lot_code")))
            if not open_lots[sid]:
                live.pop(sid, None)
    return live


def _room_of(sessions: Mapping[str, Scheduled], sid: str | None, payload: Mapping[str, Any]) -> str:
    if sid and sid in sessions:
        return sessions[sid].room_code
    return str(payload.get("room_code") or "")


# --- the rules -----------------------------------------------------------------------------------------

Rule = Callable[[Sequence[Entry], Sequence[Scheduled], dt.datetime, SupervisionConfig], list[Alert]]


def opening_not_started(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                        cfg: SupervisionConfig) -> list[Alert]:
    """An opening not started ``opening_late_minutes`` after its ``starts_at``.

    Started = past the announcement (公布投标人 at the deadline, TBL 34) or ended by a short quorum.
    """
    started = set()
    for e in entries:
        sid = _sid(e)
        if sid is None:
            continue
        if (e.kind == "opening.stage" and e.payload.get("stage") not in ("scheduled", "announced")) or \
                e.kind in ("opening.quorum", "opening.record"):
            started.add(sid)
    late = dt.timedelta(minutes=cfg.opening_late_minutes)
    out = []
    for ss in sessions:
        if ss.kind in OPENING_KINDS and ss.session_id not in started and now >= ss.starts_at + late:
            mins = int((now - ss.starts_at).total_seconds() // 60)
            out.append(Alert(f"opening_late:{ss.session_id}", "opening_late", ss.room_code, ss.session_id,
                             f"开标时间已过 {mins} 分钟，开标尚未开始", f"the opening has not started {mins} min after its time",
                             ss.starts_at + late))
    return out


def decryption_stuck(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                     cfg: SupervisionConfig) -> list[Alert]:
    """Decryption pending longer than ``decrypt_stuck_minutes`` (the opening still in 解密)."""
    entered: dict[str, Entry] = {}
    for e in entries:
        sid = _sid(e)
        if sid is None or e.kind != "opening.stage":
            continue
        if e.payload.get("stage") == "decrypting":
            entered[sid] = e
        else:
            entered.pop(sid, None)
    limit = dt.timedelta(minutes=cfg.decrypt_stuck_minutes)
    by_id = {s.session_id: s for s in sessions}
    out = []
    for sid, e in entered.items():
        since = when(e)
        if now - since > limit:
            mins = int((now - since).total_seconds() // 60)
            out.append(Alert(f"decrypt_stuck:{sid}:{e.seq}", "decrypt_stuck", _room_of(by_id, sid, e.payload), sid,
                             f"解密已进行 {mins} 分钟仍未完成", f"decryption pending for {mins} min", since, (e.seq,)))
    return out


def paused_too_long(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                    cfg: SupervisionConfig) -> list[Alert]:
    """A stage held paused longer than ``paused_minutes``: the host's pause (``opening.pause``) or a
    supervisor's (``supervision.order`` pause), until its resume."""
    paused: dict[tuple[str, str], Entry] = {}
    for e in entries:
        sid = _sid(e)
        if sid is None:
            continue
        if e.kind == "opening.pause":
            paused[(sid, "host")] = e
        elif e.kind == "opening.resume":
            paused.pop((sid, "host"), None)
        elif e.kind == "supervision.order" and e.payload.get("order") == "pause":
            paused[(sid, "supervisor")] = e
        elif e.kind == "supervision.order" and e.payload.get("order") == "resume":
            paused.pop((sid, "supervisor"), None)
    limit = dt.timedelta(minutes=cfg.paused_minutes)
    by_id = {s.session_id: s for s in sessions}
    out = []
    for (sid, who), e in paused.items():
        since = when(e)
        if now - since > limit:
            mins = int((now - since).total_seconds() // 60)
            who_zh = "监督人" if who == "supervisor" else "主持人"
            out.append(Alert(f"paused:{sid}:{e.seq}", "paused", _room_of(by_id, sid, e.payload), sid,
                             f"{who_zh}暂停已 {mins} 分钟（{e.payload.get('reason', '')}）",
                             f"paused by the {who} for {mins} min", since, (e.seq,)))
    return out


def recording_trouble(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                      cfg: SupervisionConfig) -> list[Alert]:
    """A camera gap or lost segment, or the recording stopped, in a room with a live session; the
    microphone turned off there, or missing on the recorder (G87 §39 asks for sound)."""
    by_id = {s.session_id: s for s in sessions}
    live: dict[str, int] = {}
    open_lots: dict[str, set[str]] = defaultdict(set)
    mic_off: dict[str, Entry] = {}
    out = []

    def live_rooms() -> set[str]:
        return {by_id[sid].room_code for sid in live if sid in by_id}

    for e in entries:
        sid = _sid(e)
        # keep the live set up to date as the entries go by (what was live when each entry came)
        if sid is not None and e.kind.startswith(("opening.", "auction.")):
            if e.kind == "opening.stage":
                if e.payload.get("stage") == "closed":
                    live.pop(sid, None)
                else:
                    live.setdefault(sid, e.seq)
            elif e.kind == "opening.record":
                live.pop(sid, None)
            elif e.kind == "auction.lot_opened":
                open_lots[sid].add(str(e.payload.get("lot_code")))
                live.setdefault(sid, e.seq)
            elif e.kind == "auction.result":
                open_lots[sid].discard(str(e.payload.get("lot_code")))
                if not open_lots[sid]:
                    live.pop(sid, None)
            continue
        room = str(e.payload.get("room_code") or "")
        if e.kind in ("recording.gap", "recording.lost"):
            if (sid is not None and sid in live) or room in live_rooms():
                cam = str(e.payload.get("camera", ""))
                try:
                    secs = int((parse_rfc3339(str(e.payload["to"])) - parse_rfc3339(str(e.payload["from"]))).total_seconds())
                except (KeyError, ValueError):
                    secs = 0
                zh = f"摄像机 {cam} 录像中断 {secs} 秒" if e.kind == "recording.gap" else f"摄像机 {cam} 片段丢失（异常退出）"
                out.append(Alert(f"recording_gap:{e.seq}", "recording_gap", room, sid, zh,
                                 f"camera {cam}: recording gap of {secs} s" if e.kind == "recording.gap"
                                 else f"camera {cam}: segment lost", when(e), (e.seq,)))
        elif e.kind == "recording.stopped" and room in live_rooms():
            out.append(Alert(f"recording_stopped:{e.seq}", "recording_stopped", room, sid,
                             f"场次进行中录像被停止（{e.payload.get('reason', '')}）",
                             "recording stopped while a session is live", when(e), (e.seq,)))
        elif e.kind == "recording.microphone":
            if e.payload.get("on"):
                mic_off.pop(room, None)
            else:
                mic_off[room] = e
        elif e.kind == "recording.microphone_missing":
            out.append(Alert(f"mic_missing:{e.seq}", "microphone", room, sid, "录音设备缺失：录像没有声音",
                             "no microphone: the recording has no sound", when(e), (e.seq,)))
    for room, e in mic_off.items():
        if room in live_rooms():
            out.append(Alert(f"mic_off:{e.seq}", "microphone", room, None,
                             f"场次进行中麦克风已关闭（{e.payload.get('reason', '')}）",
                             "the microphone is off while a session is live", when(e), (e.seq,)))
    return out


def repeated_refusals(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                      cfg: SupervisionConfig) -> list[Alert]:
    """One person (by ``person_id_hmac``) refused ``refusals_per_day`` times or more in a day: at
    check-in (``checkin.recorded`` refused) or taking a session role (``staff.role_refused``).

    One attempt writes one refusal per registration, all at the same time: attempts are counted,
    not entries.
    """
    attempts: dict[tuple[str, dt.date], dict[tuple[str, str], Entry]] = defaultdict(dict)
    for e in entries:
        refused = (e.kind == "checkin.recorded" and e.payload.get("result") == "refused") or e.kind == "staff.role_refused"
        pid = e.payload.get("person_id_hmac")
        if not refused or not isinstance(pid, str) or not pid:
            continue
        t = when(e)
        attempts[(pid, t.astimezone(BEIJING).date())].setdefault((e.kind, t.isoformat()), e)
    by_id = {s.session_id: s for s in sessions}
    out = []
    for (pid, day), tries in attempts.items():
        if len(tries) >= cfg.refusals_per_day:
            es = sorted(tries.values(), key=lambda x: x.seq)
            third = es[cfg.refusals_per_day - 1]
            out.append(Alert(f"refusals:{pid[:16]}:{day.isoformat()}", "refusals", _room_of(by_id, _sid(third), third.payload), _sid(third),
                             f"同一人今日已被拒绝 {len(tries)} 次", f"one person refused {len(tries)} times today",
                             when(third), tuple(x.seq for x in es)))
    return out


def flagged_admissions(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                       cfg: SupervisionConfig) -> list[Alert]:
    """Check-in's own findings: one agent admitted for several bidders or a market ban hit at an
    opening (admitted and flagged, D6: ``checkin.details`` ``flags``), a ban hit elsewhere (refused)."""
    by_id = {s.session_id: s for s in sessions}
    out = []
    for e in entries:
        codes: list[str] = []
        if e.kind == "checkin.details":
            codes = [str(f).split(":", 1)[0] for f in e.payload.get("flags") or ()]
        elif e.kind == "checkin.recorded" and e.payload.get("result") == "refused" and \
                str(e.payload.get("refusal_reason", "")).startswith("banned"):
            codes = ["banned"]
        sid = _sid(e)
        for code in codes:
            if code == "several_bidders":
                zh, en = "同一人为多家投标人的授权代表（已签到并标记）", "one agent admitted for several bidders (flagged)"
            elif code == "banned":
                zh, en = "市场禁入名单命中", "a market ban was hit"
            else:
                continue
            out.append(Alert(f"{code}:{e.seq}", code, _room_of(by_id, sid, e.payload), sid, zh, en, when(e), (e.seq,)))
    return out


def auction_irregularities(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                           cfg: SupervisionConfig) -> list[Alert]:
    """A bid flood from one paddle (``bid_flood_count`` bids within ``bid_flood_seconds`` on a lot),
    any corrected bid, a hammer sooner than ``hammer_after_call_seconds`` after the third call began."""
    by_id = {s.session_id: s for s in sessions}
    out = []
    recent: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    flooded: set[tuple[str, str, str]] = set()
    third_call: dict[tuple[str, str], Entry] = {}
    window = dt.timedelta(seconds=cfg.bid_flood_seconds)
    for e in entries:
        sid = _sid(e)
        if sid is None or not e.kind.startswith("auction."):
            continue
        lot = str(e.payload.get("lot_code", ""))
        room = _room_of(by_id, sid, e.payload)
        if e.kind == "auction.bid":
            key = (sid, lot, str(e.payload.get("paddle_no", "")))
            t = when(e)
            bids = [b for b in recent[key] if t - when(b) <= window] + [e]
            recent[key] = bids
            if e.payload.get("accepted"):
                third_call.pop((sid, lot), None)  # a valid bid starts the calls again
            if len(bids) >= cfg.bid_flood_count and key not in flooded:
                flooded.add(key)
                out.append(Alert(f"bid_flood:{sid}:{lot}:{key[2]}", "bid_flood", room, sid,
                                 f"竞买号 {key[2]} 在 {cfg.bid_flood_seconds} 秒内应价 {len(bids)} 次（标的 {lot}）",
                                 f"paddle {key[2]}: {len(bids)} bids within {cfg.bid_flood_seconds} s (lot {lot})",
                                 t, tuple(b.seq for b in bids)))
        elif e.kind == "auction.bid_corrected":
            third_call.pop((sid, lot), None)
            out.append(Alert(f"bid_corrected:{e.seq}", "bid_corrected", room, sid,
                             f"应价被更正：竞买号 {e.payload.get('paddle_no', '')} ¥{e.payload.get('amount', '')}（{e.payload.get('reason', '')}）",
                             f"a bid was corrected: paddle {e.payload.get('paddle_no', '')}", when(e), (e.seq,)))
        elif e.kind == "auction.call":
            if int(e.payload.get("call_no", 0) or 0) == 3:
                third_call[(sid, lot)] = e
            else:
                third_call.pop((sid, lot), None)
        elif e.kind == "auction.result" and e.payload.get("result") == "sold":
            call = third_call.pop((sid, lot), None)
            if call is None:
                continue
            gap = (when(e) - when(call)).total_seconds()
            if gap < cfg.hammer_after_call_seconds:
                out.append(Alert(f"hammer_quick:{sid}:{lot}", "hammer_quick", room, sid,
                                 f"第三次报价后 {gap:.1f} 秒即落槌（标的 {lot}）",
                                 f"hammer {gap:.1f} s after the third call began (lot {lot})", when(e), (call.seq, e.seq)))
    return out


def access_attempts(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                    cfg: SupervisionConfig) -> list[Alert]:
    """An operator's failed PINs (``operator.login_failed`` with ``failures`` reaching ``pin_failures``:
    the count the PIN guard keeps per account, or per terminal for its exit and admin PINs), once per
    account or terminal a day; a session role attempted by someone the platform did not appoint
    (``staff.role_refused`` ``not_appointed``), each."""
    by_id = {s.session_id: s for s in sessions}
    out = []
    done: set[str] = set()
    for e in entries:
        p = e.payload
        if e.kind == "operator.login_failed" and p.get("reason") in ("wrong-pin", "unknown", "admin-pin"):
            failures = p.get("failures")
            if not isinstance(failures, int) or failures < cfg.pin_failures:
                continue
            who = str(p.get("operator") or f"terminal:{p.get('terminal', '')}")
            key = f"pins:{who}:{when(e).astimezone(BEIJING).date().isoformat()}"
            if key in done:
                continue
            done.add(key)
            out.append(Alert(key, "pins", "", None, f"账号 {who} 连续 {failures} 次 PIN 码错误",
                             f"{who}: {failures} wrong PINs in a row", when(e), (e.seq,)))
        elif e.kind == "staff.role_refused" and p.get("code") == "not_appointed":
            sid = _sid(e)
            role = str(p.get("role", ""))
            out.append(Alert(f"not_appointed:{e.seq}", "not_appointed", _room_of(by_id, sid, p), sid,
                             f"非指定人员试图登记本场角色（{role}）", f"someone not appointed tried to take the {role} role",
                             when(e), (e.seq,)))
    return out


def evaluation_area(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
                    cfg: SupervisionConfig) -> list[Alert]:
    """The evaluation area's door (issue 17 must 4; docs/rules/expert-area.md §5), each entry once, no name: a
    phone locker left open past its alert time (``expert.access`` ``locker-alert``, 30 s); the door possibly
    unlocked without an act (``door-unconfirmed``, or ``link-lost`` with the door ``unlocked``/``unknown``: a
    power cut frees a fail-safe lock); the door relocked a second or more late (held open); a committee member
    at the door of another room (``expert.signin`` refused ``wrong_room``)."""
    out = []
    for e in entries:
        p = e.payload
        if e.kind == "expert.access":
            rooms = p.get("rooms") or []
            room = str(rooms[0]) if isinstance(rooms, list) and rooms else ""
            event, ms = p.get("event"), p.get("ms")
            secs = f"{ms / 1000:.0f}" if isinstance(ms, int) else "?"
            if event == "locker-alert":
                out.append(Alert(f"locker_open:{e.seq}", "locker_open", room, None,
                                 f"{p.get('locker')} 号手机柜打开后 {secs} 秒未关闭",
                                 f"phone locker {p.get('locker')} left open for {secs} s", when(e), (e.seq,)))
            elif event == "door-unconfirmed" or (event == "link-lost" and p.get("door") in ("unlocked", "unknown")):
                out.append(Alert(f"door_unlocked:{e.seq}", "door_unlocked", room, None,
                                 "评标区门禁失去联系，门可能未锁", "the evaluation area's door relay is unreachable: "
                                 "the door may be unlocked", when(e), (e.seq,)))
            elif event == "door-relocked" and isinstance(ms, int) and ms >= 1000:
                out.append(Alert(f"door_held:{e.seq}", "door_held", room, None, f"评标区门禁迟 {secs} 秒才重新上锁",
                                 f"the evaluation area's door relocked {secs} s late", when(e), (e.seq,)))
        elif e.kind == "expert.signin" and p.get("refusal_reason") == "wrong_room":
            out.append(Alert(f"wrong_room:{e.seq}", "wrong_room", str(p.get("door_room") or ""), None,
                             "评标专家到错误的评标室门口签到", "an evaluation expert tried the door of another room",
                             when(e), (e.seq,)))
    return out


RULES: tuple[Rule, ...] = (opening_not_started, decryption_stuck, paused_too_long, recording_trouble, repeated_refusals,
                           flagged_admissions, auction_irregularities, access_attempts, evaluation_area)


def evaluate(entries: Sequence[Entry], sessions: Sequence[Scheduled], now: dt.datetime,
             cfg: SupervisionConfig) -> list[Alert]:
    """Every rule over the same entries: the findings, each key once."""
    seen: dict[str, Alert] = {}
    for rule in RULES:
        for a in rule(entries, sessions, now, cfg):
            seen.setdefault(a.key, a)
    return list(seen.values())


# --- orders ---------------------------------------------------------------------------------------------


def need_order(order: str, reason: str) -> str:
    """An order is pause, resume or note, always with a reason (REG 62: a suspension is reasoned)."""
    from kiosk.errors import HallError

    if order not in ORDERS:
        raise HallError("order", f"未知的监督指令：{order}", f"unknown order {order!r}")
    text = (reason or "").strip()
    if not text:
        raise HallError("reason", "监督指令必须填写原因", "a supervision order needs a reason")
    return text


def standing_pause(orders: Iterable[Order]) -> Order | None:
    """The pause that stands after ``orders`` (in journal order): the last pause not followed by a resume."""
    standing: Order | None = None
    for o in orders:
        if o.order == "pause":
            standing = o
        elif o.order == "resume":
            standing = None
    return standing


# --- the witness's checklists -------------------------------------------------------------------------

AUCTION_STEPS = (
    Step("checkin", "竞买人签到核验", "bidders checked in"),
    Step("reserve", "保留价录入（密封）", "reserve entered (sealed)"),
    Step("lot_opened", "宣布拍卖规则并开拍", "rules announced, lot opened"),
    Step("bidding", "举牌应价", "bidding"),
    Step("calls", "三次报价", "three calls"),
    Step("hammer", "落槌", "hammer"),
    Step("confirmation", "签署成交确认书", "confirmation signed"),
    Step("record", "拍卖笔录", "auction record"),
)
DRAW_STEPS = (
    Step("conditions", "抽取条件确认", "draw conditions confirmed"),
    Step("avoidance", "回避名单核对", "avoidance list checked"),
    Step("commitment", "随机种子承诺", "seed committed"),
    Step("draw", "随机抽取", "draw"),
    Step("notify", "语音/短信通知专家", "experts notified"),
    Step("reserves", "候补递补", "reserves called"),
    Step("sealed", "名单封存", "list sealed"),
)
OTHER_STEP = Step("other", "其他情况", "other")


def checklist(kind: str) -> tuple[Step, ...]:
    """The witness's checklist for a session kind: the opening's stages (``kiosk.opening.rules.STAGES``),
    the auction's steps, the expert draw's steps; ``other`` always."""
    if kind in OPENING_KINDS:
        steps = tuple(Step(s, STAGE_ZH.get(s, s), STAGE_EN.get(s, s)) for s in OPENING_STAGES if s not in ("scheduled",))
    elif kind in AUCTION_KINDS:
        steps = AUCTION_STEPS
    elif kind in ("evaluation", "expert_draw"):
        steps = DRAW_STEPS
    else:
        steps = ()
    return (*steps, OTHER_STEP)


def step_of(kind: str, code: str) -> Step:
    from kiosk.errors import HallError

    for st in checklist(kind):
        if st.code == code:
            return st
    raise HallError("step", f"见证清单中没有此步骤：{code}", f"no such step in the witness checklist: {code}")


# --- the wall's room states --------------------------------------------------------------------------


def _yuan(amount: object) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    return f"¥{value:,.0f}" if value == value.to_integral_value() else f"¥{value:,.2f}"


def session_stage(kind: str, entries: Sequence[Entry]) -> tuple[str, str, str]:
    """What a tile says of a session from its own entries (in journal order): (stage line, the host's
    standing pause reason, the supervisor's standing pause reason).

    开标：唱标 3/7 — 拍卖：第 2 次 ¥1,230,000 竞买号 18.
    """
    paused = ""
    sup = ""
    if kind in OPENING_KINDS:
        stage, bidders, read = "", 0, 0
        here: set[str] = set()
        online: set[str] = set()
        for e in entries:
            if e.kind == "opening.stage":
                stage = str(e.payload.get("stage", ""))
                if stage == "bidders":
                    bidders = len(e.payload.get("bidders") or ())
            elif e.kind == "opening.reading":
                read += 1
            elif e.kind == "checkin.recorded" and e.payload.get("result") == "accepted":
                here.add(str(e.payload.get("registration_id", "")))
            elif e.kind == "checkin.revoked":
                here.discard(str(e.payload.get("registration_id", "")))
            elif e.kind == "opening.online_signin":
                online.add(str(e.payload.get("registration_id", "")))
            elif e.kind == "opening.pause":
                paused = str(e.payload.get("reason", ""))
            elif e.kind == "opening.resume":
                paused = ""
            elif e.kind == "supervision.order" and e.payload.get("order") in ("pause", "resume"):
                sup = str(e.payload.get("reason", "")) if e.payload.get("order") == "pause" else ""
        text = STAGE_ZH.get(stage, stage) if stage else "未开始"
        if stage == "reading" and bidders:
            text += f" {read}/{bidders}"
        if online:  # 不见面开标 (issue 19): how the bidders attend, as the host's console counts them
            attending = here | online
            text += f" · 现场 {len(here - online)} · 在线 {len(online)}"
            if bidders:
                text += f" · 未到 {max(0, bidders - len(attending))}"
        return f"开标：{text}", paused, sup
    if kind in AUCTION_KINDS:
        lot, price, paddle, call, closed = "", "", "", 0, ""
        for e in entries:
            p = e.payload
            if e.kind == "auction.lot_opened":
                lot, price, paddle, call, closed = str(p.get("lot_code", "")), str(p.get("start_price", "") or ""), "", 0, ""
            elif e.kind == "auction.bid" and p.get("accepted"):
                price, paddle, call = str(p.get("amount", "")), str(p.get("paddle_no", "")), 0
            elif e.kind == "auction.call":
                call = int(p.get("call_no", 0) or 0)
            elif e.kind == "auction.result":
                closed = {"sold": "成交", "unsold": "流拍", "terminated": "中止"}.get(str(p.get("result")), "")
            elif e.kind == "supervision.order" and p.get("order") in ("pause", "resume"):
                sup = str(p.get("reason", "")) if p.get("order") == "pause" else ""
        if not lot:
            return "拍卖：未开拍", "", sup
        parts = [f"拍卖：{lot}"]
        if closed:
            parts.append(closed)
        elif call:
            parts.append(f"第 {call} 次")
        if price:
            parts.append(_yuan(price))
        if paddle:
            parts.append(f"竞买号 {paddle}")
        return " ".join(parts), "", sup
    if kind == "evaluation":  # an evaluation sitting (评标): the draw and the experts admitted at the door
        drawn = any(e.kind == "expert.draw" for e in entries)
        admitted = {str(e.payload.get("expert_id")) for e in entries
                    if e.kind == "expert.signin" and e.payload.get("result") == "admitted"}
        out = "评标：" + ("已抽取专家" if drawn else "未抽取专家")
        if admitted:
            out += f"，已签到 {len(admitted)} 人"
        return out, "", sup
    return "", "", sup
