"""The core commands as an operator or a script runs them: exit codes, JSON, messages."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hallkiosk.cli import main
from kiosk.config import ROLES


def hk(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hallkiosk", *args], input=stdin, capture_output=True, text=True, timeout=timeout)


def test_operator_and_journal_commands_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """In process (``main``), as the console script calls it; the last check runs the real process."""
    d = str(tmp_path)

    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        capsys.readouterr()
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    assert run("db", "upgrade", "--data-dir", d)[0] == 0
    code, _, err = run("operator", "add", "admin", "--name", "管理员", "--role", "admin", "--pin-stdin", "--data-dir", d,
                       stdin="135790\n")
    assert code == 0, err
    code, _, err = run("operator", "add", "admin", "--name", "X", "--role", "host", "--by", "admin", "--pin-stdin",
                       "--data-dir", d, stdin="135790\n246810\n")
    assert code == 1 and "exists" in err
    assert [o["username"] for o in json.loads(run("operator", "list", "--json", "--data-dir", d)[1])] == ["admin"]
    assert run("operator", "disable", "admin", "--reason", "离职", "--by", "admin", "--pin-stdin", "--data-dir", d,
               stdin="135790\n")[0] == 0
    stats = json.loads(run("journal", "stats", "--json", "--data-dir", d)[1])
    assert set(stats) == {"journal_id", "count", "last_seq", "last_hash"}
    # operator.added, operator.login (the admin's PIN for the refused add), operator.login, operator.disabled
    assert stats["count"] == stats["last_seq"] == 4 and len(stats["last_hash"]) == 64
    code, out, _ = run("journal", "verify", "--data-dir", d)
    assert code == 0 and "intact" in out
    with sqlite3.connect(tmp_path / "hall.db") as conn:
        conn.execute("UPDATE journal SET payload = replace(payload, '离职', '退休') WHERE seq = 4")
    bad = hk("journal", "verify", "--data-dir", d)  # the real process: its exit code and stderr
    assert bad.returncode == 1 and "seq 4" in bad.stderr


def test_config_check_names_the_unknown_key(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "hall.toml"
    cfg.write_text('[site]\nterminal_id = "K-3"\n', encoding="utf-8")
    assert main(["config", "check", "--config", str(cfg), "--data-dir", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["site"]["terminal_id"] == "K-3"
    cfg.write_text("[site]\nterminal = 3\n", encoding="utf-8")
    r = hk("config", "check", "--config", str(cfg))
    assert r.returncode == 2 and str(cfg) in r.stderr and "'terminal'" in r.stderr


@pytest.mark.slow
def test_headless_demo_writes_every_screenshot_and_a_verified_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # The whole tour, as `make run` does it headless: every role and every capability's tour.
    r = hk("demo", "--headless", "--data-dir", str(tmp_path / "d"), "--out", str(out), timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["journal"]["verified"] is True
    roles = {s["role"] for s in report["screenshots"]}
    assert roles == set(ROLES)  # every role, the expert draw's console and the supervisor's wall included
    kinds = {"png": 0, "pdf": 0, "txt": 0}
    for shot in report["screenshots"]:
        data = (out / shot["file"]).read_bytes()
        if shot["file"].endswith(".pdf"):  # the documents the tours produced (records, confirmations)
            assert data.startswith(b"%PDF")
            kinds["pdf"] += 1
        elif shot["file"].endswith(".txt"):  # text the tours keep: a command's output, the witness's notes
            assert data.strip() and data.decode("utf-8"), shot["file"]
            kinds["txt"] += 1
        else:
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, shot["file"]
            kinds["png"] += 1
    assert kinds["png"] > 100 and kinds["pdf"] >= 3  # every role and capability screen, and their documents
    assert len(report["sessions_today"]) >= 4
    assert "Traceback" not in r.stderr
