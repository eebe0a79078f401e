"""The stall meter says how long the UI thread was held, where, and whether it was working or kept waiting."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer

from tests.helpers.screens import wait_until
from ui.stall import StallMeter


def crunch_for_a_while() -> None:
    """A slot that works on the UI thread for 200 ms."""
    end = time.thread_time() + 0.2
    while time.thread_time() < end:
        sum(i * i for i in range(500))


def wait_for_a_while() -> None:
    """A slot that blocks the UI thread for 200 ms without working (as a wait on a lock or a socket does)."""
    time.sleep(0.2)


def test_a_stall_names_the_slot_that_held_the_thread_and_its_cpu(qapp: Any) -> None:
    meter = StallMeter(where_ms=60).start()
    try:
        QTimer.singleShot(20, crunch_for_a_while)
        wait_until(lambda: len(meter.stalls) >= 1 and meter.ticks > 5)
        QTimer.singleShot(20, wait_for_a_while)
        wait_until(lambda: len(meter.stalls) >= 2 and meter.ticks > 10)
    finally:
        meter.stop()
    worked = next(s for s in meter.longest(5) if "crunch_for_a_while" in s.where)
    waited = next(s for s in meter.longest(5) if "wait_for_a_while" in s.where)
    assert worked.ms >= 150 and worked.cpu_ms is not None and worked.cpu_ms >= 150, worked
    assert waited.ms >= 150 and waited.cpu_ms is not None and waited.cpu_ms < 60, waited
    assert waited.process_cpu_ms is not None and waited.process_cpu_ms < 100, waited
    assert worked.where.startswith("ui/test_stall_meter.py:") or "test_stall_meter.py" in worked.where.split(" < ")[0]
