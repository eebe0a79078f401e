"""The vendor-SDK ID card adapter (devices/idcard/sdk.py) against a stand-in SDK compiled from C.

``tests/devices/sdk_standin/termb_standin.c`` is built once per session into three libraries: the
termb (华视 CVR) family, the sdtapi family, and a termb library lacking ``CVR_Read_Content``. A
control file (``HALLKIOSK_SDK_STANDIN``) puts a card on the "reader", gives the decoded photo and
forces return codes; the stand-in logs every call, so the call sequence is asserted too.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.idcard.sdk import KINDS, SdkError, SdkIdReader, bmp_from_pixels, is_sdk_url, parse_sdk_url
from devices.idcard.simulator import demo_card
from devices.idcard.text import encode_text
from devices.registry import DeviceRegistry
from devices.urls import PortError, open_url
from hallkiosk.cli import main
from kiosk.config import DevicesConfig
from kiosk.ports import CardEvent, DeviceError, DeviceState, IdCard, IdReader

# The adapter logs reader faults at WARNING (masked, no personal data): expected here.
pytestmark = pytest.mark.allow_log_warnings(r"^ID reader ")

SOURCE = Path(__file__).parent / "sdk_standin" / "termb_standin.c"
FACES = Path(__file__).parents[1] / "data" / "faces"
VARIANTS = {"termb": ["-DSTANDIN_TERMB"], "sdtapi": ["-DSTANDIN_SDTAPI"], "noread": ["-DSTANDIN_TERMB", "-DSTANDIN_NO_READ"]}


@pytest.fixture(scope="session")
def libs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The stand-in compiled once per session: ``{"termb": …/libtermb.so, "sdtapi": …, "noread": …}``."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc/gcc) on this machine to build the stand-in SDK")
    out = tmp_path_factory.mktemp("sdk")
    built = {}
    for name, flags in VARIANTS.items():
        lib = out / f"lib{name}.so"
        subprocess.run([cc, "-shared", "-fPIC", "-O1", "-Wall", "-Werror", *flags, "-o", str(lib), str(SOURCE)],
                       check=True, capture_output=True, timeout=60)
        built[name] = lib
    return built


def face_pixels() -> np.ndarray:
    """A 102 × 126 BGR photo: a test face when tests/data/faces has one, else a drawn one."""
    faces = sorted(FACES.glob("*.jpg")) if FACES.is_dir() else []
    img = cv2.imread(str(faces[0])) if faces else None
    if img is None:
        img = np.full((126, 102, 3), 235, np.uint8)
        cv2.ellipse(img, (51, 60), (32, 42), 0, 0, 360, (150, 180, 220), -1)
        cv2.circle(img, (38, 52), 4, (40, 40, 40), -1)
        cv2.circle(img, (64, 52), 4, (40, 40, 40), -1)
        return img
    h, w = img.shape[:2]
    side = min(h, w * 126 // 102)
    top = max(0, (h - side) // 2)
    crop = img[top : top + side, max(0, (w - side * 102 // 126) // 2) :][:, : side * 102 // 126]
    return cv2.resize(crop, (102, 126), interpolation=cv2.INTER_AREA)


@dataclass
class Control:
    """The stand-in's control file and call log."""

    path: Path
    calls_path: Path
    card_path: Path
    photo_path: Path
    rc: dict[str, int] = field(default_factory=dict)
    present: bool = True

    def write(self) -> None:
        lines = [f"calls={self.calls_path}", f"photo={self.photo_path}"]
        if self.present:
            lines.append(f"card={self.card_path}")
        lines += [f"rc.{name}={code}" for name, code in self.rc.items()]
        self.path.write_text("\n".join(lines) + "\n")

    def set(self, **rc: int | None) -> None:
        for name, code in rc.items():
            if code is None:
                self.rc.pop(name, None)
            else:
                self.rc[name] = code
        self.write()

    def calls(self) -> list[str]:
        return self.calls_path.read_text().split() if self.calls_path.exists() else []


@pytest.fixture
def control(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Control:
    card = demo_card()
    card_path = tmp_path / "card.bin"
    card_path.write_bytes(encode_text(card) + card.photo)
    photo_path = tmp_path / "photo.bmp"
    ok, bmp = cv2.imencode(".bmp", face_pixels())
    assert ok
    photo_path.write_bytes(bmp.tobytes())
    ctl = Control(tmp_path / "control.txt", tmp_path / "calls.txt", card_path, photo_path)
    ctl.write()
    monkeypatch.setenv("HALLKIOSK_SDK_STANDIN", str(ctl.path))
    return ctl


@pytest.fixture
def opened() -> Iterator[list[SdkIdReader]]:
    """Readers a test opens, closed at its end (the stand-in keeps one global port)."""
    readers: list[SdkIdReader] = []
    yield readers
    for r in readers:
        r.close()


def reader_for(lib: Path, query: str = "port=1001", **kw: float) -> SdkIdReader:
    opts: dict[str, float] = dict(poll_interval=0.02, present_interval=0.05, reconnect_interval=0.05, debounce_s=0.1)
    opts.update(kw)
    return SdkIdReader(f"sdk://{lib}?{query}", **opts)  # type: ignore[arg-type]


def decoded(image: bytes) -> np.ndarray:
    arr = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    assert arr is not None, "photo_image is not an image OpenCV can read"
    return arr


def same_card_text(card: IdCard, expected: IdCard) -> None:
    for name in ("card_type", "name", "gender", "nation", "birth_date", "address", "id_number", "authority",
                 "valid_from", "valid_until"):
        assert getattr(card, name) == getattr(expected, name), name


# --- the URL ------------------------------------------------------------------------------------


def test_sdk_urls_parse_and_bad_ones_say_why() -> None:
    u = parse_sdk_url("sdk:///opt/vendor/libtermb.so?port=1001")
    assert (u.library, u.ports, u.flavor, u.decoder) == ("/opt/vendor/libtermb.so", (1001,), None, None)
    u = parse_sdk_url("sdk:///opt/v/libsdtapi.so?flavor=sdtapi&wlt=/opt/v/libwltrs.so")
    assert u.ports == tuple(range(1001, 1017)) and u.flavor == "sdtapi" and u.decoder == "/opt/v/libwltrs.so"
    assert parse_sdk_url("sdk://libtermb.so?port=3").library == "libtermb.so"  # the loader's search path
    assert parse_sdk_url("sdk:///C:/vendor/termb.dll").library == "C:/vendor/termb.dll"
    assert is_sdk_url(" SDK:///x.so") and not is_sdk_url("/dev/ttyUSB0")
    for bad, why in (("sdk:///x.so?port=usb", "port"), ("sdk:///x.so?flavor=cvr", "flavor"),
                     ("sdk:///x.so?baud=9600", "baud"), ("sdk://", "no library")):
        with pytest.raises(SdkError) as err:
            parse_sdk_url(bad)
        assert err.value.code == "sdk-url" and why in err.value.en and "SDK 地址配置有误" in err.value.zh
    with pytest.raises(PortError):  # a serial open of an SDK URL is refused with a message, not a pyserial error
        open_url("sdk:///opt/vendor/libtermb.so")


# --- good reads ---------------------------------------------------------------------------------


def test_termb_reads_every_field_and_the_decoded_photo(libs: dict[str, Path], control: Control) -> None:
    reader = reader_for(libs["termb"])
    assert isinstance(reader, IdReader)
    card = reader.read_once(2.0)
    same_card_text(card, demo_card())
    assert reader.flavor == "termb" and reader.photo_error is None
    assert card.photo_image[:2] == b"BM" and len(card.photo_image) == 38862
    assert np.array_equal(decoded(card.photo_image), face_pixels())
    assert reader.decode_photo(card) == card.photo_image
    calls = control.calls()
    assert calls[:3] == ["CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content"]
    assert {"GetPeopleName", "GetPeopleIDCode", "GetNationCode", "GetBMPData"} <= set(calls)
    assert calls[-1] == "CVR_CloseComm"
    assert "photo_image" not in card.to_json() and "150102198001011236" not in repr(card)


def test_sdtapi_reads_the_raw_block_and_unpacks_the_wlt(libs: dict[str, Path], control: Control) -> None:
    reader = reader_for(libs["sdtapi"])
    card = reader.read_once(2.0)
    expected = demo_card()
    same_card_text(card, expected)
    assert card.photo == expected.photo  # the raw WLT block, as on the serial protocol
    assert reader.flavor == "sdtapi"
    assert np.array_equal(decoded(card.photo_image), face_pixels())  # raw pixels wrapped into a BMP
    assert control.calls() == ["SDT_OpenPort", "SDT_StartFindIDCard", "SDT_SelectIDCard", "SDT_ReadBaseMsg",
                               "unpack", "SDT_ClosePort"]


def test_auto_port_tries_usb_ports_in_turn(libs: dict[str, Path], control: Control, opened: list[SdkIdReader]) -> None:
    control.set(CVR_InitComm=2)  # every port refuses …
    reader = reader_for(libs["termb"], "")
    opened.append(reader)
    with pytest.raises(SdkError) as err:
        reader.open()
    assert err.value.code == "port-not-open" and control.calls().count("CVR_InitComm") == 16
    control.set(CVR_InitComm=None)
    reader.open()
    assert reader.port == 1001


def test_no_card_is_none_not_an_error(libs: dict[str, Path], control: Control, opened: list[SdkIdReader]) -> None:
    control.present = False
    control.write()
    for lib in (libs["termb"], libs["sdtapi"]):
        reader = reader_for(lib)
        opened.append(reader)
        reader.open()
        assert reader.poll() is None
        reader.close()
        with pytest.raises(DeviceError) as err:
            reader.read_once(0.1)
        assert err.value.code == "timeout" and "未读到身份证" in err.value.zh


# --- every code → its message ---------------------------------------------------------------------

CODES = [
    # (family, function, forced return code, kind, where it fails)
    ("termb", "CVR_InitComm", 2, "port-not-open", "open"),
    ("termb", "CVR_InitComm", -1, "sdk-unknown", "open"),
    ("termb", "CVR_InitComm", -2, "library-load-failed", "open"),
    ("termb", "CVR_Authenticate", 3, "card-moved", "poll"),
    ("termb", "CVR_Authenticate", 4, "port-not-open", "poll"),
    ("termb", "CVR_Authenticate", 0, "library-load-failed", "poll"),
    ("termb", "CVR_Read_Content", 0, "read-failed", "poll"),
    ("termb", "CVR_Read_Content", 4, "port-not-open", "poll"),
    ("termb", "CVR_Read_Content", 99, "library-load-failed", "poll"),
    ("termb", "CVR_Read_Content", 7, "sdk-unknown", "poll"),
    ("sdtapi", "SDT_OpenPort", 0x01, "port-not-open", "open"),
    ("sdtapi", "SDT_OpenPort", 0x66, "sam-fault", "open"),
    ("sdtapi", "SDT_StartFindIDCard", 0x60, "sam-fault", "poll"),
    ("sdtapi", "SDT_StartFindIDCard", 0x02, "port-not-open", "poll"),
    ("sdtapi", "SDT_SelectIDCard", 0x81, "card-moved", "poll"),
    ("sdtapi", "SDT_ReadBaseMsg", 0x41, "read-failed", "poll"),
    ("sdtapi", "SDT_ReadBaseMsg", 0x33, "read-failed", "poll"),
    ("sdtapi", "SDT_ReadBaseMsg", 0x40, "card-type-unsupported", "poll"),
    ("sdtapi", "SDT_ReadBaseMsg", 0x77, "sdk-unknown", "poll"),
]


@pytest.mark.parametrize(("family", "function", "rc", "kind", "where"), CODES,
                         ids=[f"{c[1]}={c[2]}" for c in CODES])
def test_each_sdk_code_becomes_its_message(
    libs: dict[str, Path], control: Control, opened: list[SdkIdReader],
    family: str, function: str, rc: int, kind: str, where: str,
) -> None:
    reader = reader_for(libs[family])
    opened.append(reader)
    control.set(**{function: rc})
    with pytest.raises(SdkError) as err:
        reader.open()
        assert where == "poll"
        reader.poll()
    exc = err.value
    k = KINDS[kind]
    assert (exc.code, exc.function, exc.rc) == (kind, function, rc)
    assert exc.zh.startswith(k.zh) and exc.en.startswith(k.en) and function in exc.zh and function in exc.en
    assert exc.card_level == k.card_level
    control.set(**{function: None})  # the fault cleared: the same reader reads again
    reader.close()
    assert reader.read_once(1.0).id_number == demo_card().id_number


@pytest.mark.parametrize("family", ["termb", "sdtapi"])
def test_a_photo_that_does_not_decode_still_gives_the_card(
    libs: dict[str, Path], control: Control, family: str,
) -> None:
    function = "GetBMPData" if family == "termb" else "unpack"
    control.set(**{function: 0 if family == "termb" else -1})
    reader = reader_for(libs[family])
    card = reader.read_once(1.0)
    assert card.id_number == demo_card().id_number and card.photo_image == b""
    assert reader.photo_error is not None and reader.photo_error.code == "photo-decode-failed"
    assert reader.photo_error.zh.startswith("身份证照片解码失败") and function in reader.photo_error.en
    assert reader.decode_photo(card) is None


def test_a_decoder_that_returns_no_image_is_a_decode_failure(libs: dict[str, Path], control: Control) -> None:
    control.photo_path.write_bytes(b"not a bitmap" * 100)
    reader = reader_for(libs["termb"])
    card = reader.read_once(1.0)
    assert card.photo_image == b"" and reader.photo_error is not None
    assert "not a BMP" in reader.photo_error.en


def test_raw_pixels_are_wrapped_into_a_readable_bmp() -> None:
    px = face_pixels()
    rows = b"".join(px[y].tobytes() for y in range(125, -1, -1))  # bottom-up, 306-byte rows
    assert np.array_equal(decoded(bmp_from_pixels(rows)), px)


# --- the library or a function is missing -----------------------------------------------------------


def test_a_missing_library_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "opt" / "libtermb.so"
    reader = SdkIdReader(f"sdk://{path}?port=1001")  # lazy: nothing is loaded yet
    assert reader.flavor is None
    with pytest.raises(SdkError) as err:
        reader.read_once(0.1)
    assert err.value.code == "library-missing" and str(path) in err.value.zh
    assert err.value.zh.startswith("找不到身份证阅读器 SDK 动态库")
    not_elf = tmp_path / "libfake.so"
    not_elf.write_text("not a library")
    with pytest.raises(SdkError) as err:
        SdkIdReader(f"sdk://{not_elf}").open()
    assert err.value.code == "library-load-failed" and err.value.kind.state == DeviceState.ERROR


def test_a_missing_function_names_it(libs: dict[str, Path], control: Control) -> None:
    with pytest.raises(SdkError) as err:
        reader_for(libs["noread"]).read_once(0.1)
    assert err.value.code == "symbol-missing" and "CVR_Read_Content" in err.value.zh
    with pytest.raises(SdkError) as err:  # the wrong family forced
        reader_for(libs["termb"], "port=1001&flavor=sdtapi").open()
    assert err.value.code == "symbol-missing" and "SDT_OpenPort" in err.value.en


# --- the reader loop ------------------------------------------------------------------------------


class Running:
    """The adapter's run() on a test thread, its events in a queue."""

    def __init__(self, reader: SdkIdReader) -> None:
        self.reader = reader
        self.events: queue.Queue[CardEvent] = queue.Queue()
        self.seen: list[CardEvent] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=reader.run, args=(self.stop, self.events.put))

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()

    def wait(self, pred: Callable[[CardEvent], bool], timeout: float = 3.0) -> CardEvent:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                ev = self.events.get(timeout=remaining)
            except queue.Empty:
                break
            self.seen.append(ev)
            if pred(ev):
                return ev
        raise AssertionError(f"event not seen; got {self.seen}")


def test_the_loop_reports_the_card_once_then_reopens_after_the_reader_drops(
    libs: dict[str, Path], control: Control,
) -> None:
    reader = reader_for(libs["termb"])
    with Running(reader) as run:
        first = run.wait(lambda e: e.kind == "card")
        assert first.card is not None and first.card.photo_image[:2] == b"BM"
        assert reader.state == DeviceState.ONLINE
        control.set(CVR_Authenticate=4)  # the reader drops off the USB bus
        err = run.wait(lambda e: e.kind == "error")
        assert err.error is not None and err.error.code == "port-not-open"
        run.wait(lambda e: e.kind == "state" and e.state == DeviceState.OFFLINE)
        assert [e.kind for e in run.seen].count("removed") == 1  # the card went with the reader
        control.set(CVR_Authenticate=None)  # back: the port is opened again and the card read again
        again = run.wait(lambda e: e.kind == "card")
        assert again.card is not None and again.card.id_number == first.card.id_number
        calls = control.calls()
        closed = calls.index("CVR_CloseComm")  # the fault closed the port …
        assert calls[0] == "CVR_InitComm" and "CVR_InitComm" in calls[closed:]  # … and it was opened again
        assert sum(1 for e in run.seen if e.kind == "card") == 2
    assert control.calls()[-1] == "CVR_CloseComm"  # stop closes the port


def test_the_loop_says_the_photo_failed_before_the_card(libs: dict[str, Path], control: Control) -> None:
    control.set(unpack=-1)
    with Running(reader_for(libs["sdtapi"])) as run:
        card = run.wait(lambda e: e.kind == "card")
    kinds = [e.kind for e in run.seen]
    err = run.seen[kinds.index("error")]
    assert kinds.index("error") < kinds.index("card") and err.error is not None
    assert err.error.code == "photo-decode-failed" and card.card is not None and card.card.photo_image == b""


def test_the_loop_without_its_library_stays_in_error_and_says_so_once(tmp_path: Path) -> None:
    reader = SdkIdReader(f"sdk://{tmp_path / 'libnone.so'}?port=1001", reconnect_interval=0.02)
    with Running(reader) as run:
        run.wait(lambda e: e.kind == "error")
        time.sleep(0.15)
    errors = [e for e in run.seen + list(run.events.queue) if e.kind == "error"]
    assert len(errors) == 1 and errors[0].error is not None and errors[0].error.code == "library-missing"
    assert reader.state == DeviceState.ERROR


# --- registry and command line --------------------------------------------------------------------


def test_registry_builds_and_probes_the_sdk_reader(libs: dict[str, Path], control: Control, tmp_path: Path) -> None:
    reg = DeviceRegistry.from_config(DevicesConfig(id_reader=f"sdk://{libs['termb']}?port=1001"))
    assert isinstance(reg.id_reader, SdkIdReader)
    st = reg.status("id_reader", probe=True)
    assert st.state == DeviceState.ONLINE and "termb" in st.detail_en
    assert control.calls() == ["CVR_InitComm", "CVR_CloseComm"]
    missing = DeviceRegistry.from_config(DevicesConfig(id_reader=f"sdk://{tmp_path / 'libx.so'}"))
    st = missing.status("id_reader", probe=True)
    assert st.state == DeviceState.ERROR and st.detail_zh.startswith("找不到身份证阅读器 SDK 动态库")
    bad = DeviceRegistry.from_config(DevicesConfig(id_reader="sdk:///x.so?port=usb"))
    assert bad.id_reader is None and bad.status("id_reader").state == DeviceState.ERROR


def test_cli_read_id_with_an_sdk_device(
    libs: dict[str, Path], control: Control, capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    url = f"sdk://{libs['sdtapi']}?port=1001"
    assert main(["devices", "read-id", "--device", url, "--timeout", "1", "--json", "--data-dir", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == demo_card().to_json()
    assert main(["devices", "read-id", "--device", url, "--timeout", "1", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "号码 number: 150102********1236" in out and "解码照片 decoded photo: 38862 B BMP" in out
    assert "150102198001011236" not in out
    control.set(unpack=-1)
    assert main(["devices", "read-id", "--device", url, "--timeout", "1", "--data-dir", str(tmp_path)]) == 0
    assert "[photo-decode-failed]" in capsys.readouterr().err
    missing = f"sdk://{tmp_path / 'libtermb.so'}?port=1001"
    assert main(["devices", "read-id", "--device", missing, "--timeout", "0.2", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "[library-missing]" in err and "找不到身份证阅读器 SDK 动态库" in err and "Traceback" not in err


def test_a_kiosk_with_an_sdk_reader_gets_the_card_on_its_ui_thread(
    qtbot, libs: dict[str, Path], control: Control, tmp_path: Path,
) -> None:
    """The composition root runs the adapter's loop on its id-reader thread; the card and its decoded
    photo reach the UI thread through the bridge, and the status bar says the reader is fine.
    (A fresh terminal takes 3.5–8 s to build on 2 loaded cores: in LONG_END_TO_END, make test-slow.)"""
    import dataclasses

    from PySide6.QtCore import QThread

    from hallkiosk.app import build_terminal, ensure_qapp
    from kiosk.config import load_config

    ensure_qapp()
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    cfg = dataclasses.replace(cfg, devices=dataclasses.replace(cfg.devices, id_reader=f"sdk://{libs['termb']}?port=1001"))
    term = build_terminal(cfg, "kiosk", follow=False, sync=False)
    try:
        events: list[tuple[CardEvent, bool]] = []
        term.ctx.bridge.cardEvent.connect(lambda e: events.append((e, QThread.currentThread() is term.ctx.bridge.thread())))
        qtbot.waitUntil(lambda: any(e.kind == "card" for e, _ in events), timeout=5000)
        card = next(e.card for e, _ in events if e.kind == "card")
        assert card is not None and card.id_number == demo_card().id_number and card.photo_image[:2] == b"BM"
        assert all(on_main for _, on_main in events)
        assert term.monitor is not None
        term.monitor.refresh()
        qtbot.waitUntil(lambda: "身份证阅读器·正常" in term.window.status_items.devices.text(), timeout=5000)
    finally:
        term.stop()
    assert control.calls()[-1] == "CVR_CloseComm"  # the loop closed the SDK's port when the terminal stopped
