"""The queue board keeps its labels when a reload brings nothing new, and writes a change into them
(issue 21's post-restore stall).

When the database comes back every screen reloads at once; the board used to throw away and build
again its whole grid — every label created, polished, laid out and deleted, over a thousand events
on the UI thread — for each load, even one equal to what the wall showed.
"""

from __future__ import annotations

from typing import Any

from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.hall import Hall
from kiosk.queue import HallQueue
from tests.helpers.screens import wait_until


def test_a_reload_with_nothing_new_keeps_the_boards_labels_and_a_call_is_drawn(qapp: Any, queue_hall: Hall) -> None:
    ensure_qapp()
    hall, cfg = queue_hall, queue_hall.config
    q = HallQueue(hall)
    for _ in range(3):
        q.issue("A")
    term = build_terminal(cfg, "board", hall=hall, follow=False, sync=False, devices=False)
    try:
        board = term.window.page.views["queue"]
        term.window.page.show_view("queue")
        wait_until(lambda: board.state is not None and not board.refresher.inflight)
        labels = list(board._labels)
        assert labels
        loads = board.refresher.loads
        for _ in range(3):  # the database is back: the view reloads (and again, as the follower catches up)
            board.refresh()
            wait_until(lambda: not board.refresher.inflight)
        assert board.refresher.loads >= loads + 3  # read three times ...
        assert board._labels == labels  # ... and not one label rebuilt

        q.call_next("1", "clerk")  # something did change: it is drawn, in the labels already up
        board.refresh()
        wait_until(lambda: not board.refresher.inflight)
        assert board.latest.text().replace("\n", "") == "请A001号到1号窗口办理"
        current = [w for w in board._labels if w.property("counter") == "1" and w.objectName() == "queueCurrent"]
        assert [w.text() for w in current] == ["A001"]
        assert board._labels == labels
        waiting = [w.text() for w in board._labels if w.objectName() == "boardRow"]
        assert "2 人" in waiting  # three waited, one was called

        term.ctx.languages.set("en")  # new words, same labels
        try:
            wait_until(lambda: any(w.text() == "Waiting" for w in board._labels))
            assert board._labels == labels
        finally:
            term.ctx.languages.set("zh_CN")
    finally:
        term.threads.stop()
        term.window.close_for_good()
        term.window.deleteLater()
