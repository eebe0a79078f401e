"""DLE EOT status answers: every bit of n = 1, 2, 3, 4, and no answer never meaning "paper OK"."""

from __future__ import annotations

import pytest

from devices.printer import status as st
from kiosk.ports import PaperState


def test_requests() -> None:
    assert [st.request(n) for n in (1, 2, 3, 4)] == [bytes.fromhex(f"10040{n}") for n in (1, 2, 3, 4)]
    with pytest.raises(ValueError):
        st.request(5)


@pytest.mark.parametrize(("byte", "ok"), [(0x12, True), (0x1E, True), (0x72, True), (0x10, False), (0x13, False), (0x92, False), (0x02, False)])
def test_fixed_bits(byte: int, ok: bool) -> None:
    assert st.is_answer(byte) is ok


def test_printer_byte() -> None:
    assert st.parse_printer(0x12).offline is False
    assert st.parse_printer(0x1A).offline is True
    assert st.parse_printer(0x16).offline is False  # bit 2 is the drawer pin, not offline


def test_offline_cause_bits() -> None:
    assert st.parse_offline_cause(0x12) == st.OfflineCause(False, False, False)
    assert st.parse_offline_cause(0x16) == st.OfflineCause(cover_open=True, paper_end_stop=False, error=False)
    assert st.parse_offline_cause(0x32) == st.OfflineCause(cover_open=False, paper_end_stop=True, error=False)
    assert st.parse_offline_cause(0x52) == st.OfflineCause(cover_open=False, paper_end_stop=False, error=True)


def test_error_cause_bits() -> None:
    assert st.parse_error_cause(0x12).description is None
    assert st.parse_error_cause(0x1A).description == "cutter"
    assert st.parse_error_cause(0x32).description == "unrecoverable"
    assert st.parse_error_cause(0x52).description == "auto-recoverable"


@pytest.mark.parametrize(
    ("byte", "paper"),
    [
        (0x12, PaperState.OK),
        (0x16, PaperState.NEAR_END),
        (0x1A, PaperState.NEAR_END),
        (0x1E, PaperState.NEAR_END),
        (0x32, PaperState.OUT),
        (0x52, PaperState.OUT),
        (0x72, PaperState.OUT),
        (0x7E, PaperState.OUT),
    ],
)
def test_paper_sensor_bits(byte: int, paper: PaperState) -> None:
    assert st.parse_paper(byte) is paper


def test_bytes_without_fixed_bits_are_refused() -> None:
    for parse in (st.parse_printer, st.parse_offline_cause, st.parse_error_cause, st.parse_paper):
        with pytest.raises(ValueError):
            parse(0x10)


def test_no_answer_is_offline_and_unknown_never_ok() -> None:
    for printer in (None, 0x10, 0x00, 0xFF):
        s = st.combine(printer, 0x12, 0x12)
        assert (s.online, s.paper, s.can_print) == (False, PaperState.UNKNOWN, False)


def test_missing_paper_answer_leaves_paper_unknown() -> None:
    s = st.combine(0x12, 0x12, None)
    assert s.online and s.paper is PaperState.UNKNOWN and not s.can_print


def test_combined_states() -> None:
    ok = st.combine(0x12, 0x12, 0x12)
    assert ok.online and ok.paper is PaperState.OK and ok.can_print
    near = st.combine(0x12, 0x12, 0x1E)
    assert near.paper is PaperState.NEAR_END and near.can_print
    out = st.combine(0x1A, 0x32, 0x72)
    assert out.online and out.paper is PaperState.OUT and not out.can_print
    stopped = st.combine(0x1A, 0x32, 0x12)  # stopped by paper end although the roll sensor says OK
    assert stopped.paper is PaperState.OUT
    cover = st.combine(0x1A, 0x16, 0x12)
    assert cover.online and cover.cover_open and not cover.can_print
    cutter = st.combine(0x1A, 0x52, 0x12, 0x1A)
    assert cutter.error == "cutter" and not cutter.can_print
    vague = st.combine(0x1A, 0x52, 0x12, None)
    assert vague.error == "error"
    unexplained = st.combine(0x1A, 0x12, 0x12)  # offline bit with no known cause
    assert not unexplained.online and not unexplained.can_print
