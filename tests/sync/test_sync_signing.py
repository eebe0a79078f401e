"""RFC 9421 signatures and RFC 9530 digests: the RFC's own example, round trips, tampering on the wire."""

from __future__ import annotations

import base64
import hashlib
import time

import pytest
import requests

from kiosk.clock import PlatformClock
from sync.client import PlatformClient
from sync.errors import AuthError
from sync.sandbox import SandboxServer
from sync.signing import (
    SignatureError,
    SignatureParams,
    check_content_digest,
    content_digest,
    hmac_sha256,
    sign_request,
    signature_base,
    verify_request,
)

JID = "NM-HHHT-HALL1"

# RFC 9421 Appendix B.1.5 (shared secret) and B.2.5 (signing a request using hmac-sha256).
RFC_SECRET = base64.b64decode(
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="
)


def test_rfc9421_appendix_b25_hmac_example() -> None:
    params = SignatureParams(("date", "@authority", "content-type"),
                             (("created", 1618884473), ("keyid", "test-shared-secret")))
    headers = {"Host": "example.com", "Date": "Tue, 20 Apr 2021 02:07:55 GMT", "Content-Type": "application/json"}
    base = signature_base("POST", "https://example.com/foo?param=Value&Pet=dog", headers, params)
    assert base == (
        '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
        '"@authority": example.com\n'
        '"content-type": application/json\n'
        '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'
    )
    assert base64.b64encode(hmac_sha256(RFC_SECRET, base)).decode() == "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8="


def test_rfc9530_content_digest_example() -> None:
    # RFC 9530 §2: {"hello": "world"} followed by a newline
    body = b'{"hello": "world"}\n'
    assert content_digest(body) == "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
    check_content_digest("sha-512=:AAAA:, " + content_digest(body), body)
    with pytest.raises(SignatureError) as exc:
        check_content_digest(content_digest(body), body + b" ")
    assert exc.value.code == "digest-mismatch"


def test_signature_base_layout_of_a_platform_request() -> None:
    secret = b"k" * 32
    url = "http://127.0.0.1:8080/hall-api/v1/records"
    body = b'{"records":[]}'
    headers = sign_request("POST", url, {}, body, keyid=JID, secret=secret, created=1795000000,
                           nonce="abcdefghijklmnop")
    assert headers["Content-Digest"] == "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
    assert headers["Signature-Input"] == (
        'sig1=("@method" "@target-uri" "content-digest");created=1795000000;'
        'keyid="NM-HHHT-HALL1";alg="hmac-sha256";nonce="abcdefghijklmnop"'
    )
    expected_base = (
        '"@method": POST\n'
        f'"@target-uri": {url}\n'
        f'"content-digest": {headers["Content-Digest"]}\n'
        '"@signature-params": ("@method" "@target-uri" "content-digest");created=1795000000;'
        'keyid="NM-HHHT-HALL1";alg="hmac-sha256";nonce="abcdefghijklmnop"'
    )
    sig = base64.b64encode(hmac_sha256(secret, expected_base)).decode()
    assert headers["Signature"] == f"sig1=:{sig}:"
    # bodiless: no digest, two components
    get = sign_request("GET", url, {}, None, keyid=JID, secret=secret, created=1, nonce="abcdefghijklmnop")
    assert "Content-Digest" not in get
    assert get["Signature-Input"].startswith('sig1=("@method" "@target-uri");created=1;')


def test_verify_round_trip_and_tampering() -> None:
    secret = b"s" * 32
    url = "http://h:1/hall-api/v1/records?x=1"
    body = b'{"records":[1]}'
    headers = sign_request("POST", url, {}, body, keyid=JID, secret=secret)
    ok = verify_request("POST", url, headers, body, {JID: secret}.get)
    assert ok.keyid == JID and len(ok.nonce) >= 16 and abs(ok.created - time.time()) < 5
    cases = [
        ("PUT", url, headers, body, "signature-invalid"),
        ("POST", url.replace("x=1", "x=2"), headers, body, "signature-invalid"),
        ("POST", url, headers, body + b" ", "digest-mismatch"),
        ("POST", url, {**headers, "Content-Digest": content_digest(b"other")}, b"other", "signature-invalid"),
        ("POST", url, {**headers, "Signature-Input": headers["Signature-Input"].replace(JID, "OTHER")}, body,
         "unknown-journal"),
    ]
    for method, u, h, b, code in cases:
        with pytest.raises(SignatureError) as exc:
            verify_request(method, u, h, b, {JID: secret}.get)
        assert exc.value.code == code, (method, u, code)
    with pytest.raises(SignatureError):
        verify_request("POST", url, headers, body, {JID: b"x" * 32}.get)


def test_live_platform_rejects_tampered_replayed_and_skewed_requests(sandbox: SandboxServer) -> None:
    secret = sandbox.secret  # type: ignore[attr-defined]
    url = sandbox.url + "/records"
    body = b'{"records":[]}'
    with requests.Session() as http:
        # tampered body after signing
        headers = sign_request("POST", url, {"Content-Type": "application/json"}, body, keyid=JID, secret=secret)
        r = http.post(url, data=b'{"records":[{}]}', headers=headers, timeout=5)
        assert r.status_code == 401 and r.json()["code"] == "digest-mismatch"
        assert r.headers["Content-Type"] == "application/problem+json"
        # a signature over another path
        headers = sign_request("GET", sandbox.url + "/time", {}, None, keyid=JID, secret=secret)
        r = http.get(sandbox.url + "/feeds/sessions", headers=headers, timeout=5)
        assert r.status_code == 401 and r.json()["code"] == "signature-invalid"
        # a good request, then the very same request replayed
        headers = sign_request("GET", sandbox.url + "/time", {}, None, keyid=JID, secret=secret)
        assert http.get(sandbox.url + "/time", headers=headers, timeout=5).status_code == 200
        r = http.get(sandbox.url + "/time", headers=headers, timeout=5)
        assert r.status_code == 401 and r.json()["code"] == "nonce-replayed"
        # clock skew
        headers = sign_request("GET", sandbox.url + "/time", {}, None, keyid=JID, secret=secret,
                               created=int(time.time()) - 400)
        r = http.get(sandbox.url + "/time", headers=headers, timeout=5)
        assert r.status_code == 401 and r.json()["code"] == "clock-skew" and r.headers["Date"]
        # unsigned
        assert http.get(sandbox.url + "/time", timeout=5).status_code == 401


@pytest.mark.allow_log_warnings(r"our clock is off")
def test_client_corrects_its_clock_after_clock_skew_and_stops_on_a_bad_key(sandbox: SandboxServer) -> None:
    sandbox.set_faults(clock_offset_s=2 * 3600)  # the platform is two hours ahead of this machine
    clock = PlatformClock()
    # an unbounded step (max_clock_step_s=None): the v1 correction itself (the bound: test_platform_trust.py)
    with PlatformClient(sandbox.url, JID, sandbox.secret, clock, timeout=5,  # type: ignore[attr-defined]
                        max_clock_step_s=None) as c:
        assert abs(c.server_time().timestamp() - (time.time() + 7200)) < 5
        assert abs(clock.offset_s - 7200) < 2
        assert c.requests_sent == 2  # refused once for skew, then accepted
        assert sandbox.stats.answers[401] == 1
    with PlatformClient(sandbox.url, JID, b"wrong" * 7, timeout=5, max_clock_step_s=None) as bad, \
            pytest.raises(AuthError) as exc:
        bad.server_time()
    assert exc.value.code == "signature-invalid" and exc.value.status == 401
