"""Devices in the running app: a card on a simulated reader reaches the UI thread; statuses show."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QThread

from devices.idcard.simulator import IdReaderSimulator, demo_card
from devices.printer.simulator import PrinterSimulator
from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.config import load_config
from kiosk.ports import DeviceState


def test_reader_and_printer_reach_the_screen(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    with IdReaderSimulator(baud=None) as reader, PrinterSimulator(baud=None) as printer:
        cfg = load_config(data_dir=tmp_path, environ={})
        cfg = dataclasses.replace(cfg, devices=dataclasses.replace(cfg.devices, id_reader=reader.url, printer=printer.url))
        term = build_terminal(cfg, "kiosk", follow=False)
        try:
            events: list[tuple[object, bool]] = []
            term.ctx.bridge.cardEvent.connect(lambda e: events.append((e, QThread.currentThread() is term.ctx.bridge.thread())))
            reader.place_card(demo_card())
            qtbot.waitUntil(lambda: any(e.kind == "card" for e, _ in events), timeout=5000)
            card_event = next(e for e, _ in events if e.kind == "card")
            assert card_event.card.id_number == demo_card().id_number
            assert all(on_main for _, on_main in events)
            status = term.window.status_items
            qtbot.waitUntil(lambda: "打印机·正常" in status.devices.text() and "身份证阅读器·正常" in status.devices.text(), timeout=8000)
            printer.paper_out = True
            assert term.monitor is not None
            term.monitor.refresh()  # what the monitor's loop does every 5 s
            qtbot.waitUntil(lambda: "打印机·故障" in status.devices.text(), timeout=3000)
            states = {s.name: s.state for s in term.ctx.device_statuses()}
            assert states["printer"] == DeviceState.ERROR and states["id_reader"] == DeviceState.ONLINE
            assert status.devices.property("state") == "error"
        finally:
            term.stop()


def test_host_console_drives_a_big_screen(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.roles.board import BoardPage

    ensure_qapp()
    term = build_terminal(load_config(data_dir=tmp_path, environ={}), "host", follow=False, devices=False, big_screen=True)
    try:
        assert term.big_screen is not None
        assert isinstance(term.big_screen.page, BoardPage)
        assert term.big_screen.ctx.role == "board" and term.big_screen.ctx.hall is term.hall
        assert not term.big_screen.header.isVisibleTo(term.big_screen)  # a wall screen has no header
    finally:
        term.stop()
