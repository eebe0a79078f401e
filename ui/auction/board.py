"""The audience screen of the auction hall (拍卖大屏), readable from the back of the room.

The lot, the current price in very large figures and in 大写, the leading paddle, the increment,
the call state (第一次/第二次/第三次) with its countdown, and the last bids. Wording keeps three
things apart (Artsy eidolon #622): a new bid is "出价已收到" (received), the top price is "当前最高"
(leading), and only the hammer says "成交" (sold). It follows the journal: a bid made in any
process reaches it through the follower (~50 ms) and it redraws at once: the lot is read on the job
runner's read lane (``BoardView.load``) and drawn when it is back (``draw``), so the clock never waits
on the database. While the database does not answer, the countdown says it is paused and a stale "出价已收到"
is taken down.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from kiosk.auction import AuctionError, AuctionService, LotView, StageBidView
from kiosk.money import format_money, to_capitals
from kiosk.pii import mask_name
from kiosk.staffing import ROLE_ZH, RoleHolder, StaffingService
from kiosk.timeutil import beijing
from ui.board_view import BoardView
from ui.context import UiContext
from ui.jobs import JobOutcome

LAST_BIDS = 4
#: the live draw on the audience screen: the candidates roll this long, then the drawn paddle stays
DRAW_ROLL_S = 4.0
DRAW_STEP_MS = 90


def roles_text(holders: list[RoleHolder]) -> str:
    """Who holds which role of the session now, names masked (a screen in the room)."""
    order = ("auctioneer", "supervisor", "witness", "notary", "recorder", "host")
    shown = sorted(holders, key=lambda h: order.index(h.role) if h.role in order else 99)
    return "　".join(f"{ROLE_ZH.get(h.role, h.role)} {mask_name(h.name)}" for h in shown)


def call_name(n: int) -> str:
    return {
        1: QCoreApplication.translate("AuctionBoard", "第一次报价"),
        2: QCoreApplication.translate("AuctionBoard", "第二次报价"),
        3: QCoreApplication.translate("AuctionBoard", "第三次报价"),
    }.get(n, "")


def state_name(state: str) -> str:
    return {
        "pending": QCoreApplication.translate("AuctionBoard", "待拍"),
        "open": QCoreApplication.translate("AuctionBoard", "竞价中"),
        "sold": QCoreApplication.translate("AuctionBoard", "成交"),
        "unsold": QCoreApplication.translate("AuctionBoard", "流拍（不成交）"),
        "terminated": QCoreApplication.translate("AuctionBoard", "终止"),
    }.get(state, state)


def stage_name(stage: str | None) -> str:
    return {
        "lottery": QCoreApplication.translate("AuctionBoard", "限价+摇号"),
        "area": QCoreApplication.translate("AuctionBoard", "竞配建"),
        "self_hold": QCoreApplication.translate("AuctionBoard", "竞自持"),
        "average": QCoreApplication.translate("AuctionBoard", "平均价（一次报价）"),
    }.get(stage or "", stage or "")


def stage_status(v: LotView, sep: str = " · ") -> str:
    """One line on where the stage after the cap stands (console and audience screen)."""
    if not v.stage or not v.capped_paddles or v.state not in ("open", "sold"):
        return ""
    head = QCoreApplication.translate("AuctionBoard", "已达最高限价")
    if v.stage in ("area", "self_hold"):
        what = QCoreApplication.translate("AuctionBoard", "竞配建面积") if v.stage == "area" else QCoreApplication.translate("AuctionBoard", "自持比例")
        if v.stage_value is None:
            return head + " · " + QCoreApplication.translate("AuctionBoard", "%1：等待报价（起始 %2）").replace("%1", what).replace("%2", v.stage_text(v.stage_start))
        who = "、".join(v.stage_tied) if len(v.stage_tied) > 1 else (v.stage_leader or "")
        return head + " · " + f"{what} {v.stage_text(v.stage_value)}" + sep + QCoreApplication.translate("AuctionBoard", "当前最高 %1 号").replace("%1", who)
    if v.stage == "average":
        if v.stage_phase == "sealed":
            return head + " · " + QCoreApplication.translate("AuctionBoard", "一次报价进行中：已交 %1/%2").replace("%1", str(len(v.sealed_in))) \
                .replace("%2", str(len(v.sealed_candidates)))
        if v.stage_phase == "revealed":
            if v.stage_leader is None:
                return head + " · " + QCoreApplication.translate("AuctionBoard", "一次报价揭晓：无有效报价")
            return head + " · " + QCoreApplication.translate("AuctionBoard", "一次报价揭晓：平均值 %1 · 最接近 %2 号 %3").replace("%1", v.money(v.stage_mean)) \
                .replace("%2", v.stage_leader).replace("%3", v.money(v.stage_value))
        return head + " · " + QCoreApplication.translate("AuctionBoard", "停止举牌，待一次报价（%1 个号牌在限价）").replace("%1", str(len(v.capped_paddles)))
    return head + " · " + QCoreApplication.translate("AuctionBoard", "三次报价后摇号")


class AuctionBoard(BoardView):
    """The ``auction`` view of a board (a standalone board or the auctioneer's big screen)."""

    #: the journal seq the screen has drawn up to, emitted after each redraw (latency is measured on it)
    rendered = Signal(int)

    def __init__(self, ctx: UiContext, service: AuctionService, parent: QWidget | None = None) -> None:
        # the calls' countdown moves on the clock's timer: 4 times a second
        super().__init__(ctx, parent, margins=(48, 24, 48, 20), spacing=8, wrap_title=True, tick_ms=250, refresh_ms=0)
        self.service = service
        self.session_id: str | None = None
        self.lot_code: str | None = None
        self.view: LotView | None = None
        self.last_render_ms = 0.0
        self.rendered_seq = 0
        self._asked_seq = 0  #: the newest followed entry asked to be drawn
        self._flash_until = 0.0
        #: seconds the console holds its next call after a pause (the auctioneer's big screen; None elsewhere)
        self.call_hold: Callable[[], float] | None = None
        self.holders: list[RoleHolder] = []
        self._loaded_holders: list[RoleHolder] = []
        self._holders_for: str | None = None
        self._holders_stale = True
        self._drawn_shown: set[tuple[str, str]] = set()  #: lots whose draw has rolled on this screen
        self._roll: tuple[tuple[str, str], float, int] | None = None  #: (lot, until, step) while the draw rolls
        self.roll_timer = QTimer(self)
        self.roll_timer.setInterval(DRAW_STEP_MS)
        self.roll_timer.timeout.connect(self._roll_step)
        lay = self.content
        self.lot = QLabel(objectName="auctionBoardLot")
        self.lot.setWordWrap(True)
        lay.addWidget(self.lot)
        self.rules = QLabel(objectName="boardMuted")
        self.rules.setWordWrap(True)
        lay.addWidget(self.rules)
        self.price_caption = QLabel(objectName="auctionBoardCaption")
        lay.addWidget(self.price_caption)
        self.price = QLabel(objectName="auctionBoardPrice")
        self.price.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.price.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.price)
        self.capitals = QLabel(objectName="auctionBoardCapitals")
        self.capitals.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.capitals.setWordWrap(True)
        lay.addWidget(self.capitals)
        mid = QHBoxLayout()
        self.leading = QLabel(objectName="auctionBoardLeading")
        self.leading.setWordWrap(True)
        self.calls = QLabel(objectName="auctionBoardCall")
        self.calls.setWordWrap(True)
        self.calls.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        mid.addWidget(self.leading, 1)
        mid.addWidget(self.calls, 1)
        lay.addLayout(mid)
        self.received = QLabel(objectName="auctionBoardReceived")
        self.received.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.received.setWordWrap(True)
        lay.addWidget(self.received)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(28)
        self.grid.setVerticalSpacing(4)
        lay.addWidget(self.grid_host)
        self.note = self.footer
        ctx.bridge.databaseState.connect(self._on_db_state)
        self._render()
        self.refresh()

    # --- following -------------------------------------------------------------------------------

    def on_entries(self, entries: list) -> None:
        if any(e.kind.startswith("staff.") for e in entries):
            self._holders_stale = True  # someone took or released a role: read the holders again
            self.refresh()
        mine = [e for e in entries if e.kind.startswith("auction.")]
        if not mine:
            return
        for e in mine:
            if e.kind in ("auction.lot_opened", "auction.bid", "auction.stage_bid", "auction.result", "auction.call",
                          "auction.lottery_candidates", "auction.lottery_commit", "auction.lottery") \
                    and e.payload.get("lot_code"):
                self.session_id, self.lot_code = e.payload["session_id"], e.payload["lot_code"]
        self._asked_seq = max(self._asked_seq, max(e.seq for e in mine))
        if any(e.kind in ("auction.bid", "auction.stage_bid") for e in mine):
            self._flash_until = time.monotonic() + 3.0
        self.refresh()

    def show_lot(self, session_id: str, lot_code: str) -> None:
        self.session_id, self.lot_code = session_id, lot_code
        self.refresh()

    def settled(self) -> bool:
        """No load in flight (tests wait for this)."""
        return not self.refresher.inflight

    def load(self) -> tuple[str | None, str | None, LotView | None, int]:
        """(read lane) the lot followed, or the room's open one when none is yet, and who holds the session's roles."""
        seq, sid, code = self._asked_seq, self.session_id, self.lot_code
        if sid is None:
            sid, code = self._pick()
        try:
            view = self.service.lot(sid, code, last_bids=LAST_BIDS) if sid and code else None
        except AuctionError:
            view = None
        if sid != self._holders_for or self._holders_stale:  # roles change rarely: read them only then
            self._holders_stale = False
            self._loaded_holders = StaffingService(self.ctx.hall).holders(sid) if sid else []
            self._holders_for = sid
        return sid, code, view, seq

    def _pick(self) -> tuple[str | None, str | None]:
        room = self.ctx.hall.config.site.room_code or None
        for sess in self.service.auction_sessions(room_code=room):
            lot = self.service.open_lot_of(sess.session_id)
            if lot:
                return sess.session_id, lot
        return None, None

    def draw(self, value: tuple[str | None, str | None, LotView | None, int]) -> None:
        sid, code, view, seq = value
        if self.session_id is None:
            self.session_id, self.lot_code = sid, code
        elif (sid, code) != (self.session_id, self.lot_code):
            return  # another lot is followed now: its load comes next
        self.view = view
        self.holders = list(self._loaded_holders)
        self._render()
        self.last_render_ms = time.monotonic() * 1000.0
        self.rendered_seq = max(self.rendered_seq, seq)
        self.rendered.emit(self.rendered_seq)

    def failed(self, outcome: JobOutcome) -> None:
        """Not loaded: what is shown stays (the window's banner says the database does not answer)."""
        self._render_calls()

    def _on_db_state(self, state: object) -> None:
        """Down: a bid received before the outage is old news, the countdown says it is paused (the
        frame asks for a load when the database answers again)."""
        if not getattr(state, "ok", True):
            self._flash_until = 0.0
            self._set_received("")
        self._render_calls()

    # --- drawing ---------------------------------------------------------------------------------

    def tick(self) -> None:
        now = self.ctx.hall.clock.now()
        self.clock.setText(f"{beijing(now):%H:%M:%S}")
        self._render_calls()
        if self._flash_until and time.monotonic() > self._flash_until:
            self._flash_until = 0.0
            self._set_received("")

    def _render_calls(self) -> None:
        v = self.view
        if v is None or v.state != "open":
            self.calls.setText("")
            return
        left = v.seconds_to_next_call(self.ctx.hall.clock.now())
        if left is not None and self.call_hold is not None:
            left = max(left, self.call_hold())
        done = call_name(v.call_no) if v.call_no else self.tr("等待应价")
        if v.stage == "lottery" and v.stage_phase:
            done_drawing = v.stage_phase == "drawn" and self._roll is None
            self.calls.setText(self.tr("摇号完毕 · 即将落槌") if done_drawing else self.tr("摇号中"))
        elif v.call_no >= 3:
            self.calls.setText(self.tr("%1 · 即将落槌").replace("%1", done))
        elif not self.ctx.db_state().ok and not v.stage_phase:
            self.calls.setText(self.tr("%1 · 计时暂停").replace("%1", done))
        elif left is not None and left > 0:  # at 0 the console's call is on its way (or held by it): no "0 秒后"
            nxt = call_name(v.call_no + 1)
            self.calls.setText(self.tr("%1 · %2 秒后%3").replace("%1", done).replace("%2", str(int(left + 0.999))).replace("%3", nxt))
        else:
            self.calls.setText(done)

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()

    def _set_received(self, text: str) -> None:
        self.received.setText(text)
        self.received.setProperty("empty", "false" if text else "true")
        self.received.style().unpolish(self.received)
        self.received.style().polish(self.received)

    def _render(self) -> None:
        self._clear()
        v = self.view
        if v is None:
            self.title.setText(self.tr("拍卖大厅"))
            self.lot.setText(self.tr("拍卖会即将开始，请竞买人凭号牌入座"))
            for w in (self.rules, self.price_caption, self.price, self.capitals, self.leading, self.calls):
                w.setText("")
            self._set_received("")
            self.note.setText(self.tr("时间以交易平台时钟为准"))
            self.tick()
            return
        self.title.setTextFormat(Qt.TextFormat.RichText)
        roles = roles_text(self.holders)  # who holds the session's roles, masked, after the title (one line less)
        self.title.setText(html.escape(self.tr("拍卖大厅 · %1").replace("%1", state_name(v.state)))
                           + (f'<span style="font-size: 24px; font-weight: normal; color: #b8c4d6;">　　{html.escape(roles)}</span>'
                              if roles else ""))
        self.lot.setText(f"{v.lot_code}　{v.title}")
        rules = [self.tr("起拍价 %1").replace("%1", format_money(v.start_price, v.price_unit)),
                 self.tr("加价幅度 %1").replace("%1", format_money(v.increment, v.price_unit))]
        if v.cap_price:
            rules.append(self.tr("最高限价 %1").replace("%1", format_money(v.cap_price, v.price_unit)))
            if v.stage:  # D7: the 出让公告's method, from the platform's lot data
                rules.append(self.tr("限价后：%1（出让公告）").replace("%1", stage_name(v.stage)))
        rules.append(self.tr("本标的设有保留价") if v.has_reserve else self.tr("本标的无保留价"))
        self.rules.setText("　·　".join(rules))
        if v.state in ("sold",):
            self.price_caption.setText(self.tr("成交 · 成交价"))
            amount = v.hammer_price
            self.leading.setText(self.tr("买受人号牌 %1").replace("%1", v.buyer_paddle or ""))
        elif v.state in ("unsold", "terminated"):
            self.price_caption.setText(state_name(v.state))
            amount = None
            self.leading.setText("")
        elif v.current_price is not None:
            self.price_caption.setText(self.tr("当前最高应价"))
            amount = v.current_price
            self.leading.setText(self.tr("当前最高 %1 号").replace("%1", v.leading_paddle or ""))
        else:
            self.price_caption.setText(self.tr("起拍价 · 等待应价"))
            amount = v.start_price
            self.leading.setText("")
        self.price.setText(format_money(amount, v.price_unit) if amount else "—")
        self.capitals.setText(to_capitals(amount, v.price_unit) if amount else "")
        self._fit_price()
        lottery = v.stage == "lottery" and bool(v.stage_phase) and v.state in ("open", "sold")
        self.grid_host.setVisible(not lottery)  # the lottery's lines take the room of the last bids
        if lottery:
            self._render_lottery(v)
        elif v.capped_paddles and v.state == "open":
            if v.stage in (None, "lottery"):
                self.leading.setText(self.tr("已达最高限价：%1 号 · 三次报价后摇号").replace("%1", "、".join(v.capped_paddles)))
            else:
                self.price_caption.setText(self.tr("已达最高限价"))
                self.leading.setText(stage_status(v, "\n"))
                if v.stage == "average" and v.stage_phase == "revealed" and v.stage_value:
                    self.price_caption.setText(self.tr("一次报价揭晓 · 最接近平均值的报价"))
                    self.price.setText(format_money(v.stage_value, v.price_unit))
                    self.capitals.setText(to_capitals(v.stage_value, v.price_unit))
                    self._fit_price()
        elif v.state == "sold" and v.stage in ("area", "self_hold") and v.stage_value is not None:
            what = self.tr("配建面积") if v.stage == "area" else self.tr("自持比例")
            self.leading.setText(self.tr("买受人号牌 %1").replace("%1", v.buyer_paddle or "") + f" · {what} {v.stage_text(v.stage_value)}")
        self.price.setProperty("state", v.state)
        self.price.style().unpolish(self.price)
        self.price.style().polish(self.price)
        merged = sorted([(b.seq, b) for b in v.bids if b.accepted and not b.corrected]
                        + [(b.seq, b) for b in v.stage_bids if b.accepted], key=lambda x: x[0])
        last = merged[-1][1] if merged else None
        if self._flash_until and last is not None and v.state == "open" and not lottery:
            if hasattr(last, "amount"):
                shown = format_money(last.amount, v.price_unit)
            else:
                shown = self.tr("一次报价（密封）") if last.value is None else v.stage_text(last.value)
            self._set_received(self.tr("出价已收到：%1 号 %2").replace("%1", last.paddle_no).replace("%2", shown))
        elif v.state != "open" or not self._flash_until or lottery:
            self._set_received("")  # during the lottery the last bid is old news
        heads = (self.tr("时间"), self.tr("号牌"), self.tr("应价"), "")
        for col, h in enumerate(heads):
            self.grid.addWidget(QLabel(h, objectName="auctionBoardHead"), 0, col)
        rows = LAST_BIDS if self.height() > self.width() else LAST_BIDS - (2 if v.capped_paddles else 1)
        valid = [b for _s, b in sorted([(b.seq, b) for b in v.bids if b.accepted] + [(b.seq, b) for b in v.stage_bids if b.accepted],
                                       key=lambda x: x[0])][-rows:][::-1]
        for r, b in enumerate(valid, start=1):
            self.grid.addWidget(QLabel(f"{beijing(b.at):%H:%M:%S}", objectName="auctionBoardRow"), r, 0)
            self.grid.addWidget(QLabel(b.paddle_no, objectName="auctionBoardRow"), r, 1)
            if isinstance(b, StageBidView):
                shown = self.tr("已密封") if b.value is None else v.stage_text(b.value)
            else:
                shown = format_money(b.amount, v.price_unit)
            self.grid.addWidget(QLabel(shown, objectName="auctionBoardRow"), r, 2)
            if isinstance(b, StageBidView):
                mark = stage_name(v.stage)
            else:
                mark = self.tr("已更正") if b.corrected else (self.tr("挂牌报价") if b.source == "listing" else "")
            self.grid.addWidget(QLabel(mark, objectName="auctionBoardRow"), r, 3)
        self.grid.setColumnStretch(2, 1)
        self.note.setText(self.tr("应价一经确认不得撤回 · 三次报价无人应价即落槌 · 时间以交易平台时钟为准"))
        self.tick()

    # --- the lottery (D8): candidates → commitment → live draw → reveal ------------------------------

    def _render_lottery(self, v: LotView) -> None:
        key = (v.session_id, v.lot_code)
        cands = "、".join(v.lottery_candidates)
        if v.stage_phase == "lottery":
            self.price_caption.setText(self.tr("限价摇号 · 候选号牌已确认"))
            self.price.setText(cands)
            given = "、".join(ROLE_ZH.get(r, r) for r in v.lottery_entropy) or self.tr("尚无")
            self.capitals.setText(self.tr("拍卖师和监督人各录入一组随机数字（已录入：%1）").replace("%1", given))
            self.leading.setText(self.tr("候选人 %1 号").replace("%1", cands))
        elif v.stage_phase == "committed":
            self.price_caption.setText(self.tr("限价摇号 · 种子已承诺（抽签前公布）"))
            self.price.setText(cands)
            c = v.lottery_commitment or ""
            self.capitals.setText(self.tr("种子 SHA-256：") + self._hex(c))
            self.leading.setText(self.tr("即将抽签：候选人 %1 号").replace("%1", cands))
        else:  # drawn (the lot may be sold by now)
            if key not in self._drawn_shown and self._roll is None and v.state == "open":
                self._roll = (key, time.monotonic() + DRAW_ROLL_S, 0)
                self.roll_timer.start()
            if self._roll is not None and self._roll[0] == key:
                self._roll_frame(v)
                return
            self.price_caption.setText(self.tr("限价摇号 · 中签号牌"))
            self.price.setText(self.tr("%1 号").replace("%1", v.lottery_winner or v.buyer_paddle or ""))
            seed = v.lottery_seed or ""
            self.capitals.setText(self.tr("公开种子：") + self._hex(seed) + "\n"
                                  + self.tr("其 SHA-256 即抽签前公布的承诺，任何人可据日志复算"))
            self.leading.setText(self.tr("候选人 %1 号").replace("%1", cands))
        self._fit_price()

    def _hex(self, digest: str) -> str:
        """A 64-digit hex value: one line on a landscape screen, two on a portrait one."""
        return digest if self.width() >= self.height() else f"\n{digest[:32]}\n{digest[32:]}"

    def _roll_frame(self, v: LotView) -> None:
        assert self._roll is not None
        _key, _until, step = self._roll
        cands = v.lottery_candidates or ("—",)
        self.price_caption.setText(self.tr("限价摇号 · 正在抽签"))
        self.price.setText(self.tr("%1 号").replace("%1", cands[step % len(cands)]))
        c = v.lottery_commitment or ""
        self.capitals.setText(self.tr("种子 SHA-256：") + self._hex(c))
        self.leading.setText(self.tr("候选人 %1 号").replace("%1", "、".join(cands)))
        self._fit_price()

    def _roll_step(self) -> None:
        if self._roll is None:
            self.roll_timer.stop()
            return
        key, until, step = self._roll
        if time.monotonic() >= until or self.view is None or (self.view.session_id, self.view.lot_code) != key:
            self.roll_timer.stop()
            self._roll = None
            self._drawn_shown.add(key)
            self._render()
            return
        self._roll = (key, until, step + 1)
        self._roll_frame(self.view)

    def rolling(self) -> bool:
        """The live draw is rolling on this screen."""
        return self._roll is not None

    def _fit_price(self) -> None:
        """The price as large as the width allows (150 px at most): 万元 amounts are long on a portrait screen."""
        text = self.price.text() or "0"
        font = QFont(self.price.font())
        font.setPixelSize(100)
        advance = max(1, QFontMetrics(font).horizontalAdvance(text))
        px = int(min(128, 100 * (self.width() - 110) / advance))
        self.price.setStyleSheet(f"font-size: {max(48, px)}px;")

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        if portrait != getattr(self, "_portrait", None):
            self._portrait = portrait
            self._render()  # the last bids' rows and a seed's lines depend on the orientation
        self._fit_price()

    def retranslate(self) -> None:
        self._render()
