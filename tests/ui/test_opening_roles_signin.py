"""The role sign-in panel on the host console (issue 15 must 1/4): the host's card before any act, a card that is
not the appointee's refused in Chinese and English, a hall account standing in only with a reason, a card bound
to a hall account asking for its PIN, masked names on the console and the big screen, both orientations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from hallkiosk.app import build_terminal, ensure_qapp, grab
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.ports import CardEvent
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.roles import card_of
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded
from ui.opening.board import plain

TODAY = dt.datetime.now(BEIJING).date()
S2 = demo_day(TODAY)["sessions"][1]["session_id"]  # host 周海燕, supervisor 钱明, witness 赵晓东; no recorder
START2 = dt.datetime.combine(TODAY, dt.time(10, 0), BEIJING)
SHOTS = Path(os.environ.get("HALL_KIOSK_SHOTS", "")) if os.environ.get("HALL_KIOSK_SHOTS") else None


@pytest.fixture
def term(qapp, tmp_path: Path):  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, room_code="KB-01"))
    hall = Hall.open(cfg, clock=FixedClock(START2 - dt.timedelta(minutes=10)))
    with hall.unit() as s:  # the witness also has a hall account: their card needs its PIN too
        hall.operators.link_card(s, "host", hall.vault.lookup_hmac(card_of(hall, S2, "witness").id_number))
    t = build_terminal(cfg, "host", follow=True, devices=False, sync=False, big_screen=True, hall=hall)
    login(t.window.page, "host", "111111")
    con = t.opening.screens["console"]
    t.window.page.work.setCurrentWidget(con)
    con.select_session(S2)
    wait_until(lambda: con.view is not None and con.signin.loads > 0 and con.signin.armed == "host")
    yield t
    t.stop()


def place(t, card) -> None:  # type: ignore[no-untyped-def]
    """A card on the console's reader (the reader thread posts it through the bridge)."""
    panel = t.opening.screens["console"].signin
    t.ctx.bridge.post_card_event(CardEvent("card", card))
    wait_until(lambda: panel.busy)
    wait_until(lambda: not panel.busy)


def shoot(t, name: str, tmp_path: Path, *, always: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Both orientations, no clipped text; the intermediate states only when HALL_KIOSK_SHOTS asks for the PNGs
    (each grab costs ~0.4 s on a loaded machine)."""
    if not (always or SHOTS):
        return
    con = t.opening.screens["console"]
    for w, h in ((1920, 1080), (1080, 1920)):
        out = (SHOTS or tmp_path) / f"opening-roles-{name}-{w}x{h}.png"
        grab(t.window, str(out), (w, h))
        assert clipped_texts(con) == [], (name, w)


def test_the_host_signs_in_by_card_before_any_act_and_refusals_are_shown(term, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    t = term
    con = t.opening.screens["console"]
    panel, hall = con.signin, t.hall
    assert con.action_buttons == {}  # no act before the host's card
    assert panel.prompt.isVisibleTo(con) and "请 主持人 在读卡器上放置身份证" in panel.prompt.text()
    shoot(t, "1-waiting-for-host", tmp_path)
    place(t, card_of(hall, S2, "supervisor"))  # the supervisor's card offered as the host's
    assert "不是平台为本场指定的主持人" in panel.message.text() and "not the host the platform appointed" in panel.message.text()
    assert con.action_buttons == {} and panel.holder("host") is None
    place(t, card_of(hall, S2, "host"))
    wait_until(lambda: panel.holder("host") is not None and "announce" in con.action_buttons)
    assert "周*燕" in panel.holder_labels["host"].text() and "周海燕" not in panel.holder_labels["host"].text()
    # the recorder: nobody appointed, so a hall account stands in — only with a reason
    panel.arm("recorder")
    assert panel.account_box.isVisibleTo(con) and panel.reason.isVisibleTo(con)
    panel.user.setText("clerk")
    panel.pin.setText("333333")
    panel.submit_pin()
    wait_until(lambda: not panel.busy and panel.message.text() != "正在核验…")
    assert "须填写原因" in panel.message.text() and panel.holder("recorder") is None
    panel.reason.setText("平台未指定本场记录人，由窗口工作人员代行")
    panel.pin.setText("333333")
    panel.submit_pin()
    wait_until(lambda: panel.holder("recorder") is not None)
    assert "本厅账号代行" in panel.holder_labels["recorder"].text() and "平台未指定" in panel.holder_labels["recorder"].text()
    # the witness's card is bound to a hall account: the panel keeps the card and asks for that PIN
    panel.arm("witness")
    place(t, card_of(hall, S2, "witness"))
    assert "PIN" in panel.message.text() and panel.pad.isVisibleTo(con) and not panel.user.isVisibleTo(con)
    shoot(t, "2-pin-for-a-bound-card", tmp_path)
    panel.pin.setText("111111")
    panel.submit_pin()
    wait_until(lambda: panel.holder("witness") is not None)
    assert panel.holder("witness").method == "card+pin"  # type: ignore[union-attr]
    # the big screen names the roles, masked
    big = t.opening.screens["big_screen"]
    wait_until(lambda: "见证人 赵*东" in plain(big.roles.text()))
    assert "开标人/主持人 周*燕" in plain(big.roles.text()) and "记录人 赵*口（代行）" in plain(big.roles.text())
    assert "周海燕" not in plain(big.roles.text())
    assert " 赵*东" not in big.roles.text()  # on the wall a role and its holder never break apart
    shoot(t, "3-roles-held", tmp_path, always=True)
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(t.big_screen, str((SHOTS or tmp_path) / f"opening-roles-bigscreen-{w}x{h}.png"), (w, h))
        assert clipped_texts(big) == []
    con.action_buttons["announce"].click()  # the host's act, checked again by the core
    wait_until(lambda: con.act.pending is None and con.view.stage == "announced")
