"""The self-service kiosk's home: check in, take a ticket, look up my ticket, raise an opening objection; today's sessions.

Flows (check-in, queue ticket, lookup) are registered by the capabilities that provide them
(``register_flow``); a tile without a flow on this terminal is shown disabled with the reason, never
as a dead button. ``reset()`` (idle timeout) returns home and wipes anything personal from the
screens of every flow.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.sessions_view import SessionsTable
from ui.widgets import Retranslatable, size_by_current_page

FLOWS = ("checkin", "ticket", "lookup", "objection")


class KioskHome(Retranslatable, QStackedWidget):
    """Home screen with big tiles, and the stack the flows' screens live in."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.flows: dict[str, QWidget] = {}
        self.home = QWidget(objectName="page")
        lay = QVBoxLayout(self.home)
        lay.setContentsMargins(48, 32, 48, 24)
        lay.setSpacing(20)
        self.welcome = QLabel(objectName="h1")
        self.date = QLabel(objectName="muted")
        lay.addWidget(self.welcome)
        lay.addWidget(self.date)
        self.tiles: dict[str, QPushButton] = {}
        self.notes: dict[str, QLabel] = {}
        self.grid = grid = QGridLayout()
        grid.setSpacing(24)
        self.cells: list[QWidget] = []
        for key in FLOWS:
            tile = QPushButton(objectName="tile")
            tile.clicked.connect(lambda _=False, k=key: self.open_flow(k))
            # equal tiles that never force the window wider: the grid re-flows to 2 × 2 in portrait
            tile.setSizePolicy(QSizePolicy.Policy.Ignored, tile.sizePolicy().verticalPolicy())
            note = QLabel(objectName="muted")
            note.setWordWrap(True)
            note.setMinimumWidth(1)
            self.tiles[key] = tile
            self.notes[key] = note
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(tile)
            box.addWidget(note)
            self.cells.append(cell)
        self._portrait: bool | None = None
        self._place_tiles(False)
        lay.addLayout(grid)
        self.sessions_title = QLabel(objectName="h2")
        lay.addWidget(self.sessions_title)
        self.sessions = SessionsTable()
        lay.addWidget(self.sessions, 1)
        self.help = QLabel(objectName="notice")
        self.help.setWordWrap(True)
        lay.addWidget(self.help)
        self.addWidget(self.home)
        self._fit_pages = size_by_current_page(self)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(30_000)
        self.retranslate()
        self.refresh()

    def _place_tiles(self, portrait: bool) -> None:
        cols = 2 if portrait and len(self.cells) > 3 else len(self.cells)
        for cell in self.cells:
            self.grid.removeWidget(cell)
        for i, cell in enumerate(self.cells):
            self.grid.addWidget(cell, i // cols, i % cols)
        for i in range(len(self.cells)):
            self.grid.setColumnStretch(i, 1 if i < cols else 0)
        # two rows must still fit a landscape window while it turns (the re-flow follows the resize)
        self.grid.setVerticalSpacing(8 if cols < len(self.cells) else 24)
        self._portrait = portrait

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        if portrait != self._portrait:
            self._place_tiles(portrait)

    def register_flow(self, key: str, widget: QWidget) -> None:
        """Enable a tile: ``widget`` is shown on touch and must have ``reset()`` and a ``done`` signal."""
        self.flows[key] = widget
        self.addWidget(widget)
        self._fit_pages()
        done: Callable[[], None] = self.go_home
        widget.done.connect(done)  # type: ignore[attr-defined]  # a flow has done and reset() (see above)
        self.retranslate()

    def use_home(self, widget: QWidget) -> None:
        """Make ``widget`` this terminal's home instead of the tiles (``[kiosk] mode = "evaluation_area"``:
        the evaluation area's door). The idle timeout resets it like a flow (it needs ``reset()``)."""
        self.flows["home"] = widget
        self.addWidget(widget)
        self._fit_pages()
        self.home = widget
        self.setCurrentWidget(widget)

    def open_flow(self, key: str) -> None:
        if key in self.flows:
            self.setCurrentWidget(self.flows[key])

    def go_home(self) -> None:
        self.setCurrentWidget(self.home)

    def reset(self) -> None:
        """Idle timeout: wipe every flow's personal data and go home."""
        for flow in self.flows.values():
            flow.reset()  # type: ignore[attr-defined]  # a flow has reset() (register_flow)
        self.go_home()
        self.refresh()

    def refresh(self) -> None:
        now = self.ctx.hall.clock.now()
        self.date.setText(beijing(now).strftime("%Y-%m-%d"))
        self.sessions.show_sessions(self.ctx.hall.sessions_on())

    def retranslate(self) -> None:
        self.welcome.setText(self.tr("欢迎光临 · 请选择服务"))
        titles = {"checkin": self.tr("签到"), "ticket": self.tr("取号"), "lookup": self.tr("查询"), "objection": self.tr("开标异议")}
        hints = {
            "checkin": self.tr("开标、拍卖到场签到（身份证或二维码）"),
            "ticket": self.tr("业务办理排队取号"),
            "lookup": self.tr("查询我的排队号和签到"),
            "objection": self.tr("已签到的投标人代表当场提出开标异议（身份证）"),
        }
        for key in FLOWS:
            enabled = key in self.flows
            self.tiles[key].setText(titles[key])
            self.tiles[key].setEnabled(enabled)
            self.notes[key].setText(hints[key] if enabled else hints[key] + " — " + self.tr("本终端未开通此项服务"))
        self.sessions_title.setText(self.tr("今日交易安排"))
        self.help.setText(self.tr("如需帮助，请到服务窗口咨询。"))
        self.sessions.retranslate()
