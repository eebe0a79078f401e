"""The opening service: each public method is one unit of work (docs/rules/opening.md §2).

Objections (REG 44) are raised in 唱标 or 异议 (``OBJECTION_STAGES``): entered by the host at the
console, or by a bidder's representative with their ID card at a kiosk (``objection_targets`` /
``raise_objection_at_kiosk``: only someone who checked in for a published bidder of that opening;
a category is enough, a short text optional; journalled ``opening.objection`` with ``source``
``kiosk``, the bidder, the registration and the masked name, never the ID number). The host
answers each on the spot; the objection stage cannot be left while one is unanswered.

Every action is one unit of work: the state row (``opening_state``) and a journal entry
(``opening.stage`` for a stage change, ``opening.<action>`` otherwise; payload with ``session_id``,
``actor``, ``reason`` where there is one, and ``at`` on the platform-corrected clock) commit
together. The state is restored from the row after a restart; attendance comes from check-in
(:func:`kiosk.checkin.checked_in`, its table), decryption from ``pf_bid_results``.
The checks and the state's changes are the pure functions of :mod:`kiosk.opening.rules`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobstore import stored_path
from kiosk.checkin import checked_in
from kiosk.db.models import Blob, JournalEntry, PfBidResult, PfRegistration, PfSession
from kiosk.db.models_opening import OpeningState
from kiosk.opening import rules
from kiosk.opening.rules import (
    HOST_ROLES,
    OBJECTION_STAGES,
    RECORDER_ROLES,
    SIGNER_ZH,
    Journalled,
    Progress,
    SessionFacts,
    err,
)
from kiosk.opening.views import ObjectionTarget, OpeningView, RecordResult, Signer
from kiosk.operators import AccessError, OperatorInfo
from kiosk.timeutil import rfc3339

if TYPE_CHECKING:
    from kiosk.context import HallContext
    from kiosk.hall import SessionInfo

#: an act's check-and-change: (session, locked state row, working copy of its data, view) → payload
Change = Callable[[Session, OpeningState, dict[str, Any], OpeningView], "dict[str, Any] | Journalled"]


class OpeningService:
    """The rules of one hall's openings.

    Args:
        hall: the hall as its capabilities see it (units of work, journal, clock, operators, config).
    """

    def __init__(self, hall: HallContext) -> None:
        self.hall = hall
        self.cfg = hall.config.opening

    # --- reading ------------------------------------------------------------------------------

    def openings_today(self, room_code: str | None = None) -> list[SessionInfo]:
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

    def _session(self, s: Session, session_id: str) -> PfSession:
        ps = s.get(PfSession, session_id)
        if ps is None or ps.kind != "bid_opening":
            raise err("no-session", f"没有这个开标场次：{session_id}", f"no such bid opening: {session_id}")
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
        present = {rid: c.person_name_masked for rid, c in checked_in(s, session_id).items()}
        if "bidders" in data:
            snapshot = data["bidders"]
        else:
            on_time, _ = self._registrations(s, ps)
            snapshot = [self._snap(r) for r in on_time]
        if st is None:
            _, late_regs = self._registrations(s, ps)
            late = [self._snap(r) for r in late_regs]
        else:
            late = list(data.get("late", ()))
        facts = SessionFacts(ps.session_id, ps.title, ps.room_code, ps.room_name, ps.starts_at, int(ps.quorum or 3), dict(ps.data))
        return rules.fold_view(facts, self._progress(st), data, snapshot, late, present, now)

    @staticmethod
    def _progress(st: OpeningState | None) -> Progress:
        if st is None:
            return Progress()
        return Progress(stage=st.stage, paused=bool(st.paused), pause_reason=st.pause_reason or "", outcome=st.outcome,
                        record_sha256=st.record_sha256, decrypt_started_at=st.decrypt_started_at)

    @staticmethod
    def _snap(r: PfRegistration) -> dict[str, Any]:
        return {"registration_id": r.registration_id, "name": r.bidder_name, "org_code": r.bidder_code or "",
                "submitted_at": r.bid_submitted_at.isoformat() if r.bid_submitted_at else None}

    # --- the unit of work of one action ---------------------------------------------------------

    def _act(
        self, session_id: str, actor: OperatorInfo | str, kind: str, change: Change,
        *, roles: tuple[str, ...] | None = HOST_ROLES, allow_paused: bool = False, reason: str | None = None,
        after: Callable[[Session], None] | None = None,
    ) -> OpeningView:
        """Lock the state, check the actor and pause, run ``change``, journal, save — one transaction.

        ``change`` returns the payload of a ``kind`` entry, or a :class:`~kiosk.opening.rules.Journalled`
        of another kind (a short quorum); ``after`` appends what follows it in the same transaction
        (the ``opening.record`` after the closing stage).
        """
        name = actor.username if isinstance(actor, OperatorInfo) else str(actor)
        if roles is not None:
            rules.need_role(actor.role if isinstance(actor, OperatorInfo) else None, roles)
        with self.hall.unit() as s:
            self._session(s, session_id)
            st = s.execute(select(OpeningState).where(OpeningState.session_id == session_id).with_for_update()).scalar_one_or_none()
            now = self.hall.clock.now()
            if st is None:
                st = OpeningState(session_id=session_id, stage="scheduled", paused=False, version=0, data={},
                                  stage_started_at=now, updated_at=now)
                s.add(st)
            if not allow_paused:
                rules.need_not_paused(self._progress(st))
            data = json.loads(json.dumps(st.data or {}))
            view = self._view(s, session_id, st)
            result = change(s, st, data, view)
            if isinstance(result, Journalled):
                kind, body = result.kind, result.payload
            else:
                body = result
            payload = rules.stage_payload(kind, session_id, name, body, now, reason)
            if "stage" in payload and kind == "opening.stage":
                rules.leave_stage(st.stage, st.stage_started_at, data, now)
                st.stage = payload["stage"]
                st.stage_started_at = now
                rules.enter_stage(st.stage, data, now, name)
            st.data = data
            st.version = (st.version or 0) + 1
            st.updated_at = now
            self.hall.journal.append(s, kind, payload)
            if after is not None:
                after(s)
            s.flush()
            return self._view(s, session_id, st)

    # --- the stages -----------------------------------------------------------------------------

    def announce(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """纪律宣布: from 30 minutes before the start (platform clock)."""
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.announce(v, data, actor.display_name))

    def publish_bidders(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """公布投标人: only at or after the deadline (= starts_at), bids received before it, in submission order."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            rules.publish_bidders_check(v)
            on_time, late = self._registrations(s, self._session(s, session_id))
            return rules.publish_bidders(data, [self._snap(r) for r in on_time], [self._snap(r) for r in late])
        return self._act(session_id, actor, "opening.stage", change)

    def open_attendance(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.open_attendance(v))

    def record_absence(self, session_id: str, actor: OperatorInfo, registration_id: str, code: str, note: str = "") -> OpeningView:
        """An absent bidder's reason: late (迟到), abandoned (弃标) or other (其他, with text)."""
        text = rules.absence_text(code, note)
        return self._act(session_id, actor, "opening.absence",
                         lambda s, st, data, v: rules.record_absence(v, data, registration_id, code, text))

    def confirm_attendance(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """Close the roll call and check the quorum; short → QuorumShort (journalled), host decides."""
        return self._advance_checked(session_id, actor, "attendance", "control_price", "attendance")

    def _advance_checked(self, session_id: str, actor: OperatorInfo, stage: str, to: str, phase: str) -> OpeningView:
        short: list[OpeningView] = []

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any] | Journalled:
            result = rules.advance_checked(v, data, stage, to, phase)
            if isinstance(result, Journalled):
                short.append(v)
            return result

        # A short quorum is journalled (opening.quorum) and then refused as QuorumShort.
        view = self._act(session_id, actor, "opening.stage", change)
        if short:
            raise rules.quorum_short_error(short[0])
        return view

    def decide_quorum(self, session_id: str, actor: OperatorInfo, decision: str, reason: str) -> OpeningView:
        """The host's decision on a short quorum: ``failed`` (招标失败) or ``suspend`` (中止); reason mandatory."""
        reason = rules.need_reason(reason)
        rules.check_decision(decision)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.decide_quorum(data, decision, reason, actor.username)
            st.outcome = payload["outcome"]
            return payload
        return self._act(session_id, actor, "opening.stage", change, reason=reason)

    def publish_control_price(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        """公布控制价/标底 (REG 50: a 标底 must be published at the opening)."""
        return self._act(session_id, actor, "opening.control_price", lambda s, st, data, v: rules.publish_control_price(v, data))

    def start_decryption(self, session_id: str, actor: OperatorInfo, starter: Callable[[str], None] | None) -> OpeningView:
        """Ask the platform to decrypt (``starter`` = the platform's POST) — never before ``starts_at``.

        Raises OpeningError ``no-platform`` when stand-alone, ``too-early`` before the start on the
        platform clock (the platform would answer 409 as well); the starter's own errors pass through
        and leave the stage unchanged.
        """
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            rules.start_decryption_check(v, starter is not None)
            assert starter is not None
            starter(session_id)  # inside the transaction: a refusal leaves no trace but the error
            st.decrypt_started_at = v.now
            return rules.start_decryption(v, data)
        return self._act(session_id, actor, "opening.stage", change)

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
            for body in rules.take_results(data, fresh):
                self.hall.journal.append(s, "opening.decrypt", {"session_id": session_id, "actor": "platform", **body,
                                                                "at": rfc3339(now)})
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
        return self._act(session_id, actor, "opening.reading", lambda s, st, data, v: rules.read_next(v, data))

    def finish_reading(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.finish_reading(v))

    def raise_objection(self, session_id: str, actor: OperatorInfo, by: str, content: str) -> OpeningView:
        """An objection raised on the spot (by a bidder, entered at the console)."""
        content = rules.need_reason(content)
        by = rules.need_reason(by)
        return self._act(session_id, actor, "opening.objection", lambda s, st, data, v: rules.raise_objection(v, data, by, content))

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
                raise err("no-open-opening", "目前没有正在唱标或异议阶段的开标，现在不能提出开标异议；如有疑问请咨询工作人员",
                          "no bid opening is at the reading or objection stage now: objections cannot be raised at the moment")
            matches = [m for m in registrations_for_person(s, self.hall.vault, id_number) if m.session_id in open_ids]
            out: list[ObjectionTarget] = []
            paused = False
            for m in matches:
                v = self._view(s, m.session_id)
                if m.registration_id not in {b.registration_id for b in v.bidders}:
                    continue
                att = checked_in(s, m.session_id).get(m.registration_id)
                if att is None or att.person_id_hmac != pid:
                    continue
                if v.paused:
                    paused = True
                    continue
                out.append(ObjectionTarget(v.session_id, v.title, v.room_name, v.stage, m.registration_id, m.bidder_name,
                                           att.person_name_masked))
        if out:
            return out
        if paused:
            raise err("paused", "开标已暂停，恢复后才能提出异议", "the opening is paused: objections can be raised once it resumes")
        if not matches:
            raise err("not-representative", "您不是正在开标的项目中任何投标人的代表，不能提出开标异议",
                      "you are not a representative of a bidder in the opening now under way")
        raise err("not-checked-in", "您尚未签到本场开标：到场签到的投标人代表才能当场提出异议，请先到签到终端签到或咨询工作人员",
                  "you have not checked in to this opening: only representatives present and checked in may raise objections")

    def raise_objection_at_kiosk(self, session_id: str, registration_id: str, id_number: str, category: str,
                                 text: str = "", *, terminal_id: str = "") -> tuple[OpeningView, int]:
        """A bidder's objection, raised with their ID card at a kiosk (REG 44); returns (view, its number).

        The category alone is enough; ``text`` (≤ OBJECTION_TEXT_MAX characters) is optional. The
        person is checked again inside the transaction; the journal gets the bidder, the
        registration and the masked name, never the ID number.
        """
        content = rules.kiosk_objection_content(category, text)
        targets = [t for t in self.objection_targets(id_number) if t.session_id == session_id and t.registration_id == registration_id]
        if not targets:
            raise err("not-checked-in", "您不能为该投标人提出异议", "you may not raise an objection for this bidder")
        t = targets[0]
        pid = self.hall.person_hmac(id_number)
        holder: list[int] = []

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            att = checked_in(s, session_id).get(registration_id) if v.stage in OBJECTION_STAGES else None
            payload = rules.raise_kiosk_objection(
                v, data, checked_in=att is not None and att.person_id_hmac == pid, registration_id=registration_id,
                category=category, content=content, bidder_name=t.bidder_name, person_name=t.person_name)
            holder.append(int(payload["no"]))
            return payload
        view = self._act(session_id, f"kiosk:{terminal_id}" if terminal_id else "kiosk", "opening.objection", change, roles=None)
        return view, holder[0]

    def answer_objection(self, session_id: str, actor: OperatorInfo, no: int, answer: str) -> OpeningView:
        """The answer given on the spot, recorded (REG 44)."""
        answer = rules.need_reason(answer)
        return self._act(session_id, actor, "opening.answer",
                         lambda s, st, data, v: rules.answer_objection(v, data, no, answer, actor.username))

    def close_objections(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.close_objections(
            v, data, answer_required=self.cfg.objection_answer_required, absent_deemed_accept=self.cfg.absent_deemed_accept))

    def confirm_by_card(self, session_id: str, person_id_hmac: str) -> OpeningView:
        """A present bidder's representative confirms by placing their ID card on the console's reader."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            rules.need_stage(v, "confirmation")
            present = checked_in(s, session_id)
            rid = next((r for r, c in present.items() if c.person_id_hmac == person_id_hmac), None)
            return rules.confirm_by_card(v, data, rid, person_id_hmac)
        return self._act(session_id, "idcard", "opening.confirmation", change, roles=None)

    def record_refusal(self, session_id: str, actor: OperatorInfo, registration_id: str, reason: str) -> OpeningView:
        """A clerk records that a present bidder refuses to confirm, and why."""
        reason = rules.need_reason(reason)
        return self._act(session_id, actor, "opening.confirmation",
                         lambda s, st, data, v: rules.record_refusal(v, data, registration_id, reason),
                         roles=RECORDER_ROLES, reason=reason)

    def finish_confirmation(self, session_id: str, actor: OperatorInfo) -> OpeningView:
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.finish_confirmation(v)
            st.outcome = st.outcome or "opened"
            return payload
        return self._act(session_id, actor, "opening.stage", change)

    # --- pause, resume, going back ----------------------------------------------------------------

    def pause(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        reason = rules.need_reason(reason)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.pause(v, data)
            st.paused = True
            st.pause_reason = reason
            return payload
        return self._act(session_id, actor, "opening.pause", change, reason=reason)

    def resume(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        reason = rules.need_reason(reason)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.resume(v, data, reason)
            st.paused = False
            st.pause_reason = None
            return payload
        return self._act(session_id, actor, "opening.resume", change, allow_paused=True, reason=reason)

    def go_back(self, session_id: str, actor: OperatorInfo, reason: str) -> OpeningView:
        """One stage back with a reason — only before decryption has started."""
        reason = rules.need_reason(reason)
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.go_back(v), reason=reason)

    # --- the record ---------------------------------------------------------------------------------

    def record_pdf(self, session_id: str, signatures: dict[str, str] | None = None) -> tuple[bytes, str]:
        """The 开标记录表 as it stands (``signatures`` role → display name), and its SHA-256."""
        from kiosk.opening.documents import build_record

        v = self.view(session_id)
        return build_record(v, signatures if signatures is not None else v.signatures, self.hall.config.site.name)

    def sign_and_close(self, session_id: str, host: Signer, recorder: Signer, supervisor: Signer) -> RecordResult:
        """Host, recorder and supervisor sign with their PINs (three different operators) → record, blob, close."""
        rules.check_signers((host.username, recorder.username, supervisor.username))
        ops: dict[str, OperatorInfo] = {}
        for key, signer, roles in (("host", host, ("host",)), ("recorder", recorder, RECORDER_ROLES), ("supervisor", supervisor, ("supervisor",))):
            try:
                ops[key] = self.hall.login(signer.username, signer.pin, roles=roles)
            except AccessError as exc:
                raise err("pin", f"{SIGNER_ZH[key]}签字失败：{exc.zh}", f"{key} signature failed: {exc.en}") from exc
        v = self.view(session_id)
        rules.sign_check(v)
        sigs = {k: o.display_name for k, o in ops.items()}
        pdf, sha = self.record_pdf(session_id, sigs)
        folder = self.hall.config.data_dir / "opening"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{session_id}-{sha[:12]}.pdf"
        path.write_bytes(pdf)
        payload = self.record_payload(v, sha, compere=sigs["host"])
        holder: list[RecordResult] = []

        def change(s: Session, st: OpeningState, data: dict[str, Any], v2: OpeningView) -> dict[str, Any]:
            rules.need_stage(v2, "signing")
            if s.get(Blob, sha) is None:
                s.add(Blob(sha256=sha, path=stored_path(self.hall.config.data_dir, path), size=len(pdf),
                           media_type="application/pdf", encrypted=False,
                           created_at=v2.now))
            data["signatures"] = sigs
            st.record_sha256 = sha
            holder.append(RecordResult(sha, path, len(pdf), payload))
            return {"stage": "closed", "record_sha256": sha, "signed_by": {k: o.username for k, o in ops.items()}}

        def record_entry(s: Session) -> None:  # the opening.record follows the closing stage
            self.hall.journal.append(s, "opening.record", payload)
        self._act(session_id, ops["host"], "opening.stage", change, roles=None, after=record_entry)
        return holder[0]

    def record_payload(self, v: OpeningView, sha: str, compere: str | None = None) -> dict[str, Any]:
        """The ``opening.record`` payload exactly per docs/platform-api.md §4."""
        return rules.record_payload(v, sha, compere or v.signatures.get("host") or self._compere(v.session_id),
                                    self.hall.config.site.name)

    def _compere(self, session_id: str) -> str:
        with self.hall.reading() as s:
            st = s.get(OpeningState, session_id)
            return str((st.data or {}).get("compere", "")) if st else ""
