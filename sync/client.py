"""The client of the central platform's hall interface (docs/platform-api.md).

:class:`PlatformClient` speaks every endpoint of the contract over one ``requests.Session``
(connections are reused), signs every request (RFC 9421, ``sync.signing``) and bounds every
answer: a timeout per read, an overall deadline per request, a size cap, typed errors for every
body of the wrong shape, and ``https://`` for every platform that is not on this machine.

With the platform's public key (docs/platform-api.md §7.5) it verifies every answer's Ed25519
signature and ``Content-Digest`` before using any of it (``UntrustedResponse`` otherwise) and
checks the signature of every receipt. Only a verified ``Date`` moves the platform clock
(``kiosk.clock.PlatformClock``), and by at most ``max_clock_step_s`` per step: a larger step is
refused and kept as a :class:`ClockAlarm` for the caller to journal. Without a key the client
works as v1 (answers unverified, ``key_state`` ``"absent"``), but takes the clock only from
answers below 500 (a proxy's 502 says nothing of the platform's time) and under the same bound.

It retries once after a ``401 clock-skew`` with the corrected clock, and turns problem bodies into
the typed errors of ``sync.errors``. It does not retry anything else: what to do after an error
is the caller's policy (``sync.push``, ``sync.pull``), as the contract's tables say.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import ipaddress
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests
import urllib3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.clock import PlatformClock
from kiosk.receipts import ReceiptError, parse_receipt, verify_receipt
from kiosk.timeutil import parse_rfc3339
from sync.errors import (
    InsecurePlatformURL,
    PlatformError,
    ResponseTooLarge,
    TransportError,
    UnexpectedResponse,
    UntrustedResponse,
    error_for,
)
from sync.signing import SignatureError, sign_request, verify_response

log = logging.getLogger(__name__)

USER_AGENT = "hall-kiosk/0.1"
MAX_CLOCK_STEP_S = 300.0  #: default bound of one clock correction (``[platform] max_clock_step_s``)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  #: default size cap of one answer (``[platform] max_response_bytes``)
DEADLINE_S = 60.0  #: default overall deadline of one request (``[platform] deadline_seconds``)


def check_platform_url(url: str) -> None:
    """Raise :class:`InsecurePlatformURL` unless ``url`` is ``https://`` or ``http://`` to a loopback address.

    Loopback is 127.0.0.0/8, ``::1`` and ``localhost`` (the sandbox and tests); every other
    platform is reached over TLS, since face photos and the journal cross that link.
    """
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme == "https" and host:
        return
    if scheme == "http" and host:
        if host == "localhost" or host.endswith(".localhost"):
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
    raise InsecurePlatformURL(
        f"平台地址必须使用 https://（仅本机回环地址可用 http://）the platform URL must be https:// "
        f"(http:// only for 127.0.0.0/8, ::1 or localhost): {url!r}")


@dataclass(frozen=True)
class ClockAlarm:
    """A correction of the platform clock that was refused because it is larger than the bound."""

    at: float  #: Unix time (machine clock) when it was refused
    offset_s: float  #: the offset the clock kept
    proposed_offset_s: float  #: the offset the platform's verified Date asked for
    bound_s: float
    status: int  #: of the answer that carried the Date

    @property
    def step_s(self) -> float:
        return self.proposed_offset_s - self.offset_s

    def message(self) -> str:
        return (f"平台时间与本机相差过大，时钟未调整 clock not moved: the platform's verified time asks for a step "
                f"of {self.step_s:+.0f} s, more than the bound of {self.bound_s:.0f} s")

    def payload(self) -> dict[str, Any]:
        """The ``sync.clock_alarm`` journal payload (integers: no floats in payloads)."""
        return {"offset_s": round(self.offset_s), "proposed_offset_s": round(self.proposed_offset_s),
                "step_s": round(self.step_s), "bound_s": round(self.bound_s), "status": self.status}


@dataclass(frozen=True)
class FeedPage:
    """One answer of ``GET /feeds/{feed}``."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    has_more: bool
    server_time: str | None


@dataclass(frozen=True)
class RecordResult:
    """The platform's verdict on one record."""

    record_key: str
    status: str  #: accepted, duplicate, rejected
    code: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class RecordsReply:
    """The answer of ``POST /records``."""

    results: list[RecordResult]
    next_expected_seq: int
    receipt: dict[str, Any] | None = None  #: §7.5, checked (its signature too, with the platform key)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class PlatformClient:
    """Signed, timed requests to one platform for one journal.

    Args:
        base_url: e.g. ``https://ggzy.example.gov.cn/hall-api/v1`` (paths are appended).
        journal_id: the ``keyid`` of every signature.
        secret: the journal secret, raw bytes (decoded from the provisioned base64).
        clock: the platform clock to keep in step; a new one when None.
        timeout: seconds for connect and for each read of every request.
        session: the HTTP session to reuse (a new one, closed by :meth:`close`, when None).
        public_key: the platform's Ed25519 key (§7.5); None: answers are not verified (v1).
        max_clock_step_s: the largest clock correction taken in one step (None: unbounded).
        max_response_bytes: answers larger than this fail with ``ResponseTooLarge``.
        deadline_s: the whole of one request, answer read to its end, must fit in this.

    Raises:
        InsecurePlatformURL: ``base_url`` is not https:// and not a loopback address.
    """

    def __init__(
        self,
        base_url: str,
        journal_id: str,
        secret: bytes,
        clock: PlatformClock | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
        *,
        public_key: Ed25519PublicKey | None = None,
        max_clock_step_s: float | None = MAX_CLOCK_STEP_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        if not base_url:
            raise ValueError("no platform URL configured ([platform] url or --platform-url)")
        if not journal_id:
            raise ValueError("no journal id configured ([platform] journal_id or --journal-id)")
        check_platform_url(base_url)
        self.base_url = base_url.rstrip("/")
        self.public_key = public_key
        self.max_clock_step_s = max_clock_step_s
        self.max_response_bytes = max_response_bytes
        self.deadline_s = deadline_s
        #: "absent" (no key configured), "verified" (the last answer verified) or "failing"
        self.key_state = "absent" if public_key is None else "verified"
        self.key_error: str | None = None  #: why the last answer was rejected, while failing
        self.verified_answers = 0
        self.clock_alarm: ClockAlarm | None = None  #: the latest refused correction, if any
        self.journal_id = journal_id
        self._secret = secret
        self.clock = clock or PlatformClock()
        self.timeout = timeout
        self._owns_session = session is None
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept-Encoding"] = "identity"  # the size cap counts what arrives
        self._lock = threading.Lock()
        self.requests_sent = 0
        self.last_response_at: float | None = None  #: monotonic time of the last answer

    # --- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP session if this client made it."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The full URL of ``path`` (relative to the base URL) with a query."""
        url = self.base_url + path
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        if clean:
            url += "?" + urlencode(clean, quote_via=quote, safe="")
        return url

    def _created(self) -> int:
        return int(self.clock.now().timestamp())

    def _learn_clock(self, response: requests.Response, sent_at: float) -> None:
        """Take the platform's time from a verified answer's ``Date``, by a bounded step.

        Called only after the answer verified (with a key); without a key only for answers
        below 500. A step larger than ``max_clock_step_s`` is refused: :attr:`clock_alarm`.
        """
        if self.public_key is None and response.status_code >= 500:
            return
        date = response.headers.get("Date")
        if not date:
            return
        try:
            platform = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            return
        received = time.time()
        # Date has whole seconds (truncated): at some instant between sending and receiving, the
        # platform's time was in [date, date + 1), so the offset is in [date − received, date + 1 − sent).
        # The clock intersects that with what earlier answers proved; the middle is the offset taken.
        low, high = self.clock.bounds_with(platform - received, platform + 1.0 - sent_at, received)
        proposed = (low + high) / 2
        current = self.clock.offset_s
        bound = self.max_clock_step_s
        if bound is not None and abs(proposed - current) > bound:
            with self._lock:
                self.clock_alarm = ClockAlarm(time.time(), current, proposed, bound, response.status_code)
            log.warning("platform clock step of %+.0f s refused (bound %.0f s)", proposed - current, bound)
            return
        self.clock.set_offset(proposed, (low, high, received))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        content_type: str = "application/json",
        ok: tuple[int, ...] = (200,),
    ) -> requests.Response:
        """Send one signed request; return the response when its status is in ``ok``.

        A ``401 clock-skew`` answer is retried once after taking the platform's clock from its
        ``Date`` header.

        Raises:
            PlatformError: the typed error of the answer (``sync.errors``), or TransportError.
        """
        for attempt in (1, 2):
            response = self._send(method, path, params, body, content_type)
            if response.status_code in ok:
                return response
            error = self._error(response)
            if attempt == 1 and error.status == 401 and error.code == "clock-skew":
                log.warning("platform says our clock is off; corrected offset to %.1f s", self.clock.offset_s)
                continue
            raise error
        raise AssertionError("unreachable")

    def _send(
        self, method: str, path: str, params: dict[str, Any] | None, body: bytes | None, content_type: str
    ) -> requests.Response:
        headers: dict[str, str] = {}
        if body is not None:
            headers["Content-Type"] = content_type
        prepared = self.session.prepare_request(
            requests.Request(method, self.url(path, params), headers=headers, data=body)
        )
        assert prepared.url is not None
        signed = sign_request(
            method, prepared.url, {}, body, keyid=self.journal_id, secret=self._secret, created=self._created()
        )
        prepared.headers.update(signed)
        sent_at = time.time()
        deadline = time.monotonic() + self.deadline_s
        with self._lock:
            self.requests_sent += 1
        try:
            response = self.session.send(prepared, timeout=(self.timeout, self.timeout), stream=True)
        except requests.Timeout as exc:
            raise TransportError("timeout", None, f"{method} {path}: no answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            raise TransportError("connection", None, f"{method} {path}: {type(exc).__name__}") from exc
        try:
            response._content = self._read_body(response, deadline, f"{method} {path}")
        finally:
            response.close()
        self.last_response_at = time.monotonic()
        self._verify(response, f"{method} {path}")
        self._learn_clock(response, sent_at)
        return response

    def _read_body(self, response: requests.Response, deadline: float, what: str) -> bytes:
        """The whole body, within the size cap and the deadline (a trickle cannot hold us)."""
        cap = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > cap and response.request.method != "HEAD":
            raise ResponseTooLarge("response-too-large", response.status_code,
                                   f"{what}: the answer announces {int(declared)} bytes, more than {cap}")
        raw = response.raw
        chunks: list[bytes] = []
        total = 0
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TransportError("deadline", None, f"{what}: the answer was not complete within {self.deadline_s} s")
            sock = getattr(getattr(raw, "_connection", None), "sock", None)
            if sock is not None:
                try:
                    sock.settimeout(max(0.01, min(self.timeout, left)))
                except OSError:
                    pass
            try:
                chunk = raw.read1(65536)
            except (urllib3.exceptions.HTTPError, OSError, requests.RequestException) as exc:
                if deadline - time.monotonic() <= 0:
                    raise TransportError("deadline", None,
                                         f"{what}: the answer was not complete within {self.deadline_s} s") from exc
                raise TransportError("connection", None, f"{what}: the answer broke off ({type(exc).__name__})") from exc
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise ResponseTooLarge("response-too-large", response.status_code,
                                       f"{what}: the answer is larger than {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _verify(self, response: requests.Response, what: str) -> None:
        """With the platform key: the answer's signature and digest must verify (§7.5)."""
        if self.public_key is None:
            return
        body = response.content if response.request.method != "HEAD" else b""
        try:
            verify_response(response.status_code, response.headers, body, self.public_key)
        except SignatureError as exc:
            with self._lock:
                self.key_state = "failing"
                self.key_error = f"{exc.code}: {what}: {exc.detail}"
            log.error("platform answer rejected (%s): %s %s", exc.code, what, exc.detail)
            raise UntrustedResponse(exc.code, response.status_code, f"{what}: {exc.detail}") from exc
        with self._lock:
            self.key_state = "verified"
            self.key_error = None
            self.verified_answers += 1

    def take_clock_alarm(self) -> ClockAlarm | None:
        """The refused correction since the last call, if any (the caller journals it)."""
        with self._lock:
            alarm, self.clock_alarm = self.clock_alarm, None
            return alarm

    def _error(self, response: requests.Response) -> PlatformError:
        code, detail = f"http-{response.status_code}", response.reason or ""
        try:
            problem = json.loads(response.content.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            problem = None
        if isinstance(problem, dict):
            code = str(problem.get("code") or code)
            detail = str(problem.get("detail") or problem.get("title") or detail)
        return error_for(response.status_code, code, detail, parse_retry_after(response.headers.get("Retry-After")))

    @staticmethod
    def _json(response: requests.Response) -> dict[str, Any]:
        """The answer's JSON object; ``UnexpectedResponse`` for anything else."""
        try:
            data = json.loads(response.content.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise UnexpectedResponse("not-json", response.status_code, "the answer is not JSON") from exc
        if not isinstance(data, dict):
            raise UnexpectedResponse("bad-shape", response.status_code, "the answer is not a JSON object")
        return data

    # --- endpoints --------------------------------------------------------------------------

    def server_time(self) -> dt.datetime:
        """``GET /time``: the platform's time (the clock offset is updated as a side effect)."""
        data = self._json(self.request("GET", "/time"))
        value = data.get("server_time")
        try:
            return parse_rfc3339(value) if isinstance(value, str) else _bad("server_time is not a string")
        except ValueError as exc:
            raise UnexpectedResponse("bad-shape", 200, "server_time is not an RFC 3339 time") from exc

    def feed_page(self, feed: str, cursor: str | None = None, limit: int = 200) -> FeedPage:
        """``GET /feeds/{feed}``: one page, from ``cursor`` (the beginning when None).

        Raises:
            CursorExpired: the platform no longer knows ``cursor`` (list again without one).
        """
        data = self._json(self.request("GET", f"/feeds/{quote(feed, safe='')}", params={"cursor": cursor, "limit": limit}))
        items = data.get("items")
        if not isinstance(items, list):
            raise UnexpectedResponse("bad-feed-page", 200, "feed page without items")
        cursor, more, when = data.get("next_cursor"), data.get("has_more", False), data.get("server_time")
        if not (cursor is None or isinstance(cursor, str)) or not isinstance(more, bool) or not (
                when is None or isinstance(when, str)):
            raise UnexpectedResponse("bad-feed-page", 200, "next_cursor, has_more or server_time of the wrong type")
        return FeedPage(items, cursor, more, when)

    def decrypt(self, session_id: str) -> None:
        """``POST /sessions/{id}/decrypt``: ask the platform to start decrypting the bids.

        Raises:
            Conflict: ``too-early`` before the session's start.
        """
        self.request("POST", f"/sessions/{quote(session_id, safe='')}/decrypt", body=b"{}", ok=(202, 200))

    @staticmethod
    def records_body(envelopes: list[dict[str, Any]]) -> bytes:
        """The UTF-8 JSON body of ``POST /records`` for ``envelopes``."""
        return json.dumps({"records": envelopes}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def post_records(self, envelopes: list[dict[str, Any]]) -> RecordsReply:
        """``POST /records`` with up to 500 envelopes (≤ 4 MiB); one result per record, in order."""
        data = self._json(self.request("POST", "/records", body=self.records_body(envelopes)))
        results = data.get("results")
        if not isinstance(results, list) or len(results) != len(envelopes):
            raise UnexpectedResponse("bad-results", 200, "results do not match the records sent")
        out = []
        for r in results:
            if not isinstance(r, dict) or not isinstance(r.get("record_key"), str) or not isinstance(r.get("status"), str):
                raise UnexpectedResponse("bad-results", 200, "a result is not {record_key, status, …}")
            code, detail = r.get("code"), r.get("detail")
            out.append(RecordResult(r["record_key"], r["status"], code if isinstance(code, str) else None,
                                    detail if isinstance(detail, str) else None))
        expected = data.get("next_expected_seq")
        if not isinstance(expected, int) or isinstance(expected, bool) or expected < 1:
            raise UnexpectedResponse("bad-results", 200, "next_expected_seq is not a positive integer")
        receipt = self._receipt(data.get("receipt"))
        return RecordsReply(out, expected, receipt)

    def _receipt(self, value: Any) -> dict[str, Any] | None:
        """A §7.5 receipt checked for shape and journal, and for its signature with the key."""
        if value is None:
            return None
        try:
            receipt = parse_receipt(value)
        except ReceiptError as exc:
            raise UnexpectedResponse("bad-receipt", 200, str(exc)) from exc
        if receipt["journal_id"] != self.journal_id:
            raise UnexpectedResponse("bad-receipt", 200, f"a receipt for journal {receipt['journal_id']!r}")
        if self.public_key is not None and not verify_receipt(receipt, self.public_key):
            with self._lock:
                self.key_state = "failing"
                self.key_error = f"receipt-invalid: receipt of seq {receipt['seq']} does not verify"
            raise UntrustedResponse("receipt-invalid", 200, f"the receipt of seq {receipt['seq']} does not verify")
        return receipt

    def latest_receipt(self) -> dict[str, Any] | None:
        """``GET /receipts/latest``: the platform's latest receipt of this journal, None before any."""
        response = self.request("GET", "/receipts/latest", ok=(200, 404))
        if response.status_code == 404:
            return None
        return self._receipt(self._json(response))

    def head_blob(self, sha256: str) -> int | None:
        """``HEAD /blobs/{sha256}``: the stored size, or None when the platform lacks the file."""
        response = self.request("HEAD", f"/blobs/{sha256}", ok=(200, 404))
        if response.status_code == 404:
            return None
        size = (response.headers.get("Content-Length") or "0").strip()
        if not size.isdigit():
            raise UnexpectedResponse("bad-shape", 200, "Content-Length is not a number")
        return int(size)

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """``PUT /blobs/{sha256}``; True when stored now (201), False when it was there (200).

        Raises:
            Unprocessable: ``blob-mismatch`` (the bytes do not hash to ``sha256``).
        """
        response = self.request(
            "PUT", f"/blobs/{sha256}", body=data, content_type="application/octet-stream", ok=(200, 201)
        )
        return response.status_code == 201

    def get_blob(self, sha256: str) -> bytes | None:
        """``GET /blobs/{sha256}`` (§7.2): a file the platform holds for this journal (a reference photo),
        checked against its SHA-256; None when the platform has none for us (404).

        Raises:
            UnexpectedResponse: ``blob-mismatch``: the bytes do not hash to ``sha256`` (not to be used).
        """
        response = self.request("GET", f"/blobs/{quote(sha256, safe='')}", ok=(200, 404))
        if response.status_code == 404:
            return None
        data = response.content
        if hashlib.sha256(data).hexdigest() != sha256.lower():
            raise UnexpectedResponse("blob-mismatch", 200, f"GET /blobs/{sha256[:12]}…: the bytes do not hash to the name")
        return data

    def missing_blobs(self) -> list[str]:
        """``GET /blobs/missing``: files that records of this journal name and the platform lacks."""
        data = self._json(self.request("GET", "/blobs/missing"))
        names = data.get("sha256", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise UnexpectedResponse("bad-shape", 200, "sha256 is not a list of strings")
        return list(names)


def _bad(detail: str) -> Any:
    raise UnexpectedResponse("bad-shape", 200, detail)


class PlatformKeyError(ValueError):
    """The platform key file is missing or not an Ed25519 public key; the message says which."""


def read_public_key(path: str) -> Ed25519PublicKey:
    """The platform's public key from ``path`` (base64 of the 32 raw bytes, §7.5).

    Raises:
        PlatformKeyError: with a zh + en message naming the file.
    """
    from pathlib import Path

    from sync.signing import load_public_key

    try:
        return load_public_key(Path(path).read_bytes())
    except FileNotFoundError as exc:
        raise PlatformKeyError(f"平台公钥文件不存在 platform key file {path} does not exist") from exc
    except ValueError as exc:
        raise PlatformKeyError(f"平台公钥文件无效 platform key file {path}: {exc}") from exc


def client_from_config(platform: Any, journal_id: str, secret: bytes, clock: PlatformClock | None = None, *,
                       url: str | None = None, key_file: str | None = None, timeout: float | None = None) -> PlatformClient:
    """A client with the bounds and key of ``[platform]`` (``kiosk.config.PlatformConfig``).

    ``url``, ``key_file`` and ``timeout`` override the config (command-line options).

    Raises:
        InsecurePlatformURL, PlatformKeyError: with a message naming what to fix.
    """
    key_path = key_file or platform.public_key_file
    return PlatformClient(
        url or platform.url, journal_id, secret, clock, timeout=timeout or platform.timeout_seconds,
        public_key=read_public_key(key_path) if key_path else None,
        max_clock_step_s=platform.max_clock_step_s, max_response_bytes=platform.max_response_bytes,
        deadline_s=platform.deadline_seconds,
    )
