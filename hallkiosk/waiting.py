"""A terminal started while its database does not answer waits for it (issue 21), it does not exit.

``hall-kiosk run`` on a kiosk that boots while the hall's PostgreSQL is being patched used to print
a traceback and stop; nobody restarts a kiosk by hand. Now the window opens at once with the
outage banner's words and the reason, checks again every few seconds on a thread of its own (the
UI thread never waits on the database), and hands over to the real terminal the moment the
database answers. Closing the window gives up (exit code 10, as before).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from hallkiosk.failures import Failure

RETRY_S = 3.0


class _Answer(QObject):
    answered = Signal(object)  #: None when the database answers, else the Failure


class WaitingWindow(QWidget):
    """Says the database is not answering, and since when; retries until it does."""

    finished = Signal()  #: closed: by the database answering (``ready``) or by a person

    def __init__(self, check: Callable[[], None], first: Failure, retry_s: float = RETRY_S) -> None:
        super().__init__()
        self.setObjectName("page")
        self.setWindowTitle("Hall Kiosk")
        self.check = check
        self.retry_s = retry_s
        self.ready = False
        self.attempts = 1
        self.started = time.monotonic()
        self.banner = QLabel(objectName="outageBanner")
        self.banner.setWordWrap(True)
        self.banner.setText("暂停服务：正在等待数据库恢复连接，恢复后自动开始。\n"
                            "Service paused: waiting for the database; this terminal starts by itself when it answers.")
        self.reason = QLabel(objectName="muted")
        self.reason.setWordWrap(True)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.reason.setContentsMargins(28, 24, 28, 24)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addWidget(self.reason, 1)
        self._answer = _Answer(self)
        self._answer.answered.connect(self._on_answer, Qt.ConnectionType.QueuedConnection)
        self._show_reason(first)
        self._schedule()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().closeEvent(event)
        self.finished.emit()

    def _show_reason(self, failure: Failure) -> None:
        waited = int(time.monotonic() - self.started)
        self.reason.setText(f"{failure.zh}\n{failure.en}\n\n已等待 {waited} 秒，第 {self.attempts} 次尝试 · "
                            f"waited {waited} s, attempt {self.attempts}")

    def _schedule(self) -> None:
        QTimer.singleShot(int(self.retry_s * 1000), self._try)

    def _try(self) -> None:
        if self.ready or (not self.isVisible() and self.attempts > 1):
            return  # closed: given up

        def probe() -> None:
            try:
                self.check()
            except Failure as failure:
                self._answer.answered.emit(failure)
            else:
                self._answer.answered.emit(None)

        threading.Thread(target=probe, name="db-wait", daemon=True).start()

    def _on_answer(self, failure: object) -> None:
        self.attempts += 1
        if failure is None:
            self.ready = True
            self.close()
            return
        assert isinstance(failure, Failure)
        self._show_reason(failure)
        self._schedule()


def wait_for_database(check: Callable[[], None], first: Failure, *, fullscreen: bool = False) -> bool:
    """Show the waiting window until ``check`` passes (True) or the window is closed (False)."""
    app = QApplication.instance()
    assert app is not None
    win = WaitingWindow(check, first)
    if fullscreen:
        win.showFullScreen()
    else:
        win.resize(1280, 720)
        win.show()
    loop = QEventLoop()
    win.finished.connect(loop.quit)
    interrupted: list[int] = []

    def on_sigint(signum: int, _frame: object) -> None:
        interrupted.append(signum)
        win.close()

    previous = signal.signal(signal.SIGINT, on_sigint)
    heartbeat = QTimer()  # Python runs signal handlers only between Qt events: give it some
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    try:
        loop.exec()
    finally:
        heartbeat.stop()
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt  # Ctrl-C while waiting: exit 130, like any command
    return win.ready
