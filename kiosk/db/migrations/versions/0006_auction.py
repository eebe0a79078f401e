"""auction tables (kiosk/db/models_auction.py)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "auction_lots",
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("lot_code", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("increment", sa.String(32), nullable=False),
        sa.Column("jump_bids", sa.Boolean(), nullable=False),
        sa.Column("on_grid", sa.Boolean(), nullable=False),
        sa.Column("current_price", sa.String(32), nullable=True),
        sa.Column("leading_paddle", sa.String(32), nullable=True),
        sa.Column("capped_paddles", sa.Text(), nullable=False),
        sa.Column("call_no", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", UTC(), nullable=True),
        sa.Column("reserve_enc", sa.LargeBinary(), nullable=True),
        sa.Column("reserve_by", sa.String(64), nullable=True),
        sa.Column("reserve_cosigner", sa.String(64), nullable=True),
        sa.Column("opened_by", sa.String(64), nullable=True),
        sa.Column("opened_at", UTC(), nullable=True),
        sa.Column("closed_at", UTC(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("hammer_price", sa.String(32), nullable=True),
        sa.Column("buyer_paddle", sa.String(32), nullable=True),
        sa.Column("lottery_seed", sa.String(64), nullable=True),
        sa.Column("confirmation_sha256", sa.String(64), nullable=True),
        sa.Column("record_sha256", sa.String(64), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "lot_code", name="pk_auction_lots"),
    )
    op.create_table(
        "auction_bids",
        sa.Column("journal_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("lot_code", sa.String(64), nullable=False),
        sa.Column("paddle_no", sa.String(32), nullable=False),
        sa.Column("amount", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("corrected_seq", sa.BigInteger(), nullable=True),
        sa.Column("corrected_by", sa.String(64), nullable=True),
        sa.Column("corrected_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("journal_seq", name="pk_auction_bids"),
    )
    op.create_index("ix_auction_bids_lot", "auction_bids", ["session_id", "lot_code", "journal_seq"])
    op.create_table(
        "auction_deposits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("lot_code", sa.String(64), nullable=False),
        sa.Column("registration_id", sa.String(64), nullable=False),
        sa.Column("paddle_no", sa.String(32), nullable=True),
        sa.Column("amount", sa.String(32), nullable=False),
        sa.Column("effect", sa.String(16), nullable=False),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("journal_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auction_deposits"),
    )
    op.create_index("ix_auction_deposits_session_id", "auction_deposits", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_auction_deposits_session_id", table_name="auction_deposits")
    op.drop_table("auction_deposits")
    op.drop_index("ix_auction_bids_lot", table_name="auction_bids")
    op.drop_table("auction_bids")
    op.drop_table("auction_lots")
