"""Review tab 录像回放 on the admin console.

Lists the recordings of a room per session with their markers (session events, bids, the hammer,
camera gaps); double-clicking a marker plays the segment that shows it from that instant; a time
range exports the covering segments with a manifest that ``hall-kiosk recording verify`` checks.
An admin can also start or stop the room's recording by hand — a reason is mandatory and journalled.

Pictures come from a player owned by the composition root (``devices.recording.SegmentPlayer`` on a
thread of ``hallkiosk.wiring_recording``): this widget only calls ``open/play/pause`` on it and
receives frames through :meth:`ReviewTab.post_frame`, which any thread may call (a queued signal).
PySide6-Essentials has no QtMultimedia, hence this design; there is no sound in review.

Signals:
    frameArrived(object, float, float): an RGB frame, its position and the file's duration (s).
    playerError(str): a file could not be played.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.recording import (
    MarkerInfo,
    ReasonRequired,
    RecorderStatus,
    Recordings,
    SessionRecording,
    verify_export,
)
from kiosk.timeutil import BEIJING, beijing_text
from ui.context import UiContext
from ui.widgets import Retranslatable, bilingual


class Player(Protocol):
    def open(self, path: Path, at_s: float = 0.0, *, play: bool = True) -> None: ...
    def play(self) -> None: ...
    def pause(self) -> None: ...
    @property
    def playing(self) -> bool: ...


BEIJING_TZ = QTimeZone(8 * 3600)


class VideoView(QLabel):
    """Shows the latest frame, scaled to fit, keeping the aspect ratio."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recVideo")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None

    def show_frame(self, rgb: np.ndarray) -> None:
        h, w = rgb.shape[:2]
        self._image = QImage(np.ascontiguousarray(rgb).data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self._rescale()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is not None:
            self.setPixmap(QPixmap.fromImage(self._image).scaled(
                self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


class ReviewTab(Retranslatable, QWidget):
    """The review tab (see the module docstring).

    Args:
        ctx: the UI context (hall, bridge, languages).
        recordings: the catalogue service.
        status: the live state of this terminal's recorder, or None when it does not record.
    """

    frameArrived = Signal(object, float, float)
    playerError = Signal(str)

    def __init__(self, ctx: UiContext, recordings: Recordings, status: Callable[[], RecorderStatus] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recReview")
        self.ctx = ctx
        self.recordings = recordings
        self.status = status
        self.player: Player | None = None
        self.frames_shown = 0
        self._sessions: list[SessionRecording] = []
        self._markers: list[MarkerInfo] = []
        self.last_export: Path | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        self.title = QLabel(objectName="h2")
        self.state = QLabel(objectName="recState")
        self.state.setWordWrap(True)
        top.addWidget(self.title)
        top.addWidget(self.state, 1)
        outer.addLayout(top)
        self.alarm = QLabel(objectName="error")
        self.alarm.setWordWrap(True)
        self.alarm.hide()
        outer.addWidget(self.alarm)
        manual = QHBoxLayout()
        self.reason = QLineEdit()
        self.start_btn = QPushButton(objectName="primary")
        self.stop_btn = QPushButton(objectName="danger")
        self.start_btn.clicked.connect(lambda: self._request("start"))
        self.stop_btn.clicked.connect(lambda: self._request("stop"))
        manual.addWidget(self.reason, 1)
        manual.addWidget(self.start_btn)
        manual.addWidget(self.stop_btn)
        outer.addLayout(manual)
        self.message = QLabel(objectName="muted")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        outer.addLayout(self.body, 1)
        left = QVBoxLayout()
        room_row = QHBoxLayout()
        self.room_label = QLabel()
        self.room = QComboBox()
        self.room.currentTextChanged.connect(lambda _t: self._load_sessions())
        room_row.addWidget(self.room_label)
        room_row.addWidget(self.room, 1)
        left.addLayout(room_row)
        self.sessions = QListWidget(objectName="recSessions")
        self.sessions.currentRowChanged.connect(self._session_selected)
        left.addWidget(self.sessions, 2)
        self.markers = QTableWidget(0, 3)
        self.markers.verticalHeader().setVisible(False)
        self.markers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.markers.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        mh = self.markers.horizontalHeader()
        mh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        mh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.markers.cellDoubleClicked.connect(lambda row, _col: self.play_marker(row))
        left.addWidget(self.markers, 3)
        right = QVBoxLayout()
        self.video = VideoView()
        right.addWidget(self.video, 1)
        controls = QHBoxLayout()
        self.play_btn = QPushButton(objectName="primary")
        self.play_btn.clicked.connect(self.toggle_play)
        self.marker_btn = QPushButton()
        self.marker_btn.clicked.connect(lambda: self.play_marker(self.markers.currentRow()))
        self.position = QLabel()
        controls.addWidget(self.play_btn)
        controls.addWidget(self.marker_btn)
        controls.addWidget(self.position, 1)
        right.addLayout(controls)
        self.segment_info = QLabel(objectName="muted")
        self.segment_info.setWordWrap(True)
        right.addWidget(self.segment_info)
        export = QHBoxLayout()
        self.from_edit = QDateTimeEdit()
        self.to_edit = QDateTimeEdit()
        for e in (self.from_edit, self.to_edit):
            e.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            e.setTimeZone(BEIJING_TZ)
        self.export_btn = QPushButton()
        self.export_btn.clicked.connect(self.export)
        self.arrow = QLabel("→")
        export.addWidget(self.from_edit, 1)
        export.addWidget(self.arrow)
        export.addWidget(self.to_edit, 1)
        export.addWidget(self.export_btn)
        right.addLayout(export)
        self.export_result = QLabel()
        self.export_result.setWordWrap(True)
        right.addWidget(self.export_result)
        self.left_box, self.right_box = QWidget(), QWidget()
        self.left_box.setLayout(left)
        self.right_box.setLayout(right)
        for lay in (left, right):
            lay.setContentsMargins(0, 8, 0, 0)
        self.body.addWidget(self.left_box, 2)
        self.body.addWidget(self.right_box, 3)

        self.frameArrived.connect(self._show_frame)
        self.playerError.connect(self._show_error)
        ctx.bridge.journalEntries.connect(self._entries)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(1000)
        self.retranslate()

    @staticmethod
    def tab_title() -> str:
        """The tab's (translated) title, for ``TabHost.add_tab``."""
        return QCoreApplication.translate("ReviewTab", "录像回放")

    # --- player wiring (any thread) ---------------------------------------------------------------

    def set_player(self, player: Player) -> None:
        self.player = player

    def post_frame(self, rgb: np.ndarray, pos: float, duration: float) -> None:
        """Thread-safe: a decoded frame for display."""
        self.frameArrived.emit(rgb, pos, duration)

    def post_error(self, message: str) -> None:
        self.playerError.emit(message)

    def _show_frame(self, rgb: object, pos: float, duration: float) -> None:
        self.frames_shown += 1
        self.video.show_frame(rgb)  # type: ignore[arg-type]  # the player's RGB array, through a Qt signal
        self.position.setText(f"{pos:5.1f} / {duration:.1f} s")

    def _show_error(self, message: str) -> None:
        self.segment_info.setText(self.tr("无法播放：%1。文件可能已按保存期限删除，或已损坏。").replace("%1", message))

    # --- data -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.room.currentText()
        rooms = self.recordings.rooms()
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItems(rooms)
        if current in rooms:
            self.room.setCurrentText(current)
        self.room.blockSignals(False)
        self._load_sessions()
        self._tick()

    def _load_sessions(self) -> None:
        room = self.room.currentText()
        self._sessions = self.recordings.sessions(room) if room else []
        row = self.sessions.currentRow()
        self.sessions.clear()
        for r in self._sessions:
            name = r.session_id or self.tr("无场次（手动录像）")
            text = (f"{beijing_text(r.started_at, '%m-%d %H:%M')}–{beijing_text(r.ended_at, '%H:%M')}  {name}  {r.title}\n"
                    + self.tr("%1 个片段 · %2 MB · %3 个标记").replace("%1", str(r.segments))
                    .replace("%2", f"{r.bytes / 1e6:.1f}").replace("%3", str(r.markers)))
            QListWidgetItem(text, self.sessions)
        if not self._sessions:
            self.segment_info.setText(self.tr("本场地还没有录像。场次开始（开标、拍卖）时自动录像，也可以填写原因后手动开始。"))
        if self._sessions:
            self.sessions.setCurrentRow(min(max(row, 0), len(self._sessions) - 1))
        else:
            self.markers.setRowCount(0)

    def select_first(self) -> None:
        """Select the newest session and play its first marker (or segment)."""
        if self._sessions:
            self.sessions.setCurrentRow(0)
            self._session_selected(0)
            self.play_marker(0 if self._markers else -1)

    def _session_selected(self, row: int) -> None:
        if not (0 <= row < len(self._sessions)):
            return
        r = self._sessions[row]
        self._markers = [m for m in self.recordings.markers(r.room_code, since=r.started_at - dt.timedelta(minutes=5),
                                                            until=r.ended_at + dt.timedelta(minutes=5))
                         if m.session_id in (r.session_id, None)]
        self.markers.setRowCount(len(self._markers))
        for i, m in enumerate(self._markers):
            cells = (beijing_text(m.at, "%H:%M:%S"), self._kind_text(m.kind), m.label)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if m.is_gap:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.markers.setItem(i, col, item)
        self.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(r.started_at.timestamp()), BEIJING_TZ))
        self.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(r.ended_at.timestamp()) + 1, BEIJING_TZ))

    def _kind_text(self, kind: str) -> str:
        names = {
            "recording.gap": self.tr("录像中断"), "recording.lost": self.tr("片段丢失"),
            "auction.bid": self.tr("出价"), "auction.result": self.tr("落槌/结果"),
            "opening.stage": self.tr("开标环节"), "opening.objection": self.tr("异议"),
        }
        return names.get(kind, kind)

    # --- actions ----------------------------------------------------------------------------------

    def play_marker(self, row: int) -> None:
        """Play the segment that shows marker ``row`` from its instant (row −1: the session's start)."""
        srow = self.sessions.currentRow()
        if not (0 <= srow < len(self._sessions)):
            return
        r = self._sessions[srow]
        at = self._markers[row].at if 0 <= row < len(self._markers) else r.started_at
        found = self.recordings.segment_at(r.room_code, at)
        if found is None:
            self.segment_info.setText(self.tr("该时刻没有录像（可能正处于中断期间）。"))
            return
        seg, offset = found
        self.segment_info.setText(
            self.tr("%1 第 %2 段 · %3–%4 · SHA-256 %5… · 日志序号 %6 · %7")
            .replace("%1", seg.camera).replace("%2", str(seg.segment_no))
            .replace("%3", beijing_text(seg.started_at, "%H:%M:%S")).replace("%4", beijing_text(seg.ended_at, "%H:%M:%S"))
            .replace("%5", seg.sha256[:16]).replace("%6", str(seg.journal_seq))
            .replace("%7", self.tr("已上传") if seg.uploaded else self.tr("待上传"))
        )
        if self.player is not None:
            self.player.open(Path(seg.path), offset, play=True)
        self._update_play()

    def toggle_play(self) -> None:
        if self.player is None:
            return
        if self.player.playing:
            self.player.pause()
        else:
            self.player.play()
        self._update_play()

    def _update_play(self) -> None:
        playing = self.player is not None and self.player.playing
        self.play_btn.setText(self.tr("暂停") if playing else self.tr("播放"))

    def export(self) -> None:
        room = self.room.currentText()
        start = dt.datetime.fromtimestamp(self.from_edit.dateTime().toSecsSinceEpoch(), BEIJING)
        end = dt.datetime.fromtimestamp(self.to_edit.dateTime().toSecsSinceEpoch(), BEIJING)
        out = self.recordings.hall.config.data_dir / "exports" / f"{room}_{start:%Y%m%d-%H%M%S}_{end:%H%M%S}"
        try:
            res = self.recordings.export_clip(room, start, end, out)
        except LookupError:
            self.export_result.setObjectName("error")
            self.export_result.setText(self.tr("该时间段没有录像，请调整起止时间。"))
        except OSError as exc:
            self.export_result.setObjectName("error")
            self.export_result.setText(self.tr("导出失败：%1。请检查磁盘空间。").replace("%1", type(exc).__name__))
        except ValueError as exc:  # a sealed segment that does not decrypt here, or not the catalogued one
            self.export_result.setObjectName("error")
            self.export_result.setText(self.tr("导出失败：录像文件无法解密或与目录记录不符（%1）。")
                                       .replace("%1", type(exc).__name__))
        else:
            check = verify_export(out)
            self.last_export = out
            self.export_result.setObjectName("" if check.ok else "error")
            covered = (self.tr("其中 %1 个文件尚无平台回执覆盖，同步后可再导出。").replace("%1", str(res.uncovered))
                       if res.uncovered else self.tr("每个文件都有平台回执覆盖。"))
            self.export_result.setText(
                self.tr("已导出 %1 个文件（%2 MB）到 %3，校验%4。")
                .replace("%1", str(res.files)).replace("%2", f"{res.bytes / 1e6:.1f}").replace("%3", str(out))
                .replace("%4", self.tr("通过") if check.ok else self.tr("失败")) + covered
            )
        self.export_result.style().polish(self.export_result)

    def _operator(self) -> str:
        op = getattr(self.window(), "page", None)
        info = getattr(op, "operator", None)
        return info.username if info is not None else ""

    def _request(self, action: str) -> None:
        room = self.room.currentText() or self.ctx.hall.config.site.room_code
        try:
            self.recordings.request(room, action, self.reason.text(), self._operator() or "admin")
        except ReasonRequired:
            self.message.setObjectName("error")
            self.message.setText(bilingual(self.ctx, ReasonRequired.zh, ReasonRequired.en))
        else:
            self.message.setObjectName("muted")
            self.message.setText(
                (self.tr("已请求开始录像：%1") if action == "start" else self.tr("已请求停止录像：%1")).replace("%1", room)
            )
            self.reason.clear()
        self.message.style().polish(self.message)

    def _entries(self, entries: list) -> None:
        if any(getattr(e, "kind", "").startswith("recording.") for e in entries) and self.isVisible():
            self._load_sessions()

    def _tick(self) -> None:
        st = self.status() if self.status is not None else None
        disk = self.recordings.disk()
        alarm = (st.disk_alarm or st.mic_alarm if st is not None else None) or disk.alarm()
        self.alarm.setVisible(alarm is not None)
        if alarm is not None:
            self.alarm.setText(bilingual(self.ctx, *alarm))
        if st is None:
            self.state.setText(self.tr("本终端不录像（未配置摄像头）· 磁盘剩余 %1 GB").replace("%1", f"{disk.free_bytes / 2**30:.0f}"))
            self.state.setProperty("rec", "off")
        else:
            cams = " · ".join(f"{c.name} {c.fps:.0f} fps" + (self.tr(" 丢帧 %1").replace("%1", str(c.dropped)) if c.dropped else "")
                              for c in st.cameras)
            self.state.setText(
                (self.tr("● 录像中 %1").replace("%1", st.session_id or self.tr("（手动）")) if st.recording else self.tr("未在录像"))
                + f"  {cams}  " + self.tr("磁盘剩余 %1 GB").replace("%1", f"{disk.free_bytes / 2**30:.0f}")
            )
            self.state.setProperty("rec", "on" if st.recording else "off")
        self.state.style().polish(self.state)

    # --- layout and language ----------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def retranslate(self) -> None:
        self.title.setText(self.tr("录像回放"))
        self.room_label.setText(self.tr("场地"))
        self.reason.setPlaceholderText(self.tr("手动开始/停止录像的原因（必填）"))
        self.start_btn.setText(self.tr("开始录像"))
        self.stop_btn.setText(self.tr("停止录像"))
        self.marker_btn.setText(self.tr("从标记处播放"))
        self.export_btn.setText(self.tr("导出片段"))
        self.markers.setHorizontalHeaderLabels([self.tr("时间"), self.tr("事件"), self.tr("说明")])
        self._update_play()
        self._tick()
