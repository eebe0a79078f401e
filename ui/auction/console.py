"""The auctioneer's console (拍卖师控制台): one lot at a time, fast and unambiguous.

Left: the lot (announcement, current price, leading paddle, next amount, calls and countdown).
Middle: bid entry — paddle and amount fields with a big numeric pad (Enter = 应价; the amount is
the next increment unless typed). Right: the actions (sealed reserve with a supervisor, open,
call, hammer, terminate, correct, change step) and the last bids with their outcome.

Nothing here decides a rule: every action calls ``kiosk.auction.AuctionService``, which takes the
journal lock, validates and journals. The reserve is typed into a password field and never shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.auction import AuctionError, AuctionService, LotView
from kiosk.money import format_money, to_capitals
from kiosk.operators import AccessError
from kiosk.timeutil import beijing
from ui.auction.board import call_name, state_name
from ui.context import UiContext
from ui.widgets import Retranslatable, bilingual


def source_name(source: str) -> str:
    return {
        "floor": QCoreApplication.translate("AuctionConsole", "现场"),
        "keypad": QCoreApplication.translate("AuctionConsole", "竞价器"),
        "listing": QCoreApplication.translate("AuctionConsole", "挂牌"),
    }.get(source, source)


class AuctionConsole(Retranslatable, QWidget):
    """The ``拍卖`` tab of the auctioneer role."""

    def __init__(self, ctx: UiContext, service: AuctionService, who: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.who = who
        self.session_id: str | None = None
        self.lot_code: str | None = None
        self.view: LotView | None = None
        self.on_lot_changed: Callable[[str, str], None] | None = None  #: the big screen follows the console
        self.setObjectName("auctionConsole")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(objectName="auctionInner")
        self.scroll.setWidget(inner)
        outer.addWidget(self.scroll)
        root = QVBoxLayout(inner)
        root.setContentsMargins(16, 12, 16, 12)
        root.setSpacing(10)
        top = QHBoxLayout()
        self.l_session = QLabel()
        self.session_box = QComboBox()
        self.session_box.currentIndexChanged.connect(self._session_chosen)
        self.l_lot = QLabel()
        self.lot_box = QComboBox()
        self.lot_box.currentIndexChanged.connect(self._lot_chosen)
        self.state = QLabel(objectName="auctionState")
        for box in (self.session_box, self.lot_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        for w in (self.l_session, self.session_box, self.l_lot, self.lot_box):
            top.addWidget(w)
        top.setStretchFactor(self.session_box, 2)
        top.setStretchFactor(self.lot_box, 3)
        top.addWidget(self.state)
        root.addLayout(top)
        self.body = QGridLayout()
        self.body.setSpacing(12)
        root.addLayout(self.body, 1)
        # --- the lot
        left = QFrame(objectName="auctionPanel")
        ll = QVBoxLayout(left)
        self.title = QLabel(objectName="h2")
        self.title.setWordWrap(True)
        self.rules = QLabel(objectName="muted")
        self.price_caption = QLabel(objectName="muted")
        self.price = QLabel(objectName="auctionPrice")
        self.price.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.capitals = QLabel(objectName="auctionCapitals")
        self.capitals.setWordWrap(True)
        self.leading = QLabel(objectName="auctionLeading")
        self.next_amount = QLabel(objectName="auctionNext")
        self.calls = QLabel(objectName="auctionCalls")
        self.calls.setWordWrap(True)
        self.message = QLabel(objectName="auctionMessage")
        self.message.setWordWrap(True)
        for w in (self.title, self.rules, self.price_caption, self.price, self.capitals, self.leading, self.next_amount,
                  self.calls):
            ll.addWidget(w)
        ll.addStretch(1)
        ll.addWidget(self.message)
        self.left = left
        # --- bid entry
        mid = QFrame(objectName="auctionPanel")
        ml = QVBoxLayout(mid)
        self.l_paddle = QLabel(objectName="muted")
        self.paddle = QLineEdit(objectName="auctionPaddle")
        self.paddle.setMaxLength(8)
        self.paddle.returnPressed.connect(self.submit_bid)
        self.l_amount = QLabel(objectName="muted")
        self.amount = QLineEdit(objectName="auctionAmount")
        self.amount.returnPressed.connect(self.submit_bid)
        self._target = self.paddle
        self.paddle.installEventFilter(self)
        self.amount.installEventFilter(self)
        for w in (self.l_paddle, self.paddle, self.l_amount, self.amount):
            ml.addWidget(w)
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        ml.addWidget(self.hint)
        pad = QGridLayout()
        pad.setSpacing(8)
        for i, key in enumerate(["7", "8", "9", "4", "5", "6", "1", "2", "3", "⌫", "0", "."]):
            b = QPushButton(key, objectName="auctionKey")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            pad.addWidget(b, i // 3, i % 3)
        ml.addLayout(pad)
        self.b_bid = QPushButton(objectName="primary")
        self.b_bid.setMinimumHeight(72)
        self.b_bid.clicked.connect(self.submit_bid)
        ml.addWidget(self.b_bid)
        ml.addStretch(1)
        self.mid = mid
        # --- actions and bids
        right = QFrame(objectName="auctionPanel")
        rl = QVBoxLayout(right)
        self.reserve_box = QFrame()
        rg = QGridLayout(self.reserve_box)
        rg.setContentsMargins(0, 0, 0, 0)
        self.l_reserve = QLabel(objectName="h2")
        self.l_reserve.setWordWrap(True)
        self.reserve = QLineEdit()
        self.reserve.setEchoMode(QLineEdit.EchoMode.Password)
        self.my_pin = QLineEdit()
        self.my_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.sup_user = QLineEdit()
        self.sup_pin = QLineEdit()
        self.sup_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.b_reserve = QPushButton()
        self.b_reserve.clicked.connect(self.enter_reserve)
        rg.addWidget(self.l_reserve, 0, 0, 1, 2)
        rg.addWidget(self.reserve, 1, 0)
        rg.addWidget(self.my_pin, 1, 1)
        rg.addWidget(self.sup_user, 2, 0)
        rg.addWidget(self.sup_pin, 2, 1)
        rg.addWidget(self.b_reserve, 3, 0, 1, 2)
        rl.addWidget(self.reserve_box)
        acts = QGridLayout()
        acts.setSpacing(8)
        self.jump = QCheckBox()
        self.jump.setChecked(service.default_jump)
        self.grid_rule = QCheckBox()
        self.b_open = QPushButton(objectName="primary")
        self.b_open.clicked.connect(self.open_lot)
        self.b_call = QPushButton()
        self.b_call.clicked.connect(self.call)
        self.auto = QCheckBox()
        self.auto.setChecked(True)
        self.b_hammer = QPushButton(objectName="primary")
        self.b_hammer.clicked.connect(self.hammer)
        self.reason = QLineEdit()
        self.b_correct = QPushButton()
        self.b_correct.clicked.connect(self.correct_last)
        self.b_terminate = QPushButton(objectName="danger")
        self.b_terminate.clicked.connect(self.terminate)
        self.step = QLineEdit()
        self.b_step = QPushButton()
        self.b_step.clicked.connect(self.change_step)
        acts.addWidget(self.jump, 0, 0)
        acts.addWidget(self.grid_rule, 0, 1)
        acts.addWidget(self.b_open, 1, 0)
        acts.addWidget(self.b_call, 1, 1)
        acts.addWidget(self.auto, 2, 0)
        acts.addWidget(self.b_hammer, 2, 1)
        acts.addWidget(self.step, 3, 0)
        acts.addWidget(self.b_step, 3, 1)
        acts.addWidget(self.reason, 4, 0, 1, 2)
        acts.addWidget(self.b_correct, 5, 0)
        acts.addWidget(self.b_terminate, 5, 1)
        rl.addLayout(acts)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(120)
        rl.addWidget(self.table, 1)
        self.right = right
        self._portrait: bool | None = None
        self._arrange(False)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(250)
        ctx.bridge.journalEntries.connect(self._on_entries)
        self._fixed = (self.l_session, self.l_lot, self.state, self.jump, self.grid_rule, self.auto)
        for w in self._fixed:
            w.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.retranslate()
        self.load_sessions()

    @staticmethod
    def tab_title() -> str:
        return QCoreApplication.translate("AuctionConsole", "拍卖")

    # --- data ---------------------------------------------------------------------------------

    def load_sessions(self) -> None:
        room = self.ctx.hall.config.site.room_code or None
        sessions = self.service.auction_sessions(room_code=room)
        self.session_box.blockSignals(True)
        self.session_box.clear()
        for s in sessions:
            self.session_box.addItem(f"{beijing(s.starts_at):%H:%M} {s.title}", s.session_id)
        self.session_box.blockSignals(False)
        if sessions:
            self._session_chosen(0)

    def _session_chosen(self, index: int) -> None:
        self.session_id = self.session_box.itemData(index)
        if not self.session_id:
            return
        lots = self.service.lots(self.session_id)
        self.lot_box.blockSignals(True)
        self.lot_box.clear()
        for v in lots:
            self.lot_box.addItem(f"{v.lot_code} {v.title} · {state_name(v.state)}", v.lot_code)
        self.lot_box.blockSignals(False)
        open_lot = self.service.open_lot_of(self.session_id)
        first = next((i for i, v in enumerate(lots) if v.lot_code == open_lot), None)
        if first is None:
            first = next((i for i, v in enumerate(lots) if v.state == "pending"), 0)
        self.lot_box.setCurrentIndex(first)
        self._lot_chosen(first)

    def _lot_chosen(self, index: int) -> None:
        self.lot_code = self.lot_box.itemData(index)
        self.refresh()
        if self.on_lot_changed and self.session_id and self.lot_code:
            self.on_lot_changed(self.session_id, self.lot_code)

    def select_lot(self, session_id: str, lot_code: str) -> None:
        i = self.session_box.findData(session_id)
        if i >= 0 and self.session_box.currentIndex() != i:
            self.session_box.setCurrentIndex(i)
        j = self.lot_box.findData(lot_code)
        if j >= 0:
            self.lot_box.setCurrentIndex(j)
            self._lot_chosen(j)

    def _on_entries(self, entries: list) -> None:
        if any(e.kind.startswith("auction.") and e.payload.get("session_id") == self.session_id for e in entries):
            self.refresh()
            if any(e.kind in ("auction.lot_opened", "auction.result") for e in entries):
                self._relabel_lots()

    def refresh(self) -> None:
        if not self.session_id or not self.lot_code:
            self.view = None
        else:
            try:
                self.view = self.service.lot(self.session_id, self.lot_code, last_bids=30)
            except AuctionError:
                self.view = None
        self._render()

    # --- actions --------------------------------------------------------------------------------

    def _fail(self, exc: Exception) -> None:
        zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", "")
        self.message.setProperty("ok", "false")
        self.message.setText(bilingual(self.ctx, zh, en))
        self._repolish(self.message)

    def _ok(self, zh: str, en: str) -> None:
        self.message.setProperty("ok", "true")
        self.message.setText(bilingual(self.ctx, zh, en))
        self._repolish(self.message)

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def submit_bid(self) -> None:
        if self.view is None:
            return
        paddle = self.paddle.text().strip()
        if not paddle:
            self._fail(AuctionError("paddle", "请输入号牌", "type the paddle number"))
            self.paddle.setFocus()
            return
        amount = self.amount.text().strip() or None
        r = self.service.bid(self.view.session_id, self.view.lot_code, paddle, amount, source="floor", actor=self.who())
        if r.accepted:
            self._ok(f"出价已收到：{paddle} 号 {format_money(r.amount, self.view.price_unit)}（当前最高）",
                     f"bid received: paddle {paddle} {r.amount} (leading)")
            self.paddle.clear()
            self.amount.clear()
        else:
            self._fail(AuctionError(r.reason or "", f"应价无效：{r.reason_zh}", f"bid refused: {r.reason_en}"))
        self._target = self.paddle
        self.refresh()

    def enter_reserve(self) -> None:
        if self.view is None:
            return
        try:
            self.service.enter_reserve(self.view.session_id, self.view.lot_code, self.reserve.text(),
                                       auctioneer=(self.who(), self.my_pin.text()),
                                       supervisor=(self.sup_user.text().strip(), self.sup_pin.text()))
        except (AuctionError, AccessError) as exc:
            self._fail(exc)
        else:
            self._ok("密封底价已录入（保密，落槌前不显示）", "sealed reserve entered (kept secret until the lot closes)")
        for w in (self.reserve, self.my_pin, self.sup_pin):
            w.clear()
        self.refresh()

    def open_lot(self) -> None:
        if self.view is None:
            return
        try:
            self.service.open_lot(self.view.session_id, self.view.lot_code, actor=self.who(),
                                  jump_bids=self.jump.isChecked(), on_grid=self.grid_rule.isChecked())
        except AuctionError as exc:
            self._fail(exc)
        else:
            self._ok("已宣布开拍", "the lot is open")
        self.refresh()
        self._relabel_lots()

    def call(self) -> None:
        if self.view is None:
            return
        try:
            self.service.call(self.view.session_id, self.view.lot_code, actor=self.who())
        except AuctionError as exc:
            self._fail(exc)
        self.refresh()

    def hammer(self) -> None:
        if self.view is None:
            return
        try:
            r = self.service.hammer(self.view.session_id, self.view.lot_code, actor=self.who())
        except AuctionError as exc:
            self._fail(exc)
        else:
            if r.result == "sold":
                self._ok(f"落槌成交：{r.paddle_no} 号，成交确认书已生成", f"sold to paddle {r.paddle_no}; confirmation created")
            else:
                self._ok("流拍（不成交），拍卖笔录已生成", "unsold; the auction record was created")
        self.refresh()
        self._relabel_lots()

    def terminate(self) -> None:
        if self.view is None:
            return
        try:
            self.service.terminate(self.view.session_id, self.view.lot_code, actor=self.who(), reason=self.reason.text())
        except AuctionError as exc:
            self._fail(exc)
        else:
            self._ok("该标的已终止", "the lot was terminated")
            self.reason.clear()
        self.refresh()
        self._relabel_lots()

    def correct_last(self) -> None:
        v = self.view
        if v is None:
            return
        last = next((b for b in reversed(v.bids) if b.accepted and not b.corrected and b.source != "listing"), None)
        if last is None:
            self._fail(AuctionError("no_bid", "没有可更正的应价", "no bid to correct"))
            return
        try:
            self.service.correct(v.session_id, v.lot_code, last.seq, actor=self.who(), reason=self.reason.text())
        except AuctionError as exc:
            self._fail(exc)
        else:
            self._ok(f"已更正第 {last.seq} 号应价（记录保留）", f"bid {last.seq} corrected (kept in the record)")
            self.reason.clear()
        self.refresh()

    def change_step(self) -> None:
        if self.view is None:
            return
        try:
            self.service.change_increment(self.view.session_id, self.view.lot_code, self.step.text(), actor=self.who())
        except (AuctionError, ValueError) as exc:
            self._fail(exc)
        else:
            self._ok("加价幅度已调整", "increment changed")
            self.step.clear()
        self.refresh()

    def _relabel_lots(self) -> None:
        if not self.session_id:
            return
        for i, v in enumerate(self.service.lots(self.session_id)):
            self.lot_box.setItemText(i, f"{v.lot_code} {v.title} · {state_name(v.state)}")

    def _arrange(self, portrait: bool) -> None:
        """Landscape: lot | entry | actions. Portrait: the lot on top, entry | actions below."""
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for w in (self.left, self.mid, self.right):
            self.body.removeWidget(w)
        for i in range(3):
            self.body.setColumnStretch(i, 0)
            self.body.setRowStretch(i, 0)
        if portrait:
            self.body.addWidget(self.left, 0, 0, 1, 2)
            self.body.addWidget(self.mid, 1, 0)
            self.body.addWidget(self.right, 1, 1)
            self.body.setColumnStretch(0, 1)
            self.body.setColumnStretch(1, 1)
            self.body.setRowStretch(1, 1)
        else:
            self.body.addWidget(self.left, 0, 0)
            self.body.addWidget(self.mid, 0, 1)
            self.body.addWidget(self.right, 0, 2)
            self.body.setColumnStretch(0, 5)
            self.body.setColumnStretch(1, 3)
            self.body.setColumnStretch(2, 4)
            self.body.setRowStretch(0, 1)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._arrange(event.size().height() > event.size().width())
        super().resizeEvent(event)

    # --- keys and timer ---------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.type() == event.Type.FocusIn and obj in (self.paddle, self.amount):
            self._target = obj
        return False

    def _press(self, key: str) -> None:
        if key == "⌫":
            self._target.backspace()
        else:
            self._target.insert(key)

    def tick(self) -> None:
        v = self.view
        if v is None or v.state != "open":
            return
        if self.auto.isChecked():
            made = self.service.due_call(v.session_id, v.lot_code, actor=self.who())
            if made is not None:
                self.refresh()
                return
        self._render_calls()

    # --- drawing ---------------------------------------------------------------------------------

    def _render_calls(self) -> None:
        v = self.view
        if v is None or v.state != "open":
            self.calls.setText("")
            return
        left = v.seconds_to_next_call(self.ctx.hall.clock.now())
        done = call_name(v.call_no) if v.call_no else self.tr("等待应价")
        if v.call_no >= 3:
            self.calls.setText(self.tr("%1 · 无人应价，请落槌").replace("%1", done))
        elif left is not None:
            self.calls.setText(self.tr("%1 · %2 秒后%3").replace("%1", done).replace("%2", str(int(left + 0.999)))
                               .replace("%3", call_name(v.call_no + 1)))

    def _render(self) -> None:
        v = self.view
        if v is None:
            self.title.setText(self.tr("今日暂无拍卖会"))
            for w in (self.rules, self.price_caption, self.price, self.capitals, self.leading, self.next_amount, self.calls, self.state):
                w.setText("")
            self.table.setRowCount(0)
            for b in (self.b_bid, self.b_open, self.b_call, self.b_hammer, self.b_correct, self.b_terminate, self.b_step):
                b.setEnabled(False)
            self.reserve_box.hide()
            return
        self.state.setText(state_name(v.state))
        self.state.setProperty("state", v.state)
        self._repolish(self.state)
        self.state.setMinimumWidth(self.state.fontMetrics().horizontalAdvance(self.state.text()) + 30)
        self.title.setText(f"{v.lot_code}　{v.title}")
        rules = [self.tr("起拍价 %1").replace("%1", format_money(v.start_price, v.price_unit)),
                 self.tr("加价幅度 %1").replace("%1", format_money(v.increment, v.price_unit))]
        if v.deposit:
            rules.append(self.tr("保证金 %1").replace("%1", format_money(v.deposit, v.price_unit)))
        if v.cap_price:
            rules.append(self.tr("最高限价 %1（达到后摇号）").replace("%1", format_money(v.cap_price, v.price_unit)))
        if v.listing_top_bid:
            rules.append(self.tr("挂牌最高报价 %1（%2 号）").replace("%1", format_money(v.listing_top_bid, v.price_unit))
                         .replace("%2", v.listing_top_paddle or ""))
        if v.has_reserve:
            rules.append(self.tr("设有保留价：已密封录入") if v.reserve_entered else self.tr("设有保留价：待录入"))
        else:
            rules.append(self.tr("本标的无保留价（须在竞价前宣布）"))
        rules.append(self.tr("允许跳价") if v.jump_bids else self.tr("不允许跳价"))
        rules.append(self.tr("竞买人 %1 个号牌").replace("%1", str(sum(1 for b in self.service.bidders(v.session_id, v.lot_code) if b.eligible))))
        self.rules.setText("\n".join(rules))
        if v.state == "sold":
            self.price_caption.setText(self.tr("成交价"))
            amount = v.hammer_price
            self.leading.setText(self.tr("买受人号牌 %1").replace("%1", v.buyer_paddle or ""))
        elif v.current_price is not None and v.state == "open":
            self.price_caption.setText(self.tr("当前最高应价"))
            amount = v.current_price
            self.leading.setText(self.tr("当前最高：%1 号").replace("%1", v.leading_paddle or ""))
        else:
            self.price_caption.setText(self.tr("起拍价"))
            amount = v.start_price
            self.leading.setText(state_name(v.state) if v.state in ("unsold", "terminated") else "")
        self.price.setText(format_money(amount, v.price_unit) if amount else "—")
        self.capitals.setText(to_capitals(amount, v.price_unit) if amount else "")
        if v.capped_paddles and v.state == "open":
            self.leading.setText(self.tr("已达限价：%1 号（落槌时摇号）").replace("%1", "、".join(v.capped_paddles)))
        if v.state == "open" and v.next_amount:
            self.next_amount.setText(self.tr("下一应价 %1").replace("%1", format_money(v.next_amount, v.price_unit)))
            self.amount.setPlaceholderText(v.next_amount)
        else:
            self.next_amount.setText("")
            self.amount.setPlaceholderText("")
        self._render_calls()
        is_open = v.state == "open"
        self.b_bid.setEnabled(is_open)
        self.b_call.setEnabled(is_open and v.call_no < 3)
        self.b_hammer.setEnabled(is_open and v.call_no >= 3)
        self.b_correct.setEnabled(is_open)
        self.b_terminate.setEnabled(v.state in ("pending", "open"))
        self.b_step.setEnabled(v.state in ("pending", "open"))
        self.b_open.setEnabled(v.state == "pending" and (v.reserve_entered or not v.has_reserve))
        self.jump.setEnabled(v.state == "pending")
        self.grid_rule.setEnabled(v.state == "pending")
        self.reserve_box.setVisible(v.state == "pending" and v.has_reserve and not v.reserve_entered)
        bids = list(v.bids)[::-1]
        self.table.setRowCount(len(bids))
        for r, b in enumerate(bids):
            if b.accepted:
                res = self.tr("有效") + (self.tr("（已更正）") if b.corrected else "")
            else:
                res = self.tr("拒绝：") + b.reason_zh if self.ctx.languages.current == "zh_CN" else "refused: " + b.reason_en
            cells = (f"{beijing(b.at):%H:%M:%S}", b.paddle_no, format_money(b.amount, v.price_unit, unit=False),
                     f"{source_name(b.source)} · {res}")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not b.accepted or b.corrected:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def retranslate(self) -> None:
        self.l_session.setText(self.tr("拍卖会"))
        self.l_lot.setText(self.tr("标的"))
        self.l_paddle.setText(self.tr("号牌"))
        self.l_amount.setText(self.tr("金额"))
        self.hint.setText(self.tr("留空 = 下一应价"))
        self.paddle.setPlaceholderText(self.tr("输入号牌"))
        self.b_bid.setText(self.tr("确认应价 (Enter)"))
        self.l_reserve.setText(self.tr("密封底价（拍卖师与监督人共同录入）"))
        self.reserve.setPlaceholderText(self.tr("底价金额"))
        self.my_pin.setPlaceholderText(self.tr("拍卖师 PIN"))
        self.sup_user.setPlaceholderText(self.tr("监督人用户名"))
        self.sup_pin.setPlaceholderText(self.tr("监督人 PIN"))
        self.b_reserve.setText(self.tr("录入底价"))
        self.jump.setText(self.tr("允许跳价"))
        self.grid_rule.setText(self.tr("须为幅度整数倍"))
        self.b_open.setText(self.tr("宣布开拍"))
        self.b_call.setText(self.tr("报价（下一次）"))
        self.auto.setText(self.tr("自动计时报价"))
        self.b_hammer.setText(self.tr("落槌"))
        self.step.setPlaceholderText(self.tr("新的加价幅度"))
        self.b_step.setText(self.tr("调整幅度"))
        self.reason.setPlaceholderText(self.tr("更正或终止的理由（必填）"))
        self.b_correct.setText(self.tr("更正最后应价"))
        self.b_terminate.setText(self.tr("终止本标的"))
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("号牌"), self.tr("金额"), self.tr("来源 · 结果")])
        self.refresh()
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Labels beside stretching fields keep their whole text in either language."""
        for w in self._fixed:
            w.ensurePolished()
            w.setMinimumWidth(0)
            w.setMinimumWidth(max(w.sizeHint().width(), w.fontMetrics().horizontalAdvance(w.text())) + (36 if isinstance(w, QCheckBox) else 12))
