"""The recording catalogue: segments in a hash chain, markers, holds, retention — session-first.

Every function takes the SQLAlchemy ``Session`` first and works inside the caller's transaction;
every change of state appends its journal entry in that same transaction (docs/architecture.md §3):

* :func:`register_segment` — the ``recording.segment`` entry (docs/platform-api.md §4: ``segment_no`` and
  ``prev_segment_sha256`` continue the (room, camera) chain across sessions and restarts), the
  ``rec_segments`` row and a ``blobs`` row (``video/mp4``) that the sync worker uploads. The journal
  head is locked first, so two processes never take the same ``segment_no``.
* ``recording.started`` / ``recording.stopped`` (room, session, reason, operator),
  ``recording.requested`` (an admin's manual start/stop for the room's recorder to carry out),
  ``recording.gap`` / ``recording.lost`` (a camera gap; an unfinished segment quarantined after a
  kill), ``recording.hold`` (a dispute hold), ``recording.policy`` (a room's retention),
  ``recording.purged`` (files deleted by retention, with their SHA-256s).
* Markers of session events are stored here and reference the source entry's ``seq``; they are not
  journalled a second time.

Segment files live under the data dir (``recordings/<room>/…``) and ``rec_segments.path`` names
them **relative to it** (issue 20 item 5, as ``Blob.path``: :mod:`kiosk.blobstore`). Every function
that touches a file takes the running terminal's ``data_dir`` and resolves the stored path against
it, so retention or an export run in a copy of a data dir works on the copy's files and never
reaches the original's; a stored path that is absolute or climbs out with ``..`` is refused (not
deleted, not exported). :class:`SegmentInfo` carries the resolved path ("" when refused).

Segments are **sealed** at rest (``kiosk.sealed``, issue 20 item 9): their ``sha256`` and ``bytes``
are the plaintext MP4's, so the chain, the journal and an export (plaintext) all name the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kiosk import receipts, sealed
from kiosk.blobstore import BlobPathError, resolve, stored_path
from kiosk.db.models import Blob, JournalEntry, PfSession, Room
from kiosk.db.models_recording import RecCursor, RecHold, RecMarker, RecRoomPolicy, RecSegment
from kiosk.journal import Journal, take_head
from kiosk.recording.manifest import FORMAT, MANIFEST, RECEIPTS
from kiosk.recording.policy import HoldSpan, RetentionPlan, SegmentFacts, plan_retention
from kiosk.timeutil import rfc3339, utcnow

if TYPE_CHECKING:
    from kiosk.pii import PiiVault


class SegmentMismatch(ValueError):
    """A stored segment whose plaintext is not what its catalogue row (and journal entry) names."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name}: the stored segment does not hash to its catalogued SHA-256")
        self.zh = f"{name}：存储的录像片段与目录记录的 SHA-256 不符"


@dataclass(frozen=True)
class SegmentInfo:
    id: int
    room_code: str
    camera: str
    segment_no: int
    session_id: str | None
    path: str  #: the file under the running terminal's data dir ("" when its stored path leaves it)
    started_at: dt.datetime
    ended_at: dt.datetime
    frames: int
    has_audio: bool
    bytes: int
    sha256: str
    prev_sha256: str | None
    journal_seq: int
    uploaded: bool
    deleted: bool

    @property
    def duration_s(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class MarkerInfo:
    id: int
    room_code: str
    session_id: str | None
    at: dt.datetime
    until: dt.datetime | None
    kind: str
    label: str
    camera: str | None
    source_seq: int | None

    @property
    def is_gap(self) -> bool:
        return self.kind in ("recording.gap", "recording.lost")


@dataclass(frozen=True)
class HoldInfo:
    id: int
    room_code: str
    session_id: str | None
    from_at: dt.datetime
    to_at: dt.datetime
    reason: str
    operator: str


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    files: int
    bytes: int
    markers: int
    uncovered: int = 0  #: files whose entries no platform receipt covers yet (receipts.json)


def segment_file(data_dir: Path, stored: str) -> Path | None:
    """The segment file ``stored`` names under ``data_dir``; None when the stored path would leave it."""
    try:
        return resolve(data_dir, stored)
    except BlobPathError:
        return None


def _segment_info(row: RecSegment, uploaded: bool, data_dir: Path) -> SegmentInfo:
    file = segment_file(data_dir, row.path)
    return SegmentInfo(
        row.id, row.room_code, row.camera, row.segment_no, row.session_id, str(file) if file else "", row.started_at,
        row.ended_at,
        row.frames, row.has_audio, row.bytes, row.sha256, row.prev_sha256, row.journal_seq, uploaded,
        row.deleted_at is not None,
    )


def _marker_info(m: RecMarker) -> MarkerInfo:
    return MarkerInfo(m.id, m.room_code, m.session_id, m.at, m.until, m.kind, m.label, m.camera, m.source_seq)


def _epoch(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


# --- segments -----------------------------------------------------------------------------------


def register_segment(
    s: Session,
    journal: Journal,
    *,
    room_code: str,
    camera: str,
    session_id: str | None,
    path: Path,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    frames: int,
    has_audio: bool,
    size: int,
    sha256: str,
    data_dir: Path,
    encrypted: bool = False,
) -> SegmentInfo:
    """Catalogue a closed segment: chain link, ``recording.segment`` entry, blob for upload.

    ``path`` lies under ``data_dir``; the segment row and the blob name it relative to it (``kiosk.blobstore``).
    ``encrypted``: the file is sealed (``kiosk.sealed``); ``size`` and ``sha256`` are then its plaintext's,
    and the blob is marked encrypted (the upload decrypts it, as it does faces).

    Idempotent by SHA-256 (a file registered twice, e.g. by recovery, returns the first row).
    """
    take_head(s)
    existing = s.scalar(select(RecSegment).where(RecSegment.sha256 == sha256))
    if existing is not None:
        return _segment_info(existing, _uploaded(s, sha256), data_dir)
    last = s.scalar(
        select(RecSegment)
        .where(RecSegment.room_code == room_code, RecSegment.camera == camera)
        .order_by(RecSegment.segment_no.desc())
        .limit(1)
    )
    no = last.segment_no + 1 if last else 1
    prev = last.sha256 if last else None
    entry = journal.append(
        s,
        "recording.segment",
        {
            "room_code": room_code, "camera": camera, "session_id": session_id or None, "segment_no": no,
            "started_at": rfc3339(started_at), "ended_at": rfc3339(ended_at), "bytes": size, "sha256": sha256,
            "prev_segment_sha256": prev,
        },
    )
    now = utcnow()
    relative = stored_path(data_dir, path)
    row = RecSegment(
        room_code=room_code, camera=camera, segment_no=no, session_id=session_id or None, path=relative,
        started_at=started_at, ended_at=ended_at, frames=frames, has_audio=has_audio, bytes=size, sha256=sha256,
        prev_sha256=prev, journal_seq=entry.seq, created_at=now,
    )
    s.add(row)
    if s.get(Blob, sha256) is None:
        s.add(Blob(sha256=sha256, path=relative, size=size, media_type="video/mp4", encrypted=encrypted,
                   created_at=now))
    s.flush()
    return _segment_info(row, False, data_dir)


def _uploaded(s: Session, sha256: str) -> bool:
    blob = s.get(Blob, sha256)
    return blob is not None and blob.uploaded_at is not None


def known_paths(s: Session, data_dir: Path) -> set[str]:
    """The segment files the catalogue names, resolved under ``data_dir`` (as ``str``)."""
    return {str(f) for f in (segment_file(data_dir, p) for p in s.scalars(select(RecSegment.path))) if f is not None}


def segments(
    s: Session, *, data_dir: Path, room_code: str | None = None, session_id: str | None = None,
    since: dt.datetime | None = None, until: dt.datetime | None = None, include_deleted: bool = True,
) -> list[SegmentInfo]:
    q = select(RecSegment, Blob.uploaded_at).outerjoin(Blob, Blob.sha256 == RecSegment.sha256)
    if room_code:
        q = q.where(RecSegment.room_code == room_code)
    if session_id:
        q = q.where(RecSegment.session_id == session_id)
    if since is not None:
        q = q.where(RecSegment.ended_at > since)
    if until is not None:
        q = q.where(RecSegment.started_at < until)
    if not include_deleted:
        q = q.where(RecSegment.deleted_at.is_(None))
    rows = s.execute(q.order_by(RecSegment.started_at, RecSegment.camera, RecSegment.segment_no)).all()
    return [_segment_info(r, up is not None, data_dir) for r, up in rows]


def rooms(s: Session) -> list[str]:
    return list(s.scalars(select(RecSegment.room_code).distinct().order_by(RecSegment.room_code)))


# --- markers ------------------------------------------------------------------------------------


def add_marker(
    s: Session, *, room_code: str, session_id: str | None, at: dt.datetime, kind: str, label: str,
    source_seq: int | None = None, camera: str | None = None, until: dt.datetime | None = None,
) -> MarkerInfo:
    """Store a marker; a second marker for the same (room, source seq) returns the first."""
    if source_seq is not None:
        old = s.scalar(select(RecMarker).where(RecMarker.room_code == room_code, RecMarker.source_seq == source_seq))
        if old is not None:
            return _marker_info(old)
    m = RecMarker(room_code=room_code, session_id=session_id, at=at, until=until, kind=kind, label=label,
                  camera=camera, source_seq=source_seq)
    s.add(m)
    s.flush()
    return _marker_info(m)


def note_gap(
    s: Session, journal: Journal, *, room_code: str, camera: str, session_id: str | None,
    from_at: dt.datetime, to_at: dt.datetime, lost: bool = False,
) -> MarkerInfo:
    """A camera gap (``recording.gap``) or a segment lost to a kill (``recording.lost``): journal + marker."""
    kind = "recording.lost" if lost else "recording.gap"
    entry = journal.append(
        s, kind, {"room_code": room_code, "camera": camera, "session_id": session_id, "from": rfc3339(from_at), "to": rfc3339(to_at)}
    )
    secs = max(0.0, (to_at - from_at).total_seconds())
    label = f"{camera} 录像中断 {secs:.0f} 秒" if not lost else f"{camera} 未完成片段丢失（异常退出）"
    return add_marker(s, room_code=room_code, session_id=session_id, at=from_at, until=to_at, kind=kind,
                      label=label, source_seq=entry.seq, camera=camera)


def markers(
    s: Session, *, room_code: str | None = None, session_id: str | None = None,
    since: dt.datetime | None = None, until: dt.datetime | None = None,
) -> list[MarkerInfo]:
    q = select(RecMarker)
    if room_code:
        q = q.where(RecMarker.room_code == room_code)
    if session_id:
        q = q.where(RecMarker.session_id == session_id)
    if since is not None:
        q = q.where(RecMarker.at >= since)
    if until is not None:
        q = q.where(RecMarker.at <= until)
    return [_marker_info(m) for m in s.scalars(q.order_by(RecMarker.at, RecMarker.id))]


def session_room(s: Session, session_id: str) -> str | None:
    return s.scalar(select(PfSession.room_code).where(PfSession.session_id == session_id))


def cursor(s: Session, room_code: str) -> int | None:
    row = s.get(RecCursor, room_code)
    return row.last_seq if row else None


def set_cursor(s: Session, room_code: str, seq: int) -> None:
    row = s.get(RecCursor, room_code)
    if row is None:
        s.add(RecCursor(room_code=room_code, last_seq=seq))
    elif seq > row.last_seq:
        row.last_seq = seq


# --- start / stop ---------------------------------------------------------------------------------


def journal_started(s: Session, journal: Journal, *, room_code: str, session_id: str | None, reason: str,
                    operator: str | None, cameras: list[str]) -> int:
    return journal.append(s, "recording.started", {
        "room_code": room_code, "session_id": session_id, "reason": reason, "operator": operator, "cameras": cameras,
    }).seq


def journal_stopped(s: Session, journal: Journal, *, room_code: str, session_id: str | None, reason: str,
                    operator: str | None) -> int:
    return journal.append(s, "recording.stopped", {
        "room_code": room_code, "session_id": session_id, "reason": reason, "operator": operator,
    }).seq


#: Rooms whose recordings must carry sound: 政府采购货物和服务招标投标管理办法 (财政部令第87号) §39 asks
#: for 录音录像 of the opening that is 清晰可辨; the auction hall records its calls the same way.
MIC_REQUIRED_KINDS = frozenset({"opening", "auction"})


def microphone_order(s: Session, journal: Journal, *, room_code: str, on: bool, reason: str, operator: str) -> int:
    """An admin turns the room's microphone off (with a reason) or back on (``recording.microphone``)."""
    if not on and not reason.strip():
        raise ReasonRequired(ReasonRequired.en)
    return journal.append(s, "recording.microphone", {
        "room_code": room_code, "on": on, "reason": reason.strip(), "operator": operator,
    }).seq


def microphone_on(s: Session, room_code: str) -> tuple[bool, str]:
    """Whether the room records sound now: on unless the latest ``recording.microphone`` order of the
    room turned it off; (state, that order's reason)."""
    rows = s.execute(
        select(JournalEntry.payload).where(JournalEntry.kind == "recording.microphone").order_by(JournalEntry.seq.desc())
        .limit(200)
    ).scalars()
    for payload in rows:
        data = json.loads(payload)
        if data.get("room_code") == room_code:
            return bool(data.get("on")), str(data.get("reason") or "")
    return True, ""


def microphone_required(s: Session, room_code: str) -> bool:
    room = s.get(Room, room_code)
    return room is not None and room.kind in MIC_REQUIRED_KINDS


class ReasonRequired(ValueError):
    """A manual start or stop needs a reason (zh/en)."""

    zh = "手动开始或停止录像必须填写原因。"
    en = "A manual start or stop of recording needs a reason."


def request(s: Session, journal: Journal, *, room_code: str, action: str, reason: str, operator: str,
            session_id: str | None = None) -> int:
    """An admin asks the room's recorder to start or stop (``recording.requested``); returns the seq."""
    if action not in ("start", "stop"):
        raise ValueError("action is start or stop")
    if not reason.strip():
        raise ReasonRequired(ReasonRequired.en)
    return journal.append(s, "recording.requested", {
        "room_code": room_code, "action": action, "reason": reason.strip(), "operator": operator, "session_id": session_id,
    }).seq


def requests_state(s: Session, room_code: str) -> tuple[str | None, str | None]:
    """The latest started/stopped entry of a room: ("started"|"stopped"|None, occurred_at)."""
    rows = s.execute(
        select(JournalEntry.kind, JournalEntry.occurred_at, JournalEntry.payload)
        .where(JournalEntry.kind.in_(("recording.started", "recording.stopped")))
        .order_by(JournalEntry.seq.desc()).limit(200)
    ).all()
    for kind, at, payload in rows:
        if json.loads(payload).get("room_code") == room_code:
            return kind.split(".")[1], at
    return None, None


# --- holds and retention --------------------------------------------------------------------------


def add_hold(s: Session, journal: Journal, *, room_code: str, from_at: dt.datetime, to_at: dt.datetime, reason: str,
             operator: str, session_id: str | None = None) -> HoldInfo:
    """A dispute hold: retention keeps every segment of the room that overlaps the span."""
    if not reason.strip():
        raise ReasonRequired(ReasonRequired.en)
    h = RecHold(room_code=room_code, session_id=session_id, from_at=from_at, to_at=to_at, reason=reason.strip(),
                operator=operator, created_at=utcnow())
    s.add(h)
    s.flush()
    journal.append(s, "recording.hold", {
        "hold_id": h.id, "room_code": room_code, "session_id": session_id, "from": rfc3339(from_at), "to": rfc3339(to_at),
        "reason": h.reason, "operator": operator,
    })
    return HoldInfo(h.id, room_code, session_id, from_at, to_at, h.reason, operator)


def release_hold(s: Session, journal: Journal, hold_id: int, operator: str, reason: str) -> None:
    h = s.get(RecHold, hold_id)
    if h is None or h.released_at is not None:
        raise LookupError(f"no active hold {hold_id}")
    h.released_at = utcnow()
    journal.append(s, "recording.hold_released", {"hold_id": hold_id, "operator": operator, "reason": reason})


def holds(s: Session, room_code: str | None = None) -> list[HoldInfo]:
    q = select(RecHold).where(RecHold.released_at.is_(None))
    if room_code:
        q = q.where(RecHold.room_code == room_code)
    return [HoldInfo(h.id, h.room_code, h.session_id, h.from_at, h.to_at, h.reason, h.operator)
            for h in s.scalars(q.order_by(RecHold.from_at))]


def set_room_retention(s: Session, journal: Journal, room_code: str, days: int, operator: str) -> None:
    if days < 1:
        raise ValueError("retention must be at least one day")
    row = s.get(RecRoomPolicy, room_code)
    if row is None:
        s.add(RecRoomPolicy(room_code=room_code, retention_days=days, updated_at=utcnow()))
    else:
        row.retention_days, row.updated_at = days, utcnow()
    journal.append(s, "recording.policy", {"room_code": room_code, "retention_days": days, "operator": operator})


def plan(s: Session, *, now: dt.datetime, default_days: int, quota_bytes: int | None, by_age: bool = True) -> RetentionPlan:
    rows = s.execute(
        select(RecSegment, Blob.uploaded_at).outerjoin(Blob, Blob.sha256 == RecSegment.sha256)
        .where(RecSegment.deleted_at.is_(None))
    ).all()
    facts = [SegmentFacts(r.id, r.room_code, r.started_at, r.ended_at, r.bytes, up is not None) for r, up in rows]
    room_days = {p.room_code: p.retention_days for p in s.scalars(select(RecRoomPolicy))}
    spans = [HoldSpan(h.room_code, h.from_at, h.to_at) for h in s.scalars(select(RecHold).where(RecHold.released_at.is_(None)))]
    return plan_retention(facts, now=now, default_days=default_days, room_days=room_days, quota_bytes=quota_bytes,
                          holds=spans, by_age=by_age)


def apply_retention(s: Session, journal: Journal, *, now: dt.datetime, default_days: int,
                    quota_bytes: int | None, data_dir: Path, by_age: bool = True) -> tuple[RetentionPlan, list[SegmentInfo]]:
    """Delete what the pure plan allows: the files, their blob rows; the segment rows stay, marked deleted.

    Files are found under ``data_dir`` (the running terminal's): a copy of a data dir deletes its own
    files only; a stored path that would leave it is never unlinked. One ``recording.purged`` entry
    lists the deleted segments' SHA-256s.
    """
    take_head(s)
    p = plan(s, now=now, default_days=default_days, quota_bytes=quota_bytes, by_age=by_age)
    done: list[SegmentInfo] = []
    for seg_id in p.delete:
        row = s.get(RecSegment, seg_id)
        assert row is not None
        file = segment_file(data_dir, row.path)
        if file is not None:
            file.unlink(missing_ok=True)
        row.deleted_at = now
        s.execute(delete(Blob).where(Blob.sha256 == row.sha256, Blob.uploaded_at.is_not(None)))
        done.append(_segment_info(row, True, data_dir))
    if done:
        journal.append(s, "recording.purged", {
            "segments": [{"room_code": d.room_code, "camera": d.camera, "segment_no": d.segment_no, "sha256": d.sha256,
                          "reason": p.reasons[d.id]} for d in done],
            "bytes": sum(d.bytes for d in done),
        })
    return p, done


# --- segments from before sealing -------------------------------------------------------------------


def plain_candidates(s: Session, data_dir: Path, limit: int, skip: set[str] | None = None) -> list[tuple[str, Path]]:
    """(SHA-256, file) of live segments whose blob is not marked encrypted: recorded before sealing."""
    q = (select(RecSegment.sha256, RecSegment.path).join(Blob, Blob.sha256 == RecSegment.sha256)
         .where(RecSegment.deleted_at.is_(None), Blob.encrypted.is_(False)))
    if skip:
        q = q.where(RecSegment.sha256.not_in(sorted(skip)))
    rows = s.execute(q.order_by(RecSegment.id).limit(limit)).all()
    return [(sha, f) for sha, stored in rows if (f := segment_file(data_dir, stored)) is not None]


def seal_file(vault: PiiVault, path: Path, sha256: str) -> bool:
    """Seal a plain segment in place (written beside, fsync'ed, renamed over); False if it is not the catalogued one."""
    data = path.read_bytes()
    if sealed.is_sealed(data):
        return True
    if hashlib.sha256(data).hexdigest() != sha256:
        return False  # not what the journal names: left as it is, for verify to find
    tmp = path.with_name(path.name + ".sealing")
    sealed.write_sealed(vault, data, tmp)
    os.replace(tmp, path)
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    return True


def mark_sealed(s: Session, journal: Journal, shas: list[str], size: int) -> None:
    """Mark the blobs of segments sealed in place encrypted and journal it (``recording.sealed``)."""
    if not shas:
        return
    for blob in s.scalars(select(Blob).where(Blob.sha256.in_(shas))):
        blob.encrypted = True
    journal.append(s, "recording.sealed", {"segments": len(shas), "bytes": size, "sha256": shas})


def stored_bytes(s: Session) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(RecSegment.bytes), 0)).where(RecSegment.deleted_at.is_(None))) or 0)


# --- export ----------------------------------------------------------------------------------------


def export_clip(s: Session, *, room_code: str, from_at: dt.datetime, to_at: dt.datetime, out_dir: Path,
                journal_id: str, data_dir: Path, cameras: list[str] | None = None,
                vault: PiiVault | None = None) -> ExportResult:
    """Write the whole segments overlapping [from, to) as plain MP4, ``manifest.json`` and ``receipts.json``.

    A sealed segment (encrypted at rest) is decrypted with ``vault`` into the export: what a court
    plays, and what the journal's SHA-256 names (checked here; a mismatch stops the export).
    ``receipts.json`` carries the platform's receipts covering the files' entries (manifest.py).

    Raises:
        LookupError: no recording in that range.
        BlobPathError: a segment's stored path leaves the data dir.
        SegmentMismatch: a stored segment is not the one its catalogue row and journal entry name.
        kiosk.sealed.SealedFileError: a sealed segment that does not decrypt here.
    """
    segs = [x for x in segments(s, data_dir=data_dir, room_code=room_code, since=from_at, until=to_at,
                                include_deleted=False)
            if cameras is None or x.camera in cameras]
    if not segs:
        raise LookupError("no recording in that range")
    out_dir.mkdir(parents=True, exist_ok=True)
    seqs = [x.journal_seq for x in segs]
    entries = {e.seq: e for e in s.scalars(select(JournalEntry).where(JournalEntry.seq.in_(seqs)))}
    files: list[dict[str, Any]] = []
    for x in segs:
        if not x.path:
            raise BlobPathError("录像文件路径不在数据目录内", "a segment's file path is not inside the data dir")
        src = Path(x.path)
        name = f"{x.camera}_{x.segment_no:06d}_{src.name}"
        data = src.read_bytes()  # read once: a plain segment may be sealed in place meanwhile (seal_file)
        if sealed.is_sealed(data):
            if vault is None:
                raise sealed.SealedFileError(f"{src.name} is encrypted and no hall key is at hand")
            data = sealed.unseal(vault, data)
            if hashlib.sha256(data).hexdigest() != x.sha256:
                raise SegmentMismatch(src.name)
        fd = os.open(out_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        e = entries[x.journal_seq]
        envelope = receipts.envelope(e)
        files.append({
            "file": name, "camera": x.camera, "segment_no": x.segment_no, "session_id": x.session_id,
            "started_at": rfc3339(x.started_at), "ended_at": rfc3339(x.ended_at), "bytes": x.bytes, "sha256": x.sha256,
            "prev_segment_sha256": x.prev_sha256, "journal_seq": e.seq, "journal_hash": e.hash, "entry": envelope,
        })
    marks = markers(s, room_code=room_code, since=from_at, until=to_at)
    manifest = {
        "format": FORMAT, "room_code": room_code, "from": rfc3339(from_at), "to": rfc3339(to_at),
        "exported_at": rfc3339(utcnow()), "journal_id": journal_id, "files": files,
        "markers": [{"at": rfc3339(m.at), "kind": m.kind, "label": m.label, "source_seq": m.source_seq,
                     "session_id": m.session_id} for m in marks],
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    carried = receipts.bundle(s, journal_id, seqs)
    (out_dir / RECEIPTS).write_text(json.dumps(carried, ensure_ascii=False, indent=1), "utf-8")
    late = set(carried["uncovered_seqs"])
    return ExportResult(out_dir, len(files), sum(x.bytes for x in segs), len(marks),
                        sum(1 for x in segs if x.journal_seq in late))


def epoch_to_utc(t: float) -> dt.datetime:
    return _epoch(t)
