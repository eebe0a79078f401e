"""The opening's frozen DTOs: what the console, the big screen, the kiosk, the CLI and the record
receive (never an ORM object), and the words they show (docs/rules/opening.md §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.money import format_money, to_capitals

STAGE_ZH = {
    "scheduled": "待开标", "announced": "宣布开标纪律", "bidders": "公布投标人", "attendance": "签到与缺席",
    "control_price": "公布控制价/标底", "decrypting": "投标文件解密", "reading": "唱标", "objections": "现场异议",
    "confirmation": "投标人确认", "signing": "开标记录签字", "closed": "开标结束",
}
STAGE_EN = {
    "scheduled": "Scheduled", "announced": "Discipline announced", "bidders": "Bidders published",
    "attendance": "Attendance", "control_price": "Control price", "decrypting": "Decryption",
    "reading": "Reading of bids", "objections": "Objections", "confirmation": "Bidder confirmation",
    "signing": "Record signing", "closed": "Closed",
}
DECRYPT_ZH = {"pending": "解密中", "ok": "解密成功", "failed_bidder": "解密失败（撤销）", "failed_other": "解密失败（撤回）", "": "未解密"}
ABSENT_REASONS = {"late": "迟到", "abandoned": "弃标", "other": "其他"}
OUTCOME_ZH = {"opened": "开标完成", "failed_quorum": "投标人不足，招标失败", "suspended": "开标中止"}


@dataclass(frozen=True)
class BidderView:
    order: int
    registration_id: str
    name: str
    org_code: str
    submitted_at: dt.datetime | None
    attendance: str  #: present, absent
    person_name: str  #: masked name of the representative checked in ("" when absent)
    absent_reason: str  #: 迟到 / 弃标 / 其他：… ("" when present or not recorded)
    decrypt_status: str  #: "" before decryption, pending, ok, failed_bidder, failed_other
    price: str | None
    price_unit: str | None
    time_limit: str | None
    quality: str | None
    extra: dict[str, Any]
    read: bool
    confirmation: str  #: "", confirmed, refused, deemed
    confirmation_note: str

    @property
    def price_text(self) -> str:
        return format_money(self.price, self.price_unit) if self.price else ""

    @property
    def capitals(self) -> str:
        return to_capitals(self.price, self.price_unit) if self.price else ""

    @property
    def decrypt_zh(self) -> str:
        return DECRYPT_ZH.get(self.decrypt_status, self.decrypt_status)

    @property
    def valid(self) -> bool:
        """Still in the running: not abandoned, and decrypted (or not yet decrypted)."""
        return self.absent_reason != ABSENT_REASONS["abandoned"] and self.decrypt_status not in ("failed_bidder", "failed_other")


@dataclass(frozen=True)
class Objection:
    no: int
    by: str
    content: str
    raised_at: str
    answer: str
    answered_by: str
    answered_at: str
    source: str = "console"  #: console (entered by the host) or kiosk (raised by the bidder with their ID card)
    category: str = ""  #: a key of OBJECTION_CATEGORIES ("" for the console's free text)
    registration_id: str = ""  #: the objecting bidder's registration (kiosk objections)


@dataclass(frozen=True)
class ObjectionTarget:
    """A registration the person at a kiosk may raise an objection for (no ID number in it)."""

    session_id: str
    title: str
    room_name: str
    stage: str
    registration_id: str
    bidder_name: str
    person_name: str  #: masked, as the check-in recorded it


@dataclass(frozen=True)
class OpeningView:
    """One opening as the console, the big screen, the CLI and the record see it."""

    session_id: str
    title: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    session: dict[str, Any]  #: the platform's session record
    quorum: int
    stage: str
    paused: bool
    pause_reason: str
    outcome: str | None
    bidders: tuple[BidderView, ...]
    late: tuple[dict[str, Any], ...]  #: registrations whose bid came after the deadline (refused)
    objections: tuple[Objection, ...]
    reading_index: int  #: how many bidders have been read
    control_price_published: bool
    quorum_decision: dict[str, Any] | None
    quorum_short: dict[str, Any] | None  #: {phase, valid, quorum} while (or since) the quorum was found short
    durations: dict[str, float]
    signatures: dict[str, str]
    record_sha256: str | None
    decrypt_started_at: dt.datetime | None
    now: dt.datetime

    @property
    def stage_zh(self) -> str:
        return STAGE_ZH.get(self.stage, self.stage)

    @property
    def seconds_to_start(self) -> float:
        return (self.starts_at - self.now).total_seconds()

    @property
    def control_price(self) -> str | None:
        return self.session.get("CONTROL_PRICE") or None

    @property
    def price_unit(self) -> str:
        return str(self.session.get("PRICE_UNIT") or "0")

    @property
    def valid_count(self) -> int:
        return sum(1 for b in self.bidders if b.valid)

    @property
    def awaiting_quorum_decision(self) -> bool:
        """The quorum was found short and the host has not yet decided failed or suspend."""
        return bool(self.quorum_short) and not self.quorum_decision and self.stage in ("attendance", "decrypting")

    @property
    def open_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if not o.answer)

    @property
    def decrypt_progress(self) -> tuple[int, int]:
        done = sum(1 for b in self.bidders if b.decrypt_status in ("ok", "failed_bidder", "failed_other"))
        return done, len(self.bidders)

    @property
    def current_reading(self) -> BidderView | None:
        """The bidder read last (shown in large type on the big screen)."""
        if self.reading_index <= 0:
            return None
        return self.bidders[min(self.reading_index, len(self.bidders)) - 1]

    def bidder(self, registration_id: str) -> BidderView:
        return next(b for b in self.bidders if b.registration_id == registration_id)


@dataclass(frozen=True)
class Signer:
    """One co-signature of the record: a username and the PIN typed at the console."""

    username: str
    pin: str


@dataclass(frozen=True)
class RecordResult:
    sha256: str
    path: Path
    size: int
    payload: dict[str, Any]
