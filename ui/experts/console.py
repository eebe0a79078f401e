"""The extraction console (专家抽取室, issue 17 must 1): a witnessed, verifiable draw of evaluation experts.

One tab of the ``extraction`` role. From top to bottom (left to right on a landscape screen):

1. the evaluation sitting (the ``evaluations`` feed) and the three roles present, signed in by ID
   card on the console's reader (``ui.staffing.signin.RoleSignIn`` over the evaluation's id):
   the centre's staff who runs the draw, the tenderer's or agency's representative and the supervisor;
2. the pool: counts per specialty only (who is in it is never shown), and why others were left out;
3. the entropy the representative and the supervisor type (never shown, never stored), then
   **承诺** — the pool's SHA-256 and the seed's commitment are journalled and shown;
4. the wait for the platform's receipt of that commitment (the beacon), at most
   ``[experts] beacon_wait_seconds``; then **抽取** — the selection, the revealed seed, and the
   check that the journal recomputes it;
5. the experts drawn, names masked, each one's call status (selected, called, accepted, declined,
   no answer, replaced); invitations by SMS (the modem, on its own lane) or answers taken by phone.

Every act runs on the ``work`` lane through :class:`ui.jobs.Act`; views load on the ``read`` lane.
Nothing here is shown anywhere else (TBL 38): no board, no log line carries a drawn expert.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.experts import rules
from kiosk.experts.service import ExpertsService
from kiosk.experts.views import CommitView, EvaluationView, PickView, PoolView
from kiosk.staffing import StaffingService
from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import Act, JobOutcome, Refresher
from ui.staffing.signin import RoleSignIn
from ui.widgets import Retranslatable, bilingual

STYLE = """
QFrame#drawCard { background: #ffffff; border: 2px solid #c9d6e8; border-radius: 10px; }
QLabel#h3 { font-size: 20px; font-weight: bold; color: #1b2430; }
QLabel#hash { font-family: monospace; font-size: 16px; color: #34495e; }
QLabel#drawMessage { font-size: 18px; font-weight: bold; color: #b00020; }
QLabel#drawMessage[ok="true"] { color: #1b7f3b; }
QLineEdit { min-height: 40px; font-size: 20px; padding: 2px 8px; }
QComboBox { min-height: 40px; font-size: 18px; }
QTableWidget { font-size: 17px; }
QPushButton#primary, QPushButton#secondary { min-height: 48px; font-size: 18px; padding: 2px 14px; }
QPushButton#primary:disabled { background: #c9d6e8; color: #5b6b80; border-color: #c9d6e8; }
"""

STATUS_ZH = {"waiting": "候补", "selected": "待通知", "called": "已通知，待答复", "accepted": "接受",
             "declined": "拒绝", "none": "未答复", "replaced": "已更换"}
STATUS_EN = {"waiting": "reserve", "selected": "to call", "called": "called", "accepted": "accepted",
             "declined": "declined", "none": "no answer", "replaced": "replaced"}


def tab_title() -> str:
    return QCoreApplication.translate("ExtractionConsole", "专家抽取")


@dataclass(frozen=True)
class Loaded:
    evaluations: list[EvaluationView]
    evaluation_id: str | None
    pool: PoolView | None
    picks: list[PickView]
    open_round: CommitView | None
    beacon: tuple[str, int] | None
    vacancies: list[dict[str, Any]]


def _card(title: QLabel) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(objectName="drawCard")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(14, 10, 14, 10)
    lay.setSpacing(8)
    title.setObjectName("h3")
    lay.addWidget(title)
    return frame, lay


class ExtractionConsole(Retranslatable, QWidget):
    """The draw, from the evaluation's choice to the experts' answers (see the module's docstring)."""

    def __init__(self, ctx: UiContext, service: ExpertsService, *, sms_lane: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.sms_lane = sms_lane  #: the modem's lane, or None without a modem
        self.setStyleSheet(STYLE)
        self.evaluation_id: str | None = None
        self.loaded: Loaded | None = None
        self.commit_started: float | None = None  #: monotonic time the open round's wait began
        self.last: dict[str, Any] = {}  #: the last draw's seed and check (for the screen and tests)
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(24, 16, 24, 16)
        self.box.setSpacing(16)
        # the direction follows the screen (resizeEvent): the side-by-side minimum must not widen a portrait window
        self.box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        left = QVBoxLayout()
        right = QVBoxLayout()
        self.box.addLayout(left, 5)
        self.box.addLayout(right, 6)
        # 1. the sitting and the roles present
        self.ev_title = QLabel()
        ev_card, ev_lay = _card(self.ev_title)
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._chosen)
        self.info = QLabel()
        self.info.setWordWrap(True)
        ev_lay.addWidget(self.choice)
        ev_lay.addWidget(self.info)
        left.addWidget(ev_card)
        self.signin = RoleSignIn(ctx, StaffingService(ctx.hall), rules.DRAW_ROLES, kind="evaluation")
        self.signin.changed.connect(lambda _h: self._render())
        left.addWidget(self.signin)
        # 2. the pool, counts only
        self.pool_title = QLabel()
        pool_card, pool_lay = _card(self.pool_title)
        self.pool = QTableWidget(0, 4)
        self.pool.verticalHeader().setVisible(False)
        self.pool.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.pool.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.pool.setMinimumHeight(130)
        self.excluded = QLabel(objectName="muted")
        self.excluded.setWordWrap(True)
        pool_lay.addWidget(self.pool)
        pool_lay.addWidget(self.excluded)
        left.addWidget(pool_card)
        left.addStretch(1)
        # 3./4. entropy, commitment, the draw
        self.draw_title = QLabel()
        draw_card, draw_lay = _card(self.draw_title)
        grid = QGridLayout()
        self.rep_label, self.sup_label = QLabel(), QLabel()
        self.rep_entropy, self.sup_entropy = QLineEdit(), QLineEdit()
        for e in (self.rep_entropy, self.sup_entropy):
            e.setEchoMode(QLineEdit.EchoMode.Password)
            e.setMaxLength(64)
        grid.addWidget(self.rep_label, 0, 0)
        grid.addWidget(self.rep_entropy, 0, 1)
        grid.addWidget(self.sup_label, 1, 0)
        grid.addWidget(self.sup_entropy, 1, 1)
        grid.setColumnStretch(1, 1)
        draw_lay.addLayout(grid)
        buttons = QHBoxLayout()
        self.commit_btn = QPushButton(objectName="primary")
        self.commit_btn.clicked.connect(self.commit)
        self.draw_btn = QPushButton(objectName="primary")
        self.draw_btn.clicked.connect(self.draw)
        self.redraw_btn = QPushButton(objectName="secondary")
        self.redraw_btn.clicked.connect(self.commit_redraw)
        for b in (self.commit_btn, self.draw_btn, self.redraw_btn):
            buttons.addWidget(b)
        draw_lay.addLayout(buttons)
        self.hashes = QLabel(objectName="hash")
        self.hashes.setWordWrap(True)
        self.beacon_text = QLabel()
        self.beacon_text.setWordWrap(True)
        self.message = QLabel(objectName="drawMessage")
        self.message.setWordWrap(True)
        for w in (self.hashes, self.beacon_text, self.message):
            draw_lay.addWidget(w)
        right.addWidget(draw_card)
        # 5. the experts drawn (masked) and their answers
        self.picks_title = QLabel()
        picks_card, picks_lay = _card(self.picks_title)
        self.picks = QTableWidget(0, 6)
        self.picks.verticalHeader().setVisible(False)
        self.picks.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.picks.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.picks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.picks.setMinimumHeight(260)
        picks_lay.addWidget(self.picks, 1)
        answers = QHBoxLayout()
        self.call_btn = QPushButton(objectName="primary")
        self.call_btn.clicked.connect(self.call)
        self.accept_btn = QPushButton(objectName="secondary")
        self.accept_btn.clicked.connect(lambda: self.answer("accept"))
        self.decline_btn = QPushButton(objectName="secondary")
        self.decline_btn.clicked.connect(lambda: self.answer("decline"))
        self.none_btn = QPushButton(objectName="secondary")
        self.none_btn.clicked.connect(lambda: self.answer("none"))
        for b in (self.call_btn, self.accept_btn, self.decline_btn, self.none_btn):
            answers.addWidget(b)
        picks_lay.addLayout(answers)
        right.addWidget(picks_card, 1)
        self.act = Act(ctx.jobs, lambda: [self.commit_btn, self.draw_btn, self.redraw_btn, self.accept_btn,
                                          self.decline_btn, self.none_btn])
        self.view = Refresher(ctx.jobs, "extraction", self._load, self._show)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)
        ctx.bridge.journalEntries.connect(self._entries)  # other terminals' acts (the journal follower)
        self.retranslate()

    # --- layout -----------------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 480)  # either direction fits a 1080-wide or 1080-high screen; resizeEvent picks it

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        landscape = self.width() >= self.height()
        self.box.setDirection(QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)

    # --- loading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.view.request()

    def _entries(self, entries: list[Any]) -> None:
        if any(getattr(e, "kind", "").startswith(("expert.", "staff.")) for e in entries):
            self.refresh()

    def _load(self) -> Loaded:
        svc = self.service
        evs = svc.evaluations()
        eid = self.evaluation_id or (evs[0].evaluation_id if evs else None)
        if eid is None:
            return Loaded(evs, None, None, [], None, None, [])
        return Loaded(evs, eid, svc.pool(eid), svc.picks(eid), svc.open_round(eid), svc.beacon(eid), svc.vacancies(eid))

    def _show(self, loaded: Loaded) -> None:
        first = self.loaded is None
        self.loaded = loaded
        ids = [e.evaluation_id for e in loaded.evaluations]
        if [self.choice.itemData(i) for i in range(self.choice.count())] != ids:
            self.choice.blockSignals(True)
            self.choice.clear()
            for e in loaded.evaluations:
                self.choice.addItem(f"{e.evaluation_id}  {beijing(e.starts_at):%m-%d %H:%M}  {e.room_name or e.room_code}",
                                    e.evaluation_id)
            self.choice.blockSignals(False)
        if loaded.evaluation_id is not None and self.evaluation_id != loaded.evaluation_id:
            self.evaluation_id = loaded.evaluation_id
            self.choice.setCurrentIndex(max(0, ids.index(loaded.evaluation_id)))
            self.signin.set_session(loaded.evaluation_id)
        if loaded.open_round is not None and self.commit_started is None:
            self.commit_started = time.monotonic()  # a console restarted mid-round waits afresh
        if loaded.open_round is None:
            self.commit_started = None
        if first and loaded.evaluation_id is not None:
            self.signin.set_session(loaded.evaluation_id)
        self._render()

    def _chosen(self, index: int) -> None:
        eid = self.choice.itemData(index)
        if eid and eid != self.evaluation_id:
            self.evaluation_id = eid
            self.signin.set_session(eid)
            self.last = {}
            self.message.setText("")
            self.refresh()

    # --- what the screen shows ----------------------------------------------------------------------

    def _holders(self) -> dict[str, Any]:
        return {r: h for r in rules.DRAW_ROLES if (h := self.signin.holder(r)) is not None}

    def _ev(self) -> EvaluationView | None:
        if self.loaded is None:
            return None
        return next((e for e in self.loaded.evaluations if e.evaluation_id == self.evaluation_id), None)

    def _render(self) -> None:
        ev, ld = self._ev(), self.loaded
        if ev is None or ld is None:
            self.info.setText(self.tr("没有待抽取的评标场次（数据来自交易平台）。\nNo evaluation sittings from the platform."))
            for b in (self.commit_btn, self.draw_btn, self.redraw_btn, self.call_btn):
                b.setEnabled(False)
            return
        plan = "；".join(f"{sp} {c} 人 + 候补 {r}" for sp, c, r in ev.draws)
        nb = f"{beijing(ev.draw_not_before):%Y-%m-%d %H:%M}" if ev.draw_not_before else "—"
        self.info.setText(self.tr("评标时间 %1 · %2\n委员会 %3 人（其中招标人代表 %4 人）· 抽取：%5\n最早抽取时间：%6")
                          .replace("%1", f"{beijing(ev.starts_at):%Y-%m-%d %H:%M}").replace("%2", ev.room_name or ev.room_code)
                          .replace("%3", str(ev.members_total)).replace("%4", str(ev.owner_reps))
                          .replace("%5", plan).replace("%6", nb))
        pool = ld.pool
        rows = pool.lines if pool is not None else ()
        self.pool.setRowCount(len(rows))
        for i, ln in enumerate(rows):
            state = self.tr("不足，不能抽取") if ln.short else self.tr("可抽取")
            for col, text in enumerate((ln.specialty, f"{ln.count} + {ln.reserves}", str(ln.eligible), state)):
                self.pool.setItem(i, col, QTableWidgetItem(text))
        if pool is not None:
            ex = pool.excluded
            self.excluded.setText(self.tr("符合条件共 %1 人。已排除：停用/暂停 %2，禁入 %3，受雇于回避单位 %4，"
                                          "声明回避 %5，时间冲突 %6，本场已抽中 %7").replace("%1", str(pool.pool_size))
                                  .replace("%2", str(ex.get("inactive", 0))).replace("%3", str(ex.get("barred", 0)))
                                  .replace("%4", str(ex.get("employer", 0))).replace("%5", str(ex.get("conflict", 0)))
                                  .replace("%6", str(ex.get("busy", 0))).replace("%7", str(ex.get("drawn", 0))))
        present = self._holders()
        all_present = len(present) == len(rules.DRAW_ROLES)
        open_round = ld.open_round
        drawn = bool(ld.picks)
        busy = self.act.pending is not None
        self.commit_btn.setEnabled(not busy and all_present and open_round is None and not drawn
                                   and pool is not None and pool.can_draw)
        self.draw_btn.setEnabled(not busy and all_present and open_round is not None and self._may_draw())
        self.redraw_btn.setEnabled(not busy and all_present and open_round is None and bool(ld.vacancies))
        self.redraw_btn.setVisible(bool(ld.vacancies))
        if open_round is not None:
            self.hashes.setText(self.tr("第 %1 轮 · 专家库 %2 人\n库哈希 pool SHA-256：%3\n种子承诺 commitment：%4")
                                .replace("%1", str(open_round.round)).replace("%2", str(open_round.pool_size))
                                .replace("%3", open_round.pool_sha256).replace("%4", open_round.seed_commitment))
        elif self.last:
            beacon = self.tr("已混入平台回执") if self.last.get("beacon") else self.tr("未使用平台回执")
            self.hashes.setText(self.tr("第 %1 轮已抽取 · %3 · 种子已公开 seed：%2")
                                .replace("%1", str(self.last.get("round", ""))).replace("%2", str(self.last.get("seed", "")))
                                .replace("%3", beacon))
        elif not drawn:
            self.hashes.setText(self.tr("尚未承诺。三方到场后，由招标人/代理机构代表和监督人员各自输入随机字符。"))
        self._render_beacon()
        self.picks.setRowCount(len(ld.picks))
        zh = self.ctx.languages.current != "en"
        for i, p in enumerate(ld.picks):
            status = (STATUS_ZH if zh else STATUS_EN).get(p.status, p.status)
            cells = (f"{p.round}-{p.order}", p.specialty, p.expert_id, p.masked_name,
                     self.tr("候补") if p.reserve else self.tr("正选"), status)
            for col, text in enumerate(cells):
                self.picks.setItem(i, col, QTableWidgetItem(text))
        has_to_call = any(p.status == "selected" for p in ld.picks)
        self.call_btn.setEnabled(not busy and has_to_call and self.sms_lane is not None)
        self.call_btn.setVisible(self.sms_lane is not None)  # no modem: answers are taken by phone
        may_answer = bool(present.get("witness")) and any(p.status in ("selected", "called") for p in ld.picks)
        for b in (self.accept_btn, self.decline_btn, self.none_btn):
            b.setEnabled(not busy and may_answer)

    def _may_draw(self) -> bool:
        ld = self.loaded
        if ld is None or ld.open_round is None:
            return False
        return ld.beacon is not None or self._waited() >= self.ctx.hall.config.experts.beacon_wait_seconds

    def _waited(self) -> float:
        return 0.0 if self.commit_started is None else time.monotonic() - self.commit_started

    def _render_beacon(self) -> None:
        ld = self.loaded
        if ld is None or ld.open_round is None:
            self.beacon_text.setText("")
            return
        if ld.beacon is not None:
            self.beacon_text.setText(self.tr("已收到平台对承诺记录的签名回执（日志第 %1 条），将混入抽取。\n"
                                             "The platform's signed receipt of the commitment arrived and is mixed in.")
                                     .replace("%1", str(ld.beacon[1])))
            return
        wait = self.ctx.hall.config.experts.beacon_wait_seconds
        left = max(0, int(wait - self._waited() + 0.999))
        if left:
            self.beacon_text.setText(self.tr("等待平台回执（最多还需 %1 秒）…\nWaiting for the platform's receipt (%1 s at most)…")
                                     .replace("%1", str(left)))
        else:
            self.beacon_text.setText(self.tr("未收到平台回执：抽取将不混入回执，并如实记录。\n"
                                             "No platform receipt: the draw goes ahead without one, and says so."))

    def _tick(self) -> None:
        if self.loaded is not None and self.loaded.open_round is not None:
            self.refresh()  # the receipt may have come
        elif self.loaded is not None and any(p.status == "called" for p in self.loaded.picks):
            self.refresh()  # answers come in by SMS

    # --- acts -------------------------------------------------------------------------------------

    def _say(self, outcome: JobOutcome, ok_text: str = "") -> None:
        self.message.setProperty("ok", outcome.ok)
        self.message.setText(ok_text if outcome.ok else bilingual(self.ctx, outcome.zh, outcome.en))
        self.message.style().polish(self.message)
        self.refresh()

    def commit(self) -> None:
        eid, holders = self.evaluation_id, self._holders()
        entropy = {"tenderer_rep": self.rep_entropy.text(), "supervisor": self.sup_entropy.text()}
        if eid is None:
            return
        svc = self.service

        def done(outcome: JobOutcome) -> None:
            if outcome.ok:
                self.rep_entropy.clear()
                self.sup_entropy.clear()
                self.commit_started = time.monotonic()
            self._say(outcome, self.tr("已公布库哈希和种子承诺。Pool hash and seed commitment journalled."))

        self.act.run("commit", lambda: svc.commit(eid, holders, entropy), done)

    def commit_redraw(self) -> None:
        """A further round for the places no reserve is left for (REG 46: the same method)."""
        eid, holders, ld = self.evaluation_id, self._holders(), self.loaded
        entropy = {"tenderer_rep": self.rep_entropy.text(), "supervisor": self.sup_entropy.text()}
        if eid is None or ld is None or not ld.vacancies:
            return
        svc, plan = self.service, list(ld.vacancies)

        def done(outcome: JobOutcome) -> None:
            if outcome.ok:
                self.rep_entropy.clear()
                self.sup_entropy.clear()
                self.commit_started = time.monotonic()
            self._say(outcome, self.tr("补抽：已公布库哈希和种子承诺。Further round committed."))

        self.act.run("commit", lambda: svc.commit(eid, holders, entropy, plan=plan), done)

    def draw(self) -> None:
        eid, holders, ld = self.evaluation_id, self._holders(), self.loaded
        if eid is None or ld is None:
            return
        svc = self.service

        def act() -> Any:
            view = svc.draw(eid, holders, beacon=svc.beacon(eid))
            return view, svc.verify_draw(eid)

        def done(outcome: JobOutcome) -> None:
            if outcome.ok:
                view, check = outcome.value
                self.last = {"round": view.round, "seed": view.seed, "ok": check.ok, "beacon": view.beacon is not None}
                self.commit_started = None
                text = (self.tr("抽取完成，日志复核一致。Drawn; the journal recomputes it.") if check.ok
                        else self.tr("抽取完成，但复核不一致：%1").replace("%1", check.message()))
                self._say(outcome, text)
            else:
                self._say(outcome)

        self.act.run("draw", act, done)

    def call(self) -> None:
        eid, lane = self.evaluation_id, self.sms_lane
        if eid is None or lane is None:
            return
        svc = self.service
        self.call_btn.setEnabled(False)
        self.ctx.jobs.run("call", lambda: svc.call(eid), lambda o: self._say(
            o, self.tr("已发送 %1 条短信通知。").replace("%1", str(o.value))), lane=lane)

    def answer(self, answer: str) -> None:
        eid, ld = self.evaluation_id, self.loaded
        holder = self.signin.holder("witness")
        row = self.picks.currentRow()
        if eid is None or ld is None or holder is None or not 0 <= row < len(ld.picks):
            self.message.setProperty("ok", False)
            self.message.setText(self.tr("请先在列表中选择一位专家。Choose an expert in the list first."))
            return
        expert_id = ld.picks[row].expert_id
        svc = self.service
        self.act.run("answer", lambda: svc.answer(eid, expert_id, answer, holder),
                     lambda o: self._say(o, self.tr("已记录答复。Answer recorded.")))

    def retranslate(self) -> None:
        self.ev_title.setText(self.tr("评标场次 Evaluation"))
        self.pool_title.setText(self.tr("专家库（仅显示人数）Pool — counts only"))
        self.draw_title.setText(self.tr("可验证随机抽取 Verifiable draw"))
        self.picks_title.setText(self.tr("抽取结果（保密，仅本机显示）Drawn — confidential, this console only"))
        self.rep_label.setText(self.tr("招标人/代理机构代表输入随机字符"))
        self.sup_label.setText(self.tr("监督人员输入随机字符"))
        self.commit_btn.setText(self.tr("承诺种子 Commit"))
        self.draw_btn.setText(self.tr("抽取 Draw"))
        self.redraw_btn.setText(self.tr("补抽 Further round"))
        self.call_btn.setText(self.tr("短信通知 SMS"))
        self.accept_btn.setText(self.tr("电话：接受"))
        self.decline_btn.setText(self.tr("电话：拒绝"))
        self.none_btn.setText(self.tr("未接通/未答复"))
        self.pool.setHorizontalHeaderLabels([self.tr("专业"), self.tr("抽取+候补"), self.tr("符合条件"), self.tr("状态")])
        self.picks.setHorizontalHeaderLabels([self.tr("轮-序"), self.tr("专业"), self.tr("专家编号"), self.tr("姓名"),
                                              self.tr("类别"), self.tr("通知状态")])
        self._render()
