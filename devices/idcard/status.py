"""SW3 module status codes of the SAM reader as typed errors (docs/devices.md §1.3).

Every non-success SW3 has its own :class:`SamStatusError` subclass with a Chinese and an English
message; :func:`error_for_sw3` maps a byte to an instance (unknown bytes give
:class:`UnknownStatusError`). Errors of the link itself (no answer, damaged frames, a port that
vanished) are defined here too, so the driver raises only :class:`kiosk.ports.DeviceError`\\ s.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ports import DeviceError


@dataclass(frozen=True)
class StatusInfo:
    """One row of the SW3 table."""

    sw3: int
    code: str  #: stable machine code
    zh: str
    en: str
    success: bool = False
    card_level: bool = False  #: about the card in the field, not the reader module
    sdk_only: bool = False  #: defined by vendor SDKs, never sent on the wire


STATUS_TABLE: dict[int, StatusInfo] = {
    s.sw3: s
    for s in (
        StatusInfo(0x90, "ok", "操作成功", "success", success=True),
        StatusInfo(0x9F, "card-found", "寻找证/卡成功", "card found", success=True),
        StatusInfo(0x91, "no-content", "证/卡中此项无内容", "no such item on the card", card_level=True),
        StatusInfo(0x10, "sam-checksum", "阅读器收到的帧校验和错误", "reader received a frame with a bad checksum"),
        StatusInfo(0x11, "sam-length", "阅读器收到的帧长度错误", "reader received a frame with a bad length"),
        StatusInfo(0x21, "bad-command", "命令或参数错误", "command or parameter error"),
        StatusInfo(0x23, "unauthorised-op", "越权操作", "unauthorised operation"),
        StatusInfo(0x24, "unrecognised-error", "无法识别的错误", "unrecognised error"),
        StatusInfo(0x31, "card-auth-failed", "证/卡认证机具失败", "card-to-SAM authentication failed", card_level=True),
        StatusInfo(0x32, "sam-auth-failed", "机具认证证/卡失败", "SAM-to-card authentication failed", card_level=True),
        StatusInfo(0x33, "verify-failed", "信息验证错误", "information verification error", card_level=True),
        StatusInfo(0x40, "unknown-card-type", "无法识别的卡类型", "unrecognised card type", card_level=True),
        StatusInfo(0x41, "read-failed", "读证/卡操作失败", "reading the card failed", card_level=True),
        StatusInfo(0x47, "random-failed", "取随机数失败", "get-random failed", card_level=True),
        StatusInfo(0x60, "sam-selftest-failed", "SAM 自检失败，不能接收命令", "SAM self-test failed, accepts no commands"),
        StatusInfo(0x66, "sam-unauthorised", "SAM 未经授权，无法使用", "SAM not authorised"),
        StatusInfo(0x80, "no-card", "未放置身份证（寻卡失败）", "no card on the reader (find failed)", card_level=True),
        StatusInfo(0x81, "select-failed", "选卡失败，请重新放置身份证", "select card failed, place the card again", card_level=True),
        StatusInfo(0x01, "sdk-port", "端口打开失败（SDK）", "port open failed (SDK code)", sdk_only=True),
        StatusInfo(0x02, "sdk-timeout", "接收超时（SDK）", "PC receive timeout (SDK code)", sdk_only=True),
        StatusInfo(0x03, "sdk-transfer", "数据传输错误（SDK）", "data transfer error (SDK code)", sdk_only=True),
        StatusInfo(0x05, "sdk-baud", "无法识别波特率（SDK）", "baud rate probe failed (SDK code)", sdk_only=True),
    )
}


class SamStatusError(DeviceError):
    """The reader answered with a non-success SW3.

    Attributes:
        sw3: the status byte.
        card_level: True when it is about the card (place it again), False for the module.
    """

    SW3: int = -1

    def __init__(self, sw3: int | None = None) -> None:
        sw3 = self.SW3 if sw3 is None else sw3
        info = STATUS_TABLE.get(sw3)
        if info is None:
            super().__init__("sam-status", f"阅读器返回未知状态 0x{sw3:02X}", f"reader returned unknown status 0x{sw3:02X}")
            self.card_level = False
        else:
            super().__init__(info.code, f"{info.zh}（0x{sw3:02X}）", f"{info.en} (0x{sw3:02X})")
            self.card_level = info.card_level
        self.sw3 = sw3


def _cls(name: str, sw3: int, doc: str) -> type[SamStatusError]:
    return type(name, (SamStatusError,), {"SW3": sw3, "__doc__": doc, "__module__": __name__})


NoContentError = _cls("NoContentError", 0x91, "SW3 91: no such item on the card.")
SamChecksumError = _cls("SamChecksumError", 0x10, "SW3 10: the reader got a frame with a bad checksum.")
SamLengthError = _cls("SamLengthError", 0x11, "SW3 11: the reader got a frame with a bad length.")
BadCommandError = _cls("BadCommandError", 0x21, "SW3 21: command or parameter error.")
UnauthorisedOperationError = _cls("UnauthorisedOperationError", 0x23, "SW3 23: unauthorised operation.")
UnrecognisedError = _cls("UnrecognisedError", 0x24, "SW3 24: unrecognised error.")
CardAuthError = _cls("CardAuthError", 0x31, "SW3 31: card-to-SAM authentication failed.")
SamAuthError = _cls("SamAuthError", 0x32, "SW3 32: SAM-to-card authentication failed.")
VerifyError = _cls("VerifyError", 0x33, "SW3 33: information verification error.")
UnknownCardTypeError = _cls("UnknownCardTypeError", 0x40, "SW3 40: unrecognised card type.")
ReadFailedError = _cls("ReadFailedError", 0x41, "SW3 41: reading the card failed.")
RandomFailedError = _cls("RandomFailedError", 0x47, "SW3 47: get-random failed.")
SamSelfTestError = _cls("SamSelfTestError", 0x60, "SW3 60: SAM self-test failed.")
SamUnauthorisedError = _cls("SamUnauthorisedError", 0x66, "SW3 66: SAM not authorised.")
NoCardError = _cls("NoCardError", 0x80, "SW3 80: no card found.")
SelectFailedError = _cls("SelectFailedError", 0x81, "SW3 81: select card failed.")
SdkPortError = _cls("SdkPortError", 0x01, "SDK code 01 (never on the wire): port open failed.")
SdkTimeoutError = _cls("SdkTimeoutError", 0x02, "SDK code 02 (never on the wire): PC receive timeout.")
SdkTransferError = _cls("SdkTransferError", 0x03, "SDK code 03 (never on the wire): transfer error.")
SdkBaudError = _cls("SdkBaudError", 0x05, "SDK code 05 (never on the wire): baud probe failed.")


class UnknownStatusError(SamStatusError):
    """An SW3 byte not in the table."""


ERROR_CLASSES: dict[int, type[SamStatusError]] = {
    c.SW3: c
    for c in (
        NoContentError, SamChecksumError, SamLengthError, BadCommandError, UnauthorisedOperationError,
        UnrecognisedError, CardAuthError, SamAuthError, VerifyError, UnknownCardTypeError, ReadFailedError,
        RandomFailedError, SamSelfTestError, SamUnauthorisedError, NoCardError, SelectFailedError,
        SdkPortError, SdkTimeoutError, SdkTransferError, SdkBaudError,
    )
}


def is_success(sw3: int) -> bool:
    """True for 90 (success) and 9F (card found)."""
    info = STATUS_TABLE.get(sw3)
    return bool(info and info.success)


def error_for_sw3(sw3: int) -> SamStatusError:
    """The typed error for a non-success SW3 (an :class:`UnknownStatusError` when not in the table)."""
    cls = ERROR_CLASSES.get(sw3)
    return cls() if cls else UnknownStatusError(sw3)


# --- link errors (no SW3) -------------------------------------------------------------------


class NoAnswerError(DeviceError):
    """The reader did not answer a command in time (it stopped answering, or is not a SAM reader)."""

    def __init__(self, what: str = "") -> None:
        super().__init__("no-answer", f"身份证阅读器无应答{what}", f"ID card reader does not answer{what}")


class ChecksumError(DeviceError):
    """The reader's answer arrived damaged (bad XOR checksum), even after a retry."""

    def __init__(self) -> None:
        super().__init__("bad-checksum", "阅读器应答校验错误", "reader answer has a bad checksum")


class ReadTimeoutError(DeviceError):
    """No card was read within the time allowed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            "timeout", f"{seconds:g} 秒内未读到身份证，请放置身份证", f"no ID card read within {seconds:g} s; place the card"
        )


class BadAnswerError(DeviceError):
    """The reader answered with a well-formed frame of the wrong shape (e.g. a short read block)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__("bad-answer", zh, en)
