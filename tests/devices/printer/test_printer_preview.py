"""Preview: ESC/POS bytes back to a picture; QR codes decode, text is drawn, widths are right."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from devices.printer import escpos
from devices.printer.escpos import encode_slip
from devices.printer.fonts import cjk_font_path, has_glyph
from devices.printer.preview import CUT_GREY, render, render_png
from devices.printer.stream import Token, Tokenizer, tokenize
from kiosk.ports import Qr, Slip, Text

QR_DATA = "https://hall.example.cn/t/A012?d=20261128"  #: the ticket fixture's QR


def decode_qr(img: Image.Image) -> str:
    pad = Image.new("L", (img.width + 80, img.height + 80), 255)  # room for a quiet zone
    pad.paste(img, (40, 40))
    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(np.asarray(pad))
    return text


def merge_text(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        if t.kind == "text" and out and out[-1].kind == "text":
            out[-1] = Token("text", out[-1].raw + t.raw)
        else:
            out.append(t)
    return out


def ink_rows(img: Image.Image) -> np.ndarray:
    return (np.asarray(img) < 128).any(axis=1)


@pytest.mark.parametrize(("width_mm", "dots"), [(58, 384), (80, 576)])
@pytest.mark.parametrize("native", [True, False])
def test_ticket_preview_width_and_qr_round_trip(ticket: Slip, width_mm: int, dots: int, native: bool) -> None:
    img = render(encode_slip(ticket, width_mm, native_qr=native), width_mm)
    assert img.width == dots and img.mode == "L"
    assert decode_qr(img) == QR_DATA


def test_text_areas_are_drawn_and_centred() -> None:
    slip = Slip(items=(Text("A012", size=4, bold=True, align="center"),), cut=False)
    img = render(encode_slip(slip, 58), 58)
    arr = np.asarray(img) < 128
    assert img.height == 96  # one size-4 line: 4 × 24 dots
    cols = np.flatnonzero(arr.any(axis=0))
    assert cols.size and abs((cols[0] + cols[-1]) / 2 - 192) < 12  # centred on 384 dots
    assert arr.sum() > 1500  # big bold digits, not a blank or a dot


def test_each_line_has_ink_and_blank_text_has_none() -> None:
    img = render(encode_slip(Slip(items=(Text("保证金缴纳\n您前面还有 3 人"),), cut=False), 80), 80)
    rows = ink_rows(img)
    assert img.height == 60 and rows[:30].any() and rows[30:].any()
    blank = render(encode_slip(Slip(items=(Text(" "),), cut=False), 80), 80)
    assert not ink_rows(blank).any()


def test_alignment_left_and_right() -> None:
    for where, check in (("left", lambda c: c[0] < 4), ("right", lambda c: c[-1] > 576 - 6)):
        img = render(encode_slip(Slip(items=(Text("交易", align=where),), cut=False), 80), 80)
        cols = np.flatnonzero((np.asarray(img) < 128).any(axis=0))
        assert check(cols), where


def test_rare_character_line_renders_like_text() -> None:
    as_text = render(encode_slip(Slip(items=(Text("刘德"),), cut=False), 58), 58)
    as_raster = render(encode_slip(Slip(items=(Text("刘䶮"),), cut=False), 58), 58)
    a, b = np.asarray(as_text) < 128, np.asarray(as_raster) < 128
    assert a.shape == b.shape
    assert (a[:, :24] == b[:, :24]).all()  # the same 刘 in the same cell
    assert b[:, 24:48].sum() > 40  # and a real glyph for 䶮 beside it


def test_font_and_glyph_lookup() -> None:
    assert cjk_font_path().is_file()
    assert has_glyph("中") and has_glyph("䶮")
    assert not has_glyph("\U000f0001")


def test_missing_glyph_is_a_labelled_box_not_tofu() -> None:
    img = render(encode_slip(Slip(items=(Text("\U000f0001"),), cut=False), 58), 58)
    cell = np.asarray(img)[:24, :24] < 128
    assert cell[:2, :].any(axis=0).sum() > 15 and cell[:, :2].any(axis=1).sum() > 15  # the frame
    assert cell[5:19, 5:19].sum() > 10  # hex digits inside it


def test_cut_mark_only_when_cut() -> None:
    cut = np.asarray(render(encode_slip(Slip(items=(Text("x"),), cut=True), 58), 58))
    uncut = np.asarray(render(encode_slip(Slip(items=(Text("x"),), cut=False), 58), 58))
    assert (cut == CUT_GREY).any() and not (uncut == CUT_GREY).any()


def test_four_byte_code_is_flagged_and_unknown_bytes_are_skipped() -> None:
    flagged = np.asarray(render(b"\x1b@\x1c&" + "𠀀".encode("gb18030") + b"\n", 58)) < 128
    assert flagged[:24, :24].sum() > 40
    plain = np.asarray(render(b"\x1b@AB\n", 58))
    noisy = np.asarray(render(b"\x1b@\x1b\x99\x1d\x98\x07\x00AB\n", 58))
    assert (plain == noisy).all()
    assert render(b"\x1d\x28\x6b\xff\xff\x31", 58).width == 384  # truncated command: no crash


def test_render_png_writes_a_png(ticket: Slip, tmp_path) -> None:
    path = render_png(encode_slip(ticket, 80), tmp_path / "sub" / "t.png", 80)
    with Image.open(path) as img:
        assert img.format == "PNG" and img.width == 576
    with pytest.raises(ValueError):
        render(b"", 76)


def test_tokenizer_chunking_and_status_requests_inside_data(ticket: Slip) -> None:
    data = encode_slip(ticket, 58, native_qr=False)
    raster_with_dle_eot = escpos.raster(Image.frombytes("1", (24, 1), b"\x10\x04\x01"))
    data += raster_with_dle_eot + b"\x10\x04\x04"
    whole = tokenize(data)
    tokenizer = Tokenizer()
    pieces = [t for i in range(0, len(data), 7) for t in tokenizer.feed(data[i : i + 7])]
    assert merge_text(pieces) == merge_text(whole)  # text runs may split at chunk ends, nothing else
    assert b"".join(t.raw for t in whole) == data
    assert [t.params for t in whole if t.kind == "dle_eot"] == [(4,)]  # not the one inside the raster


def test_qr_with_chinese_payload_round_trips() -> None:
    data = "签到:0f3a9e2c"
    img = render(encode_slip(Slip(items=(Qr(data, module=5),), cut=False), 58), 58)
    assert decode_qr(img) == data
