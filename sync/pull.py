"""Pulling the platform's feeds into the hall database (docs/platform-api.md §2).

:class:`Puller` asks each feed for pages until ``has_more`` is false, applying each page and
storing its cursor in one local transaction (``kiosk.feeds.apply_page``). A feed listed from the
beginning (first start, or after ``410 cursor-expired``) is fetched whole first and then
replaces the local copy in **one** transaction (``kiosk.feeds.relist`` + the pages), so a
terminal never works from a half-listed feed.

Every item is validated first (``sync.feeds``): a malformed one, or one that fails to apply, is
dead-lettered (``kiosk.feed_dead_letters``) and the rest of its page is applied, the cursor moving
past it; a feed that fails as a whole is reported and the next feed is pulled all the same, so a
bad record in one feed can never keep a market ban of another from applying.

While an opening is decrypting, :meth:`Puller.poll_bid_results` fetches the ``bid_results``
feed and returns one session's results, quickly enough to call every second or two.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk import feed_dead_letters, feeds
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import PfBidResult
from kiosk.pii import PiiVault
from sync.client import FeedPage, PlatformClient
from sync.errors import CursorExpired, NotFound, PlatformError
from sync.feeds import FeedItem, FeedItemError, validate_item
from sync.push import Backoff

log = logging.getLogger(__name__)

MAX_RELISTS = 3


@dataclass
class FeedResult:
    """What one feed pull did."""

    feed: str
    pages: int = 0
    items: int = 0
    relisted: bool = False
    dead_lettered: int = 0  #: items not applied (malformed, or failed to apply), kept in feed_dead_letters
    error: str | None = None
    absent: bool = False  #: the platform has no such feed (``404``: a v1 platform and the v1.1 feeds, §7)


@dataclass
class PullReport:
    """What a pull of all feeds did."""

    feeds: dict[str, FeedResult] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every feed caught up."""
        return all(r.error is None for r in self.feeds.values())

    @property
    def errors(self) -> dict[str, str]:
        return {f: r.error for f, r in self.feeds.items() if r.error}


@dataclass(frozen=True)
class BidResult:
    """One bidder's decryption outcome (plain data for the host console)."""

    session_id: str
    registration_id: str
    decrypt_status: str
    decrypted_at: str | None
    bid_price: str | None
    price_unit: str | None
    data: dict[str, Any]


class Puller:
    """Pulls feeds for one hall database.

    Args:
        engine: the hall database.
        client: the platform client.
        vault: protects personal data in pulled records.
        page_limit: items per page asked for (1..500).
    """

    def __init__(
        self,
        engine: Engine,
        client: PlatformClient,
        vault: PiiVault,
        *,
        page_limit: int = 200,
        retries: int = 4,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.engine = engine
        self.client = client
        self.vault = vault
        self.page_limit = max(1, min(500, page_limit))
        self.retries = retries
        self.backoff = backoff or Backoff(base_s=0.5, cap_s=8.0)
        self.sleep = sleep
        self._sessions = session_factory(engine)

    def _page(self, feed: str, cursor: str | None) -> FeedPage:
        """One page; transient failures (5xx, 429/503, timeouts) are retried a few times."""
        attempt = 0
        while True:
            try:
                return self.client.feed_page(feed, cursor, self.page_limit)
            except PlatformError as exc:
                attempt += 1
                if not exc.transient or attempt > self.retries:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else self.backoff.delay(attempt)
                log.info("feed %s: %s; retrying in %.1f s", feed, exc, wait)
                self.sleep(wait)

    def pull_all(self, names: tuple[str, ...] = feeds.FEEDS) -> PullReport:
        """Pull every feed; a feed's failure is reported and does not stop the others.

        Transient failures are in the report; nothing is raised for them. Nor for anything else a
        feed raises (a database error, a bug): it is reported as that feed's error and the next
        feed is pulled, so bans are never the casualty of another feed's failure.
        """
        report = PullReport()
        for feed in names:
            try:
                report.feeds[feed] = self.pull_feed(feed)
            except NotFound:
                # §7: a platform without this feed (v1 and the v1.1 feeds) answers 404; not an error
                log.info("the platform has no %s feed", feed)
                report.feeds[feed] = FeedResult(feed, absent=True)
            except PlatformError as exc:
                log.warning("pulling %s failed: %s", feed, exc)
                report.feeds[feed] = FeedResult(feed, error=f"{type(exc).__name__} {exc}")
            except Exception as exc:  # noqa: BLE001 - one feed's failure must not stop the others
                # Only the type: the message of a database error may quote the record's values.
                log.error("pulling %s failed: %s (the other feeds go on)", feed, type(exc).__name__)
                report.feeds[feed] = FeedResult(feed, error=type(exc).__name__)
        return report

    def pull_feed(self, feed: str) -> FeedResult:
        """Pull one feed until ``has_more`` is false.

        Raises:
            PlatformError: the platform failed (the pages applied so far stay applied).
        """
        with read_only_session(self.engine) as s:
            cursor = feeds.feed_cursor(s, feed)
        result = FeedResult(feed)
        if cursor is None:
            return self._full_listing(feed, result)
        while True:
            try:
                page = self._page(feed, cursor)
            except CursorExpired:
                log.warning("platform forgot our %s cursor: listing the feed again", feed)
                return self._full_listing(feed, result)
            result.dead_lettered += self._apply(feed, [page], relist=False)
            result.pages += 1
            result.items += len(page.items)
            cursor = page.next_cursor
            if not page.has_more:
                return result

    def _full_listing(self, feed: str, result: FeedResult) -> FeedResult:
        for _attempt in range(MAX_RELISTS):
            pages: list[FeedPage] = []
            cursor: str | None = None
            try:
                while True:
                    page = self._page(feed, cursor)
                    pages.append(page)
                    cursor = page.next_cursor
                    if not page.has_more:
                        break
            except CursorExpired:
                log.warning("cursor of %s expired during a full listing: starting over", feed)
                continue
            result.dead_lettered += self._apply(feed, pages, relist=True)
            result.relisted = True
            result.pages += len(pages)
            result.items += sum(len(p.items) for p in pages)
            return result
        raise CursorExpired("cursor-expired", 410, f"{feed}: cursors keep expiring during a full listing")

    def _apply(self, feed: str, pages: list[FeedPage], *, relist: bool) -> int:
        """Apply ``pages`` and store the last cursor in one transaction; returns how many items were dead-lettered.

        Each item is validated and then applied in a savepoint of its own: a bad one is
        dead-lettered and the others are applied; the cursor moves past it either way.
        """
        now = self.client.clock.now()
        dead = 0
        with self._sessions() as s, s.begin():
            if relist:
                feeds.relist(s, feed)
                feed_dead_letters.resolve_feed(s, feed, now)
            for i, page in enumerate(pages):
                applied: list[tuple[str, int]] = []
                bulk = self._apply_bulk(s, feed, page) if feed == "experts" else None
                if bulk is not None:
                    applied = bulk
                for raw in page.items if bulk is None else ():
                    item = self._apply_item(s, feed, raw, page, now)
                    if item is None:
                        dead += 1
                    else:
                        applied.append((item.key, item.version))
                feed_dead_letters.resolve(s, feed, applied, now)
                last = i == len(pages) - 1
                feeds.apply_page(
                    s, feed, [], page.next_cursor, page.server_time, self.vault,
                    caught_up=last and not page.has_more, now=now,
                )
        return dead

    def _apply_bulk(self, s: Session, feed: str, page: FeedPage) -> list[tuple[str, int]] | None:
        """An ``experts`` page of valid upserts only, applied at once in one savepoint
        (:func:`kiosk.feeds.upsert_experts`: a first listing of 10,000 experts held the writer for minutes
        item by item); None — nothing applied — when an item is invalid, a delete, or the database refuses
        the batch: the page then goes item by item, with its dead letters."""
        items: list[FeedItem] = []
        for raw in page.items:
            try:
                item = validate_item(feed, raw)
            except FeedItemError:
                return None
            if item.op != "upsert" or item.data is None:
                return None
            items.append(item)
        if not items:
            return None
        try:
            with s.begin_nested():
                feeds.upsert_experts(s, [(i.key, i.version, i.data) for i in items if i.data is not None], self.vault)
        except Exception as exc:  # noqa: BLE001 - the item-by-item path says which item
            log.info("%s: page applied item by item (%s)", feed, type(exc).__name__)
            return None
        return [(i.key, i.version) for i in items]

    def _apply_item(self, s: Session, feed: str, raw: object, page: FeedPage, now: dt.datetime) -> FeedItem | None:
        """Validate and apply one item (returned), or dead-letter it (None)."""
        try:
            item = validate_item(feed, raw)
        except FeedItemError as bad:
            log.warning("%s: item %s dead-lettered: %s", feed, bad.key or "?", bad.en)
            feed_dead_letters.record(s, feed, bad.key, bad.version, bad.member, bad.zh, bad.en, now)
            return None
        try:
            with s.begin_nested():
                feeds.apply_page(s, feed, [item.as_dict()], page.next_cursor, page.server_time, self.vault)
        except Exception as exc:  # noqa: BLE001 - a valid-looking item the database refused: dead-lettered too
            name = type(exc).__name__  # never the message: it may quote the record's values
            log.warning("%s: item %s could not be applied (%s): dead-lettered", feed, item.key, name)
            feed_dead_letters.record(s, feed, item.key, item.version, "", f"{feed} 数据无法写入（{name}）",
                                     f"{feed} item could not be applied ({name})", now)
            return None
        return item

    # --- decryption ----------------------------------------------------------------------------

    def start_decryption(self, session_id: str) -> None:
        """Ask the platform to decrypt a session's bids (``Conflict`` ``too-early`` before its start)."""
        self.client.decrypt(session_id)

    def poll_bid_results(self, session_id: str) -> list[BidResult]:
        """Pull ``bid_results`` now and return this session's results (by registration)."""
        self.pull_feed("bid_results")
        with read_only_session(self.engine) as s:
            rows = s.scalars(
                select(PfBidResult).where(PfBidResult.session_id == session_id).order_by(PfBidResult.registration_id)
            ).all()
            return [
                BidResult(
                    session_id=r.session_id,
                    registration_id=r.registration_id,
                    decrypt_status=r.decrypt_status,
                    decrypted_at=r.data.get("decrypted_at"),
                    bid_price=r.bid_price,
                    price_unit=r.price_unit,
                    data=dict(r.data),
                )
                for r in rows
            ]
