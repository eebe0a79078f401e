"""The host's opening console (开标): one stage at a time, big buttons, the bidder table, countdown.

The console calls the rules service (``kiosk.opening.OpeningService``) for every action; the
service refuses what the rules forbid and the console shows why (Chinese, with English when the
screen is in English). It refreshes on every ``opening.*`` entry and every one that changes who is checked in (``PRESENCE_KINDS``)
(another terminal's check-in reaches it through the follower) and ticks the countdown each second.
Unanswered objections — a bidder's from a kiosk arrives the same way — are shown in an alert bar
until answered.

The UI thread never waits on the database (issue 21, ``ui/jobs.py``): every stage button is an
:class:`~ui.jobs.Act` on the ``work`` lane — what the host typed is read on the main thread, the
service call runs on the lane, the buttons stay disabled until its outcome is back (a second press
into a frozen database is refused, an act that could not start within 5 s is dropped and said as
未执行), and the outcome's words go to the message line. Signing the record (PDF, hashing, blob
store) is one of those acts; asking the platform to decrypt runs on the ``platform`` lane. The
sessions and the view load through one :class:`~ui.jobs.Refresher` on the ``read`` lane (journal
entries, picking a session, the database answering again).

Roles (issue 15, docs/rules/staffing.md): every act names a session role, and the core checks it.
The role panel (:class:`ui.staffing.signin.RoleSignIn`) at the top of the action panel shows who
holds each role (masked names) and takes a role by the appointee's ID card on this console's reader;
until the 开标人/主持人 has signed in, the console asks for their card and offers no act. The stage
buttons call the service with the host's holding, absences and refusals with the recorder's (or the
host's); a refusal shows the core's words. At signing, each signer confirms on the panel by placing
their card again (a standing-in account: its PIN), and the record is signed with those confirmations.
A card on the reader goes to the panel while it waits for one, otherwise to the bidders' confirmation.

The legal review's findings (issue 15, ``ui/opening/legal.py``): objections are entered and answered at
every stage of ``OBJECTION_STAGES`` (D2); a short roll call has one outcome, 不得开标 with a reason, shown
as :func:`~ui.opening.legal.quorum_notice` (D1), and too few valid bids after decryption as
:func:`~ui.opening.legal.committee_notice`; a bidder's written 撤回/撤销 is recorded with
:class:`~ui.opening.legal.WithdrawalFields` before decryption (弃标 is not an absence reason); the
admission flags show with their evidence (D6); each bidder's row has its bid bond where required (D4)
and its confirmation as the record states it (D5).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.checkin.rules import PRESENCE_KINDS
from kiosk.opening import OBJECTION_STAGES, STAGES, OpeningError, OpeningService, OpeningView, Signer
from kiosk.opening.rules import WITHDRAWAL_STAGES
from kiosk.operators import OperatorInfo
from kiosk.staffing import RoleHolder, StaffingService
from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import PLATFORM, READ, WORK, Act, ActNotStarted, JobOutcome, Refresher
from ui.opening.legal import (
    AdmissionFlags,
    WithdrawalFields,
    committee_notice,
    confirmation_name,
    deposit_text,
    quorum_notice,
)
from ui.printing import PrintOutcome
from ui.sessions_view import countdown_text
from ui.staffing.signin import RoleSignIn
from ui.widgets import Retranslatable, bilingual

SHOWN_STAGES = STAGES[1:]
#: the roles signed in at the host console, in the order the record names them
CONSOLE_ROLES = ("host", "recorder", "supervisor", "witness", "tenderer_rep")
#: who signs the record always; a witness and a 招标人代表 who hold a role sign too
SIGN_ALWAYS = ("host", "recorder", "supervisor")
#: the absence reasons the console offers: 弃标 is not one of them — a bidder leaves the count only by its
#: written withdrawal (REG 35, D1), recorded with the withdrawal fields, after which its absence reads 弃标
ABSENCE_CODES = ("late", "other")


@dataclass(frozen=True)
class Form:
    """What the host entered when pressing a button, read on the main thread for the act's lane."""

    op: RoleHolder | None  #: the 开标人/主持人 signed in at this console
    reason: str = ""
    answer: str = ""
    objector: str = ""
    objection: str = ""
    absence: int = 0
    selected: str | None = None  # the registration of the table's selected row
    recorder: RoleHolder | None = None  #: the 记录人 signed in at this console
    withdrawal: tuple[str, str, str] = ("withdrawn", "", "")  #: (kind, reference, received_at) of a written withdrawal

    def operator(self) -> RoleHolder:
        """The host's holding (the core checks it again)."""
        if self.op is None:
            raise OpeningError("no_role", "请开标人/主持人先在读卡器上放置身份证登记", "the host signs in with their ID card first")
        return self.op

    def clerk(self) -> RoleHolder:
        """Who records absences and refusals: the recorder, else the host."""
        return self.recorder or self.operator()

    def bidder(self) -> str:
        if self.selected is None:
            raise OpeningError("select", "请先在表格中选中一家投标人", "select a bidder in the table first")
        return self.selected


@dataclass(frozen=True)
class Loaded:
    """One load of the console's view (read lane)."""

    gen: int  # the act generation it started in (an older load never hides a newer act's view)
    asked: int  # the sessions request it answers
    sessions: list | None  # today's openings when they were asked for
    session_id: str | None
    view: OpeningView | None


def tab_title() -> str:
    return QCoreApplication.translate("Opening", "开标")


def stage_name(stage: str) -> str:
    names = {
        "scheduled": QCoreApplication.translate("Opening", "待开标"),
        "announced": QCoreApplication.translate("Opening", "宣布纪律"),
        "bidders": QCoreApplication.translate("Opening", "公布投标人"),
        "attendance": QCoreApplication.translate("Opening", "签到点名"),
        "control_price": QCoreApplication.translate("Opening", "公布控制价"),
        "decrypting": QCoreApplication.translate("Opening", "解密"),
        "reading": QCoreApplication.translate("Opening", "唱标"),
        "objections": QCoreApplication.translate("Opening", "异议"),
        "confirmation": QCoreApplication.translate("Opening", "投标人确认"),
        "signing": QCoreApplication.translate("Opening", "记录签字"),
        "closed": QCoreApplication.translate("Opening", "结束"),
    }
    return names.get(stage, stage)


def decrypt_name(status: str) -> str:
    return {
        "": QCoreApplication.translate("Opening", "未解密"),
        "pending": QCoreApplication.translate("Opening", "解密中"),
        "ok": QCoreApplication.translate("Opening", "解密成功"),
        "failed_bidder": QCoreApplication.translate("Opening", "失败（视为撤销）"),
        "failed_other": QCoreApplication.translate("Opening", "失败（视为撤回）"),
    }.get(status, status)


def attendance_name(b) -> str:
    if b.attendance == "present":
        return QCoreApplication.translate("Opening", "现场") + f" {b.person_name}"
    if b.attendance == "online":  # signed in online with its CA certificate (不见面开标, issue 19)
        return QCoreApplication.translate("Opening", "在线") + f" {b.person_name}（CA {b.ca_serial[:8]}…）"
    if b.absent_reason:
        return QCoreApplication.translate("Opening", "未到：") + b.absent_reason
    return QCoreApplication.translate("Opening", "未到")


class StageStrip(QWidget):
    """The big stage indicator: every stage, done ones ticked, the current one highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.labels: dict[str, QLabel] = {}
        for st in SHOWN_STAGES:
            lab = QLabel(objectName="openingStep")
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lab.setWordWrap(True)
            lab.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.labels[st] = lab
            lay.addWidget(lab)

    def show_stage(self, stage: str) -> None:
        idx = STAGES.index(stage) if stage in STAGES else 0
        for st, lab in self.labels.items():
            i = STAGES.index(st)
            state = "current" if i == idx else ("done" if i < idx else "todo")
            lab.setText(("✓ " if state == "done" else "") + stage_name(st))
            lab.setProperty("state", state)
            lab.style().unpolish(lab)
            lab.style().polish(lab)


class OpeningConsole(Retranslatable, QWidget):
    """The "开标" tab of the host console.

    Args:
        ctx: the UI context (hall, bridge, languages).
        service: the opening rules.
        decrypt: asks the platform to start decrypting ``(session_id, operator)``; a blocking call that
            raises a HallError when refused, run on the ``platform`` lane. None when stand-alone.
        operator: the logged-in hall account (the LoginGate's): it opens the console; acts are the roles'.
        staffing: the session roles (default: over ``ctx.hall``).
    """

    def __init__(self, ctx: UiContext, service: OpeningService, decrypt: Callable[[str, object], None] | None,
                 operator: Callable[[], OperatorInfo | None], parent: QWidget | None = None,
                 staffing: StaffingService | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.decrypt = decrypt
        self.operator = operator
        self.room = ctx.hall.config.site.room_code or None
        self.view: OpeningView | None = None
        self.session_ids: list[str] = []
        self.quorum_short = False
        self.busy = False
        self.action_buttons: dict[str, QPushButton] = {}
        self.act = Act(ctx.jobs, lambda: list(self.action_buttons.values()))
        self._want: str | None = None  # the session the next load shows
        self._sessions_asked = 1  # a load re-reads today's openings while it is ahead of ``_sessions_done``
        self._sessions_done = 0
        self._gen = 0
        self.loader = Refresher(ctx.jobs, "opening-view", self._load, self._loaded, self._load_failed)
        self.setObjectName("openingConsole")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 16, 24, 16)
        root.setSpacing(10)
        top = QHBoxLayout()
        self.pick_label = QLabel()
        self.sessions = QComboBox(objectName="openingPick")
        self.sessions.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.sessions.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sessions.setMinimumContentsLength(12)
        self.sessions.currentIndexChanged.connect(self._picked)
        self.countdown = QLabel(objectName="openingCountdown")
        top.addWidget(self.pick_label)
        top.addWidget(self.sessions, 1)
        top.addWidget(self.countdown)
        root.addLayout(top)
        self.strip = StageStrip()
        root.addWidget(self.strip)
        self.banner = QLabel(objectName="openingPaused")
        self.banner.setWordWrap(True)
        self.banner.hide()
        root.addWidget(self.banner)
        self.alert = QLabel(objectName="openingAlert")
        self.alert.setWordWrap(True)
        self.alert.hide()
        root.addWidget(self.alert)
        # a remote opening (不见面开标, issue 19): how the bidders attend and whether the platform's online events flow
        self.remote = QLabel(objectName="openingRemote")
        self.remote.setWordWrap(True)
        self.remote.hide()
        root.addWidget(self.remote)
        self._remote_asked = 0.0
        # a short roll call (不得开标, D1) or too few valid bids for the committee (D1), and the admission flags (D6)
        self.legal = QLabel(objectName="openingAlert")
        self.legal.setWordWrap(True)
        self.legal.setMinimumSize(1, 1)
        self.legal.hide()
        root.addWidget(self.legal)
        self.flags = AdmissionFlags(evidence=True)
        root.addWidget(self.flags)
        self.body = body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        body.setSpacing(16)
        left = QVBoxLayout()
        self.summary = QLabel(objectName="openingSummary")
        self.summary.setWordWrap(True)
        left.addWidget(self.summary)
        self.table = QTableWidget(0, 7)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        left.addWidget(self.table, 1)
        self.progress = QProgressBar(objectName="openingProgress")
        self.progress.hide()
        left.addWidget(self.progress)
        body.addLayout(left, 3)
        # The action panel (right).
        panel = QFrame(objectName="openingPanel")
        panel.setMinimumWidth(420)
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(16, 12, 16, 12)
        pl.setSpacing(10)
        self.signin = RoleSignIn(ctx, staffing or StaffingService(ctx.hall), CONSOLE_ROLES, listen=False)
        self.signin.taken.connect(lambda _h: self._render())
        self.signin.changed.connect(lambda _hs: self._render())
        pl.addWidget(self.signin)
        self.stage_title = QLabel(objectName="h2")
        self.stage_title.setWordWrap(True)
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        pl.addWidget(self.stage_title)
        pl.addWidget(self.hint)
        self.reason = QLineEdit()
        pl.addWidget(self.reason)
        # absence reason / objection / signing inputs (shown per stage)
        self.absence = QComboBox()
        self.objector = QComboBox()
        self.objector.setEditable(True)
        self.objection = QLineEdit()
        self.answer = QLineEdit()
        self.withdrawal = WithdrawalFields()
        for w in (self.absence, self.withdrawal, self.objector, self.objection, self.answer):
            pl.addWidget(w)
        self.buttons_box = QWidget()
        self.buttons = QVBoxLayout(self.buttons_box)
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.setSpacing(8)
        pl.addWidget(self.buttons_box)
        pl.addStretch(1)
        self.message = QLabel(objectName="openingMessage")
        self.message.setWordWrap(True)
        pl.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(panel)
        scroll.setMinimumWidth(460)
        body.addWidget(scroll, 2)
        root.addLayout(body, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)
        ctx.bridge.journalEntries.connect(self._on_entries)
        ctx.bridge.cardEvent.connect(self._on_card)
        ctx.bridge.databaseState.connect(self._on_db_state)
        self.retranslate()
        self.load_sessions()

    @property
    def signing(self) -> bool:
        """The record is being signed off the UI thread: no second submission."""
        return self.act.pending == "sign"

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        portrait = self.height() > self.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.body.setStretch(0, 2 if portrait else 3)
        self.body.setStretch(1, 3 if portrait else 2)
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)  # the wrapped names' rows, once the columns have their widths

    # --- data ---------------------------------------------------------------------------------------

    def load_sessions(self) -> None:
        """Re-read today's openings and the shown session's view (read lane)."""
        self._sessions_asked += 1
        self._want = self.current_session() if self._want is None else self._want
        self.loader.request()

    def select_session(self, session_id: str) -> None:
        if session_id != self.current_session():
            self._clear_inputs()
        self._want = session_id
        if session_id not in self.session_ids:
            self._sessions_asked += 1
        elif self.current_session() != session_id:
            self.sessions.blockSignals(True)
            self.sessions.setCurrentIndex(self.session_ids.index(session_id))
            self.sessions.blockSignals(False)
        self.loader.request()

    def _clear_inputs(self) -> None:
        """What the host typed for one session never carries over to another."""
        for w in (self.reason, self.objection, self.answer):
            w.clear()
        self.withdrawal.clear()

    def current_session(self) -> str | None:
        i = self.sessions.currentIndex() if hasattr(self, "sessions") else -1
        return self.session_ids[i] if 0 <= i < len(self.session_ids) else None

    def _picked(self, _i: int) -> None:
        self.quorum_short = False
        self.message.setText("")
        self._clear_inputs()
        self._want = self.current_session()
        self.refresh_view()

    def refresh(self) -> None:
        """Called when the operator logs in."""
        self.load_sessions()

    def refresh_view(self) -> None:
        """Load the shown session's view again (read lane); ``_loaded`` draws it."""
        if self._want is None:
            self._want = self.current_session()
        self.loader.request()

    def _load(self) -> Loaded:
        """On the read lane: today's openings (when asked) and the wanted session's view."""
        gen, want, asked = self._gen, self._want, self._sessions_asked
        sessions = None
        if asked > self._sessions_done:
            sessions = self.service.openings_today(self.room)
            ids = [x.session_id for x in sessions]
            if want not in ids:
                want = ids[0] if ids else None
        view = self.service.view(want) if want else None
        return Loaded(gen, asked, sessions, want, view)

    def _loaded(self, got: Loaded) -> None:
        if got.sessions is not None:
            self._sessions_done = max(self._sessions_done, got.asked)
            self.sessions.blockSignals(True)
            self.sessions.clear()
            self.session_ids = []
            for x in got.sessions:
                self.sessions.addItem(f"{beijing(x.starts_at):%H:%M}  {x.room_name}  {x.title}")
                self.session_ids.append(x.session_id)
            # the session asked for since this load started (select_session) wins over the one it loaded
            shown = self._want if self._want in self.session_ids else got.session_id
            if shown in self.session_ids:
                self.sessions.setCurrentIndex(self.session_ids.index(shown))
            self.sessions.blockSignals(False)
        if self._want is None or self._want not in self.session_ids:
            self._want = got.session_id
        if got.session_id != self.current_session():
            self.loader.request()  # the host picked another session meanwhile
            return
        if got.gen < self._gen and self.view is not None and self.view.session_id == got.session_id:
            return  # loaded before the last act finished: the act's own view is newer
        if got.view == self.view and got.sessions is None:
            return  # nothing changed (the act's own view came back again): no redraw
        self.view = got.view
        self._render()

    def _load_failed(self, outcome: JobOutcome) -> None:
        """The view could not be loaded: keep what is shown; the outage banner says why when the database is down."""
        if outcome.code != "database":
            self._show_error(OpeningError(outcome.code or "load", outcome.zh, outcome.en))

    def _on_db_state(self, state: Any) -> None:
        if getattr(state, "ok", False):
            self.loader.request()  # what happened meanwhile

    def _on_entries(self, entries: list) -> None:
        sid = self.current_session()
        if any((e.kind.startswith("opening.") or e.kind in PRESENCE_KINDS) and e.payload.get("session_id") == sid for e in entries):
            self.refresh_view()
        if any(e.kind.startswith("staff.role_") and e.payload.get("session_id") == sid for e in entries):
            self.signin.reload()  # a role taken or handed over at another console

    # --- rendering ------------------------------------------------------------------------------------

    def _tick(self) -> None:
        v = self.view
        if v is None:
            self.countdown.setText("")
            return
        now = self.ctx.hall.clock.now()
        self.countdown.setText(self.tr("开标时间 %1 · %2").replace("%1", f"{beijing(v.starts_at):%H:%M}")
                               .replace("%2", countdown_text(v.starts_at, now)))
        self._render_remote(v, now)
        if v.remote and v.stage != "closed" and time.monotonic() - self._remote_asked >= 3.0:
            self._remote_asked = time.monotonic()
            self.refresh_view()  # the poll's time moves without a journal entry: read it again every few seconds

    def _render_remote(self, v: OpeningView, now: Any) -> None:
        """不见面开标: 现场/在线/未到 counts and when the platform's online events last arrived (issue 19)."""
        if not v.remote:
            self.remote.hide()
            return
        c = v.attendance_counts
        counts = self.tr("不见面开标 · 现场 %1 · 在线 %2 · 未到 %3").replace("%1", str(c["present"])).replace(
            "%2", str(c["online"])).replace("%3", str(c["absent"]))
        policy = self.service.remote_policy
        if v.remote_synced_at is None:
            state, ok = self.tr("尚未收到交易平台的在线事件"), False
        else:
            age = max(0, int((now - v.remote_synced_at).total_seconds()))
            ok = age <= policy.stale_s
            when = f"{beijing(v.remote_synced_at):%H:%M:%S}"
            state = (self.tr("在线事件已同步 %1（%2 秒前）") if ok else
                     self.tr("无法连接交易平台：在线事件自 %1 起未能同步（%2 秒）。结束异议、在线确认将等待连接恢复")
                     ).replace("%1", when).replace("%2", str(age))
        self.remote.setText(counts + " · " + state)
        self.remote.setProperty("state", "ok" if ok else "down")
        self.remote.style().unpolish(self.remote)
        self.remote.style().polish(self.remote)
        self.remote.show()

    def _render(self) -> None:
        v = self.view
        self._tick()
        acting = self.act.pending is not None  # the pressed act's buttons stay as they are (disabled) until it ends
        if not acting:
            self._clear_buttons()
        if v is not None and v.session_id != self.signin.session_id:
            self.signin.set_session(v.session_id)
        if v is None:
            self.signin.set_session(None)
            self.stage_title.setText(self.tr("今日本开标室没有开标安排"))
            self.hint.setText(self.tr("开标安排来自交易平台；请在管理界面查看同步状态。"))
            self.table.setRowCount(0)
            for w in (self.reason, self.absence, self.withdrawal, self.objector, self.objection, self.answer, self.legal):
                w.hide()
            self.flags.show_view(None)
            return
        self.strip.show_stage(v.stage)
        self.banner.setVisible(v.paused)
        self.banner.setText(self.tr("已暂停：%1").replace("%1", v.pause_reason))
        self._render_alert(v)
        notices = [n for n in (quorum_notice(v), committee_notice(v)) if n]
        self.legal.setText("\n".join(notices))
        self.legal.setVisible(bool(notices))
        self.flags.show_view(v)
        cp = v.control_price
        cp_text = ""
        if cp:
            from kiosk.money import format_money

            cp_text = self.tr("控制价 %1").replace("%1", format_money(cp, v.price_unit))
        done, total = v.decrypt_progress
        self.summary.setText(" · ".join(x for x in (
            v.title, str(v.session.get("BID_SECTION_NAME", "")), cp_text,
            self.tr("投标人 %1 家，有效 %2 家，法定最少 %3 家").replace("%1", str(len(v.bidders))).replace("%2", str(v.valid_count)).replace("%3", str(v.quorum)),
        ) if x))
        self._render_table(v)
        if self.objector.count() != len(v.bidders):
            self.set_objectors([b.name for b in v.bidders])
        self.progress.setVisible(v.stage == "decrypting" or (v.decrypt_started_at is not None and done < total))
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("解密进度 %1 / %2").replace("%1", str(done)).replace("%2", str(total)))
        if not acting:
            self._render_actions(v)

    def _render_alert(self, v: OpeningView) -> None:
        """Unanswered objections (a bidder's from a kiosk arrives through the journal): must be answered now."""
        open_ones = v.open_objections
        if not open_ones:
            self.alert.hide()
            self.alert.setText("")
            return
        o = open_ones[0]
        src = {"kiosk": self.tr("投标人在自助终端提出"), "online": self.tr("在线投标人提出")}.get(o.source, self.tr("主持人录入"))
        text = self.tr("异议待当场答复 %1 条 · 第 %2 号（%3）%4：%5").replace("%1", str(len(open_ones))).replace(
            "%2", str(o.no)).replace("%3", src).replace("%4", o.by).replace("%5", o.content)
        self.alert.setText("⚠ " + text)
        self.alert.show()

    def _render_table(self, v: OpeningView) -> None:
        if getattr(self, "_table_stage", None) != (v.session_id, v.stage):
            self._table_stage = (v.session_id, v.stage)
            self.table.clearSelection()
            self.table.setCurrentCell(-1, -1)
        self.table.setRowCount(len(v.bidders))
        current = v.current_reading.registration_id if v.stage == "reading" and v.current_reading else None
        for row, b in enumerate(v.bidders):
            # the bidder's bid bond where the session requires one (D4); a written withdrawal with its notice (REG 35)
            name = "\n".join(x for x in (b.name, deposit_text(v, b), b.withdrawal_zh) if x)
            confirmation = confirmation_name(b) if b.confirmation or v.stage in ("confirmation", "signing", "closed") else ""
            cells = [
                str(b.order), name, f"{beijing(b.submitted_at):%m-%d %H:%M:%S}" if b.submitted_at else "",
                attendance_name(b), decrypt_name(b.decrypt_status),
                (b.price_text + "\n" + b.capitals) if (b.read and b.price) else ("—" if b.read else ""),
                confirmation + (f"（{b.confirmation_note}）" if b.confirmation == "refused" else ""),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if b.registration_id == current:
                    item.setBackground(Qt.GlobalColor.yellow)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()

    def _clear_buttons(self) -> None:
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()
        self.action_buttons = {}

    def _button(self, key: str, text: str, fn: Callable[[Form], object] | Callable[[], None], *, kind: str = "primary",
                local: bool = False) -> None:
        """A stage button: ``fn(form)`` runs as the act ``key`` on the work lane (``local``: ``fn()`` here, at once)."""
        b = QPushButton(text, objectName=kind)
        b.setMinimumHeight(64)
        if local:
            b.clicked.connect(lambda: fn())
        else:
            b.clicked.connect(lambda: self._run(key, fn))  # type: ignore[arg-type]
        self.buttons.addWidget(b)
        self.action_buttons[key] = b

    def _render_actions(self, v: OpeningView) -> None:
        sid = v.session_id
        s = self.service
        st = v.stage
        self.stage_title.setText(self.tr("当前阶段：%1").replace("%1", stage_name(st)) if v.outcome is None or st == "closed"
                                 else self.tr("当前阶段：%1（%2）").replace("%1", stage_name(st)).replace("%2", self._outcome(v.outcome)))
        for w in (self.absence, self.withdrawal, self.objector, self.objection, self.answer):
            w.hide()
        self.reason.setVisible(st not in ("scheduled", "closed"))
        hints = {
            "scheduled": self.tr("开标前 30 分钟内可宣布开标纪律。开标时间以交易平台时钟为准。"),
            "announced": self.tr("投标截止时间到达后，公布按时递交投标文件的投标人名单（按递交顺序）。"),
            "bidders": self.tr("投标人名单已公布。开始点名签到：签到情况随签到终端实时更新。"),
            "attendance": self.tr("未签到的投标人须记录缺席原因（在表格中选中该投标人）。点名结束后系统检查有效投标人数量。"),
            "control_price": self.tr("公布招标控制价（标底）后，于开标时间到达后请求交易平台解密。"),
            "decrypting": self.tr("解密进行中，进度来自交易平台。全部解密完成后方可唱标。"),
            "reading": self.tr("按递交顺序逐家唱标：投标人、投标总价（小写及大写）、工期、质量等。"),
            "objections": self.tr("投标人对开标有异议的，当场提出，主持人当场答复并记录。"),
            "confirmation": self.tr("请到场的投标人代表将身份证放在本机读卡器上确认开标记录；拒绝确认的，选中该投标人并填写理由。在线投标人通过交易平台签章确认。"),
            "signing": self.tr("开标人/主持人、记录人、监标人/监督人（及在场的见证人、招标人代表）依次点“签字确认”并在读卡器上放置本人身份证（本厅账号代行者输入 PIN），全部确认后签署开标记录。"),
            "closed": self.tr("开标结束，开标记录已生成并登记，随日志上传交易平台。"),
        }
        hint = hints.get(st, "")
        if st == "closed" and v.record_sha256:
            hint += "\nSHA-256 " + v.record_sha256
        self.hint.setText(hint)
        self.reason.setPlaceholderText(self.tr("原因/说明（暂停、恢复、不得开标、缺席、拒绝确认等须填写）"))
        self.signin.set_purpose("confirm" if st == "signing" else "take")
        if st != "closed" and self.signin.holder("host") is None:
            self.hint.setText(self.tr("开标人/主持人须先在本机读卡器上放置本人身份证登记角色，之后才能进行开标操作。") + "\n" + hint)
            if self.signin.armed is None and self.signin.ready:
                self.signin.arm("host")
            return
        if v.paused:
            self._button("resume", self.tr("恢复开标"), lambda f: s.resume(sid, f.operator(), f.reason))
            return
        if st == "scheduled":
            self._button("announce", self.tr("宣布开标纪律"), lambda f: s.announce(sid, f.operator()))
        elif st == "announced":
            self._button("publish", self.tr("公布投标人名单"), lambda f: s.publish_bidders(sid, f.operator()))
        elif st == "bidders":
            self._button("attendance", self.tr("开始点名签到"), lambda f: s.open_attendance(sid, f.operator()))
        elif st == "attendance":
            self.absence.show()
            self._button("absent", self.tr("记录选中投标人缺席"), lambda f: self._record_absence(sid, f), kind="secondary")
            if self.quorum_short or v.awaiting_quorum_decision:
                self._quorum_buttons(sid)
            else:
                self._button("quorum", self.tr("点名结束，检查投标人数量"), lambda f: s.confirm_attendance(sid, f.operator()))
        elif st == "control_price":
            if v.control_price and not v.control_price_published:
                self._button("control_price", self.tr("公布控制价"), lambda f: s.publish_control_price(sid, f.operator()))
            else:
                self._button("decrypt", self.tr("开始解密"), self._start_decrypt, local=True)
        elif st == "decrypting":
            # too few valid bids after decryption does not stop the opening: the committee judges it (D1)
            self._button("finish_decrypt", self.tr("解密完成，进入唱标"), lambda f: s.finish_decryption(sid, f.operator()))
        elif st == "reading":
            if v.reading_index < len(v.bidders):
                nxt = v.bidders[v.reading_index]
                self._button("read", self.tr("唱标：第 %1 家 %2").replace("%1", str(nxt.order)).replace("%2", nxt.name),
                             lambda f: s.read_next(sid, f.operator()))
            else:
                self._button("finish_reading", self.tr("唱标结束"), lambda f: s.finish_reading(sid, f.operator()))
        elif st == "objections":
            self._button("close_objections", self.tr("异议处理完毕，进入确认"), lambda f: s.close_objections(sid, f.operator()))
        elif st == "confirmation":
            self._button("refuse", self.tr("记录选中投标人拒绝确认"), lambda f: self._record_refusal(sid, f), kind="secondary")
            if any(b.attendance == "online" and not b.confirmation for b in v.bidders):
                # after the window, with the platform reachable: 在线未确认 (never deemed to accept)
                self._button("no_answer", self.tr("记录选中在线投标人未确认"),
                             lambda f: s.record_online_no_answer(sid, f.clerk(), f.bidder()), kind="secondary")
            self._button("finish_confirmation", self.tr("确认完毕，进入签字"), lambda f: s.finish_confirmation(sid, f.operator()))
        elif st == "signing":
            missing = self.signers_missing()
            if missing:
                self.hint.setText(hint + "\n" + self.tr("尚待签字确认：%1").replace("%1", "、".join(
                    self.signin.role_labels[r].text().split("\n")[0] for r in missing)))
            if v.open_objections:  # the core refuses to sign over an unanswered objection; confirmations are kept
                self.hint.setText(self.hint.text() + "\n" + self.tr("有异议尚未答复：答复后才能签署开标记录。"))
            self._button("sign", self.tr("签署开标记录并结束开标"), self._sign, local=True)
            self.action_buttons["sign"].setEnabled(not missing and not v.open_objections)
        elif st == "closed" and v.record_sha256:
            self._button("print", self.tr("打印开标记录表"), self._print_record, kind="secondary", local=True)
        if st in WITHDRAWAL_STAGES and not v.decrypt_started_at:
            # a bidder leaves the count only by its written 撤回/撤销, recorded with its notice (REG 35, D1)
            self.withdrawal.show()
            self.hint.setText(self.hint.text() + "\n" + self.tr("投标人书面撤回或撤销投标文件的：选中该投标人，填写通知编号和收到时间后登记（弃标须有书面通知）。"))
            self._button("withdrawal", self.tr("登记选中投标人的书面撤回/撤销"), lambda f: self._record_withdrawal(sid, f),
                         kind="secondary")
        if st in OBJECTION_STAGES:
            # objections are taken at every stage of the opening and answered on the spot (REG 44, D2); the
            # core refuses to close the objections, the confirmation or the signing while one is unanswered
            self.objector.show()
            self.objection.show()
            self._button("objection", self.tr("记录异议"), lambda f: self._raise_objection(sid, f), kind="secondary")
            open_ones = v.open_objections
            if open_ones:
                self.answer.show()
                self.answer.setPlaceholderText(self.tr("对第 %1 条异议的当场答复").replace("%1", str(open_ones[0].no)))
                self._button("answer", self.tr("记录答复"), lambda f, no=open_ones[0].no: s.answer_objection(sid, f.operator(), no, f.answer),
                             kind="secondary")
        if st not in ("scheduled", "closed", "signing"):
            self._button("pause", self.tr("暂停（须填原因）"), lambda f: s.pause(sid, f.operator(), f.reason), kind="secondary")
        if st in ("announced", "bidders", "attendance", "control_price") and not v.decrypt_started_at:
            self._button("back", self.tr("回退一步（须填原因）"), lambda f: s.go_back(sid, f.operator(), f.reason), kind="secondary")

    def _print_record(self) -> None:
        """The signed 开标记录表 — exactly the file whose hash is journalled — to the office printer."""
        v = self.view
        if v is None or not v.record_sha256:
            return
        hall, sha, sid = self.ctx.hall, v.record_sha256, v.session_id
        self._note(self.tr("正在打印开标记录表…"))
        self.ctx.jobs.run("record-file", lambda: hall.document(sha), lambda o: self._print_file(sid, o), lane=READ)

    def _print_file(self, sid: str, outcome: JobOutcome) -> None:
        if not outcome.ok:
            self._show_error(OpeningError(outcome.code or "no-document", outcome.zh, outcome.en))
        elif outcome.value is None:
            self._show_error(OpeningError("no-document", "找不到开标记录表文件（或与登记的哈希不符）",
                                          "the opening record file is missing or does not match its hash"))
        else:
            self.ctx.documents.print_pdf(outcome.value, f"开标记录表 {sid}", on_done=self._printed)  # replaces the note

    def _printed(self, outcome: PrintOutcome) -> None:
        self._set_message(bilingual(self.ctx, outcome.zh, outcome.en), ok=outcome.ok)

    def _quorum_buttons(self, sid: str) -> None:
        """A short roll call has one outcome, 不得开标 with a reason (REG 44, D1): the core refuses any other."""
        quorum = str(self.view.quorum if self.view is not None else 3)
        self._button("failed", self.tr("投标人少于 %1 个：不得开标（须填原因）").replace("%1", quorum),
                     lambda f: self.service.decide_quorum(sid, f.operator(), "failed", f.reason), kind="danger")

    def _outcome(self, outcome: str) -> str:
        # "suspended" only on records made before D1, when a short quorum could still be suspended
        return {"opened": self.tr("开标完成"), "failed_quorum": self.tr("不得开标，依法重新招标"),
                "suspended": self.tr("开标中止")}.get(outcome, outcome)

    # --- actions --------------------------------------------------------------------------------------

    def _form(self) -> Form:
        """What the host entered, read here on the main thread for the act's lane."""
        v = self.view
        row = self.table.currentRow()
        selected = v.bidders[row].registration_id if v is not None and 0 <= row < len(v.bidders) else None
        return Form(self.signin.holder("host"), self.reason.text(), self.answer.text(), self.objector.currentText(),
                    self.objection.text(), max(0, self.absence.currentIndex()), selected, self.signin.holder("recorder"),
                    self.withdrawal.values())

    def signers_missing(self) -> list[str]:
        """Roles still to confirm before the record can be signed (host, recorder, supervisor; witness and
        招标人代表 when held). The core checks the same again."""
        need = [*SIGN_ALWAYS, *(r for r in ("witness", "tenderer_rep") if self.signin.holder(r) is not None)]
        return [r for r in need if r not in self.signin.confirmed]

    def _sid(self) -> str:
        """The shown session (the actions show only with one)."""
        if self.view is None:
            raise OpeningError("select", "请先选择开标场次", "choose a session first")
        return self.view.session_id

    def _record_absence(self, sid: str, f: Form) -> object:
        return self.service.record_absence(sid, f.clerk(), f.bidder(), ABSENCE_CODES[f.absence], f.reason)

    def _record_withdrawal(self, sid: str, f: Form) -> object:
        kind, reference, received_at = f.withdrawal
        return self.service.record_withdrawal(sid, f.operator(), f.bidder(), kind, reference, received_at)

    def _raise_objection(self, sid: str, f: Form) -> object:
        return self.service.raise_objection(sid, f.operator(), f.objector, f.objection)

    def _record_refusal(self, sid: str, f: Form) -> object:
        return self.service.record_refusal(sid, f.clerk(), f.bidder(), f.reason)

    def _run(self, key: str, fn: Callable[[Form], object]) -> bool:
        """Start the act ``key``: ``fn(form)`` on the work lane; False while another act is pending."""
        if self.act.pending is not None or self.view is None:
            return False  # busy: the buttons are disabled until the pending act's outcome is back
        self.message.setText("")
        form = self._form()
        sid, stage = self.view.session_id, self.view.stage
        if not self.act.run(key, lambda: fn(form), lambda o: self._acted(key, sid, stage, o)):
            return False
        if self.act.pending == key:  # still running (a database that answers at once has already answered)
            self._note(self.tr("正在办理，请稍候……"))
        return True

    def _acted(self, key: str, sid: str, stage: str, outcome: JobOutcome) -> None:
        """An act's outcome (main thread): its words, then the view it left (or a reload)."""
        self._gen += 1
        self.message.setText("")
        if outcome.ok:
            if stage in ("attendance", "decrypting"):
                self.quorum_short = False
            if key == "objection":
                self.objection.clear()
            elif key == "answer":  # never offered again for the next objection
                self.answer.clear()
            elif key == "withdrawal":
                self.withdrawal.clear()
            elif key == "sign":
                self._note(self.tr("开标记录已签署，开标结束"))
        else:
            if outcome.code == "quorum":
                self.quorum_short = True
            self._show_error(OpeningError(outcome.code or key, outcome.zh, outcome.en))
        if not self.message.text():
            self.reason.clear()
        if sid != self.current_session():
            return
        if outcome.ok and isinstance(outcome.value, OpeningView):
            self.view = outcome.value  # the view the act committed: drawn at once, no second round trip
            self._render()
            return
        self._render()
        if outcome.code not in ("database", "not-started"):
            self.refresh_view()  # another terminal may have moved the session on

    def _sign(self) -> None:
        """Sign on the work lane (PDF, hashing, blob store): the act ``sign``, its outcome back in ``_acted``."""
        if self.act.pending is not None or self.view is None:
            return  # a second click while the first is being signed
        signers = [Signer(c.role, c.card, c.username, c.pin) for c in self.signin.confirmed.values()]
        self.signin.clear_confirmations()  # cards and PINs are not kept: a refused signing confirms again
        sid = self.view.session_id
        service = self.service
        if self._run("sign", lambda _f: service.sign_and_close(sid, signers)):
            self.action_buttons["sign"].setText(self.tr("正在生成并签署开标记录…"))
            self._note(self.tr("正在生成并签署开标记录…"))

    def _start_decrypt(self) -> None:
        if self.busy or self.view is None:
            return
        sid, op = self.view.session_id, self.signin.holder("host")
        if op is None:
            self._show_error(OpeningError("no_role", "请开标人/主持人先在读卡器上放置身份证登记", "the host signs in with their ID card first"))
            return
        service, decrypt = self.service, self.decrypt

        def start() -> None:
            if decrypt is None:  # stand-alone: the rules say decryption needs the platform
                service.start_decryption(sid, op, starter=None)
            else:
                decrypt(sid, op)

        self.busy = True
        if "decrypt" in self.action_buttons:
            self.action_buttons["decrypt"].setEnabled(False)
        self.ctx.jobs.run("decrypt", start, self._on_decrypt, lane=PLATFORM)
        self._note(self.tr("正在请求交易平台解密…（最长等待 15 秒）"))
        QTimer.singleShot(15000, self._decrypt_timeout)

    def _decrypt_timeout(self) -> None:
        if self.busy:
            self.busy = False
            self._show_error(OpeningError("timeout", "交易平台 15 秒内未应答，请检查网络后重试", "the platform did not answer within 15 s; check the network and retry"))
            self._render()

    def _on_decrypt(self, outcome: JobOutcome) -> None:
        self.busy = False
        if outcome.ok:
            self._note(self.tr("交易平台已开始解密"))
        else:
            self._show_error(OpeningError(outcome.code or "decrypt", outcome.zh, outcome.en))
        self.refresh_view()

    def _show_error(self, exc: OpeningError) -> None:
        self._set_message(bilingual(self.ctx, exc.zh, exc.en), ok=False)

    def _note(self, text: str) -> None:
        self._set_message(text, ok=True)

    def _set_message(self, text: str, *, ok: bool) -> None:
        self.message.setProperty("ok", ok)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _on_card(self, event) -> None:
        """A representative confirms the record with their card (work lane, in the order placed; a card
        that could not be recorded within 5 s is dropped and said, never recorded late)."""
        if self.signin.offer_card(event):
            return  # a staff member's card for the role panel
        v = self.view
        if v is None or v.stage != "confirmation" or getattr(event, "kind", "") != "card" or event.card is None:
            return
        sid, number, service, hall = v.session_id, event.card.id_number, self.service, self.ctx.hall
        shown = event.card.name[:1] + "*" * (len(event.card.name) - 1)
        asked, limit = time.monotonic(), self.act.start_within_s

        def confirm() -> OpeningView:
            waited = time.monotonic() - asked
            if waited > limit:
                raise ActNotStarted(waited)
            return service.confirm_by_card(sid, hall.person_hmac(number))

        def done(outcome: JobOutcome) -> None:
            if outcome.ok:
                self._note(self.tr("已确认：%1").replace("%1", shown))
            else:
                self._show_error(OpeningError(outcome.code or "confirm", outcome.zh, outcome.en))
            if outcome.code not in ("database", "not-started"):
                self.refresh_view()

        self.ctx.jobs.run("confirm-card", confirm, done, lane=WORK)

    def retranslate(self) -> None:
        self.pick_label.setText(self.tr("今日开标"))
        self.table.setHorizontalHeaderLabels([
            self.tr("序号"), self.tr("投标人"), self.tr("递交时间"), self.tr("签到"), self.tr("解密"), self.tr("唱标价格"), self.tr("确认"),
        ])
        self.absence.clear()
        self.absence.addItems([self.tr("迟到"), self.tr("其他（原因栏填写）")])  # ABSENCE_CODES: no 弃标 (D1)
        self.withdrawal.retranslate()
        self.objection.setPlaceholderText(self.tr("异议内容"))
        self.objector.setPlaceholderText(self.tr("提出人"))
        if self.view is not None:
            self._render()

    def set_objectors(self, names: list[str]) -> None:
        self.objector.clear()
        self.objector.addItems(names)
        self.objector.setCurrentIndex(0)
