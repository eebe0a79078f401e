"""An export carries its receipts (issue 20 must 2) and its segments in clear, from a sealed store (must 9).

``recording verify EXPORT --platform-key-file KEY`` works offline: the export's ``receipts.json``
holds the platform's signed receipts and the journal entries that link each file's entry to one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from hallkiosk.cli import main
from kiosk import receipts, sealed
from kiosk.canonical import envelope_hash, payload_hash
from kiosk.db.models import Blob, JournalEntry
from kiosk.hall import Hall
from kiosk.recording import Recordings, verify_export
from kiosk.recording import catalogue as cat
from kiosk.recording.manifest import MANIFEST, RECEIPTS

T0 = dt.datetime(2026, 11, 27, 1, 30, tzinfo=dt.UTC)


def sealed_segment(hall: Hall, i: int, camera: str = "cam1") -> cat.SegmentInfo:
    """A segment stored as the recorder stores it now: sealed under the hall's key."""
    path = hall.config.data_dir / "recordings" / "KB-03" / f"{camera}-{i}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = f"segment {camera} {i} ".encode() * 200
    sealed.write_sealed(hall.vault, data, path)
    s0 = T0 + dt.timedelta(seconds=60 * i)
    with hall.unit() as s:
        info = cat.register_segment(
            s, hall.journal, room_code="KB-03", camera=camera, session_id="S-1", path=path, started_at=s0,
            ended_at=s0 + dt.timedelta(seconds=60), frames=1500, has_audio=True, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data_dir=hall.config.data_dir, encrypted=True,
        )
        hall.journal.append(s, "ticket.issued", {"ticket_id": f"t{i}", "ticket_no": f"A00{i}", "service_code": "A",
                                                 "issued_at": "2026-11-27T09:31:00+08:00", "business_date": "2026-11-27"})
    return info


def receipt_now(hall: Hall, key: Ed25519PrivateKey) -> int:
    """The platform acknowledges the journal as it stands (sync/push.py stores the receipt)."""
    with hall.unit() as s:
        last = s.scalar(select(JournalEntry).order_by(JournalEntry.seq.desc()).limit(1))
        assert last is not None
        r = receipts.sign_receipt({"journal_id": hall.journal.journal_id, "seq": last.seq, "hash": last.hash,
                                   "received_at": "2026-11-27T09:40:00+08:00", "keyid": "ggzy-2026"}, key)
        receipts.store(s, r, verified=True)
        return last.seq


def key_file(tmp_path: Path, key: Ed25519PrivateKey) -> Path:
    path = tmp_path / "platform.pub"
    path.write_text(base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode())
    return path


def forge(out: Path, victim: str) -> None:
    """An insider with the export folder only: new bytes for one file, and every hash after it recomputed."""
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    bundle = json.loads((out / RECEIPTS).read_text("utf-8"))
    forged = b"another video"
    (out / victim).write_bytes(forged)
    new_sha = hashlib.sha256(forged).hexdigest()
    items = sorted(manifest["files"], key=lambda f: f["entry"]["seq"])
    entries: dict[int, dict[str, Any]] = {f["entry"]["seq"]: f["entry"] for f in items}
    for e in bundle["entries"]:
        entries.setdefault(e["seq"], e)
    bad = next(f for f in items if f["file"] == victim)
    bad.update(sha256=new_sha, bytes=len(forged))
    bad["entry"]["payload"].update(sha256=new_sha, bytes=len(forged))
    after = next((f for f in items if f["camera"] == bad["camera"] and f["segment_no"] == bad["segment_no"] + 1), None)
    if after is not None:
        after["prev_segment_sha256"] = new_sha
        after["entry"]["payload"]["prev_segment_sha256"] = new_sha
    prev = entries[bad["entry"]["seq"]]["prev_hash"]
    for seq in sorted(k for k in entries if k >= bad["entry"]["seq"]):
        e = entries[seq]
        e["payload_hash"], e["prev_hash"] = payload_hash(e["payload"]), prev
        e["hash"] = prev = envelope_hash(e)
    for f in items:
        f["journal_hash"] = f["entry"]["hash"] = entries[f["entry"]["seq"]]["hash"]
    bundle["entries"] = [entries[e["seq"]] | {"hash": entries[e["seq"]]["hash"]} for e in bundle["entries"]]
    for e in bundle["entries"]:
        e.update(entries[e["seq"]])
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    (out / RECEIPTS).write_text(json.dumps(bundle, ensure_ascii=False), "utf-8")


def test_an_export_of_sealed_segments_is_plain_mp4_the_journal_names(hall: Hall, tmp_path: Path) -> None:
    segs = [sealed_segment(hall, i) for i in range(2)]
    with hall.reading() as s:
        assert all(getattr(s.get(Blob, x.sha256), "encrypted", False) for x in segs)  # the upload decrypts them, as faces
    assert all(Path(x.path).read_bytes().startswith(sealed.MAGIC) for x in segs)
    out = tmp_path / "clip"
    res = Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=2), out)
    files = sorted(out.glob("*.mp4"))
    assert res.files == 2 and [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == [x.sha256 for x in segs]
    assert all(f.read_bytes().startswith(b"segment cam1") for f in files)  # plaintext: a court plays it
    assert verify_export(out).ok
    # a stored segment that is not what its row names stops the export instead of exporting it
    sealed.write_sealed(hall.vault, b"not that segment", Path(segs[1].path))
    with pytest.raises(cat.SegmentMismatch):
        Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=2), tmp_path / "again")


def test_a_forged_export_fails_offline_because_of_a_receipt(hall: Hall, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    for i in range(3):
        sealed_segment(hall, i)
        receipt_now(hall, key)  # a push after each segment: receipts come every few seconds
    out = tmp_path / "clip"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=3), out)
    carried = json.loads((out / RECEIPTS).read_text("utf-8"))
    assert len(carried["receipts"]) == 3 and carried["uncovered_seqs"] == []
    pub = key.public_key()
    honest = verify_export(out, pub)  # the export and the platform's public key: nothing else
    assert honest.ok and len(honest.covered) == 3 and honest.uncovered == [], honest.problems

    victim = sorted(f["file"] for f in json.loads((out / MANIFEST).read_text("utf-8"))["files"])[1]
    forge(out, victim)
    assert verify_export(out).ok  # the export agrees with itself: the hashes were all recomputed
    caught = verify_export(out, pub)
    assert not caught.ok and caught.bad_file == victim
    assert any("platform acknowledged" in p for p in caught.problems), caught.problems

    # a receipt the forger signed himself does not help him
    bundle = json.loads((out / RECEIPTS).read_text("utf-8"))
    mine = Ed25519PrivateKey.generate()
    bundle["receipts"] = [receipts.sign_receipt({**r, "hash": bundle["entries"][-1]["hash"]}, mine)
                          for r in bundle["receipts"][-1:]]
    (out / RECEIPTS).write_text(json.dumps(bundle), "utf-8")
    assert any("not signed by the platform key" in p for p in verify_export(out, pub).problems)


def test_an_export_made_before_any_receipt_says_what_no_receipt_covers(hall: Hall, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    sealed_segment(hall, 0)
    out = tmp_path / "early"
    res = Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=1), out)
    assert res.uncovered == 1
    check = verify_export(out, key.public_key())
    assert check.ok and check.covered == [] and len(check.uncovered) == 1

    receipt_now(hall, key)  # the platform acknowledges the first; the second segment comes after
    sealed_segment(hall, 1)
    later = tmp_path / "later"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=2), later)
    check = verify_export(later, key.public_key())
    assert check.ok and len(check.covered) == 1 and len(check.uncovered) == 1
    assert check.uncovered[0].startswith("cam1_000002_")
    # without the key nothing is claimed: every file is "not covered"
    assert verify_export(later).uncovered == sorted(f.name for f in later.glob("*.mp4"))


def test_a_replaced_receipts_file_or_one_of_another_journal_is_named(hall: Hall, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    sealed_segment(hall, 0)
    receipt_now(hall, key)
    out = tmp_path / "clip"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=1), out)
    bundle = json.loads((out / RECEIPTS).read_text("utf-8"))
    link = bundle["entries"][-1]
    link["payload"]["ticket_no"] = "A999"  # a link entry edited without its hash
    (out / RECEIPTS).write_text(json.dumps(bundle), "utf-8")
    bad = verify_export(out, key.public_key())
    assert not bad.ok and any(f"link entry seq {link['seq']} does not hash" in p for p in bad.problems)
    bundle["journal_id"] = "OTHER-HALL"
    (out / RECEIPTS).write_text(json.dumps(bundle), "utf-8")
    assert any("not of this export's journal" in p for p in verify_export(out, key.public_key()).problems)
    os.remove(out / RECEIPTS)  # stripped: nothing vouches for the files, and that is said, not hidden
    stripped = verify_export(out, key.public_key())
    assert stripped.ok and stripped.covered == [] and len(stripped.uncovered) == 1


def test_a_key_rotation_reseals_recorded_segments_under_the_new_key_id(hall: Hall, tmp_path: Path) -> None:
    from kiosk import keys

    segs = [sealed_segment(hall, i) for i in range(2)]
    old_kid = hall.vault.current_kid
    assert {sealed.kid_of(Path(x.path).read_bytes()[:512]) for x in segs} == {old_kid}
    report = keys.rotate(hall, hall.engine, settle_s=0.0)
    new_kid = hall.vault.current_kid
    assert new_kid != old_kid and report.files >= 2
    for x in segs:
        raw = Path(x.path).read_bytes()
        assert raw.startswith(sealed.MAGIC) and sealed.kid_of(raw[:512]) == new_kid  # still sealed, in chunks
        assert hashlib.sha256(sealed.read_file(Path(x.path), hall.vault)).hexdigest() == x.sha256
    out = tmp_path / "after-rotation"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=2), out)
    assert verify_export(out).ok


def test_segments_recorded_before_sealing_are_sealed_in_place_and_still_verify(hall: Hall, tmp_path: Path) -> None:
    from tests.kiosk.test_recordings import fake_segment

    old = [fake_segment(hall, i, start=T0) for i in range(3)]  # plain files, blobs not encrypted
    tampered = Path(old[2].path)
    tampered.write_bytes(tampered.read_bytes() + b"!")  # not the catalogued file any more
    skip: set[str] = set()
    rec = Recordings(hall)
    assert rec.seal_plain(10, skip) == (2, 1) and skip == {old[2].sha256}
    for x in old[:2]:
        raw = Path(x.path).read_bytes()
        assert raw.startswith(sealed.MAGIC) and hashlib.sha256(sealed.unseal(hall.vault, raw)).hexdigest() == x.sha256
    assert not tampered.read_bytes().startswith(sealed.MAGIC)  # left as it is, for verify to find
    with hall.reading() as s:
        assert [getattr(s.get(Blob, x.sha256), "encrypted", None) for x in old] == [True, True, False]
    entry = next(e for e in hall.recent_entries(5) if e.kind == "recording.sealed")
    assert entry.payload["segments"] == 2 and entry.payload["sha256"] == [old[0].sha256, old[1].sha256]
    assert rec.seal_plain(10, skip) == (0, 0)  # nothing left to try
    assert not list(Path(old[0].path).parent.glob("*.sealing"))
    out = tmp_path / "clip"
    rec.export_clip("KB-03", T0, T0 + dt.timedelta(seconds=119), out)
    assert verify_export(out).ok and hall.verify_journal().ok


def test_recording_verify_checks_an_exports_receipts_offline_and_says_what_none_covers(
        hall: Hall, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command a court's expert runs: the export folder and the platform's key file, no hall database."""
    key = Ed25519PrivateKey.generate()
    kf = key_file(tmp_path, key)
    offline = ["--platform-key-file", str(kf), "--data-dir", str(tmp_path / "no-such-hall")]
    sealed_segment(hall, 0)
    early = tmp_path / "early"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=1), early)
    assert main(["recording", "verify", str(early), *offline]) == 0
    said = capsys.readouterr().out
    assert "0/1" in said and "NOT covered by any receipt yet" in said
    assert main(["recording", "verify", str(early), "--data-dir", str(tmp_path / "no-such-hall")]) == 0
    assert "NOT checked" in capsys.readouterr().out  # no key: it says so instead of claiming anything
    receipt_now(hall, key)
    sealed_segment(hall, 1)
    receipt_now(hall, key)
    out = tmp_path / "clip"
    Recordings(hall).export_clip("KB-03", T0, T0 + dt.timedelta(minutes=2), out)
    assert main(["recording", "verify", str(out), *offline]) == 0
    assert "2/2" in capsys.readouterr().out
    victim = sorted(f.name for f in out.glob("*.mp4"))[0]
    forge(out, victim)
    assert main(["recording", "verify", str(out), *offline]) == 1
    err = capsys.readouterr().err
    assert victim in err and "platform acknowledged" in err
    assert not (tmp_path / "no-such-hall").exists()  # offline: no hall was opened or made
