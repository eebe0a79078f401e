"""The queue's daily report (排队叫号日报) as PDF: totals, tickets and served per hour, tables per group.

Built with :mod:`kiosk.documents` like the hall's other documents (reportlab, the bundled Noto
Sans SC embedded as a subset), so it needs no display or Qt, and its text can be searched and
copied as what it says.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kiosk.documents import REGULAR, build_pdf, grid_table, styles
from kiosk.queue.views import DailyStats, GroupStats

BLUE = colors.HexColor("#0B3D91")
ORANGE = colors.HexColor("#F28C28")
COLS = ("分组<br/>group", "取号<br/>tickets", "办结<br/>served", "过号<br/>no-shows", "等候 p50<br/>wait p50",
        "等候 p90<br/>wait p90", "平均办理<br/>avg service")


def _m(seconds: int | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


def _chart(st: DailyStats, width: float) -> Drawing:
    height = 62 * mm
    d = Drawing(width, height)
    hours = st.by_hour or (GroupStats("—"),)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, width - 16 * mm, height - 18 * mm  # type: ignore[assignment]  # stubs say int; reportlab takes points
    chart.data = [[g.tickets for g in hours], [g.served for g in hours]]
    chart.categoryAxis.categoryNames = [f"{g.key}时" for g in hours]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BLUE
    chart.bars[1].fillColor = ORANGE
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    d.add(chart)
    d.add(String(12 * mm, 2 * mm, "■ 取号 tickets", fontName=REGULAR, fontSize=8, fillColor=BLUE))
    d.add(String(42 * mm, 2 * mm, "■ 办结 served", fontName=REGULAR, fontSize=8, fillColor=ORANGE))
    return d


def queue_report_pdf(st: DailyStats, site_name: str) -> tuple[bytes, str]:
    """The daily report; returns (PDF bytes, SHA-256)."""
    s = styles()
    t = st.total
    width = 174 * mm  # A4 less the margins of build_pdf
    story: list = [
        Paragraph(site_name, s.small),
        Paragraph(f"排队叫号日报 Queue daily report · {st.business_date.isoformat()}", s.title),
        Paragraph(f"取号 tickets {t.tickets} · 办结 served {t.served} · 过号 no-shows {t.no_shows}", s.body),
        Paragraph(f"等候 wait p50 {_m(t.wait_p50_s)} 分钟 min · p90 {_m(t.wait_p90_s)} 分钟 min · "
                  f"平均办理 average service {_m(t.service_avg_s)} 分钟 min", s.body),
        Paragraph("每小时取号与办结 Tickets and served per hour", s.heading),
        _chart(st, width),
    ]
    widths = [width * f for f in (0.22, 0.13, 0.13, 0.13, 0.13, 0.13, 0.13)]

    def table(title: str, rows: list[tuple[str, GroupStats]]) -> None:
        story.append(Paragraph(title, s.heading))
        body = [[name, str(g.tickets), str(g.served), str(g.no_shows), _m(g.wait_p50_s), _m(g.wait_p90_s), _m(g.service_avg_s)]
                for name, g in rows] or [["（无 none）", "", "", "", "", "", ""]]
        story.append(grid_table([list(COLS), *body], widths))

    table("按业务 By service", [(f"{g.key} {st.service_names.get(g.key, '')}", g) for g in st.by_service])
    table("按窗口 By counter", [(f"{g.key} 号窗口", g) for g in st.by_counter])
    table("按人员 By clerk", [(g.key, g) for g in st.by_clerk])
    table("按小时 By hour", [(f"{g.key}:00–{g.key}:59", g) for g in st.by_hour])
    story += [Spacer(1, 4 * mm),
              Paragraph("时间单位：分钟 (minutes)。等候 = 取号到首次叫号；办理 = 叫号到办结。", s.small)]
    return build_pdf(story, title=f"排队叫号日报 {st.business_date.isoformat()}",
                     footer=f"{site_name} 排队叫号日报 {st.business_date.isoformat()}")


def write_queue_report(st: DailyStats, path: str | Path, site_name: str) -> Path:
    """Write :func:`queue_report_pdf` to ``path`` (folders made as needed)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data, _sha = queue_report_pdf(st, site_name)
    p.write_bytes(data)
    return p


def write_csv(rows: list[list[str]], path: str | Path) -> Path:
    """Write the rows (:func:`kiosk.queue.stats.stats_csv_rows`) as UTF-8 CSV with a BOM (opens right in Excel)."""
    import csv

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return p
