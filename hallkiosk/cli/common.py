"""Helpers shared by the sub-command modules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk.config import Config, ConfigError, load_config


def config_from_args(args: argparse.Namespace) -> Config:
    """The configuration from ``--config``, ``--data-dir``, ``--db`` and the environment.

    Exits with status 2 and a one-line message when the configuration is wrong.
    """
    try:
        return load_config(
            getattr(args, "config", None), data_dir=getattr(args, "data_dir", None), db_url=getattr(args, "db", None)
        )
    except ConfigError as exc:
        print(f"配置错误 config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def print_json(value: Any) -> None:
    """One JSON document on stdout, UTF-8, not ASCII-escaped."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=None, default=str) + "\n")
    sys.stdout.flush()
