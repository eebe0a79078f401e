"""Pushing the journal to the sandbox over HTTP: per-record statuses, faults, files."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from sqlalchemy import select, text

from kiosk.canonical import canonical, envelope_hash, payload_hash
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import Blob, DeadLetter, JournalEntry, JournalHead, SyncState
from kiosk.ids import uuid7
from sync.blobs import BlobUploader
from sync.errors import Unprocessable
from sync.push import Outcome, backlog, clear_alarm_in

JID = "NM-HHHT-HALL1"


def _state(hall) -> SyncState:  # type: ignore[no-untyped-def]
    with read_only_session(hall.engine) as s:
        st = s.get(SyncState, JID)
        s.expunge_all()
        return st


def _posts(sandbox) -> int:  # type: ignore[no-untyped-def]
    return sandbox.stats.requests["POST /records"]


def _raw_append(hall, kind: str, payload: dict) -> int:  # type: ignore[no-untyped-def]
    """Append an entry the way an older, laxer version of the app would have (no §4 check)."""
    with session_factory(hall.engine)() as s, s.begin():
        head = s.get(JournalHead, 1)
        env = {"record_key": str(uuid7()), "journal_id": JID, "seq": head.last_seq + 1, "terminal_id": "KIOSK-01",
               "kind": kind, "occurred_at": "2026-11-27T09:00:00.000+08:00", "payload": payload,
               "payload_hash": payload_hash(payload), "prev_hash": head.last_hash}
        env["hash"] = envelope_hash(env)
        s.add(JournalEntry(**{**env, "payload": canonical(payload).decode()}))
        head.last_seq, head.last_hash = env["seq"], env["hash"]
        return env["seq"]


def test_push_in_order_exactly_once_with_lost_acknowledgements(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.bulk_append(600, occurred_at=dt.datetime.now(dt.UTC))
    with read_only_session(hall.engine) as s:
        assert backlog(s, JID).backlog == 600
    sandbox.set_faults(lost_rate=0.5)  # half of the answers vanish after the platform stored the batch
    step = make_pusher(client, max_records=100).push_until_caught_up(max_failures=50)
    assert step.outcome is Outcome.CAUGHT_UP and step.last_delivered_seq == 600
    assert sandbox.store.stored_seqs(JID) == list(range(1, 601))
    assert sandbox.stats.answers[0] >= 1  # answers were really lost …
    assert _posts(sandbox) > 6  # … and the same records were sent again, answered "duplicate"
    with read_only_session(hall.engine) as s:
        b = backlog(s, JID)
        assert b.backlog == 0 and b.last_delivered_seq == 600 and b.alarm is None


@pytest.mark.allow_log_warnings()
def test_thirty_percent_server_errors(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.bulk_append(500, occurred_at=dt.datetime.now(dt.UTC))
    sandbox.set_faults(error_rate=0.3)
    step = make_pusher(client, max_records=50).push_until_caught_up(max_failures=40)
    assert step.outcome is Outcome.CAUGHT_UP
    assert sandbox.store.stored_seqs(JID) == list(range(1, 501))
    assert sum(sandbox.stats.answers[c] for c in (500, 502, 504)) >= 3


@pytest.mark.allow_log_warnings()
def test_429_storm_honours_retry_after(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.bulk_append(50, occurred_at=dt.datetime.now(dt.UTC))
    sandbox.set_faults(throttle_s=2.5, retry_after=1)
    started = time.monotonic()
    step = make_pusher(client).push_until_caught_up(max_failures=20)
    elapsed = time.monotonic() - started
    assert step.outcome is Outcome.CAUGHT_UP and sandbox.store.stored_seqs(JID) == list(range(1, 51))
    throttled = [t for t, route, status in sandbox.stats.times if status == 429]
    assert 2 <= len(throttled) <= 4, throttled  # one try per Retry-After second, not a storm
    gaps = [b - a for a, b in zip(throttled, throttled[1:], strict=False)]
    assert all(g >= 0.95 for g in gaps), gaps
    assert elapsed >= 2.4


@pytest.mark.allow_log_warnings(r"too large")
def test_413_splits_the_batch(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.bulk_append(300, occurred_at=dt.datetime.now(dt.UTC))
    sandbox.set_faults(max_batch=40)
    step = make_pusher(client).push_until_caught_up(max_failures=10)
    assert step.outcome is Outcome.CAUGHT_UP and sandbox.store.stored_seqs(JID) == list(range(1, 301))
    assert sandbox.stats.answers[413] >= 1


@pytest.mark.allow_log_warnings(r"rejected seq 15 \(chain-broken\)", r"push stopped")
def test_tampered_entry_raises_the_alarm_and_stops_pushing(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.append(20)
    pusher = make_pusher(client, max_records=10)
    assert pusher.push_batch().last_delivered_seq == 10
    with hall.engine.begin() as conn:
        conn.execute(text("UPDATE journal SET payload = replace(payload, 'T-000014', 'T-999999') WHERE seq = 15"))
    hall.append(5, start=20)
    step = pusher.push_until_caught_up(max_failures=5)
    assert step.outcome is Outcome.ALARM and "chain-broken at seq 15" in step.error
    assert sandbox.store.stored_seqs(JID) == list(range(1, 15))
    st = _state(hall)
    assert st.last_delivered_seq == 14 and "chain-broken" in st.alarm
    posts = _posts(sandbox)
    for _ in range(3):
        assert pusher.push_batch().outcome is Outcome.ALARM
    assert _posts(sandbox) == posts  # nothing more is sent while the alarm stands
    with session_factory(hall.engine)() as s, s.begin():
        assert clear_alarm_in(s, JID).startswith("chain-broken")
    assert pusher.push_batch().outcome is Outcome.ALARM  # still tampered: the platform refuses again
    assert sandbox.store.stored_seqs(JID) == list(range(1, 15))


@pytest.mark.allow_log_warnings(r"key-reuse")
def test_rewritten_history_is_key_reuse(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.append(5)
    pusher = make_pusher(client)
    assert pusher.push_until_caught_up().outcome is Outcome.CAUGHT_UP
    # someone rewrites entry 3 and re-chains 3..5 consistently, then rewinds the outbox
    with session_factory(hall.engine)() as s, s.begin():
        prev = s.get(JournalEntry, 2).hash
        for seq in (3, 4, 5):
            row = s.get(JournalEntry, seq)
            payload = {"ticket_id": f"T-X{seq}", "ticket_no": "B001", "service_code": "B",
                       "issued_at": "2026-11-27T09:01:02.123+08:00", "business_date": "2026-11-27"}
            env = {"record_key": row.record_key, "journal_id": JID, "seq": seq, "terminal_id": row.terminal_id,
                   "kind": row.kind, "occurred_at": row.occurred_at, "payload": payload,
                   "payload_hash": payload_hash(payload), "prev_hash": prev}
            row.payload, row.payload_hash, row.prev_hash = canonical(payload).decode(), env["payload_hash"], prev
            row.hash = prev = envelope_hash(env)
        s.get(SyncState, JID).last_delivered_seq = 0
    step = pusher.push_until_caught_up()
    assert step.outcome is Outcome.ALARM and step.error.startswith("key-reuse at seq 3")
    assert _state(hall).last_delivered_seq == 2


@pytest.mark.allow_log_warnings(r"resending from there")
def test_gap_resends_from_next_expected_seq(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.append(10)
    pusher = make_pusher(client)
    assert pusher.push_until_caught_up().last_delivered_seq == 10
    with sandbox.store.lock:  # the platform restored a backup and lost 6..10
        sandbox.store.db.execute("DELETE FROM records WHERE seq > 5")
    hall.append(5, start=10)
    step = pusher.push_until_caught_up()
    assert step.outcome is Outcome.CAUGHT_UP and step.last_delivered_seq == 15
    assert sorted(sandbox.store.stored_seqs(JID)) == list(range(1, 16))
    assert len(sandbox.store.stored_seqs(JID)) == 15


def test_invalid_payload_is_dead_lettered_and_never_sent_again(sandbox, hall, client, make_pusher) -> None:  # type: ignore[no-untyped-def]
    hall.append(3)
    bad = _raw_append(hall, "checkin.recorded", {"session_id": "S-1", "person_name": "张*"})  # no person_id_hmac…
    hall.append(3, start=3)
    pusher = make_pusher(client)
    step = pusher.push_until_caught_up()
    assert step.outcome is Outcome.CAUGHT_UP and step.last_delivered_seq == 7
    with read_only_session(hall.engine) as s:
        dead = s.scalars(select(DeadLetter)).all()
        assert [(d.seq, d.code) for d in dead] == [(bad, "invalid-payload")]
        assert "registration_id" in dead[0].detail
        assert backlog(s, JID).dead_letters == 1
    stored = sandbox.store.stored_records(JID)
    assert [r["status"] for r in stored] == ["accepted"] * 3 + ["invalid-payload"] + ["accepted"] * 3
    posts = _posts(sandbox)
    assert pusher.push_until_caught_up().outcome is Outcome.CAUGHT_UP
    assert _posts(sandbox) == posts


def _blob(hall, tmp_path, data: bytes) -> str:  # type: ignore[no-untyped-def]
    sha = hashlib.sha256(data).hexdigest()
    path = hall.path.parent / "files" / f"{sha}.bin"  # in the data dir: Blob.path is relative to it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with session_factory(hall.engine)() as s, s.begin():
        s.add(Blob(sha256=sha, path=f"files/{sha}.bin", size=len(data), created_at=dt.datetime.now(dt.UTC)))
    return sha


@pytest.mark.allow_log_warnings(r"misses 1 file")
def test_blobs_head_put_resume_and_missing(sandbox, hall, client, make_pusher, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photo = _blob(hall, tmp_path, b"\xff\xd8face" * 1000)
    doc = _blob(hall, tmp_path, b"%PDF-1.7 opening record")
    absent = hashlib.sha256(b"a segment this hall lost").hexdigest()
    sandbox.store.put_blob(doc, b"%PDF-1.7 opening record")  # the platform already has the document
    with session_factory(hall.engine)() as s, s.begin():
        for i, sha in enumerate((photo, absent)):
            hall.journal.append(s, "checkin.recorded", {
                "session_id": "S-1", "registration_id": None, "person_name": "张*", "person_id_hmac": "ab" * 32,
                "method": "idcard", "result": "accepted", "checked_in_at": "2026-11-27T09:00:00+08:00",
                "face_photo_sha256": sha, "paddle_no": str(i)})
    assert make_pusher(client).push_until_caught_up().outcome is Outcome.CAUGHT_UP
    assert sorted(client.missing_blobs()) == sorted([photo, absent])
    uploader = BlobUploader(hall.engine, client, hall.vault, data_dir=hall.path.parent)
    report = uploader.reconcile()
    assert (report.uploaded, report.present, report.missing_here) == (1, 1, [absent])
    assert sandbox.stats.requests["PUT /blobs/{sha256}"] == 1
    assert client.missing_blobs() == [absent]
    assert client.head_blob(photo) == len(b"\xff\xd8face" * 1000)
    heads = sandbox.stats.requests["HEAD /blobs/{sha256}"]
    assert uploader.upload_pending().uploaded == 0 and sandbox.stats.requests["HEAD /blobs/{sha256}"] == heads
    # the platform loses the photo: reconciliation puts it again although it was marked uploaded
    with sandbox.store.lock:
        sandbox.store.db.execute("DELETE FROM blobs WHERE sha256 = ?", (photo,))
    assert uploader.reconcile().uploaded == 1 and client.missing_blobs() == [absent]
    with pytest.raises(Unprocessable) as exc:
        client.put_blob(absent, b"not those bytes")
    assert exc.value.code == "blob-mismatch" and exc.value.status == 422
