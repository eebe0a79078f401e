"""who the platform appointed to each session, and who holds each role now (issue 15 must 1)

``pf_session_staff``: the sessions feed's ``staff`` member (docs/platform-api.md §7.1), ID numbers only as
lookup HMAC + ciphertext. ``session_roles``: the roles taken in a session, by card (and PIN for a
hall account) or, where the platform named nobody, by a hall account with a journalled reason.
Sessions already stored keep their staff only in ``pf_sessions.data`` until the feed sends them
again (the next sessions page re-upserts them; ``sync pull --relist sessions`` forces it).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pf_session_staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("id_hmac", sa.String(64), nullable=False),
        sa.Column("id_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["pf_sessions.session_id"], name=op.f("fk_pf_session_staff_session_id_pf_sessions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_session_staff")),
    )
    op.create_index(op.f("ix_pf_session_staff_session_id"), "pf_session_staff", ["session_id"])
    op.create_index(op.f("ix_pf_session_staff_id_hmac"), "pf_session_staff", ["id_hmac"])
    op.create_table(
        "session_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("person_hmac", sa.String(64), nullable=True),
        sa.Column("operator", sa.String(64), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("appointed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("taken_at", UTC(), nullable=False),
        sa.Column("released_at", UTC(), nullable=True),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_roles")),
    )
    op.create_index(op.f("ix_session_roles_session_id"), "session_roles", ["session_id"])
    op.create_index(op.f("ix_session_roles_person_hmac"), "session_roles", ["person_hmac"])
    with op.batch_alter_table("operators") as batch:
        batch.add_column(sa.Column("person_hmac", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("operators") as batch:
        batch.drop_column("person_hmac")
    op.drop_table("session_roles")
    op.drop_table("pf_session_staff")
