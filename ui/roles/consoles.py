"""Operator consoles: counter, host, auctioneer, admin — each behind a PIN login.

``LoginGate`` shows the login until an operator of an allowed role logs in, then the role's work
page; logout (button or 10 minutes idle) is journalled and returns to the login.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import HallError
from kiosk.operators import ROLE_NAMES_ZH, OperatorInfo
from ui.context import UiContext
from ui.feed_dead_letters import FeedDeadLettersView
from ui.sessions_view import SessionsTable
from ui.shell import device_name, state_text
from ui.widgets import LoginPanel, Retranslatable, bilingual

CONSOLE_ROLES = {
    "counter": ("clerk", "supervisor"),
    "host": ("host", "supervisor"),
    "auctioneer": ("auctioneer", "supervisor"),
    "admin": ("admin", "supervisor"),
    "extraction": ("clerk", "supervisor"),  #: the 专家抽取室; the draw's roles are then taken by card
}


class LoginGate(QStackedWidget):
    """Login page, then the work page of the operator's console.

    Signals:
        operatorChanged(object): the display name of the operator logged in, or None.
    """

    operatorChanged = Signal(object)

    def __init__(self, ctx: UiContext, work: QWidget, roles: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.operator: OperatorInfo | None = None
        self.login = LoginPanel(ctx, roles)
        self.login.loggedIn.connect(self._logged_in)
        self.work = work
        self.addWidget(self.login)
        self.addWidget(work)

    def _logged_in(self, info: OperatorInfo) -> None:
        self.operator = info
        self.operatorChanged.emit(f"{info.display_name}（{ROLE_NAMES_ZH.get(info.role, info.role)}）")
        if hasattr(self.work, "refresh"):
            self.work.refresh()
        self.setCurrentWidget(self.work)

    def logout(self, reason: str = "user") -> None:
        if self.operator is not None:
            self.ctx.hall.logout(self.operator.username, reason=reason)
        self.operator = None
        self.operatorChanged.emit(None)
        self.setCurrentWidget(self.login)

    def reset(self) -> None:
        """Idle: log the operator out."""
        if self.operator is not None:
            self.logout(reason="idle")


class TabHost(Retranslatable, QTabWidget):
    """A console's work area: capabilities add their tabs with ``add_tab`` (titles re-translated)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._titles: list[tuple[QWidget, Callable[[], str]]] = []

    def add_tab(self, widget: QWidget, title: Callable[[], str], *, first: bool = False) -> None:
        """Add ``widget`` as a tab; ``title`` gives its (translated) label. ``first`` puts it in front."""
        self._titles.append((widget, title))
        if first:
            self.insertTab(0, widget, title())
            self.setCurrentIndex(0)
        else:
            self.addTab(widget, title())

    def refresh(self) -> None:
        for widget, _ in self._titles:
            if hasattr(widget, "refresh"):
                widget.refresh()

    def retranslate(self) -> None:
        for widget, title in self._titles:
            self.setTabText(self.indexOf(widget), title())


class SessionsWork(Retranslatable, QWidget):
    """Today's sessions of some kinds (in this room when the terminal has one), with countdowns."""

    def __init__(self, ctx: UiContext, kinds: tuple[str, ...] | None, title: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kinds = kinds
        self._title = title
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 24, 40, 24)
        self.title = QLabel(objectName="h2")
        self.note = QLabel(objectName="muted")
        self.note.setWordWrap(True)
        self.table = SessionsTable(countdown=True)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.table.tick(self.ctx.hall.clock.now()))
        self.timer.start(1000)
        self.retranslate()

    def refresh(self) -> None:
        room = self.ctx.hall.config.site.room_code or None
        self.table.show_sessions(self.ctx.hall.sessions_on(room_code=room, kinds=self.kinds), self.ctx.hall.clock.now())
        if not self.table.sessions:
            self.note.setText(self.tr("今日本场地没有安排。数据来自交易平台，请在管理界面查看同步状态。"))
        else:
            self.note.setText(self.tr("时间以交易平台时钟为准。"))

    def retranslate(self) -> None:
        self.title.setText(self._title())
        self.table.retranslate()


class AdminWork(TabHost):
    """Journal check, devices, platform link and operators; capabilities add their own tabs."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.gate: LoginGate | None = None  #: set by console_for; who is logged in
        # Journal tab
        jw = QWidget()
        jl = QVBoxLayout(jw)
        jl.setContentsMargins(32, 24, 32, 24)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.verify_btn = QPushButton(objectName="primary")
        self.verify_btn.clicked.connect(self.verify)
        self.verify_result = QLabel()
        self.verify_result.setWordWrap(True)
        jl.addWidget(self.stats)
        jl.addWidget(self.verify_btn)
        jl.addWidget(self.verify_result)
        self.entries = QTableWidget(0, 4)
        self.entries.verticalHeader().setVisible(False)
        self.entries.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        eh = self.entries.horizontalHeader()
        eh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        eh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        jl.addWidget(self.entries, 1)
        # Devices tab
        self.devices = QTableWidget(0, 3)
        self.devices.verticalHeader().setVisible(False)
        self.devices.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Sync tab
        sw = QWidget()
        sl = QVBoxLayout(sw)
        sl.setContentsMargins(32, 24, 32, 24)
        self.sync = QLabel()
        self.sync.setWordWrap(True)
        sl.addWidget(self.sync)
        self.dead_letters = FeedDeadLettersView(ctx)  # feed items not applied (issue 20 item 4)
        sl.addWidget(self.dead_letters, 1)
        # Operators tab
        self.operators = QTableWidget(0, 4)
        self.operators.verticalHeader().setVisible(False)
        self.operators.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Personal-data retention tab
        pw = QWidget()
        pl = QVBoxLayout(pw)
        pl.setContentsMargins(32, 24, 32, 24)
        self.pii_plan = QLabel()
        self.pii_plan.setWordWrap(True)
        self.pii_last = QLabel(objectName="muted")
        self.pii_last.setWordWrap(True)
        self.purge_btn = QPushButton(objectName="secondary")
        self.purge_btn.clicked.connect(self.purge)
        self.purge_result = QLabel()
        self.purge_result.setWordWrap(True)
        for w in (self.pii_plan, self.pii_last, self.purge_btn, self.purge_result):
            pl.addWidget(w)
        pl.addStretch(1)
        self.addTab(jw, "")
        self.addTab(self.devices, "")
        self.addTab(sw, "")
        self.addTab(self.operators, "")
        self.addTab(pw, "")
        self.retranslate()

    def refresh(self) -> None:
        super().refresh()
        st = self.ctx.hall.journal_stats()
        self.stats.setText(
            self.tr("日志编号 %1 · 共 %2 条 · 最新序号 %3\n最新哈希 %4")
            .replace("%1", str(st["journal_id"])).replace("%2", str(st["count"]))
            .replace("%3", str(st["last_seq"])).replace("%4", str(st["last_hash"]))
        )
        recent = self.ctx.hall.recent_entries(50)
        self.entries.setRowCount(len(recent))
        for row, e in enumerate(recent):
            for col, text in enumerate((str(e.seq), e.occurred_at[:19].replace("T", " "), e.kind, e.terminal_id)):
                self.entries.setItem(row, col, QTableWidgetItem(text))
        statuses = self.ctx.device_statuses()
        self.devices.setRowCount(len(statuses))
        for row, s in enumerate(statuses):
            for col, text in enumerate((device_name(s.name), s.url or "—", state_text(s.state))):
                self.devices.setItem(row, col, QTableWidgetItem(text))
        sync = self.ctx.sync_status()
        if sync is None:
            self.sync.setText(self.tr("未配置交易平台：本终端单机运行，记录保存在本地日志中，配置平台后自动补传。"))
        else:
            self.sync.setText(
                self.tr("在线：%1\n待传记录：%2\n已送达序号：%3\n告警：%4\n最近错误：%5")
                .replace("%1", self.tr("是") if sync.online else self.tr("否"))
                .replace("%2", str(sync.backlog)).replace("%3", str(sync.last_delivered_seq))
                .replace("%4", sync.alarm or "—").replace("%5", sync.last_error or "—")
            )
        self.dead_letters.refresh()
        ops = self.ctx.hall.list_operators()
        self.operators.setRowCount(len(ops))
        for row, o in enumerate(ops):
            cells = (o.username, o.display_name, ROLE_NAMES_ZH.get(o.role, o.role), self.tr("停用") if o.disabled else self.tr("正常"))
            for col, text in enumerate(cells):
                self.operators.setItem(row, col, QTableWidgetItem(text))
        self.refresh_pii()

    def refresh_pii(self) -> None:
        plan = self.ctx.hall.pii_purge_plan()
        days = self.ctx.hall.config.security.pii_retention_days
        self.pii_plan.setText(
            self.tr("个人信息（身份证号、人脸照片）保留 %1 天，到期后各终端每 6 小时自动清除，只保留哈希。\n"
                    "现已到期待清除：人脸照片 %2 张（其中未上传 %3 张），代理人身份证号 %4 条，自然人投标人证件号 %5 条，"
                    "过期黑名单证件号 %6 条。")
            .replace("%1", str(days)).replace("%2", str(len(plan.faces))).replace("%3", str(plan.faces_not_uploaded))
            .replace("%4", str(plan.representatives)).replace("%5", str(plan.bidder_codes)).replace("%6", str(plan.blacklist_codes))
        )
        last = self.ctx.hall.last_entry("pii.purged")
        if last is None:
            self.pii_last.setText(self.tr("尚未清除过。"))
        else:
            p = last.payload
            self.pii_last.setText(
                self.tr("上次清除：%1（日志第 %2 条）：人脸照片 %3 张，身份证号 %4 条。")
                .replace("%1", last.occurred_at[:19].replace("T", " ")).replace("%2", str(last.seq))
                .replace("%3", str(p.get("faces", 0))).replace("%4", str(int(p.get("representatives", 0)) + int(p.get("bidder_codes", 0))))
            )
        self.purge_btn.setEnabled(plan.total > 0)

    def purge(self) -> None:
        op = self.gate.operator if self.gate is not None else None
        try:
            info = self.ctx.hall.purge_personal_data(operator=op.username if op is not None else "admin")
        except HallError as exc:  # the clock moved since the last purge: confirm with pii purge --confirm-clock
            self.purge_result.setText(bilingual(self.ctx, exc.zh, exc.en))
            return
        self.purge_result.setText(self.tr("已清除 %1 项个人信息，已记入日志。").replace("%1", str(info.total)))
        self.refresh_pii()

    def verify(self) -> None:
        result = self.ctx.hall.verify_journal()
        if result.ok:
            self.verify_result.setText(self.tr("日志完整：%1 条，哈希链校验通过。").replace("%1", str(result.count)))
            self.verify_result.setObjectName("h2")
        else:
            self.verify_result.setText(
                self.tr("日志被篡改：第 %1 条起校验失败（%2）").replace("%1", str(result.first_bad_seq)).replace("%2", result.problem)
            )
            self.verify_result.setObjectName("error")
        self.verify_result.style().polish(self.verify_result)

    def retranslate(self) -> None:
        super().retranslate()
        self.setTabText(0, self.tr("日志"))
        self.setTabText(1, self.tr("设备"))
        self.setTabText(2, self.tr("平台同步"))
        self.setTabText(3, self.tr("操作员"))
        self.setTabText(4, self.tr("个人信息保留"))
        self.purge_btn.setText(self.tr("立即清除到期个人信息"))
        self.verify_btn.setText(self.tr("校验日志哈希链"))
        self.entries.setHorizontalHeaderLabels([self.tr("序号"), self.tr("时间"), self.tr("事件"), self.tr("终端")])
        self.devices.setHorizontalHeaderLabels([self.tr("设备"), self.tr("地址"), self.tr("状态")])
        self.operators.setHorizontalHeaderLabels([self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态")])
        self.refresh()


def console_for(ctx: UiContext) -> LoginGate:
    """The login-gated console of ``ctx.role``: a tab host whose first tab is today's sessions."""
    if ctx.role == "admin":
        admin = AdminWork(ctx)
        admin.gate = LoginGate(ctx, admin, CONSOLE_ROLES[ctx.role])
        return admin.gate
    if ctx.role == "extraction":  # the draw's tab is added by hallkiosk/wiring_experts.py
        return LoginGate(ctx, TabHost(), CONSOLE_ROLES[ctx.role])
    if ctx.role == "host":
        title = lambda: QCoreApplication.translate("SessionsWork", "今日开标")  # noqa: E731
        sessions = SessionsWork(ctx, ("bid_opening",), title)
    elif ctx.role == "auctioneer":
        title = lambda: QCoreApplication.translate("SessionsWork", "今日拍卖会")  # noqa: E731
        sessions = SessionsWork(ctx, ("auction", "listing_auction"), title)
    else:
        title = lambda: QCoreApplication.translate("SessionsWork", "今日交易安排")  # noqa: E731
        sessions = SessionsWork(ctx, None, title)
    work = TabHost()
    work.add_tab(sessions, title)
    return LoginGate(ctx, work, CONSOLE_ROLES[ctx.role])
