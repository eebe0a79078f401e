"""Feed items the hall could not apply (docs/platform-api.md §2): kept, counted and shown, never blocking.

The puller (``sync.pull``) validates each item of a page (``sync.feeds``); one that is malformed, or
that fails to apply, is recorded here with the member at fault and the reason in Chinese and
English, and the rest of the page — and every other feed — is applied. The feed's cursor moves past
it as past any other item, so nothing after it is lost; when the platform sends a corrected version
of the same key later, it applies and the dead letter is marked resolved. A full listing of a feed
(first pull, ``410``) resolves the feed's dead letters first: the listing brings back those still bad.

Only feed, key, version, member, reason and times are kept — never the record, which may carry ID
numbers or phone numbers. ``sync status`` counts the open ones; the admin console lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.db.models import FeedDeadLetter

KEY_MAX = 128
MEMBER_MAX = 200


@dataclass(frozen=True)
class FeedDeadLetterInfo:
    """One open dead letter, for the admin console and the CLI (plain data)."""

    feed: str
    key: str
    version: int | None
    member: str
    reason_zh: str
    reason_en: str
    failures: int
    first_at: dt.datetime
    last_at: dt.datetime


def record(session: Session, feed: str, key: str | None, version: int | None, member: str, reason_zh: str,
           reason_en: str, now: dt.datetime) -> None:
    """Keep (or refresh) the dead letter of ``feed``/``key`` in the caller's transaction."""
    k = (key or "")[:KEY_MAX]
    row = session.scalar(select(FeedDeadLetter).where(FeedDeadLetter.feed == feed, FeedDeadLetter.key == k))
    if row is None:
        session.add(FeedDeadLetter(feed=feed, key=k, version=version, member=member[:MEMBER_MAX], reason_zh=reason_zh,
                                   reason_en=reason_en, failures=1, first_at=now, last_at=now, resolved_at=None))
    else:
        if row.resolved_at is not None and row.resolved_at != now:  # not resolved by this very listing: new
            row.first_at, row.failures = now, 0
        row.version, row.member, row.reason_zh, row.reason_en = version, member[:MEMBER_MAX], reason_zh, reason_en
        row.failures = (row.failures or 0) + 1
        row.last_at, row.resolved_at = now, None
    session.flush()


def resolve(session: Session, feed: str, applied: Iterable[tuple[str, int]], now: dt.datetime) -> int:
    """Mark resolved the open dead letters of ``feed`` whose key has now applied at a version as new or newer."""
    done = 0
    for key, version in applied:
        result = session.execute(
            update(FeedDeadLetter)
            .where(FeedDeadLetter.feed == feed, FeedDeadLetter.key == key, FeedDeadLetter.resolved_at.is_(None),
                   or_(FeedDeadLetter.version.is_(None), FeedDeadLetter.version <= version))
            .values(resolved_at=now)
            .execution_options(synchronize_session=False)
        )
        done += int(getattr(result, "rowcount", 0) or 0)
    return done


def resolve_feed(session: Session, feed: str, now: dt.datetime) -> int:
    """A full listing replaces the feed: its open dead letters are resolved (the listing re-adds those still bad)."""
    result = session.execute(
        update(FeedDeadLetter)
        .where(FeedDeadLetter.feed == feed, FeedDeadLetter.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def open_counts(session: Session) -> dict[str, int]:
    """Open dead letters per feed (feeds without any are left out)."""
    rows = session.execute(
        select(FeedDeadLetter.feed, func.count()).where(FeedDeadLetter.resolved_at.is_(None)).group_by(FeedDeadLetter.feed)
    )
    return {feed: int(n) for feed, n in rows}


def open_letters(session: Session, limit: int = 200) -> list[FeedDeadLetterInfo]:
    """The open dead letters, newest first."""
    rows = session.scalars(
        select(FeedDeadLetter).where(FeedDeadLetter.resolved_at.is_(None))
        .order_by(FeedDeadLetter.last_at.desc(), FeedDeadLetter.id.desc()).limit(limit)
    )
    return [FeedDeadLetterInfo(r.feed, r.key, r.version, r.member, r.reason_zh, r.reason_en, r.failures, r.first_at,
                               r.last_at) for r in rows]
