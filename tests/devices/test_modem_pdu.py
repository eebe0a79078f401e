"""SMS PDUs (devices/sms/pdu.py): exact bytes, GSM 7-bit and UCS-2, concatenation, and a fuzzed decoder."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.sms.pdu import (
    Concat,
    PduError,
    decode_deliver,
    decode_submit,
    encode_deliver,
    encode_submit,
    gsm7_septets,
    pack_septets,
    unpack_septets,
)

CST = dt.timezone(dt.timedelta(hours=8))

#: A published SMS-DELIVER (the "hellohello" example that circulates with GSM 03.40 tutorials):
#: SMSC +27381000015, originator 27838890001, 1999-03-29 15:16:59 +02:00, GSM 7-bit.
HELLO = "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"


def test_a_published_deliver_decodes() -> None:
    sms = decode_deliver(HELLO)
    assert sms.smsc == "+27381000015"
    assert sms.number == "27838890001"
    assert sms.text == "hellohello" and sms.alphabet == "gsm7"
    assert sms.timestamp is not None
    assert (sms.timestamp.month, sms.timestamp.day, sms.timestamp.hour, sms.timestamp.second) == (3, 29, 15, 59)
    assert sms.timestamp.utcoffset() == dt.timedelta(hours=2)


def test_gsm7_packing_matches_the_published_bytes() -> None:
    assert pack_septets(gsm7_septets("hellohello")).hex().upper() == "E8329BFD4697D9EC37"
    assert unpack_septets(bytes.fromhex("E8329BFD4697D9EC37"), 10) == gsm7_septets("hellohello")


def test_submit_ucs2_exact_bytes() -> None:
    (pdu,) = encode_submit("13904710000", "同意")
    # SCA 00 · SMS-SUBMIT, VP relative 11 · MR 00 · DA 11 digits, 81, swapped · PID 00 · DCS 08 · VP A7 (24 h)
    # · UDL 4 · 同 U+540C 意 U+610F
    assert pdu.hex == "00" "11" "00" "0B81" "3109740100F0" "00" "08" "A7" "04" "540C610F"
    assert pdu.tpdu_length == len(pdu.hex) // 2 - 1
    (intl,) = encode_submit("+8613904710000", "1")
    assert intl.hex.startswith("0011000D91683109740100F0" "0000A7" "01" "31")


def test_long_chinese_text_splits_into_concatenated_parts() -> None:
    text = "请于2026年12月8日上午9时到呼和浩特市公共资源交易中心评标区报到。" * 4  # 144 characters
    parts = encode_submit("13904710000", text, reference=42)
    assert [p.parts for p in parts] == [3, 3, 3] and [p.part for p in parts] == [1, 2, 3]
    decoded = [decode_submit(p.hex) for p in parts]
    assert [d.concat for d in decoded] == [Concat(42, 3, 1), Concat(42, 3, 2), Concat(42, 3, 3)]
    assert all(p.tpdu_length <= 140 + 13 + 12 for p in parts)  # UD ≤ 140 octets
    assert "".join(d.text for d in decoded) == text
    assert all(d.alphabet == "ucs2" for d in decoded)
    assert bytes.fromhex(parts[0].hex)[1] & 0x40  # UDHI set


def test_gsm7_long_text_and_extension_characters() -> None:
    text = ("Room KB-03 {B} ~ [x] | €5 ^ \\ " * 10)[:300]
    parts = encode_submit("13904710000", text)
    decoded = [decode_submit(p.hex) for p in parts]
    assert len(parts) > 1 and all(d.alphabet == "gsm7" for d in decoded)
    assert "".join(d.text for d in decoded) == text  # an escape is never cut from its code
    assert len(encode_submit("13904710000", "x" * 160)) == 1
    assert len(encode_submit("13904710000", "x" * 161)) == 2
    assert len(encode_submit("13904710000", "中" * 70)) == 1
    assert len(encode_submit("13904710000", "中" * 71)) == 2


def test_a_surrogate_pair_is_never_cut() -> None:
    text = "a" + "😀" * 80
    parts = encode_submit("13904710000", text)
    decoded = [decode_submit(p.hex).text for p in parts]
    assert "".join(decoded) == text
    assert all("\ufffd" not in d for d in decoded)


@pytest.mark.parametrize("text", ["1", "2 拒绝", "同意参加评标", "x" * 150, "€{}"])
def test_deliver_round_trip(text: str) -> None:
    when = dt.datetime(2026, 12, 7, 9, 30, 5, tzinfo=CST)
    sms = decode_deliver(encode_deliver("+8613904710001", text, when))
    assert (sms.number, sms.text, sms.timestamp) == ("+8613904710001", text, when)
    west = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(-dt.timedelta(hours=5, minutes=45)))
    assert decode_deliver(encode_deliver("10086", "hi", west)).timestamp == west


@pytest.mark.parametrize(("number", "text"), [("", "x"), ("139-abc", "x"), ("13904710000", ""), ("1" * 21, "x")])
def test_refused_inputs(number: str, text: str) -> None:
    with pytest.raises(PduError) as info:
        encode_submit(number, text)
    assert info.value.zh and info.value.en and info.value.code == "bad-pdu"


@pytest.mark.parametrize(
    "pdu",
    [
        "", "0", "ZZ", "00", "0004", HELLO[:-2], HELLO[:30],
        "07917283010010F5" "01" + HELLO[18:],  # an SMS-SUBMIT type where a DELIVER is expected
        HELLO[:-20] + "F" * 20,  # time stamp not decimal
        HELLO.replace("0000993092", "0080993092"),  # reserved DCS group 1000
    ],
)
def test_malformed_deliver_is_a_pdu_error(pdu: str) -> None:
    with pytest.raises(PduError):
        decode_deliver(pdu)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_decoders_raise_only_pdu_error(data: bytes) -> None:
    for decode in (decode_deliver, decode_submit):
        try:
            sms = decode(data)
        except PduError:
            continue
        assert isinstance(sms.text, str) and isinstance(sms.number, str)


_VALID = bytes.fromhex(encode_deliver("+8613904710000", "请回复1或2", dt.datetime(2026, 12, 7, 9, 0, tzinfo=CST),
                                      concat=Concat(9, 2, 1)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), max_size=6),
       st.integers(0, len(_VALID)))
def test_fuzz_mutated_valid_pdus(flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(_VALID)
    for pos, value in flips:
        data[pos] = value
    try:
        decode_deliver(data[:cut].hex())
    except PduError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=60), max_size=8))
def test_fuzz_the_modem_line_reader(chunks: list[bytes]) -> None:
    from devices.sms.modem import PROMPT, _LineReader

    reader = _LineReader()
    for chunk in chunks:
        for line in reader.feed(chunk):
            assert line == PROMPT or (line and "\r" not in line and "\n" not in line)
