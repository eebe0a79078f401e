"""Round trips a unit does not need are not made (issue 14 item 6), and what that costs is bounded.

``kiosk.db.engine``: a read-only session on PostgreSQL runs in autocommit (no ``BEGIN``/``ROLLBACK``),
a pooled connection is pinged only after resting ``PG_PING_AFTER_REST_S``, and a read-only session
refuses to write on either database.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, column, insert, text
from sqlalchemy import table as sql_table
from sqlalchemy.exc import OperationalError

from kiosk.db.engine import PG_PING_AFTER_REST_S, WriteInReadOnlySession, make_engine, read_only_session


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _kill(pg_url: str, pid: int) -> None:
    killer = make_engine(pg_url)
    try:
        with killer.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one() is True
    finally:
        killer.dispose()
    time.sleep(0.05)  # the backend is gone before the next use


@pytest.mark.postgres
def test_a_reading_session_opens_no_transaction_on_postgresql(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with read_only_session(engine) as s:
            assert s.execute(text("SELECT 1")).scalar_one() == 1
            raw = s.connection().connection.driver_connection
            assert raw.info.transaction_status == TransactionStatus.IDLE  # no BEGIN went, so no ROLLBACK will
        with engine.begin() as conn:  # the same pooled connection, given back in its default mode
            conn.execute(text("SELECT 1"))
            assert conn.connection.driver_connection.info.transaction_status == TransactionStatus.INTRANS
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_connection_that_rested_is_pinged_and_replaced_and_one_just_used_is_trusted(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        engine.pool.dispose()
        pid = _backend_pid(engine)  # the pool now holds one connection
        _kill(pg_url, pid)
        time.sleep(PG_PING_AFTER_REST_S + 0.1)
        assert _backend_pid(engine) != pid  # rested: pinged, found dead, replaced; the caller saw nothing
    finally:
        engine.dispose()
    # gone inside the window (a long one here, so that a loaded machine's slow kill cannot outlast it):
    trusting = make_engine(pg_url, ping_after_rest_s=60)
    try:
        pid = _backend_pid(trusting)
        _kill(pg_url, pid)  # the connection is trusted without a ping ...
        with pytest.raises(OperationalError):
            _backend_pid(trusting)  # ... so this act fails once (the outage's message on a screen) ...
        assert _backend_pid(trusting) != pid  # ... and the pool, invalidated, reconnects for the next
    finally:
        trusting.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_reading_session_that_writes_is_refused_and_writes_nothing(dialect: str, tmp_path: Path,
                                                                     request: pytest.FixtureRequest) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}" if dialect == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    table = "t_read_only_" + dialect
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
            conn.execute(text(f"CREATE TABLE {table} (id integer primary key)"))
        with read_only_session(engine) as s, pytest.raises(WriteInReadOnlySession):
            s.execute(insert(sql_table(table, column("id"))).values(id=1))
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0  # noqa: S608 - a test table
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()
