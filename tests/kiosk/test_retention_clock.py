"""Retention is not fooled by the clock (issue 20 item 1).

Issue 20: one 502 with a date 400 days ahead moved the hall clock by 400 days, and the retention
thread then purged face photos, representatives' ID numbers and bidder codes that were not due.
The sync client now moves the clock by a bounded step, but many steps add up: a purge whose
clock offset moved by more than ``[platform] max_clock_step_s`` since the last purge, or that runs
while a clock alarm is raised, deletes nothing until an operator confirms the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from hallkiosk.app import pii_retention_loop
from kiosk.checkin import CheckinService, FaceCapture
from kiosk.clock import PlatformClock
from kiosk.config import load_config
from kiosk.db.models import Blob, PfRepresentative, PlatformTrust, RetentionClock
from kiosk.hall import Hall
from kiosk.journal import entries_after
from kiosk.ports import IdCard
from kiosk.retention import CONFIRMED_KIND, REFUSED_KIND, ClockMovedError
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded, seeded_hall_at

JPEG = b"\xff\xd8\xff\xe0a-face-photo-for-the-clock-test\xff\xd9"
DAYS_400 = 400 * 86400.0


def _card(i: int) -> IdCard:
    p = person(i)
    return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                  valid_from="2015-01-01", valid_until="长期")


def _entries(hall: Hall, kind: str) -> list:
    with hall.reading() as s:
        return [e for e in entries_after(s, 0, 100_000) if e.kind == kind]


def _store_offset(hall: Hall, offset_s: float, alarm: str | None = None) -> None:
    """What the sync client's TrustRecorder stores (sync/trust.py)."""
    with hall.unit() as s:
        row = s.get(PlatformTrust, hall.journal.journal_id)
        if row is None:
            row = PlatformTrust(journal_id=hall.journal.journal_id, key_state="verified", clock_offset_s=0.0)
            s.add(row)
        row.clock_offset_s, row.clock_alarm = offset_s, alarm


def _ciphertexts(hall: Hall) -> int:
    with hall.reading() as s:
        return sum(1 for r in s.scalars(select(PfRepresentative.id_enc)) if r)


@pytest.fixture
def hall(tmp_path: Path):  # type: ignore[no-untyped-def]
    with seeded_hall_at(tmp_path) as h:
        yield h


@pytest.mark.allow_log_warnings(r"clock move of \+34560000 s since the last purge confirmed by admin")
def test_offset_moved_400_days_refuses_then_a_confirmed_purge_purges(hall: Hall) -> None:
    svc = CheckinService(hall)
    sid = svc.evaluate(_card(0)).eligible[0].session_id
    assert svc.check_in(_card(0), sid, face=FaceCapture(JPEG, "captured")).accepted
    with hall.reading() as s:
        photo = hall.config.data_dir / s.scalars(select(Blob.path)).one()
    reps = _ciphertexts(hall)
    assert photo.is_file() and reps >= 4

    assert hall.purge_personal_data().total == 0  # today: nothing due; the clock is recorded
    with hall.reading() as s:
        assert s.get(RetentionClock, (hall.journal.journal_id, hall.journal.terminal_id)).offset_s == 0.0

    assert hall.pii_purge_plan().clock_refusal is None
    _store_offset(hall, DAYS_400)  # the platform clock was walked 400 days ahead
    later = hall.clock.now() + dt.timedelta(days=400)
    warned = hall.pii_purge_plan(later).clock_refusal  # the plan says so before anyone presses purge
    assert warned is not None and warned.moved_s == DAYS_400 and _entries(hall, REFUSED_KIND) == []
    with pytest.raises(ClockMovedError) as err:
        hall.purge_personal_data(later)
    assert err.value.moved_s == DAYS_400 and err.value.bound_s == 300.0
    assert "+400 d 0 h" in err.value.en and "pii purge --confirm-clock" in err.value.en
    assert "+400 d 0 h" in err.value.zh and "--confirm-clock" in err.value.zh
    # nothing deleted
    assert photo.is_file() and _ciphertexts(hall) == reps and _entries(hall, "pii.purged") == []
    [refusal] = _entries(hall, REFUSED_KIND)
    assert refusal.payload["moved_s"] == 34_560_000 and refusal.payload["bound_s"] == 300
    assert refusal.payload["reason"] == "clock_moved"
    # refused again (the loop's next run): journalled once only
    with pytest.raises(ClockMovedError):
        hall.purge_personal_data(later)
    assert len(_entries(hall, REFUSED_KIND)) == 1 and photo.is_file()

    done = hall.purge_personal_data(later, operator="admin", confirm_clock=True)
    assert done.faces and done.representatives == reps
    assert not photo.exists() and _ciphertexts(hall) == 0
    [confirmed] = _entries(hall, CONFIRMED_KIND)
    assert confirmed.payload["operator"] == "admin" and confirmed.payload["moved_s"] == 34_560_000
    # the confirmed clock is the new baseline: the next purge runs without a word
    assert hall.purge_personal_data(later).total == 0
    assert len(_entries(hall, REFUSED_KIND)) == 1 and len(_entries(hall, CONFIRMED_KIND)) == 1
    assert hall.verify_journal().ok


def test_steps_within_the_bound_purge_and_a_live_clock_counts(tmp_path: Path) -> None:
    """A running terminal's PlatformClock (the sync client's) is the offset that counts; small steps pass."""
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    clock = PlatformClock()
    hall = Hall.open(cfg, clock=clock)
    try:
        hall.purge_personal_data()
        clock.set_offset(290.0)  # one bounded step
        assert hall.purge_personal_data().total == 0
        with hall.reading() as s:
            assert s.get(RetentionClock, (hall.journal.journal_id, hall.journal.terminal_id)).offset_s == 290.0
        reps = _ciphertexts(hall)
        clock.set_offset(290.0 + DAYS_400)  # many steps later, 400 days ahead; the stored row says nothing
        with pytest.raises(ClockMovedError):
            hall.purge_personal_data()
        assert _ciphertexts(hall) == reps > 0  # the demo's sessions would all be past retention
    finally:
        hall.close()


def test_a_raised_clock_alarm_refuses_although_the_offset_did_not_move(hall: Hall) -> None:
    """The machine's own clock jumped: the platform's verified time disagrees by more than the bound."""
    hall.purge_personal_data()
    _store_offset(hall, 0.0, alarm="platform clock step of -34560000 s refused (bound 300 s)")
    with pytest.raises(ClockMovedError) as err:
        hall.purge_personal_data()
    assert err.value.alarm is not None and "clock alarm" in err.value.en
    assert _entries(hall, REFUSED_KIND)[0].payload["clock_alarm"] is True


@pytest.mark.allow_log_warnings(r"personal-data purge refused: The clock moved by \+400 d 0 h")
def test_loop_logs_the_refusal_and_goes_on(hall: Hall, caplog: pytest.LogCaptureFixture) -> None:
    hall.purge_personal_data()
    _store_offset(hall, DAYS_400)
    stop = threading.Event()
    calls: list[int] = []
    real = hall.purge_personal_data

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) >= 3:
            stop.set()
        return real(*args, **kwargs)

    hall.purge_personal_data = counted  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="hallkiosk.app"):
        t = threading.Thread(target=pii_retention_loop, args=(hall, stop), kwargs={"first_after_s": 0.01, "every_s": 0.01})
        t.start()
        t.join(30)
    assert not t.is_alive() and len(calls) >= 3  # refused three times, the loop never stopped
    refused = [r for r in caplog.records if "personal-data purge refused" in r.getMessage()]
    assert len(refused) >= 3 and "+400 d 0 h" in refused[0].getMessage()
    assert len(_entries(hall, REFUSED_KIND)) == 1


def test_cli_refuses_with_exit_1_and_confirm_clock_purges(hall: Hall) -> None:
    """``pii purge`` from the command line purges on the stored offset (the terminals' clock), guarded."""
    env = {**os.environ}
    where = ["--data-dir", str(hall.config.data_dir), "--json"]
    base = [sys.executable, "-m", "hallkiosk", "pii", "purge", "--by", "admin", *where]

    def run(args: list[str], pin: str = "123456") -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, input=pin + "\n", capture_output=True, text=True, timeout=120, env=env)

    no_pin = run(base, pin="")  # issue 15: a purge names an admin who proves it with their PIN
    assert no_pin.returncode == 1 and "PIN" in no_pin.stderr
    assert run([*base[:5], "--by", "clerk", *where], pin="333333").returncode == 1  # not an admin
    first = run(base)
    assert first.returncode == 0 and json.loads(first.stdout)["representatives"] == 0
    reps = _ciphertexts(hall)
    _store_offset(hall, DAYS_400)
    refused = run(base)
    assert refused.returncode == 1, refused.stderr
    out = json.loads(refused.stdout)
    assert out["purged"] is False and out["refused"] == "clock-moved" and out["clock_moved_s"] == 34_560_000
    assert _ciphertexts(hall) == reps
    plan = run([*base[:4], "plan", *where])
    assert plan.returncode == 0 and json.loads(plan.stdout)["clock_refused"] is True
    assert json.loads(plan.stdout)["clock_moved_s"] == 34_560_000
    text = run(base[:-1])
    assert text.returncode == 1 and "时钟移动了 +400 d 0 h" in text.stdout and "--confirm-clock" in text.stdout
    done = run([*base, "--confirm-clock"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["representatives"] == reps > 0  # 400 days on: the demo's sessions are past
    assert _ciphertexts(hall) == 0


@pytest.mark.allow_log_warnings(r"clock move of \+600 s since the last purge confirmed by admin")
def test_terminals_of_a_shared_hall_are_measured_against_their_own_last_purge(tmp_path: Path) -> None:
    """Each machine has its own offset: a terminal whose machine runs 10 min slow never blocks the others."""
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    slow_cfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id="KIOSK-SLOW"))
    exact, slow = PlatformClock(), PlatformClock()
    a, b = Hall.open(cfg, clock=exact), Hall.open(slow_cfg, clock=slow)
    try:
        exact.set_offset(0.4)
        slow.set_offset(600.0)  # its machine is ten minutes behind the platform: its hall clock is right
        assert a.purge_personal_data().total == 0
        with pytest.raises(ClockMovedError):  # its first purge: measured from its own machine's clock
            b.purge_personal_data()
        b.purge_personal_data(operator="admin", confirm_clock=True)
        for _ in range(2):  # from now on neither refuses the other's baseline
            a.purge_personal_data()
            b.purge_personal_data()
        with a.reading() as s:
            rows = {r.terminal_id: r.offset_s for r in s.scalars(select(RetentionClock))}
        assert rows == {cfg.site.terminal_id: 0.4, "KIOSK-SLOW": 600.0}
        assert len(_entries(a, REFUSED_KIND)) == 1
    finally:
        a.close()
        b.close()
