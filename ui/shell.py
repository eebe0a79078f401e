"""The window every role runs in: header, status bar (devices, sync, clock), idle watcher, full screen.

``RoleWindow`` hosts one role page. On a kiosk in full screen, leaving it (Esc, close) needs an
admin PIN. An ``IdleWatcher`` on the window resets the page after ``idle_timeout_seconds``
without input (the kiosk page wipes any personal data from its screens on reset).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QResizeEvent, QWindow
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ports import DbState, DeviceState, DeviceStatus, SyncStatus
from kiosk.timeutil import beijing_text
from ui.context import UiContext
from ui.jobs import READ, JobOutcome
from ui.widgets import AdminPinDialog, Retranslatable


def role_title(role: str) -> str:
    """The translated title of a role."""
    return {
        "kiosk": QCoreApplication.translate("Roles", "自助服务终端"),
        "counter": QCoreApplication.translate("Roles", "窗口服务终端"),
        "board": QCoreApplication.translate("Roles", "大厅信息屏"),
        "host": QCoreApplication.translate("Roles", "开标主持台"),
        "auctioneer": QCoreApplication.translate("Roles", "拍卖师控制台"),
        "admin": QCoreApplication.translate("Roles", "系统管理"),
        "extraction": QCoreApplication.translate("Roles", "专家抽取室"),
        "supervisor": QCoreApplication.translate("Roles", "行政监督室"),
    }[role]


def device_name(key: str) -> str:
    return {
        "id_reader": QCoreApplication.translate("Devices", "身份证阅读器"),
        "scanner": QCoreApplication.translate("Devices", "扫码器"),
        "printer": QCoreApplication.translate("Devices", "打印机"),
        "keypads": QCoreApplication.translate("Devices", "竞价器"),
        "camera": QCoreApplication.translate("Devices", "摄像头"),
        "modem": QCoreApplication.translate("Devices", "短信猫"),
        "door": QCoreApplication.translate("Devices", "门禁"),
        "lockers": QCoreApplication.translate("Devices", "手机柜"),
    }.get(key, key)


def state_text(state: DeviceState) -> str:
    return {
        DeviceState.ONLINE: QCoreApplication.translate("Devices", "正常"),
        DeviceState.OFFLINE: QCoreApplication.translate("Devices", "离线"),
        DeviceState.RECONNECTING: QCoreApplication.translate("Devices", "重连中"),
        DeviceState.ERROR: QCoreApplication.translate("Devices", "故障"),
        DeviceState.UNKNOWN: QCoreApplication.translate("Devices", "未知"),
        DeviceState.NOT_CONFIGURED: QCoreApplication.translate("Devices", "未配置"),
    }[state]


def worst_state(statuses: list[DeviceStatus]) -> str:
    """The colour of the device indicator: red for a fault, amber while unsure, green when all answer."""
    states = {s.state for s in statuses}
    if states & {DeviceState.OFFLINE, DeviceState.ERROR}:
        return "error"
    if states & {DeviceState.UNKNOWN, DeviceState.RECONNECTING}:
        return "unknown"
    return "online"


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``seconds`` without a key, mouse or touch event in the application's windows.

    It watches the top-level windows (``QWindow``: its owner's, and each window that takes the focus,
    a PIN dialog say), where every input event arrives before Qt hands it to a widget. A filter on
    the ``QApplication`` would see every event of every widget as well — paints, layouts, polish,
    enabled changes: thousands when a screen redraws — each one a call into Python that must take
    the GIL from the worker threads. Right after the database returned (issue 21), when the
    screens' reloads were running on those workers, that kept the UI thread from its event loop for
    300–700 ms (``bench/bench_outages.py``, docs/outages.md).
    """

    idle = Signal()
    _INPUT = {
        QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
        QEvent.Type.Wheel, QEvent.Type.MouseMove,
    }

    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, seconds) * 1000)
        self.timer.timeout.connect(self.idle)
        self._owner = parent if isinstance(parent, QWidget) else None
        if self._owner is not None:  # its QWindow exists once it is shown: watch for that (its own events only)
            self._owner.installEventFilter(self)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._watch)
            for window in QGuiApplication.topLevelWindows():
                self._watch(window)
        self.timer.start()

    def _watch(self, window: QWindow | None) -> None:
        if window is not None:
            window.installEventFilter(self)  # installing it again only moves it to the front

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in self._INPUT:
            self.timer.start()
        elif obj is self._owner and kind in (QEvent.Type.Show, QEvent.Type.WinIdChange) and self._owner is not None:
            self._watch(self._owner.windowHandle())
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusWindowChanged.disconnect(self._watch)
            for window in QGuiApplication.topLevelWindows():
                window.removeEventFilter(self)


class StatusBarItems(Retranslatable, QWidget):
    """Device states, the platform link and the clock, refreshed every second and on bridge signals."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lay = QHBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.devices = QLabel()
        self.sync = QLabel()
        # whether the platform's answers are signed and verified (docs/platform-api.md §7.5); hidden when they are
        self.platform_key = QLabel()
        self.platform_key.hide()
        self.database = QLabel()
        self.journal = QLabel()
        self.clock = QLabel()
        for w in (self.devices, self.database, self.sync, self.platform_key, self.journal):
            self.lay.addWidget(w)
        self.lay.addStretch(1)
        self.lay.addWidget(self.clock)
        ctx.bridge.deviceStatuses.connect(self.show_devices)
        ctx.bridge.syncStatus.connect(self.show_sync)
        ctx.bridge.journalEntries.connect(self._on_entries)
        ctx.bridge.databaseState.connect(self.show_database)
        self._last_seq = 0
        # room for the journal's number before it arrives (it is read off this thread)
        self.journal.setMinimumWidth(self.journal.fontMetrics().horizontalAdvance(self.tr("日志 #%1").replace("%1", "9999999")) + 24)
        hall = ctx.hall  # the journal's number is read on the job runner, never on this thread
        ctx.jobs.run("journal-head", lambda: int(hall.journal_stats()["last_seq"]), self._on_head, lane=READ)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(1000)
        self.refresh()

    def retranslate(self) -> None:
        self.refresh()

    def _on_head(self, outcome: JobOutcome) -> None:
        if outcome.ok and not self._last_seq:
            self._last_seq = int(outcome.value)
            self._show_journal()

    def _on_entries(self, entries: list) -> None:
        if entries:
            self._last_seq = entries[-1].seq
            self._show_journal()

    def _show_journal(self) -> None:
        self.journal.setText(self.tr("日志 #%1").replace("%1", str(self._last_seq)) if self._last_seq else "")

    def refresh(self) -> None:
        self.clock.setText(beijing_text(self.ctx.hall.clock.now()))
        self.show_devices(self.ctx.device_statuses())
        self.show_database(self.ctx.db_state())
        self.show_sync(self.ctx.sync_status())
        self._show_journal()

    def show_database(self, state: DbState) -> None:
        if state.ok:
            self.database.setText(self.tr("数据库：正常"))
            self.database.setProperty("state", "online")
        else:
            self.database.setText(self.tr("数据库：不可用"))
            self.database.setProperty("state", "error")
        self.database.style().polish(self.database)

    def show_devices(self, statuses: list[DeviceStatus]) -> None:
        shown = [s for s in statuses if s.state != DeviceState.NOT_CONFIGURED]
        if not shown:
            self._devices_forms = [self.tr("设备：未配置")]
            self.devices.setProperty("state", "not_configured")
        else:
            parts = [f"{device_name(s.name)}·{state_text(s.state)}" for s in shown]
            bad = [p for s, p in zip(shown, parts, strict=True) if s.state != DeviceState.ONLINE]
            # a narrower window: the devices that need attention by name, then only how many (the
            # tooltip keeps the whole list)
            counted = (self.tr("设备：%1 台需注意").replace("%1", str(len(bad))) if bad
                       else self.tr("设备：%1 台正常").replace("%1", str(len(shown))))
            self._devices_forms = ["  ".join(parts), "  ".join(bad), counted] if bad else ["  ".join(parts), counted]
            self.devices.setProperty("state", worst_state(shown))
        self.devices.setToolTip(self._devices_forms[0])
        self._fit_devices()
        self.devices.style().polish(self.devices)

    def _fit_devices(self) -> None:
        """The longest form of the device states that fits beside the other items (never clipped)."""
        forms = getattr(self, "_devices_forms", [""])
        if not self.isVisible():  # not laid out yet: its width means nothing
            self.devices.setText(forms[0])
            return
        others = sum(w.sizeHint().width() for w in (self.database, self.sync, self.platform_key, self.journal, self.clock)
                     if w.isVisibleTo(self))
        room = self.width() - others - self.lay.spacing() * 6
        metrics = self.devices.fontMetrics()
        self.devices.setText(next((f for f in forms if metrics.horizontalAdvance(f) <= room), forms[-1]))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_devices()

    def show_sync(self, status: SyncStatus | None) -> None:
        if status is None:
            self.sync.setText(self.tr("平台：未连接（单机）"))
            self.sync.setProperty("state", "not_configured")
        elif status.alarm:
            self.sync.setText(self.tr("平台：告警"))
            self.sync.setProperty("state", "error")
        elif status.online:
            self.sync.setText(self.tr("平台：在线 待传 %1").replace("%1", str(status.backlog)))
            self.sync.setProperty("state", "online")
        else:
            self.sync.setText(self.tr("平台：离线 待传 %1").replace("%1", str(status.backlog)))
            self.sync.setProperty("state", "offline")
        self.sync.style().polish(self.sync)
        self._show_platform_key(status)

    def _show_platform_key(self, status: SyncStatus | None) -> None:
        """Say when the platform's answers are not verified: no key configured, or signatures failing."""
        key = status.platform_key if status is not None else "verified"
        if key == "failing":
            self.platform_key.setText(self.tr("平台签名验证失败"))
            self.platform_key.setProperty("state", "error")
        elif key == "absent":
            self.platform_key.setText(self.tr("未验证平台签名"))
            self.platform_key.setProperty("state", "unknown")
        self.platform_key.setVisible(key in ("failing", "absent"))
        self.platform_key.style().polish(self.platform_key)


class Header(Retranslatable, QFrame):
    """Site name, role title, operator and the language switch."""

    logoutRequested = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("header")
        self.setMinimumHeight(96)
        self.title = QLabel(objectName="headerTitle")
        self.sub = QLabel(objectName="headerSub")
        self.operator = QLabel(objectName="headerSub")
        self.logout = QPushButton(objectName="lang")
        self.logout.clicked.connect(self.logoutRequested)
        self.logout.hide()
        self.lang = QPushButton(objectName="lang")
        self.lang.clicked.connect(self._toggle_language)
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.title)
        left.addWidget(self.sub)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(28, 8, 28, 8)
        lay.addLayout(left, 1)
        lay.addWidget(self.operator)
        lay.addWidget(self.logout)
        lay.addWidget(self.lang)
        self.retranslate()

    def _toggle_language(self) -> None:
        self.ctx.languages.toggle()

    def set_operator(self, name: str | None) -> None:
        self.operator.setText(name or "")
        self.logout.setVisible(bool(name))

    def retranslate(self) -> None:
        self.title.setText(self.ctx.hall.config.site.name if self.ctx.languages.current == "zh_CN" else self.tr("公共资源交易中心"))
        self.sub.setText(role_title(self.ctx.role) + f" · {self.ctx.hall.config.site.terminal_id}")
        self.lang.setText("English" if self.ctx.languages.current == "zh_CN" else "中文")
        self.logout.setText(self.tr("退出登录"))


class RoleWindow(Retranslatable, QMainWindow):
    """The main window of a role: header, the role's page, the status bar."""

    def __init__(self, ctx: UiContext, page: QWidget, *, show_header: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        #: the role's page; what it offers differs by role (reset, logout, open_flow, work …), so it is duck-typed
        self.page: Any = page
        self._allow_close = not ctx.fullscreen
        body = QWidget(objectName="page")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.header = Header(ctx)
        self.header.setVisible(show_header and ctx.role != "board")
        lay.addWidget(self.header)
        # shown while the database does not answer: what happened, and what still works
        self.outage = QLabel(objectName="outageBanner")
        self.outage.setProperty("role", ctx.role)
        self.outage.setWordWrap(True)
        self.outage.hide()
        lay.addWidget(self.outage)
        lay.addWidget(page, 1)
        self._db_state = ctx.db_state()
        ctx.bridge.databaseState.connect(self.show_database_state)
        self.setCentralWidget(body)
        self.status_items = StatusBarItems(ctx)
        self.statusBar().addWidget(self.status_items, 1)
        self.statusBar().setSizeGripEnabled(False)
        if hasattr(page, "operatorChanged"):
            page.operatorChanged.connect(self.header.set_operator)
            self.header.logoutRequested.connect(page.logout)  # type: ignore[attr-defined]  # signs in, so signs out
        self.idle: IdleWatcher | None = None
        if hasattr(page, "reset"):
            seconds = ctx.hall.config.kiosk.idle_timeout_seconds if ctx.role == "kiosk" else 600
            self.idle = IdleWatcher(seconds, self)
            self.idle.idle.connect(self._on_idle)
        self.retranslate()
        self.show_database_state(self._db_state)

    def show_database_state(self, state: DbState) -> None:
        """The outage banner. A kiosk pauses (its page takes no taps: 暂停服务); a console keeps what
        it shows but every act says it was not done; a board keeps its clock and warns that its
        content may be out of date."""
        self._db_state = state
        self.outage.setVisible(not state.ok)
        self.page.setEnabled(state.ok or self.ctx.role != "kiosk")
        self._say_outage()

    def _say_outage(self) -> None:
        if self._db_state.ok:
            return
        role = self.ctx.role
        if role == "kiosk":
            text = self.tr("暂停服务：系统正在恢复连接，请稍候或到服务窗口办理。")
        elif role == "board":
            text = self.tr("数据连接中断，以下内容可能不是最新。")
        else:
            text = self.tr("数据库连接中断，正在自动重试。已办理的记录不会丢失；恢复前本机的操作不会执行。")
        self.outage.setText(text)

    def _on_idle(self) -> None:
        self.page.reset()  # the idle watcher runs only for pages with reset()
        if self.idle is not None:
            self.idle.timer.start()

    def retranslate(self) -> None:
        self.setWindowTitle(f"Hall Kiosk — {role_title(self.ctx.role)}")
        if hasattr(self, "outage"):
            self._say_outage()

    def place(self, screen: int | None, fullscreen: bool) -> None:
        """Put the window on screen ``screen`` (if present), full screen or maximised."""
        screens = QGuiApplication.screens()
        if screen is not None and 0 <= screen < len(screens):
            self.setScreen(screens[screen])
            self.move(screens[screen].geometry().topLeft())
        if fullscreen:
            self.showFullScreen()
        else:
            self.showMaximized()
        target = self.screen()
        if target is not None:
            target.geometryChanged.connect(self._screen_changed)

    def fit_to(self, width: int, height: int) -> None:
        """Take ``width`` × ``height`` even when the current layout wants more room.

        Screens re-flow for the orientation (kiosk tiles 4 → 2×2, ticket services in one column)
        when they get their new width; until then a portrait layout's height clamps a resize to
        landscape. So: resize, let the layouts re-flow, and resize again until the size holds.
        """
        for _ in range(12):  # a changed minimum climbs the widget tree one posted LayoutRequest per pass
            self.resize(width, height)
            QCoreApplication.processEvents()
            layout = self.layout()
            if layout is not None:
                layout.activate()
            if self.width() == width and self.height() == height:
                return

    def _screen_changed(self, rect) -> None:  # the display was rotated or resized
        if self.isFullScreen() or self.isMaximized():
            QTimer.singleShot(0, lambda: self.fit_to(rect.width(), rect.height()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.request_exit()
            return
        super().keyPressEvent(event)

    def request_exit(self) -> bool:
        """Leave full screen / close: on a kiosk only with an admin PIN. Returns whether allowed."""
        if self.ctx.role == "kiosk" and self.ctx.fullscreen:
            dlg = AdminPinDialog(self.ctx, self)
            if dlg.exec() != AdminPinDialog.DialogCode.Accepted:
                return False
        self._allow_close = True
        self.showNormal()
        return True

    def guard_exit(self, guarded: bool) -> None:
        """Whether closing asks first (a full-screen kiosk: the admin PIN) or simply closes."""
        self._allow_close = not guarded

    def close_for_good(self) -> None:
        """Close without asking: the terminal is shutting down. The one way code closes a window."""
        self._allow_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._allow_close and not self.request_exit():
            event.ignore()
            return
        if self.idle is not None:
            self.idle.stop()
        event.accept()


