"""Sign-in and sign-out at the evaluation area's door (issue 17 must 3–5; docs/rules/expert-area.md §5).

``SigninService(hall, face_engine=…, access=…, lockers=N)``, one unit of work per act; the rules are
:mod:`kiosk.experts.door` (pure), the state of the area is their fold over the journal.

1. :meth:`SigninService.identify` — a card at the door: an expert of the pool, a staff member a
   sitting's record appointed, or nobody expected; the refusal it would meet (not drawn, declined,
   not accepted, another day or room), or that they are inside already (the card then signs out).
2. :meth:`SigninService.face_check` — 人证核验 against the card's chip photo, else the platform's
   reference photo of the expert (``photo_sha256``, fetched ahead by the sync worker), **before**
   any writer transaction (the engine takes ~0.5 s).
3. :meth:`SigninService.sign_in` — inside one transaction that takes the journal head: the checks
   again, then ``expert.signin`` (§7.4: ids and the ``person_id_hmac``, never a name) admitted with a
   free locker and the room, or refused with its reason; a face that did not match (or could not be
   compared) is a refusal *pending* a clerk. The first admission of a sitting asks the room's
   recorder to start (``recording.requested``, the recording capability's own marker). After the
   commit the locker is released for the phone (通讯管理) and the door for ``door_hold_seconds``.
4. :meth:`SigninService.confirm` — the clerk on duty (the sitting's ``witness`` role holder,
   :func:`kiosk.staffing.service.current`) admits or turns away a pending person, always with a note.
5. :meth:`SigninService.sign_out` — the card again: ``expert.signout`` (the time the expert is paid
   by), the locker opens to give the phone back; after the last one out the recording is asked to stop.

Staff on duty (``pf_evaluation_staff``: witness, supervisor, the tenderer's representative) pass the
same way and are journalled as ``expert.staff_signin``/``expert.staff_signout`` (hall records, not the
§7.4 expert kind); the tenderer's representative sits on the committee, counts on the board and
hands in a phone. :meth:`on_access_event` journals what the door relay and lockers report that
matters (``expert.access``): a lost link with the door possibly unlocked, a late relock, a locker
left open past 30 s, a jam.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.blobstore import BlobPathError, resolve
from kiosk.checkin.references import FACE_CONTEXT, reference_for
from kiosk.checkin.rules import FaceCheck, day_bounds, face_evidence, face_not_done, face_verdict
from kiosk.context import HallContext
from kiosk.db.models import Blob, JournalEntry
from kiosk.db.models_experts import ExpertPick, PfEvaluation, PfEvaluationStaff, PfExpert
from kiosk.errors import HallError
from kiosk.experts import door, rules
from kiosk.experts.views import DoorOutcome, DoorVisitor, RoomCount
from kiosk.faces import FaceCountError, FaceEngine
from kiosk.journal import take_head
from kiosk.pii import normalise_id
from kiosk.ports import AccessControl, AccessEvent, IdCard
from kiosk.recording import catalogue as recording
from kiosk.staffing.service import current
from kiosk.staffing.views import RoleHolder
from kiosk.timeutil import beijing, rfc3339

log = logging.getLogger(__name__)

DOOR_OPERATOR = "evaluation-door"  #: who the door's recording requests name
CLERK_ROLES = ("witness",)  #: the centre's staff member on duty decides a pending face (the supervisor operates nothing)
#: access events journalled (the rest — a door opened, a locker released — follow from the sign-in entries)
JOURNALLED_EVENTS = ("door-unconfirmed", "door-relocked", "link-lost", "link-restored", "locker-closed", "locker-alert",
                     "locker-jammed")


def due_expert_references(s: Session, now: dt.datetime, *, days: int = 2) -> list[str]:
    """Reference photos (SHA-256) of experts drawn for sittings from today for ``days`` days that this
    hall does not hold yet — for the sync worker (``sync/references.py``) to fetch ahead of the door."""
    start, _ = day_bounds(beijing(now).date())
    evs = select(PfEvaluation.evaluation_id).where(PfEvaluation.starts_at >= start,
                                                    PfEvaluation.starts_at < start + dt.timedelta(days=days))
    drawn = select(ExpertPick.expert_id).where(ExpertPick.evaluation_id.in_(evs), ExpertPick.status.not_in(door.OUT_STATUSES))
    named = [n for n in s.scalars(select(PfExpert.photo_sha256).where(
        PfExpert.expert_id.in_(drawn), PfExpert.photo_sha256.is_not(None)).distinct()) if n]
    held = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(named))))
    return sorted(n for n in named if n not in held)


def expert_reference(s: Session, vault: Any, data_dir: Path, sha: str | None) -> bytes | None:
    """The platform's reference photo ``sha`` from the local cache (decrypted, hash-checked), or None."""
    if not sha:
        return None
    blob = s.get(Blob, sha)
    if blob is None:
        return None
    try:
        data = resolve(data_dir, blob.path).read_bytes()
        plain: bytes = vault.decrypt(data, context=FACE_CONTEXT) if blob.encrypted else data
    except (OSError, BlobPathError, ValueError) as exc:
        log.warning("expert reference photo unreadable here: %s", type(exc).__name__)
        return None
    return plain if hashlib.sha256(plain).hexdigest() == sha else None


class SigninService:
    """The door of the evaluation area over the hall (see the module doc).

    Args:
        face_engine: the 人证核验 engine (``kiosk.faces.FaceEngine``), None: nothing is compared and
            every admission waits for a clerk.
        access: the door relay and lockers (``kiosk.ports.AccessControl``), None: the door is opened
            by hand (the screen says so).
        lockers: how many phone lockers the bank has (0: none).
    """

    def __init__(self, hall: HallContext, *, face_engine: FaceEngine | None = None,
                 face_engine_note: str = "未配置人脸比对引擎", access: AccessControl | None = None,
                 lockers: int = 0) -> None:
        self.hall = hall
        self.face_engine = face_engine
        self.face_engine_note = face_engine_note
        self.access = access
        self.lockers = lockers

    # --- facts ---------------------------------------------------------------------------------

    @property
    def _cfg(self) -> Any:
        return self.hall.config.experts

    def _sittings(self, s: Session, now: dt.datetime, days: int = 7) -> dict[str, door.Sitting]:
        rows = s.scalars(select(PfEvaluation).where(PfEvaluation.starts_at >= now - dt.timedelta(days=days),
                                                    PfEvaluation.starts_at <= now + dt.timedelta(days=days)))
        return {r.evaluation_id: door.Sitting(r.evaluation_id, r.room_code, r.room_name, r.starts_at,
                                              rules.hours_of(r.expected_hours), r.members_total) for r in rows}

    def _state(self, s: Session, now: dt.datetime) -> door.DoorState:
        since = rfc3339(day_bounds(beijing(now).date())[0] - dt.timedelta(days=1))
        rows = s.execute(select(JournalEntry.seq, JournalEntry.kind, JournalEntry.payload).where(
            JournalEntry.kind.in_((*door.DOOR_KINDS, "recording.requested")), JournalEntry.occurred_at >= since)
            .order_by(JournalEntry.seq))
        return door.fold((seq, kind, json.loads(payload)) for seq, kind, payload in rows)

    def _person(self, s: Session, card: IdCard, sittings: dict[str, door.Sitting]) -> tuple[
            PfExpert | None, list[PfEvaluationStaff], str]:
        id_number = normalise_id(card.id_number or "")
        if not id_number:
            return None, [], ""
        hmacs = self.hall.vault.lookup_hmacs(id_number)
        expert = s.scalars(select(PfExpert).where(PfExpert.id_hmac.in_(hmacs))).first()
        staff = list(s.scalars(select(PfEvaluationStaff).where(PfEvaluationStaff.id_hmac.in_(hmacs),
                                                               PfEvaluationStaff.evaluation_id.in_(list(sittings)))))
        return expert, staff, self.hall.person_hmac(id_number)

    def _visitor(self, s: Session, card: IdCard, now: dt.datetime, sittings: dict[str, door.Sitting] | None = None,
                 state: door.DoorState | None = None) -> tuple[DoorVisitor, PfExpert | None, str]:
        sittings = self._sittings(s, now) if sittings is None else sittings
        state = self._state(s, now) if state is None else state
        expert, staff, person = self._person(s, card, sittings)
        cfg = self._cfg
        rooms = door.door_rooms(cfg.door_rooms)

        def sit(ev: str | None) -> tuple[str, dt.datetime | None]:
            x = sittings.get(ev or "")
            return (x.room_name or x.room_code, x.starts_at) if x else ("", None)

        if expert is not None:
            for ev, st in state.sittings.items():
                if expert.expert_id in st.inside:
                    name, at = sit(ev)
                    return DoorVisitor("expert", ev, name, at, None, inside=True, locker=st.inside[expert.expert_id]), expert, person
            picks = [(p.evaluation_id, p.status) for p in s.scalars(select(ExpertPick).where(
                ExpertPick.expert_id == expert.expert_id, ExpertPick.evaluation_id.in_(list(sittings))))]
            code, ev_id, detail = door.refusal_for(now, sittings, picks, before_min=cfg.signin_before_minutes,
                                                   late_min=cfg.signin_late_minutes, rooms=rooms)
            name, at = sit(ev_id)
            zh, en = door.refusal_text(code, detail) if code else ("", "")
            pending = bool(ev_id and expert.expert_id in state.of(ev_id).pending) if ev_id else False
            return DoorVisitor("expert", ev_id, name, at, code, zh, en, pending=pending,
                               who=expert.expert_id if pending else ""), expert, person
        if staff:
            for row in staff:
                held = state.sittings.get(row.evaluation_id)
                if held is not None and person in held.staff_inside:
                    name, at = sit(row.evaluation_id)
                    return DoorVisitor("staff", row.evaluation_id, name, at, None, inside=True,
                                       locker=held.staff_inside[person][1], role=row.role), None, person
            ok = [r for r in staff if door.in_window(now, sittings[r.evaluation_id].starts_at, cfg.signin_before_minutes,
                                                      cfg.signin_late_minutes)]
            row = (ok or staff)[0]
            name, at = sit(row.evaluation_id)
            if not ok:
                zh, en = door.refusal_text("wrong_day", door.when_text(sittings[row.evaluation_id].starts_at))
                return DoorVisitor("staff", row.evaluation_id, name, at, "wrong_day", zh, en, role=row.role), None, person
            return DoorVisitor("staff", row.evaluation_id, name, at, None, role=row.role), None, person
        zh, en = door.refusal_text("unknown")
        return DoorVisitor("unknown", None, "", None, "unknown", zh, en), None, person

    # --- reading ---------------------------------------------------------------------------------

    def identify(self, card: IdCard) -> DoorVisitor:
        """Who the card is for the door, and what it would meet (nothing is recorded)."""
        with self.hall.reading() as s:
            return self._visitor(s, card, self.hall.clock.now())[0]

    def face_check(self, card: IdCard, jpeg: bytes | None) -> FaceCheck:
        """人证核验 of the photo at the door, outside any writer transaction (chip photo, else the platform's)."""
        if jpeg is None:
            return face_not_done("无照片，未比对")
        if self.face_engine is None:
            return face_not_done(f"未比对：{self.face_engine_note}")
        engine = self.face_engine
        platform = None
        if not card.photo_image:
            with self.hall.reading() as s:
                hmacs = self.hall.vault.lookup_hmacs(normalise_id(card.id_number or ""))
                sha = s.scalars(select(PfExpert.photo_sha256).where(PfExpert.id_hmac.in_(hmacs))).first()
                platform = expert_reference(s, self.hall.vault, Path(self.hall.config.data_dir), sha)
        kind, reference = reference_for(card.photo_image or None, platform)
        if reference is None:
            return face_not_done("未比对：无参考照片（芯片照片未解码，平台未提供）", engine=engine.name)
        try:
            comparison = engine.compare(jpeg, reference)
        except FaceCountError as exc:
            return face_not_done(f"比对失败：{exc.zh}", kind, engine=engine.name)
        except Exception as exc:  # noqa: BLE001 - an engine failure sends the person to the clerk, never stops the door
            log.warning("door face match failed: %s", type(exc).__name__)
            return face_not_done(f"比对失败：{type(exc).__name__}", kind, engine=engine.name)
        return face_verdict(comparison, kind, liveness="not_done")

    def room_counts(self, day: dt.date | None = None, room_code: str | None = None) -> list[RoomCount]:
        """The sittings of a Beijing day (today), each with counts only (the room's board)."""
        now = self.hall.clock.now()
        start, end = day_bounds(day or beijing(now).date())
        with self.hall.reading() as s:
            q = select(PfEvaluation).where(PfEvaluation.starts_at >= start, PfEvaluation.starts_at < end)
            if room_code:
                q = q.where(PfEvaluation.room_code == room_code)
            evs = [(e.evaluation_id, e.room_code, e.room_name, e.starts_at, e.members_total)
                   for e in s.scalars(q.order_by(PfEvaluation.starts_at, PfEvaluation.evaluation_id))]
            state = self._state(s, now)
        out = []
        for evaluation_id, code, name, starts_at, total in evs:
            st = state.sittings.get(evaluation_id, door.SittingState())
            staff = sum(1 for role, _l in st.staff_inside.values() if role not in door.MEMBER_STAFF_ROLES)
            out.append(RoomCount(evaluation_id, code, name, starts_at, total, st.members_inside, staff,
                                 len(st.signed_out), len(st.pending), st.recording))
        return out

    # --- acts ------------------------------------------------------------------------------------

    def _face_members(self, check: FaceCheck | None) -> dict[str, Any]:
        """The face check's evidence, the same members check-in's ``checkin.details`` carries
        (:func:`kiosk.checkin.rules.face_evidence`: verdict, reference, liveness, note, score, threshold, engine)."""
        if check is None:
            return {"face_match": "not_done"}
        return dict(face_evidence(check))

    def _start_recording(self, s: Session, sitting: door.Sitting | None, st: door.SittingState) -> None:
        if sitting is not None and door.first_in(st) and sitting.room_code:
            recording.request(s, self.hall.journal, room_code=sitting.room_code, action="start",
                              reason="评标：首位成员签到入场 first member signed in", operator=DOOR_OPERATOR,
                              session_id=sitting.evaluation_id)

    def sign_in(self, card: IdCard, check: FaceCheck | None) -> DoorOutcome:
        """Admit or refuse the card holder (see the module doc); the door and locker open after the commit."""
        t0 = time.perf_counter()
        with self.hall.unit() as s:
            take_head(s)  # lockers and the room's first-in: one authority across door terminals
            now = self.hall.clock.now()
            at = rfc3339(now)
            sittings = self._sittings(s, now)
            state = self._state(s, now)
            visitor, expert, person = self._visitor(s, card, now, sittings, state)
            base = {"at": at, "terminal_id": self.hall.config.site.terminal_id}
            if visitor.kind == "unknown":
                self.hall.journal.append(s, door.REFUSED_UNKNOWN, {**base, "code": "unknown", "count": 1})
                return DoorOutcome("refused", visitor.zh, visitor.en, refusal="unknown")
            if visitor.inside:
                return DoorOutcome("admitted", "您已签到", "you are signed in already", visitor.evaluation_id,
                                   visitor.room_name, visitor.locker)
            face = self._face_members(check)
            ev_id = visitor.evaluation_id or ""
            if visitor.kind == "staff":
                kind, who = door.STAFF_SIGNIN, {"role": visitor.role}
            else:
                assert expert is not None
                kind, who = door.SIGNIN, {"expert_id": expert.expert_id}
            payload: dict[str, Any] = {**base, "evaluation_id": ev_id, **who, "person_id_hmac": person, **face}
            if visitor.refusal is not None:
                if visitor.refusal == "wrong_room":  # which door they tried (the supervisors' alert names it)
                    payload["door_room"] = ",".join(self._door_rooms())
                self.hall.journal.append(s, kind, {**payload, "result": "refused", "refusal_reason": visitor.refusal})
                return DoorOutcome("refused", visitor.zh, visitor.en, visitor.evaluation_id, visitor.room_name,
                                   face_match=face["face_match"], refusal=visitor.refusal)
            if face["face_match"] != "match":
                code = "face_no_match" if face["face_match"] == "no_match" else "face_not_done"
                zh, en = door.refusal_text(code)
                pending = kind == door.SIGNIN  # a staff member's face is checked by another staff member in person
                self.hall.journal.append(s, kind, {**payload, "result": "refused", "refusal_reason": code,
                                                   "pending": pending})
                return DoorOutcome("pending" if pending else "refused", zh, en, ev_id, visitor.room_name,
                                   face_match=face["face_match"], refusal=code,
                                   who=str(who.get("expert_id", "")) if pending else "")
            locker = self._locker_for(state, kind, visitor.role)
            self.hall.journal.append(s, kind, {**payload, "result": "admitted", "room_code": sittings[ev_id].room_code,
                                               **({"locker": locker} if locker is not None else {})})
            self._start_recording(s, sittings.get(ev_id), state.of(ev_id))
        t_record = time.perf_counter() - t0
        return self._open(DoorOutcome("admitted", "请进", "please enter", ev_id, visitor.room_name, locker,
                                      face_match="match", seconds={"record": t_record}), locker, "signin")

    def _locker_for(self, state: door.DoorState, kind: str, role: str) -> int | None:
        if self.lockers <= 0 or (kind == door.STAFF_SIGNIN and role not in door.MEMBER_STAFF_ROLES):
            return None
        return door.free_locker(state, self.lockers)

    def confirm(self, evaluation_id: str, expert_id: str, holder: RoleHolder, note: str, *, admit: bool = True) -> DoorOutcome:
        """The clerk on duty decides a pending person (a face that did not match or was not compared).

        Raises:
            HallError: ``note`` empty (the clerk says what they checked), ``not_pending``; AccessError
                when ``holder`` is not (or no longer) the sitting's ``witness``.
        """
        text = note.strip()
        if not text:
            raise HallError("note", "请写明核验情况（如：核对证件与本人，确认无误）",
                            "write what was checked (e.g. the card and the person compared in person)")
        with self.hall.unit() as s:
            take_head(s)
            current(s, holder, evaluation_id, CLERK_ROLES)
            now = self.hall.clock.now()
            state = self._state(s, now)
            st = state.of(evaluation_id)
            seq = st.pending.get(expert_id)
            if seq is None:
                raise HallError("not_pending", "此人没有待核验的签到", "nobody with this id waits for a check")
            row = s.get(JournalEntry, seq)
            first = json.loads(row.payload) if row is not None else {}
            sittings = self._sittings(s, now)
            sitting = sittings.get(evaluation_id)
            payload: dict[str, Any] = {
                "evaluation_id": evaluation_id, "expert_id": expert_id, "person_id_hmac": str(first.get("person_id_hmac", "")),
                "face_match": str(first.get("face_match", "not_done")), "at": rfc3339(now),
                "terminal_id": self.hall.config.site.terminal_id, "confirmed_by": holder.username, "note": text,
                "pending_seq": seq,
            }
            if not admit:
                self.hall.journal.append(s, door.SIGNIN, {**payload, "result": "refused", "refusal_reason": "refused_by_staff"})
                zh, en = door.refusal_text("refused_by_staff")
                return DoorOutcome("refused", zh, en, evaluation_id, refusal="refused_by_staff")
            locker = self._locker_for(state, door.SIGNIN, "")
            self.hall.journal.append(s, door.SIGNIN, {**payload, "result": "admitted",
                                                      "room_code": sitting.room_code if sitting else "",
                                                      **({"locker": locker} if locker is not None else {})})
            self._start_recording(s, sitting, st)
            room = (sitting.room_name or sitting.room_code) if sitting else ""
        return self._open(DoorOutcome("admitted", "工作人员已核验，请进", "checked by the staff: please enter", evaluation_id,
                                      room, locker, face_match=payload["face_match"]), locker, "signin")

    def sign_out(self, card: IdCard) -> DoorOutcome:
        """The card of someone inside: ``expert.signout`` (or the staff kind), the locker opens for the phone."""
        with self.hall.unit() as s:
            take_head(s)
            now = self.hall.clock.now()
            visitor, expert, person = self._visitor(s, card, now)
            if not visitor.inside or visitor.evaluation_id is None:
                return DoorOutcome("refused", "您尚未签到，无需签退", "you are not signed in", visitor.evaluation_id,
                                   refusal="not_inside")
            ev_id = visitor.evaluation_id
            base: dict[str, Any] = {"evaluation_id": ev_id, "at": rfc3339(now), "terminal_id": self.hall.config.site.terminal_id}
            if visitor.locker is not None:
                base["locker"] = visitor.locker
            if expert is not None:
                self.hall.journal.append(s, door.SIGNOUT, {**base, "expert_id": expert.expert_id})
            else:
                self.hall.journal.append(s, door.STAFF_SIGNOUT, {**base, "role": visitor.role, "person_id_hmac": person})
            after = self._state(s, now).of(ev_id)
            sitting = self._sittings(s, now).get(ev_id)
            if sitting is not None and door.last_out(after) and sitting.room_code:
                recording.request(s, self.hall.journal, room_code=sitting.room_code, action="stop",
                                  reason="评标：最后一位成员签退 last member signed out", operator=DOOR_OPERATOR,
                                  session_id=ev_id)
        at = beijing(now).strftime("%H:%M")
        return self._open(DoorOutcome("signed_out", f"已签退（{at}），请取回手机", f"signed out at {at}: take your phone",
                                      ev_id, visitor.room_name, visitor.locker), visitor.locker, "signout")

    def refuse_unreadable(self, code: str = "card_unreadable") -> DoorOutcome:
        """A card the reader could not read: journalled without any person (there is none to name)."""
        with self.hall.unit() as s:
            self.hall.journal.append(s, door.REFUSED_UNKNOWN, {"code": code, "count": 1, "at": rfc3339(self.hall.clock.now()),
                                                               "terminal_id": self.hall.config.site.terminal_id})
        zh, en = door.refusal_text("card_unreadable")
        return DoorOutcome("refused", zh, en, refusal="card_unreadable")

    # --- the devices -------------------------------------------------------------------------------

    def _open(self, out: DoorOutcome, locker: int | None, why: str) -> DoorOutcome:
        """Release the locker (if any) and the door after the act is committed; a device that does not
        answer is journalled (``expert.access`` ``open_failed``) and said, the act stays recorded."""
        if self.access is None:
            return dataclasses.replace(out, device_zh="本门未接门禁，请工作人员开门",
                                       device_en="no door relay here: the staff opens the door")
        seconds = dict(out.seconds)
        failed: list[tuple[str, Exception]] = []
        if locker is not None:
            t = time.perf_counter()
            try:
                self.access.open_locker(locker)
            except Exception as exc:  # noqa: BLE001 - any driver failure is said and journalled
                failed.append((f"locker:{locker}", exc))
            seconds["locker"] = time.perf_counter() - t
        t = time.perf_counter()
        opened = False
        try:
            self.access.open_door(self._cfg.door_hold_seconds)
            opened = True
        except Exception as exc:  # noqa: BLE001
            failed.append(("door", exc))
        seconds["door"] = time.perf_counter() - t
        if not failed:
            return dataclasses.replace(out, door_opened=True, seconds=seconds)
        with self.hall.unit() as s:
            for what, err in failed:
                self.hall.journal.append(s, door.ACCESS, {
                    "event": "open_failed", "what": what, "why": why, "code": str(getattr(err, "code", type(err).__name__)),
                    "at": rfc3339(self.hall.clock.now()), "terminal_id": self.hall.config.site.terminal_id})
        return dataclasses.replace(out, door_opened=opened, seconds=seconds, device_zh="门禁或手机柜未响应，请工作人员处理",
                                   device_en="the door or a locker did not answer: the staff will help")

    def _door_rooms(self) -> list[str]:
        """The rooms this door leads to (``[experts] door_rooms``, else the terminal's ``[site] room_code``)."""
        rooms = sorted(door.door_rooms(self._cfg.door_rooms))
        site = self.hall.config.site.room_code
        return rooms or ([site] if site else [])

    def on_access_event(self, ev: AccessEvent) -> bool:
        """Journal an event of the door relay or the lockers when it matters (:data:`JOURNALLED_EVENTS`);
        True when journalled. Every event where the door may be unlocked without an act of ours is."""
        if ev.kind not in JOURNALLED_EVENTS:
            return False
        payload: dict[str, Any] = {"event": ev.kind, "door": ev.door, "at": rfc3339(self.hall.clock.now()),
                                   "terminal_id": self.hall.config.site.terminal_id,
                                   "rooms": self._door_rooms()}
        if ev.locker is not None:
            payload["locker"] = ev.locker
        if ev.seconds is not None:
            payload["ms"] = int(round(ev.seconds * 1000))
        if ev.occupied is not None:
            payload["occupied"] = ev.occupied
        if ev.error is not None:
            payload["code"] = ev.error.code
        with self.hall.unit() as s:
            self.hall.journal.append(s, door.ACCESS, payload)
        return True


def pending_of(entries: Iterable[tuple[int, str, dict[str, Any]]], evaluation_id: str) -> list[str]:
    """The expert ids of a sitting waiting for a clerk (for consoles and tests)."""
    return sorted(door.fold(entries).of(evaluation_id).pending)
