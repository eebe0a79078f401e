"""The supervision room's units of work: alerts raised and acknowledged, orders, witness notes.

Journal kinds: ``supervision.alert`` (a rule's finding, once per key), ``supervision.ack`` (the
supervisor's acknowledgement with a note), ``supervision.order`` and ``witness.note`` exactly as
docs/platform-api.md §7.4. A supervisor operates nothing: their only acts are orders, acknowledgements and
signatures. :func:`paused_by_supervisor` is what the opening and auction services ask before each
step, inside their own transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.config import SupervisionConfig
from kiosk.context import HallContext
from kiosk.db.models import JournalEntry, PfSession
from kiosk.errors import HallError
from kiosk.journal import Entry, JournalFollower, take_head
from kiosk.staffing import RoleHolder, current
from kiosk.supervision import replay as replay_rules
from kiosk.supervision import rules
from kiosk.supervision.views import Alert, Order, RaisedAlert, RoomState, Scheduled, WitnessNote
from kiosk.timeutil import BEIJING, parse_rfc3339, rfc3339

log = logging.getLogger(__name__)

ALERT_KIND = "supervision.alert"
ACK_KIND = "supervision.ack"
ORDER_KIND = "supervision.order"
NOTE_KIND = "witness.note"
REPLAY_ALERT_LAG_MIN = 30  #: entries read past the replay window: an alert journalled up to this late about a moment in it

#: §7.4's required members (checked here before the journal's own validation knows the kinds)
ORDER_MEMBERS = ("room_code", "session_id", "order", "reason", "supervisor", "at")
NOTE_MEMBERS = ("room_code", "session_id", "step", "text", "witness", "at")


def _like(member: str, value: str) -> Any:
    """Narrow a payload scan: canonical JSON (RFC 8785) has no spaces, so ``"member":"value"`` is literal."""
    return JournalEntry.payload.like(f'%"{member}":{json.dumps(value, ensure_ascii=False)}%')


def _order(seq: int, p: dict[str, Any]) -> Order:
    return Order(seq, str(p["room_code"]), p.get("session_id"), str(p["order"]), str(p["reason"]),
                 str(p["supervisor"]), parse_rfc3339(str(p["at"])))


def orders_of(s: Session, session_id: str) -> list[Order]:
    """The supervision orders of a session, in journal order."""
    rows = s.execute(select(JournalEntry.seq, JournalEntry.payload).where(
        JournalEntry.kind == ORDER_KIND, _like("session_id", session_id)).order_by(JournalEntry.seq)).all()
    out = []
    for seq, body in rows:
        p = json.loads(body)
        if p.get("session_id") == session_id:
            out.append(_order(seq, p))
    return out


def paused_by_supervisor(s: Session, session_id: str) -> Order | None:
    """Inside a capability's transaction: the supervisor's pause that stands over ``session_id``, or None.

    The opening and auction services call this before each step and refuse the step while it
    returns an order (its ``zh``/``en`` say why). Reads only ``supervision.order`` entries of the session.
    """
    return rules.standing_pause(orders_of(s, session_id))


def witness_notes(s: Session, session_id: str) -> list[WitnessNote]:
    """Every ``witness.note`` of a session, in journal order (for the record's 见证记录 page)."""
    kind = s.scalar(select(PfSession.kind).where(PfSession.session_id == session_id)) or "evaluation"
    rows = s.execute(select(JournalEntry.seq, JournalEntry.payload).where(
        JournalEntry.kind == NOTE_KIND, _like("session_id", session_id)).order_by(JournalEntry.seq)).all()
    out = []
    steps = {st.code: st for st in rules.checklist(kind)}
    for seq, body in rows:
        p = json.loads(body)
        if p.get("session_id") != session_id:
            continue
        st = steps.get(str(p["step"]))
        out.append(WitnessNote(seq, str(p["room_code"]), session_id, str(p["step"]), st.zh if st else str(p["step"]),
                               str(p["text"]), bool(p.get("irregular", False)), str(p["witness"]),
                               parse_rfc3339(str(p["at"]))))
    return out


def _check(kind: str, payload: dict[str, Any], members: tuple[str, ...]) -> None:
    missing = [m for m in members if m not in payload]
    if missing:  # a bug, not a user's mistake: fail at the source (as kiosk.records does)
        raise ValueError(f"{kind}: missing {missing}")


class SupervisionService:
    """Alerts, orders and witness notes over the hall (:class:`kiosk.context.HallContext`)."""

    def __init__(self, hall: HallContext, cfg: SupervisionConfig | None = None) -> None:
        self.hall = hall
        self.cfg = cfg or getattr(hall.config, "supervision", None) or SupervisionConfig()

    # --- the day ------------------------------------------------------------------------------------

    def schedule(self, day: dt.date | None = None) -> list[Scheduled]:
        """The sessions of ``day`` (today on the hall clock) as the rules need them, and the day's
        evaluation sittings (kind ``evaluation``, in their 评标室)."""
        out = [Scheduled(x.session_id, x.kind, x.room_code, x.starts_at) for x in self.hall.sessions_on(day)]
        return out + [x for x, _title in self._evaluations(day)]

    def _evaluations(self, day: dt.date | None) -> list[tuple[Scheduled, str]]:
        try:
            from kiosk.db.models_experts import PfEvaluation
        except ImportError:  # pragma: no cover - a build without the expert area
            return []
        day = day or self.hall.clock.now().astimezone(BEIJING).date()
        start = dt.datetime.combine(day, dt.time(0), BEIJING)
        with self.hall.reading() as s:
            rows = s.scalars(select(PfEvaluation).where(PfEvaluation.starts_at >= start,
                                                        PfEvaluation.starts_at < start + dt.timedelta(days=1))
                             .order_by(PfEvaluation.starts_at)).all()
            return [(Scheduled(r.evaluation_id, "evaluation", r.room_code, r.starts_at),
                     f"评标委员会 {r.members_total} 人") for r in rows]

    def entries_of_day(self, day: dt.date | None = None, limit: int = 50000) -> list[Entry]:
        """Today's entries of the kinds the rules read (the watch's starting point)."""
        day = day or self.hall.clock.now().astimezone(BEIJING).date()
        start = rfc3339(dt.datetime.combine(day, dt.time(0), BEIJING))  # every occurred_at is Beijing time with offset
        with self.hall.reading() as s:
            rows = s.scalars(select(JournalEntry).where(
                JournalEntry.occurred_at >= start,
                or_(*[JournalEntry.kind.like(f"{p}%") for p in rules.WATCHED_PREFIXES]),
            ).order_by(JournalEntry.seq).limit(limit)).all()
            return [Entry.from_row(r) for r in rows]

    # --- alerts -------------------------------------------------------------------------------------

    def raise_alerts(self, alerts: Iterable[Alert]) -> list[RaisedAlert]:
        """Journal each alert whose key is not journalled yet (``supervision.alert``); the new ones.

        The check runs under the journal head, so two walls following the same journal raise a key once.
        """
        todo = list(alerts)
        if not todo:
            return []
        out = []
        with self.hall.unit() as s:
            take_head(s)
            known = self._alert_keys(s)
            now = self.hall.clock.now()
            for a in todo:
                if a.key in known:
                    continue
                known.add(a.key)
                e = self.hall.journal.append(s, ALERT_KIND, {
                    "alert_key": a.key, "rule": a.rule, "room_code": a.room_code, "session_id": a.session_id,
                    "text_zh": a.zh, "text_en": a.en, "since": rfc3339(a.since), "evidence_seqs": list(a.evidence),
                    "at": rfc3339(now),
                })
                out.append(RaisedAlert(e.seq, a, now))
        return out

    @staticmethod
    def _alert_keys(s: Session) -> set[str]:
        # the latest alerts only: a key names a session, an entry's seq or a day, so an old one never recurs
        rows = s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == ALERT_KIND)
                         .order_by(JournalEntry.seq.desc()).limit(5000))
        return {str(json.loads(b)["alert_key"]) for b in rows}

    def alerts(self, *, open_only: bool = False, limit: int = 500) -> list[RaisedAlert]:
        """The journalled alerts, newest first, with their acknowledgements."""
        with self.hall.reading() as s:
            rows = s.execute(select(JournalEntry.seq, JournalEntry.payload).where(JournalEntry.kind == ALERT_KIND)
                             .order_by(JournalEntry.seq.desc()).limit(limit)).all()
            oldest = min((r[0] for r in rows), default=0)  # an acknowledgement comes after its alert
            acks = {int(p["alert_seq"]): p for p in (json.loads(b) for b in s.scalars(
                select(JournalEntry.payload).where(JournalEntry.kind == ACK_KIND, JournalEntry.seq > oldest)))}
        out = []
        for seq, body in rows:
            p = json.loads(body)
            a = Alert(p["alert_key"], p["rule"], p["room_code"], p.get("session_id"), p["text_zh"], p["text_en"],
                      parse_rfc3339(p["since"]), tuple(p.get("evidence_seqs") or ()))
            ack = acks.get(seq)
            if open_only and ack is not None:
                continue
            out.append(RaisedAlert(seq, a, parse_rfc3339(p["at"]), ack is not None,
                                   str(ack["note"]) if ack else "", str(ack["supervisor"]) if ack else ""))
        return out

    def acknowledge(self, alert_seq: int, note: str, holder: RoleHolder) -> RaisedAlert:
        """The supervisor acknowledges an alert with a note (``supervision.ack``).

        ``holder`` holds a supervisor role (of any session today: an alert may belong to none).

        Raises:
            HallError: ``note`` (empty), ``no_alert``, ``acked`` (already acknowledged);
                AccessError from :func:`kiosk.staffing.current`.
        """
        text = (note or "").strip()
        if not text:
            raise HallError("note", "确认预警须填写处理说明", "acknowledging an alert needs a note")
        with self.hall.unit() as s:
            current(s, holder, holder.session_id, ("supervisor",))
            row = s.get(JournalEntry, alert_seq)
            if row is None or row.kind != ALERT_KIND:
                raise HallError("no_alert", "没有此预警", "no such alert")
            for body in s.scalars(select(JournalEntry.payload).where(JournalEntry.kind == ACK_KIND, JournalEntry.seq > alert_seq)):
                if int(json.loads(body)["alert_seq"]) == alert_seq:
                    raise HallError("acked", "此预警已确认", "this alert was acknowledged already")
            p = json.loads(row.payload)
            now = self.hall.clock.now()
            self.hall.journal.append(s, ACK_KIND, {
                "alert_seq": alert_seq, "alert_key": p["alert_key"], "note": text, "supervisor": holder.username,
                "session_id": holder.session_id, "at": rfc3339(now)})
        a = Alert(p["alert_key"], p["rule"], p["room_code"], p.get("session_id"), p["text_zh"], p["text_en"],
                  parse_rfc3339(p["since"]), tuple(p.get("evidence_seqs") or ()))
        return RaisedAlert(alert_seq, a, parse_rfc3339(p["at"]), True, text, holder.username)

    # --- orders -------------------------------------------------------------------------------------

    def order(self, holder: RoleHolder, room_code: str, session_id: str, order: str, reason: str) -> Order:
        """A supervision order (``supervision.order``, §7.4) by the session's supervisor.

        ``pause`` stands until the supervisor's ``resume``; the consoles refuse their next step
        meanwhile (:func:`paused_by_supervisor`). ``note`` only puts a remark on the record.

        Raises:
            HallError: ``order``, ``reason``, ``room`` (the session is in another room), ``paused``
                (a pause stands already), ``not_paused`` (a resume with no pause standing);
                AccessError: the holder is not this session's supervisor now.
        """
        why = rules.need_order(order, reason)
        with self.hall.unit() as s:
            current(s, holder, session_id, ("supervisor",))
            ps = s.get(PfSession, session_id)
            if ps is not None and room_code and ps.room_code != room_code:
                raise HallError("room", f"场次 {session_id} 不在 {room_code}", f"session {session_id} is not in {room_code}")
            room = room_code or (ps.room_code if ps is not None else "")
            standing = paused_by_supervisor(s, session_id)
            if order == "pause" and standing is not None:
                raise HallError("paused", f"暂停指令已在执行（{standing.reason}）", "a pause stands already")
            if order == "resume" and standing is None:
                raise HallError("not_paused", "没有需要恢复的暂停指令", "no pause to lift")
            now = self.hall.clock.now()
            payload = {"room_code": room, "session_id": session_id, "order": order, "reason": why,
                       "supervisor": holder.username, "at": rfc3339(now)}
            _check(ORDER_KIND, payload, ORDER_MEMBERS)
            e = self.hall.journal.append(s, ORDER_KIND, payload)
            return _order(e.seq, payload)

    def orders(self, session_id: str) -> list[Order]:
        with self.hall.reading() as s:
            return orders_of(s, session_id)

    def room_states(self) -> list[RoomState]:
        """Every room's tile state now (one read)."""
        now = self.hall.clock.now()
        day = self.hall.sessions_on()
        evaluations = self._evaluations(None)
        sched = [Scheduled(x.session_id, x.kind, x.room_code, x.starts_at) for x in day] + [x for x, _ in evaluations]
        titles = {x.session_id: x.title for x in day} | {x.session_id: title for x, title in evaluations}
        entries = self.entries_of_day()
        with self.hall.reading() as s:
            return room_states(s, entries, sched, now, titles)

    def standing_pause(self, session_id: str) -> Order | None:
        with self.hall.reading() as s:
            return paused_by_supervisor(s, session_id)

    # --- the witness --------------------------------------------------------------------------------

    def note(self, holder: RoleHolder, session_id: str, step: str, text: str, *, irregular: bool = False) -> WitnessNote:
        """The witness ticks ``step`` as seen (``text`` says so) or notes an irregularity (``witness.note``).

        Raises:
            HallError: ``step`` (not in the session kind's checklist), ``text`` (empty);
                AccessError: the holder is not this session's witness now.
        """
        body = (text or "").strip()
        if not body:
            raise HallError("text", "见证记录内容不能为空", "a witness note needs its text")
        with self.hall.unit() as s:
            current(s, holder, session_id, ("witness",))
            ps = s.get(PfSession, session_id)
            kind, room = (ps.kind, ps.room_code) if ps is not None else ("evaluation", self._evaluation_room(s, session_id))
            st = rules.step_of(kind, step)
            now = self.hall.clock.now()
            payload: dict[str, Any] = {"room_code": room, "session_id": session_id, "step": st.code, "text": body,
                                       "witness": holder.username, "irregular": irregular, "at": rfc3339(now)}
            _check(NOTE_KIND, payload, NOTE_MEMBERS)
            e = self.hall.journal.append(s, NOTE_KIND, payload)
            return WitnessNote(e.seq, room, session_id, st.code, st.zh, body, irregular, holder.username, now)

    # --- replay (must 5) ----------------------------------------------------------------------------

    def replay_rooms(self) -> list[str]:
        """Rooms that can be replayed: the site's rooms and every room with recordings."""
        from kiosk.db.models import Room
        from kiosk.recording import catalogue as cat

        with self.hall.reading() as s:
            return sorted(set(s.scalars(select(Room.code))) | set(cat.rooms(s)))

    def replay(self, room_code: str, at: dt.datetime, *, before_s: float | None = None,
               after_s: float | None = None) -> replay_rules.Replay:
        """``room_code`` around ``at``: the segments recorded then (every camera, through the recording
        catalogue) and the room's journal entries within the window, in time order (one read)."""
        from kiosk.recording import catalogue as cat

        before_s = replay_rules.WINDOW_BEFORE_S if before_s is None else before_s
        after_s = replay_rules.WINDOW_AFTER_S if after_s is None else after_s
        lo, hi = at - dt.timedelta(seconds=before_s), at + dt.timedelta(seconds=after_s)
        with self.hall.reading() as s:
            segs = cat.segments(s, data_dir=self.hall.config.data_dir, room_code=room_code, since=lo, until=hi,
                                include_deleted=False)
            # an alert is journalled after the moment it is about (its ``since``): read a little past the window
            rows = s.scalars(select(JournalEntry).where(
                JournalEntry.occurred_at >= rfc3339(lo),
                JournalEntry.occurred_at <= rfc3339(hi + dt.timedelta(minutes=REPLAY_ALERT_LAG_MIN)),
            ).order_by(JournalEntry.seq)).all()
            entries = [Entry.from_row(r) for r in rows]
            sids = {str(v) for e in entries for k in ("session_id", "evaluation_id")
                    if isinstance(v := e.payload.get(k), str) and not e.payload.get("room_code")}
            rooms = self._session_rooms(s, sids)
        clips = tuple(replay_rules.Clip(x.camera, x.path, x.started_at, x.ended_at, x.session_id, x.segment_no)
                      for x in segs)
        moments = replay_rules.around(replay_rules.moments_of(entries, room_code, rooms), at, before_s, after_s)
        return replay_rules.Replay(room_code, at, clips, tuple(moments))

    @staticmethod
    def _session_rooms(s: Session, sids: set[str]) -> dict[str, str]:
        if not sids:
            return {}
        out = {sid: room for sid, room in s.execute(select(PfSession.session_id, PfSession.room_code)
                                                   .where(PfSession.session_id.in_(sids)))}
        try:
            from kiosk.db.models_experts import PfEvaluation
        except ImportError:  # pragma: no cover - the expert area not installed
            return out
        rest = sids - set(out)
        if rest:
            out |= {eid: room for eid, room in s.execute(select(PfEvaluation.evaluation_id, PfEvaluation.room_code)
                                                        .where(PfEvaluation.evaluation_id.in_(rest)))}
        return out

    def moment_of(self, seq: int) -> tuple[str, dt.datetime] | None:
        """Where and when to replay the journal entry ``seq`` (an alert, a bid, a witness note …):
        its room and its moment (an alert's ``since``); None when it belongs to no room."""
        with self.hall.reading() as s:
            row = s.get(JournalEntry, seq)
            if row is None:
                return None
            e = Entry.from_row(row)
            sids = {str(v) for k in ("session_id", "evaluation_id") if isinstance(v := e.payload.get(k), str)}
            room = replay_rules.room_of(e.kind, e.payload, self._session_rooms(s, sids))
        return (room, replay_rules.moment_at(e.kind, e.payload, e.occurred_at)) if room else None

    @staticmethod
    def replay_export(directory: Path, at: dt.datetime | None = None) -> replay_rules.Replay:
        """An exported folder (``hall-kiosk recording export``) replayed from its ``manifest.json``.

        Raises:
            HallError: ``export`` — no readable manifest of that format in the folder.
        """
        from kiosk.recording.manifest import FORMAT, read_manifest

        try:
            manifest = read_manifest(Path(directory))
        except (OSError, ValueError) as exc:
            raise HallError("export", f"无法读取导出目录的清单（{type(exc).__name__}）",
                            f"cannot read the export's manifest ({type(exc).__name__})") from exc
        if manifest.get("format") != FORMAT:
            raise HallError("export", "不是本系统导出的录像目录", "not a recording export of this system")
        return replay_rules.from_manifest(manifest, Path(directory), at)

    @staticmethod
    def _evaluation_room(s: Session, evaluation_id: str) -> str:
        try:
            from kiosk.db.models_experts import PfEvaluation
        except ImportError:  # pragma: no cover - the expert area not installed
            return ""
        ev = s.get(PfEvaluation, evaluation_id)
        return str(getattr(ev, "room_code", "") or "") if ev is not None else ""

    def notes(self, session_id: str) -> list[WitnessNote]:
        """The session's witness notes for its record (见证记录)."""
        with self.hall.reading() as s:
            return witness_notes(s, session_id)


def room_states(s: Session, entries: Sequence[Entry], day: Sequence[Scheduled], now: dt.datetime,
                titles: dict[str, str] | None = None) -> list[RoomState]:
    """Each room's live state for the wall, from the day's entries and the session roles held now.

    A room shows its live session, else its next session today, else its last one. Names are masked.
    """
    from kiosk.db.models import Room
    from kiosk.pii import mask_name
    from kiosk.staffing import ROLE_ZH, active_holders

    rooms = {r.code: r.name for r in s.scalars(select(Room).order_by(Room.code))}
    for x in day:
        rooms.setdefault(x.room_code, x.room_code)
    live = rules.live_sessions(entries)
    by_session: dict[str, list[Entry]] = {}
    recording: dict[str, bool] = {}
    mic: dict[str, bool] = {}
    for e in entries:
        sid = e.payload.get("session_id") or e.payload.get("evaluation_id")
        if isinstance(sid, str):
            by_session.setdefault(sid, []).append(e)
        room = str(e.payload.get("room_code") or "")
        if e.kind == "recording.started":
            recording[room] = True
        elif e.kind == "recording.stopped":
            recording[room] = False
        elif e.kind == "recording.microphone":
            mic[room] = bool(e.payload.get("on"))
    out = []
    for code in sorted(rooms):
        mine = [x for x in day if x.room_code == code]
        pick = next((x for x in mine if x.session_id in live), None) or \
            next((x for x in mine if x.starts_at >= now - dt.timedelta(hours=1) and x.session_id not in live), None) or \
            (mine[-1] if mine else None)
        if pick is None:
            out.append(RoomState(code, room_name=rooms[code], recording=recording.get(code), microphone=mic.get(code, True)))
            continue
        stage, host_pause, sup_pause = rules.session_stage(pick.kind, by_session.get(pick.session_id, []))
        people = tuple(f"{ROLE_ZH.get(h.role, h.role)} {mask_name(h.name)}" for h in active_holders(s, pick.session_id))
        out.append(RoomState(code, pick.session_id, pick.kind, (titles or {}).get(pick.session_id, ""), stage, people,
                             recording.get(code), mic.get(code, True), sup_pause or host_pause, bool(sup_pause),
                             room_name=rooms[code], live=pick.session_id in live))
    return out


class Watch:
    """One follower's worth of state: today's watched entries, the rules run over them.

    ``feed`` takes new entries (from a :class:`~kiosk.journal.JournalFollower`), ``check`` runs every
    rule with the clock and journals the new findings. :meth:`run` is the loop the composition root
    starts on a thread; everything here also runs synchronously in tests.
    """

    def __init__(self, service: SupervisionService, *, schedule_every_s: float = 60.0) -> None:
        self.service = service
        self.entries: list[Entry] = []
        self._schedule: list[Scheduled] = []
        self._schedule_at: dt.datetime | None = None
        self._day: dt.date | None = None
        self.schedule_every_s = schedule_every_s

    def load(self) -> None:
        self._day = self.service.hall.clock.now().astimezone(BEIJING).date()
        self.entries = self.service.entries_of_day(self._day)

    def feed(self, entries: Sequence[Entry]) -> None:
        last = self.entries[-1].seq if self.entries else 0  # a follower started before load() repeats a few
        self.entries.extend(e for e in entries if e.seq > last and e.kind.startswith(rules.WATCHED_PREFIXES))

    def schedule(self) -> list[Scheduled]:
        now = self.service.hall.clock.now()
        if self._schedule_at is None or abs((now - self._schedule_at).total_seconds()) >= self.schedule_every_s:
            self._schedule = self.service.schedule()
            self._schedule_at = now
        return self._schedule

    def check(self) -> list[RaisedAlert]:
        """Run every rule now; journal and return what is new."""
        now = self.service.hall.clock.now()
        if self._day is not None and now.astimezone(BEIJING).date() != self._day:
            self.load()  # a new day: yesterday's findings stay journalled, today's entries start afresh
            self._schedule_at = None
        found = rules.evaluate(self.entries, self.schedule(), now, self.service.cfg)
        return self.service.raise_alerts(found)

    def run(self, stop: threading.Event, follower: JournalFollower, on_raised: Callable[[list[RaisedAlert]], None],
            *, interval: float = 1.0, poll_s: float = 0.05) -> None:
        """Follow the journal until ``stop``: the rules run as soon as new entries arrive (polled every
        ``poll_s``: a one-row read of the head) and at least every ``interval`` seconds for the clock's rules."""
        import time

        if self._day is None:
            self.load()
        last = 0.0
        while not stop.is_set():
            try:
                fresh = follower.poll()
                self.feed(fresh)
                raised = []
                if fresh or time.monotonic() - last >= interval:
                    last = time.monotonic()
                    raised = self.check()
            except Exception:  # noqa: BLE001 - a passing database error: the next turn tries again
                log.warning("supervision watch: a turn failed; trying again", exc_info=True)
                raised = []
            if raised:
                on_raised(raised)
            stop.wait(poll_s)
