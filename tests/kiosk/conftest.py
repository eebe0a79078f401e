"""Fixtures for the core: a migrated hall database with its journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.hall import Hall


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    h = Hall.open(load_config(data_dir=tmp_path / "data", environ={}))
    yield h
    h.close()
