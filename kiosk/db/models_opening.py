"""Tables of the opening capability (registered on ``kiosk.db.models.Base``).

One row per session that an opening was started for: the stage machine's state. Everything that
happens is also journalled (``opening.*``); this row is what a console restarting mid-opening
restores from. ``data`` holds the per-opening details (bidder snapshot, absences, decryption
results, readings, objections, confirmations, durations, signatures) as plain JSON.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Integer, String, Text
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
