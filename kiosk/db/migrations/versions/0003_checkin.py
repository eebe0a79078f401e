"""checkin tables (kiosk/db/models_checkin.py)

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import kiosk.db.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.String(length=64), nullable=False),
        sa.Column("checkin_no", sa.Integer(), nullable=False),
        sa.Column("paddle_no", sa.String(length=16), nullable=True),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("person_name", sa.String(length=100), nullable=False),
        sa.Column("person_hmac", sa.String(length=64), nullable=False),
        sa.Column("person_id_hmac", sa.String(length=64), nullable=False),
        sa.Column("bidder_name", sa.Text(), nullable=False),
        sa.Column("bidder_key", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("face_sha256", sa.String(length=64), nullable=True),
        sa.Column("face_status", sa.String(length=16), nullable=False),
        sa.Column("face_match", sa.String(length=200), nullable=False),
        sa.Column("face_match_score", sa.String(length=16), nullable=True),
        sa.Column("needs_confirmation", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", kiosk.db.models.UTCDateTime(), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("overrides", sa.String(length=200), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=False),
        sa.Column("journal_seq", sa.BigInteger(), nullable=False),
        sa.Column("reprints", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", kiosk.db.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("session_id", "registration_id", name="uq_checkins_session_registration"),
        sa.UniqueConstraint("session_id", "checkin_no", name="uq_checkins_session_no"),
        sa.UniqueConstraint("token", name=op.f("uq_checkins_token")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checkins_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_checkins_person_hmac"), ["person_hmac"], unique=False)
    op.create_table(
        "checkin_paddles",
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("bidder_key", sa.String(length=64), nullable=False),
        sa.Column("paddle_no", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", kiosk.db.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "bidder_key", name=op.f("pk_checkin_paddles")),
        sa.UniqueConstraint("session_id", "paddle_no", name="uq_checkin_paddles_session_paddle"),
    )


def downgrade() -> None:
    op.drop_table("checkin_paddles")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkins_person_hmac"))
        batch_op.drop_index(batch_op.f("ix_checkins_session_id"))
    op.drop_table("checkins")
