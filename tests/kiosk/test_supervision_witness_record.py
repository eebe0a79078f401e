"""The 见证记录 page (issue 18 must 4, docs/rules/supervision.md §4 W4–W5): the witness's notes, ticked
through the service by the appointed witness's card, printed on a page of their own at the end of the
auction's 拍卖笔录 (a real lot closed on a seeded hall) and as a preview; masked, escaped, in order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from kiosk.auction import AuctionService
from kiosk.auction.demo import check_in_all
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.supervision import SupervisionService, WitnessNote
from kiosk.supervision.witness_record import witness_pdf, witness_story
from kiosk.timeutil import BEIJING
from tests.helpers.auction_roles import take_auctioneer as auc
from tests.helpers.auction_roles import take_role
from tests.helpers.pdf import pdf_text
from tests.helpers.seeded import seeded


def pages(path: str | Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def test_w4_the_auction_record_ends_with_the_witness_notes_page(tmp_path: Path) -> None:
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={}))
    today = dt.datetime.now(BEIJING).date()
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(14, 0), BEIJING)))
    try:
        a = AuctionService(hall)
        cars = next(s.session_id for s in a.auction_sessions() if s.kind == "auction")
        check_in_all(hall, cars)
        witness = take_role(hall, cars, "witness")
        svc = SupervisionService(hall)
        svc.note(witness, cars, "lot_opened", "规则<完整>&清楚")
        svc.note(witness, cars, "other", "第2号竞买人离场未签退", irregular=True)
        a.open_lot(cars, "L-0003", actor=auc(a, cars))
        a.bid(cars, "L-0003", "02", actor=auc(a, cars))
        for _ in range(3):
            hall.clock.advance(a.call_seconds)  # type: ignore[attr-defined]
            a.call(cars, "L-0003", actor=auc(a, cars))
        r = a.hammer(cars, "L-0003", actor=auc(a, cars))
        text = pdf_text(r.record_path)
        last = "".join(text.split("\f")[-1].split())  # the page's text without the wrapping of its cells
        assert text.count("\f") == pages(r.record_path) - 1 >= 1
        assert last.startswith("见证记录"), last[:80]
        for want in ("宣布拍卖规则", "规则<完整>&清楚", "其他情况", "异常", "第2号竞买人离场未签退",
                     "共2条见证记录，其中记录异常1条", "见证人（签字）"):
            assert want in last, want
        assert "赵晓东" not in text and "赵*东" in last  # the witness masked, as the journal names them
        assert last.index("宣布拍卖规则") < last.index("离场未签退")  # journal order
    finally:
        hall.close()


def test_w5_the_page_alone_lists_every_note_and_an_empty_session_says_so(tmp_path: Path) -> None:
    assert witness_story([], session_id="S-1") == []  # no notes: the record gets no page
    at = dt.datetime(2026, 11, 27, 10, 5, tzinfo=BEIJING)
    notes = [WitnessNote(i, "KB-01", "S-1", "reading", "唱标", f"第 {i} 条：所见如实", i % 2 == 0, "witness:赵*东",
                         at + dt.timedelta(minutes=i)) for i in range(1, 31)]
    data, sha = witness_pdf(notes, session_id="S-1", title="某某项目开标", site="演示交易中心")
    path = tmp_path / "w.pdf"
    path.write_bytes(data)
    text = pdf_text(path)
    flat = "".join(text.split())
    assert all(f"第{i}条：所见如实" in flat for i in range(1, 31)) and "10:35:00" in flat
    assert "共30条见证记录，其中记录异常15条" in flat and "某某项目开标" in flat
    assert witness_pdf(notes, session_id="S-1", title="某某项目开标", site="演示交易中心")[1] == sha  # reproducible
    empty = tmp_path / "e.pdf"
    empty.write_bytes(witness_pdf([], session_id="S-2")[0])
    assert "本场次无见证记录" in pdf_text(empty)
