"""The frame every wall-screen view shares (sessions, queue calls, attendance, opening, auction).

A board view is read from the back of a room: a title and a clock (or a count) in the header, the
view's own body, a muted footer line; the clock ticks on a timer; the view refreshes when journal
entries it follows arrive (another terminal's act reaches it through the follower) and, for
pulled data, on a slow timer. Each view says which entries it follows (``follows``), what it
reads (``load``: runs on the ``read`` lane, never on the UI thread, returns a view) and how it draws
that view (``draw``: main thread); the frame is written once here.

The UI thread never waits on the database (issue 21): ``refresh()`` only *requests* a load through
a :class:`ui.jobs.Refresher` (requests made while a load runs fold into one more load). While the
database does not answer the slow timer asks for nothing (the banner says the board may be out of
date and the clock keeps ticking); one load is requested when it answers again. A failed load keeps
what the board showed (``failed``).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import JobOutcome, Refresher
from ui.widgets import Retranslatable


class BoardView(Retranslatable, QWidget):
    """Header (``title``, ``clock``), ``content`` (the view's layout), ``footer``; timers and follower.

    Args:
        ctx: the terminal's UI context.
        margins: left, top, right, bottom of the frame (px).
        spacing: between the frame's rows and within ``content``.
        wrap_title: a long title wraps (the clock then sits at the top of the header).
        tick_ms: how often ``tick`` runs (the clock); 0: never.
        refresh_ms: how often a load is requested for pulled data; 0: only on followed entries.
        content_stretch: the content takes the spare height (else a stretch sits above the footer).
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, margins: tuple[int, int, int, int] = (48, 32, 48, 32),
                 spacing: int = 18, wrap_title: bool = False, tick_ms: int = 1000, refresh_ms: int = 30_000,
                 content_stretch: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("board")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.frame = QVBoxLayout(self)
        self.frame.setContentsMargins(*margins)
        self.frame.setSpacing(spacing)
        top = QHBoxLayout()
        self.title = QLabel(objectName="boardTitle")
        self.clock = QLabel(objectName="boardClock")
        if wrap_title:
            self.title.setWordWrap(True)
            top.addWidget(self.title, 1)
            top.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignTop)
        else:
            top.addWidget(self.title, 1)
            top.addWidget(self.clock)
        self.frame.addLayout(top)
        self.content = QVBoxLayout()
        self.content.setContentsMargins(0, 0, 0, 0)
        self.content.setSpacing(spacing)
        self.frame.addLayout(self.content, 1 if content_stretch else 0)
        if not content_stretch:
            self.frame.addStretch(1)
        self.footer = QLabel(objectName="boardMuted")
        self.footer.setWordWrap(True)
        self.frame.addWidget(self.footer)
        #: the view's loads on the read lane (``inflight`` while one runs; ``loads`` finished)
        self.refresher = Refresher(ctx.jobs, f"board:{type(self).__name__}", self.load, self._show, self._failed)
        self._db_ok = ctx.db_state().ok
        ctx.bridge.journalEntries.connect(self.on_entries)
        ctx.bridge.databaseState.connect(self._database_state)
        self.tick_timer = QTimer(self)
        self.tick_timer.timeout.connect(self.tick)
        if tick_ms:
            self.tick_timer.start(tick_ms)
            BoardView.tick(self)  # the clock from the first frame (a view's own tick may need its first load)
        self.slow = QTimer(self)
        self.slow.timeout.connect(self._slow_refresh)
        if refresh_ms:
            self.slow.start(refresh_ms)

    def follows(self, entries: list) -> bool:
        """Whether these new journal entries change what the view shows (default: any entry)."""
        return bool(entries)

    def on_entries(self, entries: list) -> None:
        """New journal entries (main thread): refresh when the view follows them."""
        if self.follows(entries):
            self.refresh()

    def refresh(self) -> None:
        """Ask for a fresh view: ``load`` on the read lane, then ``draw`` here (never waits)."""
        self.refresher.request()

    def load(self) -> Any:
        """Read what the view shows (runs on the ``read`` lane: services only, no widgets)."""
        return None

    def draw(self, view: Any) -> None:
        """Draw ``view`` (what ``load`` returned; main thread)."""

    def failed(self, outcome: JobOutcome) -> None:
        """A load did not complete (the database did not answer): keep what is shown."""

    def _show(self, view: Any) -> None:
        if shiboken6.isValid(self):  # the window may have closed while the load ran
            self.draw(view)

    def _failed(self, outcome: JobOutcome) -> None:
        if shiboken6.isValid(self):
            self.failed(outcome)

    def _slow_refresh(self) -> None:
        if self.ctx.db_state().ok:  # while it is down the banner says the board may be out of date
            self.refresh()

    def _database_state(self, state: Any) -> None:
        ok = bool(getattr(state, "ok", True))
        if ok and not self._db_ok:
            self.refresh()
        self._db_ok = ok

    def tick(self) -> None:
        """Once per ``tick_ms``: the clock (Beijing time on the hall's clock)."""
        self.clock.setText(beijing(self.ctx.hall.clock.now()).strftime("%H:%M:%S"))
