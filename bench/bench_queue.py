"""Queue: 8 processes × 1,000 tickets on PostgreSQL and SQLite (duplicates, gaps, tickets/s); call → board
update latency across processes (p50/p95); touch → ticket bytes written to the printer (p95).

PostgreSQL runs when ``HALL_KIOSK_TEST_PG_URL`` is set (a scratch database is created and dropped).
``HALL_KIOSK_BENCH_QUEUE_EACH`` overrides the tickets per process (default 1000).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.queue import CounterInfo, HallQueue, ServiceInfo

ISSUER = textwrap.dedent(
    """
    import sys
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.queue import HallQueue
    hall = Hall.open(load_config(data_dir=sys.argv[1], db_url=sys.argv[2] or None, environ={}), migrate=False)
    q = HallQueue(hall)
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(int(sys.argv[3])):
        q.issue("R")
    hall.close()
    """
)


def _setup(data_dir: Path, db: str) -> Hall:
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db or None, environ={}))
    q = HallQueue(hall)
    q.save_service(ServiceInfo("bench", "R", "压测", "Bench", 1, 99999, 99999, "00:00", "23:59"), "bench")
    q.save_counter(CounterInfo("1", "", ("bench",), 1), "bench")
    return hall


def issue_race(data_dir: Path, db: str, workers: int, each: int) -> dict[str, Any]:
    hall = _setup(data_dir, db)
    procs = [subprocess.Popen([sys.executable, "-c", ISSUER, str(data_dir), db, str(each)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.wait()
        p.stdin.close()  # type: ignore[union-attr]  # opened with PIPE
        p.stdout.close()  # type: ignore[union-attr]  # opened with PIPE
    elapsed = time.perf_counter() - start
    with hall.reading() as s:
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM q_tickets WHERE issued_service = 'bench' ORDER BY seq"))]
    ok = hall.verify_journal().ok
    hall.close()
    dups = len(seqs) - len(set(seqs))
    uniq = sorted(set(seqs))
    gaps = sum(1 for a, b in zip(uniq, uniq[1:], strict=False) if b != a + 1)
    return {"processes": workers, "each": each, "tickets": len(seqs), "duplicates": dups, "gaps": gaps,
            "tickets_per_s": round(len(seqs) / elapsed, 1), "seconds": round(elapsed, 2), "journal_verified": ok}


CALLER = textwrap.dedent(
    """
    import sys, time
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.queue import HallQueue
    hall = Hall.open(load_config(data_dir=sys.argv[1], environ={}), migrate=False)
    q = HallQueue(hall)
    print("ready", flush=True)
    for line in sys.stdin:
        q.call_next("1", "bench", close_current="served")
        print(time.time(), flush=True)
    hall.close()
    """
)


def board_latency(data_dir: Path, calls: int = 40) -> dict[str, Any]:
    """A board terminal (real follower, bridge, QueueBoard) in this process; calls made in another."""
    from PySide6.QtWidgets import QApplication

    from hallkiosk.app import build_terminal, ensure_qapp

    ensure_qapp(headless=True)
    hall = _setup(data_dir, "")
    q = HallQueue(hall)
    for _ in range(calls + 1):
        q.issue("R")
    cfg = dataclasses.replace(hall.config, ui=dataclasses.replace(hall.config.ui, board_mode="queue"),
                              queue=dataclasses.replace(hall.config.queue, speech_engine="fake"))
    hall.close()
    hall = Hall.open(cfg)
    term = build_terminal(cfg, "board", hall=hall, follow=True, devices=False, sync=False)
    seen: list[float] = []
    term.ctx.bridge.journalEntries.connect(lambda es: seen.append(time.time()) if any(e.kind == "ticket.called" for e in es) else None)
    proc = subprocess.Popen([sys.executable, "-c", CALLER, str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    lat = []
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "ready"
        for _ in range(calls):
            n = len(seen)
            proc.stdin.write("x\n")
            proc.stdin.flush()
            committed = float(proc.stdout.readline())
            deadline = time.monotonic() + 3
            while len(seen) == n and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.002)
            if len(seen) > n:
                lat.append((seen[-1] - committed) * 1000)
    finally:
        proc.stdin.close()  # type: ignore[union-attr]  # opened with PIPE
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]  # opened with PIPE
        term.stop()
    lat.sort()
    return {"calls": calls, "seen": len(lat), "p50_ms": round(statistics.median(lat), 1),
            "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1)}


def touch_to_ticket(data_dir: Path, tickets: int = 30) -> dict[str, Any]:
    """Kiosk: service button pressed → ticket bytes written to the printer simulator (real flow, real driver)."""
    from PySide6.QtWidgets import QApplication

    from devices.printer.simulator import PrinterSimulator
    from hallkiosk.app import build_terminal, ensure_qapp

    ensure_qapp(headless=True)
    hall = _setup(data_dir, "")
    times, sizes = [], []
    with PrinterSimulator() as sim:
        cfg = dataclasses.replace(hall.config, devices=dataclasses.replace(hall.config.devices, printer=sim.url))
        term = build_terminal(cfg, "kiosk", hall=hall, follow=False, sync=False)
        try:
            page = term.window.page
            flow = page.flows["ticket"]
            for i in range(tickets):
                page.open_flow("ticket")
                flow.refresh()
                t0 = time.perf_counter()
                flow.buttons["bench"].click()
                while flow.bytes_printed == 0 and time.perf_counter() - t0 < 10:
                    QApplication.processEvents()
                    time.sleep(0.001)
                sim.wait_jobs(i + 1, timeout=5)
                times.append((time.perf_counter() - t0) * 1000)
                sizes.append(flow.bytes_printed)
                flow.finish()
        finally:
            term.stop()
    times.sort()
    return {"tickets": tickets, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "bytes_per_ticket": int(statistics.median(sizes))}


def run(out: dict) -> None:
    each = int(os.environ.get("HALL_KIOSK_BENCH_QUEUE_EACH", "1000"))
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d:
        res["issue_sqlite"] = issue_race(Path(d) / "sqlite", "", 8, each)
        pg = os.environ.get("HALL_KIOSK_TEST_PG_URL")
        if pg:
            import psycopg
            from sqlalchemy.engine import make_url

            base = make_url(pg)
            name = "hk_bench_queue_" + uuid.uuid4().hex[:8]
            admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                res["issue_postgres"] = issue_race(Path(d) / "pg", base.set(database=name).render_as_string(hide_password=False), 8, each)
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            res["issue_postgres"] = "skipped: HALL_KIOSK_TEST_PG_URL not set"
        res["call_to_board"] = board_latency(Path(d) / "board")
        res["touch_to_ticket"] = touch_to_ticket(Path(d) / "kiosk")
    out.update(res)
