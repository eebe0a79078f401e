"""A signed record exported as a file carries its receipts (issue 20 must 2): checked offline, beside the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hallkiosk.cli import main
from kiosk.opening import OpeningService
from tests.kiosk.test_opening import S2, open_hall, run_to_signing, sign
from tests.kiosk.test_recording_export_receipts import key_file, receipt_now


def test_the_signed_opening_record_exported_as_a_file_carries_its_receipt(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    hall = open_hall(tmp_path)
    key = Ed25519PrivateKey.generate()
    try:
        svc = OpeningService(hall)
        run_to_signing(hall, svc)
        result = sign(hall, svc)
    finally:
        hall.close()
    kf = key_file(tmp_path, key)
    where = ["--data-dir", str(tmp_path / "hall")]
    early = tmp_path / "early.pdf"
    assert main(["opening", "record", "--session", S2, "--out", str(early), *where]) == 0
    assert "not yet covered" in capsys.readouterr().out
    offline = ["--platform-key-file", str(kf), "--data-dir", str(tmp_path / "none")]
    assert main(["recording", "verify", str(early), *offline]) == 0
    assert "NOT covered by any receipt yet" in capsys.readouterr().out

    hall = open_hall(tmp_path)
    try:
        receipt_now(hall, key)  # the platform acknowledges the journal with the opening.record entry
    finally:
        hall.close()
    out = tmp_path / "record.pdf"
    assert main(["opening", "record", "--session", S2, "--out", str(out), *where]) == 0
    capsys.readouterr()
    beside = json.loads((tmp_path / "record.pdf.receipts.json").read_text("utf-8"))
    assert beside["documents"][0]["sha256"] == result.sha256 and beside["documents"][0]["entry"]["kind"] == "opening.record"
    assert main(["recording", "verify", str(out), *offline]) == 0
    assert "covered by the platform's signed receipt" in capsys.readouterr().out
    assert not (tmp_path / "none").exists()  # offline: no hall was opened

    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte of the record changed
    out.write_bytes(bytes(data))
    assert main(["recording", "verify", str(out), *offline]) == 1
    assert "its SHA-256 is not the one the journal entry names" in capsys.readouterr().err
