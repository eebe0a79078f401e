"""The hall's service facade: what the UI and the CLI call, in plain data.

``Hall`` owns the database engine, the journal and the services. Each method is one unit of work
(its own transaction) and returns immutable DTOs, so callers never hold a live ORM object or
import SQLAlchemy (docs/architecture.md §2). The composition root (``hallkiosk``) builds one with ``Hall.open``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk import feed_dead_letters, retention
from kiosk.blobstore import BlobPathError, resolve
from kiosk.clock import Clock, PlatformClock
from kiosk.config import Config
from kiosk.db.engine import make_engine, read_only_session, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import Blob, JournalEntry, PfLot, PfSession, Room, Site, TerminalRow
from kiosk.feed_dead_letters import FeedDeadLetterInfo
from kiosk.filemodes import create_private_file, private_dir, sqlite_file
from kiosk.journal import (
    Entry,
    Journal,
    JournalFollower,
    VerifyResult,
    ensure_head,
    entries_after,
    journal_id_of,
    last_seq,
    stats,
    verify,
    write_staged,
)
from kiosk.keys import open_vault
from kiosk.operators import AccessError, OperatorInfo, OperatorService
from kiosk.outage import check_act_deadline
from kiosk.pii import PiiVault, person_id_hmac
from kiosk.retention import PurgePlan
from kiosk.timeutil import BEIJING
from kiosk.trade import trade_type_zh

KIND_NAMES_ZH = {"bid_opening": "开标", "auction": "拍卖", "listing_auction": "挂牌竞价"}


@dataclass(frozen=True)
class LotInfo:
    lot_code: str
    title: str
    start_price: str
    increment: str
    has_reserve: bool


@dataclass(frozen=True)
class SessionInfo:
    """A trading session as screens show it."""

    session_id: str
    kind: str
    title: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    trade_type: str
    lots: tuple[LotInfo, ...] = ()

    @property
    def kind_zh(self) -> str:
        return KIND_NAMES_ZH.get(self.kind, self.kind)

    @property
    def trade_type_zh(self) -> str:
        return trade_type_zh(self.trade_type)


def default_journal_id(cfg: Config) -> str:
    return cfg.platform.journal_id or f"{cfg.site.code}-LOCAL"


class Hall:
    """One hall database with its journal and services.

    Args:
        config: the resolved configuration.
        engine: the database (migrated).
        vault: the personal-data vault.
        clock: the platform-corrected clock.
        journal_id: this database's journal.
    """

    def __init__(self, config: Config, engine: Engine, vault: PiiVault, clock: Clock, journal_id: str) -> None:
        self.config = config
        self.engine = engine
        self.vault = vault
        self.clock = clock
        self._sessions = session_factory(engine)
        self._secret: bytes | None = None
        self.journal = Journal(journal_id, config.site.terminal_id, clock)
        self.operators = OperatorService(
            self.journal, free_failures=config.security.pin_max_failures, max_delay_s=config.security.lockout_seconds
        )

    @classmethod
    def open(cls, config: Config, *, clock: Clock | None = None, migrate: bool = True) -> Hall:
        """Open (and by default migrate) the configured database and make sure its journal exists."""
        private_dir(config.data_dir)  # 0700, and hall.db 0600, whatever the umask (kiosk/filemodes.py)
        db_file = sqlite_file(config.database_url)
        if db_file is not None:
            create_private_file(db_file)
        engine = make_engine(config.database_url, echo=config.database.echo)
        if migrate:
            upgrade(engine, data_dir=config.data_dir)
        with session_factory(engine).begin() as s:
            # A configured id must match the database's (ensure_head raises otherwise): the id is
            # inside every entry's hash, so it can never change once entries exist.
            jid = config.platform.journal_id or journal_id_of(s) or default_journal_id(config)
            ensure_head(s, jid)
            if s.get(Site, config.site.code) is None:
                s.add(Site(code=config.site.code, name=config.site.name))
        try:
            vault = open_vault(config, engine)  # the hall's data key, unwrapped with this terminal's KEK (kiosk.keys)
        except BaseException:
            engine.dispose()  # a terminal without the key (keys.HallKeyMissing) leaves no connection open
            raise
        return cls(config, engine, vault, clock or PlatformClock(), jid)

    def close(self) -> None:
        self.engine.dispose()

    def person_hmac(self, id_number: str) -> str:
        """The platform's ``person_id_hmac`` of an ID number (docs/platform-api.md §4).

        Under the journal secret when a platform is configured; a stand-alone terminal uses its
        local lookup key instead, and its records then identify people only within this hall.
        """
        secret = self.journal_secret()
        return person_id_hmac(id_number, secret) if secret else self.vault.lookup_hmac(id_number)

    def journal_secret(self) -> bytes | None:
        """The journal secret from ``[platform] secret_file``, or None when none is configured."""
        path = self.config.platform.secret_file
        if not path:
            return None
        if self._secret is None:
            self._secret = base64.b64decode(Path(path).read_bytes().strip(), validate=True)
        return self._secret

    # --- units of work ------------------------------------------------------------------------

    @contextlib.contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: commits on success, rolls back on error — and rolls back a screen's act whose
        statements finished after the act's deadline (:func:`kiosk.outage.check_act_deadline`)."""
        with self._sessions.begin() as s:
            yield s
            write_staged(s)  # the act's writes (one round trip) before the deadline is checked, as when each flushed
            check_act_deadline()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session that never queues behind writers."""
        with read_only_session(self.engine) as s:
            yield s

    # --- operators ------------------------------------------------------------------------------

    def login(self, username: str, pin: str, roles: tuple[str, ...] | None = None) -> OperatorInfo:
        """Check a PIN; the attempt is journalled even when it fails."""
        error: AccessError | None = None
        with self.unit() as s:
            try:
                return self.operators.login(s, username, pin, roles=roles)
            except AccessError as exc:
                error = exc
        raise error

    def logout(self, username: str, reason: str = "user") -> None:
        with self.unit() as s:
            self.operators.logout(s, username, reason=reason)

    def check_admin_pin(self, pin: str) -> OperatorInfo:
        error: AccessError | None = None
        with self.unit() as s:
            try:
                return self.operators.check_admin_pin(s, pin)
            except AccessError as exc:
                error = exc
        raise error

    def clear_pin_delay(self, by: str, by_pin: str, *, operator: str | None = None, terminal: str | None = None) -> int:
        """Clear an operator's (or a terminal's exit PIN's) wait after wrong PINs; journalled."""
        error: AccessError | None = None
        with self.unit() as s:
            try:
                return self.operators.clear_delay(s, by=by, by_pin=by_pin, operator=operator, terminal=terminal)
            except AccessError as exc:
                error = exc
        raise error

    def change_own_pin(self, username: str, old_pin: str, new_pin: str) -> OperatorInfo:
        """An operator replaces their own PIN (the old one checked again, as a login); journalled.

        Raises:
            AccessError: the old PIN is wrong (``wrong-pin``, ``wait``) or the new one is too short.
        """
        error: AccessError | None = None
        with self.unit() as s:
            try:
                self.operators.login(s, username, old_pin)
            except AccessError as exc:
                error = exc
            if error is None:
                return self.operators.set_pin(s, username, new_pin, by=username)
        raise error

    def list_operators(self) -> list[OperatorInfo]:
        with self.reading() as s:
            return self.operators.list(s)

    # --- terminals and rooms ----------------------------------------------------------------------

    def register_terminal(self, role: str) -> None:
        """Note this terminal and its role; journalled as ``terminal.started``."""
        room = self.config.site.room_code or None
        with self.unit() as s:
            if room and s.get(Room, room) is None:
                s.add(Room(code=room, name=room))
            t = s.get(TerminalRow, self.config.site.terminal_id)
            if t is None:
                t = TerminalRow(terminal_id=self.config.site.terminal_id, role=role)
                s.add(t)
            t.role = role
            t.room_code = room
            t.last_seen_at = self.clock.now()
            self.journal.append(s, "terminal.started", {"terminal_id": self.config.site.terminal_id, "role": role})

    # --- the day's sessions -----------------------------------------------------------------------

    def sessions_on(self, day: dt.date | None = None, *, room_code: str | None = None, kinds: tuple[str, ...] | None = None) -> list[SessionInfo]:
        """Sessions starting on ``day`` (Beijing date; today by the platform clock), by start time."""
        day = day or self.clock.now().astimezone(BEIJING).date()
        start = dt.datetime.combine(day, dt.time(0), BEIJING)
        end = start + dt.timedelta(days=1)
        with self.reading() as s:
            q = select(PfSession).where(PfSession.starts_at >= start, PfSession.starts_at < end)
            if room_code:
                q = q.where(PfSession.room_code == room_code)
            if kinds:
                q = q.where(PfSession.kind.in_(kinds))
            rows = s.scalars(q.order_by(PfSession.starts_at, PfSession.session_id)).all()
            lots: dict[str, list[LotInfo]] = {}
            for lot in s.scalars(select(PfLot).where(PfLot.session_id.in_([r.session_id for r in rows])).order_by(PfLot.position)):
                lots.setdefault(lot.session_id, []).append(
                    LotInfo(lot.lot_code, lot.title, lot.start_price, lot.increment, lot.has_reserve)
                )
            return [
                SessionInfo(
                    r.session_id, r.kind, r.title, r.room_code, r.room_name, r.starts_at, r.trade_type,
                    tuple(lots.get(r.session_id, ())),
                )
                for r in rows
            ]

    # --- journal ----------------------------------------------------------------------------------

    def journal_stats(self) -> dict[str, object]:
        with self.reading() as s:
            return stats(s)

    def recent_entries(self, limit: int = 50) -> list[Entry]:
        """The newest ``limit`` journal entries, newest first."""
        with self.reading() as s:
            return entries_after(s, max(0, last_seq(s) - limit), limit)[::-1]

    def document(self, sha256: str) -> bytes | None:
        """A stored file (signed record, confirmation) by its SHA-256; None when the hall has none.

        The bytes are checked against the hash, so what is printed is what was journalled.
        """
        with self.reading() as s:
            blob = s.get(Blob, sha256)
            stored, encrypted = (blob.path, blob.encrypted) if blob is not None else (None, False)
        try:
            path = resolve(self.config.data_dir, stored) if stored is not None else None
        except BlobPathError:  # a stored path that would leave the data dir is never opened
            return None
        if path is None or not path.is_file():
            return None
        data = path.read_bytes()
        if encrypted:
            data = self.vault.decrypt(data)
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def last_entry(self, kind: str) -> Entry | None:
        """The newest journal entry of ``kind``, or None."""
        with self.reading() as s:
            row = s.scalars(select(JournalEntry).where(JournalEntry.kind == kind).order_by(JournalEntry.seq.desc()).limit(1)).first()
            return Entry.from_row(row) if row is not None else None

    def verify_journal(self) -> VerifyResult:
        with self.reading() as s:
            return verify(s)

    def follower(self, kinds: tuple[str, ...] | None = None, after_seq: int | None = None) -> JournalFollower:
        """A follower of new journal entries (the composition root runs its loop on a thread)."""
        return JournalFollower(self.engine, after_seq=after_seq, kinds=kinds)

    def feed_dead_letters(self, limit: int = 200) -> list[FeedDeadLetterInfo]:
        """Feed items the hall could not apply, newest first (``kiosk.feed_dead_letters``)."""
        with self.reading() as s:
            return feed_dead_letters.open_letters(s, limit)

    # --- personal-data retention (kiosk.retention) -------------------------------------------------

    def pii_purge_plan(self, now: dt.datetime | None = None) -> PurgePlan:
        """What purging personal data older than ``[security] pii_retention_days`` would remove."""
        with self.reading() as s:
            reading = retention.read_clock(s, self.clock, self.journal.journal_id, now)
            due = retention.plan(s, reading.now, self.config.security.pii_retention_days)
            due.clock_refusal = retention.clock_moved(s, self.journal, reading, self.config.platform.max_clock_step_s)
            return due

    def purge_personal_data(self, now: dt.datetime | None = None, *, operator: str = "system",
                            confirm_clock: bool = False) -> PurgePlan:
        """Purge it: one transaction and one ``pii.purged`` entry, then the photo files are shredded.

        Raises:
            retention.ClockMovedError: the clock moved by more than ``[platform] max_clock_step_s``
                since the last purge (or a clock alarm is raised) and ``confirm_clock`` is not given;
                nothing is purged, the refusal is journalled once.
        """
        with self.unit() as s:
            reading = retention.read_clock(s, self.clock, self.journal.journal_id, now)
            refused = retention.check_clock(s, self.journal, reading, self.config.platform.max_clock_step_s,
                                            confirm=confirm_clock, operator=operator)
            if refused is None:
                done, files = retention.purge(s, self.journal, reading.now, self.config.security.pii_retention_days,
                                              operator=operator, data_dir=self.config.data_dir)
                retention.record_clock(s, self.journal, reading)
        if refused is not None:
            raise refused
        done.files_missing = retention.shred(files)
        with self.reading() as s:
            retention.sweep_orphan_faces(s, self.config.data_dir / "faces", done.cutoff)
        return done
