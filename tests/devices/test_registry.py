"""The device registry: drivers from DevicesConfig, statuses from live simulators."""

from __future__ import annotations

from devices.idcard.driver import SamIdReader
from devices.idcard.simulator import IdReaderSimulator
from devices.keypads import KeypadReceiver
from devices.registry import DEVICE_NAMES, DeviceRegistry
from devices.scanner import LineScanner, ScannerSimulator
from kiosk.config import DevicesConfig
from kiosk.ports import DeviceState


def test_nothing_configured() -> None:
    reg = DeviceRegistry.from_config(DevicesConfig())
    sts = reg.statuses(probe=True)
    assert [s.name for s in sts] == list(DEVICE_NAMES)
    assert {s.state for s in sts} == {DeviceState.NOT_CONFIGURED}
    assert reg.id_reader is None and reg.printer is None


def test_builds_drivers_and_probes_live_and_dead_ports(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with IdReaderSimulator(baud=None) as idsim, ScannerSimulator(baud=None) as scsim:
        cfg = DevicesConfig(id_reader=idsim.url, scanner=scsim.url, keypads=str(tmp_path / "ttyNONE"),
                            camera="synthetic", printer="socket://127.0.0.1:1")
        reg = DeviceRegistry.from_config(cfg)
        assert isinstance(reg.id_reader, SamIdReader) and isinstance(reg.scanner, LineScanner)
        assert isinstance(reg.keypads, KeypadReceiver)
        by = {s.name: s for s in reg.statuses(probe=True, timeout=0.3)}
        assert by["id_reader"].state == DeviceState.ONLINE
        assert by["scanner"].state == DeviceState.UNKNOWN and by["scanner"].detail_en
        assert by["keypads"].state == DeviceState.OFFLINE and "ttyNONE" in by["keypads"].detail_en
        assert by["printer"].state in (DeviceState.OFFLINE, DeviceState.ERROR)
        assert by["camera"].state != DeviceState.NOT_CONFIGURED
        idsim.force_sw3[(0x11, 0xFF)] = 0x60
        st = reg.status("id_reader", probe=True, timeout=0.3)
        assert st.state == DeviceState.ERROR and "0x60" in st.detail_en
        idsim.mute = True
        assert reg.status("id_reader", probe=True, timeout=0.2).state == DeviceState.OFFLINE
        # without probing, a driver that never ran is UNKNOWN
        assert reg.status("id_reader").state == DeviceState.UNKNOWN


def test_missing_optional_module_is_an_error_not_a_crash(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "devices.printer.driver", None)  # import now fails
    reg = DeviceRegistry.from_config(DevicesConfig(printer="socket://127.0.0.1:9"))
    st = reg.status("printer", probe=True)
    assert reg.printer is None and st.state == DeviceState.ERROR and "not available" in st.detail_en
