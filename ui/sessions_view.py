"""Today's trading sessions as a table (consoles) — the data comes from ``Hall.sessions_on``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from kiosk.hall import SessionInfo
from kiosk.timeutil import beijing


def kind_text(kind: str) -> str:
    return {
        "bid_opening": QCoreApplication.translate("Sessions", "开标"),
        "auction": QCoreApplication.translate("Sessions", "拍卖"),
        "listing_auction": QCoreApplication.translate("Sessions", "挂牌竞价"),
    }.get(kind, kind)


def countdown_text(starts_at: dt.datetime, now: dt.datetime) -> str:
    """``还有 1:05:09`` before the start, ``已开始 12 分钟`` after."""
    secs = int((starts_at - now).total_seconds())
    if secs > 0:
        h, rem = divmod(secs, 3600)
        m, s = divmod(rem, 60)
        return QCoreApplication.translate("Sessions", "还有 %1").replace("%1", f"{h}:{m:02d}:{s:02d}")
    return QCoreApplication.translate("Sessions", "已开始 %1 分钟").replace("%1", str(-secs // 60))


class SessionsTable(QTableWidget):
    """Time, room, kind, title (and optionally a countdown) of each session."""

    def __init__(self, *, countdown: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.countdown = countdown
        self.sessions: list[SessionInfo] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(60)
        self.setWordWrap(True)
        self.retranslate()

    def retranslate(self) -> None:
        headers = [QCoreApplication.translate("Sessions", "时间"), QCoreApplication.translate("Sessions", "地点"), QCoreApplication.translate("Sessions", "类型"), QCoreApplication.translate("Sessions", "项目")]
        if self.countdown:
            headers.append(QCoreApplication.translate("Sessions", "倒计时"))
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        hh = self.horizontalHeader()
        for col in range(len(headers)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if self.sessions:
            self.show_sessions(self.sessions)

    def show_sessions(self, sessions: list[SessionInfo], now: dt.datetime | None = None) -> None:
        self.sessions = sessions
        self.setRowCount(len(sessions))
        for row, s in enumerate(sessions):
            cells = [beijing(s.starts_at).strftime("%H:%M"), s.room_name, kind_text(s.kind), s.title]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, s.session_id)
                self.setItem(row, col, item)
        if self.countdown and now is not None:
            self.tick(now)
        self.resizeRowsToContents()

    def tick(self, now: dt.datetime) -> None:
        if not self.countdown:
            return
        for row, s in enumerate(self.sessions):
            self.setItem(row, 4, QTableWidgetItem(countdown_text(s.starts_at, now)))
