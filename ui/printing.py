"""Printing A4 documents from a console (开标记录表, 成交确认书, 拍卖笔录) without blocking the screen.

The composition root gives the terminal a :class:`DocumentOutput` whose ``submit`` queues the PDF to
a printing thread (``hallkiosk/documents_wiring.py``); the outcome comes back through a queued
signal, so a slow or broken printer never freezes the console and every failure is said in words.
Without a configured ``[devices] document_printer`` the output says so instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot


@dataclass(frozen=True)
class PrintOutcome:
    """How one print request ended."""

    title: str
    ok: bool
    job: str = ""  #: CUPS job id, or the file written to a hot folder
    error_zh: str = ""
    error_en: str = ""

    @property
    def zh(self) -> str:
        return f"已送打印：{self.title}（{self.job}）" if self.ok else f"打印失败：{self.error_zh}"

    @property
    def en(self) -> str:
        return f"sent to the printer: {self.title} ({self.job})" if self.ok else f"printing failed: {self.error_en or self.error_zh}"


#: (pdf bytes, title, copies, on_done) → None; on_done may be called from any thread
Submit = Callable[[bytes, str, int, Callable[[PrintOutcome], None]], None]


class DocumentOutput(QObject):
    """A console's way to print a PDF; ``finished(PrintOutcome)`` arrives on the main thread."""

    finished = Signal(object)
    _posted = Signal(object)

    def __init__(self, submit: Submit | None = None, where: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.where = where  #: e.g. "CUPS hall-a4", shown next to the print button
        self.busy = 0
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def available(self) -> bool:
        return self.submit is not None

    def print_pdf(self, data: bytes, title: str, copies: int = 1) -> None:
        if self.submit is None:
            self.finished.emit(PrintOutcome(title, False, error_zh="本终端未配置文档打印机（[devices] document_printer）",
                                            error_en="no document printer is configured on this terminal"))
            return
        self.busy += 1
        self.submit(data, title, copies, self._posted.emit)

    @Slot(object)
    def _deliver(self, outcome: object) -> None:
        self.busy = max(0, self.busy - 1)
        self.finished.emit(outcome)
