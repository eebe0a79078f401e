"""Issue 20 must 6, on screen: an operator with a PIN under 6 digits sets a new one right after logging in
(or later: the flag stays), and a wait after wrong PINs is cleared on the spot by an admin with their PIN."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from hallkiosk.app import grab
from kiosk.db.models import Operator
from kiosk.operators import AccessError, hash_pin
from tests.helpers.screens import clipped_texts, login, wait_until
from ui.widgets import ClearDelayDialog


def _short_pin(hall, username: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    with hall.unit() as s:  # an account from before 6 digits were required
        op = s.query(Operator).filter_by(username=username).one()
        op.pin_hash = hash_pin(pin)


def test_a_short_pin_is_changed_right_after_login(terminal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = terminal("counter")
    _short_pin(term.hall, "clerk", "4321")
    page = term.window.page
    login(page, "clerk", "4321")
    panel = page.login
    assert page.currentWidget() is panel and panel.pin2.isVisibleTo(panel) and not panel.user.isVisibleTo(panel)
    assert "少于 6 位" in panel.message.text()
    for size in ((1920, 1080), (1080, 1920)):
        grab(term.window, str(tmp_path / f"login-change-pin-{size[0]}x{size[1]}.png"), size)
        assert clipped_texts(panel) == []

    def change(new: str, again: str) -> None:
        panel.pin.setText(new)
        panel.pin2.setText(again)
        panel.submit()
        wait_until(lambda: not panel.checking)

    change("135790", "135791")
    assert "不一致" in panel.message.text() and page.currentWidget() is panel
    change("13579", "13579")
    assert "6–12" in panel.message.text() and page.currentWidget() is panel
    change("135790", "135790")
    assert page.currentWidget() is page.work
    assert not term.hall.login("clerk", "135790").pin_change_due
    kinds = [e.kind for e in term.hall.recent_entries(3)]
    assert "operator.pin_changed" in kinds


def test_a_short_pin_may_wait_but_stays_flagged(terminal) -> None:  # type: ignore[no-untyped-def]
    term = terminal("counter")
    _short_pin(term.hall, "clerk", "4321")
    login(term.window.page, "clerk", "4321")
    term.window.page.login.later.click()
    assert term.window.page.currentWidget() is term.window.page.work
    assert term.hall.login("clerk", "4321").pin_change_due


def test_a_wait_after_wrong_pins_is_cleared_by_an_admin_at_the_console(terminal) -> None:  # type: ignore[no-untyped-def]
    term = terminal("counter")
    while True:  # wrong PINs until the next check must wait
        try:
            term.hall.login("clerk", "999999")
        except AccessError as exc:
            if (exc.retry_after_s or 0) >= 2:
                break
            time.sleep(exc.retry_after_s or 0)
    page = term.window.page
    login(page, "clerk", "333333")
    panel = page.login
    assert page.currentWidget() is panel and panel.clear_wait.isVisibleTo(panel)
    dlg = ClearDelayDialog(term.ctx, "clerk", panel)
    dlg.user.setText("admin")
    dlg.pin.setText("000000")
    dlg.check()
    wait_until(lambda: dlg.cancel.isEnabled())
    assert not dlg.result() and dlg.message.text()
    dlg.user.setText("admin")
    dlg.pin.setText("123456")
    dlg.check()
    wait_until(lambda: dlg.result() == 1)
    dlg.show()
    QApplication.processEvents()
    panel._cleared()
    assert not panel.clear_wait.isVisibleTo(panel)
    login(page, "clerk", "333333")
    assert page.currentWidget() is page.work
