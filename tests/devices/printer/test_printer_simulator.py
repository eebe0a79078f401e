"""The simulator itself: jobs split on cut, previews, pacing, status bytes, clean shutdown."""

from __future__ import annotations

import socket
import time

from PIL import Image

from devices.printer.escpos import encode_slip
from devices.printer.simulator import PrinterSimulator
from kiosk.ports import Slip, Text


def test_jobs_split_on_cut_and_previews_saved(tmp_path) -> None:
    one = encode_slip(Slip(items=(Text("第一张"),)), 58)
    two = encode_slip(Slip(items=(Text("第二张"),)), 58)
    with PrinterSimulator(width_mm=58, preview_dir=tmp_path) as sim:
        with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
            conn.sendall(one + b"\x10\x04\x01" + two[:5])
            assert conn.recv(1) == b"\x12"
            conn.sendall(two[5:])
            assert sim.wait_jobs(2, 5)
        assert sim.jobs == [one, two]
        assert sim.received == one + b"\x10\x04\x01" + two
        assert [p.name for p in sim.previews] == ["job-001.png", "job-002.png"]
        with Image.open(sim.previews[0]) as img:
            assert img.width == 384


def test_status_bytes_follow_the_switches() -> None:
    sim = PrinterSimulator()
    assert [sim.status_byte(n) for n in (1, 2, 3, 4)] == [0x12, 0x12, 0x12, 0x12]
    sim.paper_near_end = True
    assert sim.status_byte(4) == 0x1E
    sim.paper_out = True
    assert (sim.status_byte(1), sim.status_byte(2), sim.status_byte(4)) == (0x1A, 0x32, 0x7E)
    sim.paper_out = sim.paper_near_end = False
    sim.cover_open = True
    assert (sim.status_byte(1), sim.status_byte(2)) == (0x1A, 0x16)
    sim.cover_open = False
    sim.cutter_error = True
    assert (sim.status_byte(2), sim.status_byte(3)) == (0x52, 0x1A)
    sim.answering = False
    assert sim.status_byte(1) is None


def test_baud_pacing() -> None:
    job = encode_slip(Slip(items=(Text("x" * 300),)), 80)  # ~330 bytes at 9600 baud ≈ 0.34 s
    with PrinterSimulator(baud=9600) as sim:
        with socket.create_connection(("127.0.0.1", sim.port), timeout=2) as conn:
            start = time.monotonic()
            conn.sendall(job)
            assert sim.wait_jobs(1, 5)
            elapsed = time.monotonic() - start
    assert elapsed >= len(job) * 10 / 9600 * 0.9


def test_stop_closes_everything_and_can_restart() -> None:
    sim = PrinterSimulator(pty=True)
    sim.start()
    link = sim.pty_path
    sim.stop()
    import os

    assert not os.path.lexists(link)
    with socket.socket() as probe:
        probe.settimeout(1)
        assert probe.connect_ex(("127.0.0.1", sim.port)) != 0
