"""A small ESC/POS encoder for Chinese-market thermal printers (docs/devices.md §3).

Commands are built as exact byte strings; :func:`encode_slip` turns a device-independent
``kiosk.ports.Slip`` into one job: ``ESC @``, ``FS &`` (Chinese mode, re-sent because whether
``ESC @`` resets it is model-specific), then each item, then feed and cut.

Text is sent as GB18030 in Chinese mode, where printers draw the two-byte area from their
resident font. Anything else — characters that GB18030 encodes in four bytes (CJK extension
rare name characters such as U+20000 𠀀), the GBK compatibility block FE50–FEA0 whose glyphs
differ between printer fonts and GB18030 editions (䶮 U+4DAE is FE9F), private-use characters
and anything not encodable — is never sent as text (a printer would print ``?`` or garbage):
the whole line it sits in is rendered with the bundled CJK font and sent as a ``GS v 0`` raster
image of the full paper width.

Wrapping is done here, not by the printer: 58 mm paper holds 32 half-width columns (384 dots),
80 mm holds 48 (576 dots); a hanzi takes 2 columns, and everything scales with the size multiple.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from typing import Literal

import qrcode
import qrcode.constants
from PIL import Image

from devices.printer.fonts import CELL_H, HALF_W, glyph_cell
from kiosk.ports import Feed, Qr, Rule, Slip, Text

Align = Literal["left", "center", "right"]

ESC = 0x1B
GS = 0x1D
FS = 0x1C
LF = b"\n"

#: Paper width in mm → (half-width columns, dots) for Font A (12×24).
PAPER: dict[int, tuple[int, int]] = {58: (32, 384), 80: (48, 576)}
#: Default line advance in dots (ESC 2) used for raster lines and the preview.
LINE_SPACING = 30
#: Lines fed before the cut so the last printed line clears the cutter.
CUT_FEED_LINES = 4
#: GS ( k fn 180 accepts at most this many data bytes (Epson).
QR_MAX_BYTES = 7089
#: Quiet zone around a QR, in modules (rendered images only; the paper is white anyway).
QR_QUIET = 4
#: GS v 0 bands are kept at most this tall (printers limit yL + 256·yH; small buffers).
RASTER_BAND = 256

_ALIGN = {"left": 0, "center": 1, "right": 2}
_ECC = {"L": 48, "M": 49, "Q": 50, "H": 51}
_QR_ECC_LIB = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
#: Characters that must not start a line (line-start prohibition, 避头点).
_NO_LINE_START = frozenset("，。、；：！？）」』”’》〉】〕…—,.;:!?)]}%")


# --- single commands ----------------------------------------------------------------------------


def init() -> bytes:
    """``ESC @``: clear the buffer and reset print modes."""
    return bytes([ESC, 0x40])


def chinese_mode(on: bool = True) -> bytes:
    """``FS &`` (Chinese mode on) or ``FS .`` (off)."""
    return bytes([FS, 0x26 if on else 0x2E])


def char_size(width: int = 1, height: int = 1) -> bytes:
    """``GS ! n``: character width and height multiples, 1..8 each.

    Raises:
        ValueError: if a multiple is outside 1..8.
    """
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size must be 1..8, got {width}×{height}")
    return bytes([GS, 0x21, ((width - 1) << 4) | (height - 1)])


def bold(on: bool = True) -> bytes:
    """``ESC E n``: emphasised (bold) on or off."""
    return bytes([ESC, 0x45, 1 if on else 0])


def align(where: Align) -> bytes:
    """``ESC a n``: justification 0 left, 1 centre, 2 right (takes effect at a line start)."""
    return bytes([ESC, 0x61, _ALIGN[where]])


def line_feed() -> bytes:
    """``LF``: print the line buffer and advance one line."""
    return LF


def feed_lines(n: int) -> bytes:
    """``ESC d n``: print the buffer and feed ``n`` lines (0..255)."""
    if not 0 <= n <= 255:
        raise ValueError(f"feed must be 0..255 lines, got {n}")
    return bytes([ESC, 0x64, n])


def cut(partial: bool = False) -> bytes:
    """``GS V 0`` (full cut) or ``GS V 1`` (partial cut)."""
    return bytes([GS, 0x56, 1 if partial else 0])


def _gs_k(fn: int, payload: bytes) -> bytes:
    """``GS ( k pL pH cn fn …`` with cn = 49 (QR code)."""
    n = len(payload) + 2
    return bytes([GS, 0x28, 0x6B, n & 0xFF, n >> 8, 0x31, fn]) + payload


def qr_model(model: int = 2) -> bytes:
    """QR fn 165: select model 1 or 2 (``1D 28 6B 04 00 31 41 n1 00``)."""
    if model not in (1, 2):
        raise ValueError(f"QR model must be 1 or 2, got {model}")
    return _gs_k(0x41, bytes([0x30 + model, 0]))


def qr_module_size(dots: int) -> bytes:
    """QR fn 167: module size 1..16 dots (``1D 28 6B 03 00 31 43 n``)."""
    if not 1 <= dots <= 16:
        raise ValueError(f"QR module size must be 1..16 dots, got {dots}")
    return _gs_k(0x43, bytes([dots]))


def qr_error_level(level: str = "M") -> bytes:
    """QR fn 169: error correction L/M/Q/H (``1D 28 6B 03 00 31 45 n``, n = 48..51)."""
    return _gs_k(0x45, bytes([_ECC[level]]))


def qr_store(data: bytes) -> bytes:
    """QR fn 180: store ``data`` in the symbol area (``1D 28 6B pL pH 31 50 30 d…``, pL+256·pH = k+3)."""
    if not 1 <= len(data) <= QR_MAX_BYTES:
        raise ValueError(f"QR data must be 1..{QR_MAX_BYTES} bytes, got {len(data)}")
    return _gs_k(0x50, b"\x30" + data)


def qr_print() -> bytes:
    """QR fn 181: print the stored symbol (``1D 28 6B 03 00 31 51 30``)."""
    return _gs_k(0x51, b"\x30")


def qr_native(data: bytes, module: int, level: str = "M") -> bytes:
    """The whole native QR sequence: model 2, module size, error level, store, print."""
    return qr_model(2) + qr_module_size(module) + qr_error_level(level) + qr_store(data) + qr_print()


def raster(image: Image.Image) -> bytes:
    """``GS v 0``: a raster bit image; dark pixels print. Tall images are split into bands.

    Args:
        image: any PIL image; it is thresholded at mid-grey (dark = ink).

    Returns:
        One ``1D 76 30 00 xL xH yL yH d…`` command per band of at most :data:`RASTER_BAND` rows.
    """
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0).convert("1", dither=Image.Dither.NONE)
    width_bytes = (ink.width + 7) // 8
    out = bytearray()
    for top in range(0, ink.height, RASTER_BAND):
        band = ink.crop((0, top, ink.width, min(ink.height, top + RASTER_BAND)))
        rows = band.height
        out += bytes([GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8])
        out += band.tobytes()  # mode "1": MSB = leftmost pixel, 1 = ink (255 above), rows byte-padded
    return bytes(out)


# --- text ---------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Make slip text safe to send: no control or format characters can reach the printer.

    Tabs become spaces, other control characters (ESC, DLE, …, which would be commands) become
    spaces, zero-width format characters are dropped; newlines are kept as paragraph breaks.
    """
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            out.append(" ")
        elif cat in ("Cf", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=8192)
def is_printable_text(ch: str) -> bool:
    """Whether the printer can print ``ch`` from its resident font in Chinese mode.

    True for ASCII and for GB18030's two-byte area, except private-use characters (the
    user-defined areas) and the compatibility block FE50–FEA0 (glyphs differ between printer
    fonts and GB18030 editions). False for four-byte and unencodable characters.
    """
    if " " <= ch <= "~":
        return True
    if "\ue000" <= ch <= "\uf8ff":
        return False
    try:
        code = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if len(code) != 2:
        return False
    return not (code[0] == 0xFE and 0x50 <= code[1] <= 0xA0)


def char_columns(ch: str) -> int:
    """Columns a character takes at size 1: 1 for ASCII (half-width), 2 for everything else."""
    return 1 if ord(ch) < 0x80 else 2


def text_columns(text: str) -> int:
    """Columns a string takes at size 1."""
    return sum(char_columns(ch) for ch in text)


def _tokens(paragraph: str) -> Iterable[str]:
    """Split a paragraph into wrap units: runs of ASCII word characters stay together."""
    word = ""
    for ch in paragraph:
        if "!" <= ch <= "~":
            word += ch
            continue
        if word:
            yield word
            word = ""
        yield ch
    if word:
        yield word


def wrap(text: str, columns: int) -> list[str]:
    """Wrap text at ``columns`` half-width columns (hanzi count 2).

    Latin words are not split unless longer than a line; a line never starts with closing
    punctuation such as ``，`` or ``。`` (the character before moves down with it); spaces at a
    break are dropped. Every paragraph (``\\n``) starts a new line; an empty one is a blank line.

    Args:
        text: cleaned text (see :func:`clean_text`).
        columns: the line width in half-width columns (≥ 2).

    Returns:
        The lines, each at most ``columns`` wide.
    """
    if columns < 2:
        raise ValueError(f"a line must hold at least 2 columns, got {columns}")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        width = 0
        para_lines: list[str] = []
        for token in _tokens(paragraph):
            w = text_columns(token)
            if width + w <= columns:
                current += token
                width += w
                continue
            if token == " ":
                para_lines.append(current)
                current, width = "", 0
                continue
            if w > columns:  # a word longer than a line: break it by characters
                for ch in token:
                    cw = char_columns(ch)
                    if width + cw > columns:
                        para_lines.append(current)
                        current, width = "", 0
                    current += ch
                    width += cw
                continue
            if token[0] in _NO_LINE_START:
                # Move characters down with it until the new line starts with an allowed one.
                cut_at = len(current) - 1
                while cut_at > 0 and current[cut_at] in _NO_LINE_START:
                    cut_at -= 1
                if cut_at > 0 and text_columns(current[cut_at:] + token) <= columns:
                    para_lines.append(current[:cut_at])
                    current = current[cut_at:] + token
                    width = text_columns(current)
                    continue
            para_lines.append(current)
            current, width = token, w
        para_lines.append(current)
        lines.extend(line.rstrip(" ") for line in para_lines)
    return lines


def render_text_line(line: str, size: int, bold_on: bool, where: Align, dots: int) -> Image.Image:
    """A text line drawn as the printer would draw it, full paper width, for a raster line.

    Args:
        line: the text (already wrapped to fit).
        size: width and height multiple.
        bold_on: emphasised.
        where: alignment within the paper width.
        dots: paper width in dots.

    Returns:
        A mode ``L`` image, ``dots`` wide and one line advance tall; 0 = ink, 255 = paper.
    """
    cell_h = CELL_H * size
    height = max(LINE_SPACING, cell_h)
    img = Image.new("L", (dots, height), 0)
    width = sum(char_columns(ch) * HALF_W * size for ch in line)
    x = {"left": 0, "center": (dots - width) // 2, "right": dots - width}[where]
    x = max(0, x)
    for ch in line:
        cell_w = char_columns(ch) * HALF_W * size
        if ch != " ":
            img.paste(glyph_cell(ch, cell_w, cell_h, bold_on), (x, 0))
        x += cell_w
    return img.point(lambda v: 255 - v)


def encode_text_line(line: str, size: int, bold_on: bool, where: Align, dots: int) -> bytes:
    """One wrapped line: GB18030 text + LF, or a raster image when it holds unprintable characters."""
    if all(is_printable_text(ch) for ch in line):
        return line.encode("gb18030") + LF
    return raster(render_text_line(line, size, bold_on, where, dots))


def encode_text(item: Text, columns: int, dots: int) -> bytes:
    """A ``Text`` item: alignment, bold and size set explicitly, then its wrapped lines."""
    if not 1 <= item.size <= 8:
        raise ValueError(f"text size must be 1..8, got {item.size}")
    out = bytearray(align(item.align) + bold(item.bold) + char_size(item.size, item.size))
    for line in wrap(clean_text(item.text), columns // item.size):
        out += encode_text_line(line, item.size, item.bold, item.align, dots)
    return bytes(out)


def encode_rule(item: Rule, columns: int, dots: int) -> bytes:
    """A ``Rule``: its character repeated across the paper at size 1, normal weight."""
    char = clean_text(item.char)[:1] or "-"
    if char in (" ", "\n"):
        char = "-"
    line = char * (columns // char_columns(char))
    return align("left") + bold(False) + char_size(1, 1) + encode_text_line(line, 1, False, "left", dots)


# --- QR -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def qr_matrix(data: bytes, level: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The QR modules for ``data`` (byte data, auto version), without quiet zone (cached)."""
    code = qrcode.QRCode(error_correction=_QR_ECC_LIB[level], box_size=1, border=0)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def fit_module(modules: int, module: int, dots: int) -> int:
    """The largest module size ≤ ``module`` at which the symbol and its quiet zone fit the paper.

    Raises:
        ValueError: if even 1-dot modules do not fit.
    """
    for size in range(min(max(module, 1), 16), 0, -1):
        if (modules + 2 * QR_QUIET) * size <= dots:
            return size
    raise ValueError(f"QR code with {modules} modules does not fit {dots} dots")


def qr_image(data: bytes, module: int, level: str, where: Align, dots: int) -> Image.Image:
    """A QR symbol as printed: full paper width, quiet zone above and below; 0 = ink.

    Used for the raster fallback and by the preview to rebuild a native QR from its payload.
    """
    matrix = qr_matrix(data, level)
    n = len(matrix)
    side = n * module
    quiet = QR_QUIET * module
    img = Image.new("L", (dots, side + 2 * quiet), 255)
    x0 = {"left": quiet, "center": (dots - side) // 2, "right": dots - side - quiet}[where]
    x0 = max(0, x0)
    symbol = Image.new("L", (n, n), 255)
    symbol.putdata([0 if cell else 255 for row in matrix for cell in row])
    img.paste(symbol.resize((side, side), Image.Resampling.NEAREST), (x0, quiet))
    return img


def encode_qr(item: Qr, dots: int, native: bool, level: str = "M") -> bytes:
    """A ``Qr`` item: native ``GS ( k`` or, for printers without it, a ``GS v 0`` raster."""
    data = item.data.encode("utf-8")
    if not 1 <= len(data) <= QR_MAX_BYTES:
        raise ValueError(f"QR data must be 1..{QR_MAX_BYTES} bytes, got {len(data)}")
    module = fit_module(len(qr_matrix(data, level)), item.module, dots)
    head = align(item.align)
    if native:
        return head + qr_native(data, module, level)
    return head + raster(qr_image(data, module, level, item.align, dots))


# --- slips --------------------------------------------------------------------------------------


def paper(width_mm: int) -> tuple[int, int]:
    """(columns, dots) for a paper width.

    Raises:
        ValueError: for a width other than 58 or 80 mm.
    """
    try:
        return PAPER[width_mm]
    except KeyError:
        raise ValueError(f"paper width must be 58 or 80 mm, got {width_mm}") from None


def encode_slip(slip: Slip, width_mm: int, native_qr: bool = True) -> bytes:
    """Encode a slip as one ESC/POS job.

    Args:
        slip: the device-independent slip.
        width_mm: 58 or 80.
        native_qr: print QR codes with ``GS ( k``; False sends them as raster images.

    Returns:
        ``ESC @``, ``FS &``, the items, and (if ``slip.cut``) ``ESC d 4`` + ``GS V 0``.

    Raises:
        ValueError: for an unknown paper width, a size outside 1..8 or QR data that cannot fit.
    """
    columns, dots = paper(width_mm)
    out = bytearray(init() + chinese_mode(True))
    for item in slip.items:
        if isinstance(item, Text):
            out += encode_text(item, columns, dots)
        elif isinstance(item, Qr):
            out += encode_qr(item, dots, native_qr)
        elif isinstance(item, Rule):
            out += encode_rule(item, columns, dots)
        elif isinstance(item, Feed):
            out += feed_lines(max(0, min(255, item.lines)))
        else:
            raise TypeError(f"not a slip item: {item!r}")
    if slip.cut:
        out += feed_lines(CUT_FEED_LINES) + cut()
    return bytes(out)
