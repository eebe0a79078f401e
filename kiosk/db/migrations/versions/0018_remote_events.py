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

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_remote_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("feed_key", sa.String(128), nullable=False, unique=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False, index=True),
        sa.Column("registration_id", sa.String(64), nullable=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_name_masked", sa.String(100), nullable=False, server_default=""),
        sa.Column("ca_serial", sa.String(128), nullable=True),
        sa.Column("category", sa.String(16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("signature_sha256", sa.String(64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pf_remote_events")
