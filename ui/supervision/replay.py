"""Replay any moment (回放, issue 18 must 5): a room's video beside its journal entries, moving together.

Pick a room and a time (or open an exported folder): the segment showing that moment plays on the
left and the room's entries around it are listed on the right. The list's cursor follows the video's
time (:func:`kiosk.supervision.replay.cursor`); clicking an entry seeks the video to it
(:func:`~kiosk.supervision.replay.locate`), across segments and cameras; at a segment's end the next
one plays on. The wall opens this screen at an alert's moment, a room's last minutes, or a witness
note's moment (:meth:`ReplayScreen.show_moment`).

Pictures come from a player the composition root owns (``devices.recording.SegmentPlayer`` on a
thread of ``hallkiosk.wiring_supervision``): this widget calls ``open/seek/play/pause`` on it and
receives frames through :meth:`ReplayScreen.post_frame`, which the player's thread calls. Only the
latest frame is kept for the UI thread (one hand-over through the bridge at a time): a slow UI drops
frames, it never queues them and never shows a stale one after a newer arrived. Loading a moment
reads the catalogue and the journal on a job-runner lane, never on the UI thread.

Signals:
    closed(): the supervisor goes back to the wall.
    loaded(object): the :class:`kiosk.supervision.Replay` just shown (tests, the tour).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kiosk.supervision import Clip, Moment, Replay, SupervisionService
from kiosk.supervision import replay as rp
from kiosk.timeutil import BEIJING, beijing_text
from ui.context import UiContext
from ui.jobs import JobOutcome
from ui.widgets import Retranslatable

BEIJING_TZ = QTimeZone(8 * 3600)
LANE = "supervision-replay"  #: a job-runner lane of its own: a long read never holds the wall's loads
END_SLACK_S = 0.15  #: a frame this close to the file's end is its last: play on into the next segment

STYLE_TEMPLATE = """
QWidget#replay {{ background: #f4f6f9; }}
QLabel#replayTitle {{ font-size: {px24}px; font-weight: bold; color: #1b2430; }}
QLabel#replayVideo {{ background: #000000; color: #9fb3c8; font-size: {px18}px; }}
QLabel#replayStatus {{ font-size: {px17}px; color: #1b2430; }}
QLabel#replayMessage {{ font-size: {px16}px; color: #b00020; }}
QListWidget#replayMoments {{ font-size: {px16}px; }}
QListWidget#replayMoments::item {{ padding: 6px 4px; border-bottom: 1px solid #dde3ea; }}
QListWidget#replayMoments::item:selected {{ background: #2e86de; color: #ffffff; }}
QPushButton, QComboBox, QDateTimeEdit, QLineEdit {{ font-size: {px17}px; min-height: {px44}px; padding: 2px 10px; }}
QLabel#replayTime {{ font-size: {px16}px; color: #51606f; }}
QSlider#replayTimeline {{ min-height: {px44}px; }}
QSlider#replayTimeline::groove:horizontal {{ height: 10px; background: #c9d3de; border-radius: 5px; }}
QSlider#replayTimeline::sub-page:horizontal {{ background: #2e86de; border-radius: 5px; }}
QSlider#replayTimeline::handle:horizontal {{ width: {px28}px; margin: -{px10}px 0; background: #ffffff;
    border: 3px solid #2e86de; border-radius: {px16}px; }}
"""


def replay_style(scale: float = 1.0) -> str:
    return STYLE_TEMPLATE.format(**{f"px{n}": round(n * scale) for n in (10, 16, 17, 18, 24, 28, 44)})


class Player(Protocol):
    def open(self, path: Path, at_s: float = 0.0, *, play: bool = True) -> None: ...
    def play(self) -> None: ...
    def pause(self) -> None: ...
    def seek(self, at_s: float) -> None: ...


class ReplayVideo(QLabel):
    """The replayed frame. Frames arrive already scaled to :attr:`box` (done on the player's thread:
    a QImage may be scaled on any thread, a pixmap only here), so playing costs the UI thread one
    QImage → QPixmap conversion per frame; a resize rescales the last full frame once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 180)
        self.box = (320, 180)  #: the label's size, read by the player's thread (a tuple: replaced whole)
        self.image: QImage | None = None  #: the last frame at full size

    def show_image(self, full: QImage, scaled: QImage | None) -> None:
        self.image = full
        fits = scaled is not None and (scaled.width() == self.width() or scaled.height() == self.height())
        self.setPixmap(QPixmap.fromImage(scaled if fits and scaled is not None else self._fit(full)))

    def forget(self, text: str) -> None:
        self.image = None
        self.clear()
        self.setText(text)

    def _fit(self, image: QImage) -> QImage:
        return image.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.box = (self.width(), self.height())
        if self.image is not None:
            self.setPixmap(QPixmap.fromImage(self._fit(self.image)))


class Timeline(QSlider):
    """The replay's time bar: seconds from the start of what can be replayed. A touch on the bar goes
    to that point at once (not a page step); dragging the handle goes there when it is let go."""

    picked = Signal(int)  #: a second the person chose (a touch, or the handle let go)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("replayTimeline")
        self.setEnabled(False)
        self.sliderReleased.connect(lambda: self.picked.emit(self.value()))

    def show_second(self, second: int) -> None:
        """Move the handle to where the video is, unless the person is holding it."""
        if not self.isSliderDown():
            self.blockSignals(True)
            self.setValue(second)
            self.blockSignals(False)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, self._option(),
                                             QStyle.SubControl.SC_SliderHandle, self)
        if event.button() == Qt.MouseButton.LeftButton and not handle.contains(event.position().toPoint()):
            value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), int(event.position().x()), self.width())
            self.setValue(value)
            self.picked.emit(value)
            event.accept()
            return
        super().mousePressEvent(event)

    def _option(self) -> Any:
        from PySide6.QtWidgets import QStyleOptionSlider

        option = QStyleOptionSlider()
        self.initStyleOption(option)
        return option


def scaled_frame(rgb: np.ndarray, box: tuple[int, int]) -> tuple[QImage, QImage | None]:
    """Any thread: the frame as a QImage and scaled to fit ``box`` (aspect kept)."""
    h, w = rgb.shape[:2]
    full = QImage(np.ascontiguousarray(rgb).data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    if box[0] <= 0 or box[1] <= 0:
        return full, None
    return full, full.scaled(box[0], box[1], Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def moment_line(m: Moment, lang_en: bool = False) -> str:
    return f"{beijing_text(m.at, '%H:%M:%S')}  {m.en if lang_en else m.zh}"


class ReplayScreen(Retranslatable, QWidget):
    """The replay screen (see the module docstring)."""

    closed = Signal()
    loaded = Signal(object)

    def __init__(self, ctx: UiContext, service: SupervisionService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(replay_style())
        self._scale = 1.0
        self.ctx = ctx
        self.service = service
        self.player: Player | None = None
        self.replay: Replay | None = None
        self.clip: Clip | None = None
        self.camera: str | None = None
        self.shown_at: dt.datetime | None = None  #: the instant the frame on screen shows
        self.frames_shown = 0
        self.playing = False
        self._cursor = -2
        self._image: QImage | None = None
        self._lock = threading.Lock()
        self._slot: tuple[QImage, QImage | None, float, float] | None = None
        self._posted = False

        root = QVBoxLayout(self)
        root.setContentsMargins(12, 10, 12, 10)
        head = QHBoxLayout()
        self.back = QPushButton("")
        self.back.clicked.connect(self.close_replay)
        self.title = QLabel("", objectName="replayTitle")
        self.title.setWordWrap(True)
        head.addWidget(self.back)
        head.addWidget(self.title, 1)
        root.addLayout(head)
        pick = QHBoxLayout()
        self.room = QComboBox()
        self.room.setMinimumContentsLength(6)
        self.when = QDateTimeEdit()
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.when.setTimeZone(BEIJING_TZ)
        self.go = QPushButton("")
        self.go.clicked.connect(self.go_to_picked)
        self.export_dir = QLineEdit()
        self.export_btn = QPushButton("")
        self.export_btn.clicked.connect(lambda: self.show_export(Path(self.export_dir.text().strip())))
        pick.addWidget(self.room)
        pick.addWidget(self.when)
        pick.addWidget(self.go)
        pick.addSpacing(16)
        pick.addWidget(self.export_dir, 1)
        pick.addWidget(self.export_btn)
        root.addLayout(pick)
        body = self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        video_col = QVBoxLayout()
        self.video = ReplayVideo()
        self.video.setObjectName("replayVideo")
        self.video.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        video_col.addWidget(self.video, 1)
        self.status = QLabel("", objectName="replayStatus")
        self.status.setWordWrap(True)
        video_col.addWidget(self.status)
        bar = QHBoxLayout()
        self.span_from = QLabel("", objectName="replayTime")
        self.timeline = Timeline()
        self.timeline.picked.connect(self._timeline_picked)
        self.span_to = QLabel("", objectName="replayTime")
        self._span: tuple[dt.datetime, dt.datetime] | None = None
        bar.addWidget(self.span_from)
        bar.addWidget(self.timeline, 1)
        bar.addWidget(self.span_to)
        video_col.addLayout(bar)
        controls = QHBoxLayout()
        self.cameras = QComboBox()
        self.cameras.currentTextChanged.connect(self._camera_changed)
        self.back10 = QPushButton("")
        self.play_btn = QPushButton("")
        self.fwd10 = QPushButton("")
        self.back10.clicked.connect(lambda: self.step(-10))
        self.fwd10.clicked.connect(lambda: self.step(10))
        self.play_btn.clicked.connect(self.toggle_play)
        controls.addWidget(self.cameras)
        controls.addStretch(1)
        for b in (self.back10, self.play_btn, self.fwd10):
            controls.addWidget(b)
        video_col.addLayout(controls)
        self.message = QLabel("", objectName="replayMessage")
        self.message.setWordWrap(True)
        video_col.addWidget(self.message)
        body.addLayout(video_col, 3)
        side = QVBoxLayout()
        self.moments_title = QLabel("", objectName="replayStatus")
        side.addWidget(self.moments_title)
        self.moments = QListWidget(objectName="replayMoments")
        self.moments.setWordWrap(True)
        self.moments.itemClicked.connect(self._moment_clicked)
        side.addWidget(self.moments, 1)
        body.addLayout(side, 2)
        root.addLayout(body, 1)
        self.retranslate()

    # --- choosing a moment --------------------------------------------------------------------------

    def set_player(self, player: Player) -> None:
        self.player = player

    def load_rooms(self) -> None:
        def done(o: JobOutcome) -> None:
            if o.ok:
                keep = self.room.currentText()
                self.room.blockSignals(True)
                self.room.clear()
                self.room.addItems(list(o.value))
                if keep:
                    self.room.setCurrentText(keep)
                self.room.blockSignals(False)
        self.ctx.jobs.run("replay-rooms", self.service.replay_rooms, done, lane=LANE)

    def show_moment(self, room_code: str, at: dt.datetime) -> None:
        """Replay ``room_code`` at ``at`` (from the wall: an alert, a room, a witness note)."""
        if self.room.findText(room_code) < 0:
            self.room.addItem(room_code)
        self.room.setCurrentText(room_code)
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(at.timestamp()), BEIJING_TZ))
        self._say("")
        self.ctx.jobs.run("replay-load", lambda: self.service.replay(room_code, at), self._loaded, lane=LANE)

    def go_to_picked(self) -> None:
        room = self.room.currentText().strip()
        if room:
            self.show_moment(room, dt.datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), BEIJING))

    def show_export(self, directory: Path) -> None:
        """Replay an exported folder (``hall-kiosk recording export``) from its manifest."""
        if not str(directory) or str(directory) == ".":
            self._say(QCoreApplication.translate("ReplayScreen", "请填写导出目录 / enter the export's folder"))
            return
        self._say("")
        self.ctx.jobs.run("replay-export", lambda: SupervisionService.replay_export(directory), self._loaded, lane=LANE)

    def _loaded(self, o: JobOutcome) -> None:
        if not o.ok:
            self._say(f"{o.zh}\n{o.en}")
            return
        r: Replay = o.value
        self.replay = r
        self.clip = None
        self._fill_moments()
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(r.at.timestamp()), BEIJING_TZ))
        if self.room.findText(r.room_code) < 0:
            self.room.addItem(r.room_code)
        self.room.setCurrentText(r.room_code)
        self.cameras.blockSignals(True)
        self.cameras.clear()
        self.cameras.addItems(list(r.cameras))
        self.cameras.blockSignals(False)
        self.camera = r.cameras[0] if r.cameras else None
        self._set_span()
        self._title_moments()
        self.playing = True
        self.seek_to(r.at)
        self.loaded.emit(r)

    def _fill_moments(self) -> None:
        """The entries beside the video, in the screen's language (▶: an alert, a bid, an order, a note)."""
        self._cursor = -2
        self.moments.clear()
        en = self.ctx.languages.current == "en"
        for m in self.replay.moments if self.replay is not None else ():
            item = QListWidgetItem(("▶ " if m.jumpable else "　") + moment_line(m, en))
            item.setData(Qt.ItemDataRole.UserRole, m.at.timestamp())
            self.moments.addItem(item)
        if self.shown_at is not None:
            self._follow(self.shown_at)

    def _title_moments(self) -> None:
        r = self.replay
        if r is None:
            self.moments_title.setText(self.tr("日志记录（点击跳转） / entries, click to seek"))
        elif r.source == "hall":
            self.moments_title.setText(self.tr("前后 15 分钟的日志记录（点击跳转） / entries around, click to seek"))
        else:
            folder, marks = self.tr("导出目录"), self.tr("导出的标记（点击跳转） / the export's markers")
            self.moments_title.setText(f"{folder} {r.source}\n{marks}")

    # --- playing ------------------------------------------------------------------------------------

    def seek_to(self, at: dt.datetime) -> None:
        """Show the moment ``at`` of the chosen camera (in a gap: the next recorded moment, said so)."""
        r = self.replay
        if r is None:
            return
        found = rp.locate(r.clips, at, self.camera)
        if found is None:
            self._image = None
            self.video.forget(QCoreApplication.translate("ReplayScreen", "此时刻之后没有录像 / no recording from this moment"))
            self.shown_at = at
            self._follow(at)
            self._show_status(at)
            return
        clip, offset = found
        self._say(QCoreApplication.translate("ReplayScreen", "此时刻没有录像，从下一段录像开始播放 / nothing recorded then: playing from the next recording")
                  if clip.started_at > at else "")
        if self.player is None:
            self._say(QCoreApplication.translate("ReplayScreen", "本终端没有播放器 / no player on this terminal"))
            return
        if self.clip is not None and clip.path == self.clip.path:
            self.player.seek(offset)
        else:
            self.player.open(Path(clip.path), offset, play=self.playing)
        self.clip = clip
        self.shown_at = clip.time_at(offset)
        self._follow(self.shown_at)
        self._show_status(self.shown_at)

    def step(self, seconds: float) -> None:
        if self.shown_at is not None:
            self.seek_to(self.shown_at + dt.timedelta(seconds=seconds))

    def toggle_play(self) -> None:
        if self.player is None:
            return
        self.playing = not self.playing
        (self.player.play if self.playing else self.player.pause)()
        self._label_play()

    def _camera_changed(self, camera: str) -> None:
        if camera and camera != self.camera:
            self.camera = camera
            self.clip = None
            self._set_span()
            if self.shown_at is not None:
                self.seek_to(self.shown_at)

    def _set_span(self) -> None:
        """The time bar covers what the chosen camera recorded and the entries listed."""
        self._span = rp.span(self.replay, self.camera) if self.replay is not None else None
        if self._span is None:
            self.timeline.setEnabled(False)
            self.span_from.setText("")
            self.span_to.setText("")
            return
        lo, hi = self._span
        self.timeline.setRange(0, int((hi - lo).total_seconds()))
        self.timeline.setPageStep(10)
        self.timeline.setEnabled(True)
        self.span_from.setText(beijing_text(lo, "%H:%M:%S"))
        self.span_to.setText(beijing_text(hi, "%H:%M:%S"))

    def _timeline_picked(self, second: int) -> None:
        if self._span is not None:
            self.seek_to(self._span[0] + dt.timedelta(seconds=second))

    def _moment_clicked(self, item: QListWidgetItem) -> None:
        at = dt.datetime.fromtimestamp(float(item.data(Qt.ItemDataRole.UserRole)), BEIJING)
        self.seek_to(at)

    # --- frames (the player's thread → the UI thread) -----------------------------------------------

    def post_frame(self, rgb: np.ndarray, position_s: float, duration_s: float) -> None:
        """Any thread: keep only the latest frame (scaled here, off the UI thread); hand it over unless a
        hand-over is pending."""
        full, scaled = scaled_frame(rgb, self.video.box)
        with self._lock:
            self._slot = (full, scaled, position_s, duration_s)
            post = not self._posted
            self._posted = True
        if post:
            self.ctx.bridge.call(self._take_frame)

    def post_error(self, message: str) -> None:
        self.ctx.bridge.call(self._say, QCoreApplication.translate("ReplayScreen", "无法播放录像文件") + f"：{message}")

    def _take_frame(self) -> None:
        with self._lock:
            slot, self._slot, self._posted = self._slot, None, False
        if slot is not None:
            self._show_frame(*slot)

    def _show_frame(self, full: QImage, scaled: QImage | None, position_s: float, duration_s: float) -> None:
        self.video.show_image(full, scaled)
        self._image = full
        self.frames_shown += 1
        clip = self.clip
        if clip is None or self.replay is None:
            return
        self.shown_at = clip.time_at(position_s)
        self._follow(self.shown_at)
        self._show_status(self.shown_at)
        if self.playing and duration_s > 0 and position_s >= duration_s - END_SLACK_S:
            nxt = rp.next_clip(self.replay.clips, clip)
            if nxt is not None and self.player is not None:
                self.player.open(Path(nxt.path), 0.0, play=True)
                self.clip = nxt
            else:
                self.playing = False
                self._label_play()

    def _follow(self, at: dt.datetime) -> None:
        """The list's cursor follows the video: the last entry at or before the frame's instant."""
        if self.replay is None:
            return
        i = rp.cursor(self.replay.moments, at)
        if i == self._cursor:
            return
        self._cursor = i
        self.moments.blockSignals(True)
        if i < 0:
            self.moments.clearSelection()
            self.moments.setCurrentRow(-1)
        else:
            self.moments.setCurrentRow(i)
            self.moments.scrollToItem(self.moments.item(i))
        self.moments.blockSignals(False)

    def _show_status(self, at: dt.datetime) -> None:
        clip = self.clip
        seg = (QCoreApplication.translate("ReplayScreen", "摄像机 {0} · 第 {1} 段").format(clip.camera, clip.segment_no)
               if clip is not None else "")
        room = self.replay.room_code if self.replay is not None else ""
        self.status.setText(f"{room}  {beijing_text(at)}  {seg}".strip())
        if self._span is not None:
            self.timeline.show_second(int((at - self._span[0]).total_seconds()))
        self._label_play()

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def close_replay(self) -> None:
        if self.player is not None and self.playing:
            self.player.pause()
        self.playing = False
        self.closed.emit()

    # --- layout and words ---------------------------------------------------------------------------

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        want = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        if self.body.direction() != want:
            self.body.setDirection(want)
            self.body.invalidate()
        scale = max(1.0, min(self.width() / 1900, self.height() / 1000)) if not portrait else 1.0
        if abs(scale - self._scale) > 0.05:
            self._scale = scale
            self.setStyleSheet(replay_style(scale))

    def _label_play(self) -> None:
        self.play_btn.setText(self.tr("暂停 / Pause") if self.playing else self.tr("播放 / Play"))

    def retranslate(self) -> None:
        self.title.setText(self.tr("录像回放 · 视频与日志同步  Replay: video beside the journal"))
        self.back.setText(self.tr("← 返回监控墙 / Wall"))
        self.go.setText(self.tr("前往 / Go"))
        self.export_dir.setPlaceholderText(self.tr("导出目录 / export folder"))
        self.export_btn.setText(self.tr("打开导出 / Open export"))
        self.back10.setText(self.tr("◀ 10 秒"))
        self.fwd10.setText(self.tr("10 秒 ▶"))
        self.cameras.setToolTip(self.tr("摄像机 / camera"))
        self.timeline.setToolTip(self.tr("拖动或点击时间条跳转 / drag or touch the bar to seek"))
        self._title_moments()
        if self.replay is not None:
            self._fill_moments()
        if self.shown_at is not None:
            self._show_status(self.shown_at)
        if self._image is None and not self.video.text():
            self.video.setText(self.tr("请选择会议室和时间 / pick a room and a time"))
        self._label_play()
