"""Core sub-commands: run, demo, config check, db upgrade, journal verify|stats, operator add|list|disable|set-pin|link-card|clear-delay.

Every operator change names who makes it (``--by``, an admin; ``set-pin`` may be the operator
themselves) and proves it with that person's PIN — stdin's first line with ``--pin-stdin``, asked
for otherwise; a new PIN follows on the next line (issue 15 must 1). The one exception is the hall's
first admin, added while no admin exists.
"""

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
    p.add_argument("--by", metavar="ADMIN", help="the admin who adds it (not needed for the hall's first admin)")
    p.add_argument("--pin-stdin", action="store_true", help="read --by's PIN, then the new PIN, from standard input")
    p.set_defaults(func=_operator_add)
    p = op.add_parser("list", parents=[common], help="list operators")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_operator_list)
    p = op.add_parser("disable", parents=[common], help="disable an operator (an admin, with their PIN)")
    p.add_argument("username")
    p.add_argument("--reason", default="")
    p.add_argument("--by", required=True, metavar="ADMIN")
    p.add_argument("--pin-stdin", action="store_true", help="read --by's PIN from standard input")
    p.set_defaults(func=_operator_disable)
    p = op.add_parser("set-pin", parents=[common], help="give an operator a new PIN (6-12 digits; asked for, or --pin-stdin)")
    p.add_argument("username")
    p.add_argument("--by", metavar="USERNAME", help="an admin; without it the operator's own current PIN")
    p.add_argument("--pin-stdin", action="store_true", help="read --by's (or the current) PIN, then the new PIN, from stdin")
    p.set_defaults(func=_operator_set_pin)
    p = op.add_parser("link-card", parents=[common],
                      help="bind an account to its holder's ID card: that card then takes a session role only with this PIN")
    p.add_argument("username")
    p.add_argument("--by", required=True, metavar="ADMIN")
    p.add_argument("--pin-stdin", action="store_true", help="read --by's PIN (then, with --id-number-stdin, the number) from stdin")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--card", action="store_true", help="read the card on the configured reader ([devices] id_reader)")
    how.add_argument("--id-number-stdin", action="store_true", help="the ID number on stdin, after the PIN")
    how.add_argument("--unlink", action="store_true", help="remove the binding")
    p.set_defaults(func=_operator_link_card)
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
    def add(hall: Any) -> Any:
        first = not any(o.role == "admin" and not o.disabled for o in hall.list_operators())
        if first and args.role != "admin":
            raise AccessError("first-admin", "本厅还没有管理员：请先添加管理员（--role admin）",
                              "the hall has no admin yet: add one first (--role admin)")
        by = "bootstrap" if first else _by_admin(hall, args)
        pin = _read_pin(args, twice=True)
        if pin is None:
            return None
        with hall.unit() as s:
            return hall.operators.add(s, args.username, args.name, args.role, pin, by=by)

    info = _with_hall(args, add)
    if info is None:
        return 1
    print(f"已添加 added operator {info.username} ({info.role})")
    return 0


def _by_admin(hall: Any, args: argparse.Namespace) -> str:
    """``--by``'s PIN (stdin's first line or asked for), checked as an admin's; raises AccessError."""
    if not args.by:
        raise AccessError("by-required", "须由管理员执行（--by 管理员账号）", "an admin must do this (--by ADMIN)")
    pin = sys.stdin.readline().strip() if args.pin_stdin else getpass.getpass(f"PIN of {args.by}: ")
    info = hall.login(args.by, pin, roles=("admin",))
    if info.role != "admin":
        raise AccessError("role", "须由管理员执行", "an admin must do this")
    return str(info.username)


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
    def set_pin(hall: Any) -> Any:
        if args.by and args.by != args.username:
            by = _by_admin(hall, args)
        else:  # the operator's own current PIN
            current = sys.stdin.readline().strip() if args.pin_stdin else getpass.getpass("current PIN: ")
            by = hall.login(args.username, current).username
        pin = _read_pin(args, twice=True)
        if pin is None:
            return None
        return _in_unit(hall, lambda s: hall.operators.set_pin(s, args.username, pin, by=by))

    if _with_hall(args, set_pin) is None:
        return 1
    print(f"已更换 PIN changed for {args.username}")
    return 0


def _operator_link_card(args: argparse.Namespace) -> int:
    def link(hall: Any) -> Any:
        by = _by_admin(hall, args)
        if args.unlink:
            person = None
        elif args.card:
            from hallkiosk.cli.auth import read_card

            person = hall.vault.lookup_hmac(read_card(hall).id_number)
        else:
            number = sys.stdin.readline().strip()
            if not number:
                raise AccessError("no-number", "缺少身份证号码（标准输入）", "no ID number on stdin")
            person = hall.vault.lookup_hmac(number)
        return _in_unit(hall, lambda s: hall.operators.link_card(s, args.username, person, by=by))

    if _with_hall(args, link) is None:
        return 1
    print(f"已{'解除绑定' if args.unlink else '绑定身份证'} {'unlinked' if args.unlink else 'card linked'}: {args.username}")
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
    def disable(hall: Any) -> Any:
        by = _by_admin(hall, args)
        return _in_unit(hall, lambda s: hall.operators.disable(s, args.username, by=by, reason=args.reason))

    if _with_hall(args, disable) is None:
        return 1
    print(f"已停用 disabled {args.username}")
    return 0
