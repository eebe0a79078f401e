"""The kiosk's objection flow (开标异议): card → (which bidder) → what about → confirm → receipt.

A bidder's representative who checked in to an opening now under way (any stage from the
discipline to the signing: REG 44 covers the whole 开标现场, legal review D2) places their ID card,
picks what the objection is about (the category alone is a complete objection; a short text is
optional, so a kiosk without a keyboard works), confirms, and gets the objection's number on the
screen and a printed 异议回执 (``kiosk/opening/slip.py``: REG 60 makes the on-site objection the
precondition of a complaint, so the bidder needs proof of it). The slip goes to the kiosk's slip
printer through the check-in's :class:`~ui.checkin.station.CheckinStation` (its ``slip-printer``
lane); when it cannot be printed the screen says why and shows the slip. The rules service checks
who may object and journals it; the host's console and the big screen follow the journal. Every
page runs down to a timeout; ``reset()`` (the kiosk's idle timeout, or the end of the flow) wipes
the card and every name from the screens.

The UI thread never waits on the database (issue 21): looking the card up and submitting are
:class:`~ui.jobs.Act` s on the ``work`` lane (buttons disabled, another card not taken while one
runs; one that could not start within 5 s is dropped and said); an outcome that arrives after the
flow was left changes no screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from kiosk.opening import (
    OBJECTION_CATEGORIES,
    OBJECTION_TEXT_MAX,
    ObjectionTarget,
    OpeningError,
    OpeningService,
)
from kiosk.opening.slip import objection_receipt, receipt_number
from kiosk.ports import CardEvent, IdCard, Slip
from ui.checkin.station import CheckinStation, PrintResult
from ui.context import UiContext
from ui.jobs import Act, JobOutcome
from ui.widgets import KioskFlow, bilingual

#: seconds each page waits before going home
TIMEOUTS = {"card": 60, "refusal": 20, "choose": 45, "category": 60, "confirm": 60, "receipt": 30}


def category_name(key: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "bidders": QCoreApplication.translate("OpeningObjection", "对投标人名单有异议"),
        "decryption": QCoreApplication.translate("OpeningObjection", "对解密结果有异议"),
        "reading": QCoreApplication.translate("OpeningObjection", "对唱标内容有异议"),
        "procedure": QCoreApplication.translate("OpeningObjection", "对开标程序有异议"),
        "other": QCoreApplication.translate("OpeningObjection", "其他异议"),
    }.get(key, key)


class KioskObjectionFlow(KioskFlow):
    """The ``objection`` tile of the kiosk (``done`` → home, personal data already wiped).

    Args:
        ctx: the terminal's UI context.
        service: the opening's rules service.
        station: the kiosk's slip printing (the check-in's station, wired by the composition root);
            None: one without a printer (the receipt is then said not printed).
        parent: the Qt parent.
    """

    TIMEOUTS = TIMEOUTS

    def __init__(self, ctx: UiContext, service: OpeningService, parent: QWidget | None = None, *,
                 station: CheckinStation | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = service
        self.station = station if station is not None else CheckinStation(ctx.jobs, ctx.bridge.call)
        self.receipt_session = ""
        self.print_job = 0
        self.print_result: PrintResult | None = None
        self.card: IdCard | None = None
        self.targets: list[ObjectionTarget] = []
        self.target: ObjectionTarget | None = None
        self.category: str | None = None
        self.receipt_no: int | None = None
        self.error: tuple[str, str] | None = None
        self.visit = 0  # bumped by every reset: an act's outcome for an earlier visit changes nothing
        self._build()
        self.act = Act(ctx.jobs, lambda: [self.card_cancel, self.confirm_ok, self.confirm_back, self.confirm_cancel])
        ctx.bridge.cardEvent.connect(self.on_card_event)
        self.station.printed.connect(self.on_printed)
        self.retranslate()
        self.setCurrentWidget(self.pages["card"])

    # --- building ---------------------------------------------------------------------------------

    def _build(self) -> None:
        p = self._page("card")
        self.card_hint = p.label("checkinLead")
        self.card_rule = p.label("muted")
        self.card_error = p.label("error")
        p.body.addStretch(1)
        self.card_cancel = p.button("secondary")
        self.card_cancel.clicked.connect(self.finish)

        p = self._page("refusal")
        p.title.setObjectName("checkinRefused")
        self.refusal_what = p.label("checkinLead")
        self.refusal_todo = p.label("h2")
        p.body.addStretch(1)
        self.refusal_home = p.button()
        self.refusal_home.clicked.connect(self.finish)

        self._choose_page()

        p = self._page("category")
        self.category_who = p.label("checkinLead")
        self.category_session = p.label("muted")
        self.category_grid = QGridLayout()
        self.category_grid.setSpacing(16)
        self.category_buttons: dict[str, QPushButton] = {}
        for key in OBJECTION_CATEGORIES:
            b = QPushButton(objectName="objectionCategory")
            b.setMinimumHeight(110)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.clicked.connect(lambda _=False, k=key: self.pick(k))
            self.category_buttons[key] = b
        for i, key in enumerate(OBJECTION_CATEGORIES):  # two columns fit both orientations
            self.category_grid.addWidget(self.category_buttons[key], i // 2, i % 2)
        p.body.addLayout(self.category_grid)
        p.body.addStretch(1)
        self.category_cancel = p.button("secondary")
        self.category_cancel.clicked.connect(self.finish)

        p = self._page("confirm")
        self.confirm_what = p.label("checkinLead")
        self.confirm_who = p.label("h2")
        self.confirm_session = p.label("muted")
        self.confirm_text_label = p.label("")
        self.confirm_text = QLineEdit(objectName="objectionText")
        self.confirm_text.setMaxLength(OBJECTION_TEXT_MAX)
        self.confirm_text.setMinimumHeight(64)
        p.body.addWidget(self.confirm_text)
        self.confirm_error = p.label("error")
        p.body.addStretch(1)
        self.confirm_ok = p.button()
        self.confirm_ok.clicked.connect(self.submit)
        self.confirm_back = p.button("secondary")
        self.confirm_back.clicked.connect(lambda: self.show_page("category"))
        self.confirm_cancel = p.button("secondary")
        self.confirm_cancel.clicked.connect(self.finish)

        p = self._page("receipt")
        p.title.setObjectName("checkinAccepted")
        self.receipt_no_label = QLabel(objectName="checkinPaddle")
        self.receipt_no_label.setMinimumHeight(180)
        self.receipt_no_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        p.body.addWidget(self.receipt_no_label)
        self.receipt_number = p.label("h2")
        self.receipt_what = p.label("checkinLead")
        self.receipt_who = p.label("h2")
        self.receipt_print = p.label("h2")
        self.receipt_next = p.label("muted")
        self.receipt_slip = QLabel(objectName="checkinSlip")  # the slip on screen when it could not be printed
        self.receipt_slip.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.receipt_scroll = QScrollArea()
        self.receipt_scroll.setWidget(self.receipt_slip)
        self.receipt_scroll.setWidgetResizable(True)
        self.receipt_scroll.setMinimumSize(460, 120)
        self.receipt_scroll.hide()
        p.body.addWidget(self.receipt_scroll, 3)
        p.body.addStretch(1)
        self.receipt_home = p.button()
        self.receipt_home.clicked.connect(self.finish)

    # --- wiping ----------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Wipe the card, the names and the text, and go back to the first page (idle timeout, done)."""
        self.visit += 1
        self.card = None
        self.targets = []
        self.target = None
        self.category = None
        self.receipt_no = None
        self.receipt_session = ""
        self.print_job = 0
        self.print_result = None
        self.error = None
        self.confirm_text.clear()
        self.receipt_slip.clear()
        self.receipt_scroll.hide()
        for lab in self.findChildren(QLabel):
            lab.clear()
        self._first_page()

    # --- input ------------------------------------------------------------------------------------

    def on_card_event(self, event: CardEvent) -> None:
        if event.kind == "error" and self._active("card") and event.error is not None:
            self.card_error.setText(bilingual(self.ctx, event.error.zh, event.error.en))
            return
        if event.kind != "card" or event.card is None or not self._active("card"):
            return
        self.handle_card(event.card)

    def _acting(self, key: str, fn, on_done, on_refused=None) -> bool:
        """Run ``fn`` as this visit's act ``key``; its outcome is dropped if the flow was left meanwhile."""
        visit = self.visit

        def done(outcome: JobOutcome) -> None:
            if visit != self.visit:
                return
            if outcome.ok:
                on_done(outcome.value)
            elif on_refused is not None and on_refused(outcome):
                return
            else:
                self._refuse(OpeningError(outcome.code or key, outcome.zh, outcome.en))

        return self.act.run(key, fn, done)

    def handle_card(self, card: IdCard) -> None:
        """Find where this person may object now (work lane), or say why not."""
        if self.act.pending is not None:
            return  # the last card is still being looked up
        service = self.service
        self._acting("objection-targets", lambda: service.objection_targets(card.id_number), lambda t: self._found(card, t))

    def _found(self, card: IdCard, targets: list[ObjectionTarget]) -> None:
        self.card = card
        self.targets = targets
        if len(self.targets) == 1:
            self.choose(self.targets[0])
        else:
            self._fill_choices()
            self.show_page("choose")

    def _refuse(self, exc: OpeningError) -> None:
        self.card = None  # nothing personal is kept for a refusal
        self.error = (exc.zh, exc.en)
        self.show_page("refusal")

    def _fill_choices(self) -> None:
        self._clear_choices()
        for t in self.targets:
            b = QPushButton(f"{t.bidder_name}\n{t.title}", objectName="tile")
            b.setMinimumHeight(120)
            b.clicked.connect(lambda _=False, x=t: self.choose(x))
            self.choose_box.addWidget(b)
            self.choose_buttons.append(b)

    def choose(self, target: ObjectionTarget) -> None:
        self.target = target
        self.show_page("category")

    def pick(self, category: str) -> None:
        self.category = category
        self.confirm_error.clear()
        self.show_page("confirm")

    def submit(self) -> None:
        if self.card is None or self.target is None or self.category is None:
            self.finish()
            return
        if not self.confirm_ok.isEnabled() or self.act.pending is not None:
            return  # one objection per touch
        service, t, number, category = self.service, self.target, self.card.id_number, self.category
        text, terminal = self.confirm_text.text(), self.ctx.hall.config.site.terminal_id
        site = self.ctx.hall.config.site.name

        def raise_and_receipt() -> tuple[int, Slip]:  # on the work lane: the objection, then its 异议回执
            view, no = service.raise_objection_at_kiosk(t.session_id, t.registration_id, number, category, text,
                                                       terminal_id=terminal)
            return no, objection_receipt(view, no, site, terminal_id=terminal)

        def duplicate(outcome: JobOutcome) -> bool:
            if outcome.code != "duplicate":
                return False
            self.confirm_error.setText(bilingual(self.ctx, outcome.zh, outcome.en))
            return True

        self._acting("objection", raise_and_receipt, lambda got: self._submitted(got[0], got[1]), duplicate)

    def _submitted(self, no: int, slip: Slip) -> None:
        self.card = None  # the card is not needed any more
        self.receipt_no = no
        self.receipt_session = self.target.session_id if self.target is not None else ""
        self.print_result = None
        self.receipt_slip.clear()
        self.receipt_scroll.hide()
        self.print_job = self.station.print_slip(slip)
        self.show_page("receipt")

    def on_printed(self, result: PrintResult) -> None:
        """The 异议回执's print job ended: say so; when it failed, say why and show the slip instead."""
        if result.job_id != self.print_job or not self.print_job:
            return  # another flow's slip, or a visit already left
        self.print_result = result
        if not result.ok and result.preview_png:
            pix = QPixmap()
            pix.loadFromData(result.preview_png)
            self.receipt_slip.setPixmap(pix.scaledToWidth(min(pix.width(), 420), Qt.TransformationMode.SmoothTransformation))
            self.receipt_scroll.show()
        self.retranslate()

    # --- text -------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("开标异议"))
        p = self.pages
        p["card"].title.setText(self.tr("开标异议"))
        self.card_hint.setText(self.tr("请将身份证放在读卡器上"))
        self.card_rule.setText(self.tr("已签到的投标人代表可在开标过程中当场提出异议，主持人当场答复并记录；提交后打印异议回执。"))
        self.card_cancel.setText(self.tr("返回"))
        p["refusal"].title.setText(self.tr("不能提出异议"))
        if self.error is not None:
            self.refusal_what.setText(bilingual(self.ctx, *self.error))
        self.refusal_todo.setText(self.tr("如有疑问，请向现场工作人员或主持人提出。") if self.error is not None else "")
        self.refusal_home.setText(self.tr("返回首页"))
        p["choose"].title.setText(self.tr("请选择您代表的投标人"))
        self.choose_hint.setText(self.tr("您在以下开标中签到为投标人代表"))
        self.choose_cancel.setText(self.tr("取消"))
        t = self.target
        p["category"].title.setText(self.tr("您对哪方面有异议？"))
        if t is not None:
            who = f"{t.bidder_name}　{t.person_name}"
            session = f"{t.title} · {t.room_name}"
            self.category_who.setText(who)
            self.category_session.setText(session)
            self.confirm_who.setText(who)
            self.confirm_session.setText(session)
        for key, b in self.category_buttons.items():
            b.setText(category_name(key))
        self.category_cancel.setText(self.tr("取消"))
        p["confirm"].title.setText(self.tr("请确认提交异议"))
        if self.category is not None:
            self.confirm_what.setText(category_name(self.category))
        self.confirm_text_label.setText(self.tr("补充说明（可不填，最多 %1 字）").replace("%1", str(OBJECTION_TEXT_MAX)))
        self.confirm_text.setPlaceholderText(self.tr("可不填：只选类别即可提交"))
        self.confirm_ok.setText(self.tr("提交异议"))
        self.confirm_back.setText(self.tr("重选类别"))
        self.confirm_cancel.setText(self.tr("取消"))
        p["receipt"].title.setText(self.tr("异议已提交，主持人将当场答复"))
        if self.receipt_no is not None and t is not None:
            self.receipt_no_label.setText(self.tr("第 %1 号").replace("%1", str(self.receipt_no)))
            self.receipt_number.setText(self.tr("回执编号：%1").replace("%1", receipt_number(self.receipt_session, self.receipt_no)))
            self.receipt_what.setText(category_name(self.category or ""))
            self.receipt_who.setText(t.bidder_name)
            r = self.print_result
            if r is None:
                self.receipt_print.setText(self.tr("正在打印异议回执…"))
            elif r.ok:
                self.receipt_print.setText(self.tr("异议回执已打印，请取走并妥善保管"))
            else:
                self.receipt_print.setText(self.tr("异议回执未能打印：%1。异议已记录在案，下方为回执内容，可拍照留存。").replace(
                    "%1", bilingual(self.ctx, r.error_zh, r.error_en)))
            self.receipt_next.setText(self.tr("请回到开标室，异议编号为第 %1 号；答复将记入开标记录。").replace("%1", str(self.receipt_no)))
        self.receipt_home.setText(self.tr("完成"))
