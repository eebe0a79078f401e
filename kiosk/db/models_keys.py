"""The hall's data keys (registered on ``kiosk.db.models.Base``; ``kiosk/keys.py``).

* ``hall_keys``: one row per data key, by key id (``k0`` an old terminal's imported ``pii.key``,
  then ``k1``, ``k2`` …): its state — ``current`` (encrypts and indexes), ``previous`` (a rotation
  away from it is under way: still searched and decrypted), ``retired`` (no row of the database
  uses it; kept for files in terminals' data dirs) — and a check value (an HMAC of a fixed text
  under the key) that tells whether a key file is this key without storing the key.
* ``hall_key_wraps``: the key, never in clear: wrapped (AES key wrap, RFC 3394) by a terminal's
  key-encryption key (``wrapped_by`` = ``kek:<fingerprint>``) or, after a rotation, by the key it
  replaced (``key:<kid>``), so every terminal that held the old key can take the new one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.db.models import Base, UTCDateTime


class HallKey(Base):
    __tablename__ = "hall_keys"
    kid: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  #: current, previous, retired
    check_value: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))  #: the terminal that made (or imported) it


class HallKeyWrap(Base):
    __tablename__ = "hall_key_wraps"
    kid: Mapped[str] = mapped_column(ForeignKey("hall_keys.kid", ondelete="CASCADE"), primary_key=True)
    wrapped_by: Mapped[str] = mapped_column(String(64), primary_key=True)  #: kek:<fingerprint> or key:<kid>
    terminal_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  #: who holds that KEK, as told
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
