"""A console prints an A4 PDF through the terminal's document output: off the UI thread, outcome on it."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.config import Config

PDF = b"%PDF-1.4\n%%EOF\n"


def test_terminal_prints_to_its_document_printer_and_reports_on_the_main_thread(qtbot, demo_cfg: Config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    spool = tmp_path / "spool"
    spool.mkdir()
    cfg = dataclasses.replace(demo_cfg, devices=dataclasses.replace(demo_cfg.devices, document_printer=f"dir://{spool}"))
    term = build_terminal(cfg, "host", follow=False, devices=False, sync=False, housekeeping=False)
    try:
        out = term.ctx.documents
        assert out.available and out.where == str(spool)
        seen: list = []
        out.print_pdf(PDF, "开标记录表", on_done=lambda o: seen.append((o, threading.current_thread() is threading.main_thread())))
        assert out.busy == 1 and seen == []  # queued on the printer's lane, not printed on this thread
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
        [(outcome, on_main)] = seen
        assert outcome.ok and on_main and out.busy == 0
        assert ("document-printer", "print 开标记录表") in [(lane, key) for lane, key, _s in term.ctx.jobs.finished]
        assert [p.read_bytes() for p in spool.iterdir()] == [PDF]
    finally:
        term.stop()
        term.window.deleteLater()


def test_without_a_document_printer_the_console_is_told_so(qtbot, demo_cfg: Config) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    term = build_terminal(demo_cfg, "host", follow=False, devices=False, sync=False, housekeeping=False)
    try:
        out = term.ctx.documents
        assert not out.available
        seen: list = []
        out.print_pdf(PDF, "开标记录表", on_done=seen.append)
        [outcome] = seen
        assert not outcome.ok and "document_printer" in outcome.error_zh
    finally:
        term.stop()
        term.window.deleteLater()
