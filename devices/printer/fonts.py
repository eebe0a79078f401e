"""The bundled CJK font and the glyph cells that raster lines and the preview are drawn with.

A printer's resident font draws half-width characters in 12×24-dot cells and hanzi in 24×24-dot
cells (Font A), scaled by the character-size multiple. Characters the printer cannot draw are
sent as raster images rendered here, and the preview draws printed text with the same cells, so
both look alike. A character the font lacks is drawn as a box holding its code point in hex
(never as an anonymous "tofu" box), so staff can still tell which character it was.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

#: The font the project ships (preferred).
ASSET_FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSansSC-Regular.otf"
#: Fallback while the asset is missing: Debian's ``fonts-noto-cjk``.
SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)

#: Font A cell height in dots; half-width cells are 12 dots wide, hanzi cells 24.
CELL_H = 24
HALF_W = 12
#: Where the ideographic em box's baseline sits, as a fraction of the em (Noto CJK: 0.88).
_BASELINE = 0.88
#: A code point no font maps, to learn what the font's ``.notdef`` glyph looks like.
_UNMAPPED = "\U000f0000"


def cjk_font_path() -> Path:
    """The CJK font to draw with: the bundled asset if present, else a system Noto CJK font.

    Returns:
        The path of an existing font file.

    Raises:
        FileNotFoundError: if neither the asset nor a system CJK font exists.
    """
    for path in (ASSET_FONT, *SYSTEM_FONTS):
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"no CJK font: expected {ASSET_FONT} (or fonts-noto-cjk at {SYSTEM_FONTS[0]})"
    )


@functools.lru_cache(maxsize=4)
def _face_index(path: Path) -> int:
    """The index of the Simplified Chinese face in a collection (0 for a single font)."""
    if path.suffix.lower() != ".ttc":
        return 0
    for index in range(16):
        try:
            family, _style = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:
            break
        if family and family.endswith(" SC") and "Mono" not in family:
            return index
    return 0


@functools.lru_cache(maxsize=32)
def load_font(px: int) -> ImageFont.FreeTypeFont:
    """The CJK font at ``px`` pixels per em (cached)."""
    path = cjk_font_path()
    return ImageFont.truetype(str(path), px, index=_face_index(path))


@functools.lru_cache(maxsize=8192)
def has_glyph(ch: str) -> bool:
    """Whether the CJK font has a real glyph for ``ch`` (not its ``.notdef`` box)."""
    if ch.isspace():
        return True
    font = load_font(CELL_H)
    mask = font.getmask(ch)
    notdef = font.getmask(_UNMAPPED)
    return not (mask.size == notdef.size and bytes(mask) == bytes(notdef))


def _hex_box(code: int, cell_w: int, cell_h: int) -> Image.Image:
    """A box with the code point in hex, for a character the font lacks."""
    img = Image.new("L", (cell_w, cell_h), 0)
    draw = ImageDraw.Draw(img)
    pad = max(1, cell_h // 24)
    draw.rectangle((pad - 1, pad - 1, cell_w - pad, cell_h - pad), outline=255, width=pad)
    digits = f"{code:06X}" if code > 0xFFFF else f"{code:04X}"
    rows = [digits[: len(digits) // 2], digits[len(digits) // 2 :]]
    font = load_font(max(6, int(cell_h * 0.42)))
    for i, row in enumerate(rows):
        y = cell_h * (0.27 + 0.46 * i)
        draw.text((cell_w / 2, y), row, fill=255, font=font, anchor="mm")
    return img


@functools.lru_cache(maxsize=4096)
def glyph_cell(ch: str, cell_w: int, cell_h: int, bold: bool = False) -> Image.Image:
    """One character drawn into a printer cell: mode ``L``, 255 = ink, 0 = paper.

    Args:
        ch: the character.
        cell_w: cell width in dots (12 or 24 times the width multiple).
        cell_h: cell height in dots (24 times the height multiple).
        bold: draw emphasised (double strike shifted by one dot per multiple, as printers do).

    Returns:
        A ``cell_w`` × ``cell_h`` image. Do not modify it: it is shared by the cache.
    """
    if not has_glyph(ch):
        return _hex_box(ord(ch), cell_w, cell_h)
    font = load_font(cell_h)
    advance = max(1, round(font.getlength(ch)))
    draw_w = max(cell_w, advance)
    img = Image.new("L", (draw_w, cell_h), 0)
    draw = ImageDraw.Draw(img)
    draw.text((draw_w / 2, cell_h * _BASELINE), ch, fill=255, font=font, anchor="ms")
    if draw_w != cell_w:  # wider than its cell (a Latin "W" in a 12-dot cell): squeeze it in
        img = img.resize((cell_w, cell_h), Image.Resampling.LANCZOS)
    if bold:
        shift = max(1, cell_h // CELL_H)
        shifted = Image.new("L", img.size, 0)
        shifted.paste(img, (shift, 0))
        img = ImageChops.lighter(img, shifted)
    return img
