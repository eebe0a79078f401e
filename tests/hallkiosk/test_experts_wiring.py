"""An extraction terminal with ``[devices] modem`` runs the registry's modem on its own thread and offers SMS."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from devices.sms.simulator import ModemSimulator
from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.config import load_config
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
