"""The opening seen from the kiosk and the room: a bidder's objection raised with an ID card at a
kiosk reaches the host's console (alert) and the big screen; a short quorum is shown on the big
screen while the host decides, then the decision; the record is signed off the UI thread."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from hallkiosk.app import build_terminal, ensure_qapp, grab
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.ports import CardEvent
from tests.helpers.roles import sign_in_on_panel
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded
from tests.kiosk.test_opening import publish_results
from tests.ui.test_opening_screens import DAY, REGS2, S2, START2, card_of, checkin, click, settle

S1 = DAY["sessions"][0]["session_id"]


@pytest.fixture
def room(qapp, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A host console with its big screen (following the journal) and a kiosk, two halls on one database."""
    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
    seeded(cfg)
    hcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, room_code="KB-01", terminal_id="HOST-KB01"))
    hall = Hall.open(hcfg, clock=FixedClock(START2 - dt.timedelta(minutes=10)))
    host = build_terminal(hcfg, "host", follow=True, devices=False, sync=False, big_screen=True, hall=hall)
    kcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="KIOSK-07"))
    khall = Hall.open(kcfg, clock=FixedClock(START2 + dt.timedelta(minutes=15)))
    kiosk = build_terminal(kcfg, "kiosk", follow=False, devices=False, sync=False, hall=khall)
    page = host.window.page
    login(page, "host", "111111")
    con = host.opening.screens["console"]
    page.work.setCurrentWidget(con)
    con.select_session(S2)
    settle(con)
    sign_in_on_panel(con.signin, host.ctx.bridge, hall, S2, ("host", "recorder"))  # the staff's cards (tests/helpers/roles.py)
    settle(con)
    yield host, kiosk
    for t in (kiosk, host):
        t.stop()


def to_reading(host) -> None:  # type: ignore[no-untyped-def]
    """Three bidders checked in, the fourth absent (late); decrypted; the first bid read — at the console."""
    con = host.opening.screens["console"]
    hall = host.hall
    for r in REGS2[:3]:
        checkin(hall, S2, r)
    click(con, "announce")
    hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    con.table.selectRow(next(i for i, b in enumerate(con.view.bidders) if b.attendance == "absent"))
    con.absence.setCurrentIndex(0)
    click(con, "absent")
    click(con, "quorum")
    click(con, "control_price")
    host.opening.service.start_decryption(S2, con.signin.holder("host"), starter=lambda sid: None)  # the platform's part
    publish_results(hall, S2)
    host.opening.service.refresh_decryption(S2)
    con.refresh_view()
    settle(con)
    click(con, "finish_decrypt")
    click(con, "read")
    assert con.view.stage == "reading"


def withdraw_absent(host, con) -> None:  # type: ignore[no-untyped-def]
    """The absent bidders' written withdrawals, recorded with their references (REG 35; the console's
    withdrawal fields are ui/opening/legal.py WithdrawalFields)."""
    for b in con.view.bidders:
        if b.attendance == "absent":
            host.opening.service.record_withdrawal(S2, con.signin.holder("host"), b.registration_id, "withdrawn",
                                                   f"撤回函 {b.registration_id}", "2026-12-06 16:00")
    con.refresh_view()
    settle(con)


def test_kiosk_objection_by_card_reaches_console_and_big_screen(room, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, kiosk = room
    con = host.opening.screens["console"]
    big = host.opening.screens["big_screen"]
    home = kiosk.window.page
    flow = kiosk.opening.screens["objection"]
    assert home.tiles["objection"].isEnabled() and home.tiles["objection"].text() == "开标异议"
    for w, h in ((1920, 1080), (1080, 1920)):  # four tiles on the home screen, both orientations
        grab(kiosk.window, str(tmp_path / f"home-{w}.png"), (w, h))
        assert clipped_texts(home.home) == []
        widths = {t.width() for t in home.tiles.values()}
        assert max(widths) - min(widths) <= 2, widths

    # before the opening begins there is nothing to object to yet: a clear refusal
    home.open_flow("objection")
    grab(kiosk.window, str(tmp_path / "card.png"), (1920, 1080))
    kiosk.ctx.bridge.post_card_event(CardEvent("card", card_of(REGS2[0])))
    qtbot.waitUntil(lambda: flow.currentWidget() is flow.pages["refusal"], timeout=2000)
    assert "正在进行的开标" in flow.refusal_what.text()
    flow.finish()
    assert home.currentWidget() is home.home

    to_reading(host)
    # an absent bidder's representative: refused, told why
    home.open_flow("objection")
    kiosk.ctx.bridge.post_card_event(CardEvent("card", card_of(REGS2[3])))
    qtbot.waitUntil(lambda: flow.currentWidget() is flow.pages["refusal"], timeout=2000)
    assert "尚未签到" in flow.refusal_what.text() and flow.card is None
    flow.finish()

    # a checked-in representative: category only, confirm, receipt
    home.open_flow("objection")
    kiosk.ctx.bridge.post_card_event(CardEvent("card", card_of(REGS2[0])))
    qtbot.waitUntil(lambda: flow.currentWidget() is flow.pages["category"], timeout=2000)
    assert REGS2[0]["bidder"]["name"] in flow.category_who.text()
    assert REGS2[0]["representatives"][0]["name"] not in flow.category_who.text()  # masked
    flow.category_buttons["reading"].click()
    assert flow.currentWidget() is flow.pages["confirm"] and "唱标" in flow.confirm_what.text()
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(kiosk.window, str(tmp_path / f"confirm-{w}.png"), (w, h))
        assert clipped_texts(flow) == []
    flow.confirm_ok.click()
    assert flow.act.pending == "objection" and not flow.confirm_ok.isEnabled()  # submitted on the work lane
    flow.submit()  # a second touch while it runs is not a second objection
    wait_until(lambda: flow.act.pending is None)
    assert flow.currentWidget() is flow.pages["receipt"]
    assert "异议已提交，主持人将当场答复" in flow.pages["receipt"].title.text() and "1" in flow.receipt_no_label.text()
    assert flow.card is None  # the card is not kept once the objection is in
    # the 异议回执 goes to the slip printer's lane; this kiosk has none: said, and the slip is on the screen (D2)
    wait_until(lambda: flow.print_result is not None)
    assert not flow.print_result.ok and "打印机" in flow.receipt_print.text() and flow.receipt_scroll.isVisibleTo(flow)
    assert f"{S2}-YY01" in flow.receipt_number.text()
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(kiosk.window, str(tmp_path / f"receipt-{w}.png"), (w, h))
        assert clipped_texts(flow) == []

    # the console (following the journal) shows the alert, live; the big screen counts it
    qtbot.waitUntil(lambda: con.alert.isVisibleTo(con), timeout=3000)
    assert "自助终端" in con.alert.text() and REGS2[0]["bidder"]["name"] in con.alert.text()
    qtbot.waitUntil(lambda: "待答复 1 条" in big.note.text(), timeout=3000)
    with host.hall.reading() as s:
        payload = s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "opening.objection")).one()
    assert '"source":"kiosk"' in payload.replace(" ", "") and REGS2[0]["representatives"][0]["id_number"] not in payload

    flow.receipt_home.click()
    assert home.currentWidget() is home.home and flow.receipt_no is None
    # idle timeout in the middle of a second objection wipes the card and the names
    home.open_flow("objection")
    flow.on_card_event(CardEvent("card", card_of(REGS2[1])))
    wait_until(lambda: flow.act.pending is None)
    assert flow.currentWidget() is flow.pages["category"] and flow.card is not None
    home.reset()
    assert flow.card is None and flow.target is None and home.currentWidget() is home.home
    assert REGS2[1]["bidder"]["name"] not in " ".join(lab.text() for lab in flow.findChildren(type(flow.category_who)))

    # the host answers on the spot; the alert goes, the big screen shows the answer in the objection stage
    for _ in REGS2[1:]:
        click(con, "read")
    click(con, "finish_reading")
    con.answer.setText("以开标一览表为准，大写与小写一致")
    click(con, "answer")
    assert not con.alert.isVisibleTo(con)
    qtbot.waitUntil(lambda: big.objections.isVisibleTo(big) and "已答复" in big.objections.text(), timeout=3000)
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(host.big_screen, str(tmp_path / f"big-{w}.png"), (w, h))
        assert clipped_texts(big) == []


def test_big_screen_shows_short_quorum_waiting_then_the_decision(room, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, _kiosk = room
    con = host.opening.screens["console"]
    big = host.opening.screens["big_screen"]
    checkin(host.hall, S2, REGS2[0])
    click(con, "announce")
    host.hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    withdraw_absent(host, con)  # 弃标 only on the bidders' written withdrawals (REG 35, D1)
    assert not big.notice.isVisibleTo(big)
    click(con, "quorum")
    qtbot.waitUntil(lambda: big.notice.isVisibleTo(big), timeout=3000)
    assert big.notice.text() == "投标人少于 3 个（现有 1 个）：依法不得开标，等待主持人确认"  # REG 44, D1: no 招标失败/中止
    assert con.legal.isVisibleTo(con) and con.legal.text() == big.notice.text()
    assert set(con.action_buttons) >= {"failed"} and "suspend" not in con.action_buttons  # the core refuses suspend
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(host.big_screen, str(tmp_path / f"quorum-{w}.png"), (w, h))
        assert clipped_texts(big) == []
    con.reason.setText("有效投标人不足3家，依法重新招标")
    click(con, "failed")
    qtbot.waitUntil(lambda: "不得开标，依法重新招标" in big.notice.text(), timeout=3000)
    assert big.notice.text().startswith("投标人少于 3 个（现有 1 个）：不得开标，依法重新招标")
    assert "等待" not in big.notice.text() and "有效投标人不足3家，依法重新招标" in big.notice.text()
    assert "招标失败" not in big.notice.text() + big.stage.text() + con.stage_title.text()
    assert "不得开标" in big.stage.text() and "不得开标" in con.legal.text()
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(host.big_screen, str(tmp_path / f"decided-{w}.png"), (w, h))
        assert clipped_texts(big) == []


@pytest.mark.timing
def test_signing_runs_off_the_ui_thread_and_a_double_click_signs_once(room, qtbot) -> None:  # type: ignore[no-untyped-def]
    host, _kiosk = room
    con = host.opening.screens["console"]
    hall = host.hall
    checkin(hall, S2, REGS2[0])
    click(con, "announce")
    hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    withdraw_absent(host, con)
    click(con, "quorum")
    con.reason.setText("投标人少于3个，依法重新招标")
    click(con, "failed")  # 不得开标 is the only outcome of a short roll call (REG 44, D1)
    assert con.view.stage == "signing"
    sign_in_on_panel(con.signin, host.ctx.bridge, hall, S2, ("host", "recorder", "supervisor"), confirm=True)
    con.refresh_view()
    settle(con)
    t0 = time.perf_counter()
    con.action_buttons["sign"].click()
    returned = time.perf_counter() - t0
    assert con.signing and con.view.stage == "signing"
    assert not con.action_buttons["sign"].isEnabled()  # busy: cannot be submitted again
    con.action_buttons["sign"].click()  # a disabled button ignores the click
    con._sign()  # and the console ignores a second submission that gets through anyway
    assert not con._run("sign", lambda _f: None)
    ticks = []
    # the journal follower may show the closed stage a moment before the worker's result arrives
    qtbot.waitUntil(lambda: (ticks.append(1), con.view.stage == "closed" and not con.signing)[1], timeout=10000)
    assert "开标记录已签署" in con.message.text()
    signed = [(key, seconds) for lane, key, seconds in host.ctx.jobs.finished if lane == "work" and key == "sign"]
    assert len(signed) == 1  # signed once
    assert returned < signed[0][1] and returned < 0.1, (returned, signed)  # the click did not wait for the signing
    assert len(ticks) > 1  # the event loop ran while the worker signed
    with hall.reading() as s:
        records = s.scalars(select(JournalEntry.kind).where(JournalEntry.kind == "opening.record")).all()
    assert len(records) == 1 and con.view.outcome == "failed_quorum"


def test_an_objection_raised_in_confirmation_is_answered_at_the_console_and_the_opening_finishes(room, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """REG 44, D2: a bidder objects at a kiosk while the bidders confirm; the console offers the answer in
    that stage, the confirmation cannot finish until it is answered, and then the opening finishes. An
    objection entered at the console while the record is signed holds the signing the same way."""
    host, kiosk = room
    con = host.opening.screens["console"]
    big = host.opening.screens["big_screen"]
    hall = host.hall
    to_reading(host)
    for _ in REGS2[1:]:
        click(con, "read")
    click(con, "finish_reading")
    assert {"objection", "close_objections"} <= set(con.action_buttons) and "answer" not in con.action_buttons
    click(con, "close_objections")
    assert con.view.stage == "confirmation" and "objection" in con.action_buttons and con.objection.isVisibleTo(con)
    for r in REGS2[:3]:
        host.ctx.bridge.post_card_event(CardEvent("card", card_of(r)))
    qtbot.waitUntil(lambda: sum(b.confirmation == "confirmed" for b in con.view.bidders) == 3, timeout=3000)
    # the bidder of the first bid objects at the kiosk with their ID card during the confirmation
    home = kiosk.window.page
    flow = kiosk.opening.screens["objection"]
    home.open_flow("objection")
    grab(kiosk.window, str(tmp_path / "kiosk-card.png"), (1920, 1080))  # the kiosk's window on its screen
    kiosk.ctx.bridge.post_card_event(CardEvent("card", card_of(REGS2[0])))
    wait_until(lambda: flow.act.pending is None and flow.currentWidget() is not flow.pages.get("card"))
    assert flow.currentWidget() is flow.pages["category"], (flow.currentWidget(), flow.refusal_what.text())
    flow.category_buttons["procedure"].click()
    flow.confirm_ok.click()
    wait_until(lambda: flow.act.pending is None)
    assert flow.currentWidget() is flow.pages["receipt"] and flow.receipt_no == 1
    qtbot.waitUntil(lambda: "answer" in con.action_buttons and con.alert.isVisibleTo(con), timeout=3000)
    assert con.view.stage == "confirmation" and "自助终端" in con.alert.text() and con.answer.isVisibleTo(con)
    qtbot.waitUntil(lambda: big.objections.isVisibleTo(big) and "待主持人答复" in big.objections.text(), timeout=3000)
    click(con, "finish_confirmation")
    assert "异议未答复" in con.message.text() and con.view.stage == "confirmation"  # the core holds the stage
    con.answer.setText("开标程序符合招标文件规定，已当场说明并记录")
    click(con, "answer")
    assert not con.alert.isVisibleTo(con) and "answer" not in con.action_buttons
    qtbot.waitUntil(lambda: "已答复" in big.objections.text(), timeout=3000)
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(host.window, str(tmp_path / f"confirmation-console-{w}.png"), (w, h))
        assert clipped_texts(con) == []
        grab(host.big_screen, str(tmp_path / f"confirmation-big-{w}.png"), (w, h))
        assert clipped_texts(big) == []
    click(con, "finish_confirmation")
    assert con.view.stage == "signing"
    # an objection entered at the console while the record is signed: the signing waits for its answer
    sign_in_on_panel(con.signin, host.ctx.bridge, hall, S2, ("host", "recorder", "supervisor"), confirm=True)
    con.refresh_view()
    settle(con)
    assert con.action_buttons["sign"].isEnabled()
    con.objection.setText("请当场宣读开标记录的备注内容")
    click(con, "objection")
    assert con.view.open_objections and not con.action_buttons["sign"].isEnabled() and "有异议尚未答复" in con.hint.text()
    con.answer.setText("已当场宣读备注内容")
    click(con, "answer")
    assert not con.view.open_objections and con.action_buttons["sign"].isEnabled()
    click(con, "sign")
    qtbot.waitUntil(lambda: con.view.stage == "closed" and not con.signing, timeout=10000)
    assert con.view.outcome == "opened" and all(o.answer for o in con.view.objections) and len(con.view.objections) == 2
