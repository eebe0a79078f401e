"""The document printer: PDFs from consoles go to ``[devices] document_printer`` on the job runner's lane."""

from __future__ import annotations

import logging

from devices.docprinter import DocumentPrinter
from kiosk.ports import DeviceError
from ui.jobs import Jobs
from ui.printing import DocumentOutput, PrintOutcome

log = logging.getLogger(__name__)


def print_one(printer: DocumentPrinter, data: bytes, title: str, copies: int) -> PrintOutcome:
    """One print job (on the ``document-printer`` lane): the outcome, never an exception."""
    try:
        job = printer.print_pdf(data, title, copies)
    except DeviceError as exc:
        log.error("document printing failed: %s", exc.en)
        return PrintOutcome(title, False, error_zh=exc.zh, error_en=exc.en)
    except Exception:  # a broken printer must not end the lane
        log.exception("document printing failed")
        return PrintOutcome(title, False, error_zh="打印故障", error_en="printer fault")
    log.info("document sent to %s: %s", printer.describe(), job)
    return PrintOutcome(title, True, job=job)


def document_output(url: str, jobs: Jobs) -> DocumentOutput:
    """The terminal's :class:`DocumentOutput`: printing through the job runner, or 'not configured'."""
    if not url:
        return DocumentOutput(jobs=jobs)
    try:
        printer = DocumentPrinter(url)
    except DeviceError as exc:
        log.error("document printer: %s", exc.en)
        return DocumentOutput(where=exc.zh, jobs=jobs)
    return DocumentOutput(lambda data, title, copies: print_one(printer, data, title, copies), printer.describe(), jobs)
