"""What the opening screens get from the composition root: slow work off the UI thread.

``POST /sessions/{id}/decrypt`` goes over the network, so the console never calls it itself: it
calls ``request_decrypt(session_id, operator)``; the root's thread starts decryption through the
rules service and ``post_decrypt_result`` brings the outcome back to the main thread.

Signing the record (PDF, hashing, blob store: ~0.3 s) goes the same way: the console hands a
call to ``run_job(key, session_id, fn)``; the root's worker thread runs it and
``post_job_result`` brings a :class:`JobResult` back (signal ``jobResult``). When ``run_job`` is
None (no root, e.g. a bare widget) the console runs the call itself.
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


@dataclass(frozen=True)
class JobResult:
    """How a call run off the UI thread ended: its value, or the message in both languages."""

    key: str  #: what the console asked for, e.g. ``sign``
    session_id: str
    ok: bool
    value: object = None
    error_zh: str = ""
    error_en: str = ""
    seconds: float = 0.0


class OpeningPorts(QObject):
    decryptResult = Signal(object)
    jobResult = Signal(object)
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.platform_configured = False
        #: set by the root: queue a decryption start (session_id, operator); None when stand-alone
        self.request_decrypt: Callable[[str, object], None] | None = None
        #: set by the root: run ``fn`` on its worker thread (key, session_id, fn); None → run inline
        self.run_job: Callable[[str, str, Callable[[], object]], None] | None = None
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver(self, value: object) -> None:
        if isinstance(value, JobResult):
            self.jobResult.emit(value)
        else:
            self.decryptResult.emit(value)

    def post_job_result(self, result: JobResult) -> None:
        """Thread-safe."""
        self._posted.emit(result)

    def post_decrypt_result(self, result: DecryptResult) -> None:
        """Thread-safe."""
        self._posted.emit(result)
