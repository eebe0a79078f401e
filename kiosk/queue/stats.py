"""The queue's daily statistics, pure: per service, counter, clerk and hour (tickets, waits p50/p90,
service times, no-shows), from plain facts the service reads, and the report's CSV rows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kiosk.queue.rules import seconds_between
from kiosk.queue.views import DailyStats, GroupStats
from kiosk.timeutil import BEIJING


@dataclass(frozen=True)
class TicketFacts:
    ticket_id: str
    issued_service: str
    issued_at: dt.datetime
    first_called_at: dt.datetime | None


@dataclass(frozen=True)
class CallFacts:
    call_id: int
    ticket_id: str
    service_code: str
    counter_no: str
    clerk: str
    kind: str
    called_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: str | None


def percentile(values: Sequence[float], q: float) -> int | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo))


def daily_stats(day: dt.date, tickets: Sequence[TicketFacts], calls: Sequence[CallFacts], names: dict[str, str]) -> DailyStats:
    """Waits are issue → first call; service times are call → end of the served calls."""

    def group(key: str, ts: list[TicketFacts], cs: list[CallFacts]) -> GroupStats:
        waits = [w for w in (seconds_between(t.issued_at, t.first_called_at) for t in ts) if w is not None]
        service = [w for w in (seconds_between(c.called_at, c.ended_at) for c in cs if c.outcome == "served") if w is not None]
        return GroupStats(
            key, len(ts), sum(1 for c in cs if c.outcome == "served"), sum(1 for c in cs if c.outcome == "missed"),
            percentile(waits, 0.5), percentile(waits, 0.9),
            round(sum(service) / len(service)) if service else None, percentile(service, 0.5),
        )

    def by(tkey: Callable[[TicketFacts], str | None], ckey: Callable[[CallFacts], str | None]) -> tuple[GroupStats, ...]:
        keys = sorted({k for k in (tkey(t) for t in tickets) if k is not None} | {k for k in (ckey(c) for c in calls) if k is not None},
                      key=lambda k: (len(k), k))
        return tuple(group(k, [t for t in tickets if tkey(t) == k], [c for c in calls if ckey(c) == k]) for k in keys)

    first_calls = {c.ticket_id: c for c in sorted(calls, key=lambda c: c.call_id) if c.kind == "next"}

    def t_counter(t: TicketFacts) -> str | None:
        c = first_calls.get(t.ticket_id)
        return c.counter_no if c else None

    def t_clerk(t: TicketFacts) -> str | None:
        c = first_calls.get(t.ticket_id)
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


def stats_csv_rows(st: DailyStats) -> list[list[str]]:
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
