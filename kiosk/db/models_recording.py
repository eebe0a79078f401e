"""Tables of the recording capability (全过程录音录像; registered on ``kiosk.db.models.Base``).

* ``rec_segments`` — one row per closed segment file: its place in the per-(room, camera) hash chain
  (``segment_no``, ``prev_sha256``), times, size, SHA-256 and the journal ``seq`` of its
  ``recording.segment`` entry. Rows are never deleted: retention deletes the file and sets
  ``deleted_at``, so the catalogue keeps the evidence that the segment existed.
* ``rec_markers`` — what happened when: journal entries of a session in the room (``source_seq``
  points at the entry; the marker itself is not journalled again), camera gaps and lost segments.
* ``rec_holds`` — dispute holds (争议保全): a room and time span that retention must not touch.
* ``rec_room_policy`` — a room's retention in days, overriding ``[recording] retention_days``.
* ``rec_cursor`` — how far a room's recorder has followed the journal (markers survive a restart).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from kiosk.blobstore import check_stored
from kiosk.db.models import Base, UTCDateTime


class RecSegment(Base):
    __tablename__ = "rec_segments"
    __table_args__ = (
        UniqueConstraint("room_code", "camera", "segment_no"),
        Index("ix_rec_segments_room_started", "room_code", "started_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_code: Mapped[str] = mapped_column(String(32))
    camera: Mapped[str] = mapped_column(String(64))
    segment_no: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    path: Mapped[str] = mapped_column(Text)  #: relative to the data dir (kiosk.blobstore)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    frames: Mapped[int] = mapped_column(Integer)
    has_audio: Mapped[bool] = mapped_column(Boolean, default=False)
    bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prev_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    journal_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @validates("path")
    def _relative(self, _key: str, value: str) -> str:
        return check_stored(value)


class RecMarker(Base):
    __tablename__ = "rec_markers"
    __table_args__ = (
        UniqueConstraint("room_code", "source_seq"),
        Index("ix_rec_markers_room_at", "room_code", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_code: Mapped[str] = mapped_column(String(32))
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  #: end of a gap
    kind: Mapped[str] = mapped_column(String(64))  #: the journal kind, or recording.gap / recording.lost
    label: Mapped[str] = mapped_column(Text, default="")
    camera: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class RecHold(Base):
    __tablename__ = "rec_holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_code: Mapped[str] = mapped_column(String(32), index=True)
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    from_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    to_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    operator: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RecRoomPolicy(Base):
    __tablename__ = "rec_room_policy"
    room_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    retention_days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecCursor(Base):
    __tablename__ = "rec_cursor"
    room_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
