"""Recording catalogue service (全过程录音录像, 留痕): what the UI, CLI and wiring call.

:class:`Recordings` is the facade: each method is one unit of work on the hall database and returns
frozen DTOs (``SegmentInfo``, ``MarkerInfo``, ``HoldInfo``, ``ExportResult``, ``DiskState``). The
session-first functions are in :mod:`kiosk.recording.catalogue`, the pure retention policy in
:mod:`kiosk.recording.policy`, journal-to-recorder decisions in :mod:`kiosk.recording.follow`, and
exports and their verification in :mod:`kiosk.recording.manifest`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.db.models import JournalEntry
from kiosk.hall import Hall, SessionInfo
from kiosk.recording import catalogue as cat
from kiosk.recording.catalogue import ExportResult, HoldInfo, MarkerInfo, ReasonRequired, SegmentInfo
from kiosk.recording.follow import Action, classify, label_for
from kiosk.recording.manifest import ExportCheck, verify_export
from kiosk.recording.policy import GB, DiskState, HoldSpan, RetentionPlan, SegmentFacts, plan_retention

__all__ = [
    "Action", "CameraStatus", "DiskState", "ExportCheck", "ExportResult", "HoldInfo", "HoldSpan", "MarkerInfo", "ReasonRequired",
    "RecorderStatus", "Recordings", "RetentionPlan", "SegmentFacts", "SegmentInfo", "SessionRecording", "classify", "label_for",
    "plan_retention", "verify_export",
]


@dataclass(frozen=True)
class CameraStatus:
    name: str
    state: str
    fps: float
    captured: int
    written: int
    dropped: int
    segments: int
    last_error: str


@dataclass(frozen=True)
class RecorderStatus:
    """The live state of a room's recorder (from the recording process, for the admin tab)."""

    room_code: str
    recording: bool
    session_id: str | None
    manual: bool
    cameras: tuple[CameraStatus, ...]
    disk_alarm: tuple[str, str] | None
    mic_alarm: tuple[str, str] | None = None  #: the room must record sound and has no microphone


@dataclass(frozen=True)
class SessionRecording:
    """One session's (or the unscheduled time's) recordings in a room."""

    room_code: str
    session_id: str | None
    title: str
    started_at: dt.datetime
    ended_at: dt.datetime
    segments: int
    bytes: int
    markers: int


class Recordings:
    """The catalogue of one hall, as units of work.

    Args:
        hall: the hall facade (database, journal, clock, config).
    """

    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self.cfg = hall.config.recording
        self.root = hall.config.data_dir / "recordings"

    # --- reading -----------------------------------------------------------------------------

    def rooms(self) -> list[str]:
        with self.hall.reading() as s:
            found = cat.rooms(s)
        own = self.hall.config.site.room_code
        return sorted(set(found) | ({own} if own else set()))

    def sessions(self, room_code: str) -> list[SessionRecording]:
        """Recordings grouped by session, newest first."""
        with self.hall.reading() as s:
            segs = cat.segments(s, data_dir=self.hall.config.data_dir, room_code=room_code, include_deleted=False)
            marks = cat.markers(s, room_code=room_code)
        titles = {i.session_id: i.title for d in {x.started_at.date() for x in segs} for i in self._sessions_around(d, room_code)}
        groups: dict[str | None, list[SegmentInfo]] = {}
        for x in segs:
            groups.setdefault(x.session_id, []).append(x)
        out = [
            SessionRecording(
                room_code, sid, titles.get(sid, "") if sid else "", min(x.started_at for x in xs), max(x.ended_at for x in xs),
                len(xs), sum(x.bytes for x in xs), sum(1 for m in marks if m.session_id == sid),
            )
            for sid, xs in groups.items()
        ]
        return sorted(out, key=lambda r: r.started_at, reverse=True)

    def _sessions_around(self, day: dt.date, room_code: str) -> list[SessionInfo]:
        out: list[SessionInfo] = []
        for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
            out.extend(self.hall.sessions_on(d, room_code=room_code))
        return out

    def segments(self, room_code: str | None = None, session_id: str | None = None, *,
                 since: dt.datetime | None = None, until: dt.datetime | None = None,
                 include_deleted: bool = False) -> list[SegmentInfo]:
        with self.hall.reading() as s:
            return cat.segments(s, data_dir=self.hall.config.data_dir, room_code=room_code, session_id=session_id,
                                since=since, until=until, include_deleted=include_deleted)

    def markers(self, room_code: str | None = None, session_id: str | None = None, *,
                since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[MarkerInfo]:
        with self.hall.reading() as s:
            return cat.markers(s, room_code=room_code, session_id=session_id, since=since, until=until)

    def holds(self, room_code: str | None = None) -> list[HoldInfo]:
        with self.hall.reading() as s:
            return cat.holds(s, room_code)

    def state(self, room_code: str) -> tuple[str | None, str | None]:
        """("started"|"stopped"|None, since) from the journal."""
        with self.hall.reading() as s:
            return cat.requests_state(s, room_code)

    def segment_at(self, room_code: str, at: dt.datetime, camera: str | None = None) -> tuple[SegmentInfo, float] | None:
        """The segment showing instant ``at`` and the offset into it (seconds), for "play from marker"."""
        segs = [x for x in self.segments(room_code, since=at - dt.timedelta(seconds=1), until=at + dt.timedelta(seconds=1))
                if camera is None or x.camera == camera]
        best = None
        for x in segs:
            if x.started_at <= at < x.ended_at:
                return x, (at - x.started_at).total_seconds()
            if x.started_at >= at and (best is None or x.started_at < best.started_at):
                best = x
        return (best, 0.0) if best else None

    # --- acting -------------------------------------------------------------------------------

    def request(self, room_code: str, action: str, reason: str, operator: str, session_id: str | None = None) -> int:
        """Ask the room's recorder to start or stop (journalled; the recorder carries it out).

        Raises:
            ReasonRequired: no reason given.
        """
        with self.hall.unit() as s:
            return cat.request(s, self.hall.journal, room_code=room_code, action=action, reason=reason,
                               operator=operator, session_id=session_id)

    def set_microphone(self, room_code: str, on: bool, reason: str, operator: str) -> int:
        """An admin's order for the room's microphone (off needs a reason; journalled); applied by the
        room's recorder from its next segment (G87 §39: opening and auction rooms record sound by default)."""
        with self.hall.unit() as s:
            return cat.microphone_order(s, self.hall.journal, room_code=room_code, on=on, reason=reason, operator=operator)

    def microphone(self, room_code: str) -> tuple[bool, bool, str]:
        """(sound required in this room, microphone ordered on, the off order's reason)."""
        with self.hall.reading() as s:
            on, reason = cat.microphone_on(s, room_code)
            return cat.microphone_required(s, room_code), on, reason

    def add_hold(self, room_code: str, from_at: dt.datetime, to_at: dt.datetime, reason: str, operator: str,
                 session_id: str | None = None) -> HoldInfo:
        with self.hall.unit() as s:
            return cat.add_hold(s, self.hall.journal, room_code=room_code, from_at=from_at, to_at=to_at,
                                reason=reason, operator=operator, session_id=session_id)

    def set_room_retention(self, room_code: str, days: int, operator: str) -> None:
        with self.hall.unit() as s:
            cat.set_room_retention(s, self.hall.journal, room_code, days, operator)

    def export_clip(self, room_code: str, from_at: dt.datetime, to_at: dt.datetime, out_dir: Path,
                    cameras: list[str] | None = None) -> ExportResult:
        with self.hall.reading() as s:
            return cat.export_clip(s, room_code=room_code, from_at=from_at, to_at=to_at, out_dir=out_dir,
                                   journal_id=self.hall.journal.journal_id, data_dir=self.hall.config.data_dir,
                                   cameras=cameras, vault=self.hall.vault)

    def quota_bytes(self) -> int:
        return int(self.cfg.quota_gb * GB)

    def plan_retention(self, now: dt.datetime | None = None) -> RetentionPlan:
        """What :meth:`apply_retention` would delete now, on the same guarded clock (reads only)."""
        from kiosk import retention

        with self.hall.reading() as s:
            reading = retention.read_clock(s, self.hall.clock, self.hall.journal.journal_id, now)
            moved = retention.clock_moved(s, self.hall.journal, reading, self.hall.config.platform.max_clock_step_s)
            return cat.plan(s, now=reading.now, default_days=self.cfg.retention_days, quota_bytes=self.quota_bytes(),
                            by_age=moved is None)

    def apply_retention(self, now: dt.datetime | None = None) -> tuple[RetentionPlan, list[SegmentInfo]]:
        """Delete what retention and the quota allow. The age rule runs on the same guarded clock as the
        personal-data purge (``kiosk/retention.py``): if the clock moved by more than
        ``[platform] max_clock_step_s`` since the last purge, or a clock alarm is up, no segment is
        deleted for its age (the quota still applies) and ``recording.retention_clock_refused`` is
        journalled once per offset, until an operator confirms the clock (``pii purge --confirm-clock``)."""
        from kiosk import retention

        with self.hall.unit() as s:
            reading = retention.read_clock(s, self.hall.clock, self.hall.journal.journal_id, now)
            moved = retention.clock_moved(s, self.hall.journal, reading, self.hall.config.platform.max_clock_step_s)
            if moved is not None:
                self._refuse_age(s, moved)
            p, done = cat.apply_retention(s, self.hall.journal, now=reading.now, default_days=self.cfg.retention_days,
                                          quota_bytes=self.quota_bytes(), data_dir=self.hall.config.data_dir,
                                          by_age=moved is None)
            if moved is None and any(p.reasons[d.id] == "age" for d in done):
                retention.record_clock(s, self.hall.journal, reading)
            return p, done

    def _refuse_age(self, s: Any, moved: Any) -> None:
        last = s.execute(select(JournalEntry.payload).where(JournalEntry.kind == "recording.retention_clock_refused")
                         .order_by(JournalEntry.seq.desc()).limit(1)).scalar()
        if last is not None and abs(json.loads(last).get("moved_s", 0) - round(moved.moved_s)) <= moved.bound_s:
            return  # the same move, already journalled
        self.hall.journal.append(s, "recording.retention_clock_refused", {
            "moved_s": round(moved.moved_s), "bound_s": round(moved.bound_s), "clock_alarm": moved.alarm is not None})

    def seal_plain(self, limit: int = 20, skip: set[str] | None = None) -> tuple[int, int]:
        """Seal up to ``limit`` segments recorded before sealing (plain MP4) with the hall's key, in place.

        Each is checked against its catalogued SHA-256 first (one that differs is left as it is, for
        ``recording verify`` to find) and replaced atomically; their blobs are marked encrypted and
        one ``recording.sealed`` entry lists them. Returns (sealed, left as they are); the SHA-256s
        left are added to ``skip`` (not tried again by the caller's next pass).
        """
        with self.hall.reading() as s:
            found = cat.plain_candidates(s, self.hall.config.data_dir, limit, skip)
        done: list[str] = []
        size = skipped = 0
        for sha, path in found:
            try:
                ok = path.is_file() and cat.seal_file(self.hall.vault, path, sha)
            except OSError:
                ok = False
            if ok:
                done.append(sha)
                size += path.stat().st_size
            else:
                skipped += 1
                if skip is not None:
                    skip.add(sha)
        if done:
            with self.hall.unit() as s:
                cat.mark_sealed(s, self.hall.journal, done, size)
        return len(done), skipped

    def disk(self) -> DiskState:
        """Free disk under the data dir and the recordings' size against the quota."""
        target = self.root if self.root.exists() else self.hall.config.data_dir
        usage = shutil.disk_usage(target)
        with self.hall.reading() as s:
            used = cat.stored_bytes(s)
        return DiskState(usage.free, usage.total, int(self.cfg.min_free_gb * GB), used, self.quota_bytes())
