"""SQLAlchemy 2 models of the hall: site, rooms, terminals, operators, journal, pulled platform data.

Pulled tables (``pf_*``) mirror the platform's feeds (docs/platform-api.md §2) with the platform's field
names kept where the national data spec uses them. Personal data never lands here in clear:
representatives' and blacklisted persons' ID numbers are stored as an HMAC (for lookup) and an
AES-GCM ciphertext (``kiosk.pii``). Times are stored as UTC.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

from kiosk.blobstore import check_stored

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as naive UTC (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: hall times must carry a zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Site(Base):
    __tablename__ = "site"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Room(Base):
    __tablename__ = "rooms"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="hall")  #: opening, auction, service, hall


class TerminalRow(Base):
    """A terminal of the hall as the database records it (the running one is hallkiosk.app.Terminal)."""

    __tablename__ = "terminals"
    terminal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    room_code: Mapped[str | None] = mapped_column(ForeignKey("rooms.code"), nullable=True)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))  #: admin, host, auctioneer, clerk, supervisor
    pin_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: lookup HMAC of the operator's own ID number (``operator link-card``): a card that matches it
    #: takes a session role only with this account's PIN too (issue 15 must 1)
    person_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PinGuard(Base):
    """Wrong PINs in a row for one key and the time before which the next check is refused.

    ``key`` is ``op:<username>`` (kept for names that do not exist too, so a name's existence
    never shows) or ``exit:<terminal_id>`` for a kiosk's exit PIN (``kiosk/operators.py``).
    """

    __tablename__ = "pin_guards"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pin_change_due: Mapped[bool] = mapped_column(Boolean, default=False)  #: logged in with a PIN under 6 digits
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class JournalHead(Base):
    """One row per journal: the lock that makes ``seq`` gapless and the chain single-threaded."""

    __tablename__ = "journal_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal_id: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class JournalEntry(Base):
    """One hall event, exactly the platform envelope (docs/platform-api.md §3) plus delivery state."""

    __tablename__ = "journal"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_key: Mapped[str] = mapped_column(String(36), unique=True)
    journal_id: Mapped[str] = mapped_column(String(64))
    terminal_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[str] = mapped_column(String(40))  #: RFC 3339 text, exactly as hashed
    payload: Mapped[str] = mapped_column(Text)  #: RFC 8785 canonical JSON, exactly as hashed
    payload_hash: Mapped[str] = mapped_column(String(71))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SyncState(Base):
    """Outbox cursor and alarm of the push side (one row per journal)."""

    __tablename__ = "sync_state"
    journal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_delivered_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    alarm: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    clock_offset_s: Mapped[float] = mapped_column(default=0.0)


class DeadLetter(Base):
    """A record the platform rejected as ``invalid-payload``: kept in sequence, shown to the admin."""

    __tablename__ = "dead_letters"
    seq: Mapped[int] = mapped_column(ForeignKey("journal.seq"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class FeedDeadLetter(Base):
    """A feed item the hall could not apply (docs/platform-api.md §2): the rest of its feed was applied.

    One row per feed and key (``""`` when the item had no usable key), kept until a later version of
    that key applies (``resolved_at``). Only the member at fault and the reason are kept, never the
    record: it may carry ID numbers (``kiosk.feed_dead_letters``).
    """

    __tablename__ = "feed_dead_letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    version: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    member: Mapped[str] = mapped_column(String(200), default="")
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("feed", "key"),)


class Blob(Base):
    """A file named by a record (photo, document, video segment) and its upload state.

    ``path`` is relative to the data dir (``kiosk.blobstore``: ``stored_path`` to write one,
    ``resolve`` to open one); an absolute or ``..`` path is refused here, when the row is written.
    """

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(Text)  #: relative to the data dir, "/"-separated
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    @validates("path")
    def _relative(self, _key: str, value: str) -> str:
        return check_stored(value)


class FeedState(Base):
    """Where each pulled feed stands: cursor, when it was last complete, how many records."""

    __tablename__ = "feed_state"
    feed: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  #: last caught up
    server_time: Mapped[str | None] = mapped_column(String(40), nullable=True)
    relists: Mapped[int] = mapped_column(Integer, default=0)


class PfSession(Base):
    __tablename__ = "pf_sessions"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    room_code: Mapped[str] = mapped_column(String(32), index=True)
    room_name: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(Text)
    trade_type: Mapped[str] = mapped_column(String(16))
    quorum: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict] = mapped_column(JSON)  #: the whole platform record


class PfLot(Base):
    __tablename__ = "pf_lots"
    session_id: Mapped[str] = mapped_column(ForeignKey("pf_sessions.session_id", ondelete="CASCADE"), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    start_price: Mapped[str] = mapped_column(String(32))
    increment: Mapped[str] = mapped_column(String(32))
    price_unit: Mapped[str] = mapped_column(String(2), default="0")
    deposit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    has_reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    cap_price: Mapped[str | None] = mapped_column(String(32), nullable=True)
    max_wins_per_paddle: Mapped[int | None] = mapped_column(Integer, nullable=True)
    listing_top_bid: Mapped[str | None] = mapped_column(String(32), nullable=True)
    listing_top_paddle: Mapped[str | None] = mapped_column(String(32), nullable=True)


class PfRegistration(Base):
    __tablename__ = "pf_registrations"
    registration_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    lot_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    bidder_name: Mapped[str] = mapped_column(Text)
    bidder_code_type: Mapped[str] = mapped_column(String(8))
    #: USCC in clear; a natural person's ID number only as HMAC (bidder_code_hmac) + ciphertext
    bidder_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bidder_code_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    bidder_code_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    deposit_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    deposit_amount: Mapped[str | None] = mapped_column(String(32), nullable=True)
    checkin_code: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    bid_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PfRepresentative(Base):
    __tablename__ = "pf_representatives"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[str] = mapped_column(
        ForeignKey("pf_registrations.registration_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    id_hmac: Mapped[str] = mapped_column(String(64), index=True)
    id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    #: the platform's reference photo of this person (docs/platform-api.md §7.1), fetched ahead of the
    #: session by the sync worker and cached encrypted as a ``Blob`` (kiosk/checkin/references.py)
    photo_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PfBlacklist(Base):
    __tablename__ = "pf_blacklist"
    blacklist_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    body_name: Mapped[str] = mapped_column(Text)
    body_type: Mapped[str] = mapped_column(String(16))
    #: entity USCC in clear; a person's ID number only as HMAC + ciphertext
    body_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    body_code_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    body_code_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    confined_action: Mapped[str] = mapped_column(String(32))
    record_reason: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[str | None] = mapped_column(String(10), nullable=True)
    valid_until: Mapped[str | None] = mapped_column(String(10), nullable=True)


class PfBidResult(Base):
    __tablename__ = "pf_bid_results"
    feed_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    registration_id: Mapped[str] = mapped_column(String(64))
    decrypt_status: Mapped[str] = mapped_column(String(16))
    decrypted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    bid_price: Mapped[str | None] = mapped_column(String(32), nullable=True)
    price_unit: Mapped[str | None] = mapped_column(String(2), nullable=True)
    data: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)


Index("ix_pf_registrations_session_lot", PfRegistration.session_id, PfRegistration.lot_code)


class Receipt(Base):
    """A platform receipt (docs/platform-api.md §7.5): the journal up to ``seq`` ended in ``hash``.

    Kept as received, ``sig`` included, so anyone with the platform's public key can check it
    again (``kiosk.receipts.check``); ``verified`` says whether the client had the key then.
    """

    __tablename__ = "receipts"
    journal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[str] = mapped_column(String(40))
    keyid: Mapped[str] = mapped_column(String(64))
    sig: Mapped[str] = mapped_column(String(128))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PlatformTrust(Base):
    """What the client last knew of the platform's word (one row per journal), for ``sync status``.

    ``key_state``: ``absent``, ``verified`` or ``failing`` (``key_error`` says why); ``clock_alarm``:
    a clock correction refused as larger than ``[platform] max_clock_step_s``, until an
    administrator clears it (``hall-kiosk sync clear-alarm --by ADMIN``).
    """

    __tablename__ = "platform_trust"
    journal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_state: Mapped[str] = mapped_column(String(16), default="absent")
    key_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    clock_offset_s: Mapped[float] = mapped_column(default=0.0)
    clock_alarm: Mapped[str | None] = mapped_column(Text, nullable=True)
    clock_alarm_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RetentionClock(Base):
    """The clock at a terminal's last personal-data purge (one row per journal and terminal; ``kiosk.retention``).

    ``offset_s`` is the platform-clock offset the purge ran on, ``wall_at`` the machine's clock and
    ``clock_at`` the hall's; a later purge refuses when the offset has moved by more than
    ``[platform] max_clock_step_s`` since (``refused_offset_s``: the offset of the refusal last
    journalled, so it is journalled once). Per terminal: each machine's clock has its own offset
    to the platform's, so terminals of a shared hall never measure against each other's.
    """

    __tablename__ = "retention_clock"
    journal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset_s: Mapped[float] = mapped_column(default=0.0)
    wall_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    clock_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    refused_offset_s: Mapped[float | None] = mapped_column(nullable=True)
    refused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


# Each capability keeps its tables in its own module; importing them here registers them on
# Base.metadata for Alembic and the models-vs-migrations test.
from kiosk.db import models_auction, models_checkin, models_keys, models_opening, models_queue, models_recording, models_staffing  # noqa: E402,F401,I001
from kiosk.db import models_experts  # noqa: E402,F401
