"""The auctioneer's console (拍卖师控制台): one lot at a time, fast and unambiguous.

Left: the lot (announcement, current price, leading paddle, next amount, calls and countdown).
Middle: bid entry — paddle and amount fields with a big numeric pad (Enter = 应价; the amount is
the next increment unless typed). Right: the actions (sealed reserve with a supervisor, open,
call, hammer, terminate, correct, change step) and the last bids with their outcome.

A lot with a price cap shows its stage after the cap read-only, as the platform's lot gives it
(``after_cap``: 摇号, 竞配建 with start/step in m², 竞自持 with start/step in %, 平均价 with the band's
upper end); opening the lot confirms it. 摇号 is its own witnessed step (candidates, the auctioneer's
and the supervisor's digits, the draw). Every act is done in a session role taken on the role panel
(``ui.staffing.signin``) by the appointee's ID card; the core checks it again. At the cap the same
entry takes the stage's bids: a paddle already at the cap enters an area/share (blank = the next
one), any other paddle accepts the cap price; for 平均价 the auctioneer starts the one-time bids,
types each paddle's written bid (never shown until all are in) and may close the entry early.
A 矿业权 lot with too few eligible bidders says so and can only wait or be terminated.

Nothing here decides a rule: every action calls ``kiosk.auction.AuctionService``, which takes the
journal lock, validates and journals. The reserve is typed into a password field and never shown;
it is entered only while the session's 拍卖师 and 监督人 both hold their roles on the panel (拍卖法 28).

The UI thread never waits on the database (issue 21): every action runs as an :class:`ui.jobs.Act`
on the work lane (the action buttons are off until it ends; a press while one is pending, or while
the database is down, is refused at once and never carried out later), and the sessions, lots and
the lot shown load through :class:`ui.jobs.Refresher` on the read lane. Time is fair: the timer's
calls wait while the console cannot write (an act pending ``HOLD_GRACE_S`` or more, the database
down) and then a full ``call_seconds``; the countdown says it is paused.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

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

from kiosk.auction import (
    STAGES,
    AuctionError,
    AuctionService,
    BidOutcome,
    LotView,
    StageBidView,
    is_stage_bid,
)
from kiosk.checkin.rules import PRESENCE_KINDS
from kiosk.hall import SessionInfo
from kiosk.money import format_money, to_capitals
from kiosk.operators import AccessError
from kiosk.pii import mask_name
from kiosk.ports import DbState
from kiosk.staffing import ROLE_ZH, RoleHolder, StaffingService
from kiosk.timeutil import beijing
from ui.auction.board import call_name, stage_name, stage_status, state_name
from ui.context import UiContext
from ui.jobs import READ, WORK, Act, JobOutcome, Refresher
from ui.printing import PrintOutcome
from ui.staffing.signin import RoleSignIn
from ui.widgets import Retranslatable, bilingual

#: a pause of the console shorter than this (an act of a few ms) leaves the call timer alone
HOLD_GRACE_S = 0.5
#: the timer's call is not made when reading the lot took longer than this (the database stalled)
SLOW_READ_S = 1.0


def _with_lot(r: BidOutcome) -> BidOutcome:
    """(lane) build the outcome's lot view where the database may be waited on."""
    _ = r.lot
    return r


def source_name(source: str) -> str:
    return {
        "floor": QCoreApplication.translate("AuctionConsole", "现场"),
        "keypad": QCoreApplication.translate("AuctionConsole", "竞价器"),
        "listing": QCoreApplication.translate("AuctionConsole", "挂牌"),
    }.get(source, source)


#: the roles the auction console signs in: the 拍卖师 acts; the supervisor enters only lottery digits; the witness watches
AUCTION_ROLES = ("auctioneer", "supervisor", "witness")


def _need(holder: RoleHolder | None) -> RoleHolder:
    """(on the lane) the act's role holder, or the refusal the console says."""
    if holder is None:
        raise AccessError("no_role", "请拍卖师先在读卡器上放置身份证，登记本场拍卖师角色",
                          "the auctioneer signs in to this session with their ID card first")
    return holder


class AuctionConsole(Retranslatable, QWidget):
    """The ``拍卖`` tab of the auctioneer role."""

    def __init__(self, ctx: UiContext, service: AuctionService, account: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.account = account  #: the hall account logged in here
        #: (session, role) → who holds that role through this console (kiosk.staffing; taken by ID card)
        self.holders: dict[tuple[str, str], RoleHolder] = {}
        self.session_id: str | None = None
        self.lot_code: str | None = None
        self.view: LotView | None = None
        self._eligible = 0  #: eligible paddles of the lot shown (loaded with it)
        self._sessions_loaded = False
        self._want_session: str | None = None  #: asked for before the sessions were loaded
        self._want_lot: str | None = None  #: to choose once its session's lots are loaded
        self._lots_for: str | None = None  #: the session whose lots the lot box holds
        self._blocked_since: float | None = None  #: since when the console cannot write (monotonic)
        self._down_seen = False  #: an act met a database that did not answer during the pause
        self._resume_at = 0.0  #: no timer call before this (monotonic): a full interval after a pause
        self._outage = False
        self.act = Act(ctx.jobs, self._act_buttons)
        self.sessions_r = Refresher(ctx.jobs, "auction-sessions", self._load_sessions, self._show_sessions, self._load_failed)
        self.lots_r = Refresher(ctx.jobs, "auction-lots", self._load_lots, self._show_lots, self._load_failed)
        self.lot_r = Refresher(ctx.jobs, "auction-lot", self._load_lot, self._show_lot, self._load_failed)
        self.on_lot_changed: Callable[[str, str], None] | None = None  #: the big screen follows the console
        self.setObjectName("auctionConsole")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(objectName="auctionInner")
        self.scroll_area.setWidget(inner)
        outer.addWidget(self.scroll_area)
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
        #: who holds the session's roles through this console (masked names: a screen in the room)
        self.roles_label = QLabel(objectName="auctionRoles")
        self.roles_label.setWordWrap(True)
        root.addWidget(self.roles_label)
        self.body = QGridLayout()
        self.body.setSpacing(12)
        root.addLayout(self.body, 1)
        # --- the lot
        left = QFrame(objectName="auctionPanel")
        ll = QVBoxLayout(left)
        self.title = QLabel(objectName="h2")
        self.title.setWordWrap(True)
        self.rules = QLabel(objectName="muted")
        self.rules.setWordWrap(True)
        self.price_caption = QLabel(objectName="muted")
        self.price = QLabel(objectName="auctionPrice")
        self.price.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.capitals = QLabel(objectName="auctionCapitals")
        self.capitals.setWordWrap(True)
        self.leading = QLabel(objectName="auctionLeading")
        self.next_amount = QLabel(objectName="auctionNext")
        self.next_amount.setWordWrap(True)
        self.calls = QLabel(objectName="auctionCalls")
        self.calls.setWordWrap(True)
        self.stage_line = QLabel(objectName="auctionLeading")
        self.stage_line.setWordWrap(True)
        self.message = QLabel(objectName="auctionMessage")
        self.message.setWordWrap(True)
        for w in (self.title, self.rules, self.price_caption, self.price, self.capitals, self.leading, self.stage_line,
                  self.next_amount, self.calls):
            ll.addWidget(w)
        ll.addStretch(1)
        ll.addWidget(self.message)
        # the session's roles, taken by the appointees' ID cards on this terminal's reader (ui.staffing.signin)
        self.signin = RoleSignIn(ctx, StaffingService(ctx.hall), AUCTION_ROLES, kind="auction")
        self.signin.taken.connect(self.sign_in)
        self.signin.changed.connect(lambda _hs: self._render_roles())
        ll.addWidget(self.signin)
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
        self.b_reserve = QPushButton()
        self.b_reserve.clicked.connect(self.enter_reserve)
        rg.addWidget(self.l_reserve, 0, 0, 1, 2)
        rg.addWidget(self.reserve, 1, 0)
        rg.addWidget(self.b_reserve, 1, 1)
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
        self.stage_box = QFrame()
        sg = QGridLayout(self.stage_box)
        sg.setContentsMargins(0, 0, 0, 0)
        self.l_stage = QLabel(objectName="muted")
        self.stage_combo = QComboBox()
        for code in STAGES:
            self.stage_combo.addItem(stage_name(code), code)
        self.stage_combo.currentIndexChanged.connect(lambda _i: self._render() if self.view is not None else None)
        self.stage_start = QLineEdit()
        self.stage_step = QLineEdit()
        self.stage_upper = QLineEdit()
        self.l_stage_start = QLabel(objectName="muted")
        self.l_stage_step = QLabel(objectName="muted")
        self.l_stage_upper = QLabel(objectName="muted")
        sg.addWidget(self.l_stage, 0, 0)
        sg.addWidget(self.stage_combo, 0, 1)
        sg.addWidget(self.l_stage_start, 1, 0)
        sg.addWidget(self.l_stage_step, 1, 1)
        sg.addWidget(self.stage_start, 2, 0)
        sg.addWidget(self.stage_step, 2, 1)
        sg.addWidget(self.l_stage_upper, 3, 0, 1, 2)
        sg.addWidget(self.stage_upper, 4, 0, 1, 2)
        self.b_sealed = QPushButton()
        self.b_sealed.clicked.connect(self.start_sealed)
        self.b_reveal = QPushButton()
        self.b_reveal.clicked.connect(self.close_sealed)
        acts.addWidget(self.stage_box, 0, 0, 1, 2)
        acts.addWidget(self.jump, 0 + 1, 0)
        acts.addWidget(self.grid_rule, 0 + 1, 1)
        acts.addWidget(self.b_sealed, 1 + 1, 0)
        acts.addWidget(self.b_reveal, 1 + 1, 1)
        acts.addWidget(self.b_open, 1 + 2, 0)
        acts.addWidget(self.b_call, 3, 1)
        acts.addWidget(self.auto, 4, 0)
        acts.addWidget(self.b_hammer, 4, 1)
        acts.addWidget(self.step, 5, 0)
        acts.addWidget(self.b_step, 5, 1)
        acts.addWidget(self.reason, 6, 0, 1, 2)
        acts.addWidget(self.b_correct, 7, 0)
        acts.addWidget(self.b_terminate, 7, 1)
        # documents of a closed lot, to the office printer (ctx.documents, off the UI thread)
        self.b_print_conf = QPushButton(objectName="secondary")
        self.b_print_conf.clicked.connect(lambda: self.print_document("confirmation"))
        self.b_print_rec = QPushButton(objectName="secondary")
        self.b_print_rec.clicked.connect(lambda: self.print_document("record"))
        acts.addWidget(self.b_print_conf, 8, 0)
        acts.addWidget(self.b_print_rec, 8, 1)
        # D10: the buyer's deposit is held until the 成交确认书 is signed; refusing (悔拍) forfeits it, with the reason
        self.b_signed = QPushButton(objectName="secondary")
        self.b_signed.clicked.connect(lambda: self.settle_deposit(True))
        self.b_refused = QPushButton(objectName="danger")
        self.b_refused.clicked.connect(lambda: self.settle_deposit(False))
        acts.addWidget(self.b_signed, 10, 0)
        acts.addWidget(self.b_refused, 10, 1)
        # the lottery among the bidders at the cap (D8): candidates → the auctioneer's and the supervisor's
        # digits (the seed's SHA-256 is committed when both are in) → the draw, each an act of its role
        self.lottery_box = QFrame(objectName="auctionLottery")
        lg = QGridLayout(self.lottery_box)
        lg.setContentsMargins(0, 0, 0, 0)
        self.l_lottery = QLabel(objectName="auctionLeading")
        self.l_lottery.setWordWrap(True)
        self.digits = QLineEdit()
        self.digits.setMaxLength(12)
        self.b_candidates = QPushButton()
        self.b_candidates.clicked.connect(self.lottery_candidates)
        self.b_digits_auc = QPushButton()
        self.b_digits_auc.clicked.connect(lambda: self.lottery_entropy("auctioneer"))
        self.b_digits_sup = QPushButton()
        self.b_digits_sup.clicked.connect(lambda: self.lottery_entropy("supervisor"))
        self.b_draw = QPushButton(objectName="primary")
        self.b_draw.clicked.connect(self.lottery_draw)
        lg.addWidget(self.l_lottery, 0, 0, 1, 2)
        lg.addWidget(self.b_candidates, 1, 0, 1, 2)
        lg.addWidget(self.digits, 2, 0, 1, 2)
        lg.addWidget(self.b_digits_auc, 3, 0)
        lg.addWidget(self.b_digits_sup, 3, 1)
        lg.addWidget(self.b_draw, 4, 0, 1, 2)
        acts.addWidget(self.lottery_box, 9, 0, 1, 2)
        rl.addLayout(acts)
        self.table = QTableWidget(0, 4)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(120)
        rl.addWidget(self.table, 1)
        self.right = right
        self._portrait: bool | None = None
        self._stage_for: tuple[str, str] | None = None
        self._arrange(False)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(250)
        ctx.bridge.journalEntries.connect(self._on_entries)
        ctx.bridge.databaseState.connect(self._on_db_state)
        self._fixed = (self.l_session, self.l_lot, self.state, self.jump, self.grid_rule, self.auto)
        for fixed in self._fixed:
            fixed.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.retranslate()
        self.load_sessions()

    @staticmethod
    def tab_title() -> str:
        return QCoreApplication.translate("AuctionConsole", "拍卖")

    # --- session roles: every act is the auctioneer's, checked again by the core -------------------

    def sign_in(self, holder: RoleHolder) -> None:
        """A role taken (by ID card) for one of this console's sessions: acts of that session are done in it."""
        self.holders[(holder.session_id, holder.role)] = holder
        self._render()

    def actor(self, role: str = "auctioneer") -> RoleHolder | None:
        """Who holds ``role`` of the session shown: taken through this console, else as the role panel
        last read it (None: nobody signed in). The core checks the holding again in each act."""
        mine = self.holders.get((self.session_id or "", role))
        if mine is not None:
            return mine
        return self.signin.holder(role) if self.signin.session_id == self.session_id else None

    # --- data: loaded on the job runner's read lane, shown here ----------------------------------

    def settled(self) -> bool:
        """No act pending and no load in flight (tests wait for this instead of a fixed sleep)."""
        return self.act.pending is None and not any(r.inflight for r in (self.sessions_r, self.lots_r, self.lot_r))

    def load_sessions(self) -> None:
        self.sessions_r.request()

    def _load_sessions(self) -> tuple[list[SessionInfo], tuple[str, list[LotView], str | None] | None]:
        """(read lane) the room's auction sessions and the lots of the one to show."""
        room = self.ctx.hall.config.site.room_code or None
        sessions = self.service.auction_sessions(room_code=room)
        ids = [s.session_id for s in sessions]
        sid = self._want_session if self._want_session in ids else (self.session_id if self.session_id in ids else None)
        sid = sid or (ids[0] if ids else None)
        return sessions, (self._read_lots(sid) if sid else None)

    def _show_sessions(self, value: tuple[list[SessionInfo], tuple[str, list[LotView], str | None] | None]) -> None:
        sessions, lots = value
        self._sessions_loaded = True
        self.session_box.blockSignals(True)
        self.session_box.clear()
        for s in sessions:
            self.session_box.addItem(f"{beijing(s.starts_at):%H:%M} {s.title}", s.session_id)
        self._want_session = None
        if lots is not None:
            self.session_box.setCurrentIndex(max(0, self.session_box.findData(lots[0])))
            self.session_id = lots[0]
        self.session_box.blockSignals(False)
        if lots is not None:
            self._show_lots(lots)
        else:
            self._render()

    def _session_chosen(self, index: int) -> None:
        self.session_id = self.session_box.itemData(index)
        if not self.session_id:
            return
        self.lots_r.request()

    def _read_lots(self, sid: str) -> tuple[str, list[LotView], str | None]:
        return sid, self.service.lots(sid), self.service.open_lot_of(sid)

    def _load_lots(self) -> tuple[str, list[LotView], str | None] | None:
        """(read lane) the lots of the console's session, and its open lot."""
        sid = self.session_id
        return self._read_lots(sid) if sid else None

    def _show_lots(self, value: tuple[str, list[LotView], str | None] | None) -> None:
        if value is None or value[0] != self.session_id:
            return  # the auctioneer chose another session meanwhile: its lots are on the way
        sid, lots, open_lot = value
        codes = [v.lot_code for v in lots]
        if self._lots_for == sid and codes == [self.lot_box.itemData(i) for i in range(self.lot_box.count())] \
                and self._want_lot is None:
            for i, v in enumerate(lots):  # the same lots: their states are relabelled, the choice stays
                self.lot_box.setItemText(i, f"{v.lot_code} {v.title} · {state_name(v.state)}")
            return
        self._lots_for = sid
        self.lot_box.blockSignals(True)
        self.lot_box.clear()
        for v in lots:
            self.lot_box.addItem(f"{v.lot_code} {v.title} · {state_name(v.state)}", v.lot_code)
        first = codes.index(self._want_lot) if self._want_lot in codes else None
        self._want_lot = None
        if first is None:
            first = next((i for i, v in enumerate(lots) if v.lot_code == open_lot), None)
        if first is None:
            first = next((i for i, v in enumerate(lots) if v.state == "pending"), 0)
        self.lot_box.setCurrentIndex(first)
        self.lot_box.blockSignals(False)
        self._lot_chosen(first)

    def _lot_chosen(self, index: int) -> None:
        self.lot_code = self.lot_box.itemData(index)
        self.refresh()
        if self.on_lot_changed and self.session_id and self.lot_code:
            self.on_lot_changed(self.session_id, self.lot_code)

    def select_lot(self, session_id: str, lot_code: str) -> None:
        """Show this lot (its session's lots are loaded first when the session changes)."""
        if not self._sessions_loaded:
            self._want_session, self._want_lot = session_id, lot_code
            self.sessions_r.request()
            return
        i = self.session_box.findData(session_id)
        if i >= 0 and (self.session_box.currentIndex() != i or self._lots_for != session_id):
            self._want_lot = lot_code
            if self.session_box.currentIndex() != i:
                self.session_box.setCurrentIndex(i)  # → _session_chosen → the lots, then this lot
            else:
                self.lots_r.request()
            return
        j = self.lot_box.findData(lot_code)
        if j >= 0:
            self.lot_box.blockSignals(True)
            self.lot_box.setCurrentIndex(j)
            self.lot_box.blockSignals(False)
            self._lot_chosen(j)

    def _on_entries(self, entries: list) -> None:
        if any(e.kind.startswith("staff.") and e.payload.get("session_id") == self.session_id for e in entries):
            self.signin.reload()  # a role taken, handed over or released (here or at another console)
        # a bidder checked in or a check-in revoked changes the lot's eligible paddles (合格竞买人)
        if any((e.kind.startswith("auction.") or e.kind in PRESENCE_KINDS) and e.payload.get("session_id") == self.session_id
               for e in entries):
            self.refresh()
            if any(e.kind in ("auction.lot_opened", "auction.result") for e in entries):
                self._relabel_lots()

    def refresh(self) -> None:
        """Reload the lot shown (read lane); the widgets are filled when it is back."""
        if not self.session_id or not self.lot_code:
            self.view = None
            self._render()
            return
        self.lot_r.request()

    def _load_lot(self) -> tuple[str | None, str | None, LotView | None, int]:
        """(read lane) the lot with its last bids and the count of its eligible paddles."""
        sid, code = self.session_id, self.lot_code
        if not sid or not code:
            return sid, code, None, 0
        try:
            view = self.service.lot(sid, code, last_bids=30)
        except AuctionError:
            return sid, code, None, 0
        return sid, code, view, sum(1 for b in self.service.bidders(sid, code) if b.eligible)

    def _show_lot(self, value: tuple[str | None, str | None, LotView | None, int]) -> None:
        sid, code, view, eligible = value
        if (sid, code) != (self.session_id, self.lot_code):
            return  # another lot was chosen meanwhile: its load follows
        self.view, self._eligible = view, eligible
        self._render()

    def _load_failed(self, outcome: JobOutcome) -> None:
        """A load that did not come back: what is shown stays, the message line says why."""
        self._fail(AuctionError(outcome.code, outcome.zh, outcome.en))

    def _on_db_state(self, state: DbState) -> None:
        self._update_hold()
        if not state.ok:
            self._outage = True
            self._fail(AuctionError("database", "数据库不可用：应价、报价与落槌暂不能记录，报价计时已暂停",
                                    "database unavailable: bids, calls and the hammer cannot be recorded now; the call timer is paused"))
            self._render_calls()
            return
        if self._outage:
            self._outage = False
            n = self.service.call_seconds
            self._ok(f"数据库已恢复：报价计时重新开始（{n} 秒）", f"database answers again: the call timer restarts ({n} s)")
        if not self._sessions_loaded:
            self.sessions_r.request()
        else:
            self._relabel_lots()
            self.refresh()

    # --- time is fair: the calls wait while the console cannot write ------------------------------

    def _update_hold(self) -> None:
        """Note when the console could not write (an act pending, the database down); once it can
        again after ``HOLD_GRACE_S`` or more, the next call waits a full ``call_seconds``."""
        blocked = self.act.pending is not None or not self.ctx.db_state().ok
        now = time.monotonic()
        if blocked:
            if self._blocked_since is None:
                self._blocked_since = now
            return
        if self._blocked_since is not None:
            if now - self._blocked_since >= HOLD_GRACE_S or self._down_seen:
                self._resume_at = now + self.service.call_seconds
            self._blocked_since = None
            self._down_seen = False

    def paused(self) -> bool:
        """The call timer stands still (the console cannot write now)."""
        return self._blocked_since is not None and (not self.ctx.db_state().ok or time.monotonic() - self._blocked_since >= HOLD_GRACE_S)

    def hold_left(self) -> float:
        """Seconds the next call still waits after the console could write again (0: none)."""
        return max(0.0, self._resume_at - time.monotonic())

    def seconds_to_next_call(self) -> float | None:
        """The lot's own interval, or the full one restarted after a pause, whichever ends later."""
        v = self.view
        if v is None or v.state != "open":
            return None
        left = v.seconds_to_next_call(self.ctx.hall.clock.now())
        return None if left is None else max(left, self.hold_left())

    # --- actions: one at a time on the work lane (ui.jobs.Act) -----------------------------------

    def _act_buttons(self) -> list[QPushButton]:
        return [self.b_bid, self.b_open, self.b_call, self.b_hammer, self.b_correct, self.b_terminate, self.b_step,
                self.b_sealed, self.b_reveal, self.b_candidates, self.b_digits_auc, self.b_digits_sup, self.b_draw,
                self.b_signed, self.b_refused]

    def _run(self, key: str, fn: Callable[[], Any], done: Callable[[Any], None], *, relabel: bool = False) -> bool:
        """Start an act; its value goes to ``done`` (main thread), a refusal or fault to the message line.
        Refused at once while the database is down or another act is pending: never queued, never replayed."""
        if not self.ctx.db_state().ok:
            self._fail(AuctionError("database", "数据库不可用：本次操作未执行，恢复后请重新操作",
                                    "database unavailable: not done; please try again when it is back"))
            return False
        if not self.act.run(key, fn, lambda outcome: self._acted(outcome, done, relabel)):
            self._fail(AuctionError("busy", "上一操作尚未完成，请稍候", "the previous act has not finished yet"))
            return False
        if self._blocked_since is None:
            self._blocked_since = time.monotonic()
        return True

    def _acted(self, outcome: JobOutcome, done: Callable[[Any], None], relabel: bool) -> None:
        if outcome.code in ("database", "not-started", "storage-full"):
            # the act met a database that did not answer, or could not write (a full disk): a full
            # interval follows, so the call that failed does not fire the moment writing works again
            self._down_seen = True
        self._update_hold()
        if outcome.ok:
            done(outcome.value)
        else:
            self._fail(AuctionError(outcome.code, outcome.zh, outcome.en))
        self.refresh()
        if relabel:
            self._relabel_lots()

    def _fail(self, exc: Exception) -> None:
        zh, en = getattr(exc, "zh", str(exc)), getattr(exc, "en", "")
        self.message.setProperty("ok", "false")
        self.message.setText(bilingual(self.ctx, zh, en))
        self._repolish(self.message)

    def print_document(self, which: str) -> None:
        """Send the closed lot's 成交确认书 or 拍卖笔录 (exactly the journalled file) to the office printer."""
        v = self.view
        if v is None:
            return
        sha = v.confirmation_sha256 if which == "confirmation" else v.record_sha256
        name = "成交确认书" if which == "confirmation" else "拍卖笔录"
        title = f"{name} {v.session_id} {v.lot_code}"
        hall = self.ctx.hall

        def read(outcome: JobOutcome) -> None:
            data = outcome.value if outcome.ok else None
            if data is None:
                if outcome.ok:
                    self._fail(AuctionError("no-document", f"找不到{name}文件（或与登记的哈希不符）",
                                            f"the {'confirmation' if which == 'confirmation' else 'auction record'} file is missing or does not match its hash"))
                else:
                    self._fail(AuctionError(outcome.code, outcome.zh, outcome.en))
                return
            self._ok(f"正在打印{name}…", "printing…")
            self.ctx.documents.print_pdf(data, title, on_done=self._printed)

        self.ctx.jobs.run("document", lambda: hall.document(sha) if sha else None, read, lane=READ)

    def _printed(self, outcome: PrintOutcome) -> None:
        if outcome.ok:
            self._ok(outcome.zh, outcome.en)
        else:
            self._fail(outcome)  # type: ignore[arg-type]  # zh/en like an error

    def _ok(self, zh: str, en: str) -> None:
        self.message.setProperty("ok", "true")
        self.message.setText(bilingual(self.ctx, zh, en))
        self._repolish(self.message)

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)

    def keypad_refused(self, paddle: str, zh: str, en: str) -> None:
        """A keypad press that could not be recorded (the wiring says why; it is never replayed)."""
        self._fail(AuctionError("keypad", f"竞价器 {paddle} 号应价未记录：{zh}", f"keypad {paddle}: bid not recorded: {en}"))

    def submit_bid(self) -> None:
        if self.view is None:
            return
        paddle = self.paddle.text().strip()
        if not paddle:
            self._fail(AuctionError("paddle", "请输入号牌", "type the paddle number"))
            self.paddle.setFocus()
            return
        amount = self.amount.text().strip() or None
        v = self.view
        service, actor, sid, code = self.service, self.actor(), v.session_id, v.lot_code
        if self._stage_entry(paddle):
            def staged(r: Any) -> None:
                if r.accepted:
                    if v.stage == "average":
                        self._ok(f"{paddle} 号一次报价已收到（密封，全部提交后揭晓）", f"paddle {paddle}: one-time bid received (sealed until all are in)")
                    else:
                        self._ok(f"报价已收到：{paddle} 号 {r.lot.stage_text(r.amount)}（当前最高）",
                                 f"bid received: paddle {paddle} {r.lot.stage_text(r.amount)} (leading)")
                    self._cleared(paddle)
                else:
                    self._fail(AuctionError(r.reason or "", f"报价无效：{r.reason_zh}", f"bid refused: {r.reason_en}"))

            # the outcome's view is built before it comes back (its ``lot`` is read lazily otherwise)
            if self._run("stage-bid", lambda: _with_lot(service.stage_bid(sid, code, paddle, amount, source="floor", actor=_need(actor))), staged):
                self._target = self.paddle
            return

        def bid(r: Any) -> None:
            if r.accepted:
                self._ok(f"出价已收到：{paddle} 号 {format_money(r.amount, v.price_unit)}（当前最高）",
                         f"bid received: paddle {paddle} {r.amount} (leading)")
                self._cleared(paddle)
            else:
                self._fail(AuctionError(r.reason or "", f"应价无效：{r.reason_zh}", f"bid refused: {r.reason_en}"))

        if self._run("bid", lambda: service.bid(sid, code, paddle, amount, source="floor", actor=_need(actor)), bid):
            self._target = self.paddle

    def _cleared(self, paddle: str) -> None:
        """The fields are cleared after an accepted bid unless the auctioneer already typed the next."""
        if self.paddle.text().strip() == paddle:
            self.paddle.clear()
            self.amount.clear()

    def _stage_entry(self, paddle: str) -> bool:
        """Does this paddle's bid go to the stage (area/share at the cap, or a sealed one-time bid)? The core's rule."""
        v = self.view
        return v is not None and v.state == "open" and is_stage_bid(v.stage, v.stage_phase, v.capped_paddles, paddle)

    def start_sealed(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()
        self._run("start-sealed", lambda: self.service.start_sealed(sid, code, actor=_need(actor)),
                  lambda _v: self._ok("停止举牌：请逐个录入限价号牌的一次书面报价", "open bidding stopped: enter each capped paddle's one-time written bid"))

    def close_sealed(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()
        self._run("close-sealed", lambda: self.service.close_sealed(sid, code, actor=_need(actor)),
                  lambda _v: self._ok("一次报价已揭晓", "the one-time bids are revealed"))

    def _stage_fields(self) -> None:
        v = self.view
        show = v is not None and v.state == "pending" and bool(v.cap_price)
        self.stage_box.setVisible(show)
        # D7: read-only — the 出让公告's method (docs/platform-api.md §7.1 after_cap); the auctioneer confirms it by opening
        if v is not None:
            i = self.stage_combo.findData(v.stage)
            self.stage_combo.blockSignals(True)
            self.stage_combo.setCurrentIndex(i)
            self.stage_combo.blockSignals(False)
            self.stage_start.setText(v.stage_start or "")
            self.stage_step.setText(v.stage_step or "")
            self.stage_upper.setText(v.stage_upper or "")
        for w in (self.stage_combo, self.stage_start, self.stage_step, self.stage_upper):
            w.setEnabled(False)
        code = v.stage if v is not None else None
        for w in (self.stage_start, self.stage_step, self.l_stage_start, self.l_stage_step):
            w.setVisible(show and code in ("area", "self_hold"))
        for w in (self.stage_upper, self.l_stage_upper):
            w.setVisible(show and code == "average")
        if code == "area":
            self.l_stage_start.setText(self.tr("起始配建面积（m²）"))
            self.l_stage_step.setText(self.tr("面积增幅（m²）"))
        else:
            self.l_stage_start.setText(self.tr("起始自持比例（%）"))
            self.l_stage_step.setText(self.tr("比例增幅（%）"))
        self.l_stage_upper.setText(self.tr("一次报价有效区间上限（%1）").replace("%1", (self.tr("万元") if v.price_unit == "1" else self.tr("元")) if v is not None else ""))

    def enter_reserve(self) -> None:
        """The sealed reserve, by the session's 拍卖师 with its 监督人, both holding their roles here (by card on
        the role panel; the core checks both holdings again); the write runs on the job runner and the
        answer comes to ``_reserved``."""
        if self.view is None or not self.b_reserve.isEnabled():
            return
        service, sid, lot, reserve = self.service, self.view.session_id, self.view.lot_code, self.reserve.text()
        auctioneer, supervisor = self.actor("auctioneer"), self.actor("supervisor")
        if auctioneer is None or supervisor is None:
            self._fail(AuctionError("roles", "请拍卖师和监督人先在读卡器上刷身份证登记本场角色，再录入底价",
                                    "the auctioneer and the supervisor sign in with their ID cards first"))
            return
        self.reserve.clear()  # the secret price never stays on screen
        self.b_reserve.setEnabled(False)
        self.ctx.jobs.run("reserve", lambda: service.enter_reserve(sid, lot, reserve, auctioneer=auctioneer, supervisor=supervisor),
                          self._reserved, lane=WORK)

    def _reserved(self, outcome: JobOutcome) -> None:
        self.b_reserve.setEnabled(True)
        if outcome.ok:
            self._ok("密封底价已录入（保密，落槌前不显示）", "sealed reserve entered (kept secret until the lot closes)")
        else:
            self._fail(AuctionError(outcome.code, outcome.zh, outcome.en))
        self.refresh()

    def open_lot(self) -> None:
        if self.view is None:
            return
        v, actor = self.view, self.actor()
        # D7: the stage after the cap is the lot's (the platform's after_cap), shown read-only; opening confirms it
        terms: dict[str, Any] = dict(jump_bids=self.jump.isChecked(), on_grid=self.grid_rule.isChecked(),
                                     stage=v.stage if v.cap_price else None)
        self._run("open", lambda: self.service.open_lot(v.session_id, v.lot_code, actor=_need(actor), **terms),
                  lambda _v: self._ok("已宣布开拍", "the lot is open"), relabel=True)

    def call(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()
        self._run("call", lambda: self.service.call(sid, code, actor=_need(actor)), lambda _v: None)

    def _auto_call(self) -> None:
        """The timer's call: made only if still due when read on the lane, and never after a slow read
        (a database that stalled meanwhile: the bidders could not bid either)."""
        v = self.view
        if v is None or self.actor() is None:
            return  # nobody holds the auctioneer's role here: the timer calls nothing
        service, sid, code, version, actor = self.service, v.session_id, v.lot_code, v.version, self.actor()
        clock = self.ctx.hall.clock

        def due() -> LotView | None:
            t0 = time.monotonic()
            now = service.lot(sid, code, last_bids=0)
            if time.monotonic() - t0 > SLOW_READ_S:
                raise AuctionError("database", "数据库响应缓慢：本次报价未执行，报价重新计时",
                                   "the database answered slowly: the call was not made; the timer restarts")
            left = now.seconds_to_next_call(clock.now())
            if left is None or left > 0 or now.version != version:
                return None  # a bid or another console's call came first: nothing is due
            try:
                return service.call(sid, code, actor=_need(actor), expect_version=version)
            except AuctionError:
                return None

        self._run("auto-call", due, lambda _v: None)

    def hammer(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()

        def done(r: Any) -> None:
            if r.result == "sold":
                self._ok(f"落槌成交：{r.paddle_no} 号，成交确认书已生成", f"sold to paddle {r.paddle_no}; confirmation created")
            else:
                self._ok("流拍（不成交），拍卖笔录已生成", "unsold; the auction record was created")

        self._run("hammer", lambda: self.service.hammer(sid, code, actor=_need(actor)), done, relabel=True)

    def terminate(self) -> None:
        if self.view is None:
            return
        sid, code, actor, reason = self.view.session_id, self.view.lot_code, self.actor(), self.reason.text()

        def done(_v: Any) -> None:
            self._ok("该标的已终止", "the lot was terminated")
            self.reason.clear()

        self._run("terminate", lambda: self.service.terminate(sid, code, actor=_need(actor), reason=reason), done, relabel=True)

    def correct_last(self) -> None:
        v = self.view
        if v is None:
            return
        last = next((b for b in reversed(v.bids) if b.accepted and not b.corrected and b.source != "listing"), None)
        if last is None:
            self._fail(AuctionError("no_bid", "没有可更正的应价", "no bid to correct"))
            return
        sid, code, actor, reason, seq = v.session_id, v.lot_code, self.actor(), self.reason.text(), last.seq

        def done(_v: Any) -> None:
            self._ok(f"已更正第 {seq} 号应价（记录保留）", f"bid {seq} corrected (kept in the record)")
            self.reason.clear()

        self._run("correct", lambda: self.service.correct(sid, code, seq, actor=_need(actor), reason=reason), done)

    def lottery_candidates(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()
        self._run("lottery-candidates", lambda: self.service.lottery_candidates(sid, code, actor=_need(actor)),
                  lambda v: self._ok(f"摇号候选人已确认：{'、'.join(v.lottery_candidates)} 号",
                                     f"lottery candidates confirmed: {', '.join(v.lottery_candidates)}"))

    def lottery_entropy(self, role: str) -> None:
        """The auctioneer's or the supervisor's digits, each entered in their own role (the supervisor signs in here)."""
        if self.view is None:
            return
        sid, code, digits, holder = self.view.session_id, self.view.lot_code, self.digits.text(), self.actor(role)
        self.digits.clear()  # typed by the person, not kept on screen

        def need() -> RoleHolder:
            if holder is None:
                raise AccessError("no_role", f"请{'监督人' if role == 'supervisor' else '拍卖师'}先刷身份证登记本场角色",
                                  f"the {role} signs in to this session with their ID card first")
            return holder

        def done(v: LotView) -> None:
            if v.lottery_commitment:
                self._ok(f"种子已承诺：SHA-256 {v.lottery_commitment[:16]}…（已在大屏公布）",
                         f"seed committed: SHA-256 {v.lottery_commitment[:16]}… (shown on the big screen)")
            else:
                self._ok("随机数字已录入", "digits entered")

        self._run("lottery-entropy", lambda: self.service.lottery_entropy(sid, code, digits, actor=need()), done)

    def lottery_draw(self) -> None:
        if self.view is None:
            return
        sid, code, actor = self.view.session_id, self.view.lot_code, self.actor()
        self._run("lottery-draw", lambda: self.service.lottery_run(sid, code, actor=_need(actor)),
                  lambda v: self._ok(f"抽签完成：中签 {v.lottery_winner} 号，种子已公开，请落槌",
                                     f"drawn: paddle {v.lottery_winner}; the seed is revealed — drop the hammer"))

    def settle_deposit(self, signed: bool) -> None:
        if self.view is None:
            return
        sid, code, actor, reason = self.view.session_id, self.view.lot_code, self.actor(), self.reason.text()

        def done(_rows: Any) -> None:
            self.reason.clear()
            if signed:
                self._ok("成交确认书已签署：现金保证金转作价款，电子保函解除", "confirmation signed: the cash deposit goes to the price, a guarantee is released")
            else:
                self._ok("竞得人拒签（悔拍）：保证金不予退还，已记录理由", "the buyer refused to sign: the deposit is forfeited, the reason recorded")
            self.refresh()

        self._run("settle", lambda: self.service.settle_deposit(sid, code, signed=signed, actor=_need(actor), reason=reason), done)

    def _render_lottery(self, v: LotView) -> None:
        show = v.state == "open" and v.stage == "lottery" and len(v.capped_paddles) >= 2
        self.lottery_box.setVisible(show)
        if not show:
            return
        phase = v.stage_phase
        if phase is None:
            self.l_lottery.setText(self.tr("限价摇号：%1 号在最高限价；三次报价后确认候选人").replace("%1", "、".join(v.capped_paddles)))
        elif phase == "lottery":
            given = "、".join({"auctioneer": self.tr("拍卖师"), "supervisor": self.tr("监督人")}.get(r, r) for r in v.lottery_entropy)
            self.l_lottery.setText(self.tr("候选人 %1 号 · 请拍卖师和监督人各录入 4–12 位数字（已录入：%2）")
                                   .replace("%1", "、".join(v.lottery_candidates)).replace("%2", given or self.tr("无")))
        elif phase == "committed":
            self.l_lottery.setText(self.tr("种子已承诺 SHA-256 %1… · 请抽签").replace("%1", (v.lottery_commitment or "")[:16]))
        else:
            self.l_lottery.setText(self.tr("中签 %1 号 · 种子 %2… 已公开 · 请落槌").replace("%1", v.lottery_winner or "")
                                   .replace("%2", (v.lottery_seed or "")[:16]))
        self.b_candidates.setEnabled(phase is None and v.call_no >= 3)
        self.digits.setEnabled(phase == "lottery")
        self.b_digits_auc.setEnabled(phase == "lottery" and "auctioneer" not in v.lottery_entropy)
        self.b_digits_sup.setEnabled(phase == "lottery" and "supervisor" not in v.lottery_entropy)
        self.b_draw.setEnabled(phase == "committed")

    def _render_roles(self) -> None:
        sid = self.session_id or ""
        if self.signin.session_id != self.session_id:
            self.signin.set_session(self.session_id)
        mine = {r: h for (s, r), h in self.holders.items() if s == sid}
        panel = {h.role: h for h in reversed(self.signin.holders)} if self.signin.session_id == sid else {}
        held = [h for r in AUCTION_ROLES if (h := mine.get(r) or panel.get(r)) is not None]
        if self.view is not None and self.view.state in ("pending", "open") and "auctioneer" not in mine \
                and "auctioneer" not in panel and self.signin.ready and self.signin.armed is None:
            self.signin.arm("auctioneer")  # 请 拍卖师 在读卡器上放置身份证
        if not held:
            self.roles_label.setText(self.tr("本场角色：拍卖师尚未刷身份证登记（请在读卡器上放置身份证）"))
        else:
            self.roles_label.setText(self.tr("本场角色：") + "　".join(f"{ROLE_ZH.get(h.role, h.role)} {mask_name(h.name)}"
                                                                   for h in held))

    def change_step(self) -> None:
        if self.view is None:
            return
        sid, code, actor, step = self.view.session_id, self.view.lot_code, self.actor(), self.step.text()

        def change() -> LotView:
            try:
                return self.service.change_increment(sid, code, step, actor=_need(actor))
            except ValueError as exc:  # not a number: said like a refusal
                raise AuctionError("bad_amount", str(exc), str(exc)) from exc

        def done(_v: Any) -> None:
            self._ok("加价幅度已调整", "increment changed")
            self.step.clear()

        self._run("step", change, done)

    def _relabel_lots(self) -> None:
        if self.session_id:
            self.lots_r.request()

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

    def resizeEvent(self, event) -> None:  # noqa: N802
        self._arrange(event.size().height() > event.size().width())
        super().resizeEvent(event)

    # --- keys and timer ---------------------------------------------------------------------------

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == event.Type.FocusIn and obj in (self.paddle, self.amount):
            self._target = obj
        return False

    def _press(self, key: str) -> None:
        if key == "⌫":
            self._target.backspace()
        else:
            self._target.insert(key)

    def tick(self) -> None:
        """4 times a second: the countdown, and the timer's call when it is due and the console can write."""
        self._update_hold()
        v = self.view
        if v is None or v.state != "open":
            return
        left = self.seconds_to_next_call()
        if (self.auto.isChecked() and left is not None and left <= 0 and v.call_no < 3 and not v.stage_phase
                and self._blocked_since is None and not self.lot_r.inflight and self.ctx.db_state().ok):
            self._auto_call()
        self._render_calls()

    # --- drawing ---------------------------------------------------------------------------------

    def _render_calls(self) -> None:
        v = self.view
        if v is None or v.state != "open":
            self.calls.setText("")
            return
        left = self.seconds_to_next_call()
        done = call_name(v.call_no) if v.call_no else self.tr("等待应价")
        if v.call_no >= 3:
            lottery = v.stage == "lottery" and len(v.capped_paddles) > 1 and v.stage_phase != "drawn"
            self.calls.setText((self.tr("%1 · 请摇号") if lottery else self.tr("%1 · 无人应价，请落槌")).replace("%1", done))
        elif self.paused() and not v.stage_phase:
            self.calls.setText(self.tr("%1 · 计时暂停：数据库未响应，恢复后重新计时").replace("%1", done))
        elif left is not None:
            self.calls.setText(self.tr("%1 · %2 秒后%3").replace("%1", done).replace("%2", str(int(left + 0.999)))
                               .replace("%3", call_name(v.call_no + 1)))

    def _render(self) -> None:
        v = self.view
        self._render_roles()
        if v is None:
            self.lottery_box.hide()
            self.title.setText(self.tr("今日暂无拍卖会") if self._sessions_loaded else self.tr("正在读取拍卖会…"))
            for w in (self.rules, self.price_caption, self.price, self.capitals, self.leading, self.next_amount, self.calls, self.state):
                w.setText("")
            self.table.setRowCount(0)
            for b in (self.b_bid, self.b_open, self.b_call, self.b_hammer, self.b_correct, self.b_terminate, self.b_step):
                b.setEnabled(False)
            self.reserve_box.hide()
            for w in (self.stage_box, self.b_sealed, self.b_reveal, self.stage_line, self.b_print_conf, self.b_print_rec,
                      self.b_signed, self.b_refused):
                w.hide()
            return
        if v.state == "pending" and v.cap_price and self._stage_for != (v.session_id, v.lot_code):
            self._stage_for = (v.session_id, v.lot_code)
            self.stage_combo.blockSignals(True)
            self.stage_combo.setCurrentIndex(self.stage_combo.findData(v.stage))
            self.stage_combo.blockSignals(False)
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
            rules.append(self.tr("最高限价 %1 · 限价后：%2（出让公告）").replace("%1", format_money(v.cap_price, v.price_unit))
                         .replace("%2", stage_name(v.stage) if v.stage else self.tr("未规定：只能注明理由终止")))
            if v.stage in ("area", "self_hold") and v.state != "pending":
                rules.append(self.tr("起始 %1，增幅 %2").replace("%1", v.stage_text(v.stage_start)).replace("%2", v.stage_text(v.stage_step)))
            elif v.stage == "average" and v.state != "pending":
                rules.append(self.tr("一次报价有效区间 %1 至 %2").replace("%1", format_money(v.cap_price, v.price_unit))
                             .replace("%2", format_money(v.stage_upper, v.price_unit)))  # type: ignore[arg-type]  # set for "average"
        if v.listing_top_bid:
            rules.append(self.tr("挂牌最高报价 %1（%2 号）").replace("%1", format_money(v.listing_top_bid, v.price_unit))
                         .replace("%2", v.listing_top_paddle or ""))
        if v.has_reserve:
            rules.append(self.tr("设有保留价：已密封录入") if v.reserve_entered else self.tr("设有保留价：待录入"))
        else:
            rules.append(self.tr("本标的无保留价（须在竞价前宣布）"))
        rules.append(self.tr("允许跳价") if v.jump_bids else self.tr("不允许跳价"))
        rules.append(self.tr("竞买人 %1 个号牌").replace("%1", str(self._eligible)))
        if v.min_bidders > 1:
            rules.append(self.tr("%1：须至少 %2 名合格竞买人").replace("%1", v.trade_type).replace("%2", str(v.min_bidders)))
        # two rules a line: a land lot's announcement is ten rules, and the console must fit 1080 px
        self.rules.setText("\n".join("　·　".join(rules[i:i + 2]) for i in range(0, len(rules), 2)))
        if v.too_few_bidders and v.state in ("pending", "open"):
            self.message.setProperty("ok", "false")
            self.message.setText(self.tr("合格竞买人 %1 名，不足 %2 名：不得开拍或竞价。请等待签到，或填写理由终止本标的。")
                                 .replace("%1", str(v.eligible_bidders)).replace("%2", str(v.min_bidders)))
            self._repolish(self.message)
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
            if v.stage in (None, "lottery"):
                self.leading.setText(self.tr("已达限价：%1 号（三次报价后摇号）").replace("%1", "、".join(v.capped_paddles)))
            else:
                self.leading.setText(self.tr("在最高限价：%1 号").replace("%1", "、".join(v.capped_paddles)))
        self.stage_line.setText(stage_status(v))
        self.stage_line.setVisible(bool(self.stage_line.text()))
        staged = v.state == "open" and bool(v.capped_paddles) and v.stage in ("area", "self_hold")
        if staged and v.stage_next:
            self.next_amount.setText(self.tr("限价号牌下一报价 %1；其他号牌留空 = 按最高限价应价").replace("%1", v.stage_text(v.stage_next)))
            self.amount.setPlaceholderText(v.stage_next)
            self.hint.setText(self.tr("限价号牌：金额栏填%1（留空 = 下一报价）").replace(
                "%1", self.tr("配建面积 m²") if v.stage == "area" else self.tr("自持比例 %")))
        elif v.state == "open" and v.stage == "average" and v.stage_phase == "sealed":
            self.next_amount.setText(self.tr("录入一次书面报价：号牌 + 金额（密封，全部提交后揭晓）"))
            self.amount.setPlaceholderText("")
            self.hint.setText(self.tr("一次报价须填写金额"))
        elif v.state == "open" and v.next_amount and v.stage_phase is None:
            self.next_amount.setText(self.tr("下一应价 %1").replace("%1", format_money(v.next_amount, v.price_unit)))
            self.amount.setPlaceholderText(v.next_amount)
            self.hint.setText(self.tr("留空 = 下一应价"))
        else:
            self.next_amount.setText("")
            self.amount.setPlaceholderText("")
            self.hint.setText(self.tr("留空 = 下一应价"))
        self._render_calls()
        is_open = v.state == "open"
        self.b_bid.setEnabled(is_open and not (v.stage == "average" and v.stage_phase == "revealed"))
        self.b_call.setEnabled(is_open and v.call_no < 3 and not v.stage_phase)
        self.b_hammer.setEnabled(is_open and (v.call_no >= 3 or v.stage_phase == "revealed") and v.stage_phase != "sealed"
                                 and (v.stage != "lottery" or len(v.capped_paddles) < 2 or v.stage_phase == "drawn"))
        self._render_lottery(v)
        average = is_open and v.stage == "average"
        self.b_sealed.setVisible(average)
        self.b_reveal.setVisible(average)
        self.b_sealed.setEnabled(average and bool(v.capped_paddles) and v.stage_phase is None)
        self.b_reveal.setEnabled(average and v.stage_phase == "sealed")
        self._stage_fields()
        self.b_correct.setEnabled(is_open)
        self.b_print_conf.setVisible(v.confirmation_sha256 is not None)
        self.b_print_rec.setVisible(v.record_sha256 is not None)
        for b in (self.b_signed, self.b_refused):
            b.setVisible(v.deposit_held)
        self.b_terminate.setEnabled(v.state in ("pending", "open"))
        self.b_step.setEnabled(v.state in ("pending", "open"))
        self.b_open.setEnabled(v.state == "pending" and (v.reserve_entered or not v.has_reserve) and not v.too_few_bidders)
        self.jump.setEnabled(v.state == "pending")
        self.grid_rule.setEnabled(v.state == "pending")
        self.reserve_box.setVisible(v.state == "pending" and v.has_reserve and not v.reserve_entered)
        if self.act.pending is not None:  # an act is in flight: its buttons stay off until it ends
            for b in self._act_buttons():
                b.setEnabled(False)
        rows = sorted([(b.seq, b) for b in v.bids] + [(b.seq, b) for b in v.stage_bids], key=lambda x: x[0])[-30:]
        bids = [b for _seq, b in rows][::-1]
        self.table.setRowCount(len(bids))
        for r, b in enumerate(bids):
            if b.accepted:
                res = self.tr("有效") + (self.tr("（已更正）") if getattr(b, "corrected", False) else "")
            else:
                res = self.tr("拒绝：") + b.reason_zh if self.ctx.languages.current == "zh_CN" else "refused: " + b.reason_en
            if isinstance(b, StageBidView):
                shown = self.tr("（密封）") if b.value is None else v.stage_text(b.value)
                src = stage_name(v.stage)
            else:
                shown = format_money(b.amount, v.price_unit, unit=False)
                src = source_name(b.source)
            cells = (f"{beijing(b.at):%H:%M:%S}", b.paddle_no, shown, f"{src} · {res}")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not b.accepted or getattr(b, "corrected", False):
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
        self.l_stage.setText(self.tr("限价后竞价（出让公告规定，只读）"))
        self.stage_upper.setPlaceholderText(self.tr("例：指导价 +50%"))
        self.b_sealed.setText(self.tr("停止举牌，开始一次报价"))
        self.b_print_conf.setText(self.tr("打印成交确认书"))
        self.b_candidates.setText(self.tr("确认摇号候选人"))
        self.b_signed.setText(self.tr("确认书已签署"))
        self.b_refused.setText(self.tr("竞得人拒签（悔拍）"))
        self.digits.setPlaceholderText(self.tr("随机数字（4–12 位，本人输入）"))
        self.b_digits_auc.setText(self.tr("拍卖师录入"))
        self.b_digits_sup.setText(self.tr("监督人录入"))
        self.b_draw.setText(self.tr("抽签（公开种子）"))
        self.b_print_rec.setText(self.tr("打印拍卖笔录"))
        self.b_reveal.setText(self.tr("结束录入并揭晓"))
        for i in range(self.stage_combo.count()):
            self.stage_combo.setItemText(i, stage_name(self.stage_combo.itemData(i)))
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("号牌"), self.tr("金额"), self.tr("来源 · 结果")])
        self._render()
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Labels beside stretching fields keep their whole text in either language."""
        for w in self._fixed:
            w.ensurePolished()
            w.setMinimumWidth(0)
            w.setMinimumWidth(max(w.sizeHint().width(), w.fontMetrics().horizontalAdvance(w.text())) + (36 if isinstance(w, QCheckBox) else 12))
