"""The operator commands of issue 20 must 6: a short PIN refused, set-pin, clear-delay, the flag in list."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hallkiosk.cli import main
from kiosk.config import load_config
from kiosk.db.models import Operator
from kiosk.hall import Hall
from kiosk.operators import AccessError, hash_pin


def test_pin_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    d = str(tmp_path)

    def run(*args: str, stdin: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*args, "--data-dir", d])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("operator", "add", "host1", "--name", "王主持", "--role", "host", "--pin-stdin", stdin="246810\n")
    assert code == 1 and "first" in err  # issue 15: the first account of a hall is its admin
    assert run("operator", "add", "admin", "--name", "管理员", "--role", "admin", "--pin-stdin", stdin="135790\n")[0] == 0
    add_host = ("operator", "add", "host1", "--name", "王主持", "--role", "host", "--pin-stdin")
    code, _, err = run(*add_host, stdin="246810\n")
    assert code == 1 and "--by" in err  # then every change names the admin who makes it …
    code, _, err = run(*add_host, "--by", "admin", stdin="000000\n246810\n")
    assert code == 1 and "用户名或 PIN 码错误" in err  # … and proves it with their PIN
    code, _, err = run(*add_host, "--by", "admin", stdin="135790\n1234\n")
    assert code == 1 and "PIN 码须为 6–12 位数字 / PIN must be 6 to 12 digits" in err
    assert run(*add_host, "--by", "admin", stdin="135790\n246810\n")[0] == 0
    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    try:
        with hall.unit() as s:  # an account from before 6 digits were required
            s.add(Operator(username="old", display_name="老账号", role="clerk", pin_hash=hash_pin("4321"), created_at=hall.clock.now()))
        assert hall.login("old", "4321").pin_change_due
        for _ in range(3):
            with pytest.raises(AccessError):
                hall.login("host1", "000000")
        with pytest.raises(AccessError) as err_wait:
            hall.login("host1", "246810")
        assert err_wait.value.code == "wait"
    finally:
        hall.close()
    code, out, _ = run("operator", "list", stdin="")
    assert [line.split()[0] for line in out.splitlines() if "PIN 须更换" in line] == ["old"]
    assert json.loads(run("operator", "list", "--json", stdin="")[1])[2]["pin_change_due"] is True  # admin, host1, old
    code, _, err = run("operator", "set-pin", "old", "--pin-stdin", stdin="4321\n4321\n")  # own current PIN, then the new
    assert code == 1 and "6–12" in err
    # not an admin (old's own login, so host1's count of wrong PINs stays as it is)
    assert run("operator", "set-pin", "host1", "--by", "old", "--pin-stdin", stdin="4321\n864213\n")[0] == 1
    assert run("operator", "set-pin", "old", "--pin-stdin", stdin="4321\n864213\n")[0] == 0
    assert "PIN 须更换" not in run("operator", "list", stdin="")[1]
    code, _, err = run("operator", "clear-delay", "host1", "--by", "admin", "--pin-stdin", stdin="999999\n")
    assert code == 1 and "用户名或 PIN 码错误" in err
    code, out, _ = run("operator", "clear-delay", "host1", "--by", "admin", "--pin-stdin", stdin="135790\n")
    assert code == 0 and "3 wrong PINs" in out
    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    try:
        assert hall.login("host1", "246810").username == "host1"
    finally:
        hall.close()
