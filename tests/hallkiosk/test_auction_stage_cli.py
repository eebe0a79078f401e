"""``hall-kiosk auction`` with a stage after the cap: open with 竞配建, stage bids (accepted / refused), hammer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devices.idcard.simulator import IdReaderSimulator
from tests.helpers.auction import auction_cli, staff_reader_fixture  # noqa: F401  (the staff_reader fixture)
from tests.helpers.auction_roles import set_after_cap


def test_auction_cli_area_stage_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        staff_reader: IdReaderSimulator) -> None:
    sid, run = auction_cli(tmp_path, capsys, monkeypatch, "listing_auction", staff_reader)

    code, out = run("lots", "--session", sid, "--json")
    lot = json.loads(out)[0]["lot_code"]
    base = ["--session", sid, "--lot", lot]
    assert run("open", *base, "--card", "--stage", "area")[0] == 1  # the lot's after_cap says lottery (D7)
    set_after_cap(tmp_path, sid, lot, {"method": "area", "start": "1000", "step": "100", "unit": "m2"})
    code, out = run("open", *base, "--card", "--stage", "area", "--json")
    assert code == 0 and (json.loads(out)["stage"], json.loads(out)["stage_step"]) == ("area", "100")
    assert run("bid", *base, "--paddle", "01", "--amount", "18720", "--card")[0] == 0
    code, out = run("bid", *base, "--paddle", "01", "--amount", "18820", "--json", "--card")
    assert code == 1 and json.loads(out)["reason"] == "cap_reached"
    code, out = run("stage-bid", *base, "--paddle", "02", "--json", "--card")
    assert code == 1 and json.loads(out)["reason"] == "not_at_cap"
    code, out = run("stage-bid", *base, "--paddle", "01", "--value", "1200", "--json", "--card")
    assert code == 0 and json.loads(out)["stage_value"] == "1200"
    for _ in range(3):
        assert run("call", *base, "--card")[0] == 0
    code, out = run("hammer", *base, "--card", "--json")
    assert code == 0 and (json.loads(out)["paddle_no"], json.loads(out)["hammer_price"]) == ("01", "18720.00")
