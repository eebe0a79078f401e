"""the hall's data keys, wrapped per terminal (issue 20 item 3)

* ``hall_keys``: key id, state, check value (``kiosk/db/models_keys.py``).
* ``hall_key_wraps``: each key wrapped by a terminal's key-encryption key or by the key it replaced.

No data is rewritten: the first terminal to open the hall after this migration imports its old
``keys/pii.key`` as the data key ``k0`` (``kiosk.keys``), whose ciphertexts and HMACs keep the
forms they had.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import kiosk.db.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "hall_keys",
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("check_value", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_hall_keys")),
    )
    op.create_table(
        "hall_key_wraps",
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("wrapped_by", sa.String(length=64), nullable=False),
        sa.Column("terminal_id", sa.String(length=64), nullable=True),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC(), nullable=False),
        sa.ForeignKeyConstraint(["kid"], ["hall_keys.kid"], name=op.f("fk_hall_key_wraps_kid_hall_keys"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("kid", "wrapped_by", name=op.f("pk_hall_key_wraps")),
    )


def downgrade() -> None:
    op.drop_table("hall_key_wraps")
    op.drop_table("hall_keys")
