"""opening tables (kiosk/db/models_opening.py)

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa
import kiosk.db.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opening_state",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decrypt_started_at", kiosk.db.models.UTCDateTime(), nullable=True),
        sa.Column("stage_started_at", kiosk.db.models.UTCDateTime(), nullable=False),
        sa.Column("record_sha256", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", kiosk.db.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_opening_state")),
    )


def downgrade() -> None:
    op.drop_table("opening_state")
