"""Simulators have no authentication: bound beyond loopback they warn, once (issue 20 must 9)."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from devices.keypads import KeypadSimulator
from devices.printer.simulator import PrinterSimulator
from devices.simport import is_loopback


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "", "192.168.1.20", "::", "ggzy.example.gov.cn"))


@pytest.mark.allow_log_warnings(r"simulators have no authentication")
def test_bound_beyond_loopback_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="devices.simport"):
        with KeypadSimulator("socket://127.0.0.1:0"):
            pass
        assert not caplog.records  # loopback: nothing to say
        with KeypadSimulator("socket://0.0.0.0:0") as sim:
            sim._port.unplug()
            sim._port.replug()  # the same address again: still one warning
        with PrinterSimulator(host="0.0.0.0"):
            pass
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("警告：keypads 模拟器监听 0.0.0.0:") and "reachable from beyond this machine" in lines[0]
    assert "printer" in lines[1] and "use socket://127.0.0.1:" in lines[1]


def test_the_cli_says_it_once_on_stderr() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hallkiosk", "devices", "simulate", "printer", "--listen", "socket://0.0.0.0:0", "--duration", "0.3"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "listening: socket://0.0.0.0:" in proc.stdout  # the printer now takes --listen's host too
    assert proc.stderr.count("simulators have no authentication") == 1, proc.stderr
    quiet = subprocess.run(
        [sys.executable, "-m", "hallkiosk", "devices", "simulate", "scanner", "--duration", "0.3"],
        capture_output=True, text=True, timeout=60,
    )
    assert quiet.returncode == 0 and "no authentication" not in quiet.stderr
