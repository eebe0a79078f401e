"""One seeded demo hall per test process, copied into each test's data dir.

``seed_demo`` builds the demo day (rooms, feeds, queue services, five operators whose PINs are
hashed with scrypt): seconds of work that every UI and wiring test used to repeat. ``seeded(cfg)``
does it once per process (a pytest-xdist worker is a process) into a template data dir and copies
the directory (2 ms) into ``cfg.data_dir`` after that. A PostgreSQL configuration is seeded for
real: each test has its own database.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hallkiosk.demo import seed_demo
from kiosk.clock import FixedClock
from kiosk.config import Config, load_config
from kiosk.hall import Hall
from kiosk.timeutil import BEIJING

_TEMPLATES: dict[tuple[str, str], Path] = {}
#: The demo day of the whole run, taken when the tests are collected (as the test modules take their
#: TODAY): a run that crosses midnight in Beijing (16:00 UTC) still seeds the day its modules expect.
TEST_DAY = dt.datetime.now(BEIJING).date()


def _template(cfg: Config) -> Path:
    """The template for ``cfg``'s journal id and terminal (both are written into the seeded journal)."""
    key = (cfg.platform.journal_id, cfg.site.terminal_id)
    if key not in _TEMPLATES:
        tpl = Path(tempfile.mkdtemp(prefix="hk-seeded-")) / "hall"
        base = load_config(data_dir=tpl, environ={})
        seed_demo(dataclasses.replace(
            base, platform=dataclasses.replace(base.platform, journal_id=key[0]),
            site=dataclasses.replace(base.site, terminal_id=key[1])), today=TEST_DAY)
        atexit.register(shutil.rmtree, tpl.parent, True)
        _TEMPLATES[key] = tpl
    return _TEMPLATES[key]


def seeded(cfg: Config) -> Config:
    """Seed ``cfg``'s hall as ``seed_demo`` would (copied from the per-process template on SQLite)."""
    if cfg.database.url:  # PostgreSQL, or a SQLite file outside the data dir
        seed_demo(cfg, today=TEST_DAY)
        return cfg
    dest = Path(cfg.data_dir)
    if dest.exists() and any(dest.iterdir()):
        seed_demo(cfg, today=TEST_DAY)  # a data dir with content of its own: seed into it, as the demo does
        return cfg
    shutil.copytree(_template(cfg), dest, dirs_exist_ok=True)
    return cfg


def seeded_dir(dest: Path) -> Path:
    """A seeded data dir at ``dest`` (for tests that build their own configuration from it)."""
    seeded(load_config(data_dir=dest, environ={}))
    return dest


@contextlib.contextmanager
def seeded_hall_at(tmp_path: Path, at: dt.time = dt.time(8, 50)) -> Iterator[Hall]:
    """The seeded demo hall in ``tmp_path/hall``, its clock fixed at ``at`` (Beijing) today."""
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    seeded(cfg)
    today = dt.datetime.now(BEIJING).date()
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, at, BEIJING)))
    try:
        yield h
    finally:
        h.close()


@contextlib.contextmanager
def queue_hall_at_nine(cfg: Config) -> Iterator[Hall]:
    """The demo day's queue services in a hall of ``cfg`` whose clock stands at 09:00 today (every service open)."""
    from hallkiosk.wiring_queue import seed_demo_queue

    today = dt.datetime.now(BEIJING).date()
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(9, 0), BEIJING)))
    try:
        seed_demo_queue(hall)
        yield hall
    finally:
        hall.close()
