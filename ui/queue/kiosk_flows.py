"""Kiosk flows: take a ticket (tile → service → printed ticket: 2 touches) and look up a ticket.

An ID card on the reader while the service list is shown is optional: it makes the ticket personal
(one open ticket per person and service — a second touch reprints it) and may give priority (70+).
Only a masked name is shown; the card is forgotten on ``reset()`` (idle) and after each ticket.
Printing runs on a thread of the composition root; its result comes back through a signal.

The UI thread never waits on the database (issue 21): the services' availability and a lookup load
through a :class:`ui.jobs.Refresher` on the ``read`` lane; taking a ticket is an :class:`ui.jobs.Act`
on the ``work`` lane (the service buttons stay disabled until its outcome is back, a second touch is
refused, an act that could not start within 5 s is dropped and said so); a printed ticket is noted
on the ``work`` lane.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.pii import mask_name
from kiosk.ports import CardEvent, IdCard, Slip
from kiosk.queue import QueueService, TicketInfo, ticket_slip
from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import SLIP_PRINTER, WORK, Act, JobOutcome, Refresher
from ui.queue.common import service_name, status_text
from ui.widgets import Retranslatable, bilingual, size_by_current_page

#: print(slip) → bytes written; raises DeviceError. Runs on the job runner's slip-printer lane.
PrintFn = Callable[[Slip], int]
RESULT_SECONDS = 20
PRINT_TIMEOUT_MS = 8000


class TicketFlow(Retranslatable, QStackedWidget):
    """Choose a service → the ticket (number, people ahead, wait) is printed."""

    done = Signal()
    issued = Signal(object)  #: TicketInfo, for tests and the tour

    def __init__(self, ctx: UiContext, queue: QueueService, printer: PrintFn | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.printer = printer
        self.card: IdCard | None = None
        self.ticket: TicketInfo | None = None
        self.bytes_printed = 0
        self._slots: dict[str, int] = {}  #: service code → its position in the grid
        self._cols = 0
        # page 1: services
        self.choose = QWidget(objectName="page")
        lay = QVBoxLayout(self.choose)
        lay.setContentsMargins(48, 32, 48, 24)
        lay.setSpacing(18)
        self.title = QLabel(objectName="h1")
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        self.card_note = QLabel(objectName="h2")
        self.card_note.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.card_note)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        lay.addLayout(self.grid)
        lay.addStretch(1)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self._act_said = False  #: the message is the outcome of the visitor's last tap (a reload keeps it)
        self.back = QPushButton()
        self.back.setMinimumHeight(88)
        self.back.clicked.connect(self.finish)
        lay.addWidget(self.back)
        self.buttons: dict[str, QPushButton] = {}
        # page 2: the ticket
        self.result = QWidget(objectName="page")
        rl = QVBoxLayout(self.result)
        rl.setContentsMargins(48, 32, 48, 24)
        rl.setSpacing(12)
        self.r_title = QLabel(objectName="h2")
        self.r_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_number = QLabel(objectName="queueNumber")
        self.r_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_service = QLabel(objectName="h1")
        self.r_service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_ahead = QLabel(objectName="queueLead")
        self.r_ahead.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_ahead.setWordWrap(True)
        self.r_meta = QLabel(objectName="muted")
        self.r_meta.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_meta.setWordWrap(True)
        self.r_print = QLabel(objectName="h2")
        self.r_print.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.r_print.setWordWrap(True)
        for w in (self.r_title, self.r_number, self.r_service, self.r_ahead, self.r_meta, self.r_print):
            rl.addWidget(w)
        rl.addStretch(1)
        row = QHBoxLayout()
        self.reprint_btn = QPushButton()
        self.reprint_btn.setMinimumHeight(88)
        self.reprint_btn.clicked.connect(self.reprint)
        self.ok_btn = QPushButton(objectName="primary")
        self.ok_btn.setMinimumHeight(88)
        self.ok_btn.clicked.connect(self.finish)
        row.addWidget(self.reprint_btn)
        row.addWidget(self.ok_btn, 1)
        rl.addLayout(row)
        self.addWidget(self.choose)
        self.addWidget(self.result)
        self.back_timer = QTimer(self)
        self.back_timer.setSingleShot(True)
        self.back_timer.timeout.connect(self.finish)
        self.print_timer = QTimer(self)
        self.print_timer.setSingleShot(True)
        self.print_timer.timeout.connect(lambda: self._printed(0, "打印机没有响应", "the printer did not answer"))
        self.act = Act(ctx.jobs, lambda: [*self.buttons.values(), self.back])
        self.view = Refresher(ctx.jobs, "queue-availability", self.queue.availability, self._draw, self._load_failed)
        self._services: list | None = None  # the last availability read (None: not yet)
        ctx.bridge.cardEvent.connect(self._card)
        size_by_current_page(self)  # a hidden page laid out for the other orientation must not hold the window
        self.retranslate()

    # --- services ---

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.currentWidget() is self.choose:
            self.refresh()

    def _columns(self, n: int) -> int:
        return 2 if self.width() >= self.height() or n > 4 else 1

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Turning the screen re-flows the services: 2 columns in landscape, 1 in portrait."""
        super().resizeEvent(event)
        cols = self._columns(len(self._slots))
        if self.buttons and cols != self._cols:
            self._cols = cols
            for code, b in self.buttons.items():
                self.grid.removeWidget(b)
                i = self._slots[code]
                self.grid.addWidget(b, i // cols, i % cols)

    @property
    def busy(self) -> bool:
        """A ticket or the services' availability is being read or written (tests wait for it)."""
        return self.act.pending is not None or self.view.inflight

    def refresh(self) -> None:
        """Ask for the services' availability (read lane); the buttons are drawn when it arrives."""
        self.view.request()

    def _load_failed(self, outcome: JobOutcome) -> None:
        self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))

    def _draw(self, services: list) -> None:
        self._services = services
        if self.act.pending is not None:  # its buttons are the act's until it ends; drawn then
            return
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons = {}
        self._slots = {}
        self._cols = self._columns(len(services))
        cols = self._cols
        for i, a in enumerate(services):
            if a.state == "inactive":
                continue
            name = service_name(self.ctx, a.name, a.name_en)
            if a.state == "open":
                sub = self.tr("等候 %1 人 · 约 %2 分钟").replace("%1", str(a.waiting)).replace("%2", str(a.est_wait_min))
            elif a.state == "used-up":
                sub = self.tr("今日号已取完")
            else:
                sub = self.tr("取号时间 %1–%2").replace("%1", a.open_from).replace("%2", a.open_until)
            btn = QPushButton(f"{a.prefix}  {name}\n{sub}", objectName="queueService")
            btn.setMinimumHeight(150)
            btn.setEnabled(a.state == "open")
            btn.clicked.connect(lambda _=False, code=a.code: self.take(code))
            self.buttons[a.code] = btn
            self.grid.addWidget(btn, i // cols, i % cols)
            self._slots[a.code] = i
        if not services:
            self.message.setText(self.tr("尚未设置办理业务，请到服务窗口咨询。"))
        elif all(a.state != "open" for a in services):
            closed = [a for a in services if a.state == "closed"]
            self.message.setText(
                self.tr("现在不在取号时间内，请在取号时间内再来。") if closed and len(closed) == len(services)
                else self.tr("今日排队号已取完，若窗口空闲可直接到窗口办理。")
            )
        elif not self._act_said:  # the outcome of the visitor's last tap stays until the next tap or reset
            self.message.clear()

    def _card(self, event: CardEvent) -> None:
        if event.kind != "card" or event.card is None or not self.isVisible() or self.currentWidget() is not self.choose:
            return
        self.card = event.card
        self._show_card()

    def _show_card(self) -> None:
        if self.card is None:
            self.card_note.clear()
            return
        prio = self.queue.priority_for(self.card)
        text = self.tr("已读取身份证：%1").replace("%1", mask_name(self.card.name))
        if prio:
            text += " · " + self.tr("您可优先办理")
        self.card_note.setText(text)

    # --- issuing and printing ---

    def take(self, code: str) -> None:
        """Take a ticket for ``code`` (an act on the work lane; a second touch meanwhile is refused)."""
        card, queue = self.card, self.queue
        if self.act.run("take-ticket", lambda: queue.issue(code, card), self._taken):
            self._act_said = False
            self.message.setText(self.tr("正在出号，请稍候…"))

    def _taken(self, outcome: JobOutcome) -> None:
        if not outcome.ok:
            # said until the next tap: the reload that follows must not wipe it (issue 21: with a full
            # disk no banner says why, so this line is all the visitor reads)
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))
            self._act_said = True
            self.refresh()
            return
        self.message.clear()
        t: TicketInfo = outcome.value
        self.card = None  # used once; nothing personal stays on the screen
        self.ticket = t
        self.issued.emit(t)
        self._show_ticket()
        self.setCurrentWidget(self.result)
        self._print()

    def _show_ticket(self) -> None:
        t = self.ticket
        if t is None:
            return
        self.r_title.setText(self.tr("您的排队号（补打）") if t.reprint else self.tr("您的排队号"))
        self.r_number.setText(t.ticket_no)
        self.r_service.setText(service_name(self.ctx, t.service_name, t.service_name_en) + ("  · " + self.tr("优先") if t.priority else ""))
        self.r_ahead.setText(
            self.tr("前面还有 %1 人，预计等候约 %2 分钟").replace("%1", str(t.people_ahead)).replace("%2", str(t.est_wait_min))
        )
        meta = self.tr("取号时间 %1").replace("%1", beijing(t.issued_at).strftime("%H:%M:%S"))
        if t.counters:
            meta += " · " + self.tr("办理窗口 %1").replace("%1", "、".join(t.counters))
        self.r_meta.setText(meta + "\n" + self.tr("请留意大厅屏幕和语音叫号。"))

    def _print(self) -> None:
        assert self.ticket is not None
        self.back_timer.stop()
        self.reprint_btn.setEnabled(False)
        if self.printer is None:
            self._printed(0, "本机未接打印机", "no printer at this kiosk")
            return
        self.r_print.setText(self.tr("正在打印号票，请稍候…"))
        self.print_timer.start(PRINT_TIMEOUT_MS)
        slip = ticket_slip(self.ticket, self.ctx.hall.config.site.name)
        printer = self.printer
        self.ctx.jobs.run("ticket-slip", lambda: printer(slip), self._print_done, lane=SLIP_PRINTER)

    def _print_done(self, outcome: JobOutcome) -> None:
        self._printed(int(outcome.value or 0), outcome.zh, outcome.en)

    def _printed(self, written: int, zh: str, en: str) -> None:
        if self.ticket is None:  # the flow was reset meanwhile
            return
        self.print_timer.stop()
        self.bytes_printed = written
        ticket_id, queue, ok = self.ticket.ticket_id, self.queue, not zh
        self.ctx.jobs.run("ticket-printed", lambda: queue.mark_printed(ticket_id, ok), lane=WORK)
        if zh:
            self.r_print.setObjectName("error")
            self.r_print.setText(
                self.tr("号票未能打印：%1。请记下您的号码，或点“重新打印”；仍不行请到服务窗口。")
                .replace("%1", en if self.ctx.languages.current == "en" else zh)
            )
            self.reprint_btn.setEnabled(self.printer is not None)
        else:
            self.r_print.setObjectName("h2")
            self.r_print.setText(self.tr("请取走号票。"))
        self.r_print.style().polish(self.r_print)
        self.back_timer.start(RESULT_SECONDS * 1000)

    def reprint(self) -> None:
        if self.ticket is not None:
            ticket_id, queue = self.ticket.ticket_id, self.queue
            self.reprint_btn.setEnabled(False)
            self.act.run("ticket-reprint", lambda: queue.ticket(ticket_id), self._reprint)

    def _reprint(self, outcome: JobOutcome) -> None:
        if self.ticket is None:  # the flow was reset meanwhile
            return
        if outcome.ok and outcome.value is not None:
            self.ticket = outcome.value
            self._show_ticket()
        self._print()

    def finish(self) -> None:
        self.reset()
        self.done.emit()

    def reset(self) -> None:
        self.card = None
        self.ticket = None
        self.back_timer.stop()
        self.print_timer.stop()
        self.message.clear()
        self._act_said = False
        self.card_note.clear()
        self.r_number.clear()
        self.r_ahead.clear()
        self.r_meta.clear()
        self.setCurrentWidget(self.choose)

    def retranslate(self) -> None:
        self.title.setText(self.tr("请选择办理的业务"))
        self.hint.setText(self.tr("点一下业务即出号票。可先在读卡区放身份证：同一业务一人一号，70岁以上优先。"))
        self.back.setText(self.tr("返回首页"))
        self.reprint_btn.setText(self.tr("重新打印"))
        self.ok_btn.setText(self.tr("完成"))
        self._show_card()
        self._show_ticket()
        if self.currentWidget() is self.choose:
            if self._services is not None:
                self._draw(self._services)  # what was read, in the new language; then a fresh read
            self.refresh()


class LookupFlow(Retranslatable, QWidget):
    """Scan the ticket's QR or type its number → status and people ahead."""

    done = Signal()

    def __init__(self, ctx: UiContext, queue: QueueService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.setObjectName("page")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 24)
        lay.setSpacing(16)
        self.title = QLabel(objectName="h1")
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        self.entry = QLineEdit()
        self.entry.setMaxLength(8)
        self.entry.returnPressed.connect(self.search)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        body = QHBoxLayout()
        body.setSpacing(40)
        left = QVBoxLayout()
        left.addWidget(self.entry)
        keys = QGridLayout()
        keys.setSpacing(10)
        self.letter_keys: list[QPushButton] = []
        for i, k in enumerate([*"1234567890"]):
            b = QPushButton(k, objectName="queueKey")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, k=k: self.entry.insert(k))
            keys.addWidget(b, 1 + i // 5, i % 5)
        self.letters = QHBoxLayout()
        keys.addLayout(self.letters, 0, 0, 1, 5)
        row = QHBoxLayout()
        self.del_btn = QPushButton("⌫", objectName="queueKey")
        self.del_btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.del_btn.clicked.connect(self.entry.backspace)
        self.go = QPushButton(objectName="primary")
        self.go.setMinimumHeight(88)
        self.go.clicked.connect(self.search)
        row.addWidget(self.del_btn)
        row.addWidget(self.go, 1)
        left.addLayout(keys)
        left.addLayout(row)
        left.addStretch(1)
        self.number = QLabel(objectName="queueNumberSmall")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel(objectName="queueLead")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.number)
        right.addWidget(self.status)
        right.addWidget(self.message)
        right.addStretch(1)
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        lay.addLayout(body, 1)
        self.back = QPushButton()
        self.back.setMinimumHeight(88)
        self.back.clicked.connect(self.finish)
        lay.addWidget(self.back)
        self._code = ""
        self.prefixes = Refresher(ctx.jobs, "queue-prefixes", lambda: [s.prefix for s in queue.services(active_only=True)],
                                  self._draw_letters)
        self.found = Refresher(ctx.jobs, "queue-lookup", self._lookup, self._draw_ticket, self._lookup_failed)
        ctx.bridge.scannedCode.connect(self._scanned)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.finish)
        self.retranslate()

    @property
    def busy(self) -> bool:
        return self.prefixes.inflight or self.found.inflight

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.prefixes.request()

    def _draw_letters(self, prefixes: list[str]) -> None:
        while self.letters.count():
            item = self.letters.takeAt(0)
            w = item.widget() if item is not None else None
            if w:
                w.deleteLater()
        for prefix in prefixes:
            b = QPushButton(prefix, objectName="queueKey")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, p=prefix: self.entry.insert(p))
            self.letters.addWidget(b)

    def _scanned(self, code: str) -> None:
        if self.isVisible() and code.startswith("HKQ1:"):
            self.show_ticket(code)

    def search(self) -> None:
        code = self.entry.text().strip()
        if code:
            self.show_ticket(code)

    def show_ticket(self, code: str) -> None:
        """Look ``code`` up (read lane); the answer is drawn when it arrives."""
        self._code = code
        self.entry.clear()
        self.timer.start(RESULT_SECONDS * 1000)
        self.found.request()

    def _lookup(self) -> tuple[str, TicketInfo | None]:
        code = self._code
        return code, self.queue.lookup(code)

    def _lookup_failed(self, outcome: JobOutcome) -> None:
        self.number.clear()
        self.status.clear()
        self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))

    def _draw_ticket(self, found: tuple[str, TicketInfo | None]) -> None:
        _code, t = found
        if t is None:
            self.number.clear()
            self.status.clear()
            self.message.setText(self.tr("没有找到这个号（只能查询今天的号）。请核对号码，或到服务窗口咨询。"))
            return
        self.message.clear()
        self.number.setText(t.ticket_no)
        text = service_name(self.ctx, t.service_name, t.service_name_en) + " · " + status_text(t.status, t.outcome)
        if t.status == "waiting":
            text += "\n" + self.tr("前面还有 %1 人，预计等候约 %2 分钟").replace("%1", str(t.people_ahead)).replace("%2", str(t.est_wait_min))
        elif t.status == "called" and t.counter_no:
            text += "\n" + self.tr("请到 %1 号窗口办理").replace("%1", t.counter_no)
        self.status.setText(text)

    def finish(self) -> None:
        self.reset()
        self.done.emit()

    def reset(self) -> None:
        self.timer.stop()
        self.entry.clear()
        self.number.clear()
        self.status.clear()
        self.message.clear()

    def retranslate(self) -> None:
        self.title.setText(self.tr("查询排队进度"))
        self.hint.setText(self.tr("请把号票上的二维码对准扫码口，或输入号码（如 A012）。"))
        self.entry.setPlaceholderText(self.tr("号码，如 A012"))
        self.go.setText(self.tr("查询"))
        self.back.setText(self.tr("返回首页"))
