"""What each role shows while the database does not answer (issue 21): one banner, in words.

The terminal's own database watch is pointed at a server that accepts connections and never
answers (what a frozen PostgreSQL looks like); it reports, and every screen follows.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import grab
from kiosk.db.engine import make_engine
from kiosk.db.health import DbProbe
from tests.helpers.screens import clipped_texts
from ui.theme import LANDSCAPE, PORTRAIT


def wait_for(done: Callable[[], bool], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.02)


@pytest.mark.allow_log_warnings("database unavailable", "database answers again")
@pytest.mark.parametrize("role", ["kiosk", "counter", "board", "host"])
def test_the_banner_says_what_happened_and_what_still_works(terminal, role: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal(role)
    win = term.window
    assert win.outage.isHidden() and win.page.isEnabled()
    assert "数据库：正常" in win.status_items.database.text()
    watch = term.ctx.db_state.__self__  # the terminal's DbWatch
    real = watch.probe
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    frozen = make_engine(f"postgresql://hall@127.0.0.1:{silent.getsockname()[1]}/hall", connect_timeout_s=30)
    watch.probe = DbProbe(frozen, deadline_s=0.5)
    wait_for(lambda: not win.outage.isHidden())
    assert "数据库：不可用" in win.status_items.database.text()
    text = win.outage.text()
    if role == "kiosk":
        assert "暂停服务" in text and not win.page.isEnabled()  # no taps on a kiosk that cannot record them
    elif role == "board":
        assert "可能不是最新" in text and win.page.isEnabled()
    else:
        assert "不会丢失" in text and "不会执行" in text and win.page.isEnabled()
    for size in (LANDSCAPE, PORTRAIT):
        grab(win, str(tmp_path / f"{role}-outage-{size[0]}x{size[1]}.png"), size)
        assert not [c for c in clipped_texts(win) if "outage" in c or text[:6] in c]
    term.ctx.languages.set("en")
    QApplication.processEvents()
    assert win.outage.text() != text and win.outage.text().isascii()  # said in English too
    watch.probe = real  # the database answers again
    wait_for(lambda: win.outage.isHidden())
    assert win.page.isEnabled() and "Database: OK" in win.status_items.database.text()
    silent.close()
    frozen.dispose()
