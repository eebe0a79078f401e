"""The counter console's "人工签到" tab: find a registration, check someone in by hand, confirm, reprint.

A manual check-in needs a reason; a refusal can be overridden only where the rules allow
(:data:`kiosk.checkin.OVERRIDABLE` — never a market ban), and everything is journalled with the
operator's username.

The UI thread never waits on the database (issue 21): checking, checking in, reprinting and
confirming are :class:`~ui.jobs.Act` s on the ``work`` lane (the buttons stay disabled until the
outcome is back, whose words go to the result line when it did not happen); the search and the
pending list load through :class:`~ui.jobs.Refresher` s on the ``read`` lane.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.checkin import (
    OVERRIDABLE,
    REFUSALS,
    CheckinInfo,
    CheckinOutcome,
    CheckinService,
    Evaluation,
    RegistrationView,
)
from kiosk.timeutil import beijing
from ui.checkin.attendance import deposit_text
from ui.checkin.flow import kind_label
from ui.checkin.station import CheckinStation, PrintResult
from ui.context import UiContext
from ui.jobs import Act, JobOutcome, Refresher
from ui.widgets import Retranslatable, bilingual


def reason_presets() -> list[str]:
    return [
        QCoreApplication.translate("ManualCheckin", "身份证阅读器故障"),
        QCoreApplication.translate("ManualCheckin", "护照等其他证件持有人"),
        QCoreApplication.translate("ManualCheckin", "身份证过期，已核验临时身份证"),
        QCoreApplication.translate("ManualCheckin", "黑名单数据过期，已人工查询信用信息"),
        QCoreApplication.translate("ManualCheckin", "摄像头故障，已当面核对身份"),
        QCoreApplication.translate("ManualCheckin", "迟到，经主持人同意"),
    ]


def tab_title() -> str:
    """The counter console's tab title."""
    return QCoreApplication.translate("ManualCheckin", "人工签到")


class ManualCheckinTab(Retranslatable, QWidget):
    """Search → pick a registration → name, document number, reason (and overrides) → check in.

    Args:
        operator: the logged-in operator's username (None when nobody is).
    """

    def __init__(self, ctx: UiContext, service: CheckinService, station: CheckinStation,
                 operator: Callable[[], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.station = station
        self.operator = operator
        self.results: list[RegistrationView] = []
        self.pending_infos: dict[int, CheckinInfo] = {}
        self.print_job = 0
        self._query = ""  # what the next search looks for
        self._keep_result = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(32, 12, 32, 12)
        lay.setSpacing(8)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setMinimumHeight(52)
        self.query.returnPressed.connect(lambda: self.search())
        self.search_btn = QPushButton(objectName="primary")
        self.search_btn.clicked.connect(lambda: self.search())
        row.addWidget(self.query, 1)
        row.addWidget(self.search_btn)
        lay.addLayout(row)
        self.table = QTableWidget(0, 6)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.setMinimumHeight(150)
        lay.addWidget(self.table, 2)
        form = QFormLayout()
        self.name = QLineEdit()
        self.number = QLineEdit()
        self.number.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.setMinimumHeight(56)
        self.reason.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reason.setMinimumContentsLength(12)
        self.name_label, self.number_label, self.reason_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.name_label, self.name)
        form.addRow(self.number_label, self.number)
        form.addRow(self.reason_label, self.reason)
        lay.addLayout(form)
        self.override_label = QLabel(objectName="muted")
        self.override_label.setWordWrap(True)
        lay.addWidget(self.override_label)
        orow = QHBoxLayout()
        self.overrides: dict[str, QCheckBox] = {}
        for code in sorted(OVERRIDABLE):
            box = QCheckBox()
            box.hide()
            self.overrides[code] = box
            orow.addWidget(box)
        orow.addStretch(1)
        lay.addLayout(orow)
        brow = QHBoxLayout()
        self.check_btn = QPushButton()
        self.check_btn.clicked.connect(self.preview)
        self.submit_btn = QPushButton(objectName="primary")
        self.submit_btn.clicked.connect(self.submit)
        self.reprint_btn = QPushButton()
        self.reprint_btn.clicked.connect(self.reprint)
        for b in (self.check_btn, self.submit_btn, self.reprint_btn):
            b.setMinimumHeight(56)
            brow.addWidget(b)
        lay.addLayout(brow)
        self.result = QLabel(objectName="h2")
        self.result.setWordWrap(True)
        lay.addWidget(self.result)
        self.pending_title = QLabel()
        self.pending_title.setWordWrap(True)
        # the waiting check-ins: title, list and confirm in one row on a landscape screen; on a portrait one
        # (resizeEvent) one above the other, so a row (why · no. · name · bidder · time) is whole at 1080 wide
        self.prow = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.prow.addWidget(self.pending_title, 1)
        self.pending = QComboBox()
        self.pending.setMinimumHeight(56)
        self.pending.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.pending.setMinimumContentsLength(16)
        self.confirm_btn = QPushButton()
        self.confirm_btn.setMinimumHeight(56)
        self.confirm_btn.clicked.connect(self.confirm)
        self.prow.addWidget(self.pending, 2)
        self.prow.addWidget(self.confirm_btn)
        lay.addLayout(self.prow)
        rrow = QHBoxLayout()
        self.revoke_reason = QLineEdit()
        self.revoke_reason.setMinimumHeight(52)
        self.revoke_btn = QPushButton(objectName="danger")
        self.revoke_btn.setMinimumHeight(56)
        self.revoke_btn.clicked.connect(self.revoke)
        rrow.addWidget(self.revoke_reason, 2)
        rrow.addWidget(self.revoke_btn)
        lay.addLayout(rrow)
        self.act = Act(ctx.jobs, lambda: [self.check_btn, self.submit_btn, self.reprint_btn, self.confirm_btn,
                                          self.revoke_btn])
        self.searcher = Refresher(ctx.jobs, "checkin-search", lambda: self.service.search(self._query), self._searched,
                                  self._load_failed)
        self.pending_loader = Refresher(ctx.jobs, "checkin-pending", self.service.pending_confirmations, self._pending_loaded)
        station.printed.connect(self._printed)
        ctx.bridge.journalEntries.connect(lambda es: self.refresh_pending() if any(e.kind.startswith("checkin.") for e in es) else None)
        ctx.bridge.databaseState.connect(lambda st: self.refresh_pending() if getattr(st, "ok", False) else None)
        self.retranslate()
        self.refresh_pending()

    # --- actions ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_pending()

    def search(self, *, keep_result: bool = False) -> None:
        """Look the query up (read lane); ``_searched`` fills the table."""
        self._query = self.query.text()
        self._keep_result = keep_result
        self.searcher.request()

    def _load_failed(self, outcome: JobOutcome) -> None:
        self._say(bilingual(self.ctx, outcome.zh, outcome.en), error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setObjectName("error" if error else "h2")
        self.result.style().polish(self.result)

    def _searched(self, results: list[RegistrationView]) -> None:
        keep_result = self._keep_result
        keep = self._selection()
        self.results = results
        self.table.setRowCount(len(self.results))
        for i, r in enumerate(self.results):
            cells = [
                f"{beijing(r.starts_at):%H:%M} {kind_label(r.session_kind)}", r.session_title,
                r.bidder_name + (f" · {r.lot_code}" if r.lot_code else ""), "、".join(r.representatives_masked),
                deposit_text(r.deposit_status), self.tr("已签到") if r.checked_in else self.tr("未签到"),
            ]
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        if not keep_result:
            self.result.setText(self.tr("找到 %1 条报名").replace("%1", str(len(self.results))) if self.results
                                else self.tr("没有找到今日的报名（可按单位名称、信用代码、代表姓名或证件号查找）"))
        ids = [r.registration_id for r in self.results]
        if keep is not None and keep.registration_id in ids:
            self.table.selectRow(ids.index(keep.registration_id))
        elif self.results:
            self.table.selectRow(0)

    def _selection(self) -> RegistrationView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.results[rows[0].row()] if rows and rows[0].row() < len(self.results) else None

    def _selected(self) -> None:
        for box in self.overrides.values():
            box.hide()
            box.setChecked(False)
        self.override_label.clear()

    def _acting(self, key: str, fn: Callable[[], object], on_done: Callable[[object], None]) -> None:
        """Run ``fn`` as the act ``key`` (work lane); ``on_done(value)`` when it happened, else its words in the result line."""
        def done(outcome: JobOutcome) -> None:
            if outcome.ok:
                on_done(outcome.value)
            else:
                self._say(bilingual(self.ctx, outcome.zh, outcome.en), error=True)

        self.act.run(key, fn, done)

    def preview(self) -> None:
        reg = self._selection()
        if reg is None or not self.number.text().strip():
            self.result.setText(self.tr("请先选择报名并填写姓名和证件号码"))
            return
        service, rid, name, number = self.service, reg.registration_id, self.name.text(), self.number.text()
        self._acting("preview", lambda: service.preview_manual(registration_id=rid, person_name=name, id_number=number),
                     self._previewed)  # type: ignore[arg-type]

    def _previewed(self, ev: Evaluation) -> None:
        refusals = [ev.refusal] if ev.refusal else [o.refusal for o in ev.options if o.refusal]
        shown = []
        for r in refusals:
            if r is None:
                continue
            line = bilingual(self.ctx, r.zh, r.en) + (f"（{r.detail}）" if r.detail else "")
            if r.overridable:
                self.overrides[r.code].show()
            else:
                line += " — " + self.tr("不可越权办理")
            shown.append(line)
        if ev.already:
            shown.append(self.tr("该报名已签到"))
        self.override_label.setText("\n".join(shown) if shown else self.tr("核验通过，可以签到"))

    def submit(self) -> None:
        reg = self._selection()
        op = self.operator()
        if reg is None or op is None:
            self.result.setText(self.tr("请先选择报名"))
            return
        service, sid, rid, name, number, reason = (self.service, reg.session_id, reg.registration_id, self.name.text(),
                                                   self.number.text(), self.reason.currentText())
        overrides = [c for c, b in self.overrides.items() if b.isVisible() and b.isChecked()]
        self._acting("manual-check-in", lambda: service.manual_check_in(
            operator=op, session_id=sid, registration_id=rid, person_name=name, id_number=number, reason=reason,
            overrides=overrides), self._submitted)  # type: ignore[arg-type]

    def _submitted(self, out: CheckinOutcome) -> None:
        self.number.clear()
        if out.refusal is not None:
            r = out.refusal
            self.result.setText(self.tr("未签到：%1").replace("%1", bilingual(self.ctx, r.zh, r.en)) + (f"（{r.detail}）" if r.detail else ""))
            self.result.setObjectName("error")
        else:
            first = out.accepted[0]
            text = self.tr("已签到：签到号 %1").replace("%1", "、".join(i.checkin_no_text for i in out.accepted))
            if first.paddle_no:
                text += " · " + self.tr("竞买号牌 %1").replace("%1", first.paddle_no)
            self.result.setText(text)
            self.result.setObjectName("h2")
            if out.slip is not None:
                self.print_job = self.station.print_slip(out.slip)
        self.result.style().polish(self.result)
        self.search(keep_result=True)

    def reprint(self) -> None:
        reg = self._selection()
        op = self.operator()
        if reg is None or op is None:
            self.result.setText(self.tr("该报名尚未签到，无法补打"))
            return
        service, sid, rid = self.service, reg.session_id, reg.registration_id

        def again() -> tuple[CheckinInfo, object] | None:
            info = service.find_checkin(sid, rid)
            return service.reprint(info.checkin_id, by=op) if info is not None else None

        self._acting("reprint", again, self._reprinted)  # type: ignore[arg-type]

    def _reprinted(self, got: tuple[CheckinInfo, object] | None) -> None:
        if got is None:
            self.result.setText(self.tr("该报名尚未签到，无法补打"))
            return
        self.print_job = self.station.print_slip(got[1])  # type: ignore[arg-type]
        self.result.setText(self.tr("正在补打签到单……"))

    def _printed(self, result: PrintResult) -> None:
        if result.job_id != self.print_job:
            return
        if result.ok:
            self.result.setText(self.result.text() + " · " + self.tr("签到单已打印"))
        else:
            self.result.setText(self.result.text() + " · " + self.tr("打印失败：%1").replace(
                "%1", bilingual(self.ctx, result.error_zh, result.error_en)))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.prow.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def refresh_pending(self) -> None:
        """Load the check-ins waiting for a clerk's confirmation (read lane)."""
        self.pending_loader.request()

    def _why(self, p: CheckinInfo) -> str:
        """Why a check-in waits for the clerk, in a few words."""
        if p.face_result == "no_match":
            return self.tr("人脸比对不一致")
        if p.face_status in ("camera_missing", "timeout"):
            return self.tr("无人脸照片")
        return self.tr("未完成人脸比对")

    def _pending_loaded(self, pending: list[CheckinInfo]) -> None:
        self.pending.clear()
        self.pending_infos = {p.checkin_id: p for p in pending}
        for p in pending:
            self.pending.addItem(f"{self._why(p)} · {p.checkin_no_text} {p.person_name_masked} · {p.bidder_name}"
                                 f" · {beijing(p.checked_in_at):%H:%M}", p.checkin_id)
        self.confirm_btn.setEnabled(self.pending.count() > 0)
        self.revoke_btn.setEnabled(self.pending.count() > 0)

    def confirm(self) -> None:
        """The clerk saw the person and the document: the check-in stands, with the clerk's note (required
        for a no_match, whose slip is printed now: the kiosk did not print one)."""
        cid = self.pending.currentData()
        op = self.operator()
        if cid is None or op is None:
            return
        first_print = self.pending_infos.get(int(cid)) is not None and self.pending_infos[int(cid)].face_result == "no_match"
        written = self.revoke_reason.text().strip()
        if first_print and not written:  # the face did not match: the clerk says what they checked
            self._say(self.tr("人脸比对不一致：确认前请填写核验说明"), error=True)
            return
        service, note = self.service, written or self.tr("窗口当面核对身份")

        def confirmed(info: object) -> None:
            self.revoke_reason.clear()
            self.refresh_pending()
            if first_print and isinstance(info, CheckinInfo):
                self.print_job = self.station.print_slip(service.slip((info,)))
                self._say(self.tr("已确认签到，正在打印签到单……"))

        self._acting("confirm", lambda: service.confirm(int(cid), operator=op, note=note), confirmed)

    def revoke(self) -> None:
        """人证不符: the clerk refuses the flagged check-in, with a reason (journalled; the registration is free again)."""
        cid = self.pending.currentData()
        op = self.operator()
        reason = self.revoke_reason.text().strip()
        if cid is None or op is None:
            return
        if not reason:
            self._say(self.tr("撤销签到必须填写原因"), error=True)
            return
        service = self.service

        def revoked(_none: object) -> None:
            self.revoke_reason.clear()
            self.refresh_pending()
            self._say(self.tr("已撤销该签到"))

        self._acting("revoke", lambda: service.revoke(int(cid), operator=op, reason=reason), revoked)

    def retranslate(self) -> None:
        self.query.setPlaceholderText(self.tr("单位名称、统一社会信用代码、代表姓名或证件号码"))
        self.search_btn.setText(self.tr("查找"))
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("场次"), self.tr("投标人/竞买人"), self.tr("授权代表"),
                                              self.tr("保证金"), self.tr("状态")])
        self.name_label.setText(self.tr("到场人姓名"))
        self.number_label.setText(self.tr("证件号码"))
        self.reason_label.setText(self.tr("人工签到原因"))
        self.name.setPlaceholderText(self.tr("与报名登记一致"))
        self.number.setPlaceholderText(self.tr("身份证或护照号码（仅用于核对，不保存明文）"))
        current = self.reason.currentText()
        self.reason.clear()
        self.reason.addItems(reason_presets())
        if current:
            self.reason.setCurrentText(current)
        for code, box in self.overrides.items():
            box.setText(self.tr("越权办理：%1").replace("%1", bilingual(self.ctx, REFUSALS[code][0], REFUSALS[code][1])))
        self.check_btn.setText(self.tr("核验"))
        self.submit_btn.setText(self.tr("人工签到"))
        self.reprint_btn.setText(self.tr("补打签到单"))
        self.pending_title.setText(self.tr("待确认（人证核验未通过或未完成）"))
        self.confirm_btn.setText(self.tr("已当面核对，确认"))
        self.revoke_reason.setPlaceholderText(self.tr("核验说明或撤销原因（人脸比对不一致时必填）"))
        self.revoke_btn.setText(self.tr("人证不符，撤销签到"))
