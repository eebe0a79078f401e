"""Tables of the staffing capability: who the platform appointed to a session, and who holds a role now.

``pf_session_staff`` is the ``staff`` member of the platform's ``sessions`` feed (docs/platform-api.md §7.1),
kept apart from ``pf_sessions.data`` so that the appointees' ID numbers are stored only as the
hall's lookup HMAC (to match a card) and ciphertext (to re-key), never in clear. ``session_roles``
holds one row per role taken in a session; a row is released (``released_at``), never deleted, so
the record can name everyone who held a role and when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class PfSessionStaff(Base):
    __tablename__ = "pf_session_staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("pf_sessions.session_id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    org: Mapped[str] = mapped_column(Text, default="")
    id_hmac: Mapped[str] = mapped_column(String(64), index=True)
    id_enc: Mapped[bytes] = mapped_column(LargeBinary)


class SessionRole(Base):
    __tablename__ = "session_roles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))  #: as the platform appointed them, or the hall account's display name
    org: Mapped[str] = mapped_column(Text, default="")
    person_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  #: lookup HMAC of the card's ID number
    operator: Mapped[str | None] = mapped_column(String(64), nullable=True)  #: the hall account, when one was used
    method: Mapped[str] = mapped_column(String(16))  #: card, card+pin, account (fallback)
    appointed: Mapped[bool] = mapped_column(Boolean, default=True)  #: matched to the platform's staff list
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  #: why a hall account stood in (fallback)
    terminal_id: Mapped[str] = mapped_column(String(64), default="")
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    journal_seq: Mapped[int] = mapped_column(Integer)
