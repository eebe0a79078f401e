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
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.canonical import canonical
from kiosk.db.models import JournalEntry, Receipt
from kiosk.timeutil import utcnow

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
