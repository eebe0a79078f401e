"""Tables of the checkin capability (registered on ``kiosk.db.models.Base``).

* ``checkins``: one row per accepted check-in of a registration in a session. The unique
  constraint on (session_id, registration_id) makes a second check-in impossible whatever the
  terminal or process; (session_id, checkin_no) keeps the per-session number unique.
  No ID number is stored: the person is found by ``person_hmac`` (the local lookup HMAC) and
  named to the platform by ``person_id_hmac``.
* ``checkin_paddles``: the paddle number (竞买号牌) of a bidder in an auction session, assigned at
  the bidder's first check-in, unique per session.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class Checkin(Base):
    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    registration_id: Mapped[str] = mapped_column(String(64))
    checkin_no: Mapped[int] = mapped_column(Integer)
    paddle_no: Mapped[str | None] = mapped_column(String(16), nullable=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)  #: opaque, printed as the slip's QR
    person_name: Mapped[str] = mapped_column(String(100))
    person_hmac: Mapped[str] = mapped_column(String(64), index=True)  #: vault.lookup_hmac (local)
    person_id_hmac: Mapped[str] = mapped_column(String(64))  #: platform's person_id_hmac
    bidder_name: Mapped[str] = mapped_column(Text)
    bidder_key: Mapped[str] = mapped_column(String(64))  #: USCC, or HMAC of a natural person's ID
    method: Mapped[str] = mapped_column(String(16))  #: idcard, qrcode+idcard, manual
    face_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    face_status: Mapped[str] = mapped_column(String(16))  #: captured, camera_missing, timeout, declined, manual
    face_match: Mapped[str] = mapped_column(String(200), default="")  #: what face matching did, or why not
    face_match_score: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the face comparison's verdict: match, no_match, not_done (kiosk.faces.MatchResult)
    face_result: Mapped[str] = mapped_column(String(16), default="not_done")
    #: which reference it used: chip, platform, none (kiosk.faces.ReferenceKind)
    face_reference: Mapped[str] = mapped_column(String(16), default="none")
    liveness: Mapped[str] = mapped_column(String(16), default="not_done")  #: passed, failed, not_done
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    operator: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    overrides: Mapped[str] = mapped_column(String(200), default="")  #: comma-separated refusal codes
    terminal_id: Mapped[str] = mapped_column(String(64))
    journal_seq: Mapped[int] = mapped_column(BigInteger)
    reprints: Mapped[int] = mapped_column(Integer, default=0)
    checked_in_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("session_id", "registration_id", name="uq_checkins_session_registration"),
        UniqueConstraint("session_id", "checkin_no", name="uq_checkins_session_no"),
    )


class CheckinPaddle(Base):
    __tablename__ = "checkin_paddles"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    bidder_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    paddle_no: Mapped[str] = mapped_column(String(16))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("session_id", "paddle_no", name="uq_checkin_paddles_session_paddle"),)
