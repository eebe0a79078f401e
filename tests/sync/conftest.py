"""Fixtures of the sync tests: a real sandbox platform over HTTP, a migrated hall database."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from kiosk.canonical import canonical, envelope_hash, payload_hash
from kiosk.clock import FixedClock, PlatformClock
from kiosk.db.engine import make_engine, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import JournalEntry, JournalHead
from kiosk.ids import uuid7
from kiosk.journal import Journal, ensure_head
from kiosk.pii import PiiVault
from kiosk.timeutil import BEIJING, rfc3339
from sync.client import PlatformClient
from sync.push import Backoff, Pusher
from sync.sandbox import SandboxServer

JID = "NM-HHHT-HALL1"


@dataclass
class HallDb:
    """A hall database for one test."""

    engine: Engine
    vault: PiiVault
    journal: Journal
    path: Path

    def append(self, n: int, *, kind: str = "ticket.issued", start: int = 0, occurred_at: dt.datetime | None = None,
               chunk: int = 2500) -> None:
        """Append ``n`` valid entries in a few big transactions."""
        sessions = session_factory(self.engine)
        done = 0
        while done < n:
            with sessions() as s, s.begin():
                for i in range(start + done, start + min(n, done + chunk)):
                    self.journal.append(s, kind, ticket_payload(i), occurred_at=occurred_at)
            done = min(n, done + chunk)


    def bulk_append(self, n: int, *, occurred_at: dt.datetime, start: int = 0) -> None:
        """Append ``n`` valid, chained entries fast (Core executemany, as ``Journal.append`` builds them)."""
        when = rfc3339(occurred_at)
        with session_factory(self.engine)() as s, s.begin():
            head = s.get(JournalHead, 1)
            seq, prev = head.last_seq, head.last_hash
            rows = []
            for i in range(start, start + n):
                seq += 1
                payload = ticket_payload(i)
                env = {"record_key": str(uuid7()), "journal_id": JID, "seq": seq, "terminal_id": "KIOSK-01",
                       "kind": "ticket.issued", "occurred_at": when, "payload": payload,
                       "payload_hash": payload_hash(payload), "prev_hash": prev}
                prev = env["hash"] = envelope_hash(env)
                rows.append({**env, "payload": canonical(payload).decode("utf-8")})
            s.execute(insert(JournalEntry), rows)
            head.last_seq, head.last_hash = seq, prev


def ticket_payload(i: int) -> dict[str, object]:
    """A valid ``ticket.issued`` payload."""
    return {"ticket_id": f"T-{i:06d}", "ticket_no": f"A{i % 1000:03d}", "service_code": "A",
            "issued_at": "2026-11-27T09:01:02.123+08:00", "business_date": "2026-11-27"}


def beijing_today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """The sandbox platform, seeded with today's demo day, serving on a free port."""
    server = SandboxServer(tmp_path / "platform", seed="demo", today=beijing_today())
    server.set_faults(seed=1234)
    server.secret = server.provision(JID)  # type: ignore[attr-defined]
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallDb]:
    """A migrated hall database with the journal head and a PII vault."""
    path = tmp_path / "hall" / "hall.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_factory(engine)() as s, s.begin():
        ensure_head(s, JID)
    db = HallDb(engine, PiiVault(os.urandom(32)), Journal(JID, "KIOSK-01", FixedClock(
        dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC))), path)
    try:
        yield db
    finally:
        engine.dispose()


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[PlatformClient]:
    """A platform client for the sandbox's journal."""
    c = PlatformClient(sandbox.url, JID, sandbox.secret, PlatformClock(), timeout=5.0)  # type: ignore[attr-defined]
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def make_pusher(hall: HallDb) -> Callable[..., Pusher]:
    """Makes pushers with a fast, seeded backoff (Retry-After is still honoured in full)."""

    def make(client: PlatformClient, **kw: object) -> Pusher:
        return Pusher(hall.engine, client, JID, backoff=Backoff(base_s=0.01, cap_s=0.05, rng=random.Random(7)),
                      **kw)  # type: ignore[arg-type]

    return make
