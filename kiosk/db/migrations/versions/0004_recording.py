"""recording tables (kiosk/db/models_recording.py)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "rec_segments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("camera", sa.String(64), nullable=False),
        sa.Column("segment_no", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("started_at", UTC(), nullable=False),
        sa.Column("ended_at", UTC(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("has_audio", sa.Boolean(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("prev_sha256", sa.String(64), nullable=True),
        sa.Column("journal_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("deleted_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rec_segments"),
        sa.UniqueConstraint("room_code", "camera", "segment_no", name="uq_rec_segments_room_code"),
        sa.UniqueConstraint("sha256", name="uq_rec_segments_sha256"),
    )
    op.create_index("ix_rec_segments_room_started", "rec_segments", ["room_code", "started_at"])
    op.create_index("ix_rec_segments_session_id", "rec_segments", ["session_id"])
    op.create_table(
        "rec_markers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("until", UTC(), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("camera", sa.String(64), nullable=True),
        sa.Column("source_seq", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rec_markers"),
        sa.UniqueConstraint("room_code", "source_seq", name="uq_rec_markers_room_code"),
    )
    op.create_index("ix_rec_markers_room_at", "rec_markers", ["room_code", "at"])
    op.create_table(
        "rec_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("from_at", UTC(), nullable=False),
        sa.Column("to_at", UTC(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("released_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rec_holds"),
    )
    op.create_index("ix_rec_holds_room_code", "rec_holds", ["room_code"])
    op.create_table(
        "rec_room_policy",
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("room_code", name="pk_rec_room_policy"),
    )
    op.create_table(
        "rec_cursor",
        sa.Column("room_code", sa.String(32), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("room_code", name="pk_rec_cursor"),
    )


def downgrade() -> None:
    op.drop_table("rec_cursor")
    op.drop_table("rec_room_policy")
    op.drop_index("ix_rec_holds_room_code", table_name="rec_holds")
    op.drop_table("rec_holds")
    op.drop_index("ix_rec_markers_room_at", table_name="rec_markers")
    op.drop_table("rec_markers")
    op.drop_index("ix_rec_segments_session_id", table_name="rec_segments")
    op.drop_index("ix_rec_segments_room_started", table_name="rec_segments")
    op.drop_table("rec_segments")
