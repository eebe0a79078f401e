"""不见面开标 (issue 19): what online participants did in a remote bid opening (``remote_events``, §7.3)

``pf_remote_events``: one row per event of the platform's ``remote_events`` feed — an online
sign-in, objection or confirmation — keyed by ``event_id``. The person's name is kept masked only
(the record prints it masked); the CA certificate serial and the signature hash are the evidence.
Whether and how the opening took an event is the opening's own state (``opening_state.data``), so
a relisted feed never makes an event count twice.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pf_remote_events",
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("feed_key", sa.String(128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("registration_id", sa.String(64), nullable=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("at", UTC(), nullable=False),
        sa.Column("person_name_masked", sa.String(100), nullable=False),
        sa.Column("ca_serial", sa.String(128), nullable=True),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("signature_sha256", sa.String(64), nullable=True),
        sa.Column("received_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_pf_remote_events")),
        sa.UniqueConstraint("feed_key", name=op.f("uq_pf_remote_events_feed_key")),
    )
    op.create_index(op.f("ix_pf_remote_events_session_id"), "pf_remote_events", ["session_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pf_remote_events_session_id"), table_name="pf_remote_events")
    op.drop_table("pf_remote_events")
