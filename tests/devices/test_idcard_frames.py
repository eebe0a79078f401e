"""Frames, reassembler, status codes and the text block of the ID card reader (docs/devices.md §1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard import frames, status
from devices.idcard.frames import FrameError, FrameReassembler
from devices.idcard.text import TextBlockError, encode_text, parse_text
from kiosk.ports import DeviceError, IdCard

# Frames copied byte for byte from docs/devices.md §1.2.
REFERENCE_REQUESTS = {
    frames.CMD_RESET_SAM: "AA AA AA 96 69 00 03 10 FF EC",
    frames.CMD_SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    frames.CMD_SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    frames.CMD_FIND: "AA AA AA 96 69 00 03 20 01 22",
    frames.CMD_SELECT: "AA AA AA 96 69 00 03 20 02 21",
    frames.CMD_READ: "AA AA AA 96 69 00 03 30 01 32",
    frames.CMD_READ_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    frames.CMD_READ_FP: "AA AA AA 96 69 00 03 30 10 23",
}


@pytest.mark.parametrize(("cmd", "hexframe"), REFERENCE_REQUESTS.items())
def test_requests_match_reference(cmd: tuple[int, int], hexframe: str) -> None:
    assert frames.encode_request(*cmd) == bytes.fromhex(hexframe)
    assert frames.decode_request(bytes.fromhex(hexframe)) == frames.Request(cmd[0], cmd[1])


def test_set_rf_frame_with_data_matches_reference() -> None:
    assert frames.encode_request(0x61, 0xFF, b"\x50") == bytes.fromhex("AA AA AA 96 69 00 04 61 FF 50 CA")


@pytest.mark.parametrize(
    ("hexframe", "sw3", "data"),
    [
        ("AA AA AA 96 69 00 04 00 00 90 94", 0x90, b""),
        ("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97", 0x9F, bytes(4)),
        ("AA AA AA 96 69 00 04 00 00 80 84", 0x80, b""),
        ("AA AA AA 96 69 00 04 00 00 81 85", 0x81, b""),
        ("AA AA AA 96 69 00 0C 00 00 90" + " 00" * 8 + " 9C", 0x90, bytes(8)),
    ],
)
def test_responses_match_reference(hexframe: str, sw3: int, data: bytes) -> None:
    raw = bytes.fromhex(hexframe)
    assert frames.decode_response(raw) == frames.Response(0, 0, sw3, data)
    assert frames.encode_response(sw3, data) == raw


def test_read_answer_header_and_size_match_reference() -> None:
    body = b"\x01\x00\x04\x00" + bytes(256 + 1024)
    raw = frames.encode_response(0x90, body)
    assert len(raw) == 1295
    assert raw[:14] == bytes.fromhex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    fp = frames.encode_response(0x90, b"\x01\x00\x04\x00\x04\x00" + bytes(256 + 1024 + 1024))
    assert fp[5:7] == bytes.fromhex("09 0A") and len(fp) == 2321


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "bad-preamble"),
        (b"\xaa\xaa\xaa\x96\x69\x00", "short-frame"),
        (bytes.fromhex("AA AA AA 96 69 00 04 00 00 90 95"), "bad-checksum"),
        (bytes.fromhex("AA AA AA 96 69 00 05 00 00 90 94"), "bad-length"),
        (bytes.fromhex("AA AA AA 96 69 00 01 00"), "bad-length"),
        (bytes.fromhex("AB AA AA 96 69 00 04 00 00 90 94"), "bad-preamble"),
    ],
)
def test_decoder_rejects_with_typed_error(raw: bytes, code: str) -> None:
    with pytest.raises(FrameError) as info:
        frames.decode_response(raw)
    assert info.value.code == code
    assert isinstance(info.value, DeviceError) and info.value.zh and info.value.en


def test_reassembler_finds_frames_in_noise_and_split_reads() -> None:
    a = frames.encode_response(0x9F, bytes(4))
    b = frames.encode_response(0x90, bytes(300))
    stream = b"\x01\x02\xaa\xaa" + a + b"\x96\x69junk" + b + b"\xaa"
    r = FrameReassembler(frames.MIN_RESPONSE_LEN)
    got: list[object] = []
    for i in range(0, len(stream), 7):
        got += r.feed(stream[i : i + 7])
    assert got == [a, b]
    assert r.pending == 1  # the trailing AA might start a preamble


def test_reassembler_reports_damaged_frame_and_recovers() -> None:
    good = frames.encode_response(0x90)
    bad = good[:-1] + bytes([good[-1] ^ 1])
    out = FrameReassembler().feed(bad + good)
    assert isinstance(out[0], FrameError) and out[0].code == "bad-checksum"
    assert out[1:] == [good]


def test_reassembler_resyncs_past_false_preamble() -> None:
    good = frames.encode_response(0x9F, bytes(4))
    false_start = frames.PREAMBLE + b"\x00\x10"  # claims 16 more bytes
    assert FrameReassembler().feed(false_start + good) == [good]
    assert FrameReassembler().feed(frames.PREAMBLE + b"\xff\xff" + good) == [good]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_decoder_raises_only_frame_error(raw: bytes) -> None:
    for decode in (frames.decode_response, frames.decode_request):
        try:
            decode(raw)
        except FrameError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=80), st.sampled_from([frames.PREAMBLE, b"\x00\x04", b"\x05\x08"])), max_size=30))
def test_reassembler_never_raises_and_yields_only_valid_frames(chunks: list[bytes]) -> None:
    r = FrameReassembler()
    for chunk in chunks:
        for item in r.feed(chunk):
            if isinstance(item, FrameError):
                continue
            assert isinstance(item, bytes)
            frames.checked_body(item)  # a yielded frame always decodes


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.binary(max_size=200), st.binary(max_size=40), st.integers(1, 50))
def test_reassembler_recovers_frame_between_noise(pre: bytes, data: bytes, post: bytes, step: int) -> None:
    pre = pre.replace(b"\xaa", b"\x00")
    post = post.replace(b"\xaa", b"\x00")
    frame = frames.encode_response(0x90, data)
    stream = pre + frame + post
    r = FrameReassembler(frames.MIN_RESPONSE_LEN)
    got: list[object] = []
    for i in range(0, len(stream), step):
        got += r.feed(stream[i : i + step])
    assert got == [frame]


def test_every_sw3_has_typed_error_with_messages() -> None:
    for sw3, info in status.STATUS_TABLE.items():
        if info.success:
            assert status.is_success(sw3)
            continue
        err = status.error_for_sw3(sw3)
        assert type(err) is status.ERROR_CLASSES[sw3]
        assert isinstance(err, DeviceError) and err.sw3 == sw3 and err.code == info.code
        assert f"{sw3:02X}" in err.zh and f"{sw3:02X}" in err.en
    assert isinstance(status.error_for_sw3(0x77), status.UnknownStatusError)
    assert status.error_for_sw3(0x80).card_level and not status.error_for_sw3(0x60).card_level
    assert isinstance(status.error_for_sw3(0x80), status.NoCardError)


# --- text block -------------------------------------------------------------------------

RESIDENT = IdCard(
    card_type="resident", name="欧阳小娜", gender="女", nation="蒙古", birth_date="1949-12-31",
    address="北京市朝阳区某某路1号院2号楼3单元401", id_number="11010519491231002X", authority="北京市公安局朝阳分局",
    valid_from="2010-01-01", valid_until="长期",
)
PERMIT = IdCard(
    card_type="hmt_permit", name="陈大文", gender="男", birth_date="1990-05-06", address="广东省深圳市福田区某路9号",
    id_number="810000199005060012", authority="深圳市公安局", valid_from="2019-01-01", valid_until="2024-01-01",
    pass_number="H01234567", issue_count="01",
)
FOREIGN_2017 = IdCard(
    card_type="foreign_2017", name="约翰", name_en="SMITH, JOHN ADAM", gender="男", id_number="USA110079010101",
    nationality="USA", valid_from="2017-07-01", valid_until="2027-07-01", birth_date="1979-01-01", authority="1100",
)
FOREIGN_2023 = IdCard(
    card_type="foreign_2023", name="玛丽", name_en="ANNA MARIA KOWALSKA-WISNIEWSKAX VON HOHENBERG", gender="女",
    issue_count="00", birth_date="1985-03-04", id_number="931616198503040014", valid_from="2024-01-02",
    valid_until="2034-01-02", nationality="POL",
)


@pytest.mark.parametrize("card", [RESIDENT, PERMIT, FOREIGN_2017, FOREIGN_2023], ids=lambda c: c.card_type)
def test_text_block_round_trip(card: IdCard) -> None:
    block = encode_text(card)
    assert len(block) == 256
    assert parse_text(block) == card


def test_resident_block_offsets_are_the_reference_ones() -> None:
    block = encode_text(RESIDENT)
    assert block[32:36] == "02".encode("utf-16-le")  # nation 蒙古
    assert block[204:208] == bytes.fromhex("7F 95 1F 67")  # 长期
    assert block[122:158].decode("utf-16-le") == "11010519491231002X"
    assert block[248:250] == b"\x20\x00"
    assert encode_text(PERMIT)[248:250] == b"J\x00" and encode_text(PERMIT)[220:238].decode("utf-16-le").strip() == "H01234567"
    assert encode_text(FOREIGN_2017)[248:250] == b"I\x00"
    y = encode_text(FOREIGN_2023)
    assert y[248:250] == b"Y\x00" and y[220:242].decode("utf-16-le").strip() == "HOHENBERG"


def test_text_block_nul_padding_gender_and_nation_codes() -> None:
    block = bytearray(encode_text(RESIDENT))
    block[0:30] = "王五".encode("utf-16-le").ljust(30, b"\x00")
    block[30:32] = "9".encode("utf-16-le")
    block[32:36] = "99".encode("utf-16-le")
    card = parse_text(bytes(block))
    assert (card.name, card.gender, card.nation) == ("王五", "未说明", "99")
    assert card.valid_until == "长期" and card.birth_date == "1949-12-31"


@pytest.mark.parametrize("bad", [b"", bytes(255), bytes(encode_text(RESIDENT)[:248]) + "Q".encode("utf-16-le") + bytes(6)])
def test_text_block_errors_are_typed(bad: bytes) -> None:
    with pytest.raises(TextBlockError):
        parse_text(bad)
