"""Check-in and identity verification (人证核验签到): the rules, the records and the slip.

A bidder's representative puts an ID card on the kiosk's reader (or first shows the QR code of
their registration, ``checkin_code``, then the card). :meth:`CheckinService.evaluate` runs the
checks and says which of today's sessions they may check in for; :meth:`CheckinService.check_in`
records it. A clerk uses :meth:`CheckinService.manual_check_in` (mandatory reason, overrides only
where :data:`OVERRIDABLE` allows — never a market ban). Hosts and boards read
:meth:`CheckinService.attendance`; other capabilities ask :func:`checked_in` in their own transaction.

The checks, in order, each with its own refusal code (:class:`Refusal`), screen text and journal
entry (``checkin.recorded`` with ``result: refused``):

1. ``card_type`` — the card type is one this hall accepts;
2. ``id_invalid`` — the number's check character and birth date (:mod:`kiosk.idnumbers`);
3. ``card_expired`` — ``valid_until`` before today (``长期`` never expires);
4. ``unknown_qr`` / ``qr_mismatch`` — a scanned QR code names no registration, or one this person
   does not represent;
5. ``not_registered`` — no registration for a session today (``other_day``: only on other days);
6. ``stale_blacklist`` — the blacklist feed is older than ``[platform] blacklist_max_age_hours``:
   the kiosk cannot vouch for it, a clerk confirms (请到窗口办理);
7. per session: ``window_not_open`` / ``window_closed`` (``[checkin]`` window around the start;
   auctions close at the start), ``banned`` (active ``market_ban`` of the bidder or the person),
   ``several_bidders`` (one person for competing bidders of one opening: 视为串通投标),
   ``deposit`` (auctions: ``paid`` or ``guarantee``), ``other_representative`` (the
   registration was checked in by someone else). Already checked in by this person → the
   option is ``already`` (show it, offer a reprint), never a second check-in; the database's
   unique (session_id, registration_id) enforces that across terminals too.

Journal: ``checkin.recorded`` exactly as docs/platform-api.md §4 (no ID number: ``person_id_hmac``).
What §4 has no member for — the operator and reason of a manual check-in, overrides, face
matching, a photo missing — goes into a ``checkin.details`` entry in the same transaction;
reprints are ``checkin.reprinted``, a clerk's confirmation ``checkin.confirmed``.

Every state change takes the journal head's lock first (the ``FOR UPDATE`` on PostgreSQL; SQLite's
writer lock), so check-in numbers and paddle numbers have one authority across processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.db.models import Blob, JournalHead, PfBlacklist, PfRegistration, PfRepresentative, PfSession
from kiosk.db.models_checkin import Checkin, CheckinPaddle
from kiosk.errors import HallError
from kiosk.feeds import (
    RegistrationMatch,
    active_bans,
    feed_ages,
    registration_by_checkin_code,
    registrations_for_person,
)
from kiosk.idnumbers import card_expired, id_number_problem
from kiosk.pii import mask_id_number, mask_name, normalise_id
from kiosk.ports import IdCard, Qr, Rule, Slip, Text
from kiosk.timeutil import BEIJING, beijing, rfc3339

log = logging.getLogger(__name__)

AUCTION_KINDS = ("auction", "listing_auction")
DEPOSIT_OK = ("paid", "guarantee")
CARD_TYPES_ZH = {
    "resident": "居民身份证",
    "hmt_permit": "港澳台居民居住证",
    "foreign_2017": "外国人永久居留证",
    "foreign_2023": "外国人永久居留身份证",
}
SUPPORTED_CARD_TYPES = tuple(CARD_TYPES_ZH)
CHECKIN_KINDS = ("checkin.recorded", "checkin.details", "checkin.reprinted", "checkin.confirmed")
FACE_CONTEXT = b""  #: faces are encrypted without associated data: sync/blobs decrypts them so


# --- refusals ----------------------------------------------------------------------------------

#: code → (what happened zh, en, what to do zh, en)
REFUSALS: dict[str, tuple[str, str, str, str]] = {
    "card_type": ("不支持此类证件", "This kind of card is not accepted here",
                  "请持护照等其他证件到服务窗口人工签到", "Please check in at a service window with your document"),
    "id_invalid": ("证件号码无效", "The card's ID number is not valid",
                   "请到服务窗口人工核验", "Please go to a service window"),
    "card_expired": ("证件已过有效期", "The card has expired",
                     "请持有效证件（或临时身份证）到服务窗口办理", "Please go to a service window with a valid document"),
    "unknown_qr": ("二维码无效：未找到对应的报名", "This QR code matches no registration",
                   "请确认出示的是本次交易的签到码，或直接刷身份证", "Check the code, or just use your ID card"),
    "qr_mismatch": ("二维码与身份证不符：您不是该报名的授权代表", "The QR code's registration does not list this card holder",
                    "请由报名时登记的授权代表签到，或到服务窗口办理", "The registered representative must check in, or go to a window"),
    "not_registered": ("未找到您今日的报名信息", "No registration for you today",
                       "请确认报名时登记的代表身份，或到服务窗口咨询", "Check who was registered as representative, or ask at a window"),
    "other_day": ("您报名的场次不在今天", "Your session is not today",
                  "请在开标/拍卖当天前来签到", "Please come on the day of the session"),
    "stale_blacklist": ("信用数据未及时更新，暂不能自助签到", "Credit data is out of date: self check-in is paused",
                        "请到窗口办理", "Please check in at a service window"),
    "window_not_open": ("签到尚未开始", "Check-in has not opened yet",
                        "请在签到时间内再来", "Please come back when check-in opens"),
    "window_closed": ("签到时间已过", "Check-in has closed",
                      "请到服务窗口咨询", "Please ask at a service window"),
    "banned": ("市场禁入：不能参加本次交易", "Market ban: may not take part",
               "如有异议请向交易监管部门申请", "Appeal to the supervising authority"),
    "several_bidders": ("您同时是多家投标人的授权代表", "You represent several competing bidders",
                        "同一人不得代理多家投标人，请到服务窗口办理", "One person may not represent competing bidders; go to a window"),
    "deposit": ("竞买保证金未到账", "Deposit not received",
                "请到服务窗口核实保证金", "Please check your deposit at a service window"),
    "other_representative": ("该单位已由其他代表签到", "This bidder has already been checked in by another representative",
                             "如需更换代表请到服务窗口办理", "To change representatives, go to a service window"),
    "face_missing": ("未能采集人脸照片", "No face photo could be taken",
                     "请到服务窗口由工作人员确认", "A clerk will confirm your check-in at a window"),
}

#: refusals a clerk may override with a reason (never a market ban, a deposit or a missing registration)
OVERRIDABLE = frozenset({"card_type", "id_invalid", "card_expired", "stale_blacklist", "window_not_open", "window_closed"})


@dataclass(frozen=True)
class Refusal:
    """Why a check-in cannot go ahead, for the screen and the journal."""

    code: str
    detail: str = ""  #: e.g. the ban's reason and end date, the window's times

    @property
    def zh(self) -> str:
        return REFUSALS[self.code][0]

    @property
    def en(self) -> str:
        return REFUSALS[self.code][1]

    @property
    def advice_zh(self) -> str:
        return REFUSALS[self.code][2]

    @property
    def advice_en(self) -> str:
        return REFUSALS[self.code][3]

    @property
    def overridable(self) -> bool:
        return self.code in OVERRIDABLE

    @property
    def reason(self) -> str:
        """The journal's ``refusal_reason``: code, Chinese text and detail."""
        return f"{self.code}: {self.zh}" + (f"（{self.detail}）" if self.detail else "")


# --- plain data for screens -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckinInfo:
    """One accepted check-in, as screens and slips show it (no ID number)."""

    checkin_id: int
    session_id: str
    session_title: str
    session_kind: str
    room_name: str
    starts_at: dt.datetime
    registration_id: str
    lot_code: str | None
    bidder_name: str
    person_name_masked: str
    checkin_no: int
    paddle_no: str | None
    token: str
    method: str
    checked_in_at: dt.datetime
    face_status: str
    needs_confirmation: bool
    confirmed_by: str | None
    operator: str | None

    @property
    def checkin_no_text(self) -> str:
        return f"{self.checkin_no:03d}"

    @property
    def qr_data(self) -> str:
        return f"HK-CI:{self.token}"


@dataclass(frozen=True)
class SessionOption:
    """One of today's sessions the card holder is registered for, and whether they may check in."""

    session_id: str
    kind: str
    title: str
    room_name: str
    starts_at: dt.datetime
    opens_at: dt.datetime
    closes_at: dt.datetime
    bidder_names: tuple[str, ...]
    registration_ids: tuple[str, ...]  #: the registrations a check-in would cover
    status: str  #: eligible, already, refused
    refusal: Refusal | None = None
    existing: tuple[CheckinInfo, ...] = ()
    lots: tuple[str, ...] = ()

    @property
    def is_auction(self) -> bool:
        return self.kind in AUCTION_KINDS


@dataclass(frozen=True)
class Evaluation:
    """What the checks found for one card (and QR code)."""

    person_name_masked: str
    id_masked: str
    card_type: str
    method: str
    refusal: Refusal | None  #: a refusal of the whole attempt (card, registration, blacklist data)
    options: tuple[SessionOption, ...] = ()
    journal_seqs: tuple[int, ...] = ()  #: refusals journalled by the evaluation

    @property
    def eligible(self) -> tuple[SessionOption, ...]:
        return tuple(o for o in self.options if o.status == "eligible")

    @property
    def already(self) -> tuple[SessionOption, ...]:
        return tuple(o for o in self.options if o.status == "already")

    @property
    def first_refusal(self) -> Refusal | None:
        """The refusal to show when nothing is eligible nor already done."""
        if self.refusal is not None:
            return self.refusal
        if self.eligible or self.already:
            return None
        refused = [o.refusal for o in self.options if o.refusal is not None]
        return _most_relevant(refused) if refused else Refusal("not_registered")


@dataclass(frozen=True)
class FaceCapture:
    """The face evidence for a check-in.

    Attributes:
        jpeg: the captured photo (plain JPEG bytes), or None.
        status: ``captured``, ``camera_missing``, ``timeout`` (no good face in time), ``declined``
            (no consent) or ``manual`` (a clerk saw the person).
    """

    jpeg: bytes | None
    status: str

    @property
    def needs_clerk(self) -> bool:
        return self.status in ("camera_missing", "timeout")


@dataclass(frozen=True)
class CheckinOutcome:
    """The result of :meth:`CheckinService.check_in` / ``manual_check_in``."""

    accepted: tuple[CheckinInfo, ...]
    refusal: Refusal | None
    slip: Slip | None
    journal_seqs: tuple[int, ...]


@dataclass(frozen=True)
class AttendanceRow:
    """One registration of a session: present or not (the host's and the board's list)."""

    registration_id: str
    bidder_name: str
    lot_code: str | None
    deposit_status: str | None
    present: bool
    checkin_no: int | None = None
    paddle_no: str | None = None
    person_name_masked: str = ""
    checked_in_at: dt.datetime | None = None
    needs_confirmation: bool = False
    method: str | None = None


@dataclass(frozen=True)
class Attendance:
    session_id: str
    title: str
    kind: str
    room_name: str
    starts_at: dt.datetime
    rows: tuple[AttendanceRow, ...]

    @property
    def present(self) -> int:
        return sum(1 for r in self.rows if r.present)

    @property
    def paddles(self) -> int:
        return len({r.paddle_no for r in self.rows if r.paddle_no})


@dataclass(frozen=True)
class CheckedIn:
    """Who checked in for a registration of a session (no ID number: the platform's HMAC of it)."""

    registration_id: str
    person_name_masked: str
    person_id_hmac: str


def checked_in(session: Session, session_id: str) -> dict[str, CheckedIn]:
    """The registrations checked in for a session, by registration id, from the check-in table.

    Other capabilities (the opening's roll call, its objections and confirmations) ask this, in
    their own transaction, instead of reading ``checkin.recorded`` entries: a row is written with
    the accepted entry, and there is at most one per (session, registration).
    """
    rows = session.scalars(select(Checkin).where(Checkin.session_id == session_id).order_by(Checkin.checkin_no))
    return {c.registration_id: CheckedIn(c.registration_id, mask_name(c.person_name), c.person_id_hmac) for c in rows}


@dataclass(frozen=True)
class RegistrationView:
    """A registration found by the clerk's search."""

    registration_id: str
    session_id: str
    session_title: str
    session_kind: str
    starts_at: dt.datetime
    lot_code: str | None
    bidder_name: str
    bidder_code: str | None
    deposit_status: str | None
    representatives_masked: tuple[str, ...]
    checked_in: bool


class FaceMatcher(Protocol):
    """An optional face-match engine (YuNet + SFace, or a vendor plug-in)."""

    name: str

    def similarity(self, photo_jpeg: bytes, reference: bytes) -> float:
        """Cosine similarity of the faces in two images; raises on an image without a face."""
        ...


ReferencePhoto = Callable[[str, str], bytes | None]  #: (registration_id, person_hmac) → a reference photo


def _no_reference(_registration_id: str, _person_hmac: str) -> bytes | None:
    return None  # the platform's v1 supplies no reference photos (docs/platform-api.md §7.1)


_PRIORITY = ("banned", "several_bidders", "deposit", "other_representative", "window_closed", "window_not_open")


def _most_relevant(refusals: Iterable[Refusal]) -> Refusal:
    items = list(refusals)
    return min(items, key=lambda r: _PRIORITY.index(r.code) if r.code in _PRIORITY else len(_PRIORITY))


class CheckinError(HallError):
    """A clerk's request that cannot be carried out (unknown registration, missing reason, …)."""

    def __init__(self, zh: str, en: str, code: str = "checkin-refused") -> None:
        super().__init__(code, zh, en)


# --- the service ---------------------------------------------------------------------------------


class CheckinService:
    """Check-in rules and records over a :class:`kiosk.hall.Hall`.

    Args:
        hall: the facade (engine, journal, vault, clock, config).
        face_matcher: an optional face-match engine; None records that no match was done.
        face_match_note: why there is no engine (shown and recorded), e.g. "models missing".
        reference_photo: where reference photos come from (none in the platform's v1, docs/platform-api.md §7.1).
    """

    def __init__(
        self,
        hall: Any,
        *,
        face_matcher: FaceMatcher | None = None,
        face_match_note: str = "未配置人脸比对引擎",
        reference_photo: ReferencePhoto = _no_reference,
    ) -> None:
        self.hall = hall
        self.cfg = hall.config.checkin
        self.face_matcher = face_matcher
        self.face_match_note = face_match_note
        self.reference_photo = reference_photo

    # --- windows ----------------------------------------------------------------------------

    def window(self, kind: str, starts_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """When check-in for a session opens and closes."""
        opens = starts_at - dt.timedelta(minutes=self.cfg.opening_window_before_min)
        if kind in AUCTION_KINDS:  # until the (first) lot starts: lots carry no own time in v1
            return opens, starts_at
        return opens, starts_at + dt.timedelta(minutes=self.cfg.opening_window_after_min)

    # --- evaluation -----------------------------------------------------------------------------

    def evaluate(self, card: IdCard, *, checkin_code: str | None = None) -> Evaluation:
        """Run every check for a card (and a scanned registration QR code); journal refusals."""
        method = "qrcode+idcard" if checkin_code else "idcard"
        with self.hall.unit() as s:
            ev = self._evaluate(s, card, checkin_code=checkin_code)
            seqs = self._journal_evaluation(s, ev, card.name, card.id_number, method)
        return Evaluation(ev.person_name_masked, ev.id_masked, ev.card_type, method, ev.refusal, ev.options, seqs)

    def _card_refusal(self, card: IdCard, today: dt.date) -> Refusal | None:
        if card.card_type not in SUPPORTED_CARD_TYPES:
            return Refusal("card_type", str(card.card_type))
        problem = id_number_problem(card.id_number, card.card_type, today=today)
        if problem is not None:
            return Refusal("id_invalid", problem[0])
        if card_expired(card.valid_until, today=today):
            return Refusal("card_expired", f"有效期至 {card.valid_until}")
        return None

    def _evaluate(
        self, s: Session, card: IdCard, *, checkin_code: str | None = None, for_registration: str | None = None,
        skip_card: bool = False, overrides: frozenset[str] = frozenset(),
    ) -> Evaluation:
        now = self.hall.clock.now()
        today = beijing(now).date()
        base: dict[str, Any] = dict(person_name_masked=mask_name(card.name), id_masked=mask_id_number(card.id_number),
                    card_type=CARD_TYPES_ZH.get(card.card_type, str(card.card_type)),
                    method="qrcode+idcard" if checkin_code else "idcard")
        if not skip_card:
            refusal = self._card_refusal(card, today)
            if refusal is not None:
                return Evaluation(**base, refusal=refusal)
        vault = self.hall.vault
        matches = registrations_for_person(s, vault, card.id_number)
        if checkin_code:
            qr = registration_by_checkin_code(s, checkin_code.strip())
            if qr is None:
                return Evaluation(**base, refusal=Refusal("unknown_qr"))
            mine = [m for m in matches if m.registration_id == qr.registration_id]
            if not mine:
                return Evaluation(**base, refusal=Refusal("qr_mismatch", qr.bidder_name))
            bidder = mine[0].bidder_code or mine[0].bidder_name
            matches = [m for m in matches if m.session_id == qr.session_id and (m.bidder_code or m.bidder_name) == bidder]
        if for_registration is not None:
            matches = [m for m in matches if m.registration_id == for_registration]
        if not matches:
            return Evaluation(**base, refusal=Refusal("not_registered"))
        start = dt.datetime.combine(today, dt.time(0), BEIJING)
        sessions = {
            r.session_id: r for r in s.scalars(select(PfSession).where(PfSession.session_id.in_({m.session_id for m in matches})))
        }
        todays = [m for m in matches if m.session_id in sessions
                  and start <= sessions[m.session_id].starts_at < start + dt.timedelta(days=1)]
        if not todays:
            days = sorted({beijing(sessions[m.session_id].starts_at).strftime("%Y-%m-%d") for m in matches if m.session_id in sessions})
            return Evaluation(**base, refusal=Refusal("other_day", "、".join(days)) if days else Refusal("not_registered"))
        stale = self._stale_blacklist(s, now)
        if stale is not None and "stale_blacklist" not in overrides:
            return Evaluation(**base, refusal=stale)
        person_hmac = vault.lookup_hmac(card.id_number)
        by_session: dict[str, list[RegistrationMatch]] = {}
        for m in todays:
            by_session.setdefault(m.session_id, []).append(m)
        options = []
        for sid in sorted(by_session, key=lambda k: (sessions[k].starts_at, k)):
            options.append(self._option(s, sessions[sid], by_session[sid], card.id_number, person_hmac, now, today))
        return Evaluation(**base, refusal=None, options=tuple(options))

    def _stale_blacklist(self, s: Session, now: dt.datetime) -> Refusal | None:
        age = feed_ages(s, now).get("blacklist")
        limit_h = self.hall.config.platform.blacklist_max_age_hours
        if age is None:
            return Refusal("stale_blacklist", "从未同步黑名单")
        if age > limit_h * 3600:
            return Refusal("stale_blacklist", f"黑名单数据已 {age / 3600:.1f} 小时未更新，上限 {limit_h:g} 小时")
        return None

    def _bans(self, s: Session, regs: list[RegistrationMatch], id_number: str, today: dt.date) -> list[str]:
        """Texts of the active market bans on these bidders or this person."""
        bans = active_bans(s, self.hall.vault, on_date=today, body_codes=[r.bidder_code for r in regs if r.bidder_code],
                           id_number=id_number)
        texts = [f"{b.body_name}：{b.record_reason}，至 {b.valid_until or '长期'}" for b in bans if b.confined_action == "market_ban"]
        # natural-person bidders represented by someone else: their code is only an HMAC here
        hmacs = set(s.scalars(select(PfRegistration.bidder_code_hmac).where(
            PfRegistration.registration_id.in_([r.registration_id for r in regs]), PfRegistration.bidder_code_hmac.is_not(None))))
        if hmacs:
            day = today.isoformat()
            for row in s.scalars(select(PfBlacklist).where(PfBlacklist.body_code_hmac.in_(hmacs))):
                if row.confined_action != "market_ban" or (row.valid_from and day < row.valid_from) or (
                        row.valid_until and day > row.valid_until):
                    continue
                text = f"{mask_name(row.body_name)}：{row.record_reason}，至 {row.valid_until or '长期'}"
                if text not in texts:
                    texts.append(text)
        return texts

    def _option(
        self, s: Session, sess: PfSession, regs: list[RegistrationMatch], id_number: str, person_hmac: str,
        now: dt.datetime, today: dt.date,
    ) -> SessionOption:
        opens, closes = self.window(sess.kind, sess.starts_at)
        regs = sorted(regs, key=lambda r: (r.lot_code or "", r.registration_id))
        common: dict[str, Any] = dict(
            session_id=sess.session_id, kind=sess.kind, title=sess.title, room_name=sess.room_name,
            starts_at=sess.starts_at, opens_at=opens, closes_at=closes,
            bidder_names=tuple(dict.fromkeys(r.bidder_name for r in regs)),
            lots=tuple(r.lot_code for r in regs if r.lot_code),
        )
        existing = {c.registration_id: c for c in s.scalars(select(Checkin).where(
            Checkin.session_id == sess.session_id, Checkin.registration_id.in_([r.registration_id for r in regs])))}
        mine = tuple(self._info(s, c) for c in existing.values() if c.person_hmac == person_hmac)
        bans = self._bans(s, regs, id_number, today)
        if bans:
            return SessionOption(**common, registration_ids=tuple(r.registration_id for r in regs), status="refused",
                                 refusal=Refusal("banned", "；".join(bans)), existing=mine)
        if sess.kind not in AUCTION_KINDS and len({r.bidder_code or r.bidder_name for r in regs}) > 1:
            return SessionOption(**common, registration_ids=tuple(r.registration_id for r in regs), status="refused",
                                 refusal=Refusal("several_bidders", "、".join(common["bidder_names"])), existing=mine)
        pending = [r for r in regs if r.registration_id not in existing]
        others = [r for r in regs if r.registration_id in existing and existing[r.registration_id].person_hmac != person_hmac]
        if not pending:
            if mine:
                return SessionOption(**common, registration_ids=tuple(c.registration_id for c in mine), status="already", existing=mine)
            by = existing[others[0].registration_id]
            return SessionOption(**common, registration_ids=(others[0].registration_id,), status="refused",
                                 refusal=Refusal("other_representative", f"{mask_name(by.person_name)}，{beijing(by.checked_in_at):%H:%M}"))
        if sess.kind in AUCTION_KINDS:
            unpaid = [r for r in pending if r.deposit_status not in DEPOSIT_OK]
            pending = [r for r in pending if r.deposit_status in DEPOSIT_OK]
            if not pending:
                if mine:
                    return SessionOption(**common, registration_ids=tuple(c.registration_id for c in mine), status="already", existing=mine)
                lots = "、".join(r.lot_code or r.registration_id for r in unpaid)
                return SessionOption(**common, registration_ids=tuple(r.registration_id for r in unpaid), status="refused",
                                     refusal=Refusal("deposit", f"标的 {lots}：{unpaid[0].deposit_status or '无记录'}"))
        if now < opens:
            return SessionOption(**common, registration_ids=tuple(r.registration_id for r in pending), status="refused",
                                 refusal=Refusal("window_not_open", f"{beijing(opens):%H:%M} 开始签到"), existing=mine)
        if now > closes:
            return SessionOption(**common, registration_ids=tuple(r.registration_id for r in pending), status="refused",
                                 refusal=Refusal("window_closed", f"{beijing(closes):%H:%M} 截止"), existing=mine)
        return SessionOption(**common, registration_ids=tuple(r.registration_id for r in pending), status="eligible", existing=mine)

    def _journal_evaluation(self, s: Session, ev: Evaluation, name: str, id_number: str, method: str) -> tuple[int, ...]:
        """Journal what the evaluation refused: a whole-attempt refusal, bans always, others when nothing is left."""
        seqs = []
        pid = self.hall.person_hmac(id_number)
        if ev.refusal is not None:
            sid = ""
            if ev.refusal.code in ("qr_mismatch", "stale_blacklist", "card_expired", "id_invalid", "card_type"):
                sid = self._todays_session_of(s, id_number)
            seqs.append(self._refuse(s, sid, None, name, pid, method, ev.refusal))
            return tuple(seqs)
        nothing_left = not ev.eligible and not ev.already
        for o in ev.options:
            if o.refusal is not None and (o.refusal.code == "banned" or nothing_left):
                for rid in o.registration_ids:
                    seqs.append(self._refuse(s, o.session_id, rid, name, pid, method, o.refusal))
        return tuple(seqs)

    def _todays_session_of(self, s: Session, id_number: str) -> str:
        """A session today the person is registered for ("" when none): where a card refusal belongs."""
        today = beijing(self.hall.clock.now()).date()
        start = dt.datetime.combine(today, dt.time(0), BEIJING)
        for m in registrations_for_person(s, self.hall.vault, id_number):
            sess = s.get(PfSession, m.session_id)
            if sess is not None and start <= sess.starts_at < start + dt.timedelta(days=1):
                return m.session_id
        return ""

    def _refuse(self, s: Session, session_id: str, registration_id: str | None, name: str, pid: str, method: str,
                refusal: Refusal) -> int:
        entry = self.hall.journal.append(s, "checkin.recorded", {
            "session_id": session_id, "registration_id": registration_id, "person_name": name,
            "person_id_hmac": pid, "method": method, "result": "refused",
            "checked_in_at": rfc3339(self.hall.clock.now()), "refusal_reason": refusal.reason,
        })
        return entry.seq

    # --- recording a check-in ---------------------------------------------------------------------

    def check_in(self, card: IdCard, session_id: str, *, face: FaceCapture, checkin_code: str | None = None) -> CheckinOutcome:
        """Check the card holder in for ``session_id`` (all their eligible registrations in it).

        The checks run again inside the transaction (another terminal may have acted since the
        screen showed the options). A unique-constraint race with another process ends as
        "already checked in", never as a second check-in.
        """
        method = "qrcode+idcard" if checkin_code else "idcard"
        try:
            with self.hall.unit() as s:
                self._lock(s)
                ev = self._evaluate(s, card, checkin_code=checkin_code)
                return self._record(s, ev, card.name, card.id_number, session_id, method, face)
        except IntegrityError:
            log.info("check-in raced with another terminal; reporting it as already done")
            with self.hall.unit() as s:
                ev = self._evaluate(s, card, checkin_code=checkin_code)
                opt = next((o for o in ev.options if o.session_id == session_id), None)
                done = opt.existing if opt else ()
                return CheckinOutcome(done, None if done else Refusal("other_representative"), None, ())

    def _lock(self, s: Session) -> None:
        """Take the journal head's lock now: check-in and paddle numbers get one authority."""
        s.execute(select(JournalHead.id).where(JournalHead.id == 1).with_for_update()).first()

    def _record(
        self, s: Session, ev: Evaluation, name: str, id_number: str, session_id: str, method: str, face: FaceCapture,
        *, operator: str | None = None, reason: str | None = None, overrides: frozenset[str] = frozenset(),
        used_extra: frozenset[str] = frozenset(),
    ) -> CheckinOutcome:
        pid = self.hall.person_hmac(id_number)
        if ev.refusal is not None and not (ev.refusal.overridable and ev.refusal.code in overrides):
            return CheckinOutcome((), ev.refusal, None, (self._refuse(s, session_id, None, name, pid, method, ev.refusal),))
        opt = next((o for o in ev.options if o.session_id == session_id), None)
        if opt is None:
            refusal = Refusal("not_registered")
            return CheckinOutcome((), refusal, None, (self._refuse(s, session_id, None, name, pid, method, refusal),))
        if opt.status == "already":
            return CheckinOutcome(opt.existing, None, self.slip(opt.existing), ())
        if opt.status == "refused":
            assert opt.refusal is not None
            if not (opt.refusal.overridable and opt.refusal.code in overrides):
                refused = tuple(self._refuse(s, session_id, rid, name, pid, method, opt.refusal) for rid in opt.registration_ids)
                return CheckinOutcome((), opt.refusal, None, refused)
        hit = ({ev.refusal.code} if ev.refusal else set()) | ({opt.refusal.code} if opt.refusal else set())
        used = sorted({c for c in overrides if c in hit} | used_extra)
        now = self.hall.clock.now()
        face_sha = self._store_face(s, face.jpeg, now) if face.jpeg else None
        match_score, match_note = self._face_match(face.jpeg, opt.registration_ids[0], self.hall.vault.lookup_hmac(id_number))
        needs = face.needs_clerk and self.cfg.face_required
        paddle = self._paddle(s, opt, id_number, now) if opt.is_auction else None
        next_no = (s.scalar(select(func.max(Checkin.checkin_no)).where(Checkin.session_id == session_id)) or 0) + 1
        infos, seqs = [], []
        regs = {r.registration_id: r for r in s.scalars(select(PfRegistration).where(PfRegistration.registration_id.in_(opt.registration_ids)))}
        for i, rid in enumerate(opt.registration_ids):
            reg = regs[rid]
            payload: dict[str, Any] = {
                "session_id": session_id, "registration_id": rid, "person_name": name, "person_id_hmac": pid,
                "method": method, "result": "accepted", "checked_in_at": rfc3339(now),
            }
            if paddle:
                payload["paddle_no"] = paddle
            if face_sha:
                payload["face_photo_sha256"] = face_sha
            entry = self.hall.journal.append(s, "checkin.recorded", payload)
            seqs.append(entry.seq)
            row = Checkin(
                session_id=session_id, registration_id=rid, checkin_no=next_no + i, paddle_no=paddle,
                token=secrets.token_urlsafe(18), person_name=name, person_hmac=self.hall.vault.lookup_hmac(id_number),
                person_id_hmac=pid, bidder_name=reg.bidder_name, bidder_key=self._bidder_key(reg),
                method=method, face_sha256=face_sha, face_status=face.status, face_match=match_note,
                face_match_score=match_score, needs_confirmation=needs, operator=operator, reason=reason,
                overrides=",".join(used), terminal_id=self.hall.config.site.terminal_id, journal_seq=entry.seq,
                reprints=0, checked_in_at=now,
            )
            s.add(row)
            s.flush()
            details: dict[str, Any] = {
                "session_id": session_id, "registration_id": rid, "checkin_no": row.checkin_no,
                "face": face.status, "face_match": match_note,
            }
            if match_score is not None:
                details["face_match_score"] = match_score
            if needs:
                details["needs_clerk_confirmation"] = True
            if operator:
                details.update(operator=operator, reason=reason or "", overrides=used)
            seqs.append(self.hall.journal.append(s, "checkin.details", details).seq)
            infos.append(self._info(s, row))
        return CheckinOutcome(tuple(infos), None, self.slip(tuple(infos)), tuple(seqs))

    @staticmethod
    def _bidder_key(reg: PfRegistration) -> str:
        return reg.bidder_code or reg.bidder_code_hmac or reg.registration_id

    def _paddle(self, s: Session, opt: SessionOption, id_number: str, now: dt.datetime) -> str:
        regs = s.scalars(select(PfRegistration).where(PfRegistration.registration_id.in_(opt.registration_ids))).all()
        key = self._bidder_key(regs[0])
        row = s.get(CheckinPaddle, (opt.session_id, key))
        if row is not None:
            return row.paddle_no
        used = s.scalars(select(CheckinPaddle.paddle_no).where(CheckinPaddle.session_id == opt.session_id)).all()
        n = max((int(p) for p in used if p.isdigit()), default=0) + 1
        paddle = f"{n:02d}"
        s.add(CheckinPaddle(session_id=opt.session_id, bidder_key=key, paddle_no=paddle, assigned_at=now))
        s.flush()
        return paddle

    def _store_face(self, s: Session, jpeg: bytes, now: dt.datetime) -> str:
        """Encrypt the photo into the data dir and register it as a Blob (the sync worker uploads it)."""
        sha = hashlib.sha256(jpeg).hexdigest()
        if s.get(Blob, sha) is None:
            folder = Path(self.hall.config.data_dir) / "faces" / beijing(now).strftime("%Y%m%d")
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{sha}.hkenc"
            path.write_bytes(self.hall.vault.encrypt(jpeg, context=FACE_CONTEXT))
            s.add(Blob(sha256=sha, path=str(path), size=len(jpeg), media_type="image/jpeg", encrypted=True, created_at=now))
            s.flush()
        return sha

    def _face_match(self, jpeg: bytes | None, registration_id: str, person_hmac: str) -> tuple[str | None, str]:
        if jpeg is None:
            return None, "无照片，未比对"
        if self.face_matcher is None:
            return None, f"未比对：{self.face_match_note}"
        reference = self.reference_photo(registration_id, person_hmac)
        if reference is None:
            return None, "未比对：平台未提供参考照片"
        try:
            score = self.face_matcher.similarity(jpeg, reference)
        except Exception as exc:  # noqa: BLE001 - an engine failure must not stop a check-in
            log.warning("face match failed: %s", type(exc).__name__)
            return None, f"比对失败：{type(exc).__name__}"
        verdict = "一致" if score >= self.cfg.face_match_threshold else "不一致"
        return f"{score:.3f}", f"{self.face_matcher.name} 比对{verdict}（阈值 {self.cfg.face_match_threshold:g}）"

    # --- the clerk ------------------------------------------------------------------------------

    def manual_check_in(
        self, *, operator: str, session_id: str, registration_id: str, person_name: str, id_number: str, reason: str,
        overrides: Iterable[str] = (), face: FaceCapture | None = None,
    ) -> CheckinOutcome:
        """A clerk checks a person in (reader broken, passport holder, …) with a mandatory reason.

        The person must be a representative of the registration (matched by their document number).
        Only refusals in :data:`OVERRIDABLE` that the clerk lists in ``overrides`` are passed over.

        Raises:
            CheckinError: no reason or no operator given.
        """
        if not reason.strip():
            raise CheckinError("人工签到必须填写原因", "a manual check-in needs a reason")
        if not operator.strip():
            raise CheckinError("缺少操作员", "no operator")
        wanted = frozenset(overrides)
        card = IdCard(card_type="resident", name=person_name.strip(), gender="未知", birth_date="", id_number=normalise_id(id_number),
                      valid_from="", valid_until="长期")
        with self.hall.unit() as s:
            self._lock(s)
            ev = self._evaluate(s, card, for_registration=registration_id, skip_card=True, overrides=wanted)
            stale = self._stale_blacklist(s, self.hall.clock.now())
            problem = id_number_problem(card.id_number, "resident", today=beijing(self.hall.clock.now()).date())
            if problem is not None and ev.refusal is None and "id_invalid" not in wanted:
                refusal = Refusal("id_invalid", problem[0])
                pid = self.hall.person_hmac(card.id_number)
                return CheckinOutcome((), refusal, None, (self._refuse(s, session_id, registration_id, card.name, pid, "manual", refusal),))
            used = {"id_invalid"} if problem is not None else set()
            if stale is not None and "stale_blacklist" in wanted:
                used.add("stale_blacklist")
            return self._record(s, ev, card.name, card.id_number, session_id, "manual", face or FaceCapture(None, "manual"),
                                operator=operator, reason=reason.strip(), overrides=wanted, used_extra=frozenset(used))

    def preview_manual(self, *, registration_id: str, person_name: str, id_number: str) -> Evaluation:
        """What a manual check-in would meet (refusals and whether they may be overridden); journals nothing."""
        card = IdCard(card_type="resident", name=person_name.strip(), gender="未知", birth_date="", id_number=normalise_id(id_number),
                      valid_from="", valid_until="长期")
        with self.hall.reading() as s:
            return self._evaluate(s, card, for_registration=registration_id, skip_card=True)

    def search(self, query: str, *, day: dt.date | None = None) -> list[RegistrationView]:
        """Registrations of sessions on ``day`` matching a bidder name, USCC, representative name or ID number."""
        q = query.strip()
        if not q:
            return []
        day = day or beijing(self.hall.clock.now()).date()
        start = dt.datetime.combine(day, dt.time(0), BEIJING)
        with self.hall.reading() as s:
            digest = self.hall.vault.lookup_hmac(q)
            rep_regs = select(PfRepresentative.registration_id).where(
                or_(PfRepresentative.name == q, PfRepresentative.id_hmac == digest))
            rows = s.execute(
                select(PfRegistration, PfSession).join(PfSession, PfSession.session_id == PfRegistration.session_id)
                .where(PfSession.starts_at >= start, PfSession.starts_at < start + dt.timedelta(days=1))
                .where(or_(PfRegistration.bidder_name.contains(q), PfRegistration.bidder_code == normalise_id(q),
                           PfRegistration.bidder_code_hmac == digest, PfRegistration.registration_id.in_(rep_regs),
                           PfRegistration.registration_id == q))
                .order_by(PfSession.starts_at, PfRegistration.registration_id).limit(50)
            ).all()
            done = {(c.session_id, c.registration_id) for c in s.scalars(select(Checkin).where(
                Checkin.registration_id.in_([r.registration_id for r, _ in rows])))}
            out = []
            for reg, sess in rows:
                reps = s.scalars(select(PfRepresentative.name).where(PfRepresentative.registration_id == reg.registration_id)).all()
                out.append(RegistrationView(
                    reg.registration_id, sess.session_id, sess.title, sess.kind, sess.starts_at, reg.lot_code,
                    reg.bidder_name if reg.bidder_code_type == "USCC" else mask_name(reg.bidder_name), reg.bidder_code,
                    reg.deposit_status, tuple(mask_name(n) for n in reps), (sess.session_id, reg.registration_id) in done,
                ))
            return out

    def pending_confirmations(self) -> list[CheckinInfo]:
        """Check-ins a clerk must still confirm (no face photo), oldest first."""
        with self.hall.reading() as s:
            rows = s.scalars(select(Checkin).where(Checkin.needs_confirmation.is_(True), Checkin.confirmed_by.is_(None))
                             .order_by(Checkin.checked_in_at)).all()
            return [self._info(s, r) for r in rows]

    def confirm(self, checkin_id: int, *, operator: str, note: str = "") -> CheckinInfo:
        """A clerk confirms a flagged check-in (saw the person and the document)."""
        with self.hall.unit() as s:
            row = s.get(Checkin, checkin_id)
            if row is None:
                raise CheckinError("没有这条签到记录", "no such check-in")
            if row.confirmed_by is None:
                row.confirmed_by = operator
                row.confirmed_at = self.hall.clock.now()
                self.hall.journal.append(s, "checkin.confirmed", {
                    "session_id": row.session_id, "registration_id": row.registration_id, "checkin_no": row.checkin_no,
                    "operator": operator, "note": note, "confirmed_at": rfc3339(row.confirmed_at),
                })
            return self._info(s, row)

    def reprint(self, checkin_id: int, *, by: str = "kiosk") -> tuple[CheckinInfo, Slip]:
        """The slip again (journalled as ``checkin.reprinted``); never a new check-in."""
        with self.hall.unit() as s:
            row = s.get(Checkin, checkin_id)
            if row is None:
                raise CheckinError("没有这条签到记录", "no such check-in")
            row.reprints += 1
            self.hall.journal.append(s, "checkin.reprinted", {
                "session_id": row.session_id, "registration_id": row.registration_id, "checkin_no": row.checkin_no,
                "by": by, "reprint_no": row.reprints, "at": rfc3339(self.hall.clock.now()),
            })
            info = self._info(s, row)
        return info, self.slip((info,), reprint=True)

    def find_checkin(self, session_id: str, registration_id: str) -> CheckinInfo | None:
        """The check-in of a registration, if any."""
        with self.hall.reading() as s:
            row = s.scalar(select(Checkin).where(Checkin.session_id == session_id, Checkin.registration_id == registration_id))
            return None if row is None else self._info(s, row)

    def by_token(self, token: str) -> CheckinInfo | None:
        """The check-in a slip's QR code names (``HK-CI:<token>`` or the bare token)."""
        token = token.strip().removeprefix("HK-CI:")
        with self.hall.reading() as s:
            row = s.scalar(select(Checkin).where(Checkin.token == token))
            return None if row is None else self._info(s, row)

    # --- attendance --------------------------------------------------------------------------------

    def attendance(self, session_id: str) -> Attendance | None:
        """Every registration of a session and whether (and how) it is checked in."""
        with self.hall.reading() as s:
            sess = s.get(PfSession, session_id)
            if sess is None:
                return None
            checkins = {c.registration_id: c for c in s.scalars(select(Checkin).where(Checkin.session_id == session_id))}
            rows = []
            for reg in s.scalars(select(PfRegistration).where(PfRegistration.session_id == session_id)
                                 .order_by(PfRegistration.lot_code, PfRegistration.registration_id)):
                c = checkins.get(reg.registration_id)
                bidder = reg.bidder_name if reg.bidder_code_type == "USCC" else mask_name(reg.bidder_name)
                rows.append(AttendanceRow(
                    reg.registration_id, bidder, reg.lot_code, reg.deposit_status, c is not None,
                    c.checkin_no if c else None, c.paddle_no if c else None, mask_name(c.person_name) if c else "",
                    c.checked_in_at if c else None, bool(c and c.needs_confirmation and not c.confirmed_by),
                    c.method if c else None,
                ))
            return Attendance(sess.session_id, sess.title, sess.kind, sess.room_name, sess.starts_at, tuple(rows))

    def checkins(self, session_id: str) -> list[CheckinInfo]:
        with self.hall.reading() as s:
            rows = s.scalars(select(Checkin).where(Checkin.session_id == session_id).order_by(Checkin.checkin_no)).all()
            return [self._info(s, r) for r in rows]

    # --- DTOs and the slip -------------------------------------------------------------------------

    def _info(self, s: Session, c: Checkin) -> CheckinInfo:
        sess = s.get(PfSession, c.session_id)
        reg = s.get(PfRegistration, c.registration_id)
        return CheckinInfo(
            checkin_id=c.id, session_id=c.session_id, session_title=sess.title if sess else "",
            session_kind=sess.kind if sess else "", room_name=sess.room_name if sess else "",
            starts_at=sess.starts_at if sess else c.checked_in_at, registration_id=c.registration_id,
            lot_code=reg.lot_code if reg else None,
            bidder_name=c.bidder_name if not reg or reg.bidder_code_type == "USCC" else mask_name(c.bidder_name),
            person_name_masked=mask_name(c.person_name), checkin_no=c.checkin_no, paddle_no=c.paddle_no, token=c.token,
            method=c.method, checked_in_at=c.checked_in_at, face_status=c.face_status,
            needs_confirmation=c.needs_confirmation, confirmed_by=c.confirmed_by, operator=c.operator,
        )

    def slip(self, infos: tuple[CheckinInfo, ...], *, reprint: bool = False) -> Slip:
        """The printed slip of a check-in (one per session; several lots share the paddle)."""
        first = infos[0]
        auction = first.session_kind in AUCTION_KINDS
        items: list[Any] = [
            Text(self.hall.config.site.name, align="center", bold=True),
            Text("竞买签到单" if auction else "开标签到单", size=2, bold=True, align="center"),
        ]
        if reprint:
            items.append(Text("（补打）", align="center"))
        items += [Rule()]
        if auction and first.paddle_no:
            items += [Text("竞买号牌", align="center"), Text(first.paddle_no, size=6, bold=True, align="center"), Rule()]
        items += [
            Text(f"场次：{first.session_title}"),
            Text(f"地点：{first.room_name}"),
            Text(f"时间：{beijing(first.starts_at):%Y-%m-%d %H:%M}"),
            Text(f"单位：{first.bidder_name}"),
        ]
        lots = [i.lot_code for i in infos if i.lot_code]
        if lots:
            items.append(Text(f"标的：{'、'.join(lots)}"))
        items += [
            Text(f"签到人：{first.person_name_masked}"),
            Text(f"签到号：{'、'.join(i.checkin_no_text for i in infos)}", size=2, bold=True),
            Text(f"签到时间：{beijing(first.checked_in_at):%Y-%m-%d %H:%M:%S}"),
            Qr(first.qr_data),
            Text("请妥善保管本签到单，凭单入场。", align="center"),
        ]
        return Slip(tuple(items))
