"""``hall-kiosk devices sms-send / door / locker / simulate modem|access`` against the simulators."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.access.modbus import forget_line, parse_url
from devices.access.simulator import AccessSimulator
from devices.sms.simulator import ModemSimulator
from hallkiosk.cli import main


@pytest.fixture
def access() -> Iterator[AccessSimulator]:
    with AccessSimulator(lockers=4) as sim:
        yield sim
    forget_line(parse_url(sim.door_url))


def test_sms_send_masks_the_number_and_shows_the_reply(capsys: pytest.CaptureFixture[str]) -> None:
    with ModemSimulator(script={"13904710000": {"reply": "1", "after_s": 0.1}}, baud=None) as sim:
        rc = main(["devices", "sms-send", "--device", sim.url, "13904710000", "请回复1接受，2拒绝", "--wait-reply", "3",
                   "--timeout", "3"])
        assert [s.text for s in sim.sent] == ["请回复1接受，2拒绝"]
    out = capsys.readouterr().out
    assert rc == 0
    assert "139****0000" in out and "13904710000" not in out
    assert re.search(r"回复 reply from 139\*\*\*\*0000 at .*: 1$", out, re.M)


def test_sms_send_json(capsys: pytest.CaptureFixture[str]) -> None:
    with ModemSimulator(baud=None) as sim:
        rc = main(["devices", "sms-send", "--device", sim.url, "+8613904710002", "x" * 200, "--json", "--timeout", "3"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0 and doc == {"refs": "1,2", "replies": []}


@pytest.mark.allow_log_warnings(r"modem .*did not answer")
def test_sms_send_to_a_silent_modem_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with ModemSimulator(baud=None) as sim:
        sim.mute = True
        rc = main(["devices", "sms-send", "--device", sim.url, "13904710000", "1", "--timeout", "0.6"])
    err = capsys.readouterr().err
    assert rc == 1 and "无应答" in err and "did not answer" in err


def test_door_open_relocks(access: AccessSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["devices", "door", "open", "--device", access.door_url, "--hold", "0.2"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "door-opened" in out and "door-relocked" in out
    assert [on for _, on in access.door_log][-2:] == [True, False] and not access.door_coil


def test_locker_open_waits_until_shut(access: AccessSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    def shut_after_release() -> None:
        while 3 not in access.releases:
            time.sleep(0.01)
        time.sleep(0.3)
        access.close_locker(3)

    hand = threading.Thread(target=shut_after_release, daemon=True)
    hand.start()
    rc = main(["devices", "locker", "open", "--device", access.lockers_url, "3", "--wait-closed", "3"])
    hand.join(5)
    out = capsys.readouterr().out
    assert rc == 0 and "locker-opened locker=3" in out and "locker-closed locker=3" in out and "occupied=yes" in out
    rc = main(["devices", "locker", "open", "--device", access.lockers_url, "2", "--wait-closed", "0.4"])
    cap = capsys.readouterr()
    assert rc == 1 and "locker 2 not shut" in cap.err
    assert main(["devices", "locker", "status", "--device", access.lockers_url, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["lockers"]
    assert [(r["locker"], r["closed"], r["occupied"]) for r in rows] == [(1, True, False), (2, False, False),
                                                                          (3, True, True), (4, True, False)]


@pytest.mark.allow_log_warnings(r"access line lost")
def test_door_on_a_dead_line(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["devices", "door", "open", "--device", "modbus-tcp://127.0.0.1:9?unit=1&timeout=0.1"])
    assert rc == 1 and "通信失败" in capsys.readouterr().err
    forget_line(parse_url("modbus-tcp://127.0.0.1:9"))


@pytest.mark.parametrize("kind", ["modem", "access"])
def test_simulate_runs_the_simulators(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "script.json").write_text(json.dumps({"13904710000": {"reply": "1"}}), encoding="utf-8")
    extra = ["--script", str(tmp_path / "script.json")] if kind == "modem" else ["--lockers", "6"]
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(main(
        ["devices", "simulate", kind, "--listen", "socket://127.0.0.1:0", "--duration", "0.4", *extra])))
    t.start()
    t.join(10)
    out = capsys.readouterr().out
    assert result == [0]
    if kind == "modem":
        assert "socket://127.0.0.1:" in out
    else:
        assert re.search(r"door: modbus-rtu\+socket://127\.0\.0\.1:\d+\?unit=1", out)
        assert "count=6" in out


@pytest.mark.slow  # starts two simulator processes
def test_the_demo_starts_the_evaluation_simulators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from devices.access.controller import AccessController
    from devices.sms.modem import GsmModem
    from hallkiosk import demo

    procs: list[subprocess.Popen[bytes]] = []
    hk = [sys.executable, "-m", "hallkiosk"]
    if "modem" not in demo.DevicesConfig.__dataclass_fields__:  # before kiosk/config.py declares the keys
        assert demo._evaluation_simulators(hk, tmp_path, procs) == {} and procs == []
    monkeypatch.setattr(demo, "EVALUATION_DEVICE_KEYS", ())  # as once kiosk/config.py declares modem, door, lockers
    try:
        urls = demo._evaluation_simulators(hk, tmp_path, procs)
        modem = GsmModem(urls["modem"], command_timeout=2)
        stop = threading.Event()
        t = threading.Thread(target=modem.run, args=(stop,), daemon=True)
        t.start()
        try:
            assert modem.wait_online(10)
            modem.send("13904710007", "请回复1接受")
            deadline = time.monotonic() + 10
            replies: list[object] = []
            while not replies and time.monotonic() < deadline:
                replies = list(modem.replies())
                time.sleep(0.1)
            assert [getattr(r, "text", None) for r in replies] == ["1"]  # DEMO_SMS_SCRIPT's "*" rule
        finally:
            stop.set()
            t.join(5)
        ctl = AccessController(urls["door"], urls["lockers"])
        assert [e.kind for e in ctl.tick()] == ["door-relocked"]  # the relay switched off at the first contact
        ctl.open_door(0.1)
        assert [e.kind for e in ctl.tick()] == ["door-opened"]
        ctl.close()
        forget_line(parse_url(urls["door"]))
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
