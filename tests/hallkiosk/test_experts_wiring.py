"""An extraction terminal with ``[devices] modem`` runs the registry's modem on its own thread and offers SMS."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.sms.simulator import ModemSimulator
from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.config import load_config
from kiosk.db.models import JournalEntry
from kiosk.ports import DeviceState
from tests.helpers.screens import wait_until
from tests.helpers.seeded import seeded


def test_the_extraction_terminal_runs_the_configured_modem(qapp, tmp_path: Path) -> None:
    ensure_qapp()
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"}))
    with ModemSimulator(baud=None) as sim:
        cfg = dataclasses.replace(cfg, devices=dataclasses.replace(cfg.devices, modem=sim.url))
        term = build_terminal(cfg, "extraction", follow=False, sync=False, housekeeping=False)
        try:
            wiring = term.experts  # type: ignore[attr-defined]
            assert term.monitor is not None and wiring.modem is term.monitor.registry.modem
            assert wiring.console.sms_lane == "sms" and wiring.loop is not None
            wait_until(lambda: wiring.modem.state == DeviceState.ONLINE, 10)
            assert "AT+CMGF=0" in sim.commands  # the driver set the modem up in PDU mode
        finally:
            term.stop()
            term.window.deleteLater()


@pytest.mark.allow_log_warnings(r"access line lost")
def test_the_door_kiosk_runs_the_registrys_door_and_lockers_and_journals_a_power_cut(qapp, tmp_path: Path) -> None:
    """``[kiosk] mode = "evaluation_area"``: the door screen is the home, the registry's AccessController
    runs on thread ``access`` and what it reports is journalled there (a power cut: the door may be free)."""
    from devices.access.modbus import forget_line, parse_url
    from devices.access.simulator import AccessSimulator
    from kiosk.experts import door

    ensure_qapp()
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"}))
    with AccessSimulator("modbus-rtu+socket://127.0.0.1:0", lockers=6) as sim:
        cfg = dataclasses.replace(cfg, kiosk=dataclasses.replace(cfg.kiosk, mode="evaluation_area"),
                                  devices=dataclasses.replace(cfg.devices, door=sim.door_url, lockers=sim.lockers_url))
        term = build_terminal(cfg, "kiosk", follow=False, sync=False, housekeeping=False)
        try:
            wiring = term.door  # type: ignore[attr-defined]
            assert term.monitor is not None and wiring.access is term.monitor.registry.access
            assert wiring.service.lockers == 6 and term.window.page.currentWidget() is wiring.screen
            wait_until(lambda: wiring.access.state == DeviceState.ONLINE, 10)
            sim.power_cut()

            def journalled() -> list[str]:
                with term.hall.reading() as s:
                    return [json.loads(p).get("event") for p in s.scalars(
                        select(JournalEntry.payload).where(JournalEntry.kind == door.ACCESS))]

            wait_until(lambda: "link-lost" in journalled(), 15)
        finally:
            term.stop()
            term.window.deleteLater()
        forget_line(parse_url(sim.door_url))


def test_a_board_has_the_evaluation_rooms_view(qapp, tmp_path: Path) -> None:
    ensure_qapp()
    cfg = seeded(load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"}))
    cfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="evaluation"))
    term = build_terminal(cfg, "board", follow=False, sync=False, devices=False, housekeeping=False)
    try:
        page = term.window.page
        assert "evaluation" in page.views and page.currentWidget() is page.views["evaluation"]
        wait_until(lambda: bool(page.views["evaluation"].counts), 10)
        assert page.views["evaluation"].counts[0].members_total == 5
    finally:
        term.stop()
        term.window.deleteLater()
