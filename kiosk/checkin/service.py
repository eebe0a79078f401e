"""Check-in and identity verification (人证核验签到): ``CheckinService(hall)``, one unit of work per method.

A bidder's representative puts an ID card on the kiosk's reader (or first shows the QR code of
their registration, ``checkin_code``, then the card). :meth:`CheckinService.evaluate` runs the
checks and says which of today's sessions they may check in for; :meth:`CheckinService.check_in`
records it. A clerk uses :meth:`CheckinService.manual_check_in` (mandatory reason, overrides only
where :data:`kiosk.checkin.rules.OVERRIDABLE` allows — never a market ban). Hosts and boards read
:meth:`CheckinService.attendance`; other capabilities ask :func:`checked_in` in their own transaction.

The checks and their refusal codes are pure functions in :mod:`kiosk.checkin.rules`; this module
reads the facts they need (registrations, check-ins, bans, the blacklist feed's age, the clock),
asks them, and writes. The DTOs are :mod:`kiosk.checkin.views`, the slip :mod:`kiosk.checkin.slip`.

Journal: ``checkin.recorded`` exactly as docs/platform-api.md §4 (no ID number: ``person_id_hmac``).
A refused card holder who is registered for no session today (a passer-by's tap: ``not_registered``,
``other_day``, or a card or QR refusal of someone with nothing today) is journalled without name or
HMAC (issue 20 item 8): a ``checkin.refused_unregistered`` entry with the refusal's code, a count
of 1 and the method only — §4's ``checkin.recorded`` would require both.
What §4 has no member for — the operator and reason of a manual check-in, overrides, face
matching, a photo missing — goes into a ``checkin.details`` entry in the same transaction;
reprints are ``checkin.reprinted``, a clerk's confirmation ``checkin.confirmed``.

Every check-in takes the journal head first (:func:`kiosk.journal.take_head`: ``FOR UPDATE`` on
PostgreSQL; SQLite's writer lock), so check-in numbers and paddle numbers have one authority
across processes.

人证核验 (issue 16, docs/rules/checkin.md): :meth:`CheckinService.check_face` compares the photo with
the card's chip photo or the platform's cached reference photo (:mod:`kiosk.checkin.references`)
through the face engine port (:mod:`kiosk.faces`) **before** the writer transaction opens, and
:meth:`CheckinService.check_in` records its verdict (``match`` / ``no_match`` / ``not_done``), the
reference, the score and threshold; anything but a ``match`` waits for a clerk
(:func:`kiosk.checkin.rules.needs_clerk`), who confirms or :meth:`CheckinService.revoke` s it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.blobstore import part_path, stored_path
from kiosk.checkin import references, rules
from kiosk.checkin.rules import (
    CARD_TYPES_ZH,
    PLACED_REFUSALS,
    CheckedBy,
    CheckinError,
    FaceCheck,
    Refusal,
    check_manual,
    day_bounds,
    overridden,
    overrides_used,
    shown_bidder_name,
)
from kiosk.checkin.slip import checkin_slip
from kiosk.checkin.views import (
    Attendance,
    AttendanceRow,
    CheckedIn,
    CheckinInfo,
    CheckinOutcome,
    Evaluation,
    FaceCapture,
    RegistrationView,
    SessionOption,
)
from kiosk.context import HallContext
from kiosk.db.models import Blob, PfBlacklist, PfRegistration, PfRepresentative, PfSession
from kiosk.db.models_checkin import Checkin, CheckinPaddle
from kiosk.faces import FaceCountError, FaceEngine
from kiosk.feeds import (
    RegistrationMatch,
    active_bans,
    feed_ages,
    registration_by_checkin_code,
    registrations_for_person,
)
from kiosk.idnumbers import id_number_problem
from kiosk.journal import take_head
from kiosk.pii import mask_id_number, mask_name, normalise_id
from kiosk.ports import IdCard, Slip
from kiosk.timeutil import beijing, rfc3339

log = logging.getLogger(__name__)

FACE_CONTEXT = b""  #: faces are encrypted without associated data: sync/blobs decrypts them so
UNREGISTERED_REFUSAL_KIND = "checkin.refused_unregistered"  #: a refusal of someone with nothing today: no name, no HMAC


@dataclass
class SealedFace:
    """A check-in photo already encrypted into ``part`` (beside its final name), waiting for its unit."""

    sha256: str
    size: int
    part: Path
    final: Path
    placed: bool = False  #: renamed to ``final`` inside the unit


def checked_in(session: Session, session_id: str) -> dict[str, CheckedIn]:
    """The registrations checked in for a session, by registration id, from the check-in table.

    Other capabilities (the opening's roll call, its objections and confirmations) ask this, in
    their own transaction, instead of reading ``checkin.recorded`` entries: a row is written with
    the accepted entry, and there is at most one per (session, registration).
    """
    rows = session.scalars(select(Checkin).where(Checkin.session_id == session_id).order_by(Checkin.checkin_no))
    return {c.registration_id: CheckedIn(c.registration_id, mask_name(c.person_name), c.person_id_hmac) for c in rows}


def paddles(session: Session, session_id: str) -> dict[str, list[str]]:
    """paddle → the registration ids checked in under it for an auction session, from the check-in table.

    The auction asks this (its bidders, its bid checks, the buyer, the deposits) in its own
    transaction. A check-in a clerk revoked (人证不符, :meth:`CheckinService.revoke`) has lost its
    row, so its paddle bids no more until the bidder's real representative checks in; the paddle
    number itself stays the bidder's (``checkin_paddles``), so the same paddle comes back. A check-in
    a clerk must still confirm (a face that did not match; with ``face_required`` one compared with
    nothing) is never admitted alone: its paddle is not in until :meth:`CheckinService.confirm`.
    """
    rows = session.execute(select(Checkin.paddle_no, Checkin.registration_id).where(
        Checkin.session_id == session_id, Checkin.paddle_no.is_not(None),
        or_(Checkin.needs_confirmation.is_(False), Checkin.confirmed_by.is_not(None))).order_by(Checkin.checkin_no))
    out: dict[str, list[str]] = {}
    for paddle, rid in rows:
        if paddle is not None:  # the query's own condition; said again for the type checker
            out.setdefault(paddle, []).append(rid)
    return out


class CheckinService:
    """Check-in's units of work over the hall (:class:`kiosk.context.HallContext`).

    Args:
        hall: the hall (engine, journal, vault, clock, config).
        face_engine: the face engine (``kiosk.faces.FaceEngine``, loaded once by the composition root);
            None records that no comparison was done, and why (``face_engine_note``).
        face_engine_note: why there is no engine (shown and recorded), e.g. "models missing".
    """

    def __init__(
        self,
        hall: HallContext,
        *,
        face_engine: FaceEngine | None = None,
        face_engine_note: str = "未配置人脸比对引擎",
    ) -> None:
        self.hall = hall
        self.cfg = hall.config.checkin
        self.face_engine = face_engine
        self.face_engine_note = face_engine_note

    @property
    def photo_retention_days(self) -> int:
        """How long a check-in photo (and a cached reference photo) is kept: ``[security] pii_retention_days``
        (``kiosk/retention.py``). The consent page says it (个人信息保护法 §17: 保存期限)."""
        return self.hall.config.security.pii_retention_days

    # --- windows ----------------------------------------------------------------------------

    def window(self, kind: str, starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """When check-in for a session opens and closes (``[checkin]``; :func:`kiosk.checkin.rules.window`)."""
        return rules.window(kind, starts_at, self.cfg.opening_window_before_min, self.cfg.opening_window_after_min)

    # --- evaluation -----------------------------------------------------------------------------

    def evaluate(self, card: IdCard, *, checkin_code: str | None = None) -> Evaluation:
        """Run every check for a card (and a scanned registration QR code); journal refusals."""
        method = "qrcode+idcard" if checkin_code else "idcard"
        with self.hall.unit() as s:
            ev = self._evaluate(s, card, checkin_code=checkin_code)
            seqs = self._journal_evaluation(s, ev, card.name, card.id_number, method)
        return Evaluation(ev.person_name_masked, ev.id_masked, ev.card_type, method, ev.refusal, ev.options, seqs)

    def _evaluate(
        self, s: Session, card: IdCard, *, checkin_code: str | None = None, for_registration: str | None = None,
        skip_card: bool = False, overrides: frozenset[str] = frozenset(),
    ) -> Evaluation:
        now = self.hall.clock.now()
        today = beijing(now).date()
        base: dict[str, Any] = dict(person_name_masked=mask_name(card.name), id_masked=mask_id_number(card.id_number),
                    card_type=CARD_TYPES_ZH.get(card.card_type, str(card.card_type)),
                    method="qrcode+idcard" if checkin_code else "idcard")
        if not skip_card:
            refusal = rules.card_refusal(card, today)
            if refusal is not None:
                return Evaluation(**base, refusal=refusal)
        vault = self.hall.vault
        matches = registrations_for_person(s, vault, card.id_number)
        if checkin_code:
            qr = registration_by_checkin_code(s, checkin_code.strip())
            if qr is None:
                return Evaluation(**base, refusal=Refusal("unknown_qr"))
            mine = [m for m in matches if m.registration_id == qr.registration_id]
            if not mine:
                return Evaluation(**base, refusal=Refusal("qr_mismatch", qr.bidder_name))
            bidder = mine[0].bidder_code or mine[0].bidder_name
            matches = [m for m in matches if m.session_id == qr.session_id and (m.bidder_code or m.bidder_name) == bidder]
        if for_registration is not None:
            matches = [m for m in matches if m.registration_id == for_registration]
        if not matches:
            return Evaluation(**base, refusal=Refusal("not_registered"))
        start, end = day_bounds(today)
        sessions = {
            r.session_id: r for r in s.scalars(select(PfSession).where(PfSession.session_id.in_({m.session_id for m in matches})))
        }
        todays = [m for m in matches if m.session_id in sessions
                  and start <= sessions[m.session_id].starts_at < end]
        if not todays:
            days = sorted({beijing(sessions[m.session_id].starts_at).strftime("%Y-%m-%d") for m in matches if m.session_id in sessions})
            return Evaluation(**base, refusal=Refusal("other_day", "、".join(days)) if days else Refusal("not_registered"))
        stale = self._stale_blacklist(s, now)
        if stale is not None and "stale_blacklist" not in overrides:
            return Evaluation(**base, refusal=stale)
        person_hmac = vault.lookup_hmac(card.id_number)
        by_session: dict[str, list[RegistrationMatch]] = {}
        for m in todays:
            by_session.setdefault(m.session_id, []).append(m)
        options = []
        for sid in sorted(by_session, key=lambda k: (sessions[k].starts_at, k)):
            options.append(self._option(s, sessions[sid], by_session[sid], card.id_number, person_hmac, now, today))
        return Evaluation(**base, refusal=None, options=tuple(options))

    def _stale_blacklist(self, s: Session, now: dt.datetime) -> Refusal | None:
        return rules.stale_blacklist(feed_ages(s, now).get("blacklist"), self.hall.config.platform.blacklist_max_age_hours)

    def _bans(self, s: Session, regs: list[RegistrationMatch], id_number: str, today: dt.date) -> list[str]:
        """Texts of the active market bans on these bidders or this person."""
        bans = active_bans(s, self.hall.vault, on_date=today, body_codes=[r.bidder_code for r in regs if r.bidder_code],
                           id_number=id_number)
        texts = [f"{b.body_name}：{b.record_reason}，至 {b.valid_until or '长期'}" for b in bans if b.confined_action == "market_ban"]
        # natural-person bidders represented by someone else: their code is only an HMAC here
        hmacs = set(s.scalars(select(PfRegistration.bidder_code_hmac).where(
            PfRegistration.registration_id.in_([r.registration_id for r in regs]), PfRegistration.bidder_code_hmac.is_not(None))))
        if hmacs:
            day = today.isoformat()
            for row in s.scalars(select(PfBlacklist).where(PfBlacklist.body_code_hmac.in_(hmacs))):
                if row.confined_action != "market_ban" or (row.valid_from and day < row.valid_from) or (
                        row.valid_until and day > row.valid_until):
                    continue
                text = f"{mask_name(row.body_name)}：{row.record_reason}，至 {row.valid_until or '长期'}"
                if text not in texts:
                    texts.append(text)
        return texts

    def _option(
        self, s: Session, sess: PfSession, regs: list[RegistrationMatch], id_number: str, person_hmac: str,
        now: dt.datetime, today: dt.date,
    ) -> SessionOption:
        opens, closes = self.window(sess.kind, sess.starts_at)
        regs = rules.sorted_registrations(regs)
        existing = {c.registration_id: c for c in s.scalars(select(Checkin).where(
            Checkin.session_id == sess.session_id, Checkin.registration_id.in_([r.registration_id for r in regs])))}
        forms = set(self.hall.vault.lookup_hmacs(id_number))  # a check-in indexed before a key rotation is still this person's
        mine = tuple(self._info(s, c) for c in existing.values() if c.person_hmac in forms)
        checked = {rid: CheckedBy(person_hmac if c.person_hmac in forms else c.person_hmac, c.person_name, c.checked_in_at)
                   for rid, c in existing.items()}
        decision = rules.decide_session(sess.kind, regs, checked, person_hmac, self._bans(s, regs, id_number, today),
                                        now, opens, closes)
        return SessionOption(
            session_id=sess.session_id, kind=sess.kind, title=sess.title, room_name=sess.room_name,
            starts_at=sess.starts_at, opens_at=opens, closes_at=closes, bidder_names=rules.bidder_names(regs),
            registration_ids=decision.registration_ids, status=decision.status, refusal=decision.refusal,
            existing=mine if decision.with_mine else (), lots=tuple(r.lot_code for r in regs if r.lot_code),
            flags=decision.flags,
        )

    def _journal_evaluation(self, s: Session, ev: Evaluation, name: str, id_number: str, method: str) -> tuple[int, ...]:
        """Journal what the evaluation refused: a whole-attempt refusal, bans always, others when nothing is left."""
        seqs = []
        if ev.refusal is not None:
            sid = self._todays_session_of(s, id_number)
            if not sid:
                return (self._refuse_unregistered(s, method, ev.refusal),)
            seqs.append(self._refuse(s, sid if ev.refusal.code in PLACED_REFUSALS else "", None, name,
                                     self.hall.person_hmac(id_number), method, ev.refusal))
            return tuple(seqs)
        pid = self.hall.person_hmac(id_number)
        nothing_left = not ev.eligible and not ev.already
        for o in ev.options:
            if o.refusal is not None and (o.refusal.code == "banned" or nothing_left):
                for rid in o.registration_ids:
                    seqs.append(self._refuse(s, o.session_id, rid, name, pid, method, o.refusal))
        return tuple(seqs)

    def _todays_session_of(self, s: Session, id_number: str) -> str:
        """A session today the person is registered for ("" when none): where a card refusal belongs."""
        start, end = day_bounds(beijing(self.hall.clock.now()).date())
        for m in registrations_for_person(s, self.hall.vault, id_number):
            sess = s.get(PfSession, m.session_id)
            if sess is not None and start <= sess.starts_at < end:
                return m.session_id
        return ""

    def _refuse_unregistered(self, s: Session, method: str, refusal: Refusal) -> int:
        """A refusal of someone registered for nothing today: the reason and a count, no name, no HMAC, no detail."""
        entry = self.hall.journal.append(s, UNREGISTERED_REFUSAL_KIND, {
            "refusal_code": refusal.code, "refusal_reason": f"{refusal.code}: {refusal.zh}", "count": 1,
            "method": method, "refused_at": rfc3339(self.hall.clock.now()),
        })
        return entry.seq

    def _refuse(self, s: Session, session_id: str, registration_id: str | None, name: str, pid: str, method: str,
                refusal: Refusal) -> int:
        entry = self.hall.journal.append(s, "checkin.recorded", {
            "session_id": session_id, "registration_id": registration_id, "person_name": name,
            "person_id_hmac": pid, "method": method, "result": "refused",
            "checked_in_at": rfc3339(self.hall.clock.now()), "refusal_reason": refusal.reason,
        })
        return entry.seq

    # --- recording a check-in ---------------------------------------------------------------------

    def check_in(self, card: IdCard, session_id: str, *, face: FaceCapture, checkin_code: str | None = None) -> CheckinOutcome:
        """Check the card holder in for ``session_id`` (all their eligible registrations in it).

        The checks run again inside the transaction (another terminal may have acted since the
        screen showed the options). A unique-constraint race with another process ends as
        "already checked in", never as a second check-in.
        """
        method = "qrcode+idcard" if checkin_code else "idcard"
        check = self.check_face(card, session_id, face)  # before the writer transaction: the engine takes ~0.5 s
        try:
            with self._sealed_face(face.jpeg) as sealed:  # encrypted and written before the head is taken
                with self.hall.unit() as s:
                    take_head(s)  # check-in and paddle numbers: one authority across terminals
                    ev = self._evaluate(s, card, checkin_code=checkin_code)
                    return self._record(s, ev, card.name, card.id_number, session_id, method, face, check, sealed=sealed)
        except IntegrityError:
            log.info("check-in raced with another terminal; reporting it as already done")
            with self.hall.unit() as s:
                ev = self._evaluate(s, card, checkin_code=checkin_code)
                opt = next((o for o in ev.options if o.session_id == session_id), None)
                done = opt.existing if opt else ()
                return CheckinOutcome(done, None if done else Refusal("other_representative"), None, ())

    def check_face(self, card: IdCard, session_id: str, face: FaceCapture) -> FaceCheck:
        """人证核验 of a card holder's photo for a session, outside any writer transaction (issue 16 must 4).

        The reference, in order of trust: the card's chip photo (``IdCard.photo_image``), else the
        platform's photo of this person as a representative in the session (cached by the sync
        worker: ``kiosk.checkin.references``), else none. Nothing is compared without a photo, an
        engine, a passed liveness check and a reference; an engine that fails says so and never
        stops the check-in. Only a reading session is opened, so other terminals write meanwhile.
        """
        chip = card.photo_image or None
        if face.jpeg is None:
            return rules.face_not_done("无照片，未比对", liveness=face.liveness)
        if self.face_engine is None:
            return rules.face_not_done(f"未比对：{self.face_engine_note}", liveness=face.liveness)
        engine = self.face_engine
        if face.liveness != "passed":
            why = "活体检测未通过" if face.liveness == "failed" else "未做活体检测"
            return rules.face_not_done(f"未比对：{why}", liveness=face.liveness, engine=engine.name)
        platform = None
        if chip is None:
            with self.hall.reading() as s:
                regs = s.scalars(select(PfRegistration.registration_id).where(PfRegistration.session_id == session_id)).all()
                platform = references.platform_reference(s, self.hall.vault, Path(self.hall.config.data_dir), regs,
                                                         card.id_number)
        kind, reference = references.reference_for(chip, platform)
        if reference is None:
            return rules.face_not_done("未比对：无参考照片（芯片照片未解码，平台未提供）", liveness=face.liveness, engine=engine.name)
        try:
            comparison = engine.compare(face.jpeg, reference)
        except FaceCountError as exc:
            return rules.face_not_done(f"比对失败：{exc.zh}", kind, face.liveness, engine.name)
        except Exception as exc:  # noqa: BLE001 - an engine failure must not stop a check-in
            log.warning("face match failed: %s", type(exc).__name__)
            return rules.face_not_done(f"比对失败：{type(exc).__name__}", kind, face.liveness, engine.name)
        return rules.face_verdict(comparison, kind, face.liveness)

    def _record(
        self, s: Session, ev: Evaluation, name: str, id_number: str, session_id: str, method: str, face: FaceCapture,
        check: FaceCheck, *, operator: str | None = None, reason: str | None = None, overrides: frozenset[str] = frozenset(),
        used_extra: frozenset[str] = frozenset(), sealed: SealedFace | None = None,
    ) -> CheckinOutcome:
        if ev.refusal is not None and not overridden(ev.refusal, overrides):
            seq = (self._refuse(s, session_id, None, name, self.hall.person_hmac(id_number), method, ev.refusal)
                   if self._todays_session_of(s, id_number) else self._refuse_unregistered(s, method, ev.refusal))
            return CheckinOutcome((), ev.refusal, None, (seq,))
        pid = self.hall.person_hmac(id_number)
        opt = next((o for o in ev.options if o.session_id == session_id), None)
        if opt is None:
            refusal = Refusal("not_registered")
            return CheckinOutcome((), refusal, None, (self._refuse(s, session_id, None, name, pid, method, refusal),))
        if opt.status == "already":
            return CheckinOutcome(opt.existing, None, self.slip(opt.existing), ())
        if opt.status == "refused":
            assert opt.refusal is not None
            if not overridden(opt.refusal, overrides):
                refused = tuple(self._refuse(s, session_id, rid, name, pid, method, opt.refusal) for rid in opt.registration_ids)
                return CheckinOutcome((), opt.refusal, None, refused)
        used = overrides_used(overrides, (ev.refusal, opt.refusal), used_extra)
        now = self.hall.clock.now()
        face_sha = self._register_face(s, sealed, now) if sealed is not None else None
        needs = rules.needs_clerk(check, face_needs_clerk=face.needs_clerk, face_required=self.cfg.face_required,
                                  manual=operator is not None)
        paddle = self._paddle(s, opt, id_number, now) if opt.is_auction else None
        next_no = (s.scalar(select(func.max(Checkin.checkin_no)).where(Checkin.session_id == session_id)) or 0) + 1
        infos, seqs = [], []
        regs = {r.registration_id: r for r in s.scalars(select(PfRegistration).where(PfRegistration.registration_id.in_(opt.registration_ids)))}
        for i, rid in enumerate(opt.registration_ids):
            reg = regs[rid]
            payload: dict[str, Any] = {
                "session_id": session_id, "registration_id": rid, "person_name": name, "person_id_hmac": pid,
                "method": method, "result": "accepted", "checked_in_at": rfc3339(now),
            }
            if paddle:
                payload["paddle_no"] = paddle
            if face_sha:
                payload["face_photo_sha256"] = face_sha
            entry = self.hall.journal.append(s, "checkin.recorded", payload)
            seqs.append(entry.seq)
            row = Checkin(
                session_id=session_id, registration_id=rid, checkin_no=next_no + i, paddle_no=paddle,
                token=secrets.token_urlsafe(18), person_name=name, person_hmac=self.hall.vault.lookup_hmac(id_number),
                person_id_hmac=pid, bidder_name=reg.bidder_name, bidder_key=self._bidder_key(reg),
                method=method, face_sha256=face_sha, face_status=face.status, face_match=check.note[:200],
                face_match_score=check.score_text, face_result=check.result, face_reference=check.reference,
                liveness=check.liveness, needs_confirmation=needs, operator=operator, reason=reason,
                overrides=",".join(used), terminal_id=self.hall.config.site.terminal_id, journal_seq=entry.seq,
                reprints=0, checked_in_at=now,
            )
            s.add(row)
            s.flush()
            details: dict[str, Any] = {
                "session_id": session_id, "registration_id": rid, "checkin_no": row.checkin_no,
                "face": face.status, **rules.face_evidence(check),  # the door's expert.signin carries the same
            }
            if needs:
                details["needs_clerk_confirmation"] = True
            if opt.flags:  # D6: admitted at an opening, the finding kept as evidence for host, supervisor, committee
                details["flags"] = [f"{f.code}: {f.detail}" for f in opt.flags]  # admitted: not the refusal's words
            if operator:
                details.update(operator=operator, reason=reason or "", overrides=used)
            seqs.append(self.hall.journal.append(s, "checkin.details", details).seq)
            infos.append(self._info(s, row))
        return CheckinOutcome(tuple(infos), None, self.slip(tuple(infos)), tuple(seqs), check)

    @staticmethod
    def _bidder_key(reg: PfRegistration) -> str:
        return rules.bidder_key(reg.bidder_code, reg.bidder_code_hmac, reg.registration_id)

    def _paddle(self, s: Session, opt: SessionOption, id_number: str, now: dt.datetime) -> str:
        regs = s.scalars(select(PfRegistration).where(PfRegistration.registration_id.in_(opt.registration_ids))).all()
        key = self._bidder_key(regs[0])
        row = s.get(CheckinPaddle, (opt.session_id, key))
        if row is not None:
            return row.paddle_no
        used = s.scalars(select(CheckinPaddle.paddle_no).where(CheckinPaddle.session_id == opt.session_id)).all()
        paddle = rules.next_paddle(used)
        s.add(CheckinPaddle(session_id=opt.session_id, bidder_key=key, paddle_no=paddle, assigned_at=now))
        s.flush()
        return paddle

    @contextmanager
    def _sealed_face(self, jpeg: bytes | None) -> Iterator[SealedFace | None]:
        """The photo encrypted into a file of its own **before** the writer transaction (issue 16 must 4).

        AES-GCM and the file write (a few ms for a 720p JPEG, more on a slow disk) never run while the
        journal head is held: under it :meth:`_register_face` only renames the file into place and adds
        its ``Blob`` row. A file the unit did not take (a refusal, a photo the hall holds already, a
        rollback) is removed on the way out; a crash leaves a ``*.hkenc`` that no ``Blob`` names, which
        retention's orphan sweep shreds (``kiosk.retention.sweep_orphan_faces``).
        """
        if not jpeg:
            yield None
            return
        sha = hashlib.sha256(jpeg).hexdigest()
        folder = Path(self.hall.config.data_dir) / "faces" / beijing(self.hall.clock.now()).strftime("%Y%m%d")
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{sha}.hkenc"
        sealed = SealedFace(sha, len(jpeg), part_path(final), final)
        sealed.part.write_bytes(self.hall.vault.encrypt(jpeg, context=FACE_CONTEXT))
        try:
            yield sealed
        except BaseException:
            if sealed.placed:  # renamed into place, but the unit that named it rolled back
                with self.hall.reading() as s:
                    if s.get(Blob, sha) is None:
                        sealed.final.unlink(missing_ok=True)
            raise
        finally:
            sealed.part.unlink(missing_ok=True)

    def _register_face(self, s: Session, sealed: SealedFace, now: dt.datetime) -> str:
        """Under the head: the sealed photo renamed into place and registered as a Blob (the sync worker
        uploads it), unless the hall holds that photo already. No encryption here."""
        if s.get(Blob, sealed.sha256) is None:
            os.replace(sealed.part, sealed.final)
            sealed.placed = True
            s.add(Blob(sha256=sealed.sha256, path=stored_path(self.hall.config.data_dir, sealed.final), size=sealed.size,
                       media_type="image/jpeg", encrypted=True, created_at=now))
            s.flush()
        return sealed.sha256

    # --- the clerk ------------------------------------------------------------------------------

    def manual_check_in(
        self, *, operator: str, session_id: str, registration_id: str, person_name: str, id_number: str, reason: str,
        overrides: Iterable[str] = (), face: FaceCapture | None = None,
    ) -> CheckinOutcome:
        """A clerk checks a person in (reader broken, passport holder, …) with a mandatory reason.

        The person must be a representative of the registration (matched by their document number).
        Only refusals in :data:`OVERRIDABLE` that the clerk lists in ``overrides`` are passed over.

        Raises:
            CheckinError: no reason or no operator given.
        """
        check_manual(operator, reason)
        wanted = frozenset(overrides)
        card = IdCard(card_type="resident", name=person_name.strip(), gender="未知", birth_date="", id_number=normalise_id(id_number),
                      valid_from="", valid_until="长期")
        face = face or FaceCapture(None, "manual")
        with self._sealed_face(face.jpeg) as sealed, self.hall.unit() as s:  # a photo is sealed before the head
            take_head(s)
            ev = self._evaluate(s, card, for_registration=registration_id, skip_card=True, overrides=wanted)
            stale = self._stale_blacklist(s, self.hall.clock.now())
            problem = id_number_problem(card.id_number, "resident", today=beijing(self.hall.clock.now()).date())
            if problem is not None and ev.refusal is None and "id_invalid" not in wanted:
                refusal = Refusal("id_invalid", problem[0])
                pid = self.hall.person_hmac(card.id_number)
                return CheckinOutcome((), refusal, None, (self._refuse(s, session_id, registration_id, card.name, pid, "manual", refusal),))
            used = {"id_invalid"} if problem is not None else set()
            if stale is not None and "stale_blacklist" in wanted:
                used.add("stale_blacklist")
            return self._record(s, ev, card.name, card.id_number, session_id, "manual", face,
                                rules.face_not_done("人工签到：工作人员当面核对身份"), operator=operator, reason=reason.strip(),
                                overrides=wanted, used_extra=frozenset(used), sealed=sealed)

    def preview_manual(self, *, registration_id: str, person_name: str, id_number: str) -> Evaluation:
        """What a manual check-in would meet (refusals and whether they may be overridden); journals nothing."""
        card = IdCard(card_type="resident", name=person_name.strip(), gender="未知", birth_date="", id_number=normalise_id(id_number),
                      valid_from="", valid_until="长期")
        with self.hall.reading() as s:
            return self._evaluate(s, card, for_registration=registration_id, skip_card=True)

    def search(self, query: str, *, day: dt.date | None = None) -> list[RegistrationView]:
        """Registrations of sessions on ``day`` matching a bidder name, USCC, representative name or ID number."""
        q = query.strip()
        if not q:
            return []
        day = day or beijing(self.hall.clock.now()).date()
        start, end = day_bounds(day)
        with self.hall.reading() as s:
            digests = self.hall.vault.lookup_hmacs(q)
            rep_regs = select(PfRepresentative.registration_id).where(
                or_(PfRepresentative.name == q, PfRepresentative.id_hmac.in_(digests)))
            rows = s.execute(
                select(PfRegistration, PfSession).join(PfSession, PfSession.session_id == PfRegistration.session_id)
                .where(PfSession.starts_at >= start, PfSession.starts_at < end)
                .where(or_(PfRegistration.bidder_name.contains(q), PfRegistration.bidder_code == normalise_id(q),
                           PfRegistration.bidder_code_hmac.in_(digests), PfRegistration.registration_id.in_(rep_regs),
                           PfRegistration.registration_id == q))
                .order_by(PfSession.starts_at, PfRegistration.registration_id).limit(50)
            ).all()
            done = {(c.session_id, c.registration_id) for c in s.scalars(select(Checkin).where(
                Checkin.registration_id.in_([r.registration_id for r, _ in rows])))}
            out = []
            for reg, sess in rows:
                reps = s.scalars(select(PfRepresentative.name).where(PfRepresentative.registration_id == reg.registration_id)).all()
                out.append(RegistrationView(
                    reg.registration_id, sess.session_id, sess.title, sess.kind, sess.starts_at, reg.lot_code,
                    shown_bidder_name(reg.bidder_name, reg.bidder_code_type), reg.bidder_code,
                    reg.deposit_status, tuple(mask_name(n) for n in reps), (sess.session_id, reg.registration_id) in done,
                ))
            return out

    def pending_confirmations(self) -> list[CheckinInfo]:
        """Check-ins a clerk must still confirm (no face match: no photo, no reference, liveness failed, or a
        no_match), oldest first."""
        with self.hall.reading() as s:
            rows = s.scalars(select(Checkin).where(Checkin.needs_confirmation.is_(True), Checkin.confirmed_by.is_(None))
                             .order_by(Checkin.checked_in_at)).all()
            return [self._info(s, r) for r in rows]

    def confirm(self, checkin_id: int, *, operator: str, note: str = "") -> CheckinInfo:
        """A clerk confirms a flagged check-in (saw the person and the document).

        Raises:
            CheckinError: no such check-in, or a ``no_match`` confirmed without a note (the clerk
                says what they checked: the core refuses it, not only the screen).
        """
        with self.hall.unit() as s:
            row = s.get(Checkin, checkin_id)
            if row is None:
                raise CheckinError("没有这条签到记录", "no such check-in")
            if row.face_result == "no_match" and not note.strip():
                raise CheckinError("人脸比对不一致：确认须写明核验情况", "the face did not match: a confirmation needs a note of what was checked")
            if row.confirmed_by is None:
                row.confirmed_by = operator
                row.confirmed_at = self.hall.clock.now()
                self.hall.journal.append(s, "checkin.confirmed", {
                    "session_id": row.session_id, "registration_id": row.registration_id, "checkin_no": row.checkin_no,
                    "operator": operator, "note": note, "confirmed_at": rfc3339(row.confirmed_at),
                })
            return self._info(s, row)

    def revoke(self, checkin_id: int, *, operator: str, reason: str) -> None:
        """A clerk refuses a flagged check-in (人证不符: the face did not match and the person is not who the card says).

        The check-in row goes (the registration is free for its real representative; a paddle stays the
        bidder's), its photo stays on the faces' retention clock, and ``checkin.revoked`` names the
        operator and the reason; the earlier ``checkin.recorded`` stays in the chain.

        Raises:
            CheckinError: no reason, no operator, or no such check-in.
        """
        check_manual(operator, reason)
        with self.hall.unit() as s:
            take_head(s)
            row = s.get(Checkin, checkin_id)
            if row is None:
                raise CheckinError("没有这条签到记录", "no such check-in")
            self.hall.journal.append(s, "checkin.revoked", {
                "session_id": row.session_id, "registration_id": row.registration_id, "checkin_no": row.checkin_no,
                "person_id_hmac": row.person_id_hmac, "operator": operator, "reason": reason.strip(),
                "face_match": row.face_result, "revoked_at": rfc3339(self.hall.clock.now()),
            })
            s.delete(row)

    def reprint(self, checkin_id: int, *, by: str = "kiosk") -> tuple[CheckinInfo, Slip]:
        """The slip again (journalled as ``checkin.reprinted``); never a new check-in."""
        with self.hall.unit() as s:
            row = s.get(Checkin, checkin_id)
            if row is None:
                raise CheckinError("没有这条签到记录", "no such check-in")
            row.reprints += 1
            self.hall.journal.append(s, "checkin.reprinted", {
                "session_id": row.session_id, "registration_id": row.registration_id, "checkin_no": row.checkin_no,
                "by": by, "reprint_no": row.reprints, "at": rfc3339(self.hall.clock.now()),
            })
            info = self._info(s, row)
        return info, self.slip((info,), reprint=True)

    def find_checkin(self, session_id: str, registration_id: str) -> CheckinInfo | None:
        """The check-in of a registration, if any."""
        with self.hall.reading() as s:
            row = s.scalar(select(Checkin).where(Checkin.session_id == session_id, Checkin.registration_id == registration_id))
            return None if row is None else self._info(s, row)

    def by_token(self, token: str) -> CheckinInfo | None:
        """The check-in a slip's QR code names (``HK-CI:<token>`` or the bare token)."""
        token = rules.token_of(token)
        with self.hall.reading() as s:
            row = s.scalar(select(Checkin).where(Checkin.token == token))
            return None if row is None else self._info(s, row)

    # --- attendance --------------------------------------------------------------------------------

    def attendance(self, session_id: str) -> Attendance | None:
        """Every registration of a session and whether (and how) it is checked in."""
        with self.hall.reading() as s:
            sess = s.get(PfSession, session_id)
            if sess is None:
                return None
            checkins = {c.registration_id: c for c in s.scalars(select(Checkin).where(Checkin.session_id == session_id))}
            rows = []
            for reg in s.scalars(select(PfRegistration).where(PfRegistration.session_id == session_id)
                                 .order_by(PfRegistration.lot_code, PfRegistration.registration_id)):
                c = checkins.get(reg.registration_id)
                bidder = shown_bidder_name(reg.bidder_name, reg.bidder_code_type)
                rows.append(AttendanceRow(
                    reg.registration_id, bidder, reg.lot_code, reg.deposit_status, c is not None,
                    c.checkin_no if c else None, c.paddle_no if c else None, mask_name(c.person_name) if c else "",
                    c.checked_in_at if c else None, bool(c and c.needs_confirmation and not c.confirmed_by),
                    c.method if c else None,
                ))
            return Attendance(sess.session_id, sess.title, sess.kind, sess.room_name, sess.starts_at, tuple(rows))

    def checkins(self, session_id: str) -> list[CheckinInfo]:
        with self.hall.reading() as s:
            rows = s.scalars(select(Checkin).where(Checkin.session_id == session_id).order_by(Checkin.checkin_no)).all()
            return [self._info(s, r) for r in rows]

    # --- DTOs and the slip -------------------------------------------------------------------------

    def _info(self, s: Session, c: Checkin) -> CheckinInfo:
        sess = s.get(PfSession, c.session_id)
        reg = s.get(PfRegistration, c.registration_id)
        return CheckinInfo(
            checkin_id=c.id, session_id=c.session_id, session_title=sess.title if sess else "",
            session_kind=sess.kind if sess else "", room_name=sess.room_name if sess else "",
            starts_at=sess.starts_at if sess else c.checked_in_at, registration_id=c.registration_id,
            lot_code=reg.lot_code if reg else None,
            bidder_name=c.bidder_name if reg is None else shown_bidder_name(c.bidder_name, reg.bidder_code_type),
            person_name_masked=mask_name(c.person_name), checkin_no=c.checkin_no, paddle_no=c.paddle_no, token=c.token,
            method=c.method, checked_in_at=c.checked_in_at, face_status=c.face_status,
            needs_confirmation=c.needs_confirmation, confirmed_by=c.confirmed_by, operator=c.operator,
            face_result=c.face_result, face_reference=c.face_reference,
        )

    def slip(self, infos: tuple[CheckinInfo, ...], *, reprint: bool = False) -> Slip:
        """The printed slip of a check-in (one per session; several lots share the paddle): :func:`kiosk.checkin.slip.checkin_slip`."""
        return checkin_slip(infos, self.hall.config.site.name, reprint=reprint)
