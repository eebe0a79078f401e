"""The kiosk's idle watcher sees people's input, not every widget's event (issue 21's post-restore stall).

Its filter used to sit on the QApplication, so every event of every widget — an enabled change, a
paint, a polish: hundreds when the kiosk pauses or resumes, thousands when a board rebuilds — was a
call into Python that had to take the GIL from the worker threads, which right after the database
returned were busy with the screens' reloads (bench/bench_outages.py; docs/outages.md). It now
watches the windows, where input arrives before Qt hands it to a widget.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui.shell import IdleWatcher


class CountingWatcher(IdleWatcher):
    """The kiosk's idle watcher, counting the events it is handed."""

    def __init__(self, seconds: int, parent: QObject) -> None:
        self.seen: list[QEvent.Type] = []
        super().__init__(seconds, parent)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        self.seen.append(event.type())
        return super().eventFilter(obj, event)


def test_the_idle_watcher_sees_input_on_its_windows_and_not_every_widget_event(terminal: Any, qtbot: Any) -> None:
    term = terminal("kiosk", idle_timeout_seconds=60)
    w = term.window
    w.idle.stop()
    w.idle = idle = CountingWatcher(60, w)  # as RoleWindow makes it, counting
    w.idle.idle.connect(w._on_idle)
    seen = idle.seen
    w.resize(1280, 720)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is w.windowHandle())

    # the kiosk pauses and resumes (暂停服务 while the database is down): an enabled change for each of
    # its hundreds of widgets, and their repaints, none of which is input; the watcher sees its window's own few
    widgets = len(w.page.findChildren(QWidget))
    seen.clear()
    w.page.setEnabled(False)
    QApplication.processEvents()
    w.page.setEnabled(True)
    QApplication.processEvents()
    assert widgets > 100 and len(seen) * 5 < widgets, (len(seen), widgets)
    assert idle.timer.isActive()

    # a key and a touch on the window (real events, through its QWindow) start the countdown again
    idle.timer.stop()
    QTest.keyClick(w.windowHandle(), Qt.Key.Key_Space)
    assert idle.timer.isActive()
    idle.timer.stop()
    at = w.statusBar().mapTo(w, QPoint(2, 2))  # a touch on the status bar: starts no flow
    QTest.mousePress(w.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert idle.timer.isActive()
    QTest.mouseRelease(w.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)

    # a dialog of its own window (a PIN dialog) that takes the focus is watched as well
    dlg = QDialog(w)
    dlg.resize(300, 200)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dlg.windowHandle())
    idle.timer.stop()
    QTest.keyClick(dlg.windowHandle(), Qt.Key.Key_1)
    assert idle.timer.isActive()
    dlg.close()
