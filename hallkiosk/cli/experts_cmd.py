"""``hall-kiosk experts``: the expert draw from the shell (issue 17; docs/rules/expert-area.md).

    hall-kiosk experts list [--json]                     evaluations to be held here, and their rounds
    hall-kiosk experts pool EVALUATION_ID [--json]       eligible experts per specialty (counts only)
    hall-kiosk experts verify-draw EVALUATION_ID [--json]
        recompute every round of the draw from the journal alone: exit 0 when the commitment, the
        pool hash and the seed give exactly the journalled selection, 1 naming what differs
    hall-kiosk experts rooms [--date YYYY-MM-DD] [--json]
        the evaluation rooms of a day at the door: members signed in of the committee, staff present,
        signed out, waiting for a clerk, recording asked for (counts only, as the room's board)

The draw itself is done only at the ``extraction`` console, by the roles present in person.
Nothing here prints an expert's name or number.
"""

from __future__ import annotations

import argparse
import sys

from hallkiosk.cli.common import config_from_args, print_json
from kiosk.errors import HallError
from kiosk.experts.service import ExpertsService
from kiosk.hall import Hall
from kiosk.timeutil import beijing, rfc3339


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    ex = subparsers.add_parser("experts", help="the expert draw (专家抽取)").add_subparsers(dest="sub", metavar="SUB")
    p = ex.add_parser("list", parents=[common], help="evaluations to be held in this hall")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_list)
    p = ex.add_parser("pool", parents=[common], help="eligible experts per specialty (counts only)")
    p.add_argument("evaluation_id", metavar="EVALUATION_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_pool)
    p = ex.add_parser("verify-draw", parents=[common], help="recompute a draw from the journal alone")
    p.add_argument("evaluation_id", metavar="EVALUATION_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_verify)
    p = ex.add_parser("rooms", parents=[common], help="the evaluation rooms at the door: counts only")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the Beijing day (today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_rooms)


def _list(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        rows = ExpertsService(hall).evaluations()
    finally:
        hall.close()
    docs = [{"evaluation_id": v.evaluation_id, "room": v.room_name or v.room_code, "starts_at": rfc3339(v.starts_at),
             "members_total": v.members_total, "owner_reps": v.owner_reps,
             "draws": [{"specialty": sp, "count": c, "reserves": r} for sp, c, r in v.draws], "rounds": v.rounds}
            for v in rows]
    if args.json:
        print_json(docs)
    else:
        for v in rows:
            plan = "，".join(f"{sp}×{c}+{r}" for sp, c, r in v.draws)
            print(f"{v.evaluation_id}  {beijing(v.starts_at):%m-%d %H:%M}  {v.room_name or v.room_code}  {plan}  轮次 rounds {v.rounds}")
    return 0


def _pool(args: argparse.Namespace) -> int:
    hall = Hall.open(config_from_args(args))
    try:
        v = ExpertsService(hall).pool(args.evaluation_id)
    except HallError as exc:
        print(f"{exc.zh} {exc.en}", file=sys.stderr)
        return 2
    finally:
        hall.close()
    doc = {"evaluation_id": v.evaluation_id, "pool_size": v.pool_size, "pool_sha256": v.pool_sha256,
           "can_draw": v.can_draw, "excluded": v.excluded,
           "lines": [{"specialty": ln.specialty, "count": ln.count, "reserves": ln.reserves, "eligible": ln.eligible,
                      "short": ln.short} for ln in v.lines]}
    if args.json:
        print_json(doc)
    else:
        for ln in v.lines:
            mark = "  不足 short" if ln.short else ""
            print(f"{ln.specialty}  需 need {ln.count}+{ln.reserves}  符合条件 eligible {ln.eligible}{mark}")
        print(f"排除 excluded: {v.excluded}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    key = None
    if cfg.platform.public_key_file:  # the beacons' receipts are then checked against the platform's key
        from sync.client import read_public_key

        key = read_public_key(cfg.platform.public_key_file)
    hall = Hall.open(cfg)
    try:
        check = ExpertsService(hall).verify_draw(args.evaluation_id, key)
    finally:
        hall.close()
    if args.json:
        print_json({"evaluation_id": args.evaluation_id, "ok": check.ok, "rounds": check.rounds,
                    "problems": list(check.problems), "notes": list(check.notes)})
    else:
        print(check.message(), file=sys.stdout if check.ok else sys.stderr)
    return 0 if check.ok else 1


def _rooms(args: argparse.Namespace) -> int:
    import datetime as dt

    from kiosk.experts.signin import SigninService

    day = dt.date.fromisoformat(args.date) if args.date else None
    hall = Hall.open(config_from_args(args))
    try:
        rows = SigninService(hall).room_counts(day)
    finally:
        hall.close()
    if args.json:
        print_json([{"evaluation_id": c.evaluation_id, "room_code": c.room_code, "room": c.room_name,
                     "starts_at": rfc3339(c.starts_at), "members_in": c.members_in, "members_total": c.members_total,
                     "staff_in": c.staff_in, "signed_out": c.signed_out, "waiting": c.waiting, "recording": c.recording}
                    for c in rows])
    else:
        for c in rows:
            rec = "录像中 recording" if c.recording else "未录像 not recording"
            print(f"{beijing(c.starts_at):%H:%M}  {c.room_name or c.room_code}  已签到 in {c.members_in}/{c.members_total}  "
                  f"工作人员 staff {c.staff_in}  已签退 out {c.signed_out}  待核验 waiting {c.waiting}  {rec}")
    return 0
