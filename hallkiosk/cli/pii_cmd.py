"""``hall-kiosk pii …``: personal-data retention (docs/architecture.md §4, :mod:`kiosk.retention`).

* ``pii plan [--json]`` — what is older than ``[security] pii_retention_days`` and would be purged,
  and whether a purge now would be refused because the clock moved (``clock_refused``, ``clock_moved_s``).
* ``pii purge [--json] [--confirm-clock]`` — purge it now (face photos shredded, ID-number
  ciphertexts emptied, full names cut to their masked form, one ``pii.purged`` journal entry).
  Every terminal also runs this by itself every few hours. When the clock moved by more than
  ``[platform] max_clock_step_s`` since the last purge, or a clock alarm is raised, nothing is
  purged and the command exits 1 saying by how much (``--json``: ``{"purged": false, "refused":
  "clock-moved", …}``); ``--confirm-clock`` after checking the clock purges (and journals who confirmed).
"""

from __future__ import annotations

import argparse

from hallkiosk.cli.auth import admin
from hallkiosk.cli.common import config_from_args, print_json
from kiosk.hall import Hall
from kiosk.retention import ClockMovedError, PurgePlan
from kiosk.timeutil import beijing


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("pii", parents=[common], help="personal data: retention plan and purge")
    sub = p.add_subparsers(dest="pii_command", metavar="ACTION", required=True)
    for name, helptext in (("plan", "what would be purged"), ("purge", "purge personal data past its retention")):
        q = sub.add_parser(name, parents=[common], help=helptext)
        q.add_argument("--json", action="store_true")
        if name == "purge":
            q.add_argument("--by", required=True, metavar="ADMIN",
                           help="the admin who purges (journalled); their PIN is read from stdin")
            q.add_argument("--confirm-clock", action="store_true",
                           help="the clock moved since the last purge and an operator checked it: purge anyway")
        q.set_defaults(func=cmd_plan if name == "plan" else cmd_purge)


def _print(plan: PurgePlan, done: bool, as_json: bool, days: int) -> None:
    refusal = plan.clock_refusal
    if as_json:
        extra = {} if done else {"clock_refused": refusal is not None,
                                 "clock_moved_s": round(refusal.moved_s) if refusal is not None else None}
        print_json({**plan.as_dict(), "retention_days": days, "purged": done, "files_missing": len(plan.files_missing),
                    **extra})
        return
    verb = "已清除 purged" if done else "将清除 would purge"
    print(f"{verb} (保留期 retention {days} 天 days, 截止 before {beijing(plan.cutoff):%Y-%m-%d %H:%M}): "
          f"人脸照片 face photos {len(plan.faces)} (未上传 not uploaded {plan.faces_not_uploaded}), "
          f"代理人身份证号 representatives' ID numbers {plan.representatives}, "
          f"自然人投标人证件号 bidders' ID numbers {plan.bidder_codes}, 黑名单 blacklist {plan.blacklist_codes}, "
          f"姓名改为脱敏形式 names masked: 代理人 representatives {plan.representative_names}, "
          f"签到 check-ins {plan.checkin_names}")
    if plan.files_missing:
        print(f"未找到的照片文件 face files not found under this data dir: {len(plan.files_missing)}")
    if refusal is not None:
        print(f"现在清除将被拒绝 a purge now would be refused: {refusal.zh}")
        print(refusal.en)


def cmd_plan(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    hall = Hall.open(cfg)
    try:
        _print(hall.pii_purge_plan(), False, args.json, cfg.security.pii_retention_days)
        return 0
    finally:
        hall.close()


def cmd_purge(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    hall = Hall.open(cfg)
    try:
        try:
            who = admin(hall, args.by)  # the admin's PIN from stdin; exits 1 when refused (issue 15 must 1)
            done = hall.purge_personal_data(operator=who.username, confirm_clock=args.confirm_clock)
        except ClockMovedError as exc:
            if args.json:
                print_json({"purged": False, "refused": exc.code, "clock_moved_s": round(exc.moved_s),
                            "bound_s": round(exc.bound_s), "clock_alarm": exc.alarm, "message": exc.en})
            else:
                print(exc.zh)
                print(exc.en)
            return 1
        _print(done, True, args.json, cfg.security.pii_retention_days)
        return 0
    finally:
        hall.close()
