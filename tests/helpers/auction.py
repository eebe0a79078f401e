"""Set-ups the auction tests share: a logged-in auctioneer terminal, and the CLI on a seeded hall."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from devices.idcard.simulator import IdReaderSimulator
from hallkiosk.app import Terminal, build_terminal, ensure_qapp
from hallkiosk.cli import main
from hallkiosk.demo import _login
from kiosk.auction.demo import check_in_all
from kiosk.config import Config, load_config
from kiosk.hall import Hall
from tests.helpers.auction_roles import staff_card, take_auctioneer
from tests.helpers.screens import wait_until
from tests.helpers.seeded import seeded


def settle(*screens: Any, timeout: float = 10.0) -> None:
    """Wait until the console's act and the screens' loads are back (they run on the job runner)."""
    wait_until(lambda: all(s.settled() for s in screens), timeout)


def open_at_console(term: Terminal, lot: str = "L-0002") -> tuple[Any, str]:
    """Every bidder of the console's session checked in, then ``lot`` selected and opened at the console
    (the demo's car lot L-0002 has no reserve); returns the console and its session."""
    console = term.auction.screens["console"]  # type: ignore[union-attr]
    session = console.session_id
    check_in_all(term.hall, session)
    console.select_lot(session, lot)
    settle(console)
    console.open_lot()
    settle(console)
    return console, session


def settle_term(term: Terminal, timeout: float = 10.0) -> None:
    """Every auction screen of the terminal has loaded what it was asked for."""
    settle(*term.auction.screens.values(), timeout=timeout)  # type: ignore[union-attr]


def sign_in_auctioneer(term: Terminal) -> None:
    """The appointed auctioneer of every auction session of the day takes the role on this console (by card)."""
    console = term.auction.screens["console"]  # type: ignore[union-attr]
    for sess in term.auction.service.auction_sessions():  # type: ignore[union-attr]
        console.sign_in(take_auctioneer(term.hall, sess.session_id))


@contextmanager
def auctioneer_terminal(demo_cfg: Config, *, call_seconds: int, housekeeping: bool = True) -> Iterator[Terminal]:
    """An auctioneer console (logged in) with its audience screen, following the journal."""
    ensure_qapp()
    cfg = dataclasses.replace(demo_cfg, auction=dataclasses.replace(demo_cfg.auction, call_seconds=call_seconds))
    term = build_terminal(cfg, "auctioneer", follow=True, devices=False, sync=False, big_screen=True, housekeeping=housekeeping)
    _login(term, "auctioneer")
    sign_in_auctioneer(term)
    settle_term(term)
    try:
        yield term
    finally:
        term.stop()
        term.window.deleteLater()
        if term.big_screen is not None:
            term.big_screen.deleteLater()


@pytest.fixture(name="staff_reader")
def staff_reader_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdReaderSimulator]:
    """The terminal's configured ID reader (a simulator): the CLI's ``--card`` reads whatever card lies on it."""
    with IdReaderSimulator(baud=None) as sim:
        monkeypatch.setenv("HALL_KIOSK__DEVICES__ID_READER", sim.url)
        yield sim


def auction_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                kind: str, reader: IdReaderSimulator | None = None) -> tuple[str, Callable[..., tuple[int, str]]]:
    """A seeded demo hall whose first ``kind`` session has every bidder checked in; calls without delay.

    With ``reader`` (:func:`staff_reader`), the session's appointed auctioneer's ID card lies on it, so
    acts pass ``--card``. Returns the session id and ``run(*args) → (exit code, stdout)`` for
    ``hall-kiosk auction …``.
    """
    cfg = load_config(data_dir=tmp_path, environ={})
    seeded(cfg)
    monkeypatch.setenv("HALL_KIOSK__AUCTION__CALL_SECONDS", "0")
    hall = Hall.open(cfg)
    try:
        sid = next(s.session_id for s in hall.sessions_on(kinds=(kind,)))
        check_in_all(hall, sid)
        if reader is not None:
            reader.place_card(staff_card(hall, sid, "auctioneer"))
    finally:
        hall.close()

    def run(*args: str) -> tuple[int, str]:
        code = main(["auction", *args, "--data-dir", str(tmp_path)])
        return code, capsys.readouterr().out

    return sid, run
