"""``hall-kiosk auction`` with a stage after the cap: open with 竞配建, stage bids (accepted / refused), hammer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hallkiosk.cli import main
from hallkiosk.demo import seed_demo
from kiosk.auction.demo import check_in_all
from kiosk.config import load_config
from kiosk.hall import Hall


def test_auction_cli_area_stage_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(data_dir=tmp_path, environ={})
    seed_demo(cfg)
    monkeypatch.setenv("HALL_KIOSK__AUCTION__CALL_SECONDS", "0")
    hall = Hall.open(cfg)
    try:
        sid = next(s.session_id for s in hall.sessions_on(kinds=("listing_auction",)))
        check_in_all(hall, sid)
    finally:
        hall.close()
    d = ["--data-dir", str(tmp_path)]

    def run(*args: str) -> tuple[int, str]:
        code = main(["auction", *args, *d])
        return code, capsys.readouterr().out

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
