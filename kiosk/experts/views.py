"""Plain data the expert draw hands to consoles and the CLI (no ORM objects, names only masked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class EvaluationView:
    evaluation_id: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    members_total: int
    owner_reps: int
    draws: tuple[tuple[str, int, int], ...]  #: (specialty, count, reserves)
    draw_not_before: dt.datetime | None
    rounds: int  #: draw rounds made so far


@dataclass(frozen=True)
class LineView:
    specialty: str
    count: int
    reserves: int
    eligible: int  #: after what earlier lines of the plan would take
    short: bool


@dataclass(frozen=True)
class PoolView:
    """What the console shows before a draw: counts only, never who is in the pool."""

    evaluation_id: str
    lines: tuple[LineView, ...]
    pool_size: int
    pool_sha256: str
    excluded: dict[str, int] = field(default_factory=dict)  #: inactive, barred, employer, conflict, busy

    @property
    def can_draw(self) -> bool:
        return not any(ln.short for ln in self.lines)


@dataclass(frozen=True)
class CommitView:
    evaluation_id: str
    round: int
    pool_sha256: str
    pool_size: int
    seed_commitment: str
    commit_seq: int


@dataclass(frozen=True)
class PickView:
    """One expert drawn, for the extraction console only (name masked)."""

    pick_id: int
    round: int
    expert_id: str
    masked_name: str
    specialty: str
    order: int
    reserve: bool
    status: str  #: waiting, selected, called, accepted, declined, none, replaced
    replaces: int | None


@dataclass(frozen=True)
class DrawView:
    evaluation_id: str
    round: int
    seed: str
    beacon: str | None
    picks: tuple[PickView, ...]


# --- the evaluation area's door (issue 17 must 3–5) -----------------------------------------------------


@dataclass(frozen=True)
class DoorVisitor:
    """Who a card at the door is, before anything is recorded (no name: the screen shows the card's own, masked).

    ``kind``: ``expert``, ``staff`` or ``unknown``; ``inside``: already signed in (the card then signs out).
    """

    kind: str
    evaluation_id: str | None
    room_name: str
    starts_at: dt.datetime | None
    refusal: str | None  #: a code of kiosk.experts.door.REFUSALS, or None: may pass once the face matches
    zh: str = ""
    en: str = ""
    inside: bool = False
    locker: int | None = None
    role: str = ""  #: a staff member's role
    pending: bool = False  #: a face that did not match waits for a clerk
    who: str = ""  #: the expert id a clerk's decision names (never shown)


@dataclass(frozen=True)
class DoorOutcome:
    """What the door did: ``admitted``, ``refused``, ``pending`` (a clerk decides), ``signed_out``."""

    result: str
    zh: str
    en: str
    evaluation_id: str | None = None
    room_name: str = ""
    locker: int | None = None
    door_opened: bool = False
    device_zh: str = ""  #: the door or locker did not answer: what the screen says (the act stays recorded)
    device_en: str = ""
    face_match: str = "not_done"
    refusal: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  #: where the time went (record, locker, door)
    who: str = ""  #: pending: the expert id the clerk's decision names (never shown)


@dataclass(frozen=True)
class RoomCount:
    """One sitting on the room's board: counts only, never a name (TBL 37)."""

    evaluation_id: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    members_total: int
    members_in: int  #: experts and the tenderer's representatives signed in now
    staff_in: int
    signed_out: int
    waiting: int  #: at the door, waiting for a clerk
    recording: bool
