"""The sandbox's admin endpoints need its token (issue 20 must 9): without it nobody re-keys a
journal and takes the secret, moves the platform's clock or deletes a ban."""

from __future__ import annotations

import stat
from pathlib import Path

import requests

from sync.sandbox.server import ADMIN_TOKEN_HEADER, SandboxServer, read_admin_token


def test_admin_endpoints_refuse_without_the_token(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", seed="demo") as server:
        admin = server.url.split("/hall-api")[0] + "/_sandbox"
        token_file = tmp_path / "platform" / "admin.token"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        assert read_admin_token(tmp_path / "platform") == server.admin_token and len(server.admin_token) >= 40
        attacks = [
            ("POST", "/journals", {"journal_id": "NM-HHHT-HALL1"}),  # re-key a journal, get its secret
            ("POST", "/faults", {"clock_offset_s": 400 * 86400}),  # move the platform's clock
            ("POST", "/feeds", {"feed": "blacklist", "op": "delete", "key": "x"}),  # delete a ban
            ("GET", "/stats", None),
        ]
        with requests.Session() as http:
            for method, path, doc in attacks:
                for headers in ({}, {ADMIN_TOKEN_HEADER: "wrong"}, {ADMIN_TOKEN_HEADER: server.admin_token[:-1]}):
                    r = http.request(method, admin + path, json=doc, headers=headers, timeout=5)
                    assert r.status_code == 401 and r.json()["code"] == "admin-token", (method, path, headers)
            assert server.faults.clock_offset_s == 0
            r = http.post(admin + "/faults", json={"clock_offset_s": 5}, headers={ADMIN_TOKEN_HEADER: server.admin_token}, timeout=5)
            assert r.status_code == 200 and server.faults.clock_offset_s == 5
            r = http.post(admin + "/journals", json={"journal_id": "NM-TEST-1"}, headers={ADMIN_TOKEN_HEADER: server.admin_token}, timeout=5)
            assert r.status_code == 200 and r.json()["secret"]
        first = server.admin_token
    with SandboxServer(tmp_path / "platform", seed="demo") as again:  # a new start, a new token
        assert again.admin_token != first and read_admin_token(tmp_path / "platform") == again.admin_token
