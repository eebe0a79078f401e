"""Alembic migrations and the models agree, on SQLite and PostgreSQL, and migrate down and up with data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from kiosk.db.engine import make_engine
from kiosk.db.migrate import current_revision, downgrade, head_revision, upgrade
from kiosk.db.models import Base


def diff(engine: Engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)


def check_engine(engine: Engine) -> None:
    assert upgrade(engine) == head_revision()
    assert diff(engine) == []
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO site (code, name) VALUES ('S', '测试中心')"))
    downgrade(engine, "base")
    assert "site" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert diff(engine) == []


def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        check_engine(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_migrations_match_models(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        check_engine(engine)
    finally:
        engine.dispose()
