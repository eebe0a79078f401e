"""The recording catalogue on a real hall database: chain, journal, blobs, markers, retention, export."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select, text

from kiosk.db.models import Blob
from kiosk.hall import Hall
from kiosk.recording import ReasonRequired, Recordings, classify, verify_export
from kiosk.recording import catalogue as cat
from kiosk.records import validate
from kiosk.timeutil import utcnow

T0 = dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)


def fake_segment(hall: Hall, i: int, camera: str = "cam1", room: str = "KB-03", session: str | None = "S-1",
                 start: dt.datetime = T0) -> cat.SegmentInfo:
    path = hall.config.data_dir / "recordings" / room / f"{camera}-{i}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = f"segment {camera} {i}".encode() * 100
    path.write_bytes(data)
    s0 = start + dt.timedelta(seconds=60 * i)
    with hall.unit() as s:
        return cat.register_segment(
            s, hall.journal, room_code=room, camera=camera, session_id=session, path=path, started_at=s0,
            ended_at=s0 + dt.timedelta(seconds=60), frames=1500, has_audio=True, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data_dir=hall.config.data_dir,
        )


def test_segments_form_a_hash_chain_in_the_journal_and_become_blobs(hall: Hall) -> None:
    a, b = fake_segment(hall, 0), fake_segment(hall, 1)
    c = fake_segment(hall, 0, camera="cam2")
    assert (a.segment_no, a.prev_sha256) == (1, None)
    assert (b.segment_no, b.prev_sha256) == (2, a.sha256)
    assert (c.segment_no, c.prev_sha256) == (1, None)  # each camera has its own chain
    entries = [e for e in hall.recent_entries(10) if e.kind == "recording.segment"][::-1]
    assert [e.seq for e in entries] == [a.journal_seq, b.journal_seq, c.journal_seq]
    p = entries[1].payload
    validate("recording.segment", p)
    assert p == {
        "room_code": "KB-03", "camera": "cam1", "session_id": "S-1", "segment_no": 2,
        "started_at": "2026-11-27T09:31:00.000+08:00", "ended_at": "2026-11-27T09:32:00.000+08:00",
        "bytes": b.bytes, "sha256": b.sha256, "prev_segment_sha256": a.sha256,
    }
    with hall.reading() as s:
        blob = s.get(Blob, b.sha256)
        assert blob is not None and blob.media_type == "video/mp4" and not blob.encrypted and blob.uploaded_at is None
        assert blob.path == f"recordings/KB-03/{Path(b.path).name}" and blob.size == b.bytes  # relative to the data dir
    again = fake_segment(hall, 1)  # registering the same file twice (recovery) changes nothing
    assert again.id == b.id and len([e for e in hall.recent_entries(20) if e.kind == "recording.segment"]) == 3
    assert hall.verify_journal().ok


def test_markers_are_idempotent_per_source_entry(hall: Hall) -> None:
    with hall.unit() as s:
        m1 = cat.add_marker(s, room_code="KB-03", session_id="S-1", at=T0, kind="auction.bid", label="x", source_seq=7)
        m2 = cat.add_marker(s, room_code="KB-03", session_id="S-1", at=T0, kind="auction.bid", label="x", source_seq=7)
    assert m1.id == m2.id and len(Recordings(hall).markers("KB-03")) == 1


def test_classify_session_entries() -> None:
    bid = {"session_id": "S-4", "lot_code": "L-0001", "paddle_no": "12", "amount": "35000.00", "source": "floor",
           "accepted": True, "at": "2026-11-27T14:05:00+08:00"}
    a = classify("auction.bid", bid, "PM-01", "PM-01")
    assert a.kind == "marker" and a.session_id == "S-4" and "12号牌" in a.label and "35000.00" in a.label
    assert classify("auction.bid", bid, "KB-03", "PM-01").kind == "ignore"
    assert classify("auction.closed", {"session_id": "S-4"}, "PM-01", "PM-01").kind == "close"
    assert classify("checkin.recorded", {"session_id": "S-4"}, "PM-01", "PM-01").kind == "ignore"
    req = classify("recording.requested", {"room_code": "PM-01", "action": "stop", "reason": "设备检修", "operator": "admin"},
                   "PM-01", None)
    assert (req.kind, req.reason, req.operator) == ("stop", "设备检修", "admin")
    sold = {"session_id": "S-4", "lot_code": "L-1", "result": "sold", "hammer_at": "x", "hammer_price": "50000.00",
            "paddle_no": "7", "buyer_name": "张三", "buyer_code": "150102198001011234", "confirmation_sha256": "0" * 64}
    label = classify("auction.result", sold, "PM-01", "PM-01").label
    assert "落槌成交" in label and "张三" not in label and "150102198001011234" not in label
    # every other marker in the replay's words, not the program's: "stage: bidders" read so before 2026-12-08
    assert classify("opening.stage", {"session_id": "S-4", "stage": "bidders"}, "PM-01", "PM-01").label == "开标进入：公布投标人"
    assert classify("auction.lot_opened", {"session_id": "S-4", "lot_code": "L-1"}, "PM-01", "PM-01").label == "L-1 开拍"


def test_manual_request_needs_a_reason_and_is_journalled(hall: Hall) -> None:
    rec = Recordings(hall)
    with pytest.raises(ReasonRequired):
        rec.request("KB-03", "start", "  ", "admin")
    seq = rec.request("KB-03", "start", "补录开标前准备", "admin")
    e = hall.recent_entries(1)[0]
    assert e.seq == seq and e.kind == "recording.requested"
    assert e.payload["reason"] == "补录开标前准备" and e.payload["operator"] == "admin" and e.payload["action"] == "start"


def _mark_uploaded(hall: Hall, *shas: str) -> None:
    with hall.unit() as s:
        for sha in shas:
            s.get(Blob, sha).uploaded_at = utcnow()  # type: ignore[union-attr]


def test_retention_deletes_files_only_when_uploaded_and_not_held(hall: Hall) -> None:
    old = T0 - dt.timedelta(days=200)
    a = fake_segment(hall, 0, start=old)
    b = fake_segment(hall, 1, start=old)
    c = fake_segment(hall, 2, start=old)
    _mark_uploaded(hall, a.sha256, b.sha256)
    rec = Recordings(hall)
    rec.add_hold("KB-03", b.started_at, b.ended_at, "投标人异议，保全录像", "admin")
    plan, done = rec.apply_retention(now=T0)
    assert [d.id for d in done] == [a.id]
    assert not Path(a.path).exists() and Path(b.path).exists() and Path(c.path).exists()
    assert plan.pending_upload_bytes == c.bytes and plan.held_bytes == b.bytes
    kinds = [e.kind for e in hall.recent_entries(3)]
    assert kinds[0] == "recording.purged" and "recording.hold" in kinds
    with hall.reading() as s:
        assert s.get(Blob, a.sha256) is None and s.get(Blob, c.sha256) is not None
    left = {x.id for x in rec.segments("KB-03")}
    assert left == {b.id, c.id} and {x.id for x in rec.segments("KB-03", include_deleted=True)} == {a.id, b.id, c.id}
    assert hall.verify_journal().ok


def test_export_and_verify_and_tamper(hall: Hall, tmp_path: Path) -> None:
    segs = [fake_segment(hall, i) for i in range(3)]
    with hall.unit() as s:
        cat.add_marker(s, room_code="KB-03", session_id="S-1", at=T0 + dt.timedelta(seconds=70), kind="opening.stage",
                       label="唱标", source_seq=1)
    out = tmp_path / "clip"
    res = Recordings(hall).export_clip("KB-03", T0 + dt.timedelta(seconds=30), T0 + dt.timedelta(seconds=90), out)
    assert res.files == 2 and res.markers == 1
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [f["sha256"] for f in manifest["files"]] == [segs[0].sha256, segs[1].sha256]
    assert manifest["files"][1]["journal_seq"] == segs[1].journal_seq
    check = verify_export(out)
    assert check.ok and check.files == 2, check.problems
    victim = out / manifest["files"][1]["file"]
    victim.write_bytes(victim.read_bytes()[:-1] + b"X")
    bad = verify_export(out)
    assert not bad.ok and bad.bad_file == victim.name and "SHA-256" in bad.problems[0]


def test_verify_names_a_removed_segment_and_a_rewritten_manifest(hall: Hall, tmp_path: Path) -> None:
    for i in range(3):
        fake_segment(hall, i)
    out = tmp_path / "clip"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=3), out)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    middle = manifest["files"].pop(1)
    (out / middle["file"]).unlink()
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    bad = verify_export(out)
    assert not bad.ok and "segment 2 of camera cam1 is missing" in bad.problems[0]
    # rewriting a file *and* its manifest sha256 still breaks the journal entry's hash link
    manifest = json.loads((tmp_path / "clip" / "manifest.json").read_text("utf-8"))
    first = manifest["files"][0]
    (out / first["file"]).write_bytes(b"forged")
    first["sha256"], first["bytes"] = hashlib.sha256(b"forged").hexdigest(), 6
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert verify_export(out).bad_file == first["file"]


def test_no_personal_data_in_recording_tables_or_log(hall: Hall, caplog: pytest.LogCaptureFixture) -> None:
    id_number = "150102198001011234"
    sold = {"session_id": "S-4", "lot_code": "L-1", "result": "sold", "hammer_at": "2026-11-27T14:10:00+08:00",
            "hammer_price": "50000.00", "paddle_no": "7", "buyer_name": "张三", "buyer_code": id_number,
            "confirmation_sha256": "0" * 64}
    caplog.set_level(logging.DEBUG)
    action = classify("auction.result", sold, "PM-01", "PM-01")
    with hall.unit() as s:
        cat.add_marker(s, room_code="PM-01", session_id="S-4", at=T0, kind="auction.result", label=action.label, source_seq=3)
    fake_segment(hall, 0, room="PM-01", session="S-4")
    with hall.reading() as s:
        rows = [*s.execute(text("SELECT * FROM rec_markers")).all(), *s.execute(text("SELECT * FROM rec_segments")).all()]
        dump = " ".join(str(r) for r in rows)
    assert dump and id_number not in dump and "张三" not in dump
    assert id_number not in caplog.text


@pytest.mark.postgres
def test_chain_on_postgres(pg_url: str, tmp_path: Path) -> None:
    from kiosk.config import load_config

    h = Hall.open(load_config(data_dir=tmp_path / "pg", db_url=pg_url, environ={}))
    try:
        a, b = fake_segment(h, 0), fake_segment(h, 1)
        assert b.prev_sha256 == a.sha256 and b.segment_no == 2
        with h.reading() as s:
            assert s.scalar(select(Blob.media_type).where(Blob.sha256 == b.sha256)) == "video/mp4"
        assert h.verify_journal().ok
    finally:
        h.close()


def test_quota_enforced_on_the_catalogue_oldest_uploaded_first(tmp_path: Path) -> None:
    import dataclasses

    from kiosk.config import load_config

    cfg = load_config(data_dir=tmp_path / "q", environ={})
    segs_bytes = len(b"segment cam1 0" * 100)
    cfg = dataclasses.replace(cfg, recording=dataclasses.replace(cfg.recording, quota_gb=2.5 * segs_bytes / 1024**3))
    h = Hall.open(cfg)
    try:
        segs = [fake_segment(h, i) for i in range(4)]  # young: only the quota can delete them
        _mark_uploaded(h, *(s.sha256 for s in segs[:3]))
        rec = Recordings(h)
        assert rec.disk().over_quota and "配额" in rec.disk().alarm()[0]  # type: ignore[index]
        plan, done = rec.apply_retention(now=T0 + dt.timedelta(hours=1))
        assert [d.segment_no for d in done] == [1, 2] and all(plan.reasons[d.id] == "quota" for d in done)
        assert not plan.over_quota and not rec.disk().over_quota
        assert Path(segs[3].path).exists()  # never the one not uploaded
    finally:
        h.close()


@pytest.mark.allow_log_warnings(r"clock move of \+34560000 s since the last purge confirmed by admin")
def test_a_clock_that_jumped_deletes_no_recording_for_its_age_until_someone_confirms_it(hall: Hall) -> None:
    """Issue 20: recording retention runs on the same guarded clock as the personal-data purge."""
    from kiosk.db.models import JournalEntry, PlatformTrust

    old = T0 - dt.timedelta(days=10)  # 10 days old: kept for 90 days
    a = fake_segment(hall, 0, start=old)
    _mark_uploaded(hall, a.sha256)
    with hall.unit() as s:  # the sync client learnt a platform clock 400 days ahead (sync/trust.py stores it)
        s.add(PlatformTrust(journal_id=hall.journal.journal_id, key_state="verified", clock_offset_s=400 * 86400.0))
    rec = Recordings(hall)
    later = T0 + dt.timedelta(days=400)
    for _ in range(2):
        plan, done = rec.apply_retention(now=later)
        assert done == [] and plan.delete == ()
    with hall.reading() as s:
        refusals = s.scalars(select(JournalEntry).where(JournalEntry.kind == "recording.retention_clock_refused")).all()
        assert len(refusals) == 1  # once per offset, not once per retention pass
    hall.purge_personal_data(now=later, operator="admin", confirm_clock=True)  # an operator checked the clock
    plan, done = rec.apply_retention(now=later)
    assert [d.id for d in done] == [a.id] and plan.reasons[a.id] == "age"


def test_an_insider_who_replaces_a_segment_and_rechains_the_journal_is_caught_by_the_receipt(hall: Hall, tmp_path: Path) -> None:
    """Issue 20 item 3: ``recording verify`` proved only that an export agrees with itself. Held against the
    hall's journal and the platform's signed receipt, a segment replaced together with its catalogue row,
    its journal entry and a re-chained journal no longer passes."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk import receipts
    from kiosk.canonical import canonical, envelope_hash, payload_hash
    from kiosk.db.models import JournalEntry, JournalHead
    from kiosk.db.models_recording import RecSegment
    from kiosk.recording.manifest import check_against_journal

    segs = [fake_segment(hall, i) for i in range(3)]
    key = Ed25519PrivateKey.generate()
    with hall.unit() as s:  # the platform acknowledged everything so far (sync/push.py stores this)
        last = s.scalar(select(JournalEntry).order_by(JournalEntry.seq.desc()).limit(1))
        r = receipts.sign_receipt({"journal_id": hall.journal.journal_id, "seq": last.seq, "hash": last.hash,
                                   "received_at": "2026-11-27T09:40:00+08:00", "keyid": "ggzy-2026"}, key)
        receipts.store(s, r, verified=True)
    out = tmp_path / "clip"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=3), out)
    with hall.reading() as s:
        honest = check_against_journal(out, s, hall.journal.journal_id, key.public_key())
    assert honest.ok and honest.matched == honest.receipted == 3 and honest.signed, honest.problems

    # the insider: new bytes for segment 2, its row, its entry's payload, and every hash after it
    victim = segs[1]
    forged = b"forged video"
    Path(victim.path).write_bytes(forged)
    new_sha = hashlib.sha256(forged).hexdigest()
    with hall.unit() as s:
        row = s.get(RecSegment, victim.id)
        row.sha256, row.bytes = new_sha, len(forged)
        s.get(RecSegment, segs[2].id).prev_sha256 = new_sha  # the next segment's link, too
        prev = s.get(JournalEntry, victim.journal_seq - 1).hash
        top = s.scalar(select(JournalEntry.seq).order_by(JournalEntry.seq.desc()).limit(1))
        for seq in range(victim.journal_seq, top + 1):
            e = s.get(JournalEntry, seq)
            payload = json.loads(e.payload)
            if seq == victim.journal_seq:
                payload.update(sha256=new_sha, bytes=len(forged))
            elif seq == segs[2].journal_seq:
                payload["prev_segment_sha256"] = new_sha
            env = {"record_key": e.record_key, "journal_id": hall.journal.journal_id, "seq": seq, "terminal_id": e.terminal_id,
                   "kind": e.kind, "occurred_at": e.occurred_at, "payload": payload, "payload_hash": payload_hash(payload),
                   "prev_hash": prev}
            e.payload, e.payload_hash, e.prev_hash = canonical(payload).decode(), env["payload_hash"], prev
            e.hash = prev = envelope_hash(env)
        s.get(JournalHead, 1).last_hash = prev
    assert hall.verify_journal().ok  # the chain alone is fooled
    forged_out = tmp_path / "forged"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=3), forged_out)
    assert verify_export(forged_out).ok  # and so is the export's own check
    with hall.reading() as s:
        caught = check_against_journal(forged_out, s, hall.journal.journal_id, key.public_key())
    assert not caught.ok and caught.receipted == 0
    assert any("receipts disagree with the journal" in p for p in caught.problems)
    from hallkiosk.cli import main

    where = ["--data-dir", str(hall.config.data_dir)]
    assert main(["recording", "verify", str(forged_out), "--against-journal", *where]) == 1
    assert main(["recording", "verify", str(forged_out), *where]) == 0  # without it: self-consistent only
    # the export carries its receipts: with the platform's key alone, offline, the forgery fails too
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    kf = tmp_path / "platform.pub"
    kf.write_text(base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode())
    offline = verify_export(forged_out, key.public_key())
    assert not offline.ok and offline.bad_file is not None and "platform acknowledged" in " ".join(offline.problems)
    assert main(["recording", "verify", str(forged_out), "--platform-key-file", str(kf),
                 "--data-dir", str(tmp_path / "elsewhere")]) == 1
    assert verify_export(out, key.public_key()).covered  # the honest export made before is covered
