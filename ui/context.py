"""What every screen receives from the composition root: the hall facade, the bridge, languages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.hall import Hall
from kiosk.ports import UNKNOWN_OK, DbState, DeviceStatus, SyncStatus
from ui.bridge import QtBridge
from ui.i18n import Languages
from ui.jobs import InlineJobs, Jobs
from ui.printing import DocumentOutput


def _no_devices() -> list[DeviceStatus]:
    return []


def _no_sync() -> SyncStatus | None:
    return None


def _db_unwatched() -> DbState:
    return UNKNOWN_OK


@dataclass
class UiContext:
    """Services and state shared by the windows of one terminal.

    Attributes:
        hall: the core facade (every call is one unit of work returning plain data).
        bridge: signals from worker threads, delivered on the main thread.
        languages: the translator switch.
        role: this terminal's role.
        device_statuses: the latest device statuses (cheap; called by the status bar).
        sync_status: the latest platform-link status, or None when no platform is configured.
        fullscreen: whether the main window runs full screen.
        documents: prints A4 PDFs (records, confirmations) on the office printer, off the UI thread.
        jobs: runs slow calls off the UI thread (``ui/jobs.py``; inline when there is no root).
        db_state: the database's latest state (``kiosk.db.health``; changes also arrive as
            ``bridge.databaseState``). Always "ok" when nothing watches it.
    """

    hall: Hall
    bridge: QtBridge
    languages: Languages
    role: str
    device_statuses: Callable[[], list[DeviceStatus]] = field(default=_no_devices)
    sync_status: Callable[[], SyncStatus | None] = field(default=_no_sync)
    fullscreen: bool = False
    documents: DocumentOutput = field(default_factory=DocumentOutput)
    jobs: Jobs = field(default_factory=InlineJobs)
    db_state: Callable[[], DbState] = field(default=_db_unwatched)
