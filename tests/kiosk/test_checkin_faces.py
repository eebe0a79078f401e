"""人证核验 in check-in (issue 16 musts 2, 4, 5): references in order of trust, the decision, the face work
outside the writer transaction, no_match → the clerk, reference photos cached encrypted and purged.

The engine here is a :class:`kiosk.faces.FaceEngine` over fixed images (the outermost boundary: which
photo is whose is decided by the test); the real dlib engine runs in
tests/hallkiosk/test_checkin_faces_e2e.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk import retention
from kiosk.checkin import CheckinError, CheckinService, FaceCapture
from kiosk.checkin.references import ReferenceMismatch, due_references, store_reference
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import Blob
from kiosk.db.models_checkin import Checkin
from kiosk.faces import FaceComparison, FaceCountError, FaceEngine, HeadPose
from kiosk.hall import Hall
from kiosk.journal import entries_after, take_head
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING
from sync.sandbox.seed import person, reference_photo
from tests.helpers.seeded import seeded

LIVE = b"\xff\xd8\xff live face of person 0 \xff\xd9"
CHIP = b"BM chip photo of person 0"
STRANGER = b"\xff\xd8\xff someone else \xff\xd9"


class FixedFaces:
    """A face engine over fixed images: ``same`` pairs are one person (distance 0.35), others 0.85.

    It notes the references it was given and, when ``during`` is set, calls it while comparing (to
    look at the database from inside the engine's work).
    """

    name = "fixed"
    threshold = 0.6

    def __init__(self, same: set[tuple[bytes, bytes]], during: Callable[[], None] | None = None) -> None:
        self.same = same
        self.during = during
        self.references: list[bytes] = []

    def compare(self, photo: bytes, reference: bytes) -> FaceComparison:
        self.references.append(reference)
        if self.during is not None:
            self.during()
        if photo == b"":
            raise FaceCountError(0, "现场照片")
        d = 0.35 if (photo, reference) in self.same else 0.85
        return FaceComparison(d, self.threshold, d <= self.threshold, self.name)

    def head_pose(self, frame_bgr: object) -> HeadPose | None:
        return None


def card(i: int, chip: bytes = b"") -> IdCard:
    p = person(i)
    return IdCard("resident", p["name"], "男", "1980-01-01", p["id_number"], "2015-01-01", "长期", photo_image=chip)


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    cfg = load_config(data_dir=tmp_path / "hall", environ={})
    today = dt.datetime.now(BEIJING).date()
    seeded(cfg)
    h = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING)))
    yield h
    h.close()


def details(hall: Hall) -> list[dict]:
    with hall.reading() as s:
        return [e.payload for e in entries_after(s, 0, 10_000) if e.kind == "checkin.details"]


def cache_platform_photo(hall: Hall, i: int = 0) -> bytes:
    """What the sync worker does ahead of the session: the platform's photo of person ``i``, cached."""
    photo = reference_photo(i)
    assert photo is not None
    with hall.unit() as s:
        store_reference(s, hall.vault, hall.config.data_dir, hashlib.sha256(photo).hexdigest(), photo, hall.clock.now())
    return photo


def session_of(svc: CheckinService, i: int = 0) -> str:
    return svc.evaluate(card(i)).eligible[0].session_id


def test_the_chip_photo_comes_first_then_the_platforms_then_none(hall: Hall) -> None:
    platform = cache_platform_photo(hall)
    engine = FixedFaces({(LIVE, CHIP), (LIVE, platform)})
    svc = CheckinService(hall, face_engine=engine)
    sid = session_of(svc)
    passed = FaceCapture(LIVE, "captured", liveness="passed")
    assert svc.check_face(card(0, CHIP), sid, passed).reference == "chip" and engine.references == [CHIP]
    got = svc.check_face(card(0), sid, passed)
    assert (got.result, got.reference, got.score, got.threshold) == ("match", "platform", 0.35, 0.6)
    assert engine.references[-1] == platform
    # person 1 has no chip photo decoded and no platform photo: nothing to compare with
    none = svc.check_face(card(1), session_of(svc, 1), passed)
    assert (none.result, none.reference) == ("not_done", "none") and "无参考照片" in none.note
    assert len(engine.references) == 2


def test_a_match_admits_and_the_record_names_the_reference(hall: Hall) -> None:
    cache_platform_photo(hall)
    svc = CheckinService(hall, face_engine=FixedFaces({(LIVE, reference_photo(0) or b"")}))
    out = svc.check_in(card(0), session_of(svc), face=FaceCapture(LIVE, "captured", liveness="passed"))
    [info] = out.accepted
    assert not info.needs_confirmation and not out.needs_clerk and out.slip is not None
    assert (info.face_result, info.face_reference) == ("match", "platform")
    [d] = details(hall)
    assert d["face_match"] == "match" and d["face_reference"] == "platform" and d["liveness"] == "passed"
    assert d["face_match_score"] == "0.3500" and d["face_match_threshold"] == "0.6000" and d["face_engine"] == "fixed"
    with hall.reading() as s:
        row = s.get(Checkin, info.checkin_id)
        assert row is not None
        assert (row.face_result, row.face_reference, row.liveness, row.face_match_score) == ("match", "platform", "passed",
                                                                                             "0.350")


def test_a_no_match_is_never_admitted_silently(hall: Hall) -> None:
    """Recorded as needing the clerk, whatever [checkin] face_required says; the clerk confirms or revokes."""
    cache_platform_photo(hall)
    svc = CheckinService(hall, face_engine=FixedFaces(set()))
    svc.cfg = dataclasses.replace(svc.cfg, face_required=False)
    sid = session_of(svc)
    out = svc.check_in(card(0), sid, face=FaceCapture(STRANGER, "captured", liveness="passed"))
    [info] = out.accepted
    assert out.face is not None and out.face.result == "no_match" and out.needs_clerk and info.needs_confirmation
    assert [p.checkin_id for p in svc.pending_confirmations()] == [info.checkin_id]
    assert details(hall)[0]["needs_clerk_confirmation"] is True and details(hall)[0]["face_match"] == "no_match"
    with pytest.raises(CheckinError):  # a no_match is confirmed only with a note of what the clerk checked
        svc.confirm(info.checkin_id, operator="clerk", note="  ")
    # the clerk refuses: the check-in is revoked (journalled), the registration is free for its real representative
    svc.revoke(info.checkin_id, operator="clerk", reason="人证不符，本人未到场")
    assert svc.pending_confirmations() == [] and svc.find_checkin(sid, info.registration_id) is None
    with hall.reading() as s:
        revoked = [e.payload for e in entries_after(s, 0, 10_000) if e.kind == "checkin.revoked"]
    assert revoked[0]["operator"] == "clerk" and revoked[0]["reason"] == "人证不符，本人未到场"
    assert person(0)["name"] not in str(revoked[0])
    again = svc.check_in(card(0), sid, face=FaceCapture(LIVE, "captured", liveness="passed"))
    assert again.accepted and again.refusal is None and svc.find_checkin(sid, info.registration_id) is not None


def test_without_liveness_nothing_is_compared_and_the_clerk_confirms(hall: Hall) -> None:
    cache_platform_photo(hall)
    engine = FixedFaces({(LIVE, reference_photo(0) or b"")})
    svc = CheckinService(hall, face_engine=engine)
    out = svc.check_in(card(0), session_of(svc), face=FaceCapture(LIVE, "captured", liveness="failed"))
    assert engine.references == [] and out.face is not None and out.face.result == "not_done"
    assert out.needs_clerk and "活体检测未通过" in out.face.note


@pytest.mark.allow_log_warnings(r"face match failed")
def test_an_engine_failure_or_a_photo_without_a_face_does_not_stop_the_checkin(hall: Hall) -> None:
    cache_platform_photo(hall)

    def boom() -> None:
        raise RuntimeError("model file damaged")

    svc = CheckinService(hall, face_engine=FixedFaces(set(), during=boom))
    sid = session_of(svc)
    out = svc.check_in(card(0), sid, face=FaceCapture(LIVE, "captured", liveness="passed"))
    assert out.accepted and out.needs_clerk and details(hall)[0]["face_note"] == "比对失败：RuntimeError"
    svc = CheckinService(hall, face_engine=FixedFaces(set()))
    got = svc.check_face(card(0), sid, FaceCapture(b"", "captured", liveness="passed"))
    assert got.result == "not_done" and got.reference == "platform" and "未检测到人脸" in got.note


def test_the_face_work_runs_outside_the_writer_transaction(hall: Hall) -> None:
    """While the engine compares, another connection takes the journal head and appends: it would wait
    for (and time out on) the check-in's writer lock if the comparison ran inside it."""
    _outside_the_writer_transaction(hall)


@pytest.mark.postgres
def test_the_face_work_runs_outside_the_writer_transaction_postgres(tmp_path: Path, pg_url: str) -> None:
    """The same on PostgreSQL, where the head is a row lock (``FOR UPDATE``)."""
    cfg = load_config(data_dir=tmp_path / "hall", db_url=pg_url, environ={})
    seeded(cfg)
    hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(dt.datetime.now(BEIJING).date(), dt.time(8, 50), BEIJING)))
    try:
        _outside_the_writer_transaction(hall)
    finally:
        hall.close()


def _probe_while_held(hall: Hall, note: str) -> int | None:
    """Another connection takes the journal head and appends within 3 s: the probe's seq (None: the head
    was held all that time)."""
    wrote: list[int] = []

    def write() -> None:
        with hall.unit() as s:
            take_head(s)
            wrote.append(hall.journal.append(s, "test.probe", {"at": note}).seq)

    t = threading.Thread(target=write)
    t.start()
    t.join(3.0)
    return wrote[0] if wrote and not t.is_alive() else None


def _head_is_free(hall: Hall) -> bool:
    return _probe_while_held(hall, "while the photo was encrypted") is not None


def _outside_the_writer_transaction(hall: Hall) -> None:
    cache_platform_photo(hall)
    wrote: list[int] = []

    def another_terminal_writes() -> None:
        seq = _probe_while_held(hall, "during the comparison")
        assert seq is not None, "the journal head was held while the engine compared"
        wrote.append(seq)

    svc = CheckinService(hall, face_engine=FixedFaces({(LIVE, reference_photo(0) or b"")}, during=another_terminal_writes))
    out = svc.check_in(card(0), session_of(svc), face=FaceCapture(LIVE, "captured", liveness="passed"))
    assert wrote and out.accepted and out.journal_seqs[0] > wrote[0]  # the probe went first: the check-in was not open


def test_reference_photos_are_due_hash_checked_encrypted_and_purged(hall: Hall) -> None:
    photo = reference_photo(0)
    assert photo is not None
    sha = hashlib.sha256(photo).hexdigest()
    now = hall.clock.now()
    with hall.unit() as s:
        assert sha in due_references(s, now)
        with pytest.raises(ReferenceMismatch):
            store_reference(s, hall.vault, hall.config.data_dir, sha, photo + b"tampered", now)
        assert s.get(Blob, sha) is None
        assert store_reference(s, hall.vault, hall.config.data_dir, sha, photo, now)
        assert sha not in due_references(s, now)
        blob = s.get(Blob, sha)
        assert blob is not None and blob.encrypted and blob.uploaded_at is not None and "/ref-" in blob.path  # never uploaded back
        stored = (Path(hall.config.data_dir) / blob.path).read_bytes()
    assert photo not in stored and hall.vault.decrypt(stored) == photo
    # purged with the faces, on their clock
    later = now + dt.timedelta(days=hall.config.security.pii_retention_days + 1)
    with hall.unit() as s:
        plan, files = retention.purge(s, hall.journal, later, hall.config.security.pii_retention_days,
                                      data_dir=Path(hall.config.data_dir))
    assert plan.references == [sha] and sha not in plan.faces
    retention.shred(files)
    assert not (Path(hall.config.data_dir) / blob.path).exists()
    with hall.reading() as s:
        assert s.get(Blob, sha) is None


def test_the_photo_is_encrypted_before_the_journal_head_is_taken(hall: Hall, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lead's finding: check-in encrypted and wrote the face photo while holding the head (SQLite's
    writer lock / PostgreSQL's head row). Now AES-GCM and the file write come first; under the head only
    a rename and the Blob row. A refused check-in or a photo the hall holds already leaves no file."""
    cache_platform_photo(hall)
    free_when_encrypting: list[bool] = []
    encrypt = hall.vault.encrypt

    def watched(plaintext: str | bytes, *, context: bytes = b"") -> bytes:
        if plaintext == LIVE:
            free_when_encrypting.append(_head_is_free(hall))
        return encrypt(plaintext, context=context)

    monkeypatch.setattr(hall.vault, "encrypt", watched)
    svc = CheckinService(hall, face_engine=FixedFaces({(LIVE, reference_photo(0) or b"")}))
    sid = session_of(svc)
    out = svc.check_in(card(0), sid, face=FaceCapture(LIVE, "captured", liveness="passed"))
    assert free_when_encrypting == [True] and out.accepted
    faces = Path(hall.config.data_dir) / "faces"
    sha = hashlib.sha256(LIVE).hexdigest()
    with hall.reading() as s:
        blob = s.get(Blob, sha)
        assert blob is not None and blob.encrypted and blob.path.endswith(f"{sha}.hkenc")
        stored = (Path(hall.config.data_dir) / blob.path).read_bytes()
    assert LIVE not in stored and encrypt.__self__.decrypt(stored) == LIVE  # type: ignore[attr-defined]
    mine = sorted(p.name for p in faces.rglob("*.hkenc") if not p.name.startswith("ref-"))
    assert mine == [f"{sha}.hkenc"]  # no .part file left
    # the same photo again (already checked in): no second file; a card registered for nothing: no file at all
    svc.check_in(card(0), sid, face=FaceCapture(LIVE, "captured", liveness="passed"))
    stranger = IdCard("resident", "路人甲", "男", "1990-03-07", "110101199003074514", "2015-01-01", "长期")
    other = b"\xff\xd8\xff a passer-by \xff\xd9"
    refused = svc.check_in(stranger, sid, face=FaceCapture(other, "captured", liveness="passed"))
    assert refused.refusal is not None and not refused.accepted
    assert sorted(p.name for p in faces.rglob("*.hkenc") if not p.name.startswith("ref-")) == mine
    assert free_when_encrypting == [True, True]  # the second was sealed too, and never under the head


def test_a_reference_photo_is_encrypted_before_the_writer_lock(hall: Hall, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync worker's store_reference: on SQLite a unit's first statement takes the writer lock (the head
    there), so the photo is encrypted and written before that statement; under it only a rename and a row."""
    photo = reference_photo(0)
    assert photo is not None
    free: list[bool] = []
    encrypt = hall.vault.encrypt

    def watched(plaintext: str | bytes, *, context: bytes = b"") -> bytes:
        free.append(_head_is_free(hall))
        return encrypt(plaintext, context=context)

    monkeypatch.setattr(hall.vault, "encrypt", watched)
    sha = hashlib.sha256(photo).hexdigest()
    with hall.unit() as s:
        assert store_reference(s, hall.vault, hall.config.data_dir, sha, photo, hall.clock.now())
    with hall.unit() as s:
        assert not store_reference(s, hall.vault, hall.config.data_dir, sha, photo, hall.clock.now())  # held already
    assert free == [True, True]
    files = sorted(p.name for p in (Path(hall.config.data_dir) / "faces").rglob("*.hkenc"))
    assert files == [f"ref-{sha}.hkenc"]


@pytest.fixture(scope="session")
def dlib_engine() -> FaceEngine:
    """The real engine, loaded once per process (~1.2-1.5 s, as devices.camera.dlib_faces.shared keeps it)."""
    from devices.camera.dlib_faces import shared

    return shared()


def test_no_descriptor_is_stored_anywhere(hall: Hall, dlib_engine: FaceEngine) -> None:
    """Issue 16 must 5 (PIPL §28–29): only the photo (encrypted) and the score are kept. A check-in compared
    by the real dlib engine; its two 128-d descriptors, computed again here, appear nowhere — not in the
    database file (packed as float32 or float64), not in any journal payload (no member names one, no array
    of numbers), not in any file of the data dir; and no table has a column for one."""
    import re
    import struct

    from devices.camera.dlib_faces import DlibFaceEngine, decode
    from kiosk.db.models import Base

    engine = dlib_engine
    assert isinstance(engine, DlibFaceEngine)
    live = (Path(__file__).resolve().parents[1] / "data" / "faces" / "obama_1.jpg").read_bytes()
    platform = cache_platform_photo(hall)
    svc = CheckinService(hall, face_engine=engine)
    out = svc.check_in(card(0), session_of(svc), face=FaceCapture(live, "captured", liveness="passed"))
    assert out.face is not None and out.face.result == "match" and out.face.score is not None  # it really compared
    vectors = [engine.descriptor_of(decode(b)) for b in (live, platform)]
    needles = [struct.pack(f"<4{f}", *v[:4]) for v in vectors for f in ("d", "f")]
    files = [p for p in Path(hall.config.data_dir).rglob("*") if p.is_file()]
    db = b"".join(p.read_bytes() for p in files if p.name.startswith("hall.db"))  # with its WAL
    assert out.face.score_text is not None and out.face.score_text.encode() in db  # the scan sees what was written
    for p in files:
        data = p.read_bytes()
        assert not any(n in data for n in needles), p.name
    words = re.compile(r"descriptor|embedding|feature|vector|encoding", re.I)
    for table in Base.metadata.tables.values():
        assert not [c.name for c in table.columns if words.search(c.name)], table.name

    def keys(v: object) -> list[str]:
        if isinstance(v, dict):
            return [str(k) for k in v] + [k for x in v.values() for k in keys(x)]
        return [k for x in v for k in keys(x)] if isinstance(v, list) else []

    def arrays(v: object) -> list[list[object]]:
        if isinstance(v, dict):
            return [a for x in v.values() for a in arrays(x)]
        if isinstance(v, list):
            return ([v] if sum(isinstance(x, float | int) for x in v) >= 8 else []) + [a for x in v for a in arrays(x)]
        return []

    with hall.reading() as s:
        payloads = [e.payload for e in entries_after(s, 0, 10_000)]
    assert payloads and [k for p in payloads for k in keys(p) if words.search(k)] == []
    assert [a for p in payloads for a in arrays(p)] == []
