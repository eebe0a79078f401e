"""recording segments' paths relative to the data dir (issue 20 item 5, as 0009 did for blobs)

``rec_segments.path`` becomes relative to the data dir. An absolute path is rewritten when it lies
under the data dir this migration runs for (``upgrade(engine, data_dir=…)``), or else when it has the
shape of a segment file the hall writes (``recordings/<room>/…<name>.mp4``; a shared database holds
other terminals' paths too): ``kiosk.blobstore.relative_from_layout``. Any other stays as it was;
the hall then refuses to open or delete it (it escapes the data dir). Downgrading keeps the paths
relative (the data dir is not known).

Revision ID: 0013
Revises: 0012
"""

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from kiosk.blobstore import BlobPathError, relative_from_layout, stored_path

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

log = logging.getLogger("kiosk.db.migrations")


def upgrade() -> None:
    data_dir = context.config.attributes.get("data_dir")
    segments = sa.table("rec_segments", sa.column("id", sa.Integer), sa.column("path", sa.Text))
    conn = op.get_bind()
    rewritten = left = 0
    for seg_id, path in conn.execute(sa.select(segments.c.id, segments.c.path)).all():
        if not path or not Path(path).is_absolute():
            continue
        new: str | None = None
        if data_dir is not None:
            try:
                new = stored_path(Path(data_dir), Path(path))
            except BlobPathError:
                new = None
        new = new or relative_from_layout(path)
        if new is None or not new.startswith("recordings/"):
            left += 1
            continue
        conn.execute(sa.update(segments).where(segments.c.id == seg_id).values(path=new))
        rewritten += 1
    if rewritten or left:
        log.info("segment paths: %d made relative to the data dir, %d outside it left as they were", rewritten, left)


def downgrade() -> None:
    pass
