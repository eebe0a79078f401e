"""The print-test command: prints through the driver, writes a preview, exit codes and messages."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from devices.printer.escpos import encode_slip
from devices.printer.preview import render
from devices.printer.simulator import PrinterSimulator
from devices.printer.testslip import build_test_slip, print_test


def test_prints_and_writes_preview(tmp_path) -> None:
    png = tmp_path / "test.png"
    with PrinterSimulator(width_mm=58) as sim:
        assert print_test(sim.url, str(png), 58) == 0
        assert sim.wait_jobs(1, 5)
        job = sim.jobs[0]
    assert "“引号”（括号），逗".encode("gb18030") in job
    assert "𠮷".encode("gb18030") not in job and b"\x1d\x76\x30" in job  # rare name line as raster
    assert b"\x1d\x28\x6b" in job and b"\x1d\x21\x33" in job  # native QR, size 4
    with Image.open(png) as img:
        assert img.width == 384 and (np.asarray(img.convert("L")) < 128).any()


def test_unreachable_printer_exits_non_zero_with_message(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    sim = PrinterSimulator().start()
    url = sim.url
    sim.stop()
    png = tmp_path / "p.png"
    assert print_test(url, str(png), 80) == 1
    err = capsys.readouterr().err
    assert "打印失败" in err and "not answering" in err
    assert png.is_file()  # the preview is written even without a printer


def test_paper_out_and_bad_width(capsys: pytest.CaptureFixture[str]) -> None:
    with PrinterSimulator() as sim:
        sim.paper_out = True
        assert print_test(sim.url, None, 80) == 1
        assert "缺纸" in capsys.readouterr().err
        assert print_test(sim.url, None, 57) == 2
        assert "58" in capsys.readouterr().err


def test_test_slip_preview_is_complete() -> None:
    img = render(encode_slip(build_test_slip(80), 80), 80)
    assert img.width == 576 and img.height > 600
