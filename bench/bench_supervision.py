"""Supervision wall bench: 16 rooms, each a synthetic camera at 320×180 and 10 fps, on the real wall.

A ``supervisor`` terminal is built by the composition root (the wall, one camera loop per room, the
alert watch, the journal follower) over a fresh hall with 16 rooms. Measured over ``seconds``
(default 20; ``HALL_KIOSK_BENCH_SUPERVISION_SECONDS``):

* the UI event loop's latency: a 10 ms ``QTimer`` records how late each tick fires (p50/p99/max),
  and the wall's own :class:`ui.stall.StallMeter` its longest stalls;
* frames drawn per tile per second and frames dropped (a tile keeps one frame in flight);
* CPU of the whole process per tile (the synthetic camera *renders* its scene on its thread, so
  this is an upper bound of what decoding a real sub-stream would cost);
* alert raised → shown on the wall: another process (``--write``, its own ``Hall`` on the same
  database, as another terminal) commits an ``auction.bid_corrected`` entry; the time from that
  commit until the wall has drawn the alert its watch raised for it (p50/p95 of ``alerts`` tries;
  wall clocks of one machine; SQLite: the watch polls the head every 50 ms).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SECONDS = float(os.environ.get("HALL_KIOSK_BENCH_SUPERVISION_SECONDS", "20"))
ROOMS = 16


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return 0.0
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, max(0, int(len(xs) * q + 0.5) - 1))], 2)


def bench(seconds: float = SECONDS, rooms: int = ROOMS, alerts: int = 10) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from hallkiosk.app import build_terminal, ensure_qapp
    from kiosk.config import load_config
    from kiosk.db.models import Room
    from kiosk.hall import Hall
    from ui.stall import StallMeter

    ensure_qapp(headless=True)
    with tempfile.TemporaryDirectory() as d:
        codes = [f"R-{i:02d}" for i in range(1, rooms + 1)]
        cfg = load_config(data_dir=Path(d) / "hall", environ={})
        cfg = dataclasses.replace(cfg, supervision=dataclasses.replace(
            cfg.supervision, cameras=",".join(f"{c}=synthetic" for c in codes), tile_fps=10))
        hall = Hall.open(cfg)
        with hall.unit() as s:
            for i, c in enumerate(codes):
                s.add(Room(code=c, name=f"第{i + 1}会议室", kind="opening"))
        term = build_terminal(cfg, "supervisor", follow=True, devices=False, sync=False, hall=hall)
        term.window.resize(1920, 1080)
        term.window.show()
        wiring = term.supervision
        assert wiring is not None
        wall, feeds = wiring.wall, wiring.feeds
        lateness: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]
        timer = QTimer()
        timer.setInterval(10)

        def tick() -> None:
            now = clock.nsecsElapsed()
            lateness.append(max(0.0, (now - last[0]) / 1e6 - 10.0))
            last[0] = now

        timer.timeout.connect(tick)
        end = time.monotonic() + 3.0  # the cameras open, the tiles are laid out
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.001)
        shown: dict[str, float] = {}
        wall.alertsShown.connect(lambda al: [shown.setdefault(a.alert.key, time.time()) for a in al])
        sent: dict[str, float] = {}
        gap = seconds / (alerts + 1)
        child = subprocess.Popen(  # another terminal: its own process and Hall on the same database
            [sys.executable, "-m", "bench.bench_supervision", "--write", str(cfg.data_dir), str(alerts), str(gap)],
            stdout=subprocess.PIPE, text=True)

        def reader() -> None:
            assert child.stdout is not None
            for line in child.stdout:
                key, at = line.split()
                sent[key] = float(at)

        frames0 = {r: f.delivered for r, f in feeds.items()}
        drops0 = {r: f.dropped for r, f in feeds.items()}
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        meter = StallMeter().start()
        last[0] = clock.nsecsElapsed()  # the warm-up is not a late tick
        timer.start()
        w = threading.Thread(target=reader, name="bench-reader")
        w.start()
        end = t0 + seconds
        while time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.001)
        timer.stop()
        meter.stop()
        frames1 = {r: f.delivered for r, f in feeds.items()}
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        wall_s = time.monotonic() - t0
        limit = time.monotonic() + 30
        while child.poll() is None and time.monotonic() < limit:  # the UI keeps running while the writer finishes
            QApplication.processEvents()
            time.sleep(0.005)
        w.join(5)
        settle = time.monotonic() + 2.0
        while time.monotonic() < settle and not set(sent) <= set(shown):
            QApplication.processEvents()
            time.sleep(0.005)
        cpu_s = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        fps = [(frames1[r] - frames0[r]) / wall_s for r in feeds]
        latency = [(shown[k] - t) * 1000 for k, t in sent.items() if k in shown]
        log_latency = [round(x) for x in latency]
        term.stop()
        return {
            "rooms": rooms, "seconds": seconds,
            "ui_tick_late_ms": {"ticks": len(lateness), "p50": _pct(lateness, 0.5), "p99": _pct(lateness, 0.99),
                                "max": round(max(lateness), 2) if lateness else 0.0},
            "ui_longest_stalls_ms": [round(x.ms, 1) for x in meter.longest(3)],
            "tile_fps": {"mean": round(statistics.mean(fps), 2), "min": round(min(fps), 2), "max": round(max(fps), 2)},
            "frames_dropped": sum(f.dropped - drops0[r] for r, f in feeds.items()),
            "cpu_share_of_one_core_total": round(cpu_s / wall_s, 3),
            "cpu_share_of_one_core_per_tile": round(cpu_s / wall_s / rooms, 4),
            "alert_to_wall_ms": {"n": len(latency), "of": len(sent), "p50": _pct(latency, 0.5), "p95": _pct(latency, 0.95),
                                 "each": log_latency},
        }


def write(data_dir: str, alerts: int, gap: float) -> None:
    """The other terminal: append ``alerts`` corrected bids ``gap`` s apart; print each alert key and the wall-clock commit time."""
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.timeutil import rfc3339

    hall = Hall.open(load_config(data_dir=Path(data_dir), environ={}))
    try:
        for i in range(alerts):
            time.sleep(gap)
            with hall.unit() as s:
                e = hall.journal.append(s, "auction.bid_corrected", {
                    "session_id": "S-BENCH", "lot_code": "L1", "bid_seq": i + 1, "paddle_no": "18", "amount": "1000000.00",
                    "actor": "bench", "reason": "bench", "at": rfc3339(hall.clock.now())})
            print(f"bid_corrected:{e.seq} {time.time()}", flush=True)
    finally:
        hall.close()


def run(out: dict[str, Any]) -> None:
    out.update(bench())


if __name__ == "__main__":
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=SECONDS)
    ap.add_argument("--rooms", type=int, default=ROOMS)
    ap.add_argument("--write", nargs=3, metavar=("DATA_DIR", "N", "GAP"), help="(internal) the other terminal's writes")
    a = ap.parse_args()
    if a.write:
        write(a.write[0], int(a.write[1]), float(a.write[2]))
        raise SystemExit(0)
    print(json.dumps(bench(a.seconds, a.rooms), ensure_ascii=False, indent=2))
