"""The frame every wall-screen view shares (sessions, queue calls, attendance, opening, auction).

A board view is read from the back of a room: a title and a clock (or a count) in the header, the
view's own body, a muted footer line; the clock ticks on a timer; the view refreshes when journal
entries it follows arrive (another terminal's act reaches it through the follower) and, for
pulled data, on a slow timer. Each view says which entries it follows (``follows``) and how it
draws (``refresh``); the frame is written once here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.widgets import Retranslatable


class BoardView(Retranslatable, QWidget):
    """Header (``title``, ``clock``), ``content`` (the view's layout), ``footer``; timers and follower.

    Args:
        ctx: the terminal's UI context.
        margins: left, top, right, bottom of the frame (px).
        spacing: between the frame's rows and within ``content``.
        wrap_title: a long title wraps (the clock then sits at the top of the header).
        tick_ms: how often ``tick`` runs (the clock); 0: never.
        refresh_ms: how often ``refresh`` runs for pulled data; 0: only on followed entries.
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
        ctx.bridge.journalEntries.connect(self.on_entries)
        self.tick_timer = QTimer(self)
        self.tick_timer.timeout.connect(self.tick)
        if tick_ms:
            self.tick_timer.start(tick_ms)
        self.slow = QTimer(self)
        self.slow.timeout.connect(self.refresh)
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
        """Redraw from the services (the view's own)."""

    def tick(self) -> None:
        """Once per ``tick_ms``: the clock (Beijing time on the hall's clock)."""
        self.clock.setText(beijing(self.ctx.hall.clock.now()).strftime("%H:%M:%S"))
