"""The auctioneer's console while its PostgreSQL freezes mid-lot (issue 21): the loop keeps ticking,
the call timer stands still, nothing pressed during the outage is recorded later.

The console reaches the database through a real TCP link (``tests/helpers/faulty_link.py``) that is
frozen — bytes stop, nothing is refused or closed: what a SIGSTOPped server or a black-holed route
looks like — while a lot is open and its countdown to 第一次报价 runs. The terminal's own database
watch notices, the console says so, floor and keypad bids made meanwhile are refused at once, and
once the link moves again the next call waits the full ``call_seconds``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from hallkiosk.app import Terminal, grab
from hallkiosk.wiring_auction import KeypadBids
from kiosk.auction.demo import check_in_all
from kiosk.config import Config, load_config
from kiosk.journal import entries_after
from kiosk.ports import KeypadEvent
from kiosk.timeutil import parse_rfc3339
from tests.helpers.auction import auctioneer_terminal, open_at_console, settle
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.faulty_link import FaultyLink
from tests.helpers.screens import clipped_texts, wait_until
from tests.helpers.seeded import seeded
from ui.stall import StallMeter
from ui.theme import LANDSCAPE, PORTRAIT

CALL_SECONDS = 6  #: longer than the watch takes to see a frozen server (a probe every 3 s, 2 s deadline)


@pytest.fixture
def linked(pg_url: str, tmp_path: Path) -> Iterator[tuple[FaultyLink, Config]]:
    u = make_url(pg_url)
    link = FaultyLink(u.host or "127.0.0.1", u.port or 5432)
    url = u.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
    cfg = load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
    cfg = seeded(dataclasses.replace(cfg, database=dataclasses.replace(cfg.database, url=url)))
    try:
        yield link, cfg
    finally:
        link.close()


@pytest.fixture
def auctioneer(qapp, linked: tuple[FaultyLink, Config]) -> Iterator[Terminal]:  # type: ignore[no-untyped-def]
    # no retention purge: its own failure during the freeze is another test's
    with auctioneer_terminal(linked[1], call_seconds=CALL_SECONDS, housekeeping=False) as term:
        yield term


def auction_entries(term: Terminal) -> list:
    with term.hall.reading() as s:
        return [e for e in entries_after(s, 0, 10_000) if e.kind in ("auction.bid", "auction.call")]


@pytest.mark.postgres
@pytest.mark.allow_log_warnings("database unavailable", "database answers again", "keypad press of paddle")
def test_a_frozen_database_holds_the_call_timer_and_replays_nothing(auctioneer: Terminal, linked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    link, _cfg = linked
    term = auctioneer
    console, cars = open_at_console(term)
    board = term.auction.screens["big_screen"]  # type: ignore[union-attr]
    console.paddle.setText("03")
    console.submit_bid()
    settle(console, board)
    assert "出价已收到" in console.message.text() and console.message.property("ok") == "true"
    before = auction_entries(term)
    assert [e.payload["paddle_no"] for e in before if e.kind == "auction.bid"] == ["03"]
    keypads = KeypadBids(term.auction.service, lambda: console.session_id, [], jobs=term.ctx.jobs,  # type: ignore[union-attr]
                         db_state=term.ctx.db_state, refused=console.keypad_refused)

    meter = StallMeter().start()
    link.freeze()
    wait_until(lambda: not term.ctx.db_state().ok, 8.0)  # the watch's verdict (the banner follows it)
    wait_until(lambda: not term.window.outage.isHidden())
    # the stale green "出价已收到" gives way to the outage; the countdown says it is paused
    assert console.message.property("ok") == "false" and "数据库不可用" in console.message.text()
    assert "计时暂停" in console.calls.text() and "计时暂停" in board.calls.text()
    assert board.received.text() == ""
    # presses during the outage: refused at once, with the reason on the console
    console.paddle.setText("05")
    console.submit_bid()
    assert "未执行" in console.message.text() and console.act.pending is None
    console.call()
    assert console.act.pending is None
    pressed = threading.Thread(target=lambda: keypads.on_event(KeypadEvent("03", "BID", received_at=time.monotonic())))
    pressed.start()
    pressed.join()
    wait_until(lambda: "竞价器 03 号应价未记录" in console.message.text())
    assert keypads.not_recorded == 1
    with meter.paused():  # screenshots are the test's work, not a wait of the auctioneer's
        for w, h in (LANDSCAPE, PORTRAIT):
            grab(term.window, str(tmp_path / f"console-outage-{w}x{h}.png"), (w, h))
            grab(term.big_screen, str(tmp_path / f"screen-outage-{w}x{h}.png"), (w, h))
            assert clipped_texts(console) == [] and clipped_texts(board) == []
        term.ctx.languages.set("en")
        try:
            wait_until(lambda: "timer paused" in console.calls.text() and "timer paused" in board.calls.text())
            grab(term.window, str(tmp_path / "console-outage-en-1920x1080.png"), LANDSCAPE)
        finally:
            term.ctx.languages.set("zh_CN")
    # the lot's own interval runs out during the freeze (without the hold, 第一次报价 would be due at once)
    wait_until(lambda: console.view.seconds_to_next_call(term.hall.clock.now()) == 0, CALL_SECONDS + 2.0)
    overdue = time.monotonic() + 1.5
    wait_until(lambda: time.monotonic() > overdue)
    assert "计时暂停" in console.calls.text() and console.view.call_no == 0
    restored_at = term.hall.clock.now()
    link.restore()
    wait_until(lambda: term.ctx.db_state().ok, 8.0)
    wait_until(lambda: term.window.outage.isHidden())
    assert "数据库已恢复" in console.message.text()
    settle(console, board)
    wait_until(lambda: console.view is not None and console.view.call_no >= 1, CALL_SECONDS + 8.0)
    meter.stop()

    after = auction_entries(term)
    made = after[len(before):]
    assert [e.kind for e in made] == ["auction.call"], [(e.kind, e.payload) for e in made]  # no bid of the outage, one call
    called_at = parse_rfc3339(made[0].payload["at"])
    # the full interval ran after the database answered again: the outage did not count against the bidders
    assert called_at - restored_at >= dt.timedelta(seconds=CALL_SECONDS - 0.3), (called_at, restored_at)
    assert meter.max_ms() < 250, meter.longest()
    print(f"longest UI stall during freeze and recovery: {meter.max_ms():.0f} ms over {meter.ticks} ticks; "
          f"first call {(called_at - restored_at).total_seconds():.1f} s after the restore")


@pytest.mark.postgres
@pytest.mark.allow_log_warnings("database unavailable", "database answers again", "keypad press of paddle")
def test_keypad_presses_queued_behind_a_frozen_database_are_refused_not_recorded_later(auctioneer: Terminal, linked) -> None:  # type: ignore[no-untyped-def]
    link, _cfg = linked
    term = auctioneer
    console, cars = open_at_console(term)
    outcomes: list = []
    keypads = KeypadBids(term.auction.service, lambda: console.session_id, outcomes, jobs=term.ctx.jobs,  # type: ignore[union-attr]
                         db_state=term.ctx.db_state, refused=console.keypad_refused, start_within_s=3.0)
    meter = StallMeter().start()
    link.freeze()

    def press(paddle: str) -> None:  # the receiver's thread: it hands the press over and reads on
        t = threading.Thread(target=lambda: keypads.on_event(KeypadEvent(paddle, "BID", received_at=time.monotonic())))
        t.start()
        t.join(1.0)
        assert not t.is_alive()  # the receiver never waits on the database

    press("03")  # the watch has not seen the freeze yet: this one starts, and waits on the database
    press("04")  # queued behind it on the keypad lane
    held = time.monotonic() + 4.0  # longer than start_within_s
    wait_until(lambda: time.monotonic() > held)
    link.restore()
    wait_until(lambda: "竞价器 04 号应价未记录" in console.message.text(), 15.0)
    wait_until(lambda: term.ctx.db_state().ok, 8.0)
    settle(console)
    meter.stop()
    with term.hall.reading() as s:
        bids = [e.payload["paddle_no"] for e in entries_after(s, 0, 10_000) if e.kind == "auction.bid"]
    assert "04" not in bids  # pressed during the freeze: refused, never recorded after it
    assert keypads.not_recorded >= 1
    assert meter.max_ms() < 250, meter.longest()


@pytest.mark.allow_log_warnings("database unavailable", "database answers again")
def test_a_board_says_its_countdown_is_paused_and_drops_a_stale_received(qapp, demo_cfg: Config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A standalone audience screen whose database stops answering (its own watch sees a server that
    accepts and never answers): the clock ticks on, the countdown says paused, "出价已收到" goes."""
    import socket

    from hallkiosk.app import build_terminal, ensure_qapp
    from kiosk.db.engine import make_engine
    from kiosk.db.health import DbProbe

    ensure_qapp()
    cfg = dataclasses.replace(demo_cfg, ui=dataclasses.replace(demo_cfg.ui, board_mode="auction"),
                              auction=dataclasses.replace(demo_cfg.auction, call_seconds=30))
    term = build_terminal(cfg, "board", follow=True, devices=False, sync=False, housekeeping=False)
    silent = socket.socket()
    try:
        board = term.auction.screens["board"]  # type: ignore[union-attr]
        term.window.page.show_view("auction")
        svc = term.auction.service  # type: ignore[union-attr]
        land = svc.auction_sessions()[1].session_id
        check_in_all(term.hall, land)
        lot = svc.lots(land)[0].lot_code
        svc.open_lot(land, lot, actor=auc(svc, land))
        svc.bid(land, lot, "01", "16500", actor=auc(svc, land))
        wait_until(lambda: "出价已收到" in board.received.text() and board.settled())
        assert "秒后第一次报价" in board.calls.text()
        watch = term.ctx.db_state.__self__  # type: ignore[attr-defined]  # the terminal's DbWatch
        real = watch.probe
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        frozen = make_engine(f"postgresql://hall@127.0.0.1:{silent.getsockname()[1]}/hall", connect_timeout_s=30)
        meter = StallMeter().start()
        watch.probe = DbProbe(frozen, deadline_s=0.5)
        wait_until(lambda: not term.window.outage.isHidden(), 8.0)
        wait_until(lambda: "计时暂停" in board.calls.text())
        assert board.received.text() == "" and "16,500" in board.price.text()  # the last price stays, marked by the banner
        shown = board.clock.text()
        wait_until(lambda: board.clock.text() != shown, 3.0)  # the clock ticks on
        grab(term.window, str(tmp_path / "board-outage-1920x1080.png"), LANDSCAPE)
        watch.probe = real
        wait_until(lambda: term.window.outage.isHidden(), 8.0)
        wait_until(lambda: "秒后第一次报价" in board.calls.text())
        meter.stop()
        frozen.dispose()
        assert meter.max_ms() < 250, meter.longest()
    finally:
        silent.close()
        term.stop()
        term.window.deleteLater()
