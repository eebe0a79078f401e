"""Taking, checking and releasing a session role: the one place that binds an act to an appointed person.

Every capability whose acts belong to a session (opening, auction, recording, the evaluation area)
takes its actor as a :class:`~kiosk.staffing.views.RoleHolder` from :meth:`StaffingService.take_role`
and, inside its own unit of work, calls :func:`current` so that a role released or handed over
since cannot act. Each attempt is journalled: ``staff.role_taken``, ``staff.role_refused``,
``staff.role_released``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.context import HallContext
from kiosk.db.models import Operator, PfSession
from kiosk.db.models_experts import PfEvaluation, PfEvaluationStaff
from kiosk.db.models_staffing import PfSessionStaff, SessionRole
from kiosk.operators import AccessError
from kiosk.pii import normalise_id
from kiosk.ports import IdCard
from kiosk.staffing import rules
from kiosk.staffing.views import Appointee, RoleHolder
from kiosk.timeutil import rfc3339


def holder_of(row: SessionRole) -> RoleHolder:
    return RoleHolder(row.id, row.session_id, row.role, row.name, row.org, row.person_hmac, row.operator, row.method,
                      row.appointed, row.taken_at, row.reason)


def current(s: Session, holder: RoleHolder, session_id: str, roles: tuple[str, ...]) -> SessionRole:
    """Inside a capability's transaction: ``holder`` still holds one of ``roles`` in ``session_id``.

    Raises:
        AccessError: ``role``/``other_session`` (see :func:`rules.need_holder`), ``released`` when the
            role was given up or handed over since it was taken.
    """
    rules.need_holder(holder, session_id, roles)
    row = s.get(SessionRole, holder.id)
    if row is None or row.released_at is not None or row.session_id != session_id or row.role != holder.role:
        raise AccessError("released", "此角色已交出或已由他人接替，请重新刷身份证登记",
                          "this role was released or handed over: sign in again with your ID card")
    return row


def active_holders(s: Session, session_id: str) -> list[RoleHolder]:
    rows = s.scalars(select(SessionRole).where(SessionRole.session_id == session_id, SessionRole.released_at.is_(None))
                     .order_by(SessionRole.id))
    return [holder_of(r) for r in rows]


class StaffingService:
    """Session roles over the hall (:class:`kiosk.context.HallContext`)."""

    def __init__(self, hall: HallContext) -> None:
        self.hall = hall

    # --- reading ------------------------------------------------------------------------------------

    def holders(self, session_id: str) -> list[RoleHolder]:
        with self.hall.reading() as s:
            return active_holders(s, session_id)

    def appointees(self, session_id: str) -> list[Appointee]:
        with self.hall.reading() as s:
            held = {h.person_hmac for h in active_holders(s, session_id) if h.person_hmac}
            rows = s.scalars(select(PfSessionStaff).where(PfSessionStaff.session_id == session_id).order_by(PfSessionStaff.id))
            out = [Appointee(r.role, r.name, r.org, r.id_hmac in held) for r in rows]
            ev = s.scalars(select(PfEvaluationStaff).where(PfEvaluationStaff.evaluation_id == session_id)
                           .order_by(PfEvaluationStaff.id))
            return out + [Appointee(r.role, r.name, r.org, r.id_hmac in held) for r in ev]

    # --- taking and releasing -----------------------------------------------------------------------

    def take_role(
        self, session_id: str, role: str, *, card: IdCard | None = None, username: str | None = None,
        pin: str | None = None, reason: str | None = None,
    ) -> RoleHolder:
        """Take ``role`` in ``session_id`` by ID card (+ PIN when the card's person has a hall account),
        or by hall account with a reason where the platform appointed nobody to the role.

        ``session_id`` may also name an evaluation sitting (``pf_evaluations``, the expert draw): its
        appointees are the evaluation record's ``staff``; without any, hall accounts stand in.

        Taking the role one already holds returns that holding (a console restarted, a CLI command).
        A refusal is journalled (``staff.role_refused``) and raised.

        Raises:
            AccessError: ``card_required``, ``not_appointed``, ``pin_required``, ``no_appointee``,
                ``reason``, ``two_roles``, the login's own codes (``wrong-pin``, ``wait`` …),
                ``unknown_session``, ``unknown_role``.
        """
        rules.need_staff_role(role)
        error: AccessError | None = None
        with self.hall.unit() as s:
            try:
                return self._take(s, session_id, role, card, username, pin, reason)
            except AccessError as exc:
                error = exc
                payload: dict[str, object] = {"session_id": session_id, "role": role, "code": exc.code,
                                              "at": rfc3339(self.hall.clock.now())}
                if card is not None and card.id_number:
                    payload["person_id_hmac"] = self.hall.person_hmac(normalise_id(card.id_number))
                if username:
                    payload["operator"] = username
                self.hall.journal.append(s, "staff.role_refused", payload)
        assert error is not None
        raise error

    def _take(self, s: Session, session_id: str, role: str, card: IdCard | None, username: str | None,
              pin: str | None, reason: str | None) -> RoleHolder:
        ps = s.get(PfSession, session_id)
        appointed: list[PfSessionStaff] | list[PfEvaluationStaff]
        if ps is not None:
            appointed = list(s.scalars(select(PfSessionStaff).where(PfSessionStaff.session_id == session_id,
                                                                    PfSessionStaff.role == role)))
        elif s.get(PfEvaluation, session_id) is not None:  # an evaluation sitting's roles (the expert draw)
            appointed = list(s.scalars(select(PfEvaluationStaff).where(PfEvaluationStaff.evaluation_id == session_id,
                                                                       PfEvaluationStaff.role == role)))
        else:
            raise AccessError("unknown_session", f"场次不存在：{session_id}", f"no such session: {session_id}")
        vault = self.hall.vault
        id_number = normalise_id(card.id_number) if card is not None and card.id_number else ""
        hmacs = vault.lookup_hmacs(id_number) if id_number else ()
        operator: str | None = None
        if appointed:
            if not hmacs:
                raise AccessError("card_required", f"请{rules.ROLE_ZH[role]}本人在读卡器上放置身份证",
                                  f"the {rules.ROLE_EN[role]} places their own ID card on the reader")
            match = next((a for a in appointed if a.id_hmac in hmacs), None)
            if match is None:
                raise AccessError("not_appointed", f"此身份证持有人不是平台为本场指定的{rules.ROLE_ZH[role]}",
                                  f"the card holder is not the {rules.ROLE_EN[role]} the platform appointed to this session")
            account = s.scalars(select(Operator).where(Operator.person_hmac.in_(hmacs), Operator.disabled.is_(False))).first()
            if account is not None:
                if not pin:
                    raise AccessError("pin_required", "此人持有本厅账号：请同时输入该账号的 PIN 码",
                                      "this person has a hall account: enter its PIN as well")
                operator = self.hall.operators.login(s, account.username, pin).username
            name, org, method, is_appointed, why = match.name, match.org, ("card+pin" if operator else "card"), True, None
        else:
            fallback = rules.FALLBACK_ACCOUNT_ROLE.get(role)
            if fallback is None:
                raise AccessError("no_appointee", f"平台未指定本场的{rules.ROLE_ZH[role]}，不能由本厅账号代行",
                                  f"the platform appointed no {rules.ROLE_EN[role]} for this session and a hall account may not stand in")
            why = rules.need_reason(reason)
            if not username or not pin:
                raise AccessError("account_required", f"平台未指定本场的{rules.ROLE_ZH[role]}：请以本厅账号和 PIN 码登记",
                                  f"the platform appointed no {rules.ROLE_EN[role]}: sign in with a hall account and PIN")
            info = self.hall.operators.login(s, username, pin, roles=(fallback,))
            if info.role != fallback:  # login lets an admin in anywhere; a session role is not an admin's
                raise AccessError("role", f"代行{rules.ROLE_ZH[role]}须使用{fallback}类账号",
                                  f"standing in as {rules.ROLE_EN[role]} needs a {fallback!r} account")
            operator, name, org, method, is_appointed = info.username, info.display_name, "", "account", False
        holders = active_holders(s, session_id)
        again = rules.need_one_role_per_person(holders, role, hmacs, operator)
        if again is not None:
            return again
        now = self.hall.clock.now()
        if role in rules.SINGLE_HOLDER:
            for h in holders:
                if h.role == role:
                    self._release(s, h.id, "handover")
        person = next(iter(hmacs), None)
        payload: dict[str, object] = {
            "session_id": session_id, "role": role, "name": name, "method": method, "appointed": is_appointed,
            "terminal_id": self.hall.config.site.terminal_id, "at": rfc3339(now),
        }
        if id_number:
            payload["person_id_hmac"] = self.hall.person_hmac(id_number)
        if operator:
            payload["operator"] = operator
        if why:
            payload["reason"] = why
        entry = self.hall.journal.append(s, "staff.role_taken", payload)
        row = SessionRole(session_id=session_id, role=role, name=name, org=org, person_hmac=person, operator=operator,
                          method=method, appointed=is_appointed, reason=why,
                          terminal_id=self.hall.config.site.terminal_id, taken_at=now, journal_seq=entry.seq)
        s.add(row)
        s.flush()
        return holder_of(row)

    def release(self, holder: RoleHolder, reason: str = "signed_out") -> None:
        """Give a role up (signing out, the end of the session); journalled."""
        with self.hall.unit() as s:
            self._release(s, holder.id, reason)

    def _release(self, s: Session, row_id: int, reason: str) -> None:
        row = s.get(SessionRole, row_id)
        if row is None or row.released_at is not None:
            return
        now = self.hall.clock.now()
        row.released_at = now
        self.hall.journal.append(s, "staff.role_released", {
            "session_id": row.session_id, "role": row.role, "reason": reason, "at": rfc3339(now)})

    @contextmanager
    def acting(self, holder: RoleHolder, session_id: str, roles: tuple[str, ...]) -> Iterator[Session]:
        """A unit of work in which ``holder`` is checked to hold one of ``roles`` (for small services)."""
        with self.hall.unit() as s:
            current(s, holder, session_id, roles)
            yield s
