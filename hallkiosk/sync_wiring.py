"""The platform link in the running app: the sync worker on an owned thread, its status for the UI.

Started only when ``[platform] url``, ``journal_id`` and ``secret_file`` are configured; otherwise
the terminal runs stand-alone and its journal waits, complete, for the day a platform is set.
The worker is woken by every journal entry the follower sees, so a check-in or a bid is pushed
at once instead of at the next idle tick.
"""

from __future__ import annotations

import base64
from pathlib import Path

from hallkiosk.threads import Threads
from kiosk.clock import PlatformClock
from kiosk.hall import Hall
from sync.client import InsecurePlatformURL, PlatformKeyError, client_from_config
from sync.worker import SyncWorker


class SyncSetupError(RuntimeError):
    """The platform settings are incomplete or the secret cannot be read."""


def read_secret(path: str | Path) -> bytes:
    """The journal secret (32 bytes) from its base64 file.

    Raises:
        SyncSetupError: missing, not base64, or not 32 bytes.
    """
    try:
        secret = base64.b64decode(Path(path).read_bytes().strip(), validate=True)
    except FileNotFoundError as exc:
        raise SyncSetupError(f"secret file {path} does not exist") from exc
    except ValueError as exc:
        raise SyncSetupError(f"secret file {path} is not base64") from exc
    if len(secret) < 16:
        raise SyncSetupError(f"secret file {path} holds {len(secret)} bytes; the platform hands out 32")
    return secret


def start_sync(hall: Hall, threads: Threads) -> SyncWorker | None:
    """Start the sync worker when a platform is configured; None when the terminal is stand-alone."""
    p = hall.config.platform
    if not (p.url and p.journal_id and p.secret_file):
        return None
    clock = hall.clock if isinstance(hall.clock, PlatformClock) else PlatformClock()
    try:
        client = client_from_config(p, hall.journal.journal_id, read_secret(p.secret_file), clock)
    except (InsecurePlatformURL, PlatformKeyError) as exc:
        raise SyncSetupError(str(exc)) from exc
    worker = SyncWorker(hall.engine, client, hall.vault, hall.journal.journal_id, data_dir=hall.config.data_dir,
                        journal=hall.journal)
    threads.start("sync", worker.run)
    threads.on_stop(client.close)
    return worker
