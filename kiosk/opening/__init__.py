"""Bid opening (开标): the stage machine and its rules (docs/rules/opening.md §2).

Stages, in order (no skipping, and no going back once decryption has started)::

    scheduled → announced (纪律宣布) → bidders (公布投标人) → attendance (签到/缺席) → quorum check
    → control_price (控制价/标底) → decrypting (解密) → reading (唱标) → objections (异议)
    → confirmation (投标人确认) → signing (记录签字) → closed

A short quorum (after attendance, and again after decryption) stops the machine until the host
decides ``failed`` (招标失败 → outcome ``failed_quorum``) or ``suspend`` (暂停/中止 → ``suspended``)
with a reason; either goes straight to ``signing`` so the record of what happened is still made.

Objections (REG 44) are raised in 唱标 or 异议 (``OBJECTION_STAGES``): entered by the host at the
console, or by a bidder's representative with their ID card at a kiosk (``objection_targets`` /
``raise_objection_at_kiosk``: only someone who checked in for a published bidder of that opening;
a category is enough, a short text optional; journalled ``opening.objection`` with ``source``
``kiosk``, the bidder, the registration and the masked name, never the ID number). The host
answers each on the spot; the objection stage cannot be left while one is unanswered.

Every action is one unit of work: the state row (``opening_state``) and a journal entry
(``opening.stage`` for a stage change, ``opening.<action>`` otherwise; payload with ``session_id``,
``actor``, ``reason`` where there is one, and ``at`` on the platform-corrected clock) commit
together. The state is restored from the row after a restart; attendance comes from the
journal's ``checkin.recorded`` entries (the check-in contract), decryption from ``pf_bid_results``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db.models import Blob, JournalEntry, PfBidResult, PfRegistration, PfSession
from kiosk.db.models_opening import OpeningState
from kiosk.errors import HallError
from kiosk.money import format_money, to_capitals
from kiosk.operators import AccessError, OperatorInfo
from kiosk.pii import mask_name
from kiosk.timeutil import beijing, rfc3339

STAGES = (
    "scheduled", "announced", "bidders", "attendance", "control_price", "decrypting",
    "reading", "objections", "confirmation", "signing", "closed",
)
STAGE_ZH = {
    "scheduled": "待开标", "announced": "宣布开标纪律", "bidders": "公布投标人", "attendance": "签到与缺席",
    "control_price": "公布控制价/标底", "decrypting": "投标文件解密", "reading": "唱标", "objections": "现场异议",
    "confirmation": "投标人确认", "signing": "开标记录签字", "closed": "开标结束",
}
STAGE_EN = {
    "scheduled": "Scheduled", "announced": "Discipline announced", "bidders": "Bidders published",
    "attendance": "Attendance", "control_price": "Control price", "decrypting": "Decryption",
    "reading": "Reading of bids", "objections": "Objections", "confirmation": "Bidder confirmation",
    "signing": "Record signing", "closed": "Closed",
}
DECRYPT_ZH = {"pending": "解密中", "ok": "解密成功", "failed_bidder": "解密失败（撤销）", "failed_other": "解密失败（撤回）", "": "未解密"}
#: the legal wording of a failed decryption (《电子招标投标办法》第三十一条)
LEGAL_WORDING = {
    "failed_bidder": "因投标人原因投标文件未解密，视为撤销其投标文件",
    "failed_other": "因投标人之外的原因投标文件未解密，视为撤回其投标文件，投标人有权要求责任方赔偿因此遭受的直接损失",
}
ABSENT_REASONS = {"late": "迟到", "abandoned": "弃标", "other": "其他"}
#: the stages in which a bidder may raise an objection on the spot (at the console or at a kiosk)
OBJECTION_STAGES = ("reading", "objections")
#: what a kiosk objection is about (zh, en); the category alone is a complete objection
OBJECTION_CATEGORIES = {
    "bidders": ("对投标人名单有异议", "the list of bidders"),
    "decryption": ("对解密结果有异议", "the decryption results"),
    "reading": ("对唱标内容有异议", "what was read out"),
    "procedure": ("对开标程序有异议", "the opening procedure"),
    "other": ("其他异议", "something else"),
}
OBJECTION_TEXT_MAX = 200
OUTCOME_ZH = {"opened": "开标完成", "failed_quorum": "投标人不足，招标失败", "suspended": "开标中止"}
ANNOUNCE_BEFORE = dt.timedelta(minutes=30)  #: the discipline may be announced this long before the start
HOST_ROLES = ("host", "supervisor")
RECORDER_ROLES = ("clerk", "host", "supervisor")


class OpeningError(HallError):
    """An action the rules refuse; ``zh``/``en`` say why and what to do, ``code`` names the rule."""


class QuorumShort(OpeningError):
    """Fewer valid bids than the quorum: the host must decide failed or suspend, with a reason."""


@dataclass(frozen=True)
class BidderView:
    order: int
    registration_id: str
    name: str
    org_code: str
    submitted_at: dt.datetime | None
    attendance: str  #: present, absent
    person_name: str  #: masked name of the representative checked in ("" when absent)
    absent_reason: str  #: 迟到 / 弃标 / 其他：… ("" when present or not recorded)
    decrypt_status: str  #: "" before decryption, pending, ok, failed_bidder, failed_other
    price: str | None
    price_unit: str | None
    time_limit: str | None
    quality: str | None
    extra: dict[str, Any]
    read: bool
    confirmation: str  #: "", confirmed, refused, deemed
    confirmation_note: str

    @property
    def price_text(self) -> str:
        return format_money(self.price, self.price_unit) if self.price else ""

    @property
    def capitals(self) -> str:
        return to_capitals(self.price, self.price_unit) if self.price else ""

    @property
    def decrypt_zh(self) -> str:
        return DECRYPT_ZH.get(self.decrypt_status, self.decrypt_status)

    @property
    def valid(self) -> bool:
        """Still in the running: not abandoned, and decrypted (or not yet decrypted)."""
        return self.absent_reason != ABSENT_REASONS["abandoned"] and self.decrypt_status not in ("failed_bidder", "failed_other")


@dataclass(frozen=True)
class Objection:
    no: int
    by: str
    content: str
    raised_at: str
    answer: str
    answered_by: str
    answered_at: str
    source: str = "console"  #: console (entered by the host) or kiosk (raised by the bidder with their ID card)
    category: str = ""  #: a key of OBJECTION_CATEGORIES ("" for the console's free text)
    registration_id: str = ""  #: the objecting bidder's registration (kiosk objections)


@dataclass(frozen=True)
class ObjectionTarget:
    """A registration the person at a kiosk may raise an objection for (no ID number in it)."""

    session_id: str
    title: str
    room_name: str
    stage: str
    registration_id: str
    bidder_name: str
    person_name: str  #: masked, as the check-in recorded it


@dataclass(frozen=True)
class OpeningView:
    """One opening as the console, the big screen, the CLI and the record see it."""

    session_id: str
    title: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    session: dict[str, Any]  #: the platform's session record
    quorum: int
    stage: str
    paused: bool
    pause_reason: str
    outcome: str | None
    bidders: tuple[BidderView, ...]
    late: tuple[dict[str, Any], ...]  #: registrations whose bid came after the deadline (refused)
    objections: tuple[Objection, ...]
    reading_index: int  #: how many bidders have been read
    control_price_published: bool
    quorum_decision: dict[str, Any] | None
    quorum_short: dict[str, Any] | None  #: {phase, valid, quorum} while (or since) the quorum was found short
    durations: dict[str, float]
    signatures: dict[str, str]
    record_sha256: str | None
    decrypt_started_at: dt.datetime | None
    now: dt.datetime

    @property
    def stage_zh(self) -> str:
        return STAGE_ZH.get(self.stage, self.stage)

    @property
    def seconds_to_start(self) -> float:
        return (self.starts_at - self.now).total_seconds()

    @property
    def control_price(self) -> str | None:
        return self.session.get("CONTROL_PRICE") or None

    @property
    def price_unit(self) -> str:
        return str(self.session.get("PRICE_UNIT") or "0")

    @property
    def valid_count(self) -> int:
        return sum(1 for b in self.bidders if b.valid)

    @property
    def awaiting_quorum_decision(self) -> bool:
        """The quorum was found short and the host has not yet decided failed or suspend."""
        return bool(self.quorum_short) and not self.quorum_decision and self.stage in ("attendance", "decrypting")

    @property
    def open_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if not o.answer)

    @property
    def decrypt_progress(self) -> tuple[int, int]:
        done = sum(1 for b in self.bidders if b.decrypt_status in ("ok", "failed_bidder", "failed_other"))
        return done, len(self.bidders)

    @property
    def current_reading(self) -> BidderView | None:
        """The bidder read last (shown in large type on the big screen)."""
        if self.reading_index <= 0:
            return None
        return self.bidders[min(self.reading_index, len(self.bidders)) - 1]

    def bidder(self, registration_id: str) -> BidderView:
        return next(b for b in self.bidders if b.registration_id == registration_id)


@dataclass(frozen=True)
class Signer:
    """One co-signature of the record: a username and the PIN typed at the console."""

    username: str
    pin: str


@dataclass(frozen=True)
class RecordResult:
    sha256: str
    path: Path
    size: int
    payload: dict[str, Any]


def _err(code: str, zh: str, en: str) -> OpeningError:
    return OpeningError(code, zh, en)


class OpeningService:
    """The rules of one hall's openings.

    Args:
        hall: the hall facade (units of work, journal, clock, operators, config).
    """

    def __init__(self, hall: Any) -> None:
        self.hall = hall
        self.cfg = hall.config.opening

    # --- reading ------------------------------------------------------------------------------

    def openings_today(self, room_code: str | None = None) -> list[Any]:
        """Today's openings (in this room when given), by start time."""
        return self.hall.sessions_on(room_code=room_code, kinds=("bid_opening",))

    def view(self, session_id: str) -> OpeningView:
        with self.hall.reading() as s:
            return self._view(s, session_id)

    def decrypting_sessions(self) -> list[str]:
        with self.hall.reading() as s:
            return list(s.scalars(select(OpeningState.session_id).where(OpeningState.stage == "decrypting")))

    def latest_session(self, room_code: str | None = None) -> str | None:
        """The session of the newest ``opening.*`` entry (in this room), else today's next opening."""
        with self.hall.reading() as s:
            rows = s.execute(
                select(JournalEntry.payload).where(JournalEntry.kind.like("opening.%"))
                .order_by(JournalEntry.seq.desc()).limit(50)
            ).all()
            for (payload,) in rows:
                sid = json.loads(payload).get("session_id")
                ps = s.get(PfSession, sid) if sid else None
                if ps is not None and (not room_code or ps.room_code == room_code):
                    return str(sid)
        sessions = self.openings_today(room_code)
        now = self.hall.clock.now()
        upcoming = [x for x in sessions if x.starts_at >= now - dt.timedelta(hours=3)] or sessions
        return upcoming[0].session_id if upcoming else None

    def _attendance(self, s: Session, session_id: str) -> dict[str, dict[str, Any]]:
        """Accepted check-ins of a session from the journal, by registration (first one wins)."""
        out: dict[str, dict[str, Any]] = {}
        needle = f'%"session_id":{json.dumps(session_id)}%'
        q = (select(JournalEntry.payload).where(JournalEntry.kind == "checkin.recorded", JournalEntry.payload.like(needle))
             .order_by(JournalEntry.seq))
        for (payload,) in s.execute(q):
            p = json.loads(payload)
            rid = p.get("registration_id")
            if p.get("session_id") == session_id and p.get("result") == "accepted" and rid and rid not in out:
                out[rid] = p
        return out

    def _session(self, s: Session, session_id: str) -> PfSession:
        ps = s.get(PfSession, session_id)
        if ps is None or ps.kind != "bid_opening":
            raise _err("no-session", f"没有这个开标场次：{session_id}", f"no such bid opening: {session_id}")
        return ps

    def _registrations(self, s: Session, ps: PfSession) -> tuple[list[PfRegistration], list[PfRegistration]]:
        """(bids received before the deadline in submission order, late ones)."""
        regs = s.scalars(
            select(PfRegistration).where(PfRegistration.session_id == ps.session_id, PfRegistration.bid_submitted_at.is_not(None))
            .order_by(PfRegistration.bid_submitted_at, PfRegistration.registration_id)
        ).all()
        on_time = [r for r in regs if r.bid_submitted_at is not None and r.bid_submitted_at <= ps.starts_at]
        late = [r for r in regs if r.bid_submitted_at is not None and r.bid_submitted_at > ps.starts_at]
        return on_time, late

    def _view(self, s: Session, session_id: str, st: OpeningState | None = None) -> OpeningView:
        ps = self._session(s, session_id)
        st = st or s.get(OpeningState, session_id)
        data: dict[str, Any] = dict(st.data) if st is not None else {}
        now = self.hall.clock.now()
        attendance = self._attendance(s, session_id)
        if "bidders" in data:
            snapshot = data["bidders"]
        else:
            on_time, _ = self._registrations(s, ps)
            snapshot = [self._snap(r) for r in on_time]
        decrypt = data.get("decrypt", {})
        absent = data.get("absent", {})
        conf = data.get("confirmations", {})
        reading_index = int(data.get("reading_index", 0))
        bidders = []
        for i, b in enumerate(snapshot):
            rid = b["registration_id"]
            att = attendance.get(rid)
            d = decrypt.get(rid, {})
            c = conf.get(rid, {})
            bidders.append(BidderView(
                order=i + 1, registration_id=rid, name=b["name"], org_code=b["org_code"],
                submitted_at=dt.datetime.fromisoformat(b["submitted_at"]) if b.get("submitted_at") else None,
                attendance="present" if att else "absent", person_name=mask_name((att or {}).get("person_name", "")),
                absent_reason="" if att else absent.get(rid, ""),
                decrypt_status=d.get("status", ""), price=d.get("price"), price_unit=d.get("price_unit"),
                time_limit=d.get("time_limit"), quality=d.get("quality"), extra=dict(d.get("extra") or {}),
                read=i < reading_index, confirmation=c.get("status", ""), confirmation_note=c.get("note", ""),
            ))
        late = tuple(data.get("late", ()))
        if st is None:
            _, late_regs = self._registrations(s, ps)
            late = tuple(self._snap(r) for r in late_regs)
        return OpeningView(
            session_id=session_id, title=ps.title, room_code=ps.room_code, room_name=ps.room_name, starts_at=ps.starts_at,
            session=dict(ps.data), quorum=int(ps.quorum or 3), stage=st.stage if st else "scheduled",
            paused=bool(st.paused) if st else False, pause_reason=(st.pause_reason or "") if st else "",
            outcome=st.outcome if st else None, bidders=tuple(bidders), late=late,
            objections=tuple(Objection(**o) for o in data.get("objections", ())), reading_index=reading_index,
            control_price_published=bool(data.get("control_price_published")),
            quorum_decision=data.get("quorum_decision"), quorum_short=data.get("quorum_short"), durations=dict(data.get("durations", {})),
            signatures=dict(data.get("signatures", {})), record_sha256=st.record_sha256 if st else None,
            decrypt_started_at=st.decrypt_started_at if st else None, now=now,
        )

    @staticmethod
    def _snap(r: PfRegistration) -> dict[str, Any]:
        return {"registration_id": r.registration_id, "name": r.bidder_name, "org_code": r.bidder_code or "",
                "submitted_at": r.bid_submitted_at.isoformat() if r.bid_submitted_at else None}

    # --- the unit of work of one action ---------------------------------------------------------

    def _act(
        self, session_id: str, actor: OperatorInfo | str, kind: str, fn: Callable[[Session, OpeningState, dict[str, Any], OpeningView], dict[str, Any] | None],
        *, roles: tuple[str, ...] | None = HOST_ROLES, allow_paused: bool = False, reason: str | None = None,
    ) -> OpeningView:
        """Lock the state, check the actor and pause, run ``fn``, journal, save — one transaction."""
        name = actor.username if isinstance(actor, OperatorInfo) else str(actor)
        if roles is not None:
            if not isinstance(actor, OperatorInfo) or actor.role not in roles:
                raise _err("role", "只有开标主持人（或监督人员）可以进行此操作", "only the host (or a supervisor) may do this")
        with self.hall.unit() as s:
            ps = self._session(s, session_id)
            st = s.execute(select(OpeningState).where(OpeningState.session_id == session_id).with_for_update()).scalar_one_or_none()
            now = self.hall.clock.now()
            if st is None:
                st = OpeningState(session_id=session_id, stage="scheduled", paused=False, version=0, data={},
                                  stage_started_at=now, updated_at=now)
                s.add(st)
            if st.paused and not allow_paused:
                raise _err("paused", f"开标已暂停（{st.pause_reason}），请先恢复", "the opening is paused: resume it first")
            data = json.loads(json.dumps(st.data or {}))
            view = self._view(s, session_id, st)
            payload = fn(s, st, data, view)
            if payload is None:
                payload = {}
            kind = payload.pop("_kind", kind)
            after = payload.pop("_after", [])
            payload = {"session_id": session_id, "actor": name, **payload, "at": rfc3339(now)}
            if kind == "opening.stage" and "stage" in payload:
                payload["stage_zh"] = STAGE_ZH.get(payload["stage"], payload["stage"])
            if reason is not None:
                payload["reason"] = reason
            if "stage" in payload and kind == "opening.stage":
                self._leave_stage(st, data, now)
                st.stage = payload["stage"]
                st.stage_started_at = now
                data.setdefault("stage_log", []).append({"stage": st.stage, "at": rfc3339(now), "actor": name})
            st.data = data
            st.version = (st.version or 0) + 1
            st.updated_at = now
            self.hall.journal.append(s, kind, payload)
            for extra_kind, extra_payload in after:  # e.g. opening.record after the closing stage
                self.hall.journal.append(s, extra_kind, extra_payload)
            s.flush()
            _ = ps
            return self._view(s, session_id, st)

    @staticmethod
    def _leave_stage(st: OpeningState, data: dict[str, Any], now: dt.datetime) -> None:
        durations = data.setdefault("durations", {})
        paused = float(data.pop("paused_in_stage", 0.0))
        spent = max(0.0, (now - st.stage_started_at).total_seconds() - paused)
        durations[st.stage] = round(durations.get(st.stage, 0.0) + spent, 3)

    @staticmethod
    def _need_stage(view: OpeningView, *stages: str) -> None:
        if view.stage not in stages:
            want = "、".join(STAGE_ZH[x] for x in stages)
            raise _err("stage", f"当前阶段是「{view.stage_zh}」，此操作只能在「{want}」阶段进行",
                       f"not possible in stage {view.stage}; needs {', '.join(stages)}")

    @staticmethod
    def _need_reason(reason: str | None) -> str:
        text = (reason or "").strip()
        if not text:
            raise _err("reason", "请填写原因", "a reason is required")
        return text

    # --- the stages -----------------------------------------------------------------------------

    def announce(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """纪律宣布: from 30 minutes before the start (platform clock)."""
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "scheduled")
            if v.now < v.starts_at - ANNOUNCE_BEFORE:
                raise _err("too-early", "距开标时间超过 30 分钟，尚不能宣布开标纪律", "more than 30 minutes before the opening")
            data["compere"] = actor.display_name
            return {"stage": "announced"}
        return self._act(session_id, actor, "opening.stage", fn)

    def publish_bidders(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """公布投标人: only at or after the deadline (= starts_at), bids received before it, in submission order."""
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "announced")
            if v.now < v.starts_at:
                raise _err("too-early", "投标截止时间未到，不能公布投标人", "the bid deadline has not passed yet")
            ps = self._session(s, session_id)
            on_time, late = self._registrations(s, ps)
            data["bidders"] = [self._snap(r) for r in on_time]
            data["late"] = [{**self._snap(r), "reason": "逾期送达，不予受理"} for r in late]
            return {"stage": "bidders", "bidders": [b["registration_id"] for b in data["bidders"]],
                    "late": [b["registration_id"] for b in data["late"]]}
        return self._act(session_id, actor, "opening.stage", fn)

    def open_attendance(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "bidders")
            return {"stage": "attendance"}
        return self._act(session_id, actor, "opening.stage", fn)

    def record_absence(self, session_id: str, actor: OperatorInfo, registration_id: str, code: str, note: str = "") -> OpeningView:
        """An absent bidder's reason: late (迟到), abandoned (弃标) or other (其他, with text)."""
        if code not in ABSENT_REASONS:
            raise _err("reason", "缺席原因只能是迟到、弃标或其他", "absence reason must be late, abandoned or other")
        if code == "other":
            note = self._need_reason(note)
        text = ABSENT_REASONS[code] + (f"：{note.strip()}" if note.strip() else "")

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "attendance")
            b = self._bidder(v, registration_id)
            if b.attendance == "present":
                raise _err("present", "该投标人已签到，不能记录缺席", "this bidder has checked in")
            data.setdefault("absent", {})[registration_id] = text
            return {"registration_id": registration_id, "absence": code, "reason": text}
        return self._act(session_id, actor, "opening.absence", fn)

    @staticmethod
    def _bidder(v: OpeningView, registration_id: str) -> BidderView:
        for b in v.bidders:
            if b.registration_id == registration_id:
                return b
        raise _err("no-bidder", "不是本场开标的投标人", "not a bidder of this opening")

    def confirm_attendance(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """Close the roll call and check the quorum; short → QuorumShort (journalled), host decides."""
        return self._advance_checked(session_id, actor, "attendance", "control_price", "attendance")

    def _advance_checked(self, session_id: str, actor: OperatorInfo, stage: str, to: str, phase: str) -> OpeningView:
        short: list[OpeningView] = []

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, stage)
            if stage == "attendance":
                missing = [b.name for b in v.bidders if b.attendance == "absent" and not b.absent_reason]
                if missing:
                    raise _err("absence-reason", "请先为未签到的投标人记录缺席原因：" + "、".join(missing),
                               "record a reason for every absent bidder first")
            if stage == "decrypting":
                done, total = v.decrypt_progress
                if done < total:
                    raise _err("decrypting", f"解密尚未完成（{done}/{total}），全部解密完成后才能唱标",
                               "decryption is not finished: bids are read only after all are decrypted")
            if v.valid_count < v.quorum:
                data["quorum_short"] = {"phase": phase, "valid": v.valid_count, "quorum": v.quorum}
                short.append(v)
                return {"_kind": "opening.quorum", "phase": phase, "valid": v.valid_count, "quorum": v.quorum, "short": True}
            data.pop("quorum_short", None)
            return {"stage": to, "quorum_ok": {"phase": phase, "valid": v.valid_count, "quorum": v.quorum}}

        # A short quorum is journalled (opening.quorum) and then refused as QuorumShort.
        view = self._act(session_id, actor, "opening.stage", fn)
        if short:
            raise QuorumShort("quorum", f"有效投标人 {short[0].valid_count} 家，少于 {short[0].quorum} 家：请选择招标失败或中止，并填写原因",
                              f"{short[0].valid_count} valid bids, fewer than {short[0].quorum}: choose failed or suspend, with a reason")
        return view

    def decide_quorum(self, session_id: str, actor: OperatorInfo, decision: str, reason: str) -> OpeningView:
        """The host's decision on a short quorum: ``failed`` (招标失败) or ``suspend`` (中止); reason mandatory."""
        reason = self._need_reason(reason)
        if decision not in ("failed", "suspend"):
            raise _err("decision", "只能选择招标失败或中止", "decision must be failed or suspend")

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            q = data.get("quorum_short")
            if not q:
                raise _err("quorum-ok", "有效投标人数量满足要求，无需作出流标决定", "the quorum is met: nothing to decide")
            st.outcome = "failed_quorum" if decision == "failed" else "suspended"
            data["quorum_decision"] = {**q, "decision": decision, "reason": reason, "by": actor.username}
            return {"stage": "signing", "decision": decision, "outcome": st.outcome, "quorum": q}
        return self._act(session_id, actor, "opening.stage", fn, reason=reason)

    def publish_control_price(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """公布控制价/标底 (REG 50: a 标底 must be published at the opening)."""
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "control_price")
            data["control_price_published"] = True
            return {"CONTROL_PRICE": v.control_price, "PRICE_UNIT": v.price_unit,
                    "capitals": to_capitals(v.control_price, v.price_unit) if v.control_price else None}
        return self._act(session_id, actor, "opening.control_price", fn)

    def start_decryption(self, session_id: str, actor: OperatorInfo, starter: Callable[[str], None] | None) -> OpeningView:
        """Ask the platform to decrypt (``starter`` = the platform's POST) — never before ``starts_at``.

        Raises OpeningError ``no-platform`` when stand-alone, ``too-early`` before the start on the
        platform clock (the platform would answer 409 as well); the starter's own errors pass through
        and leave the stage unchanged.
        """
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "control_price")
            if v.control_price and not v.control_price_published:
                raise _err("control-price", "请先公布控制价/标底", "publish the control price first")
            if v.now < v.starts_at:
                raise _err("too-early", "开标时间未到（以交易平台时钟为准），不能解密", "before the opening time (platform clock): no decryption")
            if starter is None:
                raise _err("no-platform", "解密需要连接交易平台：本终端未配置平台", "decryption needs the platform: none is configured")
            starter(session_id)  # inside the transaction: a refusal leaves no trace but the error
            st.decrypt_started_at = v.now
            data["decrypt"] = {b.registration_id: {"status": "pending"} for b in v.bidders}
            return {"stage": "decrypting"}
        return self._act(session_id, actor, "opening.stage", fn)

    def refresh_decryption(self, session_id: str) -> OpeningView | None:
        """Take the platform's bid_results (pf_bid_results) into the opening; journal each new status."""
        with self.hall.reading() as s:
            st = s.get(OpeningState, session_id)
            if st is None or st.stage != "decrypting":
                return None
            known = dict((st.data or {}).get("decrypt", {}))
            rows = s.scalars(select(PfBidResult).where(PfBidResult.session_id == session_id)).all()
            fresh = {r.registration_id: r.data for r in rows if known.get(r.registration_id, {}).get("status") != r.decrypt_status}
        if not fresh:
            return None
        with self.hall.unit() as s:
            st = s.execute(select(OpeningState).where(OpeningState.session_id == session_id).with_for_update()).scalar_one()
            data = json.loads(json.dumps(st.data))
            now = self.hall.clock.now()
            dec = data.setdefault("decrypt", {})
            for rid, r in sorted(fresh.items()):
                if rid not in dec:
                    continue  # not a published bidder
                status = r.get("decrypt_status", "pending")
                dec[rid] = {"status": status, "price": r.get("BID_PRICE"), "price_unit": r.get("PRICE_UNIT"),
                            "time_limit": r.get("TIME_LIMIT"), "quality": r.get("QUALITY"), "extra": r.get("extra") or {},
                            "decrypted_at": r.get("decrypted_at")}
                payload: dict[str, Any] = {"session_id": session_id, "actor": "platform", "registration_id": rid,
                                           "decrypt_status": status, "at": rfc3339(now)}
                if status in LEGAL_WORDING:
                    payload["legal_wording"] = LEGAL_WORDING[status]
                self.hall.journal.append(s, "opening.decrypt", payload)
            st.data = data
            st.version += 1
            st.updated_at = now
            s.flush()
            return self._view(s, session_id, st)

    def finish_decryption(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """All decrypted → quorum checked again → 唱标."""
        return self._advance_checked(session_id, actor, "decrypting", "reading", "decryption")

    def read_next(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """唱标: the next bidder in submission order (price in figures and 大写, other items)."""
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "reading")
            i = int(data.get("reading_index", 0))
            if i >= len(v.bidders):
                raise _err("read-all", "所有投标人均已唱标", "every bid has been read")
            b = v.bidders[i]
            data["reading_index"] = i + 1
            out: dict[str, Any] = {"registration_id": b.registration_id, "order": b.order, "BIDDER_NAME": b.name,
                                   "decrypt_status": b.decrypt_status}
            if b.price:
                out.update({"BID_PRICE": b.price, "PRICE_UNIT": b.price_unit or "0", "capitals": b.capitals,
                            "TIME_LIMIT": b.time_limit, "QUALITY": b.quality, "extra": b.extra})
            elif b.decrypt_status in LEGAL_WORDING:
                out["legal_wording"] = LEGAL_WORDING[b.decrypt_status]
            return out
        return self._act(session_id, actor, "opening.reading", fn)

    def finish_reading(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "reading")
            if v.reading_index < len(v.bidders):
                raise _err("unread", f"还有 {len(v.bidders) - v.reading_index} 家投标人未唱标：每份按时递交的投标文件都必须唱标",
                           "every bid received before the deadline must be read")
            return {"stage": "objections"}
        return self._act(session_id, actor, "opening.stage", fn)

    def raise_objection(self, session_id: str, actor: OperatorInfo, by: str, content: str) -> OpeningView:
        """An objection raised on the spot (by a bidder, entered at the console)."""
        content = self._need_reason(content)
        by = self._need_reason(by)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, *OBJECTION_STAGES)
            objs = data.setdefault("objections", [])
            no = len(objs) + 1
            objs.append({"no": no, "by": by, "content": content, "raised_at": rfc3339(v.now), "answer": "",
                         "answered_by": "", "answered_at": "", "source": "console"})
            return {"no": no, "by": by, "content": content, "source": "console"}
        return self._act(session_id, actor, "opening.objection", fn)

    # --- objections raised by a bidder at a kiosk ---------------------------------------------------

    def objection_targets(self, id_number: str) -> list[ObjectionTarget]:
        """Where the holder of this ID card may raise an objection now.

        They must be a representative (or the natural-person bidder) of a bidder published in an
        opening that is now in an objection stage (唱标 or 异议), and have checked in to it in
        person. Raises OpeningError with the reason otherwise (``no-open-opening``,
        ``not-representative``, ``not-checked-in``, ``paused``).
        """
        from kiosk.feeds import registrations_for_person

        pid = self.hall.person_hmac(id_number)
        with self.hall.reading() as s:
            open_ids = list(s.scalars(select(OpeningState.session_id).where(OpeningState.stage.in_(OBJECTION_STAGES))))
            if not open_ids:
                raise _err("no-open-opening", "目前没有正在唱标或异议阶段的开标，现在不能提出开标异议；如有疑问请咨询工作人员",
                           "no bid opening is at the reading or objection stage now: objections cannot be raised at the moment")
            matches = [m for m in registrations_for_person(s, self.hall.vault, id_number) if m.session_id in open_ids]
            out: list[ObjectionTarget] = []
            paused = False
            for m in matches:
                v = self._view(s, m.session_id)
                if m.registration_id not in {b.registration_id for b in v.bidders}:
                    continue
                att = self._attendance(s, m.session_id).get(m.registration_id)
                if att is None or att.get("person_id_hmac") != pid:
                    continue
                if v.paused:
                    paused = True
                    continue
                out.append(ObjectionTarget(v.session_id, v.title, v.room_name, v.stage, m.registration_id, m.bidder_name,
                                           mask_name(str(att.get("person_name") or ""))))
        if out:
            return out
        if paused:
            raise _err("paused", "开标已暂停，恢复后才能提出异议", "the opening is paused: objections can be raised once it resumes")
        if not matches:
            raise _err("not-representative", "您不是正在开标的项目中任何投标人的代表，不能提出开标异议",
                       "you are not a representative of a bidder in the opening now under way")
        raise _err("not-checked-in", "您尚未签到本场开标：到场签到的投标人代表才能当场提出异议，请先到签到终端签到或咨询工作人员",
                   "you have not checked in to this opening: only representatives present and checked in may raise objections")

    def raise_objection_at_kiosk(self, session_id: str, registration_id: str, id_number: str, category: str,
                                 text: str = "", *, terminal_id: str = "") -> tuple[OpeningView, int]:
        """A bidder's objection, raised with their ID card at a kiosk (REG 44); returns (view, its number).

        The category alone is enough; ``text`` (≤ OBJECTION_TEXT_MAX characters) is optional. The
        person is checked again inside the transaction; the journal gets the bidder, the
        registration and the masked name, never the ID number.
        """
        if category not in OBJECTION_CATEGORIES:
            raise _err("category", "请选择异议类别", "choose what the objection is about")
        text = " ".join((text or "").split())
        if len(text) > OBJECTION_TEXT_MAX:
            raise _err("too-long", f"异议说明不能超过 {OBJECTION_TEXT_MAX} 字", f"at most {OBJECTION_TEXT_MAX} characters")
        targets = [t for t in self.objection_targets(id_number) if t.session_id == session_id and t.registration_id == registration_id]
        if not targets:
            raise _err("not-checked-in", "您不能为该投标人提出异议", "you may not raise an objection for this bidder")
        t = targets[0]
        pid = self.hall.person_hmac(id_number)
        cat_zh = OBJECTION_CATEGORIES[category][0]
        content = cat_zh + (f"：{text}" if text else "")
        holder: list[int] = []

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, *OBJECTION_STAGES)
            att = self._attendance(s, session_id).get(registration_id)
            if att is None or att.get("person_id_hmac") != pid:
                raise _err("not-checked-in", "您尚未签到本场开标", "you have not checked in to this opening")
            objs = data.setdefault("objections", [])
            if any(o.get("registration_id") == registration_id and o.get("category") == category and not o.get("answer") for o in objs):
                raise _err("duplicate", "您的同类异议已提交，主持人尚未答复，请稍候",
                           "you have already raised this objection and it has not been answered yet")
            no = len(objs) + 1
            objs.append({"no": no, "by": t.bidder_name, "content": content, "raised_at": rfc3339(v.now), "answer": "",
                         "answered_by": "", "answered_at": "", "source": "kiosk", "category": category,
                         "registration_id": registration_id})
            holder.append(no)
            return {"no": no, "by": t.bidder_name, "content": content, "source": "kiosk", "category": category,
                    "registration_id": registration_id, "person_name": t.person_name}
        view = self._act(session_id, f"kiosk:{terminal_id}" if terminal_id else "kiosk", "opening.objection", fn, roles=None)
        return view, holder[0]

    def answer_objection(self, session_id: str, actor: OperatorInfo, no: int, answer: str) -> OpeningView:
        """The answer given on the spot, recorded (REG 44)."""
        answer = self._need_reason(answer)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, *OBJECTION_STAGES)
            for o in data.get("objections", []):
                if o["no"] == no:
                    if o["answer"]:
                        raise _err("answered", "该异议已答复，答复不能修改", "already answered")
                    o.update(answer=answer, answered_by=actor.username, answered_at=rfc3339(v.now))
                    return {"no": no, "answer": answer, "source": o.get("source", "console"), "by": o["by"]}
            raise _err("no-objection", "没有这条异议", "no such objection")
        return self._act(session_id, actor, "opening.answer", fn)

    def close_objections(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "objections")
            if self.cfg.objection_answer_required and any(not o.answer for o in v.objections):
                raise _err("unanswered", "还有异议未答复：异议须当场答复并记录", "answer every objection on the spot first")
            conf = data.setdefault("confirmations", {})
            if self.cfg.absent_deemed_accept:
                for b in v.bidders:
                    if b.attendance == "absent":
                        conf[b.registration_id] = {"status": "deemed", "note": "未到场，视同认可开标结果"}
            return {"stage": "confirmation"}
        return self._act(session_id, actor, "opening.stage", fn)

    def confirm_by_card(self, session_id: str, person_id_hmac: str) -> OpeningView:
        """A present bidder's representative confirms by placing their ID card on the console's reader."""
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "confirmation")
            att = self._attendance(s, session_id)
            rid = next((r for r, p in att.items() if p.get("person_id_hmac") == person_id_hmac), None)
            if rid is None or rid not in {b.registration_id for b in v.bidders}:
                raise _err("not-present", "此证件不是本场已签到的投标人代表", "this card is not a checked-in representative of this opening")
            data.setdefault("confirmations", {})[rid] = {"status": "confirmed", "note": "刷身份证确认"}
            return {"registration_id": rid, "result": "confirmed", "person_id_hmac": person_id_hmac}
        return self._act(session_id, "idcard", "opening.confirmation", fn, roles=None)

    def record_refusal(self, session_id: str, actor: OperatorInfo, registration_id: str, reason: str) -> OpeningView:
        """A clerk records that a present bidder refuses to confirm, and why."""
        reason = self._need_reason(reason)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "confirmation")
            self._bidder(v, registration_id)
            data.setdefault("confirmations", {})[registration_id] = {"status": "refused", "note": reason}
            return {"registration_id": registration_id, "result": "refused"}
        return self._act(session_id, actor, "opening.confirmation", fn, roles=RECORDER_ROLES, reason=reason)

    def finish_confirmation(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            self._need_stage(v, "confirmation")
            waiting = [b.name for b in v.bidders if b.attendance == "present" and not b.confirmation]
            if waiting:
                raise _err("unconfirmed", "以下到场投标人尚未确认或记录拒绝：" + "、".join(waiting),
                           "every present bidder must confirm or have a refusal recorded")
            st.outcome = st.outcome or "opened"
            return {"stage": "signing"}
        return self._act(session_id, actor, "opening.stage", fn)

    # --- pause, resume, going back ----------------------------------------------------------------

    def pause(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        reason = self._need_reason(reason)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            if v.stage in ("scheduled", "closed"):
                raise _err("stage", "开标尚未开始或已结束，不能暂停", "nothing to pause")
            st.paused = True
            st.pause_reason = reason
            data["paused_at"] = rfc3339(v.now)
            return {"stage_at_pause": v.stage}
        return self._act(session_id, actor, "opening.pause", fn, reason=reason)

    def resume(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        reason = self._need_reason(reason)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            if not st.paused:
                raise _err("not-paused", "开标未暂停", "not paused")
            since = dt.datetime.fromisoformat(data.pop("paused_at"))
            secs = max(0.0, (v.now - since).total_seconds())
            data["paused_in_stage"] = float(data.get("paused_in_stage", 0.0)) + secs
            data.setdefault("pauses", []).append({"stage": v.stage, "from": since.isoformat(), "seconds": round(secs, 3),
                                                  "reason": st.pause_reason, "resume_reason": reason})
            st.paused = False
            st.pause_reason = None
            return {"paused_seconds": int(round(secs))}
        return self._act(session_id, actor, "opening.resume", fn, allow_paused=True, reason=reason)

    def go_back(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        """One stage back with a reason — only before decryption has started."""
        reason = self._need_reason(reason)

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            if st.decrypt_started_at is not None or STAGES.index(v.stage) >= STAGES.index("decrypting"):
                raise _err("no-going-back", "解密已开始，开标程序不能回退", "decryption has started: no going back")
            if v.stage == "scheduled":
                raise _err("stage", "已是第一个阶段", "already at the first stage")
            return {"stage": STAGES[STAGES.index(v.stage) - 1], "back_from": v.stage}
        return self._act(session_id, actor, "opening.stage", fn, reason=reason)

    # --- the record ---------------------------------------------------------------------------------

    def record_pdf(self, session_id: str, signatures: dict[str, str] | None = None) -> tuple[bytes, str]:
        """The 开标记录表 as it stands (``signatures`` role → display name), and its SHA-256."""
        from kiosk.opening.record import build_record

        v = self.view(session_id)
        return build_record(v, signatures if signatures is not None else v.signatures, self.hall.config.site.name)

    def sign_and_close(self, session_id: str, host: Signer, recorder: Signer, supervisor: Signer) -> RecordResult:
        """Host, recorder and supervisor sign with their PINs (three different operators) → record, blob, close."""
        names = {host.username, recorder.username, supervisor.username}
        if len(names) != 3:
            raise _err("signers", "主持人、记录人、监督人须为三名不同的工作人员", "host, recorder and supervisor must be three different operators")
        ops: dict[str, OperatorInfo] = {}
        for key, signer, roles in (("host", host, ("host",)), ("recorder", recorder, RECORDER_ROLES), ("supervisor", supervisor, ("supervisor",))):
            try:
                ops[key] = self.hall.login(signer.username, signer.pin, roles=roles)
            except AccessError as exc:
                raise _err("pin", f"{ {'host': '主持人', 'recorder': '记录人', 'supervisor': '监督人'}[key] }签字失败：{exc.zh}",
                           f"{key} signature failed: {exc.en}") from exc
        v = self.view(session_id)
        self._need_stage(v, "signing")
        if v.paused:
            raise _err("paused", "开标已暂停，请先恢复", "paused: resume first")
        sigs = {k: o.display_name for k, o in ops.items()}
        pdf, sha = self.record_pdf(session_id, sigs)
        folder = self.hall.config.data_dir / "opening"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{session_id}-{sha[:12]}.pdf"
        path.write_bytes(pdf)
        payload = self.record_payload(v, sha, compere=sigs["host"])
        holder: list[RecordResult] = []

        def fn(s: Session, st: OpeningState, data: dict[str, Any], v2: OpeningView) -> dict[str, Any]:
            self._need_stage(v2, "signing")
            if s.get(Blob, sha) is None:
                s.add(Blob(sha256=sha, path=str(path), size=len(pdf), media_type="application/pdf", encrypted=False,
                           created_at=v2.now))
            data["signatures"] = sigs
            st.record_sha256 = sha
            holder.append(RecordResult(sha, path, len(pdf), payload))
            return {"stage": "closed", "record_sha256": sha, "signed_by": {k: o.username for k, o in ops.items()},
                    "_after": [("opening.record", payload)]}
        self._act(session_id, ops["host"], "opening.stage", fn, roles=None)
        return holder[0]

    def record_payload(self, v: OpeningView, sha: str, compere: str | None = None) -> dict[str, Any]:
        """The ``opening.record`` payload exactly per docs/platform-api.md §4."""
        return {
            "session_id": v.session_id,
            "BID_SECTION_CODE": str(v.session.get("BID_SECTION_CODE") or ""),
            "BID_OPENING_TIME": rfc3339(v.starts_at),
            "BID_OPENING_ADDRESS": opening_address(v, self.hall.config.site.name),
            "OPEN_COMPERE": compere or v.signatures.get("host") or self._compere(v.session_id),
            "bidders": [
                {"registration_id": b.registration_id, "BIDDER_NAME": b.name, "BIDDER_ORG_CODE": b.org_code,
                 "attendance": b.attendance, "decrypt_status": b.decrypt_status or "not_decrypted",
                 "BID_PRICE": b.price if b.decrypt_status == "ok" else None}
                for b in v.bidders
            ],
            "outcome": v.outcome or "opened",
            "record_sha256": sha,
        }

    def _compere(self, session_id: str) -> str:
        with self.hall.reading() as s:
            st = s.get(OpeningState, session_id)
            return str((st.data or {}).get("compere", "")) if st else ""


def opening_address(v: OpeningView, site_name: str) -> str:
    return f"{site_name}{v.room_name}（{v.room_code}）" if site_name else f"{v.room_name}（{v.room_code}）"


def beijing_text(when: dt.datetime | None) -> str:
    return beijing(when).strftime("%Y-%m-%d %H:%M:%S") if when else ""


__all__ = [
    "ABSENT_REASONS", "LEGAL_WORDING", "OBJECTION_CATEGORIES", "OBJECTION_STAGES", "STAGES", "STAGE_ZH", "STAGE_EN", "BidderView", "Objection", "ObjectionTarget", "OpeningError",
    "OpeningService", "OpeningView", "QuorumShort", "RecordResult", "Signer",
]
