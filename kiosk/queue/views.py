"""The queue's frozen DTOs: what the kiosk, the counter console, the board, the admin tabs and the CLI receive.

Never an ORM object (docs/architecture.md "One capability shape"). ``DEMO_SERVICES`` and
``DEMO_COUNTERS`` are the demo hall's seed, as the admin tabs would enter them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TOKEN_PREFIX = "HKQ1:"


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
