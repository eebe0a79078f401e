"""The ID card reader through its vendor's C SDK, by ``ctypes`` (docs/devices.md §1.8).

Readers sold in China that are not serial SAM units (most "USB" CVR-100U/UC, SS628, iDR210 USB,
新中新 …) are driven through the vendor's shared library. Two families of call are common, and
:class:`SdkIdReader` speaks both, chosen by a device URL::

    sdk:///opt/vendor/libtermb.so?port=1001
    sdk:///opt/vendor/libsdtapi.so?port=1001&flavor=sdtapi&wlt=/opt/vendor/libwltrs.so

* ``termb`` (华视 CVR, ``libtermb.so``): ``CVR_InitComm(port)`` → ``CVR_Authenticate()`` (find +
  select) → ``CVR_Read_Content(1)`` → the ``GetPeople…`` getters (GBK text) and ``GetBMPData`` (the
  decoded photo as a BMP file) → ``CVR_CloseComm()``; success is 1. The same names without the
  ``CVR_`` prefix (``InitComm``, ``Authenticate``, ``Read_Content``, ``CloseComm``) are accepted.
* ``sdtapi`` (the SDT API many vendors ship, ``libsdtapi.so``): ``SDT_OpenPort(port)`` →
  ``SDT_StartFindIDCard`` → ``SDT_SelectIDCard`` → ``SDT_ReadBaseMsg`` (the raw 256-byte UCS-2LE
  text block, parsed by :mod:`devices.idcard.text` exactly as on the wire, and the 1024-byte WLT
  photo) → ``SDT_ClosePort``; the codes are the SAM's SW3 bytes (0x90, 0x9F, 0x80 …). The WLT
  photo is decoded by ``unpack(wlt, pixels, 0)`` from the same library or from ``wlt=…``.

Without ``flavor`` the family is told from the exported symbols (``SDT_ReadBaseMsg`` → sdtapi,
``CVR_InitComm``/``InitComm`` → termb). ``port`` is the SDK's number (1–16 serial, 1001–1016 USB;
``auto`` or none tries 1001–1016). The library is loaded lazily, on the first open, and every
call into it is made under one lock per library (vendor SDKs keep global state) — from the reader
loop's thread or a CLI, never the UI thread. Every return code becomes an :class:`SdkError`, a
:class:`kiosk.ports.DeviceError` with a Chinese and an English message for the screen, one of the
``kind``\\ s of :data:`KINDS`; a missing library or function is one of them, never a traceback.

The decoded photo goes into :attr:`kiosk.ports.IdCard.photo_image` as a BMP; when it cannot be
decoded the card is still read (the face check then uses another reference) and the photo error is
reported beside it. Fingerprints are not read through the SDK.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from devices.idcard.status import STATUS_TABLE, ReadTimeoutError
from devices.idcard.text import LONG_TERM, NATIONS, PHOTO_LEN, TEXT_LEN, gender_name, nation_name, parse_text
from devices.idcard.tracking import CardTracker
from devices.urls import SDK_SCHEME as SCHEME
from kiosk.pii import mask_id_number, mask_name
from kiosk.ports import CardEvent, DeviceError, DeviceState, DeviceStatus, IdCard

log = logging.getLogger(__name__)

FLAVORS = ("termb", "sdtapi")
AUTO_PORTS = tuple(range(1001, 1017))

#: A decoded WLT photo: 102 × 126 px, 24-bit BGR, bottom-up (docs/devices.md §1.6).
PHOTO_W, PHOTO_H = 102, 126
RAW_PIXELS_LEN = PHOTO_W * PHOTO_H * 3  # 38 556, what unpack writes
BMP_MAX = 65536  # room for the decoder's output (a 102 × 126 BMP is 38 862 bytes)

# --- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One outcome of an SDK call as the screen shows it."""

    code: str
    zh: str
    en: str
    state: DeviceState  #: the reader's state after it
    card_level: bool = False  #: about the card in the field (place it again), not the reader


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("no-card", "未放置身份证，请将身份证放在阅读器上", "No ID card on the reader; place the card on it",
             DeviceState.ONLINE, card_level=True),
        Kind("card-moved", "身份证移动了，请重新放稳身份证", "The card moved; place it again and hold it still",
             DeviceState.ONLINE, card_level=True),
        Kind("read-failed", "读卡失败，请取下身份证重新放置", "Reading the card failed; take it off and place it again",
             DeviceState.ONLINE, card_level=True),
        Kind("sam-fault", "身份证阅读器安全模块（SAM）故障，请联系工作人员",
             "The ID reader's security module (SAM) is faulty; please call staff", DeviceState.ERROR),
        Kind("port-not-open", "身份证阅读器未连接或端口打不开，请联系工作人员",
             "The ID reader is not connected or its port cannot be opened; please call staff", DeviceState.OFFLINE),
        Kind("photo-decode-failed", "身份证照片解码失败，将改用其他方式核验",
             "The card's photo could not be decoded; another check will be used", DeviceState.ONLINE),
        Kind("library-missing", "找不到身份证阅读器 SDK 动态库，请联系工作人员",
             "The ID reader's SDK library is not found; please call staff", DeviceState.ERROR),
        Kind("library-load-failed", "身份证阅读器 SDK 动态库无法加载，请联系工作人员",
             "The ID reader's SDK library cannot be loaded; please call staff", DeviceState.ERROR),
        Kind("symbol-missing", "身份证阅读器 SDK 缺少所需函数（版本不符），请联系工作人员",
             "The ID reader's SDK lacks a function it needs (wrong version); please call staff", DeviceState.ERROR),
        Kind("card-type-unsupported", "此读卡器接口不能读取该类证件，请到人工窗口办理",
             "This reader's SDK cannot read this kind of card; please go to a staffed counter",
             DeviceState.ONLINE, card_level=True),
        Kind("sdk-unknown", "身份证阅读器返回未知代码，请联系工作人员",
             "The ID reader returned an unknown code; please call staff", DeviceState.ERROR),
        Kind("sdk-url", "身份证阅读器 SDK 地址配置有误", "The ID reader's SDK URL is malformed", DeviceState.ERROR),
    )
}


class SdkError(DeviceError):
    """An SDK call failed (or the SDK cannot be used): ``code`` is one of :data:`KINDS`.

    Attributes:
        kind: the :class:`Kind` (state, card_level).
        detail: what exactly happened (function and return code, path …), also in the messages.
        function: the SDK function, or "" when no call was made.
        rc: its return code, or None.
    """

    def __init__(
        self, kind: str, detail: str = "", *, function: str = "", rc: int | None = None, detail_zh: str | None = None,
    ) -> None:
        k = KINDS[kind]
        zh_detail = detail if detail_zh is None else detail_zh
        super().__init__(k.code, k.zh + (f"（{zh_detail}）" if zh_detail else ""), k.en + (f" ({detail})" if detail else ""))
        self.kind = k
        self.detail = detail
        self.function = function
        self.rc = rc

    @property
    def card_level(self) -> bool:
        return self.kind.card_level


def _call_detail(function: str, rc: int, hexa: bool = False) -> str:
    return f"{function} → {f'0x{rc:02X}' if hexa else rc}"


# Return codes of the termb (CVR) family, per function: rc → kind. 1 is success everywhere.
TERMB_CODES: dict[str, dict[int, str]] = {
    "InitComm": {2: "port-not-open", -1: "sdk-unknown", -2: "library-load-failed", 0: "library-load-failed"},
    "Authenticate": {2: "no-card", 3: "card-moved", 4: "port-not-open", 0: "library-load-failed"},
    "Read_Content": {0: "read-failed", 4: "port-not-open", 99: "library-load-failed"},
}

#: SW3 codes of the sdtapi family → kind (0x90 and 0x9F are success).
SDTAPI_CODES: dict[int, str] = {
    0x80: "no-card", 0x81: "card-moved",
    0x91: "read-failed", 0x31: "read-failed", 0x32: "read-failed", 0x33: "read-failed",
    0x40: "card-type-unsupported", 0x41: "read-failed", 0x47: "read-failed",
    0x10: "sam-fault", 0x11: "sam-fault", 0x21: "sam-fault", 0x23: "sam-fault", 0x24: "sam-fault",
    0x60: "sam-fault", 0x66: "sam-fault",
    0x01: "port-not-open", 0x02: "port-not-open", 0x03: "port-not-open", 0x05: "port-not-open",
}


def termb_error(function: str, group: str, rc: int) -> SdkError:
    """The error for a termb-family return code other than 1."""
    return SdkError(TERMB_CODES[group].get(rc, "sdk-unknown"), _call_detail(function, rc), function=function, rc=rc)


def sdtapi_error(function: str, rc: int) -> SdkError:
    """The error for an SDT-family status other than 0x90/0x9F (its SW3 meaning in the detail)."""
    info = STATUS_TABLE.get(rc)
    detail = _call_detail(function, rc, hexa=True)
    return SdkError(SDTAPI_CODES.get(rc, "sdk-unknown"), detail + (f" {info.en}" if info else ""), function=function,
                    rc=rc, detail_zh=detail + (f" {info.zh}" if info else ""))


# --- the URL ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SdkUrl:
    """A parsed ``sdk://`` device URL."""

    library: str  #: a path, or a bare name for the loader's search path
    ports: tuple[int, ...]  #: the port, or the ports to try in turn
    flavor: str | None  #: "termb", "sdtapi" or None (from the symbols)
    decoder: str | None  #: a separate WLT decoder library exporting unpack


def is_sdk_url(url: str) -> bool:
    """True for an ``sdk://`` URL (the vendor-SDK reader) rather than a serial one."""
    return url.strip().lower().startswith(SCHEME)


def parse_sdk_url(url: str) -> SdkUrl:
    """``sdk:///opt/vendor/libtermb.so?port=1001[&flavor=termb|sdtapi][&wlt=/path/libwltrs.so]``.

    Raises:
        SdkError: ``sdk-url`` — not an sdk URL, no library, a bad port or flavor, an unknown key.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() != "sdk":
        raise SdkError("sdk-url", f"not an sdk:// URL: {url}")
    library = urllib.parse.unquote(parts.netloc + parts.path)
    if len(library) > 3 and library[0] == "/" and library[2] == ":" and library[1].isalpha():
        library = library[1:]  # sdk:///C:/vendor/termb.dll on Windows
    if not library or library.endswith("/"):
        raise SdkError("sdk-url", f"no library in {url}")
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"port", "flavor", "wlt"}
    if unknown:
        raise SdkError("sdk-url", f"unknown key {', '.join(sorted(unknown))} in {url}")
    port_text = query.get("port", ["auto"])[-1].strip().lower()
    if port_text in ("", "auto"):
        ports = AUTO_PORTS
    else:
        try:
            ports = (int(port_text),)
        except ValueError:
            raise SdkError("sdk-url", f"port {port_text!r} is not a number") from None
    flavor = query.get("flavor", [""])[-1].strip().lower() or None
    if flavor is not None and flavor not in FLAVORS:
        raise SdkError("sdk-url", f"flavor {flavor!r} is not termb or sdtapi")
    decoder = query.get("wlt", [""])[-1].strip() or None
    return SdkUrl(library, ports, flavor, decoder)


# --- loading ------------------------------------------------------------------------------------

_LOAD_LOCK = threading.Lock()
_LIBS: dict[str, ctypes.CDLL] = {}
_CALL_LOCKS: dict[str, threading.RLock] = {}


def load_library(name: str) -> ctypes.CDLL:
    """Load (once per process) a vendor library by path or bare name.

    Raises:
        SdkError: ``library-missing`` (no such file) or ``library-load-failed`` (the loader refused
            it: a missing dependency, the wrong architecture …).
    """
    with _LOAD_LOCK:
        lib = _LIBS.get(name)
        if lib is not None:
            return lib
        if os.sep in name and not os.path.exists(name):
            raise SdkError("library-missing", name)
        # The Windows SDKs (termb.dll, sdtapi.dll) export __stdcall functions: WinDLL there.
        loader = getattr(ctypes, "WinDLL", ctypes.CDLL) if os.name == "nt" else ctypes.CDLL
        try:
            lib = loader(name)
        except OSError as exc:
            reason = str(exc) or type(exc).__name__
            kind = "library-missing" if os.sep not in name and "cannot open shared object" in reason else "library-load-failed"
            raise SdkError(kind, reason) from None
        _LIBS[name] = lib
        _CALL_LOCKS.setdefault(name, threading.RLock())
        return lib


def call_lock(name: str) -> threading.RLock:
    with _LOAD_LOCK:
        return _CALL_LOCKS.setdefault(name, threading.RLock())


def has_symbol(lib: ctypes.CDLL, symbol: str) -> bool:
    try:
        getattr(lib, symbol)
    except AttributeError:
        return False
    return True


def function(lib: ctypes.CDLL, symbol: str, argtypes: list[Any], library: str) -> Callable[..., int]:
    """The exported ``int symbol(argtypes…)``; ``symbol-missing`` when the library lacks it."""
    try:
        fn = getattr(lib, symbol)
    except AttributeError:
        raise SdkError("symbol-missing", f"{symbol} @ {library}", function=symbol) from None
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


def pick_flavor(lib: ctypes.CDLL, library: str) -> str:
    """The family a library belongs to, from what it exports (sdtapi first: it gives the raw block)."""
    if has_symbol(lib, "SDT_ReadBaseMsg") and has_symbol(lib, "SDT_OpenPort"):
        return "sdtapi"
    if has_symbol(lib, "CVR_InitComm") or has_symbol(lib, "InitComm"):
        return "termb"
    raise SdkError("symbol-missing", f"SDT_ReadBaseMsg / CVR_InitComm / InitComm @ {library}")


# --- the decoded photo --------------------------------------------------------------------------


def bmp_from_pixels(pixels: bytes, width: int = PHOTO_W, height: int = PHOTO_H) -> bytes:
    """A 24-bit BMP file around bottom-up BGR rows of ``width * 3`` bytes (padded to 4 here)."""
    row = width * 3
    stride = (row + 3) & ~3
    body = b"".join(pixels[y * row : (y + 1) * row] + b"\0" * (stride - row) for y in range(height))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(body), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(body), 3780, 3780, 0, 0)
    return header + info + body


def checked_bmp(data: bytes, function: str) -> bytes:
    """The BMP file at the start of ``data`` (cut to its stated size), or ``photo-decode-failed``."""
    if len(data) >= 54 and data[:2] == b"BM":
        size, offset = struct.unpack_from("<I4xI", data, 2)
        width, height, _planes, bits = struct.unpack_from("<iiHH", data, 18)
        if 54 <= offset < size <= len(data) and 0 < width <= 4096 and 0 < abs(height) <= 4096 and bits in (8, 24, 32):
            return bytes(data[:size])
    raise SdkError("photo-decode-failed", f"{function}: not a BMP image", function=function)


# --- the two families ---------------------------------------------------------------------------


@dataclass
class _Read:
    card: IdCard
    photo_error: SdkError | None = None


class _Termb:
    """The 华视 CVR call pattern (see module doc)."""

    name = "termb"
    GETTERS = ("GetPeopleName", "GetPeopleSex", "GetPeopleBirthday", "GetPeopleAddress", "GetPeopleIDCode",
               "GetDepartment", "GetStartDate", "GetEndDate")

    def __init__(self, lib: ctypes.CDLL, library: str) -> None:
        prefix = "CVR_" if has_symbol(lib, "CVR_InitComm") else ""
        self.library = library
        self.names = {g: prefix + g for g in ("InitComm", "Authenticate", "Read_Content", "CloseComm")}
        self._init = function(lib, self.names["InitComm"], [ctypes.c_int], library)
        self._auth = function(lib, self.names["Authenticate"], [], library)
        self._read = function(lib, self.names["Read_Content"], [ctypes.c_int], library)
        self._close = function(lib, self.names["CloseComm"], [], library)
        text_args = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        self._get = {g: function(lib, g, text_args, library) for g in self.GETTERS}
        for optional in ("GetPeopleNation", "GetNationCode", "GetCertType", "GetPassCheckID", "GetBMPData"):
            if has_symbol(lib, optional):
                self._get[optional] = function(lib, optional, text_args, library)

    def open(self, port: int) -> None:
        rc = self._init(port)
        if rc != 1:
            raise termb_error(self.names["InitComm"], "InitComm", rc)

    def close(self, port: int) -> None:
        self._close()

    def _text(self, getter: str) -> str:
        fn = self._get.get(getter)
        if fn is None:
            return ""
        buf = ctypes.create_string_buffer(256)
        length = ctypes.c_int(len(buf) - 1)
        if fn(buf, ctypes.byref(length)) != 1:
            return ""
        raw = buf.raw[: max(0, min(length.value, len(buf) - 1))].split(b"\0", 1)[0]
        return raw.decode("gb18030", errors="replace").strip(" \x00")

    def read(self, port: int) -> _Read | None:
        rc = self._auth()
        if rc == 2:
            return None
        if rc != 1:
            raise termb_error(self.names["Authenticate"], "Authenticate", rc)
        rc = self._read(1)
        if rc != 1:
            raise termb_error(self.names["Read_Content"], "Read_Content", rc)
        cert = self._text("GetCertType").strip()
        if cert not in ("", "J"):
            raise SdkError("card-type-unsupported", f"GetCertType → {cert!r}", function="GetCertType")
        nation_code = self._text("GetNationCode")
        nation = nation_name(nation_code) if nation_code in NATIONS else self._text("GetPeopleNation").removesuffix("族")
        sex = self._text("GetPeopleSex")
        card = IdCard(
            card_type="hmt_permit" if cert == "J" else "resident",
            name=self._text("GetPeopleName"),
            gender=sex if sex in ("男", "女", "未知", "未说明") else gender_name(sex),
            nation=(nation or None) if cert != "J" else None,
            birth_date=_date(self._text("GetPeopleBirthday")),
            address=self._text("GetPeopleAddress"),
            id_number=self._text("GetPeopleIDCode").upper(),
            authority=self._text("GetDepartment"),
            valid_from=_date(self._text("GetStartDate")),
            valid_until=_date(self._text("GetEndDate")),
            pass_number=(self._text("GetPassCheckID") or None) if cert == "J" else None,
        )
        photo, photo_error = b"", None
        try:
            photo = self._photo()
        except SdkError as exc:
            photo_error = exc
        return _Read(replace(card, photo_image=photo), photo_error)

    def _photo(self) -> bytes:
        fn = self._get.get("GetBMPData")
        if fn is None:
            raise SdkError("photo-decode-failed", f"GetBMPData not in {self.library}", function="GetBMPData")
        buf = ctypes.create_string_buffer(BMP_MAX)
        length = ctypes.c_int(BMP_MAX)
        rc = fn(buf, ctypes.byref(length))
        if rc != 1:
            raise SdkError("photo-decode-failed", _call_detail("GetBMPData", rc), function="GetBMPData", rc=rc)
        return checked_bmp(buf.raw[: max(0, min(length.value, BMP_MAX))], "GetBMPData")


class _Sdtapi:
    """The SDT API call pattern (see module doc)."""

    name = "sdtapi"

    def __init__(self, lib: ctypes.CDLL, library: str, decoder: ctypes.CDLL | None, decoder_name: str) -> None:
        self.library = library
        byte_p, uint_p = ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint)
        self._open = function(lib, "SDT_OpenPort", [ctypes.c_int], library)
        self._close = function(lib, "SDT_ClosePort", [ctypes.c_int], library)
        self._find = function(lib, "SDT_StartFindIDCard", [ctypes.c_int, byte_p, ctypes.c_int], library)
        self._select = function(lib, "SDT_SelectIDCard", [ctypes.c_int, byte_p, ctypes.c_int], library)
        self._read = function(lib, "SDT_ReadBaseMsg", [ctypes.c_int, byte_p, uint_p, byte_p, uint_p, ctypes.c_int], library)
        source, source_name = (decoder, decoder_name) if decoder is not None else (lib, library)
        self._unpack: Callable[..., int] | None = None
        self._unpack_from = source_name
        if decoder is not None or has_symbol(lib, "unpack"):
            self._unpack = function(source, "unpack", [byte_p, byte_p, ctypes.c_int], source_name)

    def open(self, port: int) -> None:
        rc = self._open(port)
        if rc != 0x90:
            raise sdtapi_error("SDT_OpenPort", rc)

    def close(self, port: int) -> None:
        self._close(port)

    def read(self, port: int) -> _Read | None:
        scratch = ctypes.create_string_buffer(16)
        rc = self._find(port, scratch, 0)
        if rc == 0x80:
            return None
        if rc != 0x9F:
            raise sdtapi_error("SDT_StartFindIDCard", rc)
        rc = self._select(port, scratch, 0)
        if rc != 0x90:
            raise sdtapi_error("SDT_SelectIDCard", rc)
        text = ctypes.create_string_buffer(TEXT_LEN * 2)
        wlt = ctypes.create_string_buffer(PHOTO_LEN * 2)
        text_len, wlt_len = ctypes.c_uint(0), ctypes.c_uint(0)
        rc = self._read(port, text, ctypes.byref(text_len), wlt, ctypes.byref(wlt_len), 0)
        if rc != 0x90:
            raise sdtapi_error("SDT_ReadBaseMsg", rc)
        if text_len.value != TEXT_LEN or wlt_len.value > PHOTO_LEN * 2:
            raise SdkError("read-failed", f"SDT_ReadBaseMsg lengths {text_len.value}/{wlt_len.value}",
                           function="SDT_ReadBaseMsg")
        try:
            card = parse_text(text.raw[:TEXT_LEN], wlt.raw[: wlt_len.value])
        except DeviceError as exc:  # a text block of an unknown card type, …
            raise SdkError("card-type-unsupported", f"SDT_ReadBaseMsg: {exc.en}", function="SDT_ReadBaseMsg") from None
        photo, photo_error = b"", None
        try:
            photo = self._photo(card.photo)
        except SdkError as exc:
            photo_error = exc
        return _Read(replace(card, photo_image=photo), photo_error)

    def _photo(self, wlt: bytes) -> bytes:
        if self._unpack is None:
            raise SdkError("photo-decode-failed", f"no unpack in {self.library}; add &wlt=…/libwltrs.so", function="unpack")
        if not wlt:
            raise SdkError("photo-decode-failed", "the card has no photo", function="unpack")
        out = ctypes.create_string_buffer(BMP_MAX)
        rc = self._unpack(ctypes.create_string_buffer(wlt, max(len(wlt), PHOTO_LEN)), out, 0)
        if rc != 1:
            raise SdkError("photo-decode-failed", _call_detail("unpack", rc), function="unpack", rc=rc)
        if out.raw[:2] == b"BM":
            return checked_bmp(out.raw, "unpack")
        return bmp_from_pixels(out.raw[:RAW_PIXELS_LEN])


def _date(raw: str) -> str:
    """``YYYYMMDD``, ``YYYY-MM-DD``, ``YYYY.MM.DD`` or ``YYYY年MM月DD日`` → ``YYYY-MM-DD``; 长期 as is."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 8 and raw.strip() != LONG_TERM:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return raw.strip()


# --- the reader ---------------------------------------------------------------------------------


class SdkIdReader:
    """A resident ID card reader through its vendor SDK; the same interface as ``SamIdReader``.

    Args:
        url: ``sdk:///path/lib.so?port=…&flavor=…&wlt=…`` (module doc).
        poll_interval: seconds between polls while no card is on the reader.
        present_interval: seconds between polls while a card stays on it, and after repeated faults.
        reconnect_interval: seconds between attempts to open the SDK's port (or load the library).
        removal_polls: consecutive "no card" polls before a card counts as removed …
        debounce_s: … and at least this many seconds since it was last seen.

    Raises:
        SdkError: ``sdk-url`` for a malformed URL (nothing is loaded yet).
    """

    baudrate = 0  #: not a serial line (the registry asks drivers for it)

    def __init__(
        self,
        url: str,
        *,
        poll_interval: float = 0.1,
        present_interval: float = 0.5,
        reconnect_interval: float = 1.0,
        removal_polls: int = 2,
        debounce_s: float = 1.0,
    ) -> None:
        self.url = url
        self.target = parse_sdk_url(url)
        self.poll_interval = poll_interval
        self.present_interval = max(poll_interval, present_interval)
        self.reconnect_interval = reconnect_interval
        self.removal_polls = max(1, removal_polls)
        self.debounce_s = debounce_s
        self.state = DeviceState.UNKNOWN
        self.last_error: DeviceError | None = None
        self.photo_error: SdkError | None = None  #: why the last card read has no photo_image
        self.flavor: str | None = None
        self.port: int | None = None  #: the SDK port that opened
        self._family: _Termb | _Sdtapi | None = None
        self._lock = call_lock(self.target.library)

    def __repr__(self) -> str:
        return f"SdkIdReader({self.url!r}, state={self.state.value})"

    # --- one call at a time -----------------------------------------------------------------

    def _bind(self) -> _Termb | _Sdtapi:
        if self._family is None:
            lib = load_library(self.target.library)
            flavor = self.target.flavor or pick_flavor(lib, self.target.library)
            if flavor == "termb":
                self._family = _Termb(lib, self.target.library)
            else:
                decoder = load_library(self.target.decoder) if self.target.decoder else None
                self._family = _Sdtapi(lib, self.target.library, decoder, self.target.decoder or "")
            self.flavor = flavor
        return self._family

    @property
    def is_open(self) -> bool:
        return self.port is not None

    def open(self) -> None:
        """Load the library (first time), bind its family and open the port (each in ``ports`` in turn).

        Raises:
            SdkError: library-missing, library-load-failed, symbol-missing, port-not-open, …
        """
        with self._lock:
            family = self._bind()
            if self.port is not None:
                return
            last: SdkError | None = None
            for port in self.target.ports:
                try:
                    family.open(port)
                except SdkError as exc:
                    last = exc
                    continue
                self.port = port
                return
            assert last is not None
            raise last

    def close(self) -> None:
        """Close the SDK's port (errors of a reader that vanished are ignored)."""
        with self._lock:
            if self._family is not None and self.port is not None:
                with contextlib.suppress(SdkError):
                    self._family.close(self.port)
            self.port = None

    def poll(self) -> IdCard | None:
        """One authenticate/find → select → read → decode cycle on an open port: the card or None.

        The card comes back even when its photo cannot be decoded: ``photo_image`` is then empty and
        :attr:`photo_error` says why.

        Raises:
            SdkError: the SDK reported anything but success or "no card".
        """
        with self._lock:
            if self._family is None or self.port is None:
                raise SdkError("port-not-open", "not opened")
            try:
                got = self._family.read(self.port)
            except (ctypes.ArgumentError, OSError, ValueError) as exc:  # Windows turns an access violation into OSError
                raise SdkError("sdk-unknown", f"{type(exc).__name__}: {exc}") from None
        if got is None:
            return None
        self.photo_error = got.photo_error
        card = got.card
        log.info("ID card read (SDK %s): %s %s", self.flavor, mask_name(card.name), mask_id_number(card.id_number))
        return card

    # --- the port protocol --------------------------------------------------------------------

    def read_once(self, timeout: float) -> IdCard:
        """Wait up to ``timeout`` s for a card (the port is opened and closed here).

        Raises:
            SdkError: the library, a function or the port is missing, or the reader is faulty.
            DeviceError: ``timeout`` — no card in time (the last card-level error instead, if any).
        """
        deadline = time.monotonic() + timeout
        self.open()
        last: SdkError | None = None
        try:
            while True:
                try:
                    card = self.poll()
                    last = None
                    if card is not None:
                        return card
                except SdkError as exc:
                    if not exc.card_level:
                        raise
                    last = exc
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if last is not None and last.code != "card-moved":
                        raise last
                    raise ReadTimeoutError(timeout)
                time.sleep(min(self.poll_interval, remaining))
        finally:
            self.close()

    def run(self, stop: threading.Event, on_event: Callable[[CardEvent], None]) -> None:
        """Poll until ``stop``: the same events as ``SamIdReader.run`` (card once, removed, state, error).

        A port-level fault (``port-not-open``, a SAM fault, an unknown code) closes the SDK's port and
        opens it again after ``reconnect_interval``; a library or function that is missing is retried
        at that pace too (it may be installed meanwhile). A photo that cannot be decoded is reported
        as an error just before its card.
        """
        faults = 0
        t = CardTracker(self, on_event, removal_polls=self.removal_polls, debounce_s=self.debounce_s)
        set_state, report, lose_card = t.set_state, t.report, t.lose_card

        try:
            while not stop.is_set():
                if not self.is_open:
                    try:
                        self.open()
                    except SdkError as exc:
                        lose_card()
                        set_state(exc.kind.state)
                        report(exc)
                        if exc.kind.state == DeviceState.OFFLINE:
                            set_state(DeviceState.RECONNECTING)
                        stop.wait(self.reconnect_interval)
                        continue
                wait = self.poll_interval
                faults += 1
                try:
                    card = self.poll()
                except SdkError as exc:
                    report(exc)
                    if exc.card_level:
                        set_state(DeviceState.ONLINE)
                    else:
                        self.close()
                        lose_card()
                        set_state(exc.kind.state)
                        stop.wait(self.reconnect_interval)
                        continue
                else:
                    faults = 0
                    if t.polled(card, before_new=self._report_photo_error(report)):
                        wait = self.present_interval
                if faults >= 2:
                    wait = self.present_interval
                stop.wait(wait)
        finally:
            self.close()

    def _report_photo_error(self, report: Callable[[DeviceError], None]) -> Callable[[], None] | None:
        """What to say just before a new card whose photo the SDK could not decode (None: nothing)."""
        err = self.photo_error
        return None if err is None else (lambda: report(err))

    # --- status and photo -----------------------------------------------------------------------

    def probe(self) -> DeviceStatus:
        """Open and close the SDK's port once (for ``devices list``): ONLINE, OFFLINE or ERROR.

        A port this reader already has open (its loop is running) is reported as it is, not touched.
        """
        with self._lock:
            opened_here = self.port is None
            try:
                self.open()
            except SdkError as exc:
                return DeviceStatus("id_reader", self.url, exc.kind.state, exc.zh, exc.en)
            port, flavor = self.port, self.flavor
            if opened_here:
                self.close()
        return DeviceStatus("id_reader", self.url, DeviceState.ONLINE, f"SDK {flavor} 端口 {port} 正常",
                            f"SDK {flavor} port {port} OK")

    def decode_photo(self, card: IdCard) -> bytes | None:
        """The photo as an image: the one the SDK decoded when the card was read, else None."""
        return card.photo_image or None
