"""What the opening screens get from the composition root: decryption started off the UI thread.

``POST /sessions/{id}/decrypt`` goes over the network, so the console never calls it itself: it
calls ``request_decrypt(session_id, operator)``; the root's thread starts decryption through the
rules service and ``post_decrypt_result`` brings the outcome back to the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot


@dataclass(frozen=True)
class DecryptResult:
    """How a request to start decryption ended (``ok``, or the message in both languages)."""

    session_id: str
    ok: bool
    error_zh: str = ""
    error_en: str = ""


class OpeningPorts(QObject):
    decryptResult = Signal(object)
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.platform_configured = False
        #: set by the root: queue a decryption start (session_id, operator); None when stand-alone
        self.request_decrypt: Callable[[str, object], None] | None = None
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, value: object) -> None:
        self.decryptResult.emit(value)

    def post_decrypt_result(self, result: DecryptResult) -> None:
        """Thread-safe."""
        self._posted.emit(result)
