"""A terminal started while its database does not answer waits for it on screen (issue 21)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy.engine import make_url

from hallkiosk.app import ensure_qapp
from hallkiosk.failures import EXIT_DATABASE, Failure, check_database
from hallkiosk.waiting import WaitingWindow, wait_for_database
from tests.helpers.faulty_link import FaultyLink
from tests.helpers.screens import wait_until


@pytest.mark.postgres
def test_the_terminal_waits_with_a_banner_and_starts_when_the_database_answers(pg_url: str) -> None:
    ensure_qapp()
    u = make_url(pg_url)
    link = FaultyLink(u.host or "127.0.0.1", u.port or 5432)
    url = u.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    try:
        link.refuse()  # the server is down as the kiosk boots
        with pytest.raises(Failure) as first:
            check_database(url)
        assert first.value.code == EXIT_DATABASE
        win = WaitingWindow(lambda: check_database(url), first.value, retry_s=0.2)
        win.show()
        assert "暂停服务" in win.banner.text() and "waiting for the database" in win.banner.text()
        wait_until(lambda: win.attempts >= 3)  # it keeps trying, and says how long it has waited
        assert "第 3 次尝试" in win.reason.text() or "attempt 3" in win.reason.text()
        assert win.isVisible() and not win.ready
        t0 = time.monotonic()
        link.restore()
        wait_until(lambda: win.ready, timeout=10)
        assert not win.isVisible() and time.monotonic() - t0 < 5  # recovery ≤ 5 s after the database returns
    finally:
        link.close()


def test_closing_the_waiting_window_gives_up() -> None:
    ensure_qapp()
    down = Failure(EXIT_DATABASE, "无法连接数据库", "cannot reach the database")

    def never() -> None:
        raise down

    def close_it() -> None:  # the person closes the waiting window (earlier tests may have left closed ones)
        shown = [w for w in _windows() if isinstance(w, WaitingWindow) and w.isVisible()]
        if shown:
            shown[0].close()
        else:
            QTimer.singleShot(100, close_it)

    QTimer.singleShot(300, close_it)
    assert wait_for_database(never, down) is False


def _windows() -> list:
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()
