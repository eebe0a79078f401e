"""不见面开标 over real HTTP (issue 19 must 4): the remote loop polls the sandbox platform's ``remote_events``
while a remote opening is live, takes each event once, and a dead platform leaves the online events stale
(the core then makes the steps that need online input wait)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from hallkiosk.tours.opening import reschedule_on_sandbox
from hallkiosk.wiring_opening import RemoteLoop, build_puller
from kiosk.clock import PlatformClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.opening import OpeningService
from kiosk.timeutil import BEIJING
from sync.sandbox import SandboxServer
from sync.sandbox.seed import REMOTE_PLAN, demo_day, remote_event
from tests.helpers.seeded import seeded

JID = "NM-HHHT-HALL9"
TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S6 = DAY["sessions"][5]["session_id"]
ONLINE = [r for r, how in zip([r for r in DAY["registrations"] if r["session_id"] == S6], REMOTE_PLAN, strict=True)
          if how == "online"]


def test_remote_loop_polls_the_platform_takes_each_event_once_and_notices_a_dead_link(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "platform", seed="demo", today=TODAY)
    server.provision(JID, secret_file=tmp_path / "journal.secret")
    server.start()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    cfg = dataclasses.replace(cfg, platform=dataclasses.replace(cfg.platform, url=server.url, journal_id=JID,
                                                                  secret_file=str(tmp_path / "journal.secret")))
    seeded(cfg)
    start = dt.datetime.now(BEIJING) + dt.timedelta(minutes=20)  # within the hour before: the opening is live online
    reschedule_on_sandbox(server.url, S6, start, token=server.admin_token, today=TODAY)
    hall = Hall.open(cfg, clock=PlatformClock())
    built = build_puller(hall)
    assert built is not None
    puller, client = built
    try:
        puller.pull_all()
        svc = OpeningService(hall)
        assert S6 in svc.live_remote_sessions() and DAY["sessions"][1]["session_id"] not in svc.live_remote_sessions()
        loop = RemoteLoop(svc, puller, poll_s=3.0)
        now = dt.datetime.now(BEIJING)
        for i, reg in enumerate(ONLINE):
            e = remote_event(reg, 900 + i, "signin", now)
            server.store.put("remote_events", e["event_id"], e)
        assert loop.poll_once() == 2 and loop.polls == 1
        assert loop.poll_once() == 0  # the same events again: nothing new
        v = svc.view(S6)
        assert [b.attendance for b in v.bidders].count("online") == 2
        assert v.remote_synced_at is not None and (v.remote_age_s or 0) < 5
        synced = v.remote_synced_at
        r = subprocess.run([sys.executable, "-m", "hallkiosk", "opening", "status", "--session", S6, "--json",
                            "--data-dir", str(cfg.data_dir)], capture_output=True, text=True, timeout=60,
                           cwd=str(Path(__file__).resolve().parents[2]))
        assert r.returncode == 0, r.stderr
        doc = json.loads(r.stdout)
        assert doc["remote"] and doc["attendance_counts"] == {"present": 0, "online": 2, "absent": 3}
        assert doc["remote_synced_at"] and [b["ca_serial"] is not None for b in doc["bidders"]].count(True) == 2
        server.stop()  # the platform goes away
        assert loop.poll_once() == 0
        assert loop.failures == 1 and loop.last_error
        assert svc.view(S6).remote_synced_at == synced  # what the console reads: no fresh poll since
    finally:
        client.close()
        hall.close()
        server.close()
