"""One hall, one key: the data key in the database, wrapped per terminal (docs/architecture.md §4).

Every terminal of a hall must read what another wrote, so the personal data of a hall is under one
**data key** per database, made by the first terminal to open the hall. The database holds it only
wrapped (AES key wrap, RFC 3394, ``cryptography``'s ``keywrap``) by a **key-encryption key** (KEK)
that each terminal keeps in its own file (``keys/kek.key``, mode 0600, ``Config.kek_path``): one
wrapped copy per terminal (``hall_key_wraps``, ``kiosk/db/models_keys.py``). A terminal whose KEK
wraps no copy is told so (:class:`HallKeyMissing`, in Chinese and English) instead of finding no
registration or failing to decrypt; ``add_terminal`` (``hall-kiosk keys add-terminal``), run on a
terminal that holds the key, wraps it for another terminal's KEK.

* **An old data dir** (before hall keys) has its own random ``keys/pii.key``: the first terminal
  to open the hall imports it as the data key ``k0`` (wrapped for its KEK; the file is left where
  it is), so everything encrypted and indexed before stays readable and findable. A later terminal
  whose ``pii.key`` is that same key (the check value says so) takes it up by itself.
* **Key ids**: ``k0`` (imported), ``k1`` (a new hall's first key), ``k2`` … (each rotation). Every
  ciphertext and every lookup HMAC names its key id (``kiosk/pii.py``).
* **Rotation** (``rotate``, ``hall-kiosk keys rotate``) makes a new data key, wraps it for this
  terminal's KEK and under the key it replaces (so every terminal holding the old key takes the
  new one on its next key refresh, within seconds, and wraps it for its own KEK at its next start), and then
  re-encrypts and re-indexes the hall's rows in batches of ``batch`` rows, each its own short
  transaction that never takes the journal head; a row changed meanwhile is left for the next
  pass. Lookups search under both ids while it runs. Rows that only hold an HMAC (check-ins, queue
  tickets) are re-indexed from the clear ID numbers of the rows that hold one (representatives,
  bidders, blacklist); an HMAC whose ID number was purged cannot be re-indexed and is counted.
  This terminal's encrypted face files are re-encrypted too; files kept in other terminals' data
  dirs stay under the old key, which is therefore kept (``retired``) and not destroyed, until each
  of those terminals runs ``reencrypt_files`` (``hall-kiosk keys files --by ADMIN``).
* The **lookup HMAC** has its own key, derived from the data key (HKDF, ``pii-lookup``); the
  encryption key is derived separately (``pii-encryption``). Neither is the journal secret.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import Engine, bindparam, select, tuple_, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from kiosk import sealed
from kiosk.blobstore import BlobPathError, resolve
from kiosk.db.engine import read_only_session, session_factory
from kiosk.db.models import Blob, Operator, PfBlacklist, PfRegistration, PfRepresentative
from kiosk.db.models_auction import AuctionLot
from kiosk.db.models_checkin import Checkin
from kiosk.db.models_experts import ExpertDraw, PfEvaluationStaff, PfExpert
from kiosk.db.models_keys import HallKey, HallKeyWrap
from kiosk.db.models_queue import QTicket
from kiosk.db.models_staffing import PfSessionStaff, SessionRole
from kiosk.errors import HallError
from kiosk.feeds import (
    CTX_BIDDER,
    CTX_BLACKLIST,
    CTX_EVALUATION_STAFF,
    CTX_EXPERT_ID,
    CTX_EXPERT_MOBILE,
    CTX_EXPERT_NAME,
    CTX_REPRESENTATIVE,
    CTX_STAFF,
)
from kiosk.pii import (
    KEY_BYTES,
    LEGACY_KID,
    KeySet,
    PiiKeyError,
    PiiVault,
    UnknownKeyId,
    kid_of_ciphertext,
    kid_of_hmac,
    load_or_create_key,
)

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.context import HallContext

log = logging.getLogger(__name__)

CURRENT, PREVIOUS, RETIRED = "current", "previous", "retired"
FACE_CONTEXT = b""  # as kiosk.checkin.service writes face files


class HallKeyMissing(HallError):
    """This terminal's KEK wraps no copy of the hall's data key."""

    def __init__(self, kid: str, kek_path: Path, fingerprint: str) -> None:
        super().__init__(
            "hall_key_missing",
            f"本终端没有本厅的数据密钥（{kid}）：请在一台已有该密钥的终端上运行 "
            f"hall-kiosk keys add-terminal --kek-file <本终端的 {kek_path}>（指纹 {fingerprint}），再重新启动本终端。",
            f"this terminal does not hold the hall's data key ({kid}): on a terminal that has it, run "
            f"hall-kiosk keys add-terminal --kek-file <this terminal's {kek_path}> (fingerprint {fingerprint}), "
            "then start this terminal again.",
        )
        self.kid = kid


# --- small pieces --------------------------------------------------------------------------------


def kek_fingerprint(kek: bytes) -> str:
    """A KEK's public name: 16 hex digits of a hash (never the key)."""
    return hashlib.sha256(b"hall-kiosk kek\x00" + kek).hexdigest()[:16]


def kek_label(kek: bytes) -> str:
    return f"kek:{kek_fingerprint(kek)}"


def check_value(data_key: bytes) -> str:
    """Tells whether a key is this key without storing it: an HMAC of a fixed text under it."""
    return hmac.new(data_key, b"hall-kiosk data key check", hashlib.sha256).hexdigest()


def _chain_kek(data_key: bytes) -> bytes:
    """The key a data key wraps its successor with (derived, never the data key itself)."""
    return hmac.new(data_key, b"hall-kiosk key chain", hashlib.sha256).digest()


def load_or_create_kek(path: Path) -> bytes:
    """This terminal's KEK (32 random bytes in base64, mode 0600), made on first use."""
    return load_or_create_key(path)


def write_new_kek(path: Path) -> bytes:
    """A new KEK file at ``path`` (refuses to overwrite one)."""
    path = Path(path)
    if path.exists():
        raise PiiKeyError(f"{path}: already exists")
    return load_or_create_key(path)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _next_kid(kids: Iterable[str]) -> str:
    numbers = [int(k[1:]) for k in kids if k[1:].isdigit()]
    return f"k{max(numbers, default=0) + 1}"


# --- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    keyset: KeySet | None
    signature: tuple[Any, ...]
    missing: str | None  #: the current kid when this terminal does not hold it


def _read(s: Session, kek: bytes, legacy: bytes | None) -> tuple[dict[str, bytes], list[tuple[str, str]], list[str], tuple[Any, ...]]:
    """The keys this terminal can unwrap, every (kid, state), the kids it took up without a wrap of its own."""
    rows = list(s.scalars(select(HallKey).order_by(HallKey.kid)))
    keys = [(k.kid, k.state) for k in rows]
    wraps = list(s.scalars(select(HallKeyWrap)))
    mine = kek_label(kek)
    held: dict[str, bytes] = {}
    for w in wraps:
        if w.wrapped_by == mine:
            try:
                held[w.kid] = aes_key_unwrap(kek, w.wrapped)
            except InvalidUnwrap:
                log.error("hall key %s: the wrap for this terminal's KEK does not unwrap", w.kid)
    taken: list[str] = []
    changed = True
    while changed:  # follow the rotation chain: a key wrapped by a key held
        changed = False
        for w in wraps:
            if w.wrapped_by.startswith("key:") and w.kid not in held and w.wrapped_by[4:] in held:
                try:
                    held[w.kid] = aes_key_unwrap(_chain_kek(held[w.wrapped_by[4:]]), w.wrapped)
                except InvalidUnwrap:
                    continue
                taken.append(w.kid)
                changed = True
    if legacy is not None:
        cv = check_value(legacy)
        for k in rows:
            if k.kid not in held and k.check_value == cv:
                held[k.kid] = legacy
                taken.append(k.kid)
    signature = (tuple(keys), tuple(sorted((w.kid, w.wrapped_by) for w in wraps)))
    return held, keys, taken, signature


def _keyset(held: dict[str, bytes], keys: list[tuple[str, str]]) -> tuple[KeySet | None, str | None]:
    current = next((kid for kid, state in keys if state == CURRENT), None)
    if current is None:
        return None, None
    if current not in held:
        return None, current
    lookup = (current, *(kid for kid, state in keys if state == PREVIOUS and kid in held))
    return KeySet(dict(held), current, lookup), None


def _wrap_rows(kids: Iterable[str], held: dict[str, bytes], kek: bytes, terminal_id: str) -> list[HallKeyWrap]:
    return [HallKeyWrap(kid=kid, wrapped_by=kek_label(kek), terminal_id=terminal_id,
                        wrapped=aes_key_wrap(kek, held[kid]), created_at=_now()) for kid in kids]


def _add_quietly(engine: Engine, rows: list[Any]) -> None:
    """Insert rows, each on its own; one another terminal inserted first is fine."""
    for row in rows:
        try:
            with session_factory(engine).begin() as s:
                s.add(row)
        except IntegrityError:
            pass


class _Source:
    """Reads this terminal's key set from the database (the vault's ``refresh``)."""

    def __init__(self, engine: Engine, kek: bytes, terminal_id: str, legacy_path: Path) -> None:
        self.engine = engine
        self.kek = kek
        self.terminal_id = terminal_id
        self.legacy_path = legacy_path
        self.signature: tuple[Any, ...] | None = None

    def _legacy(self) -> bytes | None:
        if not self.legacy_path.exists():
            return None
        return load_or_create_key(self.legacy_path, create=False)

    def load(self, *, enrol: bool = False) -> _Loaded:
        """Read the key set; with ``enrol``, wrap what it took up for its own KEK (no longer needing the
        rotation chain or the old file). Only at start: a refresh may run inside a caller's write
        transaction, and on SQLite a second writer there would wait for it for ever."""
        with read_only_session(self.engine) as s:
            held, keys, taken, signature = _read(s, self.kek, self._legacy())
        if taken and enrol:
            _add_quietly(self.engine, _wrap_rows(taken, held, self.kek, self.terminal_id))
        keyset, missing = _keyset(held, keys)
        return _Loaded(keyset, signature, missing)

    def refresh(self) -> KeySet | None:
        """A newer key set, or None when nothing changed (or the database does not answer now)."""
        try:
            with read_only_session(self.engine) as s:
                keys = [(k.kid, k.state) for k in s.scalars(select(HallKey).order_by(HallKey.kid))]
                wraps = sorted((w.kid, w.wrapped_by) for w in s.scalars(select(HallKeyWrap)))
            if (tuple(keys), tuple(wraps)) == self.signature:
                return None
            loaded = self.load()
        except (SQLAlchemyError, PiiKeyError):
            return None  # the next refresh tries again; the key set in hand stays valid
        self.signature = loaded.signature
        return loaded.keyset


def open_vault(config: Config, engine: Engine) -> PiiVault:
    """This terminal's vault over the hall's data keys, creating the hall's key when it has none.

    Raises:
        HallKeyMissing: the hall has a data key and this terminal's KEK wraps no copy of it.
        PiiKeyError: the KEK file (or an old ``pii.key``) is damaged or too open.
    """
    kek = load_or_create_kek(config.kek_path)
    terminal = config.site.terminal_id
    source = _Source(engine, kek, terminal, config.key_path)
    for _attempt in range(3):
        loaded = source.load(enrol=True)
        if loaded.keyset is not None:
            source.signature = loaded.signature
            return PiiVault(keyset=loaded.keyset, refresh=source.refresh)
        if loaded.missing is not None:
            raise HallKeyMissing(loaded.missing, config.kek_path, kek_fingerprint(kek))
        _create_first_key(engine, kek, terminal, source._legacy())
    raise RuntimeError("the hall's data key could not be created")  # pragma: no cover - three races lost


def _create_first_key(engine: Engine, kek: bytes, terminal: str, legacy: bytes | None) -> None:
    """The hall's first data key: an old ``pii.key`` (as ``k0``) or a new random one (``k1``)."""
    kid, key = (LEGACY_KID, legacy) if legacy is not None else ("k1", os.urandom(KEY_BYTES))
    try:
        with session_factory(engine).begin() as s:
            if s.scalars(select(HallKey).limit(1)).first() is not None:
                return  # another terminal made it first
            s.add(HallKey(kid=kid, state=CURRENT, check_value=check_value(key), created_at=_now(), created_by=terminal))
            s.flush()
            s.add_all(_wrap_rows([kid], {kid: key}, kek, terminal))
    except IntegrityError:
        return  # made at the same moment by another terminal: the caller reads theirs
    log.info("hall data key %s %s for this database", kid, "imported from keys/pii.key" if legacy else "created")


# --- add-terminal --------------------------------------------------------------------------------


def add_terminal(hall: HallContext, engine: Engine, kek: bytes, terminal_id: str) -> list[str]:
    """Wrap every key this terminal holds (and the hall still uses) for another terminal's KEK.

    Journalled as ``keys.terminal_added`` (key ids, the KEK's fingerprint and the terminal named).
    Returns the key ids wrapped (none when that KEK already had them all).
    """
    keyset = hall.vault.keyset
    label = kek_label(kek)
    with read_only_session(engine) as s:
        states = {k.kid: k.state for k in s.scalars(select(HallKey))}
        have = {w.kid for w in s.scalars(select(HallKeyWrap).where(HallKeyWrap.wrapped_by == label))}
    kids = [kid for kid in sorted(keyset.keys) if kid in states and kid not in have]
    if not kids:
        return []
    with hall.unit() as s:
        s.add_all(_wrap_rows(kids, dict(keyset.keys), kek, terminal_id))
        s.flush()
        hall.journal.append(s, "keys.terminal_added", {
            "kids": kids, "kek": kek_fingerprint(kek), "terminal_id": terminal_id, "by": hall.config.site.terminal_id})
    return kids


# --- status --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A place that holds personal data under a key: an HMAC or a ciphertext column."""

    name: str
    model: Any
    attr: str
    kind: str  #: hmac or enc


COLUMNS = (
    Column("pf_representatives.id_hmac", PfRepresentative, "id_hmac", "hmac"),
    Column("pf_representatives.id_enc", PfRepresentative, "id_enc", "enc"),
    Column("pf_registrations.bidder_code_hmac", PfRegistration, "bidder_code_hmac", "hmac"),
    Column("pf_registrations.bidder_code_enc", PfRegistration, "bidder_code_enc", "enc"),
    Column("pf_blacklist.body_code_hmac", PfBlacklist, "body_code_hmac", "hmac"),
    Column("pf_blacklist.body_code_enc", PfBlacklist, "body_code_enc", "enc"),
    Column("auction_lots.reserve_enc", AuctionLot, "reserve_enc", "enc"),
    Column("checkins.person_hmac", Checkin, "person_hmac", "hmac"),
    Column("q_tickets.person_hmac", QTicket, "person_hmac", "hmac"),
    Column("pf_session_staff.id_hmac", PfSessionStaff, "id_hmac", "hmac"),
    Column("pf_session_staff.id_enc", PfSessionStaff, "id_enc", "enc"),
    Column("session_roles.person_hmac", SessionRole, "person_hmac", "hmac"),
    Column("operators.person_hmac", Operator, "person_hmac", "hmac"),
    Column("pf_experts.id_hmac", PfExpert, "id_hmac", "hmac"),
    Column("pf_experts.id_enc", PfExpert, "id_enc", "enc"),
    Column("pf_experts.mobile_hmac", PfExpert, "mobile_hmac", "hmac"),
    Column("pf_experts.mobile_enc", PfExpert, "mobile_enc", "enc"),
    Column("pf_experts.name_enc", PfExpert, "name_enc", "enc"),
    Column("pf_evaluation_staff.id_hmac", PfEvaluationStaff, "id_hmac", "hmac"),
    Column("pf_evaluation_staff.id_enc", PfEvaluationStaff, "id_enc", "enc"),
    Column("expert_draws.seed_enc", ExpertDraw, "seed_enc", "enc"),
)


@dataclass
class KeyInfo:
    kid: str
    state: str
    created_at: dt.datetime
    created_by: str
    holders: list[str] = field(default_factory=list)  #: terminal (fingerprint) per KEK wrap; "key:kN" for a chain
    rows: dict[str, int] = field(default_factory=dict)  #: per column, rows under this key
    files: int = 0  #: encrypted files under this key in this terminal's data dir

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {"kid": self.kid, "state": self.state, "created_at": self.created_at.isoformat(),
                "created_by": self.created_by, "holders": self.holders, "rows": self.rows, "rows_total": self.total,
                "files_here": self.files}


def _kid_of(col: Column, value: Any) -> str | None:
    if value is None:
        return None
    return kid_of_hmac(value) if col.kind == "hmac" else kid_of_ciphertext(bytes(value))


def usage(s: Session) -> dict[str, dict[str, int]]:
    """Rows per key id per column (an empty or purged value counts under no key)."""
    out: dict[str, dict[str, int]] = {}
    for col in COLUMNS:
        attr = getattr(col.model, col.attr)
        for (value,) in s.execute(select(attr).where(attr.is_not(None))).yield_per(2000):
            kid = _kid_of(col, value)
            if kid is not None:
                out.setdefault(kid, {}).setdefault(col.name, 0)
                out[kid][col.name] += 1
    return out


def _local_files(s: Session, data_dir: Path) -> Iterable[tuple[Blob, Path]]:
    for blob in s.scalars(select(Blob).where(Blob.encrypted.is_(True))):
        try:
            path = resolve(data_dir, blob.path)
        except BlobPathError:
            continue
        if path.is_file():
            yield blob, path


def _file_kid(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(512)
    return sealed.kid_of(head) if sealed.is_sealed(head) else kid_of_ciphertext(head)


def status(engine: Engine, data_dir: Path | None = None) -> list[KeyInfo]:
    """The hall's keys: state, who holds each, how many rows (and files here) use it."""
    with read_only_session(engine) as s:
        infos = {k.kid: KeyInfo(k.kid, k.state, k.created_at, k.created_by) for k in s.scalars(select(HallKey).order_by(HallKey.kid))}
        for w in s.scalars(select(HallKeyWrap).order_by(HallKeyWrap.kid, HallKeyWrap.created_at)):
            if w.kid in infos:
                infos[w.kid].holders.append(w.wrapped_by if w.wrapped_by.startswith("key:")
                                            else f"{w.terminal_id or '?'} ({w.wrapped_by})")
        for kid, cols in usage(s).items():
            infos.setdefault(kid, KeyInfo(kid, "unknown", dt.datetime.min.replace(tzinfo=dt.UTC), "?")).rows = cols
        if data_dir is not None:
            for _blob, path in _local_files(s, data_dir):
                file_kid = _file_kid(path)
                if file_kid is not None and file_kid in infos:
                    infos[file_kid].files += 1
    return list(infos.values())


# --- rotation ------------------------------------------------------------------------------------


@dataclass
class RotationReport:
    new_kid: str
    old_kids: tuple[str, ...]
    rows: int = 0  #: rows re-encrypted or re-indexed
    files: int = 0  #: face files here re-encrypted
    batches: int = 0
    passes: int = 0
    stranded: dict[str, int] = field(default_factory=dict)  #: column → HMACs left under an old key (ID number purged)
    left: dict[str, int] = field(default_factory=dict)  #: column → rows still under an old key at the end

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_PLAIN = (
    # model, pk attr, hmac attr, enc attr, context of the ciphertext
    (PfRepresentative, "id", "id_hmac", "id_enc", lambda _r: CTX_REPRESENTATIVE),
    (PfRegistration, "registration_id", "bidder_code_hmac", "bidder_code_enc", lambda _r: CTX_BIDDER),
    (PfBlacklist, "blacklist_code", "body_code_hmac", "body_code_enc", lambda _r: CTX_BLACKLIST),
    (PfSessionStaff, "id", "id_hmac", "id_enc", lambda _r: CTX_STAFF),
    (PfExpert, "expert_id", "id_hmac", "id_enc", lambda _r: CTX_EXPERT_ID),
    (PfExpert, "expert_id", "mobile_hmac", "mobile_enc", lambda _r: CTX_EXPERT_MOBILE),
    (PfExpert, "expert_id", None, "name_enc", lambda _r: CTX_EXPERT_NAME),
    (PfEvaluationStaff, "id", "id_hmac", "id_enc", lambda _r: CTX_EVALUATION_STAFF),
    (ExpertDraw, "id", None, "seed_enc", lambda _r: b"expert_draws.seed"),
    (AuctionLot, ("session_id", "lot_code"), None, "reserve_enc",
     lambda r: f"auction-reserve/{r.session_id}/{r.lot_code}".encode()),
)
_HMAC_ONLY = ((Checkin, "id", "person_hmac"), (QTicket, "id", "person_hmac"), (SessionRole, "id", "person_hmac"),
              (Operator, "id", "person_hmac"))


def _pk(model: Any, pk: str | tuple[str, ...], row: Any) -> dict[str, Any]:
    names = (pk,) if isinstance(pk, str) else pk
    return {n: getattr(row, n) for n in names}


def rotate(hall: HallContext, engine: Engine, *, batch: int = 200, settle_s: float | None = None,
           on_batch: Callable[[RotationReport], None] | None = None, sleep: Callable[[float], None] | None = None) -> RotationReport:
    """Make a new data key and move every row (and this terminal's face files) onto it.

    When a rotation was interrupted (a key is still ``previous``), this finishes it onto the current
    key instead of making another.

    Check-ins and lookups go on meanwhile: each batch is one short transaction of its own that never
    takes the journal head, and a row that changed between read and write is retried in the next
    pass. ``settle_s`` (default: twice the vault's refresh interval) is waited after the switch, so
    other terminals write under the new key before the last pass. ``on_batch`` is called after
    each batch (progress; tests use it to check lookups mid-rotation).
    """
    vault = hall.vault
    vault.refresh(force=True)
    old_set = vault.keyset
    with session_factory(engine).begin() as s:
        keys = list(s.scalars(select(HallKey).with_for_update()))
        resume = [k.kid for k in keys if k.state == PREVIOUS]
        if resume:  # a rotation was interrupted: finish it onto the current key, make no new one
            new_kid = next(k.kid for k in keys if k.state == CURRENT)
            old_kids = tuple(resume)
        else:
            new_kid = _next_kid(k.kid for k in keys)
            old_kids = tuple(k.kid for k in keys if k.state == CURRENT)
        needed = (*old_kids, new_kid) if resume else old_kids  # a new key does not exist yet
        missing = [kid for kid in needed if kid not in old_set.keys]
        if missing:
            raise HallError("hall_key_missing", f"本终端没有密钥 {', '.join(missing)}，不能轮换。",
                            f"this terminal does not hold key(s) {', '.join(missing)}: it cannot rotate")
        if not resume:
            new_key = os.urandom(KEY_BYTES)
            for k in keys:
                if k.state == CURRENT:
                    k.state = PREVIOUS
            s.add(HallKey(kid=new_kid, state=CURRENT, check_value=check_value(new_key), created_at=_now(),
                          created_by=hall.config.site.terminal_id))
            s.flush()
            kek = load_or_create_kek(hall.config.kek_path)
            s.add_all(_wrap_rows([new_kid], {new_kid: new_key}, kek, hall.config.site.terminal_id))
            s.add_all(HallKeyWrap(kid=new_kid, wrapped_by=f"key:{kid}", terminal_id=None,
                                  wrapped=aes_key_wrap(_chain_kek(old_set.keys[kid]), new_key), created_at=_now())
                      for kid in old_kids)
    vault.refresh(force=True)
    if vault.current_kid != new_kid:
        raise RuntimeError("the vault did not take the new key")  # pragma: no cover - defensive
    report = RotationReport(new_kid, old_kids)
    wait = settle_s if settle_s is not None else 2 * vault._refresh_s
    (sleep or time.sleep)(wait)
    for _ in range(4):
        report.passes += 1
        if _pass(hall, engine, vault, new_kid, batch, report, on_batch) == 0:
            break
    with read_only_session(engine) as s:
        counts = usage(s)
    report.left = {col: n for kid in old_kids for col, n in counts.get(kid, {}).items()}
    report.stranded = {c: n for c, n in report.left.items() if c.endswith("hmac")}
    enc_left = {c: n for c, n in report.left.items() if not c.endswith("hmac")}
    if not enc_left:  # every ciphertext moved: the old keys are searched no more
        with session_factory(engine).begin() as s:
            s.execute(update(HallKey).where(HallKey.kid.in_(old_kids)).values(state=RETIRED))
        vault.refresh(force=True)
    with hall.unit() as s:
        hall.journal.append(s, "keys.rotated", {
            "from": list(old_kids), "to": new_kid, "rows": report.rows, "files": report.files,
            "left": sum(report.left.values()), "by": hall.config.site.terminal_id})
    return report


def _pass(hall: HallContext, engine: Engine, vault: PiiVault, new_kid: str, batch: int, report: RotationReport,
          on_batch: Callable[[RotationReport], None] | None) -> int:
    """One pass over every column; the rows it moved."""
    moved = 0
    index: dict[str, str] = {}  # an HMAC under an old key → the same ID number's under the new one
    for model, pk, hmac_attr, enc_attr, ctx in _PLAIN:
        order = [getattr(model, n) for n in ((pk,) if isinstance(pk, str) else pk)]
        after: tuple[Any, ...] | None = None
        while True:
            with read_only_session(engine) as s:
                q = select(model).order_by(*order).limit(batch)
                if after is not None:
                    q = q.where(tuple_(*order) > tuple_(*after)) if len(order) > 1 else q.where(order[0] > after[0])
                rows = list(s.scalars(q))
                s.expunge_all()
            if not rows:
                break
            after = tuple(getattr(rows[-1], c.key) for c in order)
            changes: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
            for r in rows:
                enc = getattr(r, enc_attr)
                if not enc:
                    continue  # purged, or none
                try:
                    clear = vault.decrypt_str(bytes(enc), context=ctx(r))
                except (UnknownKeyId, ValueError) as exc:
                    log.error("rotation: %s row not readable (%s)", model.__tablename__, type(exc).__name__)
                    continue
                values: dict[str, Any] = {}
                if kid_of_ciphertext(bytes(enc)) != new_kid:
                    values[enc_attr] = vault.encrypt_with(new_kid, clear, context=ctx(r))
                if hmac_attr is not None:
                    new_h = vault.hmac_with(new_kid, clear)
                    for kid in vault.keyset.keys:
                        if kid != new_kid:
                            index[vault.hmac_with(kid, clear)] = new_h
                    if getattr(r, hmac_attr) != new_h:
                        values[hmac_attr] = new_h
                if values:
                    expect = {enc_attr: enc} | ({hmac_attr: getattr(r, hmac_attr)} if hmac_attr else {})
                    changes.append((_pk(model, pk, r), expect, values))
            moved += _apply(engine, model, changes, report, on_batch)
    for only_model, pk_name, attr in _HMAC_ONLY:
        column = getattr(only_model, attr)
        pk_col = getattr(only_model, pk_name)
        after_id: Any = None
        while True:
            with read_only_session(engine) as s:
                q2 = select(pk_col, column).where(column.is_not(None)).order_by(pk_col).limit(batch)
                if after_id is not None:
                    q2 = q2.where(pk_col > after_id)
                rows2 = s.execute(q2).all()
            if not rows2:
                break
            after_id = rows2[-1][0]
            changes = [({pk_name: rid}, {attr: h}, {attr: index[h]}) for rid, h in rows2
                       if kid_of_hmac(h) != new_kid and h in index]
            moved += _apply(engine, only_model, changes, report, on_batch)
    moved += _files(hall, engine, vault, new_kid, report)
    return moved


def _apply(engine: Engine, model: Any, changes: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]],
           report: RotationReport, on_batch: Callable[[RotationReport], None] | None) -> int:
    """One batch in one short transaction; a row changed since it was read is left for the next pass."""
    if not changes:
        return 0
    table = model.__table__
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[dict[str, Any]]] = {}
    for key, expect, values in changes:  # one executemany per shape: the writer lock is held for ms, not per row
        where = {**key, **expect}
        groups.setdefault((tuple(where), tuple(values)), []).append(
            {**{f"w_{k}": v for k, v in where.items()}, **{f"v_{k}": v for k, v in values.items()}})
    done = 0
    with session_factory(engine).begin() as s:
        conn = s.connection()
        for (where_cols, value_cols), params in groups.items():
            stmt = (update(table).where(*(table.c[c] == bindparam(f"w_{c}") for c in where_cols))
                    .values({c: bindparam(f"v_{c}") for c in value_cols}))
            count = conn.execute(stmt, params).rowcount
            done += count if count is not None and count >= 0 else len(params)
    report.rows += done
    report.batches += 1
    if on_batch is not None:
        on_batch(report)
    return done


def _files(hall: HallContext, engine: Engine, vault: PiiVault, new_kid: str, report: RotationReport) -> int:
    """This terminal's encrypted files, re-encrypted in place (written beside, then renamed over)."""
    data_dir = Path(hall.config.data_dir)
    with read_only_session(engine) as s:
        found = [(b.sha256, path) for b, path in _local_files(s, data_dir)]
    moved = 0
    for sha, path in found:
        if _file_kid(path) == new_kid:
            continue
        raw = path.read_bytes()
        data = vault.decrypt(raw, context=FACE_CONTEXT)  # a sealed segment (kiosk.sealed) too
        if hashlib.sha256(data).hexdigest() != sha:
            continue  # not what the row names: leave it for verify to find
        tmp = path.with_name(path.name + ".rekey")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(sealed.seal(vault, data, kid=new_kid) if sealed.is_sealed(raw)
                     else vault.encrypt_with(new_kid, data, context=FACE_CONTEXT))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        moved += 1
    report.files += moved
    return moved


def reencrypt_files(hall: HallContext, engine: Engine, *, by: str) -> RotationReport:
    """Re-encrypt the encrypted files in this terminal's data dir that are not under the current key.

    A rotation re-encrypts only the files of the terminal it runs on; every other terminal of the
    hall runs this (``hall-kiosk keys files --by ADMIN``) to move its own face photos onto the new key.
    Journalled ``keys.files_reencrypted`` (the key, the count, this terminal, ``by``: the admin).
    """
    vault = hall.vault
    vault.refresh(force=True)
    current = vault.current_kid
    report = RotationReport(current, tuple(k for k in vault.keyset.keys if k != current))
    _files(hall, engine, vault, current, report)
    with hall.unit() as s:
        hall.journal.append(s, "keys.files_reencrypted", {
            "to": current, "files": report.files, "terminal": hall.config.site.terminal_id, "by": by})
    return report


def read_kek_file(path: Path) -> bytes:
    """Another terminal's KEK handed over as a file (base64 of 32 bytes)."""
    raw = Path(path).read_bytes().strip()
    try:
        kek = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise PiiKeyError(f"{path}: not a base64 key") from exc
    if len(kek) != KEY_BYTES:
        raise PiiKeyError(f"{path}: key must be {KEY_BYTES} bytes, is {len(kek)}")
    return kek
