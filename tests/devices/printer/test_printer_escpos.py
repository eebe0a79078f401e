"""ESC/POS encoder: exact command bytes (docs/devices.md §3), GB18030 text, raster, wrapping."""

from __future__ import annotations

import pytest
from PIL import Image

from devices.printer import escpos
from devices.printer.escpos import encode_slip, wrap
from kiosk.ports import Feed, Qr, Rule, Slip, Text

HEAD = b"\x1b\x40\x1c\x26"  # ESC @, FS &


def body(slip: Slip, width_mm: int = 58, native_qr: bool = True) -> bytes:
    data = encode_slip(slip, width_mm, native_qr)
    assert data.startswith(HEAD)
    return data[len(HEAD) :]


def test_simple_commands_are_the_reference_bytes() -> None:
    assert escpos.init() == bytes.fromhex("1b40")
    assert escpos.chinese_mode(True) == bytes.fromhex("1c26")
    assert escpos.chinese_mode(False) == bytes.fromhex("1c2e")
    assert escpos.char_size(1, 1) == bytes.fromhex("1d2100")
    assert escpos.char_size(2, 2) == bytes.fromhex("1d2111")
    assert escpos.char_size(8, 8) == bytes.fromhex("1d2177")
    assert escpos.char_size(3, 1) == bytes.fromhex("1d2120")
    assert escpos.bold(True) == bytes.fromhex("1b4501")
    assert escpos.bold(False) == bytes.fromhex("1b4500")
    assert escpos.align("left") == bytes.fromhex("1b6100")
    assert escpos.align("center") == bytes.fromhex("1b6101")
    assert escpos.align("right") == bytes.fromhex("1b6102")
    assert escpos.line_feed() == b"\x0a"
    assert escpos.feed_lines(4) == bytes.fromhex("1b6404")
    assert escpos.cut() == bytes.fromhex("1d5600")
    assert escpos.cut(partial=True) == bytes.fromhex("1d5601")


@pytest.mark.parametrize("bad", [(0, 1), (1, 9), (9, 9)])
def test_char_size_out_of_range_is_refused(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        escpos.char_size(*bad)


def test_qr_functions_are_the_reference_bytes() -> None:
    assert escpos.qr_model(2) == bytes.fromhex("1d286b0400314132 00".replace(" ", ""))
    assert escpos.qr_module_size(6) == bytes.fromhex("1d286b0300314306")
    assert escpos.qr_error_level("M") == bytes.fromhex("1d286b0300314531")
    assert escpos.qr_error_level("H") == bytes.fromhex("1d286b0300314533")
    assert escpos.qr_store(b"AB") == bytes.fromhex("1d286b0500315030") + b"AB"  # pL = k + 3
    assert escpos.qr_print() == bytes.fromhex("1d286b0300315130")
    long = escpos.qr_store(b"x" * 300)  # 303 = 0x012F → pL 2F, pH 01
    assert long[:8] == bytes.fromhex("1d286b2f01315030") and len(long) == 8 + 300
    with pytest.raises(ValueError):
        escpos.qr_store(b"x" * (escpos.QR_MAX_BYTES + 1))


def test_raster_header_bits_and_padding() -> None:
    img = Image.new("L", (10, 2), 255)
    img.putpixel((0, 0), 0)
    img.putpixel((9, 1), 0)
    # 10 px → 2 bytes a row; MSB is the leftmost pixel; 1 = ink
    assert escpos.raster(img) == bytes.fromhex("1d763000 0200 0200 8000 0040".replace(" ", ""))


def test_raster_is_split_into_bands() -> None:
    data = escpos.raster(Image.new("L", (8, escpos.RASTER_BAND + 5), 0))
    first = bytes.fromhex("1d763000 0100 0001".replace(" ", ""))  # 256 rows
    assert data.startswith(first)
    second_at = 8 + escpos.RASTER_BAND
    assert data[second_at : second_at + 8] == bytes.fromhex("1d763000 0100 0500".replace(" ", ""))
    assert len(data) == 16 + escpos.RASTER_BAND + 5


def test_slip_bytes_exactly() -> None:
    slip = Slip(items=(Text("A", size=2, bold=True, align="center"), Feed(2)), cut=True)
    assert encode_slip(slip, 58) == bytes.fromhex(
        "1b40 1c26 1b6101 1b4501 1d2111 41 0a 1b6402 1b6404 1d5600".replace(" ", "")
    )
    assert encode_slip(Slip(items=(), cut=False), 80) == HEAD


def test_full_width_punctuation_is_gb18030_not_question_marks() -> None:
    out = body(Slip(items=(Text("“你好”（测试），。￥：100"),), cut=False))
    expected = bytes.fromhex("a1b0 c4e3 bac3 a1b1 a3a8 b2e2 cad4 a3a9 a3ac a1a3 a3a4 a3ba".replace(" ", ""))
    assert out == escpos.align("left") + escpos.bold(False) + escpos.char_size(1, 1) + expected + b"100\n"
    assert b"?" not in out


def test_two_byte_rare_name_character_prints_as_text() -> None:
    out = body(Slip(items=(Text("王堃"),), cut=False))
    assert out.endswith(bytes.fromhex("cdf5 88d2 0a".replace(" ", "")))
    assert b"\x1d\x76\x30" not in out


@pytest.mark.parametrize("rare", ["𠀀", "㐀", "䶮", "\ue000"])
def test_characters_outside_the_two_byte_area_become_a_raster_line(rare: str) -> None:
    out = body(Slip(items=(Text(f"张{rare}"),), cut=False), 58)
    header = bytes.fromhex("1d763000 3000 1e00".replace(" ", ""))  # 48 bytes (384 dots) × 30 rows
    start = out.index(b"\x1d\x76\x30")
    assert out[start : start + 8] == header
    assert len(out) == start + 8 + 48 * 30
    assert rare.encode("gb18030") not in out and "张".encode("gb18030") not in out
    assert any(out[start + 8 :])  # something is drawn


def test_rare_character_line_keeps_its_neighbours_as_text() -> None:
    out = body(Slip(items=(Text("第一行\n张𠀀\n第三行"),), cut=False))
    assert "第一行\n".encode("gb18030") in out and "第三行\n".encode("gb18030") in out
    assert out.count(b"\x1d\x76\x30") == 1


def test_control_characters_cannot_reach_the_printer() -> None:
    out = body(Slip(items=(Text("A\x1b@B\x10\x04\x01C\tD\u200bE"),), cut=False))
    assert out.endswith(b"A @B   C DE\n")


@pytest.mark.parametrize(("width_mm", "columns"), [(58, 32), (80, 48)])
def test_wrap_at_paper_width(width_mm: int, columns: int) -> None:
    text = "交易" * 40
    lines = wrap(text, columns)
    assert all(escpos.text_columns(line) <= columns for line in lines)
    assert escpos.text_columns(lines[0]) == columns
    assert "".join(lines) == text
    out = body(Slip(items=(Text(text),), cut=False), width_mm)
    assert out.count(b"\n") == len(lines) == -(-80 * 2 // columns)


def test_wrap_scales_with_size() -> None:
    out = body(Slip(items=(Text("保证金缴纳保证金缴纳", size=2),), cut=False), 58)  # 16 columns = 8 hanzi
    assert out.endswith("保证金缴纳保证金\n缴纳\n".encode("gb18030"))
    assert wrap("A012", 32 // 4) == ["A012"]


def test_wrap_keeps_words_and_punctuation_rules() -> None:
    assert wrap("hello world again", 12) == ["hello world", "again"]
    assert wrap("x" * 20, 8) == ["x" * 8, "x" * 8, "x" * 4]
    # "。" may not start a line: the character before it moves down too
    lines = wrap("一二三四五六七八。九", 16)
    assert lines == ["一二三四五六七", "八。九"]
    assert wrap("甲\n\n乙", 32) == ["甲", "", "乙"]


@pytest.mark.parametrize(("width_mm", "count"), [(58, 32), (80, 48)])
def test_rule_spans_the_paper(width_mm: int, count: int) -> None:
    out = body(Slip(items=(Rule(),), cut=False), width_mm)
    assert out == escpos.align("left") + escpos.bold(False) + escpos.char_size(1, 1) + b"-" * count + b"\n"
    wide = body(Slip(items=(Rule("═"),), cut=False), width_mm)
    assert wide.endswith("═".encode("gb18030") * (count // 2) + b"\n")


def test_native_qr_sequence_and_raster_fallback() -> None:
    slip = Slip(items=(Qr("HELLO", module=5),), cut=False)
    native = body(slip)
    assert native == escpos.align("center") + escpos.qr_native(b"HELLO", 5, "M")
    raster = body(slip, native_qr=False)
    assert b"\x1d\x28\x6b" not in raster and raster.startswith(escpos.align("center") + b"\x1d\x76\x30\x00")


def test_qr_module_shrinks_to_fit_and_too_long_data_is_refused() -> None:
    data = "x" * 300  # version 13 at M: 69 modules; (69 + 8) × 5 = 385 > 384 → 4 dots on 58 mm
    out = body(Slip(items=(Qr(data, module=6),), cut=False), 58)
    assert escpos.qr_module_size(4) in out
    out80 = body(Slip(items=(Qr(data, module=6),), cut=False), 80)
    assert escpos.qr_module_size(6) in out80
    with pytest.raises(ValueError):
        encode_slip(Slip(items=(Qr("x" * 3000),)), 58)


def test_bad_width_and_size_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_slip(Slip(items=()), 76)
    with pytest.raises(ValueError):
        encode_slip(Slip(items=(Text("x", size=9),)), 80)
