"""The test harness shared by every test (docs/code-style.md practice 12).

* Qt runs offscreen; a Qt warning fails the test (pytest-qt ``qt_log_level_fail`` in pyproject).
* A Python log record at WARNING or above fails the test unless the test declares it with
  ``@pytest.mark.allow_log_warnings(r"regex", ...)`` (no argument: any warning is expected —
  for fault-injection tests whose whole point is the warning).
* ``pg_url``: a PostgreSQL server for the shared-hall tests. ``make test`` and ``.ci/run`` start
  one (``tools/pg-test-server``) and export ``HALL_KIOSK_TEST_PG_URL``. Without it those tests
  FAIL with the reason; they are never skipped and counted as passing.
* Every test gets an isolated data dir and environment (no ``HALL_KIOSK__*`` from the machine).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PG_ENV = "HALL_KIOSK_TEST_PG_URL"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_log_warnings(*patterns): WARNING+ log records matching are expected")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_log_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    marker = request.node.get_closest_marker("allow_log_warnings")
    if marker is not None and not marker.args:
        return
    patterns = [re.compile(p) for p in (marker.args if marker else ())]
    unexpected = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in handler.records
        if not any(p.search(r.getMessage()) for p in patterns)
    ]
    if unexpected:
        pytest.fail("unexpected log warnings:\n  " + "\n  ".join(unexpected[:10]), pytrace=False)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("HALL_KIOSK__"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(
            f"{PG_ENV} is not set: the shared-hall tests need PostgreSQL. "
            "Run `make test` (it starts one with tools/pg-test-server) or deselect with -m 'not postgres'.",
            pytrace=False,
        )
    return url


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(pg_server_url)
    name = "hk_test_" + uuid.uuid4().hex[:12]
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
