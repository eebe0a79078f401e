"""``hall-kiosk``: one entry point, one sub-command module per area.

Each module in ``COMMAND_MODULES`` has ``register(subparsers, common)``: it adds its commands and
sets ``func`` on each parser. ``common`` is a parent parser with ``--config``, ``--data-dir`` and
``--db``, so every sub-command accepts them *after* its name
(``hall-kiosk journal verify --data-dir DIR``). A command returns its exit code.

A command that fails prints what happened and what to do, never a traceback: ``main`` hands any
exception to :func:`hallkiosk.failures.report` (one exit code per cause; the traceback goes to the
data dir's log).

Before any command, ``main`` sets ``umask 077`` and, for an existing data dir, refuses to go on
when a secret is readable by others (exit 16 with the ``chmod 600`` that fixes it) and takes group
and other bits off the data dir (``hallkiosk.failures.secure_files``, ``kiosk/filemodes.py``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

COMMAND_MODULES = (
    "hallkiosk.cli.core_cmd",  # run, demo, config, db, journal, operator
    "hallkiosk.cli.devices_cmd",  # devices …, validate …
    "hallkiosk.cli.sync_cmd",  # sync …, platform-sandbox
    "hallkiosk.cli.queue_cmd",  # queue issue|call|status|report
    "hallkiosk.cli.checkin_cmd",  # checkin …
    "hallkiosk.cli.recording_cmd",  # recording verify|list|export
    "hallkiosk.cli.opening_cmd",  # opening …
    "hallkiosk.cli.auction_cmd",  # auction …
    "hallkiosk.cli.pii_cmd",  # pii plan|purge
    "hallkiosk.cli.keys_cmd",  # keys status|add-terminal|rotate
    "hallkiosk.cli.faces_cmd",  # faces compare
    "hallkiosk.cli.experts_cmd",  # experts list|pool|verify-draw
    "hallkiosk.cli.supervision_cmd",  # supervision replay|notes|witness-record
)


def common_parser() -> argparse.ArgumentParser:
    """The options every sub-command takes."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("configuration")
    g.add_argument("--config", metavar="FILE", help="TOML config file")
    g.add_argument("--data-dir", metavar="DIR", help="data dir (database, keys, recordings)")
    g.add_argument("--db", metavar="URL", help="database URL, e.g. postgresql://user@host/hall (a shared hall)")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hall-kiosk", description="公共资源交易中心现场终端 Hall Kiosk — on-site terminals of a trading centre."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_parser()
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # an area not built yet
            raise
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(0o077)  # every file and directory the hall writes is its owner's alone (kiosk/filemodes.py)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if args.command is None:
            # No command: the launcher, as `hall-kiosk run` without a role.
            args = parser.parse_args(["run", *(argv or [])])
        else:
            parser.parse_args([args.command, "--help"])
            return 2
    try:
        _secure_files(args)
        return int(args.func(args) or 0)
    except SystemExit as exc:  # a command's refusal (hallkiosk/cli/auth.py) ends it with its status
        if isinstance(exc.code, int):
            return exc.code
        raise
    except BaseException as exc:  # Ctrl-C too: a plain line, not a traceback
        from hallkiosk.failures import report

        data_dir, db_url = _where(args)
        return report(exc, data_dir=data_dir, db_url=db_url, address=_listen_address(args))


def _listen_address(args: argparse.Namespace) -> str | None:
    """``host:port`` a command was told to listen on (``--listen socket://…``, ``--host``/``--port``)."""
    listen = getattr(args, "listen", None)
    if isinstance(listen, str) and listen.startswith("socket://"):
        return listen.removeprefix("socket://")
    port = getattr(args, "port", None)
    if isinstance(port, int) and port:
        return f"{getattr(args, 'host', None) or '127.0.0.1'}:{port}"
    return None


def _secure_files(args: argparse.Namespace) -> None:
    """Refuse a data dir whose secrets others may read; tighten the rest (``failures.secure_files``)."""
    if not hasattr(args, "data_dir"):
        return  # a command without --config/--data-dir/--db uses no data dir
    if getattr(args, "command", None) == "demo":
        return  # the demo checks after clearing a dir it was stopped in (hallkiosk.demo.run_demo)
    from hallkiosk.failures import secure_files
    from kiosk.config import ConfigError, load_config

    try:
        cfg = load_config(getattr(args, "config", None), data_dir=getattr(args, "data_dir", None), db_url=getattr(args, "db", None))
    except ConfigError:
        return  # the command reports its configuration itself
    if cfg.data_dir.is_dir():
        secure_files(cfg)


def _where(args: argparse.Namespace) -> tuple[Path | None, str | None]:
    """The data dir and database URL a command used, for the failure report (None when unknown)."""
    try:
        from kiosk.config import load_config

        cfg = load_config(getattr(args, "config", None), data_dir=getattr(args, "data_dir", None), db_url=getattr(args, "db", None))
        return cfg.data_dir, cfg.database_url
    except Exception:  # the configuration itself is what failed: report without a place for the log
        data_dir = getattr(args, "data_dir", None)
        return (Path(data_dir) if data_dir else None), getattr(args, "db", None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
