"""The database watch says within seconds when the database stops answering, and when it is back (issue 21).

PostgreSQL is reached through a real TCP link that can freeze (a SIGSTOPped server: nothing
answers, nothing closes) or refuse (a server shut down); the probe's verdict and its timing are
what the status bar and the outage banner show.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from kiosk.db.engine import make_engine
from kiosk.db.health import DbProbe
from tests.helpers.faulty_link import FaultyLink


def test_sqlite_answers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hall.db'}")
    try:
        state = DbProbe(engine).check()
        assert state.ok and state.reason == "" and state.latency_ms is not None
    finally:
        engine.dispose()


@pytest.fixture
def linked(pg_url: str) -> Iterator[tuple[FaultyLink, DbProbe]]:
    u = make_url(pg_url)
    link = FaultyLink(u.host or "127.0.0.1", u.port or 5432)
    engine = make_engine(u.set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False), connect_timeout_s=2)
    try:
        yield link, DbProbe(engine, deadline_s=1.0)
    finally:
        link.close()
        engine.dispose()


@pytest.mark.postgres
def test_a_frozen_server_is_seen_within_the_deadline_and_its_return_within_seconds(linked) -> None:  # type: ignore[no-untyped-def]
    link, probe = linked
    assert probe.check().ok
    link.freeze()
    t0 = time.monotonic()
    state = probe.check()
    took = time.monotonic() - t0
    assert not state.ok and state.reason == "no-answer" and state.since is not None
    assert took < 1.5, took  # the probe's own deadline, not the driver's (which would wait for ever)
    assert not probe.check().ok  # still frozen: the stuck probe is not stacked with another
    link.restore()
    deadline = time.monotonic() + 5
    while not probe.check().ok:
        assert time.monotonic() < deadline, "not back within 5 s of the database's return"
    assert probe.state.ok


@pytest.mark.postgres
def test_a_refusing_server_is_seen_at_once(linked) -> None:  # type: ignore[no-untyped-def]
    link, probe = linked
    assert probe.check().ok
    link.refuse()
    t0 = time.monotonic()
    state = probe.check()
    assert not state.ok and state.reason in ("refused", "no-answer")
    assert time.monotonic() - t0 < 1.5
    link.restore()
    deadline = time.monotonic() + 5
    while not probe.check().ok:
        assert time.monotonic() < deadline
