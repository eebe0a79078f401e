"""The stage after the cap and the 矿业权 minimum on the real console and audience screen (offscreen Qt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import Terminal, grab
from kiosk.auction import AuctionService
from kiosk.auction.demo import add_bidders, check_in_all
from kiosk.config import Config
from kiosk.db.models import PfSession
from tests.helpers.auction import auctioneer_terminal, settle
from tests.helpers.auction_roles import set_after_cap
from tests.helpers.screens import clipped_texts
from ui.theme import LANDSCAPE, PORTRAIT


@pytest.fixture
def auctioneer(qapp, demo_cfg: Config) -> Iterator[Terminal]:  # type: ignore[no-untyped-def]
    with auctioneer_terminal(demo_cfg, call_seconds=30) as term:
        yield term


def land_lot(term: Terminal, extra: int = 0) -> tuple[AuctionService, str, str]:
    svc: AuctionService = term.auction.service
    land = [s.session_id for s in svc.auction_sessions() if s.kind == "listing_auction"][0]
    lot = svc.lots(land)[0].lot_code
    if extra:
        add_bidders(term.hall, land, lot, (("内蒙古甲置业有限公司", "91150100MA0TEST0A1"), ("内蒙古乙置业有限公司", "91150100MA0TEST0B2"))[:extra])
    check_in_all(term.hall, land)
    return svc, land, lot


def floor(console, paddle: str, amount: str = "") -> None:  # type: ignore[no-untyped-def]
    console.paddle.setText(paddle)
    console.amount.setText(amount)
    console.submit_bid()
    settle(console)


def test_console_area_stage_read_only_from_the_lot_bids_routed_and_audience_screen_shows_it(auctioneer: Terminal, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc, land, lot = land_lot(auctioneer)
    console = auctioneer.auction.screens["console"]
    board = auctioneer.auction.screens["big_screen"]
    console.select_lot(land, lot)
    settle(console)
    assert console.stage_box.isVisibleTo(console) and console.stage_combo.currentData() == "lottery"  # the lot's after_cap
    assert not console.stage_combo.isEnabled()  # D7: read-only, the auctioneer never chooses it
    set_after_cap(svc, land, lot, {"method": "area", "start": "1000", "step": "100", "unit": "m2"})  # the feed says 竞配建
    console.refresh()
    settle(console)
    assert console.stage_combo.currentData() == "area" and console.stage_start.text() == "1000"
    assert console.stage_start.isVisibleTo(console) and not console.stage_start.isEnabled()
    assert "竞配建" in console.rules.text()
    console.open_lot()
    settle(console)
    v = svc.lot(land, lot)
    assert (v.state, v.stage, v.stage_start) == ("open", "area", "1000")
    assert not console.stage_box.isVisibleTo(console)
    floor(console, "01", "18000")
    floor(console, "02", "18720")  # the cap
    floor(console, "01", "18820")
    assert "已达最高限价" in console.message.text()
    floor(console, "01")  # blank = accept the cap price
    floor(console, "02")  # at the cap: blank = the start area
    assert "1,000 m²" in console.message.text()
    floor(console, "01", "1200")
    assert svc.lot(land, lot).stage_leader == "01"
    assert "竞配建面积 1,200 m²" in console.stage_line.text() and "1,300 m²" in console.next_amount.text()
    cells = [console.table.item(r, 2).text() for r in range(console.table.rowCount())]
    assert cells[:2] == ["1,200 m²", "1,000 m²"]
    qtbot.waitUntil(lambda: "1,200 m²" in board.leading.text(), timeout=3000)
    assert board.price_caption.text() == "已达最高限价" and "18,720" in board.price.text()
    assert "已达最高限价 · 竞配建面积 1,200 m²" in board.leading.text() and "当前最高 01 号" in board.leading.text()
    assert "出价已收到：01 号 1,200 m²" in board.received.text()
    for w, h in (LANDSCAPE, PORTRAIT):
        grab(auctioneer.big_screen, str(tmp_path / f"board-{w}x{h}.png"), (w, h))
        assert clipped_texts(board) == []
        grab(auctioneer.window, str(tmp_path / f"console-{w}x{h}.png"), (w, h))
        assert auctioneer.window.size().width() == w
        QApplication.processEvents()
        assert console.scroll_area.horizontalScrollBar().maximum() == 0  # nothing pushes the console wider than the screen


def test_sealed_one_time_bids_never_on_a_screen_before_the_reveal(auctioneer: Terminal, qtbot) -> None:  # type: ignore[no-untyped-def]
    svc, land, lot = land_lot(auctioneer, extra=1)
    console = auctioneer.auction.screens["console"]
    board = auctioneer.auction.screens["big_screen"]
    console.select_lot(land, lot)
    settle(console)
    set_after_cap(svc, land, lot, {"method": "average", "upper": "22464"})
    console.refresh()
    settle(console)
    assert console.stage_upper.isVisibleTo(console) and not console.stage_start.isVisibleTo(console)
    console.open_lot()
    settle(console)
    floor(console, "01", "18720")
    floor(console, "02")
    assert console.b_sealed.isVisibleTo(console) and console.b_sealed.isEnabled()
    console.start_sealed()
    settle(console)
    assert console.b_reveal.isEnabled() and not console.b_call.isEnabled() and not console.b_hammer.isEnabled()
    floor(console, "01", "21000")
    assert "密封" in console.message.text()
    qtbot.waitUntil(lambda: "已交 1/2" in board.leading.text(), timeout=3000)

    def shown() -> str:
        return " ".join(w.text() for root in (console, board) for w in root.findChildren(type(console.message))) + " ".join(
            console.table.item(r, c).text() for r in range(console.table.rowCount()) for c in range(4))

    assert "21,000" not in shown() and "21000" not in shown() and "（密封）" in shown()
    floor(console, "02", "20000")  # the last one: revealed
    qtbot.waitUntil(lambda: "一次报价揭晓" in board.leading.text(), timeout=3000)
    assert "最接近 02 号" in board.leading.text() and "20,000" in board.price.text()
    assert "21,000" in shown() and console.b_hammer.isEnabled()
    console.hammer()
    settle(console)
    assert svc.lot(land, lot).hammer_price == "20000.00"


def test_console_mining_lot_with_too_few_bidders_can_only_wait_or_terminate(auctioneer: Terminal) -> None:
    svc, land, lot = land_lot(auctioneer)
    with auctioneer.hall.unit() as s:
        sess = s.get(PfSession, land)
        assert sess is not None
        sess.trade_type = "KYQ"
    console = auctioneer.auction.screens["console"]
    console.select_lot(land, lot)
    settle(console)
    assert not console.b_open.isEnabled() and console.b_terminate.isEnabled()
    assert "合格竞买人 2 名，不足 3 名" in console.message.text() and "KYQ：须至少 3 名合格竞买人" in console.rules.text()
    auctioneer.ctx.languages.set("en")
    QApplication.processEvents()
    try:
        assert "2 eligible bidders, fewer than 3" in console.message.text() and "KYQ: at least 3" in console.rules.text()
    finally:
        auctioneer.ctx.languages.set("zh_CN")
    console.reason.setText("竞买人不足三人，终止")
    console.terminate()
    settle(console)
    assert svc.lot(land, lot).state == "terminated"
