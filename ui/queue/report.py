"""The queue's daily report: PDF (Qt's PDF writer, the bundled Noto Sans SC embedded) and CSV.

reportlab cannot embed the bundled font (its TrueType reader refuses CFF/PostScript outlines, and
``NotoSansSC-*.otf`` has them), so the PDF is drawn with ``QPdfWriter``, which embeds a subset of
the font actually used. A QGuiApplication must exist (the CLI makes an offscreen one).
"""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from kiosk.queue import DailyStats, GroupStats
from ui.theme import load_fonts


def write_csv(rows: list[list[str]], path: str | Path) -> Path:
    """Write the rows (``QueueService.stats_csv_rows``) as UTF-8 CSV with a BOM (opens right in Excel)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return p


def _m(seconds: int | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


def write_pdf(st: DailyStats, path: str | Path, site_name: str) -> Path:
    """Draw the daily report on A4 pages: totals, a chart of tickets per hour, tables per group."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    family = load_fonts()
    writer = QPdfWriter(str(p))
    writer.setResolution(150)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"排队叫号日报 {st.business_date.isoformat()}")
    writer.setCreator("Hall Kiosk")
    painter = QPainter(writer)
    width = writer.width()
    height = writer.height()

    def font(px: int, bold: bool = False) -> QFont:
        f = QFont(family)
        f.setPixelSize(px)
        f.setBold(bold)
        return f

    y = 0.0

    def text(s: str, px: int = 26, bold: bool = False, color: str = "#1b2430", gap: float = 1.5) -> None:
        nonlocal y
        painter.setFont(font(px, bold))
        painter.setPen(QColor(color))
        painter.drawText(QRectF(0, y, width, px * 1.6), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, s)
        y += px * gap

    def ensure(room: float) -> None:
        nonlocal y
        if y + room > height:
            writer.newPage()
            y = 0.0

    text(site_name, 30, True, "#0b3d91")
    text(f"排队叫号日报 Queue daily report · {st.business_date.isoformat()}", 40, True)
    t = st.total
    text(f"取号 tickets {t.tickets} · 办结 served {t.served} · 过号 no-shows {t.no_shows}", 28)
    text(f"等候 wait p50 {_m(t.wait_p50_s)} 分钟 min · p90 {_m(t.wait_p90_s)} 分钟 min", 28)
    text(f"平均办理 average service {_m(t.service_avg_s)} 分钟 min", 28, gap=2.2)
    # chart: tickets and served per hour
    chart_h = 380.0
    ensure(chart_h + 80)
    text("每小时取号与办结 Tickets and served per hour", 30, True)
    left, bottom = 60.0, y + chart_h
    peak = max([g.tickets for g in st.by_hour] + [g.served for g in st.by_hour] + [1])
    painter.setPen(QPen(QColor("#c5ccd6"), 2))
    painter.drawLine(int(left), int(bottom), int(width), int(bottom))
    painter.setFont(font(20))
    if st.by_hour:
        gw = (width - left) / len(st.by_hour)
        for i, g in enumerate(st.by_hour):
            x = left + i * gw + gw * 0.15
            for k, (v, col) in enumerate(((g.tickets, "#0b3d91"), (g.served, "#f28c28"))):
                h = (chart_h - 40) * v / peak
                painter.fillRect(QRectF(x + k * gw * 0.35, bottom - h, gw * 0.33, h), QColor(col))
                painter.setPen(QColor("#1b2430"))
                painter.drawText(QRectF(x + k * gw * 0.35 - 10, bottom - h - 28, gw * 0.33 + 20, 26), Qt.AlignmentFlag.AlignCenter, str(v))
            painter.drawText(QRectF(left + i * gw, bottom + 4, gw, 28), Qt.AlignmentFlag.AlignCenter, f"{g.key}时")
    y = bottom + 44
    text("■ 取号 tickets   ■ 办结 served", 22, color="#5b6778", gap=2.0)

    cols = ("分组 group", "取号", "办结", "过号", "等候p50", "等候p90", "平均办理")
    widths = (0.34, 0.11, 0.11, 0.11, 0.11, 0.11, 0.11)

    def table(title: str, rows: list[tuple[str, GroupStats]]) -> None:
        nonlocal y
        ensure(140)
        text(title, 30, True, gap=1.8)

        def line(cells: tuple[str, ...], bold: bool) -> None:
            nonlocal y
            ensure(40)
            painter.setFont(font(22, bold))
            painter.setPen(QColor("#1b2430"))
            x = 0.0
            for c, w in zip(cells, widths, strict=True):
                painter.drawText(QRectF(x, y, width * w, 36), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, c)
                x += width * w
            y += 38
            painter.setPen(QPen(QColor("#dfe4eb"), 1))
            painter.drawLine(0, int(y), int(width), int(y))

        line(cols, True)
        for name, g in rows:
            line((name, str(g.tickets), str(g.served), str(g.no_shows), _m(g.wait_p50_s), _m(g.wait_p90_s), _m(g.service_avg_s)), False)
        y += 30

    table("按业务 By service", [(f"{g.key} {st.service_names.get(g.key, '')}", g) for g in st.by_service])
    table("按窗口 By counter", [(f"{g.key} 号窗口", g) for g in st.by_counter])
    table("按人员 By clerk", [(g.key, g) for g in st.by_clerk])
    table("按小时 By hour", [(f"{g.key}:00–{g.key}:59", g) for g in st.by_hour])
    text("时间单位：分钟 (minutes)。等候 = 取号到首次叫号；办理 = 叫号到办结。", 20, color="#5b6778")
    painter.end()
    return p
