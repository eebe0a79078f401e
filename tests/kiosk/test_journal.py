"""The hall journal: envelope and hash rules (docs/platform-api.md §3), tamper detection, transactions, follow."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kiosk.hall import Hall
from kiosk.journal import GENESIS_HASH, NOTIFY_CHANNEL, Entry, JournalFollower
from kiosk.records import InvalidRecord

TICKET = {"ticket_id": "T1", "ticket_no": "A001", "service_code": "A", "issued_at": "2026-11-27T09:00:00+08:00", "business_date": "2026-11-27"}


def plain_canonical(value: object) -> bytes:
    """RFC 8785 for payloads of strings, ints and objects with ASCII keys (an independent check)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_envelope_and_hashes_follow_the_platform_rules(hall: Hall) -> None:
    with hall.unit() as s:
        first = hall.journal.append(s, "ticket.issued", TICKET)
        second = hall.journal.append(s, "ticket.issued", {**TICKET, "ticket_id": "T2", "ticket_no": "A002"})
    env = first.envelope()
    assert set(env) == {"record_key", "journal_id", "seq", "terminal_id", "kind", "occurred_at", "payload", "payload_hash", "prev_hash", "hash"}
    assert env["seq"] == 1 and env["prev_hash"] == GENESIS_HASH
    assert uuid.UUID(env["record_key"]).version == 7
    assert env["payload_hash"] == "sha256:" + hashlib.sha256(plain_canonical(TICKET)).hexdigest()
    body = {k: v for k, v in env.items() if k != "hash"}
    assert env["hash"] == hashlib.sha256(plain_canonical(body)).hexdigest()
    assert second.prev_hash == first.hash and second.seq == 2
    assert dt.datetime.fromisoformat(env["occurred_at"]).utcoffset() == dt.timedelta(hours=8)


def test_unicode_payload_hashes_canonically(hall: Hall) -> None:
    payload = {"person_name": "张三", "note": "“全角”，标点", "n": 12}
    with hall.unit() as s:
        e = hall.journal.append(s, "note.added", payload)
    assert e.payload_hash == "sha256:" + hashlib.sha256(plain_canonical(payload)).hexdigest()


def test_rollback_leaves_no_entry_and_no_gap(hall: Hall) -> None:
    with pytest.raises(RuntimeError):
        with hall.unit() as s:
            hall.journal.append(s, "ticket.issued", TICKET)
            raise RuntimeError("the change failed")
    with hall.unit() as s:
        e = hall.journal.append(s, "ticket.issued", TICKET)
    assert e.seq == 1
    assert hall.verify_journal().ok


def test_invalid_payload_is_refused_before_it_is_journalled(hall: Hall) -> None:
    with pytest.raises(InvalidRecord, match="missing 'business_date'"):
        with hall.unit() as s:
            hall.journal.append(s, "ticket.issued", {k: v for k, v in TICKET.items() if k != "business_date"})
    with pytest.raises(InvalidRecord, match="float"):
        with hall.unit() as s:
            hall.journal.append(s, "auction.note", {"amount": 1.5})
    assert hall.journal_stats()["count"] == 0


def _fill(hall: Hall, n: int = 6) -> None:
    with hall.unit() as s:
        for i in range(n):
            hall.journal.append(s, "ticket.issued", {**TICKET, "ticket_id": f"T{i}", "ticket_no": f"A{i:03d}"})


@pytest.mark.parametrize(
    ("sql", "bad_seq"),
    [
        ("UPDATE journal SET payload = replace(payload, 'A003', 'A999') WHERE seq = 4", 4),  # altered payload
        ("UPDATE journal SET kind = 'ticket.called' WHERE seq = 3", 3),  # altered envelope field
        ("UPDATE journal SET occurred_at = '2026-01-01T00:00:00.000+08:00' WHERE seq = 2", 2),
        ("DELETE FROM journal WHERE seq = 3", 3),  # removed in the middle
        ("DELETE FROM journal WHERE seq = 6", 6),  # removed at the tail
        (
            "INSERT INTO journal SELECT 7, 'k7', journal_id, terminal_id, kind, occurred_at, payload, payload_hash, hash, hash FROM journal WHERE seq = 6",
            7,
        ),  # inserted past the head
    ],
)
def test_verify_names_the_first_bad_seq(hall: Hall, sql: str, bad_seq: int) -> None:
    _fill(hall)
    assert hall.verify_journal().ok
    with hall.engine.begin() as conn:
        conn.execute(text(sql))
    result = hall.verify_journal()
    assert not result.ok
    assert result.first_bad_seq == bad_seq, result.problem


def test_rehashed_forgery_is_still_caught_at_the_next_link(hall: Hall) -> None:
    """Someone edits entry 3 and recomputes its hash: entry 4's prev_hash no longer links."""
    _fill(hall)
    with hall.unit() as s:
        row = s.execute(text("SELECT payload FROM journal WHERE seq = 3")).scalar_one()
    from kiosk.canonical import envelope_hash, payload_hash
    from kiosk.journal import Entry

    forged = json.loads(row)
    forged["ticket_no"] = "Z999"
    with hall.unit() as s:
        from kiosk.db.models import JournalEntry

        r = s.get(JournalEntry, 3)
        r.payload = plain_canonical(forged).decode()
        r.payload_hash = payload_hash(forged)
        s.flush()
        r.hash = envelope_hash(Entry.from_row(r).envelope())
    result = hall.verify_journal()
    assert result.first_bad_seq == 4 and "prev_hash" in result.problem


APPENDER = textwrap.dedent(
    """
    import sys
    from kiosk.config import load_config
    from kiosk.hall import Hall
    hall = Hall.open(load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={}), migrate=False)
    worker, n = sys.argv[3], int(sys.argv[4])
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for i in range(n):
        with hall.unit() as s:
            hall.journal.append(s, "test.append", {"worker": worker, "i": i})
    hall.close()
    """
)


def run_appenders(data_dir: Path, db_url: str, workers: int, each: int) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(data_dir), db_url, f"w{w}", str(each)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        assert p.wait(timeout=240) == 0
        p.stdin.close()  # type: ignore[union-attr]
        p.stdout.close()  # type: ignore[union-attr]


def check_gapless(hall: Hall, workers: int, each: int) -> None:
    total = workers * each
    with hall.unit() as s:
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM journal ORDER BY seq"))]
        per_worker = dict(s.execute(text("SELECT json_extract(payload, '$.worker'), count(*) FROM journal GROUP BY 1")).all()) \
            if hall.engine.dialect.name == "sqlite" else \
            dict(s.execute(text("SELECT (payload::json)->>'worker', count(*) FROM journal GROUP BY 1")).all())
    assert seqs == list(range(1, total + 1))
    assert per_worker == {f"w{w}": each for w in range(workers)}
    result = hall.verify_journal()
    assert result.ok and result.count == total


def test_four_processes_append_gapless_on_sqlite(tmp_path: Path) -> None:
    from kiosk.config import load_config

    cfg = load_config(data_dir=tmp_path, environ={})
    hall = Hall.open(cfg)
    try:
        run_appenders(tmp_path, "", workers=4, each=250)
        check_gapless(hall, 4, 250)
    finally:
        hall.close()


@pytest.mark.postgres
def test_four_processes_append_gapless_on_postgres(tmp_path: Path, pg_url: str) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={}))
    try:
        run_appenders(tmp_path, pg_url, workers=4, each=250)
        check_gapless(hall, 4, 250)
    finally:
        hall.close()


FOLLOWED = textwrap.dedent(
    """
    import sys, time
    from kiosk.config import load_config
    from kiosk.hall import Hall
    hall = Hall.open(load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={}), migrate=False)
    for i in range(5):
        time.sleep(0.2)
        with hall.unit() as s:
            hall.journal.append(s, "test.followed", {"i": i})
        print(repr(time.time()), flush=True)
    hall.close()
    """
)


def follow_latency(hall: Hall, data_dir: Path, db_url: str) -> list[float]:
    follower = JournalFollower(hall.engine, kinds=("test.followed",), interval=0.05)
    proc = subprocess.Popen([sys.executable, "-c", FOLLOWED, str(data_dir), db_url], stdout=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    deadline = time.monotonic() + 30
    while len(seen) < 5 and time.monotonic() < deadline:
        for e in follower.poll():
            seen[e.payload["i"]] = time.time()
        time.sleep(0.01)
    assert proc.stdout is not None
    committed = [float(line) for line in proc.stdout.read().split()]
    proc.stdout.close()
    assert proc.wait(timeout=30) == 0
    assert sorted(seen) == [0, 1, 2, 3, 4]
    return [seen[i] - committed[i] for i in range(5)]


@pytest.mark.timing
def test_follower_sees_another_process_within_250_ms(tmp_path: Path) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    try:
        delays = follow_latency(hall, tmp_path, "")
    finally:
        hall.close()
    assert max(delays) < 0.25, delays


@pytest.mark.timing
@pytest.mark.postgres
def test_follower_on_postgres_within_250_ms(tmp_path: Path, pg_url: str) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={}))
    try:
        delays = follow_latency(hall, tmp_path, pg_url)
    finally:
        hall.close()
    assert max(delays) < 0.25, delays


class Following:
    """``JournalFollower.run`` on a thread, as the composition root runs it; what it saw and when."""

    def __init__(self, follower: JournalFollower) -> None:
        self.follower = follower
        self.seen: dict[int, float] = {}  # payload "i" → time.time() it was handed over
        self.polls = 0
        self.stop = threading.Event()
        poll = follower.poll

        def counting_poll(limit: int = 1000) -> list[Entry]:
            self.polls += 1
            return poll(limit)

        follower.poll = counting_poll  # type: ignore[method-assign]
        self.thread = threading.Thread(target=follower.run, args=(self.stop, self.on_entries))

    def on_entries(self, entries: list[Entry]) -> None:
        now = time.time()
        for e in entries:
            self.seen.setdefault(e.payload["i"], now)

    def __enter__(self) -> Following:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()

    def until(self, cond: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, "follower did not get there"
            time.sleep(0.005)


def run_latency(hall: Hall, data_dir: Path, db_url: str, **kw: object) -> tuple[list[float], JournalFollower]:
    """Commit → ``run``'s callback, for entries committed by another process."""
    follower = JournalFollower(hall.engine, kinds=("test.followed",), **kw)  # type: ignore[arg-type]
    with Following(follower) as f:
        if follower.listen:
            f.until(lambda: follower.listening)
        proc = subprocess.Popen([sys.executable, "-c", FOLLOWED, str(data_dir), db_url], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        committed = [float(line) for line in proc.stdout.read().split()]
        proc.stdout.close()
        assert proc.wait(timeout=30) == 0
        f.until(lambda: len(f.seen) == 5)
    return [f.seen[i] - committed[i] for i in range(5)], follower


def test_sqlite_follower_polls(tmp_path: Path) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    try:
        delays, follower = run_latency(hall, tmp_path, "")
    finally:
        hall.close()
    assert not follower.listen and not follower.listening
    assert max(delays) < 1.0, delays


@pytest.mark.postgres
def test_postgres_follower_listens_and_idles_quietly(tmp_path: Path, pg_url: str) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={}))
    try:
        delays, follower = run_latency(hall, tmp_path, pg_url)
        assert follower.listen and max(delays) < 1.0, delays
        with Following(JournalFollower(hall.engine, listen_fallback=0.5)) as f:
            f.until(lambda: f.follower.listening)
            polls = f.polls
            time.sleep(1.2)
            assert f.polls - polls <= 3  # the safety net, not 20 polls a second
            with hall.unit() as s:
                hall.journal.append(s, "test.followed", {"i": 0})
            f.until(lambda: 0 in f.seen, 2.0)
    finally:
        hall.close()


def listeners(hall: Hall) -> list[int]:
    """Backend pids of this database's connections that LISTEN on the journal's channel."""
    with hall.reading() as s:
        return [r[0] for r in s.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = :q"
        ), {"q": f"LISTEN {NOTIFY_CHANNEL}"})]


@pytest.mark.postgres
@pytest.mark.allow_log_warnings(r"^journal follower: ")
def test_postgres_follower_survives_losing_its_listening_connection(tmp_path: Path, pg_url: str) -> None:
    from kiosk.config import load_config

    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={}))
    follower = JournalFollower(hall.engine, listen_fallback=0.3)
    follower.relisten_interval = 0.2
    try:
        with Following(follower) as f:
            f.until(lambda: follower.listening)
            first = listeners(hall)
            assert len(first) == 1
            with hall.unit() as s:  # the server drops the listener (a restart, a network cut)
                assert s.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first[0]}).scalar()
            with hall.unit() as s:
                hall.journal.append(s, "test.followed", {"i": 1})
            f.until(lambda: 1 in f.seen, 3.0)
            f.until(lambda: len(again := listeners(hall)) == 1 and again != first, 3.0)  # listening again
            with hall.unit() as s:
                hall.journal.append(s, "test.followed", {"i": 2})
            f.until(lambda: 2 in f.seen, 2.0)
    finally:
        hall.close()


# --- the hall's single authority: kiosk.journal.take_head ------------------------------------------

SOURCE_ROOT = Path(__file__).resolve().parents[2]
#: check-in is moving into its package and switches to take_head once that has landed (issue 14)
NOT_YET_SWITCHED = ("kiosk/checkin",)


def head_locks_outside_take_head() -> list[str]:
    """Every place in the product's code that locks the journal head itself (file:line)."""
    import ast
    import re

    found = []
    for package in ("kiosk", "hallkiosk", "ui", "sync", "devices", "bench"):
        for path in sorted((SOURCE_ROOT / package).rglob("*.py")):
            rel = path.relative_to(SOURCE_ROOT).as_posix()
            source = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_for_update":
                    statement = ast.get_source_segment(source, node) or ""
                    if "JournalHead" in statement or "journal_head" in statement:
                        found.append(f"{rel}:{node.lineno}")
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and re.search(r"journal_head.*for\s+(no\s+key\s+)?update", node.value, re.I | re.S):
                    found.append(f"{rel}:{node.lineno}")  # the same lock in SQL text
    return [f for f in found if not f.startswith("kiosk/journal.py:") and not f.startswith(NOT_YET_SWITCHED)]


def test_the_journal_head_is_locked_only_by_take_head() -> None:
    import inspect

    from kiosk import journal

    assert head_locks_outside_take_head() == []
    # and in kiosk/journal.py only inside take_head
    source = inspect.getsource(journal)
    body = inspect.getsource(journal.take_head)
    assert source.count(".with_for_update(") == body.count(".with_for_update(") == 1


def test_take_head_reads_the_head_once_per_transaction(hall: Hall) -> None:
    from sqlalchemy import event

    from kiosk.journal import take_head

    statements: list[str] = []
    event.listen(hall.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with hall.unit() as s:
        head = take_head(s)
        assert take_head(s) is head
        first = hall.journal.append(s, "ticket.issued", TICKET)
        second = hall.journal.append(s, "ticket.issued", {**TICKET, "ticket_id": "T2"})
        assert head.last_seq == second.seq == first.seq + 1 and head.last_hash == second.hash
    with hall.unit() as s:
        third = hall.journal.append(s, "ticket.issued", {**TICKET, "ticket_id": "T3"})
    assert third.prev_hash == second.hash
    reads = [q for q in statements if q.lstrip().upper().startswith("SELECT") and "journal_head" in q]
    assert len(reads) == 2  # one per unit, however often it is taken inside it
    assert hall.verify_journal().ok


@pytest.mark.postgres
def test_take_head_holds_other_writers_until_commit(tmp_path: Path, pg_url: str) -> None:
    """On PostgreSQL a second unit waits at take_head while the first holds it, and sees its entry after."""
    from sqlalchemy.exc import OperationalError

    from kiosk.config import load_config
    from kiosk.journal import take_head

    hall = Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={}))
    try:
        with hall.unit() as s:
            take_head(s)
            with pytest.raises(OperationalError, match="lock timeout"):
                with hall.unit() as other:
                    other.execute(text("SET LOCAL lock_timeout = '200ms'"))
                    take_head(other)
            hall.journal.append(s, "ticket.issued", TICKET)
        with hall.unit() as other:
            assert take_head(other).last_seq == 1
    finally:
        hall.close()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8")),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=8), _JSON, max_size=5), key=st.text(max_size=12))
def test_an_envelope_hashed_with_its_payloads_canonical_bytes_hashes_as_canonicalised_whole(payload: dict, key: str) -> None:
    # Journal.append canonicalises a payload once and puts those bytes in the envelope's payload slot;
    # the hash must be the one a verifier computes from the whole envelope (kiosk.canonical)
    from kiosk.canonical import canonical, envelope_hash

    envelope = {"record_key": key, "journal_id": "j", "seq": 7, "terminal_id": "t", "kind": "ticket.issued",
                "occurred_at": "2026-12-07T08:00:00+08:00", "payload": payload, "payload_hash": "sha256:00",
                "prev_hash": "0" * 64, "hash": "ignored"}
    assert envelope_hash(envelope, canonical(payload)) == envelope_hash(envelope)
    # a member that spells the slot itself cannot confuse it
    envelope["record_key"] = "\x00payload\x00"
    assert envelope_hash(envelope, canonical(payload)) == envelope_hash(envelope)
