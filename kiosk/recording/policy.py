"""Retention, quota and disk alarms as pure functions (Frigate's ``SegmentInfo`` idea, practice 11).

Nothing here touches files or the database: :func:`plan_retention` gets plain facts and returns
which segments may go, so every rule is tested on its own. The rules:

1. A segment **not yet uploaded** (``Blob.uploaded_at`` NULL) is never deleted, whatever its age
   or the quota: the platform's copy is the evidence of last resort.
2. A segment that overlaps a **dispute hold** of its room (争议保全) is never deleted.
3. Otherwise a segment older than its room's retention (``rec_room_policy``, else
   ``[recording] retention_days``) is deleted — unless the hall's clock moved since the last purge
   by more than ``[platform] max_clock_step_s`` and nobody confirmed it (``kiosk/retention.py``):
   then no segment goes for its age (issue 20: a wrong clock must not make evidence "old").
4. Then, while the recordings still exceed the quota, the oldest deletable segments go first.
   If the quota cannot be met with what may be deleted, the plan says so (``over_quota``): the
   admin tab and the log raise an alarm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GB = 1024**3


@dataclass(frozen=True)
class SegmentFacts:
    id: int
    room_code: str
    started_at: dt.datetime
    ended_at: dt.datetime
    bytes: int
    uploaded: bool


@dataclass(frozen=True)
class HoldSpan:
    room_code: str
    from_at: dt.datetime
    to_at: dt.datetime


@dataclass(frozen=True)
class RetentionPlan:
    delete: tuple[int, ...]  #: segment ids, oldest first
    reasons: Mapping[int, str]  #: id → "age" or "quota"
    total_bytes: int  #: before
    bytes_after: int
    pending_upload_bytes: int  #: kept because not uploaded
    held_bytes: int  #: kept because of a hold
    over_quota: bool  #: still over the quota after the plan
    by_age: bool = True  #: False: the clock moved since the last purge, nothing went for its age


def held(seg: SegmentFacts, holds: Iterable[HoldSpan]) -> bool:
    """Whether any hold of the segment's room overlaps it."""
    return any(h.room_code == seg.room_code and seg.started_at < h.to_at and seg.ended_at > h.from_at for h in holds)


def plan_retention(
    segments: Iterable[SegmentFacts],
    *,
    now: dt.datetime,
    default_days: int,
    room_days: Mapping[str, int] | None = None,
    quota_bytes: int | None = None,
    holds: Iterable[HoldSpan] = (),
    by_age: bool = True,
) -> RetentionPlan:
    """Which segments to delete now (see the module rules). ``by_age=False``: rule 3 is left out
    (the clock moved since the last purge and nobody confirmed it); the quota still applies."""
    room_days = room_days or {}
    holds = list(holds)
    segs = sorted(segments, key=lambda s: (s.started_at, s.id))
    total = sum(s.bytes for s in segs)
    pending = sum(s.bytes for s in segs if not s.uploaded)
    held_bytes = sum(s.bytes for s in segs if s.uploaded and held(s, holds))
    deletable = [s for s in segs if s.uploaded and not held(s, holds)]
    reasons: dict[int, str] = {}
    for s in deletable:
        days = room_days.get(s.room_code, default_days)
        if by_age and s.ended_at < now - dt.timedelta(days=days):
            reasons[s.id] = "age"
    remaining = total - sum(s.bytes for s in deletable if s.id in reasons)
    if quota_bytes is not None:
        for s in deletable:
            if remaining <= quota_bytes:
                break
            if s.id not in reasons:
                reasons[s.id] = "quota"
                remaining -= s.bytes
    order = [s.id for s in segs if s.id in reasons]
    return RetentionPlan(
        delete=tuple(order), reasons=reasons, total_bytes=total, bytes_after=remaining,
        pending_upload_bytes=pending, held_bytes=held_bytes,
        over_quota=quota_bytes is not None and remaining > quota_bytes, by_age=by_age,
    )


@dataclass(frozen=True)
class DiskState:
    free_bytes: int
    total_bytes: int
    min_free_bytes: int
    recordings_bytes: int
    quota_bytes: int

    @property
    def low(self) -> bool:
        return self.free_bytes < self.min_free_bytes

    @property
    def over_quota(self) -> bool:
        return self.recordings_bytes > self.quota_bytes

    def alarm(self) -> tuple[str, str] | None:
        """(zh, en) alarm text, or None when all is well."""
        if self.low:
            free = self.free_bytes / GB
            need = self.min_free_bytes / GB
            return (
                f"磁盘空间不足：仅剩 {free:.1f} GB（下限 {need:.1f} GB）。录像可能中断，请清理或扩容，并确认录像已上传。",
                f"Disk space low: {free:.1f} GB free (minimum {need:.1f} GB). Recording may stop: free space or add disk, and check uploads.",
            )
        if self.over_quota:
            used = self.recordings_bytes / GB
            quota = self.quota_bytes / GB
            return (
                f"录像超出配额：{used:.1f} GB / {quota:.1f} GB，未上传或保全中的录像不会删除。请检查平台同步。",
                f"Recordings over quota: {used:.1f} GB of {quota:.1f} GB; segments not uploaded or on hold are kept. Check the platform sync.",
            )
        return None
