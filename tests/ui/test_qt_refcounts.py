"""Qt bindings must not corrupt Python's reference counts (a terminal runs for days).

PySide6-Essentials 6.12.0 on Python 3.11 dropped a reference to None on every
``processEvents()`` and to None/True/False on timer slots and queued signals: the process aborted
with "Fatal Python error: none_dealloc" after a few minutes (found by the 5-minute recording
bench). pyproject pins below 6.12; these tests fail on any binding with such a leak. On Python
3.12+ None is immortal, so they pass there trivially.
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication


def test_process_events_keeps_none_alive(qapp) -> None:  # type: ignore[no-untyped-def]
    before = sys.getrefcount(None)
    for _ in range(20_000):
        QApplication.processEvents()
    assert abs(sys.getrefcount(None) - before) < 200


class _Emitter(QObject):
    value = Signal(object)


def test_timers_and_queued_signals_keep_refcounts(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    ticks: list[bool] = []
    got: list[object] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(True))
    emitter = _Emitter()
    emitter.value.connect(got.append, Qt.ConnectionType.QueuedConnection)
    counts = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    worker = threading.Thread(target=lambda: [emitter.value.emit(None) for _ in range(5000)])
    timer.start()
    worker.start()
    qtbot.waitUntil(lambda: len(got) == 5000 and len(ticks) > 200, timeout=20_000)
    worker.join()
    timer.stop()
    got.clear()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    assert all(abs(a - b) < 500 for a, b in zip(after, counts, strict=True)), (counts, after)
