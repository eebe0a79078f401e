"""feed dead letters, and blob paths relative to the data dir (issue 20 items 4 and 5)

* ``feed_dead_letters``: feed items the hall could not apply (``kiosk.feed_dead_letters``).
* ``blobs.path`` becomes relative to the data dir. An absolute path is rewritten when it lies under
  the data dir this migration runs for (``upgrade(engine, data_dir=…)``), or else when it has the
  shape of a file the hall writes (``faces/<day>/<sha>.hkenc``, ``opening/…``, ``auction/…``,
  ``recordings/…``; a shared database holds other terminals' paths too): ``kiosk.blobstore.relative_from_layout``.
  Any other stays as it was; the hall then refuses to open it (it escapes the data dir) and the
  purge counts it as not found. Downgrading keeps the paths relative (the data dir is not known).

Revision ID: 0009
Revises: 0008
"""

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

import kiosk.db.models
from kiosk.blobstore import BlobPathError, relative_from_layout, stored_path

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = kiosk.db.models.UTCDateTime
log = logging.getLogger("kiosk.db.migrations")


def upgrade() -> None:
    op.create_table(
        "feed_dead_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("feed", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("member", sa.String(200), nullable=False),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", UTC(), nullable=False),
        sa.Column("last_at", UTC(), nullable=False),
        sa.Column("resolved_at", UTC(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_dead_letters")),
        sa.UniqueConstraint("feed", "key", name=op.f("uq_feed_dead_letters_feed")),
    )
    data_dir = context.config.attributes.get("data_dir")
    blobs = sa.table("blobs", sa.column("sha256", sa.String), sa.column("path", sa.Text))
    conn = op.get_bind()
    rewritten = left = 0
    for sha, path in conn.execute(sa.select(blobs.c.sha256, blobs.c.path)).all():
        if not path or not Path(path).is_absolute():
            continue
        new: str | None = None
        if data_dir is not None:
            try:
                new = stored_path(Path(data_dir), Path(path))
            except BlobPathError:
                new = None
        new = new or relative_from_layout(path)
        if new is None:
            left += 1
            continue
        conn.execute(sa.update(blobs).where(blobs.c.sha256 == sha).values(path=new))
        rewritten += 1
    if rewritten or left:
        log.info("blob paths: %d made relative to the data dir, %d outside it left as they were", rewritten, left)


def downgrade() -> None:
    op.drop_table("feed_dead_letters")
