"""The opening console and big screen as a user drives them: buttons, card on the reader, errors shown,
no clipped text in both orientations and in English."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from hallkiosk.app import build_terminal, ensure_qapp, grab
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.ports import CardEvent, IdCard
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import bid_result_key, demo_day
from tests.helpers.checkin import record_checkin
from tests.helpers.roles import card_of as staff_card_of
from tests.helpers.roles import sign_in_on_panel
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded

TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S2 = DAY["sessions"][1]["session_id"]
S1 = DAY["sessions"][0]["session_id"]
START2 = dt.datetime.combine(TODAY, dt.time(10, 0), BEIJING)
REGS2 = [r for r in DAY["registrations"] if r["session_id"] == S2]


@pytest.fixture
def host(qapp, tmp_path: Path):  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, room_code="KB-01"))
    hall = Hall.open(cfg, clock=FixedClock(START2 - dt.timedelta(minutes=10)))
    term = build_terminal(cfg, "host", follow=True, devices=False, sync=False, big_screen=True, hall=hall)
    page = term.window.page
    login(page, "host", "111111")
    con = term.opening.screens["console"]
    page.work.setCurrentWidget(con)
    con.select_session(S2)
    settle(con)
    # the appointed host signs in by ID card; the clerk's account stands in as recorder (none appointed)
    sign_in_on_panel(con.signin, term.ctx.bridge, hall, S2, ("host", "recorder"))
    settle(con)
    yield term
    term.stop()


def checkin(hall: Hall, session_id: str, reg: dict) -> None:
    record_checkin(hall, session_id, reg, reg["representatives"][0])


def settle(con) -> None:  # type: ignore[no-untyped-def]
    """Wait for the console's act (work lane) and view load (read lane) to come back (issue 21)."""
    wait_until(lambda: con.act.pending is None and not con.loader.inflight)


def click(con, key: str) -> None:  # type: ignore[no-untyped-def]
    settle(con)
    assert key in con.action_buttons, (key, con.view.stage, con.message.text())
    con.action_buttons[key].click()
    settle(con)


def card_of(reg: dict) -> IdCard:
    rep = reg["representatives"][0]
    return IdCard(card_type="resident", name=rep["name"], gender="男", birth_date="1980-01-01",  # type: ignore[arg-type]
                  id_number=rep["id_number"], valid_from="2015-01-01", valid_until="长期")


def test_console_runs_a_whole_opening_and_the_big_screen_follows(host, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    term = host
    hall = term.hall
    con = term.opening.screens["console"]
    big = term.opening.screens["big_screen"]
    assert term.big_screen.page.currentWidget() is big
    assert "还有 0:10:00" in con.countdown.text()
    svc = term.opening.service
    # The platform at the outermost boundary: accepts the request (run on the platform lane).
    con.decrypt = lambda sid, operator: svc.start_decryption(sid, operator, starter=lambda _sid: None)
    for r in REGS2[:3]:
        checkin(hall, S2, r)
    click(con, "announce")
    click(con, "publish")
    assert "投标截止时间未到" in con.message.text()  # refused before the deadline, said why
    hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    assert con.view.stage == "attendance"
    absent_row = next(i for i, b in enumerate(con.view.bidders) if b.attendance == "absent")
    click(con, "quorum")
    assert "缺席原因" in con.message.text()
    con.table.selectRow(absent_row)
    con.absence.setCurrentIndex(0)
    click(con, "absent")
    click(con, "quorum")
    click(con, "control_price")
    click(con, "decrypt")
    qtbot.waitUntil(lambda: con.view.stage == "decrypting", timeout=3000)
    qtbot.waitUntil(lambda: big.view is not None and big.view.stage == "decrypting", timeout=2000)
    assert big.progress.isVisibleTo(big) and big.session_id == S2
    items = []
    for i, r in enumerate(DAY["bid_plans"][S2]):
        data = dict(r, decrypted_at=rfc3339(hall.clock.now()))
        items.append({"op": "upsert", "key": bid_result_key(data), "version": 500 + i, "data": data})
    with hall.unit() as s:
        apply_page(s, "bid_results", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True, now=hall.clock.now())
    svc.refresh_decryption(S2)
    con.refresh_view()
    settle(con)
    assert con.progress.value() == 4
    click(con, "finish_decrypt")
    click(con, "read")
    qtbot.waitUntil(lambda: "叁佰伍拾贰万捌仟元整" in big.reading.text(), timeout=2000)
    from PySide6.QtGui import QImage

    for w, h in ((1920, 1080), (1080, 1920), (1920, 1080)):  # 唱标 fits both orientations, switching either way
        path = tmp_path / f"reading-{w}x{h}.png"
        grab(term.big_screen, str(path), (w, h))
        img = QImage(str(path))
        assert (img.width(), img.height()) == (w, h)
        assert clipped_texts(big) == []
        assert big.reading.isVisibleTo(big)
    assert "叁佰伍拾贰万捌仟元整" in big.reading.text() and "352.8000 万元" in big.reading.text()
    for _ in REGS2[1:]:
        click(con, "read")
    click(con, "finish_reading")
    con.objection.setText("对第2家解密失败有疑问")
    click(con, "objection")
    click(con, "close_objections")
    assert "异议未答复" in con.message.text()
    con.answer.setText("平台原因，依法视为撤回")
    click(con, "answer")
    click(con, "close_objections")
    assert con.view.stage == "confirmation"
    for r in REGS2[:3]:
        term.ctx.bridge.post_card_event(CardEvent("card", card_of(r)))
    qtbot.waitUntil(lambda: all(b.confirmation for b in con.view.bidders), timeout=3000)
    assert REGS2[0]["representatives"][0]["id_number"] not in con.message.text()
    click(con, "finish_confirmation")
    # signing: each signer confirms on the role panel by card (the clerk by PIN); the supervisor signs in as they sign
    sign_in_on_panel(con.signin, term.ctx.bridge, hall, S2, ("host", "recorder"), confirm=True)
    assert not con.action_buttons["sign"].isEnabled()  # the supervisor has not signed yet
    con.signin.arm("supervisor")  # the host's card offered as the supervisor's: refused, said in both languages
    term.ctx.bridge.post_card_event(CardEvent("card", staff_card_of(hall, S2, "host")))
    qtbot.waitUntil(lambda: "不是平台为本场指定的监督人" in con.signin.message.text(), timeout=3000)
    assert "not the supervisor the platform appointed" in con.signin.message.text()
    assert "supervisor" not in con.signin.confirmed
    sign_in_on_panel(con.signin, term.ctx.bridge, hall, S2, ("supervisor",), confirm=True)
    con.refresh_view()
    settle(con)
    click(con, "sign")
    qtbot.waitUntil(lambda: con.view.stage == "closed", timeout=5000)
    assert con.view.record_sha256 in con.hint.text()
    click(con, "print")  # this terminal has no office printer: it says so rather than pretending
    qtbot.waitUntil(lambda: "document_printer" in con.message.text(), timeout=2000)
    assert con.message.text().startswith("打印失败")
    qtbot.waitUntil(lambda: big.stage.text().startswith("结束"), timeout=2000)
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(term.window, str(tmp_path / f"c-{w}.png"), (w, h))
        assert clipped_texts(con) == []


def test_quorum_failure_needs_a_reason_at_the_console(host) -> None:  # type: ignore[no-untyped-def]
    term = host
    con = term.opening.screens["console"]
    hall = term.hall
    checkin(hall, S2, REGS2[0])
    click(con, "announce")
    hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    # 弃标 is no absence reason: only the bidders' written withdrawals, recorded with their references (REG 35, D1)
    assert [con.absence.itemText(i) for i in range(con.absence.count())] == ["迟到", "其他（原因栏填写）"]
    assert con.withdrawal.isVisibleTo(con) and "withdrawal" in con.action_buttons
    absent = [i for i, b in enumerate(con.view.bidders) if b.attendance == "absent"]
    con.table.selectRow(absent[0])
    click(con, "withdrawal")  # no reference: the core's own words
    assert "书面通知的编号" in con.message.text() and not con.view.bidders[absent[0]].withdrawn
    for n, row in enumerate(absent):
        con.table.selectRow(row)
        con.withdrawal.kind.setCurrentIndex(n % 2)
        con.withdrawal.reference.setText(f"撤回函 {n + 1}")
        con.withdrawal.received_at.setText("2026-12-06 16:00")
        click(con, "withdrawal")
        assert con.view.bidders[row].withdrawn, con.message.text()
        assert con.withdrawal.reference.text() == ""  # cleared for the next notice
    b = con.view.bidders[absent[0]]
    assert b.withdrawal_zh and b.withdrawal_zh in con.table.item(absent[0], 1).text()
    assert "弃标" in con.table.item(absent[0], 3).text()  # its absence reads 弃标 with the notice
    click(con, "quorum")
    assert "少于 3 个" in con.message.text() and "不得开标" in con.message.text()
    click(con, "failed")
    assert "请填写原因" in con.message.text() and con.view.stage == "attendance"
    assert set(con.action_buttons) & {"failed", "suspend"} == {"failed"}  # 不得开标 is the only outcome (D1)
    assert con.legal.text() == "投标人少于 3 个（现有 1 个）：依法不得开标，等待主持人确认"
    con.reason.setText("有效投标人不足3家，重新招标")
    click(con, "failed")
    assert con.view.stage == "signing" and con.view.outcome == "failed_quorum"
    assert "不得开标，依法重新招标" in con.stage_title.text() and "招标失败" not in con.stage_title.text()


def test_pause_blocks_and_resume_needs_reason(host) -> None:  # type: ignore[no-untyped-def]
    con = host.opening.screens["console"]
    click(con, "announce")
    click(con, "pause")
    assert "请填写原因" in con.message.text()
    con.reason.setText("停电")
    click(con, "pause")
    assert con.banner.isVisibleTo(con) and "停电" in con.banner.text()
    assert set(con.action_buttons) == {"resume"}
    click(con, "resume")
    assert con.view.paused
    con.reason.setText("恢复供电")
    click(con, "resume")
    assert not con.view.paused and "publish" in con.action_buttons


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_clipped_text_in_both_orientations(host, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    term = host
    con = term.opening.screens["console"]
    term.ctx.languages.set(lang)
    for r in REGS2:
        checkin(term.hall, S2, r)
    click(con, "announce")
    term.hall.clock.set(START2)
    click(con, "publish")
    click(con, "attendance")
    for w, h in ((1920, 1080), (1080, 1920)):
        grab(term.window, str(tmp_path / f"console-{lang}-{w}.png"), (w, h))
        assert clipped_texts(con) == [], (lang, w)  # the shell's own header and status bar are not ours
        grab(term.big_screen, str(tmp_path / f"board-{lang}-{w}.png"), (w, h))
        assert clipped_texts(term.opening.screens["big_screen"]) == [], (lang, w)
    if lang == "en":
        assert con.action_buttons["quorum"].text() != "点名结束，检查投标人数量"


def test_console_and_big_screen_drop_a_representative_whose_checkin_is_revoked(host) -> None:  # type: ignore[no-untyped-def]
    """人证不符 found at the desk after the roll call began: the clerk revokes the check-in; the host's
    console and the room's big screen show that bidder absent again on the ``checkin.revoked`` entry."""
    from sqlalchemy import select

    from kiosk.checkin import CheckinService
    from kiosk.db.models_checkin import Checkin

    term = host
    hall = term.hall
    con = term.opening.screens["console"]
    big = term.opening.screens["big_screen"]
    for r in REGS2[:3]:
        checkin(hall, S2, r)
    rid = REGS2[0]["registration_id"]

    def attendance(view) -> str:  # type: ignore[no-untyped-def]
        return next(b.attendance for b in view.bidders if b.registration_id == rid) if view is not None else ""

    wait_until(lambda: attendance(con.view) == "present" and attendance(big.view) == "present")
    with hall.reading() as s:
        checkin_id = s.scalar(select(Checkin.id).where(Checkin.session_id == S2, Checkin.registration_id == rid))
    CheckinService(hall).revoke(checkin_id, operator="clerk", reason="人证不符，本人未到场")
    wait_until(lambda: attendance(con.view) == "absent" and attendance(big.view) == "absent")
