"""``hall-kiosk``: one entry point, one sub-command module per area.

Each module in ``COMMAND_MODULES`` has ``register(subparsers, common)``: it adds its commands and
sets ``func`` on each parser. ``common`` is a parent parser with ``--config``, ``--data-dir`` and
``--db``, so every sub-command accepts them *after* its name
(``hall-kiosk journal verify --data-dir DIR``). A command returns its exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if args.command is None:
            # No command: the launcher, as `hall-kiosk run` without a role.
            args = parser.parse_args(["run", *(argv or [])])
        else:
            parser.parse_args([args.command, "--help"])
            return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
