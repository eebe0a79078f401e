"""``hall-kiosk keys status | add-terminal | rotate`` (hallkiosk/cli/keys_cmd.py) on two data dirs sharing one database."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from hallkiosk import failures
from hallkiosk.cli import main
from kiosk import feeds
from kiosk.config import load_config
from kiosk.hall import Hall
from sync.sandbox.seed import person
from tests.helpers.seeded import seeded


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    import io
    import sys

    real = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = real
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_second_terminal_is_told_then_added_then_reads_and_rotation_is_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'hall.db'}"
    a, b = ["--data-dir", str(tmp_path / "a"), "--db", url], ["--data-dir", str(tmp_path / "b"), "--db", url]
    seeded(load_config(data_dir=tmp_path / "a", db_url=url, environ={}))

    code, _out, err = run(capsys, "operator", "list", *b)  # B's first start: no key for its KEK
    assert code == failures.EXIT_DAMAGED
    assert "keys add-terminal" in err and "本终端没有本厅的数据密钥" in err and "does not hold the hall's data key" in err
    assert "Traceback" not in err and "InvalidTag" not in err

    code, out, err = run(capsys, "keys", "status", "--json", *b)  # status works on B all the same
    assert code == 0, err
    st = json.loads(out)
    [k1] = st["keys"]
    assert k1["kid"] == "k1" and k1["state"] == "current" and k1["rows_total"] > 20
    assert len(k1["holders"]) == 1 and st["this_terminal_kek"] not in k1["holders"][0]

    add_b = ("keys", "add-terminal", "--kek-file", str(tmp_path / "b" / "keys" / "kek.key"), "--terminal", "KIOSK-B", *a)
    code, out, err = run(capsys, *add_b, "--by", "admin", stdin="000000\n")  # issue 15: a wrong PIN hands out nothing
    assert code == 1 and "wrapped" not in out and "PIN" in err
    code, out, err = run(capsys, *add_b, "--by", "host", stdin="111111\n")  # nor a host's right one
    assert code == 1 and "wrapped" not in out
    code, out, err = run(capsys, *add_b, "--by", "admin", stdin="123456\n")
    assert code == 0, err
    assert "wrapped k1" in out
    hall_b = Hall.open(load_config(data_dir=tmp_path / "b", db_url=url, environ={}))
    try:
        with hall_b.reading() as s:
            assert feeds.registrations_for_person(s, hall_b.vault, person(0)["id_number"])
    finally:
        hall_b.close()

    handover = tmp_path / "handover" / "kek.key"  # a KEK made on A for a terminal not yet set up
    code, out, err = run(capsys, "keys", "add-terminal", "--kek-file", str(handover), "--terminal", "BOARD-1", *a,
                         "--by", "admin", stdin="")  # no PIN: refused before a KEK is made
    assert code == 1 and not handover.exists()
    code, out, err = run(capsys, "keys", "add-terminal", "--kek-file", str(handover), "--terminal", "BOARD-1", *a,
                         "--by", "admin", stdin="123456\n")
    assert code == 0, err
    assert "a new KEK was written" in out and stat.S_IMODE(handover.stat().st_mode) == 0o600

    code, out, err = run(capsys, "keys", "rotate", "--json", "--batch", "50", *a, "--by", "admin", stdin="000000\n")
    assert code == 1 and not out
    code, out, err = run(capsys, "keys", "rotate", "--json", "--batch", "50", *a, "--by", "admin", stdin="123456\n")
    assert code == 0, err
    report = json.loads(out)
    assert report["new_kid"] == "k2" and report["old_kids"] == ["k1"] and report["rows"] > 0 and report["left"] == {}
    code, out, err = run(capsys, "keys", "status", "--json", *a)
    by_kid = {k["kid"]: k for k in json.loads(out)["keys"]}
    assert by_kid["k1"]["rows_total"] == 0 and by_kid["k1"]["state"] == "retired"
    assert by_kid["k2"]["rows_total"] == k1["rows_total"] and by_kid["k2"]["state"] == "current"
    code, out, err = run(capsys, "keys", "status", *a)
    assert code == 0 and "k1  retired" in out and "k2  current" in out and "rows 0" in out.split("k1  retired")[1]
