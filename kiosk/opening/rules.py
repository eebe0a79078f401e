"""Bid opening (开标): the stage machine and its rules (docs/rules/opening.md §2), pure.

Stages, in order (no skipping, and no going back once decryption has started)::

    scheduled → announced (纪律宣布) → bidders (公布投标人) → attendance (签到/缺席) → quorum check
    → control_price (控制价/标底) → decrypting (解密) → reading (唱标) → objections (异议)
    → confirmation (投标人确认) → signing (记录签字) → closed

Fewer than 3 bidders at the roll call (bids received by the deadline, less those withdrawn in
writing) means 不得开标 (REG 44): the machine stops until the host records it with a reason
(outcome ``failed_quorum``, 依法重新招标), and goes straight to ``signing`` so the record of what
happened is still made; there is no other outcome (D1). After decryption too few *valid* bids does
not stop the opening: it goes on, and the record flags it for the evaluation committee. A bidder
leaves the count only by its written 撤回/撤销 (REG 35), recorded with its reference
(:func:`record_withdrawal`), never by the host's word. Objections are taken throughout the opening
(:data:`OBJECTION_STAGES`, D2); whether an absent bidder is deemed to accept the record is the
session's own ``deemed_accept_absent`` (D5); 唱标 reads the 投标保证金 where ``deposit_required`` (D4).

Everything here is a pure function: no I/O, no clock, no database. :func:`fold_view` turns the
opening's saved progress (``opening_state``), the bidder snapshot, who is checked in and the time
into an :class:`~kiosk.opening.views.OpeningView`; each act's check-and-change takes that view and
the working copy of the state's ``data`` and returns what to journal. The service
(``kiosk/opening/service.py``) reads, calls these, then writes and journals in one unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.errors import HallError
from kiosk.money import to_capitals
from kiosk.opening.views import (
    ABSENT_REASONS,
    STAGE_ZH,
    WITHDRAWAL_ZH,
    AdmissionFlag,
    BidderView,
    Objection,
    OpeningView,
)
from kiosk.timeutil import rfc3339

STAGES = (
    "scheduled", "announced", "bidders", "attendance", "control_price", "decrypting",
    "reading", "objections", "confirmation", "signing", "closed",
)
#: the legal wording of a failed decryption (《电子招标投标办法》第三十一条)
LEGAL_WORDING = {
    "failed_bidder": "因投标人原因投标文件未解密，视为撤销其投标文件",
    "failed_other": "因投标人之外的原因投标文件未解密，视为撤回其投标文件，投标人有权要求责任方赔偿因此遭受的直接损失",
}
#: the stages in which a bidder may raise an objection on the spot (at the console or at a kiosk): the
#: whole 开标现场, from the discipline to the signing (REG 44; legal review D2)
OBJECTION_STAGES = ("announced", "bidders", "attendance", "control_price", "decrypting", "reading", "objections",
                    "confirmation", "signing")
#: the stages in which a bidder's written withdrawal (REG 35) may be recorded: before decryption
WITHDRAWAL_STAGES = ("bidders", "attendance", "control_price")
#: what a kiosk objection is about (zh, en); the category alone is a complete objection
OBJECTION_CATEGORIES = {
    "bidders": ("对投标人名单有异议", "the list of bidders"),
    "decryption": ("对解密结果有异议", "the decryption results"),
    "reading": ("对唱标内容有异议", "what was read out"),
    "procedure": ("对开标程序有异议", "the opening procedure"),
    "other": ("其他异议", "something else"),
}
OBJECTION_TEXT_MAX = 200
ANNOUNCE_BEFORE = dt.timedelta(minutes=30)  #: the discipline may be announced this long before the start
#: session roles (kiosk.staffing) that run the opening; the supervisor watches and operates nothing (管办分离)
HOST_ROLES = ("host",)
RECORDER_ROLES = ("recorder", "host")
SIGNER_ZH = {"host": "主持人", "recorder": "记录人", "supervisor": "监督人"}


class OpeningError(HallError):
    """An action the rules refuse; ``zh``/``en`` say why and what to do, ``code`` names the rule."""


class QuorumShort(OpeningError):
    """Fewer bidders than the quorum at the roll call: 不得开标; the host records it with a reason (REG 44)."""


def err(code: str, zh: str, en: str) -> OpeningError:
    return OpeningError(code, zh, en)


@dataclass(frozen=True)
class Journalled:
    """What an act journals when it is not the act's own kind (a short quorum: ``opening.quorum``)."""

    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    """The stage machine's saved state (the ``opening_state`` row without its ``data``)."""

    stage: str = "scheduled"
    paused: bool = False
    pause_reason: str = ""
    outcome: str | None = None
    record_sha256: str | None = None
    decrypt_started_at: dt.datetime | None = None


@dataclass(frozen=True)
class SessionFacts:
    """The platform's session record as the opening uses it."""

    session_id: str
    title: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    quorum: int
    record: dict[str, Any] = field(default_factory=dict)


# --- the fold: saved progress + check-ins → the view ---------------------------------------------


def fold_view(
    facts: SessionFacts, progress: Progress, data: Mapping[str, Any], snapshot: Sequence[Mapping[str, Any]],
    late: Sequence[dict[str, Any]], present: Mapping[str, str], now: dt.datetime,
    flags: Mapping[str, Sequence[AdmissionFlag]] | None = None, remote_synced_at: dt.datetime | None = None,
) -> OpeningView:
    """The opening as it stands.

    Args:
        facts: the platform's session.
        progress: the saved stage, pause, outcome, record hash and decryption start.
        data: the saved per-opening details (absences, decryption, readings, objections, …).
        snapshot: the published bidders (``data["bidders"]`` once published, else the on-time bids).
        late: the bids received after the deadline.
        present: registration id → masked name of the representative checked in for it.
        now: the hall's (platform-corrected) time.
        flags: registration id → what check-in found about its representative (D6).
        remote_synced_at: when the platform's ``remote_events`` were last caught up (a remote opening).
    """
    decrypt = data.get("decrypt", {})
    absent = data.get("absent", {})
    online = data.get("online", {})
    conf = data.get("confirmations", {})
    reading_index = int(data.get("reading_index", 0))
    withdrawals = data.get("withdrawals", {})
    flags = flags or {}
    bidders = []
    for i, b in enumerate(snapshot):
        rid = b["registration_id"]
        here = rid in present
        web = None if here else online.get(rid)
        d = decrypt.get(rid, {})
        c = conf.get(rid, {})
        w = withdrawals.get(rid)
        reason = absent.get(rid, "") or (f"{ABSENT_REASONS['abandoned']}（{WITHDRAWAL_ZH[w['kind']]}）" if w else "")
        dep = b.get("deposit") or {}
        bidders.append(BidderView(
            order=i + 1, registration_id=rid, name=b["name"], org_code=b["org_code"],
            submitted_at=dt.datetime.fromisoformat(b["submitted_at"]) if b.get("submitted_at") else None,
            attendance="present" if here else "online" if web else "absent",
            person_name=present.get(rid, "") or (web or {}).get("person_name", ""),
            absent_reason="" if here or web else reason,
            decrypt_status=d.get("status", ""), price=d.get("price"), price_unit=d.get("price_unit"),
            time_limit=d.get("time_limit"), quality=d.get("quality"), extra=dict(d.get("extra") or {}),
            read=i < reading_index, confirmation=c.get("status", ""), confirmation_note=c.get("note", ""),
            deposit_status=str(dep.get("status") or ""), withdrawal=dict(w) if w else None,
            flags=tuple(flags.get(rid, ())) if here else (),
            ca_serial=str((web or {}).get("ca_serial", "")), online_at=str((web or {}).get("at", "")),
            confirmation_source=str(c.get("source", "")), confirmation_signature=str(c.get("signature_sha256", "")),
        ))
    return OpeningView(
        session_id=facts.session_id, title=facts.title, room_code=facts.room_code, room_name=facts.room_name,
        starts_at=facts.starts_at, session=dict(facts.record), quorum=facts.quorum, stage=progress.stage,
        paused=progress.paused, pause_reason=progress.pause_reason, outcome=progress.outcome, bidders=tuple(bidders),
        late=tuple(late), objections=tuple(Objection(**o) for o in data.get("objections", ())), reading_index=reading_index,
        control_price_published=bool(data.get("control_price_published")),
        quorum_decision=data.get("quorum_decision"), quorum_short=data.get("quorum_short"), durations=dict(data.get("durations", {})),
        signatures=dict(data.get("signatures", {})), record_sha256=progress.record_sha256,
        decrypt_started_at=progress.decrypt_started_at, now=now, valid_short=data.get("valid_short"),
        remote_synced_at=remote_synced_at,
    )


# --- what check-in found about the representatives present (D6) ------------------------------------


@dataclass(frozen=True)
class PresentRep:
    """One check-in of the opening as the admission flags need it (no ID number: a person key only)."""

    registration_id: str
    bidder_name: str
    bidder_key: str  #: the bidder's USCC, or an HMAC of a natural person's ID number
    person_key: str  #: the person's HMAC (who checked in)
    person_name: str  #: masked
    checkin_no: int


@dataclass(frozen=True)
class BanFact:
    """An active market ban that touches a check-in: the bidder's own, or the representative's."""

    registration_id: str
    blacklist_code: str
    body_name: str  #: masked for a person
    record_reason: str
    valid_from: str | None
    valid_until: str | None
    on_person: bool  #: the representative is banned, not the bidder


def admission_flags(present: Sequence[PresentRep], bans: Sequence[BanFact]) -> dict[str, tuple[AdmissionFlag, ...]]:
    """The flags of an opening's check-ins (D6): a market ban, one person for several bidders.

    At an opening neither keeps a representative out (the bid stands; its validity is for the
    evaluation committee, REG 51); both are shown to the host and the supervisor with the evidence
    and printed in the record. Returns registration id → its flags, in check-in order.
    """
    out: dict[str, list[AdmissionFlag]] = {}
    names = {p.registration_id: p.bidder_name for p in present}
    for b in bans:
        if b.registration_id not in names:
            continue
        whose = f"授权代表本人（{b.body_name}）" if b.on_person else b.body_name
        period = f"{b.valid_from or '—'} 至 {b.valid_until or '长期'}"
        out.setdefault(b.registration_id, []).append(AdmissionFlag(
            "banned", b.registration_id, names[b.registration_id],
            "信用黑名单：市场禁入（已准予入场，投标是否有效由评标委员会认定）",
            "credit blacklist: market ban (admitted; the bid's validity is for the evaluation committee)",
            f"{b.blacklist_code}：{whose}，{b.record_reason}，有效期 {period}"))
    by_person: dict[str, list[PresentRep]] = {}
    for p in present:
        by_person.setdefault(p.person_key, []).append(p)
    for reps in by_person.values():
        if len({r.bidder_key for r in reps}) < 2:
            continue
        bidders = "、".join(dict.fromkeys(r.bidder_name for r in reps))
        nos = "、".join(str(r.checkin_no) for r in sorted(reps, key=lambda r: r.checkin_no))
        for r in reps:
            out.setdefault(r.registration_id, []).append(AdmissionFlag(
                "several_bidders", r.registration_id, r.bidder_name,
                "同一人代理多家投标人（《招标投标法实施条例》第四十条：视为串通投标的情形，由评标委员会认定）",
                "one person represents several bidders (REG 40: deemed collusion; for the evaluation committee)",
                f"{r.person_name} 同时为 {bidders} 签到（签到号 {nos}）"))
    return {rid: tuple(flags) for rid, flags in out.items()}


# --- checks shared by the acts -----------------------------------------------------------------------


def need_stage(view: OpeningView, *stages: str) -> None:
    if view.stage not in stages:
        want = "、".join(STAGE_ZH[x] for x in stages)
        raise err("stage", f"当前阶段是「{view.stage_zh}」，此操作只能在「{want}」阶段进行",
                  f"not possible in stage {view.stage}; needs {', '.join(stages)}")


def need_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise err("reason", "请填写原因", "a reason is required")
    return text


def need_role(actor_role: str | None, roles: tuple[str, ...]) -> None:
    """``actor_role`` is None when the actor is not an operator (a kiosk, a card, the platform)."""
    if actor_role is None or actor_role not in roles:
        raise err("role", "只有开标主持人（或监督人员）可以进行此操作", "only the host (or a supervisor) may do this")


def need_not_paused(progress: Progress) -> None:
    if progress.paused:
        raise err("paused", f"开标已暂停（{progress.pause_reason}），请先恢复", "the opening is paused: resume it first")


def find_bidder(v: OpeningView, registration_id: str) -> BidderView:
    for b in v.bidders:
        if b.registration_id == registration_id:
            return b
    raise err("no-bidder", "不是本场开标的投标人", "not a bidder of this opening")


def leave_stage(stage: str, stage_started_at: dt.datetime, data: dict[str, Any], now: dt.datetime) -> None:
    """Add the time spent in ``stage`` (less its pauses) to ``data["durations"]``."""
    durations = data.setdefault("durations", {})
    paused = float(data.pop("paused_in_stage", 0.0))
    spent = max(0.0, (now - stage_started_at).total_seconds() - paused)
    durations[stage] = round(durations.get(stage, 0.0) + spent, 3)


def enter_stage(stage: str, data: dict[str, Any], now: dt.datetime, actor: str) -> None:
    data.setdefault("stage_log", []).append({"stage": stage, "at": rfc3339(now), "actor": actor})


def stage_payload(kind: str, session_id: str, actor: str, payload: Mapping[str, Any], now: dt.datetime,
                  reason: str | None) -> dict[str, Any]:
    """The journal payload of an act: ``session_id``, ``actor``, its own members, ``at`` (and ``reason``)."""
    out = {"session_id": session_id, "actor": actor, **payload, "at": rfc3339(now)}
    if kind == "opening.stage" and "stage" in out:
        out["stage_zh"] = STAGE_ZH.get(out["stage"], out["stage"])
    if reason is not None:
        out["reason"] = reason
    return out


# --- the acts' checks and changes (each: view + working data → what to journal) -----------------------


def announce(v: OpeningView, data: dict[str, Any], compere: str) -> dict[str, Any]:
    need_stage(v, "scheduled")
    if v.now < v.starts_at - ANNOUNCE_BEFORE:
        raise err("too-early", "距开标时间超过 30 分钟，尚不能宣布开标纪律", "more than 30 minutes before the opening")
    data["compere"] = compere
    return {"stage": "announced"}


def publish_bidders_check(v: OpeningView) -> None:
    need_stage(v, "announced")
    if v.now < v.starts_at:
        raise err("too-early", "投标截止时间未到，不能公布投标人", "the bid deadline has not passed yet")


def publish_bidders(data: dict[str, Any], on_time: list[dict[str, Any]], late: list[dict[str, Any]]) -> dict[str, Any]:
    data["bidders"] = on_time
    data["late"] = [{**b, "reason": "逾期送达，不予受理"} for b in late]
    return {"stage": "bidders", "bidders": [b["registration_id"] for b in data["bidders"]],
            "late": [b["registration_id"] for b in data["late"]]}


def open_attendance(v: OpeningView) -> dict[str, Any]:
    need_stage(v, "bidders")
    return {"stage": "attendance"}


def absence_text(code: str, note: str) -> str:
    if code not in ABSENT_REASONS:
        raise err("reason", "缺席原因只能是迟到、弃标或其他", "absence reason must be late, abandoned or other")
    if code == "other":
        note = need_reason(note)
    return ABSENT_REASONS[code] + (f"：{note.strip()}" if note.strip() else "")


def record_absence(v: OpeningView, data: dict[str, Any], registration_id: str, code: str, text: str) -> dict[str, Any]:
    """An absent bidder's reason. 弃标 only with the bidder's written withdrawal recorded first (REG 35, D1)."""
    need_stage(v, "attendance")
    b = find_bidder(v, registration_id)
    if b.attendance == "present":
        raise err("present", "该投标人已签到，不能记录缺席", "this bidder has checked in")
    if b.attendance == "online":
        raise err("online", "该投标人已在线签到参加开标，不能记录缺席", "this bidder has signed in online")
    if code == "abandoned" and not b.withdrawn:
        raise err("withdrawal-needed",
                  "弃标须有投标人书面撤回或撤销投标文件的通知（《招标投标法实施条例》第三十五条）：请先登记该通知的编号和收到时间；"
                  "否则请记录为迟到或其他，其投标文件照常解密和唱标",
                  "a bidder is dropped only on its written withdrawal (REG 35): record the notice's reference and time "
                  "first; otherwise record it as late or other, and its bid is decrypted and read as usual")
    data.setdefault("absent", {})[registration_id] = text
    return {"registration_id": registration_id, "absence": code, "reason": text}


def check_withdrawal(kind: str, reference: str, received_at: str) -> tuple[str, str]:
    """A written withdrawal's kind and its reference (the notice's number, or the platform's record), both required."""
    if kind not in WITHDRAWAL_ZH:
        raise err("withdrawal-kind", "只能登记书面撤回（截止前）或书面撤销（截止后）",
                  "a withdrawal is either withdrawn (before the deadline) or revoked (after it)")
    ref = " ".join((reference or "").split())
    if not ref:
        raise err("withdrawal-reference", "请填写书面通知的编号（或交易平台的撤回记录编号）",
                  "enter the written notice's number (or the platform's withdrawal record)")
    when = (received_at or "").strip()
    if not when:
        raise err("withdrawal-time", "请填写收到书面通知的时间", "enter when the written notice was received")
    return ref, when


def record_withdrawal(v: OpeningView, data: dict[str, Any], registration_id: str, kind: str, reference: str,
                      received_at: str, by: str) -> dict[str, Any]:
    """Record a bidder's written 撤回/撤销 (REG 35) with its reference: the bid leaves the count, is not decrypted.

    Returns the ``opening.withdrawal`` payload body (the reference and time, never a person's ID).
    """
    need_stage(v, *WITHDRAWAL_STAGES)
    b = find_bidder(v, registration_id)
    if b.withdrawn:
        raise err("withdrawn", "该投标人的书面撤回/撤销已登记", "this bidder's withdrawal is already recorded")
    ref, when = check_withdrawal(kind, reference, received_at)
    data.setdefault("withdrawals", {})[registration_id] = {
        "kind": kind, "reference": ref, "received_at": when, "recorded_by": by, "at": rfc3339(v.now)}
    return {"registration_id": registration_id, "BIDDER_NAME": b.name, "withdrawal": kind, "reference": ref,
            "received_at": when, "legal_basis": "《招标投标法实施条例》第三十五条"}


def advance_checked(v: OpeningView, data: dict[str, Any], stage: str, to: str, phase: str) -> dict[str, Any] | Journalled:
    """Leave ``stage`` for ``to``; after attendance only if 3 bidders or more remain (REG 44).

    At the roll call, fewer bidders than the quorum (bids received by the deadline less those withdrawn
    in writing; absence does not count against a bid) → ``opening.quorum`` journalled, no stage change:
    不得开标. After decryption, too few *valid* bids does not stop the opening (D1): it goes on to
    唱标 and ``data["valid_short"]`` flags it for the evaluation committee.
    """
    need_stage(v, stage)
    if stage == "attendance":
        missing = [b.name for b in v.bidders if b.attendance == "absent" and not b.absent_reason]
        if missing:
            raise err("absence-reason", "请先为未签到的投标人记录缺席原因：" + "、".join(missing),
                      "record a reason for every absent bidder first")
    if stage == "decrypting":
        done, total = v.decrypt_progress
        if done < total:
            raise err("decrypting", f"解密尚未完成（{done}/{total}），全部解密完成后才能唱标",
                      "decryption is not finished: bids are read only after all are decrypted")
    if stage == "decrypting":
        counted = {"phase": phase, "valid": v.valid_count, "quorum": v.quorum}
        if v.valid_count < v.quorum:
            data["valid_short"] = {**counted, "for_committee": True}
            return {"stage": to, "valid_short": data["valid_short"]}
        data.pop("valid_short", None)
        return {"stage": to, "quorum_ok": counted}
    if v.bidder_count < v.quorum:
        data["quorum_short"] = {"phase": phase, "valid": v.bidder_count, "quorum": v.quorum}
        return Journalled("opening.quorum", {"phase": phase, "valid": v.bidder_count, "quorum": v.quorum, "short": True})
    data.pop("quorum_short", None)
    return {"stage": to, "quorum_ok": {"phase": phase, "valid": v.bidder_count, "quorum": v.quorum}}


def quorum_short_error(v: OpeningView) -> QuorumShort:
    return QuorumShort("quorum", f"投标人 {v.bidder_count} 个，少于 {v.quorum} 个：依法不得开标，招标人应当重新招标"
                       "（《招标投标法实施条例》第四十四条）。请填写原因并确认不得开标",
                       f"{v.bidder_count} bidders, fewer than {v.quorum}: the bids may not be opened and the tender must be "
                       "repeated (REG 44). Enter a reason and confirm")


def check_decision(decision: str) -> None:
    """The only lawful decision on a short roll call is ``failed`` (不得开标, 重新招标); never ``suspend`` (D1)."""
    if decision != "failed":
        raise err("decision", "投标人少于3个的，依法不得开标、应当重新招标（《招标投标法实施条例》第四十四条），不能中止后继续",
                  "with fewer than 3 bidders the bids may not be opened and the tender is repeated (REG 44): "
                  "suspending to carry on later is not an outcome")


def decide_quorum(data: dict[str, Any], decision: str, reason: str, by: str) -> dict[str, Any]:
    """The host records 不得开标 on a short roll call; the payload's ``outcome`` is ``failed_quorum``."""
    check_decision(decision)
    q = data.get("quorum_short")
    if not q or q.get("phase") != "attendance":
        raise err("quorum-ok", "投标人数量满足要求，无需作出不得开标的决定", "the quorum is met: nothing to decide")
    data["quorum_decision"] = {**q, "decision": decision, "reason": reason, "by": by}
    return {"stage": "signing", "decision": decision, "outcome": "failed_quorum", "quorum": q,
            "legal_basis": "《招标投标法实施条例》第四十四条"}


def publish_control_price(v: OpeningView, data: dict[str, Any]) -> dict[str, Any]:
    need_stage(v, "control_price")
    data["control_price_published"] = True
    return {"CONTROL_PRICE": v.control_price, "PRICE_UNIT": v.price_unit,
            "capitals": to_capitals(v.control_price, v.price_unit) if v.control_price else None}


def start_decryption_check(v: OpeningView, has_platform: bool) -> None:
    need_stage(v, "control_price")
    if v.control_price and not v.control_price_published:
        raise err("control-price", "请先公布控制价/标底", "publish the control price first")
    if v.now < v.starts_at:
        raise err("too-early", "开标时间未到（以交易平台时钟为准），不能解密", "before the opening time (platform clock): no decryption")
    if not has_platform:
        raise err("no-platform", "解密需要连接交易平台：本终端未配置平台", "decryption needs the platform: none is configured")


def start_decryption(v: OpeningView, data: dict[str, Any]) -> dict[str, Any]:
    data["decrypt"] = {b.registration_id: {"status": "pending"} for b in v.bidders if not b.withdrawn}
    return {"stage": "decrypting"}


def take_results(data: dict[str, Any], fresh: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The platform's new bid results into ``data["decrypt"]``; one ``opening.decrypt`` payload body each."""
    out: list[dict[str, Any]] = []
    dec = data.setdefault("decrypt", {})
    for rid, r in sorted(fresh.items()):
        if rid not in dec:
            continue  # not a published bidder
        status = r.get("decrypt_status", "pending")
        dec[rid] = {"status": status, "price": r.get("BID_PRICE"), "price_unit": r.get("PRICE_UNIT"),
                    "time_limit": r.get("TIME_LIMIT"), "quality": r.get("QUALITY"), "extra": r.get("extra") or {},
                    "decrypted_at": r.get("decrypted_at")}
        body: dict[str, Any] = {"registration_id": rid, "decrypt_status": status}
        if status in LEGAL_WORDING:
            body["legal_wording"] = LEGAL_WORDING[status]
        out.append(body)
    return out


def read_next(v: OpeningView, data: dict[str, Any]) -> dict[str, Any]:
    need_stage(v, "reading")
    i = int(data.get("reading_index", 0))
    if i >= len(v.bidders):
        raise err("read-all", "所有投标人均已唱标", "every bid has been read")
    b = v.bidders[i]
    data["reading_index"] = i + 1
    out: dict[str, Any] = {"registration_id": b.registration_id, "order": b.order, "BIDDER_NAME": b.name,
                           "decrypt_status": b.decrypt_status}
    if v.deposit_required:  # 投标保证金递交情况 (标准施工招标文件 5.2; D4)
        out["deposit"] = b.deposit_status or "none"
        out["deposit_zh"] = b.deposit_zh
    if b.withdrawn:
        out["withdrawal"] = b.withdrawal_zh
    elif b.price:
        out.update({"BID_PRICE": b.price, "PRICE_UNIT": b.price_unit or "0", "capitals": b.capitals,
                    "TIME_LIMIT": b.time_limit, "QUALITY": b.quality, "extra": b.extra})
    elif b.decrypt_status in LEGAL_WORDING:
        out["legal_wording"] = LEGAL_WORDING[b.decrypt_status]
    return out


def finish_reading(v: OpeningView) -> dict[str, Any]:
    need_stage(v, "reading")
    if v.reading_index < len(v.bidders):
        raise err("unread", f"还有 {len(v.bidders) - v.reading_index} 家投标人未唱标：每份按时递交的投标文件都必须唱标",
                  "every bid received before the deadline must be read")
    return {"stage": "objections"}


def raise_objection(v: OpeningView, data: dict[str, Any], by: str, content: str) -> dict[str, Any]:
    need_stage(v, *OBJECTION_STAGES)
    objs = data.setdefault("objections", [])
    no = len(objs) + 1
    objs.append({"no": no, "by": by, "content": content, "raised_at": rfc3339(v.now), "answer": "",
                 "answered_by": "", "answered_at": "", "source": "console", "stage": v.stage})
    return {"no": no, "by": by, "content": content, "source": "console"}


def kiosk_objection_content(category: str, text: str) -> str:
    """The objection's content from its category and optional text (checked before anything is read)."""
    if category not in OBJECTION_CATEGORIES:
        raise err("category", "请选择异议类别", "choose what the objection is about")
    text = " ".join((text or "").split())
    if len(text) > OBJECTION_TEXT_MAX:
        raise err("too-long", f"异议说明不能超过 {OBJECTION_TEXT_MAX} 字", f"at most {OBJECTION_TEXT_MAX} characters")
    return OBJECTION_CATEGORIES[category][0] + (f"：{text}" if text else "")


def raise_kiosk_objection(v: OpeningView, data: dict[str, Any], *, checked_in: bool, registration_id: str, category: str,
                          content: str, bidder_name: str, person_name: str) -> dict[str, Any]:
    need_stage(v, *OBJECTION_STAGES)
    if not checked_in:
        raise err("not-checked-in", "您尚未签到本场开标", "you have not checked in to this opening")
    objs = data.setdefault("objections", [])
    if any(o.get("registration_id") == registration_id and o.get("category") == category and not o.get("answer") for o in objs):
        raise err("duplicate", "您的同类异议已提交，主持人尚未答复，请稍候",
                  "you have already raised this objection and it has not been answered yet")
    no = len(objs) + 1
    objs.append({"no": no, "by": bidder_name, "content": content, "raised_at": rfc3339(v.now), "answer": "",
                 "answered_by": "", "answered_at": "", "source": "kiosk", "category": category,
                 "registration_id": registration_id, "person_name": person_name, "stage": v.stage})
    return {"no": no, "by": bidder_name, "content": content, "source": "kiosk", "category": category,
            "registration_id": registration_id, "person_name": person_name}


def answer_objection(v: OpeningView, data: dict[str, Any], no: int, answer: str, by: str) -> dict[str, Any]:
    need_stage(v, *OBJECTION_STAGES)
    for o in data.get("objections", []):
        if o["no"] == no:
            if o["answer"]:
                raise err("answered", "该异议已答复，答复不能修改", "already answered")
            o.update(answer=answer, answered_by=by, answered_at=rfc3339(v.now))
            out = {"no": no, "answer": answer, "source": o.get("source", "console"), "by": o["by"]}
            if o.get("event_id"):  # an online objection: the platform shows this answer to the bidder (issue 19)
                out.update(registration_id=o.get("registration_id", ""), event_id=o["event_id"])
            return out
    raise err("no-objection", "没有这条异议", "no such objection")


def need_answered(v: OpeningView, answer_required: bool = True) -> None:
    if answer_required and any(not o.answer for o in v.objections):
        raise err("unanswered", "还有异议未答复：异议须当场答复并记录", "answer every objection on the spot first")


def close_objections(v: OpeningView, data: dict[str, Any], *, answer_required: bool) -> dict[str, Any]:
    """Leave 异议 for 投标人确认; absent bidders are deemed to accept only where the session says so (D5).

    With the session's ``deemed_accept_absent`` (政府采购: G87 art. 42) an absent bidder is
    ``deemed`` to accept the record; otherwise it is recorded as ``absent`` (未到场), which is not an
    acceptance. A bidder that withdrew in writing is neither.
    """
    need_stage(v, "objections")
    need_answered(v, answer_required)
    conf = data.setdefault("confirmations", {})
    deemed = v.deemed_accept_absent
    for b in v.bidders:
        if b.attendance == "absent" and not b.withdrawn:
            conf[b.registration_id] = ({"status": "deemed", "note": "未到场，视同认可开标结果"} if deemed
                                       else {"status": "absent", "note": "未到场，未确认开标记录"})
    return {"stage": "confirmation", "absent_deemed_accept": deemed}


def confirm_by_card(v: OpeningView, data: dict[str, Any], registration_id: str | None, person_id_hmac: str) -> dict[str, Any]:
    """``registration_id``: the one this card checked in for (None if it checked in for none)."""
    need_stage(v, "confirmation")
    if registration_id is None or registration_id not in {b.registration_id for b in v.bidders}:
        raise err("not-present", "此证件不是本场已签到的投标人代表", "this card is not a checked-in representative of this opening")
    data.setdefault("confirmations", {})[registration_id] = {"status": "confirmed", "note": "刷身份证确认", "source": "card"}
    return {"registration_id": registration_id, "result": "confirmed", "person_id_hmac": person_id_hmac}


def record_refusal(v: OpeningView, data: dict[str, Any], registration_id: str, reason: str) -> dict[str, Any]:
    need_stage(v, "confirmation")
    find_bidder(v, registration_id)
    data.setdefault("confirmations", {})[registration_id] = {"status": "refused", "note": reason}
    return {"registration_id": registration_id, "result": "refused"}


def finish_confirmation(v: OpeningView, *, answer_required: bool = True) -> dict[str, Any]:
    need_stage(v, "confirmation")
    need_answered(v, answer_required)  # an objection may be raised in this stage too (D2)
    waiting = [b.name for b in v.bidders if b.attendance == "present" and not b.confirmation]
    if waiting:
        raise err("unconfirmed", "以下到场投标人尚未确认或记录拒绝：" + "、".join(waiting),
                  "every present bidder must confirm or have a refusal recorded")
    online = [b.name for b in v.bidders if b.attendance == "online" and not b.confirmation]
    if online:  # their answer comes through the platform (issue 19): wait, or record no answer after the window
        raise err("online-unconfirmed", "等待在线投标人确认：" + "、".join(online) + "（超过确认时限未答复的，可记录为在线未确认）",
                  "waiting for online bidders to confirm (after the window, record no answer)")
    return {"stage": "signing"}


def pause(v: OpeningView, data: dict[str, Any]) -> dict[str, Any]:
    if v.stage in ("scheduled", "closed"):
        raise err("stage", "开标尚未开始或已结束，不能暂停", "nothing to pause")
    data["paused_at"] = rfc3339(v.now)
    return {"stage_at_pause": v.stage}


def resume(v: OpeningView, data: dict[str, Any], reason: str) -> dict[str, Any]:
    if not v.paused:
        raise err("not-paused", "开标未暂停", "not paused")
    since = dt.datetime.fromisoformat(data.pop("paused_at"))
    secs = max(0.0, (v.now - since).total_seconds())
    data["paused_in_stage"] = float(data.get("paused_in_stage", 0.0)) + secs
    data.setdefault("pauses", []).append({"stage": v.stage, "from": since.isoformat(), "seconds": round(secs, 3),
                                          "reason": v.pause_reason, "resume_reason": reason})
    return {"paused_seconds": int(round(secs))}


def go_back(v: OpeningView) -> dict[str, Any]:
    if v.decrypt_started_at is not None or STAGES.index(v.stage) >= STAGES.index("decrypting"):
        raise err("no-going-back", "解密已开始，开标程序不能回退", "decryption has started: no going back")
    if v.stage == "scheduled":
        raise err("stage", "已是第一个阶段", "already at the first stage")
    return {"stage": STAGES[STAGES.index(v.stage) - 1], "back_from": v.stage}


# --- the record ------------------------------------------------------------------------------------------


def check_signers(usernames: Sequence[str]) -> None:
    if len(set(usernames)) != 3:
        raise err("signers", "主持人、记录人、监督人须为三名不同的工作人员", "host, recorder and supervisor must be three different operators")


def sign_check(v: OpeningView) -> None:
    need_stage(v, "signing")
    if v.paused:
        raise err("paused", "开标已暂停，请先恢复", "paused: resume first")
    need_answered(v)  # an objection raised while signing is answered before the record is signed (D2)


def record_payload(v: OpeningView, sha: str, compere: str, site_name: str) -> dict[str, Any]:
    """The ``opening.record`` payload exactly per docs/platform-api.md §4."""
    return {
        "session_id": v.session_id,
        "BID_SECTION_CODE": str(v.session.get("BID_SECTION_CODE") or ""),
        "BID_OPENING_TIME": rfc3339(v.starts_at),
        "BID_OPENING_ADDRESS": opening_address(v, site_name),
        "OPEN_COMPERE": compere,
        "bidders": [
            _record_bidder(b, remote=v.remote)
            for b in v.bidders
        ],
        "outcome": v.outcome or "opened",
        "record_sha256": sha,
    }


def _record_bidder(b: BidderView, *, remote: bool) -> dict[str, Any]:
    """One bidder of ``opening.record``: ``attendance`` keeps §4's values (an online bidder attended:
    ``present``); in a remote opening ``attended`` says how (``onsite``/``online``), with the CA serial and
    the online confirmation's signature hash."""
    out: dict[str, Any] = {"registration_id": b.registration_id, "BIDDER_NAME": b.name, "BIDDER_ORG_CODE": b.org_code,
                           "attendance": "present" if b.attends else "absent", "decrypt_status": b.decrypt_status or "not_decrypted",
                           "BID_PRICE": b.price if b.decrypt_status == "ok" else None,
                           "confirmation": b.confirmation or "none"}
    if not remote:
        return out
    if b.attends:
        out["attended"] = "online" if b.attendance == "online" else "onsite"
    if b.attendance == "online":
        out["ca_serial"] = b.ca_serial
    if b.confirmation_source == "online":
        out["confirmation_signature_sha256"] = b.confirmation_signature
    return out


def opening_address(v: OpeningView, site_name: str) -> str:
    return f"{site_name}{v.room_name}（{v.room_code}）" if site_name else f"{v.room_name}（{v.room_code}）"
