"""A supervisor's pause ordered on a shared PostgreSQL hall reaches another process's console within
250 ms (issue 18 must 3; docs/rules/supervision.md §3 O4): the order is given in one process (the
wall's: the supervisor signed in by card), the console in this process follows the journal as the
composition root runs it (``JournalFollower.run`` on a thread, LISTEN/NOTIFY) and hears each
``supervision.order``; its next step is refused while the pause stands. Twenty orders, p95 measured."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.journal import Entry
from kiosk.opening import OpeningError, OpeningService
from kiosk.supervision import SupervisionService
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import demo_day
from tests.helpers.roles import take_roles
from tests.helpers.seeded import TEST_DAY, seeded

S1 = demo_day(TEST_DAY)["sessions"][0]["session_id"]  # KB-03, 09:30
AT = dt.datetime.combine(TEST_DAY, dt.time(9, 10), BEIJING)
ORDERS = 20

WALL = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.supervision import SupervisionService
    from tests.helpers.roles import take_roles
    data_dir, db, sid, at, n = sys.argv[1:6]
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db, environ={}), clock=FixedClock(dt.datetime.fromisoformat(at)),
                     migrate=False)
    sup = take_roles(hall, sid, ("supervisor",))["supervisor"]
    svc = SupervisionService(hall)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range(int(n)):
        t0 = time.time()
        o = svc.order(sup, "KB-03", sid, "pause" if i % 2 == 0 else "resume", f"核查第 {i + 1} 次")
        print(json.dumps([o.seq, o.order, t0, time.time()]), flush=True)
        if i % 2 == 0:
            sys.stdin.readline()  # the console tried its next step under the pause
        time.sleep(0.12)
    hall.close()
    print("done", flush=True)
    """
)


@pytest.mark.postgres
def test_o4_a_pause_ordered_in_another_process_reaches_the_console_within_250_ms_postgres(tmp_path: Path, pg_url: str) -> None:
    cfg = seeded(load_config(data_dir=tmp_path / "console", db_url=pg_url, environ={}))
    hall = Hall.open(cfg, clock=FixedClock(AT), migrate=False)
    host = take_roles(hall, S1, ("host",))["host"]
    opening, svc = OpeningService(hall), SupervisionService(hall)
    heard: dict[int, float] = {}
    got = threading.Event()
    follower = hall.follower(kinds=("supervision.order",))
    stop = threading.Event()

    def on_entries(entries: list[Entry]) -> None:
        now = time.time()
        for e in entries:
            heard.setdefault(e.seq, now)
        got.set()

    loop = threading.Thread(target=follower.run, args=(stop, on_entries), daemon=True)
    loop.start()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    wall = subprocess.Popen([sys.executable, "-c", WALL, str(tmp_path / "console"), pg_url, S1, AT.isoformat(), str(ORDERS)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert wall.stdin is not None and wall.stdout is not None
        first = wall.stdout.readline().strip()
        assert first == "ready", wall.stderr.read() if wall.stderr else first
        deadline = time.monotonic() + 5
        while not follower.listening and time.monotonic() < deadline:
            time.sleep(0.01)
        assert follower.listening  # the console listens (LISTEN/NOTIFY), as on a real hall
        wall.stdin.write("go\n")
        wall.stdin.flush()
        orders = []
        for _ in range(ORDERS):
            seq, what, t0, t1 = json.loads(wall.stdout.readline())
            orders.append((seq, what, t0, t1))
            deadline = time.monotonic() + 2
            while seq not in heard and time.monotonic() < deadline:
                got.wait(0.005)
                got.clear()
            assert seq in heard, f"order {seq} never reached the console"
            if what == "pause":  # the console's next step is refused, in its own transaction
                with pytest.raises(OpeningError) as refused:
                    opening.announce(S1, host)
                assert refused.value.code == "supervised" and "暂停" in refused.value.zh
                assert svc.standing_pause(S1) is not None
                wall.stdin.write("next\n")
                wall.stdin.flush()
        assert wall.stdout.readline().strip() == "done"
    finally:
        stop.set()
        loop.join(5)
        wall.kill()
        wall.wait(10)
        for pipe in (wall.stdin, wall.stdout, wall.stderr):
            if pipe is not None:
                pipe.close()
    assert svc.standing_pause(S1) is None  # the last order was a resume
    opening.announce(S1, host)  # and the console goes on
    hall.close()
    from_press = sorted((heard[seq] - t0) * 1000 for seq, _w, t0, _t1 in orders)
    from_commit = sorted((heard[seq] - t1) * 1000 for seq, _w, _t0, t1 in orders)
    p95 = from_press[int(0.95 * (len(from_press) - 1))]
    print(f"\norder pressed → console heard: p50 {from_press[len(from_press) // 2]:.1f} ms, p95 {p95:.1f} ms, "
          f"max {from_press[-1]:.1f} ms; commit → heard p50 {from_commit[len(from_commit) // 2]:.1f} ms, "
          f"p95 {from_commit[int(0.95 * (len(from_commit) - 1))]:.1f} ms")
    assert p95 < 250, from_press
