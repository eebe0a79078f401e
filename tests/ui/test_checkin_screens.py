"""Check-in screens with real widgets: every kiosk page and refusal at both sizes without clipped
text, the clerk's manual check-in tab, the attendance tab and board."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from hallkiosk.app import Terminal, build_terminal, ensure_qapp
from kiosk.checkin import FaceCapture
from kiosk.clock import FixedClock
from kiosk.config import Config, load_config
from kiosk.hall import Hall
from kiosk.ports import CardEvent, IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded_dir
from ui.checkin.station import FaceUpdate

SIZES = ((1920, 1080), (1080, 1920))


def card(i: int, valid_until: str = "长期") -> IdCard:
    p = person(i)
    return IdCard("resident", p["name"], "男", "1980-01-01", p["id_number"], "2015-01-01", valid_until)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_dir(tmp_path_factory.mktemp("checkin-seeded") / "hall")


@pytest.fixture
def cfg(tmp_path: Path, seeded: Path) -> Config:
    shutil.copytree(seeded, tmp_path / "hall")
    return load_config(data_dir=tmp_path / "hall", environ={})


@pytest.fixture
def make(qapp, cfg: Config) -> Iterator:  # type: ignore[no-untyped-def]
    ensure_qapp()
    made: list[Terminal] = []

    def build(role: str, when: tuple[int, int] = (8, 50), lang: str = "zh_CN", board_mode: str | None = None) -> Terminal:
        c = cfg
        if board_mode:
            c = dataclasses.replace(c, ui=dataclasses.replace(c.ui, board_mode=board_mode))
        today = dt.datetime.now(BEIJING).date()
        hall = Hall.open(c, clock=FixedClock(dt.datetime.combine(today, dt.time(*when), BEIJING)))
        term = build_terminal(c, role, lang=lang, follow=False, devices=False, sync=False, hall=hall)
        made.append(term)
        return term

    yield build
    for term in made:
        term.ctx.languages.set("zh_CN")  # translators are installed on the one QApplication
        term.stop()
        term.window.deleteLater()


def show(term: Terminal, size: tuple[int, int]) -> None:
    term.window.resize(*size)
    term.window.show()
    QApplication.processEvents()


def settle(term: Terminal) -> None:
    """Wait for the kiosk flow's act (the card's checks, the check-in, a reprint: work lane) to come back."""
    wait_until(lambda: term.checkin.screens["flow"].act.pending is None)


def settle_tab(tab) -> None:  # type: ignore[no-untyped-def]
    """Wait for a console tab's act (work lane) and loads (read lane) to come back."""
    loaders = [x for x in (getattr(tab, "searcher", None), getattr(tab, "pending_loader", None), getattr(tab, "loader", None)) if x]
    act = getattr(tab, "act", None)
    wait_until(lambda: (act is None or act.pending is None) and not any(x.inflight for x in loaders))


def check_page(term: Terminal, name: str) -> None:
    flow = term.checkin.screens["flow"]
    settle(term)
    for size in SIZES:
        show(term, size)
        assert flow.currentWidget().name == name
        room = size[1] - term.window.header.height() - term.window.statusBar().height()
        need = flow.currentWidget().minimumSizeHint().height()
        assert need <= room, f"{name} needs {need} px, has {room} at {size}"
        assert clipped_texts(flow.currentWidget()) == [], (name, size)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_kiosk_page_fits_both_orientations(make, lang: str) -> None:  # type: ignore[no-untyped-def]
    term = make("kiosk", lang=lang)
    flow = term.checkin.screens["flow"]
    home = term.window.page
    show(term, SIZES[0])
    home.open_flow("checkin")
    check_page(term, "card")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    check_page(term, "consent")
    frame = QImage(640, 360, QImage.Format.Format_RGB888)
    frame.fill(0x808080)
    flow.station.start_face = lambda: flow.station.post_face(FaceUpdate(frame, False, "请靠近摄像头，使面部位于框内", "Please come closer"))
    flow.consent_yes.click()
    QApplication.processEvents()
    check_page(term, "face")
    assert flow.face_message.text()
    flow.station.post_face(FaceUpdate(None, camera_missing=True))
    assert flow._active("face")
    QApplication.processEvents()
    check_page(term, "confirm")
    flow.confirm_ok.click()
    QApplication.processEvents()
    check_page(term, "done")
    flow.done_home.click()
    home.open_flow("checkin")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    check_page(term, "already")
    flow.already_reprint.click()
    check_page(term, "done")
    flow.finish()
    for i, valid in ((0, "2020-01-01"), (16, "长期"), (10, "长期")):  # (a ban admits at an opening: D6)
        home.open_flow("checkin")
        term.ctx.bridge.cardEvent.emit(CardEvent("card", card(i, valid)))
        check_page(term, "refusal")
        assert flow.refusal_what.text() and flow.refusal_todo.text()
        if lang == "en":
            assert flow.pages["refusal"].title.text() == "Cannot check in" and flow.refusal_home.text() == "Back to home"
        flow.finish()


def test_choose_between_sessions_and_qr_first(make, cfg: Config) -> None:  # type: ignore[no-untyped-def]
    from kiosk.feeds import apply_page
    from sync.sandbox.seed import company, demo_day

    term = make("kiosk")
    hall = term.hall
    sid2 = hall.sessions_on()[1].session_id
    data = {"registration_id": "R-TWO", "session_id": sid2, "lot_code": None, "bidder": company(13),
            "representatives": [person(0)], "deposit": None, "checkin_code": "twosessions", "bid_submitted_at": None}
    with hall.unit() as s:
        apply_page(s, "registrations", [{"op": "upsert", "key": "R-TWO", "version": 999, "data": data}], None, None,
                   hall.vault, caught_up=True, now=hall.clock.now())
    flow = term.checkin.screens["flow"]
    show(term, SIZES[1])
    term.window.page.open_flow("checkin")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    check_page(term, "choose")
    assert len(flow.choose_buttons) == 2
    flow.choose_buttons[1].click()
    assert flow.option.session_id == sid2
    flow.finish()
    # QR first, then the card: the QR names the registration
    code = next(r for r in demo_day(dt.datetime.now(BEIJING).date())["registrations"] if r["registration_id"] == "R-88231")["checkin_code"]
    term.window.page.open_flow("checkin")
    term.ctx.bridge.scannedCode.emit(code)
    QApplication.processEvents()
    assert "二维码" in flow.card_state.text()
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    settle(term)
    assert flow.currentWidget().name == "consent" and flow.evaluation.method == "qrcode+idcard"


def test_timeouts_go_home_and_face_timeout_flags(make) -> None:  # type: ignore[no-untyped-def]
    term = make("kiosk")
    flow = term.checkin.screens["flow"]
    show(term, SIZES[0])
    term.window.page.open_flow("checkin")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    settle(term)
    flow.consent_yes.click()
    flow.on_timeout("face")
    assert flow.currentWidget().name == "confirm" and flow.face.status == "timeout"
    flow.on_timeout("confirm")
    assert term.window.page.currentWidget() is term.window.page.home and flow.card is None
    page = flow.pages["card"]
    assert page.progress.maximum() == 60_000


def test_clerk_tab_manual_checkin_with_reason_and_override(make) -> None:  # type: ignore[no-untyped-def]
    term = make("counter", when=(7, 0))  # before the window opens
    gate = term.window.page
    login(gate, "clerk", "333333")
    tab = term.checkin.screens["clerk"]
    gate.work.setCurrentWidget(tab)
    settle_tab(tab)
    show(term, SIZES[0])
    assert clipped_texts(tab) == []
    tab.query.setText("张伟")
    tab.search()
    settle_tab(tab)
    assert tab.table.rowCount() == 1
    tab.name.setText("张伟")
    tab.number.setText(person(0)["id_number"])
    tab.preview()
    settle_tab(tab)
    assert tab.overrides["window_not_open"].isVisible()
    tab.submit()
    settle_tab(tab)
    assert "未签到" in tab.result.text()
    tab.number.setText(person(0)["id_number"])
    tab.preview()
    settle_tab(tab)
    tab.overrides["window_not_open"].setChecked(True)
    tab.submit()
    settle_tab(tab)
    assert "已签到" in tab.result.text() and tab.number.text() == ""
    entries = [e for e in term.hall.recent_entries(20) if e.kind == "checkin.details"]
    assert entries[0].payload["operator"] == "clerk" and entries[0].payload["reason"] == tab.reason.currentText()
    # a banned entity's representative at an opening: admitted and flagged, never refused (D6, REG 51)
    tab.query.setText("内蒙古鑫达路桥")
    tab.search()
    settle_tab(tab)
    tab.name.setText(person(4)["name"])
    tab.number.setText(person(4)["id_number"])
    tab.preview()
    settle_tab(tab)
    assert "不可越权" not in tab.override_label.text() and "市场禁入" not in tab.override_label.text()
    tab.reprint_btn.click()
    settle_tab(tab)
    # a flagged kiosk check-in shows in the pending list and is confirmed with the operator
    svc = term.checkin.service
    term.hall.clock.set(term.hall.clock.now() + dt.timedelta(hours=1, minutes=30))
    sid = svc.evaluate(card(3)).eligible[0].session_id
    svc.check_in(card(3), sid, face=FaceCapture(None, "camera_missing"))
    tab.refresh_pending()
    settle_tab(tab)
    assert tab.pending.count() == 1
    tab.confirm_btn.click()
    settle_tab(tab)
    assert tab.pending.count() == 0 and svc.pending_confirmations() == []


@pytest.mark.allow_log_warnings(r"no audio player", r"needs espeak-ng")  # the board's real speaker, on a machine without either
def test_attendance_tab_and_board(make) -> None:  # type: ignore[no-untyped-def]
    host = make("host")
    tab = host.checkin.screens["attendance"]
    svc = host.checkin.service
    settle_tab(tab)
    sid = tab.pick.currentData()
    svc.check_in(card(0), sid, face=FaceCapture(b"\xff\xd8x", "captured"))
    tab.refresh_list()
    settle_tab(tab)
    assert tab.current.present == 1 and "1 / 5" in tab.summary.text()
    for size in SIZES:
        show(host, size)
        assert clipped_texts(tab) == []
    board = make("board", board_mode="attendance")
    view = board.checkin.screens["board"]
    assert board.window.page.currentWidget() is view
    for size in SIZES:
        show(board, size)
        view.refresh()
        wait_until(lambda: not view.refresher.inflight)
        assert "1 / 5" in view.count.text()
        assert clipped_texts(view) == []
