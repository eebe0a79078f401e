"""The document printer's thread: PDFs from consoles go to ``[devices] document_printer`` one by one."""

from __future__ import annotations

import logging
import queue as stdqueue
import threading
from collections.abc import Callable

from devices.docprinter import DocumentPrinter
from hallkiosk.threads import Threads
from kiosk.ports import DeviceError
from ui.printing import DocumentOutput, PrintOutcome

log = logging.getLogger(__name__)

Job = tuple[bytes, str, int, Callable[[PrintOutcome], None]]


class DocumentPrintWorker:
    """Runs print jobs on a thread of the composition root; each outcome goes to its callback."""

    def __init__(self, printer: DocumentPrinter) -> None:
        self.printer = printer
        self.jobs: stdqueue.Queue[Job] = stdqueue.Queue()

    def submit(self, data: bytes, title: str, copies: int, on_done: Callable[[PrintOutcome], None]) -> None:
        self.jobs.put((data, title, copies, on_done))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                data, title, copies, on_done = self.jobs.get(timeout=0.1)
            except stdqueue.Empty:
                continue
            on_done(self.print_one(data, title, copies))

    def print_one(self, data: bytes, title: str, copies: int) -> PrintOutcome:
        try:
            job = self.printer.print_pdf(data, title, copies)
        except DeviceError as exc:
            log.error("document printing failed: %s", exc.en)
            return PrintOutcome(title, False, error_zh=exc.zh, error_en=exc.en)
        except Exception:  # a broken printer must not end the loop
            log.exception("document printing failed")
            return PrintOutcome(title, False, error_zh="打印故障", error_en="printer fault")
        log.info("document sent to %s: %s", self.printer.describe(), job)
        return PrintOutcome(title, True, job=job)


def start_document_output(url: str, threads: Threads) -> DocumentOutput:
    """The terminal's :class:`DocumentOutput`: printing through a thread, or 'not configured'."""
    if not url:
        return DocumentOutput()
    try:
        printer = DocumentPrinter(url)
    except DeviceError as exc:
        log.error("document printer: %s", exc.en)
        out = DocumentOutput()
        out.where = exc.zh
        return out
    worker = DocumentPrintWorker(printer)
    threads.start("document-printer", worker.run)
    return DocumentOutput(worker.submit, printer.describe())
