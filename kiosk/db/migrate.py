"""Alembic migrations, run programmatically (``hall-kiosk db upgrade``).

The scripts live in ``kiosk/db/migrations`` so an installed package carries them.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine | None, data_dir: Path | None = None) -> AlembicConfig:
    """An Alembic config bound to ``engine`` (no alembic.ini needed; None: only to read the scripts)."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes["data_dir"] = data_dir
    return cfg


def upgrade(engine: Engine, revision: str = "head", *, data_dir: Path | None = None) -> str | None:
    """Bring the database to ``revision``; returns the revision it is at afterwards.

    ``data_dir``: the terminal's data dir, for migrations that rewrite file paths (0009).
    """
    command.upgrade(alembic_config(engine, data_dir), revision)
    return current_revision(engine)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the database down to ``revision`` (tests and recovery only)."""
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    assert head is not None
    return head
