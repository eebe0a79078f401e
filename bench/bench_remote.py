"""不见面开标 (issue 19): an online bidder's act at the platform → on the host console, beside the poll interval.

The sandbox platform runs over real HTTP; the host's remote loop (``hallkiosk.wiring_opening.RemoteLoop``)
polls ``remote_events`` every ``[opening] remote_poll_seconds`` (3 s) while the remote opening is live;
the console learns what was taken from the journal (a ``JournalFollower``, as every console does). Events
are put on the platform at random moments; each is timed from the moment the platform holds it to the
moment its ``opening.online_signin`` reaches the follower. Expected: about half the interval on average,
the interval plus one poll's wire time at worst. Also the wire time of one empty poll (pull + take).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

EVENTS = 12


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(q * (len(s) - 1))))], 1)


def run(out: dict[str, Any]) -> None:
    from hallkiosk.demo import seed_demo
    from hallkiosk.tours.opening import reschedule_on_sandbox
    from hallkiosk.wiring_opening import RemoteLoop, build_puller
    from kiosk.clock import PlatformClock
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.journal import JournalFollower
    from kiosk.opening import OpeningService
    from kiosk.timeutil import BEIJING
    from sync.sandbox import SandboxServer
    from sync.sandbox.seed import demo_day, remote_event

    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    sid = day["sessions"][5]["session_id"]
    regs = [r for r in day["registrations"] if r["session_id"] == sid]
    rng = random.Random(19)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        server = SandboxServer(base / "platform", seed="demo", today=today)
        server.provision("NM-HHHT-BENCH", secret_file=base / "journal.secret")
        server.start()
        cfg = load_config(data_dir=base / "hall", environ={})
        cfg = dataclasses.replace(cfg, platform=dataclasses.replace(
            cfg.platform, url=server.url, journal_id="NM-HHHT-BENCH", secret_file=str(base / "journal.secret")))
        seed_demo(cfg, today=today)
        reschedule_on_sandbox(server.url, sid, dt.datetime.now(BEIJING) + dt.timedelta(minutes=20),
                              token=server.admin_token, today=today)
        hall = Hall.open(cfg, clock=PlatformClock())
        built = build_puller(hall)
        assert built is not None
        puller, client = built
        stop = threading.Event()
        seen: dict[str, float] = {}
        try:
            puller.pull_all()
            svc = OpeningService(hall)
            loop = RemoteLoop(svc, puller, cfg.opening.remote_poll_seconds)
            wire = []
            for _ in range(5):  # one empty pass: pull the feed + look for new events
                t0 = time.perf_counter()
                loop.poll_once()
                wire.append((time.perf_counter() - t0) * 1000)
            follower = JournalFollower(hall.engine, kinds=("opening.online_signin", "opening.online_refused"))

            def on_entries(entries: list) -> None:
                now = time.monotonic()
                for e in entries:
                    seen.setdefault(str(e.payload.get("event_id")), now)

            threads = [threading.Thread(target=loop.run, args=(stop,), daemon=True),
                       threading.Thread(target=follower.run, args=(stop, on_entries), daemon=True)]
            for t in threads:
                t.start()
            put: dict[str, float] = {}
            for i in range(EVENTS):
                time.sleep(rng.uniform(0.2, loop.poll_s))
                reg = regs[i % len(regs)]
                e = remote_event(reg, 70_000 + i, "signin", dt.datetime.now(BEIJING))  # repeats are refused: also journalled
                server.store.put("remote_events", e["event_id"], e)
                put[e["event_id"]] = time.monotonic()
            deadline = time.monotonic() + 3 * loop.poll_s
            while time.monotonic() < deadline and len(seen) < len(put):
                time.sleep(0.02)
            lat = [(seen[k] - t) * 1000 for k, t in put.items() if k in seen]
            out.update({
                "poll_interval_s": loop.poll_s,
                "events": len(put), "seen": len(lat),
                "platform_to_console_ms": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "max": round(max(lat), 1),
                                           "mean": round(statistics.fmean(lat), 1)},
                "empty_poll_ms": {"p50": _pct(wire, 0.5), "max": round(max(wire), 1)},
                "p95_over_interval": round(_pct(lat, 0.95) / (loop.poll_s * 1000), 3),
            })
        finally:
            stop.set()
            client.close()
            hall.close()
            server.close()
