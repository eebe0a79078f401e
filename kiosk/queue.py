"""The service hall's queue (排队叫号): services, counters, numbering, calls, statistics.

Rules (docs/rules/queue.md §3):

* **Numbering** per service per business day (Beijing date): ``A012`` = prefix + zero-padded
  sequence from the service's ``first_no``; at most ``daily_quota`` and never past ``last_no``, so a
  number is never reused the same day (unique index on date + number). Every write begins by taking
  the hall's single authority — the journal head row ``FOR UPDATE`` on PostgreSQL, the writer lock
  that ``BEGIN IMMEDIATE`` already holds on SQLite — so kiosks and counters in any number of
  processes can neither duplicate a number nor call the same ticket twice.
* **Daily reset** is lazy: the first write of a new day closes — never deletes — every ticket still
  open from earlier days, with outcome ``expired`` (journalled).
* **Order** is ``queue_at`` (arrival; transfers keep it), then the UUIDv7 id; the number is a label.
  "Call next" takes the longest-waiting ticket across the counter's queues, with priority tickets
  as a *ratio* (``priority_ratio`` priority calls, then one normal call), so normal tickets never
  starve.
* **States**: waiting → called → done (served/cancelled); side states held (挂起, called back by
  the same counter), missed (过号, reactivated the same day after ``missed_min_minutes``, behind
  ``missed_reinsert_after`` waiting tickets — never to the head), transfer (back to waiting in
  another queue with the original arrival time). A counter has at most one active ticket.
* Every change is one journal entry in the same transaction: ``ticket.issued``, ``ticket.called``
  (also recalls and call-backs, with ``call_count``), ``ticket.finished`` (served, missed,
  transferred, expired, cancelled) exactly per docs/platform-api.md §4, plus ``ticket.reprinted``,
  ``ticket.held``, ``ticket.requeued``, ``ticket.transferred``, ``queue.service_saved``,
  ``queue.counter_saved``.

``QueueService`` methods take the Session first; ``HallQueue`` is the UI/CLI facade: each method is
one unit of work on the ``Hall`` and returns frozen DTOs.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.db.models import JournalHead
from kiosk.db.models_queue import QCall, QCounter, QDayNumber, QService, QTicket
from kiosk.errors import HallError
from kiosk.hall import Hall
from kiosk.ids import uuid7
from kiosk.journal import HEAD_ID, Journal
from kiosk.ports import Feed, IdCard, Qr, Rule, Slip, SlipItem, Text
from kiosk.timeutil import BEIJING, rfc3339

OPEN_STATUSES = ("waiting", "called", "held", "missed")
OUTCOMES = ("served", "missed", "transferred", "expired", "cancelled")
TOKEN_PREFIX = "HKQ1:"
#: letters that look like digits on LED boards (docs/rules/queue.md §3)
BAD_PREFIXES = frozenset("IO")


class QueueError(HallError):
    """A queue action that cannot be done, with a message for the screen in Chinese and English.

    Codes: ``no-service``, ``inactive``, ``closed`` (outside issuing hours), ``used-up`` (numbers used
    up today), ``no-counter``, ``busy`` (counter has an active ticket), ``idle`` (no active ticket),
    ``recall-limit``, ``not-found``, ``too-early`` (missed ticket reactivated too soon), ``invalid``.
    """


# --- DTOs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceInfo:
    code: str
    prefix: str
    name: str
    name_en: str = ""
    first_no: int = 1
    last_no: int = 999
    daily_quota: int = 999
    open_from: str = "08:30"
    open_until: str = "17:30"
    avg_service_s: int = 300
    active: bool = True
    position: int = 0
    counters: tuple[str, ...] = ()  #: the counters whose profile includes this service


@dataclass(frozen=True)
class CounterInfo:
    counter_no: str
    name: str = ""
    service_codes: tuple[str, ...] = ()
    priority_ratio: int = 2
    active: bool = True
    clerk: str | None = None
    current_ticket_id: str | None = None


@dataclass(frozen=True)
class TicketInfo:
    """A ticket as the kiosk, the counter and the lookup show it (no personal data)."""

    ticket_id: str
    token: str
    ticket_no: str
    service_code: str
    service_name: str
    service_name_en: str
    business_date: dt.date
    issued_at: dt.datetime
    status: str
    outcome: str | None
    counter_no: str | None
    call_count: int
    priority: bool
    priority_reason: str
    people_ahead: int
    est_wait_min: int
    counters: tuple[str, ...] = ()
    reprint: bool = False  #: an open ticket of the same person and service was found
    called_at: dt.datetime | None = None
    held_by: str | None = None
    missed_at: dt.datetime | None = None

    @property
    def qr_data(self) -> str:
        return TOKEN_PREFIX + self.token


@dataclass(frozen=True)
class ServiceAvailability:
    """What the kiosk shows on a service's button."""

    code: str
    prefix: str
    name: str
    name_en: str
    state: str  #: open, closed, used-up, inactive
    waiting: int
    est_wait_min: int
    open_from: str
    open_until: str
    remaining: int


@dataclass(frozen=True)
class CallInfo:
    ticket_no: str
    counter_no: str
    service_code: str
    called_at: dt.datetime
    call_count: int


@dataclass(frozen=True)
class CounterBoardRow:
    counter_no: str
    name: str
    current: str | None  #: ticket number being served / called
    recent: tuple[str, ...]  #: last calls before the current one, newest first


@dataclass(frozen=True)
class BoardState:
    counters: tuple[CounterBoardRow, ...]
    waiting: tuple[tuple[str, str, str, int], ...]  #: (code, name, name_en, waiting)
    recent_calls: tuple[CallInfo, ...]  #: newest first


@dataclass(frozen=True)
class CounterState:
    """The counter console's view of its window."""

    counter: CounterInfo
    current: TicketInfo | None
    waiting: tuple[tuple[str, str, int], ...]  #: (code, name, waiting) of the counter's queues
    held: tuple[TicketInfo, ...]
    missed: tuple[TicketInfo, ...]  #: today's missed tickets of the counter's queues
    recall_limit: int


@dataclass(frozen=True)
class GroupStats:
    key: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    wait_p50_s: int | None = None
    wait_p90_s: int | None = None
    service_avg_s: int | None = None
    service_p50_s: int | None = None


@dataclass(frozen=True)
class DailyStats:
    business_date: dt.date
    total: GroupStats
    by_service: tuple[GroupStats, ...]
    by_counter: tuple[GroupStats, ...]
    by_clerk: tuple[GroupStats, ...]
    by_hour: tuple[GroupStats, ...]  #: key "09" … by hour of issue (tickets, waits) / call (service)
    service_names: dict[str, str] = field(default_factory=dict)


# --- helpers ----------------------------------------------------------------------------------


def business_date(now: dt.datetime) -> dt.date:
    """The business day of ``now``: its Beijing date."""
    return now.astimezone(BEIJING).date()


def _hhmm(day: dt.date, text: str) -> dt.datetime:
    h, m = (int(x) for x in text.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), BEIJING)


def _valid_hhmm(text: str) -> bool:
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        return False
    return 0 <= h <= 23 and 0 <= m <= 59 and len(text) == 5


def format_ticket_no(prefix: str, number: int, last_no: int) -> str:
    width = max(3, len(str(last_no)))
    return f"{prefix}{number:0{width}d}"


def age_on(birth_date: str, day: dt.date) -> int | None:
    """Whole years from ``YYYY-MM-DD`` to ``day``; None when the date does not parse."""
    try:
        born = dt.date.fromisoformat(birth_date)
    except (TypeError, ValueError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _percentile(values: Sequence[float], q: float) -> int | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo))


def _seconds(a: dt.datetime | None, b: dt.datetime | None) -> int | None:
    if a is None or b is None:
        return None
    return max(0, round((b - a).total_seconds()))


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in (x.strip() for x in text.split(",")) if c)


# --- the service (Session first) ----------------------------------------------------------------


class QueueService:
    """Queue rules on an open Session; every change appends its journal entry in that transaction.

    Args:
        journal: the hall journal.
        recall_limit: recalls allowed after the first call.
        missed_min_minutes: a missed ticket may be reactivated only this long after it was missed.
        missed_reinsert_after: a reactivated ticket goes behind this many waiting tickets.
        priority_age: card holders of this age or older get priority (0 = off).
        terminal_id: written into tickets (which kiosk issued them).
    """

    def __init__(
        self, journal: Journal, *, recall_limit: int = 3, missed_min_minutes: int = 5, missed_reinsert_after: int = 3,
        priority_age: int = 70, terminal_id: str = "",
    ) -> None:
        self.journal = journal
        self.recall_limit = recall_limit
        self.missed_min_minutes = missed_min_minutes
        self.missed_reinsert_after = missed_reinsert_after
        self.priority_age = priority_age
        self.terminal_id = terminal_id

    # --- authority and the daily reset -------------------------------------------------------

    def lock(self, s: Session, now: dt.datetime) -> int:
        """Take the hall's single authority, then close earlier days' open tickets (lazy reset).

        PostgreSQL: the journal head row ``FOR UPDATE`` (the same lock every append takes, so queue
        decisions and journal order agree). SQLite: the unit began ``IMMEDIATE`` and holds the
        writer lock already; the statement is harmless there.
        """
        s.execute(select(JournalHead.id).where(JournalHead.id == HEAD_ID).with_for_update())
        return self.rollover(s, now)

    def rollover(self, s: Session, now: dt.datetime) -> int:
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

    # --- services and counters ----------------------------------------------------------------

    def services(self, s: Session, *, active_only: bool = False) -> list[ServiceInfo]:
        counters = s.scalars(select(QCounter).where(QCounter.active.is_(True)).order_by(QCounter.counter_no)).all()
        q = select(QService).order_by(QService.position, QService.code)
        if active_only:
            q = q.where(QService.active.is_(True))
        return [self._service_info(r, counters) for r in s.scalars(q)]

    @staticmethod
    def _service_info(r: QService, counters: Iterable[QCounter]) -> ServiceInfo:
        served_by = tuple(c.counter_no for c in counters if r.code in _codes(c.service_codes))
        return ServiceInfo(
            r.code, r.prefix, r.name, r.name_en, r.first_no, r.last_no, r.daily_quota, r.open_from, r.open_until,
            r.avg_service_s, r.active, r.position, served_by,
        )

    def save_service(self, s: Session, info: ServiceInfo, *, by: str, now: dt.datetime) -> ServiceInfo:
        """Create or update a service (admin). Raises QueueError(``invalid``) naming the field."""
        prefix = info.prefix.strip().upper()
        code = info.code.strip()
        if not code or len(code) > 16:
            raise QueueError("invalid", "业务代码不能为空（最多16个字符）", "the service code is empty or too long")
        if len(prefix) != 1 or not prefix.isascii() or not prefix.isalpha():
            raise QueueError("invalid", "号码前缀须为一个字母", "the prefix must be one letter")
        if prefix in BAD_PREFIXES:
            raise QueueError("invalid", "请勿使用 I、O 作前缀（易与数字混淆）", "do not use I or O as a prefix (they look like digits)")
        if not info.name.strip():
            raise QueueError("invalid", "业务名称不能为空", "the service name is empty")
        if not (0 <= info.first_no <= info.last_no <= 99999):
            raise QueueError("invalid", "号码范围不正确（起始号 ≤ 结束号 ≤ 99999）", "the number range is wrong (first ≤ last ≤ 99999)")
        if info.daily_quota < 0:
            raise QueueError("invalid", "每日限额不能为负数", "the daily quota cannot be negative")
        if not (_valid_hhmm(info.open_from) and _valid_hhmm(info.open_until)) or info.open_from >= info.open_until:
            raise QueueError("invalid", "取号时间须为 HH:MM，且开始早于结束", "issuing hours must be HH:MM with start before end")
        self.lock(s, now)
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

    def counters(self, s: Session) -> list[CounterInfo]:
        rows = s.scalars(select(QCounter).order_by(func.length(QCounter.counter_no), QCounter.counter_no)).all()
        return [self._counter_info(r) for r in rows]

    @staticmethod
    def _counter_info(r: QCounter) -> CounterInfo:
        return CounterInfo(r.counter_no, r.name, _codes(r.service_codes), r.priority_ratio, r.active, r.clerk, r.current_ticket_id)

    def save_counter(self, s: Session, info: CounterInfo, *, by: str, now: dt.datetime) -> CounterInfo:
        no = info.counter_no.strip()
        if not no or len(no) > 8 or not no.isalnum():
            raise QueueError("invalid", "窗口号须为1–8位字母或数字", "the counter number must be 1–8 letters or digits")
        if not (0 <= info.priority_ratio <= 10):
            raise QueueError("invalid", "优先比例须在 0–10 之间", "the priority ratio must be 0–10")
        self.lock(s, now)
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

    def _counter(self, s: Session, counter_no: str) -> QCounter:
        row = s.get(QCounter, counter_no)
        if row is None or not row.active:
            raise QueueError("no-counter", f"{counter_no}号窗口未设置或已停用，请联系管理员", f"counter {counter_no} is not set up or disabled; ask the administrator")
        return row

    # --- availability and estimates -------------------------------------------------------------

    def _avg_service_s(self, s: Session, svc: QService, day: dt.date) -> float:
        rows = s.execute(
            select(QCall.called_at, QCall.ended_at).where(
                QCall.business_date == day, QCall.service_code == svc.code, QCall.outcome == "served"
            ).order_by(QCall.id.desc()).limit(30)
        ).all()
        times = [(b - a).total_seconds() for a, b in rows if a and b]
        return sum(times) / len(times) if len(times) >= 3 else float(svc.avg_service_s)

    def _estimate_min(self, s: Session, svc: QService, ahead: int, day: dt.date) -> int:
        counters = [c for c in s.scalars(select(QCounter).where(QCounter.active.is_(True))) if svc.code in _codes(c.service_codes)]
        n = max(1, len(counters))
        return math.ceil(ahead * self._avg_service_s(s, svc, day) / n / 60)

    def _waiting_count(self, s: Session, code: str, day: dt.date) -> int:
        return s.scalar(select(func.count()).select_from(QTicket).where(
            QTicket.business_date == day, QTicket.service_code == code, QTicket.status == "waiting")) or 0

    def availability(self, s: Session, now: dt.datetime) -> list[ServiceAvailability]:
        day = business_date(now)
        out = []
        for svc in s.scalars(select(QService).order_by(QService.position, QService.code)):
            num = s.get(QDayNumber, (day, svc.code))
            issued = num.issued if num else 0
            remaining = max(0, min(svc.daily_quota - issued, svc.last_no - (svc.first_no + issued) + 1))
            waiting = self._waiting_count(s, svc.code, day)
            state = self._state(svc, now, remaining)
            out.append(ServiceAvailability(
                svc.code, svc.prefix, svc.name, svc.name_en, state, waiting, self._estimate_min(s, svc, waiting, day),
                svc.open_from, svc.open_until, remaining,
            ))
        return out

    @staticmethod
    def _state(svc: QService, now: dt.datetime, remaining: int) -> str:
        if not svc.active:
            return "inactive"
        day = business_date(now)
        if not (_hhmm(day, svc.open_from) <= now < _hhmm(day, svc.open_until)):
            return "closed"
        return "open" if remaining > 0 else "used-up"

    # --- issue ---------------------------------------------------------------------------------

    def issue(
        self, s: Session, service: str, now: dt.datetime, *, person_hmac: str | None = None, priority_reason: str = "",
    ) -> TicketInfo:
        """Issue (see :meth:`issue_row`) and describe the ticket (people ahead, wait) in the same session."""
        t, reprint = self.issue_row(s, service, now, person_hmac=person_hmac, priority_reason=priority_reason)
        return self._info(s, t, now, reprint=reprint)

    def issue_row(
        self, s: Session, service: str, now: dt.datetime, *, person_hmac: str | None = None, priority_reason: str = "",
    ) -> tuple[QTicket, bool]:
        """Number and store a ticket (``ticket.issued``), or reprint the person's open one.

        Args:
            service: service code or prefix letter.
            person_hmac: the vault's lookup HMAC of the ID card, when one was read: one open ticket
                per person per service (the open one is returned with ``reprint=True``).
            priority_reason: "" for a normal ticket, else why it has priority (``age70`` …).

        Raises:
            QueueError: ``no-service``, ``inactive``, ``closed``, ``used-up``.
        """
        self.lock(s, now)
        svc = s.get(QService, service) or s.scalar(select(QService).where(QService.prefix == service.upper()))
        if svc is None:
            raise QueueError("no-service", f"没有业务 {service}", f"no service {service!r}")
        day = business_date(now)
        if person_hmac:
            open_t = s.scalar(select(QTicket).where(
                QTicket.business_date == day, QTicket.service_code == svc.code, QTicket.person_hmac == person_hmac,
                QTicket.status.in_(OPEN_STATUSES)).order_by(QTicket.queue_at).limit(1))
            if open_t is not None:
                self.journal.append(s, "ticket.reprinted", {
                    "ticket_id": open_t.id, "ticket_no": open_t.ticket_no, "service_code": svc.code, "at": rfc3339(now),
                    "reason": "same-person",
                }, occurred_at=now)
                return open_t, True
        num = s.get(QDayNumber, (day, svc.code))
        issued = num.issued if num else 0
        remaining = max(0, min(svc.daily_quota - issued, svc.last_no - (svc.first_no + issued) + 1))
        state = self._state(svc, now, remaining)
        if state == "inactive":
            raise QueueError("inactive", f"{svc.name}暂停取号，请到服务窗口咨询", f"{svc.name_en or svc.name}: not issuing tickets now; please ask at a counter")
        if state == "closed":
            raise QueueError("closed", f"{svc.name}取号时间为 {svc.open_from}–{svc.open_until}，现在不在取号时间内",
                             f"{svc.name_en or svc.name}: tickets are issued {svc.open_from}–{svc.open_until} only")
        if state == "used-up":
            raise QueueError("used-up", "今日排队号已取完，若窗口空闲可直接到窗口办理",
                             "today's numbers are used up; if a counter is free, go straight to it")
        if num is None:
            num = QDayNumber(business_date=day, service_code=svc.code, issued=0, last_no=svc.first_no - 1)
            s.add(num)
        number = svc.first_no + num.issued
        num.issued += 1
        num.last_no = number
        ticket = QTicket(
            id=str(uuid7()), token=secrets.token_urlsafe(12)[:16], business_date=day, issued_service=svc.code, seq=number,
            ticket_no=format_ticket_no(svc.prefix, number, svc.last_no), service_code=svc.code, issued_at=now, queue_at=now,
            priority=bool(priority_reason), priority_reason=priority_reason, person_hmac=person_hmac, status="waiting",
            call_count=0, printed=False, terminal_id=self.terminal_id,
        )
        s.add(ticket)
        s.flush()
        payload: dict[str, Any] = {
            "ticket_id": ticket.id, "ticket_no": ticket.ticket_no, "service_code": svc.code,
            "issued_at": rfc3339(now), "business_date": day.isoformat(),
        }
        if priority_reason:
            payload["priority"] = priority_reason
        self.journal.append(s, "ticket.issued", payload, occurred_at=now)
        return ticket, False

    def priority_for(self, card: IdCard | None, now: dt.datetime) -> str:
        """The priority group of a card holder ("" = none): ``age70`` for 70+ (``priority_age``).

        The platform's interface (docs/platform-api.md §2) has no appointment feed, so appointments cannot
        give priority; only these configurable groups do.
        """
        if card is None or self.priority_age <= 0:
            return ""
        age = age_on(card.birth_date, business_date(now))
        return f"age{self.priority_age}" if age is not None and age >= self.priority_age else ""

    def mark_printed(self, s: Session, ticket_id: str, printed: bool) -> None:
        t = s.get(QTicket, ticket_id)
        if t is not None:
            t.printed = printed

    # --- reading tickets ------------------------------------------------------------------------

    def _ahead(self, s: Session, t: QTicket) -> int:
        if t.status != "waiting":
            return 0
        before = or_(QTicket.queue_at < t.queue_at, and_(QTicket.queue_at == t.queue_at, QTicket.id < t.id))
        q = select(func.count()).select_from(QTicket).where(
            QTicket.business_date == t.business_date, QTicket.service_code == t.service_code, QTicket.status == "waiting",
        )
        if t.priority:  # a priority ticket waits behind priority tickets only (and the ratio)
            q = q.where(QTicket.priority.is_(True), before)
        else:
            q = q.where(or_(before, QTicket.priority.is_(True)))
        return s.scalar(q) or 0

    def _info(self, s: Session, t: QTicket, now: dt.datetime, *, reprint: bool = False) -> TicketInfo:
        svc = s.get(QService, t.service_code)
        assert svc is not None
        ahead = self._ahead(s, t)
        counters = tuple(c.counter_no for c in s.scalars(select(QCounter).where(QCounter.active.is_(True)))
                         if svc.code in _codes(c.service_codes))
        return TicketInfo(
            t.id, t.token, t.ticket_no, t.service_code, svc.name, svc.name_en, t.business_date, t.issued_at, t.status,
            t.outcome, t.counter_no, t.call_count, t.priority, t.priority_reason, ahead,
            self._estimate_min(s, svc, ahead, t.business_date) if t.status == "waiting" else 0,
            tuple(sorted(counters, key=lambda c: (len(c), c))), reprint, t.called_at, t.held_by, t.missed_at,
        )

    def lookup(self, s: Session, code: str, now: dt.datetime) -> TicketInfo | None:
        """A ticket by its QR (``HKQ1:<token>``, or the bare token) or by today's number (``A012``)."""
        code = code.strip()
        token = code[len(TOKEN_PREFIX):] if code.startswith(TOKEN_PREFIX) else code
        t = s.scalar(select(QTicket).where(QTicket.token == token))
        if t is None:
            t = s.scalar(select(QTicket).where(QTicket.business_date == business_date(now), QTicket.ticket_no == code.upper()))
        return None if t is None else self._info(s, t, now)

    def ticket(self, s: Session, ticket_id: str, now: dt.datetime) -> TicketInfo | None:
        t = s.get(QTicket, ticket_id)
        return None if t is None else self._info(s, t, now)

    # --- calling -------------------------------------------------------------------------------

    def _active(self, s: Session, counter: QCounter) -> QTicket | None:
        if counter.current_ticket_id is None:
            return None
        return s.get(QTicket, counter.current_ticket_id)

    def _pick(self, s: Session, counter: QCounter, day: dt.date) -> QTicket | None:
        codes = _codes(counter.service_codes)
        if not codes:
            return None
        base = select(QTicket).where(
            QTicket.business_date == day, QTicket.service_code.in_(codes), QTicket.status == "waiting"
        ).order_by(QTicket.queue_at, QTicket.id).limit(1)
        prio = s.scalar(base.where(QTicket.priority.is_(True)))
        normal = s.scalar(base.where(QTicket.priority.is_(False)))
        if prio is None or normal is None:
            chosen = prio or normal
        elif counter.priority_ratio <= 0:
            chosen = prio if (prio.queue_at, prio.id) < (normal.queue_at, normal.id) else normal
        elif counter.priority_streak < counter.priority_ratio:
            chosen = prio
        else:
            chosen = normal
        if chosen is not None:
            counter.priority_streak = counter.priority_streak + 1 if chosen.priority and normal is not None else 0
        return chosen

    def call_next(
        self, s: Session, counter_no: str, clerk: str, now: dt.datetime, *, close_current: str | None = None, note: str = "",
    ) -> TicketInfo | None:
        """Call the longest-waiting ticket of the counter's queues (priority by ratio).

        Args:
            close_current: finish the counter's active ticket first with this outcome (``served`` or
                ``missed``); without it an active ticket raises QueueError(``busy``).

        Returns:
            The called ticket, or None when nobody is waiting.
        """
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        current = self._active(s, counter)
        if current is not None:
            if close_current is None:
                raise QueueError("busy", f"{current.ticket_no} 尚未办结，请先完成、过号或挂起",
                                 f"{current.ticket_no} is still active: finish, miss or hold it first")
            if close_current == "missed":
                self._miss(s, counter, current, now)
            else:
                self._finish(s, counter, current, close_current, now, note)
        t = self._pick(s, counter, business_date(now))
        counter.clerk = clerk or counter.clerk
        if t is None:
            return None
        # the authority lock makes this safe already; the guarded update is a second line of defence
        done = cast("CursorResult[Any]", s.execute(
            update(QTicket).where(QTicket.id == t.id, QTicket.status == "waiting").values(status="called")))
        if done.rowcount != 1:  # pragma: no cover - impossible under the authority lock
            raise QueueError("busy", "该号已被其他窗口叫走，请重试", "another counter took this ticket; try again")
        s.refresh(t)
        return self._call(s, counter, t, clerk, now, "next")

    def _call(self, s: Session, counter: QCounter, t: QTicket, clerk: str, now: dt.datetime, kind: str) -> TicketInfo:
        wait = _seconds(t.queue_at if t.call_count == 0 else (t.missed_at or t.queue_at), now)
        t.status, t.counter_no, t.clerk = "called", counter.counter_no, clerk
        t.call_count = 1 if kind == "next" else t.call_count + 1
        t.called_at = now
        t.first_called_at = t.first_called_at or now
        t.held_by = None
        counter.current_ticket_id = t.id
        s.add(QCall(ticket_id=t.id, business_date=t.business_date, service_code=t.service_code, ticket_no=t.ticket_no,
                    counter_no=counter.counter_no, clerk=clerk, kind=kind, called_at=now, call_count=t.call_count,
                    wait_s=wait if kind == "next" else None, note=""))
        s.flush()
        self._called(s, t, counter.counter_no, clerk, now, kind)
        return self._info(s, t, now)

    def _called(self, s: Session, t: QTicket, counter_no: str, clerk: str, now: dt.datetime, kind: str) -> None:
        self.journal.append(s, "ticket.called", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter_no, "called_at": rfc3339(now),
            "call_count": t.call_count, "service_code": t.service_code, "clerk": clerk, "call": kind,
        }, occurred_at=now)

    def recall(self, s: Session, counter_no: str, clerk: str, now: dt.datetime) -> TicketInfo:
        """Call the active ticket again (``ticket.called`` with the next ``call_count``), up to the limit."""
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        t = self._require_active(s, counter)
        if t.call_count - 1 >= self.recall_limit:
            raise QueueError("recall-limit", f"{t.ticket_no} 已重呼 {self.recall_limit} 次，请按“过号”",
                             f"{t.ticket_no} was recalled {self.recall_limit} times; mark it missed")
        t.call_count += 1
        t.called_at = now
        call = self._open_call(s, t)
        if call is not None:
            call.call_count = t.call_count
        self._called(s, t, counter.counter_no, clerk, now, "recall")
        return self._info(s, t, now)

    def _require_active(self, s: Session, counter: QCounter) -> QTicket:
        t = self._active(s, counter)
        if t is None:
            raise QueueError("idle", "当前没有正在办理的号", "no ticket is active at this counter")
        return t

    def _open_call(self, s: Session, t: QTicket) -> QCall | None:
        return s.scalar(select(QCall).where(QCall.ticket_id == t.id, QCall.ended_at.is_(None)).order_by(QCall.id.desc()).limit(1))

    def _end_call(self, s: Session, t: QTicket, now: dt.datetime, outcome: str, note: str = "") -> None:
        call = self._open_call(s, t)
        if call is not None:
            call.ended_at, call.outcome, call.note = now, outcome, note

    def _finished(self, s: Session, t: QTicket, counter_no: str, outcome: str, now: dt.datetime, **extra: Any) -> None:
        self.journal.append(s, "ticket.finished", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter_no, "outcome": outcome,
            "finished_at": rfc3339(now), "service_code": t.service_code, **{k: v for k, v in extra.items() if v},
        }, occurred_at=now)

    def finish(self, s: Session, counter_no: str, now: dt.datetime, *, outcome: str = "served", note: str = "") -> TicketInfo:
        """Finish the active ticket (``served`` or ``cancelled``; optional note, e.g. 材料不全)."""
        if outcome not in ("served", "cancelled"):
            raise QueueError("invalid", "办结结果只能是“已办理”或“取消”", "a finish outcome is served or cancelled")
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        t = self._require_active(s, counter)
        self._finish(s, counter, t, outcome, now, note)
        return self._info(s, t, now)

    def _finish(self, s: Session, counter: QCounter, t: QTicket, outcome: str, now: dt.datetime, note: str = "") -> None:
        self._end_call(s, t, now, outcome, note)
        t.status, t.outcome, t.finished_at = "done", outcome, now
        counter.current_ticket_id = None
        s.flush()
        self._finished(s, t, counter.counter_no, outcome, now, note=note)

    def miss(self, s: Session, counter_no: str, now: dt.datetime) -> TicketInfo:
        """过号: the visitor did not come. The ticket goes to the missed list (reactivatable today)."""
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        t = self._require_active(s, counter)
        self._miss(s, counter, t, now)
        return self._info(s, t, now)

    def _miss(self, s: Session, counter: QCounter, t: QTicket, now: dt.datetime) -> None:
        self._end_call(s, t, now, "missed")
        t.status, t.outcome, t.missed_at = "missed", "missed", now
        counter.current_ticket_id = None
        s.flush()
        self._finished(s, t, counter.counter_no, "missed", now)

    def reactivate(self, s: Session, ticket_id: str, now: dt.datetime, *, by: str = "") -> TicketInfo:
        """Put a missed ticket back in its queue: not before ``missed_min_minutes``, never at the head.

        It goes behind the first ``missed_reinsert_after`` waiting tickets of its queue (or at the
        end when fewer wait), and never ahead of where it stood on arrival.
        """
        self.lock(s, now)
        t = s.get(QTicket, ticket_id)
        if t is None or t.status != "missed" or t.business_date != business_date(now):
            raise QueueError("not-found", "只能恢复今天的过号票", "only today's missed tickets can be reactivated")
        assert t.missed_at is not None
        ready = t.missed_at + dt.timedelta(minutes=self.missed_min_minutes)
        if now < ready:
            left = math.ceil((ready - now).total_seconds() / 60)
            raise QueueError("too-early", f"过号 {self.missed_min_minutes} 分钟后才能恢复，还需约 {left} 分钟",
                             f"a missed ticket can be reactivated {self.missed_min_minutes} min after it was missed; about {left} min to go")
        waiting = s.scalars(select(QTicket).where(
            QTicket.business_date == t.business_date, QTicket.service_code == t.service_code, QTicket.status == "waiting",
        ).order_by(QTicket.queue_at, QTicket.id).limit(max(1, self.missed_reinsert_after))).all()
        if not waiting:
            new_at = max(t.queue_at, now)
        else:
            anchor = waiting[min(len(waiting), self.missed_reinsert_after) - 1] if self.missed_reinsert_after > 0 else waiting[0]
            new_at = max(t.queue_at, anchor.queue_at + dt.timedelta(milliseconds=1))
        t.queue_at, t.status, t.outcome, t.counter_no = new_at, "waiting", None, None
        s.flush()
        self.journal.append(s, "ticket.requeued", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "service_code": t.service_code, "at": rfc3339(now),
            "reason": "missed", "by": by,
        }, occurred_at=now)
        return self._info(s, t, now)

    def hold(self, s: Session, counter_no: str, now: dt.datetime, *, note: str = "") -> TicketInfo:
        """挂起: the active ticket leaves the counter (e.g. to fetch a document); the same counter calls it back."""
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        t = self._require_active(s, counter)
        self._end_call(s, t, now, "held", note)
        t.status, t.held_by = "held", counter.counter_no
        counter.current_ticket_id = None
        s.flush()
        self.journal.append(s, "ticket.held", {
            "ticket_id": t.id, "ticket_no": t.ticket_no, "counter_no": counter.counter_no, "at": rfc3339(now),
        }, occurred_at=now)
        return self._info(s, t, now)

    def call_back(self, s: Session, counter_no: str, ticket_id: str, clerk: str, now: dt.datetime) -> TicketInfo:
        """回呼: call a ticket this counter held, today."""
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        if self._active(s, counter) is not None:
            raise QueueError("busy", "请先办结当前号再回呼", "finish the active ticket before calling back")
        t = s.get(QTicket, ticket_id)
        if t is None or t.status != "held" or t.held_by != counter.counter_no or t.business_date != business_date(now):
            raise QueueError("not-found", "没有本窗口今天挂起的这个号", "no such ticket held by this counter today")
        return self._call(s, counter, t, clerk, now, "callback")

    def transfer(self, s: Session, counter_no: str, to_service: str, now: dt.datetime, *, note: str = "") -> TicketInfo:
        """Send the active ticket to another service's queue, keeping its number and original arrival time."""
        self.lock(s, now)
        counter = self._counter(s, counter_no)
        t = self._require_active(s, counter)
        target = s.get(QService, to_service)
        if target is None or not target.active:
            raise QueueError("no-service", "目标业务不存在或已停用", "the target service does not exist or is disabled")
        if target.code == t.service_code:
            raise QueueError("invalid", "已在该业务队列中", "the ticket is already in that queue")
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
        return self._info(s, t, now)

    def set_clerk(self, s: Session, counter_no: str, clerk: str | None) -> None:
        row = s.get(QCounter, counter_no)
        if row is not None:
            row.clerk = clerk

    # --- screens ------------------------------------------------------------------------------

    def counter_state(self, s: Session, counter_no: str, now: dt.datetime) -> CounterState:
        counter = s.get(QCounter, counter_no)
        if counter is None:
            raise QueueError("no-counter", f"{counter_no}号窗口未设置，请联系管理员", f"counter {counter_no} is not set up")
        day = business_date(now)
        codes = _codes(counter.service_codes)
        names = {r.code: r.name for r in s.scalars(select(QService))}
        cur = self._active(s, counter)
        held = s.scalars(select(QTicket).where(QTicket.business_date == day, QTicket.status == "held", QTicket.held_by == counter_no)
                         .order_by(QTicket.called_at)).all()
        missed = s.scalars(select(QTicket).where(QTicket.business_date == day, QTicket.status == "missed", QTicket.service_code.in_(codes))
                           .order_by(QTicket.missed_at)).all() if codes else []
        return CounterState(
            self._counter_info(counter), self._info(s, cur, now) if cur else None,
            tuple((c, names.get(c, c), self._waiting_count(s, c, day)) for c in codes),
            tuple(self._info(s, t, now) for t in held), tuple(self._info(s, t, now) for t in missed), self.recall_limit,
        )

    def board(self, s: Session, now: dt.datetime, recent: int = 5) -> BoardState:
        day = business_date(now)
        rows = []
        calls = s.execute(select(QCall.counter_no, QCall.ticket_no, QCall.service_code, QCall.called_at, QCall.call_count)
                          .where(QCall.business_date == day).order_by(QCall.called_at.desc(), QCall.id.desc()).limit(400)).all()
        current = dict(s.execute(select(QCounter.counter_no, QTicket.ticket_no).join(QTicket, QTicket.id == QCounter.current_ticket_id)).all())
        for c in sorted(s.scalars(select(QCounter).where(QCounter.active.is_(True))), key=lambda c: (len(c.counter_no), c.counter_no)):
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

    def daily_stats(self, s: Session, day: dt.date) -> DailyStats:
        """Per service, counter, clerk and hour: tickets, waits p50/p90, service times, no-shows."""
        tickets = s.scalars(select(QTicket).where(QTicket.business_date == day)).all()
        calls = s.scalars(select(QCall).where(QCall.business_date == day)).all()
        names = {r.code: r.name for r in s.scalars(select(QService))}

        def group(key: str, ts: list[QTicket], cs: list[QCall]) -> GroupStats:
            waits = [w for w in (_seconds(t.issued_at, t.first_called_at) for t in ts) if w is not None]
            service = [w for w in (_seconds(c.called_at, c.ended_at) for c in cs if c.outcome == "served") if w is not None]
            return GroupStats(
                key, len(ts), sum(1 for c in cs if c.outcome == "served"), sum(1 for c in cs if c.outcome == "missed"),
                _percentile(waits, 0.5), _percentile(waits, 0.9),
                round(sum(service) / len(service)) if service else None, _percentile(service, 0.5),
            )

        def by(tkey: Any, ckey: Any) -> tuple[GroupStats, ...]:
            keys = sorted({k for k in (tkey(t) for t in tickets) if k is not None} | {k for k in (ckey(c) for c in calls) if k is not None},
                          key=lambda k: (len(k), k))
            return tuple(group(k, [t for t in tickets if tkey(t) == k], [c for c in calls if ckey(c) == k]) for k in keys)

        first_calls = {c.ticket_id: c for c in sorted(calls, key=lambda c: c.id) if c.kind == "next"}

        def t_counter(t: QTicket) -> str | None:
            c = first_calls.get(t.id)
            return c.counter_no if c else None

        def t_clerk(t: QTicket) -> str | None:
            c = first_calls.get(t.id)
            return c.clerk if c else None

        def hour(when: dt.datetime) -> str:
            return when.astimezone(BEIJING).strftime("%H")

        return DailyStats(
            day, group("all", list(tickets), list(calls)),
            by(lambda t: t.issued_service, lambda c: c.service_code),
            by(t_counter, lambda c: c.counter_no),
            by(t_clerk, lambda c: c.clerk or None),
            by(lambda t: hour(t.issued_at), lambda c: hour(c.called_at)),
            names,
        )

    def stats_csv_rows(self, st: DailyStats) -> list[list[str]]:
        """The daily report as CSV rows (header first)."""
        head = ["date", "group", "key", "name", "tickets", "served", "no_shows", "wait_p50_s", "wait_p90_s", "service_avg_s", "service_p50_s"]
        out = [head]

        def row(group: str, g: GroupStats) -> list[str]:
            name = st.service_names.get(g.key, "") if group == "service" else ""
            vals = [g.tickets, g.served, g.no_shows, g.wait_p50_s, g.wait_p90_s, g.service_avg_s, g.service_p50_s]
            return [st.business_date.isoformat(), group, g.key, name, *("" if v is None else str(v) for v in vals)]

        out.append(row("total", st.total))
        for group, rows in (("service", st.by_service), ("counter", st.by_counter), ("clerk", st.by_clerk), ("hour", st.by_hour)):
            out += [row(group, g) for g in rows]
        return out


# --- the facade (one unit of work per call) -----------------------------------------------------


DEMO_SERVICES = (
    ServiceInfo("deposit", "A", "保证金缴纳", "Bid deposits", 1, 999, 400, "08:30", "17:00", 240, True, 1),
    ServiceInfo("contract", "B", "合同备案", "Contract filing", 1, 999, 300, "08:30", "17:00", 420, True, 2),
    ServiceInfo("ca", "C", "CA证书办理", "CA certificates", 1, 999, 200, "08:30", "16:30", 360, True, 3),
    ServiceInfo("consult", "D", "咨询", "Enquiries", 1, 999, 500, "08:30", "17:30", 180, True, 4),
)
DEMO_COUNTERS = (
    CounterInfo("1", "1号窗口", ("deposit", "consult"), 2),
    CounterInfo("2", "2号窗口", ("deposit", "contract"), 2),
    CounterInfo("3", "3号窗口", ("contract", "ca"), 2),
    CounterInfo("4", "4号窗口", ("ca", "consult", "deposit"), 2),
)


class HallQueue:
    """The queue for screens and the CLI: every method is one unit of work returning DTOs.

    Args:
        hall: the hall (its clock decides the business day and issuing hours).
    """

    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        q = hall.config.queue
        self.service = QueueService(
            hall.journal, recall_limit=q.recall_limit, missed_min_minutes=q.missed_min_minutes,
            missed_reinsert_after=q.missed_reinsert_after, priority_age=q.priority_age, terminal_id=hall.config.site.terminal_id,
        )

    def now(self) -> dt.datetime:
        return self.hall.clock.now()

    def _write(self, fn: Any, *args: Any, **kw: Any) -> Any:
        with self.hall.unit() as s:  # a QueueError rolls the whole unit back
            return fn(s, *args, **kw)

    # services and counters
    def services(self, active_only: bool = False) -> list[ServiceInfo]:
        with self.hall.reading() as s:
            return self.service.services(s, active_only=active_only)

    def counters(self) -> list[CounterInfo]:
        with self.hall.reading() as s:
            return self.service.counters(s)

    def save_service(self, info: ServiceInfo, by: str) -> ServiceInfo:
        return self._write(self.service.save_service, info, by=by, now=self.now())

    def save_counter(self, info: CounterInfo, by: str) -> CounterInfo:
        return self._write(self.service.save_counter, info, by=by, now=self.now())

    def seed_if_empty(self, by: str = "demo") -> bool:
        """Seed the demo services (A 保证金缴纳, B 合同备案, C CA证书办理, D 咨询) and 4 counters, once."""
        if self.services():
            return False
        for svc in DEMO_SERVICES:
            self.save_service(svc, by)
        for c in DEMO_COUNTERS:
            self.save_counter(c, by)
        return True

    # kiosk
    def availability(self) -> list[ServiceAvailability]:
        with self.hall.reading() as s:
            return self.service.availability(s, self.now())

    def issue(self, service: str, card: IdCard | None = None) -> TicketInfo:
        """Issue a ticket (with an ID card: one open ticket per person and service, priority groups)."""
        now = self.now()
        person = self.hall.vault.lookup_hmac(card.id_number) if card is not None else None
        reason = self.service.priority_for(card, now)
        # number under the authority lock, then describe it after commit: the lock is held shortest
        with self.hall.unit() as s:
            t, reprint = self.service.issue_row(s, service, now, person_hmac=person, priority_reason=reason)
            ticket_id = t.id
        with self.hall.reading() as s:
            row = s.get(QTicket, ticket_id)
            assert row is not None
            return self.service._info(s, row, now, reprint=reprint)

    def mark_printed(self, ticket_id: str, printed: bool) -> None:
        with self.hall.unit() as s:
            self.service.mark_printed(s, ticket_id, printed)

    def lookup(self, code: str) -> TicketInfo | None:
        with self.hall.reading() as s:
            return self.service.lookup(s, code, self.now())

    def ticket(self, ticket_id: str) -> TicketInfo | None:
        with self.hall.reading() as s:
            return self.service.ticket(s, ticket_id, self.now())

    # counter
    def counter_state(self, counter_no: str) -> CounterState:
        with self.hall.reading() as s:
            return self.service.counter_state(s, counter_no, self.now())

    def call_next(self, counter_no: str, clerk: str = "", close_current: str | None = None) -> TicketInfo | None:
        return self._write(self.service.call_next, counter_no, clerk, self.now(), close_current=close_current)

    def recall(self, counter_no: str, clerk: str = "") -> TicketInfo:
        return self._write(self.service.recall, counter_no, clerk, self.now())

    def finish(self, counter_no: str, outcome: str = "served", note: str = "") -> TicketInfo:
        return self._write(self.service.finish, counter_no, self.now(), outcome=outcome, note=note)

    def miss(self, counter_no: str) -> TicketInfo:
        return self._write(self.service.miss, counter_no, self.now())

    def reactivate(self, ticket_id: str, by: str = "") -> TicketInfo:
        return self._write(self.service.reactivate, ticket_id, self.now(), by=by)

    def hold(self, counter_no: str, note: str = "") -> TicketInfo:
        return self._write(self.service.hold, counter_no, self.now(), note=note)

    def call_back(self, counter_no: str, ticket_id: str, clerk: str = "") -> TicketInfo:
        return self._write(self.service.call_back, counter_no, ticket_id, clerk, self.now())

    def transfer(self, counter_no: str, to_service: str, note: str = "") -> TicketInfo:
        return self._write(self.service.transfer, counter_no, to_service, self.now(), note=note)

    def set_clerk(self, counter_no: str, clerk: str | None) -> None:
        with self.hall.unit() as s:
            self.service.set_clerk(s, counter_no, clerk)

    # board, statistics
    def board(self, recent: int | None = None) -> BoardState:
        with self.hall.reading() as s:
            return self.service.board(s, self.now(), recent or self.hall.config.queue.board_recent_calls)

    def daily_stats(self, day: dt.date | None = None) -> DailyStats:
        with self.hall.reading() as s:
            return self.service.daily_stats(s, day or business_date(self.now()))

    def rollover(self) -> int:
        """Close earlier days' open tickets now (otherwise the day's first write does it)."""
        with self.hall.unit() as s:
            return self.service.lock(s, self.now())


# --- the printed ticket -----------------------------------------------------------------------------


def ticket_slip(t: TicketInfo, site_name: str) -> Slip:
    """The paper ticket: big number, service, people ahead, estimated wait, time, counters, QR (opaque token)."""
    items: list[SlipItem] = [
        Text(site_name, align="center", bold=True),
        Text("排队号 Queue ticket", align="center"),
        Rule(),
        Text(t.ticket_no, size=4, bold=True, align="center"),
        Text(t.service_name, size=2, bold=True, align="center"),
    ]
    if t.service_name_en:
        items.append(Text(t.service_name_en, align="center"))
    if t.priority:
        items.append(Text("优先号 Priority", bold=True, align="center"))
    items += [
        Rule(),
        Text(f"前面还有 {t.people_ahead} 人，预计等候约 {t.est_wait_min} 分钟"),
        Text(f"{t.people_ahead} ahead of you, about {t.est_wait_min} min"),
    ]
    if t.counters:
        items.append(Text("办理窗口 Counters：" + "、".join(t.counters)))
    items += [
        Text("取号时间 Issued：" + t.issued_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")),
        Feed(1),
        Qr(t.qr_data, module=6),
        Text("在自助机扫此码可查询排队进度。过号请到窗口咨询。", align="center"),
        Text("Scan at a kiosk to see your place in the queue.", align="center"),
    ]
    if t.reprint:
        items.append(Text("（补打 Reprint）", align="center"))
    return Slip(tuple(items))
