"""Shared fixtures for the printer tests: slips and simulators (socket:// and pty)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.printer.simulator import PrinterSimulator
from kiosk.ports import Qr, Rule, Slip, Text


def queue_ticket(number: str = "A012", qr: str = "https://hall.example.cn/t/A012?d=20261128") -> Slip:
    """A queue ticket as the kiosk prints it."""
    return Slip(
        items=(
            Text("某某市公共资源交易中心", bold=True, align="center"),
            Rule(),
            Text(number, size=4, bold=True, align="center"),
            Text("保证金缴纳", size=2, align="center"),
            Text("您前面还有 3 人等候", align="center"),
            Text("取号时间：2026-11-28 09:41:05", align="center"),
            Qr(qr, module=6),
            Text("请留意叫号，过号请重新取号。"),
        )
    )


@pytest.fixture
def ticket() -> Slip:
    return queue_ticket()


@pytest.fixture(params=["socket", "pty"])
def sim_url(request: pytest.FixtureRequest) -> Iterator[tuple[PrinterSimulator, str]]:
    """A running simulator and the URL to reach it, once over socket:// and once over a pty."""
    with PrinterSimulator(pty=request.param == "pty") as sim:
        yield sim, sim.url if request.param == "socket" else sim.pty_path
