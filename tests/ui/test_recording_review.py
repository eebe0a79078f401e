"""The admin's review tab 录像回放 in a real admin terminal: sessions, markers, play from a marker, export."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from hallkiosk.app import build_terminal, ensure_qapp
from hallkiosk.demo import _login
from hallkiosk.tours.recording import record_demo
from kiosk.config import Config
from kiosk.recording import catalogue as cat
from kiosk.recording import verify_export
from tests.helpers.screens import clipped_texts


@pytest.fixture
def recorded_cfg(demo_cfg: Config) -> Config:
    cfg = dataclasses.replace(
        demo_cfg,
        site=dataclasses.replace(demo_cfg.site, room_code="KB-03"),
        recording=dataclasses.replace(demo_cfg.recording, cameras="synthetic?width=320&height=240&fps=10",
                                      microphone="synthetic", width=320, height=240, fps=10, segment_seconds=1),
    )
    hall, _rec, _ = record_demo(cfg, 2.3)
    with hall.unit() as s:
        first = cat.segments(s, data_dir=hall.config.data_dir, room_code="KB-03")[0]
        cat.add_marker(s, room_code="KB-03", session_id=None, at=first.started_at + dt.timedelta(seconds=1.5),
                       kind="opening.stage", label="开标进入：唱标")
    hall.close()
    return dataclasses.replace(cfg, recording=dataclasses.replace(cfg.recording, cameras=""))


def test_review_tab_lists_plays_from_marker_and_exports(qtbot, recorded_cfg: Config) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    term = build_terminal(recorded_cfg, "admin", follow=False, devices=False, sync=False)
    try:
        _login(term, "admin")
        tab = term.recording_tab
        term.window.page.work.setCurrentWidget(tab)
        term.window.resize(1920, 1080)
        term.window.show()
        tab.refresh()
        assert tab.room.currentText() == "KB-03"
        assert tab.sessions.count() == 1 and "无场次" in tab.sessions.item(0).text()
        assert tab.markers.rowCount() == 1 and tab.markers.item(0, 2).text() == "开标进入：唱标"
        tab.play_marker(0)
        qtbot.waitUntil(lambda: tab.frames_shown > 0, timeout=5000)
        assert "第 2 段" in tab.segment_info.text()  # 1.5 s into 1-second segments → the second one
        assert 0.5 <= float(tab.position.text().split("/")[0]) <= 1.1  # started at the marker, 0.5 s in
        assert tab.video.pixmap() is not None and not tab.video.pixmap().isNull()
        tab.toggle_play()
        assert tab.play_btn.text() in ("播放", "暂停")
        tab.export()
        assert tab.last_export is not None and verify_export(tab.last_export).ok
        assert "校验通过" in tab.export_result.text()
        tab.reason.setText("")
        tab._request("start")
        assert tab.message.objectName() == "error" and "原因" in tab.message.text()
        tab.reason.setText("检查摄像头")
        tab._request("start")
        entry = term.hall.recent_entries(1)[0]
        assert entry.kind == "recording.requested" and entry.payload["operator"] == "admin"
        assert entry.payload["reason"] == "检查摄像头"
        for w, h in ((1920, 1080), (1080, 1920)):
            term.window.resize(w, h)
            qtbot.wait(50)
            assert clipped_texts(tab) == [], (w, h)
    finally:
        term.stop()
        term.window.deleteLater()


def test_review_tab_in_english(qtbot, recorded_cfg: Config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    term = build_terminal(recorded_cfg, "admin", lang="en", follow=False, devices=False, sync=False)
    try:
        _login(term, "admin")
        tab = term.recording_tab
        assert tab.export_btn.text() == "Export clip" and tab.title.text() == "Recordings"
    finally:
        term.ctx.languages.set("zh_CN")
        term.stop()
        term.window.deleteLater()
