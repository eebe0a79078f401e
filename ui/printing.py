"""Printing A4 documents from a console (开标记录表, 成交确认书, 拍卖笔录) without blocking the screen.

The composition root gives the terminal a :class:`DocumentOutput` whose ``submit`` queues the PDF to
a printing thread (``hallkiosk/documents_wiring.py``); the outcome comes back through a queued
signal, so a slow or broken printer never freezes the console and every failure is said in words.
Without a configured ``[devices] document_printer`` the output says so instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

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
    """A console's way to print a PDF.

    The outcome goes to the request's own ``on_done`` and to ``finished(PrintOutcome)``, both on
    the main thread, so a screen hears of its own documents without filtering anyone else's.
    """

    finished = Signal(object)
    _posted = Signal(object)

    def __init__(self, submit: Submit | None = None, where: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.where = where  #: e.g. "CUPS hall-a4", shown next to the print button
        self.busy = 0
        self._jobs = 0
        self._callbacks: dict[int, Callable[[PrintOutcome], None] | None] = {}
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def available(self) -> bool:
        return self.submit is not None

    def print_pdf(self, data: bytes, title: str, copies: int = 1,
                  on_done: Callable[[PrintOutcome], None] | None = None) -> None:
        if self.submit is None:
            self._finish(PrintOutcome(title, False, error_zh="本终端未配置文档打印机（[devices] document_printer）",
                                      error_en="no document printer is configured on this terminal"), on_done)
            return
        self.busy += 1
        self._jobs += 1
        job = self._jobs
        self._callbacks[job] = on_done
        self.submit(data, title, copies, lambda outcome: self._posted.emit((job, outcome)))

    @Slot(object)
    def _deliver(self, item: object) -> None:
        job, outcome = cast("tuple[int, PrintOutcome]", item)
        self.busy = max(0, self.busy - 1)
        self._finish(outcome, self._callbacks.pop(job, None))

    def _finish(self, outcome: PrintOutcome, on_done: Callable[[PrintOutcome], None] | None) -> None:
        if on_done is not None:
            on_done(outcome)
        self.finished.emit(outcome)
