"""The line scanner driver against its simulator (socket:// and pty)."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.lines import LineSplitter
from devices.scanner import LineScanner, ScannerSimulator
from kiosk.ports import CodeScanner, DeviceState

TRANSPORTS = ["socket", "pty"] if os.name == "posix" else ["socket"]


@pytest.fixture(params=TRANSPORTS)
def sim(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScannerSimulator]:
    listen = "socket://127.0.0.1:0" if request.param == "socket" else f"pty:{tmp_path / 'ttyQR'}"
    with ScannerSimulator(listen, baud=None) as s:
        yield s


class Scan:
    def __init__(self, scanner: LineScanner) -> None:
        self.codes: queue.Queue[str] = queue.Queue()
        self.states: list[DeviceState] = []
        scanner.on_state = lambda s, _e: self.states.append(s)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=scanner.run, args=(self.stop, self.codes.put))

    def __enter__(self) -> Scan:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()

    def get(self, n: int, timeout: float = 2.0) -> list[str]:
        return [self.codes.get(timeout=timeout) for _ in range(n)]

    def nothing(self, seconds: float) -> bool:
        try:
            self.codes.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


def wait_online(sim: ScannerSimulator, scan: Scan) -> None:
    assert sim.port.wait_connected(3)
    deadline = time.monotonic() + 3
    while DeviceState.ONLINE not in scan.states and time.monotonic() < deadline:
        time.sleep(0.01)


def test_splitter_cr_lf_crlf_across_reads() -> None:
    s = LineSplitter(max_line=10)
    assert s.feed(b"AB\r") == [b"AB"]
    assert s.feed(b"\nCD\nEF\r\r") == [b"CD", b"EF", b""]
    assert s.feed(b"x" * 25 + b"\nok\n") == [b"ok"]  # an over-long line is dropped whole
    assert s.overflows == 1


def test_protocol() -> None:
    assert isinstance(LineScanner("loop://"), CodeScanner)


def test_codes_with_cr_and_crlf_and_debounce(sim: ScannerSimulator) -> None:
    with Scan(LineScanner(sim.url, debounce_s=0.4, reconnect_interval=0.05)) as scan:
        wait_online(sim, scan)
        sim.type_code("HK-2025-0001", ending=b"\r")
        sim.type_code("https://ggzy.example.gov.cn/c?t=abc", ending=b"\r\n")
        sim.send_raw(b"\x02SPLIT")
        time.sleep(0.05)
        sim.send_raw(b"-CODE\r\n")
        assert scan.get(3) == ["HK-2025-0001", "https://ggzy.example.gov.cn/c?t=abc", "SPLIT-CODE"]
        sim.type_code("HK-2025-0001")  # same code within debounce_s: ignored
        assert scan.nothing(0.15)
        time.sleep(0.45)
        sim.type_code("HK-2025-0001")
        assert scan.get(1) == ["HK-2025-0001"]
        sim.type_code("票号：甲123")
        assert scan.get(1) == ["票号：甲123"]


def test_unplug_replug(sim: ScannerSimulator) -> None:
    with Scan(LineScanner(sim.url, debounce_s=0.0, reconnect_interval=0.05)) as scan:
        wait_online(sim, scan)
        sim.unplug()
        deadline = time.monotonic() + 3
        while DeviceState.RECONNECTING not in scan.states and time.monotonic() < deadline:
            time.sleep(0.01)
        assert scan.states[-2:] == [DeviceState.OFFLINE, DeviceState.RECONNECTING]
        sim.replug()
        assert sim.port.wait_connected(3)
        deadline = time.monotonic() + 3
        while scan.states[-1] != DeviceState.ONLINE and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        sim.type_code("AFTER")
        assert scan.get(1) == ["AFTER"]


def test_read_codes_count_and_timeout(sim: ScannerSimulator) -> None:
    scanner = LineScanner(sim.url, debounce_s=0.0)

    def type_later() -> None:
        sim.port.wait_connected(3)
        time.sleep(0.1)
        sim.type_code("A1")
        sim.type_code("B2")

    t = threading.Thread(target=type_later)
    t.start()
    assert scanner.read_codes(2, 3.0) == ["A1", "B2"]
    t.join()
    t0 = time.monotonic()
    assert scanner.read_codes(1, 0.2) == []
    assert time.monotonic() - t0 < 1.5
