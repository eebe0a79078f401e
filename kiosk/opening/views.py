"""The opening's frozen DTOs: what the console, the big screen, the kiosk, the CLI and the record
receive (never an ORM object), and the words they show (docs/rules/opening.md §2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.money import format_money, to_capitals

if TYPE_CHECKING:
    from kiosk.ports import IdCard

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
#: the outcome of an opening; ``failed_quorum`` is REG 44's 不得开标 (``suspended`` is kept for records made before D1)
OUTCOME_ZH = {"opened": "开标完成", "failed_quorum": "投标人少于3个，不得开标，依法重新招标", "suspended": "开标中止"}
#: a bidder's written withdrawal (REG 35): 撤回 before the deadline, 撤销 after it
WITHDRAWAL_ZH = {"withdrawn": "书面撤回投标文件", "revoked": "书面撤销投标文件"}
#: 投标保证金递交情况 as 唱标 reads it (the registration's ``deposit.status``, docs/platform-api.md §2)
DEPOSIT_ZH = {"paid": "已递交", "guarantee": "电子保函", "unpaid": "未递交", "refunded": "已退还",
              "forfeited": "已没收", "": "无记录"}
#: how a bidder stands after the confirmation stage (D5: ``deemed`` only where the session says so)
CONFIRMATION_ZH = {"confirmed": "已确认", "refused": "拒绝确认", "deemed": "未到场，视同认可", "absent": "未到场",
                   "no_answer": "在线未确认", "": "—"}
#: how a bidder attends (issue 19): 现场 (checked in at the kiosk), 在线 (signed in online with its CA certificate), 未到
ATTENDANCE_ZH = {"present": "现场", "online": "在线", "absent": "未到"}


@dataclass(frozen=True)
class AdmissionFlag:
    """Something check-in found about a present representative that the host and supervisor must see (D6).

    At an opening a market ban or one person for several bidders does not keep anyone out: the
    representative is admitted and the bid is the committee's to judge (REG 51); the flag carries the
    evidence (the blacklist entry, the other bidders and the check-ins) into the console, the big
    screen and the record.

    Attributes:
        code: ``banned`` (an active market ban of the bidder or the person) or ``several_bidders``.
        registration_id: the flagged bidder's registration.
        bidder_name: its name.
        zh: what was found, in Chinese (for the record and the screens).
        en: the same in English.
        evidence: the evidence in Chinese: the blacklist code, reason and validity, or the other
            bidders and the masked name of the one person who checked in for them.
    """

    code: str
    registration_id: str
    bidder_name: str
    zh: str
    en: str
    evidence: str


@dataclass(frozen=True)
class BidderView:
    order: int
    registration_id: str
    name: str
    org_code: str
    submitted_at: dt.datetime | None
    attendance: str  #: present (checked in at the kiosk), online (signed in online, issue 19), absent
    person_name: str  #: masked name of the representative checked in or signed in online ("" when absent)
    absent_reason: str  #: 迟到 / 弃标 / 其他：… ("" when present or not recorded)
    decrypt_status: str  #: "" before decryption, pending, ok, failed_bidder, failed_other
    price: str | None
    price_unit: str | None
    time_limit: str | None
    quality: str | None
    extra: dict[str, Any]
    read: bool
    confirmation: str  #: "", confirmed, refused, deemed, absent
    confirmation_note: str
    deposit_status: str = ""  #: the registration's deposit: paid, guarantee, unpaid, refunded, forfeited ("" no record)
    #: the bidder's written withdrawal (REG 35): {kind: withdrawn|revoked, reference, received_at, recorded_by, at}
    withdrawal: dict[str, Any] | None = None
    flags: tuple[AdmissionFlag, ...] = ()  #: what check-in found (D6), for host and supervisor
    ca_serial: str = ""  #: an online bidder's CA certificate serial (remote_events signin)
    online_at: str = ""  #: when it signed in online (the platform's time)
    confirmation_source: str = ""  #: "card", "online" or "" (recorded by a clerk, deemed, absent)
    confirmation_signature: str = ""  #: an online confirmation's signature_sha256

    @property
    def attendance_zh(self) -> str:
        """现场 / 在线 / 未到."""
        return ATTENDANCE_ZH.get(self.attendance, self.attendance)

    @property
    def attends(self) -> bool:
        """In the room or online: counts as attending (EBM §29), never deemed to accept."""
        return self.attendance in ("present", "online")

    @property
    def deposit_zh(self) -> str:
        """投标保证金递交情况 as read out (已递交 / 电子保函 / 未递交 …)."""
        return DEPOSIT_ZH.get(self.deposit_status, self.deposit_status)

    @property
    def withdrawal_zh(self) -> str:
        """The written withdrawal as the record states it ("" when none)."""
        w = self.withdrawal
        if not w:
            return ""
        return f"{WITHDRAWAL_ZH.get(w.get('kind', ''), '书面撤回/撤销')}（{w.get('reference', '')}，{w.get('received_at', '')}）"

    @property
    def confirmation_zh(self) -> str:
        return CONFIRMATION_ZH.get(self.confirmation, self.confirmation)

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
    def withdrawn(self) -> bool:
        """The bidder withdrew (撤回) or revoked (撤销) its bid in writing, recorded with its reference (REG 35)."""
        return bool(self.withdrawal)

    @property
    def valid(self) -> bool:
        """Still in the running: not withdrawn in writing, and decrypted (or not yet decrypted).

        Absence alone never drops a bid (D1): only the bidder's written withdrawal does.
        """
        return not self.withdrawn and self.decrypt_status not in ("failed_bidder", "failed_other")


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
    person_name: str = ""  #: the masked name of who raised it at a kiosk (for the 异议回执; never the ID number)
    ca_serial: str = ""  #: an online objection's CA certificate serial (source ``online``, issue 19)
    event_id: str = ""  #: the platform's remote event it came from
    stage: str = ""  #: the opening's stage when it was raised (the 异议回执 proves it; "" in states kept before)

    @property
    def source_zh(self) -> str:
        return {"console": "现场（主持人登记）", "kiosk": "现场（自助终端）", "online": "在线"}.get(self.source, self.source)


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
    #: after decryption, fewer valid bids than the quorum: {valid, quorum} — the opening goes on and
    #: the record flags it for the evaluation committee (D1; 评标委员会和评标方法暂行规定 art. 27)
    valid_short: dict[str, Any] | None = None
    #: a remote opening (issue 19): when the platform's remote_events were last caught up (None: never)
    remote_synced_at: dt.datetime | None = None

    @property
    def remote(self) -> bool:
        """Bidders may attend online (the session's ``remote``, §7.1; 不见面开标)."""
        return bool(self.session.get("remote"))

    @property
    def remote_age_s(self) -> float | None:
        """Seconds since the platform's online events were last caught up (None: never)."""
        if self.remote_synced_at is None:
            return None
        return max(0.0, (self.now - self.remote_synced_at).total_seconds())

    @property
    def attendance_counts(self) -> dict[str, int]:
        """{present, online, absent}: how the bidders not withdrawn attend."""
        out = {"present": 0, "online": 0, "absent": 0}
        for b in self.bidders:
            if not b.withdrawn:
                out[b.attendance] = out.get(b.attendance, 0) + 1
        return out

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
    def bidder_count(self) -> int:
        """Bidders at the deadline (REG 44): bids received in time, less those withdrawn in writing."""
        return sum(1 for b in self.bidders if not b.withdrawn)

    @property
    def deposit_required(self) -> bool:
        """Whether 唱标 reads each bidder's 投标保证金递交情况 (the session's ``deposit_required``, §7.1)."""
        return bool(self.session.get("deposit_required"))

    @property
    def deemed_accept_absent(self) -> bool:
        """Whether an absent bidder is deemed to accept the record (the session's ``deemed_accept_absent``, §7.1; D5)."""
        return bool(self.session.get("deemed_accept_absent"))

    @property
    def flags(self) -> tuple[AdmissionFlag, ...]:
        """Every admission flag of the present bidders (D6), in bidder order."""
        return tuple(f for b in self.bidders for f in b.flags)

    @property
    def awaiting_quorum_decision(self) -> bool:
        """Fewer than 3 bidders at the roll call and the host has not yet recorded 不得开标 (D1: only after attendance)."""
        return bool(self.quorum_short) and not self.quorum_decision and self.stage == "attendance"

    @property
    def objection_open(self) -> bool:
        """Whether objections are taken now: anywhere in the 开标现场, from the discipline to the signing (D2, REG 44)."""
        return self.stage not in ("scheduled", "closed")

    @property
    def open_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if not o.answer)

    @property
    def decrypt_progress(self) -> tuple[int, int]:
        """(decrypted or failed, bids to decrypt): a bid withdrawn in writing is not decrypted."""
        bids = [b for b in self.bidders if not b.withdrawn]
        done = sum(1 for b in bids if b.decrypt_status in ("ok", "failed_bidder", "failed_other"))
        return done, len(bids)

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
    """One signature of the record: the signer's role, confirmed again at signing by their ID card on
    the reader (+ the PIN of a hall account bound to it), or, for a hall account standing in where the
    platform appointed nobody, the account's username and PIN (``StaffingService.take_role``)."""

    role: str
    card: IdCard | None = None
    username: str | None = None
    pin: str | None = None


@dataclass(frozen=True)
class RecordResult:
    sha256: str
    path: Path
    size: int
    payload: dict[str, Any]
