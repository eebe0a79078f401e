"""The queue CLI against a data dir, the daily report (PDF renders Chinese), and a board following
calls made by another process: updated within 250 ms, spoken through the zone queue, never overlapping."""

from __future__ import annotations

import dataclasses
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hallkiosk.app import build_terminal, ensure_qapp
from hallkiosk.cli import main
from kiosk.config import load_config
from tests.helpers.pdf import pdf_fonts, pdf_page_png, pdf_text

SEED_ALL_DAY = """
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.queue import HallQueue, ServiceInfo
import sys, dataclasses
hall = Hall.open(load_config(data_dir=sys.argv[1], environ={}))
q = HallQueue(hall)
q.seed_if_empty("test")
for s in q.services():
    q.save_service(dataclasses.replace(s, open_from="00:00", open_until="23:59"), "test")
with hall.unit() as s:  # the counter's clerk, and an account the counter console does not admit
    hall.operators.add(s, "clerk1", "窗口一", "clerk", "246810", by="test")
    hall.operators.add(s, "auctioneer1", "拍卖师", "auctioneer", "135790", by="test")
hall.close()
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "hall"
    subprocess.run([sys.executable, "-c", SEED_ALL_DAY, str(d)], check=True)
    return d


def test_cli_issue_call_status_report(data_dir: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n246810\n"))  # the clerk's PIN, once per call
    assert main(["queue", "issue", "A", "--json", "--data-dir", str(data_dir)]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert set(issued) == {"ticket_id", "ticket_no", "service_code", "business_date", "issued_at"}
    assert issued["ticket_no"] == "A001" and issued["service_code"] == "deposit"
    assert main(["queue", "issue", "consult", "--data-dir", str(data_dir)]) == 0
    assert "D001" in capsys.readouterr().out
    assert main(["queue", "issue", "Z", "--data-dir", str(data_dir)]) == 1
    assert "没有业务" in capsys.readouterr().err
    assert main(["queue", "call", "--counter", "1", "--operator", "clerk1", "--json", "--data-dir", str(data_dir)]) == 0
    called = json.loads(capsys.readouterr().out)
    assert called["ticket_no"] == "A001" and called["counter_no"] == "1" and called["call_count"] == 1
    assert main(["queue", "status", "--json", "--data-dir", str(data_dir)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert {s["service_code"]: s["waiting"] for s in status["services"]}["consult"] == 1
    assert next(c for c in status["counters"] if c["counter_no"] == "1")["current"] == "A001"
    assert main(["queue", "call", "--counter", "1", "--operator", "clerk1", "--data-dir", str(data_dir)]) == 0  # finishes A001, calls D001
    assert "请D001号到1号窗口办理" in capsys.readouterr().out
    pdf, csv = tmp_path / "r.pdf", tmp_path / "r.csv"
    assert main(["queue", "report", "--pdf", str(pdf), "--csv", str(csv), "--data-dir", str(data_dir)]) == 0
    rows = csv.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("date,group,key") and any(",service,deposit,保证金缴纳,1,1," in r for r in rows)
    fonts = pdf_fonts(pdf)
    assert any("NotoSansCJKsc" in f.name for f in fonts)  # the bundled font (Noto Sans CJK SC subset) ...
    assert all(f.embedded for f in fonts)  # ... and every font embedded
    text = pdf_text(pdf)
    assert "排队叫号日报" in text and "保证金缴纳" in text  # searchable as written (no Kangxi look-alikes)
    assert not [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF]  # no radicals standing in for 日, 号 …
    png = pdf_page_png(pdf, 1, dpi=40)
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_cli_issue_as_a_process(data_dir: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "hallkiosk", "queue", "issue", "B", "--json", "--data-dir", str(data_dir)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["ticket_no"] == "B001"


def test_cli_call_is_the_counter_clerks_act_with_their_pin(data_dir: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 15 must 1: taking a ticket needs no account (a visitor's act), calling one is the clerk's act —
    no account, a wrong PIN or an account the counter console does not admit calls nobody; the call
    journals the account that proved itself, not a name typed on the command line."""
    from sqlalchemy import select

    from kiosk.db.models import JournalEntry
    from kiosk.hall import Hall

    assert main(["queue", "issue", "A", "--data-dir", str(data_dir)]) == 0  # no account, no PIN
    capsys.readouterr()
    with pytest.raises(SystemExit) as bare:  # the old `queue call --counter 1` (clerk "cli")
        main(["queue", "call", "--counter", "1", "--data-dir", str(data_dir)])
    assert bare.value.code == 2 and "--operator" in capsys.readouterr().err
    for user, pin, said in (("clerk1", "999999", "PIN"), ("auctioneer1", "135790", "")):
        monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
        assert main(["queue", "call", "--counter", "1", "--operator", user, "--data-dir", str(data_dir)]) == 1
        assert said in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # an account without its PIN
    assert main(["queue", "call", "--counter", "1", "--operator", "clerk1", "--data-dir", str(data_dir)]) == 1
    assert "PIN" in capsys.readouterr().err
    hall = Hall.open(load_config(data_dir=data_dir, environ={}))
    try:
        with hall.reading() as s:
            assert not s.scalars(select(JournalEntry).where(JournalEntry.kind == "ticket.called")).all()
    finally:
        hall.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    assert main(["queue", "call", "--counter", "1", "--operator", "clerk1", "--data-dir", str(data_dir)]) == 0
    assert "请A001号到1号窗口办理" in capsys.readouterr().out
    hall = Hall.open(load_config(data_dir=data_dir, environ={}))
    try:
        with hall.reading() as s:
            [called] = [json.loads(p) for p in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == "ticket.called"))]
    finally:
        hall.close()
    assert called["clerk"] == "clerk1"


@pytest.mark.parametrize("server", ["silent", "refusing"])
def test_cli_issue_against_an_unreachable_database_fails_in_time_with_exit_10(tmp_path: Path, server: str) -> None:
    """Issue 21: ``queue issue`` hung for ever against a server that accepted and never answered."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if server == "silent":
        sock.listen(8)  # the kernel completes the handshake; nobody ever answers (a frozen server)
    else:
        sock.close()  # nothing listens: connections are refused
    try:
        t0 = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "hallkiosk", "queue", "issue", "A", "--data-dir", str(tmp_path / "hall"),
                               "--db", f"postgresql://hall@127.0.0.1:{port}/hall"], capture_output=True, text=True, timeout=90)
        took = time.monotonic() - t0
    finally:
        sock.close()
    assert done.returncode == 10, (done.returncode, done.stderr)  # hallkiosk/failures.py: database unreachable
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and "无法连接数据库" in lines[0] and "cannot reach the database" in lines[1], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert took < 30, took  # the connect timeout, not for ever


CALLER = """
import sys, time
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.queue import HallQueue
hall = Hall.open(load_config(data_dir=sys.argv[1], environ={}), migrate=False)
q = HallQueue(hall)
print("ready", flush=True)
for line in sys.stdin:
    q.call_next(line.strip(), "clerk", close_current="served")
    print(time.time(), flush=True)
hall.close()
"""


@pytest.mark.timing
def test_board_follows_calls_from_another_process(qapp, data_dir: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    ensure_qapp()
    cfg = load_config(data_dir=data_dir, environ={})
    cfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="queue"),
                              queue=dataclasses.replace(cfg.queue, speech_engine="fake", call_repeat=2))
    from kiosk.hall import Hall
    from kiosk.queue import HallQueue

    hall = Hall.open(cfg)
    q = HallQueue(hall)
    for svc in ("A", "A", "B", "C"):
        q.issue(svc)
    term = build_terminal(cfg, "board", hall=hall, follow=True, devices=False, sync=False)
    proc = subprocess.Popen([sys.executable, "-c", CALLER, str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        board = term.window.page.views["queue"]
        assert term.window.page.currentWidget() is board
        seen: list[float] = []
        term.ctx.bridge.journalEntries.connect(lambda es: seen.append(time.time()) if any(e.kind == "ticket.called" for e in es) else None)
        assert proc.stdout.readline().strip() == "ready"
        latencies = []
        for counter in ("1", "2", "3"):
            n = len(seen)
            proc.stdin.write(counter + "\n")
            proc.stdin.flush()
            committed = float(proc.stdout.readline())
            qtbot.waitUntil(lambda n=n: len(seen) > n, timeout=3000)

            def drawn(counter: str = counter) -> bool:  # the view is read on the read lane, then drawn
                st = board.state
                return st is not None and any(r.counter_no == counter and r.current for r in st.counters)

            qtbot.waitUntil(drawn, timeout=3000)
            latencies.append(time.time() - committed)  # commit → on the wall, the read included
            assert board.flashing.get(counter)
        assert max(latencies) < 0.25, latencies
        aq = board.speech_queue
        assert aq.wait_idle(10)
        said = aq.engine.utterances
        assert [u.text for u in said][:2] == ["请A零零一号到一号窗口办理"] * 2  # call_repeat = 2
        assert len(said) == 6
        assert all(b.start >= a.end for a, b in zip(said, said[1:], strict=False))  # never overlapping
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()
        term.stop()
