"""The sandbox platform's own state, in its own SQLite database (stdlib ``sqlite3``).

It holds the provisioned journals, the records each journal delivered (checked link by link as
docs/platform-api.md §3 says), the feed logs (every upsert and delete with a version), nonces seen, the
files received and the decryptions asked for. One lock serialises access: the sandbox is a
test and training platform, not a performance one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.canonical import envelope_hash, payload_hash
from kiosk.records import InvalidRecord, validate
from kiosk.timeutil import BEIJING, parse_rfc3339
from sync.sandbox.seed import FACES_DIR, FEED_KEY, bid_result_key

GENESIS = "0" * 64
FEEDS = ("sessions", "registrations", "blacklist", "bid_results", "experts", "evaluations", "remote_events")
NONCE_WINDOW_S = 600
ENVELOPE_MEMBERS: dict[str, type | tuple[type, ...]] = {
    "record_key": str, "journal_id": str, "seq": int, "terminal_id": str, "kind": str, "occurred_at": str,
    "payload": dict, "payload_hash": str, "prev_hash": str, "hash": str,
}
BLOB_FIELDS = ("face_photo_sha256", "record_sha256", "confirmation_sha256")

SCHEMA = """
CREATE TABLE IF NOT EXISTS journals (journal_id TEXT PRIMARY KEY, secret BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  journal_id TEXT NOT NULL, seq INTEGER NOT NULL, record_key TEXT NOT NULL UNIQUE,
  payload_hash TEXT NOT NULL, hash TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  envelope TEXT NOT NULL, stored_at REAL NOT NULL, PRIMARY KEY (journal_id, seq));
CREATE TABLE IF NOT EXISTS feed_log (
  version INTEGER PRIMARY KEY AUTOINCREMENT, feed TEXT NOT NULL, key TEXT NOT NULL, op TEXT NOT NULL, data TEXT);
CREATE INDEX IF NOT EXISTS ix_feed_log_key ON feed_log (feed, key, version);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS blob_refs (journal_id TEXT NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (journal_id, sha256));
CREATE TABLE IF NOT EXISTS bid_plans (
  session_id TEXT NOT NULL, registration_id TEXT NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL,
  published INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (session_id, registration_id));
CREATE TABLE IF NOT EXISTS decrypts (session_id TEXT PRIMARY KEY, started_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class StoreError(Exception):
    """A request the store refuses as a whole: ``status`` and ``code`` of the problem answer."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail


@dataclass
class Verdict:
    """The platform's answer for one record."""

    record_key: str
    status: str
    code: str | None = None
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"record_key": self.record_key, "status": self.status}
        if self.code:
            out["code"] = self.code
        if self.detail:
            out["detail"] = self.detail
        return out


class SandboxStore:
    """State of the sandbox platform.

    Args:
        data_dir: where ``sandbox.db`` and received files (``blobs/``) live.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "blobs").mkdir(exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.data_dir / "sandbox.db", check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.cursor_epoch = int(self._meta("cursor_epoch") or 0)

    def close(self) -> None:
        """Close the database."""
        with self.lock:
            self.db.close()

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name=?", (name,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    # --- journals ---------------------------------------------------------------------------

    def provision(self, journal_id: str, secret: bytes) -> None:
        """Create (or re-key) a journal."""
        with self.lock:
            self.db.execute("INSERT OR REPLACE INTO journals (journal_id, secret) VALUES (?, ?)", (journal_id, secret))

    def secret(self, journal_id: str) -> bytes | None:
        """The secret of ``journal_id``, None when unknown."""
        with self.lock:
            row = self.db.execute("SELECT secret FROM journals WHERE journal_id=?", (journal_id,)).fetchone()
        return bytes(row[0]) if row else None

    def use_nonce(self, nonce: str, now: float) -> bool:
        """Remember ``nonce``; False when it was seen within the last 600 s."""
        with self.lock:
            self.db.execute("DELETE FROM nonces WHERE at < ?", (now - NONCE_WINDOW_S,))
            try:
                self.db.execute("INSERT INTO nonces (nonce, at) VALUES (?, ?)", (nonce, now))
            except sqlite3.IntegrityError:
                return False
            return True

    # --- records ----------------------------------------------------------------------------

    def next_expected_seq(self, journal_id: str) -> int:
        """The seq the journal's next record must have."""
        with self.lock:
            row = self.db.execute("SELECT MAX(seq) FROM records WHERE journal_id=?", (journal_id,)).fetchone()
        return int(row[0] or 0) + 1

    def accept_records(self, journal_id: str, records: list[Any]) -> tuple[list[Verdict], int]:
        """Check and store a batch (docs/platform-api.md §3). Returns the verdicts (in the order given).

        Raises:
            StoreError: 400 for a malformed batch or a record of another journal.
        """
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                raise StoreError(400, "bad-request", f"records[{i}] is not an object")
            for name, typ in ENVELOPE_MEMBERS.items():
                value = rec.get(name)
                if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
                    raise StoreError(400, "bad-request", f"records[{i}].{name} is missing or of the wrong type")
            if rec["journal_id"] != journal_id:
                raise StoreError(400, "bad-request", f"records[{i}] belongs to journal {rec['journal_id']!r}")
        order = sorted(range(len(records)), key=lambda i: records[i]["seq"])
        verdicts: list[Verdict | None] = [None] * len(records)
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute(
                    "SELECT seq, hash FROM records WHERE journal_id=? ORDER BY seq DESC LIMIT 1", (journal_id,)
                ).fetchone()
                expected, last_hash = (row[0] + 1, row[1]) if row else (1, GENESIS)
                for i in order:
                    verdict, stored = self._check(journal_id, records[i], expected, last_hash)
                    verdicts[i] = verdict
                    if stored:
                        expected += 1
                        last_hash = records[i]["hash"]
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return [v for v in verdicts if v is not None], expected

    def _check(self, journal_id: str, rec: dict[str, Any], expected: int, last_hash: str) -> tuple[Verdict, bool]:
        key, seq = rec["record_key"], rec["seq"]
        known = self.db.execute("SELECT payload_hash FROM records WHERE record_key=?", (key,)).fetchone()
        if known is not None:
            if known[0] == rec["payload_hash"]:
                return Verdict(key, "duplicate"), False
            return Verdict(key, "rejected", "key-reuse", "record_key is known with another payload_hash"), False
        if seq < expected:
            return Verdict(key, "rejected", "chain-broken", f"seq {seq} already holds another record"), False
        if seq > expected:
            return Verdict(key, "rejected", "gap", f"expected seq {expected}, got {seq}"), False
        if rec["prev_hash"] != last_hash:
            return Verdict(key, "rejected", "chain-broken", f"prev_hash of seq {seq} does not match seq {seq - 1}"), False
        if payload_hash(rec["payload"]) != rec["payload_hash"]:
            return Verdict(key, "rejected", "chain-broken", f"payload of seq {seq} does not match payload_hash"), False
        if envelope_hash(rec) != rec["hash"]:
            return Verdict(key, "rejected", "chain-broken", f"hash of seq {seq} is wrong"), False
        status, code, detail = "accepted", None, None
        try:
            validate(rec["kind"], rec["payload"])
            parse_rfc3339(rec["occurred_at"])
        except (InvalidRecord, ValueError) as exc:
            status, code, detail = "rejected", "invalid-payload", str(exc)
        self.db.execute(
            "INSERT INTO records (journal_id, seq, record_key, payload_hash, hash, kind, status, envelope, stored_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (journal_id, seq, key, rec["payload_hash"], rec["hash"], rec["kind"],
             "invalid-payload" if code else "accepted", json.dumps(rec, ensure_ascii=False), time.time()),
        )
        for sha in _named_files(rec):
            self.db.execute("INSERT OR IGNORE INTO blob_refs (journal_id, sha256) VALUES (?, ?)", (journal_id, sha))
        return Verdict(key, status, code, detail), True

    def last_record(self, journal_id: str) -> tuple[int, str, float] | None:
        """``(seq, hash, stored_at)`` of the highest stored seq of a journal, None before the first."""
        with self.lock:
            row = self.db.execute("SELECT seq, hash, stored_at FROM records WHERE journal_id=? ORDER BY seq DESC LIMIT 1",
                                  (journal_id,)).fetchone()
        return (int(row[0]), str(row[1]), float(row[2])) if row else None

    def stored_seqs(self, journal_id: str) -> list[int]:
        """Every stored seq of a journal, in storage order (tests compare it with 1..N)."""
        with self.lock:
            return [r[0] for r in self.db.execute("SELECT seq FROM records WHERE journal_id=? ORDER BY rowid", (journal_id,))]

    def stored_records(self, journal_id: str) -> list[dict[str, Any]]:
        """``{"seq", "record_key", "status", "kind"}`` of each stored record, by seq."""
        with self.lock:
            rows = self.db.execute(
                "SELECT seq, record_key, status, kind FROM records WHERE journal_id=? ORDER BY seq", (journal_id,)
            ).fetchall()
        return [{"seq": r[0], "record_key": r[1], "status": r[2], "kind": r[3]} for r in rows]

    # --- blobs ------------------------------------------------------------------------------

    def blob_size(self, sha256: str) -> int | None:
        """The stored size of a file, None if not stored."""
        with self.lock:
            row = self.db.execute("SELECT size FROM blobs WHERE sha256=?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """Store a file; True when new. Raises StoreError 422 ``blob-mismatch``."""
        if hashlib.sha256(data).hexdigest() != sha256.lower():
            raise StoreError(422, "blob-mismatch", "the bytes do not hash to the sha256 in the path")
        if self.blob_size(sha256) is not None:
            return False
        path = self.data_dir / "blobs" / sha256
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        with self.lock:
            self.db.execute("INSERT OR IGNORE INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?)",
                            (sha256, len(data), time.time()))
        return True

    def put_reference(self, data: bytes) -> str:
        """Hold a reference photo for download (``GET /blobs/{sha256}``, docs/platform-api.md §7.2); returns its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        folder = self.data_dir / "references"
        folder.mkdir(exist_ok=True)
        (folder / sha).write_bytes(data)
        return sha

    def reference(self, sha256: str) -> bytes | None:
        """A reference photo's bytes as stored (None when the platform holds none under that name).

        Only reference photos are served for download; the files halls upload are not.
        """
        name = sha256.lower()
        if len(name) != 64 or not all(c in "0123456789abcdef" for c in name):
            return None
        path = self.data_dir / "references" / name
        return path.read_bytes() if path.is_file() else None

    def missing_blobs(self, journal_id: str) -> list[str]:
        """Files named by this journal's records that were not received."""
        with self.lock:
            return [r[0] for r in self.db.execute(
                "SELECT r.sha256 FROM blob_refs r LEFT JOIN blobs b ON b.sha256 = r.sha256"
                " WHERE r.journal_id=? AND b.sha256 IS NULL ORDER BY r.sha256", (journal_id,))]

    # --- feeds ------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Whether no feed record was ever written."""
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM feed_log").fetchone()[0] == 0

    def put(self, feed: str, key: str, data: dict[str, Any]) -> int:
        """Append an upsert to a feed; returns its version."""
        if feed not in FEEDS:
            raise StoreError(404, "not-found", f"no feed {feed!r}")
        with self.lock:
            cur = self.db.execute("INSERT INTO feed_log (feed, key, op, data) VALUES (?, ?, 'upsert', ?)",
                                  (feed, key, json.dumps(data, ensure_ascii=False)))
            return int(cur.lastrowid or 0)

    def delete(self, feed: str, key: str) -> int:
        """Append a delete (tombstone) to a feed; returns its version."""
        if feed not in FEEDS:
            raise StoreError(404, "not-found", f"no feed {feed!r}")
        with self.lock:
            cur = self.db.execute("INSERT INTO feed_log (feed, key, op, data) VALUES (?, ?, 'delete', NULL)", (feed, key))
            return int(cur.lastrowid or 0)

    def seed(self, day: dict[str, Any]) -> None:
        """Load a :func:`sync.sandbox.seed.demo_day` into the feeds and decryption plans."""
        for feed, key_name in FEED_KEY.items():
            for data in day.get(feed, []):
                self.put(feed, str(data[key_name]), data)
        for name in day.get("photos", {}).values():  # reference photos (seed.FACES_DIR)
            self.put_reference((FACES_DIR / name).read_bytes())
        with self.lock:
            for session_id, results in day.get("bid_plans", {}).items():
                for idx, result in enumerate(results):
                    self.db.execute(
                        "INSERT OR REPLACE INTO bid_plans (session_id, registration_id, idx, data, published)"
                        " VALUES (?, ?, ?, ?, 0)",
                        (session_id, result["registration_id"], idx, json.dumps(result, ensure_ascii=False)),
                    )

    def expire_cursors(self) -> None:
        """Forget every cursor handed out so far (their next use answers 410)."""
        with self.lock:
            self.cursor_epoch += 1
            self._set_meta("cursor_epoch", str(self.cursor_epoch))

    def make_cursor(self, feed: str, version: int) -> str:
        """An opaque cursor: feed, version and the current epoch."""
        raw = json.dumps({"f": feed, "v": version, "e": self.cursor_epoch}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def read_cursor(self, feed: str, cursor: str) -> int:
        """The version a cursor stands at. Raises StoreError 410 (expired) or 400 (garbage)."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            f, v, e = raw["f"], int(raw["v"]), int(raw["e"])
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(400, "bad-request", "not a cursor of this platform") from exc
        if f != feed or e != self.cursor_epoch:
            raise StoreError(410, "cursor-expired", "the platform no longer knows this cursor; list again")
        return v

    def feed_page(self, feed: str, cursor: str | None, limit: int, server_time: str) -> dict[str, Any]:
        """One page of a feed after ``cursor``: the newest item of each key, in version order.

        A listing from the beginning leaves deletes out (there is nothing to delete yet).
        """
        if feed not in FEEDS:
            raise StoreError(404, "not-found", f"no feed {feed!r}")
        with self.lock:
            after = 0 if cursor is None else self.read_cursor(feed, cursor)
            rows = self.db.execute(
                "SELECT f.version, f.key, f.op, f.data FROM feed_log f WHERE f.feed=? AND f.version>?"
                " AND f.version=(SELECT MAX(g.version) FROM feed_log g WHERE g.feed=f.feed AND g.key=f.key)"
                " AND (f.op='upsert' OR ?) ORDER BY f.version LIMIT ?",
                (feed, after, cursor is not None, limit + 1),
            ).fetchall()
            has_more = len(rows) > limit
            rows = rows[:limit]
            if rows:
                last = rows[-1][0]
            else:
                top = self.db.execute("SELECT MAX(version) FROM feed_log WHERE feed=?", (feed,)).fetchone()[0]
                last = max(after, int(top or 0)) if cursor is None else after
            items = []
            for version, key, op, data in rows:
                item: dict[str, Any] = {"op": op, "key": key, "version": version}
                if op == "upsert":
                    item["data"] = json.loads(data)
                items.append(item)
            return {"items": items, "next_cursor": self.make_cursor(feed, last), "has_more": has_more,
                    "server_time": server_time}

    def current(self, feed: str, key: str) -> dict[str, Any] | None:
        """The live record under ``key``, None when absent or deleted."""
        with self.lock:
            row = self.db.execute(
                "SELECT op, data FROM feed_log WHERE feed=? AND key=? ORDER BY version DESC LIMIT 1", (feed, key)
            ).fetchone()
        if row is None or row[0] == "delete":
            return None
        return json.loads(row[1])

    # --- decryption -------------------------------------------------------------------------

    def start_decrypt(self, session_id: str, now: float) -> None:
        """Start decrypting a session's bids (idempotent). Raises 404 / 409 ``too-early``."""
        session = self.current("sessions", session_id)
        if session is None:
            raise StoreError(404, "not-found", f"no session {session_id!r}")
        starts = parse_rfc3339(session["starts_at"]).timestamp()
        if now < starts:
            raise StoreError(409, "too-early", f"session {session_id} starts at {session['starts_at']}")
        with self.lock:
            if self.db.execute("SELECT 1 FROM decrypts WHERE session_id=?", (session_id,)).fetchone():
                return
            self.db.execute("INSERT INTO decrypts (session_id, started_at) VALUES (?, ?)", (session_id, now))
            for (data,) in self.db.execute(
                "SELECT data FROM bid_plans WHERE session_id=? ORDER BY idx", (session_id,)
            ).fetchall():
                pending = {k: v for k, v in json.loads(data).items()
                           if k in ("session_id", "registration_id")} | {"decrypt_status": "pending",
                                                                          "decrypted_at": None}
                self.put("bid_results", bid_result_key(pending), pending)

    def advance_decryption(self, now: float, step_s: float) -> None:
        """Publish the outcome of each bid whose turn has come (one every ``step_s`` seconds)."""
        with self.lock:
            rows = self.db.execute(
                "SELECT p.session_id, p.registration_id, p.idx, p.data, d.started_at FROM bid_plans p"
                " JOIN decrypts d ON d.session_id = p.session_id WHERE p.published = 0 ORDER BY p.idx"
            ).fetchall()
            for session_id, registration_id, idx, data, started in rows:
                due = started + (idx + 1) * step_s
                if now < due:
                    continue
                result = json.loads(data)
                result["decrypted_at"] = dt.datetime.fromtimestamp(due, BEIJING).isoformat(timespec="seconds")
                self.put("bid_results", bid_result_key(result), result)
                self.db.execute("UPDATE bid_plans SET published=1 WHERE session_id=? AND registration_id=?",
                                (session_id, registration_id))


def _named_files(rec: dict[str, Any]) -> Iterable[str]:
    payload = rec.get("payload") or {}
    for name in BLOB_FIELDS:
        value = payload.get(name)
        if isinstance(value, str) and len(value) == 64:
            yield value.lower()
    if rec.get("kind") == "recording.segment" and isinstance(payload.get("sha256"), str):
        yield payload["sha256"].lower()
