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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobstore import stored_path
from kiosk.checkin import checked_in
from kiosk.db.models import Blob, FeedState, JournalEntry, PfBidResult, PfRegistration, PfSession
from kiosk.db.models_opening import OpeningState, PfRemoteEvent
from kiosk.db.models_staffing import SessionRole
from kiosk.opening import remote, rules
from kiosk.opening.rules import (
    HOST_ROLES,
    OBJECTION_STAGES,
    RECORDER_ROLES,
    Journalled,
    Progress,
    SessionFacts,
    err,
)
from kiosk.opening.views import AdmissionFlag, ObjectionTarget, OpeningView, RecordResult, Signer
from kiosk.operators import AccessError
from kiosk.pii import mask_name
from kiosk.ports import Slip
from kiosk.staffing import RECORD_TITLES, RoleHolder, StaffingService, current
from kiosk.supervision.service import paused_by_supervisor
from kiosk.timeutil import beijing, rfc3339

if TYPE_CHECKING:
    from kiosk.context import HallContext
    from kiosk.hall import SessionInfo

#: who signs the 开标记录表 always, and who signs when they hold a role in the session
SIGN_REQUIRED = ("host", "recorder", "supervisor")
SIGN_WHEN_HELD = ("witness", "tenderer_rep", "notary")
READER_TITLE = "唱标人"
#: an act's check-and-change: (session, locked state row, working copy of its data, view) → payload
Change = Callable[[Session, OpeningState, dict[str, Any], OpeningView], "dict[str, Any] | Journalled"]


#: Acts a supervisor's pause does not stop: objections are taken and answered whatever happens
#: (实施条例 §44), and the host may still record that the opening itself is paused.
SUPERVISED_FREE = frozenset({"opening.objection", "opening.answer", "opening.pause"})


class OpeningService:
    """The rules of one hall's openings.

    Args:
        hall: the hall as its capabilities see it (units of work, journal, clock, operators, config).
    """

    def __init__(self, hall: HallContext) -> None:
        self.hall = hall
        self.cfg = hall.config.opening
        self.remote_policy = remote.RemotePolicy(
            stale_s=self.cfg.remote_stale_seconds, objection_window_s=self.cfg.remote_objection_window_seconds,
            confirm_window_s=self.cfg.remote_confirm_window_seconds)

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

    def _view(self, s: Session, session_id: str, st: OpeningState | None = None,
              working: dict[str, Any] | None = None) -> OpeningView:
        """The view; ``working``: a working copy of the state's data not yet saved, in place of the row's."""
        ps = self._session(s, session_id)
        st = st or s.get(OpeningState, session_id)
        data: dict[str, Any] = dict(working) if working is not None else dict(st.data) if st is not None else {}
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
        flags = self._admission_flags(s, session_id, snapshot, now)
        synced = self._remote_synced_at(s) if (ps.data or {}).get("remote") else None
        return rules.fold_view(facts, self._progress(st), data, snapshot, late, present, now, flags, synced)

    @staticmethod
    def _remote_synced_at(s: Session) -> dt.datetime | None:
        """When ``remote_events`` were last caught up, by any terminal of the hall (the feed's state row)."""
        fs = s.get(FeedState, "remote_events")
        return fs.synced_at if fs is not None else None

    @staticmethod
    def _progress(st: OpeningState | None) -> Progress:
        if st is None:
            return Progress()
        return Progress(stage=st.stage, paused=bool(st.paused), pause_reason=st.pause_reason or "", outcome=st.outcome,
                        record_sha256=st.record_sha256, decrypt_started_at=st.decrypt_started_at)

    @staticmethod
    def _snap(r: PfRegistration) -> dict[str, Any]:
        return {"registration_id": r.registration_id, "name": r.bidder_name, "org_code": r.bidder_code or "",
                "submitted_at": r.bid_submitted_at.isoformat() if r.bid_submitted_at else None,
                "deposit": {"status": r.deposit_status or "", "amount": r.deposit_amount or ""}}

    # --- the unit of work of one action ---------------------------------------------------------

    def _act(
        self, session_id: str, actor: RoleHolder | str, kind: str, change: Change,
        *, roles: tuple[str, ...] | None = HOST_ROLES, allow_paused: bool = False, reason: str | None = None,
        after: Callable[[Session], None] | None = None,
    ) -> OpeningView:
        """Lock the state, check the actor and pause, run ``change``, journal, save — one transaction.

        ``roles``: the session roles that may act (:mod:`kiosk.staffing`); the actor must hold one of
        them in this session *now*, checked inside the transaction (``kiosk.staffing.current``: a role
        released or handed over since it was taken, another session's role or another role raise
        AccessError). None: an act of no session role (a bidder's card at a kiosk or on the reader).

        ``change`` returns the payload of a ``kind`` entry, or a :class:`~kiosk.opening.rules.Journalled`
        of another kind (a short quorum); ``after`` appends what follows it in the same transaction
        (the ``opening.record`` after the closing stage).
        """
        name = actor.username if isinstance(actor, RoleHolder) else str(actor)
        with self.hall.unit() as s:
            self._session(s, session_id)
            if roles is not None:
                current(s, actor if isinstance(actor, RoleHolder) else None, session_id, roles)  # type: ignore[arg-type]
                if kind not in SUPERVISED_FREE and (order := paused_by_supervisor(s, session_id)) is not None:
                    raise err("supervised", order.zh, order.en)  # the supervisor's pause (REG 62): no step until resumed
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

    def announce(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """纪律宣布: from 30 minutes before the start (platform clock)."""
        # the state keeps the host's masked name only (the record names them from the staffing table at signing)
        return self._act(session_id, actor, "opening.stage",
                         lambda s, st, data, v: rules.announce(v, data, mask_name(actor.display_name)))

    def publish_bidders(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """公布投标人: only at or after the deadline (= starts_at), bids received before it, in submission order."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            rules.publish_bidders_check(v)
            on_time, late = self._registrations(s, self._session(s, session_id))
            return rules.publish_bidders(data, [self._snap(r) for r in on_time], [self._snap(r) for r in late])
        return self._act(session_id, actor, "opening.stage", change)

    def open_attendance(self, session_id: str, actor: RoleHolder) -> OpeningView:
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.open_attendance(v))

    def record_absence(self, session_id: str, actor: RoleHolder, registration_id: str, code: str, note: str = "") -> OpeningView:
        """An absent bidder's reason: late (迟到), abandoned (弃标) or other (其他, with text)."""
        text = rules.absence_text(code, note)
        return self._act(session_id, actor, "opening.absence",
                         lambda s, st, data, v: rules.record_absence(v, data, registration_id, code, text),
                         roles=RECORDER_ROLES)

    def confirm_attendance(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """Close the roll call and check the quorum; short → QuorumShort (journalled), host decides."""
        return self._advance_checked(session_id, actor, "attendance", "control_price", "attendance")

    def _advance_checked(self, session_id: str, actor: RoleHolder, stage: str, to: str, phase: str) -> OpeningView:
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

    def decide_quorum(self, session_id: str, actor: RoleHolder, decision: str, reason: str) -> OpeningView:
        """The host records 不得开标 on a short roll call (REG 44): ``failed`` only, reason mandatory (D1)."""
        reason = rules.need_reason(reason)
        rules.check_decision(decision)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.decide_quorum(data, decision, reason, actor.username)
            st.outcome = payload["outcome"]
            return payload
        return self._act(session_id, actor, "opening.stage", change, reason=reason)

    def publish_control_price(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """公布控制价/标底 (REG 50: a 标底 must be published at the opening)."""
        return self._act(session_id, actor, "opening.control_price", lambda s, st, data, v: rules.publish_control_price(v, data))

    def start_decryption(self, session_id: str, actor: RoleHolder, starter: Callable[[str], None] | None) -> OpeningView:
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

    def finish_decryption(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """All decrypted → quorum checked again → 唱标."""
        return self._advance_checked(session_id, actor, "decrypting", "reading", "decryption")

    def read_next(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """唱标: the next bidder in submission order (price in figures and 大写, other items)."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.read_next(v, data)
            readers = data.setdefault("readers", [])  # the record's 唱标人: the holdings (session_roles ids) that read;
            if actor.id not in readers:                # names stay in the staffing table, resolved at signing
                readers.append(actor.id)
            return payload
        return self._act(session_id, actor, "opening.reading", change)

    def finish_reading(self, session_id: str, actor: RoleHolder) -> OpeningView:
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.finish_reading(v))

    def raise_objection(self, session_id: str, actor: RoleHolder, by: str, content: str) -> OpeningView:
        """An objection raised on the spot (by a bidder, entered at the console)."""
        content = rules.need_reason(content)
        by = rules.need_reason(by)
        return self._act(session_id, actor, "opening.objection", lambda s, st, data, v: rules.raise_objection(v, data, by, content))

    # --- objections raised by a bidder at a kiosk ---------------------------------------------------

    def objection_targets(self, id_number: str) -> list[ObjectionTarget]:
        """Where the holder of this ID card may raise an objection now.

        They must be a representative (or the natural-person bidder) of a bidder published in an
        opening now under way (any stage of the 开标现场, ``OBJECTION_STAGES``: REG 44, D2), and have
        checked in to it in person. Raises OpeningError with the reason otherwise (``no-open-opening``,
        ``not-representative``, ``not-checked-in``, ``paused``).
        """
        from kiosk.feeds import registrations_for_person

        pid = self.hall.person_hmac(id_number)
        with self.hall.reading() as s:
            open_ids = list(s.scalars(select(OpeningState.session_id).where(OpeningState.stage.in_(OBJECTION_STAGES))))
            if not open_ids:
                raise err("no-open-opening", "目前没有正在进行的开标，现在不能提出开标异议；如有疑问请咨询工作人员",
                          "no bid opening is under way now: objections cannot be raised at the moment")
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

    def answer_objection(self, session_id: str, actor: RoleHolder, no: int, answer: str) -> OpeningView:
        """The answer given on the spot, recorded (REG 44)."""
        answer = rules.need_reason(answer)
        return self._act(session_id, actor, "opening.answer",
                         lambda s, st, data, v: rules.answer_objection(v, data, no, answer, actor.username))

    def close_objections(self, session_id: str, actor: RoleHolder) -> OpeningView:
        """异议 → 投标人确认; absent bidders deemed to accept only where the session's ``deemed_accept_absent`` (D5).

        In a remote opening (issue 19) only with the platform's online events caught up a moment ago
        and the objection window over: an online objection still on its way is never shut out.
        """
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            remote.check_objections_may_close(v, data, self._remote_synced_at(s), self.remote_policy)
            return rules.close_objections(v, data, answer_required=self.cfg.objection_answer_required)
        return self._act(session_id, actor, "opening.stage", change)

    def confirm_by_card(self, session_id: str, person_id_hmac: str) -> OpeningView:
        """A present bidder's representative confirms by placing their ID card on the console's reader."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            rules.need_stage(v, "confirmation")
            present = checked_in(s, session_id)
            rid = next((r for r, c in present.items() if c.person_id_hmac == person_id_hmac), None)
            return rules.confirm_by_card(v, data, rid, person_id_hmac)
        return self._act(session_id, "idcard", "opening.confirmation", change, roles=None)

    def record_refusal(self, session_id: str, actor: RoleHolder, registration_id: str, reason: str) -> OpeningView:
        """A clerk records that a present bidder refuses to confirm, and why."""
        reason = rules.need_reason(reason)
        return self._act(session_id, actor, "opening.confirmation",
                         lambda s, st, data, v: rules.record_refusal(v, data, registration_id, reason),
                         roles=RECORDER_ROLES, reason=reason)

    def finish_confirmation(self, session_id: str, actor: RoleHolder) -> OpeningView:
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.finish_confirmation(v, answer_required=self.cfg.objection_answer_required)
            st.outcome = st.outcome or "opened"
            return payload
        return self._act(session_id, actor, "opening.stage", change)

    # --- 不见面开标: the online participants (issue 19, kiosk/opening/remote.py) ---------------------------

    def live_remote_sessions(self) -> list[str]:
        """Remote openings of today that online participants may act in now: from an hour before the
        start until the record is signed (the poll loop asks ``remote_events`` every few seconds for them)."""
        now = self.hall.clock.now()
        out = []
        with self.hall.reading() as s:
            for x in self.openings_today():
                ps = s.get(PfSession, x.session_id)
                if ps is None or not (ps.data or {}).get("remote"):
                    continue
                st = s.get(OpeningState, x.session_id)
                if st is not None and st.stage == "closed":
                    continue
                if st is None and now < ps.starts_at - dt.timedelta(hours=1):
                    continue
                out.append(x.session_id)
        return out

    def take_remote_events(self, session_id: str) -> int:
        """Take the platform's new online events of this opening into it, each exactly once; returns how many.

        Each event is taken (journalled as the act it is: ``opening.online_signin``, ``opening.objection``
        or ``opening.confirmation`` with ``source`` ``online``), refused (``opening.online_refused`` with the
        reason, so the platform can tell the bidder) or left for a later pass (the opening paused, or not yet
        at the stage that takes it). Events are taken in the platform's order (``at``, then ``event_id``).
        """
        with self.hall.reading() as s:
            ps = s.get(PfSession, session_id)
            if ps is None or not (ps.data or {}).get("remote"):
                return 0
            st = s.get(OpeningState, session_id)
            seen = set(((st.data or {}) if st is not None else {}).get("remote_seen", ()))
            rows = s.scalars(select(PfRemoteEvent).where(PfRemoteEvent.session_id == session_id)
                             .order_by(PfRemoteEvent.at, PfRemoteEvent.event_id)).all()
            events = [remote.RemoteEvent(r.event_id, r.session_id, r.registration_id, r.type, r.at, r.person_name_masked,
                                         r.ca_serial, r.category, r.text, r.decision, r.signature_sha256)
                      for r in rows if r.event_id not in seen]
            if events:  # a dry run on a copy: events that only wait (a confirmation before its stage) take no write lock
                trial = json.loads(json.dumps(st.data or {})) if st is not None else {}
                if all(remote.take_event(self._view(s, session_id, st, working=trial), trial, e) is remote.DEFER
                       for e in events):
                    return 0
        if not events:
            return 0
        with self.hall.unit() as s:
            self._session(s, session_id)
            st = s.execute(select(OpeningState).where(OpeningState.session_id == session_id).with_for_update()).scalar_one_or_none()
            now = self.hall.clock.now()
            if st is None:
                st = OpeningState(session_id=session_id, stage="scheduled", paused=False, version=0, data={},
                                  stage_started_at=now, updated_at=now)
                s.add(st)
            data = json.loads(json.dumps(st.data or {}))
            seen = set(data.get("remote_seen", ()))
            done = 0
            for e in events:
                if e.event_id in seen:
                    continue  # another terminal took it meanwhile
                v = self._view(s, session_id, st, working=data)
                outcome = remote.take_event(v, data, e)
                if outcome is remote.DEFER:
                    continue
                if isinstance(outcome, remote.Taken):
                    kind, body = outcome.kind, outcome.payload
                else:
                    kind = "opening.online_refused"
                    body = {"event_id": e.event_id, "registration_id": e.registration_id, "type": e.type, **outcome.payload}
                data.setdefault("remote_seen", []).append(e.event_id)
                seen.add(e.event_id)
                self.hall.journal.append(s, kind, rules.stage_payload(kind, session_id, "platform", body, now, None))
                done += 1
            if done:
                st.data = json.loads(json.dumps(data))  # a new object: the JSON column sees the change
                st.version = (st.version or 0) + 1
                st.updated_at = now
            s.flush()
            return done

    def record_online_no_answer(self, session_id: str, actor: RoleHolder, registration_id: str) -> OpeningView:
        """An online bidder did not confirm within the window, the platform reachable: 在线未确认 (not deemed)."""
        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            return remote.record_no_answer(v, data, registration_id, self._remote_synced_at(s), self.remote_policy,
                                           actor.username)
        return self._act(session_id, actor, "opening.confirmation", change, roles=RECORDER_ROLES)

    # --- pause, resume, going back ----------------------------------------------------------------

    def pause(self, session_id: str, actor: RoleHolder, reason: str) -> OpeningView:
        reason = rules.need_reason(reason)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.pause(v, data)
            st.paused = True
            st.pause_reason = reason
            return payload
        return self._act(session_id, actor, "opening.pause", change, reason=reason)

    def resume(self, session_id: str, actor: RoleHolder, reason: str) -> OpeningView:
        reason = rules.need_reason(reason)

        def change(s: Session, st: OpeningState, data: dict[str, Any], v: OpeningView) -> dict[str, Any]:
            payload = rules.resume(v, data, reason)
            st.paused = False
            st.pause_reason = None
            return payload
        return self._act(session_id, actor, "opening.resume", change, allow_paused=True, reason=reason)

    def go_back(self, session_id: str, actor: RoleHolder, reason: str) -> OpeningView:
        """One stage back with a reason — only before decryption has started."""
        reason = rules.need_reason(reason)
        return self._act(session_id, actor, "opening.stage", lambda s, st, data, v: rules.go_back(v), reason=reason)

    # --- the record ---------------------------------------------------------------------------------

    def record_pdf(self, session_id: str, signatures: dict[str, str] | None = None) -> tuple[bytes, str]:
        """The 开标记录表 as it stands (``signatures`` role → display name), and its SHA-256."""
        from kiosk.opening.documents import build_record
        from kiosk.supervision.service import witness_notes

        v = self.view(session_id)
        with self.hall.reading() as s:
            notes = witness_notes(s, session_id)  # the witness's 见证记录 page (issue 18)
        return build_record(v, signatures if signatures is not None else v.signatures, self.hall.config.site.name, notes)

    def sign_and_close(self, session_id: str, signers: Sequence[Signer]) -> RecordResult:
        """Each signer confirms their role again, then record, blob, close (docs/rules/staffing.md §3).

        The host, the recorder and the supervisor always sign; a witness, a 招标人代表 (or a 公证员)
        who holds a role in this session now signs too (``SIGN_WHEN_HELD``). Each signature is a fresh
        :meth:`StaffingService.take_role` with the signer's card (+ PIN where bound to a hall account),
        or a hall account's PIN where it stood in (its reason carried over): taking the role one holds
        returns that holding, so the confirmation proves the same person is at the console. One person
        holds one role, so the signers are different people; each is checked again inside the closing
        transaction. The record names each in their role (``RECORD_TITLES``), and the host who read the
        bids as 唱标人.

        Raises:
            OpeningError: ``sign`` (a signer's confirmation refused: the role named, the reason given),
                ``signers`` (a required role did not sign), the stage's own refusals.
            AccessError: a signer's role released or handed over before the record closed.
        """
        staffing = StaffingService(self.hall)
        held = staffing.holders(session_id)
        by_role: dict[str, RoleHolder] = {}
        for sg in signers:
            title = RECORD_TITLES["bid_opening"].get(sg.role, sg.role)
            before = next((h for h in held if h.role == sg.role and h.reason), None)
            try:
                by_role[sg.role] = staffing.take_role(session_id, sg.role, card=sg.card, username=sg.username, pin=sg.pin,
                                                      reason=before.reason if before is not None else None)
            except AccessError as exc:
                raise err("sign", f"{title}签字确认未通过：{exc.zh}", f"the {sg.role} could not sign: {exc.en}") from exc
        missing = [r for r in SIGN_REQUIRED if r not in by_role]
        missing += [r for r in SIGN_WHEN_HELD if r not in by_role and any(h.role == r for h in held)]
        if missing:
            raise err("signers", "开标记录尚缺以下人员签字：" + "、".join(RECORD_TITLES["bid_opening"].get(r, r) for r in missing),
                      "the record still needs the signature of: " + ", ".join(missing))
        people = {h.person_hmac or f"account:{h.operator}" for h in by_role.values()}
        if len(people) != len(by_role):
            raise err("signers", "签字人须为不同的人：同一人不能以两个角色签字", "each signer must be a different person")
        v = self.view(session_id)
        rules.sign_check(v)
        sigs, staff = self._signatures(session_id, by_role)
        pdf, sha = self.record_pdf(session_id, sigs)
        folder = self.hall.config.data_dir / "opening"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{session_id}-{sha[:12]}.pdf"
        path.write_bytes(pdf)
        payload = self.record_payload(v, sha, compere=by_role["host"].display_name, staff=staff)
        holder: list[RecordResult] = []

        def change(s: Session, st: OpeningState, data: dict[str, Any], v2: OpeningView) -> dict[str, Any]:
            rules.need_stage(v2, "signing")
            for h in by_role.values():  # every signer still holds the role they signed in
                current(s, h, session_id, (h.role,))
            if s.get(Blob, sha) is None:
                s.add(Blob(sha256=sha, path=stored_path(self.hall.config.data_dir, path), size=len(pdf),
                           media_type="application/pdf", encrypted=False,
                           created_at=v2.now))
            data["signatures"] = sigs
            st.record_sha256 = sha
            holder.append(RecordResult(sha, path, len(pdf), payload))
            return {"stage": "closed", "record_sha256": sha, "signed_by": {k: h.username for k, h in by_role.items()}}

        def record_entry(s: Session) -> None:  # the opening.record follows the closing stage
            self.hall.journal.append(s, "opening.record", payload)
        self._act(session_id, by_role["host"], "opening.stage", change, roles=("host",), after=record_entry)
        return holder[0]

    def _signatures(self, session_id: str, by_role: dict[str, RoleHolder]) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """(role → the name the record prints in that role, the ``staff`` member of ``opening.record``).

        An appointee is named as appointed; a hall account that stood in says so, with its reason.
        ``reader`` (唱标人) is whoever held the host role when the bids were read.
        """
        titles = RECORD_TITLES["bid_opening"]
        sigs: dict[str, str] = {}
        staff: list[dict[str, Any]] = []
        for role in (*SIGN_REQUIRED[:1], "reader", *SIGN_REQUIRED[1:], *SIGN_WHEN_HELD):
            if role == "reader":
                with self.hall.reading() as s:
                    st = s.get(OpeningState, session_id)
                    ids = (st.data or {}).get("readers", []) if st is not None else []
                    rows = [s.get(SessionRole, int(i)) for i in ids]
                    readers = list(dict.fromkeys(r.name for r in rows if r is not None))
                if readers:
                    sigs["reader"] = "、".join(readers)
                    staff.append({"role": "reader", "title": READER_TITLE, "name": sigs["reader"]})
                continue
            h = by_role.get(role)
            if h is None:
                continue
            text = h.display_name if h.appointed else f"{h.display_name}（平台未指定，本厅账号代行，原因：{h.reason or ''}）"
            sigs[role] = text
            entry: dict[str, Any] = {"role": role, "title": titles.get(role, role), "name": h.display_name,
                                     "org": h.org, "appointed": h.appointed, "method": h.method}
            if not h.appointed:
                entry["reason"] = h.reason or ""
            staff.append(entry)
        return sigs, staff

    def record_payload(self, v: OpeningView, sha: str, compere: str | None = None,
                       staff: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """The ``opening.record`` payload per docs/platform-api.md §4, plus ``staff``: each person in their role."""
        payload = rules.record_payload(v, sha, compere or v.signatures.get("host") or self._compere(v.session_id),
                                       self.hall.config.site.name)
        if staff:
            payload["staff"] = staff
        return payload

    def _compere(self, session_id: str) -> str:
        with self.hall.reading() as s:
            st = s.get(OpeningState, session_id)
            return str((st.data or {}).get("compere", "")) if st else ""

    # --- the legal review's findings D1, D2, D6 (docs/rules/opening.md §4) ----------------------------

    def record_withdrawal(self, session_id: str, actor: RoleHolder, registration_id: str, kind: str, reference: str,
                          received_at: str | dt.datetime) -> OpeningView:
        """A bidder's written 撤回 (``withdrawn``, before the deadline) or 撤销 (``revoked``, after it), REG 35 (D1).

        The only way a bidder leaves the count: the notice's reference (its number, or the
        platform's withdrawal record) and when it was received are required and journalled
        (``opening.withdrawal``); the bid is then neither decrypted nor counted, and an absent
        bidder's absence reads 弃标 with the notice. Before decryption only (``WITHDRAWAL_STAGES``).
        """
        when = rfc3339(received_at) if isinstance(received_at, dt.datetime) else received_at
        ref, when = rules.check_withdrawal(kind, reference, when)
        return self._act(session_id, actor, "opening.withdrawal", lambda s, st, data, v: rules.record_withdrawal(
            v, data, registration_id, kind, ref, when, actor.username))

    def objection_receipt(self, session_id: str, no: int, *, terminal_id: str = "") -> Slip:
        """The 异议回执 of objection ``no`` (REG 60: the proof that the bidder objected, and when), D2."""
        from kiosk.opening.slip import objection_receipt

        return objection_receipt(self.view(session_id), no, self.hall.config.site.name, terminal_id=terminal_id)

    def _admission_flags(self, s: Session, session_id: str, snapshot: Sequence[Any],
                         now: dt.datetime) -> dict[str, tuple[AdmissionFlag, ...]]:
        """What check-in found about the representatives present (D6), from the check-in table and the blacklist."""
        from sqlalchemy import or_

        from kiosk.db.models import PfBlacklist
        from kiosk.db.models_checkin import Checkin
        from kiosk.pii import mask_name

        rows = s.scalars(select(Checkin).where(Checkin.session_id == session_id).order_by(Checkin.checkin_no)).all()
        if not rows:
            return {}
        present = [rules.PresentRep(c.registration_id, c.bidder_name, c.bidder_key, c.person_id_hmac,
                                    mask_name(c.person_name), c.checkin_no) for c in rows]
        regs = {r.registration_id: r for r in s.scalars(select(PfRegistration).where(
            PfRegistration.registration_id.in_([c.registration_id for c in rows])))}
        codes = {r.bidder_code for r in regs.values() if r.bidder_code}
        hmacs = {r.bidder_code_hmac for r in regs.values() if r.bidder_code_hmac} | {c.person_hmac for c in rows}
        day = beijing(now).date().isoformat()
        bans: list[rules.BanFact] = []
        for b in s.scalars(select(PfBlacklist).where(or_(PfBlacklist.body_code.in_(codes), PfBlacklist.body_code_hmac.in_(hmacs)))
                           .order_by(PfBlacklist.blacklist_code)):
            if b.confined_action != "market_ban" or (b.valid_from and day < b.valid_from) or (b.valid_until and day > b.valid_until):
                continue
            for c in rows:
                reg = regs.get(c.registration_id)
                on_bidder = reg is not None and ((b.body_code is not None and b.body_code == reg.bidder_code)
                                                 or (b.body_code_hmac is not None and b.body_code_hmac == reg.bidder_code_hmac))
                on_person = b.body_code_hmac is not None and b.body_code_hmac == c.person_hmac
                if on_bidder or on_person:
                    name = b.body_name if b.body_type == "entity" else mask_name(b.body_name)
                    bans.append(rules.BanFact(c.registration_id, b.blacklist_code, name, b.record_reason, b.valid_from,
                                              b.valid_until, on_person and not on_bidder))
        return rules.admission_flags(present, bans)
