"""``hall-kiosk experts``: the expert draw from the shell (issue 17; docs/rules/expert-area.md).

    hall-kiosk experts list [--json]                     evaluations to be held here, and their rounds
    hall-kiosk experts pool EVALUATION_ID [--json]       eligible experts per specialty (counts only)
    hall-kiosk experts verify-draw EVALUATION_ID [--json]
        recompute every round of the draw from the journal alone: exit 0 when the commitment, the
        pool hash and the seed give exactly the journalled selection, 1 naming what differs

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
