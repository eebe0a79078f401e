"""The lottery (D8) and the roles on the real console and audience screen (offscreen Qt): the candidates
confirmed, each role's digits, the seed's SHA-256 shown before the draw, the draw rolling, then the seed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hallkiosk.app import Terminal, grab
from kiosk.auction.demo import check_in_all
from kiosk.config import Config
from kiosk.ports import CardEvent, IdCard
from sync.sandbox.seed import person
from tests.helpers.auction import auctioneer_terminal, settle
from tests.helpers.auction_roles import staff_card, take_auctioneer, take_role
from tests.helpers.screens import clipped_texts
from tests.ui.test_auction_stage_screens import floor, land_lot
from ui.theme import LANDSCAPE, PORTRAIT


@pytest.fixture
def auctioneer(qapp, demo_cfg: Config) -> Iterator[Terminal]:
    with auctioneer_terminal(demo_cfg, call_seconds=0) as term:
        # the tests make the calls themselves: the console's own timer (due at once with 0 s) would race them
        term.auction.screens["console"].auto.setChecked(False)  # type: ignore[union-attr]
        yield term


def test_console_and_audience_screen_show_roles_commitment_live_draw_and_reveal(
        auctioneer: Terminal, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.auction.board.DRAW_ROLL_S", 1.0)  # the hall's roll is 4 s; the test needs only to see it
    svc, land, lot = land_lot(auctioneer)
    console = auctioneer.auction.screens["console"]  # type: ignore[union-attr]
    board = auctioneer.auction.screens["big_screen"]  # type: ignore[union-attr]
    console.select_lot(land, lot)
    settle(console)
    assert "拍卖师 李*华" in console.roles_label.text() and "李振华" not in console.roles_label.text()
    assert console.stage_combo.currentData() == "lottery" and not console.stage_combo.isEnabled()  # D7: read-only
    console.open_lot()
    settle(console)
    floor(console, "02", "18720")
    floor(console, "01")  # joins at the cap
    for _ in range(3):
        svc.call(land, lot, actor=take_auctioneer(svc, land))
    console.refresh()
    settle(console)
    assert console.lottery_box.isVisibleTo(console) and console.b_candidates.isEnabled()
    assert not console.b_hammer.isEnabled()  # no hammer before the draw
    console.lottery_candidates()
    settle(console)
    console.digits.setText("0815")
    console.lottery_entropy("auctioneer")
    settle(console)
    console.digits.setText("4711")
    console.lottery_entropy("supervisor")  # the supervisor has not signed in here
    settle(console)
    assert "监督人先刷身份证" in console.message.text()
    console.sign_in(take_role(auctioneer.hall, land, "supervisor"))
    console.digits.setText("4711")
    console.lottery_entropy("supervisor")
    settle(console)
    commitment = svc.lot(land, lot).lottery_commitment
    assert commitment and "种子已承诺" in console.message.text()
    qtbot.waitUntil(lambda: commitment in board.capitals.text().replace("\n", ""), timeout=3000)
    # the roles line is the board's own read after the role entry: it may land after the commitment (seen under load)
    qtbot.waitUntil(lambda: "监督人 田*华" in board.title.text(), timeout=3000)
    assert "种子已承诺" in board.price_caption.text()
    for w, h in (LANDSCAPE, PORTRAIT):
        assert auctioneer.big_screen is not None
        grab(auctioneer.big_screen, str(tmp_path / f"lottery-commit-{w}x{h}.png"), (w, h))
        assert clipped_texts(board) == []
    console.lottery_draw()
    settle(console)
    v = svc.lot(land, lot)
    assert v.lottery_winner in ("01", "02") and v.lottery_seed
    qtbot.waitUntil(board.rolling, timeout=3000)  # the draw rolls live on the audience screen
    assert "正在抽签" in board.price_caption.text() and v.lottery_seed not in board.capitals.text().replace("\n", "")
    qtbot.waitUntil(lambda: not board.rolling(), timeout=8000)
    assert f"{v.lottery_winner} 号" == board.price.text() and v.lottery_seed in board.capitals.text().replace("\n", "")
    for w, h in (LANDSCAPE, PORTRAIT):
        assert auctioneer.big_screen is not None
        grab(auctioneer.big_screen, str(tmp_path / f"lottery-reveal-{w}x{h}.png"), (w, h))
        assert clipped_texts(board) == []
    assert console.b_hammer.isEnabled()


def test_console_takes_a_role_by_the_appointees_card_and_refuses_anyone_else(
        auctioneer: Terminal, qtbot, tmp_path: Path) -> None:
    svc, land, lot = land_lot(auctioneer)
    console = auctioneer.auction.screens["console"]  # type: ignore[union-attr]
    console.select_lot(land, lot)
    settle(console)
    panel = console.signin
    qtbot.waitUntil(lambda: panel.ready and panel.session_id == land, timeout=5000)
    panel.arm("supervisor")
    assert "请 监督人 在读卡器上放置身份证" in panel.prompt.text()
    bidder = IdCard("resident", "张小三", "男", "1980-01-01", person(0)["id_number"], "2015-06-01", "长期")
    auctioneer.ctx.bridge.post_card_event(CardEvent("card", bidder))  # a bidder's card, as the reader reports it
    qtbot.waitUntil(lambda: "不是平台为本场指定的监督人" in panel.message.text(), timeout=5000)
    assert console.actor("supervisor") is None
    panel.arm("supervisor")
    auctioneer.ctx.bridge.post_card_event(CardEvent("card", staff_card(auctioneer.hall, land, "supervisor")))
    qtbot.waitUntil(lambda: console.actor("supervisor") is not None, timeout=5000)
    qtbot.waitUntil(lambda: "田*华" in panel.holder_labels["supervisor"].text(), timeout=5000)  # masked on screen
    assert "田建华" not in panel.holder_labels["supervisor"].text()
    qtbot.waitUntil(lambda: "监督人 田*华" in console.roles_label.text(), timeout=3000)
    for w, h in (LANDSCAPE, PORTRAIT):
        grab(auctioneer.window, str(tmp_path / f"console-roles-{w}x{h}.png"), (w, h))
        assert clipped_texts(panel) == []


def test_console_settles_the_buyers_held_deposit_signed_or_refused(auctioneer: Terminal, qtbot) -> None:
    svc = auctioneer.auction.service  # type: ignore[union-attr]
    console = auctioneer.auction.screens["console"]  # type: ignore[union-attr]
    cars = [s.session_id for s in svc.auction_sessions() if s.kind == "auction"][0]
    check_in_all(auctioneer.hall, cars)
    au = take_auctioneer(svc, cars)
    svc.open_lot(cars, "L-0003", actor=au)
    svc.bid(cars, "L-0003", "01", actor=au)
    for _ in range(3):
        svc.call(cars, "L-0003", actor=au)
    svc.hammer(cars, "L-0003", actor=au)
    console.select_lot(cars, "L-0003")
    settle(console)
    assert console.b_signed.isVisibleTo(console) and console.b_refused.isVisibleTo(console)
    console.settle_deposit(False)  # 悔拍 without a reason: refused
    settle(console)
    assert "悔拍须注明情况" in console.message.text()
    console.reason.setText("竞得人当场拒绝签署")
    console.settle_deposit(False)
    settle(console)
    qtbot.waitUntil(lambda: not console.b_signed.isVisibleTo(console), timeout=3000)
    assert [r["effect"] for r in svc.deposit_ledger(cars) if r["lot_code"] == "L-0003"] == ["held", "forfeited"]
