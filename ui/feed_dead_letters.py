"""The admin console's list of feed items the hall could not apply (docs/platform-api.md §2, issue 20 item 4).

A malformed record from the platform is dead-lettered and the rest of its feed applied
(``kiosk.feed_dead_letters``); this list shows each one — feed, key, the member at fault and why,
when — until a corrected version arrives. It never shows the record itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from kiosk.timeutil import beijing_text
from ui.context import UiContext
from ui.widgets import Retranslatable, bilingual


class FeedDeadLettersView(Retranslatable, QWidget):
    """Open feed dead letters, newest first: 数据源 · 键 · 原因 · 时间."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 16, 0, 0)
        self.title = QLabel(objectName="h2")
        self.note = QLabel(objectName="muted")
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)  # one line a letter; the whole reason is in the cell's tooltip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        self.count = 0
        self.retranslate()

    def refresh(self) -> None:
        letters = self.ctx.hall.feed_dead_letters()
        self.count = len(letters)
        self.table.setRowCount(len(letters))
        for row, x in enumerate(letters):
            when = beijing_text(x.last_at, "%Y-%m-%d %H:%M")
            cells = (x.feed, x.key or "—", bilingual(self.ctx, x.reason_zh, x.reason_en), when)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.setVisible(bool(letters))
        if letters:
            self.note.setText(self.tr("以下 %1 条平台数据格式有误，未写入本终端；同一数据源的其余数据已正常更新。"
                                      "请联系交易平台更正，更正后的数据到达时自动写入并从此列表移除。")
                              .replace("%1", str(len(letters))))
        else:
            self.note.setText(self.tr("平台数据全部已写入，没有格式有误的数据。"))

    def retranslate(self) -> None:
        self.title.setText(self.tr("未写入的平台数据"))
        self.table.setHorizontalHeaderLabels([self.tr("数据源"), self.tr("键"), self.tr("原因"), self.tr("时间")])
        self.refresh()
