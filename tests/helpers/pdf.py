"""Reading the hall's PDFs back in tests, through the pypdfium2 wheel (no poppler-utils on the machine).

- :func:`pdf_text` — the text in reading order, like ``pdftotext -layout``: lines top to bottom,
  the characters of one line left to right and a wide gap between them kept as spaces, pages split by a
  form feed. A table row stays one line (``序号 投标人 投标报价（元） 大写``), and a footer drawn first
  still comes last.
- :func:`pdf_page_png` — one page as PNG bytes (the production renderer, :mod:`hallkiosk.pdfpages`).
- :func:`pdf_fonts` — every font the file declares, with whether it is embedded and subset, like
  ``pdffonts``: it reads the font dictionaries themselves, so a font listed but never drawn (the
  canvas' Helvetica) still counts.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # the wheel has no py.typed
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from hallkiosk.pdfpages import page_png


def pdf_text(path: str | Path | None) -> str:
    """The text of every page in reading order (see the module's docstring)."""
    assert path, "no PDF path"
    doc = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                pages.append(_layout(textpage))
            finally:
                textpage.close()
                page.close()
        return "\f".join(pages)
    finally:
        doc.close()


def pdf_page_png(path: str | Path, page: int = 1, dpi: int = 80) -> bytes:
    """Page ``page`` (1-based) rendered at ``dpi`` as PNG bytes."""
    return page_png(path, page, dpi)


def _layout(textpage: Any) -> str:
    """Characters grouped into lines by baseline, lines top to bottom, characters left to right.

    Gaps are measured between loose boxes (a glyph's advance, not its ink), so a full-width colon
    or a CJK run drawn in pieces stays joined; a gap of a space or more becomes spaces, about one a
    half-em as ``pdftotext -layout`` spaces its columns. PDFium's own guessed spaces and line breaks
    are dropped.
    """
    chars = []  # (baseline, x, left, right, size, char)
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1 or code in (0, 0xFFFE, 0xFFFF) or chr(code) in "\r\n":
            continue
        left, _bottom, right, _top = textpage.get_charbox(i, loose=True)
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, x, y)
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i) or 10.0
        chars.append((y.value, x.value, left, right, size, chr(code)))
    lines: list[list[tuple[float, float, float, float, float, str]]] = []
    for ch in sorted(chars, key=lambda c: (-c[0], c[1])):
        line = lines[-1] if lines else None
        if line is not None and abs(line[0][0] - ch[0]) <= 0.3 * max(ch[4], line[0][4]):
            line.append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c[1])
        text, right = "", None
        for _, _, left, r, size, c in line:
            if c.isspace():
                text += " "
            elif right is not None and left - right > 0.2 * size and not text.endswith(" "):
                text += " " * max(1, round((left - right) / (0.5 * size)))
            if not c.isspace():
                text += c
            right = max(r, right) if right is not None else r
        out.append(text.rstrip())
    return "\n".join(out) + "\n"


# --- fonts --------------------------------------------------------------------------------------------

_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)\bendobj", re.S)
_REF = r"/{key}\s+(\d+)\s+0\s+R"


@dataclass(frozen=True)
class PdfFont:
    name: str  #: /BaseFont, e.g. ``AAAAAA+NotoSansCJKsc-Regular``
    subtype: str  #: TrueType, Type0, Type1, Type3 …
    embedded: bool  #: its descriptor carries a FontFile, FontFile2 or FontFile3 (Type3: always)
    subset: bool  #: the name has the six-letter subset tag (``ABCDEF+``)


def pdf_fonts(path: str | Path) -> list[PdfFont]:
    """Every font dictionary of the file (as ``pdffonts`` lists them), in object order.

    Reads the objects as written (reportlab writes plain objects, compressing only streams); a file
    that hides its objects in object streams, or declares no font, fails here rather than passing.
    """
    data = Path(path).read_bytes()
    assert b"/ObjStm" not in data, f"{path}: objects in object streams; pdf_fonts reads plain objects only"
    objects = {int(m.group(1)): _dict_part(m.group(2)) for m in _OBJ.finditer(data)}
    fonts = []
    for body in objects.values():
        if not re.search(r"/Type\s*/Font\b", body):
            continue
        subtype = _name(body, "Subtype")
        if subtype == "CIDFontType0" or subtype == "CIDFontType2":
            continue  # a Type0 font's descendant: reported with its parent
        name = _name(body, "BaseFont")
        descriptor = _ref(body, "FontDescriptor")
        if subtype == "Type0":  # the descriptor hangs off its one descendant CIDFont
            m = re.search(r"/DescendantFonts\s*\[\s*(\d+)\s+0\s+R", body)
            descriptor = _ref(objects.get(int(m.group(1)), ""), "FontDescriptor") if m else None
        desc = objects.get(descriptor, "") if descriptor is not None else ""
        embedded = subtype == "Type3" or bool(re.search(r"/FontFile[23]?\s+\d+\s+0\s+R", desc))
        fonts.append(PdfFont(name, subtype, embedded, bool(re.match(r"[A-Z]{6}\+", name))))
    assert fonts, f"{path}: no font dictionary found"
    return fonts


def _dict_part(raw: bytes) -> str:
    """The object's dictionary (a stream's bytes dropped), as text."""
    head = raw.split(b"stream", 1)[0] if b"stream" in raw else raw
    try:
        return head.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any byte
        return ""


def _name(body: str, key: str) -> str:
    m = re.search(rf"/{key}\s*/([^\s/<>\[\]()]+)", body)
    return m.group(1) if m else ""


def _ref(body: str, key: str) -> int | None:
    m = re.search(_REF.format(key=key), body)
    return int(m.group(1)) if m else None
