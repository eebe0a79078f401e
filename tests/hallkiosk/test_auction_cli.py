"""``hall-kiosk auction`` for scripts: status, bids (accepted / refused with exit 1), calls, hammer, deposits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.auction import auction_cli


def test_auction_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "auction")

    code, out = run("lots", "--session", sid, "--json")
    assert code == 0 and [x["lot_code"] for x in json.loads(out)] == ["L-0001", "L-0002", "L-0003"]
    assert run("open", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer")[0] == 0
    code, out = run("bid", "--session", sid, "--lot", "L-0002", "--paddle", "03", "--json")
    assert code == 0 and json.loads(out)["amount"] == "28000.00" and json.loads(out)["accepted"] is True
    code, out = run("bid", "--session", sid, "--lot", "L-0002", "--paddle", "01", "--json")
    assert code == 1 and json.loads(out)["reason"] == "not_registered"
    code, out = run("hammer", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer")
    assert code == 1  # three calls first
    for _ in range(3):
        assert run("call", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer")[0] == 0
    code, out = run("hammer", "--session", sid, "--lot", "L-0002", "--operator", "auctioneer", "--json")
    res = json.loads(out)
    assert code == 0 and res["result"] == "sold" and res["paddle_no"] == "03" and len(res["confirmation_sha256"]) == 64
    code, out = run("status", "--session", sid, "--lot", "L-0002", "--json")
    st = json.loads(out)
    assert st["state"] == "sold" and [b["accepted"] for b in st["bids"]] == [True, False] and "reserve" not in json.dumps(st).replace("has_reserve", "").replace("reserve_entered", "")
    code, out = run("deposits", "--session", sid, "--json")
    assert code == 0 and [r["effect"] for r in json.loads(out)] == ["convert"]
