"""Replay any moment (issue 18 must 5): which segment shows an instant, which entries surround it.

Pure functions over plain data — no database, no clock, no files — so the live screen, an export
and the tests compute the same answer:

* :func:`locate` — the clip (segment file) of a camera that shows instant ``at`` and the offset into
  it; in a gap, the next clip from its start (the time the video shows is then later than asked;
  the screen says so).
* :func:`next_clip` — the following clip of the same camera, to play on across segment boundaries.
* :func:`room_of` — the room a journal entry belongs to: its ``room_code``, else the room of its
  ``session_id``/``evaluation_id`` (the day's schedule), else none (an entry of no room is not
  replayed beside a room's video).
* :func:`moments_of` / :func:`describe` — a room's entries as the list beside the video (a line in
  Chinese and English; never a name or an ID number: check-ins say accepted/refused only).
* :func:`cursor` — the index of the last moment at or before the video's time: the list's cursor
  follows the video; clicking a moment seeks the video to it (:func:`locate` again).
* :func:`from_manifest` — the same from an exported folder's ``manifest.json`` (``recording export``):
  its files are the clips, its markers the moments.

Loading from the hall's database is :meth:`kiosk.supervision.SupervisionService.replay`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.money import format_money
from kiosk.timeutil import parse_rfc3339

#: entries listed beside the video: how far before and after the asked moment (seconds)
WINDOW_BEFORE_S = 15 * 60
WINDOW_AFTER_S = 15 * 60
#: a gap between two clips of one camera shorter than this still plays on (a segment boundary)
JOIN_GAP_S = 1.5


@dataclass(frozen=True)
class Clip:
    """One recorded segment file of one camera."""

    camera: str
    path: str  #: the file to play ("" when it cannot be played: deleted, or its path leaves the data dir)
    started_at: dt.datetime
    ended_at: dt.datetime
    session_id: str | None = None
    segment_no: int = 0

    @property
    def duration_s(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()

    def time_at(self, position_s: float) -> dt.datetime:
        """The instant the frame at ``position_s`` seconds into the file shows."""
        return self.started_at + dt.timedelta(seconds=max(0.0, position_s))


@dataclass(frozen=True)
class Moment:
    """One line beside the video: a journal entry (or an export's marker) of the room."""

    seq: int | None
    at: dt.datetime
    kind: str
    room_code: str
    session_id: str | None
    zh: str
    en: str

    @property
    def jumpable(self) -> bool:
        """An alert, a bid or a witness note: the moments issue 18 asks to jump to."""
        return self.kind in JUMP_KINDS


JUMP_KINDS = frozenset({"supervision.alert", "auction.bid", "witness.note", "supervision.order",
                        "auction.result", "opening.stage"})


@dataclass(frozen=True)
class Replay:
    """What the replay screen shows for one room around one moment."""

    room_code: str
    at: dt.datetime  #: the moment asked for
    clips: tuple[Clip, ...]
    moments: tuple[Moment, ...]
    source: str = "hall"  #: "hall", or the exported folder's path

    @property
    def cameras(self) -> tuple[str, ...]:
        return cameras(self.clips)


def cameras(clips: Iterable[Clip]) -> tuple[str, ...]:
    """The cameras that have clips, in a stable order (the first is the room's main camera)."""
    return tuple(sorted({c.camera for c in clips}, key=lambda x: (not x.isdigit(), int(x) if x.isdigit() else 0, x)))


def _of_camera(clips: Iterable[Clip], camera: str | None) -> list[Clip]:
    cams = cameras(clips)
    pick = camera if camera in cams else (cams[0] if cams else None)
    return sorted((c for c in clips if c.camera == pick and c.path), key=lambda c: c.started_at)


def locate(clips: Sequence[Clip], at: dt.datetime, camera: str | None = None) -> tuple[Clip, float] | None:
    """The clip of ``camera`` (else the first camera) showing ``at`` and the offset into it in seconds.

    An instant in a gap (nothing recorded then) gives the next clip from its start; an instant after
    the last clip gives None. A clip ends where the next begins: ``at`` equal to a boundary is the later clip.
    """
    mine = _of_camera(clips, camera)
    for c in mine:
        if c.started_at <= at < c.ended_at:
            return c, (at - c.started_at).total_seconds()
    later = [c for c in mine if c.started_at > at]
    return (later[0], 0.0) if later else None


def span(replay: Replay, camera: str | None = None) -> tuple[dt.datetime, dt.datetime] | None:
    """The stretch of time the replay's timeline covers: from the first to the last instant that has a
    recording of ``camera`` (its main camera by default) or an entry; None when it has neither."""
    ends = [t for c in _of_camera(replay.clips, camera) for t in (c.started_at, c.ended_at)]
    ends += [m.at for m in replay.moments]
    if not ends:
        return None
    lo, hi = min(ends), max(ends)
    return lo, max(hi, lo + dt.timedelta(seconds=1))


def next_clip(clips: Sequence[Clip], clip: Clip) -> Clip | None:
    """The clip of the same camera that starts after ``clip`` (to play on at its end)."""
    later = [c for c in _of_camera(clips, clip.camera) if c.started_at >= clip.ended_at - dt.timedelta(seconds=JOIN_GAP_S)
             and c.started_at > clip.started_at]
    return later[0] if later else None


def room_of(kind: str, payload: Mapping[str, Any], session_rooms: Mapping[str, str]) -> str | None:
    """The room an entry belongs to: its ``room_code``, else its session's (or sitting's) room, else None."""
    room = payload.get("room_code")
    if isinstance(room, str) and room:
        return room
    for key in ("session_id", "evaluation_id"):
        sid = payload.get(key)
        if isinstance(sid, str) and sid in session_rooms:
            return session_rooms[sid]
    return None


def _money(value: Any) -> str:
    try:
        return format_money(str(value))
    except (ValueError, ArithmeticError):  # a line beside a video never fails on a figure
        return str(value)


def describe(kind: str, p: Mapping[str, Any]) -> tuple[str, str]:
    """One line (zh, en) for an entry beside the video. Never a name, an ID number or a phone."""
    if kind == "supervision.alert":
        return f"预警：{p.get('text_zh', '')}", f"alert: {p.get('text_en', '')}"
    if kind == "supervision.ack":
        return f"预警已确认：{p.get('note', '')}", f"alert acknowledged: {p.get('note', '')}"
    if kind == "supervision.order":
        zh = {"pause": "监督人下令暂停", "resume": "监督人下令恢复", "note": "监督人备注"}.get(str(p.get("order")), "监督指令")
        return f"{zh}：{p.get('reason', '')}", f"supervisor's {p.get('order')}: {p.get('reason', '')}"
    if kind == "witness.note":
        mark = "见证异常" if p.get("irregular") else "见证"
        zh_step, en_step = _step_names().get(str(p.get("step")), (str(p.get("step", "")),) * 2)
        return f"{mark}（{zh_step}）：{p.get('text', '')}", f"witness ({en_step}): {p.get('text', '')}"
    if kind == "auction.bid":
        ok = "有效" if p.get("accepted") else "拒绝"
        return (f"应价 {p.get('lot_code', '')} 号牌 {p.get('paddle_no', '')} {_money(p.get('amount'))}（{ok}）",
                f"bid {p.get('lot_code', '')} paddle {p.get('paddle_no', '')} {p.get('amount')} "
                f"({'accepted' if p.get('accepted') else 'refused'})")
    if kind == "auction.call":
        n = int(p.get("call_no") or 0)
        return f"第{'一二三'[n - 1] if 1 <= n <= 3 else n}次报价 {_money(p.get('price'))}", f"call {n} at {p.get('price')}"
    if kind == "auction.result":
        res = {"sold": "落槌成交", "unsold": "流拍", "terminated": "终止"}.get(str(p.get("result")), f"拍卖结果 {p.get('result', '')}")
        return f"{p.get('lot_code', '')} {res}", f"{p.get('lot_code', '')} {p.get('result')}"
    if kind == "auction.lot_opened":
        return f"{p.get('lot_code', '')} 开拍", f"lot {p.get('lot_code', '')} opened"
    if kind == "opening.stage":
        # not at the top: kiosk.opening imports this package
        from kiosk.opening.views import STAGE_EN, STAGE_ZH

        stage = str(p.get("stage") or "")
        return f"开标进入：{STAGE_ZH.get(stage, stage)}", f"opening stage: {STAGE_EN.get(stage, stage)}"
    if kind in ("opening.pause", "opening.resume"):
        zh = "主持人暂停" if kind == "opening.pause" else "主持人恢复"
        return f"{zh}：{p.get('reason', '')}", f"host {kind.split('.')[1]}: {p.get('reason', '')}"
    if kind == "checkin.recorded":
        accepted = p.get("result") == "accepted"
        return ("签到核验：通过" if accepted else "签到核验：拒绝"), ("check-in accepted" if accepted else "check-in refused")
    if kind in ("recording.gap", "recording.lost"):
        return f"录像中断（摄像机 {p.get('camera', '')}）", f"recording gap (camera {p.get('camera', '')})"
    if kind == "recording.microphone":
        return ("麦克风开启" if p.get("on") else "麦克风关闭"), ("microphone on" if p.get("on") else "microphone off")
    if kind in ("recording.started", "recording.stopped"):
        return ("开始录像" if kind.endswith("started") else "停止录像"), kind.split(".")[1].replace("ed", "")
    if kind.startswith("staff."):
        from kiosk.staffing import ROLE_ZH

        act = {"staff.role_taken": "登记", "staff.role_released": "退出", "staff.role_refused": "被拒"}.get(kind, "")
        role = str(p.get("role", ""))
        return f"人员{act}：{ROLE_ZH.get(role, role)}", f"{kind.removeprefix('staff.')}: {role}"
    if kind in _DESCRIBED:
        return _DESCRIBED[kind](p)
    if kind in _PLAIN:
        return _PLAIN[kind]
    # a kind this table does not know yet (written by a newer terminal): its family, in words, and the kind
    family = {"auction": "拍卖", "opening": "开标", "checkin": "签到", "expert": "评标区", "recording": "录像",
              "supervision": "监督", "witness": "见证", "staff": "人员"}.get(kind.split(".", 1)[0], "记录")
    return f"{family}记录（{kind}）", kind


def _lot(p: Mapping[str, Any]) -> str:
    return str(p.get("lot_code") or "")


def _role_zh(p: Mapping[str, Any]) -> str:
    from kiosk.staffing import ROLE_ZH

    role = str(p.get("role", ""))
    return ROLE_ZH.get(role, role)


def _auction_stage(p: Mapping[str, Any]) -> tuple[str, str]:
    # not at the top: kiosk.auction imports this package
    from kiosk.auction.rules import STAGES

    zh, en, _unit = STAGES.get(str(p.get("stage")), (str(p.get("stage", "")),) * 3)
    return zh, en


def _stage_bid(p: Mapping[str, Any]) -> tuple[str, str]:
    zh, en = _auction_stage(p)
    ok_zh, ok_en = ("有效", "accepted") if p.get("accepted") else ("拒绝", "refused")
    # a sealed bid (一次报价) stays sealed beside the video too: its value shows only with the reveal
    shown = "" if p.get("stage") == "average" else f" {p.get('value', '')}"
    return (f"{zh}报价 {_lot(p)} 号牌 {p.get('paddle_no', '')}{shown}（{ok_zh}）",
            f"{en} bid {_lot(p)} paddle {p.get('paddle_no', '')}{shown} ({ok_en})")


_DEPOSIT_EFFECT = {"held": ("保证金留存", "deposit held"), "refund": ("保证金退还", "deposit refunded"),
                   "release": ("保函解除", "guarantee released"), "forfeited": ("保证金不予退还", "deposit forfeited")}

def _deposit(p: Mapping[str, Any]) -> tuple[str, str]:
    zh, en = _DEPOSIT_EFFECT.get(str(p.get("effect")), ("保证金", "deposit"))
    return (f"{zh} {_lot(p)} 号牌 {p.get('paddle_no') or '—'} {_money(p.get('amount'))}",
            f"{en} {_lot(p)} paddle {p.get('paddle_no') or '-'} {p.get('amount', '')}")


#: entries described from their payload: lots, paddles, amounts, stages and counts, never a name
_DESCRIBED: dict[str, Callable[[Mapping[str, Any]], tuple[str, str]]] = {
    "auction.bid_corrected": lambda p: (f"更正应价 {_lot(p)} 号牌 {p.get('paddle_no', '')} {_money(p.get('amount'))}：{p.get('reason', '')}",
                                        f"bid corrected {_lot(p)} paddle {p.get('paddle_no', '')}: {p.get('reason', '')}"),
    "auction.deposit": _deposit,
    "auction.increment_changed": lambda p: (f"调整加价幅度 {_lot(p)} → {_money(p.get('increment'))}",
                                            f"increment changed {_lot(p)} to {p.get('increment', '')}"),
    "auction.stage": lambda p: (f"{_lot(p)} 进入{_auction_stage(p)[0]}", f"{_lot(p)} enters {_auction_stage(p)[1]}"),
    "auction.stage_bid": _stage_bid,
    "auction.stage_reveal": lambda p: (f"{_lot(p)} 揭示一次报价，号牌 {p.get('winner') or '—'} 最接近平均价",
                                       f"{_lot(p)} sealed bids revealed, nearest the average: paddle {p.get('winner') or '-'}"),
    "auction.lottery_candidates": lambda p: (f"{_lot(p)} 摇号候选：{'、'.join(map(str, p.get('candidates') or ()))} 号牌",
                                             f"{_lot(p)} lottery candidates: {', '.join(map(str, p.get('candidates') or ()))}"),
    "auction.lottery_commit": lambda p: (f"{_lot(p)} 摇号种子已承诺", f"{_lot(p)} lottery seed committed"),
    "auction.lottery_entropy": lambda p: (f"{_lot(p)} 摇号随机数已录入（{_role_zh(p)}）",
                                          f"{_lot(p)} lottery digits entered ({p.get('role', '')})"),
    "auction.lottery": lambda p: (f"{_lot(p)} 摇号结果：号牌 {p.get('winner', '')}", f"{_lot(p)} lottery won by paddle {p.get('winner', '')}"),
    "auction.terminated": lambda p: (f"{_lot(p)} 中止拍卖：{p.get('reason', '')}", f"{_lot(p)} terminated: {p.get('reason', '')}"),
    "auction.confirmation_signed": lambda p: (f"{_lot(p)} 成交确认书已签署（号牌 {p.get('paddle_no', '')}）",
                                              f"{_lot(p)} confirmation signed (paddle {p.get('paddle_no', '')})"),
    "auction.default": lambda p: (f"{_lot(p)} 买受人未签署成交确认书：{p.get('reason', '')}",
                                  f"{_lot(p)} buyer defaulted: {p.get('reason', '')}"),
    "auction.record": lambda p: (f"{_lot(p)} 拍卖笔录已生成", f"{_lot(p)} auction record written"),
    "auction.session_closed": lambda p: (f"拍卖会结束：{p.get('lots', '')} 件标的，成交 {p.get('sold', '')}，流拍 {p.get('unsold', '')}，"
                                         f"中止 {p.get('terminated', '')}",
                                         f"auction closed: {p.get('lots', '')} lots, {p.get('sold', '')} sold, "
                                         f"{p.get('unsold', '')} unsold, {p.get('terminated', '')} terminated"),
    "opening.reading": lambda p: (f"唱标：第 {p.get('order', '')} 家" + (f" {p.get('BID_PRICE')}" if p.get("BID_PRICE") else ""),
                                  f"bid read: no. {p.get('order', '')}" + (f" {p.get('BID_PRICE')}" if p.get("BID_PRICE") else "")),
    "opening.quorum": lambda p: (f"投标人数核对：有效 {p.get('valid', '')} 家，法定 {p.get('quorum', '')} 家"
                                 + ("，不足" if p.get("short") else ""),
                                 f"quorum: {p.get('valid', '')} valid of {p.get('quorum', '')} needed" + (", short" if p.get("short") else "")),
    "recording.requested": lambda p: (f"管理员手动{'开始' if p.get('action') == 'start' else '停止'}录像：{p.get('reason', '')}",
                                      f"recording {p.get('action', '')} by an admin: {p.get('reason', '')}"),
    "expert.response": lambda p: (f"专家答复通知：{'确认参加' if p.get('accept') else '不能参加'}",
                                  f"expert answered: {'accepts' if p.get('accept') else 'declines'}"),
}

#: entries described by their kind alone
_PLAIN: dict[str, tuple[str, str]] = {
    "auction.reserve_entered": ("密封底价已录入（金额保密）", "sealed reserve entered (amount kept sealed)"),
    "checkin.details": ("签到核验明细", "check-in details"),
    "checkin.confirmed": ("签到由窗口人工确认", "check-in confirmed by a clerk"),
    "checkin.revoked": ("签到撤销（人证不符）", "check-in revoked (not the card's holder)"),
    "checkin.reprinted": ("补打签到凭条", "check-in slip reprinted"),
    "checkin.refused_unregistered": ("刷证被拒：今日无报名", "card refused: registered for nothing today"),
    "opening.absence": ("登记投标人缺席原因", "a bidder's absence recorded"),
    "opening.objection": ("投标人提出异议", "a bidder raised an objection"),
    "opening.answer": ("主持人答复异议", "the host answered an objection"),
    "opening.confirmation": ("投标人确认开标结果", "a bidder confirmed the results"),
    "opening.control_price": ("公布控制价/标底", "control price published"),
    "opening.decrypt": ("解密进度更新", "decryption progress"),
    "opening.online_signin": ("投标人在线签到", "a bidder signed in online"),
    "opening.online_refused": ("在线签到被拒", "an online sign-in refused"),
    "opening.withdrawal": ("登记撤回投标文件", "a bid withdrawal recorded"),
    "opening.record": ("开标记录已签署生成", "opening record signed"),
    "recording.hold": ("录像保全：暂停到期删除", "recording held from deletion"),
    "recording.hold_released": ("解除录像保全", "recording hold released"),
    "recording.microphone_missing": ("未检测到麦克风", "no microphone found"),
    "recording.policy": ("录像策略变更", "recording policy changed"),
    "recording.purged": ("录像到期删除", "recordings purged at the end of retention"),
    "recording.retention_clock_refused": ("时钟异常：拒绝删除录像", "clock in doubt: deletion refused"),
    "recording.sealed": ("录像段已封存", "recording segment sealed"),
    "expert.draw": ("专家抽取", "experts drawn"),
    "expert.draw_committed": ("专家抽取种子已承诺", "expert draw seed committed"),
    "expert.called": ("通知抽中专家", "a drawn expert called"),
    "expert.replacement": ("补抽专家", "a replacement expert drawn"),
    "expert.signin": ("专家签到进入评标区", "an expert signed in to the evaluation area"),
    "expert.signout": ("专家离开评标区", "an expert left the evaluation area"),
    "expert.staff_signin": ("工作人员进入评标区", "staff entered the evaluation area"),
    "expert.staff_signout": ("工作人员离开评标区", "staff left the evaluation area"),
    "expert.door_refused": ("评标区门禁拒绝：非本区人员", "evaluation area door refused a card"),
    "expert.access": ("评标区门禁/储物柜事件", "evaluation area door or locker event"),
}


def _step_names() -> dict[str, tuple[str, str]]:
    """Every checklist step's code → (zh, en), whatever the session kind (a note names its step by code)."""
    # not at the top: rules imports kiosk.opening, which imports this package
    from kiosk.supervision import rules

    out: dict[str, tuple[str, str]] = {}
    for kind in ("auction", "evaluation", "bid_opening"):  # the opening's last: its stage names win a shared code
        out |= {st.code: (st.zh, st.en) for st in rules.checklist(kind)}
    return out


def moment_at(kind: str, payload: Mapping[str, Any], occurred_at: str) -> dt.datetime:
    """When an entry happened for the video: an alert at the condition's ``since`` (what the supervisor
    wants to see), anything else at its own ``at``/``occurred_at``."""
    for key in (("since",) if kind == "supervision.alert" else ()) + ("at",):
        v = payload.get(key)
        if isinstance(v, str):
            try:
                return parse_rfc3339(v)
            except ValueError:
                pass
    return parse_rfc3339(occurred_at)


#: kinds never listed beside the video (the recorder's own bookkeeping)
QUIET_KINDS = frozenset({"recording.segment", "recording.cursor", "recording.uploaded"})


def moments_of(entries: Iterable[Any], room_code: str, session_rooms: Mapping[str, str]) -> list[Moment]:
    """The entries (``kiosk.journal.Entry``-like: seq, kind, payload, occurred_at) of ``room_code``, in time order."""
    out = []
    for e in entries:
        if e.kind in QUIET_KINDS or room_of(e.kind, e.payload, session_rooms) != room_code:
            continue
        zh, en = describe(e.kind, e.payload)
        sid = e.payload.get("session_id") or e.payload.get("evaluation_id")
        out.append(Moment(e.seq, moment_at(e.kind, e.payload, e.occurred_at), e.kind, room_code,
                          sid if isinstance(sid, str) else None, zh, en))
    return sorted(out, key=lambda m: (m.at, m.seq or 0))


def around(moments: Sequence[Moment], at: dt.datetime, before_s: float = WINDOW_BEFORE_S,
           after_s: float = WINDOW_AFTER_S) -> list[Moment]:
    """The moments within ``before_s`` before and ``after_s`` after ``at``."""
    lo, hi = at - dt.timedelta(seconds=before_s), at + dt.timedelta(seconds=after_s)
    return [m for m in moments if lo <= m.at <= hi]


def cursor(moments: Sequence[Moment], at: dt.datetime) -> int:
    """Index of the last moment at or before ``at`` (-1: the video is before the first one)."""
    lo, hi = 0, len(moments)
    while lo < hi:  # moments are in time order
        mid = (lo + hi) // 2
        if moments[mid].at <= at:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def from_manifest(manifest: Mapping[str, Any], directory: Path, at: dt.datetime | None = None) -> Replay:
    """An exported folder as a :class:`Replay`: its files are the clips, its markers the moments.

    ``at`` defaults to the export's ``from``. Files are named relative to ``directory``; a name that
    would leave it (``..``, absolute) is not played.
    """
    room = str(manifest.get("room_code") or "")
    clips = []
    for f in manifest.get("files", []):
        name = str(f.get("file") or "")
        safe = bool(name) and Path(name).name == name and name not in (".", "..")
        clips.append(Clip(str(f.get("camera") or "0"), str(Path(directory) / name) if safe else "",
                          parse_rfc3339(str(f["started_at"])), parse_rfc3339(str(f["ended_at"])),
                          f.get("session_id"), int(f.get("segment_no") or 0)))
    moments = []
    for m in manifest.get("markers", []):
        kind, label = str(m.get("kind") or ""), str(m.get("label") or "")
        moments.append(Moment(m.get("source_seq"), parse_rfc3339(str(m["at"])), kind, room, m.get("session_id"),
                              label or kind, label or kind))
    when = at or (parse_rfc3339(str(manifest["from"])) if manifest.get("from") else
                  min((c.started_at for c in clips), default=dt.datetime.now(dt.UTC)))
    return Replay(room, when, tuple(sorted(clips, key=lambda c: (c.started_at, c.camera))),
                  tuple(sorted(moments, key=lambda m: (m.at, m.seq or 0))), str(directory))
