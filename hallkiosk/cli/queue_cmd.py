"""``hall-kiosk queue issue|call|status|report|seed``: the queue for scripts and hardware call buttons.

All against the configured database (``--config``, ``--data-dir``, ``--db``). Errors print the
Chinese and English reason on stderr and exit 1.

Taking a ticket is a visitor's act, as the kiosk's button, and needs no account. Calling one is the
counter clerk's act: ``queue call`` names the clerk's hall account (``--operator``) and reads its PIN
from stdin's first line, checked with the roles the counter console's login allows; the clerk journalled
with the call is that account, never a free-text name (issue 15 must 1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from hallkiosk.cli.auth import account
from hallkiosk.cli.common import config_from_args, print_json
from kiosk.hall import Hall
from kiosk.queue import QueueError, QueueService, TicketInfo, stats_csv_rows
from kiosk.timeutil import beijing, rfc3339

#: the accounts the counter console's login admits (ui/roles/consoles.py; an admin is always admitted)
COUNTER_ROLES = ("clerk", "supervisor")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    qp = subparsers.add_parser("queue", help="queue tickets (排队叫号)").add_subparsers(dest="sub", metavar="SUB")
    p = qp.add_parser("issue", parents=[common], help="issue a ticket for SERVICE (code or prefix letter)")
    p.add_argument("service")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_issue)
    p = qp.add_parser("call", parents=[common], help="call the next ticket at a counter (finishing its active one)")
    p.add_argument("--counter", required=True, help="counter (window) number")
    p.add_argument("--operator", required=True,
                   help="the counter clerk's hall account; its PIN is read from the first line of stdin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_call)
    p = qp.add_parser("status", parents=[common], help="waiting per service and the counters' current tickets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_status)
    p = qp.add_parser("report", parents=[common], help="the daily report as PDF and/or CSV")
    p.add_argument("--date", help="business date YYYY-MM-DD (default: today, Beijing)")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    p.set_defaults(func=_report)
    p = qp.add_parser("seed", parents=[common], help="seed the demo services and counters if none exist")
    p.set_defaults(func=_seed)


def _open(args: argparse.Namespace) -> tuple[Hall, QueueService]:
    hall = Hall.open(config_from_args(args))
    return hall, QueueService(hall)


def _fail(exc: QueueError) -> int:
    print(f"{exc.zh} ({exc.en})", file=sys.stderr)
    return 1


def _ticket_json(t: TicketInfo) -> dict[str, object]:
    return {"ticket_id": t.ticket_id, "ticket_no": t.ticket_no, "service_code": t.service_code,
            "business_date": t.business_date.isoformat(), "issued_at": rfc3339(t.issued_at)}


def _issue(args: argparse.Namespace) -> int:
    hall, q = _open(args)
    try:
        t = q.issue(args.service)
    except QueueError as exc:
        return _fail(exc)
    finally:
        hall.close()
    if args.json:
        print_json(_ticket_json(t))
    else:
        print(f"{t.ticket_no} {t.service_name} · 前面 {t.people_ahead} 人 · 约 {t.est_wait_min} 分钟")
    return 0


def _call(args: argparse.Namespace) -> int:
    hall, q = _open(args)
    try:
        clerk = account(hall, args.operator, COUNTER_ROLES)  # the clerk's PIN from stdin; exits 1 when refused
        t = q.call_next(args.counter, clerk.username, close_current="served")
    except QueueError as exc:
        return _fail(exc)
    finally:
        hall.close()
    if args.json:
        print_json(None if t is None else {
            "ticket_id": t.ticket_id, "ticket_no": t.ticket_no, "service_code": t.service_code,
            "counter_no": args.counter, "called_at": rfc3339(t.called_at) if t.called_at else None, "call_count": t.call_count,
        })
    else:
        print("没有等候的号 (nobody waiting)" if t is None else f"请{t.ticket_no}号到{args.counter}号窗口办理")
    return 0


def _status(args: argparse.Namespace) -> int:
    hall, q = _open(args)
    try:
        avail = q.availability()
        board = q.board()
    finally:
        hall.close()
    if args.json:
        print_json({
            "services": [{"service_code": a.code, "prefix": a.prefix, "name": a.name, "state": a.state, "waiting": a.waiting,
                          "remaining": a.remaining, "est_wait_min": a.est_wait_min} for a in avail],
            "counters": [{"counter_no": c.counter_no, "current": c.current, "recent": list(c.recent)} for c in board.counters],
        })
        return 0
    for a in avail:
        print(f"{a.prefix} {a.name}: {a.state} 等候 {a.waiting} 人 · 剩余号 {a.remaining}")
    for c in board.counters:
        print(f"{c.counter_no}号窗口: {c.current or '—'}  最近 {' '.join(c.recent) or '—'}")
    return 0


def _report(args: argparse.Namespace) -> int:
    if not (args.pdf or args.csv or args.json):
        print("请给出 --pdf 和/或 --csv (give --pdf and/or --csv)", file=sys.stderr)
        return 2
    hall, q = _open(args)
    try:
        day = dt.date.fromisoformat(args.date) if args.date else beijing(q.now()).date()
        st = q.daily_stats(day)
        rows = stats_csv_rows(st)
        site = hall.config.site.name
    finally:
        hall.close()
    if args.csv:
        from kiosk.queue.documents import write_csv

        write_csv(rows, args.csv)
    if args.pdf:
        from kiosk.queue.documents import write_queue_report

        write_queue_report(st, args.pdf, site)
    if args.json:
        print_json({"business_date": day.isoformat(), "rows": [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]})
    return 0


def _seed(args: argparse.Namespace) -> int:
    hall, q = _open(args)
    try:
        seeded = q.seed_if_empty("cli")
    finally:
        hall.close()
    print("已写入示例业务和窗口 (demo services seeded)" if seeded else "已有业务，未改动 (services exist; unchanged)")
    return 0
