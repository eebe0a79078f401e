"""The board frame's loads (issue 21): read on the read lane, drawn on the main thread, no load
asked by the slow timer while the database does not answer, one asked when it answers again."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from hallkiosk.app import ensure_qapp
from hallkiosk.jobs import JobRunner
from hallkiosk.threads import Threads
from kiosk.ports import DbState
from tests.helpers.screens import wait_until
from ui.board_view import BoardView
from ui.bridge import QtBridge
from ui.context import UiContext
from ui.i18n import Languages


class Counting(BoardView):
    def __init__(self, ctx: UiContext, gate: threading.Event, **kw: Any) -> None:
        self.gate = gate
        self.threads: list[threading.Thread] = []
        self.drawn: list[int] = []
        self.n = 0
        super().__init__(ctx, **kw)

    def load(self) -> int:
        self.gate.wait(5)
        self.threads.append(threading.current_thread())
        self.n += 1
        return self.n

    def draw(self, view: int) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.drawn.append(view)


@pytest.fixture
def ctx() -> Iterator[UiContext]:
    ensure_qapp()
    threads = Threads()
    bridge = QtBridge()
    state = {"db": DbState(True)}
    # the frame itself reads nothing from the hall with its clock off (tick_ms=0)
    c = UiContext(hall=None, bridge=bridge, languages=Languages(), role="board",  # type: ignore[arg-type]
                  jobs=JobRunner(threads, bridge), db_state=lambda: state["db"])
    c.state = state  # type: ignore[attr-defined]
    yield c
    threads.stop()


def pause(seconds: float) -> None:
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end)


def test_a_refresh_loads_off_the_ui_thread_and_requests_fold(ctx: UiContext) -> None:
    gate = threading.Event()
    view = Counting(ctx, gate, tick_ms=0, refresh_ms=0)
    for _ in range(10):  # ten journal batches while the database is slow
        view.on_entries([object()])
    assert view.refresher.inflight and view.drawn == []  # the UI thread did not wait
    gate.set()
    wait_until(lambda: not view.refresher.inflight)
    assert view.drawn == [1, 2]
    assert all(t is not threading.main_thread() for t in view.threads)


def test_the_slow_timer_asks_nothing_while_the_database_is_down(ctx: UiContext) -> None:
    gate = threading.Event()
    gate.set()
    view = Counting(ctx, gate, tick_ms=0, refresh_ms=20)
    wait_until(lambda: len(view.drawn) >= 2)
    down = DbState(False, "no-answer")
    ctx.state["db"] = down  # type: ignore[attr-defined]
    ctx.bridge.databaseState.emit(down)
    wait_until(lambda: not view.refresher.inflight)
    before = view.refresher.loads
    pause(0.3)
    assert view.refresher.loads == before  # fifteen timer ticks, no load
    view.slow.stop()
    ctx.state["db"] = DbState(True)  # type: ignore[attr-defined]
    ctx.bridge.databaseState.emit(DbState(True))
    wait_until(lambda: view.refresher.loads == before + 1)  # one load when it answers again


def test_the_sessions_board_reads_off_the_ui_thread_and_a_turn_reads_nothing(terminal) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from ui.theme import LANDSCAPE, PORTRAIT

    term = terminal("board")
    board = term.window.page.views["sessions"]
    wait_until(lambda: board.loaded is not None and not board.refresher.inflight)
    loads = board.refresher.loads
    for size in (LANDSCAPE, PORTRAIT, LANDSCAPE):
        term.window.resize(*size)
        term.window.show()
        QApplication.processEvents()
        assert board.rows and board.rows[0][0].text()  # drawn for the new shape from what was read
    assert board.refresher.loads == loads  # turning the screen asks the database nothing
