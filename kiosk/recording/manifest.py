"""Exported clips and their manifest; ``hall-kiosk recording verify DIR`` (no database needed).

An export is a folder with the whole segment files that cover the asked time range (never
re-encoded: the bytes are the ones the journal vouches for) and ``manifest.json``::

    {"format": "hall-kiosk-recording-export/1", "room_code", "from", "to", "exported_at", "journal_id",
     "files": [{"file", "camera", "segment_no", "session_id", "started_at", "ended_at", "bytes",
                "sha256", "prev_segment_sha256", "journal_seq", "journal_hash", "entry": {…envelope…}}],
     "markers": [{"at", "kind", "label", "source_seq", "session_id"}]}

:func:`verify_export` re-hashes every file, checks its size, recomputes the hash of its journal
entry (docs/platform-api.md §3: the envelope whose ``payload`` names the file's SHA-256) and checks the
chain per camera: each segment's ``prev_segment_sha256`` is the SHA-256 of the segment before it.
It names the first file that fails. (Checking the entries against the hall's own journal, or the
platform's, proves they were not rewritten together with the files: ``--against-journal``.)

**Receipts, offline** (issue 20 must 2): an export also carries ``receipts.json``
(``kiosk.receipts.bundle``): the platform's signed receipts that cover its files' entries and the
journal entries linking each to its receipt. Given the platform's public key,
:func:`verify_export` hashes forward from each file's entry to its receipt: a file replaced and
re-chained (its SHA-256, its entry and every later hash recomputed) no longer ends in the hash the
platform signed, and fails. Files whose entries came after the last receipt are listed as not
covered yet (``ExportCheck.uncovered``): self-consistent, but nothing outside the hall vouches for them.
The segment files of an export are the **plaintext** MP4 (decrypted from the hall's sealed
segments, ``kiosk.sealed``): a court plays them with any player, and their SHA-256 is the one the
journal, the manifest and the receipts name.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.canonical import envelope_hash, payload_hash

FORMAT = "hall-kiosk-recording-export/1"
MANIFEST = "manifest.json"
RECEIPTS = "receipts.json"


@dataclass
class ExportCheck:
    ok: bool = True
    files: int = 0
    bad_file: str | None = None
    problems: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)  #: files a platform receipt covers (signature checked if ``signed``)
    uncovered: list[str] = field(default_factory=list)  #: files no receipt in the export covers yet
    signed: bool = False  #: receipts were checked against the platform's public key
    receipt_seqs: list[int] = field(default_factory=list)

    def fail(self, file: str | None, problem: str) -> None:
        if self.ok and file:
            self.bad_file = file
        self.ok = False
        self.problems.append(f"{file}: {problem}" if file else problem)


def _sha256(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
            n += len(block)
    return h.hexdigest(), n


def read_manifest(directory: Path) -> dict[str, Any]:
    return json.loads((Path(directory) / MANIFEST).read_text("utf-8"))


def read_receipts(directory: Path) -> dict[str, Any] | None:
    path = Path(directory) / RECEIPTS
    if not path.is_file():
        return None
    value = json.loads(path.read_text("utf-8"))
    return value if isinstance(value, dict) else None


def verify_export(directory: Path, platform_key: Any = None) -> ExportCheck:
    """Check an exported clip folder (see the module docstring), offline.

    ``platform_key`` (an Ed25519 public key): also check ``receipts.json`` — the receipts' signatures
    and the chain from every file's entry to its receipt. Without it the receipts are not looked at
    (``signed`` False, every file ``uncovered``).
    """
    check = ExportCheck()
    directory = Path(directory)
    try:
        manifest = read_manifest(directory)
    except (OSError, ValueError) as exc:
        check.fail(MANIFEST, f"unreadable manifest ({type(exc).__name__})")
        return check
    if manifest.get("format") != FORMAT:
        check.fail(MANIFEST, f"unknown format {manifest.get('format')!r}")
        return check
    files = manifest.get("files", [])
    listed = {f["file"] for f in files}
    for extra in sorted(p.name for p in directory.iterdir() if p.suffix == ".mp4" and p.name not in listed):
        check.fail(extra, "file not in the manifest")
    last_by_camera: dict[str, dict[str, Any]] = {}
    for item in sorted(files, key=lambda f: (f["camera"], f["segment_no"])):
        name = item["file"]
        check.files += 1
        path = directory / name
        if not path.is_file():
            check.fail(name, "missing")
            continue
        digest, size = _sha256(path)
        if digest != item["sha256"]:
            check.fail(name, "content changed: SHA-256 does not match")
        if size != item["bytes"]:
            check.fail(name, f"size {size} ≠ {item['bytes']}")
        entry = item.get("entry")
        if not entry:
            check.fail(name, "no journal entry")
        else:
            body = {k: v for k, v in entry.items() if k != "hash"}
            if envelope_hash(body) != entry.get("hash") or entry.get("hash") != item.get("journal_hash"):
                check.fail(name, f"journal entry {entry.get('seq')} does not hash to its hash")
            elif payload_hash(entry["payload"]) != entry.get("payload_hash"):
                check.fail(name, f"journal entry {entry.get('seq')} payload hash wrong")
            p = entry.get("payload", {})
            if p.get("sha256") != item["sha256"] or p.get("bytes") != item["bytes"] or p.get("segment_no") != item["segment_no"]:
                check.fail(name, "the journal entry names another file")
            if p.get("prev_segment_sha256") != item.get("prev_segment_sha256"):
                check.fail(name, "the journal entry has another previous segment")
        prev = last_by_camera.get(item["camera"])
        if prev is not None:
            if item["segment_no"] != prev["segment_no"] + 1:
                check.fail(name, f"segment {prev['segment_no'] + 1} of camera {item['camera']} is missing")
            elif item.get("prev_segment_sha256") != prev["sha256"]:
                check.fail(name, "chain broken: previous segment's SHA-256 differs")
        last_by_camera[item["camera"]] = item
    _receipts(check, directory, manifest, files, platform_key)
    return check


def _receipts(check: ExportCheck, directory: Path, manifest: dict[str, Any], files: list[dict[str, Any]],
              key: Any) -> None:
    from kiosk.receipts import check_bundle

    wanted = [(f["file"], f["entry"]["seq"], f["entry"].get("hash", "")) for f in files
              if isinstance(f.get("entry"), dict) and isinstance(f["entry"].get("seq"), int)]
    if key is None:
        check.uncovered = [w[0] for w in wanted]
        return
    try:
        doc = read_receipts(directory)
    except (OSError, ValueError) as exc:
        check.fail(RECEIPTS, f"unreadable receipts ({type(exc).__name__})")
        return
    cov = check_bundle(doc, str(manifest.get("journal_id")), wanted, key)
    check.signed, check.receipt_seqs = True, cov.receipt_seqs
    check.covered, check.uncovered = cov.covered, cov.uncovered
    for problem in cov.problems:
        check.fail(RECEIPTS, problem)
    for name, why in cov.failed:
        check.fail(name, f"not what the platform acknowledged: {why}")


@dataclass
class JournalAnchor:
    """An export's entries held against the hall's journal and the platform's receipts (issue 20 item 3).

    ``verify_export`` proves an export agrees with itself; someone who replaced a segment and
    recomputed every hash in the manifest passes it. This check does not: each file's entry must be
    the very entry of the hall's journal at that seq, the journal's chain must hold, and the stored
    receipts — signed by the platform's key — must agree with the journal. An entry at or below the
    highest receipted seq was acknowledged by the platform, so nobody in the hall can have changed it
    since; entries above it are reported as not yet receipted.
    """

    ok: bool = True
    matched: int = 0  #: files whose entry is the journal's own
    receipted: int = 0  #: of those, at or below the highest receipted seq (with a verified signature)
    receipt_seq: int | None = None
    signed: bool = False  #: the receipts' signatures were checked against the platform key
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


def check_against_journal(directory: Path, session: Any, journal_id: str, key: Any) -> JournalAnchor:
    """Hold an export's entries against ``session``'s journal and receipts (``key``: the platform's public key or None)."""
    from sqlalchemy import select

    from kiosk import receipts
    from kiosk.db.models import JournalEntry
    from kiosk.journal import verify

    out = JournalAnchor()
    manifest = read_manifest(Path(directory))
    if manifest.get("journal_id") != journal_id:
        out.fail(f"the export is of journal {manifest.get('journal_id')!r}, this hall's is {journal_id!r}")
        return out
    chain = verify(session)
    if not chain.ok:
        out.fail(f"the hall's journal chain breaks at seq {chain.first_bad_seq}: {chain.problem}")
    rc = receipts.check(session, journal_id, key)
    out.signed = rc.checked_signatures
    if not rc.ok:
        out.fail(f"the platform's receipts disagree with the journal at seq {rc.first_bad_seq}")
    top = rc.receipt_seq if rc.ok and chain.ok else None
    out.receipt_seq = top
    for item in manifest.get("files", []):
        entry = item.get("entry") or {}
        seq = entry.get("seq")
        row = session.scalar(select(JournalEntry).where(JournalEntry.seq == seq)) if isinstance(seq, int) else None
        if row is None or row.hash != entry.get("hash"):
            out.fail(f"{item.get('file')}: journal seq {seq} is not the hall's entry")
            continue
        out.matched += 1
        if top is not None and isinstance(seq, int) and seq <= top:
            out.receipted += 1
    return out
