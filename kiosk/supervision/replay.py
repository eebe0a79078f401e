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
from collections.abc import Iterable, Mapping, Sequence
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
        res = {"sold": "落槌成交", "unsold": "流拍", "terminated": "终止"}.get(str(p.get("result")), str(p.get("result")))
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
    return kind, kind


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
