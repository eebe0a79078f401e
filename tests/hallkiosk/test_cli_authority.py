"""Issue 15 must 1, the last state-changing commands the audit found without a PIN: a clerk's
``checkin confirm`` and an admin's ``recording retention --apply`` refuse a name alone, a wrong PIN and
the wrong kind of account, exit 1 and change nothing; with the right PIN they reach the act."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hallkiosk.cli import main
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.hall import Hall
from tests.helpers.seeded import seeded_dir


def _kinds(d: Path) -> dict[str, int]:
    hall = Hall.open(load_config(data_dir=d, environ={}))
    try:
        with hall.reading() as s:
            return dict(s.execute(select(JournalEntry.kind, func.count()).group_by(JournalEntry.kind)).all())
    finally:
        hall.close()


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    d = seeded_dir(tmp_path / "hall")

    def run(stdin: str, *argv: str) -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return main([*argv, "--data-dir", str(d)])

    run.data_dir = d  # type: ignore[attr-defined]
    return run


def test_checkin_confirm_needs_the_clerks_pin(run: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    before = _kinds(run.data_dir)  # type: ignore[attr-defined]
    confirm = ("checkin", "confirm", "424242", "--operator")
    assert run("", *confirm, "clerk") == 1  # the clerk's name without the PIN
    assert "PIN" in capsys.readouterr().err
    assert run("000000\n", *confirm, "clerk") == 1  # a wrong PIN
    assert run("222222\n", *confirm, "auctioneer") == 1  # the right PIN of an account the counter does not admit
    capsys.readouterr()
    assert _kinds(run.data_dir) == {**before, "operator.login_failed": _kinds(run.data_dir).get("operator.login_failed", 0)}  # type: ignore[attr-defined]
    assert run("333333\n", *confirm, "clerk") == 2  # the clerk passes: only then is the check-in looked for (none)


def test_retention_apply_needs_an_admins_pin(run: Callable[..., int], capsys: pytest.CaptureFixture[str]) -> None:
    d = run.data_dir  # type: ignore[attr-defined]
    before = _kinds(d)
    retention = ("recording", "retention", "--apply", "--json")
    assert run("", *retention) == 1  # no admin named
    assert "--operator" in capsys.readouterr().err
    assert run("333333\n", *retention, "--operator", "clerk") == 1  # not an admin
    assert run("000000\n", *retention, "--operator", "admin") == 1
    after = _kinds(d)
    assert not after.get("recording.purged") and after.get("recording.retention_clock_refused", 0) == before.get(
        "recording.retention_clock_refused", 0)
    capsys.readouterr()
    assert run("123456\n", *retention, "--operator", "admin") == 0
    assert json.loads(capsys.readouterr().out)["deleted"] == 0  # a seeded hall has no recordings to delete
    assert run("", "recording", "retention", "--json") == 0  # the plan alone reads, and needs nobody


def test_clearing_the_sync_alarm_needs_an_admins_pin_and_is_journalled(run: Callable[..., int],
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from sync.push import sync_state

    d = run.data_dir  # type: ignore[attr-defined]
    hall = Hall.open(load_config(data_dir=d, environ={}))
    try:
        jid = hall.journal.journal_id
        with hall.unit() as s:
            sync_state(s, jid).alarm = "chain-broken: seq 7"

        def alarm() -> str | None:
            with hall.reading() as s:
                return sync_state(s, jid).alarm
    finally:
        hall.close()
    clear = ("sync", "clear-alarm")
    assert run("", *clear) == 1  # nobody named
    assert "--by" in capsys.readouterr().err
    assert run("333333\n", *clear, "--by", "clerk") == 1  # not an admin
    assert run("000000\n", *clear, "--by", "admin") == 1  # a wrong PIN
    hall = Hall.open(load_config(data_dir=d, environ={}))
    try:
        assert alarm() == "chain-broken: seq 7"  # refused: still raised
        assert not _kinds(d).get("sync.alarm_cleared")
        capsys.readouterr()
        assert run("123456\n", *clear, "--by", "admin") == 0
        assert "alarm cleared: chain-broken: seq 7" in capsys.readouterr().out
        assert alarm() is None
        with hall.reading() as s:
            body = s.scalar(select(JournalEntry.payload).where(JournalEntry.kind == "sync.alarm_cleared"))
        assert json.loads(body) == {"by": "admin", "alarm": "chain-broken: seq 7", "clock_alarm": ""}
    finally:
        hall.close()
