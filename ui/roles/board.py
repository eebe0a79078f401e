"""The wall board (大厅信息屏): today's sessions in large type, the clock, a notice line.

Readable from the back of a room: dark background, 38–56 px text, at most ~12 rows, portrait and
landscape. It refreshes on every journal entry (another process's check-in, call or bid reaches it
through the follower within ~50 ms) and every 30 s for pulled data; the sessions are read on the
``read`` lane (``BoardView.load``) and drawn on the main thread (``draw``), never waiting on the database.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QWidget

from kiosk.hall import SessionInfo
from kiosk.timeutil import beijing
from ui.board_view import BoardView
from ui.context import UiContext
from ui.sessions_view import countdown_text, kind_text
from ui.widgets import size_by_current_page

MAX_ROWS = 12


class BoardPage(QStackedWidget):
    """The wall screen: one view at a time, chosen by ``[ui] board_mode``.

    ``sessions`` (today's sessions) is built in; capabilities add theirs with ``add_view`` (the
    queue's calls, the opening's big screen, the auction's audience screen).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.views: dict[str, QWidget] = {}
        self._fit_pages = size_by_current_page(self)  # a hidden view must not widen a portrait screen
        self.add_view("sessions", SessionsBoard(ctx))

    def add_view(self, mode: str, view: QWidget) -> None:
        """Add a view; it is shown when it is the configured mode (or the first view)."""
        self.views[mode] = view
        self.addWidget(view)
        self._fit_pages()
        if mode == self.ctx.hall.config.ui.board_mode:
            self.setCurrentWidget(view)

    def show_view(self, mode: str) -> None:
        self.setCurrentWidget(self.views[mode])


class SessionsBoard(BoardView):
    """Today's openings and auctions, with countdowns."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(36)
        self.grid.setVerticalSpacing(14)
        self.content.addLayout(self.grid)
        self.notice = self.footer
        self.rows: list[list[QLabel]] = []
        self.loaded: tuple[dt.datetime, list[SessionInfo]] | None = None  # the last read: (now, sessions)
        self.retranslate()

    def _clear(self) -> None:
        for row in self.rows:
            for label in row:
                label.deleteLater()
        self.rows = []

    def load(self) -> tuple[dt.datetime, list[SessionInfo]]:
        return self.ctx.hall.clock.now(), self.ctx.hall.sessions_on()[:MAX_ROWS]

    def draw(self, view: tuple[dt.datetime, list[SessionInfo]]) -> None:
        self.loaded = view
        self._draw()

    def _draw(self) -> None:
        if self.loaded is None:
            return
        self._clear()
        now, sessions = self.loaded
        portrait = self.height() > self.width()
        for i, s in enumerate(sessions):
            cells = [beijing(s.starts_at).strftime("%H:%M"), s.room_name, kind_text(s.kind), countdown_text(s.starts_at, now)]
            labels = [QLabel(text, objectName="boardRow") for text in cells]
            title = QLabel(s.title, objectName="boardMuted")
            title.setWordWrap(True)
            labels.append(title)
            if portrait:  # two lines per session: facts, then the title
                for col, label in enumerate(labels[:4]):
                    self.grid.addWidget(label, 2 * i, col)
                self.grid.addWidget(title, 2 * i + 1, 0, 1, 4)
            else:
                for col, label in enumerate(labels):
                    self.grid.addWidget(label, i, col)
            self.rows.append(labels)
        if not sessions:
            empty = QLabel(self.tr("今日暂无开标、拍卖安排"), objectName="boardRow")
            self.grid.addWidget(empty, 0, 0)
            self.rows.append([empty])
        self.tick()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._draw()  # portrait and landscape lay the same sessions out differently

    def retranslate(self) -> None:
        self.title.setText(self.tr("今日交易安排"))
        self.notice.setText(self.tr("请提前到场签到。开标、拍卖全过程录音录像。"))
        self._draw()
        self.refresh()
