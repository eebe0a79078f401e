"""Admin tabs: services (业务) and counters (窗口) editing, and the statistics dashboard with charts.

Editing is a table: change cells, add a row, "save" validates each row through the queue service
(journalled as ``queue.service_saved`` / ``queue.counter_saved``) and names the row that is wrong.
Charts are drawn with QPainter: tickets per hour, and waits (p50/p90) per service.

The UI thread never waits on the database (issue 21): tables and figures load through a
:class:`ui.jobs.Refresher` on the ``read`` lane; "save" and "export" are :class:`ui.jobs.Act` s on
the ``work`` lane (their buttons are disabled until the outcome is back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.queue import CounterInfo, DailyStats, GroupStats, QueueError, QueueService, ServiceInfo
from ui.context import UiContext
from ui.jobs import Act, JobOutcome, Refresher
from ui.queue.common import error_text
from ui.widgets import Retranslatable, bilingual

SERVICE_FIELDS = ("code", "prefix", "name", "name_en", "first_no", "last_no", "daily_quota", "open_from", "open_until", "avg_service_s", "active")
COUNTER_FIELDS = ("counter_no", "name", "service_codes", "priority_ratio", "active")


def _yes(text: str) -> bool:
    return text.strip().lower() in ("1", "是", "yes", "y", "true", "启用")


class _EditorTab(Retranslatable, QWidget):
    def __init__(self, ctx: UiContext, queue: QueueService, operator: Callable[[], str], columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.operator = operator
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        self.hint = QLabel(objectName="muted")
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        self.table = QTableWidget(0, columns)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_btn = QPushButton()
        self.add_btn.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        self.save_btn = QPushButton(objectName="primary")
        self.save_btn.clicked.connect(self.save)
        row.addWidget(self.add_btn)
        row.addStretch(1)
        row.addWidget(self.save_btn)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.act = Act(ctx.jobs, lambda: [self.save_btn, self.add_btn])
        self.view = Refresher(ctx.jobs, f"queue-admin:{type(self).__name__}", self.load, self._draw, self._load_failed)
        self.rows: list | None = None  # what the last load read

    @property
    def busy(self) -> bool:
        return self.act.pending is not None or self.view.inflight

    def refresh(self) -> None:
        """Ask for the table's rows (read lane); drawn when they arrive."""
        self.view.request()

    def _draw(self, rows: list) -> None:
        self.rows = rows
        self.draw(rows)

    def _load_failed(self, outcome: JobOutcome) -> None:
        self._say("error", bilingual(self.ctx, outcome.zh, outcome.en))

    def _say(self, style: str, text: str) -> None:
        self.message.setObjectName(style)
        self.message.setText(text)
        self.message.style().polish(self.message)

    def cell(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item else ""

    def set_row(self, r: int, values: list[str]) -> None:
        for c, v in enumerate(values):
            self.table.setItem(r, c, QTableWidgetItem(v))

    def save(self) -> None:
        """Check every row here, then save them in one act on the work lane; names the row that is wrong."""
        rows: list[tuple[int, object]] = []
        for r in range(self.table.rowCount()):
            if not self.cell(r, 0):
                continue
            try:
                rows.append((r, self.row_info(r)))
            except ValueError:
                self._say("error", self.tr("第 %1 行未保存：数字栏请填整数").replace("%1", str(r + 1)))
                return
        operator = self.operator()

        def save_all() -> tuple[int, int | None, QueueError | None]:
            saved = 0
            for r, info in rows:
                try:
                    self.save_info(info, operator)
                except QueueError as exc:
                    return saved, r, exc
                saved += 1
            return saved, None, None

        self.act.run("queue-admin-save", save_all, self._saved)

    def _saved(self, outcome: JobOutcome) -> None:
        if not outcome.ok:
            self._say("error", bilingual(self.ctx, outcome.zh, outcome.en))
            return
        saved, bad, exc = outcome.value
        if bad is not None and exc is not None:
            self._say("error", self.tr("第 %1 行未保存：%2").replace("%1", str(bad + 1)).replace("%2", error_text(self.ctx, exc)))
            return
        self._say("h2", self.tr("已保存 %1 行。").replace("%1", str(saved)))
        self.refresh()

    def load(self) -> list:  # pragma: no cover - overridden
        """The rows (read lane)."""
        raise NotImplementedError

    def draw(self, rows: list) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def row_info(self, r: int) -> object:  # pragma: no cover - overridden
        """Row ``r`` as the service's record (main thread; ValueError when a number is not one)."""
        raise NotImplementedError

    def save_info(self, info: object, operator: str) -> None:  # pragma: no cover - overridden
        """Save one record (work lane)."""
        raise NotImplementedError


class ServicesTab(_EditorTab):
    def __init__(self, ctx: UiContext, queue: QueueService, operator: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(ctx, queue, operator, len(SERVICE_FIELDS), parent)
        self.retranslate()

    def load(self) -> list:
        return self.queue.services()

    def draw(self, services: list) -> None:
        self.table.setRowCount(len(services))
        for r, s in enumerate(services):
            self.set_row(r, [s.code, s.prefix, s.name, s.name_en, str(s.first_no), str(s.last_no), str(s.daily_quota),
                             s.open_from, s.open_until, str(s.avg_service_s), self.tr("是") if s.active else self.tr("否")])

    def row_info(self, r: int) -> ServiceInfo:
        v = [self.cell(r, c) for c in range(len(SERVICE_FIELDS))]
        return ServiceInfo(
            v[0], v[1], v[2], v[3], int(v[4] or 1), int(v[5] or 999), int(v[6] or 999), v[7] or "08:30", v[8] or "17:30",
            int(v[9] or 300), _yes(v[10] or "是"), r + 1,
        )

    def save_info(self, info: object, operator: str) -> None:
        assert isinstance(info, ServiceInfo)
        self.queue.save_service(info, operator)

    def retranslate(self) -> None:
        self.hint.setText(self.tr("业务：代码、前缀字母（勿用 I、O）、号段、每日限额、取号时间、平均办理秒数。改后点“保存”。"))
        self.table.setHorizontalHeaderLabels([
            self.tr("代码"), self.tr("前缀"), self.tr("名称"), self.tr("英文名"), self.tr("起始号"), self.tr("结束号"),
            self.tr("每日限额"), self.tr("开始取号"), self.tr("停止取号"), self.tr("平均秒数"), self.tr("启用"),
        ])
        self.add_btn.setText(self.tr("添加业务"))
        self.save_btn.setText(self.tr("保存"))
        self.refresh()  # the 是/否 cells in the new language


class CountersTab(_EditorTab):
    def __init__(self, ctx: UiContext, queue: QueueService, operator: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(ctx, queue, operator, len(COUNTER_FIELDS), parent)
        self.retranslate()

    def load(self) -> list:
        return self.queue.counters()

    def draw(self, counters: list) -> None:
        self.table.setRowCount(len(counters))
        for r, c in enumerate(counters):
            self.set_row(r, [c.counter_no, c.name, ",".join(c.service_codes), str(c.priority_ratio), self.tr("是") if c.active else self.tr("否")])

    def row_info(self, r: int) -> CounterInfo:
        v = [self.cell(r, c) for c in range(len(COUNTER_FIELDS))]
        codes = tuple(x.strip() for x in v[2].replace("，", ",").split(",") if x.strip())
        return CounterInfo(v[0], v[1], codes, int(v[3] or 2), _yes(v[4] or "是"))

    def save_info(self, info: object, operator: str) -> None:
        assert isinstance(info, CounterInfo)
        self.queue.save_counter(info, operator)

    def retranslate(self) -> None:
        self.hint.setText(self.tr("窗口：办理的业务代码（逗号分隔，叫号时按等候最久优先）；优先比例 2 表示每叫 2 个优先号后叫 1 个普通号。"))
        self.table.setHorizontalHeaderLabels([self.tr("窗口号"), self.tr("名称"), self.tr("业务代码"), self.tr("优先比例"), self.tr("启用")])
        self.add_btn.setText(self.tr("添加窗口"))
        self.save_btn.setText(self.tr("保存"))
        self.refresh()


class BarChart(QWidget):
    """Grouped bars with labels under each group; values in the series' colours."""

    COLORS = (QColor("#0b3d91"), QColor("#f28c28"), QColor("#1b7f3b"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.unit = ""
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.setMinimumHeight(280)

    def set_data(self, title: str, unit: str, labels: list[str], series: list[tuple[str, list[float]]]) -> None:
        self.title, self.unit, self.labels, self.series = title, unit, labels, series
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        f = QFont(self.font())
        f.setPixelSize(20)
        f.setBold(True)
        p.setFont(f)
        p.setPen(QColor("#1b2430"))
        p.drawText(QRectF(12, 6, self.width() - 24, 30), Qt.AlignmentFlag.AlignLeft, self.title)
        f.setBold(False)
        f.setPixelSize(16)
        p.setFont(f)
        x0 = 12
        for i, (name, _vals) in enumerate(self.series):  # legend
            col = self.COLORS[i % len(self.COLORS)]
            lx = self.width() - 12 - (len(self.series) - i) * 150
            p.fillRect(QRectF(lx, 12, 16, 16), col)
            p.setPen(QColor("#1b2430"))
            p.drawText(QRectF(lx + 22, 8, 124, 24), Qt.AlignmentFlag.AlignLeft, name)
        top, bottom = 44.0, self.height() - 34.0
        left, right = 56.0, self.width() - 16.0
        values = [v for _n, vals in self.series for v in vals]
        peak = max(values) if values and max(values) > 0 else 1.0
        p.setPen(QPen(QColor("#dfe4eb"), 1))
        for k in range(5):
            y = bottom - (bottom - top) * k / 4
            p.drawLine(int(left), int(y), int(right), int(y))
            p.setPen(QColor("#5b6778"))
            p.drawText(QRectF(0, y - 10, left - 6, 20), Qt.AlignmentFlag.AlignRight, f"{peak * k / 4:.0f}")
            p.setPen(QPen(QColor("#dfe4eb"), 1))
        if not self.labels:
            p.setPen(QColor("#5b6778"))
            p.drawText(QRectF(left, top, right - left, bottom - top), Qt.AlignmentFlag.AlignCenter, self.unit)
            p.end()
            return
        group_w = (right - left) / len(self.labels)
        bar_w = max(4.0, group_w * 0.7 / max(1, len(self.series)))
        for g, label in enumerate(self.labels):
            gx = left + g * group_w + group_w * 0.15
            for si, (_name, vals) in enumerate(self.series):
                v = vals[g] if g < len(vals) else 0
                h = (bottom - top) * v / peak
                p.fillRect(QRectF(gx + si * bar_w, bottom - h, bar_w - 2, h), self.COLORS[si % len(self.COLORS)])
            p.setPen(QColor("#1b2430"))
            p.drawText(QRectF(left + g * group_w, bottom + 4, group_w, 26), Qt.AlignmentFlag.AlignCenter, label)
        del x0
        p.end()


class StatsTab(Retranslatable, QWidget):
    """Today's figures: totals, tickets per hour, waits per service, a table per counter and clerk."""

    def __init__(self, ctx: UiContext, queue: QueueService, export: Callable[[dt.date], str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queue = queue
        self.export = export
        self.stats: DailyStats | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        self.summary = QLabel(objectName="h2")
        self.summary.setWordWrap(True)
        self.export_btn = QPushButton(objectName="primary")
        self.export_btn.clicked.connect(self._export)
        self.export_btn.setVisible(export is not None)
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_btn)
        lay.addLayout(top)
        charts = QHBoxLayout()
        self.hours = BarChart()
        self.waits = BarChart()
        charts.addWidget(self.hours, 1)
        charts.addWidget(self.waits, 1)
        lay.addLayout(charts, 2)
        self.table = QTableWidget(0, 7)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 2)
        self.message = QLabel(objectName="muted")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.act = Act(ctx.jobs, lambda: [self.export_btn])
        self.view = Refresher(ctx.jobs, "queue-stats", self.queue.daily_stats, self._draw_stats,
                              lambda o: self.message.setText(bilingual(self.ctx, o.zh, o.en)))
        self.retranslate()

    @property
    def busy(self) -> bool:
        return self.act.pending is not None or self.view.inflight

    def _export(self) -> None:
        if self.export is not None and self.stats is not None:
            export, day = self.export, self.stats.business_date
            self.act.run("queue-daily-export", lambda: export(day), self._exported)

    def _exported(self, outcome: JobOutcome) -> None:
        if outcome.ok:
            self.message.setText(self.tr("日报已导出：%1").replace("%1", str(outcome.value)))
        else:
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))

    @staticmethod
    def _m(seconds: int | None) -> str:
        return "—" if seconds is None else f"{seconds / 60:.1f}"

    def refresh(self) -> None:
        """Ask for today's figures (read lane); drawn when they arrive."""
        self.view.request()

    def _draw_stats(self, stats: DailyStats) -> None:
        self.stats = stats
        self._draw()

    def _draw(self) -> None:
        st = self.stats
        if st is None:
            return
        t = st.total
        self.summary.setText(
            self.tr("%1：取号 %2 · 办结 %3 · 过号 %4 · 等候中位 %5 分钟 · 90%% %6 分钟 · 平均办理 %7 分钟")
            .replace("%1", st.business_date.isoformat()).replace("%2", str(t.tickets)).replace("%3", str(t.served))
            .replace("%4", str(t.no_shows)).replace("%5", self._m(t.wait_p50_s)).replace("%6", self._m(t.wait_p90_s))
            .replace("%7", self._m(t.service_avg_s)).replace("%%", "%")
        )
        self.hours.set_data(self.tr("每小时取号与办结"), self.tr("今日暂无数据"), [g.key for g in st.by_hour],
                            [(self.tr("取号"), [float(g.tickets) for g in st.by_hour]), (self.tr("办结"), [float(g.served) for g in st.by_hour])])
        names = [st.service_names.get(g.key, g.key) for g in st.by_service]
        self.waits.set_data(self.tr("各业务等候时间（分钟）"), self.tr("今日暂无数据"), names, [
            (self.tr("中位"), [(g.wait_p50_s or 0) / 60 for g in st.by_service]),
            (self.tr("90%"), [(g.wait_p90_s or 0) / 60 for g in st.by_service]),
        ])
        rows: list[tuple[str, GroupStats]] = [(self.tr("业务 ") + st.service_names.get(g.key, g.key), g) for g in st.by_service]
        rows += [(self.tr("窗口 ") + g.key, g) for g in st.by_counter]
        rows += [(self.tr("人员 ") + g.key, g) for g in st.by_clerk]
        self.table.setRowCount(len(rows))
        for r, (name, g) in enumerate(rows):
            cells = (name, str(g.tickets), str(g.served), str(g.no_shows), self._m(g.wait_p50_s), self._m(g.wait_p90_s), self._m(g.service_avg_s))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def retranslate(self) -> None:
        self.export_btn.setText(self.tr("导出日报（PDF/CSV）"))
        self.table.setHorizontalHeaderLabels([
            self.tr("分组"), self.tr("取号"), self.tr("办结"), self.tr("过号"), self.tr("等候中位(分)"), self.tr("等候90%(分)"), self.tr("平均办理(分)"),
        ])
        self._draw()
        self.refresh()
