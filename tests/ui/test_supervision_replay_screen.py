"""The replay screen (issue 18 must 5, docs/rules/supervision.md §6 RS1–RS3): a room's video beside its
entries, the cursor following the video and a click seeking it, playing on across segments, an export
replayed from its manifest, and the wall's jump from an alert — real H.264 segments, the real
``SegmentPlayer`` decoding on its own thread, a real hall; both orientations, nothing clipped."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle

from devices.recording import SegmentPlayer
from hallkiosk.app import ensure_qapp
from hallkiosk.jobs import JobRunner
from hallkiosk.threads import Threads
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.recording import Recordings
from kiosk.staffing import StaffingService
from kiosk.supervision import Alert, SupervisionService
from kiosk.timeutil import BEIJING
from tests.helpers.replay import add_segment, level_of
from tests.helpers.screens import clipped_texts, wait_until
from tests.helpers.seeded import seeded
from ui.bridge import QtBridge
from ui.context import UiContext
from ui.i18n import Languages
from ui.supervision.replay import ReplayScreen
from ui.supervision.wall import SupervisionWall, WallPage

T0 = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
SHOTS = Path(os.environ.get("HALL_KIOSK_SHOTS", "")) if os.environ.get("HALL_KIOSK_SHOTS") else None


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, Any]]:
    ensure_qapp()
    hall = Hall.open(seeded(load_config(data_dir=tmp_path / "hall", environ={})), clock=FixedClock(T0 + dt.timedelta(minutes=5)))
    threads = Threads()
    bridge = QtBridge()
    ctx = UiContext(hall=hall, bridge=bridge, languages=Languages(), role="supervisor", jobs=JobRunner(threads, bridge))
    svc = SupervisionService(hall)
    a = add_segment(hall, "KB-03", T0, 3)
    b = add_segment(hall, "KB-03", T0 + dt.timedelta(seconds=3), 3, first_second=3)
    (alert,) = svc.raise_alerts([Alert("k", "microphone", "KB-03", None, "麦克风已关闭", "microphone off",
                                       T0 + dt.timedelta(seconds=3, milliseconds=200))])
    screen = ReplayScreen(ctx, svc)
    player = SegmentPlayer(on_frame=screen.post_frame, on_error=screen.post_error)
    screen.set_player(player)
    threads.start("replay-player", player.run)
    yield {"hall": hall, "ctx": ctx, "svc": svc, "screen": screen, "segs": (a, b), "alert": alert, "tmp": tmp_path}
    threads.stop()
    screen.deleteLater()
    hall.close()


def settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end)


def grey(screen: ReplayScreen) -> int:
    img = screen._image
    assert img is not None
    return int(img.pixelColor(5, 5).red())


def near(value: int, want: int) -> bool:
    return abs(value - want) <= 8


def test_rs1_the_video_plays_the_moment_and_the_cursor_follows_and_a_click_seeks(env: dict[str, Any]) -> None:
    screen: ReplayScreen = env["screen"]
    screen.resize(1920, 1080)
    screen.show()
    screen.show_moment("KB-03", T0 + dt.timedelta(seconds=2, milliseconds=500))
    wait_until(lambda: screen.replay is not None and screen.frames_shown > 0)
    assert near(grey(screen), level_of(2))  # second 2 of the first segment
    assert screen.moments.count() == 1 and "麦克风已关闭" in screen.moments.item(0).text()
    assert screen.moments.currentRow() == -1  # the video is before the alert's moment
    wait_until(lambda: screen.shown_at is not None and screen.shown_at >= T0 + dt.timedelta(seconds=3, milliseconds=300), 8)
    assert screen.clip is not None and screen.clip.path == env["segs"][1].path  # played on into the next segment
    assert screen.moments.currentRow() == 0  # the cursor followed the video past the alert
    screen.toggle_play()  # pause, then a click on the entry seeks there
    assert not screen.playing
    screen.step(-10)  # before the recording: the first segment from its start
    wait_until(lambda: screen.shown_at is not None and screen.shown_at < T0 + dt.timedelta(seconds=1))
    wait_until(lambda: near(grey(screen), level_of(0)))
    assert screen.moments.currentRow() == -1
    screen._moment_clicked(screen.moments.item(0))
    wait_until(lambda: near(grey(screen), level_of(3)))
    assert screen.shown_at is not None and abs((screen.shown_at - (T0 + dt.timedelta(seconds=3.2))).total_seconds()) < 0.2
    assert screen.moments.currentRow() == 0
    for w, h in ((1920, 1080), (1080, 1920)):
        screen.resize(w, h)
        settle(0.2)
        assert clipped_texts(screen) == [], (w, h)
        if SHOTS:
            screen.grab().save(str(SHOTS / f"supervision-replay-{w}x{h}.png"))


def test_rs6_the_time_bar_follows_the_video_and_a_touch_on_it_seeks(env: dict[str, Any]) -> None:
    """The time bar spans what was recorded and listed (the two segments: 6 s); its handle follows the
    video; a touch on the bar goes to that second, across segments; dragging seeks only when let go."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    screen: ReplayScreen = env["screen"]
    screen.resize(1920, 1080)
    screen.show()
    screen.show_moment("KB-03", T0 + dt.timedelta(seconds=1))
    wait_until(lambda: screen.replay is not None and screen.frames_shown > 0)
    bar = screen.timeline
    assert bar.isEnabled() and (bar.minimum(), bar.maximum()) == (0, 6)
    assert (screen.span_from.text(), screen.span_to.text()) == ("10:00:00", "10:00:06")
    screen.toggle_play()  # paused: the handle stays where the frame is
    wait_until(lambda: bar.value() == int((screen.shown_at - T0).total_seconds()))
    x = QStyle.sliderPositionFromValue(0, 6, 5, bar.width())  # a touch at second 5: the second segment
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(max(1, min(bar.width() - 2, x)), bar.height() // 2))
    wait_until(lambda: near(grey(screen), level_of(5)))
    assert screen.clip is not None and screen.clip.path == env["segs"][1].path
    assert bar.value() == 5
    bar.setSliderDown(True)  # held: the video does not move while the finger slides ...
    bar.setSliderPosition(1)
    settle(0.3)
    assert near(grey(screen), level_of(5))
    bar.setSliderDown(False)  # ... and goes there when it is let go
    wait_until(lambda: near(grey(screen), level_of(1)))
    assert screen.clip is not None and screen.clip.path == env["segs"][0].path


def test_rs2_an_export_replays_from_its_manifest_and_a_wrong_folder_is_said(env: dict[str, Any]) -> None:
    screen: ReplayScreen = env["screen"]
    out = env["tmp"] / "export"
    Recordings(env["hall"]).export_clip("KB-03", T0, T0 + dt.timedelta(seconds=6), out)
    screen.show_export(env["tmp"] / "nothing-here")
    wait_until(lambda: "清单" in screen.message.text())
    screen.export_dir.setText(str(out))
    screen.export_btn.click()
    wait_until(lambda: screen.replay is not None and screen.replay.source == str(out) and screen.frames_shown > 0)
    assert screen.clip is not None and Path(screen.clip.path).parent == out
    assert near(grey(screen), level_of(0)) and "导出目录" in screen.moments_title.text()
    env["ctx"].languages.set("en")  # the same screen in English: nothing clipped either way round
    try:
        wait_until(lambda: screen.go.text() == "Go")  # the language change arrives as an event
        assert screen.play_btn.text() in ("Pause", "Play")
        for w, h in ((1920, 1080), (1080, 1920)):
            screen.resize(w, h)
            screen.show()
            settle(0.1)
            assert clipped_texts(screen) == [], (w, h)
            if SHOTS:
                screen.grab().save(str(SHOTS / f"supervision-replay-en-{w}x{h}.png"))
    finally:
        env["ctx"].languages.set("zh_CN")


def test_rs3_the_walls_alert_opens_the_replay_at_the_alerts_moment_and_back(env: dict[str, Any]) -> None:
    ctx: UiContext = env["ctx"]
    page = WallPage(ctx)
    wall = SupervisionWall(ctx, env["svc"], StaffingService(env["hall"]), refresh_ms=60_000)
    page.set_wall(wall)
    page.set_replay(env["screen"])
    page.resize(1920, 1080)
    page.show()
    wait_until(lambda: len(wall.alerts) == 1 and wall.selected_alert() == env["alert"].seq)
    assert wall.replay_alert.isEnabled()  # replay needs no session role: it operates nothing
    wall.replay_alert.click()
    assert page.currentWidget() is env["screen"]
    wait_until(lambda: env["screen"].frames_shown > 0 and env["screen"].replay is not None)
    assert env["screen"].replay.at == T0 + dt.timedelta(seconds=3, milliseconds=200)  # the alert's since
    assert env["screen"].room.currentText() == "KB-03"
    env["screen"].back.click()
    assert page.currentWidget() is wall and not env["screen"].playing
    page.deleteLater()


def test_rs4_the_witness_jumps_from_a_step_to_its_latest_note(env: dict[str, Any]) -> None:
    from kiosk.supervision import RoomState
    from sync.sandbox.seed import demo_day
    from tests.helpers.roles import take_roles
    from tests.helpers.seeded import TEST_DAY
    from ui.supervision.wall import WitnessPanel

    hall: Hall = env["hall"]
    s1 = demo_day(TEST_DAY)["sessions"][0]["session_id"]  # KB-03, 09:30
    hall.clock.set(dt.datetime.combine(TEST_DAY, dt.time(9, 20), BEIJING))  # type: ignore[attr-defined]
    witness = take_roles(hall, s1, ("witness",))["witness"]
    env["svc"].note(witness, s1, "announced", "已见证")
    hall.clock.advance(90)  # type: ignore[attr-defined]
    last = env["svc"].note(witness, s1, "announced", "纪律宣读完毕")
    panel = WitnessPanel(env["ctx"], env["svc"], StaffingService(hall))
    asked: list[tuple[str, object]] = []
    panel.replayRequested.connect(lambda room, at: asked.append((room, at)))
    panel.show_session(RoomState("KB-03", s1, "bid_opening"))
    wait_until(lambda: len(panel.notes) == 2 and panel.steps.count() > 1)
    panel.steps.setCurrentRow(1)  # a step without a note: said, nothing replayed
    panel.replay.click()
    assert asked == [] and "尚无见证记录" in panel.message.text()
    panel.steps.setCurrentRow(0)
    panel.replay.click()
    assert asked == [("KB-03", last.at)]
    panel.deleteLater()


def test_rs5_a_segment_sealed_at_rest_replays_with_the_halls_key(env: dict[str, Any]) -> None:
    hall: Hall = env["hall"]
    seg = add_segment(hall, "KB-05", T0, 2, first_second=5, sealed=True)
    from kiosk.sealed import file_is_sealed

    assert file_is_sealed(Path(seg.path)) and b"ftyp" not in Path(seg.path).read_bytes()[:64]  # no clear MP4 on disk
    screen = ReplayScreen(env["ctx"], env["svc"])
    player = SegmentPlayer(on_frame=screen.post_frame, on_error=screen.post_error, vault=hall.vault)  # as the wiring does
    screen.set_player(player)
    threads = Threads()
    threads.start("replay-sealed", player.run)
    try:
        screen.show_moment("KB-05", T0 + dt.timedelta(seconds=1, milliseconds=500))
        wait_until(lambda: screen.frames_shown > 0 or bool(screen.message.text()))
        assert screen.message.text() == "" and near(grey(screen), level_of(6))
    finally:
        threads.stop()
        screen.deleteLater()
