"""Tables of the opening capability (registered on ``kiosk.db.models.Base``).

One row per session that an opening was started for: the stage machine's state. Everything that
happens is also journalled (``opening.*``); this row is what a console restarting mid-opening
restores from. ``data`` holds the per-opening details (bidder snapshot, absences, decryption
results, readings, objections, confirmations, durations, signatures) as plain JSON.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class OpeningState(Base):
    __tablename__ = "opening_state"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: opened, failed_quorum, suspended
    decrypt_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stage_started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    record_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PfRemoteEvent(Base):
    """One event of the platform's ``remote_events`` feed (docs/platform-api.md §7.3; issue 19).

    What an online participant did in a remote bid opening: signed in (with their CA certificate),
    objected, confirmed or refused the record (with the signature's hash). The name is kept masked
    only. Whether the opening took the event is its own state (``opening_state.data["remote"]``).
    """

    __tablename__ = "pf_remote_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    registration_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    type: Mapped[str] = mapped_column(String(16))  #: signin, objection, confirmation
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  #: when the platform says it happened
    person_name_masked: Mapped[str] = mapped_column(String(100))
    ca_serial: Mapped[str | None] = mapped_column(String(128), nullable=True)
    category: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: price, qualification, procedure, other
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: confirm, refuse
    signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  #: when this hall first applied it
