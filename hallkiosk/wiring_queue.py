"""Wires the queue (排队叫号) into a terminal: kiosk flows, counter tab, board view with voice, admin tabs.

* kiosk: the "ticket" and "lookup" flows; tickets print on the job runner's ``slip-printer`` lane.
* counter: the queue tab for window ``[queue] counter_no``, first in the console.
* board: the ``queue`` view; calls are spoken through an ``AnnouncementQueue`` for ``[queue] audio_zone``
  (engine ``[queue] speech_engine``, ``call_repeat`` times), on the ``speech-<zone>`` thread.
* admin: services, counters, statistics (daily report export to ``<data_dir>/reports``).

``seed_demo_queue(hall)`` seeds the demo services and counters once; the demo tour (a morning of
tickets and its screenshots) is ``hallkiosk/tours/queue.py``.
"""

from __future__ import annotations

import datetime as dt
import logging

from devices.speech import AnnouncementQueue, ZonedSpeech, make_engine
from kiosk.hall import Hall
from kiosk.ports import DeviceError, Printer, Slip
from kiosk.queue import QueueService, stats_csv_rows
from kiosk.queue.documents import write_csv, write_queue_report
from ui.queue.admin import CountersTab, ServicesTab, StatsTab
from ui.queue.board import QueueBoard
from ui.queue.common import tab_title
from ui.queue.counter import CounterQueueTab
from ui.queue.kiosk_flows import LookupFlow, TicketFlow

log = logging.getLogger(__name__)


def print_ticket(printer: Printer, slip: Slip) -> int:
    """One ticket on the slip printer's lane: bytes written; a DeviceError is said by the flow."""
    try:
        return len(printer.print_slip(slip))
    except DeviceError:
        raise
    except Exception as exc:  # a broken driver: said as a printer fault, logged with its traceback
        log.exception("queue ticket printing failed")
        raise DeviceError("fault", "打印机故障", "printer fault") from exc


def seed_demo_queue(hall: Hall) -> bool:
    """The demo's services (A 保证金缴纳, B 合同备案, C CA证书办理, D 咨询) and 4 counters, once."""
    return QueueService(hall).seed_if_empty("demo")


def attach(term) -> None:
    ctx = term.ctx
    cfg = term.hall.config
    queue = QueueService(term.hall)
    page = term.window.page
    if ctx.role == "kiosk":
        printer = term.monitor.registry.printer if term.monitor is not None else None
        print_fn = (lambda slip: print_ticket(printer, slip)) if printer is not None else None
        page.register_flow("ticket", TicketFlow(ctx, queue, print_fn))
        page.register_flow("lookup", LookupFlow(ctx, queue))
    elif ctx.role == "counter":
        tab = CounterQueueTab(ctx, queue, cfg.queue.counter_no, lambda: page.operator.username if page.operator else "")
        page.work.add_tab(tab, lambda: tab_title("counter"), first=True)
    elif ctx.role == "board":
        zone = cfg.queue.audio_zone or "hall"
        aq = AnnouncementQueue(make_engine(cfg.queue.speech_engine), zone=zone)
        speech = ZonedSpeech({zone: aq})
        term.threads.start(f"speech-{zone}", aq.run)
        board = QueueBoard(ctx, queue, lambda text: speech.announce(text, zone=zone, repeat=cfg.queue.call_repeat))
        board.speech_queue = aq  # type: ignore[attr-defined]  # kept on the board for the tests
        page.add_view("queue", board)
    elif ctx.role == "admin":
        who = lambda: page.operator.username if page.operator else "admin"  # noqa: E731
        reports = cfg.data_dir / "reports"

        def export(day: dt.date) -> str:
            st = queue.daily_stats(day)
            pdf = write_queue_report(st, reports / f"queue-{day.isoformat()}.pdf", cfg.site.name)
            write_csv(stats_csv_rows(st), reports / f"queue-{day.isoformat()}.csv")
            return str(pdf)

        page.work.add_tab(StatsTab(ctx, queue, export), lambda: tab_title("stats"))
        page.work.add_tab(ServicesTab(ctx, queue, who), lambda: tab_title("services"))
        page.work.add_tab(CountersTab(ctx, queue, who), lambda: tab_title("counters"))
