"""A database that stops answering fails a call within seconds; it never hangs the caller (issue 21)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kiosk.db.engine import make_engine, session_factory


def test_a_server_that_accepts_and_never_answers_fails_the_connect_within_its_timeout() -> None:
    # A frozen PostgreSQL (SIGSTOP) or a black-holed link: the TCP handshake completes, nothing follows.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql://hall:x@127.0.0.1:{port}/hall", connect_timeout_s=1)
        t0 = time.monotonic()
        with pytest.raises(OperationalError):
            with engine.connect():
                pass
        took = time.monotonic() - t0
        engine.dispose()
    assert took < 4.0, took  # psycopg tries each resolved address once: 1 s each, never minutes


@pytest.mark.postgres
def test_a_statement_or_a_lock_wait_fails_after_the_statement_timeout(pg_url: str) -> None:
    engine = make_engine(pg_url, statement_timeout_ms=300)
    other = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "300ms"
            t0 = time.monotonic()
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(5)"))
            assert time.monotonic() - t0 < 2.0
        with other.begin() as holder:  # a backup or another terminal holding a row lock
            holder.execute(text("CREATE TABLE IF NOT EXISTS t_lock (id int primary key)"))
        with other.begin() as holder:
            holder.execute(text("INSERT INTO t_lock VALUES (1) ON CONFLICT DO NOTHING"))
        with other.begin() as holder:
            holder.execute(text("SELECT id FROM t_lock WHERE id = 1 FOR UPDATE"))
            with engine.begin() as waiter:
                t0 = time.monotonic()
                with pytest.raises(OperationalError, match="statement timeout"):
                    waiter.execute(text("SELECT id FROM t_lock WHERE id = 1 FOR UPDATE"))
                assert time.monotonic() - t0 < 2.0
    finally:
        engine.dispose()
        other.dispose()


def _commit_from_another_process(db: Path) -> None:
    """Another terminal (its own process and connection) writes a journal-free row."""
    code = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('INSERT INTO probe VALUES (2)')"
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=30)


def test_a_leftover_sqlite_cursor_never_carries_an_old_snapshot_into_the_next_unit(tmp_path: Path) -> None:
    """The cause of issue 21's SQLite fault: a SELECT left unfinished keeps its WAL snapshot after its
    unit ends; the next unit on that pooled connection failed BEGIN IMMEDIATE (SQLITE_BUSY_SNAPSHOT)
    and its reads missed rows other processes had committed, until the terminal was restarted."""
    db = tmp_path / "hall.db"
    engine = make_engine(f"sqlite:///{db}")
    sessions = session_factory(engine)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO probe VALUES (1), (1), (1)")  # the cursor reads ahead one row
        raw = engine.raw_connection()  # a read whose cursor is kept, half consumed, past its unit
        leftover = raw.cursor()
        leftover.execute("SELECT x FROM probe")
        leftover.fetchone()
        raw.close()  # back to the pool (the pool's reset-on-return rolls back: a no-op in autocommit)
        _commit_from_another_process(db)
        with sessions.begin() as s:  # the pool hands out the same connection again
            assert s.execute(text("SELECT count(*) FROM probe")).scalar() == 4  # sees the other process's row
            s.execute(text("INSERT INTO probe VALUES (3)"))  # and can write: no SQLITE_BUSY_SNAPSHOT
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM probe").scalar() == 5
        del leftover
    finally:
        engine.dispose()
