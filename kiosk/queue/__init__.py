"""The service hall's queue (排队叫号), in the capability shape (docs/architecture.md "One capability shape").

* :mod:`kiosk.queue.rules` — pure rules: numbering, issuing hours and quota, who is called next,
  recall, miss, reactivate and transfer checks;
* :mod:`kiosk.queue.views` — the frozen DTOs screens and the CLI receive;
* :mod:`kiosk.queue.service` — ``QueueService(hall)``, one unit of work per method;
* :mod:`kiosk.queue.stats` — the daily statistics (pure) and their CSV rows;
* :mod:`kiosk.queue.slip` — the printed ticket;
* :mod:`kiosk.queue.documents` — the daily report PDF (reportlab; not imported here, so screens
  that only queue do not load it).
"""

from __future__ import annotations

from kiosk.queue.rules import (
    BAD_PREFIXES,
    OPEN_STATUSES,
    OUTCOMES,
    QueueError,
    age_on,
    business_date,
    format_ticket_no,
)
from kiosk.queue.service import QueueService
from kiosk.queue.slip import ticket_slip
from kiosk.queue.stats import stats_csv_rows
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
    GroupStats,
    ServiceAvailability,
    ServiceInfo,
    TicketInfo,
)

#: the former name of :class:`QueueService` (the UI/CLI facade before the two shapes became one)
HallQueue = QueueService

__all__ = [
    "BAD_PREFIXES", "DEMO_COUNTERS", "DEMO_SERVICES", "OPEN_STATUSES", "OUTCOMES", "TOKEN_PREFIX", "BoardState", "CallInfo",
    "CounterBoardRow", "CounterInfo", "CounterState", "DailyStats", "GroupStats", "HallQueue", "QueueError", "QueueService",
    "ServiceAvailability", "ServiceInfo", "TicketInfo", "age_on", "business_date", "format_ticket_no", "stats_csv_rows",
    "ticket_slip",
]
