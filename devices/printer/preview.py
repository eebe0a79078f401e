"""Render an ESC/POS byte stream to an image: what the paper would look like.

An interpreter for the commands :mod:`devices.printer.escpos` emits (and the common ones around
them): text in Chinese mode (GB18030 two-byte characters from the bundled CJK font, in 12×24 /
24×24-dot cells like a printer's Font A), ``GS !`` / ``ESC !`` / ``FS !`` sizes, bold,
alignment, line feeds and ``ESC d`` / ``ESC J`` feeds, native QR codes rebuilt from their
``GS ( k`` payload with the ``qrcode`` package, ``GS v 0`` raster images, and cuts drawn as a
grey dashed line. Four-byte GB18030 sequences (which a printer with a two-byte font cannot print)
are drawn as a crossed box. Unknown bytes are skipped.

The image is mode ``L``, one pixel per printer dot, 384 (58 mm) or 576 (80 mm) pixels wide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from devices.printer.escpos import LINE_SPACING, PAPER, Align, qr_image
from devices.printer.fonts import CELL_H, HALF_W, glyph_cell
from devices.printer.stream import Token, tokenize

#: Grey of the cut mark (the print itself is black on white).
CUT_GREY = 150
_ECC_LEVEL = {48: "L", 49: "M", 50: "Q", 51: "H"}
#: ``ESC a n`` (n = 0, 1, 2)
_ALIGNS: tuple[Align, ...] = ("left", "center", "right")


@dataclass
class _Mode:
    """Print modes that ``ESC @`` resets."""

    align: int = 0
    bold: bool = False
    gs_w: int = 1
    gs_h: int = 1
    esc_dw: bool = False
    esc_dh: bool = False
    fs_dw: bool = False
    fs_dh: bool = False
    fs_quad: bool = False
    spacing: int = LINE_SPACING


@dataclass
class _QrState:
    module: int = 3
    level: str = "L"
    data: bytes = b""


@dataclass
class _Cell:
    ch: str  #: the character, or "" for an unprintable 4-byte / code-page byte
    half: bool
    w: int
    h: int
    bold: bool


@dataclass
class _Renderer:
    dots: int
    chinese: bool = True
    mode: _Mode = field(default_factory=_Mode)
    qr: _QrState = field(default_factory=_QrState)
    bands: list[Image.Image] = field(default_factory=list)
    pending: list[tuple[bytes, _Mode]] = field(default_factory=list)
    line_align: int | None = None

    # --- output ---

    def _band(self, img: Image.Image) -> None:
        self.bands.append(img)

    def _blank(self, height: int) -> None:
        if height > 0:
            self._band(Image.new("L", (self.dots, height), 255))

    def _cells(self) -> list[_Cell]:
        cells: list[_Cell] = []
        for raw, mode in self.pending:
            i = 0
            while i < len(raw):
                b = raw[i]
                two = self.chinese and b >= 0x81 and i + 1 < len(raw)
                if two and 0x30 <= raw[i + 1] <= 0x39 and i + 3 < len(raw):
                    size = 4  # a four-byte GB18030 code: two-byte printer fonts cannot print it
                    ch = ""
                elif two and raw[i + 1] >= 0x40 and raw[i + 1] != 0x7F:
                    size = 2
                    ch = raw[i : i + 2].decode("gb18030", errors="replace")
                elif b < 0x80:
                    size = 1
                    ch = chr(b)
                else:
                    size = 1
                    ch = ""
                half = size == 1
                if half:
                    w = mode.gs_w * (2 if mode.esc_dw else 1)
                    h = mode.gs_h * (2 if mode.esc_dh else 1)
                else:
                    quad = 2 if mode.fs_quad else 1
                    w = mode.gs_w * (2 if mode.fs_dw else 1) * quad
                    h = mode.gs_h * (2 if mode.fs_dh else 1) * quad
                cells.append(_Cell(ch, half and ch != "", min(w, 8), min(h, 8), mode.bold))
                i += size
        return cells

    def print_line(self, force: bool) -> None:
        """Print the line buffer (LF, ESC d, …); ``force`` advances even when it is empty."""
        cells = self._cells()
        align = self.mode.align if self.line_align is None else self.line_align
        self.pending.clear()
        self.line_align = None
        if not cells:
            if force:
                self._blank(self.mode.spacing)
            return
        line: list[_Cell] = []
        width = 0
        for cell in cells:  # the printer wraps by itself when a line overflows
            cw = (HALF_W if cell.half else 2 * HALF_W) * cell.w
            if line and width + cw > self.dots:
                self._draw_line(line, width, align)
                line, width = [], 0
            line.append(cell)
            width += cw
        self._draw_line(line, width, align)

    def _draw_line(self, line: list[_Cell], width: int, align: int) -> None:
        height = max(CELL_H * c.h for c in line)
        band = Image.new("L", (self.dots, max(self.mode.spacing, height)), 0)
        x = {0: 0, 1: (self.dots - width) // 2, 2: self.dots - width}.get(align, 0)
        x = max(0, x)
        draw = ImageDraw.Draw(band)
        for cell in line:
            cw = (HALF_W if cell.half else 2 * HALF_W) * cell.w
            ch_h = CELL_H * cell.h
            top = height - ch_h  # characters of one line share a baseline
            if cell.ch == "":
                draw.rectangle((x + 1, top + 1, x + cw - 2, top + ch_h - 2), outline=255)
                draw.line((x + 1, top + 1, x + cw - 2, top + ch_h - 2), fill=255)
                draw.line((x + 1, top + ch_h - 2, x + cw - 2, top + 1), fill=255)
            elif cell.ch != " ":
                band.paste(glyph_cell(cell.ch, cw, ch_h, cell.bold), (x, top))
            x += cw
        self._band(band.point(lambda v: 255 - v))

    def image(self, img: Image.Image) -> None:
        """Place an image (raster or QR) at the current alignment; wider ones are cropped."""
        self.print_line(force=False)
        if img.width >= self.dots:
            self._band(img.crop((0, 0, self.dots, img.height)))
            return
        band = Image.new("L", (self.dots, img.height), 255)
        x = {0: 0, 1: (self.dots - img.width) // 2, 2: self.dots - img.width}.get(self.mode.align, 0)
        band.paste(img, (x, 0))
        self._band(band)

    def cut_mark(self) -> None:
        self.print_line(force=False)
        band = Image.new("L", (self.dots, 12), 255)
        draw = ImageDraw.Draw(band)
        for x in range(0, self.dots, 12):
            draw.line((x, 6, x + 6, 6), fill=CUT_GREY, width=2)
        self._band(band)

    # --- commands ---

    def token(self, t: Token) -> None:
        handler = getattr(self, f"_{t.kind}", None)
        if handler is not None:
            handler(t)

    def _text(self, t: Token) -> None:
        if not self.pending and self.line_align is None:
            self.line_align = self.mode.align  # ESC a takes effect at the start of a line
        self.pending.append((t.raw, _Mode(**vars(self.mode))))

    def _lf(self, t: Token) -> None:
        self.print_line(force=True)

    def _ff(self, t: Token) -> None:
        self.print_line(force=True)

    def _ht(self, t: Token) -> None:
        self._text(Token("text", b"  "))

    def _esc(self, t: Token) -> None:
        c, p = t.code, t.params
        if c == 0x40:
            self.print_line(force=False)
            self.mode = _Mode()
            self.qr = _QrState()
        elif c == 0x61:
            self.mode.align = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(p[0], 0)
        elif c == 0x45 or c == 0x47:
            self.mode.bold = bool(p[0] & 1)
        elif c == 0x21:
            self.mode.bold = bool(p[0] & 0x08)
            self.mode.esc_dh = bool(p[0] & 0x10)
            self.mode.esc_dw = bool(p[0] & 0x20)
        elif c == 0x64:
            self.print_line(force=False)
            self._blank(p[0] * self.mode.spacing)
        elif c == 0x4A:
            self.print_line(force=False)
            self._blank(p[0])
        elif c == 0x32:
            self.mode.spacing = LINE_SPACING
        elif c == 0x33:
            self.mode.spacing = p[0]

    def _fs(self, t: Token) -> None:
        c, p = t.code, t.params
        if c == 0x26:
            self.chinese = True
        elif c == 0x2E:
            self.chinese = False
        elif c == 0x21:
            self.mode.fs_dw = bool(p[0] & 0x04)
            self.mode.fs_dh = bool(p[0] & 0x08)
        elif c == 0x57:
            self.mode.fs_quad = bool(p[0] & 1)

    def _gs(self, t: Token) -> None:
        c, p = t.code, t.params
        if c == 0x21:
            self.mode.gs_w = ((p[0] >> 4) & 0x07) + 1
            self.mode.gs_h = (p[0] & 0x07) + 1
        elif c == 0x56:
            if len(p) == 2:  # GS V 65/66 n: feed n dots (to the cutter) then cut
                self.print_line(force=False)
                self._blank(p[1])
            self.cut_mark()
        elif c == 0x76:
            self._raster(t)
        elif c == 0x28 and p and p[0] == 0x6B:
            self._qr(t.data)

    def _raster(self, t: Token) -> None:
        x_bytes = t.params[2] | t.params[3] << 8
        rows = t.params[4] | t.params[5] << 8
        if not x_bytes or not rows:
            return
        bits = Image.frombytes("1", (x_bytes * 8, rows), t.data)  # 1 = ink
        img = bits.convert("L").point(lambda v: 0 if v else 255)
        scale_w = 2 if t.params[1] & 1 else 1
        scale_h = 2 if t.params[1] & 2 else 1
        if scale_w != 1 or scale_h != 1:
            img = img.resize((img.width * scale_w, img.height * scale_h), Image.Resampling.NEAREST)
        self.image(img)

    def _qr(self, data: bytes) -> None:
        if len(data) < 3 or data[0] != 0x31:  # cn 49 = QR code
            return
        fn, args = data[1], data[2:]
        if fn == 0x43 and args:
            self.qr.module = max(1, min(16, args[0]))
        elif fn == 0x45 and args:
            self.qr.level = _ECC_LEVEL.get(args[0], "L")
        elif fn == 0x50 and args[:1] == b"\x30":
            self.qr.data = bytes(args[1:])
        elif fn == 0x51 and self.qr.data:
            where = _ALIGNS[self.mode.align]
            try:
                img = qr_image(self.qr.data, self.qr.module, self.qr.level, where, self.dots)
            except ValueError:
                return  # too much data for any QR version: a printer prints nothing
            self.image(img)

    def finish(self) -> Image.Image:
        self.print_line(force=False)
        height = sum(b.height for b in self.bands) or 1
        out = Image.new("L", (self.dots, height), 255)
        y = 0
        for band in self.bands:
            out.paste(band, (0, y))
            y += band.height
        return out


def render(data: bytes, width_mm: int = 80) -> Image.Image:
    """Render an ESC/POS stream.

    Args:
        data: the bytes sent to the printer (one or more jobs).
        width_mm: 58 or 80.

    Returns:
        A mode ``L`` image, 384 or 576 pixels wide (one per dot), black print on white.

    Raises:
        ValueError: for a paper width other than 58 or 80 mm.
    """
    if width_mm not in PAPER:
        raise ValueError(f"paper width must be 58 or 80 mm, got {width_mm}")
    renderer = _Renderer(dots=PAPER[width_mm][1])
    for token in tokenize(data):
        renderer.token(token)
    return renderer.finish()


def render_png(data: bytes, path: str | Path, width_mm: int = 80) -> Path:
    """Render an ESC/POS stream and save it as a PNG; returns the path written."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    render(data, width_mm).save(out, format="PNG")
    return out
