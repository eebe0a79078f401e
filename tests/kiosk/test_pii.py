"""Personal data: encryption at rest, lookup HMACs, masks, log redaction — and a grep that finds nothing."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from hallkiosk.logs import setup_logging
from kiosk.config import load_config
from kiosk.feeds import apply_page
from kiosk.hall import Hall
from kiosk.pii import (
    PiiKeyError,
    PiiVault,
    load_or_create_key,
    mask_id_number,
    mask_name,
    mask_phone,
    person_id_hmac,
    redact,
)

ID = "150102198001011234"
ID_X = "11010519491231002X"


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "pii.key"
    k1 = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == k1 and len(k1) == 32
    os.chmod(path, 0o644)
    with pytest.raises(PiiKeyError, match="readable by others"):
        load_or_create_key(path)


def test_encrypt_round_trip_is_randomised_and_bound_to_context(tmp_path: Path) -> None:
    vault = PiiVault(os.urandom(32))
    a, b = vault.encrypt(ID, context=b"rep"), vault.encrypt(ID, context=b"rep")
    assert a != b and ID.encode() not in a
    assert vault.decrypt_str(a, context=b"rep") == ID
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        vault.decrypt(a, context=b"other")


def test_lookup_hmac_is_stable_and_normalised() -> None:
    vault = PiiVault(b"k" * 32)
    assert vault.lookup_hmac(ID_X) == vault.lookup_hmac(ID_X.lower()) == vault.lookup_hmac(" " + ID_X)
    assert vault.lookup_hmac(ID) != PiiVault(b"j" * 32).lookup_hmac(ID)
    assert person_id_hmac(ID, b"s" * 32) != vault.lookup_hmac(ID)  # the platform's id uses the journal secret


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("张小三", "张*三"), ("欧阳小娜", "欧**娜"), ("李", "*"), ("John Smith", "J*** S****")])
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_numbers() -> None:
    assert mask_id_number(ID) == "150102********1234"
    assert mask_id_number(ID_X.lower()) == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"


def test_redact_leaves_other_numbers() -> None:
    line = f"card {ID} read; order 12345678901234567890 and seq 42; permit ABC123456789012"
    out = redact(line)
    assert ID not in out and "150102********1234" in out
    assert "12345678901234567890" in out and "seq 42" in out
    assert "ABC123456789012" not in out


@pytest.mark.allow_log_warnings("while reading")
def test_id_numbers_reach_neither_the_database_file_nor_the_logs(tmp_path: Path) -> None:
    """Store a representative's ID the way a pull does, log it by mistake, then grep every file."""
    cfg = load_config(data_dir=tmp_path / "data", environ={})
    log_file = setup_logging(cfg.data_dir)
    hall = Hall.open(cfg)
    reg = {
        "registration_id": "R-1", "session_id": "S-1", "lot_code": None,
        "bidder": {"name": "张三", "code_type": "ID", "code": ID_X},
        "representatives": [{"name": "张三", "id_number": ID}],
        "deposit": {"status": "paid", "amount": "1000.00", "received_at": "2026-11-25T10:00:00+08:00"},
        "checkin_code": "abcdefgh12", "bid_submitted_at": None,
    }
    blacklisted = {
        "BLACKLIST_CODE": "BL-1", "BODY_NAME": "李四", "BODY_CODE": ID_X, "BODY_TYPE": "person",
        "CONFINED_ACTION": "market_ban", "RECORD_REASON": "串通投标", "valid_from": "2026-01-01", "valid_until": "2027-12-31",
    }
    try:
        with hall.unit() as s:
            apply_page(s, "registrations", [{"op": "upsert", "key": "R-1", "version": 1, "data": reg}], "c1", None, hall.vault)
            apply_page(s, "blacklist", [{"op": "upsert", "key": "BL-1", "version": 1, "data": blacklisted}], "c2", None, hall.vault)
        logging.getLogger("kiosk.test").info("card read for %s", ID)
        logging.getLogger("kiosk.test").info(f"card read for {ID_X}")
        try:
            raise ValueError(f"bad card {ID}")
        except ValueError:
            logging.getLogger("kiosk.test").exception("while reading")
    finally:
        hall.close()
        for h in logging.getLogger().handlers:
            h.flush()
    files = [p for p in cfg.data_dir.rglob("*") if p.is_file()]
    assert log_file in files and any(p.name.startswith("hall.db") for p in files)
    needles = [ID.encode(), ID_X.encode(), ID.encode("utf-16-le"), ID_X.encode("utf-16-le")]
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{needle!r} found in {path}"
    assert "150102********1234" in log_file.read_text(encoding="utf-8")
    for h in list(logging.getLogger().handlers):
        if getattr(h, "baseFilename", None) == str(log_file):
            logging.getLogger().removeHandler(h)
            h.close()
