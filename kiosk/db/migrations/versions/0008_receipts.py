"""platform receipts and the platform-trust state (docs/platform-api.md §7.5, issue 20)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "receipts",
        sa.Column("journal_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("keyid", sa.String(64), nullable=False),
        sa.Column("sig", sa.String(128), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("stored_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("journal_id", "seq", name=op.f("pk_receipts")),
    )
    op.create_table(
        "platform_trust",
        sa.Column("journal_id", sa.String(64), nullable=False),
        sa.Column("key_state", sa.String(16), nullable=False),
        sa.Column("key_error", sa.Text(), nullable=True),
        sa.Column("clock_offset_s", sa.Double(), nullable=False),
        sa.Column("clock_alarm", sa.Text(), nullable=True),
        sa.Column("clock_alarm_at", UTC(), nullable=True),
        sa.Column("updated_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("journal_id", name=op.f("pk_platform_trust")),
    )


def downgrade() -> None:
    op.drop_table("platform_trust")
    op.drop_table("receipts")
