"""Check-in's frozen DTOs: what the kiosk, the clerk's console, the host, the boards and the CLI receive.

No ID number in any of them: names are masked, persons are the platform's HMAC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.checkin.rules import AUCTION_KINDS, TOKEN_PREFIX, FaceCheck, Refusal, most_relevant
from kiosk.ports import Slip


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
    face_result: str = "not_done"  #: match, no_match, not_done (kiosk.checkin.rules.FaceCheck)
    face_reference: str = "none"  #: chip, platform, none

    @property
    def checkin_no_text(self) -> str:
        return f"{self.checkin_no:03d}"

    @property
    def qr_data(self) -> str:
        return f"{TOKEN_PREFIX}{self.token}"


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
    #: at a bid opening: a ban or one person for several bidders, admitted and flagged to host and supervisor (D6)
    flags: tuple[Refusal, ...] = ()

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
        return most_relevant(refused) if refused else Refusal("not_registered")


@dataclass(frozen=True)
class FaceCapture:
    """The face evidence for a check-in.

    Attributes:
        jpeg: the captured photo (plain JPEG bytes), or None.
        status: ``captured``, ``camera_missing``, ``timeout`` (no good face in time), ``declined``
            (no consent) or ``manual`` (a clerk saw the person).
        liveness: the head-turn check (``kiosk.checkin.liveness``): ``passed``, ``failed`` (twice) or
            ``not_done`` (no engine to read the pose); a face is compared only after ``passed``.
    """

    jpeg: bytes | None
    status: str
    liveness: str = "not_done"

    @property
    def needs_clerk(self) -> bool:
        return self.status in ("camera_missing", "timeout")


@dataclass(frozen=True)
class CheckinOutcome:
    """The result of :meth:`kiosk.checkin.CheckinService.check_in` / ``manual_check_in``."""

    accepted: tuple[CheckinInfo, ...]
    refusal: Refusal | None
    slip: Slip | None
    journal_seqs: tuple[int, ...]
    face: FaceCheck | None = None  #: what 人证核验 decided (None when nothing was recorded)

    @property
    def needs_clerk(self) -> bool:
        """Recorded, but a clerk must still confirm who this was (the kiosk sends the person to the counter)."""
        return any(i.needs_confirmation and not i.confirmed_by for i in self.accepted)


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
