"""The auctioneer console and the audience screen as real Qt widgets in a real terminal."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import Terminal, build_terminal, ensure_qapp, grab
from hallkiosk.demo import _login
from kiosk.auction import AuctionService
from kiosk.auction.demo import check_in_all
from kiosk.config import Config
from tests.helpers.auction import auctioneer_terminal, settle, settle_term
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.auction_roles import take_supervisor
from tests.helpers.screens import clipped_texts, wait_until
from ui.theme import LANDSCAPE, PORTRAIT


@pytest.fixture
def auctioneer(qapp, demo_cfg: Config) -> Iterator[Terminal]:  # type: ignore[no-untyped-def]
    with auctioneer_terminal(demo_cfg, call_seconds=1) as term:
        yield term


def pump(qtbot, cond, timeout: int = 3000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(cond, timeout=timeout)


def test_console_floor_bid_with_pad_next_amount_and_refusal_wording(auctioneer: Terminal, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc: AuctionService = auctioneer.auction.service
    console = auctioneer.auction.screens["console"]
    cars = console.session_id
    check_in_all(auctioneer.hall, cars)
    console.select_lot(cars, "L-0002")
    settle(console)
    assert "无保留价" in console.rules.text()
    console.open_lot()
    settle(console)
    assert svc.lot(cars, "L-0002").state == "open"
    console.paddle.setFocus()
    for k in "03":
        console._press(k)
    console.submit_bid()  # amount empty → the next amount (start price)
    settle(console)
    v = svc.lot(cars, "L-0002")
    assert (v.current_price, v.leading_paddle) == ("28000.00", "03")
    assert "出价已收到" in console.message.text() and "当前最高" in console.message.text()
    console.paddle.setText("01")
    console.submit_bid()
    settle(console)
    assert "未报名" in console.message.text() and console.message.property("ok") == "false"
    assert "当前最高：03 号" in console.leading.text() and "贰万捌仟元整" in console.capitals.text()
    assert console.table.rowCount() == 2 and "拒绝" in console.table.item(0, 3).text()


def test_console_reserve_panel_never_shows_the_reserve(auctioneer: Terminal) -> None:
    console = auctioneer.auction.screens["console"]
    cars = console.session_id
    console.select_lot(cars, "L-0001")
    settle(console)
    assert console.reserve_box.isVisibleTo(console) and not console.b_open.isEnabled()
    console.reserve.setText("38888")
    console.enter_reserve()  # the supervisor has not signed in: said, nothing entered, the price kept to correct
    assert "监督人" in console.message.text() and console.reserve.text() == "38888"
    console.sign_in(take_supervisor(auctioneer.hall, cars))  # the session's 监督人 places their card
    console.enter_reserve()
    assert console.reserve.text() == "" and not console.b_reserve.isEnabled()
    wait_until(lambda: console.b_reserve.isEnabled())  # entered on the job runner
    settle(console)
    assert "已录入" in console.message.text() and console.b_open.isEnabled()
    assert console.reserve.text() == "" and not console.reserve_box.isVisibleTo(console)
    texts = " ".join(w.text() for w in console.findChildren(type(console.message)))
    assert "38888" not in texts and "38,888" not in texts


def test_audience_screen_received_leading_sold_apart_and_layout(auctioneer: Terminal, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc: AuctionService = auctioneer.auction.service
    board = auctioneer.auction.screens["big_screen"]
    console = auctioneer.auction.screens["console"]
    _, land = [s.session_id for s in svc.auction_sessions()]
    check_in_all(auctioneer.hall, land)
    lot = svc.lots(land)[0].lot_code
    svc.open_lot(land, lot, actor=auc(svc, land))
    console.select_lot(land, lot)
    settle(console, board)
    svc.bid(land, lot, "01", "16500", actor=auc(svc, land))
    pump(qtbot, lambda: "16,500" in board.price.text())
    assert board.price_caption.text() == "当前最高应价" and "当前最高 01 号" == board.leading.text()
    assert "出价已收到：01 号" in board.received.text() and "成交" not in board.title.text()
    assert "壹亿陆仟伍佰万元整" == board.capitals.text()
    for w, h in (LANDSCAPE, PORTRAIT):
        path = tmp_path / f"board-{w}x{h}.png"
        grab(auctioneer.big_screen, str(path), (w, h))
        assert auctioneer.big_screen.size().width() == w and auctioneer.big_screen.size().height() == h
        assert clipped_texts(board) == []
        grab(auctioneer.window, str(tmp_path / f"console-{w}x{h}.png"), (w, h))
        assert auctioneer.window.size().width() == w and auctioneer.window.size().height() == h
    # the console calls by itself every call_seconds (1 s here) without a bid: 第一次/第二次/第三次
    pump(qtbot, lambda: svc.lot(land, lot, last_bids=0).call_no >= 3, 6000)
    assert "第三次报价" in board.calls.text() or "第三次报价" in console.calls.text()
    svc.hammer(land, lot, actor=auc(svc, land))
    pump(qtbot, lambda: "成交" in board.title.text())
    assert board.price_caption.text().startswith("成交") and "买受人号牌 01" == board.leading.text()
    assert board.received.text() == ""
    QApplication.processEvents()


def test_console_prints_the_journalled_confirmation_and_record(qapp, demo_cfg: Config, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    ensure_qapp()
    spool = tmp_path / "spool"
    spool.mkdir()
    cfg = dataclasses.replace(demo_cfg, devices=dataclasses.replace(demo_cfg.devices, document_printer=f"dir://{spool}"),
                              auction=dataclasses.replace(demo_cfg.auction, call_seconds=0))
    term = build_terminal(cfg, "auctioneer", follow=False, devices=False, sync=False, housekeeping=False)
    try:
        _login(term, "auctioneer")
        settle_term(term)
        svc: AuctionService = term.auction.service
        console = term.auction.screens["console"]
        _, land = [s.session_id for s in svc.auction_sessions()]
        check_in_all(term.hall, land)
        lot = svc.lots(land)[0].lot_code
        console.select_lot(land, lot)
        settle(console)
        assert console.b_print_conf.isHidden() and console.b_print_rec.isHidden()  # nothing to print yet
        svc.open_lot(land, lot, actor=auc(svc, land))
        svc.bid(land, lot, "01", "16500", actor=auc(svc, land))
        for _ in range(3):
            svc.call(land, lot, actor=auc(svc, land))
        result = svc.hammer(land, lot, actor=auc(svc, land))
        console.select_lot(land, lot)
        settle(console)
        assert not console.b_print_conf.isHidden() and not console.b_print_rec.isHidden()
        console.b_print_conf.click()  # the file is read on the read lane, then printed on the printer's
        wait_until(lambda: term.ctx.documents.busy == 1)  # on the document printer's lane, not this thread
        wait_until(lambda: term.ctx.documents.busy == 0)
        assert "已送打印：成交确认书" in console.message.text()
        console.b_print_rec.click()
        wait_until(lambda: term.ctx.documents.busy == 1)
        wait_until(lambda: term.ctx.documents.busy == 0)
        printed = {hashlib.sha256(p.read_bytes()).hexdigest() for p in spool.iterdir()}
        assert printed == {result.confirmation_sha256, result.record_sha256}
    finally:
        term.stop()
        term.window.deleteLater()


def test_console_counts_eligible_paddles_again_when_a_checkin_is_revoked(auctioneer: Terminal, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A clerk revokes a check-in at the desk (人证不符): the auctioneer's count of 合格竞买人 follows the
    ``checkin.revoked`` entry, as it follows auction entries, without anyone pressing anything."""
    from sqlalchemy import select

    from kiosk.checkin import CheckinService
    from kiosk.db.models_checkin import Checkin

    console = auctioneer.auction.screens["console"]
    cars = console.session_id
    check_in_all(auctioneer.hall, cars)
    console.select_lot(cars, "L-0002")
    settle(console)
    before = console._eligible
    assert before >= 1
    paddle = next(b.paddle_no for b in auctioneer.auction.service.bidders(cars, "L-0002") if b.eligible)
    with auctioneer.hall.reading() as s:
        ids = s.scalars(select(Checkin.id).where(Checkin.session_id == cars, Checkin.paddle_no == paddle)).all()
    for checkin_id in ids:
        CheckinService(auctioneer.hall).revoke(checkin_id, operator="clerk", reason="人证不符，本人未到场")
    pump(qtbot, lambda: console._eligible == before - 1)
