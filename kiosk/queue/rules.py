"""The queue's rules (docs/rules/queue.md §3), pure: no I/O, no clock, no database.

* **Numbering** per service per business day (Beijing date): ``A012`` = prefix + zero-padded
  sequence from the service's ``first_no``; at most ``daily_quota`` and never past ``last_no``, so a
  number is never reused the same day.
* **Order** is ``queue_at`` (arrival; transfers keep it), then the UUIDv7 id; the number is a label.
  "Call next" takes the longest-waiting ticket across the counter's queues, with priority tickets
  as a *ratio* (``priority_ratio`` priority calls, then one normal call), so normal tickets never
  starve (:func:`choose_next`).
* **States**: waiting → called → done (served/cancelled); side states held (挂起, called back by
  the same counter), missed (过号, reactivated the same day after ``missed_min_minutes``, behind
  ``missed_reinsert_after`` waiting tickets — never to the head, :func:`reinsert_at`), transfer (back
  to waiting in another queue with the original arrival time). A counter has at most one active ticket.

The service (:mod:`kiosk.queue.service`) reads the facts, asks these functions, then writes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from kiosk.errors import HallError
from kiosk.ports import IdCard
from kiosk.queue.views import CounterInfo, ServiceInfo
from kiosk.timeutil import BEIJING

OPEN_STATUSES = ("waiting", "called", "held", "missed")
OUTCOMES = ("served", "missed", "transferred", "expired", "cancelled")
FINISH_OUTCOMES = ("served", "cancelled")
#: letters that look like digits on LED boards (docs/rules/queue.md §3)
BAD_PREFIXES = frozenset("IO")


class QueueError(HallError):
    """A queue action that cannot be done, with a message for the screen in Chinese and English.

    Codes: ``no-service``, ``inactive``, ``closed`` (outside issuing hours), ``used-up`` (numbers used
    up today), ``no-counter``, ``busy`` (counter has an active ticket), ``idle`` (no active ticket),
    ``recall-limit``, ``not-found``, ``too-early`` (missed ticket reactivated too soon), ``invalid``.
    """


# --- days, hours, numbers ---------------------------------------------------------------------


def business_date(now: dt.datetime) -> dt.date:
    """The business day of ``now``: its Beijing date."""
    return now.astimezone(BEIJING).date()


def hhmm(day: dt.date, text: str) -> dt.datetime:
    h, m = (int(x) for x in text.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), BEIJING)


def valid_hhmm(text: str) -> bool:
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        return False
    return 0 <= h <= 23 and 0 <= m <= 59 and len(text) == 5


def format_ticket_no(prefix: str, number: int, last_no: int) -> str:
    width = max(3, len(str(last_no)))
    return f"{prefix}{number:0{width}d}"


def remaining(daily_quota: int, first_no: int, last_no: int, issued: int) -> int:
    """Numbers a service may still issue today, after ``issued``."""
    return max(0, min(daily_quota - issued, last_no - (first_no + issued) + 1))


def service_state(active: bool, open_from: str, open_until: str, now: dt.datetime, left: int) -> str:
    """``inactive``, ``closed`` (outside issuing hours), ``used-up`` or ``open``."""
    if not active:
        return "inactive"
    day = business_date(now)
    if not (hhmm(day, open_from) <= now < hhmm(day, open_until)):
        return "closed"
    return "open" if left > 0 else "used-up"


def check_issuable(state: str, name: str, name_en: str, open_from: str, open_until: str) -> None:
    """Raise the kiosk's reason when a service in ``state`` may not issue a ticket."""
    if state == "inactive":
        raise QueueError("inactive", f"{name}暂停取号，请到服务窗口咨询", f"{name_en or name}: not issuing tickets now; please ask at a counter")
    if state == "closed":
        raise QueueError("closed", f"{name}取号时间为 {open_from}–{open_until}，现在不在取号时间内",
                         f"{name_en or name}: tickets are issued {open_from}–{open_until} only")
    if state == "used-up":
        raise QueueError("used-up", "今日排队号已取完，若窗口空闲可直接到窗口办理",
                         "today's numbers are used up; if a counter is free, go straight to it")


def codes(text: str) -> tuple[str, ...]:
    """A counter's service codes as stored (``"deposit,consult"``)."""
    return tuple(c for c in (x.strip() for x in text.split(",")) if c)


# --- who comes first --------------------------------------------------------------------------


def age_on(birth_date: str, day: dt.date) -> int | None:
    """Whole years from ``YYYY-MM-DD`` to ``day``; None when the date does not parse."""
    try:
        born = dt.date.fromisoformat(birth_date)
    except (TypeError, ValueError):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def priority_for(card: IdCard | None, day: dt.date, priority_age: int) -> str:
    """The priority group of a card holder ("" = none): ``age70`` for 70+ (``priority_age``; 0 = off).

    The platform's interface (docs/platform-api.md §2) has no appointment feed, so appointments cannot
    give priority; only these configurable groups do.
    """
    if card is None or priority_age <= 0:
        return ""
    age = age_on(card.birth_date, day)
    return f"age{priority_age}" if age is not None and age >= priority_age else ""


Place = tuple[dt.datetime, str]  #: a waiting ticket's place in its queue: (queue_at, id)


def choose_next(prio: Place | None, normal: Place | None, ratio: int, streak: int) -> tuple[str | None, int]:
    """Which head a counter calls: ``"priority"``, ``"normal"`` or None, and its new priority streak.

    Args:
        prio, normal: the longest-waiting priority and normal tickets of the counter's queues.
        ratio: ``priority_ratio`` priority calls before one normal call (0 = by arrival only).
        streak: priority calls in a row so far.
    """
    if prio is None or normal is None:
        chosen = "priority" if prio is not None else "normal" if normal is not None else None
    elif ratio <= 0:
        chosen = "priority" if prio < normal else "normal"
    elif streak < ratio:
        chosen = "priority"
    else:
        chosen = "normal"
    if chosen is None:
        return None, streak
    return chosen, streak + 1 if chosen == "priority" and normal is not None else 0


def check_recall(call_count: int, recall_limit: int, ticket_no: str) -> None:
    if call_count - 1 >= recall_limit:
        raise QueueError("recall-limit", f"{ticket_no} 已重呼 {recall_limit} 次，请按“过号”",
                         f"{ticket_no} was recalled {recall_limit} times; mark it missed")


def check_finish_outcome(outcome: str) -> None:
    if outcome not in FINISH_OUTCOMES:
        raise QueueError("invalid", "办结结果只能是“已办理”或“取消”", "a finish outcome is served or cancelled")


def check_reactivate(missed_at: dt.datetime, now: dt.datetime, missed_min_minutes: int) -> None:
    """A missed ticket comes back no sooner than ``missed_min_minutes`` after it was missed."""
    ready = missed_at + dt.timedelta(minutes=missed_min_minutes)
    if now < ready:
        left = math.ceil((ready - now).total_seconds() / 60)
        raise QueueError("too-early", f"过号 {missed_min_minutes} 分钟后才能恢复，还需约 {left} 分钟",
                         f"a missed ticket can be reactivated {missed_min_minutes} min after it was missed; about {left} min to go")


def reinsert_at(queue_at: dt.datetime, now: dt.datetime, waiting: Sequence[dt.datetime], reinsert_after: int) -> dt.datetime:
    """The new ``queue_at`` of a reactivated ticket: behind the first ``reinsert_after`` waiting tickets
    of its queue (``waiting``: their ``queue_at`` in order), or at the end when fewer wait, and never
    ahead of where it stood on arrival."""
    if not waiting:
        return max(queue_at, now)
    anchor = waiting[min(len(waiting), reinsert_after) - 1] if reinsert_after > 0 else waiting[0]
    return max(queue_at, anchor + dt.timedelta(milliseconds=1))


def check_transfer(target_code: str | None, target_active: bool, current_code: str) -> None:
    if target_code is None or not target_active:
        raise QueueError("no-service", "目标业务不存在或已停用", "the target service does not exist or is disabled")
    if target_code == current_code:
        raise QueueError("invalid", "已在该业务队列中", "the ticket is already in that queue")


# --- estimates ----------------------------------------------------------------------------------


def avg_service_s(recent: Sequence[float], configured: int) -> float:
    """Mean of the recent served calls' durations once there are 3, else the configured average."""
    return sum(recent) / len(recent) if len(recent) >= 3 else float(configured)


def estimate_min(ahead: int, avg_s: float, counters: int) -> int:
    return math.ceil(ahead * avg_s / max(1, counters) / 60)


def seconds_between(a: dt.datetime | None, b: dt.datetime | None) -> int | None:
    if a is None or b is None:
        return None
    return max(0, round((b - a).total_seconds()))


# --- configuration -----------------------------------------------------------------------------


def check_service(info: ServiceInfo) -> tuple[str, str]:
    """Validate a service as the admin entered it; returns its (code, prefix) normalised.

    Raises:
        QueueError: ``invalid``, naming the field.
    """
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
    if not (valid_hhmm(info.open_from) and valid_hhmm(info.open_until)) or info.open_from >= info.open_until:
        raise QueueError("invalid", "取号时间须为 HH:MM，且开始早于结束", "issuing hours must be HH:MM with start before end")
    return code, prefix


def check_counter(info: CounterInfo) -> str:
    """Validate a counter as the admin entered it; returns its number normalised."""
    no = info.counter_no.strip()
    if not no or len(no) > 8 or not no.isalnum():
        raise QueueError("invalid", "窗口号须为1–8位字母或数字", "the counter number must be 1–8 letters or digits")
    if not (0 <= info.priority_ratio <= 10):
        raise QueueError("invalid", "优先比例须在 0–10 之间", "the priority ratio must be 0–10")
    return no


def counter_order(counter_no: str) -> tuple[int, str]:
    """Counters sort by number as people read it: 2 before 10."""
    return len(counter_no), counter_no
