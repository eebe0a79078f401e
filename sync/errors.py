"""Typed errors of the platform interface: one class per class of docs/platform-api.md §6.

Every error carries the problem ``code``, the HTTP ``status`` (None for transport failures) and
``retry_after`` (seconds, from the ``Retry-After`` header, when given).
"""

from __future__ import annotations


class PlatformError(Exception):
    """Any failure talking to the platform.

    Attributes:
        code: the problem body's ``code`` (``"bad-request"``, ``"clock-skew"``, …) or a local one.
        status: the HTTP status, or None when no answer came.
        detail: the problem's ``detail`` or the local reason.
        retry_after: seconds the platform asked us to wait, if it did.
    """

    transient = False

    def __init__(self, code: str, status: int | None, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{status or '-'} {code}: {detail}".strip())
        self.code = code
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


class BadRequest(PlatformError):
    """400: malformed JSON or batch — a bug on our side; do not resend the same bytes."""


class AuthError(PlatformError):
    """401: unknown journal, bad signature or digest, replayed nonce, clock skew."""


class NotFound(PlatformError):
    """404: unknown feed, session or blob."""


class Conflict(PlatformError):
    """409: e.g. ``too-early`` (decryption before the session's start)."""


class CursorExpired(PlatformError):
    """410 ``cursor-expired``: list the feed again from the beginning."""


class PayloadTooLarge(PlatformError):
    """413: the batch is over 500 records or 4 MiB; split it."""


class Unprocessable(PlatformError):
    """422: e.g. ``blob-mismatch``."""


class Throttled(PlatformError):
    """429 or 503: wait at least ``retry_after`` seconds."""

    transient = True


class ServerError(PlatformError):
    """500, 502, 504 (or another 5xx): transient, retry with backoff."""

    transient = True


class TransportError(PlatformError):
    """No usable answer: timeout, connection refused or reset, answer lost. Transient."""

    transient = True


class UnexpectedResponse(PlatformError):
    """A status or body the contract does not describe (wrong JSON shape: code ``bad-shape``)."""


class ResponseTooLarge(UnexpectedResponse):
    """The answer is larger than ``[platform] max_response_bytes``; it was not read to the end."""


class UntrustedResponse(PlatformError):
    """The answer's platform signature or ``Content-Digest`` does not verify (docs/platform-api.md §7.5).

    Nothing of it was used: not its body, not its ``Date``. ``code`` is ``response-unsigned``,
    ``response-signature-invalid``, ``response-digest-mismatch`` or ``receipt-invalid``.
    """

    def message(self) -> str:
        """One line for an operator, Chinese then English."""
        return f"平台应答签名无效，已拒收 platform answer rejected ({self.code}): {self.detail}"


class InsecurePlatformURL(ValueError):
    """A platform URL that is not ``https://`` and not a loopback address."""


BY_STATUS: dict[int, type[PlatformError]] = {
    400: BadRequest,
    401: AuthError,
    404: NotFound,
    409: Conflict,
    410: CursorExpired,
    413: PayloadTooLarge,
    422: Unprocessable,
    429: Throttled,
    500: ServerError,
    502: ServerError,
    504: ServerError,
}


def error_for(status: int, code: str, detail: str, retry_after: float | None) -> PlatformError:
    """The typed error for an HTTP error answer."""
    if status == 503:
        cls: type[PlatformError] = Throttled if retry_after is not None else ServerError
    else:
        cls = BY_STATUS.get(status, ServerError if status >= 500 else UnexpectedResponse)
    return cls(code, status, detail, retry_after)
