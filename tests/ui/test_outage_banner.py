"""What each role shows while the database does not answer (issue 21): one banner, in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import grab
from kiosk.ports import DbState
from tests.helpers.screens import clipped_texts
from ui.theme import LANDSCAPE, PORTRAIT

DOWN = DbState(False, "no-answer", dt.datetime.now(dt.UTC))


@pytest.mark.parametrize("role", ["kiosk", "counter", "board", "host"])
def test_the_banner_says_what_happened_and_what_still_works(terminal, role: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal(role)
    win = term.window
    assert win.outage.isHidden() and win.page.isEnabled()
    assert "数据库：正常" in win.status_items.database.text()
    term.ctx.bridge.post_db_state(DOWN)
    QApplication.processEvents()
    assert not win.outage.isHidden() and "数据库：不可用" in win.status_items.database.text()
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
    term.ctx.bridge.post_db_state(DbState(True, "", dt.datetime.now(dt.UTC), 1.0))
    QApplication.processEvents()
    assert win.outage.isHidden() and win.page.isEnabled()
