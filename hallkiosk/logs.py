"""Logging for the app: a rotating file in the data dir and stderr, with ID numbers redacted.

Exceptions nobody caught — in a Qt slot (PySide6 hands them to ``sys.excepthook`` and carries on)
or on a thread (``threading.excepthook``) — go to the same log with their traceback, redacted like
every record, instead of only to stderr where a kiosk's operator never looks (issue 21).

A record logged with ``extra={"console": False}`` goes to the file only: for a notice the command
has already printed plainly (the demo's speech notes), so the terminal says it once.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

from kiosk.pii import install_log_redaction

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``<data_dir>/logs/hall-kiosk.log`` and stderr; returns the log file's path."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "hall-kiosk.log"
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers):
        fh = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        fh.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(fh)
    if not any(type(h) is logging.StreamHandler for h in root.handlers):
        sh = logging.StreamHandler()
        sh.setFormatter(logging.Formatter(FORMAT))
        sh.setLevel(logging.WARNING)
        sh.addFilter(lambda record: getattr(record, "console", True))
        root.addHandler(sh)
    install_log_redaction(root)
    install_excepthooks()
    return path


def _log_uncaught(kind: type[BaseException], value: BaseException, tb: TracebackType | None, where: str) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger("hallkiosk.uncaught").error("uncaught exception %s", where, exc_info=(kind, value, tb))


def install_excepthooks() -> None:
    """Send uncaught exceptions (Qt slots, threads) to the log."""
    sys.excepthook = lambda kind, value, tb: _log_uncaught(kind, value, tb, "in a Qt slot or the main thread")

    def on_thread(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "?"
        _log_uncaught(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback, f"on thread {name}")

    threading.excepthook = on_thread
