"""Ports: what the core needs from the outside world, as small Protocols and plain data.

Adapters implement these (``devices/`` for hardware, ``sync/`` for the platform); the composition
root (``hallkiosk``) wires them in. Long-running adapters expose ``run(stop, callback)``: a
blocking loop that the composition root runs on a thread it owns, that returns when ``stop`` is
set, and that reports through the callback (never by touching widgets).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from kiosk.errors import HallError
from kiosk.pii import mask_id_number, mask_name

# --- common device state -------------------------------------------------------------------


class DeviceState(enum.StrEnum):
    """What the status bar and ``devices list`` show for a device."""

    ONLINE = "online"
    OFFLINE = "offline"  #: port missing or device not answering
    RECONNECTING = "reconnecting"
    ERROR = "error"  #: answering, but reporting a fault
    UNKNOWN = "unknown"  #: never heard from
    NOT_CONFIGURED = "not_configured"


class DeviceError(HallError):
    """A device fault with a message for the screen in Chinese and English.

    Attributes:
        code: a stable machine code (``"no-card"``, ``"paper-out"``, ``"timeout"``, …).
        zh: the message for the screen, in Chinese.
        en: the same in English.
    """


@dataclass(frozen=True)
class DeviceStatus:
    """A device's state as the UI shows it."""

    name: str
    url: str
    state: DeviceState
    detail_zh: str = ""
    detail_en: str = ""


# --- resident ID card -----------------------------------------------------------------------

CardType = Literal["resident", "hmt_permit", "foreign_2017", "foreign_2023"]


@dataclass(frozen=True, repr=False)
class IdCard:
    """One card as read (docs/devices.md §1.5). Personal data: never log it; ``repr`` masks it.

    Dates are ``YYYY-MM-DD`` strings; ``valid_until`` may be ``"长期"``. Members a card type
    does not carry are None. ``photo`` is the raw 1024-byte WLT block (decoding is a vendor plug-in).
    ``photo_image`` is the chip photo decoded by a vendor SDK (a BMP the face engine can read,
    docs/devices.md §1.8), empty when no decoder ran; like ``photo`` it stays out of ``repr`` and
    ``to_json``.
    """

    card_type: CardType
    name: str
    gender: str  #: 男, 女, 未知, 未说明
    birth_date: str
    id_number: str
    valid_from: str
    valid_until: str
    name_en: str | None = None
    nation: str | None = None
    address: str | None = None
    authority: str | None = None
    pass_number: str | None = None
    issue_count: str | None = None
    nationality: str | None = None
    photo: bytes = b""
    fingerprint: bytes = b""
    photo_image: bytes = b""

    @property
    def photo_sha256(self) -> str | None:
        return hashlib.sha256(self.photo).hexdigest() if self.photo else None

    def to_json(self) -> dict[str, object]:
        """The ``devices read-id --json`` object (issue #3)."""
        return {
            "card_type": self.card_type,
            "name": self.name,
            "name_en": self.name_en,
            "gender": self.gender,
            "nation": self.nation,
            "birth_date": self.birth_date,
            "address": self.address,
            "id_number": self.id_number,
            "authority": self.authority,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "pass_number": self.pass_number,
            "issue_count": self.issue_count,
            "nationality": self.nationality,
            "photo_sha256": self.photo_sha256,
        }

    def __repr__(self) -> str:
        return f"IdCard({self.card_type}, {mask_name(self.name)}, {mask_id_number(self.id_number)})"


@dataclass(frozen=True)
class CardEvent:
    """From the reader loop: a card arrived (``card`` set), left, or the reader changed state."""

    kind: Literal["card", "removed", "state", "error"]
    card: IdCard | None = None
    state: DeviceState | None = None
    error: DeviceError | None = None


@runtime_checkable
class IdReader(Protocol):
    """A resident ID card reader."""

    def run(self, stop: threading.Event, on_event: Callable[[CardEvent], None]) -> None:
        """Poll for cards until ``stop``; report cards (debounced), removals, state, errors."""
        ...

    def read_once(self, timeout: float) -> IdCard:
        """Wait up to ``timeout`` s for a card; raises DeviceError (``timeout``, …)."""
        ...


# --- code scanner, keypads ------------------------------------------------------------------


@runtime_checkable
class CodeScanner(Protocol):
    def run(self, stop: threading.Event, on_code: Callable[[str], None]) -> None: ...


@dataclass(frozen=True)
class KeypadEvent:
    """One press on a bidder keypad (竞价器)."""

    paddle_no: str
    key: str  #: "BID" (next increment), "AMOUNT" (with ``amount``), or a function key
    amount: str | None = None
    seq: int = 0  #: the keypad's own counter, to drop radio repeats
    received_at: float = 0.0  #: monotonic seconds at the receiver


@runtime_checkable
class Keypads(Protocol):
    def run(self, stop: threading.Event, on_event: Callable[[KeypadEvent], None]) -> None: ...


# --- printer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A line (or paragraph) of text; wraps at the paper width."""

    text: str
    size: int = 1  #: 1..8, character width and height multiple
    bold: bool = False
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Qr:
    """A QR code (printed natively with GS ( k, or as a raster image where the printer lacks it)."""

    data: str
    module: int = 6  #: module size in dots
    align: Literal["left", "center", "right"] = "center"


@dataclass(frozen=True)
class Rule:
    """A horizontal separator across the paper."""

    char: str = "-"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


SlipItem = Text | Qr | Rule | Feed


@dataclass(frozen=True)
class Slip:
    """A printed ticket or slip, device-independent; the printer driver encodes it to ESC/POS."""

    items: tuple[SlipItem, ...]
    cut: bool = True


class PaperState(enum.StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    """Real-time status (DLE EOT); no answer is ``online=False``/UNKNOWN, never "paper OK"."""

    online: bool
    paper: PaperState = PaperState.UNKNOWN
    cover_open: bool = False
    error: str | None = None  #: cutter, unrecoverable, …

    @property
    def can_print(self) -> bool:
        return self.online and self.paper in (PaperState.OK, PaperState.NEAR_END) and not self.cover_open and not self.error


@runtime_checkable
class Printer(Protocol):
    def status(self) -> PrinterStatus: ...

    def print_slip(self, slip: Slip) -> bytes:
        """Encode and send; returns the bytes written. Raises DeviceError (``paper-out``, ``offline``…)."""
        ...


# --- speech ----------------------------------------------------------------------------------


@runtime_checkable
class Speech(Protocol):
    """An announcement queue per audio zone: announcements never overlap nor cut each other."""

    def announce(self, text: str, *, zone: str = "hall", repeat: int = 1) -> None: ...


# --- platform ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows of the platform link."""

    online: bool
    backlog: int
    last_delivered_seq: int
    oldest_undelivered_age_s: float | None
    alarm: str | None
    last_error: str | None
    feed_ages_s: dict[str, float | None] = field(default_factory=dict)
    #: the platform's signatures (docs/platform-api.md §7.5): "verified", "absent" (no key: v1) or "failing"
    platform_key: str = "absent"
    receipt_seq: int | None = None  #: the highest seq the platform has receipted


@dataclass(frozen=True)
class DbState:
    """What the screens show about the hall database (``kiosk.db.health`` watches it)."""

    ok: bool
    reason: str = ""  #: "" when ok; ``no-answer`` (frozen or unreachable), ``refused`` (error), ``locked``
    since: dt.datetime | None = None  #: when the current state began (UTC), None when ok from the start
    latency_ms: float | None = None  #: the last answer's round trip


UNKNOWN_OK = DbState(True)


# --- SMS (the expert draw's calls, issue 17) ------------------------------------------------------


@dataclass(frozen=True)
class SmsReply:
    """A text message received: the sender's number (digits, as the network gives it), text, time (UTC)."""

    number: str
    text: str
    at: dt.datetime


@runtime_checkable
class SmsPort(Protocol):
    """A GSM/4G modem (or its simulator) that sends texts and hands over the replies it received.

    ``send`` returns the network's message reference (``+CMGS: <mr>``) as text and raises
    ``DeviceError`` when the modem refuses (``+CMS ERROR``). ``replies`` returns, and forgets, the
    messages received since the last call (``+CMTI`` → ``AT+CMGR`` → ``AT+CMGD``). Both block on
    the serial line: call them from a worker thread, never the UI thread. Personal data: numbers
    and texts are never logged.
    """

    def send(self, number: str, text: str) -> str: ...

    def replies(self) -> list[SmsReply]: ...


# --- door relay and phone lockers (the evaluation area, issue 17) -----------------------------

AccessEventKind = Literal[
    "door-opened",  #: the relay released the door for ``seconds``
    "door-relocked",  #: the relay is off again (``seconds`` late when it could not be switched off in time)
    "door-unconfirmed",  #: the door was released and the relay could not be switched back: journal it
    "locker-opened",  #: locker ``locker`` was released
    "locker-closed",  #: its door closed again after ``seconds``; ``occupied`` when the hardware reports it
    "locker-alert",  #: still open ``seconds`` after it was released (30 s by default)
    "locker-jammed",  #: released, but its door never reported open
    "link-lost",  #: the Modbus line does not answer (power cut, cable); ``door`` says what is known
    "link-restored",  #: it answers again (the door relay was switched off first)
]


@dataclass(frozen=True)
class AccessEvent:
    """What the door relay and the locker bank report (``devices/access``, docs/devices.md §11).

    Every event where the door may be unlocked without an act of ours — ``door-unconfirmed``, and a
    ``link-lost`` with ``door`` ``"unlocked"`` or ``"unknown"`` — must be journalled by the caller.
    """

    kind: AccessEventKind
    locker: int | None = None  #: 1-based locker number
    seconds: float | None = None
    occupied: bool | None = None
    door: Literal["locked", "unlocked", "unknown"] = "locked"  #: the door as the driver knows it afterwards
    error: DeviceError | None = None


@runtime_checkable
class AccessControl(Protocol):
    """The evaluation area's door relay and phone lockers. Calls block on the bus: job lanes only."""

    def open_door(self, hold_s: float = 5.0) -> None: ...

    def open_locker(self, number: int) -> None: ...

    def run(self, stop: threading.Event, on_event: Callable[[AccessEvent], None]) -> None: ...
