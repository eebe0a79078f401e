"""不见面开标 (issue 19): online participants in the same opening, pure (docs/rules/opening.md §5).

A ``remote`` session (docs/platform-api.md §7.1) lets bidders attend online (《电子招标投标办法》第二十九条;
国办函〔2019〕41号). The platform sends what they do as ``remote_events`` (§7.3): an online sign-in
with the CA certificate's serial, an objection, a confirmation or refusal of the record with the
signature's hash. The hall takes each event into the opening exactly once, in the order the
platform stamped them, and journals what it made of it:

* ``signin`` → the bidder attends **在线** (``data["online"]``): it counts like a check-in at the
  kiosk — no absence reason is asked, it is never deemed to accept, the record lists it as
  attending online with the CA serial (``opening.online_signin``);
* ``objection`` → the next number of the **same** list as the objections raised on site
  (``opening.objection`` with ``source`` ``online``), answered by the host the same way; the answer
  (``opening.answer``) is what the platform shows online;
* ``confirmation`` → the bidder's confirm or refuse, with the signature hash, counts like a card on
  the console's reader (``opening.confirmation`` with ``source`` ``online``).

An event the opening cannot take yet is **deferred** (kept, taken later): an objection while the
host has paused the opening, a confirmation before the confirmation stage. An event it can never
take is **refused** and journalled with the reason (``opening.online_refused``) so the platform
can tell the bidder: not a bidder of this opening, the opening over, the confirmation stage past.

Waiting for online input: the objections stage closes, and the confirmation stage finishes with an
online bidder unanswered, only when the platform was reachable recently (``remote_events`` caught
up within :data:`RemotePolicy.stale_s`) and the stage has been open for its window. Otherwise the
host is told why and the opening waits; nothing online is closed out behind a dead link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.opening.rules import OBJECTION_STAGES, err
from kiosk.opening.views import OpeningView
from kiosk.timeutil import rfc3339

#: the platform's objection categories (§7.3) as the record words them
REMOTE_CATEGORY_ZH = {"price": "对报价有异议", "qualification": "对投标人资格有异议", "procedure": "对开标程序有异议",
                      "other": "其他异议"}
REFUSAL_ZH = {
    "not-bidder": "不是本场开标按时递交投标文件的投标人",
    "withdrawn": "该投标人已书面撤回/撤销投标文件",
    "closed": "开标已结束",
    "not-signed-in": "该投标人未在线签到，也未到场签到",
    "confirmation-over": "投标人确认环节已结束",
    "already-confirmed": "该投标人已确认或已记录拒绝确认",
    "duplicate": "该投标人已在线签到",
    "unknown-type": "无法识别的在线事件",
}


@dataclass(frozen=True)
class RemotePolicy:
    """How long the opening waits for online input (``[opening] remote_*`` in hall.toml)."""

    stale_s: float = 15.0  #: the platform counts as reachable when remote_events caught up this recently
    objection_window_s: float = 60.0  #: the objections stage stays open at least this long in a remote opening
    confirm_window_s: float = 300.0  #: an online bidder has this long to confirm before the host may record no answer


@dataclass(frozen=True)
class RemoteEvent:
    """One event of the ``remote_events`` feed as the opening takes it (the name already masked)."""

    event_id: str
    session_id: str
    registration_id: str | None
    type: str
    at: dt.datetime
    person_name: str
    ca_serial: str | None = None
    category: str | None = None
    text: str | None = None
    decision: str | None = None
    signature_sha256: str | None = None


@dataclass(frozen=True)
class Taken:
    """An event taken into the opening: journal ``kind`` with ``payload`` (the act's members)."""

    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Refused:
    code: str

    @property
    def payload(self) -> dict[str, Any]:
        return {"reason_code": self.code, "reason": REFUSAL_ZH.get(self.code, self.code)}


DEFER = None  #: the event waits (the opening is paused, or not yet at the stage that takes it)


def _base(e: RemoteEvent) -> dict[str, Any]:
    return {"event_id": e.event_id, "registration_id": e.registration_id, "ca_serial": e.ca_serial or "",
            "person_name": e.person_name, "online_at": rfc3339(e.at)}


def take_event(v: OpeningView, data: dict[str, Any], e: RemoteEvent) -> Taken | Refused | None:
    """What the opening makes of one online event; changes ``data`` when it takes it.

    Returns :class:`Taken` (journal it), :class:`Refused` (journal ``opening.online_refused``) or
    ``DEFER`` (leave it for a later pass). Never raises for a well-formed event.
    """
    if e.type not in ("signin", "objection", "confirmation"):
        return Refused("unknown-type")
    if v.stage == "closed":
        return Refused("closed")
    bidder = next((b for b in v.bidders if b.registration_id == e.registration_id), None)
    if bidder is None:
        return Refused("not-bidder")
    if bidder.withdrawn:
        return Refused("withdrawn")
    online = data.setdefault("online", {})
    if e.type == "signin":
        if e.registration_id in online:
            return Refused("duplicate")
        online[bidder.registration_id] = {"person_name": e.person_name, "ca_serial": e.ca_serial or "",
                                          "at": rfc3339(e.at), "event_id": e.event_id}
        return Taken("opening.online_signin", {**_base(e), "BIDDER_NAME": bidder.name, "attendance": "online"})
    attends = bidder.attendance in ("present", "online") or bidder.registration_id in online
    if not attends:
        return Refused("not-signed-in")
    if v.paused:
        return DEFER  # the host's pause: taken when the opening resumes (never dropped)
    if e.type == "objection":
        if v.stage not in OBJECTION_STAGES:
            return DEFER  # before the discipline is announced: taken when the opening starts
        objs = data.setdefault("objections", [])
        no = len(objs) + 1
        category = e.category or "other"
        content = REMOTE_CATEGORY_ZH.get(category, "其他异议") + (f"：{' '.join(e.text.split())}" if e.text and e.text.strip() else "")
        objs.append({"no": no, "by": bidder.name, "content": content, "raised_at": rfc3339(e.at), "answer": "",
                     "answered_by": "", "answered_at": "", "source": "online", "category": category,
                     "registration_id": bidder.registration_id, "person_name": e.person_name,
                     "ca_serial": e.ca_serial or "", "event_id": e.event_id, "stage": v.stage})
        return Taken("opening.objection", {**_base(e), "no": no, "by": bidder.name, "content": content,
                                           "source": "online", "category": category})
    # confirmation
    if v.stage in ("signing",):
        return Refused("confirmation-over")
    if v.stage != "confirmation":
        return DEFER
    conf = data.setdefault("confirmations", {})
    if conf.get(bidder.registration_id, {}).get("status") in ("confirmed", "refused"):
        return Refused("already-confirmed")
    result = "confirmed" if e.decision == "confirm" else "refused"
    note = "在线签章确认" if result == "confirmed" else "在线拒绝确认" + (f"：{e.text.strip()}" if e.text and e.text.strip() else "")
    conf[bidder.registration_id] = {"status": result, "note": note, "source": "online",
                                    "signature_sha256": e.signature_sha256 or "", "ca_serial": e.ca_serial or "",
                                    "event_id": e.event_id, "at": rfc3339(e.at)}
    return Taken("opening.confirmation", {**_base(e), "result": result, "source": "online",
                                          "signature_sha256": e.signature_sha256 or ""})


def remote_ok(synced_at: dt.datetime | None, now: dt.datetime, policy: RemotePolicy) -> bool:
    """Whether the platform's online events are known up to a moment ago."""
    return synced_at is not None and (now - synced_at).total_seconds() <= policy.stale_s


def _stage_since(data: Mapping[str, Any], stage: str) -> dt.datetime | None:
    for entry in reversed(data.get("stage_log", ())):
        if entry.get("stage") == stage:
            return dt.datetime.fromisoformat(entry["at"])
    return None


def unreachable_error(synced_at: dt.datetime | None, now: dt.datetime, what_zh: str, what_en: str) -> Exception:
    ago = "从未同步" if synced_at is None else f"已 {int((now - synced_at).total_seconds())} 秒未能同步"
    return err("remote-unreachable",
               f"无法连接交易平台（在线事件{ago}）：在线投标人的{what_zh}尚不能接收，开标在此等待，连接恢复后再继续",
               f"the platform is unreachable: online bidders' {what_en} cannot arrive yet; the opening waits here")


def check_objections_may_close(v: OpeningView, data: Mapping[str, Any], synced_at: dt.datetime | None,
                               policy: RemotePolicy) -> None:
    """In a remote opening, the objections stage closes only with the platform reachable and its window over."""
    if not v.remote:
        return
    if not remote_ok(synced_at, v.now, policy):
        raise unreachable_error(synced_at, v.now, "异议", "objections")
    since = _stage_since(data, "objections")
    if since is not None:
        left = policy.objection_window_s - (v.now - since).total_seconds()
        if left > 0:
            raise err("remote-window", f"在线投标人提出异议的时间尚余 {int(left) + 1} 秒，请稍候再结束异议环节",
                      f"online bidders may still object for {int(left) + 1} s")


def waiting_online(v: OpeningView) -> list[str]:
    """Online bidders whose confirmation has not arrived (names)."""
    return [b.name for b in v.bidders if b.attendance == "online" and not b.confirmation]


def record_no_answer(v: OpeningView, data: dict[str, Any], registration_id: str, synced_at: dt.datetime | None,
                     policy: RemotePolicy, by: str) -> dict[str, Any]:
    """The host records that an online bidder did not answer within the confirmation window.

    Only with the platform reachable (an answer that could not arrive is not a silence) and once
    the window is over. The bidder is neither confirmed nor deemed to accept: the record says
    ``no_answer`` (在线未确认).
    """
    from kiosk.opening.rules import find_bidder, need_stage

    need_stage(v, "confirmation")
    b = find_bidder(v, registration_id)
    if b.attendance != "online":
        raise err("not-online", "该投标人不是在线参加开标", "this bidder does not attend online")
    if b.confirmation:
        raise err("answered", "该投标人已有确认结果", "this bidder has already answered")
    if not remote_ok(synced_at, v.now, policy):
        raise unreachable_error(synced_at, v.now, "确认", "confirmations")
    since = _stage_since(data, "confirmation")
    if since is not None:
        left = policy.confirm_window_s - (v.now - since).total_seconds()
        if left > 0:
            raise err("remote-window", f"在线投标人确认的时间尚余 {int(left) + 1} 秒，请稍候",
                      f"online bidders may still confirm for {int(left) + 1} s")
    data.setdefault("confirmations", {})[registration_id] = {"status": "no_answer", "note": "在线投标人未在规定时间内确认",
                                                            "source": "online", "recorded_by": by}
    return {"registration_id": registration_id, "result": "no_answer", "source": "online"}
