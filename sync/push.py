"""Pushing the hall journal to the platform: the journal is the outbox (docs/platform-api.md §3, §6).

:class:`Pusher` sends the entries after ``SyncState.last_delivered_seq`` in ``seq`` order, in
batches of at most 500 records and 4 MiB, and acts on each record's status exactly as the
contract's table says:

========================  ==================================================================
accepted / duplicate      delivered: the cursor moves past it
rejected ``gap``          the platform lacks earlier records: resend from ``next_expected_seq``
rejected ``chain-broken`` / ``key-reuse``
                          stop: ``SyncState.alarm`` is set and nothing more is pushed until
                          an administrator clears it (``hall-kiosk sync clear-alarm --by ADMIN``)
rejected ``invalid-payload``
                          a ``DeadLetter`` row for the operator; never sent again; go on
========================  ==================================================================

Every answer's receipt (docs/platform-api.md §7.5) is kept in the same transaction as the cursor
(``kiosk.receipts``); a receipt whose hash is not the hash of our entry at its seq raises the
alarm (the journal or the platform's copy changed), and so does an answer whose platform
signature does not verify (``UntrustedResponse``: nothing of it is used).

Whole-request errors: ``400`` is logged and the batch is not resent as the same bytes (it is
retried one record at a time; a single record answered ``400`` raises the alarm); ``413``
halves the batch; ``429``/``503`` wait at least ``Retry-After``; other 5xx, timeouts and resets
are retried with capped exponential backoff and full jitter, with the *same* records (a request
that timed out may have been stored: the platform then answers ``duplicate``). The cursor only
moves after the platform's answer is in, in one short local transaction, so a crash at any
point loses nothing and the platform never stores a record twice.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk import receipts
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import DeadLetter, JournalEntry, JournalHead, SyncState
from kiosk.journal import entries_after
from kiosk.timeutil import parse_rfc3339, utcnow
from sync.client import PlatformClient
from sync.errors import AuthError, BadRequest, PayloadTooLarge, PlatformError, Throttled, UntrustedResponse

log = logging.getLogger(__name__)

MAX_RECORDS = 500
MAX_BYTES = 4 * 1024 * 1024
_ENVELOPE_OVERHEAD = 64  # {"records":[ ... ]} and commas, generously


@dataclass
class Backoff:
    """Capped exponential backoff with full jitter: ``uniform(0, min(cap, base · 2^attempt))``.

    Args:
        base_s: the first ceiling.
        cap_s: the largest ceiling.
        rng: randomness (seed it in tests).
    """

    base_s: float = 0.5
    cap_s: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (1, 2, …)."""
        return self.rng.uniform(0.0, min(self.cap_s, self.base_s * (2 ** max(0, attempt - 1))))


def retryable(exc: PlatformError) -> bool:
    """Whether docs/platform-api.md §6 says to send the same request again later.

    429/503, other 5xx, timeouts and resets are; so is a ``401 clock-skew`` that the client's own
    correction did not cure. Everything else is not (a bug, a refusal, or a problem of one item).
    """
    return exc.transient or (isinstance(exc, AuthError) and exc.code == "clock-skew")


def retry_wait(exc: PlatformError, failures: int, backoff: Backoff) -> float:
    """How long to wait after the ``failures``-th failure in a row (docs/platform-api.md §6).

    A ``429``/``503`` with ``Retry-After``: exactly that long (the contract's "at least"); anything
    else: the capped exponential backoff with full jitter.
    """
    if isinstance(exc, Throttled) and exc.retry_after is not None:
        return max(exc.retry_after, 0.0)
    return backoff.delay(failures)


class Outcome(enum.StrEnum):
    """What one push step came to."""

    CAUGHT_UP = "caught_up"  #: nothing left to send
    PROGRESS = "progress"  #: a batch was answered (records delivered, or the cursor moved)
    RETRY = "retry"  #: wait ``wait_s`` and try again (throttled, transient failure)
    ALARM = "alarm"  #: pushing is stopped until an administrator clears the alarm


@dataclass(frozen=True)
class PushStep:
    """The result of one push step."""

    outcome: Outcome
    delivered: int = 0  #: records newly marked delivered (accepted, duplicate, dead-lettered)
    wait_s: float = 0.0
    error: str | None = None
    last_delivered_seq: int = 0


def sync_state(session: Session, journal_id: str) -> SyncState:
    """The push state row of the journal, created when missing (needs a writing session)."""
    state = session.get(SyncState, journal_id)
    if state is None:
        state = SyncState(journal_id=journal_id, last_delivered_seq=0, clock_offset_s=0.0)
        session.add(state)
        session.flush()
    return state


def clear_alarm_in(session: Session, journal_id: str) -> str | None:
    """Clear the push alarm (an administrator decided, inside the caller's transaction, which journals
    their act); returns the alarm that was set."""
    state = sync_state(session, journal_id)
    old, state.alarm = state.alarm, None
    return old


class Pusher:
    """Sends the journal to the platform.

    Args:
        engine: the hall database.
        client: the platform client.
        journal_id: the journal pushed (the database's journal).
        max_records: batch size limit (≤ 500).
        max_bytes: batch body limit (≤ 4 MiB).
        backoff: the retry policy for transient failures (inject a fast one in tests).
        sleep: how to wait between retries (``stop.wait`` in the worker).
        clock: monotonic seconds, for ``give_up_after_s`` (inject with ``sleep`` in tests).
    """

    def __init__(
        self,
        engine: Engine,
        client: PlatformClient,
        journal_id: str,
        *,
        max_records: int = MAX_RECORDS,
        max_bytes: int = MAX_BYTES,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.client = client
        self.journal_id = journal_id
        self.clock = clock
        self.max_records = min(max_records, MAX_RECORDS)
        self.max_bytes = min(max_bytes, MAX_BYTES)
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self._limit = self.max_records
        self._failures = 0
        self._sessions = session_factory(engine)
        self._lock = threading.Lock()  # one push at a time per Pusher

    # --- one step ---------------------------------------------------------------------------

    def push_batch(self) -> PushStep:
        """Send one batch (or find there is nothing to send) and record what the platform said."""
        with self._lock:
            return self._push_batch()

    def _push_batch(self) -> PushStep:
        with read_only_session(self.engine) as s:
            state = s.get(SyncState, self.journal_id)
            last = state.last_delivered_seq if state else 0
            if state is not None and state.alarm:
                return PushStep(Outcome.ALARM, error=state.alarm, last_delivered_seq=last)
            entries = entries_after(s, last, limit=self._limit)
        if not entries:
            return PushStep(Outcome.CAUGHT_UP, last_delivered_seq=last)
        envelopes = self._fit([e.envelope() for e in entries])
        entries = entries[: len(envelopes)]
        try:
            reply = self.client.post_records(envelopes)
        except PlatformError as exc:
            return self._failed(exc, entries[0].seq, len(entries), last)
        self._failures = 0
        self._limit = min(self.max_records, self._limit * 2)
        return self._record(entries, reply.results, reply.next_expected_seq, last, reply.receipt)

    def _fit(self, envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The longest prefix whose body fits in ``max_bytes`` (at least one record)."""
        total = _ENVELOPE_OVERHEAD
        for i, env in enumerate(envelopes):
            size = len(json.dumps(env, ensure_ascii=False, separators=(",", ":")).encode("utf-8")) + 1
            if i and total + size > self.max_bytes:
                return envelopes[:i]
            total += size
        return envelopes

    def _failed(self, exc: PlatformError, first_seq: int, count: int, last: int) -> PushStep:
        message = f"{type(exc).__name__} {exc}"
        if isinstance(exc, UntrustedResponse):
            return self._alarm(exc.message(), last)
        if isinstance(exc, PayloadTooLarge):
            if count == 1:
                return self._alarm(f"record seq {first_seq} is too large for the platform: {exc}", last)
            self._limit = max(1, count // 2)
            log.warning("platform says the batch is too large; splitting to %d records", self._limit)
            self._note_error(message)
            return PushStep(Outcome.RETRY, wait_s=0.0, error=message, last_delivered_seq=last)
        if isinstance(exc, BadRequest):
            log.error("platform rejected a batch as malformed (seq %d, %d records): %s", first_seq, count, exc)
            if count == 1:
                return self._alarm(f"platform answered 400 for record seq {first_seq}: {exc.detail}", last)
            self._limit = 1  # never the same bytes again: one record at a time finds the culprit
            self._note_error(message)
            return PushStep(Outcome.RETRY, wait_s=0.0, error=message, last_delivered_seq=last)
        if isinstance(exc, AuthError) and exc.code != "clock-skew":
            return self._alarm(f"platform refused our signature ({exc.code}): {exc.detail}", last)
        self._failures += 1
        wait = retry_wait(exc, self._failures, self.backoff)
        self._note_error(message)
        return PushStep(Outcome.RETRY, wait_s=wait, error=message, last_delivered_seq=last)

    def _record(self, entries: list[Any], results: list[Any], next_expected: int, last: int,
                receipt: dict[str, Any] | None = None) -> PushStep:
        delivered_to = last
        alarm: str | None = None
        rewind: int | None = None
        dead: list[tuple[int, str, str]] = []
        for entry, result in zip(entries, results, strict=True):
            if result.status in ("accepted", "duplicate"):
                delivered_to = entry.seq
            elif result.code == "invalid-payload":
                dead.append((entry.seq, result.code, result.detail or ""))
                delivered_to = entry.seq
            elif result.code == "gap":
                rewind = max(0, next_expected - 1)
                log.warning("platform expects seq %d (we sent %d): resending from there", next_expected, entry.seq)
                break
            else:
                alarm = f"{result.code or result.status} at seq {entry.seq}: {result.detail or ''}".strip()
                log.error("platform rejected seq %d (%s): pushing stops until an administrator clears it",
                          entry.seq, result.code)
                break
        now = utcnow()
        with self._sessions() as s, s.begin():
            state = sync_state(s, self.journal_id)
            if rewind is not None:
                state.last_delivered_seq = rewind
            else:
                state.last_delivered_seq = max(state.last_delivered_seq, delivered_to)
            for seq, code, detail in dead:
                if s.get(DeadLetter, seq) is None:
                    s.add(DeadLetter(seq=seq, code=code, detail=detail[:2000], at=now))
            state.last_attempt_at = now
            state.last_success_at = now
            state.last_error = alarm
            state.clock_offset_s = self.client.clock.offset_s
            if receipt is not None:
                ours = s.scalar(select(JournalEntry.hash).where(JournalEntry.seq == receipt["seq"]))
                if ours is not None and ours != receipt["hash"] and alarm is None:
                    alarm = (f"平台回执与日志不符 receipt-mismatch at seq {receipt['seq']}: the platform "
                             f"acknowledged {receipt['hash'][:12]}…, the journal holds {ours[:12]}…")
                    log.error("receipt of seq %d does not match the journal", receipt["seq"])
                receipts.store(s, receipt, verified=self.client.public_key is not None)
            if alarm:
                state.alarm = state.last_error = alarm
            final = state.last_delivered_seq
        if alarm:
            return PushStep(Outcome.ALARM, delivered=max(0, delivered_to - last), error=alarm, last_delivered_seq=final)
        return PushStep(Outcome.PROGRESS, delivered=max(0, final - last), last_delivered_seq=final)

    def _alarm(self, alarm: str, last: int) -> PushStep:
        log.error("push stopped: %s", alarm)
        with self._sessions() as s, s.begin():
            state = sync_state(s, self.journal_id)
            state.alarm = alarm
            state.last_error = alarm
            state.last_attempt_at = utcnow()
        return PushStep(Outcome.ALARM, error=alarm, last_delivered_seq=last)

    def _note_error(self, message: str) -> None:
        with self._sessions() as s, s.begin():
            state = sync_state(s, self.journal_id)
            state.last_error = message
            state.last_attempt_at = utcnow()

    # --- loops ------------------------------------------------------------------------------

    def push_until_caught_up(
        self,
        stop: threading.Event | None = None,
        *,
        give_up_after_s: float | None = None,
        max_failures: int | None = None,
    ) -> PushStep:
        """Push until nothing is left, the alarm is raised, ``stop`` is set, or we give up.

        Args:
            stop: ends the loop early (its ``wait`` is used for the pauses when given).
            give_up_after_s: stop retrying once this much time has passed.
            max_failures: stop after this many failed attempts in a row.

        Returns:
            The last step: ``CAUGHT_UP`` when everything is delivered; ``ALARM``; or ``RETRY``
            when it gave up or was stopped.
        """
        started = self.clock()
        failures = 0
        delivered = 0
        while True:
            step = self.push_batch()
            delivered += step.delivered
            if step.outcome in (Outcome.CAUGHT_UP, Outcome.ALARM):
                return PushStep(step.outcome, delivered, 0.0, step.error, step.last_delivered_seq)
            if step.outcome is Outcome.PROGRESS:
                failures = 0
            else:
                failures += 1
                elapsed = self.clock() - started
                if (max_failures is not None and failures >= max_failures) or (
                    give_up_after_s is not None and elapsed + step.wait_s > give_up_after_s
                ):
                    return PushStep(Outcome.RETRY, delivered, step.wait_s, step.error, step.last_delivered_seq)
                if step.wait_s > 0:
                    if stop is not None:
                        stop.wait(step.wait_s)
                    else:
                        self.sleep(step.wait_s)
            if stop is not None and stop.is_set():
                return PushStep(Outcome.RETRY, delivered, 0.0, "stopped", step.last_delivered_seq)


# --- status ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    """What is left to deliver."""

    head_seq: int
    last_delivered_seq: int
    backlog: int
    oldest_undelivered_age_s: float | None
    alarm: str | None
    last_error: str | None
    dead_letters: int


def backlog(session: Session, journal_id: str, now: dt.datetime | None = None) -> Backlog:
    """The push backlog of the journal, read in ``session``."""
    now = now or utcnow()
    head = session.get(JournalHead, 1)
    head_seq = head.last_seq if head else 0
    state = session.get(SyncState, journal_id)
    last = state.last_delivered_seq if state else 0
    oldest = None
    if head_seq > last:
        occurred = session.scalar(select(JournalEntry.occurred_at).where(JournalEntry.seq == last + 1))
        if occurred:
            oldest = max(0.0, (now - parse_rfc3339(occurred)).total_seconds())
    dead = int(session.scalar(select(func.count()).select_from(DeadLetter)) or 0)
    return Backlog(
        head_seq=head_seq,
        last_delivered_seq=last,
        backlog=max(0, head_seq - last),
        oldest_undelivered_age_s=oldest,
        alarm=state.alarm if state else None,
        last_error=state.last_error if state else None,
        dead_letters=dead,
    )
