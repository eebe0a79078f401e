"""Attendance (签到情况): the host's live list per session, and the wall board's attendance view.

Both refresh on every ``checkin.*`` journal entry, which the composition root's follower delivers
from any process on the hall's database within ~50 ms (and every 30 s for pulled data). What they
show is loaded on the ``read`` lane (issue 21: the tab through a :class:`ui.jobs.Refresher`, the
board through :class:`ui.board_view.BoardView`), never on the UI thread; the 30 s refresh asks
for nothing while the database does not answer and one load is asked for when it answers again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.checkin import Attendance, CheckinService
from kiosk.hall import SessionInfo
from kiosk.timeutil import beijing
from ui.board_view import BoardView
from ui.checkin.flow import kind_label
from ui.context import UiContext
from ui.jobs import Refresher
from ui.widgets import Retranslatable

BOARD_ROWS = 14


def tab_title() -> str:
    """The host's and auctioneer's tab title."""
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Attendance", "签到情况")


def is_checkin_entry(entries: list) -> bool:
    return any(getattr(e, "kind", "").startswith("checkin.") for e in entries)


def deposit_text(status: str | None) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "paid": QCoreApplication.translate("Attendance", "已缴"),
        "guarantee": QCoreApplication.translate("Attendance", "保函"),
        "unpaid": QCoreApplication.translate("Attendance", "未缴"),
        "refunded": QCoreApplication.translate("Attendance", "已退"),
    }.get(status or "", "—")


@dataclass(frozen=True)
class Loaded:
    """One load of the attendance tab (read lane)."""

    asked: int  # the sessions request it answers
    sessions: list[SessionInfo] | None  # today's sessions when they were asked for
    session_id: str | None
    attendance: Attendance | None


class AttendanceTab(Retranslatable, QWidget):
    """A console tab: pick one of today's sessions, see who is checked in, live.

    Args:
        kinds: the session kinds listed (the host's openings, the auctioneer's auctions).
    """

    def __init__(self, ctx: UiContext, service: CheckinService, kinds: tuple[str, ...] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.kinds = kinds
        self.sessions: list[SessionInfo] = []
        self.current: Attendance | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 20, 32, 20)
        top = QHBoxLayout()
        self.pick = QComboBox()
        self.pick.setMinimumHeight(56)
        self.pick.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pick.setMinimumContentsLength(16)
        self.pick.currentIndexChanged.connect(lambda _i: self._picked())
        self.summary = QLabel(objectName="h2")
        top.addWidget(self.pick, 3)
        top.addWidget(self.summary, 2)
        lay.addLayout(top)
        self.table = QTableWidget(0, 7)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.note = QLabel(objectName="muted")
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.room = ctx.hall.config.site.room_code or None
        self._want: str | None = None  # the session the next load lists
        self._sessions_asked = 0  # a load re-reads today's sessions while it is ahead of ``_sessions_done``
        self._sessions_done = 0
        # the tab's loads on the read lane (``inflight`` while one runs)
        self.loader = Refresher(ctx.jobs, "attendance", self._load, self._loaded)
        ctx.bridge.journalEntries.connect(self._on_entries)
        ctx.bridge.databaseState.connect(self._on_db_state)
        self.slow = QTimer(self)
        self.slow.timeout.connect(self._slow_refresh)
        self.slow.start(30_000)
        self.retranslate()
        self.refresh()

    def _on_entries(self, entries: list) -> None:
        if is_checkin_entry(entries):
            self.refresh_list()

    def _slow_refresh(self) -> None:
        if self.ctx.db_state().ok:  # while it is down the banner says so; one load when it is back
            self.refresh()

    def _on_db_state(self, state: Any) -> None:
        if getattr(state, "ok", False):
            self.refresh()

    def _picked(self) -> None:
        self._want = self.pick.currentData()
        self.loader.request()

    def refresh(self) -> None:
        """Today's sessions and the picked one's attendance (read lane)."""
        self._sessions_asked += 1
        self.refresh_list()

    def refresh_list(self) -> None:
        """The picked session's attendance again (read lane); ``_loaded`` fills the table."""
        if self._want is None:
            self._want = self.pick.currentData()
        self.loader.request()

    def _load(self) -> Loaded:
        want, asked = self._want, self._sessions_asked
        sessions = None
        if asked > self._sessions_done:
            hall = self.ctx.hall
            sessions = hall.sessions_on(room_code=self.room, kinds=self.kinds) or hall.sessions_on(kinds=self.kinds)
            ids = [x.session_id for x in sessions]
            if want not in ids:
                want = ids[0] if ids else None
        return Loaded(asked, sessions, want, self.service.attendance(want) if want else None)

    def _loaded(self, got: Loaded) -> None:
        sessions = got.sessions
        if sessions is not None:
            self._sessions_done = max(self._sessions_done, got.asked)
            if [x.session_id for x in sessions] != [x.session_id for x in self.sessions]:
                self.sessions = sessions
                self.pick.blockSignals(True)
                self.pick.clear()
                for x in sessions:
                    self.pick.addItem(f"{beijing(x.starts_at):%H:%M} {kind_label(x.kind)} {x.room_name} · {x.title}", x.session_id)
                self.pick.blockSignals(False)
            if got.session_id is not None and self.pick.findData(got.session_id) >= 0:
                self.pick.blockSignals(True)
                self.pick.setCurrentIndex(self.pick.findData(got.session_id))
                self.pick.blockSignals(False)
        if self._want is None or self.pick.findData(self._want) < 0:
            self._want = self.pick.currentData()
        if got.session_id != self.pick.currentData():
            self.loader.request()  # another session was picked meanwhile
            return
        self.current = got.attendance
        self._fill()

    def _fill(self) -> None:
        att = self.current
        rows = att.rows if att else ()
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            status = self.tr("已签到") if r.present else self.tr("未到")
            if r.needs_confirmation:
                status += self.tr("（待确认）")
            cells = [
                status, r.bidder_name + (f" · {r.lot_code}" if r.lot_code else ""), r.person_name_masked,
                f"{beijing(r.checked_in_at):%H:%M:%S}" if r.checked_in_at else "",
                f"{r.checkin_no:03d}" if r.checkin_no else "", r.paddle_no or "", deposit_text(r.deposit_status),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setForeground(Qt.GlobalColor.darkGreen if r.present else Qt.GlobalColor.darkGray)
                self.table.setItem(i, col, item)
        self._summary()

    def _summary(self) -> None:
        att = self.current
        if att is None:
            self.summary.setText(self.tr("今日没有场次"))
            return
        text = self.tr("已签到 %1 / %2").replace("%1", str(att.present)).replace("%2", str(len(att.rows)))
        if att.kind != "bid_opening":
            text += " · " + self.tr("号牌 %1 个").replace("%1", str(att.paddles))
        self.summary.setText(text)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("状态"), self.tr("投标人/竞买人"), self.tr("签到人"), self.tr("时间"), self.tr("签到号"),
            self.tr("号牌"), self.tr("保证金"),
        ])
        self.note.setText(self.tr("名单随签到实时更新（含其他终端）。签到人姓名已脱敏。"))
        if self.current is not None:
            self._fill()


class AttendanceBoard(BoardView):
    """The wall board's ``attendance`` view: the current session in this room, who is here."""

    def __init__(self, ctx: UiContext, service: CheckinService, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, spacing=16, tick_ms=0)
        self.service = service
        self.count = self.clock  # the header's right side shows who is here, not the time
        self.session = QLabel(objectName="boardMuted")
        self.session.setWordWrap(True)
        self.content.addWidget(self.session)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(32)
        self.grid.setVerticalSpacing(10)
        self.content.addLayout(self.grid)
        self.notice = self.footer
        self.labels: list[QLabel] = []
        self.current: Attendance | None = None
        self.pick_session: Callable[[], str | None] = self._default_session
        self.retranslate()

    def follows(self, entries: list) -> bool:
        return is_checkin_entry(entries)

    def _default_session(self) -> str | None:
        """The session in this room starting next (or the last one started within 2 h), today."""
        room = self.ctx.hall.config.site.room_code or None
        sessions = self.ctx.hall.sessions_on(room_code=room) or self.ctx.hall.sessions_on()
        if not sessions:
            return None
        now = self.ctx.hall.clock.now()
        upcoming = [s for s in sessions if (s.starts_at - now).total_seconds() > -2 * 3600]
        return (upcoming or sessions)[0].session_id

    def load(self) -> Attendance | None:
        """Read lane: the attendance of the session this board shows."""
        sid = self.pick_session()
        return self.service.attendance(sid) if sid else None

    def draw(self, att: Attendance | None) -> None:
        for lab in self.labels:
            lab.deleteLater()
        self.labels = []
        self.current = att
        if att is None:
            self.session.setText(self.tr("今日暂无开标、拍卖安排"))
            self.count.clear()
            return
        self.session.setText(f"{beijing(att.starts_at):%H:%M} {kind_label(att.kind)} · {att.room_name} · {att.title}")
        self.count.setText(self.tr("已到 %1 / %2").replace("%1", str(att.present)).replace("%2", str(len(att.rows))))
        seen: set[str] = set()
        row = 0
        for r in att.rows:
            key = r.bidder_name if att.kind != "bid_opening" else r.registration_id
            if key in seen:
                continue
            seen.add(key)
            if row >= BOARD_ROWS:
                break
            mark = QLabel("✓" if r.present else "·", objectName="boardRow")
            name = QLabel(r.bidder_name, objectName="boardRow" if r.present else "boardMuted")
            name.setWordWrap(True)
            extra = QLabel((self.tr("号牌 %1").replace("%1", r.paddle_no) if r.paddle_no else
                            (f"{beijing(r.checked_in_at):%H:%M}" if r.checked_in_at else self.tr("未到"))),
                           objectName="boardRow" if r.present else "boardMuted")
            for col, lab in enumerate((mark, name, extra)):
                self.grid.addWidget(lab, row, col)
                self.labels.append(lab)
            row += 1
        self.grid.setColumnStretch(1, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("签到情况"))
        self.notice.setText(self.tr("请在签到机刷身份证签到。签到信息实时更新。"))
        if self.current is not None:
            self.draw(self.current)
        self.refresh()
