"""Turning journal entries into recorder actions and markers (pure; the wiring applies them).

A room's recorder follows the hall journal. Entries whose kind starts with ``opening.`` or
``auction.`` and whose payload names a session held in this room become **markers** (kind, seq, a
short label) and start recording if it is off; an entry that closes the session
(:data:`CLOSE_KINDS`, or any ``….closed`` / ``….ended``) asks for a stop after the grace period, and
until one of :data:`REOPEN_KINDS` the session's later entries are markers only.
``recording.requested`` entries for this room are an admin's manual start or stop (with reason and
operator), from this or any other terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SESSION_PREFIXES = ("opening.", "auction.")
#: the entries that end a session: the opening's signed record, the auction's last lot closed
CLOSE_KINDS = frozenset({"opening.record", "auction.session_closed"})
#: the entries that begin a session again after it closed (a lot opened later); any other entry of a
#: closed session (a 成交确认书 signed, a deposit settled) is a marker on its recording, not a new start
REOPEN_KINDS = frozenset({"auction.lot_opened"})


@dataclass(frozen=True)
class Action:
    """What one entry means for a room's recorder.

    Attributes:
        kind: ``marker`` (with start if needed), ``close`` (marker, then stop after grace),
            ``start`` / ``stop`` (manual), ``mic_on`` / ``mic_off`` (an admin's microphone order), or ``ignore``.
    """

    kind: str
    session_id: str | None = None
    label: str = ""
    reason: str = ""
    operator: str = ""


def _money(v: Any) -> str:
    return str(v) if v not in (None, "") else ""


def label_for(kind: str, payload: dict[str, Any]) -> str:
    """A short Chinese label for a marker (no personal data: paddles and amounts, never names)."""
    p = payload
    lot = f"{p['lot_code']} " if p.get("lot_code") else ""
    if kind == "auction.bid":
        ok = "" if p.get("accepted", True) else "（无效）"
        return f"{lot}{p.get('paddle_no', '')}号牌 出价 {_money(p.get('amount'))}{ok}".strip()
    if kind == "auction.result":
        names = {"sold": "落槌成交", "unsold": "流拍", "terminated": "中止"}
        res = names.get(str(p.get("result")), str(p.get("result", "")))
        price = f" {_money(p.get('hammer_price'))}" if p.get("hammer_price") else ""
        paddle = f" {p['paddle_no']}号牌" if p.get("paddle_no") else ""
        return f"{lot}{res}{price}{paddle}".strip()
    if kind == "opening.record":
        return f"开标记录 {p.get('outcome', '')}".strip()
    # the supervisor's replay says every other entry in words (stages, lots, paddles; never a name):
    # one wording for the room's recording and its replay. Not at the top: kiosk.supervision imports
    # the recording package.
    from kiosk.supervision.replay import describe

    return describe(kind, p)[0][:80]


def classify(kind: str, payload: dict[str, Any], room_code: str, session_room: str | None) -> Action:
    """What an entry means for the recorder of ``room_code``.

    Args:
        kind: the entry's kind.
        payload: its payload.
        room_code: the recorder's room.
        session_room: the room of ``payload["session_id"]`` (looked up by the caller), or None.
    """
    if kind == "recording.microphone":  # an admin's order for this room's microphone (G87 §39)
        if payload.get("room_code") != room_code:
            return Action("ignore")
        return Action("mic_on" if payload.get("on") else "mic_off", None, reason=str(payload.get("reason", "")),
                      operator=str(payload.get("operator", "")))
    if kind == "recording.requested":
        if payload.get("room_code") != room_code:
            return Action("ignore")
        action = "start" if payload.get("action") == "start" else "stop"
        return Action(
            action, payload.get("session_id"), reason=str(payload.get("reason", "")), operator=str(payload.get("operator", ""))
        )
    if not kind.startswith(SESSION_PREFIXES):
        return Action("ignore")
    session_id = payload.get("session_id")
    in_room = payload.get("room_code") == room_code or (session_room is not None and session_room == room_code)
    if not session_id or not in_room:
        return Action("ignore")
    label = label_for(kind, payload)
    if kind in CLOSE_KINDS or kind.endswith((".closed", ".ended")):
        return Action("close", session_id, label)
    return Action("marker", session_id, label)
