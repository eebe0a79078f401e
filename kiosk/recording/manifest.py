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


@dataclass
class ExportCheck:
    ok: bool = True
    files: int = 0
    bad_file: str | None = None
    problems: list[str] = field(default_factory=list)

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


def verify_export(directory: Path) -> ExportCheck:
    """Check an exported clip folder (see the module docstring)."""
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
    return check
