"""人证核验 on the screens (issue 16): consent declined → the clerk and nothing recorded; the clerk's list says
why a check-in waits, confirms a no_match with its first slip, or revokes it with a reason."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import Terminal, build_terminal, ensure_qapp, grab
from kiosk.checkin import FaceCapture
from kiosk.clock import FixedClock
from kiosk.config import Config, load_config
from kiosk.faces import FaceComparison, HeadPose
from kiosk.hall import Hall
from kiosk.ports import CardEvent, IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person
from tests.helpers.screens import clipped_texts, login, wait_until
from tests.helpers.seeded import seeded_dir


class Stranger:
    """A face engine for which every pair is two different people (the boundary, over fixed images)."""

    name = "fixed"
    threshold = 0.6

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        return FaceComparison(0.9, 0.6, False, self.name)

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        return None


def card(i: int) -> IdCard:
    p = person(i)
    return IdCard("resident", p["name"], "男", "1980-01-01", p["id_number"], "2015-01-01", "长期", photo_image=b"BM chip")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_dir(tmp_path_factory.mktemp("faces-ui-seeded") / "hall")


@pytest.fixture
def make(qapp, tmp_path: Path, seeded: Path) -> Iterator[Callable[..., Terminal]]:
    ensure_qapp()
    shutil.copytree(seeded, tmp_path / "hall")
    cfg: Config = load_config(data_dir=tmp_path / "hall", environ={})
    made: list[Terminal] = []

    def build(role: str) -> Terminal:
        today = dt.datetime.now(BEIJING).date()
        hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING)))
        term = build_terminal(cfg, role, follow=False, devices=False, sync=False, hall=hall)
        term.window.resize(1920, 1080)
        term.window.show()
        made.append(term)
        return term

    yield build
    for term in made:
        term.stop()
        term.window.deleteLater()


def test_consent_declined_sends_to_the_clerk_and_records_nothing(make) -> None:
    term = make("kiosk")
    assert term.checkin is not None
    flow = term.checkin.screens["flow"]
    started: list[bool] = []
    flow.station.start_face = lambda: started.append(True)
    before = term.hall.recent_entries(50)
    term.window.page.open_flow("checkin")
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
    wait_until(lambda: flow.currentWidget().name == "consent")
    assert "敏感个人信息" in flow.consent_text.text() and "不同意" in flow.consent_choice.text()
    days = term.hall.config.security.pii_retention_days  # how long the photo is kept, said before consent (PIPL §17)
    assert f"{days} 天后删除" in flow.consent_text.text()
    assert clipped_texts(flow.currentWidget()) == []
    flow.consent_no.click()
    QApplication.processEvents()
    assert flow.currentWidget().name == "refusal" and "服务窗口" in flow.refusal_what.text()
    assert started == [] and flow.face is None
    after = term.hall.recent_entries(50)
    assert [e.seq for e in after] == [e.seq for e in before]  # not a photo, not a record


def test_the_clerk_sees_why_confirms_a_no_match_with_its_slip_or_revokes(make) -> None:
    counter = make("counter")
    assert counter.checkin is not None
    svc = counter.checkin.service
    svc.face_engine = Stranger()
    jpeg = b"\xff\xd8\xff live \xff\xd9"
    for i in (0, 3):
        sid = svc.evaluate(card(i)).eligible[0].session_id
        out = svc.check_in(card(i), sid, face=FaceCapture(jpeg, "captured", liveness="passed"))
        assert out.needs_clerk and out.face is not None and out.face.reference == "chip"
    gate = counter.window.page
    login(gate, "clerk", "333333")
    tab = counter.checkin.screens["clerk"]
    gate.work.setCurrentWidget(tab)
    tab.refresh_pending()
    wait_until(lambda: tab.pending.count() == 2)
    assert "人脸比对不一致" in tab.pending.itemText(0)
    shots = os.environ.get("HALL_KIOSK_SHOTS", "")
    for w, h in ((1920, 1080), (1080, 1920)):  # the counter's list of check-ins waiting for the clerk, both ways
        if shots:
            grab(counter.window, str(Path(shots) / f"checkin-face-clerk-list-{w}x{h}.png"), (w, h))
        counter.window.resize(w, h)
        QApplication.processEvents()
        assert clipped_texts(tab) == [], (w, h)
        assert (counter.window.width(), counter.window.height()) == (w, h)  # no minimum size grows past the screen
        for i in range(tab.pending.count()):  # a combo box elides silently: each waiting row is whole
            text = tab.pending.itemText(i)
            assert tab.pending.fontMetrics().horizontalAdvance(text) <= tab.pending.width() - 48, (w, h, text)
    counter.window.resize(1920, 1080)
    tab.revoke_btn.click()  # no reason: refused
    wait_until(lambda: tab.act.pending is None)
    assert "原因" in tab.result.text() and tab.pending.count() == 2
    tab.revoke_reason.setText("人证不符，持他人证件")
    tab.revoke_btn.click()
    wait_until(lambda: tab.pending.count() == 1)
    assert any(e.kind == "checkin.revoked" for e in counter.hall.recent_entries(10))
    printed: list[object] = []
    def print_slip(slip: object) -> int:
        printed.append(slip)
        return 1

    tab.station.print_slip = print_slip
    tab.confirm_btn.click()  # a no_match: not without the clerk's note
    wait_until(lambda: tab.act.pending is None)
    assert "核验说明" in tab.result.text() and tab.pending.count() == 1 and not printed
    tab.revoke_reason.setText("核对身份证原件及本人，系本人（照片为十年前所摄）")
    tab.confirm_btn.click()
    wait_until(lambda: tab.pending.count() == 0 and bool(printed))
    confirmed = [e for e in counter.hall.recent_entries(10) if e.kind == "checkin.confirmed"]
    assert confirmed[0].payload["note"].startswith("核对身份证原件")
    assert svc.pending_confirmations() == [] and "打印" in tab.result.text()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_face_pages_fit_both_orientations(make, lang: str, tmp_path: Path) -> None:
    """Consent, the head-turn prompt and the no-match page, in both languages, at 1920×1080 and 1080×1920:
    nothing clipped, nothing taller than the screen (frames come as the camera loop posts them)."""
    import time

    from PySide6.QtGui import QImage

    from ui.checkin.station import FaceUpdate

    term = make("kiosk")
    assert term.checkin is not None
    term.ctx.languages.set(lang)
    flow = term.checkin.screens["flow"]
    flow.service.face_engine = Stranger()
    flow.station.liveness_available = True
    frame = QImage(640, 360, QImage.Format.Format_RGB888)
    frame.fill(0x808080)
    flow.station.start_face = lambda: flow.station.post_face(FaceUpdate(frame, True, captured_jpeg=b"\xff\xd8\xff x \xff\xd9"))
    flow.choose_direction = lambda: "right"
    shots = os.environ.get("HALL_KIOSK_SHOTS", "")

    def fits(name: str) -> None:
        for w, h in ((1920, 1080), (1080, 1920)):
            if shots:
                grab(term.window, str(Path(shots) / f"checkin-face-page-{name}-{w}x{h}-{lang}.png"), (w, h))
            term.window.resize(w, h)
            QApplication.processEvents()
            page = flow.currentWidget()
            room = h - term.window.header.height() - term.window.statusBar().height()
            assert page.minimumSizeHint().height() <= room, (name, w, h)
            assert clipped_texts(page) == [], (name, w, h, lang)

    try:
        term.window.page.open_flow("checkin")
        term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))
        wait_until(lambda: flow.currentWidget().name == "consent")
        days = term.hall.config.security.pii_retention_days
        assert (f"{days} 天后删除" if lang == "zh_CN" else f"deleted after {days} days") in flow.consent_text.text()
        fits("consent")
        flow.consent_yes.click()
        wait_until(lambda: flow.currentWidget().name == "turn")
        assert ("请向右转头" if lang == "zh_CN" else "Turn your head to the right") in flow.turn_prompt.text()
        for i, yaw in enumerate((0.0, 1.0, -1.0, -8.0, -20.0)):
            flow.station.post_face(FaceUpdate(frame, True, pose=HeadPose(yaw, 0.1), posing=True, t=time.monotonic() + i * 0.01))
            QApplication.processEvents()
            if i == 2:
                fits("turn")
        wait_until(lambda: flow.currentWidget().name == "confirm")
        assert flow.face is not None and flow.face.liveness == "passed"
        flow.confirm_ok.click()
        wait_until(lambda: flow.currentWidget().name == "counter")
        fits("no-match")
    finally:
        term.ctx.languages.set("zh_CN")


def test_the_sdk_readers_errors_reach_the_kiosks_card_page(make) -> None:
    """Issue 16 must 2, the screen side of the vendor-SDK adapter: what devices/idcard/sdk.py makes of a return
    code (tests/devices/test_idcard_sdk.py, against the stand-in SDK) is said on the kiosk's card page, in
    Chinese (English too when chosen), and a card after it still goes on to consent."""
    from devices.idcard.sdk import KINDS, SdkError, sdtapi_error, termb_error

    term = make("kiosk")
    assert term.checkin is not None
    flow = term.checkin.screens["flow"]
    term.window.page.open_flow("checkin")
    wait_until(lambda: flow.currentWidget().name == "card")
    said = {}
    for error in (termb_error("CVR_Authenticate", "Authenticate", 3), sdtapi_error("SDT_ReadBaseMsg", 0x41),
                  sdtapi_error("SDT_StartFindIDCard", 0x60), termb_error("CVR_InitComm", "InitComm", 2),
                  SdkError("photo-decode-failed", "GetBMPData → 0", function="GetBMPData", rc=0)):
        term.ctx.bridge.cardEvent.emit(CardEvent("error", error=error))
        QApplication.processEvents()
        assert flow.currentWidget().name == "card"
        said[error.code] = flow.card_error.text()
        assert said[error.code].startswith(KINDS[error.code].zh) and clipped_texts(flow.currentWidget()) == []
    assert list(said) == ["card-moved", "read-failed", "sam-fault", "port-not-open", "photo-decode-failed"]
    assert "CVR_Authenticate → 3" in said["card-moved"] and "将改用其他方式核验" in said["photo-decode-failed"]
    term.ctx.bridge.cardEvent.emit(CardEvent("card", card(0)))  # the card read after a decode failure: on to consent
    wait_until(lambda: flow.currentWidget().name == "consent")
