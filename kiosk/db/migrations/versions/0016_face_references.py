"""人证核验 (issue 16): the platform's reference photo of a representative, and what a check-in's face check did

``pf_representatives.photo_sha256``: the registrations feed's reference photo (docs/platform-api.md §7.1),
fetched ahead of the session and cached encrypted as a blob (kiosk/checkin/references.py).
``checkins.face_result`` (match, no_match, not_done), ``face_reference`` (chip, platform, none) and
``liveness`` (passed, failed, not_done): the decision and what it rested on. Earlier check-ins were
never compared: they get not_done / none / not_done.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pf_representatives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_sha256", sa.String(64), nullable=True))
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("face_result", sa.String(16), nullable=False, server_default="not_done"))
        batch_op.add_column(sa.Column("face_reference", sa.String(16), nullable=False, server_default="none"))
        batch_op.add_column(sa.Column("liveness", sa.String(16), nullable=False, server_default="not_done"))


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("liveness")
        batch_op.drop_column("face_reference")
        batch_op.drop_column("face_result")
    with op.batch_alter_table("pf_representatives", schema=None) as batch_op:
        batch_op.drop_column("photo_sha256")
