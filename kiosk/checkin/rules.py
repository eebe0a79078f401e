"""Check-in's rules (人证核验签到), pure: no I/O, no clock, no database.

The checks, in order, each with its own refusal code (:class:`Refusal`), screen text and journal
entry (``checkin.recorded`` with ``result: refused``; for a card holder registered for no session
today, ``checkin.refused_unregistered`` with the code and a count only, no name or HMAC):

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
   ``several_paddles`` (auctions: one person for several bidders in one lot),
   ``deposit`` (auctions: ``paid`` or ``guarantee``), ``other_representative`` (the
   registration was checked in by someone else).

   At a bid opening a market ban and one person for several competing bidders (``several_bidders``,
   REG 40: 视为串通投标) do **not** refuse (legal review D6): the bid stands and its validity is the
   evaluation committee's (REG 51); the tenderer must let every bidder attend (TBL 35). The
   representative is admitted and the finding is a *flag* (:data:`FLAGGED_AT_OPENING`,
   ``Decision.flags``) that the opening shows to the host and the supervisor with its evidence and
   prints in the record. At an auction a ban still refuses, and so does one person for several
   paddles in one lot (拍卖法 / 39号令: competing bidders need their own representatives). Already checked in by this person → the
   option is ``already`` (show it, offer a reprint), never a second check-in; the database's
   unique (session_id, registration_id) enforces that across terminals too.

A clerk may override only the refusals in :data:`OVERRIDABLE`, with a reason (never a market ban).

The service (:mod:`kiosk.checkin.service`) reads the facts (the card, the registrations, the
check-ins, the bans, the feed's age, the time), asks these functions, then writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from kiosk.errors import HallError
from kiosk.faces import REFERENCE_ZH, FaceComparison, MatchResult, ReferenceKind
from kiosk.idnumbers import card_expired, id_number_problem
from kiosk.pii import mask_name
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING, beijing
from kiosk.trade import DEPOSIT_OK

AUCTION_KINDS = ("auction", "listing_auction")
CARD_TYPES_ZH = {
    "resident": "居民身份证",
    "hmt_permit": "港澳台居民居住证",
    "foreign_2017": "外国人永久居留证",
    "foreign_2023": "外国人永久居留身份证",
}
SUPPORTED_CARD_TYPES = tuple(CARD_TYPES_ZH)
CHECKIN_KINDS = ("checkin.recorded", "checkin.details", "checkin.reprinted", "checkin.confirmed", "checkin.revoked")
#: the entries that change who is checked in or admitted (a screen showing the room or the paddles reloads on them)
PRESENCE_KINDS = ("checkin.recorded", "checkin.revoked", "checkin.confirmed")
#: a slip's QR code is this prefix and the check-in's opaque token
TOKEN_PREFIX = "HK-CI:"


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
    "several_paddles": ("您同时是同一标的多家竞买人的代表", "You represent several bidders for the same lot",
                        "同一标的的竞买人须各自派代表，一人不得持多个号牌，请到服务窗口办理",
                        "Each bidder for a lot needs its own representative: one person may not hold several paddles; go to a window"),
    "deposit": ("竞买保证金未到账", "Deposit not received",
                "请到服务窗口核实保证金", "Please check your deposit at a service window"),
    "other_representative": ("该单位已由其他代表签到", "This bidder has already been checked in by another representative",
                             "如需更换代表请到服务窗口办理", "To change representatives, go to a service window"),
    "face_missing": ("未能采集人脸照片", "No face photo could be taken",
                     "请到服务窗口由工作人员确认", "A clerk will confirm your check-in at a window"),
}

#: refusals a clerk may override with a reason (never a market ban, a deposit or a missing registration)
OVERRIDABLE = frozenset({"card_type", "id_invalid", "card_expired", "stale_blacklist", "window_not_open", "window_closed"})

#: whole-attempt refusals journalled against a session of today the person is registered for (if any)
PLACED_REFUSALS = frozenset({"qr_mismatch", "stale_blacklist", "card_expired", "id_invalid", "card_type"})

#: findings that refuse at an auction but only flag at a bid opening (D6: admitted, shown to host and supervisor)
FLAGGED_AT_OPENING = frozenset({"banned", "several_bidders"})

#: which of several per-session refusals to show first
_PRIORITY = ("banned", "several_bidders", "several_paddles", "deposit", "other_representative", "window_closed",
             "window_not_open")


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


class CheckinError(HallError):
    """A clerk's request that cannot be carried out (unknown registration, missing reason, …)."""

    def __init__(self, zh: str, en: str, code: str = "checkin-refused") -> None:
        super().__init__(code, zh, en)


def most_relevant(refusals: Iterable[Refusal]) -> Refusal:
    """The refusal to show of several (a ban before a closed window); raises on none."""
    items = list(refusals)
    return min(items, key=lambda r: _PRIORITY.index(r.code) if r.code in _PRIORITY else len(_PRIORITY))


def overridden(refusal: Refusal, overrides: Iterable[str]) -> bool:
    """Whether a clerk's ``overrides`` pass over ``refusal`` (only an overridable one, and only if listed)."""
    return refusal.overridable and refusal.code in overrides


def overrides_used(overrides: Iterable[str], hit: Iterable[Refusal | None], extra: Iterable[str] = ()) -> list[str]:
    """The overrides a manual check-in actually used, sorted: those listed that met a refusal, plus ``extra``."""
    codes = {r.code for r in hit if r is not None}
    return sorted({c for c in overrides if c in codes} | set(extra))


def check_manual(operator: str, reason: str) -> None:
    """A manual check-in needs an operator and a reason.

    Raises:
        CheckinError: no reason or no operator given.
    """
    if not reason.strip():
        raise CheckinError("人工签到必须填写原因", "a manual check-in needs a reason")
    if not operator.strip():
        raise CheckinError("缺少操作员", "no operator")


# --- the card, the day, the window ------------------------------------------------------------


def card_refusal(card: IdCard, today: dt.date) -> Refusal | None:
    """Checks 1–3 on the card alone: its type, its number, its expiry (None: the card is fine)."""
    if card.card_type not in SUPPORTED_CARD_TYPES:
        return Refusal("card_type", str(card.card_type))
    problem = id_number_problem(card.id_number, card.card_type, today=today)
    if problem is not None:
        return Refusal("id_invalid", problem[0])
    if card_expired(card.valid_until, today=today):
        return Refusal("card_expired", f"有效期至 {card.valid_until}")
    return None


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Beijing day ``day`` as [start, end)."""
    start = dt.datetime.combine(day, dt.time(0), BEIJING)
    return start, start + dt.timedelta(days=1)


def window(kind: str, starts_at: dt.datetime, before_min: float, after_min: float) -> tuple[dt.datetime, dt.datetime]:
    """When check-in for a session opens and closes: ``before_min`` before the start until
    ``after_min`` after it; an auction closes at its start (lots carry no own time in v1)."""
    opens = starts_at - dt.timedelta(minutes=before_min)
    if kind in AUCTION_KINDS:
        return opens, starts_at
    return opens, starts_at + dt.timedelta(minutes=after_min)


def stale_blacklist(age_seconds: float | None, limit_hours: float) -> Refusal | None:
    """Check 6: the blacklist feed never synced, or older than ``limit_hours`` (None: fresh enough)."""
    if age_seconds is None:
        return Refusal("stale_blacklist", "从未同步黑名单")
    if age_seconds > limit_hours * 3600:
        return Refusal("stale_blacklist", f"黑名单数据已 {age_seconds / 3600:.1f} 小时未更新，上限 {limit_hours:g} 小时")
    return None


# --- one session --------------------------------------------------------------------------------


class RegistrationFacts(Protocol):
    """What the per-session decision needs of a registration (``kiosk.feeds.RegistrationMatch`` has it)."""

    @property
    def registration_id(self) -> str: ...
    @property
    def lot_code(self) -> str | None: ...
    @property
    def bidder_name(self) -> str: ...
    @property
    def bidder_code(self) -> str | None: ...
    @property
    def deposit_status(self) -> str | None: ...


R = TypeVar("R", bound=RegistrationFacts)


@dataclass(frozen=True)
class CheckedBy:
    """Who checked a registration in (the existing ``checkins`` row, as the decision needs it)."""

    person_hmac: str
    person_name: str
    checked_in_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    """What check 7 decided for one session.

    Attributes:
        status: ``eligible``, ``already`` or ``refused``.
        registration_ids: the registrations the option covers (a check-in would record these).
        refusal: why not, for ``refused``.
        with_mine: whether the option shows this person's own existing check-ins.
        flags: at a bid opening, findings that admit but must be shown to host and supervisor
            (``banned``, ``several_bidders``; D6).
    """

    status: str
    registration_ids: tuple[str, ...]
    refusal: Refusal | None = None
    with_mine: bool = True
    flags: tuple[Refusal, ...] = ()


def bidder_names(regs: Sequence[RegistrationFacts]) -> tuple[str, ...]:
    """The bidders' names of registrations, each once, in order."""
    return tuple(dict.fromkeys(r.bidder_name for r in regs))


def sorted_registrations(regs: Iterable[R]) -> list[R]:
    """A session's registrations in lot order (then by id): the order of the option, its lots and its check-in numbers."""
    return sorted(regs, key=lambda r: (r.lot_code or "", r.registration_id))


def decide_session(
    kind: str, regs: Sequence[RegistrationFacts], checked: Mapping[str, CheckedBy], person_hmac: str, bans: Sequence[str],
    now: dt.datetime, opens: dt.datetime, closes: dt.datetime,
) -> Decision:
    """Check 7 for one session: may this person check in for their registrations ``regs`` (sorted) now?

    At a bid opening a ban or one person for several bidders is a flag, not a refusal (D6); at an
    auction a ban refuses, and so does one person for several bidders in one lot (``several_paddles``).

    Args:
        kind: the session's kind (auctions check deposits and paddles per lot).
        regs: the person's registrations in the session, in :func:`sorted_registrations` order.
        checked: the existing check-ins of those registrations, by registration id.
        person_hmac: this person (compared with ``checked``).
        bans: the texts of active market bans on these bidders or this person.
        now, opens, closes: the time and the session's check-in window.
    """
    all_ids = tuple(r.registration_id for r in regs)
    mine_ids = tuple(rid for rid, c in checked.items() if c.person_hmac == person_hmac)
    auction = kind in AUCTION_KINDS
    flags: list[Refusal] = []
    if bans:
        if auction:
            return Decision("refused", all_ids, Refusal("banned", "；".join(bans)))
        flags.append(Refusal("banned", "；".join(bans)))
    if not auction and len({r.bidder_code or r.bidder_name for r in regs}) > 1:
        flags.append(Refusal("several_bidders", "、".join(bidder_names(regs))))
    if auction:
        by_lot: dict[str, list[RegistrationFacts]] = {}
        for r in regs:
            by_lot.setdefault(r.lot_code or "", []).append(r)
        for lot, in_lot in by_lot.items():
            if len({r.bidder_code or r.bidder_name for r in in_lot}) > 1:
                return Decision("refused", all_ids, Refusal(
                    "several_paddles", f"标的 {lot or '—'}：{'、'.join(bidder_names(in_lot))}"))
    decision = _decide_rest(kind, regs, checked, person_hmac, mine_ids, now, opens, closes)
    return Decision(decision.status, decision.registration_ids, decision.refusal, decision.with_mine, tuple(flags))


def _decide_rest(
    kind: str, regs: Sequence[RegistrationFacts], checked: Mapping[str, CheckedBy], person_hmac: str,
    mine_ids: tuple[str, ...], now: dt.datetime, opens: dt.datetime, closes: dt.datetime,
) -> Decision:
    """Check 7 after bans and representation: who checked in already, deposits, the window."""
    pending = [r for r in regs if r.registration_id not in checked]
    others = [r for r in regs if r.registration_id in checked and checked[r.registration_id].person_hmac != person_hmac]
    if not pending:
        if mine_ids:
            return Decision("already", mine_ids)
        by = checked[others[0].registration_id]
        return Decision("refused", (others[0].registration_id,),
                        Refusal("other_representative", f"{mask_name(by.person_name)}，{beijing(by.checked_in_at):%H:%M}"),
                        with_mine=False)
    if kind in AUCTION_KINDS:
        unpaid = [r for r in pending if r.deposit_status not in DEPOSIT_OK]
        pending = [r for r in pending if r.deposit_status in DEPOSIT_OK]
        if not pending:
            if mine_ids:
                return Decision("already", mine_ids)
            lots = "、".join(r.lot_code or r.registration_id for r in unpaid)
            return Decision("refused", tuple(r.registration_id for r in unpaid),
                            Refusal("deposit", f"标的 {lots}：{unpaid[0].deposit_status or '无记录'}"), with_mine=False)
    pending_ids = tuple(r.registration_id for r in pending)
    if now < opens:
        return Decision("refused", pending_ids, Refusal("window_not_open", f"{beijing(opens):%H:%M} 开始签到"))
    if now > closes:
        return Decision("refused", pending_ids, Refusal("window_closed", f"{beijing(closes):%H:%M} 截止"))
    return Decision("eligible", pending_ids)


# --- recording ------------------------------------------------------------------------------------


def bidder_key(bidder_code: str | None, bidder_code_hmac: str | None, registration_id: str) -> str:
    """The key a paddle number belongs to: the bidder's code, else its HMAC, else the registration."""
    return bidder_code or bidder_code_hmac or registration_id


def next_paddle(used: Iterable[str]) -> str:
    """The next paddle number of a session after the ``used`` ones (``01``, ``02``, …)."""
    n = max((int(p) for p in used if p.isdigit()), default=0) + 1
    return f"{n:02d}"


@dataclass(frozen=True)
class FaceCheck:
    """What 人证核验 decided for a check-in (issue 16 must 4): the verdict, what it rested on, and why.

    ``result`` is ``match`` / ``no_match`` / ``not_done``; ``reference`` which photo the live one was
    compared with (``chip`` / ``platform`` / ``none``); ``liveness`` ``passed`` / ``failed`` /
    ``not_done``; ``score`` and ``threshold`` in the engine's own measure (a distance for dlib); ``note``
    says it in Chinese for the record. Only a ``match`` lets the kiosk admit alone.
    """

    result: MatchResult
    reference: ReferenceKind = "none"
    liveness: str = "not_done"
    score: float | None = None
    threshold: float | None = None
    engine: str = ""
    note: str = ""

    @property
    def score_text(self) -> str | None:
        return None if self.score is None else f"{self.score:.3f}"


def face_verdict(comparison: FaceComparison, reference: ReferenceKind, liveness: str = "passed") -> FaceCheck:
    """The check of a comparison the engine made: its verdict, score and threshold, and a note naming the reference."""
    verdict = "一致" if comparison.match else "不一致"
    note = f"{comparison.engine} 与{REFERENCE_ZH[reference]}比对{verdict}（{comparison.score:.3f}，阈值 {comparison.threshold:g}）"
    return FaceCheck(comparison.result, reference, liveness, comparison.score, comparison.threshold, comparison.engine, note)


def face_not_done(why: str, reference: ReferenceKind = "none", liveness: str = "not_done", engine: str = "") -> FaceCheck:
    """A check that compared nothing, and why (``未比对：…``)."""
    return FaceCheck("not_done", reference, liveness, engine=engine, note=why)


def face_evidence(check: FaceCheck) -> dict[str, str]:
    """The members a record carries for a face check — ``checkin.details`` and the door's ``expert.signin``
    alike (issue 16 must 4): the verdict, the reference used, liveness, the note, and with a comparison
    the score and threshold as decimal strings (records carry no floats) in the engine's measure."""
    out = {"face_match": check.result, "face_reference": check.reference, "liveness": check.liveness,
           "face_note": check.note}
    if check.score is not None:
        out.update(face_match_score=f"{check.score:.4f}", face_match_threshold=f"{check.threshold or 0:.4f}")
    if check.engine:
        out["face_engine"] = check.engine
    return out


def needs_clerk(check: FaceCheck, *, face_needs_clerk: bool, face_required: bool, manual: bool) -> bool:
    """Whether a clerk must still confirm who this was (issue 16 must 4).

    A ``no_match`` always does (it never admits silently, whatever ``face_required``); with
    ``[checkin] face_required`` so does every check that compared nothing (no photo, no engine, no
    reference, liveness failed). A clerk's own check-in (``manual``) is the confirmation.
    """
    if manual:
        return False
    if check.result == "no_match":
        return True
    return face_required and (face_needs_clerk or check.result != "match")


def shown_bidder_name(name: str, code_type: str | None) -> str:
    """A bidder's name as screens and slips show it: a company's (USCC) in full, a person's masked."""
    return name if code_type == "USCC" else mask_name(name)


def token_of(text: str) -> str:
    """The check-in token in a scanned slip QR code (``HK-CI:<token>``) or a typed bare token."""
    return text.strip().removeprefix(TOKEN_PREFIX)
