"""The evaluation room's wall board (``[ui] board_mode = "evaluation"``, issue 17 must 5): counts only.

Today's sittings (of ``[site] room_code`` when the board has one), each as its room, its start and
**已签到 3/5** — the committee members inside against ``members_total`` — with staff present, signed
out, waiting at the door and whether the room is recording. Never a name or an id (TBL 37: members'
names are confidential until the result). Reads on the ``read`` lane; follows the door's entries.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from kiosk.experts.views import RoomCount
from kiosk.timeutil import beijing
from ui.board_view import BoardView
from ui.context import UiContext

MAX_ROWS = 6
FOLLOWED = ("expert.", "recording.requested")


class EvaluationRoomBoard(BoardView):
    """The wall board's ``evaluation`` view (see the module doc)."""

    def __init__(self, ctx: UiContext, service: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, spacing=20, wrap_title=True)
        self.service = service
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(40)
        self.grid.setVerticalSpacing(18)
        self.content.addLayout(self.grid)
        self.labels: list[QLabel] = []
        self.counts: list[RoomCount] = []
        self.retranslate()
        self.refresh()

    def follows(self, entries: list) -> bool:
        return any(str(getattr(e, "kind", "")).startswith(FOLLOWED) for e in entries)

    def load(self) -> list[RoomCount]:
        room = self.ctx.hall.config.site.room_code or None
        counts: list[RoomCount] = self.service.room_counts(room_code=room)
        return counts or self.service.room_counts()

    def draw(self, view: list[RoomCount]) -> None:
        self.counts = list(view)[:MAX_ROWS]
        self._draw()

    def _draw(self) -> None:
        for lab in self.labels:
            lab.deleteLater()
        self.labels = []
        if not self.counts:
            lab = QLabel(self.tr("今日暂无评标安排 · No evaluation today"), objectName="boardRow")
            self.grid.addWidget(lab, 0, 0)
            self.labels.append(lab)
            return
        for row, c in enumerate(self.counts):
            cells = [
                QLabel(f"{beijing(c.starts_at):%H:%M}", objectName="boardRow"),
                QLabel(c.room_name or c.room_code, objectName="boardRow"),
                QLabel(self.tr("已签到 %1/%2").replace("%1", str(c.members_in)).replace("%2", str(c.members_total)),
                       objectName="boardTitle"),
            ]
            extra = [self.tr("工作人员 %1").replace("%1", str(c.staff_in))]
            if c.waiting:
                extra.append(self.tr("门口待核验 %1").replace("%1", str(c.waiting)))
            if c.signed_out:
                extra.append(self.tr("已签退 %1").replace("%1", str(c.signed_out)))
            extra.append(self.tr("录像中 ●") if c.recording else self.tr("未录像"))
            cells.append(QLabel(" · ".join(extra), objectName="boardMuted"))
            for col, lab in enumerate(cells):
                lab.setWordWrap(col == 3)
                self.grid.addWidget(lab, row, col)
                self.labels.append(lab)
        self.grid.setColumnStretch(3, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("评标区 · 签到情况 Evaluation rooms — signed in"))
        self.footer.setText(self.tr("评标委员会成员名单在评标结果确定前保密，本屏只显示人数。") +
                            " Members' names stay confidential until the result; counts only.")
        self._draw()
