"""The demo hall's services: the sandbox platform hands the hall its public key, so answers verify."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from hallkiosk.demo import demo_services
from kiosk.config import load_config
from sync.client import client_from_config


@pytest.mark.slow  # starts the demo hall's five processes
def test_demo_configures_the_sandbox_platforms_key_and_its_answers_verify(tmp_path: Path) -> None:
    cfg = load_config(data_dir=tmp_path / "hall")
    with demo_services(cfg, tmp_path / "out") as demo_cfg:
        key_file = Path(demo_cfg.platform.public_key_file)
        assert key_file.is_file()
        raw = base64.b64decode(key_file.read_text(encoding="ascii").strip(), validate=True)
        assert len(raw) == 32
        # every process the launcher starts reads demo.toml: it names the key too
        assert load_config(demo_cfg.data_dir / "demo.toml").platform.public_key_file == str(key_file)
        secret = base64.b64decode(Path(demo_cfg.platform.secret_file).read_bytes().strip())
        client = client_from_config(demo_cfg.platform, demo_cfg.platform.journal_id, secret)
        assert client.key_state == "verified" and client.verified_answers == 0
        client.server_time()  # raises UntrustedResponse unless the answer verifies against this key
        assert (client.key_state, client.verified_answers) == ("verified", 1)
