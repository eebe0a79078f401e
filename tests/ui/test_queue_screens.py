"""Queue screens in real terminals: kiosk ticket (printer simulator) and lookup, counter keys, board, admin."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from devices.printer.simulator import PrinterSimulator
from hallkiosk.app import Terminal, build_terminal, ensure_qapp
from kiosk.config import Config
from kiosk.hall import Hall
from kiosk.ports import CardEvent, IdCard
from kiosk.queue import HallQueue
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import queue_hall_at_nine
from ui.queue.admin import ServicesTab, StatsTab
from ui.queue.counter import CounterQueueTab
from ui.theme import LANDSCAPE, PORTRAIT

ID_NUMBER = "150102195001011237"


@pytest.fixture
def qcfg(demo_cfg: Config) -> Config:
    return dataclasses.replace(demo_cfg, queue=dataclasses.replace(demo_cfg.queue, counter_no="1", speech_engine="fake"))


@pytest.fixture
def hall(qcfg: Config) -> Iterator[Hall]:
    with queue_hall_at_nine(qcfg) as h:
        yield h


@pytest.fixture
def make(qapp, hall: Hall) -> Iterator:  # type: ignore[no-untyped-def]
    ensure_qapp()
    made: list[Terminal] = []

    def build(role: str, cfg: Config | None = None, **kw: object) -> Terminal:
        term = build_terminal(cfg or hall.config, role, hall=hall, follow=False, sync=False, **kw)  # type: ignore[arg-type]
        made.append(term)
        return term

    yield build
    for term in made:
        term.threads.stop()
        term.window.close_for_good()
        term.window.deleteLater()


def show(term: Terminal, size: tuple[int, int]) -> None:
    term.window.resize(*size)
    term.window.show()
    QApplication.processEvents()


def test_kiosk_ticket_in_two_touches_printed(make, hall: Hall, qtbot) -> None:  # type: ignore[no-untyped-def]
    with PrinterSimulator() as sim:
        cfg = dataclasses.replace(hall.config, devices=dataclasses.replace(hall.config.devices, printer=sim.url))
        term = make("kiosk", cfg)
        page = term.window.page
        flow = page.flows["ticket"]
        for size in (LANDSCAPE, PORTRAIT):
            show(term, size)
            qtbot.mouseClick(page.tiles["ticket"], Qt.MouseButton.LeftButton)  # touch 1
            assert page.currentWidget() is flow
            wait_until(lambda: not flow.busy and bool(flow.buttons))  # the services are read on the read lane
            assert clipped_texts(term.window) == []
            flow.finish()
        qtbot.mouseClick(page.tiles["ticket"], Qt.MouseButton.LeftButton)
        wait_until(lambda: not flow.busy and bool(flow.buttons))
        assert set(flow.buttons) == {"deposit", "contract", "ca", "consult"}
        qtbot.mouseClick(flow.buttons["contract"], Qt.MouseButton.LeftButton)  # touch 2: the ticket prints
        qtbot.waitUntil(lambda: flow.bytes_printed > 0, timeout=8000)
        assert sim.wait_jobs(1, timeout=5)
        assert flow.r_number.text() == "B001" and "0 人" in flow.r_ahead.text()
        assert "请取走号票" in flow.r_print.text()
        assert flow.ticket is not None and flow.ticket.token.encode() in sim.jobs[0]
        assert HallQueue(hall).ticket(flow.ticket.ticket_id).status == "waiting"
        for size in (LANDSCAPE, PORTRAIT):
            show(term, size)
            assert clipped_texts(term.window) == []
        qtbot.mouseClick(flow.ok_btn, Qt.MouseButton.LeftButton)
        assert page.currentWidget() is page.home and flow.ticket is None


def test_kiosk_card_gives_priority_and_reprint_not_a_new_number(make, hall: Hall, qtbot) -> None:  # type: ignore[no-untyped-def]
    term = make("kiosk", devices=False)
    page = term.window.page
    flow = page.flows["ticket"]
    show(term, LANDSCAPE)
    page.open_flow("ticket")
    card = IdCard("resident", "张三", "男", "1950-01-01", ID_NUMBER, "2020-01-01", "长期")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card))
    assert "张*" in flow.card_note.text() and "优先" in flow.card_note.text() and ID_NUMBER not in flow.card_note.text()
    flow.take("deposit")
    wait_until(lambda: not flow.busy)
    first = flow.ticket
    assert first is not None and first.priority and "本机未接打印机" in flow.r_print.text()
    flow.finish()
    page.open_flow("ticket")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card))
    flow.take("deposit")
    wait_until(lambda: not flow.busy)
    assert flow.ticket.ticket_no == first.ticket_no and "补打" in flow.r_title.text()
    page.reset()
    assert flow.card is None and flow.card_note.text() == ""


def test_kiosk_used_up_and_closed_states(make, hall: Hall) -> None:  # type: ignore[no-untyped-def]
    q = HallQueue(hall)
    svc = next(s for s in q.services() if s.code == "ca")
    q.save_service(dataclasses.replace(svc, daily_quota=0), "admin")
    term = make("kiosk", devices=False)
    page = term.window.page
    show(term, LANDSCAPE)
    page.open_flow("ticket")
    flow = page.flows["ticket"]
    wait_until(lambda: not flow.busy and bool(flow.buttons))
    assert not flow.buttons["ca"].isEnabled() and "已取完" in flow.buttons["ca"].text()
    hall.clock.set(hall.clock.now().replace(hour=20))  # type: ignore[attr-defined]
    flow.refresh()
    wait_until(lambda: not flow.busy)
    assert "取号时间" in flow.buttons["deposit"].text() and "不在取号时间" in flow.message.text()


def test_lookup_by_number_and_scan(make, hall: Hall, qtbot) -> None:  # type: ignore[no-untyped-def]
    q = HallQueue(hall)
    q.issue("A")
    t2 = q.issue("A")
    term = make("kiosk", devices=False)
    page = term.window.page
    show(term, LANDSCAPE)
    page.open_flow("lookup")
    look = page.flows["lookup"]
    wait_until(lambda: not look.busy)
    assert look.letters.count() == 4  # a key per service's prefix letter
    look.entry.setText("a002")
    qtbot.mouseClick(look.go, Qt.MouseButton.LeftButton)
    wait_until(lambda: not look.busy)
    assert look.number.text() == "A002" and "前面还有 1 人" in look.status.text()
    look.reset()
    term.ctx.bridge.scannedCode.emit(t2.qr_data)
    wait_until(lambda: not look.busy)
    assert look.number.text() == "A002"
    look.entry.setText("Z999")
    look.search()
    wait_until(lambda: not look.busy)
    assert "没有找到" in look.message.text()
    for size in (LANDSCAPE, PORTRAIT):
        show(term, size)
        assert clipped_texts(term.window) == []


def test_counter_keys_call_recall_finish(make, hall: Hall, qtbot) -> None:  # type: ignore[no-untyped-def]
    q = HallQueue(hall)
    q.issue("A")
    q.issue("D")
    term = make("counter", devices=False)
    gate = term.window.page
    login(gate, "clerk", "333333")
    tab = gate.work.widget(0)
    assert isinstance(tab, CounterQueueTab) and "F1" in tab.btn_next.text()
    show(term, LANDSCAPE)
    tab.setFocus()
    wait_until(lambda: not tab.busy)

    def key(k: Qt.Key) -> None:  # a key starts an act on the work lane; its outcome comes back later
        qtbot.keyClick(tab, k)
        wait_until(lambda: not tab.busy)

    key(Qt.Key.Key_F1)
    assert tab.current.text() == "A001"
    assert q.counter_state("1").current.ticket_no == "A001"
    key(Qt.Key.Key_F2)
    assert q.counter_state("1").current.call_count == 2
    key(Qt.Key.Key_F1)  # asks first: an active ticket is never dropped silently
    assert "再按" in tab.btn_next.text() and q.counter_state("1").current.ticket_no == "A001"
    key(Qt.Key.Key_F1)
    assert tab.current.text() == "D001"
    key(Qt.Key.Key_F6)
    assert tab.current.text() == "—"
    called = [e for e in hall.recent_entries(100) if e.kind == "ticket.called"]
    assert {e.payload["clerk"] for e in called} == {"clerk"}
    for size in (LANDSCAPE, PORTRAIT):
        show(term, size)
        assert clipped_texts(term.window) == []


def test_board_both_orientations_and_flash(make, hall: Hall) -> None:  # type: ignore[no-untyped-def]
    q = HallQueue(hall)
    for _ in range(3):
        q.issue("A")
    q.call_next("1", "clerk")
    term = make("board", devices=False)
    board = term.window.page.views["queue"]
    term.window.page.show_view("queue")
    for size in (LANDSCAPE, PORTRAIT):
        show(term, size)
        board.refresh()
        wait_until(lambda: not board.refresher.inflight)
        assert clipped_texts(term.window) == []
        assert board.latest.text().replace("\n", "") == "请A001号到1号窗口办理"
    board.on_entries([e for e in hall.recent_entries(50) if e.kind == "ticket.called"][:1])
    assert "1" in board.flashing
    wait_until(lambda: not board.refresher.inflight and board.blink_on)  # the view is read, the blink is lit
    cells = [w for w in board._labels if w.property("counter") == "1"]
    assert cells and all(w.property("flash") for w in cells)


def test_admin_tabs_edit_and_stats(make, hall: Hall) -> None:  # type: ignore[no-untyped-def]
    term = make("admin", devices=False)
    gate = term.window.page
    login(gate, "admin", "123456")
    tabs = {type(gate.work.widget(i)).__name__: gate.work.widget(i) for i in range(gate.work.count())}
    services: ServicesTab = tabs["ServicesTab"]
    services.refresh()
    wait_until(lambda: not services.busy)
    row = next(r for r in range(services.table.rowCount()) if services.cell(r, 0) == "consult")
    services.table.item(row, 6).setText("77")
    services.save()
    assert not services.save_btn.isEnabled()  # until the act's outcome is back
    wait_until(lambda: not services.busy)
    assert "已保存" in services.message.text()
    assert next(s for s in HallQueue(hall).services() if s.code == "consult").daily_quota == 77
    services.table.item(row, 1).setText("O")
    services.save()
    wait_until(lambda: not services.busy)
    assert "第" in services.message.text() and "I、O" in services.message.text()
    stats: StatsTab = tabs["StatsTab"]
    q = HallQueue(hall)
    q.issue("A")
    q.call_next("1", "clerk")
    q.finish("1")
    stats.refresh()
    wait_until(lambda: not stats.busy)
    assert "取号 1" in stats.summary.text() and stats.table.rowCount() >= 3
    show(term, LANDSCAPE)
    gate.work.setCurrentWidget(stats)
    QApplication.processEvents()
    assert clipped_texts(stats) == []
