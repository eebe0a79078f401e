"""The demo tour of the queue capability (``hall-kiosk demo``): a morning of tickets, then screenshots.

Not production wiring: ``hallkiosk/wiring_queue.py`` builds the real thing; this drives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from hallkiosk.wiring_queue import seed_demo_queue
from kiosk.config import Config
from kiosk.hall import Hall
from kiosk.queue import QueueService, stats_csv_rows
from kiosk.queue.documents import write_csv, write_queue_report
from ui.queue.admin import ServicesTab, StatsTab


def simulate_morning(q: QueueService, clock, start: dt.datetime, until: dt.datetime) -> None:
    """A morning in the hall: visitors every ~1–3 min across 3 services, 4 counters calling and serving."""
    import random

    rng = random.Random(7)
    clock.set(start)
    services = ("deposit", "contract", "ca")
    busy: dict[str, dt.datetime] = {}
    while clock.now() < until:
        clock.advance(rng.choice((40, 60, 90, 120)))
        now = clock.now()
        q.issue(rng.choices(services, (5, 3, 2))[0])
        for no in ("1", "2", "3", "4"):
            if no in busy and now < busy[no]:
                continue
            st = q.counter_state(no)
            if st.current is not None:
                if rng.random() < 0.08:
                    q.miss(no)
                else:
                    q.finish(no)
            if rng.random() < 0.75:
                t = q.call_next(no, "clerk")
                if t is not None:
                    busy[no] = now + dt.timedelta(seconds=rng.choice((180, 240, 300, 420)))


def tour(cfg: Config, out: Path) -> list[dict[str, str]]:
    """A morning of tickets, then screenshots: kiosk ticket flow, lookup, counter, board (both), admin, ticket preview."""
    from PySide6.QtWidgets import QApplication, QWidget

    from devices.printer.escpos import encode_slip
    from devices.printer.preview import render_png
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from hallkiosk.demo import _login
    from kiosk.clock import FixedClock
    from kiosk.queue import ticket_slip
    from kiosk.timeutil import BEIJING
    from ui.stall import unmeasured
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    today = dt.datetime.now(BEIJING).date()
    clock = FixedClock(dt.datetime.combine(today, dt.time(8, 30), BEIJING))
    cfg = dataclasses.replace(cfg, queue=dataclasses.replace(cfg.queue, speech_engine="fake", counter_no="3"))
    hall = Hall.open(cfg, clock=clock)
    shots: list[dict[str, str]] = []

    def idle(term) -> bool:
        """No screen of the terminal is still reading or writing (their loads run on the job runner)."""
        for w in term.window.findChildren(QWidget):
            if getattr(w, "busy", False) or getattr(getattr(w, "refresher", None), "inflight", False):
                return False
        return True

    def shot(term, role: str, screen: str, sizes=(LANDSCAPE, PORTRAIT)) -> None:
        pump(5, lambda: idle(term))
        for w, h in sizes:
            path = out / f"queue-{role}-{screen}-{w}x{h}.png"
            grab(term.window, str(path), (w, h))
            shots.append({"role": role, "screen": f"queue-{screen}", "file": path.name, "lang": "zh_CN"})

    def pump(seconds: float, until: Callable[[], bool] = lambda: False) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until():
            QApplication.processEvents()
            time.sleep(0.02)

    try:
        q = QueueService(hall)
        seed_demo_queue(hall)
        if not q.daily_stats(today).total.tickets:
            with unmeasured():  # the tour's simulated morning (other kiosks and counters), not a user's wait
                simulate_morning(q, clock, clock.now(), dt.datetime.combine(today, dt.time(11, 30), BEIJING))
        # kiosk: choose a service, the ticket prints on the simulator
        term = build_terminal(cfg, "kiosk", hall=hall, follow=False)
        try:
            page = term.window.page
            page.open_flow("ticket")
            flow = page.flows["ticket"]
            shot(term, "kiosk", "ticket-choose")
            term.ctx.languages.set("en")
            pump(0.3)  # LanguageChange is a posted event: let the flow rebuild its buttons in English
            pump(5, lambda: idle(term))
            path = out / "queue-kiosk-ticket-choose-1920x1080-en.png"
            grab(term.window, str(path), LANDSCAPE)
            shots.append({"role": "kiosk", "screen": "queue-ticket-choose", "file": path.name, "lang": "en"})
            term.ctx.languages.set("zh_CN")
            flow.take("deposit")
            pump(8, lambda: flow.bytes_printed > 0 or "未能" in flow.r_print.text())
            shot(term, "kiosk", "ticket-printed")
            t = flow.ticket
            if t is not None:
                data = encode_slip(ticket_slip(t, cfg.site.name), cfg.devices.printer_width_mm)
                path = render_png(data, out / "queue-ticket-preview.png", cfg.devices.printer_width_mm)
                shots.append({"role": "kiosk", "screen": "queue-ticket-preview", "file": Path(path).name, "lang": "zh_CN"})
                flow.finish()
                page.open_flow("lookup")
                page.flows["lookup"].show_ticket(t.qr_data)
                shot(term, "kiosk", "lookup", (LANDSCAPE,))
        finally:
            term.stop()
        # counter 3, clerk logged in, a ticket being served
        term = build_terminal(cfg, "counter", hall=hall, follow=False)
        try:
            _login(term, "clerk")
            tab = term.window.page.work.widget(0)
            if q.counter_state("3").current is None:
                q.call_next("3", "clerk")
            tab.refresh()
            shot(term, "counter", "console")
        finally:
            term.stop()
        # board in queue mode
        bcfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="queue"))
        term = build_terminal(bcfg, "board", hall=hall, follow=False)
        try:
            term.window.page.show_view("queue")  # the shared hall object carries the tour's config
            shot(term, "board", "calls")
        finally:
            term.stop()
        # admin: statistics and services
        term = build_terminal(cfg, "admin", hall=hall, follow=False)
        try:
            _login(term, "admin")
            work = term.window.page.work
            for i in range(work.count()):
                w = work.widget(i)
                if isinstance(w, StatsTab | ServicesTab):
                    work.setCurrentIndex(i)
                    w.refresh()
                    shot(term, "admin", "stats" if isinstance(w, StatsTab) else "services", (LANDSCAPE,))
        finally:
            term.stop()
        st = q.daily_stats(today)
        write_queue_report(st, out / "queue-report.pdf", cfg.site.name)
        write_csv(stats_csv_rows(st), out / "queue-report.csv")
    finally:
        hall.close()
    return shots
