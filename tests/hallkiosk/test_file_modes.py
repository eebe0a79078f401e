"""Files at rest (issue 20 must 9): the data dir 0700, files 0600, secrets too open → exit 16 with the fix."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hallkiosk import failures
from kiosk.config import load_config
from kiosk.filemodes import tighten
from kiosk.hall import Hall


def hk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALL_KIOSK__")}
    return subprocess.run([sys.executable, "-m", "hallkiosk", *args], capture_output=True, text=True, timeout=120, env=env)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what a shell usually has: files 0644, dirs 0755
    try:
        yield
    finally:
        os.umask(old)


def test_the_cli_writes_nothing_others_can_read(tmp_path: Path) -> None:
    d = tmp_path / "hall"
    done = hk("db", "upgrade", "--data-dir", str(d))
    assert done.returncode == 0, done.stderr
    assert hk("journal", "stats", "--data-dir", str(d)).returncode == 0
    made = [d, *d.rglob("*")]
    assert len(made) >= 2 and (d / "hall.db").exists()
    assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in made if mode(p) & 0o077} == {}
    assert mode(d) == 0o700 and mode(d / "hall.db") == 0o600


def test_hall_open_makes_the_data_dir_and_database_private_whatever_the_umask(tmp_path: Path, loose_umask: None) -> None:
    d = tmp_path / "new" / "hall"
    hall = Hall.open(load_config(data_dir=d, environ={}))
    try:
        with hall.unit() as s:
            hall.operators.add(s, "host1", "王主持", "host", "246810")
    finally:
        hall.close()
    assert mode(d) == 0o700 and mode(d / "hall.db") == 0o600
    assert (tmp_path / "other.txt").write_text("x") and mode(tmp_path / "other.txt") == 0o644  # the umask was loose


@pytest.mark.parametrize("secret", ["hall.db", "keys", "journal.secret"])
def test_a_secret_readable_by_others_refuses_to_start_with_the_fix(tmp_path: Path, secret: str) -> None:
    d = tmp_path / "hall"
    assert hk("db", "upgrade", "--data-dir", str(d)).returncode == 0
    config = tmp_path / "hall.toml"
    if secret == "journal.secret":
        target = tmp_path / "journal.secret"
        target.write_text("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=\n")
        target.chmod(0o644)
        config.write_text(f'[platform]\nsecret_file = "{target}"\n')
    else:
        if secret == "keys":
            assert hk("journal", "stats", "--data-dir", str(d)).returncode == 0  # opening the hall makes its key file
            target = sorted((d / "keys").iterdir())[0]  # pii.key, or kek.key since the hall shares one data key
        else:
            target = d / "hall.db"
        target.chmod(0o640)
        config.write_text("")
    refused = hk("journal", "stats", "--config", str(config), "--data-dir", str(d))
    assert refused.returncode == failures.EXIT_FILE_MODES == 16
    zh, en = refused.stderr.strip().splitlines()
    assert zh.startswith("密钥或数据库文件其他用户也能读取") and zh.endswith(f"请先执行：chmod 600 {target}")
    assert en.startswith("secret files are readable by other users") and en.endswith(f"Fix: chmod 600 {target}")
    assert "Traceback" not in refused.stderr
    target.chmod(0o600)  # the fix it gave
    done = hk("journal", "stats", "--config", str(config), "--data-dir", str(d))
    assert done.returncode == 0, done.stderr


def test_what_exists_is_tightened(tmp_path: Path, loose_umask: None) -> None:
    d = tmp_path / "hall"
    (d / "faces" / "2026-12-07").mkdir(parents=True)
    photo = d / "faces" / "2026-12-07" / "a.hkenc"
    photo.write_bytes(b"x")
    (d / "demo.toml").write_text("")
    assert mode(d) == 0o755 and mode(photo) == 0o644
    # any command: the data dir and its own files
    assert hk("db", "upgrade", "--data-dir", str(d)).returncode == 0
    assert mode(d) == 0o700 and mode(d / "demo.toml") == 0o600 and mode(d / "faces") == 0o700
    assert mode(photo) == 0o644  # a plain command does not walk the whole tree (recordings can be many)
    # at a terminal's start (hall-kiosk run): everything in it
    assert tighten(d, deep=True) == 2  # faces/2026-12-07/ and a.hkenc
    assert mode(d / "faces" / "2026-12-07") == 0o700 and mode(photo) == 0o600


def test_a_secret_too_open_is_checked_before_anything_is_tightened(tmp_path: Path, loose_umask: None) -> None:
    d = tmp_path / "hall"
    hall = Hall.open(load_config(data_dir=d, environ={}))
    hall.close()
    (d / "hall.db").chmod(0o644)
    with pytest.raises(failures.Failure) as err:
        failures.secure_files(load_config(data_dir=d, environ={}), deep=True)
    assert err.value.code == 16 and f"chmod 600 {d / 'hall.db'}" in err.value.en
    assert mode(d / "hall.db") == 0o644  # refused, not quietly fixed: it may have been read already


def test_the_demo_clears_a_half_made_dir_before_the_check(tmp_path: Path, loose_umask: None) -> None:
    """A demo stopped before seeding (an older version's 0644 hall.db) is cleared by the demo, not refused:
    main leaves the demo's check to run_demo, after prepare_demo_dir."""
    from hallkiosk.cli import _secure_files, build_parser
    from hallkiosk.demo import DEMO_STARTED, prepare_demo_dir

    d = tmp_path / "demo"
    d.mkdir()
    (d / DEMO_STARTED).touch()
    (d / "hall.db").write_bytes(b"")
    (d / "hall.db").chmod(0o644)
    _secure_files(build_parser().parse_args(["demo", "--headless", "--data-dir", str(d)]))  # not refused here
    with pytest.raises(failures.Failure) as err:
        _secure_files(build_parser().parse_args(["journal", "stats", "--data-dir", str(d)]))
    assert err.value.code == 16
    assert prepare_demo_dir(d, fresh=True) == "interrupted" and not (d / "hall.db").exists()
    failures.secure_files(load_config(data_dir=d, environ={}))  # what run_demo checks next: nothing left to refuse
    assert mode(d) == 0o700
