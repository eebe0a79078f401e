"""Auction: sustained bids from another process → accepted-bid and display-update latency; restart recovery.

A bidder process (a second console / the keypad thread) bids at ``BENCH_AUCTION_RATE`` bids/s
(default 20) for ``BENCH_AUCTION_SECONDS`` (default 60, the issue's figure) on one lot of a
seeded demo hall (SQLite, one file — the single-hall case). This process follows the journal
exactly as the audience screen does (``JournalFollower``, 50 ms poll) and re-reads the lot's view
for each new bid: display latency = that moment − the bid's commit in the other process
(``time.monotonic`` is system-wide on Linux). Then the hall is closed in mid-lot and reopened:
recovery = open + first full lot view, checked equal to the state before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from hallkiosk.demo import seed_demo
from kiosk.auction import AuctionService
from kiosk.auction.demo import check_in_all
from kiosk.config import load_config
from kiosk.hall import Hall

BIDDER = textwrap.dedent(
    """
    import json, sys, time
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.auction import AuctionService
    from kiosk.ports import KeypadEvent
    data_dir, sid, lot, rate, seconds = sys.argv[1:6]
    hall = Hall.open(load_config(data_dir=data_dir, environ={}), migrate=False)
    a = AuctionService(hall)
    print("ready", flush=True)
    sys.stdin.readline()
    period = 1.0 / float(rate)
    n = int(float(rate) * float(seconds))
    out = []
    t0 = time.monotonic()
    for i in range(n):
        due = t0 + i * period
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
        start = time.monotonic()
        r = a.keypad(sid, KeypadEvent(paddle_no=("01", "02")[i % 2], key="BID"))  # a bidder's press: no role
        out.append([r.seq, start, time.monotonic(), r.accepted])
    hall.close()
    print(json.dumps(out), flush=True)
    """
)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return round(v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))], 1)


def _auctioneer(hall: Hall, sid: str) -> Any:
    """The session's appointed 拍卖师 takes the role by placing their ID card (kiosk.staffing)."""
    from kiosk.ports import IdCard
    from kiosk.staffing import StaffingService
    from sync.sandbox.seed import staff_person

    p = staff_person(5, "auctioneer")
    card = IdCard("resident", p["name"], "男", "1972-05-15", p["id_number"], "2020-01-01", "长期")
    return StaffingService(hall).take_role(sid, "auctioneer", card=card)


def run(out: dict[str, Any]) -> None:
    rate = float(os.environ.get("BENCH_AUCTION_RATE", "20"))
    seconds = float(os.environ.get("BENCH_AUCTION_SECONDS", "60"))
    with tempfile.TemporaryDirectory(prefix="bench-auction-") as tmp:
        data = Path(tmp) / "hall"
        cfg = load_config(data_dir=data, environ={})
        seed_demo(cfg)
        hall = Hall.open(cfg)
        a = AuctionService(hall)
        sid = next(s.session_id for s in a.auction_sessions() if s.kind == "auction")
        check_in_all(hall, sid)
        lot = "L-0001"
        from tests.helpers.auction_roles import take_role  # the appointees' cards, as the console reads them

        auctioneer = _auctioneer(hall, sid)
        a.enter_reserve(sid, lot, "40000", auctioneer=auctioneer, supervisor=take_role(hall, sid, "supervisor"))
        a.open_lot(sid, lot, actor=auctioneer)
        follower = hall.follower(kinds=("auction.bid",))
        seen: dict[int, float] = {}
        stop = threading.Event()

        def on_entries(entries: list) -> None:
            a.lot(sid, lot, last_bids=5)  # what the audience screen reads for each update
            now = time.monotonic()
            for e in entries:
                seen[e.seq] = now

        th = threading.Thread(target=follower.run, args=(stop, on_entries), name="bench-follower")
        th.start()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        proc = subprocess.Popen([sys.executable, "-c", BIDDER, str(data), sid, lot, str(rate), str(seconds)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout is not None and proc.stdin is not None
        proc.stdout.readline()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        stdout, _ = proc.communicate(timeout=seconds * 4 + 60)
        bids = json.loads(stdout.strip().splitlines()[-1])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all(b[0] in seen for b in bids):
            time.sleep(0.05)
        stop.set()
        th.join()
        accepted_ms = [(b[2] - b[1]) * 1000 for b in bids if b[3]]
        display_ms = [(seen[b[0]] - b[2]) * 1000 for b in bids if b[0] in seen]
        before = a.lot(sid, lot)
        hall.close()
        t0 = time.monotonic()
        again = Hall.open(cfg, migrate=False)
        after = AuctionService(again).lot(sid, lot)
        recovery_ms = (time.monotonic() - t0) * 1000
        same = after == before
        again.close()
    out["auction"] = {
        "rate_bids_per_s": rate,
        "seconds": seconds,
        "bids": len(bids),
        "accepted": sum(1 for b in bids if b[3]),
        "lost_on_display": sum(1 for b in bids if b[0] not in seen),
        "accepted_bid_latency_ms_p50": _pct(accepted_ms, 0.5),
        "accepted_bid_latency_ms_p95": _pct(accepted_ms, 0.95),
        "display_update_latency_ms_p50": _pct(display_ms, 0.5),
        "display_update_latency_ms_p95": _pct(display_ms, 0.95),
        "display_update_latency_ms_max": _pct(display_ms, 1.0),
        "restart_recovery_ms": round(recovery_ms, 1),
        "restart_state_identical": same,
    }
