"""Purging personal data after ``[security] pii_retention_days`` (docs/architecture.md §4).

What is personal here, and what purging does to it:

* **face photos** taken at check-in (``faces/YYYYMMDD/<sha256>.hkenc``, a ``Blob`` each, named in
  ``checkins.face_sha256``): the encrypted file is overwritten and deleted and its ``Blob`` row
  removed, so the uploader no longer offers it; the SHA-256 stays in the check-in row and in the
  journal entry that named it. Every file under ``faces/`` is on this clock, whether a check-in
  still names it or not (a revoked check-in's photo), and so are the **reference photos** the
  platform holds of representatives (``faces/YYYYMMDD/ref-<sha256>.hkenc``, issue 16), counted
  apart as ``references``.
* **representatives' ID numbers** (``pf_representatives.id_enc``) of sessions that started before
  the cut-off: the ciphertext is emptied; the lookup HMAC stays.
* **natural-person bidders' ID numbers** (``pf_registrations.bidder_code_enc``) of those sessions,
  and of **blacklist entries** (``pf_blacklist.body_code_enc``) that expired before the cut-off.
* **names** (issue 20 item 8), on the same clock as the ID numbers: representatives' names
  (``pf_representatives.name``) of those sessions and the names of check-ins
  (``checkins.person_name``) made before the cut-off are cut to their masked form (张*三, what
  every screen and slip shows), so attendance and slips read as before. The ``checkin.recorded``
  journal entries keep the name the platform's record requires (docs/platform-api.md §4): the
  chain cannot be rewritten, and the platform has it anyway.

Face files are found under the running terminal's data dir (``Blob.path`` is relative to it,
``kiosk.blobstore``), so a purge run in a copy of a data dir shreds the copy's files and never the
original's; a stored path that would leave the data dir is refused. The shredder reports the
files it could not find (``PurgePlan.files_missing``, and one log line with their count): already
gone, or taken at another terminal of a shared hall (that terminal's sweep removes them).

A face file not yet uploaded is purged all the same — personal data may not outlive its retention
because a link was down — and the purge entry counts such files (``not_uploaded``) so the admin
sees the loss. One ``pii.purged`` journal entry per run that changed anything: counts, the cut-off,
and the SHA-256s of the deleted photos (hashes, never the data). Runs are idempotent and take the
journal head's lock first, so terminals sharing a PostgreSQL hall may run them at the same time.

**The clock** (issue 20 item 1). The cut-off is "now" on the hall's clock, and the hall's clock is
the machine's corrected by the offset to the platform's (``kiosk.clock.PlatformClock``, stored in
``platform_trust``). The sync client moves that offset only on a verified answer and by at most
``[platform] max_clock_step_s`` per step, but many steps, or a clock alarm (the platform's time and
ours differ by more than the bound: the machine's own clock jumped), would still let a purge
delete what is not due. So every purge records the offset it ran on and the machine's and the
hall's time (``retention_clock``, per terminal: each machine's clock has its own offset), and a
purge whose offset differs from this terminal's last purge's by more than the bound, or that runs
while a clock alarm is raised, is refused with
:class:`ClockMovedError` — nothing is deleted — until an operator confirms the clock
(``hall-kiosk pii purge --confirm-clock``). The refusal is journalled once per offset
(``pii.purge_refused``, numbers only); a confirmed purge journals ``pii.clock_confirmed`` with who
confirmed. Before the first recorded purge the baseline is the machine's clock (offset 0).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from kiosk.blobstore import BlobPathError, resolve
from kiosk.checkin.references import REFERENCE_PREFIX
from kiosk.clock import Clock, PlatformClock
from kiosk.db.models import (
    Blob,
    PfBlacklist,
    PfRegistration,
    PfRepresentative,
    PfSession,
    PlatformTrust,
    RetentionClock,
)
from kiosk.db.models_checkin import Checkin
from kiosk.db.models_staffing import PfSessionStaff
from kiosk.errors import HallError
from kiosk.experts.retention import plan_expert_pii, purge_expert_pii
from kiosk.journal import take_head
from kiosk.pii import mask_name
from kiosk.timeutil import beijing, rfc3339, utcnow

log = logging.getLogger(__name__)


@dataclass
class PurgePlan:
    """What a purge removes (``apply=False``) or removed."""

    cutoff: dt.datetime
    faces: list[str] = field(default_factory=list)  #: SHA-256 of each face photo
    faces_not_uploaded: int = 0
    representatives: int = 0
    bidder_codes: int = 0
    blacklist_codes: int = 0
    representative_names: int = 0  #: representatives' full names cut to the masked form
    checkin_names: int = 0  #: check-ins' full names cut to the masked form
    files_missing: list[str] = field(default_factory=list)  #: SHA-256 of face files the shredder did not find here
    references: list[str] = field(default_factory=list)  #: SHA-256 of the platform's reference photos cached here
    session_staff: int = 0  #: appointees' ID numbers of past sessions (pf_session_staff: ciphertext emptied)
    evaluation_staff: int = 0  #: the same for past evaluation sittings (kiosk.experts.retention)
    experts: int = 0  #: experts no longer active and not seen in the feed since the cut-off (kiosk.experts.retention)
    #: a plan only: the refusal a purge run now would meet (the clock moved since this terminal's last purge)
    clock_refusal: ClockMovedError | None = field(default=None, compare=False)

    @property
    def total(self) -> int:
        return (len(self.faces) + len(self.references) + self.representatives + self.bidder_codes + self.blacklist_codes
                + self.representative_names + self.checkin_names + self.session_staff + self.evaluation_staff + self.experts)

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": rfc3339(self.cutoff), "faces": len(self.faces), "faces_not_uploaded": self.faces_not_uploaded,
                "representatives": self.representatives, "bidder_codes": self.bidder_codes,
                "blacklist_codes": self.blacklist_codes, "representative_names": self.representative_names,
                "checkin_names": self.checkin_names, "references": len(self.references),
                "session_staff": self.session_staff, "evaluation_staff": self.evaluation_staff, "experts": self.experts}


def cutoff_for(now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(days=days)


def _old_sessions(cutoff: dt.datetime) -> Select[Any]:
    return select(PfSession.session_id).where(PfSession.starts_at < cutoff)


def _face_blobs(s: Session, cutoff: dt.datetime) -> list[Blob]:
    """Every face file past the cut-off: check-in photos (named by a check-in, or under ``faces/`` — a
    revoked check-in's photo is no longer named) and the platform's reference photos cached there."""
    faces = select(Checkin.face_sha256).where(Checkin.face_sha256.is_not(None))
    return list(s.scalars(select(Blob).where(or_(Blob.sha256.in_(faces), Blob.path.like("faces/%")),
                                             Blob.created_at < cutoff).order_by(Blob.created_at)))


def _is_reference(blob: Blob) -> bool:
    """A reference photo fetched from the platform (``kiosk.checkin.references``: ``faces/<day>/ref-<sha>.hkenc``)."""
    return blob.path.rsplit("/", 1)[-1].startswith(REFERENCE_PREFIX)


def _rep_filter(cutoff: dt.datetime) -> ColumnElement[bool]:
    regs = select(PfRegistration.registration_id).where(PfRegistration.session_id.in_(_old_sessions(cutoff)))
    return and_(PfRepresentative.registration_id.in_(regs), PfRepresentative.id_enc != b"")


def _staff_filter(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(PfSessionStaff.session_id.in_(_old_sessions(cutoff)), PfSessionStaff.id_enc != b"")


def _reg_filter(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(PfRegistration.session_id.in_(_old_sessions(cutoff)), PfRegistration.bidder_code_enc.is_not(None))


def _blacklist_filter(cutoff: dt.datetime) -> ColumnElement[bool]:
    last_day = beijing(cutoff).date().isoformat()
    return and_(PfBlacklist.body_code_enc.is_not(None), PfBlacklist.valid_until.is_not(None),
                PfBlacklist.valid_until < last_day)


def _full_names(s: Session, model: Any, column: Any, where: Any) -> list[tuple[int, str]]:
    """(id, name) of the rows whose name is not yet its masked form (a masked name always has a ``*``)."""
    rows = s.execute(select(model.id, column).where(where, ~column.contains("*"))).all()
    return [(i, n) for i, n in rows if mask_name(n) != n]


def _rep_names(s: Session, cutoff: dt.datetime) -> list[tuple[int, str]]:
    regs = select(PfRegistration.registration_id).where(PfRegistration.session_id.in_(_old_sessions(cutoff)))
    return _full_names(s, PfRepresentative, PfRepresentative.name, PfRepresentative.registration_id.in_(regs))


def _checkin_names(s: Session, cutoff: dt.datetime) -> list[tuple[int, str]]:
    return _full_names(s, Checkin, Checkin.person_name, Checkin.checked_in_at < cutoff)


def _count(s: Session, model: Any, where: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(where)) or 0)


def _plan(s: Session, now: dt.datetime, days: int) -> tuple[PurgePlan, list[Blob]]:
    cutoff = cutoff_for(now, days)
    experts = plan_expert_pii(s, cutoff)
    blobs = _face_blobs(s, cutoff)
    photos = [b for b in blobs if not _is_reference(b)]
    return PurgePlan(
        cutoff=cutoff, faces=[b.sha256 for b in photos], faces_not_uploaded=sum(1 for b in photos if b.uploaded_at is None),
        references=[b.sha256 for b in blobs if _is_reference(b)],
        representatives=_count(s, PfRepresentative, _rep_filter(cutoff)),
        bidder_codes=_count(s, PfRegistration, _reg_filter(cutoff)),
        blacklist_codes=_count(s, PfBlacklist, _blacklist_filter(cutoff)),
        representative_names=len(_rep_names(s, cutoff)), checkin_names=len(_checkin_names(s, cutoff)),
        session_staff=_count(s, PfSessionStaff, _staff_filter(cutoff)), evaluation_staff=experts["evaluation_staff"],
        experts=experts["experts"],
    ), blobs


def plan(s: Session, now: dt.datetime, days: int) -> PurgePlan:
    """What a purge at ``now`` would remove (reads only)."""
    return _plan(s, now, days)[0]


# --- the clock guard -------------------------------------------------------------------------------

REFUSED_KIND = "pii.purge_refused"
CONFIRMED_KIND = "pii.clock_confirmed"


def _span(seconds: float) -> str:
    """A clock move for people: 400 d 0 h, 2 h 5 min, 42 s."""
    s = abs(seconds)
    sign = "-" if seconds < 0 else "+"
    if s >= 86400:
        return f"{sign}{int(s // 86400)} d {int(s % 86400 // 3600)} h"
    if s >= 3600:
        return f"{sign}{int(s // 3600)} h {int(s % 3600 // 60)} min"
    return f"{sign}{int(s)} s"


class ClockMovedError(HallError):
    """A purge refused: the clock moved by more than ``[platform] max_clock_step_s`` since the last purge.

    Attributes:
        moved_s: offset now − offset at the last purge (seconds).
        bound_s: the bound.
        alarm: the clock alarm raised by the sync client, when that is the reason.
    """

    def __init__(self, moved_s: float, bound_s: float, alarm: str | None = None) -> None:
        self.moved_s, self.bound_s, self.alarm = moved_s, bound_s, alarm
        how = f"{_span(moved_s)}"
        if alarm is not None:
            zh = (f"时钟告警未解除（{alarm}），未清除个人信息；核实时钟后用 pii purge --confirm-clock 确认")
            en = (f"A clock alarm is raised ({alarm}); nothing purged. Check the clock, then confirm with "
                  "pii purge --confirm-clock")
        else:
            zh = (f"自上次清除以来时钟移动了 {how}（超过 {bound_s:.0f} 秒），未清除个人信息；"
                  "核实时钟后用 pii purge --confirm-clock 确认")
            en = (f"The clock moved by {how} since the last purge (more than {bound_s:.0f} s); nothing purged. "
                  "Check the clock, then confirm with pii purge --confirm-clock")
        super().__init__("clock-moved", zh, en)


@dataclass(frozen=True)
class ClockReading:
    """The clock a purge runs on."""

    now: dt.datetime  #: the hall's time: the cut-off is taken from it
    offset_s: float  #: platform − machine, seconds
    wall_at: dt.datetime  #: the machine's clock
    alarm: str | None  #: a clock correction refused by the sync client and not yet cleared


def read_clock(s: Session, clock: Clock, journal_id: str, now: dt.datetime | None = None) -> ClockReading:
    """The offset in effect: a synced :class:`PlatformClock`'s own, else the one stored by the sync client.

    Without ``now``, the hall's time is the machine's plus that offset (so ``pii purge`` from the
    command line purges on the terminals' clock, not the bare machine's).
    """
    trust = s.get(PlatformTrust, journal_id)
    stored = trust.clock_offset_s if trust is not None else 0.0
    live = isinstance(clock, PlatformClock) and clock.synced
    offset = clock.offset_s if isinstance(clock, PlatformClock) and live else stored
    wall = utcnow()
    if now is None:
        now = wall + dt.timedelta(seconds=offset) if isinstance(clock, PlatformClock) else clock.now()
    return ClockReading(now, offset, wall, trust.clock_alarm if trust is not None else None)


def clock_moved(s: Session, journal: Any, reading: ClockReading, bound_s: float) -> ClockMovedError | None:
    """The refusal a purge now would meet on this terminal, or None (reads only)."""
    row = s.get(RetentionClock, (journal.journal_id, journal.terminal_id))
    moved = reading.offset_s - (row.offset_s if row is not None else 0.0)
    if abs(moved) <= bound_s and reading.alarm is None:
        return None
    return ClockMovedError(moved, bound_s, reading.alarm)


def check_clock(s: Session, journal: Any, reading: ClockReading, bound_s: float, *, confirm: bool,
                operator: str) -> ClockMovedError | None:
    """Take the journal head, then compare the clock with the last purge's.

    Returns the refusal (journalled once per offset, committed with the caller's transaction; the
    caller raises it after the commit), or None to go ahead. ``confirm``: an operator checked the
    clock; the move is journalled (``pii.clock_confirmed``) and the purge goes ahead.
    """
    take_head(s)
    refusal = clock_moved(s, journal, reading, bound_s)
    if refusal is None:
        return None
    row = s.get(RetentionClock, (journal.journal_id, journal.terminal_id))
    last = row.offset_s if row is not None else 0.0
    moved = refusal.moved_s
    facts = {"offset_s": round(reading.offset_s), "last_offset_s": round(last), "moved_s": round(moved),
             "bound_s": round(bound_s), "clock_alarm": reading.alarm is not None,
             "last_purge_at": rfc3339(row.clock_at) if row is not None else None}
    if confirm:
        journal.append(s, CONFIRMED_KIND, {**facts, "operator": operator})
        log.warning("personal-data purge: clock move of %+.0f s since the last purge confirmed by %s", moved, operator)
        return None
    if row is None:
        row = RetentionClock(journal_id=journal.journal_id, terminal_id=journal.terminal_id, offset_s=0.0,
                             wall_at=reading.wall_at, clock_at=reading.now)
        s.add(row)
    if row.refused_offset_s is None or abs(row.refused_offset_s - reading.offset_s) > bound_s:
        journal.append(s, REFUSED_KIND, {**facts, "reason": "clock_moved", "operator": operator})
        row.refused_offset_s, row.refused_at = reading.offset_s, reading.wall_at
    s.flush()
    return refusal


def record_clock(s: Session, journal: Any, reading: ClockReading) -> None:
    """The clock this purge ran on: this terminal's next purge is measured against it."""
    row = s.get(RetentionClock, (journal.journal_id, journal.terminal_id))
    if row is None:
        row = RetentionClock(journal_id=journal.journal_id, terminal_id=journal.terminal_id)
        s.add(row)
    row.offset_s, row.wall_at, row.clock_at = reading.offset_s, reading.wall_at, reading.now
    row.refused_offset_s = row.refused_at = None
    s.flush()


@dataclass(frozen=True)
class FaceFile:
    """A face photo to shred once the purge has committed."""

    sha256: str
    path: Path | None  #: under the data dir; None when its stored path would leave it (refused)


def _shred(path: Path) -> bool:
    """Overwrite, then delete: the ciphertext should not linger in free blocks longer than needed.

    Returns False when there was no such file.
    """
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.write(b"\0" * size)
            fh.flush()
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _face_file(data_dir: Path, blob: Blob) -> FaceFile:
    try:
        return FaceFile(blob.sha256, resolve(data_dir, blob.path))
    except BlobPathError:
        return FaceFile(blob.sha256, None)


def purge(s: Session, journal: Any, now: dt.datetime, days: int, *, data_dir: Path,
          operator: str = "system") -> tuple[PurgePlan, list[FaceFile]]:
    """Remove what :func:`plan` names in the caller's transaction and journal ``pii.purged``.

    Returns the plan and the face files (under ``data_dir``) to shred once the transaction has committed
    (:func:`shred`): files go last, so a failed transaction deletes nothing, and a crash between
    the commit and the unlink leaves files no row names, which :func:`sweep_orphan_faces` removes.
    """
    take_head(s)
    p, blobs = _plan(s, now, days)
    if p.total == 0:
        return p, []
    cutoff = p.cutoff
    s.execute(update(PfRepresentative).where(_rep_filter(cutoff)).values(id_enc=b"").execution_options(synchronize_session=False))
    s.execute(update(PfRegistration).where(_reg_filter(cutoff)).values(bidder_code_enc=None)
              .execution_options(synchronize_session=False))
    s.execute(update(PfBlacklist).where(_blacklist_filter(cutoff)).values(body_code_enc=None)
              .execution_options(synchronize_session=False))
    s.execute(update(PfSessionStaff).where(_staff_filter(cutoff)).values(id_enc=b"").execution_options(synchronize_session=False))
    purge_expert_pii(s, cutoff)
    for model, key, names in ((PfRepresentative, "name", _rep_names(s, cutoff)),
                              (Checkin, "person_name", _checkin_names(s, cutoff))):
        if names:
            s.execute(update(model), [{"id": i, key: mask_name(n)} for i, n in names])
    files = [_face_file(data_dir, blob) for blob in blobs]
    for blob in blobs:
        s.delete(blob)
    s.flush()
    journal.append(s, "pii.purged", {**p.as_dict(), "face_sha256": p.faces, "operator": operator,
                                     "retention_days": days})
    return p, files


def shred(files: list[FaceFile]) -> list[str]:
    """Shred each file; returns the SHA-256s of those not found (or refused), and logs their count."""
    missing = [f.sha256 for f in files if f.path is None or not _shred(f.path)]
    if missing:
        # A count only: no path, no hash (they would tie the log to a person's photo).
        log.warning("purge: %d of %d face file(s) not found under this data dir (already gone, or taken at "
                    "another terminal); their rows are removed", len(missing), len(files))
    return missing


def sweep_orphan_faces(s: Session, faces_dir: Path, cutoff: dt.datetime) -> int:
    """Delete face files no ``Blob`` row names (a purge interrupted after its commit).

    Only day folders older than the cut-off are swept: a photo of today may be on disk a moment
    before the check-in that names it commits.
    """
    if not faces_dir.is_dir():
        return 0
    last_day = beijing(cutoff).strftime("%Y%m%d")
    known = {Path(p).name for p in s.scalars(select(Blob.path).where(Blob.path.like("%.hkenc")))}
    removed = 0
    for d in sorted(faces_dir.iterdir()):
        if not d.is_dir() or not d.name.isdigit() or d.name >= last_day:
            continue
        for f in d.glob("*.hkenc"):
            if f.name not in known:
                _shred(f)
                removed += 1
        if not any(d.iterdir()):
            d.rmdir()
    return removed
