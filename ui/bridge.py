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
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot


class QtBridge(QObject):
    journalEntries = Signal(list)
    deviceStatuses = Signal(list)
    syncStatus = Signal(object)
    cardEvent = Signal(object)
    scannedCode = Signal(str)

    _posted = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(str, object)
    def _deliver(self, name: str, value: object) -> None:
        getattr(self, name).emit(value)

    # Thread-safe entry points -------------------------------------------------------------------
    def post_entries(self, entries: list) -> None:
        self._posted.emit("journalEntries", list(entries))

    def post_device_statuses(self, statuses: list) -> None:
        self._posted.emit("deviceStatuses", list(statuses))

    def post_sync_status(self, status: object) -> None:
        self._posted.emit("syncStatus", status)

    def post_card_event(self, event: object) -> None:
        self._posted.emit("cardEvent", event)

    def post_scanned_code(self, code: str) -> None:
        self._posted.emit("scannedCode", code)
