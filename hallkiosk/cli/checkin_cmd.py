"""``hall-kiosk checkin``: attendance lists, search and clerk check-ins for scripts.

    hall-kiosk checkin list --session S-20261127-001 [--json]
    hall-kiosk checkin search 内蒙古蒙兴 [--json]
    printf '333333\n150121198001010011\n' | hall-kiosk checkin manual --session S-… --registration R-… \\
        --name 张伟 --reason 读卡器故障 --operator clerk [--override window_closed] --id-number-stdin
    echo 333333 | hall-kiosk checkin confirm CHECKIN_ID --operator clerk

A clerk's act names the clerk's account, whose PIN is stdin's first line (issue 15: no bare
``--operator``). The document number of a manual check-in is the next line, never on the command
line (where ``ps`` and the shell history would keep it). Exit codes: 0 done, 1 refused, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from hallkiosk.cli.auth import account
from hallkiosk.cli.common import config_from_args, print_json
from kiosk.checkin import OVERRIDABLE, CheckinError, CheckinService
from kiosk.hall import Hall
from kiosk.timeutil import beijing

CLERK_ROLES = ("clerk",)  #: and an admin, as at the counter's login


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ci = subparsers.add_parser("checkin", help="check-in (人证核验签到)").add_subparsers(dest="sub", metavar="SUB")
    p = ci.add_parser("list", parents=[common], help="attendance of a session")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_list)
    p = ci.add_parser("search", parents=[common], help="today's registrations by bidder, USCC, representative or ID number")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_search)
    p = ci.add_parser("manual", parents=[common], help="a clerk's manual check-in (document number on stdin)")
    p.add_argument("--session", required=True, metavar="ID")
    p.add_argument("--registration", required=True, metavar="ID")
    p.add_argument("--name", required=True, help="the person's name as registered")
    p.add_argument("--reason", required=True, help="why by hand: reader broken, passport holder, …")
    p.add_argument("--operator", required=True, help="the clerk's username; their PIN is stdin's first line")
    p.add_argument("--override", action="append", default=[], choices=sorted(OVERRIDABLE), help="pass over this refusal")
    p.add_argument("--id-number-stdin", action="store_true", required=True,
                   help="read the document number from stdin (the line after the clerk's PIN)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_manual)
    p = ci.add_parser("confirm", parents=[common], help="confirm a check-in flagged for a clerk (no face photo)")
    p.add_argument("checkin_id", type=int)
    p.add_argument("--operator", required=True, help="the clerk's username; their PIN is read from stdin")
    p.add_argument("--note", default="", help="what the clerk checked (required when the face did not match)")
    p.set_defaults(func=_confirm)


def _list(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        att = CheckinService(hall).attendance(args.session)
    finally:
        hall.close()
    if att is None:
        print(f"没有这个场次 no such session: {args.session}", file=sys.stderr)
        return 2
    rows = [
        {"registration_id": r.registration_id, "bidder_name": r.bidder_name, "lot_code": r.lot_code,
         "present": r.present, "checkin_no": r.checkin_no, "paddle_no": r.paddle_no, "person": r.person_name_masked,
         "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None, "method": r.method,
         "needs_confirmation": r.needs_confirmation, "deposit_status": r.deposit_status}
        for r in att.rows
    ]
    if args.json:
        print_json({"session_id": att.session_id, "title": att.title, "kind": att.kind, "present": att.present,
                    "registered": len(att.rows), "rows": rows})
    else:
        print(f"{att.title}  {beijing(att.starts_at):%Y-%m-%d %H:%M}  已签到 {att.present}/{len(att.rows)}")
        for r in rows:
            mark = "✓" if r["present"] else "·"
            no = f"{r['checkin_no']:03d}" if r["checkin_no"] else "   "
            print(f"{mark} {no} {r['paddle_no'] or '':>3} {r['bidder_name']} {r['lot_code'] or ''} {r['person']}")
    return 0


def _search(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        found = CheckinService(hall).search(args.query)
    finally:
        hall.close()
    if args.json:
        print_json([{"registration_id": r.registration_id, "session_id": r.session_id, "bidder_name": r.bidder_name,
                     "lot_code": r.lot_code, "representatives": list(r.representatives_masked),
                     "checked_in": r.checked_in} for r in found])
    else:
        for r in found:
            print(f"{r.registration_id} {r.session_id} {r.bidder_name} {r.lot_code or ''} "
                  f"{'、'.join(r.representatives_masked)} {'已签到' if r.checked_in else '未签到'}")
    return 0


def _manual(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        account(hall, args.operator, CLERK_ROLES)  # the clerk's PIN, stdin's first line; exits 1 when refused
        number = sys.stdin.readline().strip()
        if not number:
            print("缺少证件号码（标准输入第二行）no document number on stdin's second line", file=sys.stderr)
            return 2
        out = CheckinService(hall).manual_check_in(
            operator=args.operator, session_id=args.session, registration_id=args.registration, person_name=args.name,
            id_number=number, reason=args.reason, overrides=args.override)
    except CheckinError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    finally:
        hall.close()
    if out.refusal is not None:
        r = out.refusal
        if args.json:
            print_json({"accepted": False, "refusal": r.code, "reason": r.reason, "overridable": r.overridable})
        else:
            print(f"未签到 refused: {r.reason}" + ("（可 --override " + r.code + "）" if r.overridable else ""))
        return 1
    if args.json:
        print_json({"accepted": True, "checkins": [
            {"checkin_id": i.checkin_id, "registration_id": i.registration_id, "checkin_no": i.checkin_no,
             "paddle_no": i.paddle_no, "token": i.token} for i in out.accepted], "journal_seqs": list(out.journal_seqs)})
    else:
        for i in out.accepted:
            print(f"已签到 {i.checkin_no_text} {i.bidder_name} {i.person_name_masked}" + (f" 号牌 {i.paddle_no}" if i.paddle_no else ""))
    return 0


def _confirm(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        account(hall, args.operator, CLERK_ROLES)  # the clerk's PIN from stdin; exits 1 when refused
        info = CheckinService(hall).confirm(args.checkin_id, operator=args.operator, note=args.note)
    except CheckinError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    finally:
        hall.close()
    print(f"已确认 {info.checkin_no_text} {info.person_name_masked}")
    return 0
