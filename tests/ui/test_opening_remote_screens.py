"""不见面开标 on the host console and the big screen (issue 19): 现场/在线/未到, online objections in the one
list, how fresh the platform's online events are, and a stale link said at once — in both orientations,
with no clipped text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from hallkiosk.app import build_terminal, ensure_qapp, grab
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from tests.helpers.roles import sign_in_on_panel
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded
from tests.kiosk.test_opening_remote import ONLINE_REGS, S6, START6, deliver, event, signed_in, to_objections

SIZES = ((1920, 1080), (1080, 1920))


@pytest.fixture
def host(qapp, tmp_path: Path):  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, room_code="KB-02"))
    hall = Hall.open(cfg, clock=FixedClock(START6 - dt.timedelta(minutes=10)))
    term = build_terminal(cfg, "host", follow=True, devices=False, sync=False, big_screen=True, hall=hall)
    page = term.window.page
    login(page, "host", "111111")
    con = term.opening.screens["console"]
    page.work.setCurrentWidget(con)
    con.select_session(S6)
    settle(con)
    sign_in_on_panel(con.signin, term.ctx.bridge, hall, S6, ("host",))
    settle(con)
    yield term
    term.stop()


def settle(con: Any) -> None:
    wait_until(lambda: con.act.pending is None and not con.loader.inflight)


def test_console_and_big_screen_show_online_bidders_objections_and_a_stale_link(host, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = host
    hall = term.hall
    con = term.opening.screens["console"]
    big = term.opening.screens["big_screen"]
    svc = term.opening.service
    holder = con.signin.holder("host")
    signed_in(hall, svc)
    to_objections(hall, svc, holder)
    deliver(hall, event(ONLINE_REGS[0], "objection", hall, category="qualification", text="第4家资质证书已过期"))
    assert svc.take_remote_events(S6) == 1
    big.show_session(S6)
    con.refresh_view()
    settle(con)
    wait_until(lambda: con.view is not None and con.view.objections)
    con._tick()
    assert "现场 2 · 在线 2 · 未到 1" in con.remote.text() and "在线事件已同步" in con.remote.text()
    rows = [con.table.item(r, 3).text() for r in range(con.table.rowCount())]
    assert [x.split(" ")[0].split("：")[0] for x in rows] == ["现场", "现场", "在线", "在线", "未到"]
    assert "CA " in rows[2]
    assert "在线投标人提出" in con.alert.text() and "第4家资质证书已过期" in con.alert.text()
    wait_until(lambda: big.view is not None and big.view.objections)
    assert "〔在线〕" in big.objections.text() and "在线 2" in big.note.text()
    for w, h in SIZES:
        grab(term.window, str(tmp_path / f"console-{w}x{h}.png"), (w, h))
        assert clipped_texts(term.window) == [], (w, h)
        grab(term.big_screen, str(tmp_path / f"big-{w}x{h}.png"), (w, h))
        assert clipped_texts(term.big_screen) == [], (w, h)
    hall.clock.advance(30)  # no poll for 30 s: the host sees it at the next tick, and the step waits
    con._tick()
    assert "无法连接交易平台" in con.remote.text() and con.remote.property("state") == "down"
    con.answer.setText("资质由评标委员会审查")
    con.action_buttons["answer"].click()
    settle(con)
    assert svc.view(S6).objections[0].answer == "资质由评标委员会审查"
    assert con.answer.text() == ""  # an answer given is never offered again for the next objection
    con.action_buttons["close_objections"].click()
    settle(con)
    wait_until(lambda: "无法连接交易平台" in con.message.text())
    assert svc.view(S6).stage == "objections"
    grab(term.window, str(tmp_path / "console-stale-1920x1080.png"), (1920, 1080))
