"""ESC/POS thermal receipt printer: encoder, status, driver, preview and simulator (docs/devices.md §3).

The kiosk prints queue tickets and check-in slips on 58/80 mm printers that speak ESC/POS with
GB18030 Chinese (docs/devices.md §3). :class:`EscPosPrinter` implements the
``kiosk.ports.Printer`` port over any pyserial URL; :class:`PrinterSimulator` speaks the same
bytes on ``socket://`` or a pty so the demo and the tests run the real driver code.
"""

from __future__ import annotations

from devices.printer.driver import EscPosPrinter
from devices.printer.escpos import encode_slip
from devices.printer.preview import render, render_png
from devices.printer.simulator import PrinterSimulator

__all__ = ["EscPosPrinter", "PrinterSimulator", "encode_slip", "render", "render_png"]
