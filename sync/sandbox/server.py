"""The sandbox platform: the whole hall interface (docs/platform-api.md) over real HTTP.

:class:`SandboxServer` serves the contract with the stdlib ``ThreadingHTTPServer``: it verifies
signatures, digests, clock skew and nonces (§1), pages feeds with opaque cursors (§2), checks
every record link by link and validates payloads (§3–4), takes files (§5) and answers problems
(§6). It runs in-process on a thread for tests (port 0) or as ``hall-kiosk platform-sandbox``.

Faults can be set at start and at runtime through ``POST /_sandbox/faults`` (not part of the
contract, for tests and training): a rate of 5xx answers, a rate of 429 answers,
latency, answers lost after the commit, 429 storms with ``Retry-After``, cursor expiry, and a
platform clock offset; ``fault_routes`` limits the per-request faults to some requests.
Other admin endpoints: ``GET /_sandbox/records?journal_id=``, ``GET /_sandbox/stats``,
``POST /_sandbox/feeds`` (append an upsert or delete), ``POST /_sandbox/journals``.
Every ``/_sandbox/…`` request must carry the admin token in ``X-Sandbox-Token`` (401 otherwise;
issue 20 must 9): they re-key a journal and return its secret, move the clock, delete a ban. The
token is made afresh at each start and written 0600 to ``admin.token`` in the sandbox's data dir
(:attr:`SandboxServer.admin_token`, :func:`read_admin_token`).

Like the platform of v1.1 (§7.5) it signs every answer with its Ed25519 key (RFC 9421, label
``psig``, over ``@status``, ``Date`` and ``Content-Digest``), answers every ``POST /records`` with
a signed receipt for the highest seq it holds of the journal, and serves ``GET /receipts/latest``
and ``GET /keys``. Its private key lives in ``platform-ed25519.key`` in its data dir (made on
first start); :attr:`SandboxServer.public_key_b64` is what a hall is handed
(``hall-kiosk platform-sandbox --public-key-file``). The faults ``forge_signature`` (sign with
another key) and ``forge_digest`` (a wrong ``Content-Digest``) test the client's checks.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email.utils
import hmac
import json
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from kiosk.receipts import sign_receipt
from kiosk.timeutil import BEIJING
from sync.sandbox.online import OnlineBidders
from sync.sandbox.seed import demo_day
from sync.sandbox.store import SandboxStore, StoreError
from sync.signing import SignatureError, public_key_b64, sign_response, verify_request

log = logging.getLogger(__name__)

PREFIX = "/hall-api/v1"
MAX_SKEW_S = 300
MAX_BATCH = 500
MAX_BATCH_BYTES = 4 * 1024 * 1024
MAX_BLOB_BYTES = 64 * 1024 * 1024
DEFAULT_JOURNAL = "NM-HHHT-HALL1"
KEYID = "sandbox-2026"
KEY_FILE = "platform-ed25519.key"
ADMIN_TOKEN_FILE = "admin.token"
ADMIN_TOKEN_HEADER = "X-Sandbox-Token"


@dataclass
class Faults:
    """What can go wrong on purpose. Every field can be changed at runtime."""

    error_rate: float = 0.0  #: share of contract requests answered 500/502/504 before any work
    latency_s: float = 0.0  #: delay before handling each contract request
    lost_rate: float = 0.0  #: share of POST/PUT whose answer is dropped *after* the commit
    throttle_s: float = 0.0  #: a 429 storm: every request answered 429 for this long (from when set)
    throttle_rate: float = 0.0  #: share of contract requests answered 429 (with Retry-After) before any work
    retry_after: int = 1  #: the Retry-After of 429 answers
    #: when set, the faults above apply only to requests whose "METHOD /path" (below the base path,
    #: e.g. "PUT /blobs/<sha256>") starts with one of these; None: to every contract request
    fault_routes: list[str] | None = None
    expire_cursor_after: int | None = None  #: the (N+1)th feed request with a cursor expires all cursors
    clock_offset_s: float = 0.0  #: the platform's clock runs this far ahead of the machine's
    decrypt_step_s: float = 0.2  #: one bid decrypted every this many seconds after decrypt starts
    max_batch: int | None = None  #: a stricter batch limit than 500 (answered 413), to test splitting
    seed: int | None = None  #: random seed for reproducible fault sequences
    forge_signature: bool = False  #: sign answers with a key that is not the platform's
    forge_digest: bool = False  #: send a Content-Digest that does not match the body
    #: play the demo's online bidders of a remote opening from the hall's records (sync/sandbox/online.py)
    online_bidders: bool = False
    throttle_until: float = 0.0  #: (derived) monotonic end of the 429 storm

    def public(self) -> dict[str, Any]:
        """The settable fields as JSON."""
        out = dataclasses.asdict(self)
        out.pop("throttle_until")
        return out


SETTABLE = {f.name for f in dataclasses.fields(Faults)} - {"throttle_until"}


@dataclass
class Stats:
    """What the sandbox saw (tests use it to show there was no storm)."""

    requests: Counter[str] = field(default_factory=Counter)  #: by "METHOD /path-template"
    answers: Counter[int] = field(default_factory=Counter)  #: by status (0 = dropped)
    times: list[tuple[float, str, int]] = field(default_factory=list)  #: (monotonic, route, status)

    def to_json(self) -> dict[str, Any]:
        return {"requests": dict(self.requests), "answers": {str(k): v for k, v in self.answers.items()}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        super().__init__(addr, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer is normal here (timeouts, killed processes)."""
        log.debug("sandbox: connection from %s ended abruptly", client_address, exc_info=True)


class _Drop(Exception):
    """Close the connection without answering (an answer lost after the commit)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 30

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without NODELAY, Nagle + delayed ACK add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.conn_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conn_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("sandbox: " + format, *args)

    def date_time_string(self, timestamp: float | None = None) -> str:
        date = getattr(self, "_date", None)
        return date if date else email.utils.formatdate(self.server.sandbox.now(), usegmt=True)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    # --- answering --------------------------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", content_type: str = "application/json",
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        sandbox = self.server.sandbox
        now = sandbox.now()
        self._date = email.utils.formatdate(now, usegmt=True)
        out = dict(headers or {})
        out["Date"] = self._date
        sent = body if self.command != "HEAD" else b""
        forged = sandbox.faults.forge_signature
        sign_response(status, out, sent, key=sandbox.other_key if forged else sandbox.key, keyid=KEYID, created=int(now))
        if sandbox.faults.forge_digest and sent:
            out["Content-Digest"] = "sha-256=:" + base64.b64encode(b"\0" * 32).decode("ascii") + ":"
        del out["Date"]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in out.items():
            self.send_header(k, v)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        self.server.sandbox.note(self._route, status)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), headers=headers)

    def _problem(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        titles = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 410: "Gone",
                  413: "Content Too Large", 422: "Unprocessable Content", 429: "Too Many Requests",
                  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                  504: "Gateway Timeout"}
        body = {"type": f"https://platform.example/problems/{code}", "title": titles.get(status, "Error"),
                "status": status, "detail": detail, "code": code}
        self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/problem+json", headers)

    # --- dispatch ---------------------------------------------------------------------------

    def _handle(self, method: str) -> None:
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self._route = f"{method} {path}"
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BLOB_BYTES + 1024:
            self.close_connection = True
            self._problem(413, "too-large", "request body too large")
            return
        body = self.rfile.read(length) if length else b""
        if path.startswith("/_sandbox/"):
            self._admin(method, path, parse_qs(parts.query), body)
            return
        if not path.startswith(sandbox.prefix + "/"):
            self._problem(404, "not-found", f"nothing at {path}")
            return
        rel = path[len(sandbox.prefix):]
        self._route = f"{method} {_template(rel)}"
        self._target = f"{method} {rel}"
        sandbox.count(self._route)
        faults = sandbox.faults
        faulted = sandbox.faulted(self._target)
        if faulted and (faults.throttle_until > time.monotonic()
                        or (faults.throttle_rate and sandbox.rng.random() < faults.throttle_rate)):
            self._problem(429, "rate-limited", "too many requests", {"Retry-After": str(faults.retry_after)})
            return
        if faulted and faults.latency_s:
            time.sleep(faults.latency_s)
        if faulted and faults.error_rate and sandbox.rng.random() < faults.error_rate:
            status = sandbox.rng.choice((500, 502, 504))
            self._problem(status, "server-error", "the platform failed (injected fault)")
            return
        try:
            journal_id = self._authenticate(method, body)
            self._dispatch(method, rel, parse_qs(parts.query), body, journal_id)
        except StoreError as exc:
            self._problem(exc.status, exc.code, exc.detail)
        except _Drop:
            self.server.sandbox.note(self._route, 0)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _authenticate(self, method: str, body: bytes) -> str:
        sandbox = self.server.sandbox
        url = f"http://{self.headers.get('Host', '')}{self.path}"
        try:
            verified = verify_request(method, url, dict(self.headers.items()), body, sandbox.store.secret)
        except SignatureError as exc:
            raise StoreError(401, exc.code, exc.detail) from exc
        if abs(verified.created - sandbox.now()) > MAX_SKEW_S:
            raise StoreError(401, "clock-skew", "created is more than 300 s from the platform's time (see Date)")
        if not sandbox.store.use_nonce(verified.nonce, sandbox.now()):
            raise StoreError(401, "nonce-replayed", "this nonce was used within the last 600 s")
        return verified.keyid

    def _dispatch(self, method: str, rel: str, query: dict[str, list[str]], body: bytes, journal_id: str) -> None:
        sandbox = self.server.sandbox
        store = sandbox.store
        segs = [s for s in rel.split("/") if s]
        if method == "GET" and segs == ["time"]:
            self._json(200, {"server_time": sandbox.server_time()})
        elif method == "GET" and segs == ["keys"]:
            self._json(200, {"keys": [{"keyid": KEYID, "alg": "ed25519", "public_key": sandbox.public_key_b64}]})
        elif method == "GET" and segs == ["receipts", "latest"]:
            receipt = sandbox.receipt(journal_id)
            if receipt is None:
                raise StoreError(404, "not-found", "no record of this journal yet")
            self._json(200, receipt)
        elif method == "GET" and len(segs) == 2 and segs[0] == "feeds":
            self._feed(segs[1], query)
        elif method == "POST" and len(segs) == 3 and segs[0] == "sessions" and segs[2] == "decrypt":
            store.start_decrypt(segs[1], sandbox.now())
            sandbox.maybe_drop(self._target)
            self._json(202, {"session_id": segs[1], "status": "decrypting"})
        elif method == "POST" and segs == ["records"]:
            self._records(body, journal_id)
        elif method == "GET" and segs == ["blobs", "missing"]:
            self._json(200, {"sha256": store.missing_blobs(journal_id)})
        elif method == "GET" and len(segs) == 2 and segs[0] == "blobs":
            data = store.reference(segs[1])  # §7.2: reference photos of this hall's registrations
            if data is None:
                raise StoreError(404, "not-found", "no such file for this journal")
            self._send(200, data, "image/jpeg")
        elif method in ("HEAD", "PUT") and len(segs) == 2 and segs[0] == "blobs":
            sha = segs[1].lower()
            if method == "HEAD":
                size = store.blob_size(sha)
                if size is None:
                    self._send(404, b"", length=0)
                else:
                    self._send(200, b"", "application/octet-stream", length=size)
            else:
                if len(body) > MAX_BLOB_BYTES:
                    raise StoreError(413, "too-large", "files are at most 64 MiB")
                created = store.put_blob(sha, body)
                sandbox.maybe_drop(self._target)
                self._json(201 if created else 200, {"sha256": sha, "size": len(body)})
        else:
            raise StoreError(404, "not-found", f"no endpoint {method} {rel}")

    def _feed(self, feed: str, query: dict[str, list[str]]) -> None:
        sandbox = self.server.sandbox
        cursor = query.get("cursor", [None])[0]
        try:
            limit = int(query.get("limit", ["200"])[0])
        except ValueError as exc:
            raise StoreError(400, "bad-request", "limit must be an integer") from exc
        if not 1 <= limit <= 500:
            raise StoreError(400, "bad-request", "limit must be 1..500")
        if feed == "bid_results":
            sandbox.store.advance_decryption(sandbox.now(), sandbox.faults.decrypt_step_s)
        if cursor is not None:
            sandbox.maybe_expire_cursors()
        self._json(200, sandbox.store.feed_page(feed, cursor, limit, sandbox.server_time()))

    def _records(self, body: bytes, journal_id: str) -> None:
        sandbox = self.server.sandbox
        if len(body) > MAX_BATCH_BYTES:
            raise StoreError(413, "too-large", "a batch is at most 4 MiB")
        try:
            doc = json.loads(body)
        except ValueError as exc:
            raise StoreError(400, "bad-request", "body is not JSON") from exc
        records = doc.get("records") if isinstance(doc, dict) else None
        if not isinstance(records, list) or not records:
            raise StoreError(400, "bad-request", "body must be {\"records\": [...]} with at least one record")
        if len(records) > min(MAX_BATCH, sandbox.faults.max_batch or MAX_BATCH):
            raise StoreError(413, "too-many", "a batch is at most 500 records")
        verdicts, expected = sandbox.store.accept_records(journal_id, records)
        if sandbox.faults.online_bidders:
            sandbox.online.on_records(r for r, v in zip(records, verdicts, strict=False) if v.status == "accepted")
        sandbox.maybe_drop(self._target)
        answer: dict[str, Any] = {"results": [v.to_json() for v in verdicts], "next_expected_seq": expected}
        receipt = sandbox.receipt(journal_id)
        if receipt is not None:
            answer["receipt"] = receipt
        self._json(200, answer)

    # --- admin ------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
        sandbox = self.server.sandbox
        given = self.headers.get(ADMIN_TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), sandbox.admin_token.encode()):
            self._problem(401, "admin-token", f"the sandbox's admin endpoints need {ADMIN_TOKEN_HEADER} "
                          f"(the token in {ADMIN_TOKEN_FILE} of its data dir)")
            return
        try:
            doc = json.loads(body) if body else {}
        except ValueError:
            self._problem(400, "bad-request", "body is not JSON")
            return
        if path == "/_sandbox/faults":
            if method == "POST":
                try:
                    sandbox.set_faults(**doc)
                except TypeError as exc:
                    self._problem(400, "bad-request", str(exc))
                    return
            self._json(200, sandbox.faults.public())
        elif path == "/_sandbox/records" and method == "GET":
            jid = query.get("journal_id", [DEFAULT_JOURNAL])[0]
            self._json(200, {"journal_id": jid, "seqs": sandbox.store.stored_seqs(jid)})
        elif path == "/_sandbox/stats" and method == "GET":
            self._json(200, sandbox.stats_json())
        elif path == "/_sandbox/feeds" and method == "POST":
            if doc.get("op") == "delete":
                version = sandbox.store.delete(doc["feed"], doc["key"])
            else:
                version = sandbox.store.put(doc["feed"], doc["key"], doc["data"])
            self._json(200, {"version": version})
        elif path == "/_sandbox/journals" and method == "POST":
            secret = sandbox.provision(doc["journal_id"], base64.b64decode(doc["secret"]) if doc.get("secret") else None)
            self._json(200, {"journal_id": doc["journal_id"], "secret": base64.b64encode(secret).decode()})
        else:
            self._problem(404, "not-found", f"no admin endpoint {method} {path}")


def _load_or_make_key(path: Path) -> Ed25519PrivateKey:
    """The sandbox platform's Ed25519 key: read from ``path`` (base64 raw), made there on first start."""
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_bytes().strip()))
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(raw) + b"\n")
    return key


def _write_admin_token(data_dir: Path) -> str:
    """A fresh admin token, written 0600 to ``data_dir/admin.token`` (replacing the last start's)."""
    token = secrets.token_urlsafe(32)
    path = data_dir / ADMIN_TOKEN_FILE
    path.unlink(missing_ok=True)  # a file left more open than 0600 is not reused
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(token + "\n")
    return token


def read_admin_token(data_dir: Path | str) -> str:
    """The admin token of the sandbox running on ``data_dir`` (for ``X-Sandbox-Token``)."""
    return (Path(data_dir) / ADMIN_TOKEN_FILE).read_text(encoding="ascii").strip()


def _template(rel: str) -> str:
    segs = [s for s in rel.split("/") if s]
    if len(segs) == 2 and segs[0] == "blobs" and segs[1] != "missing":
        return "/blobs/{sha256}"
    if len(segs) == 3 and segs[0] == "sessions":
        return "/sessions/{id}/decrypt"
    return "/" + "/".join(segs)


class SandboxServer:
    """The sandbox platform on its own SQLite database.

    Args:
        data_dir: where the platform keeps its database and files.
        host: address to listen on.
        port: TCP port (0: any free one; kept across :meth:`stop`/:meth:`start`).
        prefix: the base path of the interface.
        seed: ``"demo"`` to load :func:`sync.sandbox.seed.demo_day` into an empty platform.
        today: the business day of the demo (today in Beijing when None).
        faults: initial fault settings (fields of :class:`Faults`).
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        prefix: str = PREFIX,
        seed: str | None = "demo",
        today: dt.date | None = None,
        faults: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.prefix = prefix.rstrip("/")
        self.store = SandboxStore(self.data_dir)
        self.key = _load_or_make_key(self.data_dir / KEY_FILE)
        self.admin_token = _write_admin_token(self.data_dir)  #: ``X-Sandbox-Token`` for ``/_sandbox/…``
        self.other_key = Ed25519PrivateKey.generate()  #: for the forge_signature fault
        self.faults = Faults()
        self.online = OnlineBidders(self.store)
        self.rng = random.Random()
        self._lock = threading.Lock()
        self.stats = Stats()
        self._cursor_requests = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        if faults:
            self.set_faults(**faults)
        if seed == "demo" and self.store.is_empty():
            self.store.seed(demo_day(today or dt.datetime.now(BEIJING).date()))
        elif seed not in (None, "demo", "none"):
            raise ValueError(f"unknown seed {seed!r} (demo or none)")

    # --- life cycle -------------------------------------------------------------------------

    def bind(self) -> None:
        """Open the listening socket (the port is known afterwards)."""
        self._httpd = _Server((self.host, self.port), self)
        self.port = self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL of the interface."""
        return f"http://{self.host}:{self.port}{self.prefix}"

    def start(self) -> SandboxServer:
        """Serve on a background thread (tests); returns self."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-platform", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (the CLI)."""
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close_httpd()

    def stop(self) -> None:
        """Stop serving and cut every open connection (the platform is "down"); data stays."""
        if self._httpd is not None and self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
        self._close_httpd()
        self._thread = None

    def _close_httpd(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.server_close()
        with httpd.conn_lock:
            conns = list(httpd.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        """Stop and close the database."""
        self.stop()
        self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- platform ---------------------------------------------------------------------------

    def now(self) -> float:
        """The platform's clock (Unix seconds)."""
        return time.time() + self.faults.clock_offset_s

    def server_time(self) -> str:
        """The platform's time, RFC 3339 in Beijing time."""
        return dt.datetime.fromtimestamp(self.now(), BEIJING).isoformat(timespec="seconds")

    @property
    def public_key_b64(self) -> str:
        """The platform's public key as a hall is handed it: base64 of the 32 raw bytes."""
        return public_key_b64(self.key.public_key())

    def write_public_key(self, path: Path | str) -> Path:
        """Write :attr:`public_key_b64` to ``path`` (what ``[platform] public_key_file`` names)."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.public_key_b64 + "\n", encoding="ascii")
        return p

    def receipt(self, journal_id: str) -> dict[str, Any] | None:
        """A signed receipt for the highest seq the platform holds of ``journal_id`` (§7.5)."""
        last = self.store.last_record(journal_id)
        if last is None:
            return None
        seq, digest, stored_at = last
        received = dt.datetime.fromtimestamp(stored_at + self.faults.clock_offset_s, BEIJING)
        return sign_receipt({"journal_id": journal_id, "seq": seq, "hash": digest,
                             "received_at": received.isoformat(timespec="milliseconds"), "keyid": KEYID}, self.key)

    def provision(self, journal_id: str = DEFAULT_JOURNAL, secret: bytes | None = None,
                  secret_file: Path | str | None = None) -> bytes:
        """Provision a journal; returns its secret (written base64 to ``secret_file`` if given).

        An existing ``secret_file`` is read and reused, so a restarted sandbox keeps its key.
        """
        if secret is None and secret_file is not None and Path(secret_file).exists():
            secret = base64.b64decode(Path(secret_file).read_bytes().strip())
        if secret is None:
            secret = secrets.token_bytes(32)
        self.store.provision(journal_id, secret)
        if secret_file is not None:
            p = Path(secret_file)
            p.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(base64.b64encode(secret) + b"\n")
        return secret

    def set_faults(self, **changes: Any) -> Faults:
        """Change fault settings at runtime (unknown names raise TypeError).

        ``expire_cursors=True`` expires every cursor now (one-shot); ``throttle_s`` starts a
        429 storm of that length from now.
        """
        with self._lock:
            if changes.pop("expire_cursors", False):
                self.store.expire_cursors()
            unknown = set(changes) - SETTABLE
            if unknown:
                raise TypeError(f"unknown fault(s): {', '.join(sorted(unknown))}")
            for name, value in changes.items():
                setattr(self.faults, name, value)
            if "throttle_s" in changes:
                self.faults.throttle_until = time.monotonic() + float(changes["throttle_s"] or 0)
            if "expire_cursor_after" in changes:
                self._cursor_requests = 0
            if "seed" in changes:
                self.rng.seed(changes["seed"])
            return self.faults

    def faulted(self, target: str) -> bool:
        """Whether the per-request faults apply to ``target`` ("METHOD /path", see ``fault_routes``)."""
        routes = self.faults.fault_routes
        return routes is None or any(target.startswith(r) for r in routes)

    def maybe_drop(self, target: str) -> None:
        """After a commit: drop the answer with probability ``lost_rate``."""
        if self.faults.lost_rate and self.faulted(target) and self.rng.random() < self.faults.lost_rate:
            raise _Drop()

    def maybe_expire_cursors(self) -> None:
        """Count a feed request with a cursor; expire all cursors when the fault says so."""
        with self._lock:
            after = self.faults.expire_cursor_after
            if after is None:
                return
            if self._cursor_requests >= after:
                self.store.expire_cursors()
                self.faults.expire_cursor_after = None
                self._cursor_requests = 0
            else:
                self._cursor_requests += 1

    def count(self, route: str) -> None:
        """Count a contract request by route."""
        with self._lock:
            self.stats.requests[route] += 1

    def note(self, route: str, status: int) -> None:
        """Record an answer's status."""
        with self._lock:
            self.stats.answers[status] += 1
            self.stats.times.append((time.monotonic(), route, status))

    def stats_json(self) -> dict[str, Any]:
        """Counters as JSON."""
        with self._lock:
            return self.stats.to_json()
