"""The A4 document printer: CUPS through ``lp`` (a stand-in ``lp`` on PATH records what it got) and hot folders."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from devices.docprinter import DocumentPrinter
from hallkiosk.documents_wiring import print_one
from kiosk.ports import DeviceError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def fake_lp(tmp_path: Path, *, exit_code: int = 0, stderr: str = "") -> Path:
    """An ``lp`` with CUPS's command line and answer, writing its arguments and stdin to files."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    lp = bindir / "lp"
    lp.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{tmp_path}/lp.args"\n'
        f'cat > "{tmp_path}/lp.stdin"\n'
        f'if [ {exit_code} -ne 0 ]; then echo "{stderr}" >&2; exit {exit_code}; fi\n'
        'echo "request id is hall-a4-42 (1 file(s))"\n'
    )
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    return lp


def test_cups_sends_the_pdf_with_queue_copies_and_title(tmp_path: Path) -> None:
    lp = fake_lp(tmp_path)
    printer = DocumentPrinter("cups://hall-a4", lp=str(lp))
    assert printer.print_pdf(PDF, "开标记录表 S-1", copies=3) == "hall-a4-42"
    args = (tmp_path / "lp.args").read_text(encoding="utf-8").split("\n")
    assert args[:8] == ["-n", "3", "-t", "开标记录表 S-1", "-d", "hall-a4", "-", ""]
    assert (tmp_path / "lp.stdin").read_bytes() == PDF


def test_cups_refusal_and_missing_lp_are_said_in_words(tmp_path: Path) -> None:
    lp = fake_lp(tmp_path, exit_code=1, stderr="lp: The printer or class does not exist.")
    with pytest.raises(DeviceError) as err:
        DocumentPrinter("cups://nope", lp=str(lp)).print_pdf(PDF, "x")
    assert err.value.code == "refused" and "does not exist" in err.value.zh
    with pytest.raises(DeviceError) as err:
        DocumentPrinter("cups://", lp=str(tmp_path / "no-such-lp")).print_pdf(PDF, "x")
    assert err.value.code == "no-lp" and "cups-client" in err.value.zh


def test_hot_folder_gets_whole_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    printer = DocumentPrinter(f"dir://{folder}")
    written = printer.print_pdf(PDF, "成交确认书 L-0001/拍卖", copies=2)
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 2 and all(f.endswith(".pdf") and not f.startswith(".") for f in files)
    assert "/" not in Path(written).name and "成交确认书" in written
    assert all((folder / f).read_bytes() == PDF for f in files)


def test_refuses_what_is_not_a_pdf_and_bad_urls(tmp_path: Path) -> None:
    with pytest.raises(DeviceError, match="PDF"):
        DocumentPrinter(f"dir://{tmp_path}").print_pdf(b"hello", "x")
    with pytest.raises(DeviceError) as err:
        DocumentPrinter("http://printer/")
    assert err.value.code == "bad-url"
    missing = DocumentPrinter(f"dir://{tmp_path}/missing")
    with pytest.raises(DeviceError) as err:
        missing.print_pdf(PDF, "x")
    assert err.value.code == "folder"


@pytest.mark.allow_log_warnings("document printing failed")
def test_print_one_reports_each_job_and_survives_failures(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    printer = DocumentPrinter(f"dir://{folder}")
    got = [print_one(printer, data, title, 1) for data, title in ((PDF, "a"), (b"not a pdf", "b"), (PDF, "c"))]
    assert [(o.title, o.ok) for o in got] == [("a", True), ("b", False), ("c", True)]
    assert got[1].error_zh.startswith("不是 PDF") and got[1].zh.startswith("打印失败")
    assert len(os.listdir(folder)) == 2
