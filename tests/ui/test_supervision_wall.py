"""The supervision wall (role ``supervisor``, issue 18 must 1): a tile per room with its camera and live
state, an alert sounded and acknowledged with a note, a pause ordered and lifted by the session's
supervisor after signing in by ID card; both orientations, nothing clipped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from hallkiosk.app import build_terminal, ensure_qapp, grab
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.ports import CardEvent
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.roles import card_of
from tests.helpers.screens import clipped_texts, wait_until
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
S1 = demo_day(TODAY)["sessions"][0]["session_id"]  # KB-03 at 09:30
START1 = dt.datetime.combine(TODAY, dt.time(9, 30), BEIJING)
SHOTS = Path(os.environ.get("HALL_KIOSK_SHOTS", "")) if os.environ.get("HALL_KIOSK_SHOTS") else None


@pytest.fixture
def term(qapp, tmp_path: Path):
    ensure_qapp()
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    cfg = dataclasses.replace(cfg, supervision=dataclasses.replace(
        cfg.supervision, cameras="KB-03=synthetic,KB-01=synthetic,PM-01=synthetic"))
    hall = Hall.open(cfg, clock=FixedClock(START1 + dt.timedelta(minutes=1)))
    t = build_terminal(cfg, "supervisor", follow=True, devices=False, sync=False, hall=hall)
    yield t
    t.stop()


def orders(hall: Hall) -> list[dict]:
    with hall.reading() as s:
        return [json.loads(b) for b in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "supervision.order"))]


def test_the_wall_shows_rooms_sounds_an_alert_and_the_supervisor_acknowledges_and_orders(term, tmp_path: Path) -> None:
    t = term
    wall, wiring, hall = t.supervision.wall, t.supervision, t.hall
    wait_until(lambda: {"KB-03", "KB-01", "PM-01"} <= set(wall.tiles) and all(
        wall.tiles[r].frames > 0 for r in ("KB-03", "KB-01", "PM-01")))
    tile = wall.tiles["KB-03"]
    assert S1 in tile.info.text() and "开标：未开始" in tile.info.text()
    assert max(f.fps for f in wiring.feeds.values()) <= 10
    img = tile._image
    assert img is not None and img.width() <= 320 and img.height() <= 180
    # five minutes late: the watch raises it, the wall lists it and sounds it once
    hall.clock.set(START1 + dt.timedelta(minutes=5, seconds=1))
    wait_until(lambda: any(a.alert.rule == "opening_late" for a in wall.alerts))
    wait_until(lambda: len(wiring.sounded) == 1)
    assert wiring.sounded[0].alert.session_id == S1 and not wall.ack.isEnabled()  # nobody signed in yet
    wait_until(lambda: tile.property("alert") is True)  # the room's tile is marked while its alert is open
    # the session's supervisor signs in by card
    wall.select_room("KB-03")
    wait_until(lambda: wall.signin.ready and not wall.signin.busy)
    wall.signin.arm("supervisor")
    t.ctx.bridge.post_card_event(CardEvent("card", card_of(hall, S1, "supervisor")))
    wait_until(lambda: wall.supervisor() is not None and wall.pause_btn.isEnabled())
    assert "*" in wall.signin.holder_labels["supervisor"].text()
    # acknowledged with a note
    wall.note.setText("已联系主持人：投标人代表在途")
    wall.ack.click()
    wait_until(lambda: wall.alerts and all(a.acked for a in wall.alerts))
    wait_until(lambda: tile.property("alert") is False)
    # a pause needs a reason, then stands on the tile until the resume
    wall.pause_btn.click()
    wait_until(lambda: "原因" in wall.message.text())
    wall.reason.setText("现场投诉，暂停核查")
    wall.pause_btn.click()
    wait_until(lambda: tile.pause.isVisibleTo(tile) and "监督人暂停" in tile.pause.text())
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(t.window, str((SHOTS or tmp_path) / f"supervision-wall-{w}x{h}.png"), (w, h))
        assert clipped_texts(wall.findChild(type(wall.signin))) == [], w
    wall.reason.setText("核查完毕，继续开标")
    wait_until(lambda: wall.resume_btn.isEnabled())
    wall.resume_btn.click()
    wait_until(lambda: not tile.pause.isVisibleTo(tile))
    assert [o["order"] for o in orders(hall)] == ["pause", "resume"]
    # the witness's mode: the session's checklist, a step seen, an irregularity needs its text
    panel = wall.witness
    wall.tabs.setCurrentWidget(panel)
    wait_until(lambda: panel.signin.ready and not panel.signin.busy and panel.steps.count() > 0)
    panel.signin.arm("witness")
    t.ctx.bridge.post_card_event(CardEvent("card", card_of(hall, S1, "witness")))
    wait_until(lambda: panel.seen.isEnabled())
    panel.steps.setCurrentRow(0)
    panel.seen.click()
    wait_until(lambda: any(n.step == "announced" for n in panel.notes))
    assert panel.steps.item(0).text().startswith("✔")
    panel.steps.setCurrentRow(1)
    panel.irregular.click()
    wait_until(lambda: "不能为空" in panel.message.text())
    panel.text.setText("公布投标人时未展示递交时间")
    panel.irregular.click()
    wait_until(lambda: any(n.irregular for n in panel.notes))
    grab(t.window, str((SHOTS or tmp_path) / "supervision-witness-1920x1080.png"), (1920, 1080))
    assert "⚠" in panel.steps.item(1).text() and [n.step for n in panel.notes] == ["announced", "bidders"]
    # a tile opens to the full view, and back
    tile.opened.emit("KB-03")
    assert wall.stack.currentWidget() is wall.full_page
    wait_until(lambda: wall.full_tile.frames > 0)
    wall.show_grid()
    assert wall.stack.currentWidget() is wall.grid_page
