"""The door relay and locker bank driver against pymodbus's own server (devices/access)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.access.controller import AccessController
from devices.access.modbus import ModbusLinkError, forget_line, parse_url
from devices.access.simulator import AccessSimulator
from kiosk.ports import AccessControl, AccessEvent, DeviceError, DeviceState


@pytest.fixture
def sim() -> Iterator[AccessSimulator]:
    with AccessSimulator("modbus-rtu+socket://127.0.0.1:0", lockers=6) as s:
        yield s
    forget_line(parse_url(s.door_url))


@pytest.fixture
def ctl(sim: AccessSimulator) -> AccessController:
    c = AccessController(sim.door_url, sim.lockers_url, pulse_s=0.05, alert_s=0.5, jam_s=0.3, poll_s=0.02)
    assert [e.kind for e in c.tick()] == ["door-relocked"] and c.state == DeviceState.ONLINE  # locked at start
    assert c.tick() == []
    return c


def ticks_until(ctl: AccessController, kind: str, timeout: float = 2.0) -> list[AccessEvent]:
    """Tick until an event of ``kind`` (returns every event seen)."""
    seen: list[AccessEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += ctl.tick()
        if any(e.kind == kind for e in seen):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"no {kind} in {[e.kind for e in seen]}")


def test_urls() -> None:
    u = parse_url("modbus-rtu:///dev/ttyUSB1?unit=3&baud=19200&parity=e&count=12&occupied=16")
    assert (u.target, u.unit, u.baud, u.parity, u.count, u.closed, u.occupied) == ("/dev/ttyUSB1", 3, 19200, "E", 12, 0, 16)
    assert parse_url("modbus-rtu://COM4?unit=2").target == "COM4"
    assert parse_url("modbus-rtu+socket://10.0.0.5:4196?unit=2").target == "socket://10.0.0.5:4196"
    assert parse_url("modbus-tcp://10.0.0.6:502").target == "10.0.0.6:502"
    assert parse_url("modbus-tcp://h:1?unit=1").line == parse_url("modbus-tcp://h:1?unit=2&count=3").line
    for bad in ("/dev/ttyUSB1", "modbus-tcp://nohost", "modbus-rtu:///dev/x?unit=300", "modbus-rtu:///dev/x?colour=red",
                "modbus-rtu:///dev/x?parity=Q", "modbus-rtu:///dev/x?unit=one"):
        with pytest.raises(DeviceError) as info:
            parse_url(bad)
        assert info.value.code == "bad-url" and info.value.zh and info.value.en


def test_the_controller_is_an_access_port(ctl: AccessController) -> None:
    assert isinstance(ctl, AccessControl)
    assert ctl.door_state == "locked"


def test_open_door_then_relock(ctl: AccessController, sim: AccessSimulator) -> None:
    ctl.open_door(0.2)
    assert sim.door_coil and ctl.door_state == "unlocked"
    events = ticks_until(ctl, "door-relocked")
    assert [e.kind for e in events] == ["door-opened", "door-relocked"]
    assert not sim.door_coil and ctl.door_state == "locked"
    (on, _), (off, _) = sim.door_log[-2], sim.door_log[-1]
    assert 0.2 <= off - on < 1.5  # held for the time asked, switched off by the controller


def test_open_locker_and_read_it_closed_later(ctl: AccessController, sim: AccessSimulator) -> None:
    ctl.open_locker(4)
    assert sim.releases == [4] and sim.closed[3] is False
    events = ticks_until(ctl, "locker-opened")
    time.sleep(0.1)
    events += ctl.tick()
    assert sim.locker_coils[3] is False  # the pulse ended
    assert ctl.locker(4).closed is False
    sim.close_locker(4, occupied=True)
    events += ticks_until(ctl, "locker-closed")
    closed = next(e for e in events if e.kind == "locker-closed")
    assert closed.locker == 4 and closed.occupied is True and closed.seconds is not None
    assert not any(e.kind == "locker-alert" for e in events)
    assert ctl.locker(4).closed is True and ctl.locker(4).occupied is True


@pytest.mark.allow_log_warnings(r"locker 2 still open")
def test_a_locker_left_open_raises_an_alert(ctl: AccessController, sim: AccessSimulator) -> None:
    ctl.open_locker(2)
    events = ticks_until(ctl, "locker-alert")
    alert = next(e for e in events if e.kind == "locker-alert")
    assert alert.locker == 2 and alert.seconds is not None and alert.seconds >= 0.5
    assert sum(e.kind == "locker-alert" for e in events + ctl.tick()) == 1  # once
    sim.close_locker(2, occupied=False)
    late = ticks_until(ctl, "locker-closed")
    assert next(e for e in late if e.kind == "locker-closed").occupied is False


def test_a_jammed_locker_is_reported(ctl: AccessController, sim: AccessSimulator) -> None:
    sim.jam(5)
    ctl.open_locker(5)
    events = ticks_until(ctl, "locker-jammed")
    assert next(e for e in events if e.kind == "locker-jammed").locker == 5


@pytest.mark.allow_log_warnings(r"access line lost")
def test_power_cut_during_a_hold_is_reported_and_relocked_when_back(ctl: AccessController, sim: AccessSimulator) -> None:
    ctl.open_door(0.2)
    sim.power_cut()
    events = ticks_until(ctl, "link-lost")
    kinds = [e.kind for e in events]
    assert kinds == ["door-opened", "door-unconfirmed", "link-lost"]
    lost = events[-1]
    assert lost.door == "unlocked" and isinstance(lost.error, ModbusLinkError)
    assert "通信失败" in lost.error.zh and "line failed" in lost.error.en
    assert ctl.state == DeviceState.OFFLINE and sim.door_released
    assert ctl.tick() == []  # reported once, not on every tick
    with pytest.raises(ModbusLinkError):
        ctl.open_locker(1)
    time.sleep(0.3)
    sim.power_back()
    back = ticks_until(ctl, "link-restored")
    assert [e.kind for e in back] == ["door-relocked", "link-restored"]
    assert back[0].seconds is not None and back[0].seconds >= 0.05  # how late the relock came
    assert ctl.state == DeviceState.ONLINE and ctl.door_state == "locked" and not sim.door_coil


@pytest.mark.allow_log_warnings(r"access line lost")
def test_link_lost_while_locked_says_the_door_is_unknown(ctl: AccessController, sim: AccessSimulator) -> None:
    sim.power_cut()
    events = ticks_until(ctl, "link-lost")
    assert [(e.kind, e.door) for e in events] == [("link-lost", "unknown")]
    sim.power_back()
    back = ticks_until(ctl, "link-restored")
    assert [(e.kind, e.door) for e in back] == [("door-relocked", "locked"), ("link-restored", "locked")]


@pytest.mark.allow_log_warnings(r"access line lost")
def test_nothing_answering_at_start() -> None:
    c = AccessController("modbus-tcp://127.0.0.1:9?unit=1&timeout=0.1")
    events = c.tick()
    assert [(e.kind, e.door) for e in events] == [("link-lost", "unknown")]
    with pytest.raises(ModbusLinkError) as info:
        c.open_door()
    assert info.value.code == "offline"
    forget_line(parse_url("modbus-tcp://127.0.0.1:9?unit=1"))


def test_run_loop_reports_through_its_callback(sim: AccessSimulator) -> None:
    ctl = AccessController(sim.door_url, sim.lockers_url, pulse_s=0.05, alert_s=5, poll_s=0.02)
    got: list[AccessEvent] = []
    stop = threading.Event()
    t = threading.Thread(target=ctl.run, args=(stop, got.append), daemon=True)
    t.start()
    try:
        ctl.open_locker(1)
        time.sleep(0.1)
        sim.close_locker(1)
        deadline = time.monotonic() + 2
        while not any(e.kind == "locker-closed" for e in got) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        t.join(5)
    kinds = [e.kind for e in got]
    assert kinds.count("door-relocked") == 1  # the relay switched off at the first contact (the run's first tick)
    assert [k for k in kinds if k != "door-relocked"] == ["locker-opened", "locker-closed"]


def test_bad_configuration() -> None:
    with pytest.raises(DeviceError):
        AccessController()
    with pytest.raises(DeviceError):
        AccessController(lockers_url="modbus-tcp://127.0.0.1:9?unit=2")  # no count
    c = AccessController(door_url="modbus-tcp://127.0.0.1:9?unit=1")
    with pytest.raises(DeviceError) as info:
        c.open_locker(1)
    assert info.value.code == "no-locker"


def test_the_registry_builds_one_controller_for_door_and_lockers(sim: AccessSimulator) -> None:
    from dataclasses import dataclass

    from devices.registry import DeviceRegistry
    from kiosk.config import DevicesConfig

    @dataclass(frozen=True)
    class EvaluationDevices(DevicesConfig):
        door: str = ""
        lockers: str = ""

    reg = DeviceRegistry.from_config(EvaluationDevices(door=sim.door_url, lockers=sim.lockers_url))
    assert isinstance(reg.access, AccessController) and reg.names()[-2:] == ("door", "lockers")
    by = {s.name: s for s in reg.statuses(probe=True)}
    assert by["door"].state == DeviceState.ONLINE and by["lockers"].state == DeviceState.ONLINE
    bad = DeviceRegistry.from_config(EvaluationDevices(door="modbus-tcp://nohost"))
    st = bad.status("door")
    assert st.state == DeviceState.ERROR and "bad door/locker URL" in st.detail_en


def test_open_url_refuses_a_modbus_url() -> None:
    from devices.urls import PortError, open_url

    with pytest.raises(PortError) as info:
        open_url("modbus-rtu:///dev/ttyUSB1?unit=1")
    assert "Modbus" in info.value.en


@pytest.mark.allow_log_warnings(r"simulators have no authentication")
def test_the_simulator_warns_once_beyond_loopback(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.WARNING, logger="devices.simport"):
        with AccessSimulator("modbus-tcp://127.0.0.1:0", lockers=1):
            pass
        assert not caplog.records
        with AccessSimulator("modbus-tcp://0.0.0.0:0", lockers=1) as sim:
            sim.power_cut()
            sim.power_back()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "access (Modbus)" in lines[0] and "0.0.0.0" in lines[0]


def test_lockers_shut_by_themselves_or_from_another_process(sim: AccessSimulator, ctl: AccessController) -> None:
    from devices.access.simulator import shut_by_hand

    ctl.open_locker(1)
    ticks_until(ctl, "locker-opened")
    time.sleep(0.05)
    ctl.tick()
    shut_by_hand(sim.lockers_url, 1, occupied=False)  # what the demo tour does to a simulator process
    closed = ticks_until(ctl, "locker-closed")
    assert next(e for e in closed if e.kind == "locker-closed").occupied is False
    sim.auto_close_s = 0.2
    ctl.open_locker(2)
    closed = ticks_until(ctl, "locker-closed")
    assert next(e for e in closed if e.kind == "locker-closed").locker == 2 and sim.occupied[1] is True


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_parse_url_raises_only_device_errors(text: str) -> None:
    for url in (text, "modbus-rtu://" + text, "modbus-tcp://h:1?" + text):
        try:
            parse_url(url)
        except DeviceError:
            pass


def test_the_same_over_modbus_tcp() -> None:
    with AccessSimulator("modbus-tcp://127.0.0.1:0", lockers=3) as sim:
        ctl = AccessController(sim.door_url, sim.lockers_url, pulse_s=0.05, alert_s=5, poll_s=0.02)
        try:
            assert [e.kind for e in ctl.tick()] == ["door-relocked"]
            ctl.open_door(0.1)
            ctl.open_locker(3)
            assert sim.door_coil and sim.releases == [3]
            sim.close_locker(3)
            events = ticks_until(ctl, "door-relocked")
            assert {"door-opened", "locker-opened", "door-relocked"} <= {e.kind for e in events}
            assert not sim.door_coil and not any(sim.locker_coils)
        finally:
            ctl.close()
            forget_line(parse_url(sim.door_url))
