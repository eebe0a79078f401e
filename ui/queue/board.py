"""The board's queue view (叫号屏): per counter the current number and recent calls, waiting counts, voice.

A call made at any terminal reaches this view through the journal follower (``ticket.called`` in
``QtBridge.journalEntries``); the view re-reads the board state at once, flashes the counters that
just called, and hands the call to the voice (``announce``: the zone's serial queue, so calls never
overlap). Landscape: counters on the left, the latest call and waiting counts on the right.
Portrait: the latest call on top, counters below, waiting counts at the bottom.

The board state is read on the ``read`` lane (``BoardView``'s Refresher: ``load``) and drawn on the
main thread (``draw``), so a database that does not answer never stops the clock. The voice follows
``ticket.called`` journal entries only — acts that were committed — never a press.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from kiosk.queue import BoardState, QueueService
from ui.board_view import BoardView
from ui.context import UiContext
from ui.queue import QUEUE_KINDS
from ui.queue.common import service_name

FLASH_MS = 4000
BLINK_MS = 400


def call_display(ticket_no: str, counter_no: str) -> str:
    """"请A012号到3号窗口办理" (docs/rules/queue.md §3); the voice reads it with Mandarin numbers."""
    return f"请{ticket_no}号到{counter_no}号窗口办理"


class QueueBoard(BoardView):
    """The queue wall screen. ``announce(text)`` queues a call for the voice (or None: silent)."""

    def __init__(self, ctx: UiContext, queue: QueueService, announce: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, margins=(40, 28, 40, 24), spacing=16, content_stretch=True)
        self.queue = queue
        self.announce = announce
        self.state: BoardState | None = None
        self.flashing: dict[str, float] = {}  #: counter → monotonic end of its flash
        self.last_update = 0.0  #: monotonic time of the last refresh (latency measurement)
        self.latest = QLabel(objectName="queueLatest")
        self.latest.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.latest.setWordWrap(True)
        self.counters_box = QWidget()
        self.counters = QGridLayout(self.counters_box)
        self.counters.setContentsMargins(0, 0, 0, 0)
        self.counters.setHorizontalSpacing(16)
        self.counters.setVerticalSpacing(10)
        self.waiting_box = QWidget()
        self.waiting = QGridLayout(self.waiting_box)
        self.waiting.setContentsMargins(0, 0, 0, 0)
        self.waiting.setVerticalSpacing(8)
        self.body = QGridLayout()
        self.body.setHorizontalSpacing(32)
        self.body.setVerticalSpacing(18)
        self.content.addLayout(self.body, 1)
        self.notice = self.footer
        self._labels: list[QWidget] = []
        self._shape: tuple[int, int] | None = None  #: (counters, services) of the labels up
        self._portrait: bool | None = None
        self.blink = QTimer(self)
        self.blink.timeout.connect(self._blink)
        self.blink_on = True
        self.retranslate()

    # --- layout ---

    def _arrange(self) -> None:
        portrait = self.height() > self.width()
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for w in (self.latest, self.counters_box, self.waiting_box):
            self.body.removeWidget(w)
        if portrait:
            self.body.addWidget(self.latest, 0, 0)
            self.body.addWidget(self.counters_box, 1, 0)
            self.body.addWidget(self.waiting_box, 2, 0)
            self.body.setColumnStretch(0, 1)
            self.body.setColumnStretch(1, 0)
            self.body.setRowStretch(1, 1)
        else:
            self.body.addWidget(self.counters_box, 0, 0, 2, 1)
            self.body.addWidget(self.latest, 0, 1)
            self.body.addWidget(self.waiting_box, 1, 1)
            self.body.setColumnStretch(0, 3)
            self.body.setColumnStretch(1, 2)
            self.body.setRowStretch(1, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()

    # --- updates ---

    def on_entries(self, entries: list) -> None:
        if not any(e.kind in QUEUE_KINDS for e in entries):
            return
        calls = [e for e in entries if e.kind == "ticket.called"]
        now = time.monotonic()
        for e in calls:
            self.flashing[e.payload["counter_no"]] = now + FLASH_MS / 1000
        self.refresh()
        if calls:
            self.blink.start(BLINK_MS)
            if self.announce is not None:
                for e in calls:
                    self.announce(call_display(e.payload["ticket_no"], e.payload["counter_no"]))

    def _blink(self) -> None:
        now = time.monotonic()
        self.flashing = {c: end for c, end in self.flashing.items() if end > now}
        self.blink_on = not self.blink_on if self.flashing else True
        if not self.flashing:
            self.blink.stop()
        self._paint_flash()

    def _paint_flash(self) -> None:
        for w in self._labels:
            counter = w.property("counter")
            if counter is None:
                continue
            lit = counter in self.flashing and self.blink_on
            if w.property("flash") != lit:
                w.setProperty("flash", lit)
                w.style().unpolish(w)
                w.style().polish(w)

    def load(self) -> BoardState:
        return self.queue.board()

    def draw(self, view: BoardState) -> None:
        if view == self.state:
            # Unchanged (a reload when the database is back, the slow refresh): keep the labels. Each
            # redraw builds and polishes every label again — over a thousand events on the UI thread,
            # the longest part of its stall after an outage (issue 21; docs/outages.md).
            self._paint_flash()  # a call just heard still lights its counter's row
            return
        self.state = view
        self._draw()

    def _cells(self, st: BoardState) -> list[tuple[str, str | None]]:
        """(text, counter) of every label of the grids, in the order ``_draw`` lays them out."""
        cells: list[tuple[str, str | None]] = [(h, None) for h in (self.tr("窗口"), self.tr("当前号"), self.tr("最近叫号"))]
        for c in st.counters:
            cells += [(self.tr("%1号").replace("%1", c.counter_no), c.counter_no), (c.current or "—", c.counter_no),
                      ("  ".join(c.recent) or "—", c.counter_no)]
        cells.append((self.tr("等候人数"), None))
        for _code, name, name_en, n in st.waiting:
            cells += [(service_name(self.ctx, name, name_en), None), (self.tr("%1 人").replace("%1", str(n)), None)]
        return cells

    def _draw(self) -> None:
        self._arrange()
        if self.state is None:
            return
        st = self.state
        cells = self._cells(st)
        shape = (len(st.counters), len(st.waiting))
        if shape == self._shape and len(cells) == len(self._labels):
            # the same rows: new words in the labels already up (building them again — create, polish,
            # lay out, delete — is the bulk of a redraw, issue 21)
            for w, (text, counter) in zip(self._labels, cells, strict=True):
                if isinstance(w, QLabel) and w.text() != text:
                    w.setText(text)
                if counter is not None and w.property("counter") != counter:
                    w.setProperty("counter", counter)
        else:
            self._build(st, cells)
            self._shape = shape
        self._finish_draw(st)

    def _build(self, st: BoardState, cells: list[tuple[str, str | None]]) -> None:
        for w in self._labels:
            w.deleteLater()
        self._labels = []
        texts = iter(cells)
        for col in range(3):
            h = QLabel(next(texts)[0], objectName="boardMuted")
            self.counters.addWidget(h, 0, col)
            self._labels.append(h)
        for row, c in enumerate(st.counters, start=1):
            labels = [
                QLabel(next(texts)[0], objectName="queueCounter"),
                QLabel(next(texts)[0], objectName="queueCurrent"),
                QLabel(next(texts)[0], objectName="boardMuted"),
            ]
            labels[2].setWordWrap(True)
            for col, lab in enumerate(labels):
                lab.setProperty("counter", c.counter_no)
                lab.setProperty("flash", False)
                self.counters.addWidget(lab, row, col)
                self._labels.append(lab)
        self.counters.setColumnStretch(2, 1)
        self.counters.setColumnMinimumWidth(1, 240)
        for r in range(self.counters.rowCount()):
            self.counters.setRowStretch(r, 0)
        self.counters.setRowStretch(len(st.counters) + 1, 1)
        wt = QLabel(next(texts)[0], objectName="boardMuted")
        self.waiting.addWidget(wt, 0, 0, 1, 2)
        self._labels.append(wt)
        for row in range(1, len(st.waiting) + 1):
            a = QLabel(next(texts)[0], objectName="boardRow")
            b = QLabel(next(texts)[0], objectName="boardRow")
            b.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.waiting.addWidget(a, row, 0)
            self.waiting.addWidget(b, row, 1)
            self._labels += [a, b]
        for r in range(self.waiting.rowCount()):
            self.waiting.setRowStretch(r, 0)
        self.waiting.setRowStretch(len(st.waiting) + 1, 1)

    def _finish_draw(self, st: BoardState) -> None:
        if st.recent_calls:
            latest = st.recent_calls[0]
            text = call_display(latest.ticket_no, latest.counter_no)
            # landscape: the side column is narrow, so break after the number, never inside a word
            self.latest.setText(text if self._portrait else text.replace("号到", "号\n到", 1))
        else:
            self.latest.setText(self.tr("请留意叫号"))
        self._paint_flash()
        self.tick()
        self.last_update = time.monotonic()

    def retranslate(self) -> None:
        self.title.setText(self.tr("排队叫号"))
        notice = self.ctx.hall.config.queue.notice
        self.notice.setText(notice or self.tr("请按号等候，过号请到窗口咨询。请保管好号票。"))
        self._draw()  # what was read, in the new language; then a fresh read
        self.refresh()
