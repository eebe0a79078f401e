"""The counter console's queue tab (窗口叫号): call next, recall, missed, hold/call back, transfer, finish.

One active ticket per counter. "Call next" with an active ticket asks first (the button turns into
"finish and call next"; a second press within 5 s confirms) instead of silently abandoning it.
Keyboard shortcuts F1–F6 are printed on the buttons; a USB call button that sends F1 works too.

The UI thread never waits on the database (issue 21): every act runs through an :class:`ui.jobs.Act`
on the ``work`` lane — its buttons are disabled until the outcome is back, a second press (F1 twice
into a frozen database) is refused at once and never replayed, an act that could not start within
5 s is dropped — and the counter's state loads through a :class:`ui.jobs.Refresher` on the ``read``
lane.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.queue import CounterState, QueueService
from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import Act, JobOutcome, Refresher
from ui.queue import QUEUE_KINDS
from ui.queue.common import service_name
from ui.widgets import Retranslatable, bilingual

CONFIRM_MS = 5000


class CounterQueueTab(Retranslatable, QWidget):
    """Calls for the window ``[queue] counter_no``; the clerk is whoever is logged in."""

    def __init__(self, ctx: UiContext, queue: QueueService, counter_no: str, operator: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.counter_no = counter_no
        self.operator = operator
        self.state: CounterState | None = None
        self._confirm_next = False
        # a disabled F1 must look disabled while its act runs (the theme greys only plain buttons)
        self.setStyleSheet("QPushButton#primary:disabled { background: #eef1f5; color: #9aa4b2; border: 2px solid #c5ccd6; }")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(32, 20, 32, 20)
        lay.setSpacing(28)
        left = QVBoxLayout()
        self.title = QLabel(objectName="h2")
        self.current = QLabel(objectName="queueNumberSmall")
        self.current.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current_info = QLabel(objectName="queueLead")
        self.current_info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current_info.setWordWrap(True)
        left.addWidget(self.title)
        left.addWidget(self.current)
        left.addWidget(self.current_info)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.btn_next = self._button("primary", self.call_next)
        self.btn_recall = self._button("", self.recall)
        self.btn_miss = self._button("", self.miss)
        self.btn_hold = self._button("", self.hold)
        self.btn_transfer = self._button("", self.transfer)
        self.btn_finish = self._button("", self.finish)
        for i, b in enumerate((self.btn_next, self.btn_recall, self.btn_miss, self.btn_hold, self.btn_transfer, self.btn_finish)):
            grid.addWidget(b, i // 2, i % 2)
        left.addLayout(grid)
        opts = QGridLayout()
        self.transfer_label = QLabel()
        self.transfer_to = QComboBox()
        self.transfer_to.setMinimumHeight(56)
        self.outcome_label = QLabel()
        self.outcome = QComboBox()
        self.outcome.setMinimumHeight(56)
        self.note = QLineEdit()
        opts.addWidget(self.transfer_label, 0, 0)
        opts.addWidget(self.transfer_to, 0, 1)
        opts.addWidget(self.outcome_label, 1, 0)
        opts.addWidget(self.outcome, 1, 1)
        opts.addWidget(self.note, 2, 0, 1, 2)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        left.addWidget(self.message)
        left.addStretch(1)
        lay.addLayout(left, 3)
        right = QVBoxLayout()
        self.waiting_title = QLabel(objectName="h2")
        self.waiting = QLabel()
        self.waiting.setWordWrap(True)
        self.held_title = QLabel(objectName="h2")
        self.held = QListWidget()
        self.held.setMinimumHeight(100)
        self.btn_callback = self._button("", self.call_back)
        self.missed_title = QLabel(objectName="h2")
        self.missed = QListWidget()
        self.missed.setMinimumHeight(100)
        self.btn_reactivate = self._button("", self.reactivate)
        right.addWidget(self.waiting_title)
        right.addWidget(self.waiting)
        right.addLayout(opts)
        lists = QGridLayout()
        for col, ws in enumerate(((self.held_title, self.held, self.btn_callback), (self.missed_title, self.missed, self.btn_reactivate))):
            for row, w in enumerate(ws):
                lists.addWidget(w, row, col)
        right.addLayout(lists, 1)
        lay.addLayout(right, 2)
        keys = {
            "F1": self.call_next, "F2": self.recall, "F3": self.miss, "F4": self.hold, "F5": self.transfer, "F6": self.finish,
            "F7": self.call_back, "F8": self.reactivate,
        }
        self.shortcuts = []
        for key, fn in keys.items():
            sc = QShortcut(QKeySequence(key), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(fn)
            self.shortcuts.append(sc)
        self.confirm_timer = QTimer(self)
        self.confirm_timer.setSingleShot(True)
        self.confirm_timer.timeout.connect(self._cancel_confirm)
        self._load_message = ""
        self.services: list = []  # active services (transfer targets), loaded with the state
        self.act = Act(ctx.jobs, self._act_buttons)
        self.view = Refresher(ctx.jobs, f"counter-state:{counter_no}", self._load, self._draw_state, self._load_failed)
        self._enable(False)  # until the first load says what this counter may do
        ctx.bridge.journalEntries.connect(self._entries)
        self.retranslate()

    def _button(self, name: str, fn: Callable[[], None]) -> QPushButton:
        b = QPushButton(objectName=name) if name else QPushButton()
        b.setMinimumHeight(72)
        b.clicked.connect(fn)
        return b

    def _act_buttons(self) -> list[QPushButton]:
        return [self.btn_next, self.btn_recall, self.btn_miss, self.btn_hold, self.btn_transfer, self.btn_finish,
                self.btn_callback, self.btn_reactivate]

    @property
    def busy(self) -> bool:
        """An act or a load is under way (tests wait for it)."""
        return self.act.pending is not None or self.view.inflight

    def _entries(self, entries: list) -> None:
        if self.isVisible() and any(e.kind in QUEUE_KINDS for e in entries):
            self.refresh()

    def _clerk(self) -> str:
        return self.operator() or ""

    # --- actions ---

    def _do(self, key: str, fn: Callable[[], object], then: Callable[[JobOutcome], None] | None = None) -> bool:
        """Start ``fn`` as this counter's act (work lane); False when another act is still under way."""
        if not self.act.run(key, fn, lambda outcome: self._done(outcome, then)):
            self.message.setText(self.tr("上一操作尚未完成，请稍候。"))
            return False
        self.message.clear()
        return True

    def _done(self, outcome: JobOutcome, then: Callable[[JobOutcome], None] | None) -> None:
        if outcome.ok:
            self.message.clear()  # e.g. "the last act is not finished" said to a press meanwhile
        else:
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))
        if then is not None:
            then(outcome)
        self.refresh()

    def call_next(self) -> None:
        if self.act.pending is not None:  # the key works on a disabled button: refuse, never queue
            self.message.setText(self.tr("上一操作尚未完成，请稍候。"))
            return
        if self.state is not None and self.state.current is not None and not self._confirm_next:
            self._confirm_next = True
            self.confirm_timer.start(CONFIRM_MS)
            self.retranslate()
            return
        close = "served" if self._confirm_next else None
        self._cancel_confirm()
        clerk = self._clerk()
        counter = self.counter_no

        def called(outcome: JobOutcome) -> None:
            if outcome.ok and outcome.value is None:
                self.message.setText(self.tr("当前没有等候的号。"))

        self._do("call-next", lambda: self.queue.call_next(counter, clerk, close_current=close), called)

    def _cancel_confirm(self) -> None:
        self._confirm_next = False
        self.confirm_timer.stop()
        self.retranslate()

    def recall(self) -> None:
        clerk, counter = self._clerk(), self.counter_no
        self._do("recall", lambda: self.queue.recall(counter, clerk))

    def miss(self) -> None:
        counter = self.counter_no
        self._do("miss", lambda: self.queue.miss(counter))

    def hold(self) -> None:
        counter, note = self.counter_no, self.note.text().strip()
        if self._do("hold", lambda: self.queue.hold(counter, note)):
            self.note.clear()

    def transfer(self) -> None:
        code = self.transfer_to.currentData()
        if code:
            counter, note = self.counter_no, self.note.text().strip()
            if self._do("transfer", lambda: self.queue.transfer(counter, code, note)):
                self.note.clear()

    def finish(self) -> None:
        outcome = self.outcome.currentData() or "served"
        counter, note = self.counter_no, self.note.text().strip()
        if self._do("finish", lambda: self.queue.finish(counter, outcome, note)):
            self.note.clear()

    def call_back(self) -> None:
        item = self.held.currentItem() or self.held.item(0)
        if item is not None:
            ticket_id, clerk, counter = item.data(Qt.ItemDataRole.UserRole), self._clerk(), self.counter_no
            self._do("call-back", lambda: self.queue.call_back(counter, ticket_id, clerk))

    def reactivate(self) -> None:
        item = self.missed.currentItem() or self.missed.item(0)
        if item is not None:
            ticket_id, clerk = item.data(Qt.ItemDataRole.UserRole), self._clerk()
            self._do("reactivate", lambda: self.queue.reactivate(ticket_id, clerk))

    # --- view ---

    def refresh(self) -> None:
        """Ask for the counter's state (read lane); drawn when it arrives."""
        if not self.counter_no:
            self.state = None
            self.message.setText(self.tr("本终端未设置窗口号（配置 [queue] counter_no），请联系管理员。"))
            self._enable(False)
            return
        self.view.request()

    def _load(self) -> tuple[CounterState, list]:
        return self.queue.counter_state(self.counter_no), self.queue.services(active_only=True)

    def _load_failed(self, outcome: JobOutcome) -> None:
        """The state could not be read: keep what is shown, say why (a refused counter takes no acts)."""
        self._load_message = bilingual(self.ctx, outcome.zh, outcome.en)
        self.message.setText(self._load_message)
        if outcome.code != "database":
            self.state = None
            self._enable(False)

    def _draw_state(self, loaded: tuple[CounterState, list]) -> None:
        self.state, self.services = loaded
        if self._load_message and self.message.text() == self._load_message:
            self.message.clear()  # the database answers again
        self._load_message = ""
        self._draw()

    def _draw(self) -> None:
        if self.state is None:
            return
        st = self.state
        cur = st.current
        self.title.setText(self.tr("%1 号窗口").replace("%1", self.counter_no))
        if cur is None:
            self.current.setText("—")
            self.current_info.setText(self.tr("空闲：按 F1 叫下一号"))
        else:
            self.current.setText(cur.ticket_no)
            called = beijing(cur.called_at).strftime("%H:%M:%S") if cur.called_at else ""
            info = service_name(self.ctx, cur.service_name, cur.service_name_en)
            info += " · " + self.tr("第 %1 次呼叫 %2").replace("%1", str(cur.call_count)).replace("%2", called)
            if cur.priority:
                info += " · " + self.tr("优先")
            self.current_info.setText(info)
        self.waiting.setText("\n".join(
            self.tr("%1：等候 %2 人").replace("%1", name).replace("%2", str(n)) for _c, name, n in st.waiting
        ) or self.tr("本窗口未配置业务"))
        self.held.clear()
        for t in st.held:
            item = QListWidgetItem(f"{t.ticket_no}  {t.service_name}")
            item.setData(Qt.ItemDataRole.UserRole, t.ticket_id)
            self.held.addItem(item)
        self.missed.clear()
        for t in st.missed:
            at = beijing(t.missed_at).strftime("%H:%M") if t.missed_at else ""
            item = QListWidgetItem(f"{t.ticket_no}  {t.service_name}  {self.tr('过号')} {at}")
            item.setData(Qt.ItemDataRole.UserRole, t.ticket_id)
            self.missed.addItem(item)
        current_code = self.transfer_to.currentData()
        self.transfer_to.clear()
        for svc in self.services:
            if cur is None or svc.code != cur.service_code:
                self.transfer_to.addItem(f"{svc.prefix} {service_name(self.ctx, svc.name, svc.name_en)}", svc.code)
        if current_code:
            i = self.transfer_to.findData(current_code)
            if i >= 0:
                self.transfer_to.setCurrentIndex(i)
        self._enable(True)

    def _enable(self, on: bool) -> None:
        if self.act.pending is not None:  # the act's buttons stay off until its outcome is back
            on = False
        active = on and self.state is not None and self.state.current is not None
        self.btn_next.setEnabled(on)
        for b in (self.btn_recall, self.btn_miss, self.btn_hold, self.btn_transfer, self.btn_finish):
            b.setEnabled(active)
        if active and self.state is not None and self.state.current is not None:
            self.btn_recall.setEnabled(self.state.current.call_count - 1 < self.state.recall_limit)
        self.btn_callback.setEnabled(on and self.held.count() > 0)
        self.btn_reactivate.setEnabled(on and self.missed.count() > 0)

    def retranslate(self) -> None:
        if self._confirm_next:
            self.btn_next.setText(self.tr("F1 办结当前并叫下一号（再按确认）"))
        else:
            self.btn_next.setText(self.tr("F1 叫下一号"))
        self.btn_recall.setText(self.tr("F2 重呼"))
        self.btn_miss.setText(self.tr("F3 过号"))
        self.btn_hold.setText(self.tr("F4 挂起"))
        self.btn_transfer.setText(self.tr("F5 转移"))
        self.btn_finish.setText(self.tr("F6 办结"))
        self.btn_callback.setText(self.tr("F7 回呼"))
        self.btn_reactivate.setText(self.tr("F8 恢复过号"))
        self.transfer_label.setText(self.tr("转移到"))
        self.outcome_label.setText(self.tr("办结结果"))
        self.outcome.clear()
        self.outcome.addItem(self.tr("已办理"), "served")
        self.outcome.addItem(self.tr("取消（未办理）"), "cancelled")
        self.note.setPlaceholderText(self.tr("备注（可选，如：材料不全）"))
        self.waiting_title.setText(self.tr("等候人数"))
        self.held_title.setText(self.tr("本窗口挂起"))
        self.missed_title.setText(self.tr("过号（可恢复）"))
        self._draw()  # the shown state in the new language; then a fresh one
        self.refresh()
