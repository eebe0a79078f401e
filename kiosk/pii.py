"""Personal data: encryption at rest, HMAC lookup, masking, and a log filter (docs/architecture.md §4).

* ``PiiVault`` holds one 32-byte master key from a key file outside the database (created on
  first run, mode 0600). From it, HKDF derives an AES-256-GCM key (``encrypt``/``decrypt``) and an
  HMAC key (``lookup_hmac``) so an ID number can be found without being stored in clear.
* ``person_id_hmac`` is the platform's identifier of a person (docs/platform-api.md §4): HMAC-SHA256 of
  the ID number under the *journal secret*, never the local key.
* ``mask_*`` give what a screen or a slip may show: 张*三, 150102********1234, 138****5678.
* ``RedactingFilter`` rewrites ID numbers in every log record before any handler sees it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
_FORMAT = b"HK1"  # ciphertext format tag: version 1 = AES-256-GCM, 12-byte nonce


class PiiKeyError(RuntimeError):
    """The key file is missing, unreadable, of the wrong size or too open."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hall-kiosk", info=purpose).derive(master)


def load_or_create_key(path: Path) -> bytes:
    """Read the master key, creating it (32 random bytes, mode 0600) on first run.

    Raises:
        PiiKeyError: the file exists but is of the wrong size, or readable by others.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64encode(os.urandom(KEY_BYTES)) + b"\n")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise PiiKeyError(f"{path}: key file is readable by others (chmod 600 it)")
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError as exc:
        raise PiiKeyError(f"{path}: not a base64 key") from exc
    if len(key) != KEY_BYTES:
        raise PiiKeyError(f"{path}: key must be {KEY_BYTES} bytes, is {len(key)}")
    return key


class PiiVault:
    """Encrypts, decrypts and indexes personal data with keys derived from one master key."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise PiiKeyError("master key must be 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"pii-encryption"))
        self._hmac_key = _derive(master_key, b"pii-lookup")

    @classmethod
    def from_key_file(cls, path: Path) -> PiiVault:
        return cls(load_or_create_key(path))

    def encrypt(self, plaintext: str | bytes, *, context: bytes = b"") -> bytes:
        """AES-GCM with a random nonce; ``context`` is bound as associated data."""
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = os.urandom(12)
        return _FORMAT + nonce + self._aead.encrypt(nonce, data, context)

    def decrypt(self, blob: bytes, *, context: bytes = b"") -> bytes:
        if not blob.startswith(_FORMAT):
            raise ValueError("not a Hall Kiosk ciphertext")
        nonce, body = blob[3:15], blob[15:]
        return self._aead.decrypt(nonce, body, context)

    def decrypt_str(self, blob: bytes, *, context: bytes = b"") -> str:
        return self.decrypt(blob, context=context).decode("utf-8")

    def lookup_hmac(self, value: str) -> str:
        """A stable local index of an identifier (ID number, …), normalised to upper case."""
        return hmac.new(self._hmac_key, normalise_id(value).encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_id(value: str) -> str:
    """ID numbers compare upper-case without spaces (a trailing ``x`` is ``X``)."""
    return re.sub(r"\s+", "", value).upper()


def person_id_hmac(id_number: str, journal_secret: bytes) -> str:
    """The platform's person identifier: hex HMAC-SHA256 of the ID number under the journal secret."""
    return hmac.new(journal_secret, normalise_id(id_number).encode("utf-8"), hashlib.sha256).hexdigest()


# --- masking -------------------------------------------------------------------------------

def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小娜 → 欧**娜; Latin names keep their first letters of words."""
    name = name.strip()
    if not name:
        return ""
    if name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(value: str) -> str:
    """150102198001011234 → 150102********1234; short identifiers keep only their ends."""
    v = normalise_id(value)
    if len(v) >= 15:
        return v[:6] + "*" * (len(v) - 10) + v[-4:]
    if len(v) > 4:
        return v[:1] + "*" * (len(v) - 3) + v[-2:]
    return "*" * len(v)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    v = re.sub(r"\D", "", value)
    if len(v) >= 7:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return "*" * len(v)


# --- logs ----------------------------------------------------------------------------------

# 18-character resident / permit / 2023 foreigner numbers, old 15-digit numbers, 2017 foreigner
# permits (3 letters + 12 digits). Not preceded/followed by more digits, so long counters survive.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|[A-Z]{3}\d{12})(?![0-9A-Za-z])")


def redact(text: str) -> str:
    """Replace every ID-number-like token by its mask."""
    return ID_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)


class RedactingFilter(logging.Filter):
    """Redacts ID numbers from a record's message and arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is not ours to fix here
            return True
        redacted = redact(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Put the redacting filter on every handler of ``logger`` (the root logger by default)."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
