"""pin guards: wrong PINs in a row and the delay before the next check (issue 20 must 6)

``pin_guards`` replaces the hard lockout (``operators.failed_count``/``locked_until``, no longer
written): one row per ``op:<username>`` or ``exit:<terminal_id>`` (``kiosk/operators.py``).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pin_guards",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("not_before", UTC(), nullable=True),
        sa.Column("pin_change_due", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pin_guards")),
    )


def downgrade() -> None:
    op.drop_table("pin_guards")
