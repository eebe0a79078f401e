"""What the supervision capability hands out: alerts, orders, witness notes, checklist steps, room states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scheduled:
    """A session of the day as the rules need it (from ``pf_sessions``, or an evaluation sitting)."""

    session_id: str
    kind: str  #: bid_opening, auction, listing_auction, evaluation
    room_code: str
    starts_at: dt.datetime


@dataclass(frozen=True)
class Alert:
    """A finding of one rule (预警), before or after it is journalled.

    ``key`` is stable for one finding: the rules find it again on every run, and the service
    journals a key once (``supervision.alert``). It never carries a name or an ID number.
    """

    key: str
    rule: str
    room_code: str
    session_id: str | None
    zh: str
    en: str
    since: dt.datetime  #: when the condition arose (or the evidence entry's time)
    evidence: tuple[int, ...] = ()  #: the journal seqs it rests on


@dataclass(frozen=True)
class RaisedAlert:
    """A journalled alert and whether the supervisor has acknowledged it."""

    seq: int
    alert: Alert
    raised_at: dt.datetime
    acked: bool = False
    ack_note: str = ""
    ack_by: str = ""


@dataclass(frozen=True)
class Order:
    """A supervision order (``supervision.order``, docs/platform-api.md §7.4)."""

    seq: int
    room_code: str
    session_id: str | None
    order: str  #: pause, resume, note
    reason: str
    supervisor: str  #: the holder's journal name (account, or role and masked name)
    at: dt.datetime

    @property
    def zh(self) -> str:
        """What a console shows while the order stands."""
        return f"监督人已下令暂停（{self.reason}）：恢复前不能进行下一步"

    @property
    def en(self) -> str:
        return f"the supervisor ordered a pause ({self.reason}): no next step until they order resume"


@dataclass(frozen=True)
class Step:
    """One step of a witness's checklist."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class WitnessNote:
    """One ``witness.note`` as the record prints it (the witness's name is already masked)."""

    seq: int
    room_code: str
    session_id: str | None
    step: str
    step_zh: str
    text: str
    irregular: bool
    witness: str
    at: dt.datetime


@dataclass(frozen=True)
class RoomState:
    """What a wall tile shows over the camera: the room's live session from the journal."""

    room_code: str
    session_id: str | None = None
    kind: str = ""
    title: str = ""
    stage: str = ""  #: e.g. 开标：唱标 3/7 · 拍卖：第 2 次 ¥1,230,000 竞买号 18
    people: tuple[str, ...] = ()  #: "主持人 韩*刚" (masked)
    recording: bool | None = None  #: None: nothing known
    microphone: bool = True
    paused: str = ""  #: the reason of a standing pause ("" = none)
    supervisor_pause: bool = False
    room_name: str = ""
    live: bool = False
