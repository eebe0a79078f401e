"""Logging for the app: a rotating file in the data dir and stderr, with ID numbers redacted.

A record logged with ``extra={"console": False}`` goes to the file only: for a notice the command
has already printed plainly (the demo's speech notes), so the terminal says it once.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

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
    return path
