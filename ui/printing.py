"""Printing A4 documents from a console (开标记录表, 成交确认书, 拍卖笔录) without blocking the screen.

The composition root gives the terminal a :class:`DocumentOutput` that prints through the terminal's
job runner (``hallkiosk/documents_wiring.py``, ``ui/jobs.py``); the outcome comes back on the main
thread, so a slow or broken printer never freezes the console and every failure is said in words.
Without a configured ``[devices] document_printer`` the output says so instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ui.jobs import DOCUMENT_PRINTER, InlineJobs, JobOutcome, Jobs


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


#: (pdf bytes, title, copies) → the outcome; runs on the document printer's lane, never the UI thread
PrintPdf = Callable[[bytes, str, int], PrintOutcome]


class DocumentOutput:
    """A console's way to print a PDF.

    ``print_pdf`` hands the job to the terminal's job runner (lane ``document-printer``: one job after
    another); its outcome goes to the request's own ``on_done`` on the main thread, so a screen hears
    of its own documents without filtering anyone else's.
    """

    def __init__(self, printer: PrintPdf | None = None, where: str = "", jobs: Jobs | None = None) -> None:
        self.printer = printer
        self.where = where  #: e.g. "CUPS hall-a4", shown next to the print button
        self.jobs: Jobs = jobs if jobs is not None else InlineJobs()
        self.busy = 0

    @property
    def available(self) -> bool:
        return self.printer is not None

    def print_pdf(self, data: bytes, title: str, copies: int = 1,
                  on_done: Callable[[PrintOutcome], None] | None = None) -> None:
        printer = self.printer
        if printer is None:
            self._finish(PrintOutcome(title, False, error_zh="本终端未配置文档打印机（[devices] document_printer）",
                                      error_en="no document printer is configured on this terminal"), on_done)
            return
        self.busy += 1

        def done(outcome: JobOutcome) -> None:
            self.busy = max(0, self.busy - 1)
            result = outcome.value if outcome.ok else PrintOutcome(title, False, error_zh=outcome.zh, error_en=outcome.en)
            self._finish(result, on_done)

        self.jobs.run(f"print {title}", lambda: printer(data, title, copies), done, lane=DOCUMENT_PRINTER)

    def _finish(self, outcome: PrintOutcome, on_done: Callable[[PrintOutcome], None] | None) -> None:
        if on_done is not None:
            on_done(outcome)
