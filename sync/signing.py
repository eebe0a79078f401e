"""RFC 9421 HTTP Message Signatures and RFC 9530 Content-Digest (docs/platform-api.md §1, §7.5).

Requests are signed by the hall (hmac-sha256, label ``sig1``); responses by the platform (Ed25519,
label ``psig``: :func:`sign_response` in the sandbox, :func:`verify_response` in the client).

The client signs every request with :func:`sign_request`; the sandbox platform checks it with
:func:`verify_request`. The signature base is built exactly as RFC 9421 §2.5 says: one line per
covered component, ``"<name>": <value>``, then ``"@signature-params": <inner list + params>``,
lines joined by a single LF with no trailing newline. Derived components supported: ``@method``,
``@target-uri``, ``@authority``, ``@scheme``, ``@path``, ``@query``, ``@request-target``; any
other name is an HTTP field (lower-cased, values trimmed, repeated fields joined by ``", "``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

LABEL = "sig1"
ALG = "hmac-sha256"
NONCE_MIN = 16


class SignatureError(ValueError):
    """A request's signature or digest does not verify; ``code`` is the platform's 401 code."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


# --- RFC 9530 -------------------------------------------------------------------------------


def content_digest(body: bytes) -> str:
    """``sha-256=:<base64>:`` of ``body`` (RFC 9530 §2, a Structured Field dictionary)."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") + ":"


def check_content_digest(header: str | None, body: bytes) -> None:
    """Raise ``SignatureError("digest-mismatch")`` unless ``header`` has the body's sha-256.

    Other algorithms in the dictionary are ignored; a sha-256 member is required.
    """
    if not header:
        raise SignatureError("digest-mismatch", "Content-Digest is missing on a request with a body")
    want = hashlib.sha256(body).digest()
    for member in header.split(","):
        name, _, value = member.strip().partition("=")
        if name.strip().lower() != "sha-256":
            continue
        m = re.fullmatch(r":([A-Za-z0-9+/=]*):", value.strip())
        if not m:
            raise SignatureError("digest-mismatch", "Content-Digest sha-256 is not a byte sequence")
        try:
            got = base64.b64decode(m.group(1), validate=True)
        except ValueError as exc:
            raise SignatureError("digest-mismatch", "Content-Digest is not base64") from exc
        if not hmac.compare_digest(got, want):
            raise SignatureError("digest-mismatch", "Content-Digest does not match the body")
        return
    raise SignatureError("digest-mismatch", "Content-Digest has no sha-256 member")


# --- RFC 9421 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureParams:
    """The parameters of one signature (``Signature-Input`` member)."""

    components: tuple[str, ...]
    params: tuple[tuple[str, str | int], ...]  #: in order, e.g. (("created", 1), ("keyid", "x"))

    def serialize(self) -> str:
        """The inner list with parameters, as in ``Signature-Input`` and ``@signature-params``."""
        inner = "(" + " ".join(_sf_string(c) for c in self.components) + ")"
        out = [inner]
        for name, value in self.params:
            out.append(f";{name}={value}" if isinstance(value, int) else f";{name}={_sf_string(value)}")
        return "".join(out)

    def get(self, name: str) -> str | int | None:
        for k, v in self.params:
            if k == name:
                return v
        return None


def _sf_string(value: str) -> str:
    if any(ord(c) < 0x20 or ord(c) > 0x7E for c in value):
        raise ValueError(f"not an sf-string: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def component_value(name: str, method: str, url: str, headers: Mapping[str, str]) -> str:
    """The value of one covered component of a request (RFC 9421 §2.1–2.2)."""
    parts = urlsplit(url)
    if name == "@method":
        return method.upper()
    if name == "@target-uri":
        return url
    if name == "@authority":
        host = (parts.hostname or "").lower()
        port = parts.port
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        return host if port is None or port == default else f"{host}:{port}"
    if name == "@scheme":
        return parts.scheme.lower()
    if name == "@path":
        return parts.path or "/"
    if name == "@query":
        return "?" + parts.query
    if name == "@request-target":
        return (parts.path or "/") + (("?" + parts.query) if parts.query else "")
    if name.startswith("@"):
        raise SignatureError("signature-invalid", f"unsupported derived component {name}")
    lower = {k.lower(): v for k, v in headers.items()}
    if name not in lower:
        raise SignatureError("signature-invalid", f"covered field {name!r} is missing")
    return lower[name].strip()


def signature_base(method: str, url: str, headers: Mapping[str, str], params: SignatureParams) -> str:
    """The RFC 9421 §2.5 signature base for a request."""
    lines = [
        f"{_sf_string(name)}: {component_value(name, method, url, headers)}" for name in params.components
    ]
    lines.append(f'"@signature-params": {params.serialize()}')
    return "\n".join(lines)


def hmac_sha256(key: bytes, base: str) -> bytes:
    """HMAC-SHA256 over the UTF-8 signature base (RFC 9421 §3.3.3)."""
    return hmac.new(key, base.encode("utf-8"), hashlib.sha256).digest()


def sign_request(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes | None,
    *,
    keyid: str,
    secret: bytes,
    created: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Add ``Content-Digest`` (when there is a body), ``Signature-Input`` and ``Signature``.

    Args:
        method: HTTP method.
        url: the full target URI exactly as sent (scheme, host, port, path, query).
        headers: the request headers; updated in place and returned.
        body: the request body, or None for a bodiless request.
        keyid: the journal id.
        secret: the journal secret (raw bytes).
        created: Unix seconds (the platform-corrected clock); now when None.
        nonce: ≥ 16 characters; a random one when None.
    """
    components: tuple[str, ...] = ("@method", "@target-uri")
    if body:
        headers["Content-Digest"] = content_digest(body)
        components += ("content-digest",)
    params = SignatureParams(
        components,
        (
            ("created", int(time.time()) if created is None else int(created)),
            ("keyid", keyid),
            ("alg", ALG),
            ("nonce", nonce or secrets.token_urlsafe(18)),
        ),
    )
    base = signature_base(method, url, headers, params)
    sig = base64.b64encode(hmac_sha256(secret, base)).decode("ascii")
    headers["Signature-Input"] = f"{LABEL}={params.serialize()}"
    headers["Signature"] = f"{LABEL}=:{sig}:"
    return headers


# --- parsing and verifying -------------------------------------------------------------------

_PARAM_RE = re.compile(r';\s*([a-z*][a-z0-9_.*-]*)=(?:"((?:[^"\\]|\\.)*)"|(-?\d+))')


def parse_signature_input(header: str) -> dict[str, SignatureParams]:
    """Parse a ``Signature-Input`` dictionary of inner lists with parameters."""
    out: dict[str, SignatureParams] = {}
    pos = 0
    while pos < len(header):
        m = re.compile(r'\s*([a-z*][a-z0-9_.*-]*)=\(([^)]*)\)').match(header, pos)
        if not m:
            raise SignatureError("signature-invalid", "malformed Signature-Input")
        label, inner = m.group(1), m.group(2)
        components = tuple(re.findall(r'"((?:[^"\\]|\\.)*)"', inner))
        if inner.strip() and " ".join(f'"{c}"' for c in components) != " ".join(inner.split()):
            raise SignatureError("signature-invalid", "malformed component list")
        pos = m.end()
        params: list[tuple[str, str | int]] = []
        while True:
            pm = _PARAM_RE.match(header, pos)
            if not pm:
                break
            if pm.group(3) is not None:
                params.append((pm.group(1), int(pm.group(3))))
            else:
                params.append((pm.group(1), re.sub(r"\\(.)", r"\1", pm.group(2))))
            pos = pm.end()
        out[label] = SignatureParams(components, tuple(params))
        rest = header[pos:].lstrip()
        if rest.startswith(","):
            pos = len(header) - len(rest) + 1
        elif rest:
            raise SignatureError("signature-invalid", "malformed Signature-Input")
        else:
            break
    return out


def parse_signature(header: str) -> dict[str, bytes]:
    """Parse a ``Signature`` dictionary of byte sequences."""
    out: dict[str, bytes] = {}
    for member in header.split(","):
        m = re.fullmatch(r"\s*([a-z*][a-z0-9_.*-]*)=:([A-Za-z0-9+/=]*):\s*", member)
        if not m:
            raise SignatureError("signature-invalid", "malformed Signature")
        try:
            out[m.group(1)] = base64.b64decode(m.group(2), validate=True)
        except ValueError as exc:
            raise SignatureError("signature-invalid", "Signature is not base64") from exc
    return out


@dataclass(frozen=True)
class Verified:
    """What a verified signature says."""

    keyid: str
    created: int
    nonce: str


def verify_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    lookup: Callable[[str], bytes | None],
) -> Verified:
    """Check a request's signature (platform side). Freshness and nonces are the caller's.

    Args:
        method: the request method.
        url: the target URI as the server reconstructs it (scheme, Host, path, query).
        headers: the request headers.
        body: the body as received (may be empty).
        lookup: journal id → its secret, or None when unknown.

    Raises:
        SignatureError: with code ``unknown-journal``, ``signature-invalid`` or ``digest-mismatch``.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    if "signature-input" not in lower or "signature" not in lower:
        raise SignatureError("signature-invalid", "request is not signed")
    inputs = parse_signature_input(lower["signature-input"])
    sigs = parse_signature(lower["signature"])
    if LABEL not in inputs or LABEL not in sigs:
        raise SignatureError("signature-invalid", f"no signature labelled {LABEL}")
    params = inputs[LABEL]
    keyid, created, nonce, alg = params.get("keyid"), params.get("created"), params.get("nonce"), params.get("alg")
    if not isinstance(keyid, str) or not isinstance(created, int):
        raise SignatureError("signature-invalid", "keyid and created are required")
    if alg != ALG:
        raise SignatureError("signature-invalid", f"alg must be {ALG}")
    if not isinstance(nonce, str) or len(nonce) < NONCE_MIN:
        raise SignatureError("signature-invalid", f"nonce of at least {NONCE_MIN} characters is required")
    required: Sequence[str] = ("@method", "@target-uri", "content-digest") if body else ("@method", "@target-uri")
    if any(c not in params.components for c in required):
        raise SignatureError("signature-invalid", f"signature must cover {' '.join(required)}")
    secret = lookup(keyid)
    if secret is None:
        raise SignatureError("unknown-journal", f"no journal {keyid!r}")
    if body:
        check_content_digest(lower.get("content-digest"), body)
    base = signature_base(method, url, headers, params)
    if not hmac.compare_digest(hmac_sha256(secret, base), sigs[LABEL]):
        raise SignatureError("signature-invalid", "signature does not verify")
    return Verified(keyid=keyid, created=created, nonce=nonce)


# --- platform responses (docs/platform-api.md §7.5) -------------------------------------------

RESPONSE_LABEL = "psig"
RESPONSE_ALG = "ed25519"


def load_public_key(data: bytes | str) -> Ed25519PublicKey:
    """The platform's Ed25519 public key from its base64 form (32 raw bytes), as handed over.

    Raises:
        ValueError: not base64, or not 32 bytes.
    """
    text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValueError("the platform key is not base64") from exc
    if len(raw) != 32:
        raise ValueError(f"the platform key holds {len(raw)} bytes; an Ed25519 public key is 32")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_b64(key: Ed25519PublicKey) -> str:
    """The base64 of the 32 raw bytes of ``key`` (the form a hall is handed)."""
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def response_base(status: int, headers: Mapping[str, str], params: SignatureParams) -> str:
    """The RFC 9421 §2.5 signature base of a response (``@status`` and header fields only)."""
    lower = {k.lower(): v for k, v in headers.items()}
    lines = []
    for name in params.components:
        if name == "@status":
            value = str(int(status))
        elif name.startswith("@"):
            raise SignatureError("response-signature-invalid", f"unsupported response component {name}")
        elif name not in lower:
            raise SignatureError("response-signature-invalid", f"covered field {name!r} is missing")
        else:
            value = lower[name].strip()
        lines.append(f"{_sf_string(name)}: {value}")
    lines.append(f'"@signature-params": {params.serialize()}')
    return "\n".join(lines)


def sign_response(status: int, headers: dict[str, str], body: bytes, *, key: Ed25519PrivateKey, keyid: str,
                  created: int) -> dict[str, str]:
    """Add ``Content-Digest`` (with a body), ``Signature-Input`` and ``Signature`` to a response's headers.

    ``headers`` must already hold ``Date``; it is updated in place and returned.
    """
    components: tuple[str, ...] = ("@status", "date")
    if body:
        headers["Content-Digest"] = content_digest(body)
        components += ("content-digest",)
    params = SignatureParams(components, (("created", int(created)), ("keyid", keyid), ("alg", RESPONSE_ALG)))
    sig = key.sign(response_base(status, headers, params).encode("utf-8"))
    headers["Signature-Input"] = f"{RESPONSE_LABEL}={params.serialize()}"
    headers["Signature"] = f"{RESPONSE_LABEL}=:{base64.b64encode(sig).decode('ascii')}:"
    return headers


@dataclass(frozen=True)
class VerifiedResponse:
    """What a verified response signature says."""

    keyid: str
    created: int


def verify_response(status: int, headers: Mapping[str, str], body: bytes, key: Ed25519PublicKey) -> VerifiedResponse:
    """Check a platform response's signature and digest (client side, §7.5).

    The signature must be labelled ``psig``, alg ``ed25519``, cover ``@status`` and ``date`` and,
    when there is a body, ``content-digest``, whose value must match the body.

    Raises:
        SignatureError: code ``response-unsigned``, ``response-signature-invalid`` or
            ``response-digest-mismatch``.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    if "signature-input" not in lower or "signature" not in lower:
        raise SignatureError("response-unsigned", "the response carries no platform signature")
    try:
        inputs = parse_signature_input(lower["signature-input"])
        sigs = parse_signature(lower["signature"])
    except SignatureError as exc:
        raise SignatureError("response-signature-invalid", exc.detail) from exc
    if RESPONSE_LABEL not in inputs or RESPONSE_LABEL not in sigs:
        raise SignatureError("response-unsigned", f"no signature labelled {RESPONSE_LABEL}")
    params = inputs[RESPONSE_LABEL]
    keyid, created, alg = params.get("keyid"), params.get("created"), params.get("alg")
    if not isinstance(keyid, str) or not isinstance(created, int) or alg != RESPONSE_ALG:
        raise SignatureError("response-signature-invalid", "keyid, created and alg=\"ed25519\" are required")
    required = ("@status", "date", "content-digest") if body else ("@status", "date")
    if any(c not in params.components for c in required):
        raise SignatureError("response-signature-invalid", f"the signature must cover {' '.join(required)}")
    if body:
        try:
            check_content_digest(lower.get("content-digest"), body)
        except SignatureError as exc:
            raise SignatureError("response-digest-mismatch", exc.detail) from exc
    try:
        key.verify(sigs[RESPONSE_LABEL], response_base(status, headers, params).encode("utf-8"))
    except InvalidSignature as exc:
        raise SignatureError("response-signature-invalid", "the signature does not verify with the platform key") from exc
    return VerifiedResponse(keyid=keyid, created=created)
