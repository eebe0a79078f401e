"""The pure retention/quota policy and the disk alarm (no files, no database)."""

from __future__ import annotations

import datetime as dt

from kiosk.recording import DiskState, HoldSpan, SegmentFacts, plan_retention
from kiosk.recording.policy import GB

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def seg(i: int, days_ago: float, *, room: str = "KB-03", size: int = 100, uploaded: bool = True) -> SegmentFacts:
    start = NOW - dt.timedelta(days=days_ago)
    return SegmentFacts(i, room, start, start + dt.timedelta(seconds=60), size, uploaded)


def test_old_uploaded_segments_go_young_ones_stay() -> None:
    plan = plan_retention([seg(1, 100), seg(2, 10)], now=NOW, default_days=90)
    assert plan.delete == (1,) and plan.reasons[1] == "age" and plan.bytes_after == 100


def test_never_deletes_a_segment_not_uploaded_whatever_its_age_or_the_quota() -> None:
    plan = plan_retention([seg(1, 400, uploaded=False), seg(2, 300)], now=NOW, default_days=90, quota_bytes=0)
    assert plan.delete == (2,)
    assert plan.pending_upload_bytes == 100 and plan.over_quota is True


def test_never_deletes_a_segment_under_a_dispute_hold() -> None:
    old = seg(1, 200)
    hold = HoldSpan("KB-03", old.started_at + dt.timedelta(seconds=30), old.started_at + dt.timedelta(hours=1))
    other_room = HoldSpan("KB-01", old.started_at, old.ended_at)
    plan = plan_retention([old, seg(2, 250)], now=NOW, default_days=90, holds=[hold, other_room])
    assert plan.delete == (2,) and plan.held_bytes == 100


def test_room_override_of_retention_days() -> None:
    plan = plan_retention([seg(1, 40, room="PM-01"), seg(2, 40)], now=NOW, default_days=90, room_days={"PM-01": 30})
    assert plan.delete == (1,)


def test_quota_deletes_oldest_uploaded_first_until_under() -> None:
    segs = [seg(i, 10 - i, size=100) for i in range(5)]  # all young
    plan = plan_retention(segs, now=NOW, default_days=90, quota_bytes=250)
    assert plan.delete == (0, 1, 2) and all(plan.reasons[i] == "quota" for i in plan.delete)
    assert plan.bytes_after == 200 and not plan.over_quota


def test_disk_alarm() -> None:
    ok = DiskState(free_bytes=50 * GB, total_bytes=100 * GB, min_free_bytes=5 * GB, recordings_bytes=GB, quota_bytes=10 * GB)
    assert ok.alarm() is None
    low = DiskState(free_bytes=2 * GB, total_bytes=100 * GB, min_free_bytes=5 * GB, recordings_bytes=GB, quota_bytes=10 * GB)
    zh, en = low.alarm()  # type: ignore[misc]
    assert "磁盘空间不足" in zh and "2.0 GB" in en
    over = DiskState(free_bytes=50 * GB, total_bytes=100 * GB, min_free_bytes=5 * GB, recordings_bytes=11 * GB, quota_bytes=10 * GB)
    assert "配额" in over.alarm()[0]  # type: ignore[index]
