"""The hall journal: one tamper-evident log for audit, sync and live updates (docs/architecture.md §3).

Every change of state is appended here **inside the caller's transaction**, so the change and its
entry commit or vanish together. An entry is exactly the platform's record envelope
(docs/platform-api.md §3): gapless ``seq``, UUIDv7 ``record_key``, ``payload_hash`` over the RFC 8785 form
of the payload, ``prev_hash``/``hash`` linking it to the entry before.

Appending locks the journal head first (:func:`take_head`: ``SELECT … FOR UPDATE`` on PostgreSQL;
on SQLite every write transaction already holds the single writer lock, see ``kiosk.db.engine``),
so ``seq`` and the chain have one authority even with many processes writing; acts that decide
something under that authority (a queue number, a bid) call :func:`take_head` themselves. An
appended entry is staged in the session and written with the act's rows and the head's move in one
round trip (:func:`write_staged`, when the unit commits or runs its next statement), so the lock is
held for the act's reads, that one write and the commit (docs/architecture.md "the write path"). Consumers:

* ``verify`` walks the chain and names the first entry that was altered, removed or inserted;
* the sync worker pushes ``entries_after(last_delivered_seq)`` in order (the outbox);
* ``JournalFollower`` lets boards and consoles in any process see new entries: on PostgreSQL at
  once, woken by the ``pg_notify`` each append sends on commit; on SQLite within ~50 ms (a poll).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, Text, bindparam, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Executable

from kiosk.canonical import canonical, envelope_hash, payload_hash
from kiosk.clock import Clock, SystemClock
from kiosk.db.engine import listen_connection, read_only_session
from kiosk.db.models import JournalEntry, JournalHead
from kiosk.ids import uuid7
from kiosk.records import validate
from kiosk.timeutil import rfc3339

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
HEAD_ID = 1
NOTIFY_CHANNEL = "hall_journal"


class JournalError(RuntimeError):
    """The journal cannot be appended to (not initialised, or another journal id)."""


@dataclass(frozen=True)
class Entry:
    """One journal entry as plain, immutable data (the platform envelope)."""

    seq: int
    record_key: str
    journal_id: str
    terminal_id: str
    kind: str
    occurred_at: str
    payload: dict[str, Any]
    payload_hash: str
    prev_hash: str
    hash: str

    def envelope(self) -> dict[str, Any]:
        """The record as ``POST /records`` sends it."""
        return {
            "record_key": self.record_key,
            "journal_id": self.journal_id,
            "seq": self.seq,
            "terminal_id": self.terminal_id,
            "kind": self.kind,
            "occurred_at": self.occurred_at,
            "payload": self.payload,
            "payload_hash": self.payload_hash,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_row(cls, row: JournalEntry) -> Entry:
        return cls(
            seq=row.seq,
            record_key=row.record_key,
            journal_id=row.journal_id,
            terminal_id=row.terminal_id,
            kind=row.kind,
            occurred_at=row.occurred_at,
            payload=json.loads(row.payload),
            payload_hash=row.payload_hash,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


def ensure_head(session: Session, journal_id: str) -> None:
    """Create the journal head row if missing (idempotent, safe under concurrency).

    Raises:
        JournalError: the database already holds a journal with another id.
    """
    table = cast(Table, JournalHead.__table__)
    values = {"id": HEAD_ID, "journal_id": journal_id, "last_seq": 0, "last_hash": GENESIS_HASH}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(pg_insert(table).values(values).on_conflict_do_nothing(index_elements=["id"]))
    elif dialect == "sqlite":
        session.execute(sqlite_insert(table).values(values).on_conflict_do_nothing(index_elements=["id"]))
    elif session.get(JournalHead, HEAD_ID) is None:
        session.add(JournalHead(**values))
    head = session.get(JournalHead, HEAD_ID)
    assert head is not None
    if head.journal_id != journal_id:
        raise JournalError(
            f"this database holds journal {head.journal_id!r}, not {journal_id!r}; "
            "a journal id never changes once entries exist"
        )


def journal_id_of(session: Session) -> str | None:
    """The id of the journal this database holds, or None before the first start."""
    head = session.get(JournalHead, HEAD_ID)
    return head.journal_id if head else None


_HEAD_TAKEN = "hall_journal_head"  # session.info key: (the transaction that holds the head, the head row)
_HEAD_TABLE = cast(Table, JournalHead.__table__)


def take_head(session: Session) -> JournalHead:
    """Take the hall's single authority — the journal head — for the rest of the caller's transaction.

    Every act that must be ordered against every other writer of the hall (a queue number, a call,
    a bid, a segment number, a purge, and every journal append) takes this one lock, so decisions
    and journal order agree across all processes and terminals. This is the only place it is taken
    (and :func:`take_head_reading`, the same lock with the act's first read in its round trip):

    * PostgreSQL: ``SELECT … FROM journal_head WHERE id = 1 FOR UPDATE``; other writers wait here
      until this transaction commits or rolls back.
    * SQLite: every write unit already began ``BEGIN IMMEDIATE`` (``kiosk.db.engine``), so the
      writer lock is held from the unit's first statement; this reads the head.

    The lock is held until the commit, so take it as late as possible (docs/architecture.md §3):
    read and compute what you can in a reading session first, then in the unit take the head,
    re-read only what another writer may have changed, assign, append and commit. Taking it again
    in the same transaction (``Journal.append`` does) costs nothing: the row is returned as held.

    Returns:
        The head row (``last_seq``, ``last_hash``), locked.

    Raises:
        JournalError: the journal was never initialised (``ensure_head``).
    """
    taken = session.info.get(_HEAD_TAKEN)
    if taken is not None and taken[0] is _innermost(session) and taken[1] in session:
        return cast(JournalHead, taken[1])
    head = session.execute(select(JournalHead).where(JournalHead.id == HEAD_ID).with_for_update()).scalar_one_or_none()
    if head is None:
        raise JournalError("journal not initialised: run `hall-kiosk db upgrade` and start once")
    session.info[_HEAD_TAKEN] = (_innermost(session), head)
    return head


_AFTER_HEAD = "hall_after_head"  # execution option: the read sent in the lock's round trip (see take_head_reading)
_LOCK_SQL = "SELECT id, journal_id, last_seq, last_hash FROM journal_head WHERE id = 1 FOR UPDATE"


def take_head_reading(session: Session, statement: Executable,
                      params: dict[str, Any] | None = None) -> tuple[JournalHead, Any]:
    """:func:`take_head`, and the act's first read under it, in one round trip.

    An act's first read under the head (the day's ticket number, the counter's active ticket, the
    lot's row) must see what every earlier holder committed, so it runs after the lock is granted;
    on PostgreSQL the two go in one psycopg pipeline: the server runs the read as soon as it has
    granted the lock (each statement of READ COMMITTED takes its own snapshot, so the read sees the
    last holder's commit), and the act pays one round trip for both instead of two while every
    other writer of the hall waits. On SQLite (no round trip to save) this is ``take_head`` and the
    read. Already holding the head: the read alone.

    ``params``: the read's bound values (a statement built once with ``bindparam`` costs no
    coercions or cache key per act).

    Returns:
        The head row (locked) and the read's result (``Session.execute``'s).
    """
    taken = session.info.get(_HEAD_TAKEN)
    if taken is not None and taken[0] is _innermost(session) and taken[1] in session:
        return cast(JournalHead, taken[1]), session.execute(statement, params)
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        head = take_head(session)
        return head, session.execute(statement, params)
    raw: Any = conn.connection.driver_connection
    try:
        with _pipeline(raw) as pipeline:
            lock = raw.cursor()
            lock.execute(_LOCK_SQL)
            # the read's result is set up once the pipeline has synced (_sync_after_head), so it has rows
            result = session.execute(statement, params, execution_options={_AFTER_HEAD: pipeline})
        found = lock.fetchone()
        lock.close()
    except DBAPIError:
        raise
    except conn.dialect.loaded_dbapi.Error as exc:
        if conn.dialect.is_disconnect(exc, raw, None):
            conn.invalidate(exc)
        raise DBAPIError.instance(None, None, exc, conn.dialect.loaded_dbapi.Error) from exc
    if found is None:
        raise JournalError("journal not initialised: run `hall-kiosk db upgrade` and start once")
    held = session.identity_map.get(session.identity_key(JournalHead, HEAD_ID))
    if held is None:
        head = JournalHead(id=found[0], journal_id=found[1], last_seq=found[2], last_hash=found[3])
        make_transient_to_detached(head)  # as if loaded: no pending change
        session.add(head)
    else:
        head = cast(JournalHead, held)
        for key, value in zip(("journal_id", "last_seq", "last_hash"), found[1:], strict=True):
            set_committed_value(head, key, value)
    session.info[_HEAD_TAKEN] = (_innermost(session), head)
    return head, result


@event.listens_for(Engine, "after_cursor_execute")
def _sync_after_head(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
    # the read sent behind the head's lock (take_head_reading): its results arrive with the lock's,
    # before SQLAlchemy sets up its result (which needs the rows' description)
    pipeline = context.execution_options.get(_AFTER_HEAD) if context is not None else None
    if pipeline is not None:
        pipeline.sync()


def _innermost(session: Session) -> Any:
    """The transaction a lock taken now belongs to (a savepoint rolled back releases its row locks)."""
    return session.get_nested_transaction() or session.get_transaction()


class Journal:
    """Appends entries for one terminal.

    Args:
        journal_id: the platform's id of this journal (one per database).
        terminal_id: this terminal, written into every entry.
        clock: where ``occurred_at`` comes from (the platform-corrected clock in the app).
    """

    def __init__(self, journal_id: str, terminal_id: str, clock: Clock | None = None) -> None:
        self.journal_id = journal_id
        self.terminal_id = terminal_id
        self.clock = clock or SystemClock()

    def append(
        self,
        session: Session,
        kind: str,
        payload: dict[str, Any],
        *,
        occurred_at: dt.datetime | None = None,
        record_key: str | None = None,
    ) -> Entry:
        """Append one entry inside the caller's transaction; it commits with the caller's change.

        Everything that does not depend on the head (validation, the payload's canonical form and
        hash, the record key) is done before the head is taken; under it only ``seq`` and the links
        are assigned. The entry is staged, not sent: :func:`write_staged` writes it with the act's
        other changes and the head's move in one round trip, when the unit commits or before its
        next statement (which therefore sees the entry). The returned entry is final.

        Raises:
            kiosk.records.InvalidRecord: the payload breaks docs/platform-api.md §4.
            JournalError: the journal was never initialised (``ensure_head``).
        """
        validate(kind, payload)
        when = occurred_at or self.clock.now()
        raw_body = canonical(payload)  # what does not depend on the head is done before it
        body = raw_body.decode("utf-8")
        p_hash = payload_hash(payload, raw_body)
        key = record_key or str(uuid7())
        at = rfc3339(when)
        as_stored = json.loads(body)
        head = take_head(session)
        if head.journal_id != self.journal_id:
            raise JournalError(f"journal id {self.journal_id!r} ≠ database journal {head.journal_id!r}")
        seq = head.last_seq + 1
        envelope = {
            "record_key": key,
            "journal_id": self.journal_id,
            "seq": seq,
            "terminal_id": self.terminal_id,
            "kind": kind,
            "occurred_at": at,
            "payload": payload,
            "payload_hash": p_hash,
            "prev_hash": head.last_hash,
        }
        digest = envelope_hash(envelope, raw_body)
        entry = Entry(seq=seq, record_key=key, journal_id=self.journal_id, terminal_id=self.terminal_id, kind=kind,
                      occurred_at=at, payload=as_stored, payload_hash=p_hash,
                      prev_hash=head.last_hash, hash=digest)
        _staged(session).append({
            "seq": seq, "record_key": key, "journal_id": self.journal_id, "terminal_id": self.terminal_id, "kind": kind,
            "occurred_at": at, "payload": body, "payload_hash": p_hash, "prev_hash": head.last_hash, "hash": digest})
        set_committed_value(head, "last_seq", seq)  # the row in the session says what the database will hold
        set_committed_value(head, "last_hash", digest)
        return entry


# --- the unit's writes, sent once -------------------------------------------------------------------
#
# An act under the head reads what it must (each read is a round trip while every other writer of
# the hall waits), decides, and changes rows and appends entries — which cost nothing until the unit
# writes them: the entries are staged in the session, the ORM's changes are pending. They are
# written together by ``write_staged`` (on PostgreSQL one psycopg pipeline: one round trip for all
# the act's rows, its entries and the head's move), when the unit commits or when anything else is
# executed in it first (a later read sees the unit's own writes, as with the ORM's autoflush).

_ENTRY_TABLE = cast(Table, JournalEntry.__table__)
_STAGED = "hall_journal_staged"  # session.info key: the entries appended and not yet written
_WRITING = "hall_journal_writing"


_LATER = "hall_journal_later"  # session.info key: statements to send with the staged entries


def _staged(session: Session) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], session.info.setdefault(_STAGED, []))


def write_later(session: Session, statement: Executable, params: dict[str, Any] | None = None) -> None:
    """Send a write whose outcome nobody reads (no key, no row count) with the unit's entries.

    For an insert the ORM would send on its own to read back a key the database assigns (the
    ``q_calls`` row of a call): with the entries it costs no round trip under the head. Written by
    :func:`write_staged`, after the ORM's pending changes. An insert into a table whose key the
    database assigns must not ask for it back: ``insert(table).inline()``. ``params``: its values,
    so that one statement built once serves every act (building one costs ms, under the head).
    """
    session.info.setdefault(_LATER, []).append((statement, params))


def write_staged(session: Session, *, pending: bool = True) -> None:
    """Write the entries appended in this unit and not yet written, with the ORM's pending changes
    and the head's move, together (one round trip on PostgreSQL). Nothing staged: nothing done.

    On PostgreSQL the statements go in one pipeline, in this order: the entries, the new rows
    (in the order of the tables' dependencies), the changed rows, the deleted rows, the head (which
    also queues the ``pg_notify`` followers wait for, sent when the unit commits). Nothing is read
    back, so the pending ORM changes are written as Core statements from their attribute history and
    then marked written in the session. A database error is raised as SQLAlchemy's own
    (``IntegrityError`` …) when the pipeline ends, and the unit rolls back as usual. Before a
    statement run mid-unit (``pending=False``) the ORM's changes are left to its own autoflush (a
    block under ``no_autoflush`` may hold a row not yet complete).
    On SQLite (no round trip to save) the entries and the head are written and the ORM flushes its
    changes as always.
    """
    rows = session.info.get(_STAGED) or []
    later = session.info.get(_LATER) or []
    if not (rows or later) or session.info.get(_WRITING):
        return
    session.info[_WRITING] = True
    try:
        head = take_head(session)  # held since the first append: returned as held
        conn = session.connection()
        if conn.dialect.name != "postgresql":  # the entries, then the ORM flushes its changes as always
            if rows:
                session.execute(insert(_ENTRY_TABLE), list(rows))
                rows.clear()
                session.execute(update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == HEAD_ID).values(
                    last_seq=head.last_seq, last_hash=head.last_hash))
            for statement, params in later:
                session.execute(statement, params)
            later.clear()
            return
        raw: Any = conn.connection.driver_connection
        try:
            # Core statements on the unit's connection: the session's execute would add the ORM's
            # per-statement work (its events, its execution context) to every one, under the head
            with session.no_autoflush, _pipeline(raw):
                for row in rows:  # a parameter set, not .values(): the statement compiles once per process
                    conn.execute(_INSERT_ENTRY, row)
                if pending:
                    _write_pending(session, conn)
                for statement, params in later:
                    conn.execute(statement, params)
                later.clear()
                if rows:
                    rows.clear()
                    conn.execute(_MOVE_HEAD_NOTIFY, {"last_seq": head.last_seq, "last_hash": head.last_hash,
                                                      "notify": str(head.last_seq)})
        except DBAPIError:
            raise
        except conn.dialect.loaded_dbapi.Error as exc:  # raised by the pipeline's sync, outside SQLAlchemy
            if conn.dialect.is_disconnect(exc, raw, None):
                conn.invalidate(exc)
            raise DBAPIError.instance(None, None, exc, conn.dialect.loaded_dbapi.Error) from exc
    finally:
        session.info.pop(_WRITING, None)


@contextlib.contextmanager
def _pipeline(raw: Any) -> Iterator[Any]:
    """psycopg's pipeline, ended quietly when a statement in it failed: that failure is the error to
    raise (psycopg would log the aborted pipeline's own error as a warning on the way out)."""
    pipeline = raw.pipeline()
    entered = pipeline.__enter__()
    try:
        yield entered
    except BaseException:
        with contextlib.suppress(Exception):
            pipeline.__exit__(None, None, None)
        raise
    pipeline.__exit__(None, None, None)


_INSERT_ENTRY = insert(_ENTRY_TABLE)
#: the head's move, with the ``pg_notify`` followers wait for (its payload: the new last seq, as text)
_MOVE_HEAD_NOTIFY = update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == HEAD_ID).values(
    last_seq=bindparam("last_seq"), last_hash=bindparam("last_hash")).returning(
    func.pg_notify(NOTIFY_CHANNEL, bindparam("notify", type_=Text)))
_ORDER: dict[Any, int] = {}
#: the Core statements ``_write_pending`` sends, one per table (and per set of changed columns), built
#: once per process: a statement built per row costs its cache key and its coercions on every act, under the head
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _table_order() -> dict[Any, int]:
    """Tables in the order of their foreign keys (computed once: sorting them costs ms, under the lock)."""
    if not _ORDER:
        _ORDER.update({t: i for i, t in enumerate(JournalEntry.metadata.sorted_tables)})
    return _ORDER


def _statement(kind: str, table: Table, pk: tuple[Any, ...] = (), columns: tuple[str, ...] = ()) -> Any:
    """``insert`` of a row into ``table`` (its values as the parameters), or ``update`` (of ``columns``)
    or ``delete`` of one row by its primary key ``pk``, every value a bound parameter (``pk_<column>``,
    ``v_<column>``); built once per process."""
    key = (kind, table, columns)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        where = [c == bindparam(f"pk_{c.key}", type_=c.type) for c in pk]
        if kind == "insert":
            stmt = insert(table)
        elif kind == "update":
            stmt = update(table).where(*where).values(
                {table.c[name]: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
        else:
            stmt = delete(table).where(*where)
        _STATEMENTS[key] = stmt
    return stmt


def _key_params(pk: tuple[Any, ...], identity: tuple[Any, ...]) -> dict[str, Any]:
    return {f"pk_{c.key}": v for c, v in zip(pk, identity, strict=True)}


def _write_pending(session: Session, conn: Any) -> None:
    """The ORM's pending changes as Core statements (inside the pipeline: no row count is read back),
    then marked written: new rows become persistent, changed attributes committed, deleted rows gone.
    A new row whose key the database assigns (autoincrement) is left to the ORM's flush, which reads
    the key back (a caller may need it)."""
    order = _table_order()
    new = sorted(session.new, key=lambda o: order.get(inspect(o).mapper.local_table, 0))
    for obj in new:
        state = inspect(obj)
        mapper = state.mapper
        if any(state.dict.get(mapper.get_property_by_column(c).key) is None for c in mapper.primary_key):
            continue  # the database assigns its key (autoincrement): the ORM's flush inserts it and learns the key
        values = {p.columns[0].key: state.dict[p.key] for p in mapper.column_attrs if p.key in state.dict}
        for p in mapper.column_attrs:  # the scalar defaults the ORM's INSERT would have set on the object
            col = p.columns[0]
            if p.key not in state.dict and col.default is not None and col.default.is_scalar:
                values[col.key] = col.default.arg
        conn.execute(_statement("insert", mapper.local_table), values)
        session.expunge(obj)
        for p in mapper.column_attrs:
            col = p.columns[0]
            if col.key in values:
                set_committed_value(obj, p.key, values[col.key])
            elif col.default is None and col.server_default is None:
                set_committed_value(obj, p.key, None)  # the row holds NULL there: known, not to be loaded
        make_transient_to_detached(obj)
        session.add(obj)  # persistent, as after the ORM's INSERT
    for obj in list(session.dirty):
        state = inspect(obj)
        mapper = state.mapper
        changed = {}
        columns_attrs = mapper.column_attrs
        for key in list(state.committed_state):  # the attributes set since the row was loaded: the others have no history
            if key not in columns_attrs:
                continue
            hist = state.attrs[key].history
            if hist.added and (not hist.deleted or hist.added[0] != hist.deleted[0]):
                changed[key] = hist.added[0]
        if not changed:
            continue
        key = state.identity
        assert key is not None
        columns = {mapper.get_property(k).columns[0].key: v for k, v in changed.items()}
        names = tuple(sorted(columns))
        conn.execute(_statement("update", mapper.local_table, tuple(mapper.primary_key), names),
                     {**_key_params(tuple(mapper.primary_key), key), **{f"v_{n}": columns[n] for n in names}})
        for k, v in changed.items():
            set_committed_value(obj, k, v)
        if all(k in mapper.column_attrs for k in state.committed_state):
            # every column written (what is left set back to what it was): the row is as the database
            # holds it, so the commit's flush need not visit it (the ORM ends its own flush with this call)
            state._commit_all(state.dict, session.identity_map)
    for obj in list(session.deleted):
        state = inspect(obj)
        mapper = state.mapper
        key = state.identity
        assert key is not None
        conn.execute(_statement("delete", mapper.local_table, tuple(mapper.primary_key)),
                     _key_params(tuple(mapper.primary_key), key))
        session.expunge(obj)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_staged(session)


@event.listens_for(Session, "do_orm_execute")
def _write_before_statement(state: ORMExecuteState) -> None:
    write_staged(state.session, pending=False)


@event.listens_for(Session, "before_flush")
def _write_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # a flush (explicit, or the ORM's autoflush) writes the staged entries with the changes first
    write_staged(session)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _drop_staged(session: Session, *_: Any) -> None:
    session.info.pop(_STAGED, None)
    session.info.pop(_LATER, None)


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain."""

    ok: bool
    count: int
    last_seq: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(session: Session, *, batch: int = 2000) -> VerifyResult:
    """Walk the whole journal and check every link (docs/platform-api.md §3 rules).

    Detects: a changed payload, envelope field or hash (recomputed hashes differ); a removed entry
    (a hole in ``seq`` or a tail shorter than the head says); an inserted entry (a ``seq`` the
    head does not know, or a link that no longer matches).
    """
    head = session.get(JournalHead, HEAD_ID)
    prev_hash = GENESIS_HASH
    expected = 1
    count = 0
    last_seq = 0
    for row in _iter_rows(session, batch):
        if row.seq != expected:
            return VerifyResult(False, count, last_seq, expected, f"seq {expected} is missing (next found: {row.seq})")
        try:
            payload = json.loads(row.payload)
        except ValueError:
            return VerifyResult(False, count, last_seq, row.seq, "payload is not JSON")
        if canonical(payload).decode("utf-8") != row.payload or payload_hash(payload) != row.payload_hash:
            return VerifyResult(False, count, last_seq, row.seq, "payload does not match payload_hash")
        if row.prev_hash != prev_hash:
            return VerifyResult(False, count, last_seq, row.seq, "prev_hash does not link to the entry before")
        if row.journal_id != (head.journal_id if head else row.journal_id):
            return VerifyResult(False, count, last_seq, row.seq, "journal_id differs from the journal's")
        if envelope_hash(Entry.from_row(row).envelope()) != row.hash:
            return VerifyResult(False, count, last_seq, row.seq, "hash does not match the envelope")
        prev_hash = row.hash
        expected += 1
        count += 1
        last_seq = row.seq
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        if head.last_seq > last_seq:
            return VerifyResult(False, count, last_seq, last_seq + 1, f"entries {last_seq + 1}..{head.last_seq} are missing")
        return VerifyResult(False, count, last_seq, head.last_seq + 1, "entries past the journal head were inserted")
    return VerifyResult(True, count, last_seq)


def _iter_rows(session: Session, batch: int) -> Iterator[JournalEntry]:
    after = 0
    while True:
        rows = session.scalars(
            select(JournalEntry).where(JournalEntry.seq > after).order_by(JournalEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def stats(session: Session) -> dict[str, Any]:
    """``{"journal_id", "count", "last_seq", "last_hash"}`` (``journal stats --json``)."""
    head = session.get(JournalHead, HEAD_ID)
    count = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    return {
        "journal_id": head.journal_id if head else None,
        "count": count,
        "last_seq": head.last_seq if head else 0,
        "last_hash": head.last_hash if head else GENESIS_HASH,
    }


def entries_after(session: Session, seq: int, limit: int = 500, kinds: Iterable[str] | None = None) -> list[Entry]:
    """Entries with ``seq`` greater than ``seq``, in order, at most ``limit``."""
    q = select(JournalEntry).where(JournalEntry.seq > seq)
    if kinds is not None:
        q = q.where(JournalEntry.kind.in_(list(kinds)))
    rows = session.scalars(q.order_by(JournalEntry.seq).limit(limit)).all()
    return [Entry.from_row(r) for r in rows]


def last_seq(session: Session) -> int:
    head = session.get(JournalHead, HEAD_ID)
    return head.last_seq if head else 0


class JournalFollower:
    """Follows the journal from another process or thread: boards, consoles, attendance lists.

    ``poll()`` returns the entries committed since the last call (a single-row read of the head
    that never takes the writer lock, then the new rows). ``run()`` is the loop a thread of the
    composition root runs, handing new entries to ``on_entries``:

    * SQLite (or ``listen=False``): it polls every ``interval`` seconds.
    * PostgreSQL: it ``LISTEN``s on :data:`NOTIFY_CHANNEL` on a connection of its own (every append
      sends ``pg_notify`` there, delivered when the transaction commits) and polls when woken, so
      an entry is seen a few milliseconds after its commit instead of up to ``interval`` later,
      and an idle follower reads the database once every ``listen_fallback`` seconds instead of
      20 times a second. That rare poll is the safety net: should it find entries no notification
      announced, the listening connection is replaced. While it cannot listen (the server is away,
      the connection broke) it polls every ``interval`` and tries to listen again every
      ``relisten_interval`` seconds.

    Args:
        engine: the hall database.
        after_seq: start after this seq (the current head when None: only new entries).
        kinds: only these kinds (all when None); the cursor still moves past the others.
        interval: seconds between polls when not listening.
        listen: use ``LISTEN`` (None: on PostgreSQL).
        listen_fallback: seconds between polls while listening and nothing is heard.
    """

    #: how often a follower that lost its listening connection tries to make a new one
    relisten_interval = 1.0
    #: the longest a listening follower waits before looking at ``stop`` again
    STOP_CHECK_S = 0.1

    def __init__(
        self, engine: Engine, after_seq: int | None = None, kinds: Iterable[str] | None = None,
        interval: float = 0.05, *, listen: bool | None = None, listen_fallback: float = 1.0,
    ) -> None:
        self.engine = engine
        self.kinds = set(kinds) if kinds is not None else None
        self.interval = interval
        self.listen = engine.dialect.name == "postgresql" if listen is None else listen
        self.listen_fallback = listen_fallback
        self.listening = False  #: a LISTEN connection is open (run() on PostgreSQL)
        if after_seq is None:
            with read_only_session(engine) as s:
                after_seq = last_seq(s)
        self.cursor = after_seq

    def poll(self, limit: int = 1000) -> list[Entry]:
        """New entries since the last poll (filtered by kind)."""
        with read_only_session(self.engine) as s:
            head = last_seq(s)
            if head <= self.cursor:
                return []
            entries = entries_after(s, self.cursor, limit)
        if entries:
            self.cursor = entries[-1].seq
        if self.kinds is None:
            return entries
        return [e for e in entries if e.kind in self.kinds]

    def run(self, stop: threading.Event, on_entries: Callable[[list[Entry]], None]) -> None:
        """Follow until ``stop`` is set; never raises out of the loop for a passing database error."""
        if self.listen:
            self._run_listening(stop, on_entries)
            return
        while not stop.is_set():
            try:
                entries = self.poll()
            except Exception:  # noqa: BLE001 - a locked or restarting database: try again shortly
                entries = []
                stop.wait(0.5)
            if entries:
                on_entries(entries)
            else:
                stop.wait(self.interval)

    def _run_listening(self, stop: threading.Event, on_entries: Callable[[list[Entry]], None]) -> None:
        conn: Any = None
        next_listen = 0.0
        heard = True  # the last wait ended with a notification (or there was none yet)

        def drop(why: str) -> None:
            nonlocal conn
            if conn is not None:
                log.warning("journal follower: %s; polling every %.2f s until listening again", why, self.interval)
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - it is broken already
                    pass
            conn = None
            self.listening = False

        try:
            while not stop.is_set():
                if conn is None and time.monotonic() >= next_listen:
                    next_listen = time.monotonic() + self.relisten_interval
                    try:
                        conn = listen_connection(self.engine, NOTIFY_CHANNEL)  # before the poll: no commit slips between
                        self.listening = True
                    except Exception:  # noqa: BLE001 - the server is away: poll, and try again later
                        conn = None
                before = self.cursor
                try:
                    entries = self.poll()
                except Exception:  # noqa: BLE001 - a restarting database: try again shortly
                    stop.wait(0.5)
                    continue
                if self.cursor != before and not heard and conn is not None and not self._announced(conn):
                    drop("entries arrived that no notification announced")
                if entries:
                    on_entries(entries)
                if self.cursor != before:
                    heard = True
                    continue  # maybe more than one batch
                if conn is None:
                    stop.wait(self.interval)
                    continue
                try:
                    heard = self._wait_notify(conn, stop)
                except Exception as exc:  # noqa: BLE001 - the connection broke (server restart, network)
                    drop(f"listening connection lost ({type(exc).__name__})")
                    heard = True
        finally:
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing on the way out
                    pass
            self.listening = False

    @staticmethod
    def _announced(conn: Any) -> bool:
        """Whether a notification is on its way (a commit just as the last wait ended)."""
        try:
            return _notified(conn, 0.2)
        except Exception:  # noqa: BLE001 - broken: it announces nothing
            return False

    def _wait_notify(self, conn: Any, stop: threading.Event) -> bool:
        """Wait up to ``listen_fallback`` for a notification; True if one came (all pending are taken)."""
        deadline = time.monotonic() + self.listen_fallback
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if _notified(conn, min(self.STOP_CHECK_S, left)):
                for _ in conn.notifies(timeout=0):  # the rest of a burst: one poll reads them all
                    pass
                return True
        return False


def _notified(conn: Any, timeout: float) -> bool:
    """Whether a notification arrives on a psycopg 3 connection within ``timeout`` seconds."""
    gen = conn.notifies(timeout=timeout, stop_after=1)
    try:
        return next(gen, None) is not None
    finally:
        gen.close()  # the generator holds the connection's lock until closed
