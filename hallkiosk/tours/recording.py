"""The demo tour of the recording capability (``hall-kiosk demo``): scripted, headless, screenshots.

Not production wiring: ``hallkiosk/wiring_recording.py`` builds the real thing; this drives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from pathlib import Path

from devices.recording import media_source
from hallkiosk.wiring_recording import RoomRecorder
from kiosk.config import Config
from kiosk.hall import Hall
from kiosk.recording import Recordings, label_for
from kiosk.recording import catalogue as cat

# --- demo tour ------------------------------------------------------------------------------------


def record_demo(cfg: Config, seconds: float = 4.0) -> tuple[Hall, RoomRecorder, list]:
    """Record ``seconds`` of the synthetic camera into cfg's hall (tour, tests, bench helpers)."""
    hall = Hall.open(cfg)
    rec = RoomRecorder.from_config(hall)
    stop = threading.Event()
    threads = [threading.Thread(target=loop, args=(stop,), name=name, daemon=True) for name, loop in rec.loops()
               if name.startswith(("rec-capture", "rec-encode"))]
    for t in threads:
        t.start()
    rec.start(None, "演示")
    time.sleep(seconds)
    rec.stop("演示结束")
    stop.set()
    for t in threads:
        t.join(10)
    return hall, rec, threads


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    """A frame grab with the overlay and the review tab, landscape and portrait."""
    import av

    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import _login
    from ui.stall import unmeasured

    shots: list[dict[str, str]] = []
    room = cfg.site.room_code or "KB-01"
    rcfg = dataclasses.replace(
        cfg,
        site=dataclasses.replace(cfg.site, room_code=room, terminal_id="REC-DEMO"),
        recording=dataclasses.replace(cfg.recording, cameras="synthetic?width=1280&height=720&fps=10", microphone="synthetic",
                                      width=1280, height=720, fps=10, segment_seconds=2),
    )
    with unmeasured():  # the tour records 4.5 s of the synthetic camera first: not a user's wait
        hall, rec, _ = record_demo(rcfg, 4.5)
    try:
        segs = Recordings(hall).segments(room)
        with hall.unit() as s:
            if segs:
                cat.add_marker(s, room_code=room, session_id=None, at=segs[0].started_at + dt.timedelta(seconds=1),
                               kind="opening.stage", label=label_for("opening.stage", {"stage": "reading"}))
        if segs:
            with av.open(media_source(Path(segs[0].path), hall.vault), mode="r") as c:  # sealed at rest: decrypted in memory
                frame = next(c.decode(video=0))
                path = out / "recording-frame-overlay.png"
                frame.to_image().save(path)
                shots.append({"role": "admin", "screen": "recording-frame", "file": path.name, "lang": "zh_CN"})
    finally:
        hall.close()
    ensure_qapp(headless=True)
    acfg = dataclasses.replace(rcfg, recording=dataclasses.replace(rcfg.recording, cameras=""),
                               site=dataclasses.replace(rcfg.site, terminal_id="ADMIN-REC-DEMO"))
    term = build_terminal(acfg, "admin", follow=False, devices=False, sync=False)
    try:
        _login(term, "admin")
        tab = term.recording_tab
        assert tab is not None  # the admin console has the review tab
        term.window.page.work.setCurrentWidget(tab)
        tab.refresh()
        tab.select_first()
        deadline = time.monotonic() + 5
        from PySide6.QtWidgets import QApplication

        while tab.frames_shown == 0 and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)
        for w, h in ((1920, 1080), (1080, 1920)):
            path = out / f"admin-recording-{w}x{h}.png"
            grab(term.window, str(path), (w, h))
            shots.append({"role": "admin", "screen": "recording", "file": path.name, "lang": "zh_CN"})
    finally:
        term.stop()
    return shots
