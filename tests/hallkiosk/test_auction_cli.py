"""``hall-kiosk auction`` for scripts: status, bids (accepted / refused with exit 1), calls, hammer, deposits."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from devices.idcard.simulator import IdReaderSimulator
from hallkiosk.cli import main
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from kiosk.ports import IdCard
from tests.helpers.auction import auction_cli, staff_reader_fixture  # noqa: F401  (the staff_reader fixture)
from tests.helpers.auction_roles import staff_card


def test_auction_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        staff_reader: IdReaderSimulator) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "auction", staff_reader)

    code, out = run("lots", "--session", sid, "--json")
    assert code == 0 and [x["lot_code"] for x in json.loads(out)] == ["L-0001", "L-0002", "L-0003"]
    assert run("open", "--session", sid, "--lot", "L-0002", "--card")[0] == 0
    code, out = run("bid", "--session", sid, "--lot", "L-0002", "--paddle", "03", "--json", "--card")
    assert code == 0 and json.loads(out)["amount"] == "28000.00" and json.loads(out)["accepted"] is True
    code, out = run("bid", "--session", sid, "--lot", "L-0002", "--paddle", "01", "--json", "--card")
    assert code == 1 and json.loads(out)["reason"] == "not_registered"
    code, out = run("hammer", "--session", sid, "--lot", "L-0002", "--card")
    assert code == 1  # three calls first
    for _ in range(3):
        assert run("call", "--session", sid, "--lot", "L-0002", "--card")[0] == 0
    code, out = run("hammer", "--session", sid, "--lot", "L-0002", "--card", "--json")
    res = json.loads(out)
    assert code == 0 and res["result"] == "sold" and res["paddle_no"] == "03" and len(res["confirmation_sha256"]) == 64
    code, out = run("status", "--session", sid, "--lot", "L-0002", "--json")
    st = json.loads(out)
    assert st["state"] == "sold" and [b["accepted"] for b in st["bids"]] == [True, False] and "reserve" not in json.dumps(st).replace("has_reserve", "").replace("reserve_entered", "")
    code, out = run("deposits", "--session", sid, "--json")
    assert code == 0 and [r["effect"] for r in json.loads(out)] == ["held"]  # D10: until the 确认书 is signed
    assert run("settle", "--session", sid, "--lot", "L-0002", "--card", "signed")[0] == 0
    code, out = run("deposits", "--session", sid, "--json")
    assert [r["effect"] for r in json.loads(out)] == ["held", "convert"]


def test_auction_cli_a_bare_operator_is_refused_and_a_card_or_pin_is_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        staff_reader: IdReaderSimulator) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "auction", staff_reader)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # --operator without a PIN on stdin
    code, err = run_err(tmp_path, capsys, "open", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer")
    assert code == 1 and "PIN" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("222222\n"))  # the hall's auctioneer account with its PIN
    code, err = run_err(tmp_path, capsys, "open", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer")
    assert code == 1 and "身份证" in err  # the platform appointed someone: their card, not a hall account
    code, err = run_err(tmp_path, capsys, "open", "--session", sid, "--lot", "L-0002")
    assert code == 1 and "--card" in err  # no actor at all
    staff_reader.place_card(staff_card_of(tmp_path, sid, "supervisor"))
    code, err = run_err(tmp_path, capsys, "call", "--session", sid, "--lot", "L-0002", "--card")
    assert code == 1 and "不是平台为本场指定的拍卖师" in err  # the supervisor's card is not the auctioneer's
    code, out = run("status", "--session", sid, "--lot", "L-0002", "--json")
    assert json.loads(out)["state"] == "pending"


def test_auction_cli_lottery_and_verify_lottery(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, staff_reader: IdReaderSimulator) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "listing_auction", staff_reader)
    code, out = run("lots", "--session", sid, "--json")
    base = ["--session", sid, "--lot", json.loads(out)[0]["lot_code"]]
    assert run("open", *base, "--card", "--stage", "lottery")[0] == 0
    assert run("bid", *base, "--paddle", "02", "--amount", "18720", "--card")[0] == 0
    assert run("bid", *base, "--paddle", "01", "--card")[0] == 0  # joins at the cap
    for _ in range(3):
        assert run("call", *base, "--card")[0] == 0
    code, err = run_err(tmp_path, capsys, "verify-lottery", *base)
    assert code == 1 and "auction.lottery_candidates" in err  # no lottery yet
    assert run("lottery", *base, "--card", "candidates")[0] == 0
    assert run("lottery", *base, "--card", "entropy", "--digits", "0815")[0] == 0
    staff_reader.place_card(staff_card_of(tmp_path, sid, "supervisor"))
    assert run("lottery", *base, "--card", "draw")[0] == 1  # the supervisor operates nothing
    code, out = run("lottery", *base, "--card", "--as", "supervisor", "entropy", "--digits", "4711")
    assert code == 0 and "SHA-256" in out
    staff_reader.place_card(staff_card_of(tmp_path, sid, "auctioneer"))
    code, out = run("lottery", *base, "--card", "draw")
    assert code == 0 and "中签" in out
    code, out = run("verify-lottery", *base)
    assert code == 0 and "一致" in out
    for member, value, named in (("seed", "0" * 64, "seed"), ("candidates", ["01", "02", "03"], "candidates"),
                                 ("winner", "99", "winner")):
        honest = tamper(tmp_path, "auction.lottery", member, value)  # someone edits the journal's draw
        code, err = run_err(tmp_path, capsys, "verify-lottery", *base)
        assert code == 1 and named in err, (member, err)
        tamper(tmp_path, "auction.lottery", member, honest)
    assert run("verify-lottery", *base)[0] == 0


def tamper(data_dir: Path, kind: str, member: str, value: Any) -> Any:
    """Rewrite one member of the journal entry of ``kind`` in place (what verify-lottery must catch); the old value."""
    hall = Hall.open(load_config(data_dir=data_dir, environ={}))
    try:
        with hall.unit() as s:
            e = s.scalars(select(JournalEntry).where(JournalEntry.kind == kind)).one()
            pl = json.loads(e.payload)
            old, pl[member] = pl[member], value
            e.payload = json.dumps(pl, ensure_ascii=False)
        return old
    finally:
        hall.close()


def staff_card_of(data_dir: Path, sid: str, role: str) -> IdCard:
    hall = Hall.open(load_config(data_dir=data_dir, environ={}))
    try:
        return staff_card(hall, sid, role)
    finally:
        hall.close()


def run_err(data_dir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["auction", *args, "--data-dir", str(data_dir)])
    return code, capsys.readouterr().err
