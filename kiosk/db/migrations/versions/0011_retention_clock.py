"""the clock at the last personal-data purge (issue 20 item 1: retention is not fooled by the clock)

``retention_clock``: the platform-clock offset, the machine's and the hall's time of the last
purge, and the last refusal journalled (``kiosk.retention``).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "retention_clock",
        sa.Column("journal_id", sa.String(64), nullable=False),
        sa.Column("offset_s", sa.Double(), nullable=False),
        sa.Column("wall_at", UTC(), nullable=False),
        sa.Column("clock_at", UTC(), nullable=False),
        sa.Column("refused_offset_s", sa.Double(), nullable=True),
        sa.Column("refused_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("journal_id", name=op.f("pk_retention_clock")),
    )


def downgrade() -> None:
    op.drop_table("retention_clock")
