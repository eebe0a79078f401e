"""The legal review's opening findings as the host console and the big screen show them (ui/opening/legal.py).

A banned entity's representative and one person for two bidders check in to session 1 (工程建设,
bid bond required) through the real check-in service; the flags reach the console's box with the
evidence and the big screen's box without it, in both orientations, with no clipped text. The
notices of D1 and the words of D4/D5 come from views the opening's own rules fold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from hallkiosk.app import ensure_qapp, grab
from kiosk.checkin import CheckinService, FaceCapture
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.opening import OpeningService, OpeningView
from kiosk.opening import rules as opening_rules
from kiosk.opening.rules import Progress, SessionFacts
from kiosk.pii import mask_name
from kiosk.timeutil import BEIJING, rfc3339
from sync.sandbox.seed import company, person
from tests.helpers.screens import clipped_texts
from tests.kiosk.test_opening import S1, TODAY, open_hall
from tests.kiosk.test_opening_legal import JPEG, card
from ui.opening.legal import (
    AdmissionFlags,
    committee_notice,
    confirmation_name,
    deposit_name,
    deposit_text,
    quorum_notice,
    reading_deposit_html,
)

SIZES = ((1920, 1080), (1080, 1920))


@pytest.fixture
def flagged(tmp_path: Path) -> Iterator[Hall]:
    """Session 1 at 09:20 with two flagged check-ins: the banned entity's representative, and one person for two bidders."""
    hall = open_hall(tmp_path, at=dt.datetime.combine(TODAY, dt.time(9, 20), BEIJING))
    extra = {"registration_id": "R-EXTRA-1", "session_id": S1, "lot_code": None, "bidder": company(9),
             "representatives": [person(0)], "deposit": {"status": "unpaid", "amount": "250000.00", "received_at": None},
             "checkin_code": "extra-1", "bid_submitted_at": rfc3339(dt.datetime.combine(TODAY, dt.time(7, 30), BEIJING))}
    with hall.unit() as s:
        apply_page(s, "registrations", [{"op": "upsert", "key": "R-EXTRA-1", "version": 5000, "data": extra}], None, None,
                   hall.vault, caught_up=True, now=hall.clock.now())
    svc = CheckinService(hall)
    for i in (4, 0):
        assert svc.check_in(card(i), S1, face=FaceCapture(JPEG, "captured")).accepted
    yield hall
    hall.close()


def test_flags_on_the_console_with_evidence_and_on_the_big_screen_without(flagged: Hall, tmp_path: Path) -> None:
    ensure_qapp()
    v = OpeningService(flagged).view(S1)
    assert {f.code for f in v.flags} == {"banned", "several_bidders"}
    console, board = QWidget(), QWidget()
    console.setObjectName("openingConsole")
    board.setObjectName("board")
    boxes = {"console": AdmissionFlags(evidence=True, parent=console), "board": AdmissionFlags(evidence=False, board=True, parent=board)}
    for name, root in (("console", console), ("board", board)):
        lay = QVBoxLayout(root)
        lay.addWidget(boxes[name])
        lay.addStretch(1)
        boxes[name].show_view(v)
    ban = next(f for f in v.flags if f.code == "banned")
    shown = boxes["console"].text()
    assert "签到核验提示" in shown and ban.evidence.split("：")[0] in shown and mask_name(person(0)["name"]) in shown
    assert "市场禁入" in boxes["board"].text() and ban.evidence.split("：")[0] not in boxes["board"].text()
    assert mask_name(person(0)["name"]) not in boxes["board"].text()
    for text in (shown, boxes["board"].text()):
        assert person(0)["name"] not in text and person(0)["id_number"] not in text and person(4)["id_number"] not in text
    for name, root in (("console", console), ("board", board)):
        for w, h in SIZES:
            grab(root, str(tmp_path / f"flags-{name}-{w}x{h}.png"), (w, h))
            assert clipped_texts(root) == [], (name, w, h)
    boxes["console"].show_view(None)
    assert boxes["console"].isHidden()


def test_notices_and_words_of_d1_d4_d5() -> None:
    ensure_qapp()
    start = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
    facts = SessionFacts("S-1", "某工程", "K1", "第一开标室", start, 3, {"deposit_required": True})
    snap = [{"registration_id": f"R-{i}", "name": f"投标人{i}", "org_code": "", "submitted_at": None,
             "deposit": {"status": s}} for i, s in enumerate(("paid", "guarantee", "unpaid"), start=1)]
    w = {"R-3": {"kind": "withdrawn", "reference": "W-1", "received_at": "2026-12-06"}}

    def fold(progress: Progress, data: dict) -> OpeningView:
        return opening_rules.fold_view(facts, progress, data, snap, [], {}, start)

    v = fold(Progress(stage="attendance"), {"withdrawals": w, "quorum_short": {"phase": "attendance", "valid": 2, "quorum": 3}})
    assert quorum_notice(v) == "投标人少于 3 个（现有 2 个）：依法不得开标，等待主持人确认"
    v = fold(Progress(stage="signing", outcome="failed_quorum"), {"withdrawals": w, "quorum_decision": {
        "phase": "attendance", "valid": 2, "quorum": 3, "decision": "failed", "reason": "依法重新招标"}})
    assert (quorum_notice(v) or "").startswith("投标人少于 3 个（现有 2 个）：不得开标，依法重新招标")
    assert "招标失败" not in (quorum_notice(v) or "")
    v = fold(Progress(stage="reading"), {"valid_short": {"phase": "decryption", "valid": 1, "quorum": 3, "for_committee": True}})
    assert committee_notice(v) == "解密后有效投标 1 家，少于 3 家：开标继续，提请评标委员会依法评审"
    assert [deposit_text(v, b) for b in v.bidders] == [
        "投标保证金：已递交", "投标保证金：电子保函", "投标保证金：未递交"]
    assert "未递交" in reading_deposit_html(v, v.bidders[2])
    facts2 = SessionFacts("S-2", "某采购", "K1", "第一开标室", start, 3, {"deposit_required": False})
    v2 = opening_rules.fold_view(facts2, Progress(stage="confirmation"), {"confirmations": {
        "R-1": {"status": "absent"}, "R-2": {"status": "deemed"}}}, snap, [], {}, start)
    assert deposit_text(v2, v2.bidders[0]) == "" and reading_deposit_html(v2, v2.bidders[0]) == ""
    assert [confirmation_name(b) for b in v2.bidders] == ["未到场", "未到场，视同认可", "—"]


def test_withdrawal_fields_feed_the_core_act(tmp_path: Path) -> None:
    """The console's fields for a written withdrawal (REG 35) give record_withdrawal what it needs; the core
    refuses a missing reference with its own words."""
    from kiosk.opening import OpeningError
    from tests.kiosk.test_opening import REGS2, S2, op, to_attendance
    from ui.opening.legal import WithdrawalFields

    ensure_qapp()
    hall = open_hall(tmp_path)
    try:
        svc = OpeningService(hall)
        host = op(hall, "host")
        to_attendance(hall, svc, host)
        fields = WithdrawalFields()
        rid = REGS2[3]["registration_id"]
        with pytest.raises(OpeningError) as e:
            svc.record_withdrawal(S2, host, rid, *fields.values())
        assert e.value.code == "withdrawal-reference"
        fields.kind.setCurrentIndex(1)
        fields.reference.setText("撤销函 2026-07")
        fields.received_at.setText("2026-12-07 09:40")
        assert fields.values() == ("revoked", "撤销函 2026-07", "2026-12-07 09:40")
        b = svc.record_withdrawal(S2, host, rid, *fields.values()).bidder(rid)
        assert b.withdrawn and "撤销函 2026-07" in b.withdrawal_zh
        for w, h in SIZES:
            grab(fields, str(tmp_path / f"withdrawal-{w}x{h}.png"), (w // 2, 80))
            assert clipped_texts(fields) == []
    finally:
        hall.close()


def test_the_host_console_and_its_big_screen_show_the_flags_the_withdrawal_and_the_bid_bond(flagged: Hall, tmp_path: Path) -> None:
    """Session 1 on a host terminal with its big screen: the flagged admissions (D6) on the console with the
    evidence and on the big screen without; a written 撤销 (REG 35) and the bid bond (D4) on the bidder rows;
    唱标 on the big screen reads the bid bond; the confirmation column says 未到场 (D5)."""
    import dataclasses

    from hallkiosk.app import build_terminal
    from tests.helpers.roles import take_roles
    from tests.helpers.screens import login, wait_until
    from tests.kiosk.test_opening import DAY, publish_results

    ensure_qapp()
    hall = flagged
    cfg = dataclasses.replace(hall.config, site=dataclasses.replace(hall.config.site, room_code="KB-03"))
    term = build_terminal(cfg, "host", follow=True, devices=False, sync=False, big_screen=True, hall=hall)
    try:
        login(term.window.page, "host", "111111")
        con, big = term.opening.screens["console"], term.opening.screens["big_screen"]
        term.window.page.work.setCurrentWidget(con)
        svc = term.opening.service
        held = take_roles(hall, S1, ("host", "recorder"))
        host, recorder = held["host"], held["recorder"]

        def show() -> None:
            con.select_session(S1)
            con.refresh_view()
            big.show_session(S1)
            wait_until(lambda: not con.loader.inflight and con.view is not None and con.view.session_id == S1
                       and not big.refresher.inflight and big.view is not None and big.view == con.view)

        svc.announce(S1, host)
        hall.clock.set(dt.datetime.combine(TODAY, dt.time(9, 30), BEIJING))
        svc.publish_bidders(S1, host)
        svc.open_attendance(S1, host)
        v = svc.view(S1)
        planned = {r["registration_id"] for r in DAY["bid_plans"][S1]}
        gone = [b for b in v.bidders if b.registration_id not in planned]  # the bids the platform will not decrypt
        for i, b in enumerate(gone):
            svc.record_withdrawal(S1, host, b.registration_id, "revoked", f"撤销函第{i + 1}号", "2026-12-07 09:31")
        show()
        ban = next(f for f in con.view.flags if f.code == "banned")
        assert con.flags.isVisibleTo(con) and ban.evidence.split("：")[0] in con.flags.text()
        assert big.flags.isVisibleTo(big) and "市场禁入" in big.flags.text() and ban.evidence.split("：")[0] not in big.flags.text()
        assert mask_name(person(0)["name"]) in con.flags.text() and mask_name(person(0)["name"]) not in big.flags.text()
        row = next(i for i, b in enumerate(con.view.bidders) if b.withdrawn)
        w = con.view.bidders[row]
        assert w.withdrawal_zh in con.table.item(row, 1).text() and "投标保证金：" in con.table.item(row, 1).text()
        assert "弃标" in con.table.item(row, 3).text() or w.attendance == "present"
        for size in SIZES:
            grab(term.window, str(tmp_path / f"console-flags-{size[0]}x{size[1]}.png"), size)
            assert clipped_texts(con) == [], size
            grab(term.big_screen, str(tmp_path / f"big-flags-{size[0]}x{size[1]}.png"), size)
            assert clipped_texts(big) == [], size
            rows = [lab for lab in big.grid_host.findChildren(QLabel) if lab.isVisibleTo(big)]
            need = [lab.heightForWidth(lab.width()) if lab.wordWrap() else lab.sizeHint().height() for lab in rows]
            assert rows and all(lab.height() >= n for lab, n in zip(rows, need, strict=True)), size  # no row squeezed
        # the landscape wall pages a list longer than it has room for under the flags, and says so
        grab(term.big_screen, str(tmp_path / "big-flags-page-1.png"), SIZES[0])
        if big._pages > 1:
            assert "名单第 1/" in big.note.text()
            big._next_page()
            grab(term.big_screen, str(tmp_path / "big-flags-page-2.png"), SIZES[0])
            assert "名单第 2/" in big.note.text()
        for b in svc.view(S1).bidders:
            if b.attendance == "absent" and not b.absent_reason:
                svc.record_absence(S1, recorder, b.registration_id, "late")
        svc.confirm_attendance(S1, host)
        svc.publish_control_price(S1, host)
        svc.start_decryption(S1, host, starter=lambda _sid: None)
        publish_results(hall, S1)
        svc.refresh_decryption(S1)
        svc.finish_decryption(S1, host)
        svc.read_next(S1, host)
        show()
        cur = con.view.current_reading
        assert cur is not None and big.reading.isVisibleTo(big)
        assert "投标保证金：" + deposit_name(cur.deposit_status) in big.reading.text() and cur.deposit_status in ("paid", "guarantee")
        assert not big.flags.isVisibleTo(big)  # while a bid is read the reading box has the room
        from PySide6.QtGui import QImage

        for size in SIZES:  # a two-line title, the price, its capitals, the items and the bid bond fit the wall
            grab(term.big_screen, str(tmp_path / f"big-reading-{size[0]}x{size[1]}.png"), size)
            assert clipped_texts(big) == [], size
            img = QImage(str(tmp_path / f"big-reading-{size[0]}x{size[1]}.png"))
            assert (img.width(), img.height()) == size
            assert big.reading.height() >= big.reading.heightForWidth(big.reading.width()), size  # nothing cut off
        while svc.view(S1).reading_index < len(svc.view(S1).bidders):
            svc.read_next(S1, host)
        svc.finish_reading(S1, host)
        svc.close_objections(S1, host)
        show()
        absent = [i for i, b in enumerate(con.view.bidders) if b.attendance == "absent" and not b.withdrawn]
        for i in absent:  # this session does not deem an absent bidder to accept (D5)
            assert con.table.item(i, 6).text() == "未到场"
    finally:
        term.stop()
