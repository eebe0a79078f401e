"""The opening's big screen (开标大屏): readable from the back of the room.

Dark board theme, text ≥ 40 px: the session and its stage, the countdown to the opening time on
the platform clock, the decryption progress, the bidder being read (唱标) in very large type with
the price in figures and in 大写, the bidder list with statuses, a short quorum (waiting for the
host's decision, then the decision and its reason) and the objections raised on the spot (open
and answered), and who holds each session role (masked names: 开标人/主持人, 记录人, 监标人/监督人,
见证人, 招标人代表; a hall account standing in says so). It follows the journal: a
console action in any process reaches it through the follower (~50 ms) and it redraws at once.
What it shows is loaded on the ``read`` lane (``load``; :class:`ui.board_view.BoardView`), never on
the UI thread: while the database does not answer the board keeps its clock and its last view.

The legal review's findings (issue 15, ``ui/opening/legal.py``): a short roll call reads 不得开标 (waiting
for the host, then 依法重新招标 and the reason), too few valid bids after decryption is flagged for the
evaluation committee (D1); objections show at every stage of the opening (D2); the reading box reads the
bid bond where the session requires one (D4); the admission flags name the bidder and what check-in
found, never the evidence or the person (D6); a bidder that withdrew in writing shows its notice.
"""

from __future__ import annotations

from html import escape as esc

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QProgressBar, QWidget

from kiosk.checkin.rules import PRESENCE_KINDS
from kiosk.opening import OBJECTION_STAGES, OpeningError, OpeningService, OpeningView
from kiosk.pii import mask_name
from kiosk.staffing import RECORD_TITLES, RoleHolder, StaffingService
from kiosk.timeutil import beijing
from ui.board_view import BoardView
from ui.context import UiContext
from ui.opening.console import attendance_name, decrypt_name, stage_name
from ui.opening.legal import (
    AdmissionFlags,
    committee_notice,
    deposit_text,
    quorum_notice,
    reading_deposit_html,
)
from ui.sessions_view import countdown_text

MAX_ROWS = 8
PAGE_MS = 6000  #: a bidder list longer than the wall has room for shows a page at a time, this long each
ROLE_ORDER = ("host", "recorder", "supervisor", "witness", "tenderer_rep", "notary")
#: one load: (session shown, its view, the candidate session checked, the role holders)
Loaded = tuple[str | None, OpeningView | None, str | None, tuple[RoleHolder, ...]]


def roles_line(holders: tuple[RoleHolder, ...]) -> str:
    """开标人/主持人 周*燕 · 记录人 赵*口（代行）· …: who holds each role, names masked (see :func:`plain`)."""
    titles = RECORD_TITLES["bid_opening"]
    parts = []
    for role in ROLE_ORDER:
        names = [mask_name(h.name) + ("" if h.appointed else "（代行）") for h in holders if h.role == role]
        if names:
            # one role and its holder never break across lines (a wrapped wall showed 赵* / 东): word joiners
            # between the characters, a no-break space after the title; the lines break at the " · " only
            parts.append("\u2060".join(f"{titles[role]}\u00a0{'、'.join(names)}"))
    return " · ".join(parts)


def plain(text: str) -> str:
    """A line of :func:`roles_line` as read: without its word joiners and no-break spaces."""
    return text.replace("\u2060", "").replace("\u00a0", " ")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class OpeningBoard(BoardView):
    """The ``opening`` view of a board (a standalone board or a host console's big screen)."""

    def __init__(self, ctx: UiContext, service: OpeningService, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, margins=(48, 28, 48, 28), spacing=14, wrap_title=True, refresh_ms=0)
        self.service = service
        self.staffing = StaffingService(ctx.hall)
        self.session_id: str | None = None
        self.view: OpeningView | None = None
        self.holders: tuple[RoleHolder, ...] = ()
        self.room = ctx.hall.config.site.room_code or None
        self._candidate: str | None = None  # a session another entry named, checked (its room) by the next load
        self._pinned: str | None = None  # the session asked for by ``show_session``
        lay = self.content
        mid = QHBoxLayout()
        self.stage = QLabel(objectName="openingBoardStage")
        self.countdown = QLabel(objectName="openingBoardCountdown")
        self.section = QLabel(objectName="boardMuted")
        self.section.setWordWrap(True)
        mid.addWidget(self.stage)
        mid.addWidget(self.section, 1, Qt.AlignmentFlag.AlignBottom)
        lay.addLayout(mid)
        self.roles = QLabel(objectName="boardMuted")
        self.roles.setWordWrap(True)
        self.roles.setMinimumWidth(1)
        self.roles.hide()
        lay.addWidget(self.roles)
        lay.addWidget(self.countdown)
        self.progress = QProgressBar(objectName="openingBoardProgress")
        self.progress.setMinimumHeight(56)
        lay.addWidget(self.progress)
        self.reading = QLabel(objectName="openingBoardReading")
        self.reading.setWordWrap(True)
        self.reading.setTextFormat(Qt.TextFormat.RichText)
        self.reading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.reading)
        self.notice = QLabel(objectName="openingBoardNotice")
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setMinimumWidth(1)
        self.notice.hide()
        lay.addWidget(self.notice)
        self.objections = QLabel(objectName="openingBoardObjections")
        self.objections.setWordWrap(True)
        self.objections.setTextFormat(Qt.TextFormat.RichText)
        self.objections.setMinimumWidth(1)
        self.objections.hide()
        lay.addWidget(self.objections)
        # the admission flags (D6): which bidder and what check-in found, without the evidence or the person
        self.flags = AdmissionFlags(evidence=False, board=True)
        lay.addWidget(self.flags)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(28)
        self.grid.setVerticalSpacing(6)
        lay.addWidget(self.grid_host)
        self.note = self.footer
        self._page = 0  # the page of the bidder list shown (landscape, when it does not fit under the rest)
        self._pages = 1
        self._budget: int | None = None  # the bidder rows that fit, as last drawn
        self.pager = QTimer(self)
        self.pager.timeout.connect(self._next_page)
        self.pager.start(PAGE_MS)
        self.retranslate()

    def on_entries(self, entries: list) -> None:
        mine = [e for e in entries if e.kind.startswith(("opening.", "staff.role_")) or e.kind in PRESENCE_KINDS]
        if not mine:
            return
        for e in mine:
            sid = e.payload.get("session_id")
            if e.kind.startswith("opening.") and sid and sid != self.session_id:
                self._candidate = sid  # the next load shows it if it is in this room
        if self.session_id is None or self._candidate is not None or any(e.payload.get("session_id") == self.session_id for e in mine):
            self.refresh()

    def load(self) -> Loaded:
        """Read lane: the session to show (asked for, newly active in this room, or the latest), its view
        and its role holders."""
        sid, candidate = self._pinned or self.session_id, self._candidate
        if candidate and candidate != sid:
            try:
                v = self.service.view(candidate)
            except OpeningError:
                v = None
            if v is not None and (self.room is None or v.room_code == self.room):
                return candidate, v, candidate, tuple(self.staffing.holders(candidate))
        if sid is None:
            sid = self.service.latest_session(self.room)
        try:
            v = self.service.view(sid) if sid else None
        except OpeningError:
            return sid, None, candidate, ()
        return sid, v, candidate, tuple(self.staffing.holders(sid)) if sid else ()

    def draw(self, view: Loaded) -> None:
        sid, v, checked, holders = view
        if holders != self.holders:
            self.holders = holders
            self.roles.setText(roles_line(holders))
            self.roles.setVisible(bool(holders))
        if self._candidate == checked:
            self._candidate = None  # shown, or in another room
        if self._pinned == sid:
            self._pinned = None
        if (sid, v) == (self.session_id, self.view) and v is not None:
            return  # nothing changed since the last draw
        self.session_id, self.view = sid, v
        self._render()

    def show_session(self, session_id: str) -> None:
        self._pinned = session_id
        self.refresh()

    def tick(self) -> None:
        now = self.ctx.hall.clock.now()
        self.clock.setText(f"{beijing(now):%H:%M:%S}")
        v = self.view
        if v is not None and v.stage in ("scheduled", "announced", "bidders", "attendance", "control_price"):
            self.countdown.setText(self.tr("开标时间 %1 · %2").replace("%1", f"{beijing(v.starts_at):%H:%M}")
                                   .replace("%2", countdown_text(v.starts_at, now)))
            self.countdown.show()
        else:
            self.countdown.setText("")
            self.countdown.hide()

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()

    def _cell(self, text: str, row: int, col: int, name: str = "openingBoardRow") -> None:
        lab = QLabel(text, objectName=name)
        lab.setWordWrap(col == 1)
        lab.setMinimumWidth(1)  # preferred width when there is room; never forces the window wider (portrait switch)
        self.grid.addWidget(lab, row, col)

    def _render(self) -> None:
        self.tick()
        self._clear()
        v = self.view
        if v is None:
            self.title.setText(self.tr("开标室"))
            self.stage.setText(self.tr("今日暂无开标"))
            self.progress.hide()
            self.reading.hide()
            self.notice.hide()
            self.objections.hide()
            self.flags.show_view(None)
            self.note.setText("")
            return
        self.title.setText(v.title)
        stage = stage_name(v.stage)
        if v.outcome in ("failed_quorum", "suspended"):  # "suspended": a record made before D1
            stage += " · " + (self.tr("不得开标") if v.outcome == "failed_quorum" else self.tr("开标中止"))
        if v.paused:
            stage = self.tr("暂停：%1").replace("%1", v.pause_reason)
        self.stage.setText(stage)
        self.section.setText(f"{v.session.get('BID_SECTION_NAME', '')}　{v.room_name}")
        done, total = v.decrypt_progress
        self.progress.setVisible(v.stage == "decrypting" or (v.decrypt_started_at is not None and v.stage not in ("reading",)))
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("解密进度 %1 / %2").replace("%1", str(done)).replace("%2", str(total)))
        cur = v.current_reading if v.stage == "reading" else None
        if cur is not None:
            if cur.price:
                extra = "　".join(f"{k}：{val}" for k, val in sorted(cur.extra.items()))
                # the bid bond is read with the other items, on their line (D4): the box must fit a 2-line title
                items = "　".join(x for x in (
                    self.tr("工期 %1 天").replace("%1", cur.time_limit) if cur.time_limit else "",
                    self.tr("质量 %1").replace("%1", cur.quality) if cur.quality else "", extra, deposit_text(v, cur)) if x)
                self.reading.setText(
                    f'<div style="font-size:48px">{cur.order}. {esc(cur.name)}</div>'
                    f'<div style="font-size:80px">{esc(cur.price_text)}</div>'
                    f'<div style="font-size:60px">{esc(cur.capitals)}</div>'
                    f'<div style="font-size:40px;color:#ffffff">{esc(items)}</div>'
                )
            else:
                self.reading.setText(
                    f'<div style="font-size:48px">{cur.order}. {esc(cur.name)}</div>'
                    # a bid withdrawn in writing is read as its notice (REG 35), never as "not decrypted"
                    f'<div style="font-size:{40 if cur.withdrawn else 60}px">'
                    f'{esc(cur.withdrawal_zh if cur.withdrawn else decrypt_name(cur.decrypt_status))}</div>'
                    + reading_deposit_html(v, cur)  # the bid bond, read out where the session requires one (D4)
                )
            self.reading.show()
        else:
            self.reading.hide()
        self._render_quorum(v)
        self._render_objections(v)
        self.flags.show_view(v if cur is None else None)  # while a bid is read the reading box has the room
        if v.stage in ("scheduled", "announced"):
            # The list is public only once the deadline has passed (bids may still arrive before it).
            self.note.setText(self.tr("投标截止时间到达后公布投标人名单 · 时间以交易平台时钟为准"))
            return
        if self.height() > self.width():  # portrait: one two-line entry per bidder, room for all of them
            rows = v.bidders[:MAX_ROWS]
            for r, b in enumerate(rows):
                status = " · ".join(x for x in (attendance_name(b).split(" ")[0], decrypt_name(b.decrypt_status),
                                                 b.price_text if (b.read and b.price) else "") if x)
                if b.withdrawn:  # a written 撤回/撤销 (REG 35): the notice itself is read out in the reading box
                    status = " · ".join(x for x in (attendance_name(b).split(" ")[0].split("（")[0], self._withdrawn(b)) if x)
                lab = QLabel(f"{b.order}. {b.name}\n　　{status}", objectName="openingBoardRow")
                lab.setWordWrap(True)
                lab.setMinimumSize(1, 1)  # never forces the window larger while it switches orientation
                self.grid.addWidget(lab, r, 0, 1, 5)
            self._portrait = True
            self._pages, self._budget = 1, None
        else:
            self._portrait = False
            self._grid_rows(v, cur)
        note = (self.tr("投标人 %1 家 · 有效 %2 家 · 时间以交易平台时钟为准")
                .replace("%1", str(len(v.bidders))).replace("%2", str(v.valid_count)))
        if v.remote:  # 不见面开标 (issue 19): how the bidders attend
            c = v.attendance_counts
            note = self.tr("现场 %1 · 在线 %2 · 未到 %3").replace("%1", str(c["present"])).replace(
                "%2", str(c["online"])).replace("%3", str(c["absent"])) + " · " + note
        if self._pages > 1 and not self._portrait:
            note = self.tr("名单第 %1/%2 页").replace("%1", str(self._page + 1)).replace("%2", str(self._pages)) + " · " + note
        if v.objections and v.stage == "reading":
            note = self._objection_head(v) + " · " + note
        self.note.setText(note)

    def _render_quorum(self, v: OpeningView) -> None:
        """A short roll call: the room sees 不得开标 waiting for the host, then the decision and its reason
        (REG 44, D1); after decryption, too few valid bids goes on and is flagged for the committee."""
        text = "\n".join(n for n in (quorum_notice(v), committee_notice(v)) if n)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _objection_head(self, v: OpeningView) -> str:
        if v.remote:  # on-site and online objections are one list (issue 19)
            online = sum(1 for o in v.objections if o.source == "online")
            return (self.tr("开标异议 %1 条（在线 %3 条） · 待答复 %2 条").replace("%1", str(len(v.objections)))
                    .replace("%2", str(len(v.open_objections))).replace("%3", str(online)))
        return self.tr("现场异议 %1 条 · 待答复 %2 条").replace("%1", str(len(v.objections))).replace("%2", str(len(v.open_objections)))

    def _render_objections(self, v: OpeningView) -> None:
        """Objections raised on the spot, open and answered (the newest few); while bids are read the
        big reading box has the room, and the count goes into the note line instead."""
        if not v.objections or v.stage not in OBJECTION_STAGES or v.stage == "reading":
            self.objections.hide()
            return
        lines = [f"<b>{esc(self._objection_head(v))}</b>"]
        for o in v.objections[-3:]:
            state = (self.tr("已答复：%1").replace("%1", _short(o.answer, 40)) if o.answer else self.tr("待主持人答复"))
            where = self.tr("〔在线〕") if o.source == "online" else ""
            lines.append(esc(f"{o.no}. {where}{o.by}：{_short(o.content, 30)} — {state}"))
        self.objections.setText("<br>".join(lines))
        self.objections.show()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.view is not None and (getattr(self, "_portrait", None) != (self.height() > self.width())
                                      or (not self._portrait and self._budget != self._row_budget())):
            self._render()

    def _next_page(self) -> None:
        if self._pages > 1 and self.view is not None:
            self._page += 1
            self._render()

    def _row_budget(self) -> int:
        """How many bidder rows fit (landscape) under everything else the board shows now: the board's height
        less the other parts' heights at its width, in rows of the list's line height (at least 2)."""
        width = max(1, self.width() - self.frame.contentsMargins().left() - self.frame.contentsMargins().right())
        used = self.frame.contentsMargins().top() + self.frame.contentsMargins().bottom()
        items = [self.frame.itemAt(i) for i in range(self.frame.count())] + [self.content.itemAt(i) for i in range(self.content.count())]
        for item in items:
            if item is None or item.layout() is self.content or item.widget() is self.grid_host or item.spacerItem() is not None:
                continue
            if item.isEmpty():  # a hidden widget
                continue
            used += (item.heightForWidth(width) if item.hasHeightForWidth() else item.sizeHint().height()) + self.frame.spacing()
        probe = QLabel("序", self, objectName="openingBoardRow")
        probe.ensurePolished()
        row = probe.sizeHint().height() + self.grid.verticalSpacing()
        probe.deleteLater()
        return max(2, (self.height() - used) // max(1, row) - 1)  # less the heading row
    def _withdrawn(self, b) -> str:
        """A bid withdrawn in writing (REG 35), short for the list: it is not decrypted."""
        kind = (b.withdrawal or {}).get("kind")
        return self.tr("已书面撤销") if kind == "revoked" else self.tr("已书面撤回")

    def _grid_rows(self, v: OpeningView, cur) -> None:
        heads = (self.tr("序号"), self.tr("投标人"), self.tr("签到"), self.tr("解密"), self.tr("投标报价"))
        for col, h in enumerate(heads):
            self._cell(h, 0, col, "openingBoardHead")
        # while a bid is read: the one read before it and itself (the reading box has the room: a two-line
        # title, the price, its capitals, and the items with the bid bond must fit 1080 lines)
        if cur is not None:
            rows = v.bidders[max(0, cur.order - 2):][:2]
            self._pages, self._budget = 1, None
        else:
            self._budget = budget = min(MAX_ROWS, self._row_budget())
            self._pages = -(-len(v.bidders) // budget)
            self._page %= max(1, self._pages)
            rows = v.bidders[self._page * budget:][:budget]
        for r, b in enumerate(rows, start=1):
            self._cell(str(b.order), r, 0)
            self._cell(b.name, r, 1)
            # a withdrawn bidder's absence reads 弃标 (its notice is in the next column and in the reading box)
            self._cell(attendance_name(b).split(" ")[0].split("（")[0], r, 2)
            self._cell(self._withdrawn(b) if b.withdrawn else decrypt_name(b.decrypt_status), r, 3)
            self._cell(b.price_text if (b.read and b.price) else "", r, 4)
        self.grid.setColumnStretch(1, 1)

    def retranslate(self) -> None:
        self._render()
        self.refresh()
