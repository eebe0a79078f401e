"""Core sub-commands: run, demo, config check, db upgrade, journal verify|stats, operator add|list|disable|set-pin|clear-delay."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from hallkiosk.cli.common import config_from_args, print_json
from kiosk.config import ROLES, describe
from kiosk.operators import ROLES as OPERATOR_ROLES
from kiosk.operators import AccessError

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("run", parents=[common], help="start a terminal role (the launcher without --role)")
    p.add_argument("--role", choices=ROLES, help="kiosk, counter, board, host, auctioneer or admin")
    p.add_argument("--screen", type=int, default=None, help="screen number for the main window")
    p.add_argument("--fullscreen", action="store_true", help="full screen (leaving it needs an admin PIN on a kiosk)")
    p.add_argument("--lang", choices=("zh_CN", "en"), default=None, help="language (default from config: zh_CN)")
    p.set_defaults(func=_run)

    p = subparsers.add_parser("demo", parents=[common], help="seed a demo hall and open the launcher, or tour it headless")
    p.add_argument("--headless", action="store_true", help="no windows: take screenshots of every role into --out")
    p.add_argument("--out", default="demo-output", help="where the headless tour writes screenshots and its report")
    p.set_defaults(func=_demo)

    cfg = subparsers.add_parser("config", help="configuration").add_subparsers(dest="sub", metavar="SUB")
    p = cfg.add_parser("check", parents=[common], help="resolve and validate the configuration, print it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_config_check)

    db = subparsers.add_parser("db", help="database").add_subparsers(dest="sub", metavar="SUB")
    p = db.add_parser("upgrade", parents=[common], help="run the migrations up to the newest")
    p.set_defaults(func=_db_upgrade)

    jr = subparsers.add_parser("journal", help="the hall journal").add_subparsers(dest="sub", metavar="SUB")
    p = jr.add_parser("verify", parents=[common],
                      help="walk the hash chain and check it against the platform's receipts; non-zero naming the first bad seq")
    p.add_argument("--json", action="store_true")
    p.add_argument("--platform-key-file", metavar="FILE",
                   help="the platform's Ed25519 public key, base64 (overrides [platform] public_key_file)")
    p.set_defaults(func=_journal_verify)
    p = jr.add_parser("stats", parents=[common], help="journal id, count, last seq and hash")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_journal_stats)

    op = subparsers.add_parser("operator", help="operators").add_subparsers(dest="sub", metavar="SUB")
    p = op.add_parser("add", parents=[common], help="add an operator (PIN asked for, or --pin-stdin)")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="display name, e.g. 王主持")
    p.add_argument("--role", required=True, choices=OPERATOR_ROLES)
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    p.set_defaults(func=_operator_add)
    p = op.add_parser("list", parents=[common], help="list operators")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_operator_list)
    p = op.add_parser("disable", parents=[common], help="disable an operator")
    p.add_argument("username")
    p.add_argument("--reason", default="")
    p.set_defaults(func=_operator_disable)
    p = op.add_parser("set-pin", parents=[common], help="give an operator a new PIN (6-12 digits; asked for, or --pin-stdin)")
    p.add_argument("username")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    p.set_defaults(func=_operator_set_pin)
    p = op.add_parser("clear-delay", parents=[common],
                      help="clear the wait after wrong PINs (an admin, or another operator of the same role, proves it with their PIN)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("username", nargs="?", help="the operator who has to wait")
    who.add_argument("--exit-pin", metavar="TERMINAL", help="the exit PIN of this terminal (an admin only)")
    p.add_argument("--by", required=True, metavar="USERNAME", help="who clears it")
    p.add_argument("--pin-stdin", action="store_true", help="read --by's PIN from standard input")
    p.set_defaults(func=_operator_clear_delay)


def _open_hall(args: argparse.Namespace):
    from kiosk.hall import Hall

    return Hall.open(config_from_args(args))


def _run(args: argparse.Namespace) -> int:
    from hallkiosk.app import run_app

    return run_app(config_from_args(args), role=args.role, screen=args.screen, fullscreen=args.fullscreen, lang=args.lang)


def _demo(args: argparse.Namespace) -> int:
    from hallkiosk.demo import run_demo

    return run_demo(config_from_args(args), headless=args.headless, out=args.out)


def _config_check(args: argparse.Namespace) -> int:
    cfg = config_from_args(args)
    data = describe(cfg)
    if args.json:
        print_json(data)
    else:
        print(f"配置有效 configuration OK ({cfg.source})")
        for section, values in data.items():
            for key, value in values.items():
                print(f"  {section + '.' if section else ''}{key} = {value!r}")
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from kiosk.db.engine import make_engine
    from kiosk.db.migrate import upgrade

    cfg = config_from_args(args)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(cfg.database_url)
    try:
        rev = upgrade(engine, data_dir=cfg.data_dir)
    finally:
        engine.dispose()
    print(f"数据库已是最新 database at revision {rev}")
    return 0


def _journal_verify(args: argparse.Namespace) -> int:
    from hallkiosk.cli.sync_cmd import verify_receipts

    hall = _open_hall(args)
    try:
        result = hall.verify_journal()
        anchored = verify_receipts(hall.config, hall.engine, hall.journal.journal_id, args.platform_key_file)
    finally:
        hall.close()
    ok = result.ok and anchored.ok
    if args.json:
        print_json({**result.__dict__, "ok": ok, "chain_ok": result.ok, "receipts": anchored.__dict__})
    elif result.ok:
        print(f"日志完整 journal intact: {result.count} entries, last seq {result.last_seq}")
    else:
        print(f"日志被篡改 journal broken at seq {result.first_bad_seq}: {result.problem}", file=sys.stderr)
    if not args.json:
        print(anchored.message(), file=sys.stdout if anchored.ok else sys.stderr)
    return 0 if ok else 1


def _journal_stats(args: argparse.Namespace) -> int:
    hall = _open_hall(args)
    try:
        data = hall.journal_stats()
    finally:
        hall.close()
    if args.json:
        print_json(data)
    else:
        for k, v in data.items():
            print(f"{k}: {v}")
    return 0


def _with_hall(args: argparse.Namespace, act: Callable[[Any], T]) -> T | None:
    """Open the hall, run ``act(hall)``, close it. A refusal (AccessError) is said in both languages
    on stderr and gives None, so every operator command answers it the same way."""
    hall = _open_hall(args)
    try:
        return act(hall)
    except AccessError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return None
    finally:
        hall.close()


def _in_unit(hall: Any, act: Callable[[Any], Any]) -> bool:
    """``act(session)`` in one unit of work; True once committed."""
    with hall.unit() as s:
        act(s)
    return True


def _operator_add(args: argparse.Namespace) -> int:
    pin = _read_pin(args, twice=True)
    if pin is None:
        return 1

    def add(hall: Any) -> Any:
        with hall.unit() as s:
            return hall.operators.add(s, args.username, args.name, args.role, pin)

    info = _with_hall(args, add)
    if info is None:
        return 1
    print(f"已添加 added operator {info.username} ({info.role})")
    return 0


def _operator_list(args: argparse.Namespace) -> int:
    hall = _open_hall(args)
    try:
        ops = hall.list_operators()
    finally:
        hall.close()
    if args.json:
        print_json([o.__dict__ for o in ops])
    else:
        for o in ops:
            state = "停用 disabled" if o.disabled else "正常 active"
            if o.pin_change_due:
                state += "  PIN 须更换 PIN too short: operator set-pin"
            print(f"{o.username:16} {o.display_name:10} {o.role:12} {state}")
    return 0


def _read_pin(args: argparse.Namespace, *, twice: bool) -> str | None:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass("PIN: ")
    if twice and getpass.getpass("PIN again: ") != pin:
        print("两次输入的 PIN 不一致 PINs differ", file=sys.stderr)
        return None
    return pin


def _operator_set_pin(args: argparse.Namespace) -> int:
    pin = _read_pin(args, twice=True)
    if pin is None:
        return 1
    if _with_hall(args, lambda hall: _in_unit(hall, lambda s: hall.operators.set_pin(s, args.username, pin))) is None:
        return 1
    print(f"已更换 PIN changed for {args.username}")
    return 0


def _operator_clear_delay(args: argparse.Namespace) -> int:
    pin = _read_pin(args, twice=False)
    if pin is None:
        return 1
    cleared = _with_hall(args, lambda hall: hall.clear_pin_delay(args.by, pin, operator=args.username, terminal=args.exit_pin))
    if cleared is None:
        return 1
    print(f"已解除等待 wait cleared for {args.username or args.exit_pin} ({cleared} wrong PINs)")
    return 0


def _operator_disable(args: argparse.Namespace) -> int:
    if _with_hall(args, lambda hall: _in_unit(hall, lambda s: hall.operators.disable(s, args.username, reason=args.reason))) is None:
        return 1
    print(f"已停用 disabled {args.username}")
    return 0
