"""The service hall's queue (排队叫号): services, counters, numbering, calls, statistics.

``QueueService(hall)`` is what the kiosk, the counter console, the board, the admin tabs and the CLI
call: each public method is one unit of work on the hall (``hall.unit()`` for an act,
``hall.reading()`` for a view) and returns frozen DTOs (:mod:`kiosk.queue.views`). The rules it
applies are pure functions in :mod:`kiosk.queue.rules` (docs/rules/queue.md §3).

* Every write takes the hall's single authority (:func:`kiosk.journal.take_head`: the journal head
  row ``FOR UPDATE`` on PostgreSQL, the writer lock ``BEGIN IMMEDIATE`` holds on SQLite), so kiosks and
  counters in any number of processes can neither duplicate a number nor call the same ticket twice.
  The lock is held short (docs/architecture.md §3): what can be read before it is read in a
  reading session first (is there an earlier day to close? which service is ``R``?); inside it only
  the act's own rows are read and written, the entry appended and the unit committed; the ticket is
  described (people ahead, wait, counters) after the commit. The act's time (``issued_at``,
  ``called_at`` …) is taken once the lock is held, so it is the time the act took effect, never the
  time its caller began waiting.
* **Daily reset** is lazy: the first write of a new day closes — never deletes — every ticket still
  open from earlier days, with outcome ``expired`` (journalled).
* Every change is one journal entry in the same transaction: ``ticket.issued``, ``ticket.called``
  (also recalls and call-backs, with ``call_count``), ``ticket.finished`` (served, missed,
  transferred, expired, cancelled) exactly per docs/platform-api.md §4, plus ``ticket.reprinted``,
  ``ticket.held``, ``ticket.requeued``, ``ticket.transferred``, ``queue.service_saved``,
  ``queue.counter_saved``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable

from kiosk.context import HallContext
from kiosk.db.models_queue import QCall, QCounter, QDayNumber, QService, QTicket
from kiosk.ids import uuid7
from kiosk.journal import take_head, take_head_reading, write_later
from kiosk.ports import IdCard
from kiosk.queue import rules
from kiosk.queue.rules import OPEN_STATUSES, QueueError, business_date, codes
from kiosk.queue.stats import CallFacts, TicketFacts
from kiosk.queue.stats import daily_stats as fold_stats
from kiosk.queue.views import (
    DEMO_COUNTERS,
    DEMO_SERVICES,
    TOKEN_PREFIX,
    BoardState,
    CallInfo,
    CounterBoardRow,
    CounterInfo,
    CounterState,
    DailyStats,
    ServiceAvailability,
    ServiceInfo,
    TicketInfo,
)
from kiosk.timeutil import rfc3339

#: a call's row: its key is the database's and nobody reads it back (kiosk.journal.write_later)
_INSERT_CALL = insert(cast(Table, QCall.__table__)).inline()
#: a ticket's row, and its day's count (the first of the day, or the next), written with its entry
_NEW_TICKET = insert(cast(Table, QTicket.__table__))
_COUNT_NEW = insert(cast(Table, QDayNumber.__table__))
_COUNT_NEXT = update(cast(Table, QDayNumber.__table__)).where(
    QDayNumber.business_date == bindparam("day"), QDayNumber.service_code == bindparam("code"),
).values(issued=bindparam("issued"), last_no=bindparam("last_no"))
#: what a ticket's description reads after the act, built once (kiosk.queue.service.QueueService._info)
_LAST_SERVED = select(QCall.called_at, QCall.ended_at).where(
    QCall.business_date == bindparam("day"), QCall.service_code == bindparam("code"), QCall.outcome == "served",
).order_by(QCall.id.desc()).limit(30)
_SERVICE_NAMES = select(QService.code, QService.name, QService.name_en, QService.avg_service_s).where(
    QService.code == bindparam("code"))
_ACTIVE_COUNTERS = select(QCounter.counter_no, QCounter.service_codes).where(QCounter.active.is_(True))


def _ahead_read(priority: bool) -> Executable:
    """How many waiting tickets go before one (``day``, ``code``, ``queue_at``, ``id``): a priority
    ticket waits behind priority tickets only (and the ratio), a normal one behind every priority one too."""
    before = or_(QTicket.queue_at < bindparam("queue_at"),
                 and_(QTicket.queue_at == bindparam("queue_at"), QTicket.id < bindparam("id")))
    q = select(func.count()).select_from(QTicket).where(
        QTicket.business_date == bindparam("day"), QTicket.service_code == bindparam("code"), QTicket.status == "waiting")
    return q.where(QTicket.priority.is_(True), before) if priority else q.where(or_(before, QTicket.priority.is_(True)))


_AHEAD = {True: _ahead_read(True), False: _ahead_read(False)}


class QueueService:
    """The queue on a hall: every public method is one unit of work returning DTOs.

    Args:
        hall: the hall (its clock decides the business day and issuing hours; ``[queue]`` its limits:
            ``recall_limit``, ``missed_min_minutes``, ``missed_reinsert_after``, ``priority_age``).
    """

    def __init__(self, hall: HallContext) -> None:
        self.hall = hall
        q = hall.config.queue
        self.journal = hall.journal
        self.recall_limit = q.recall_limit
        self.missed_min_minutes = q.missed_min_minutes
        self.missed_reinsert_after = q.missed_reinsert_after
        self.priority_age = q.priority_age
        self.terminal_id = hall.config.site.terminal_id  #: written into tickets (which kiosk issued them)

    def now(self) -> dt.datetime:
        return self.hall.clock.now()

    # --- the write path ---------------------------------------------------------------------------

    def _stale(self, r: Session, day: dt.date) -> bool:
        """Whether a ticket of a day before ``day`` is still open (read before the lock)."""
        return bool(r.scalar(self._stale_alone(day)))

    # The statements of the hot acts (a ticket, a call) are built once per day and argument, and kept:
    # building one costs its coercions and its cache key on every act (ms of a terminal's CPU, some of
    # it under the head's lock, whose holder waits for a core while the other terminals' acts run).

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def _stale_exists(day: dt.date) -> Any:
        """Whether an earlier day's ticket is still open, as a column: an act's other read before the
        lock carries it (one statement), or it is read alone (``_stale_alone``)."""
        return exists().where(QTicket.status.in_(OPEN_STATUSES), QTicket.business_date < day).label("stale")

    @classmethod
    @functools.lru_cache(maxsize=8)
    def _stale_alone(cls, day: dt.date) -> Executable:
        return select(cls._stale_exists(day))

    @classmethod
    @functools.lru_cache(maxsize=64)
    def _service_read(cls, service: str, day: dt.date) -> Executable:
        """Before a ticket's lock: the services whose code is ``service`` or whose prefix is its upper
        case, each with whether an earlier day's ticket is still open."""
        return select(QService.code, QService.prefix, cls._stale_exists(day)).where(
            or_(QService.code == service, QService.prefix == service.upper()))

    @classmethod
    @functools.lru_cache(maxsize=16)
    def _profile_read(cls, counter_no: str, day: dt.date) -> Executable:
        """Before a call's lock: the counter's services, and whether an earlier day's ticket is still open."""
        return select(QCounter.service_codes, cls._stale_exists(day)).where(QCounter.counter_no == counter_no)

    @contextlib.contextmanager
    def _act(self, day: dt.date | None = None, stale: bool = False,
             read: Callable[[dt.date], Executable] | None = None) -> Iterator[tuple[Session, dt.datetime, Any]]:
        """One act: a unit holding the hall's authority, the act's time taken under it, and the act's
        first read under it.

        Args:
            day, stale: the business day the caller already checked for earlier days' open tickets in
                its reading before the lock, and what it found; without ``day`` that read is done here.
                Under the lock the earlier days are closed (``_rollover``) only when tickets were found,
                or when the day turned while the act waited for the lock.
            read: the act's first read under the lock, for a business day; sent with the lock in one
                round trip (:func:`kiosk.journal.take_head_reading`) for ``day``, and again should the
                day have turned (or earlier days been closed) meanwhile. Yielded as its result
                (None without ``read``).

        A QueueError raised in the block rolls the whole unit back.
        """
        if day is None:
            day = business_date(self.now())
            with self.hall.reading() as r:
                stale = self._stale(r, day)
        with self.hall.unit() as s:
            first = None
            if read is None:
                take_head(s)
            else:
                _head, first = take_head_reading(s, read(day))
            now = self.now()  # stamped once the lock is held: the time the act takes effect
            if stale or business_date(now) != day:
                self._rollover(s, now)
                if read is not None:  # read again after the rollover's changes, for the day it is now
                    first = s.execute(read(business_date(now)))
            yield s, now, first

    def _describe(self, t: QTicket, *, reprint: bool = False) -> TicketInfo:
        """The DTO of a ticket the act just committed (its row as committed), read after the lock."""
        with self.hall.reading() as r:
            return self._info(r, t, reprint=reprint)

    def _rollover(self, s: Session, now: dt.datetime) -> int:
        """Close (never delete) every ticket still open from an earlier business day: ``expired``."""
        today = business_date(now)
        stale = s.scalars(
            select(QTicket).where(QTicket.status.in_(OPEN_STATUSES), QTicket.business_date < today).order_by(QTicket.queue_at, QTicket.id)
        ).all()
        if not stale:
            return 0
        ids = [t.id for t in stale]
        s.execute(update(QCounter).where(QCounter.current_ticket_id.in_(ids)).values(current_ticket_id=None))
        for t in stale:
            self._end_call(s, t, now, "expired")
            t.status, t.outcome, t.finished_at = "done", "expired", now
            self._finished(s, t, t.counter_no or "", "expired", now, reason="day-end")
        return len(stale)

    def rollover(self) -> int:
        """Close earlier days' open tickets now (otherwise the day's first write does it)."""
        with self.hall.unit() as s:
            take_head(s)
            return self._rollover(s, self.now())

    # --- services and counters ----------------------------------------------------------------

    def services(self, active_only: bool = False) -> list[ServiceInfo]:
        with self.hall.reading() as s:
            counters = s.scalars(select(QCounter).where(QCounter.active.is_(True)).order_by(QCounter.counter_no)).all()
            q = select(QService).order_by(QService.position, QService.code)
            if active_only:
                q = q.where(QService.active.is_(True))
            return [self._service_info(r, counters) for r in s.scalars(q)]

    @staticmethod
    def _service_info(r: QService, counters: Iterable[QCounter]) -> ServiceInfo:
        served_by = tuple(c.counter_no for c in counters if r.code in codes(c.service_codes))
        return ServiceInfo(
            r.code, r.prefix, r.name, r.name_en, r.first_no, r.last_no, r.daily_quota, r.open_from, r.open_until,
            r.avg_service_s, r.active, r.position, served_by,
        )

    def save_service(self, info: ServiceInfo, by: str) -> ServiceInfo:
        """Create or update a service (admin). Raises QueueError(``invalid``) naming the field."""
        code, prefix = rules.check_service(info)
        with self._act() as (s, now, _):
            clash = s.scalar(select(QService.code).where(QService.prefix == prefix, QService.code != code))
            if clash:
                raise QueueError("invalid", f"前缀 {prefix} 已被业务 {clash} 使用", f"prefix {prefix} is used by service {clash}")
            row = s.get(QService, code)
            if row is None:
                row = QService(code=code)
                s.add(row)
            row.prefix, row.name, row.name_en = prefix, info.name.strip(), info.name_en.strip()
            row.first_no, row.last_no, row.daily_quota = info.first_no, info.last_no, info.daily_quota
            row.open_from, row.open_until, row.avg_service_s = info.open_from, info.open_until, max(10, info.avg_service_s)
            row.active, row.position = info.active, info.position
            s.flush()
            self.journal.append(s, "queue.service_saved", {
                "service_code": code, "prefix": prefix, "name": row.name, "first_no": row.first_no, "last_no": row.last_no,
                "daily_quota": row.daily_quota, "open_from": row.open_from, "open_until": row.open_until,
                "active": row.active, "by": by,
            }, occurred_at=now)
            return self._service_info(row, s.scalars(select(QCounter)).all())

    def counters(self) -> list[CounterInfo]:
        with self.hall.reading() as s:
            rows = s.scalars(select(QCounter).order_by(func.length(QCounter.counter_no), QCounter.counter_no)).all()
            return [self._counter_info(r) for r in rows]

    @staticmethod
    def _counter_info(r: QCounter) -> CounterInfo:
        return CounterInfo(r.counter_no, r.name, codes(r.service_codes), r.priority_ratio, r.active, r.clerk, r.current_ticket_id)

    def save_counter(self, info: CounterInfo, by: str) -> CounterInfo:
        no = rules.check_counter(info)
        with self._act() as (s, now, _):
            known = set(s.scalars(select(QService.code)))
            unknown = [c for c in info.service_codes if c not in known]
            if unknown:
                raise QueueError("invalid", f"未知业务：{', '.join(unknown)}", f"unknown services: {', '.join(unknown)}")
            row = s.get(QCounter, no)
            if row is None:
                row = QCounter(counter_no=no, priority_streak=0)
                s.add(row)
            row.name, row.service_codes = info.name.strip(), ",".join(info.service_codes)
            row.priority_ratio, row.active = info.priority_ratio, info.active
            s.flush()
            self.journal.append(s, "queue.counter_saved", {
                "counter_no": no, "service_codes": list(info.service_codes), "priority_ratio": row.priority_ratio,
                "active": row.active, "by": by,
            }, occurred_at=now)
            return self._counter_info(row)

    def seed_if_empty(self, by: str = "demo") -> bool:
        """Seed the demo services (A 保证金缴纳, B 合同备案, C CA证书办理, D 咨询) and 4 counters, once."""
        if self.services():
            return False
        for svc in DEMO_SERVICES:
            self.save_service(svc, by)
        for c in DEMO_COUNTERS:
            self.save_counter(c, by)
        return True

    def set_clerk(self, counter_no: str, clerk: str | None) -> None:
        with self.hall.unit() as s:
            row = s.get(QCounter, counter_no)
            if row is not None:
                row.clerk = clerk

    def _counter(self, s: Session, counter_no: str) -> QCounter:
        row = s.get(QCounter, counter_no)
        if row is None or not row.active:
            raise QueueError("no-counter", f"{counter_no}号窗口未设置或已停用，请联系管理员", f"counter {counter_no} is not set up or disabled; ask the administrator")
        return row

    # --- availability and estimates -------------------------------------------------------------

    def _avg_service_s(self, s: Session, svc: QService, day: dt.date) -> float:
        rows = s.execute(_LAST_SERVED, {"day": day, "code": svc.code}).all()
        return rules.avg_service_s([(b - a).total_seconds() for a, b in rows if a and b], svc.avg_service_s)

    def _serving(self, s: Session, code: str) -> list[str]:
        """The active counters whose profile includes service ``code``."""
        return [no for no, profile in s.execute(_ACTIVE_COUNTERS) if code in codes(profile)]

    def _estimate_min(self, s: Session, svc: QService, ahead: int, day: dt.date, serving: int | None = None) -> int:
        n = len(self._serving(s, svc.code)) if serving is None else serving
        return rules.estimate_min(ahead, self._avg_service_s(s, svc, day), n)

    def _waiting_count(self, s: Session, code: str, day: dt.date) -> int:
        return s.scalar(select(func.count()).select_from(QTicket).where(
            QTicket.business_date == day, QTicket.service_code == code, QTicket.status == "waiting")) or 0

    def availability(self) -> list[ServiceAvailability]:
        """Every service's button on the kiosk: open or why not, waiting, estimated wait, numbers left."""
        now = self.now()
        day = business_date(now)
        out = []
        with self.hall.reading() as s:
            for svc in s.scalars(select(QService).order_by(QService.position, QService.code)):
                num = s.get(QDayNumber, (day, svc.code))
                left = rules.remaining(svc.daily_quota, svc.first_no, svc.last_no, num.issued if num else 0)
                waiting = self._waiting_count(s, svc.code, day)
                state = rules.service_state(svc.active, svc.open_from, svc.open_until, now, left)
                out.append(ServiceAvailability(
                    svc.code, svc.prefix, svc.name, svc.name_en, state, waiting, self._estimate_min(s, svc, waiting, day),
                    svc.open_from, svc.open_until, left,
                ))
        return out

    # --- issue ---------------------------------------------------------------------------------

    def priority_for(self, card: IdCard | None) -> str:
        """The priority group of a card holder today ("" = none), per ``[queue] priority_age``."""
        return rules.priority_for(card, business_date(self.now()), self.priority_age)

    def issue(self, service: str, card: IdCard | None = None) -> TicketInfo:
        """Number and store a ticket (``ticket.issued``), or reprint the person's open one.

        Args:
            service: service code or prefix letter.
            card: the ID card, when one was read: one open ticket per person per service (the open one
                is returned with ``reprint=True``); priority groups (``priority_for``).

        Raises:
            QueueError: ``no-service``, ``inactive``, ``closed``, ``used-up``.
        """
        # before the lock: the card's HMAC, its priority group, the service code, earlier days' tickets
        # every key id still searched, the current one first (it is the one stored): a rotation may be under way
        persons = self.hall.vault.lookup_hmacs(card.id_number) if card is not None else ()
        reason = self.priority_for(card)
        day = business_date(self.now())
        with self.hall.reading() as r:
            found = r.execute(self._service_read(service, day)).all()
        stale = any(st for _c, _p, st in found)
        code = next((c for c, _p, _s in found if c == service), None) or next((c for c, p, _s in found if p == service.upper()), None)
        if code is None:
            raise QueueError("no-service", f"没有业务 {service}", f"no service {service!r}")
        # under the lock: the number, the ticket, its entry, the commit
        with self._act(day, stale, read=lambda d: self._numbering(code, d)) as (s, now, numbering):
            t, reprint, svc = self._issue_row(s, code, now, numbering, persons=persons, priority_reason=reason)
        # after the commit: people ahead, estimated wait, counters (the ticket and its service as the act
        # wrote and read them under the lock)
        with self.hall.reading() as r:
            return self._info(r, t, reprint=reprint, svc=svc)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def _numbering(code: str, day: dt.date) -> Executable:
        """The service as it is now and its day's count (``day_issued``, None before the day's first
        ticket), in one statement of plain columns (the ticket's read under the lock: no ORM entity
        is built there while the hall waits)."""
        svc, num = QService.__table__, QDayNumber.__table__
        return select(*svc.c, num.c.issued.label("day_issued")).outerjoin(
            num, and_(num.c.service_code == svc.c.code, num.c.business_date == day),
        ).where(svc.c.code == code)

    def _issue_row(
        self, s: Session, code: str, now: dt.datetime, numbering: Any, *, persons: tuple[str, ...], priority_reason: str,
    ) -> tuple[QTicket, bool, Any]:
        """The ticket issued (or the person's open one, reprinted), and the service read under the lock
        (its row's columns, as ``_numbering`` read them).

        The new ticket and the day's count are written as Core statements with the entry
        (``write_later``); the ticket returned is its row's values, not attached to the session."""
        day = business_date(now)
        person_hmac = persons[0] if persons else None
        if persons:  # one open ticket per person and service: decided under the lock
            open_t = s.scalar(select(QTicket).where(
                QTicket.business_date == day, QTicket.service_code == code, QTicket.person_hmac.in_(persons),
                QTicket.status.in_(OPEN_STATUSES)).order_by(QTicket.queue_at).limit(1))
            if open_t is not None:
                self.journal.append(s, "ticket.reprinted", {
                    "ticket_id": open_t.id, "ticket_no": open_t.ticket_no, "service_code": code, "at": rfc3339(now),
                    "reason": "same-person",
                }, occurred_at=now)
                return open_t, True, None
        # the service as it is now and today's counter: read with the lock (``numbering``)
        found = numbering.one_or_none()
        if found is None:  # pragma: no cover - services are never deleted
            raise QueueError("no-service", f"没有业务 {code}", f"no service {code!r}")
        svc = found
        issued = svc.day_issued or 0
        left = rules.remaining(svc.daily_quota, svc.first_no, svc.last_no, issued)
        rules.check_issuable(rules.service_state(svc.active, svc.open_from, svc.open_until, now, left),
                             svc.name, svc.name_en, svc.open_from, svc.open_until)
        number = svc.first_no + issued
        if svc.day_issued is None:
            write_later(s, _COUNT_NEW, {"business_date": day, "service_code": svc.code, "issued": 1, "last_no": number})
        else:
            write_later(s, _COUNT_NEXT, {"day": day, "code": svc.code, "issued": issued + 1, "last_no": number})
        values = {
            "id": str(uuid7()), "token": secrets.token_urlsafe(12)[:16], "business_date": day, "issued_service": svc.code,
            "seq": number, "ticket_no": rules.format_ticket_no(svc.prefix, number, svc.last_no), "service_code": svc.code,
            "issued_at": now, "queue_at": now, "priority": bool(priority_reason), "priority_reason": priority_reason,
            "person_hmac": person_hmac, "status": "waiting", "call_count": 0, "printed": False, "terminal_id": self.terminal_id,
        }
        write_later(s, _NEW_TICKET, values)  # written with its entry when the unit commits (kiosk.journal.write_staged)
        ticket = QTicket(**values)
        payload: dict[str, Any] = {
            "ticket_id": ticket.id, "ticket_no": ticket.ticket_no, "service_code": svc.code,
            "issued_at": rfc3339(now), "business_date": day.isoformat(),
        }
        if priority_reason:
            payload["priority"] = priority_reason
        self.journal.append(s, "ticket.issued", payload, occurred_at=now)
        return ticket, False, svc

    def mark_printed(self, ticket_id: str, printed: bool) -> None:
        with self.hall.unit() as s:
            t = s.get(QTicket, ticket_id)
            if t is not None:
                t.printed = printed

    # --- reading tickets ------------------------------------------------------------------------

    def _ahead(self, s: Session, t: QTicket) -> int:
        if t.status != "waiting":
            return 0
        return s.scalar(_AHEAD[bool(t.priority)], {
            "day": t.business_date, "code": t.service_code, "queue_at": t.queue_at, "id": t.id}) or 0

    def _info(self, s: Session, t: QTicket, *, reprint: bool = False, svc: Any = None) -> TicketInfo:
        """A ticket's DTO (``svc``: its service's row or entity, when the caller has just read it;
        else its name and estimate are read as plain columns)."""
        if svc is None or svc.code != t.service_code:
            svc = s.execute(_SERVICE_NAMES, {"code": t.service_code}).one()
        ahead = self._ahead(s, t)
        counters = self._serving(s, svc.code)
        return TicketInfo(
            t.id, t.token, t.ticket_no, t.service_code, svc.name, svc.name_en, t.business_date, t.issued_at, t.status,
            t.outcome, t.counter_no, t.call_count, t.priority, t.priority_reason, ahead,
            self._estimate_min(s, svc, ahead, t.business_date, len(counters)) if t.status == "waiting" else 0,
            tuple(sorted(counters, key=rules.counter_order)), reprint, t.called_at, t.held_by, t.missed_at,
        )

    def lookup(self, code: str) -> TicketInfo | None:
        """A ticket by its QR (``HKQ1:<token>``, or the bare token) or by today's number (``A012``)."""
        code = code.strip()
        token = code[len(TOKEN_PREFIX):] if code.startswith(TOKEN_PREFIX) else code
        day = business_date(self.now())
        with self.hall.reading() as s:
            t = s.scalar(select(QTicket).where(QTicket.token == token))
            if t is None:
                t = s.scalar(select(QTicket).where(QTicket.business_date == day, QTicket.ticket_no == code.upper()))
            return None if t is None else self._info(s, t)

    def ticket(self, ticket_id: str) -> TicketInfo | None:
        with self.hall.reading() as s:
            t = s.get(QTicket, ticket_id)
            return None if t is None else self._info(s, t)

    # --- calling -------------------------------------------------------------------------------

    def _active(self, s: Session, counter: QCounter) -> QTicket | None:
        if counter.current_ticket_id is None:
            return None
        return s.get(QTicket, counter.current_ticket_id)

    @staticmethod
    def _heads(day: dt.date, cs: tuple[str, ...]) -> tuple[Any, Any]:
        """The ids of the longest-waiting priority and normal tickets of services ``cs`` (scalar subqueries)."""
        def first(priority: bool) -> Any:
            return select(QTicket.id).where(
                QTicket.business_date == day, QTicket.service_code.in_(cs), QTicket.status == "waiting",
                QTicket.priority.is_(priority),
            ).order_by(QTicket.queue_at, QTicket.id).limit(1).scalar_subquery()
        return first(True), first(False)

    def _pick(self, s: Session, counter: QCounter, day: dt.date,
              heads: tuple[tuple[str, ...], QTicket | None, QTicket | None] | None = None) -> QTicket | None:
        """The next ticket for ``counter`` (priority by ratio). ``heads``: the services and the two
        longest-waiting tickets already read with the counter (``_counter_active_read``); used when the
        counter still serves those services, else read here."""
        cs = codes(counter.service_codes)
        if not cs:
            return None
        if heads is not None and heads[0] == cs:
            prio, normal = heads[1], heads[2]
        else:  # the longest-waiting priority and normal tickets in one statement (it runs under the lock)
            first_prio, first_normal = self._heads(day, cs)
            found = s.scalars(select(QTicket).where(or_(QTicket.id == first_prio, QTicket.id == first_normal))).all()
            prio = next((t for t in found if t.priority), None)
            normal = next((t for t in found if not t.priority), None)
        which, counter.priority_streak = rules.choose_next(
            (prio.queue_at, prio.id) if prio else None, (normal.queue_at, normal.id) if normal else None,
            counter.priority_ratio, counter.priority_streak)
        return prio if which == "priority" else normal if which == "normal" else None

    def call_next(self, counter_no: str, clerk: str = "", close_current: str | None = None, note: str = "") -> TicketInfo | None:
        """Call the longest-waiting ticket of the counter's queues (priority by ratio).

        Args:
            close_current: finish the counter's active ticket first with this outcome (``served`` or
                ``missed``); without it an active ticket raises QueueError(``busy``).

        Returns:
            The called ticket, or None when nobody is waiting.
        """
        # before the lock: earlier days' open tickets, and which services the counter serves (its
        # profile, which an administrator may change: checked again under the lock)
        day = business_date(self.now())
        with self.hall.reading() as r:
            profile = r.execute(self._profile_read(counter_no, day)).one_or_none()
            stale = bool(profile.stale) if profile is not None else self._stale(r, day)
            cs = codes(profile.service_codes if profile is not None else "")
        # under the lock, one read sent with it: the counter with its active ticket and that ticket's open
        # call, and the longest-waiting tickets of its services; every write after it goes with the
        # entries when the unit commits
        with self._act(day, stale, read=lambda d: self._counter_active_read(counter_no, d, cs)) as (s, now, found):
            counter, current, call, heads = self._counter_active(s, counter_no, found)
            if current is not None and close_current is None:
                raise QueueError("busy", f"{current.ticket_no} 尚未办结，请先完成、过号或挂起",
                                 f"{current.ticket_no} is still active: finish, miss or hold it first")
            # the active ticket is not waiting, so closing it first or after does not change who is next
            t = self._pick(s, counter, business_date(now), (cs, *heads))
            if current is not None:
                if close_current == "missed":
                    self._miss(s, counter, current, now, call=call)
                else:
                    self._finish(s, counter, current, cast(str, close_current), now, note, call=call)
            counter.clerk = clerk or counter.clerk
            if t is None:
                return None
            # the authority lock makes a second caller of the same ticket impossible: it was read
            # waiting under the lock, and only a holder of the lock changes it
            self._call(s, counter, t, clerk, now, "next")
        return self._describe(t)

    @classmethod
    @functools.lru_cache(maxsize=64)
    def _counter_active_read(cls, counter_no: str, day: dt.date, cs: tuple[str, ...]) -> Executable:
        """The counter, its active ticket and that ticket's open call (the latest), and the longest-waiting
        priority and normal tickets of services ``cs`` on ``day``, in one statement."""
        c = aliased(QCall)
        prio, normal = aliased(QTicket), aliased(QTicket)
        first_prio, first_normal = cls._heads(day, cs)
        open_call = select(func.max(c.id)).where(c.ticket_id == QTicket.id, c.ended_at.is_(None)).correlate(QTicket).scalar_subquery()
        return (select(QCounter, QTicket, QCall, prio, normal).where(QCounter.counter_no == counter_no)
                .outerjoin(QTicket, QTicket.id == QCounter.current_ticket_id)
                .outerjoin(QCall, QCall.id == open_call)
                .outerjoin(prio, prio.id == first_prio)
                .outerjoin(normal, normal.id == first_normal))

    def _counter_active(self, s: Session, counter_no: str, found: Any) -> tuple[
            QCounter, QTicket | None, QCall | None, tuple[QTicket | None, QTicket | None]]:
        """The counter, its active ticket, that ticket's open call and the two longest-waiting tickets
        (``found``: the result of ``_counter_active_read``)."""
        row = found.one_or_none()
        if row is None or not row[0].active:
            raise QueueError("no-counter", f"{counter_no}号窗口未设置或已停用，请联系管理员", f"counter {counter_no} is not set up or disabled; ask the administrator")
        return row[0], row[1], row[2], (row[3], row[4])

    def _call(self, s: Session, counter: QCounter, t: QTicket, clerk: str, now: dt.datetime, kind: str) -> None:
        wait = rules.seconds_between(t.queue_at if t.call_count == 0 else (t.missed_at or t.queue_at), now)
        t.status, t.counter_no, t.clerk = "called", counter.counter_no, clerk
        t.call_count = 1 if kind == "next" else t.call_count + 1
        t.called_at = now
        t.first_called_at = t.first_called_at or now
        t.held_by = None
        counter.current_ticket_id = t.id
        # the call's row goes with the entries (its key is the database's and nobody reads it here)
        write_later(s, _INSERT_CALL, dict(
            ticket_id=t.id, business_date=t.business_date, service_code=t.service_code, ticket_no=t.ticket_no,
            counter_no=counter.counter_no, clerk=clerk, kind=kind, called_at=now, call_count=t.call_count,
            wait_s=wait if kind == "next" else None, note=""))
        self._called(s, t, counter.counter_no, clerk, now, kind)

    def _called(self, s: Session, t: QTicket, counter_no: str, clerk: str, now: dt.datetime, kind: str) -> None:
        self.journal.append(s, "ticket.called", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter_no, "called_at": rfc3339(now),
            "call_count": t.call_count, "service_code": t.service_code, "clerk": clerk, "call": kind,
        }, occurred_at=now)

    def recall(self, counter_no: str, clerk: str = "") -> TicketInfo:
        """Call the active ticket again (``ticket.called`` with the next ``call_count``), up to the limit."""
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            t = self._require_active(s, counter)
            rules.check_recall(t.call_count, self.recall_limit, t.ticket_no)
            t.call_count += 1
            t.called_at = now
            call = self._open_call(s, t)
            if call is not None:
                call.call_count = t.call_count
            self._called(s, t, counter.counter_no, clerk, now, "recall")
        return self._describe(t)

    def _require_active(self, s: Session, counter: QCounter) -> QTicket:
        t = self._active(s, counter)
        if t is None:
            raise QueueError("idle", "当前没有正在办理的号", "no ticket is active at this counter")
        return t

    def _open_call(self, s: Session, t: QTicket) -> QCall | None:
        return s.scalar(select(QCall).where(QCall.ticket_id == t.id, QCall.ended_at.is_(None)).order_by(QCall.id.desc()).limit(1))

    def _end_call(self, s: Session, t: QTicket, now: dt.datetime, outcome: str, note: str = "",
                  call: QCall | None | bool = True) -> None:
        """End the ticket's open call (``call``: already read with the ticket, or True to read it now)."""
        if call is True:
            call = self._open_call(s, t)
        if isinstance(call, QCall):
            call.ended_at, call.outcome, call.note = now, outcome, note

    def _finished(self, s: Session, t: QTicket, counter_no: str, outcome: str, now: dt.datetime, **extra: Any) -> None:
        self.journal.append(s, "ticket.finished", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter_no, "outcome": outcome,
            "finished_at": rfc3339(now), "service_code": t.service_code, **{k: v for k, v in extra.items() if v},
        }, occurred_at=now)

    def finish(self, counter_no: str, outcome: str = "served", note: str = "") -> TicketInfo:
        """Finish the active ticket (``served`` or ``cancelled``; optional note, e.g. 材料不全)."""
        rules.check_finish_outcome(outcome)
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            t = self._require_active(s, counter)
            self._finish(s, counter, t, outcome, now, note)
        return self._describe(t)

    def _finish(self, s: Session, counter: QCounter, t: QTicket, outcome: str, now: dt.datetime, note: str = "",
                call: QCall | None | bool = True) -> None:
        self._end_call(s, t, now, outcome, note, call)
        t.status, t.outcome, t.finished_at = "done", outcome, now
        counter.current_ticket_id = None
        self._finished(s, t, counter.counter_no, outcome, now, note=note)

    def miss(self, counter_no: str) -> TicketInfo:
        """过号: the visitor did not come. The ticket goes to the missed list (reactivatable today)."""
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            t = self._require_active(s, counter)
            self._miss(s, counter, t, now)
        return self._describe(t)

    def _miss(self, s: Session, counter: QCounter, t: QTicket, now: dt.datetime, call: QCall | None | bool = True) -> None:
        self._end_call(s, t, now, "missed", call=call)
        t.status, t.outcome, t.missed_at = "missed", "missed", now
        counter.current_ticket_id = None
        self._finished(s, t, counter.counter_no, "missed", now)

    def reactivate(self, ticket_id: str, by: str = "") -> TicketInfo:
        """Put a missed ticket back in its queue: not before ``missed_min_minutes``, never at the head
        (:func:`kiosk.queue.rules.reinsert_at`)."""
        with self._act() as (s, now, _):
            t = s.get(QTicket, ticket_id)
            if t is None or t.status != "missed" or t.business_date != business_date(now):
                raise QueueError("not-found", "只能恢复今天的过号票", "only today's missed tickets can be reactivated")
            assert t.missed_at is not None
            rules.check_reactivate(t.missed_at, now, self.missed_min_minutes)
            waiting = s.scalars(select(QTicket.queue_at).where(
                QTicket.business_date == t.business_date, QTicket.service_code == t.service_code, QTicket.status == "waiting",
            ).order_by(QTicket.queue_at, QTicket.id).limit(max(1, self.missed_reinsert_after))).all()
            new_at = rules.reinsert_at(t.queue_at, now, waiting, self.missed_reinsert_after)
            t.queue_at, t.status, t.outcome, t.counter_no = new_at, "waiting", None, None
            s.flush()
            self.journal.append(s, "ticket.requeued", {
                "ticket_id": t.id, "ticket_no": t.ticket_no, "service_code": t.service_code, "at": rfc3339(now),
                "reason": "missed", "by": by,
            }, occurred_at=now)
        return self._describe(t)

    def hold(self, counter_no: str, note: str = "") -> TicketInfo:
        """挂起: the active ticket leaves the counter (e.g. to fetch a document); the same counter calls it back."""
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            t = self._require_active(s, counter)
            self._end_call(s, t, now, "held", note)
            t.status, t.held_by = "held", counter.counter_no
            counter.current_ticket_id = None
            s.flush()
            self.journal.append(s, "ticket.held", {
                "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter.counter_no, "at": rfc3339(now),
            }, occurred_at=now)
        return self._describe(t)

    def call_back(self, counter_no: str, ticket_id: str, clerk: str = "") -> TicketInfo:
        """回呼: call a ticket this counter held, today."""
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            if self._active(s, counter) is not None:
                raise QueueError("busy", "请先办结当前号再回呼", "finish the active ticket before calling back")
            t = s.get(QTicket, ticket_id)
            if t is None or t.status != "held" or t.held_by != counter.counter_no or t.business_date != business_date(now):
                raise QueueError("not-found", "没有本窗口今天挂起的这个号", "no such ticket held by this counter today")
            self._call(s, counter, t, clerk, now, "callback")
        return self._describe(t)

    def transfer(self, counter_no: str, to_service: str, note: str = "") -> TicketInfo:
        """Send the active ticket to another service's queue, keeping its number and original arrival time."""
        with self._act() as (s, now, _):
            counter = self._counter(s, counter_no)
            t = self._require_active(s, counter)
            target = s.get(QService, to_service)
            rules.check_transfer(target.code if target else None, bool(target and target.active), t.service_code)
            assert target is not None
            from_code = t.service_code
            self._end_call(s, t, now, "transferred", note)
            counter.current_ticket_id = None
            self._finished(s, t, counter.counter_no, "transferred", now, to_service=target.code, note=note)
            t.service_code, t.status, t.outcome, t.counter_no = target.code, "waiting", None, None
            s.flush()
            self.journal.append(s, "ticket.transferred", {
                "ticket_id": t.id, "ticket_no": t.ticket_no, "from_service": from_code, "to_service": target.code,
                "counter_no": counter.counter_no, "at": rfc3339(now), "queue_at": rfc3339(t.queue_at),
            }, occurred_at=now)
        return self._describe(t)

    # --- screens ------------------------------------------------------------------------------

    def counter_state(self, counter_no: str) -> CounterState:
        day = business_date(self.now())
        with self.hall.reading() as s:
            counter = s.get(QCounter, counter_no)
            if counter is None:
                raise QueueError("no-counter", f"{counter_no}号窗口未设置，请联系管理员", f"counter {counter_no} is not set up")
            cs = codes(counter.service_codes)
            names = {r.code: r.name for r in s.scalars(select(QService))}
            cur = self._active(s, counter)
            held = s.scalars(select(QTicket).where(QTicket.business_date == day, QTicket.status == "held", QTicket.held_by == counter_no)
                             .order_by(QTicket.called_at)).all()
            missed = s.scalars(select(QTicket).where(QTicket.business_date == day, QTicket.status == "missed", QTicket.service_code.in_(cs))
                               .order_by(QTicket.missed_at)).all() if cs else []
            return CounterState(
                self._counter_info(counter), self._info(s, cur) if cur else None,
                tuple((c, names.get(c, c), self._waiting_count(s, c, day)) for c in cs),
                tuple(self._info(s, t) for t in held), tuple(self._info(s, t) for t in missed), self.recall_limit,
            )

    def board(self, recent: int | None = None) -> BoardState:
        """The hall's board: each counter's current and recent calls, waiting per service, the latest calls."""
        recent = recent or self.hall.config.queue.board_recent_calls
        day = business_date(self.now())
        rows = []
        with self.hall.reading() as s:
            calls = s.execute(select(QCall.counter_no, QCall.ticket_no, QCall.service_code, QCall.called_at, QCall.call_count)
                              .where(QCall.business_date == day).order_by(QCall.called_at.desc(), QCall.id.desc()).limit(400)).all()
            current = dict(s.execute(select(QCounter.counter_no, QTicket.ticket_no).join(QTicket, QTicket.id == QCounter.current_ticket_id)).all())
            for c in sorted(s.scalars(select(QCounter).where(QCounter.active.is_(True))), key=lambda c: rules.counter_order(c.counter_no)):
                cur = current.get(c.counter_no)
                seen: list[str] = []
                for cno, tno, *_ in calls:
                    if cno == c.counter_no and tno != cur and tno not in seen:
                        seen.append(tno)
                    if len(seen) >= recent:
                        break
                rows.append(CounterBoardRow(c.counter_no, c.name, cur, tuple(seen)))
            waiting = tuple((svc.code, svc.name, svc.name_en, self._waiting_count(s, svc.code, day))
                            for svc in s.scalars(select(QService).where(QService.active.is_(True)).order_by(QService.position, QService.code)))
        recent_calls = tuple(CallInfo(tno, cno, sc, at, n) for cno, tno, sc, at, n in calls[:recent])
        return BoardState(tuple(rows), waiting, recent_calls)

    # --- statistics -------------------------------------------------------------------------------

    def daily_stats(self, day: dt.date | None = None) -> DailyStats:
        """Per service, counter, clerk and hour: tickets, waits p50/p90, service times, no-shows."""
        day = day or business_date(self.now())
        with self.hall.reading() as s:
            tickets = [TicketFacts(t.id, t.issued_service, t.issued_at, t.first_called_at)
                       for t in s.scalars(select(QTicket).where(QTicket.business_date == day))]
            calls = [CallFacts(c.id, c.ticket_id, c.service_code, c.counter_no, c.clerk, c.kind, c.called_at, c.ended_at, c.outcome)
                     for c in s.scalars(select(QCall).where(QCall.business_date == day))]
            names = {r.code: r.name for r in s.scalars(select(QService))}
        return fold_stats(day, tickets, calls, names)
