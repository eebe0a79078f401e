"""Platform receipts: what anchors the journal against someone who can rewrite the database (issue 20).

A receipt (docs/platform-api.md §7.5) says, signed with the platform's Ed25519 key, that the
journal ``journal_id`` up to ``seq`` ended in ``hash`` when the platform received it. The hash chain
alone proves nothing against an insider who edits an entry and re-chains everything after it
(``kiosk.journal.verify`` then passes); the receipt does, because the re-chained entry at the
receipted ``seq`` no longer ends in the acknowledged ``hash``, and nobody without the platform's
private key can sign a receipt that says otherwise.

* :func:`parse_receipt` checks a receipt's shape; :func:`signed_bytes` is the RFC 8785 form of it
  without ``sig``; :func:`verify_receipt` checks ``sig``; :func:`sign_receipt` makes one (the sandbox).
* :func:`store` keeps one in the caller's transaction (the push's, ``sync.push``).
* :func:`check` walks the stored receipts against the journal and the key and names the first
  receipted entry whose hash differs from what the platform acknowledged.
* :func:`bundle` is what an export carries (``receipts.json`` beside ``manifest.json``): the receipts
  that cover its entries and the journal entries that link each to its receipt; :func:`check_bundle`
  checks those **offline** (no database: the export and the platform's public key) and says which
  parts no receipt covers yet.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.canonical import canonical, envelope_hash, payload_hash
from kiosk.db.models import JournalEntry, Receipt
from kiosk.timeutil import rfc3339, utcnow

MEMBERS: dict[str, type] = {"journal_id": str, "seq": int, "hash": str, "received_at": str, "keyid": str, "sig": str}
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ReceiptError(ValueError):
    """A receipt of the wrong shape."""


def parse_receipt(value: Any) -> dict[str, Any]:
    """The receipt's members (exactly those of §7.5), or ``ReceiptError``."""
    if not isinstance(value, dict):
        raise ReceiptError("the receipt is not a JSON object")
    out: dict[str, Any] = {}
    for name, typ in MEMBERS.items():
        v = value.get(name)
        if not isinstance(v, typ) or isinstance(v, bool):
            raise ReceiptError(f"receipt member {name} is missing or not a {typ.__name__}")
        out[name] = v
    if out["seq"] < 1 or not _HEX64.fullmatch(out["hash"]) or len(out["sig"]) > 128:
        raise ReceiptError("receipt seq, hash or sig out of form")
    return out


def signed_bytes(receipt: dict[str, Any]) -> bytes:
    """What ``sig`` signs: the RFC 8785 form of the receipt without ``sig``."""
    return canonical({k: v for k, v in receipt.items() if k != "sig"})


def sign_receipt(receipt: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The receipt with its ``sig`` (the platform's side; the sandbox uses it)."""
    body = {k: v for k, v in receipt.items() if k != "sig"}
    return {**body, "sig": base64.b64encode(key.sign(signed_bytes(body))).decode("ascii")}


def verify_receipt(receipt: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """Whether ``sig`` is the platform's Ed25519 signature over :func:`signed_bytes`."""
    try:
        sig = base64.b64decode(str(receipt.get("sig", "")), validate=True)
        key.verify(sig, signed_bytes(receipt))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def store(session: Session, receipt: dict[str, Any], *, verified: bool) -> bool:
    """Keep a receipt (in the caller's transaction); False when that seq's receipt was already kept."""
    if session.get(Receipt, (receipt["journal_id"], receipt["seq"])) is not None:
        return False
    session.add(Receipt(journal_id=receipt["journal_id"], seq=receipt["seq"], hash=receipt["hash"],
                        received_at=receipt["received_at"], keyid=receipt["keyid"], sig=receipt["sig"],
                        verified=verified, stored_at=utcnow()))
    return True


def latest_seq(session: Session, journal_id: str) -> int | None:
    """The highest receipted seq of the journal, None before the first receipt."""
    return session.scalar(select(func.max(Receipt.seq)).where(Receipt.journal_id == journal_id))


def as_dict(row: Receipt) -> dict[str, Any]:
    """A stored receipt as the platform sent it."""
    return {"journal_id": row.journal_id, "seq": row.seq, "hash": row.hash, "received_at": row.received_at,
            "keyid": row.keyid, "sig": row.sig}


@dataclass(frozen=True)
class ReceiptCheck:
    """What the stored receipts say about the journal.

    ``first_bad_seq`` is the first receipted entry that differs from what the platform
    acknowledged (or whose receipt does not verify); the change lies in ``after_seq + 1 ..
    first_bad_seq`` (the entries since the previous good receipt), so with a receipt per entry
    it names the changed entry itself.
    """

    ok: bool
    receipts: int  #: receipts checked
    receipt_seq: int | None  #: the highest receipted seq
    checked_signatures: bool  #: False without the platform key: only (seq, hash) were compared
    first_bad_seq: int | None = None
    after_seq: int = 0
    problem: str = ""

    def message(self) -> str:
        """One line for an operator, Chinese then English."""
        if self.ok:
            if not self.receipts:
                return "尚无平台回执 no platform receipts yet: the journal is anchored by nothing but its chain"
            how = "" if self.checked_signatures else "（未配置平台公钥，签名未校验 signatures not checked: no platform key）"
            return (f"平台回执一致 receipts agree: {self.receipts} receipt(s), up to seq {self.receipt_seq}{how}")
        span = (f"seq {self.first_bad_seq}" if self.after_seq + 1 >= (self.first_bad_seq or 0)
                else f"seq {self.after_seq + 1}..{self.first_bad_seq}")
        return (f"日志与平台回执不符 journal differs from what the platform acknowledged at seq {self.first_bad_seq} "
                f"(changed within {span}): {self.problem}")


def check(session: Session, journal_id: str, key: Ed25519PublicKey | None) -> ReceiptCheck:
    """Check every stored receipt against the key (when given) and the journal, in seq order."""
    rows = list(session.scalars(select(Receipt).where(Receipt.journal_id == journal_id).order_by(Receipt.seq)))
    top = rows[-1].seq if rows else None
    good = 0
    for row in rows:
        if key is not None and not verify_receipt(as_dict(row), key):
            return ReceiptCheck(False, len(rows), top, True, row.seq, good,
                                f"the receipt of seq {row.seq} is not signed by the platform key")
        entry = session.scalar(select(JournalEntry).where(JournalEntry.seq == row.seq))
        if entry is None:
            return ReceiptCheck(False, len(rows), top, key is not None, row.seq, good,
                                f"the platform acknowledged seq {row.seq}; the journal has no such entry")
        if entry.hash != row.hash:
            return ReceiptCheck(False, len(rows), top, key is not None, row.seq, good,
                                f"seq {row.seq} ends in {entry.hash[:12]}…, the platform acknowledged {row.hash[:12]}…")
        good = row.seq
    return ReceiptCheck(True, len(rows), top, key is not None)


# --- receipts carried by an export (offline verification) ------------------------------------------

BUNDLE_FORMAT = "hall-kiosk-receipts/1"


def envelope(row: JournalEntry) -> dict[str, Any]:
    """A journal entry as the platform received it (docs/platform-api.md §3)."""
    return {
        "record_key": row.record_key, "journal_id": row.journal_id, "seq": row.seq, "terminal_id": row.terminal_id,
        "kind": row.kind, "occurred_at": row.occurred_at, "payload": json.loads(row.payload),
        "payload_hash": row.payload_hash, "prev_hash": row.prev_hash, "hash": row.hash,
    }


def bundle(session: Session, journal_id: str, seqs: Iterable[int]) -> dict[str, Any]:
    """What an exported file needs to be checked against the platform's receipts **offline**.

    For each entry ``seq`` the export names: the first stored receipt at or after it, and the
    journal entries from ``seq`` up to that receipt's seq (the links a verifier hashes forward, from
    the entry that names the file to the hash the platform signed). An entry after the latest
    receipt has none yet (``uncovered``). The links are whole entries — the chain hash covers each
    payload — so they carry what the journal holds between the two (never an ID number: §4).
    """
    wanted = sorted(set(seqs))
    rows = list(session.scalars(select(Receipt).where(Receipt.journal_id == journal_id).order_by(Receipt.seq)))
    tops = [r.seq for r in rows]
    used: dict[int, Receipt] = {}
    need: set[int] = set()
    uncovered: list[int] = []
    for seq in wanted:
        i = bisect.bisect_left(tops, seq)
        if i == len(tops):
            uncovered.append(seq)
            continue
        used[rows[i].seq] = rows[i]
        need.update(range(seq, rows[i].seq + 1))
    entries = [envelope(e) for e in session.scalars(
        select(JournalEntry).where(JournalEntry.seq.in_(sorted(need))).order_by(JournalEntry.seq))] if need else []
    return {"format": BUNDLE_FORMAT, "journal_id": journal_id, "made_at": rfc3339(utcnow()),
            "receipts": [as_dict(used[k]) for k in sorted(used)], "entries": entries, "uncovered_seqs": uncovered}


@dataclass
class Coverage:
    """What a bundle's receipts say about the entries an export names (:func:`check_bundle`).

    ``covered``: labels whose entry leads by an unbroken chain to a receipt (signed by the key when
    one was given); ``uncovered``: labels after the last receipt the bundle carries (or with no
    bundle); ``failed``: (label, why) for entries a receipt covers that do not lead to what the
    platform acknowledged — the file, its entry, or an entry between them was changed afterwards.
    """

    covered: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  #: of the bundle itself (a receipt not signed, a bad link)
    signed: bool = False  #: receipts' signatures were checked against the platform key
    receipt_seqs: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems


def check_bundle(doc: dict[str, Any] | None, journal_id: str, wanted: list[tuple[str, int, str]],
                 key: Ed25519PublicKey | None) -> Coverage:
    """Hold ``wanted`` (label, entry seq, entry hash) against a bundle's receipts, without a database."""
    out = Coverage(signed=key is not None)
    if doc is None:
        out.uncovered = [label for label, _s, _h in wanted]
        return out
    if doc.get("format") != BUNDLE_FORMAT or doc.get("journal_id") != journal_id:
        out.problems.append(f"the receipts are not of this export's journal ({doc.get('journal_id')!r}, "
                            f"format {doc.get('format')!r})")
        out.uncovered = [label for label, _s, _h in wanted]
        return out
    receipts: dict[int, dict[str, Any]] = {}
    for raw in doc.get("receipts") or []:
        try:
            r = parse_receipt(raw)
        except ReceiptError as exc:
            out.problems.append(f"a receipt is malformed: {exc}")
            continue
        if r["journal_id"] != journal_id:
            out.problems.append(f"the receipt of seq {r['seq']} is of journal {r['journal_id']!r}")
        elif key is not None and not verify_receipt(r, key):
            out.problems.append(f"the receipt of seq {r['seq']} is not signed by the platform key")
        else:
            receipts[r["seq"]] = r
    out.receipt_seqs = sorted(receipts)
    entries: dict[int, dict[str, Any]] = {}
    for e in doc.get("entries") or []:
        seq = e.get("seq") if isinstance(e, dict) else None
        if not isinstance(seq, int):
            out.problems.append("a link entry has no seq")
            continue
        body = {k: v for k, v in e.items() if k != "hash"}
        if envelope_hash(body) != e.get("hash") or payload_hash(e.get("payload") or {}) != e.get("payload_hash"):
            out.problems.append(f"link entry seq {seq} does not hash to its hash")
            continue
        entries[seq] = e
    for label, seq, entry_hash in wanted:
        top = next((r for r in out.receipt_seqs if r >= seq), None)
        if top is None:
            out.uncovered.append(label)
            continue
        why = _walk(entries, seq, entry_hash, receipts[top])
        if why:
            out.failed.append((label, why))
        else:
            out.covered.append(label)
    return out


def _walk(entries: dict[int, dict[str, Any]], seq: int, entry_hash: str, receipt: dict[str, Any]) -> str:
    """"" when ``entry_hash`` at ``seq`` chains to the receipt's hash, else why not."""
    own = entries.get(seq)
    if own is not None and own.get("hash") != entry_hash:
        return f"its entry (seq {seq}) is not the one the receipts' chain carries"
    cur = entry_hash
    for k in range(seq + 1, receipt["seq"] + 1):
        link = entries.get(k)
        if link is None:
            return f"the link entry seq {k} towards the receipt of seq {receipt['seq']} is missing"
        if link.get("prev_hash") != cur:
            return (f"the chain from its entry (seq {seq}) breaks at seq {k} on the way to the receipt of seq "
                    f"{receipt['seq']}: the entry was changed after the platform acknowledged it")
        cur = str(link.get("hash"))
    if cur != receipt["hash"]:
        return (f"its entry (seq {seq}) chains to {cur[:12]}… at seq {receipt['seq']}, but the platform "
                f"acknowledged {receipt['hash'][:12]}…: the file or its entry was replaced and re-chained")
    return ""


# --- documents exported as files (the opening's record, …) -------------------------------------------

#: payload members that name a document's SHA-256 (docs/platform-api.md §4)
DOCUMENT_MEMBERS = ("record_sha256", "confirmation_sha256")
DOCUMENT_KINDS = ("opening.record", "auction.result")


def document_entry(session: Session, sha256: str) -> JournalEntry | None:
    """The journal entry whose payload names ``sha256`` as a document: an ``opening.record`` or
    ``auction.result`` if one does, else the first that does."""
    if not _HEX64.fullmatch(sha256):
        return None
    found = [row for row in session.scalars(select(JournalEntry).where(JournalEntry.payload.contains(sha256))
                                            .order_by(JournalEntry.seq))
             if any(json.loads(row.payload).get(m) == sha256 for m in DOCUMENT_MEMBERS)]
    # the record kinds of §4 first (the opening's closing stage names its record too)
    return next((r for r in found if r.kind in DOCUMENT_KINDS), found[0] if found else None)


def document_bundle(session: Session, journal_id: str, sha256: str, file_name: str) -> dict[str, Any] | None:
    """What a document file carries beside it (``<file>.receipts.json``): the entry that names it, its receipts.

    None when no journal entry names the document (a draft, never signed).
    """
    row = document_entry(session, sha256)
    if row is None:
        return None
    doc = bundle(session, journal_id, [row.seq])
    doc["documents"] = [{"file": file_name, "sha256": sha256, "entry": envelope(row)}]
    return doc


@dataclass
class DocumentCheck:
    """:func:`check_document`'s verdict on one document file."""

    ok: bool
    covered: bool  #: a platform receipt covers the entry that names the file
    problems: list[str]
    signed: bool
    receipt_seq: int | None = None


def check_document(data: bytes, file_name: str, doc: dict[str, Any] | None, key: Ed25519PublicKey | None) -> DocumentCheck:
    """Hold a document's bytes against the entry that names it and that entry's receipt, offline."""
    import hashlib

    problems: list[str] = []
    if doc is None:
        return DocumentCheck(False, False, [f"{file_name}: no receipts file beside it"], key is not None)
    item = next((d for d in doc.get("documents") or [] if isinstance(d, dict)), None)
    entry = item.get("entry") if item else None
    if not item or not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
        return DocumentCheck(False, False, [f"{file_name}: the receipts file names no document entry"], key is not None)
    sha = hashlib.sha256(data).hexdigest()
    if sha != item.get("sha256") or not any((entry.get("payload") or {}).get(m) == sha for m in DOCUMENT_MEMBERS):
        problems.append(f"{file_name}: content changed: its SHA-256 is not the one the journal entry names")
    body = {k: v for k, v in entry.items() if k != "hash"}
    if envelope_hash(body) != entry.get("hash") or payload_hash(entry.get("payload") or {}) != entry.get("payload_hash"):
        problems.append(f"{file_name}: journal entry {entry['seq']} does not hash to its hash")
    cov = check_bundle(doc, str(doc.get("journal_id")), [(file_name, entry["seq"], str(entry.get("hash")))], key)
    problems += cov.problems + [f"{label}: not what the platform acknowledged: {why}" for label, why in cov.failed]
    top = next((r for r in cov.receipt_seqs if r >= entry["seq"]), None)
    return DocumentCheck(not problems, bool(cov.covered) and not problems, problems, key is not None, top)
