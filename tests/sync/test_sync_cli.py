"""The CLI in real processes: ``platform-sandbox`` as its own process, ``sync push`` killed mid-batch."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.journal import ensure_head

JID = "NM-HHHT-HALL1"
ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hallkiosk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _hall(data_dir: Path, hall_fixture, n: int) -> None:  # type: ignore[no-untyped-def]
    """Fill the CLI's database (``DATA/hall.db``) with ``n`` journal entries."""
    engine = make_engine(f"sqlite:///{data_dir / 'hall.db'}")
    try:
        upgrade(engine)
        with session_factory(engine)() as s, s.begin():
            ensure_head(s, JID)
        hall_fixture.engine, saved = engine, hall_fixture.engine
        try:
            hall_fixture.bulk_append(n, occurred_at=dt.datetime.now(dt.UTC))
        finally:
            hall_fixture.engine = saved
    finally:
        engine.dispose()


def test_platform_sandbox_process_with_sync_commands(tmp_path: Path, hall) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "journal.secret"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hallkiosk", "platform-sandbox", "--port", "0", "--seed", "demo",
         "--data-dir", str(tmp_path / "platform"), "--journal-id", JID, "--secret-file", str(secret)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        url = info["url"]
        assert info["journal_id"] == JID and url.startswith("http://127.0.0.1:") and secret.exists()
        data = tmp_path / "hall"
        _hall(data, hall, 250)
        opts = ["--data-dir", str(data), "--platform-url", url, "--journal-id", JID, "--secret-file", str(secret)]
        pull = _cli("sync", "pull", *opts)
        assert pull.returncode == 0, pull.stderr
        push = _cli("sync", "push", *opts)
        assert push.returncode == 0, push.stderr
        assert "delivered up to seq 250" in push.stdout
        status = _cli("sync", "status", "--json", *opts)
        assert status.returncode == 0, status.stderr
        doc = json.loads(status.stdout)
        assert doc["backlog"] == 0 and doc["last_delivered_seq"] == 250 and doc["dead_letters"] == 0
        assert doc["alarm"] is None
        assert doc["feeds"]["sessions"]["count"] == 6 and doc["feeds"]["registrations"]["count"] == 25
        assert doc["feeds"]["blacklist"]["age_s"] is not None
        admin = url.split("/hall-api")[0]
        with requests.Session() as http:
            assert http.get(f"{admin}/_sandbox/records", params={"journal_id": JID}, timeout=5).status_code == 401
            http.headers["X-Sandbox-Token"] = Path(info["admin_token_file"]).read_text().strip()
            seqs = http.get(f"{admin}/_sandbox/records", params={"journal_id": JID}, timeout=5).json()["seqs"]
            assert seqs == list(range(1, 251))
            # a wrong secret: the platform refuses, the command says why and fails
            (tmp_path / "bad.secret").write_text("d3Jvbmcgc2VjcmV0IHdyb25nIHNlY3JldCB3cm9uZyE=\n")
            _hall(data, hall, 1)
            bad = _cli("sync", "push", *opts[:-1], str(tmp_path / "bad.secret"))
            assert bad.returncode == 3 and "signature-invalid" in bad.stderr
            assert http.get(f"{admin}/_sandbox/records", params={"journal_id": JID}, timeout=5).json()["seqs"] == seqs
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()
    assert proc.returncode == 0


@pytest.mark.allow_log_warnings()
def test_push_killed_mid_batch_loses_nothing_and_duplicates_nothing(tmp_path: Path, sandbox, hall) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "hall"
    _hall(data, hall, 1200)
    secret = tmp_path / "journal.secret"
    sandbox.provision(JID, sandbox.secret, secret_file=secret)
    sandbox.set_faults(latency_s=1.0)
    opts = ["--data-dir", str(data), "--platform-url", sandbox.url, "--journal-id", JID, "--secret-file", str(secret)]
    proc = subprocess.Popen([sys.executable, "-m", "hallkiosk", "sync", "push", "--no-blobs", *opts], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while sandbox.stats.requests["POST /records"] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sandbox.stats.requests["POST /records"] == 2  # batch 2 is on the wire, not yet answered
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
    deadline = time.monotonic() + 15  # the platform finishes (and commits) the batch whose client is dead
    while len(sandbox.store.stored_seqs(JID)) < 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox.store.stored_seqs(JID) == list(range(1, 1001))
    sandbox.set_faults(latency_s=0.0)
    again = _cli("sync", "push", "--no-blobs", *opts)
    assert again.returncode == 0, again.stderr
    assert sandbox.store.stored_seqs(JID) == list(range(1, 1201))  # no loss, no duplicate, in order
    status = json.loads(_cli("sync", "status", "--json", *opts).stdout)
    assert status["backlog"] == 0 and status["last_delivered_seq"] == 1200
