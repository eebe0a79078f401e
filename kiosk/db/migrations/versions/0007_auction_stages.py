"""auction stages after the price cap: per-lot stage columns and auction_stage_bids

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime
COLUMNS = (
    ("stage", sa.String(16)),
    ("stage_params", sa.Text()),
    ("stage_phase", sa.String(16)),
    ("stage_value", sa.String(32)),
    ("stage_leader", sa.String(32)),
    ("stage_paddles", sa.Text()),
    ("stage_result", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("auction_lots") as batch:
        for name, typ in COLUMNS:
            batch.add_column(sa.Column(name, typ, nullable=True))
    op.create_table(
        "auction_stage_bids",
        sa.Column("journal_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("lot_code", sa.String(64), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("paddle_no", sa.String(32), nullable=False),
        sa.Column("value", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("journal_seq", name="pk_auction_stage_bids"),
    )
    op.create_index("ix_auction_stage_bids_lot", "auction_stage_bids", ["session_id", "lot_code", "journal_seq"])


def downgrade() -> None:
    op.drop_index("ix_auction_stage_bids_lot", table_name="auction_stage_bids")
    op.drop_table("auction_stage_bids")
    with op.batch_alter_table("auction_lots") as batch:
        for name, _typ in reversed(COLUMNS):
            batch.drop_column(name)
