"""``hall-kiosk auction`` with a stage after the cap: open with 竞配建, stage bids (accepted / refused), hammer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.auction import auction_cli


def test_auction_cli_area_stage_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "listing_auction")

    code, out = run("lots", "--session", sid, "--json")
    lot = json.loads(out)[0]["lot_code"]
    base = ["--session", sid, "--lot", lot]
    assert run("open", *base, "--operator", "auctioneer", "--stage", "area")[0] == 1  # start/step missing
    code, out = run("open", *base, "--operator", "auctioneer", "--stage", "area", "--stage-start", "1000",
                    "--stage-step", "100", "--json")
    assert code == 0 and (json.loads(out)["stage"], json.loads(out)["stage_step"]) == ("area", "100")
    assert run("bid", *base, "--paddle", "01", "--amount", "18720")[0] == 0
    code, out = run("bid", *base, "--paddle", "01", "--amount", "18820", "--json")
    assert code == 1 and json.loads(out)["reason"] == "cap_reached"
    code, out = run("stage-bid", *base, "--paddle", "02", "--json")
    assert code == 1 and json.loads(out)["reason"] == "not_at_cap"
    code, out = run("stage-bid", *base, "--paddle", "01", "--value", "1200", "--json")
    assert code == 0 and json.loads(out)["stage_value"] == "1200"
    for _ in range(3):
        assert run("call", *base, "--operator", "auctioneer")[0] == 0
    code, out = run("hammer", *base, "--operator", "auctioneer", "--json")
    assert code == 0 and (json.loads(out)["paddle_no"], json.loads(out)["hammer_price"]) == ("01", "18720.00")
