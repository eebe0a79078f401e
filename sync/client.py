"""The client of the central platform's hall interface (docs/platform-api.md).

:class:`PlatformClient` speaks every endpoint of the contract over one ``requests.Session``
(connections are reused), signs every request (RFC 9421, ``sync.signing``), puts a timeout on
every call, learns the platform's clock from every response's ``Date`` header
(``kiosk.clock.PlatformClock.set_offset``), retries once after a ``401 clock-skew`` with the
corrected clock, and turns problem bodies into the typed errors of ``sync.errors``.

It does not retry anything else: what to do after an error is the caller's policy
(``sync.push``, ``sync.pull``), as the contract's tables say.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests

from kiosk.clock import PlatformClock
from kiosk.timeutil import parse_rfc3339
from sync.errors import PlatformError, TransportError, UnexpectedResponse, error_for
from sync.signing import sign_request

log = logging.getLogger(__name__)

USER_AGENT = "hall-kiosk/0.1"


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
    """

    def __init__(
        self,
        base_url: str,
        journal_id: str,
        secret: bytes,
        clock: PlatformClock | None = None,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("no platform URL configured ([platform] url or --platform-url)")
        if not journal_id:
            raise ValueError("no journal id configured ([platform] journal_id or --journal-id)")
        self.base_url = base_url.rstrip("/")
        self.journal_id = journal_id
        self._secret = secret
        self.clock = clock or PlatformClock()
        self.timeout = timeout
        self._owns_session = session is None
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
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
        date = response.headers.get("Date")
        if not date:
            return
        try:
            platform = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        local = (sent_at + time.time()) / 2
        # Date has whole seconds (truncated): the platform's time was in [date, date + 1).
        self.clock.set_offset(platform + 0.5 - local)

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
        with self._lock:
            self.requests_sent += 1
        try:
            response = self.session.send(prepared, timeout=(self.timeout, self.timeout))
        except requests.Timeout as exc:
            raise TransportError("timeout", None, f"{method} {path}: no answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            raise TransportError("connection", None, f"{method} {path}: {type(exc).__name__}") from exc
        self.last_response_at = time.monotonic()
        self._learn_clock(response, sent_at)
        return response

    def _error(self, response: requests.Response) -> PlatformError:
        code, detail = f"http-{response.status_code}", response.reason or ""
        try:
            problem = response.json()
        except ValueError:
            problem = None
        if isinstance(problem, dict):
            code = str(problem.get("code") or code)
            detail = str(problem.get("detail") or problem.get("title") or detail)
        return error_for(response.status_code, code, detail, parse_retry_after(response.headers.get("Retry-After")))

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise UnexpectedResponse("not-json", response.status_code, "the answer is not JSON") from exc

    # --- endpoints --------------------------------------------------------------------------

    def server_time(self) -> dt.datetime:
        """``GET /time``: the platform's time (the clock offset is updated as a side effect)."""
        data = self._json(self.request("GET", "/time"))
        return parse_rfc3339(str(data["server_time"]))

    def feed_page(self, feed: str, cursor: str | None = None, limit: int = 200) -> FeedPage:
        """``GET /feeds/{feed}``: one page, from ``cursor`` (the beginning when None).

        Raises:
            CursorExpired: the platform no longer knows ``cursor`` (list again without one).
        """
        data = self._json(self.request("GET", f"/feeds/{quote(feed, safe='')}", params={"cursor": cursor, "limit": limit}))
        items = data.get("items")
        if not isinstance(items, list):
            raise UnexpectedResponse("bad-feed-page", 200, "feed page without items")
        return FeedPage(items, data.get("next_cursor"), bool(data.get("has_more")), data.get("server_time"))

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
        return RecordsReply(
            [
                RecordResult(str(r.get("record_key")), str(r.get("status")), r.get("code"), r.get("detail"))
                for r in results
            ],
            int(data["next_expected_seq"]),
        )

    def head_blob(self, sha256: str) -> int | None:
        """``HEAD /blobs/{sha256}``: the stored size, or None when the platform lacks the file."""
        response = self.request("HEAD", f"/blobs/{sha256}", ok=(200, 404))
        if response.status_code == 404:
            return None
        return int(response.headers.get("Content-Length") or 0)

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """``PUT /blobs/{sha256}``; True when stored now (201), False when it was there (200).

        Raises:
            Unprocessable: ``blob-mismatch`` (the bytes do not hash to ``sha256``).
        """
        response = self.request(
            "PUT", f"/blobs/{sha256}", body=data, content_type="application/octet-stream", ok=(200, 201)
        )
        return response.status_code == 201

    def missing_blobs(self) -> list[str]:
        """``GET /blobs/missing``: files that records of this journal name and the platform lacks."""
        data = self._json(self.request("GET", "/blobs/missing"))
        return [str(s) for s in data.get("sha256", [])]
