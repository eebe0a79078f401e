"""The bridge from worker threads to the Qt main thread (docs/architecture.md §6).

Threads of the composition root (journal follower, device readers, sync worker) call the
``post_*`` methods from any thread. Each posts through a *queued* connection to a slot of this
object, which lives on the main thread, and that slot re-emits the public signal there — so
widgets are only ever touched on the main thread, whatever thread produced the data.

Signals:
    journalEntries(list): new journal entries (``kiosk.journal.Entry``), in seq order.
    deviceStatuses(list): the current ``DeviceStatus`` of every configured device.
    syncStatus(object): the current ``SyncStatus`` (or None when no platform is configured).
    cardEvent(object): a ``CardEvent`` from the ID card reader.
    scannedCode(str): a code read by the QR scanner.
    databaseState(object): a ``kiosk.db.health.DbState`` whenever the database's answer changes.

``call(fn, *args)`` runs any callable on the main thread the same way: the job runner
(``hallkiosk/jobs.py``) brings every job's outcome back through it, and the camera loop its frames.
It is the terminal's one way back to the main thread; no screen keeps a queued signal of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot


class QtBridge(QObject):
    journalEntries = Signal(list)
    deviceStatuses = Signal(list)
    syncStatus = Signal(object)
    cardEvent = Signal(object)
    scannedCode = Signal(str)
    databaseState = Signal(object)

    _posted = Signal(str, object)
    _called = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._called.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(str, object)
    def _deliver(self, name: str, value: object) -> None:
        getattr(self, name).emit(value)

    @Slot(object, object)
    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        fn(*args)

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Thread-safe: run ``fn(*args)`` on the main thread, after what is already queued there."""
        self._called.emit(fn, args)

    # Thread-safe entry points -------------------------------------------------------------------
    def post_entries(self, entries: list) -> None:
        self._posted.emit("journalEntries", list(entries))

    def post_device_statuses(self, statuses: list) -> None:
        self._posted.emit("deviceStatuses", list(statuses))

    def post_sync_status(self, status: object) -> None:
        self._posted.emit("syncStatus", status)

    def post_card_event(self, event: object) -> None:
        self._posted.emit("cardEvent", event)

    def post_db_state(self, state: object) -> None:
        self._posted.emit("databaseState", state)

    def post_scanned_code(self, code: str) -> None:
        self._posted.emit("scannedCode", code)
