"""Signed hall documents as PDF: 开标记录表, 成交确认书, 拍卖笔录, daily reports.

reportlab embeds only TrueType outlines, so documents use ``assets/fonts/NotoSansSC-*.ttf`` — the
same Noto Sans CJK SC subset as the screens (OFL), converted from CFF to quadratic outlines with
fontTools' cu2qu. Fonts are embedded as subsets, so a PDF shows the same on any machine.

``build_pdf`` returns the bytes and their SHA-256: a record journals that hash (``record_sha256``,
``confirmation_sha256``) and the file goes to the platform as a blob under it. To keep the hash
reproducible, PDFs are built ``invariant`` (reportlab fixes the creation date and document id);
the document's own dates are in its content.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
REGULAR = "NotoSansSC"
BOLD = "NotoSansSC-Bold"
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the CJK fonts with reportlab once per process."""
    global _registered
    with _lock:
        if _registered:
            return
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "NotoSansSC-Regular.ttf")))
        bold = FONTS / "NotoSansSC-Bold.ttf"
        pdfmetrics.registerFont(TTFont(BOLD, str(bold if bold.exists() else FONTS / "NotoSansSC-Regular.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
        # A canvas starts in this font; left at Helvetica, every PDF would list a font it never
        # embeds (pdffonts: "emb no"). Every document of the hall is CJK, so start in ours.
        rl_config.canvas_basefontname = REGULAR
        STATE_DEFAULTS["fontName"] = REGULAR  # the same for charts (reportlab.graphics)
        _registered = True


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle


def styles() -> Styles:
    """Paragraph styles in the CJK font (CJK line breaking on)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10.5, leading=16, wordWrap="CJK")
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=8),
        heading=ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")),
        cell=ParagraphStyle("cell", parent=body, fontSize=9.5, leading=13),
    )


def grid_table(rows: Sequence[Sequence[object]], col_widths: Sequence[float] | None = None, *, header_rows: int = 1) -> Table:
    """A ruled table; strings become wrapped paragraphs in the cell style."""
    st = styles()
    cells = [[Paragraph(c, st.cell) if isinstance(c, str) else c for c in row] for row in rows]
    table = Table(cells, colWidths=col_widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cell's own font (default Helvetica, never embedded)
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#E6ECF5")) if header_rows else ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def build_pdf(story: list[Flowable], *, title: str, footer: str, pagesize: tuple[float, float] = A4) -> tuple[bytes, str]:
    """Lay out ``story`` with a footer (``footer`` · 第 n 页); returns (bytes, sha256 hex).

    The same story gives the same bytes (``invariant``), so a journalled hash can be rebuilt.
    """
    register_fonts()
    buf = io.BytesIO()

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.drawCentredString(pagesize[0] / 2, 10 * mm, f"{footer} · 第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buf, pagesize=pagesize, title=title, author="Hall Kiosk", creator="Hall Kiosk",
        leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=20 * mm,
        invariant=True,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    data = buf.getvalue()
    return data, hashlib.sha256(data).hexdigest()
