"""The evaluation area's door (评标区入口签到, issue 17 must 3–5; docs/rules/expert-area.md §5): pure rules.

No database, no clock, no I/O: :class:`kiosk.experts.signin.SigninService` reads the facts and the
journal, asks these functions and writes.

* who may pass (:func:`refusal_for`): an expert drawn **and** accepted for a sitting that starts
  today within ``[experts] signin_before_minutes`` before and ``signin_late_minutes`` after its
  start, at a door that leads to the sitting's room (``door_rooms``); a person the sitting's record
  appointed as staff (``pf_evaluation_staff``) the same way;
* the state of the area as a **fold** over the journal (:func:`fold`): who is inside each sitting,
  which locker holds whose phone, who waits for a clerk after a face that did not match, whether the
  room's recording was asked to run — the live service and any replay read the same entries;
* which locker is free (:func:`free_locker`), what the room's board may show (:func:`room_count`:
  counts, never names).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.timeutil import BEIJING

#: the journal kinds the door writes and folds (``expert.signin``/``expert.signout``: docs/platform-api.md §7.4)
SIGNIN = "expert.signin"
SIGNOUT = "expert.signout"
STAFF_SIGNIN = "expert.staff_signin"  #: hall record: a staff member on duty entered (not §7.4: not an expert)
STAFF_SIGNOUT = "expert.staff_signout"
REFUSED_UNKNOWN = "expert.door_refused"  #: a card of nobody the area expects, or one that could not be read: no person named
ACCESS = "expert.access"  #: the door relay's and the lockers' events that matter (link lost, locker left open, …)
DOOR_KINDS = (SIGNIN, SIGNOUT, STAFF_SIGNIN, STAFF_SIGNOUT)
#: staff roles who sit on the committee (the tenderer's representative: ``owner_reps``) and hand in their phone too
MEMBER_STAFF_ROLES = ("tenderer_rep",)
#: picks that mean "out of the committee" for the door
OUT_STATUSES = ("declined", "none", "replaced")

#: refusal code → (Chinese, English): plain words the door shows and the journal names by code
REFUSALS: dict[str, tuple[str, str]] = {
    "card_unreadable": ("身份证无法读取，请重新放置；仍不能读取请联系工作人员",
                        "the ID card could not be read: place it again, or ask the staff"),
    "unknown": ("未查到您今天在评标区的安排，请联系工作人员", "you have no sitting in the evaluation area today: please ask the staff"),
    "not_drawn": ("您不在今天评标委员会的抽取名单中，不能入场", "you were not drawn for a committee sitting today: no entry"),
    "declined": ("您已拒绝或未答复本次评标邀请（已由他人替补），不能入场",
                 "you declined or did not answer this invitation (someone replaced you): no entry"),
    "not_accepted": ("您尚未确认参加本次评标（回复短信 1 接受），请联系工作人员",
                     "you have not accepted this invitation yet (reply 1 to the SMS): please ask the staff"),
    "wrong_day": ("现在不是您的评标时间：%s", "this is not the time of your sitting: %s"),
    "wrong_room": ("本门不通往您的评标室，请到%s签到", "this door does not lead to your room: please sign in at %s"),
    "face_no_match": ("人脸与身份证照片不一致：请稍候，工作人员将为您核验",
                      "your face did not match the card's photo: please wait, a staff member will check"),
    "face_not_done": ("未能完成人脸比对：请稍候，工作人员将为您核验",
                      "the face could not be compared: please wait, a staff member will check"),
    "refused_by_staff": ("工作人员核验未通过，不能入场", "the staff's check did not pass: no entry"),
}


def refusal_text(code: str, detail: str = "") -> tuple[str, str]:
    zh, en = REFUSALS.get(code, ("不能入场，请联系工作人员", "no entry: please ask the staff"))
    if "%s" in zh:
        zh, en = zh % detail, en % detail
    return zh, en


@dataclass(frozen=True)
class Sitting:
    """What the door needs of one evaluation sitting."""

    evaluation_id: str
    room_code: str
    room_name: str
    starts_at: dt.datetime
    hours: float
    members_total: int


def in_window(now: dt.datetime, starts_at: dt.datetime, before_min: int, late_min: int) -> bool:
    """The door admits to a sitting from ``before_min`` before its start until ``late_min`` after, on its Beijing day."""
    if now.astimezone(BEIJING).date() != starts_at.astimezone(BEIJING).date():
        return False
    return starts_at - dt.timedelta(minutes=before_min) <= now <= starts_at + dt.timedelta(minutes=late_min)


def door_rooms(text: str) -> frozenset[str]:
    return frozenset(r.strip() for r in text.split(",") if r.strip())


def when_text(starts_at: dt.datetime) -> str:
    return starts_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def refusal_for(now: dt.datetime, sittings: Mapping[str, Sitting], picks: Iterable[tuple[str, str]], *,
                before_min: int, late_min: int, rooms: Collection[str] = ()) -> tuple[str | None, str | None, str]:
    """An expert's picks ``(evaluation_id, status)`` → ``(refusal code or None, the sitting, detail)``.

    The sitting chosen is the one the expert may enter now when there is one; else the most telling
    refusal: accepted for another time (``wrong_day``) or room (``wrong_room``), then not accepted,
    then declined/replaced; no pick at all is ``not_drawn``.
    """
    best: tuple[int, str | None, str | None, str] = (99, "not_drawn", None, "")
    for evaluation_id, status in picks:
        sit = sittings.get(evaluation_id)
        if sit is None:
            continue
        if status == "accepted":
            if not in_window(now, sit.starts_at, before_min, late_min):
                cand: tuple[int, str | None, str | None, str] = (2, "wrong_day", evaluation_id, when_text(sit.starts_at))
            elif rooms and sit.room_code not in rooms:
                cand = (1, "wrong_room", evaluation_id, sit.room_name or sit.room_code)
            else:
                return None, evaluation_id, ""
        elif status in OUT_STATUSES:
            cand = (4, "declined", evaluation_id, "")
        else:  # waiting, selected, called
            cand = (3, "not_accepted", evaluation_id, "")
        if cand[0] < best[0]:
            best = cand
    return best[1], best[2], best[3]


# --- the fold --------------------------------------------------------------------------------------


@dataclass
class SittingState:
    """Who is inside one sitting (ids and HMACs only), and what the door asked of its room."""

    inside: dict[str, int | None] = field(default_factory=dict)  #: expert_id → locker (None: no locker)
    staff_inside: dict[str, tuple[str, int | None]] = field(default_factory=dict)  #: person HMAC → (role, locker)
    pending: dict[str, int] = field(default_factory=dict)  #: expert_id → seq of the refusal a clerk must decide
    signed_out: set[str] = field(default_factory=set)
    recording: bool = False  #: the door asked the room's recorder to run

    @property
    def members_inside(self) -> int:
        return len(self.inside) + sum(1 for role, _l in self.staff_inside.values() if role in MEMBER_STAFF_ROLES)


@dataclass
class DoorState:
    sittings: dict[str, SittingState] = field(default_factory=dict)

    def of(self, evaluation_id: str) -> SittingState:
        return self.sittings.setdefault(evaluation_id, SittingState())

    def lockers_held(self) -> dict[int, tuple[str, str]]:
        """Locker → (evaluation_id, whose: an expert_id or ``staff:<hmac>``), over every sitting."""
        out: dict[int, tuple[str, str]] = {}
        for ev, st in self.sittings.items():
            for who, locker in st.inside.items():
                if locker is not None:
                    out[locker] = (ev, who)
            for hmac, (_role, locker) in st.staff_inside.items():
                if locker is not None:
                    out[locker] = (ev, f"staff:{hmac}")
        return out


def fold(entries: Iterable[tuple[int, str, Mapping[str, Any]]]) -> DoorState:
    """The area's state from its journal entries ``(seq, kind, payload)`` in seq order.

    Reads :data:`DOOR_KINDS` and ``recording.requested`` entries whose ``session_id`` is a sitting the
    door asked about; anything else is ignored.
    """
    state = DoorState()
    for seq, kind, p in entries:
        if kind == "recording.requested":
            ev = p.get("session_id")
            if isinstance(ev, str) and ev in state.sittings and p.get("operator") == "evaluation-door":
                state.of(ev).recording = p.get("action") == "start"
            continue
        ev = p.get("evaluation_id")
        if not isinstance(ev, str) or not ev:
            continue
        st = state.of(ev)
        if kind == SIGNIN:
            eid = str(p.get("expert_id", ""))
            if p.get("result") == "admitted":
                st.inside[eid] = p.get("locker") if isinstance(p.get("locker"), int) else None
                st.pending.pop(eid, None)
                st.signed_out.discard(eid)
            elif p.get("pending"):
                st.pending[eid] = seq
            else:
                st.pending.pop(eid, None)
        elif kind == SIGNOUT:
            eid = str(p.get("expert_id", ""))
            st.inside.pop(eid, None)
            st.signed_out.add(eid)
        elif kind == STAFF_SIGNIN and p.get("result") == "admitted":
            locker = p.get("locker") if isinstance(p.get("locker"), int) else None
            st.staff_inside[str(p.get("person_id_hmac", ""))] = (str(p.get("role", "")), locker)
        elif kind == STAFF_SIGNOUT:
            st.staff_inside.pop(str(p.get("person_id_hmac", "")), None)
    return state


def free_locker(state: DoorState, count: int, out_of_service: Collection[int] = ()) -> int | None:
    """The lowest-numbered locker no one's phone is in (1…``count``), or None when all are taken."""
    held = state.lockers_held()
    for n in range(1, count + 1):
        if n not in held and n not in out_of_service:
            return n
    return None


def first_in(before: SittingState) -> bool:
    """Admitting someone now starts the room's recording (nobody of the committee inside, not yet asked)."""
    return not before.recording


def last_out(after: SittingState) -> bool:
    """After a sign-out: nobody of the committee or staff is inside and the recording was asked to run."""
    return after.recording and not after.inside and not after.staff_inside
