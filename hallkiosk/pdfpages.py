"""PDF pages as PNG images, through the pypdfium2 wheel (no poppler-utils needed on the machine).

The demo tour shows the signed records (开标记录表 …) as pictures in its report; the files are named as
``pdftoppm -png`` named them (``<prefix>-<n>.png``, ``n`` zero-padded to the page count's digits), so
the report's links did not change. PDFium is not thread-safe: call these from one thread at a time
(the tour calls them on the main thread).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # the wheel has no py.typed

POINTS_PER_INCH = 72


def page_png(pdf: str | Path, page: int = 1, dpi: int = 80) -> bytes:
    """One page (1-based) of ``pdf`` rendered at ``dpi``, as PNG bytes.

    Raises:
        IndexError: the PDF has no such page.
        pypdfium2.PdfiumError: the file is not a readable PDF.
    """
    doc = pdfium.PdfDocument(str(pdf))
    try:
        if not 1 <= page <= len(doc):
            raise IndexError(f"{pdf} has {len(doc)} page(s), not page {page}")
        return _png(doc[page - 1], dpi)
    finally:
        doc.close()


def render_pages(pdf: str | Path, prefix: str | Path, dpi: int = 80) -> list[Path]:
    """Every page of ``pdf`` at ``dpi`` written as ``<prefix>-<n>.png``; the paths in page order."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        width = len(str(len(doc)))
        paths = []
        for i in range(len(doc)):
            path = Path(f"{prefix}-{i + 1:0{width}d}.png")
            path.write_bytes(_png(doc[i], dpi))
            paths.append(path)
        return paths
    finally:
        doc.close()


def _png(page: Any, dpi: int) -> bytes:
    buf = io.BytesIO()
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH)
        try:
            bitmap.to_pil().save(buf, format="PNG")  # the image shares the bitmap's buffer: save it first
        finally:
            bitmap.close()
    finally:
        page.close()
    return buf.getvalue()
