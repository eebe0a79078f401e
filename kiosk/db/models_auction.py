"""Tables of the auction capability (registered on ``kiosk.db.models.Base``).

The journal is the record of every auction event; these rows are the same state kept current in
the same transactions, so a console restarted in mid-lot reads it back at once (and
``kiosk.auction.replay`` can rebuild it from the journal alone to prove they agree).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class AuctionLot(Base):
    """One lot's live state: pending → open → sold / unsold / terminated."""

    __tablename__ = "auction_lots"
    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lot_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")  #: pending, open, sold, unsold, terminated
    increment: Mapped[str] = mapped_column(String(32))
    jump_bids: Mapped[bool] = mapped_column(Boolean, default=True)
    on_grid: Mapped[bool] = mapped_column(Boolean, default=False)
    current_price: Mapped[str | None] = mapped_column(String(32), nullable=True)
    leading_paddle: Mapped[str | None] = mapped_column(String(32), nullable=True)
    capped_paddles: Mapped[str] = mapped_column(Text, default="")  #: comma-separated, in order
    call_no: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reserve_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  #: vault ciphertext
    reserve_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reserve_cosigner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    hammer_price: Mapped[str | None] = mapped_column(String(32), nullable=True)
    buyer_paddle: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lottery_seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confirmation_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    record_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # the stage after the price cap (docs/rules/auction.md §2.3), chosen and announced at opening (0007)
    stage: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: lottery, area, self_hold, average
    stage_params: Mapped[str | None] = mapped_column(Text, nullable=True)  #: JSON: start, step (area/self_hold), upper (average)
    stage_phase: Mapped[str | None] = mapped_column(String(16), nullable=True)  #: average: sealed → revealed
    stage_value: Mapped[str | None] = mapped_column(String(32), nullable=True)  #: best area/percent; average: winning bid
    stage_leader: Mapped[str | None] = mapped_column(String(32), nullable=True)
    stage_paddles: Mapped[str | None] = mapped_column(Text, nullable=True)  #: tied at the maximum / sealed candidates
    stage_result: Mapped[str | None] = mapped_column(Text, nullable=True)  #: average: the revealed bids, mean, winner (JSON)


class AuctionBid(Base):
    """Every bid as journalled (accepted or rejected), in journal order; never deleted."""

    __tablename__ = "auction_bids"
    __table_args__ = (Index("ix_auction_bids_lot", "session_id", "lot_code", "journal_seq"),)
    journal_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    session_id: Mapped[str] = mapped_column(String(64))
    lot_code: Mapped[str] = mapped_column(String(64))
    paddle_no: Mapped[str] = mapped_column(String(32))
    amount: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    corrected_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  #: the correction entry
    corrected_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    corrected_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuctionStageBid(Base):
    """Every bid of the stage after the cap (area m², percent, sealed one-time bid), as journalled."""

    __tablename__ = "auction_stage_bids"
    __table_args__ = (Index("ix_auction_stage_bids_lot", "session_id", "lot_code", "journal_seq"),)
    journal_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    session_id: Mapped[str] = mapped_column(String(64))
    lot_code: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16))
    paddle_no: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(8))  #: m2, %, or the lot's money unit (yuan / wan)
    source: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuctionDeposit(Base):
    """The deposit ledger after a lot closes: the winner's converts, the others go to refund."""

    __tablename__ = "auction_deposits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    lot_code: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[str] = mapped_column(String(64))
    paddle_no: Mapped[str | None] = mapped_column(String(32), nullable=True)
    amount: Mapped[str] = mapped_column(String(32))
    effect: Mapped[str] = mapped_column(String(16))  #: convert, refund
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    journal_seq: Mapped[int] = mapped_column(BigInteger)
