"""The opening in running terminals: decryption over real HTTP against the sandbox platform, and
the big screen of another process following a console action within 250 ms."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from hallkiosk.app import build_terminal, ensure_qapp
from hallkiosk.tours.opening import reschedule_on_sandbox
from hallkiosk.wiring_opening import DecryptLoop, build_puller
from kiosk.clock import PlatformClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.journal import last_seq
from kiosk.opening import OpeningError, OpeningService
from kiosk.timeutil import BEIJING
from sync.errors import Conflict
from sync.sandbox import SandboxServer
from sync.sandbox.seed import demo_day
from tests.helpers.checkin import record_checkin
from tests.helpers.pdf import pdf_text
from tests.helpers.roles import take_roles
from tests.helpers.seeded import seeded

JID = "NM-HHHT-HALL8"
TODAY = dt.datetime.now(BEIJING).date()
DAY = demo_day(TODAY)
S2 = DAY["sessions"][1]["session_id"]


def checkin(hall: Hall, reg: dict) -> None:
    record_checkin(hall, reg["session_id"], reg, reg["representatives"][0])


@contextmanager
def announced_on_sandbox(tmp_path: Path, start: dt.datetime, clock: PlatformClock) -> Iterator[tuple[Hall, Any, Any]]:
    """S2 moved to ``start`` on a sandbox platform, pulled by a hall with ``clock``, its bidders checked
    in and the discipline announced by the appointed host: (hall, puller, host)."""
    server = SandboxServer(tmp_path / "platform", seed="demo", today=TODAY, faults={"decrypt_step_s": 0.05})
    server.provision(JID, secret_file=tmp_path / "journal.secret")
    server.start()
    try:
        cfg = load_config(data_dir=tmp_path / "hall", environ={})
        cfg = dataclasses.replace(cfg, platform=dataclasses.replace(cfg.platform, url=server.url, journal_id=JID,
                                                                      secret_file=str(tmp_path / "journal.secret")))
        seeded(cfg)
        reschedule_on_sandbox(server.url, S2, start, token=server.admin_token, today=TODAY)
        hall = Hall.open(cfg, clock=clock)
        puller, client = build_puller(hall)
        try:
            puller.pull_all()
            host = take_roles(hall, S2, ("host",))["host"]  # the appointed host's ID card
            for r in DAY["registrations"]:
                if r["session_id"] == S2:
                    checkin(hall, r)
            OpeningService(hall).announce(S2, host)
            yield hall, puller, host
        finally:
            client.close()
            hall.close()
    finally:
        server.close()


def to_decryption(svc: OpeningService, host: Any) -> None:
    """The steps between the opening time and decryption."""
    svc.publish_bidders(S2, host)
    svc.open_attendance(S2, host)
    svc.confirm_attendance(S2, host)
    svc.publish_control_price(S2, host)


def test_decryption_through_the_sandbox_platform(tmp_path: Path) -> None:
    """POST decrypt: 409 too-early before starts_at (platform), 202 after; results polled until complete."""
    # far enough ahead that pulling, checking in and announcing finish before it on a loaded machine
    start = dt.datetime.now(BEIJING) + dt.timedelta(seconds=8)
    with announced_on_sandbox(tmp_path, start, PlatformClock()) as (hall, puller, host):
        svc = OpeningService(hall)
        assert svc.view(S2).starts_at == start.replace(microsecond=0)
        loop = DecryptLoop(svc, puller, poll_s=0.1)
        with pytest.raises(Conflict) as e:  # the platform's own rule, on its clock
            puller.start_decryption(S2)
        assert e.value.code == "too-early"
        with pytest.raises(OpeningError, match="too-early"):
            svc.publish_bidders(S2, host)
        while hall.clock.now() < start:
            time.sleep(0.05)
        to_decryption(svc, host)
        loop.start_one(S2, host)  # raises OpeningError when refused
        deadline = time.monotonic() + 10
        while svc.view(S2).decrypt_progress[0] < 4 and time.monotonic() < deadline:
            loop.poll_once()
            time.sleep(0.05)
        v = svc.view(S2)
        assert v.decrypt_progress == (4, 4)
        assert sorted(b.decrypt_status for b in v.bidders) == ["failed_other", "ok", "ok", "ok"]
        assert svc.finish_decryption(S2, host).stage == "reading"


class AheadClock(PlatformClock):
    """The hall's clock running ``ahead_s`` ahead of the platform's, as a clock learnt from a
    whole-second ``Date`` can (sync.client): it keeps its offset whatever the answers say."""

    def __init__(self, ahead_s: float) -> None:
        super().__init__(ahead_s)

    def set_offset(self, offset_s: float, window: tuple[float, float, float] | None = None) -> None:
        self.synced = True

    def ahead(self, seconds: float) -> None:
        super().set_offset(seconds)


def test_a_platform_clock_a_second_behind_the_halls_still_starts_decryption_but_a_far_one_is_refused(tmp_path: Path) -> None:
    """The host presses 开始解密 when the hall's clock says the opening time has come. The platform's
    clock is behind: 7 s behind, its 409 too-early is said after the grace (2 s) and nothing is
    recorded; 1 s behind, the loop asks again on the platform lane until the platform agrees."""
    clock = AheadClock(7.0)
    start = (dt.datetime.now(BEIJING) + dt.timedelta(seconds=10)).replace(microsecond=0)
    with announced_on_sandbox(tmp_path, start, clock) as (hall, puller, host):
        svc = OpeningService(hall)
        while hall.clock.now() < start:
            time.sleep(0.05)
        assert dt.datetime.now(BEIJING) < start - dt.timedelta(seconds=4)  # the platform's clock is far behind
        to_decryption(svc, host)
        loop = DecryptLoop(svc, puller, poll_s=0.1)
        with hall.reading() as s:
            head = last_seq(s)
        t0 = time.monotonic()
        with pytest.raises(OpeningError, match="too-early") as refused:
            loop.start_one(S2, host)
        assert DecryptLoop.CLOCK_GRACE_S <= time.monotonic() - t0 < DecryptLoop.CLOCK_GRACE_S + 2
        assert "开标时间未到" in refused.value.zh
        with hall.reading() as s:
            assert svc.view(S2).stage == "control_price" and last_seq(s) == head  # nothing recorded
        clock.ahead(1.0)  # now only a second ahead: the platform agrees within the grace
        while hall.clock.now() < start:
            time.sleep(0.05)
        t0 = time.monotonic()
        loop.start_one(S2, host)
        waited = time.monotonic() - t0
        assert 0.5 <= waited < DecryptLoop.CLOCK_GRACE_S, waited  # refused at first, then asked again
        assert svc.view(S2).stage == "decrypting"
        assert dt.datetime.now(BEIJING) >= start  # started only when the platform's clock said so


def test_stand_alone_console_says_decryption_needs_the_platform(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    term = build_terminal(cfg, "host", follow=False, devices=False, sync=False)
    try:
        assert term.opening.loop is None and term.opening.screens["console"].decrypt is None
        with pytest.raises(OpeningError) as e:
            term.opening.service.start_decryption(S2, take_roles(term.hall, S2, ("host",))["host"], starter=None)
        assert e.value.code in ("no-platform", "stage")
    finally:
        term.stop()


CHILD = r"""
import datetime as dt, sys, time
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.journal import last_seq
from kiosk.opening import OpeningService
from tests.helpers.roles import take_roles
cfg = load_config(data_dir=sys.argv[1], environ={})
hall = Hall.open(cfg, clock=FixedClock(dt.datetime.fromisoformat(sys.argv[3])))
host = take_roles(hall, sys.argv[2], ("host",))["host"]
svc = OpeningService(hall)
for line in sys.stdin:
    step = line.strip()
    if not step:
        break
    getattr(svc, step)(sys.argv[2], host)
    print(time.time(), flush=True)
hall.close()
"""


@pytest.mark.timing
@pytest.mark.allow_log_warnings(r"no audio player", r"needs espeak-ng")  # the queue's board speaker on a machine without audio or espeak-ng
def test_big_screen_follows_a_console_in_another_process_within_250ms(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    cfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="opening"))
    term = build_terminal(cfg, "board", follow=True, devices=False, sync=False)
    board = term.opening.screens["board"]
    assert term.window.page.currentWidget() is board
    start = dt.datetime.combine(TODAY, dt.time(10, 0), BEIJING)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(cfg.data_dir), S2, start.isoformat()],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(Path(__file__).resolve().parents[2]))
    lat = []
    try:
        for step, shown in (("announce", "宣布纪律"), ("publish_bidders", "公布投标人"), ("open_attendance", "签到点名")):
            child.stdin.write(step + "\n")
            child.stdin.flush()
            committed = float(child.stdout.readline())
            qtbot.waitUntil(lambda shown=shown: board.stage.text().startswith(shown), timeout=3000)
            lat.append(time.time() - committed)
        assert board.session_id == S2
        assert max(lat) < 0.25, lat
        print("big-screen latency (s):", [round(x, 3) for x in lat])
        texts = [w.text() for w in board.findChildren(type(board.stage)) if w.isVisibleTo(board)]
        assert any(DAY["registrations"][5]["bidder"]["name"] == t for t in texts)
    finally:
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(10)
        child.stdout.close()
        term.stop()


def test_cli_status_and_record(tmp_path: Path) -> None:
    import hashlib
    import json as _json

    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    env_args = ["--data-dir", str(cfg.data_dir)]

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "hallkiosk", *args, *env_args], capture_output=True, text=True,
                              cwd=str(Path(__file__).resolve().parents[2]), timeout=60)

    r = cli("opening", "status", "--session", S2, "--json")
    assert r.returncode == 0, r.stderr
    doc = _json.loads(r.stdout)
    assert doc["stage"] == "scheduled" and len(doc["bidders"]) == 4
    out = tmp_path / "draft.pdf"
    r = cli("opening", "record", "--session", S2, "--out", str(out))
    assert r.returncode == 0 and "draft" in r.stdout
    assert hashlib.sha256(out.read_bytes()).hexdigest() in r.stdout
    text = pdf_text(out)
    assert "开标记录表" in text
