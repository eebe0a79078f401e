"""Files (blobs) under faults: ``sync push`` and the worker retry them as they retry records.

The platform is the sandbox over real HTTP. ``sync push`` runs in-process through its real
parser and command with an injected clock and sleep, so the waits the retry policy asks for
(``Retry-After``, backoff) are measured instead of slept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from hallkiosk.cli import build_parser
from kiosk.blobstore import stored_path
from kiosk.db.engine import make_engine, read_only_session, session_factory
from kiosk.db.migrate import upgrade
from kiosk.db.models import Blob, JournalEntry
from kiosk.journal import ensure_head
from sync.push import Backoff
from sync.worker import SyncWorker

JID = "NM-HHHT-HALL1"
BLOB_ROUTES = ("HEAD /blobs/{sha256}", "PUT /blobs/{sha256}")
FAILED = (429, 500, 502, 504)


@dataclass
class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    now_s: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    on_sleep: Callable[[float], None] | None = None

    def clock(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_s += seconds
        if self.on_sleep is not None:
            self.on_sleep(seconds)


def _add_files(engine: Engine, journal, data_dir: Path, n: int, *, tag: str = "f") -> list[str]:
    """``n`` files in the data dir, each a ``Blob`` row named by a ``checkin.recorded`` entry; their sha256s."""
    files_dir = data_dir / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    shas = []
    base = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)
    with session_factory(engine)() as s, s.begin():
        for i in range(n):
            data = f"{tag}-{i} ".encode() * (200 + 37 * i)
            sha = hashlib.sha256(data).hexdigest()
            path = files_dir / f"{sha}.jpg"
            path.write_bytes(data)
            s.add(Blob(sha256=sha, path=stored_path(data_dir, path), size=len(data), media_type="image/jpeg",
                       created_at=base + dt.timedelta(seconds=i)))
            journal.append(s, "checkin.recorded", {
                "session_id": "S-1", "registration_id": None, "person_name": "张*", "person_id_hmac": "ab" * 32,
                "method": "idcard", "result": "accepted", "checked_in_at": "2026-11-27T09:00:00+08:00",
                "face_photo_sha256": sha, "paddle_no": str(i)})
            shas.append(sha)
    return shas


@pytest.fixture
def cli_hall(tmp_path: Path, sandbox, hall):
    """The CLI's data dir (``DATA/hall.db``), its options, and a way to fill it."""
    data = tmp_path / "cli-hall"
    data.mkdir()
    engine = make_engine(f"sqlite:///{data / 'hall.db'}")
    upgrade(engine)
    with session_factory(engine)() as s, s.begin():
        ensure_head(s, JID)
    secret = tmp_path / "journal.secret"
    sandbox.provision(JID, sandbox.secret, secret_file=secret)
    opts = ["--data-dir", str(data), "--platform-url", sandbox.url, "--journal-id", JID, "--secret-file", str(secret)]

    def fill(files: int, tickets: int = 0) -> list[str]:
        shas = _add_files(engine, hall.journal, data, files)
        with session_factory(engine)() as s, s.begin():
            for i in range(tickets):
                hall.journal.append(s, "ticket.issued", {
                    "ticket_id": f"T-{i:06d}", "ticket_no": f"A{i:03d}", "service_code": "A",
                    "issued_at": "2026-11-27T09:01:02.123+08:00", "business_date": "2026-11-27"})
        return shas

    try:
        yield engine, opts, fill
    finally:
        engine.dispose()


def _sync_push(opts: list[str], fake: FakeTime, *extra: str) -> int:
    args = build_parser().parse_args(["sync", "push", *opts, *extra])
    return int(args.func(args, sleep=fake.sleep, clock=fake.clock))


def _local_keys(engine: Engine) -> list[str]:
    with read_only_session(engine) as s:
        return list(s.scalars(select(JournalEntry.record_key).order_by(JournalEntry.seq)))


def _file_bytes(engine: Engine, sha: str) -> bytes:
    with read_only_session(engine) as s:
        data_dir = Path(str(engine.url.database)).parent
        return (data_dir / s.get(Blob, sha).path).read_bytes()  # type: ignore[union-attr]


def _blob_failures(sandbox) -> list[tuple[str, int]]:
    return [(route, status) for _, route, status in sandbox.stats.times if route in BLOB_ROUTES and status in FAILED]


def test_push_gets_every_file_and_record_across_a_faulty_platform(sandbox, cli_hall, capsys) -> None:
    engine, opts, fill = cli_hall
    shas = fill(18, tickets=30)
    # 15 % of requests fail (5 % 429 with Retry-After, 10.5 % of the rest 5xx); 15 % of stored
    # records and files lose their answer
    sandbox.set_faults(seed=11, throttle_rate=0.05, error_rate=0.105, lost_rate=0.15, retry_after=1)
    fake = FakeTime()
    code = _sync_push(opts, fake)
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "delivered up to seq 48" in out.out
    assert all(sandbox.store.blob_size(sha) is not None for sha in shas)
    assert sandbox.store.missing_blobs(JID) == []
    records = sandbox.store.stored_records(JID)
    assert [r["seq"] for r in records] == list(range(1, 49)) and {r["status"] for r in records} == {"accepted"}
    assert [r["record_key"] for r in records] == _local_keys(engine)  # each record once, the hall's own
    # the faults did hit the files: throttled, failed and lost answers, all retried
    failures = _blob_failures(sandbox)
    assert any(status == 429 for _, status in failures) and any(status >= 500 for _, status in failures), failures
    assert any(route == "PUT /blobs/{sha256}" and status == 0 for _, route, status in sandbox.stats.times)
    assert sum(1 for s in fake.sleeps if s >= 1.0) >= sandbox.stats.answers[429]  # each 429 waited Retry-After


def test_retry_after_on_a_file_is_honoured(sandbox, cli_hall, capsys) -> None:
    _, opts, fill = cli_hall
    shas = fill(3)
    sandbox.set_faults(fault_routes=["PUT /blobs/"], throttle_rate=1.0, retry_after=7)
    # the platform stops throttling once the client has waited (any wait: a short one must not do)
    fake = FakeTime(on_sleep=lambda s: sandbox.set_faults(throttle_rate=0.0))
    code = _sync_push(opts, fake)
    assert code == 0, capsys.readouterr().err
    assert fake.sleeps and fake.sleeps[0] >= 7.0, fake.sleeps  # the wait asked for is at least Retry-After
    assert sandbox.stats.answers[429] == 1  # nothing was sent while waiting
    assert all(sandbox.store.blob_size(sha) is not None for sha in shas)


@pytest.mark.allow_log_warnings(r"file upload gave up: 2 file\(s\) still missing")
def test_give_up_after_names_the_files_still_missing(sandbox, cli_hall, capsys) -> None:
    engine, opts, fill = cli_hall
    bad1, bad2, present, good1, good2 = fill(5)  # the two that fail are the oldest: they go first
    sandbox.store.put_blob(present, _file_bytes(engine, present))  # the platform has this one already
    sandbox.set_faults(fault_routes=[f"PUT /blobs/{bad1}", f"PUT /blobs/{bad2}"], error_rate=1.0)
    across: list[int] = []  # at each wait: how many files had got across so far

    def note(_: float) -> None:
        across.append(sum(1 for _, route, status in sandbox.stats.times if route in BLOB_ROUTES and status in (200, 201)))

    fake = FakeTime(on_sleep=note)
    code = _sync_push(opts, fake, "--give-up-after", "30")
    out = capsys.readouterr()
    assert code == 4, out.err
    assert "delivered up to seq 5" in out.out and "files: 2 uploaded, 1 already there" in out.out
    assert "仍有 2 个文件未上传 2 file(s) still missing" in out.err and "ServerError" in out.err
    assert [sandbox.store.blob_size(s) is not None for s in (bad1, bad2, present, good1, good2)] == [
        False, False, True, True, True]
    assert sandbox.stats.requests["PUT /blobs/{sha256}"] >= 2 + 6  # the good two once, the bad ones retried
    # once the last good file was across, it waited between tries, but never past --give-up-after
    last = [w for w, n in zip(fake.sleeps, across, strict=True) if n == 3]
    assert len(last) >= 5 and sum(last) <= 30, (fake.sleeps, across)


# --- the worker -------------------------------------------------------------------------------


def _run_worker(worker: SyncWorker) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), name="test-sync-worker")
    thread.start()
    return stop, thread


def _wait(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.allow_log_warnings(r"pulling \w+ failed")  # the first pull meets the faults too
def test_worker_gets_every_file_across_a_faulty_platform(sandbox, hall, client, tmp_path) -> None:
    shas = _add_files(hall.engine, hall.journal, hall.path.parent, 18)
    sandbox.set_faults(seed=5, throttle_rate=0.0, error_rate=0.15, lost_rate=0.15)
    worker = SyncWorker(hall.engine, client, hall.vault, JID, pull_interval_s=60, idle_s=0.05, data_dir=hall.path.parent,
                        backoff=Backoff(base_s=0.01, cap_s=0.05, rng=random.Random(3)))
    stop, thread = _run_worker(worker)
    try:
        assert _wait(lambda: worker.blobs.count_pending() == 0, 20), worker.status()
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert all(sandbox.store.blob_size(sha) is not None for sha in shas)
    assert sandbox.store.missing_blobs(JID) == [] and sandbox.store.stored_seqs(JID) == list(range(1, 19))
    assert _blob_failures(sandbox)  # files did fail on the way, and were retried


def test_worker_waits_retry_after_for_files_and_keeps_pushing_records(sandbox, hall, client, tmp_path) -> None:
    _add_files(hall.engine, hall.journal, hall.path.parent, 3)
    sandbox.set_faults(fault_routes=["PUT /blobs/"], throttle_rate=1.0, retry_after=30)
    worker = SyncWorker(hall.engine, client, hall.vault, JID, pull_interval_s=60, idle_s=0.05, blob_interval_s=0.05,
                        data_dir=hall.path.parent,
                        backoff=Backoff(base_s=0.01, cap_s=0.05, rng=random.Random(3)))
    stop, thread = _run_worker(worker)
    try:
        assert _wait(lambda: sandbox.stats.answers[429] >= 1, 10)
        hall.append(5, start=100)  # journalled while the files wait
        worker.wake()
        assert _wait(lambda: len(sandbox.store.stored_seqs(JID)) == 8, 10)  # records are not held up
        time.sleep(0.3)  # several idle rounds of the loop (blob_interval_s is 0.05)
        assert sandbox.stats.requests["PUT /blobs/{sha256}"] == 1  # no second try before Retry-After
        assert worker.blobs.ready_in() > 29
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert worker.blobs.count_pending() == 3
