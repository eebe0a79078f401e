"""One registry of the configured devices: builds drivers from URLs and reports their status.

:meth:`DeviceRegistry.from_config` takes :class:`kiosk.config.DevicesConfig` and builds a driver
for every configured URL: :class:`~devices.idcard.driver.SamIdReader` (or, for an ``sdk://`` URL,
:class:`~devices.idcard.sdk.SdkIdReader`, the vendor-SDK reader),
:class:`~devices.scanner.LineScanner`, :class:`~devices.keypads.KeypadReceiver`, the ESC/POS
printer (``devices.printer.driver.EscPosPrinter``) and the camera (``devices.camera.open_camera``).
The printer and camera modules are imported lazily and guarded, so a missing or broken optional
module makes that one device ERROR, not the registry fail. The registry starts no threads: the
composition root runs the drivers' ``run`` loops.

The evaluation area's devices (issue 17) are built too when ``[devices]`` names them — ``modem``
(:class:`~devices.sms.modem.GsmModem`), ``door`` and ``lockers`` (one
:class:`~devices.access.controller.AccessController` for both, ``access``) — and listed after the
others by :meth:`DeviceRegistry.names` only when configured, so a terminal without them shows
nothing new.

:meth:`DeviceRegistry.statuses` gives one :class:`kiosk.ports.DeviceStatus` per device: the state
a running driver last reported, or, with ``probe=True``, a short active check (SAM status for
the ID reader, opening the port for the line devices, DLE EOT for the printer).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from devices.idcard.driver import SamIdReader
from devices.idcard.sdk import SdkIdReader, is_sdk_url
from devices.keypads import KeypadReceiver
from devices.scanner import LineScanner
from devices.urls import PortError, close_quietly, open_url
from kiosk.config import DevicesConfig
from kiosk.ports import DeviceError, DeviceState, DeviceStatus

log = logging.getLogger(__name__)

DEVICE_NAMES = ("id_reader", "scanner", "printer", "keypads", "camera")
#: the evaluation area's devices: in :meth:`DeviceRegistry.names` only when configured
EVALUATION_DEVICE_NAMES = ("modem", "door", "lockers")
LABELS = {
    "id_reader": ("身份证阅读器", "ID card reader"),
    "scanner": ("扫码器", "code scanner"),
    "printer": ("小票打印机", "receipt printer"),
    "keypads": ("竞价器", "bidder keypads"),
    "camera": ("摄像头", "camera"),
    "modem": ("短信猫", "SMS modem"),
    "door": ("评标区门禁", "evaluation area door"),
    "lockers": ("手机柜", "phone lockers"),
}


@dataclass
class DeviceRegistry:
    """The devices of this terminal, built from the configuration."""

    config: DevicesConfig
    id_reader: SamIdReader | SdkIdReader | None = None
    scanner: LineScanner | None = None
    keypads: KeypadReceiver | None = None
    printer: Any = None  #: devices.printer.driver.EscPosPrinter
    camera: Any = None  #: devices.camera.CameraBase
    modem: Any = None  #: devices.sms.modem.GsmModem
    access: Any = None  #: devices.access.controller.AccessController (the door and the lockers)
    build_errors: dict[str, DeviceError] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: DevicesConfig) -> DeviceRegistry:
        """Build a driver for every configured URL (nothing is opened yet)."""
        reg = cls(config)
        if config.id_reader:
            reg.id_reader = reg._build("id_reader", lambda: id_reader_for(config.id_reader))
        if config.scanner:
            reg.scanner = LineScanner(config.scanner)
        if config.keypads:
            reg.keypads = KeypadReceiver(config.keypads)
        if config.printer:
            reg.printer = reg._build("printer", lambda: _printer(config.printer, config.printer_width_mm))
        if config.camera:
            reg.camera = reg._build("camera", lambda: _camera(config.camera))
        if reg.url_of("modem"):
            reg.modem = reg._build("modem", lambda: _modem(reg.url_of("modem")))
        if reg.url_of("door") or reg.url_of("lockers"):
            reg.access = reg._build("access", lambda: _access(reg.url_of("door"), reg.url_of("lockers")))
            if "access" in reg.build_errors:
                err = reg.build_errors.pop("access")
                for name in ("door", "lockers"):
                    if reg.url_of(name):
                        reg.build_errors[name] = err
        return reg

    def _build(self, name: str, make: Any) -> Any:
        try:
            return make()
        except ImportError as exc:
            self.build_errors[name] = DeviceError(
                "driver-missing", f"驱动模块不可用：{exc.name or exc}", f"driver module not available: {exc.name or exc}"
            )
        except DeviceError as exc:
            self.build_errors[name] = exc
        except Exception as exc:  # noqa: BLE001 - another module's constructor: report, don't crash the hall
            self.build_errors[name] = DeviceError("build-failed", f"设备初始化失败：{exc}", f"device set-up failed: {exc}")
        return None

    def url_of(self, name: str) -> str:
        return str(getattr(self.config, name, "") or "")

    def names(self) -> tuple[str, ...]:
        """The devices this terminal shows: the fixed five, then the evaluation area's configured ones."""
        return DEVICE_NAMES + tuple(n for n in EVALUATION_DEVICE_NAMES if self.url_of(n))

    def statuses(self, *, probe: bool = False, timeout: float = 0.5) -> list[DeviceStatus]:
        """One status per device, in a fixed order (see module doc)."""
        return [self.status(name, probe=probe, timeout=timeout) for name in self.names()]

    def status(self, name: str, *, probe: bool = False, timeout: float = 0.5) -> DeviceStatus:
        """The status of one device (``id_reader``, ``scanner``, ``printer``, ``keypads``, ``camera``)."""
        url = self.url_of(name)
        zh, en = LABELS[name]
        if not url:
            return DeviceStatus(name, "", DeviceState.NOT_CONFIGURED, "未配置", "not configured")
        if name in self.build_errors:
            err = self.build_errors[name]
            return DeviceStatus(name, url, DeviceState.ERROR, err.zh, err.en)
        driver = self.access if name in ("door", "lockers") else getattr(self, name)
        try:
            if name in EVALUATION_DEVICE_NAMES:
                return _evaluation_status(name, driver, url, probe, timeout)
            if name == "printer":
                return _printer_status(driver, url, probe)
            if name == "camera":
                st = driver.status()
                return DeviceStatus(name, url, st.state, st.detail_zh, st.detail_en)
            state = getattr(driver, "state", DeviceState.UNKNOWN)
            if state != DeviceState.UNKNOWN or not probe:
                last = getattr(driver, "last_error", None)
                if state == DeviceState.ONLINE or last is None:
                    return DeviceStatus(name, url, state, zh, en)
                return DeviceStatus(name, url, state, last.zh, last.en)
            if name == "id_reader":
                return _probe_id_reader(driver, url, timeout)
            return _probe_line_port(name, url, driver.baudrate)
        except DeviceError as exc:
            return DeviceStatus(name, url, DeviceState.ERROR, exc.zh, exc.en)
        except Exception as exc:  # noqa: BLE001 - another module's status(): report it
            return DeviceStatus(name, url, DeviceState.ERROR, f"状态查询失败：{exc}", f"status query failed: {exc}")


def id_reader_for(url: str) -> SamIdReader | SdkIdReader:
    """The ID card driver for a URL: the vendor SDK for ``sdk://…``, else the serial SAM protocol."""
    return SdkIdReader(url) if is_sdk_url(url) else SamIdReader(url)


def _printer(url: str, width_mm: int) -> Any:
    module = importlib.import_module("devices.printer.driver")
    return module.EscPosPrinter(url, width_mm)


def _camera(url: str) -> Any:
    module = importlib.import_module("devices.camera")
    return module.open_camera(url)


def _modem(url: str) -> Any:
    module = importlib.import_module("devices.sms.modem")
    return module.GsmModem(url)


def _access(door_url: str, lockers_url: str) -> Any:
    module = importlib.import_module("devices.access.controller")
    return module.AccessController(door_url, lockers_url)


def _evaluation_status(name: str, driver: Any, url: str, probe: bool, timeout: float) -> DeviceStatus:
    """The modem's or the door/lockers' state: what its running loop last saw, or a short probe."""
    zh, en = LABELS[name]
    state = getattr(driver, "state", DeviceState.UNKNOWN)
    if state != DeviceState.UNKNOWN or not probe:
        last = getattr(driver, "last_error", None)
        if state == DeviceState.ONLINE or last is None:
            return DeviceStatus(name, url, state, zh, en)
        return DeviceStatus(name, url, state, last.zh, last.en)
    if name == "modem":
        module = importlib.import_module("devices.sms.modem")
        err = module.probe(url, timeout=timeout)
    else:
        err = None
        events = driver.tick()  # one round on the line: relays off, inputs read
        lost = [e for e in events if e.kind == "link-lost"]
        if lost:
            err = lost[0].error
        driver.close()
    if err is None:
        return DeviceStatus(name, url, DeviceState.ONLINE, zh, en)
    return DeviceStatus(name, url, DeviceState.OFFLINE, err.zh, err.en)


def _printer_status(printer: Any, url: str, probe: bool) -> DeviceStatus:
    if not probe:
        return DeviceStatus("printer", url, DeviceState.UNKNOWN, "未检测", "not checked")
    try:
        st = printer.status()
    finally:
        close = getattr(printer, "close", None)
        if callable(close):
            close()
    if not st.online:
        return DeviceStatus("printer", url, DeviceState.OFFLINE, "打印机无应答", "printer does not answer")
    if not st.can_print:
        detail = st.error or ("cover open" if st.cover_open else f"paper {st.paper.value}")
        return DeviceStatus("printer", url, DeviceState.ERROR, f"打印机故障：{detail}", f"printer fault: {detail}")
    return DeviceStatus("printer", url, DeviceState.ONLINE, f"纸张 {st.paper.value}", f"paper {st.paper.value}")


def _probe_id_reader(reader: SamIdReader | SdkIdReader, url: str, timeout: float) -> DeviceStatus:
    if isinstance(reader, SdkIdReader):
        return reader.probe()
    probe = SamIdReader(url, baudrate=reader.baudrate, response_timeout=timeout)
    try:
        port = probe._open()
    except PortError as exc:
        return DeviceStatus("id_reader", url, DeviceState.OFFLINE, exc.zh, exc.en)
    try:
        probe.sam_status(port)
    except PortError as exc:
        return DeviceStatus("id_reader", url, DeviceState.OFFLINE, exc.zh, exc.en)
    except DeviceError as exc:
        state = DeviceState.OFFLINE if exc.code == "no-answer" else DeviceState.ERROR
        return DeviceStatus("id_reader", url, state, exc.zh, exc.en)
    finally:
        close_quietly(port)
    return DeviceStatus("id_reader", url, DeviceState.ONLINE, "SAM 正常", "SAM OK")


def _probe_line_port(name: str, url: str, baudrate: int) -> DeviceStatus:
    try:
        port = open_url(url, baudrate=baudrate, timeout=0)
    except PortError as exc:
        return DeviceStatus(name, url, DeviceState.OFFLINE, exc.zh, exc.en)
    close_quietly(port)
    # Line devices never answer a query: an open port is all we can know before the first line.
    return DeviceStatus(name, url, DeviceState.UNKNOWN, "端口可打开，等待数据", "port opens; no data yet")
