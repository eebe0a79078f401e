"""An exception nobody caught, in a Qt slot or on a thread, reaches the log, redacted (issue 21)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from hallkiosk.logs import setup_logging

    setup_logging(Path(sys.argv[1]))
    app = QApplication([])

    def slot():
        raise RuntimeError("slot failed for 110101199003078515")

    QTimer.singleShot(0, slot)
    t = threading.Thread(target=lambda: 1 / 0, name="reader-loop")
    t.start(); t.join()
    QTimer.singleShot(200, app.quit)
    app.exec()
    print("still running", flush=True)
    """
)


def test_uncaught_exceptions_in_slots_and_threads_go_to_the_log(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0 and "still running" in out.stdout  # the app carried on
    log = (tmp_path / "logs" / "hall-kiosk.log").read_text(encoding="utf-8")
    assert "uncaught exception in a Qt slot" in log and "RuntimeError" in log and "in slot" in log  # with its traceback
    assert "uncaught exception on thread reader-loop" in log and "ZeroDivisionError" in log
    assert "110101199003078515" not in log  # the ID number in the message is redacted like any record
