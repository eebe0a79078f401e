"""The platform link in a running terminal: pushed at once, pulled data on screen, status shown."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hallkiosk.app import build_terminal, ensure_qapp
from hallkiosk.sync_wiring import SyncSetupError, read_secret
from kiosk.config import load_config
from kiosk.timeutil import BEIJING
from sync.sandbox import SandboxServer

JID = "NM-HHHT-HALL9"


def test_terminal_pushes_its_journal_and_shows_the_link(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    ensure_qapp()
    server = SandboxServer(tmp_path / "platform", seed="demo", today=dt.datetime.now(BEIJING).date())
    server.provision(JID, secret_file=tmp_path / "journal.secret")
    server.start()
    try:
        cfg = load_config(data_dir=tmp_path / "hall", environ={})
        cfg = dataclasses.replace(
            cfg, platform=dataclasses.replace(cfg.platform, url=server.url, journal_id=JID, secret_file=str(tmp_path / "journal.secret")),
            queue=dataclasses.replace(cfg.queue, speech_engine="fake"),  # no audio player on a test machine
        )
        term = build_terminal(cfg, "board", devices=False)
        try:
            with term.hall.unit() as s:
                term.hall.journal.append(s, "ticket.issued", {"ticket_id": "T-1", "ticket_no": "A001", "service_code": "A",
                                                               "issued_at": "2026-11-27T09:00:00+08:00", "business_date": "2026-11-27"})
            last = int(term.hall.journal_stats()["last_seq"])  # type: ignore[arg-type]
            qtbot.waitUntil(lambda: server.store.stored_seqs(JID)[-1:] == [last], timeout=10_000)
            assert server.store.stored_seqs(JID) == list(range(1, last + 1))
            qtbot.waitUntil(lambda: "在线" in term.window.status_items.sync.text(), timeout=5000)
            # the worker's first pull brought today's sessions from the platform onto the board
            qtbot.waitUntil(lambda: len(term.hall.sessions_on()) >= 4, timeout=10_000)
        finally:
            term.stop()
    finally:
        server.close()


def test_bad_secret_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(SyncSetupError, match="does not exist"):
        read_secret(tmp_path / "none")
    (tmp_path / "s").write_text("not base64!!")
    with pytest.raises(SyncSetupError, match="not base64"):
        read_secret(tmp_path / "s")
