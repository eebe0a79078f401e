"""the clock of the last personal-data purge is kept per terminal (issue 20 item 1)

Each machine's clock has its own offset to the platform's, so in a shared hall a terminal whose
machine clock is a few minutes off would have had every purge refused against another terminal's
baseline. ``retention_clock`` gets ``terminal_id`` in its key. The table only holds the baseline of
the next purge's clock check: it is made anew (a terminal's first purge afterwards measures from the
machine's clock, offset 0, as the first purge ever does).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def _create(per_terminal: bool) -> None:
    key = ("journal_id", "terminal_id") if per_terminal else ("journal_id",)
    op.create_table(
        "retention_clock",
        sa.Column("journal_id", sa.String(64), nullable=False),
        *([sa.Column("terminal_id", sa.String(64), nullable=False)] if per_terminal else []),
        sa.Column("offset_s", sa.Double(), nullable=False),
        sa.Column("wall_at", UTC(), nullable=False),
        sa.Column("clock_at", UTC(), nullable=False),
        sa.Column("refused_offset_s", sa.Double(), nullable=True),
        sa.Column("refused_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_retention_clock")),
    )


def upgrade() -> None:
    op.drop_table("retention_clock")
    _create(per_terminal=True)


def downgrade() -> None:
    op.drop_table("retention_clock")
    _create(per_terminal=False)
