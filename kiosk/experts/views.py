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
