"""``hall-kiosk devices …`` and ``validate …``, in-process and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devices.idcard.simulator import IdReaderSimulator, demo_card
from devices.scanner import ScannerSimulator
from devices.validators import id_check_digit
from hallkiosk.cli import main

HALL_KIOSK = Path(sys.executable).with_name("hall-kiosk")


def test_read_id_json_is_exactly_to_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with IdReaderSimulator(card=demo_card(), baud=None) as sim:
        rc = main(["devices", "read-id", "--port", sim.url, "--timeout", "3", "--json", "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count("\n") == 1
    assert json.loads(out) == json.loads(json.dumps(demo_card().to_json(), ensure_ascii=False))


def test_read_id_human_readout_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    with IdReaderSimulator(card=demo_card(), baud=None) as sim:
        rc = main(["devices", "read-id", "--port", sim.url, "--timeout", "3"])
    out = capsys.readouterr().out
    assert rc == 0
    assert demo_card().id_number not in out and "150102********1236" in out
    assert demo_card().name not in out and "张*三" in out


def test_read_id_timeout_and_bad_port(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with IdReaderSimulator(baud=None) as sim:
        rc = main(["devices", "read-id", "--port", sim.url, "--timeout", "0.3"])
    err = capsys.readouterr().err
    assert rc == 1 and "timeout" in err and "身份证" in err
    rc = main(["devices", "read-id", "--port", str(tmp_path / "ttyUSB7"), "--timeout", "0.2", "--json"])
    cap = capsys.readouterr()
    assert rc == 1 and cap.out == "" and "offline" in cap.err


def test_validate_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "id-number", "11010519491231002X"]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["validate", "id-number", "110105194912310021"]) == 1
    assert "expected X" in capsys.readouterr().out
    taiwan = "83000019760707001" + id_check_digit("83000019760707001")
    assert main(["validate", "id-number", taiwan, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "taiwan_permit"
    assert main(["validate", "uscc", "91110000600037341L", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert main(["validate", "uscc", "91110000600037341A"]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "expected L" in out


def test_scan_prints_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with ScannerSimulator(baud=None) as sim:
        def typer() -> None:
            sim.port.wait_connected(3)
            time.sleep(0.1)
            sim.type_code("QR-1")
            sim.type_code("QR-2", ending=b"\r")

        t = threading.Thread(target=typer)
        t.start()
        rc = main(["devices", "scan", "--port", sim.url, "--count", "2", "--timeout", "3"])
        t.join()
    assert rc == 0 and capsys.readouterr().out.split() == ["QR-1", "QR-2"]
    with ScannerSimulator(baud=None) as sim:
        assert main(["devices", "scan", "--port", sim.url, "--timeout", "0.2"]) == 1
    assert "timeout" in capsys.readouterr().err


def test_devices_list_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with IdReaderSimulator(baud=None) as sim:
        monkeypatch.setenv("HALL_KIOSK__DEVICES__ID_READER", sim.url)
        assert main(["devices", "list", "--json", "--data-dir", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    states = {d["name"]: d["state"] for d in doc["devices"]}
    assert states["id_reader"] == "online" and states["scanner"] == "not_configured"
    assert isinstance(doc["serial_ports"], list)


def test_simulate_id_reader_with_card_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = demo_card().to_json()
    card["name"] = "王小五"
    (tmp_path / "card.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(main(
        ["devices", "simulate", "id-reader", "--listen", "socket://127.0.0.1:0", "--card", str(tmp_path / "card.json"),
         "--baud", "0", "--duration", "0.5"])))
    t.start()
    t.join(5)
    assert result == [0]
    assert "socket://127.0.0.1:" in capsys.readouterr().out


def test_subprocess_simulator_and_read_id(tmp_path: Path) -> None:
    """The installed entry point: a simulator process on a pty link and read-id --json against it."""
    link = tmp_path / "ttyID"
    sim = subprocess.Popen(
        [str(HALL_KIOSK), "devices", "simulate", "id-reader", "--pty", "--pty-link", str(link), "--baud", "0",
         "--duration", "20"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert sim.stdout is not None
        assert str(link) in sim.stdout.readline()
        out = subprocess.run(
            [str(HALL_KIOSK), "devices", "read-id", "--port", str(link), "--timeout", "5", "--json"],
            capture_output=True, text=True, timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["id_number"] == demo_card().id_number
    finally:
        sim.terminate()
        sim.wait(10)
        sim.stdout.close()  # type: ignore[union-attr]
