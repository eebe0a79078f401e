"""The sandbox platform's online bidders (不见面开标, issue 19): they follow the hall's opening as the
real platform shows it to them, and act — demo only.

A real platform streams the opening to the bidders attending online, and publishes what they do as
``remote_events`` (docs/platform-api.md §7.3). The sandbox has no bidders at keyboards; with
``Faults.online_bidders`` on, it plays them from the hall's own records as they arrive
(``POST /records``): when a remote opening's discipline is announced (``opening.stage`` →
``announced``), the representatives ``REMOTE_PLAN`` marks ``online`` sign in with their CA
certificates; when it reaches 异议 the first of them objects to a price; at 投标人确认 each of them
confirms the record. Each reaction happens once per opening (the hall may send a record twice).
The hall sees them only through the feed it polls, as it would see a real platform's.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from typing import Any

from sync.sandbox.seed import REMOTE_PLAN, remote_event

OBJECTION_TEXT = "第3家报价明显低于其他投标人，请核实是否低于成本"


class OnlineBidders:
    """Reacts to a remote opening's stages by publishing its online representatives' events."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._done: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._n = 0

    def _online_regs(self, session_id: str) -> list[dict[str, Any]]:
        """The session's registrations in the seed's order, those REMOTE_PLAN puts online."""
        page = self.store.feed_page("registrations", None, 500, "")
        regs = sorted((i["data"] for i in page["items"] if i["data"].get("session_id") == session_id),
                      key=lambda r: str(r["registration_id"]))
        if len(regs) != len(REMOTE_PLAN):
            return []  # not the demo's remote opening: nobody plays it
        return [r for r, how in zip(regs, REMOTE_PLAN, strict=True) if how == "online"]

    def _put(self, reg: dict[str, Any], kind: str, **members: Any) -> None:
        self._n += 1
        now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
        event = remote_event(reg, 50_000 + self._n, kind, now, **members)
        self.store.put("remote_events", event["event_id"], event)

    def on_records(self, records: Iterable[dict[str, Any]]) -> int:
        """React to the hall's accepted records; returns how many events were published."""
        published = 0
        for rec in records:
            if rec.get("kind") != "opening.stage":
                continue
            payload = rec.get("payload") or {}
            sid, stage = str(payload.get("session_id") or ""), str(payload.get("stage") or "")
            if stage not in ("announced", "objections", "confirmation"):
                continue
            session = self.store.current("sessions", sid)
            if not session or not session.get("remote"):
                continue
            with self._lock:
                if (sid, stage) in self._done:
                    continue
                self._done.add((sid, stage))
                online = self._online_regs(sid)
                if stage == "announced":
                    for reg in online:
                        self._put(reg, "signin")
                elif stage == "objections" and online:
                    self._put(online[0], "objection", category="price", text=OBJECTION_TEXT)
                elif stage == "confirmation":
                    for reg in online:
                        self._put(reg, "confirmation", decision="confirm")
                published += len(online) if stage != "objections" else min(1, len(online))
        return published
