"""EscPosPrinter against the simulator over socket:// and a pty: printing and every fault."""

from __future__ import annotations

import time

import pytest

from devices.printer.driver import EscPosPrinter
from devices.printer.escpos import encode_slip
from devices.printer.simulator import PrinterSimulator
from kiosk.ports import DeviceError, PaperState, Printer, Slip, Text

Sim = tuple[PrinterSimulator, str]
#: Status timeout: short, so a silent printer costs little.
TIMEOUT = 0.25


def test_is_a_printer_port() -> None:
    assert isinstance(EscPosPrinter("loop://"), Printer)


def test_normal_print(sim_url: Sim, ticket: Slip) -> None:
    sim, url = sim_url
    with EscPosPrinter(url, width_mm=80, timeout=TIMEOUT) as printer:
        status = printer.status()
        assert (status.online, status.paper, status.can_print) == (True, PaperState.OK, True)
        sent = printer.print_slip(ticket)
    assert sent == encode_slip(ticket, 80)
    assert sim.wait_jobs(1, 5)
    assert sim.jobs == [sent]
    assert b"\x10\x04\x01" in sim.received  # status was asked before printing


def test_paper_near_end_still_prints(sim_url: Sim, ticket: Slip) -> None:
    sim, url = sim_url
    sim.paper_near_end = True
    with EscPosPrinter(url, timeout=TIMEOUT) as printer:
        status = printer.status()
        assert status.paper is PaperState.NEAR_END and status.can_print
        printer.print_slip(ticket)
    assert sim.wait_jobs(1, 5)


@pytest.mark.parametrize(
    ("fault", "code", "zh"),
    [("paper_out", "paper-out", "缺纸"), ("cover_open", "cover-open", "打印机盖"), ("cutter_error", "printer-error", "故障")],
)
def test_faults_refuse_to_print(sim_url: Sim, ticket: Slip, fault: str, code: str, zh: str) -> None:
    sim, url = sim_url
    setattr(sim, fault, True)
    with EscPosPrinter(url, timeout=TIMEOUT) as printer:
        status = printer.status()
        assert status.online and not status.can_print
        assert status.paper is (PaperState.OUT if fault == "paper_out" else PaperState.OK)
        assert status.cover_open is (fault == "cover_open")
        assert status.error == ("cutter" if fault == "cutter_error" else None)
        with pytest.raises(DeviceError) as info:
            printer.print_slip(ticket)
    assert info.value.code == code and zh in info.value.zh and info.value.en
    assert sim.pending == b"" and sim.jobs == []  # nothing was sent


def test_no_answer_is_offline_never_paper_ok(sim_url: Sim, ticket: Slip) -> None:
    sim, url = sim_url
    sim.answering = False
    with EscPosPrinter(url, timeout=TIMEOUT) as printer:
        start = time.monotonic()
        status = printer.status()
        elapsed = time.monotonic() - start
        assert (status.online, status.paper, status.can_print) == (False, PaperState.UNKNOWN, False)
        assert elapsed < TIMEOUT * 3  # one timeout, not one per request
        with pytest.raises(DeviceError) as info:
            printer.print_slip(ticket)
    assert info.value.code == "offline"
    assert sim.jobs == []


def test_unplug_and_replug(sim_url: Sim, ticket: Slip) -> None:
    sim, url = sim_url
    with EscPosPrinter(url, timeout=TIMEOUT) as printer:
        assert printer.status().can_print
        sim.unplug()
        gone = printer.status()
        assert (gone.online, gone.paper) == (False, PaperState.UNKNOWN)
        with pytest.raises(DeviceError) as info:
            printer.print_slip(ticket)
        assert info.value.code == "offline"
        sim.replug()
        assert printer.status().can_print
        sent = printer.print_slip(ticket)
    assert sim.wait_jobs(1, 5) and sim.jobs == [sent]


def test_loop_url_echo_is_not_a_status_answer() -> None:
    with EscPosPrinter("loop://", timeout=0.05) as printer:
        status = printer.status()
    assert (status.online, status.paper) == (False, PaperState.UNKNOWN)


def test_nothing_listening_is_offline() -> None:
    sim = PrinterSimulator().start()
    url = sim.url
    sim.stop()
    with EscPosPrinter(url, timeout=TIMEOUT) as printer:
        assert printer.status().online is False
        with pytest.raises(DeviceError) as info:
            printer.print_slip(Slip(items=(Text("x"),)))
    assert info.value.code == "offline"


def test_recovery_after_a_fault_is_seen(ticket: Slip) -> None:
    with PrinterSimulator() as sim, EscPosPrinter(sim.url, timeout=TIMEOUT) as printer:
        sim.paper_out = True
        assert printer.status().paper is PaperState.OUT
        sim.paper_out = False
        assert printer.status().paper is PaperState.OK
        printer.print_slip(ticket)
        assert sim.wait_jobs(1, 5)


def test_bad_width_is_refused() -> None:
    with pytest.raises(ValueError):
        EscPosPrinter("loop://", width_mm=60)
