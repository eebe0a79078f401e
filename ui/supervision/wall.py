"""The supervision room's wall (监督大屏, role ``supervisor``): a tile per room, alerts, orders.

Each tile shows the room's camera (frames decoded and shrunk to ≤ 320×180 off the UI thread by the
wiring, handed over through the bridge: :meth:`SupervisionWall.frame_sink`) and over it the room's
live state from the journal (:meth:`kiosk.supervision.SupervisionService.room_states`, read on the
``read`` lane). A tile opens to a full view. The alert list sounds a port (``sound``) for each new
alert; the supervisor acknowledges one with a note. A supervisor operates nothing: the only acts here
are acknowledging and ordering a pause or its resume, after signing in to the session's supervisor
role by ID card (:class:`ui.staffing.signin.RoleSignIn`); every act runs through :class:`ui.jobs.Act`.

Signals:
    alertsShown(object): the alerts just drawn (newest first), for tests and the tour.
    replayRequested(str, object): replay a room at a moment (``ui/supervision/replay.py``; the
        composition root connects it): from the selected alert, the open room's last two minutes,
        or the witness's selected step.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.staffing import RoleHolder, StaffingService
from kiosk.supervision import RaisedAlert, RoomState, SupervisionService, WitnessNote, checklist
from kiosk.timeutil import beijing
from ui.context import UiContext
from ui.jobs import Act, JobOutcome, Refresher
from ui.staffing.signin import RoleSignIn
from ui.supervision.replay import ReplayScreen
from ui.widgets import Retranslatable

log = logging.getLogger(__name__)

STYLE_TEMPLATE = """
QWidget#wall {{ background: #0f1720; }}
QLabel#wallTitle {{ color: #e8eef5; font-size: {px26}px; font-weight: bold; }}
QLabel#wallClock {{ color: #9fb3c8; font-size: {px22}px; }}
QFrame#tile {{ background: #18222d; border: 2px solid #2c3e50; border-radius: 8px; }}
QFrame#tile[live="true"] {{ border-color: #2e86de; }}
QFrame#tile[alert="true"] {{ border: 3px solid #e74c3c; }}
QLabel#tileVideo {{ background: #000000; color: #5d6d7e; font-size: {px14}px; }}
QLabel#tileRoom {{ color: #ffffff; font-size: {px17}px; font-weight: bold; background: rgba(0,0,0,150); padding: 2px 6px; }}
QLabel#tileInfo {{ color: #e8eef5; font-size: {px14}px; background: rgba(0,0,0,160); padding: 3px 6px; }}
QLabel#tilePause {{ color: #ffffff; font-size: {px15}px; font-weight: bold; background: #c0392b; padding: 3px 6px; }}
QLabel#tileRec {{ color: #ffffff; font-size: {px13}px; font-weight: bold; padding: 2px 6px; background: #7f8c8d; }}
QLabel#tileRec[on="true"] {{ background: #c0392b; }}
QFrame#side {{ background: #ffffff; border-radius: 8px; }}
QFrame#side QLabel#h3 {{ font-size: {px18}px; font-weight: bold; color: #1b2430; }}
QFrame#side QLabel#sideMessage {{ font-size: {px15}px; color: #b00020; }}
QFrame#side QLabel#sideMessage[ok="true"] {{ color: #1b7f3b; }}
QListWidget#alerts {{ font-size: {px15}px; }}
QListWidget#steps {{ font-size: {px17}px; }}
QListWidget#steps::item {{ padding: 7px 4px; border-bottom: 1px solid #e3e8ee; }}
QListWidget#steps::item:selected {{ background: #2e86de; color: #ffffff; }}
QPushButton#wallButton {{ font-size: {px16}px; min-height: {px40}px; padding: 4px 12px; }}
"""


def wall_style(scale: float = 1.0) -> str:
    """The wall's style sheet, its text sized for the screen (a 3840×2160 wall: twice the 1080p sizes)."""
    return STYLE_TEMPLATE.format(**{f"px{n}": round(n * scale) for n in (13, 14, 15, 16, 17, 18, 22, 26, 40,)})


STYLE = wall_style()

TILE_W, TILE_H = 320, 180
ALERTS_LANE = "supervision-alerts"  #: a job-runner lane (one thread) of the wall's own for reading alerts
SEEN_TEXT = "已见证，无异常"  #: a tick without words: the record is in Chinese whatever the screen's language
REPLAY_BACK_MIN = 2  #: the full view's replay starts this many minutes ago
LOST_AFTER_S = 3.0  #: no frame for this long after frames came: the tile says the signal is lost  #: the most a tile's frame may be (the wiring shrinks frames to fit)


class LaneRefresher(Refresher):
    """A :class:`ui.jobs.Refresher` on a lane of its own: the alerts never wait behind the rooms' heavier load."""

    def __init__(self, *args: Any, lane: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lane = lane

    def request(self) -> None:
        if self.inflight:
            self._again = True
            return
        self.inflight = True
        self.jobs.run(self.key, self.load, self._done, lane=self.lane)


class Tile(QFrame):
    """One room: its camera, and over it the session, stage, people and recording state.

    Signals:
        opened(str): the room code, when the tile is clicked.
    """

    opened = Signal(str)

    def __init__(self, room_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.room_code = room_code
        self.setObjectName("tile")
        self.frames = 0  #: frames drawn (tests, bench)
        self._image: QImage | None = None
        self._shown: tuple[RoomState, bool] | None = None
        self.last_frame = 0.0
        self.lost = False  #: frames came, then stopped for LOST_AFTER_S
        grid = QGridLayout(self)
        grid.setContentsMargins(2, 2, 2, 2)
        self.video = QLabel(QCoreApplication.translate("SupervisionWall", "无视频信号"), objectName="tileVideo")
        self.video.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video.setMinimumSize(160, 90)
        self.video.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        grid.addWidget(self.video, 0, 0)
        over = QVBoxLayout()
        over.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.room = QLabel(room_code, objectName="tileRoom")
        self.rec = QLabel("", objectName="tileRec")
        top.addWidget(self.room)
        top.addStretch(1)
        top.addWidget(self.rec)
        over.addLayout(top)
        self.pause = QLabel("", objectName="tilePause")
        self.pause.setWordWrap(True)
        self.pause.hide()
        over.addWidget(self.pause)
        over.addStretch(1)
        self.info = QLabel("", objectName="tileInfo")
        self.info.setWordWrap(True)
        for label in (self.room, self.info, self.pause):  # a tile's texts never make the wall wider than its screen
            label.setMinimumWidth(1)
        over.addWidget(self.info)
        grid.addLayout(over, 0, 0)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_state(self, st: RoomState, alerting: bool) -> None:
        if self._shown == (st, alerting):  # a journal entry elsewhere: nothing to redraw (restyling is not free)
            return
        self._shown = (st, alerting)
        self.room.setText(f"{st.room_name or st.room_code}（{st.room_code}）" if st.room_name and st.room_name != st.room_code
                          else st.room_code)
        if st.recording is None:
            self.rec.setText(QCoreApplication.translate("SupervisionWall", "录像 —"))
        else:
            self.rec.setText(QCoreApplication.translate("SupervisionWall", "● 录像中") if st.recording else QCoreApplication.translate("SupervisionWall", "录像已停"))
        self.rec.setProperty("on", bool(st.recording))
        lines = []
        if st.session_id:
            lines.append(f"{st.session_id} {st.title}".strip())
            lines.append(st.stage)
        else:
            lines.append(QCoreApplication.translate("SupervisionWall", "今日无场次"))
        if st.people:
            lines.append("  ".join(st.people))
        if not st.microphone:
            lines.append(QCoreApplication.translate("SupervisionWall", "麦克风已关闭"))
        self.info.setText("\n".join(x for x in lines if x))
        if st.paused:
            who = QCoreApplication.translate("SupervisionWall", "监督人暂停") if st.supervisor_pause else QCoreApplication.translate("SupervisionWall", "主持人暂停")
            self.pause.setText(f"{who}：{st.paused}")
            self.pause.show()
        else:
            self.pause.hide()
        for prop, value in (("alert", alerting), ("live", st.live)):
            self.setProperty(prop, value)
        for w in (self, self.rec):
            w.style().unpolish(w)
            w.style().polish(w)

    def set_frame(self, rgb: bytes, width: int, height: int) -> None:
        """Main thread: draw one frame (RGB888, already at tile size)."""
        self._image = QImage(rgb, width, height, width * 3, QImage.Format.Format_RGB888).copy()
        self.frames += 1
        self.last_frame = time.monotonic()
        self.lost = False
        self._show_image()

    def check_signal(self, now: float) -> None:
        """Once a second: a camera that sent frames and stopped says so (信号中断) instead of freezing."""
        if self.frames and not self.lost and now - self.last_frame > LOST_AFTER_S:
            self.lost = True
            self._image = None
            self.video.clear()
            self.video.setText(QCoreApplication.translate("SupervisionWall", "视频信号中断 / signal lost"))

    def _show_image(self) -> None:
        if self._image is None:
            return
        size = self.video.size()
        pm = QPixmap.fromImage(self._image)
        if pm.width() != size.width() or pm.height() != size.height():
            pm = pm.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)
        self.video.setPixmap(pm)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        self._show_image()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self.opened.emit(self.room_code)
        super().mouseReleaseEvent(event)


def alert_line(a: RaisedAlert) -> str:
    at = beijing(a.raised_at).strftime("%H:%M:%S")
    state = QCoreApplication.translate("SupervisionWall", "已确认") if a.acked else QCoreApplication.translate("SupervisionWall", "未确认")
    return f"[{state}] {at} {a.alert.room_code}  {a.alert.zh}\n{a.alert.en}"


class WitnessPanel(Retranslatable, QWidget):
    """The witness's mode of the wall (见证): the selected session's checklist, each step ticked as seen
    or noted as an irregularity (``witness.note``), after the session's witness signs in by ID card."""

    #: (room code, moment): replay the selected step's latest note
    replayRequested = Signal(str, object)

    def __init__(self, ctx: UiContext, service: SupervisionService, staffing: StaffingService,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.state: RoomState | None = None
        self.notes: list[WitnessNote] = []
        col = QVBoxLayout(self)
        self.heading = QLabel("", objectName="h3")
        self.heading.setWordWrap(True)
        col.addWidget(self.heading)
        self.signin = RoleSignIn(ctx, staffing, ("witness",))
        self.signin.changed.connect(lambda _h: self._enable())
        col.addWidget(self.signin)
        self.steps = QListWidget(objectName="steps")  # touch: each step a tall row
        col.addWidget(self.steps, 2)
        self.text = QLineEdit()
        col.addWidget(self.text)
        row = QHBoxLayout()
        self.seen = QPushButton("", objectName="wallButton")
        self.irregular = QPushButton("", objectName="wallButton")
        self.seen.clicked.connect(lambda: self.note(False))
        self.irregular.clicked.connect(lambda: self.note(True))
        self.replay = QPushButton("", objectName="wallButton")
        self.replay.clicked.connect(self.replay_step)
        row.addWidget(self.seen)
        row.addWidget(self.irregular)
        row.addWidget(self.replay)
        col.addLayout(row)
        self.message = QLabel("", objectName="sideMessage")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        self.act = Act(ctx.jobs, lambda: [self.seen, self.irregular])
        self.loader = Refresher(ctx.jobs, "witness-notes", self._load, self._draw)
        self.retranslate()

    def _load(self) -> list[WitnessNote]:
        sid = self.state.session_id if self.state is not None else None
        return self.service.notes(sid) if sid else []

    def show_session(self, st: RoomState | None) -> None:
        sid = st.session_id if st is not None else None
        if (self.state.session_id if self.state is not None else None) == sid:
            self.state = st
            return
        self.state = st
        if sid is not None and st is not None:
            self.signin.kind = st.kind or "bid_opening"
        self.signin.set_session(sid)
        self.heading.setText(f"{st.room_code} · {sid}" if st is not None and sid else
                             QCoreApplication.translate("SupervisionWall", "所选会议室今日无场次"))
        self.loader.request()

    def _draw(self, notes: list[WitnessNote]) -> None:
        self.notes = notes
        keep = self.steps.currentRow()
        self.steps.clear()
        kind = self.state.kind if self.state is not None else ""
        for st in checklist(kind) if self.state is not None and self.state.session_id else ():
            mine = [n for n in notes if n.step == st.code]
            mark = "✔" if any(not n.irregular for n in mine) else "　"
            flag = "  ⚠" if any(n.irregular for n in mine) else ""
            last = f"\n    {mine[-1].text}" if mine else ""
            item = QListWidgetItem(f"{mark} {st.zh} / {st.en}{flag}{last}")
            item.setData(Qt.ItemDataRole.UserRole, st.code)
            self.steps.addItem(item)
        if 0 <= keep < self.steps.count():
            self.steps.setCurrentRow(keep)
        self._enable()

    def _enable(self) -> None:
        ok = self.signin.holder("witness") is not None and self.steps.count() > 0
        self.seen.setEnabled(ok)
        self.irregular.setEnabled(ok)

    def note(self, irregular: bool) -> None:
        item = self.steps.currentItem()
        holder = self.signin.holder("witness")
        st = self.state
        if item is None or holder is None or st is None or st.session_id is None:
            self.message.setText(QCoreApplication.translate("SupervisionWall", "请先选择步骤，并以见证人身份刷身份证登记"))
            return
        step, sid = str(item.data(Qt.ItemDataRole.UserRole)), st.session_id
        text = self.text.text().strip() or ("" if irregular else SEEN_TEXT)

        def done(o: JobOutcome) -> None:
            if o.ok:
                self.text.clear()
                self.message.setText(QCoreApplication.translate("SupervisionWall", "见证记录已保存 / note saved"))
            else:
                self.message.setText(f"{o.zh}\n{o.en}")
            self.message.setProperty("ok", o.ok)
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)
            self.loader.request()
        self.act.run("witness-note", lambda: self.service.note(holder, sid, step, text, irregular=irregular), done)

    def replay_step(self) -> None:
        """Replay the moment of the selected step's latest note (nothing when the step has none)."""
        item = self.steps.currentItem()
        step = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        mine = [n for n in self.notes if n.step == step]
        if mine:
            self.replayRequested.emit(mine[-1].room_code, mine[-1].at)
        else:
            self.message.setText(QCoreApplication.translate("SupervisionWall", "此步骤尚无见证记录 / no note on this step yet"))

    def retranslate(self) -> None:
        self.replay.setText(self.tr("回放 / Replay"))
        self.text.setPlaceholderText(self.tr("见证说明（记录异常时必填） / note"))
        self.seen.setText(self.tr("已见证 / Seen"))
        self.irregular.setText(self.tr("记录异常 / Irregularity"))


class SupervisionWall(Retranslatable, QWidget):
    """The wall: tiles (or one room's full view), the alerts and the session's orders.

    Args:
        ctx: the terminal's UI context.
        service: alerts, orders and room states.
        staffing: for the supervisor's sign-in by ID card.
        sound: called once per new alert (a port: a chime, speech, or a log line in tests).
        refresh_ms: the slow timer (journal entries also ask for a load).
    """

    alertsShown = Signal(object)
    #: (room code, moment): replay that room at that moment (an alert's, the full view's, a witness note's)
    replayRequested = Signal(str, object)

    def __init__(self, ctx: UiContext, service: SupervisionService, staffing: StaffingService, *,
                 sound: Callable[[RaisedAlert], None] | None = None, refresh_ms: int = 5000,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.sound = sound or self._log_sound
        self.setObjectName("wall")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self._scale = 1.0
        self.tiles: dict[str, Tile] = {}
        self.states: dict[str, RoomState] = {}
        self.alerts: list[RaisedAlert] = []
        self.heard: set[int] = set()  #: alert seqs already sounded
        self._first_alerts = True
        self.full_room: str | None = None
        self.selected_room: str | None = None
        root = self.root = QHBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        left = QVBoxLayout()
        head = QHBoxLayout()
        self.title = QLabel("", objectName="wallTitle")
        self.clock = QLabel("", objectName="wallClock")
        self.title.setWordWrap(True)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.clock)
        left.addLayout(head)
        self.stack = QStackedWidget()
        self.grid_page = QWidget()
        self.grid = QGridLayout(self.grid_page)
        self.grid.setSpacing(8)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.full_page = QWidget()
        full = QVBoxLayout(self.full_page)
        full.setContentsMargins(0, 0, 0, 0)
        self.back = QPushButton("", objectName="wallButton")
        self.back.clicked.connect(self.show_grid)
        self.full_tile = Tile("")
        self.replay_room = QPushButton("", objectName="wallButton")
        self.replay_room.clicked.connect(self.replay_full_room)
        full_bar = QHBoxLayout()
        full_bar.addWidget(self.back)
        full_bar.addWidget(self.replay_room)
        full_bar.addStretch(1)
        full.addLayout(full_bar)
        full.addWidget(self.full_tile, 1)
        self.stack.addWidget(self.grid_page)
        self.stack.addWidget(self.full_page)
        left.addWidget(self.stack, 1)
        root.addLayout(left, 2)
        side = self.side = QFrame(objectName="side")
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget()
        side_lay.addWidget(self.tabs)
        sup = QWidget()
        col = QVBoxLayout(sup)
        self.tabs.addTab(sup, "")
        self.alerts_title = QLabel("", objectName="h3")
        col.addWidget(self.alerts_title)
        self.alert_list = QListWidget(objectName="alerts")
        self.alert_list.setWordWrap(True)
        col.addWidget(self.alert_list, 2)
        self.note = QLineEdit()
        col.addWidget(self.note)
        self.ack = QPushButton("", objectName="wallButton")
        self.ack.clicked.connect(self.acknowledge)
        self.replay_alert = QPushButton("", objectName="wallButton")
        self.replay_alert.clicked.connect(self.replay_selected_alert)
        col.addWidget(self.ack)
        col.addWidget(self.replay_alert)
        self.session_title = QLabel("", objectName="h3")
        self.session_title.setWordWrap(True)
        col.addWidget(self.session_title)
        self.signin = RoleSignIn(ctx, staffing, ("supervisor",))
        self.signin.changed.connect(lambda _holders: self._show_session())
        col.addWidget(self.signin)
        self.reason = QLineEdit()
        col.addWidget(self.reason)
        orders = QHBoxLayout()
        self.pause_btn = QPushButton("", objectName="wallButton")
        self.resume_btn = QPushButton("", objectName="wallButton")
        self.pause_btn.clicked.connect(lambda: self.order("pause"))
        self.resume_btn.clicked.connect(lambda: self.order("resume"))
        orders.addWidget(self.pause_btn)
        orders.addWidget(self.resume_btn)
        col.addLayout(orders)
        self.message = QLabel("", objectName="sideMessage")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        col.addStretch(1)
        self.witness = WitnessPanel(ctx, service, staffing)
        self.witness.replayRequested.connect(self.replayRequested)
        self.tabs.addTab(self.witness, "")
        root.addWidget(side, 1)
        self.act = Act(ctx.jobs, lambda: [self.ack, self.pause_btn, self.resume_btn])
        self.rooms_loader = Refresher(ctx.jobs, "supervision-rooms", service.room_states, self._draw_rooms)
        self.alerts_loader = LaneRefresher(ctx.jobs, "supervision-alerts", lambda: service.alerts(limit=100), self._draw_alerts,
                                           lane=ALERTS_LANE)
        self._soon = QTimer(self, singleShot=True, interval=150)  # a burst of entries: one load
        self._soon.timeout.connect(self.refresh)
        ctx.bridge.journalEntries.connect(lambda _entries: self._soon.start())
        self.timer = QTimer(self, interval=refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.tick_timer = QTimer(self, interval=1000)
        self.tick_timer.timeout.connect(self._tick)
        self.tick_timer.start()
        self.retranslate()
        self.refresh()

    # --- loading and drawing ------------------------------------------------------------------------

    def refresh(self) -> None:
        self.rooms_loader.request()
        self.alerts_loader.request()

    def _tick(self) -> None:
        self.clock.setText(beijing(self.ctx.hall.clock.now()).strftime("%Y-%m-%d %H:%M:%S"))
        now = time.monotonic()
        for tile in (*self.tiles.values(), self.full_tile):
            tile.check_signal(now)

    def ensure_tiles(self, rooms: list[str]) -> None:
        """Tiles for ``rooms`` (laid out as a near-square grid; portrait: two columns)."""
        if list(self.tiles) == rooms:
            return
        for t in self.tiles.values():
            t.setParent(None)
            t.deleteLater()
        self.tiles = {}
        for code in rooms:
            tile = Tile(code)
            tile.opened.connect(self.open_room)
            self.tiles[code] = tile
        self._layout_tiles()
        if self.selected_room is None and rooms:
            self.select_room(rooms[0])

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """On a narrow (portrait) screen the side panel goes below the tiles: the wall's minimum width is its
        widest part, not the landscape sum — else a window first shown at 1080 wide is held wider."""
        hint = super().minimumSizeHint()
        if self.root.direction() != QBoxLayout.Direction.LeftToRight:
            return hint
        side = self.side.minimumSizeHint().width()
        return QSize(max(side, hint.width() - side - self.root.spacing()), hint.height())

    def _layout_tiles(self) -> None:
        """A near-square grid (portrait: two columns); the side panel right, or below in portrait."""
        portrait = self.height() > self.width()
        self.root.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.side.setMaximumWidth(16777215 if portrait else 660)
        self.side.setMaximumHeight(self.height() // 2 if portrait else 16777215)  # its sign-in and orders unsqueezed
        n = len(self.tiles)
        cols = 2 if portrait and n > 1 else max(1, math.ceil(math.sqrt(n)))
        for i, tile in enumerate(self.tiles.values()):
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, i // cols, i % cols)
        self._portrait = portrait

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001
        super().resizeEvent(event)
        if getattr(self, "_portrait", None) != (self.height() > self.width()):
            self._layout_tiles()
        scale = max(1.0, min(self.width() / 1900, self.height() / 1000))  # the wall's own size, not the screen's
        if abs(scale - self._scale) > 0.05:
            self._scale = scale
            self.setStyleSheet(wall_style(scale))

    def _draw_rooms(self, states: list[RoomState]) -> None:
        self.ensure_tiles([s.room_code for s in states])
        self.states = {s.room_code: s for s in states}
        self._paint_tiles()
        self._show_session()

    def _paint_tiles(self) -> None:
        """Each tile's state and whether its room has an open alert (a tile redraws only what changed)."""
        alerting = {a.alert.room_code for a in self.alerts if not a.acked}
        for s in self.states.values():
            if s.room_code in self.tiles:
                self.tiles[s.room_code].set_state(s, s.room_code in alerting)
        if self.full_room in self.states:
            self.full_tile.set_state(self.states[self.full_room], self.full_room in alerting)

    def _draw_alerts(self, alerts: list[RaisedAlert]) -> None:
        fresh = [a for a in alerts if a.seq not in self.heard and not a.acked]
        self.heard.update(a.seq for a in alerts)
        if not self._first_alerts:  # what was raised before the wall opened is listed, not sounded
            for a in reversed(fresh):
                self.sound(a)
        self._first_alerts = False
        same = [(a.seq, a.acked) for a in alerts] == [(a.seq, a.acked) for a in self.alerts]
        self.alerts = alerts
        if same and self.alert_list.count() == len(alerts):
            return
        self._paint_tiles()
        keep = self.selected_alert()
        self.alert_list.clear()
        for a in alerts:
            item = QListWidgetItem(alert_line(a))
            item.setData(Qt.ItemDataRole.UserRole, a.seq)
            if not a.acked:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.alert_list.addItem(item)
            if keep == a.seq:
                self.alert_list.setCurrentItem(item)
        if self.alert_list.currentItem() is None:
            first_open = next((i for i, a in enumerate(alerts) if not a.acked), None)
            if first_open is not None:
                self.alert_list.setCurrentRow(first_open)
        self.alertsShown.emit(alerts)

    @staticmethod
    def _log_sound(a: RaisedAlert) -> None:
        log.info("supervision alert sounded: %s %s", a.alert.rule, a.alert.room_code)

    # --- the full view ------------------------------------------------------------------------------

    def open_room(self, room_code: str) -> None:
        self.full_room = room_code
        self.full_tile.room_code = room_code
        self.full_tile._image = None
        self.full_tile._shown = None
        self.full_tile.last_frame, self.full_tile.lost = time.monotonic(), False
        self.full_tile.video.clear()
        self.full_tile.video.setText(QCoreApplication.translate("SupervisionWall", "无视频信号"))
        if room_code in self.states:
            self.full_tile.set_state(self.states[room_code], False)
        self.stack.setCurrentWidget(self.full_page)
        self.select_room(room_code)

    def show_grid(self) -> None:
        self.full_room = None
        self.stack.setCurrentWidget(self.grid_page)

    def frame_sink(self, room_code: str) -> Callable[[bytes, int, int], None]:
        """Main thread: where the wiring's frames of ``room_code`` go (the tile, and the full view when open)."""
        def sink(rgb: bytes, width: int, height: int) -> None:
            tile = self.tiles.get(room_code)
            if tile is not None and self.stack.currentWidget() is self.grid_page:
                tile.set_frame(rgb, width, height)
            elif tile is not None:  # hidden behind the full view: not drawn, but the camera is alive
                tile.last_frame = time.monotonic()
            if self.full_room == room_code:
                self.full_tile.set_frame(rgb, width, height)
        return sink

    # --- the session and its orders -----------------------------------------------------------------

    def select_room(self, room_code: str) -> None:
        self.selected_room = room_code
        self._show_session()

    def _show_session(self) -> None:
        st = self.states.get(self.selected_room or "")
        sid = st.session_id if st is not None else None
        if self.signin.session_id != sid:
            self.signin.kind = st.kind if st is not None and st.kind else "bid_opening"
            self.signin.set_session(sid)
        self.witness.show_session(st if st is not None and sid is not None else None)
        if st is None or sid is None:
            self.session_title.setText(QCoreApplication.translate("SupervisionWall", "所选会议室今日无场次"))
        else:
            self.session_title.setText(f"{st.room_code} · {sid}\n{st.stage}")
        held = self.supervisor()
        self.pause_btn.setEnabled(held is not None and sid is not None and not (st and st.supervisor_pause))
        self.resume_btn.setEnabled(held is not None and sid is not None and bool(st and st.supervisor_pause))
        self.ack.setEnabled(held is not None)

    def supervisor(self) -> RoleHolder | None:
        return self.signin.holder("supervisor")

    # --- replay (must 5) ----------------------------------------------------------------------------

    def replay_selected_alert(self) -> None:
        """Replay the selected alert's room from the moment it is about (its ``since``)."""
        seq = self.selected_alert()
        a = next((x for x in self.alerts if x.seq == seq), None)
        if a is not None and a.alert.room_code:
            self.replayRequested.emit(a.alert.room_code, a.alert.since)

    def replay_full_room(self) -> None:
        """Replay the room open in the full view from two minutes ago."""
        if self.full_room:
            self.replayRequested.emit(self.full_room, self.ctx.hall.clock.now() - dt.timedelta(minutes=REPLAY_BACK_MIN))

    def selected_alert(self) -> int | None:
        item = self.alert_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _said(self, outcome: JobOutcome, ok_text: str) -> None:
        if outcome.ok:
            self.message.setText(ok_text)
            self.message.setProperty("ok", True)
        else:
            self.message.setText(f"{outcome.zh}\n{outcome.en}")
            self.message.setProperty("ok", False)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.refresh()

    def acknowledge(self) -> None:
        seq, holder, note = self.selected_alert(), self.supervisor(), self.note.text()
        if seq is None or holder is None:
            self._said(JobOutcome("supervision-ack", False, code="none", zh=QCoreApplication.translate("SupervisionWall", "请先选择预警，并以监督人身份刷身份证登记"),
                                  en="select an alert and sign in as the supervisor first"), "")
            return
        def done(o: JobOutcome) -> None:
            if o.ok:
                self.note.clear()
            self._said(o, QCoreApplication.translate("SupervisionWall", "预警已确认 / alert acknowledged"))
        self.act.run("supervision-ack", lambda: self.service.acknowledge(seq, note, holder), done)

    def order(self, what: str) -> None:
        st = self.states.get(self.selected_room or "")
        holder, reason = self.supervisor(), self.reason.text()
        if st is None or st.session_id is None or holder is None:
            return
        sid, room = st.session_id, st.room_code
        def done(o: JobOutcome) -> None:
            if o.ok:
                self.reason.clear()
            self._said(o, QCoreApplication.translate("SupervisionWall", "暂停指令已下达 / pause ordered") if what == "pause" else QCoreApplication.translate("SupervisionWall", "恢复指令已下达 / resume ordered"))
        self.act.run(f"supervision-{what}", lambda: self.service.order(holder, room, sid, what, reason), done)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("监督 Supervision"))
        self.tabs.setTabText(1, self.tr("见证 Witness"))
        self.title.setText(self.tr("行政监督室 · 各会议室实时画面  Supervision wall"))
        self.back.setText(self.tr("← 返回全部画面 / All rooms"))
        self.alerts_title.setText(self.tr("预警 Alerts"))
        self.note.setPlaceholderText(self.tr("处理说明（确认预警必填） / note"))
        self.ack.setText(self.tr("确认所选预警 / Acknowledge"))
        self.replay_alert.setText(self.tr("回放此刻 / Replay"))
        self.replay_room.setText(self.tr("回放最近两分钟 / Replay last 2 min"))
        self.reason.setPlaceholderText(self.tr("指令原因（必填） / reason"))
        self.pause_btn.setText(self.tr("下令暂停 / Pause"))
        self.resume_btn.setText(self.tr("下令恢复 / Resume"))
        self._tick()


class WallPage(QStackedWidget):
    """The ``supervisor`` role's page: a word while the wiring builds the wall, then the wall."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.wall: SupervisionWall | None = None
        self.replay: ReplayScreen | None = None
        self.currentChanged.connect(self._size_by_current)
        self.addWidget(QLabel(QCoreApplication.translate("SupervisionWall", "正在连接各会议室……"), alignment=Qt.AlignmentFlag.AlignCenter))

    def set_wall(self, wall: SupervisionWall) -> None:
        self.wall = wall
        self.addWidget(wall)
        self.setCurrentWidget(wall)

    def _size_by_current(self, _index: int) -> None:
        """Only the page on show counts for the window's minimum size: a hidden wall laid out for a
        portrait screen must not keep a landscape window tall (a QStackedWidget counts every page)."""
        for i in range(self.count()):
            page = self.widget(i)
            if page is None:
                continue
            mine = page is self.currentWidget()
            page.setSizePolicy(QSizePolicy.Policy.Preferred if mine else QSizePolicy.Policy.Ignored,
                               QSizePolicy.Policy.Preferred if mine else QSizePolicy.Policy.Ignored)
        self.updateGeometry()

    def set_replay(self, screen: ReplayScreen) -> None:
        """The replay screen: the wall's jumps open it at their moment; its back button returns to the wall."""
        self.replay = screen
        self.addWidget(screen)
        screen.closed.connect(lambda: self.setCurrentWidget(self.wall) if self.wall is not None else None)
        if self.wall is not None:
            self.wall.replayRequested.connect(self.open_replay)

    def open_replay(self, room_code: str, at: object) -> None:
        if self.replay is None or not isinstance(at, dt.datetime):
            return
        self.replay.load_rooms()
        self.replay.show_moment(room_code, at)
        self.setCurrentWidget(self.replay)
