"""Tables of the evaluation area's expert draw (issue 17; docs/rules/expert-area.md).

``pf_experts`` and ``pf_evaluations`` are the platform's v1.1 feeds (docs/platform-api.md §7.3). An expert's
ID number and mobile are personal data and their name is confidential until the result (招标投标法
§38): all three are kept only as ciphertext (plus the lookup HMAC of the ID number and mobile,
to match a card or a reply), never in clear. ``pf_evaluation_staff`` is an evaluation record's
optional ``staff`` (the same shape as a session's, §7.1), by HMAC + ciphertext.

``expert_draws`` is one round of a draw (round 1, then one per replacement draw): its commitment,
the seed encrypted until it is revealed, the beacon mixed in. ``expert_picks`` holds the experts a
round drew, in draw order, and what became of each (called, accepted, declined, no answer,
replaced). Names are never copied here: the console decrypts them from ``pf_experts``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class PfExpert(Base):
    __tablename__ = "pf_experts"
    expert_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    id_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    id_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    mobile_hmac: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    mobile_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    photo_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    specialties: Mapped[list] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(100), default="")
    employer_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    employer_name: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(16), default="", index=True)
    status: Mapped[str] = mapped_column(String(16))
    declared_conflicts: Mapped[list] = mapped_column(JSON)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  #: when the feed last sent this record


class PfEvaluation(Base):
    __tablename__ = "pf_evaluations"
    evaluation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feed_key: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(BigInteger)
    session_ids: Mapped[list] = mapped_column(JSON)
    room_code: Mapped[str] = mapped_column(String(32), default="")
    room_name: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    expected_hours: Mapped[str | None] = mapped_column(String(16), nullable=True)
    trade_type: Mapped[str] = mapped_column(String(16), default="")
    budget: Mapped[str | None] = mapped_column(String(32), nullable=True)
    members_total: Mapped[int] = mapped_column(Integer)
    owner_reps: Mapped[int] = mapped_column(Integer, default=0)
    draws: Mapped[list] = mapped_column(JSON)
    draw_not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    region: Mapped[str] = mapped_column(String(16), default="")
    avoid_codes: Mapped[list] = mapped_column(JSON)


class PfEvaluationStaff(Base):
    __tablename__ = "pf_evaluation_staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("pf_evaluations.evaluation_id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    org: Mapped[str] = mapped_column(Text, default="")
    id_hmac: Mapped[str] = mapped_column(String(64), index=True)
    id_enc: Mapped[bytes] = mapped_column(LargeBinary)


class ExpertDraw(Base):
    __tablename__ = "expert_draws"
    __table_args__ = (UniqueConstraint("evaluation_id", "round", name="uq_expert_draws_evaluation_round"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[str] = mapped_column(String(64), index=True)
    round: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  #: committed, drawn
    pool_sha256: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int] = mapped_column(Integer)
    seed_commitment: Mapped[str] = mapped_column(String(64))
    seed_enc: Mapped[bytes] = mapped_column(LargeBinary)  #: the seed (hex), encrypted until it is revealed in expert.draw
    commit_seq: Mapped[int] = mapped_column(Integer)
    committed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    beacon: Mapped[str | None] = mapped_column(Text, nullable=True)
    draw_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    drawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ExpertPick(Base):
    __tablename__ = "expert_picks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[str] = mapped_column(String(64), index=True)
    round: Mapped[int] = mapped_column(Integer)
    expert_id: Mapped[str] = mapped_column(String(64), index=True)
    specialty: Mapped[str] = mapped_column(String(64))
    order: Mapped[int] = mapped_column(Integer)
    reserve: Mapped[bool] = mapped_column(Boolean)
    #: waiting (a reserve not called), called, accepted, declined, none (no answer), replaced
    status: Mapped[str] = mapped_column(String(16))
    message_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    replaces: Mapped[int | None] = mapped_column(Integer, nullable=True)  #: the pick this one stands in for
    note: Mapped[str] = mapped_column(Text, default="")
