"""UI fixtures: a seeded demo hall and terminals built by the real composition root."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hallkiosk.app import Terminal, build_terminal, ensure_qapp
from kiosk.config import Config, load_config
from kiosk.hall import Hall
from tests.helpers.seeded import queue_hall_at_nine, seeded


@pytest.fixture
def demo_cfg(tmp_path: Path) -> Config:
    # Boards speak through the fake engine: a test machine has no audio player (the real engine
    # rightly warns about that, and warnings fail tests).
    cfg = load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
    seeded(cfg)
    return cfg


@pytest.fixture
def queue_hall(demo_cfg: Config) -> Iterator[Hall]:
    """The demo day's queue services in a hall whose clock stands at 09:00 today (every service open)."""
    with queue_hall_at_nine(demo_cfg) as hall:
        yield hall


@pytest.fixture
def terminal(qapp, demo_cfg: Config) -> Iterator[Callable[..., Terminal]]:  # type: ignore[no-untyped-def]
    ensure_qapp()
    made: list[Terminal] = []

    def make(role: str, *, lang: str = "zh_CN", follow: bool = False, **kiosk: object) -> Terminal:
        cfg = demo_cfg
        if kiosk:
            cfg = dataclasses.replace(cfg, kiosk=dataclasses.replace(cfg.kiosk, **kiosk))  # type: ignore[arg-type]
        term = build_terminal(cfg, role, lang=lang, follow=follow)
        made.append(term)
        return term

    yield make
    for term in made:
        term.stop()
        term.window.deleteLater()


@pytest.fixture(autouse=True)
def _chinese_first() -> Iterator[None]:
    """Every UI test starts, and leaves the application, in Chinese: the language is the application's
    (ui/i18n.py), so a test that switched to English would otherwise change the next test's words."""
    from PySide6.QtCore import QCoreApplication

    from ui.i18n import Languages

    if QCoreApplication.instance() is not None:
        Languages().set("zh_CN")
    yield
    if QCoreApplication.instance() is not None:
        Languages().set("zh_CN")
