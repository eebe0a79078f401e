"""Engines and sessions for SQLite (default, one terminal) and PostgreSQL (a shared hall).

SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on. Every transaction starts
with ``BEGIN IMMEDIATE``: the first statement of a unit of work already holds the single writer
lock, so reading the journal head and appending after it can never race another process (a
deferred transaction would fail with SQLITE_BUSY when it tries to upgrade). Readers that must not
queue behind writers (followers, boards) use ``read_only_session``. PostgreSQL takes a row lock
on the journal head instead (``kiosk.journal``), and ``listen_connection`` gives a follower its own
connection to hear the journal's ``NOTIFY``.

A database that stops answering must fail a call within seconds, never hang it (issue 21): a
PostgreSQL connection gives up connecting after ``PG_CONNECT_TIMEOUT_S``, a statement (a lock wait
included) after ``PG_STATEMENT_TIMEOUT_MS``, a session idle inside a transaction after
``PG_IDLE_IN_TRANSACTION_MS``, and TCP keepalives find a peer that vanished without a word (a
switch rebooted, a frozen server) in ``keepalives_idle + keepalives_count × keepalives_interval``
≈ 19 s instead of the kernel's two hours; the pool hands out a connection or fails after
``POOL_TIMEOUT_S``. SQLite waits ``SQLITE_BUSY_TIMEOUT_MS`` for another writer, then fails
with "database is locked".

Round trips a unit does not need are not made (issue 14 item 6), on PostgreSQL:

- a pooled connection is pinged before it is handed out only when it has rested more than
  ``PG_PING_AFTER_REST_S`` since it was last given back (HikariCP's ``aliveBypassWindowMs``, 500 ms,
  does the same): a connection returned a moment ago was working a moment ago, and a terminal that
  acts once a minute still finds a dead one before using it. Should the server go away inside that
  window, the act fails once with the outage's message, the pool drops every connection it had
  (SQLAlchemy invalidates the pool on a disconnect) and the next act reconnects;
- a read-only session runs in autocommit: under READ COMMITTED, PostgreSQL's default and the
  hall's, each statement reads its own snapshot inside a transaction as well, so ``BEGIN`` and
  ``ROLLBACK`` (two round trips) bought nothing. Such a session must not write; a write on it
  raises :class:`WriteInReadOnlySession` (on SQLite too) instead of committing unseen.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_BUSY_SNAPSHOT = 517  #: extended result code: this connection reads an older snapshot than the newest commit
PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 30_000
PG_IDLE_IN_TRANSACTION_MS = 60_000
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}
POOL_TIMEOUT_S = 10
PG_PING_AFTER_REST_S = 0.5


class WriteInReadOnlySession(RuntimeError):
    """A statement that writes was sent on a read-only session (``read_only_session``): a bug."""


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False, statement_timeout_ms: int = PG_STATEMENT_TIMEOUT_MS,
                connect_timeout_s: int = PG_CONNECT_TIMEOUT_S, ping_after_rest_s: float = PG_PING_AFTER_REST_S) -> Engine:
    """Create an engine for ``url`` with the hall's settings.

    Args:
        url: a SQLAlchemy URL. ``postgresql://`` is taken as psycopg 3.
        echo: log SQL (never in production: statements may carry encrypted personal data).
        statement_timeout_ms: PostgreSQL: the longest a statement (or its wait for a lock) may take.
        connect_timeout_s: PostgreSQL: the longest a new connection may take to open.
        ping_after_rest_s: PostgreSQL: a pooled connection that rested longer is pinged before use.
    """
    u = make_url(url)
    if u.drivername in {"postgresql", "postgres"}:
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                                                            "factory": CursorTrackingConnection})
        _tune_sqlite(engine)
        _refuse_writes_when_reading(engine)
        return engine
    options = f"-c statement_timeout={int(statement_timeout_ms)} -c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}"
    connect_args = {"connect_timeout": int(connect_timeout_s), "options": options, **PG_KEEPALIVES}
    engine = create_engine(u, echo=echo, pool_size=5, max_overflow=5, pool_timeout=POOL_TIMEOUT_S,
                           connect_args=connect_args)
    _ping_when_rested(engine, ping_after_rest_s)
    _refuse_writes_when_reading(engine)
    return engine


def _ping_when_rested(engine: Engine, after_s: float) -> None:
    """Ping a pooled connection on checkout only when it rested more than ``after_s``
    (instead of ``pool_pre_ping``'s round trip on every checkout); a failed ping makes the pool
    drop it and connect afresh."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _rests_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["hall_rests_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        rests_from = record.info.get("hall_rests_from")
        if rests_from is not None and time.monotonic() - rests_from < after_s:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"connection lost while it rested: {exc}") from exc


def _refuse_writes_when_reading(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _refuse(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if context is not None and (context.isinsert or context.isupdate or context.isdelete) \
                and conn.get_execution_options().get("hall_read_only"):
            raise WriteInReadOnlySession(f"a read-only session may not write: {statement[:60]}")


class CursorTrackingConnection(sqlite3.Connection):
    """A SQLite connection that can close every cursor it handed out.

    In WAL mode a SELECT that was stepped but never reset (a result left unconsumed, kept alive by
    a stored exception's traceback, …) keeps its read snapshot open *between* transactions: Python's
    ``in_transaction`` says False and the pool's reset-on-return does nothing, so the connection
    goes back to the pool still reading the past. The next unit on it then fails ``BEGIN IMMEDIATE``
    with SQLITE_BUSY_SNAPSHOT, and reads on it miss rows other processes committed (issue 21: after
    another process held the write lock for 10 s, terminals stayed broken until restarted). The
    pool closes this connection's leftover cursors whenever it comes back (``checkin``), which
    resets their statements and ends the snapshot.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlite3.Cursor] = weakref.WeakSet()

    def cursor(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:  # type: ignore[override]
        cur = super().cursor(*args, **kwargs)
        self._cursors.add(cur)
        return cur

    def close_cursors(self) -> int:
        """Close every cursor still open; returns how many there were."""
        open_ = list(self._cursors)
        for cur in open_:
            with contextlib.suppress(sqlite3.ProgrammingError):
                cur.close()
        self._cursors.clear()
        return len(open_)


def stale_snapshot(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's SQLITE_BUSY_SNAPSHOT (a connection reading an old snapshot)."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlite_errorcode", None) == SQLITE_BUSY_SNAPSHOT


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Take transaction control from pysqlite so that we can say BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # purged personal data is zeroed, not left in free pages
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, _record) -> None:
        if isinstance(dbapi_conn, CursorTrackingConnection):
            dbapi_conn.close_cursors()  # no statement keeps a read snapshot across units

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.get_execution_options().get("hall_read_only"):
            conn.exec_driver_sql("BEGIN")
            return
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except DBAPIError as exc:
            if stale_snapshot(exc):
                # Defence in depth: should a snapshot still leak, this connection is closed and
                # dropped from the pool, never reused; the act fails once with a clear error
                # and the next one runs on a fresh connection.
                log.warning("SQLite connection held a stale snapshot: discarded")
                conn.invalidate(exc)
            raise


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A sessionmaker whose sessions keep loaded values after commit (DTOs are built from them)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextlib.contextmanager
def read_only_session(engine: Engine) -> Iterator[Session]:
    """A session for reading only; on SQLite it does not take the writer lock, on PostgreSQL it
    sends no ``BEGIN`` or ``ROLLBACK`` (autocommit: see the module's docstring)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(hall_read_only=True, isolation_level="AUTOCOMMIT")
        else:
            conn = conn.execution_options(hall_read_only=True)
        with Session(bind=conn) as session:
            yield session
            session.rollback()


def listen_connection(engine: Engine, channel: str) -> Any:
    """A new PostgreSQL connection, outside the pool, in autocommit and ``LISTEN``-ing on ``channel``.

    It is the DB-API's own connection (psycopg 3: read it with ``notifies(timeout=…)``), made
    with the engine's connection arguments; the caller closes it. A listening connection must
    never go back to the pool, where another user would inherit the subscription.

    Raises:
        ValueError: ``channel`` is not a plain identifier, or the engine is not PostgreSQL.
        the driver's error: the server cannot be reached.
    """
    if engine.dialect.name != "postgresql":
        raise ValueError(f"LISTEN needs PostgreSQL, not {engine.dialect.name}")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", channel):
        raise ValueError(f"not a plain channel name: {channel!r}")
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    cparams.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)  # an unreachable host must not hold the follower
    conn = engine.dialect.loaded_dbapi.connect(*cargs, autocommit=True, **cparams)
    try:
        conn.execute(f"LISTEN {channel}")
    except BaseException:
        conn.close()
        raise
    return conn
