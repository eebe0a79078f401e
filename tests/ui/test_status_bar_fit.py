"""The status bar never clips the device list: in a portrait window the devices that need attention are
named and the rest counted (the full list stays in the tooltip)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from kiosk.ports import DeviceState, DeviceStatus
from tests.helpers.screens import clipped_texts

DEVICES = [DeviceStatus("id_reader", "socket://x", DeviceState.ONLINE), DeviceStatus("printer", "socket://y", DeviceState.ONLINE),
           DeviceStatus("camera", "synthetic", DeviceState.ONLINE), DeviceStatus("scanner", "socket://z", DeviceState.ONLINE)]


def test_the_device_list_fits_both_orientations(terminal) -> None:  # type: ignore[no-untyped-def]
    term = terminal("kiosk")
    items = term.window.status_items
    for (w, h), full in (((1920, 1080), True), ((1080, 1920), False)):
        term.window.resize(w, h)
        term.window.show()
        QApplication.processEvents()
        items.show_devices(DEVICES)
        QApplication.processEvents()
        assert clipped_texts(items) == []
        assert ("打印机" in items.devices.text()) is full and "打印机" in items.devices.toolTip()
    broken = [*DEVICES[:3], DeviceStatus("scanner", "socket://z", DeviceState.ERROR)]
    items.show_devices(broken)
    QApplication.processEvents()
    assert items.devices.text().startswith("扫码器") and "打印机" not in items.devices.text()  # the one needing attention, by name
    assert clipped_texts(items) == []


def test_when_even_the_devices_needing_attention_do_not_fit_only_their_count_shows(terminal) -> None:  # type: ignore[no-untyped-def]
    """Four devices all 未知 (never heard from, as on the supervision wall's replay) were cut off in a
    portrait window: the short form named all four. Now it falls back to their count."""
    term = terminal("kiosk")
    items = term.window.status_items
    unknown = [DeviceStatus(d.name, d.url, DeviceState.UNKNOWN) for d in DEVICES]
    for (w, h), want in (((1920, 1080), None), ((1080, 1920), "设备：4 台需注意")):
        term.window.resize(w, h)
        term.window.show()
        QApplication.processEvents()
        items.show_devices(unknown)
        QApplication.processEvents()
        assert clipped_texts(items) == [], (w, h)
        text = items.devices.text()
        assert (text.count("未知") == 4) if want is None else (text == want), (w, h, text)
        assert items.devices.toolTip().count("未知") == 4
