"""Personal data: encryption at rest, HMAC lookup, masking, and a log filter (docs/architecture.md §4).

* ``PiiVault`` holds the hall's **data keys** by key id (``kiosk/keys.py`` loads them from the
  database, where each is stored only wrapped by a terminal's key-encryption key). From a data key,
  HKDF derives an AES-256-GCM key (``encrypt``/``decrypt``) and a separate HMAC key
  (``lookup_hmac``), so an ID number can be found without being stored in clear. Every ciphertext
  and every lookup HMAC names its key id: ``HK2 <len> <kid> <nonce> <body>`` and ``<kid>:<hex>``
  (the HMAC cut to the 64 characters of its column). The key id ``k0`` is a key that existed before
  key ids (an old terminal's ``keys/pii.key``): its forms are the old ones, ``HK1 <nonce> <body>``
  and 64 bare hex digits, so nothing stored before is rewritten to stay readable.
* While a rotation runs (``kiosk.keys.rotate``) the vault writes under the new key and looks up
  under both (``lookup_hmacs``); it re-reads the key list from the database every few seconds, so a
  rotation started on another terminal reaches this one.
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
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
LEGACY_KID = "k0"  #: a key from before key ids: ciphertexts ``HK1…``, HMACs of 64 bare hex digits
_FORMAT = b"HK1"  # ciphertext format tag: version 1 = AES-256-GCM, 12-byte nonce, key k0
_FORMAT2 = b"HK2"  # version 2: the same, after a 1-byte length and the key id
_KID_RE = re.compile(r"^k[0-9]{1,8}$")
HMAC_CHARS = 64  #: the width of every HMAC column


class PiiKeyError(RuntimeError):
    """The key file is missing, unreadable, of the wrong size or too open."""


class UnknownKeyId(ValueError):
    """A ciphertext names a key id this terminal does not hold."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hall-kiosk", info=purpose).derive(master)


def load_or_create_key(path: Path, *, create: bool = True) -> bytes:
    """Read a 32-byte key file (base64), creating it (random, mode 0600) on first run.

    Raises:
        PiiKeyError: the file exists but is of the wrong size, or readable by others; or it does not
            exist and ``create`` is false.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise PiiKeyError(f"{path}: no such key file")
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


def check_kid(kid: str) -> str:
    if not _KID_RE.match(kid):
        raise ValueError(f"not a key id: {kid!r}")
    return kid


def kid_of_ciphertext(blob: bytes) -> str | None:
    """The key id a ciphertext was made under; None for an empty (purged) or foreign value."""
    if blob.startswith(_FORMAT):
        return LEGACY_KID
    if blob.startswith(_FORMAT2) and len(blob) > 4:
        n = blob[3]
        return blob[4:4 + n].decode("ascii", "replace")
    return None


def kid_of_hmac(value: str) -> str | None:
    """The key id of a stored lookup HMAC (``k0`` for 64 bare hex digits); None for an empty value."""
    if not value:
        return None
    head, sep, _rest = value.partition(":")
    return head if sep else LEGACY_KID


@dataclass(frozen=True)
class KeySet:
    """The data keys a terminal holds: ``current`` encrypts and indexes; ``lookup`` are searched."""

    keys: Mapping[str, bytes]
    current: str
    lookup: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.current not in self.keys or any(k not in self.keys for k in self.lookup):
            raise PiiKeyError("key set names a key it does not hold")
        if any(len(k) != KEY_BYTES for k in self.keys.values()):
            raise PiiKeyError(f"data keys must be {KEY_BYTES} bytes")


class _Derived:
    __slots__ = ("aead", "hmac_key")

    def __init__(self, key: bytes) -> None:
        self.aead = AESGCM(_derive(key, b"pii-encryption"))
        self.hmac_key = _derive(key, b"pii-lookup")


class PiiVault:
    """Encrypts, decrypts and indexes personal data under the hall's data keys, by key id.

    Args:
        master_key: one key, used as ``k0`` (tests and tools; a hall's terminals use ``keyset``).
        keyset: the keys by id (``kiosk.keys.open_vault``).
        refresh: returns a newer key set, or None when nothing changed; called at most every
            ``refresh_s`` seconds and whenever a ciphertext names an id not held.
    """

    def __init__(self, master_key: bytes | None = None, *, keyset: KeySet | None = None,
                 refresh: Callable[[], KeySet | None] | None = None, refresh_s: float = 2.0) -> None:
        if keyset is None:
            if master_key is None or len(master_key) != KEY_BYTES:
                raise PiiKeyError("master key must be 32 bytes")
            keyset = KeySet({LEGACY_KID: master_key}, LEGACY_KID, (LEGACY_KID,))
        self._refresh = refresh
        self._refresh_s = refresh_s
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._set(keyset)

    def _set(self, keyset: KeySet) -> None:
        derived = {kid: _Derived(key) for kid, key in keyset.keys.items()}
        self._state = (keyset, derived)  # one attribute, swapped whole: readers on other threads see either

    @classmethod
    def from_key_file(cls, path: Path) -> PiiVault:
        """One key from a file, as key id ``k0`` (a tool's vault; a hall's comes from ``kiosk.keys``)."""
        return cls(load_or_create_key(path))

    # --- the key set ----------------------------------------------------------------------------

    @property
    def keyset(self) -> KeySet:
        return self._current_state()[0]

    @property
    def current_kid(self) -> str:
        return self._current_state()[0].current

    def refresh(self, *, force: bool = False) -> bool:
        """Re-read the key set now (``force``) or when ``refresh_s`` has passed; True when it changed."""
        if self._refresh is None:
            return False
        now = time.monotonic()
        if not force and now - self._checked < self._refresh_s:
            return False
        with self._lock:
            if not force and now - self._checked < self._refresh_s:
                return False
            self._checked = now
            newer = self._refresh()
            if newer is None or newer == self._state[0]:
                return False
            self._set(newer)
            return True

    def _current_state(self) -> tuple[KeySet, dict[str, _Derived]]:
        self.refresh()
        return self._state

    # --- encryption ----------------------------------------------------------------------------

    def encrypt(self, plaintext: str | bytes, *, context: bytes = b"") -> bytes:
        """AES-GCM with a random nonce under the current key; ``context`` is bound as associated data."""
        keyset, derived = self._current_state()
        return self.encrypt_with(keyset.current, plaintext, context=context, _derived=derived)

    def encrypt_with(self, kid: str, plaintext: str | bytes, *, context: bytes = b"",
                     _derived: dict[str, _Derived] | None = None) -> bytes:
        derived = _derived if _derived is not None else self._current_state()[1]
        if kid not in derived:
            raise UnknownKeyId(f"key {kid} is not held by this terminal")
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = os.urandom(12)
        body = derived[kid].aead.encrypt(nonce, data, context)
        if kid == LEGACY_KID:
            return _FORMAT + nonce + body
        tag = kid.encode("ascii")
        return _FORMAT2 + bytes([len(tag)]) + tag + nonce + body

    def decrypt(self, blob: bytes, *, context: bytes = b"") -> bytes:
        """Decrypt under the key the ciphertext names (a sealed file, ``kiosk.sealed``, chunk by chunk).

        Raises:
            UnknownKeyId: this terminal does not hold that key (``kiosk.keys`` explains what to do).
            ValueError: not a Hall Kiosk ciphertext; ``cryptography``'s ``InvalidTag`` when it was altered.
        """
        if blob.startswith(b"HKREC1\n"):  # a sealed file (kiosk.sealed: a segment in chunks), whole
            from kiosk import sealed

            return sealed.unseal(self, blob)
        kid = kid_of_ciphertext(blob)
        if kid is None:
            raise ValueError("not a Hall Kiosk ciphertext")
        if kid == LEGACY_KID:
            nonce, body = blob[3:15], blob[15:]
        else:
            start = 4 + blob[3]
            nonce, body = blob[start:start + 12], blob[start + 12:]
        derived = self._current_state()[1]
        if kid not in derived and self.refresh(force=True):
            derived = self._state[1]
        if kid not in derived:
            raise UnknownKeyId(f"ciphertext under key {kid}, which this terminal does not hold")
        return derived[kid].aead.decrypt(nonce, body, context)

    def decrypt_str(self, blob: bytes, *, context: bytes = b"") -> str:
        return self.decrypt(blob, context=context).decode("utf-8")

    # --- lookup --------------------------------------------------------------------------------

    def lookup_hmac(self, value: str) -> str:
        """The stored index of an identifier (ID number, …) under the current key, upper-cased."""
        keyset, derived = self._current_state()
        return self.hmac_with(keyset.current, value, _derived=derived)

    def lookup_hmacs(self, value: str) -> tuple[str, ...]:
        """Its index under every key still searched (the current one first): what a lookup matches."""
        keyset, derived = self._current_state()
        return tuple(self.hmac_with(kid, value, _derived=derived) for kid in keyset.lookup)

    def hmac_with(self, kid: str, value: str, *, _derived: dict[str, _Derived] | None = None) -> str:
        derived = _derived if _derived is not None else self._current_state()[1]
        if kid not in derived:
            raise UnknownKeyId(f"key {kid} is not held by this terminal")
        digest = hmac.new(derived[kid].hmac_key, normalise_id(value).encode("utf-8"), hashlib.sha256).hexdigest()
        return digest if kid == LEGACY_KID else f"{kid}:{digest}"[:HMAC_CHARS]


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
