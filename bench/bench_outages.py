"""Outage bench (issue 21): five roles, each a real terminal in its own process, against a database that fails.

Every cell of the closing note's fault table — stopped / frozen / locked / disk full × kiosk, counter,
board, auctioneer, host (opening console) — measured in one run. For each fault a fresh hall is seeded
and five terminals are started as separate processes (``--role``; offscreen Qt, built by
``hallkiosk.app.build_terminal`` as the outage tests build them, with no devices and no sync), as they
would run in a hall. Then the database fails for ``HALL_KIOSK_BENCH_OUTAGE_SECONDS`` (default 10):

* **stopped**: a PostgreSQL server of the bench's own (``tools/pg-test-server`` on a port of its own,
  never the shared test server) is shut down (SIGINT: fast shutdown) and started again;
* **frozen**: that server's postmaster and every backend get SIGSTOP, then SIGCONT;
* **locked**: SQLite: another process takes the write lock (``BEGIN IMMEDIATE``), writes a row and
  commits only after the fault's seconds — issue 21's backup or admin shell;
* **disk full**: SQLite on a small tmpfs, its WAL truncated and the rest of the tmpfs filled by a
  ballast file; freeing the ballast is the database's return (needs root for ``mount``; else the
  cell says why it was skipped).

Meanwhile each terminal's people act: the kiosk's visitor taps 取号 (tap and tap again), the clerk
presses F1, the auctioneer enters floor bids, the host presses the next stage of the opening (each
press twice, as impatient people do); the board has no acts and is watched. Each terminal reports:
its longest event-loop gap (``ui.stall.StallMeter``, with the stack the UI thread was in),
what its banner and message said, whether its clock ticked, its recovery time (from the database's
return until the banner is gone and no act or load is pending; ``time.monotonic`` is one clock for all
processes of the machine), one act after the return and how long it took, and its acts: pressed,
acknowledged on screen, done in the journal; **lost** (acknowledged, not in the journal),
**replayed** (in the journal, though the screen said not done) and **duplicated** (one ticket, bid or
stage journalled twice). Screenshots during the fault go to ``HALL_KIOSK_BENCH_OUTAGE_SHOTS``
(default ``/tmp/shots/outages``). The machine's load average before and after is noted: the
terminals share the machine's cores with whatever else runs.

Then the redraw on return alone (``returns``): a counter, a kiosk and a queue board in one process, as
the outage tests run them, their banners shown and hidden eight times while a worker keeps the GIL
busy — the post-restore stall of issue 21, whose cause and fix docs/outages.md describes.

``python bench/bench_outages.py [--faults stopped frozen …]`` prints the JSON; ``make bench`` runs it
with the others.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROLES = ("kiosk", "counter", "board", "auctioneer", "host")
FAULTS = ("stopped", "frozen", "locked", "disk_full")
FAULT_S = float(os.environ.get("HALL_KIOSK_BENCH_OUTAGE_SECONDS", "10"))
SHOTS = Path(os.environ.get("HALL_KIOSK_BENCH_OUTAGE_SHOTS", "/tmp/shots/outages"))
PG_PORT = int(os.environ.get("HALL_KIOSK_BENCH_OUTAGE_PG_PORT", "55991"))
ROOT = Path(__file__).resolve().parent.parent
TAG = "@@bench@@ "  #: a child's report lines on stdout start with this
CALL_SECONDS = 8  #: the auctioneer's call interval: the fault lasts longer, so a timer that ran on would call


# ==================================================================================================
# the parent: databases that fail, five terminals, one table
# ==================================================================================================


class PrivateServer:
    """A PostgreSQL server of the bench's own (the shared test server is never stopped or frozen)."""

    def __init__(self, port: int = PG_PORT) -> None:
        self.port = port
        self.dir = Path(tempfile.gettempdir()) / f"hk-bench-outages-pg-{port}"
        self.url = ""

    def start(self) -> float:
        env = {k: v for k, v in os.environ.items() if k != "HALL_KIOSK_TEST_PG_URL"}
        env.update(PG_TEST_PORT=str(self.port), PG_TEST_DIR=str(self.dir))
        t0 = time.monotonic()
        out = subprocess.run([str(ROOT / "tools" / "pg-test-server")], env=env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"private PostgreSQL did not start: {out.stderr.strip()}")
        self.url = out.stdout.strip()
        return time.monotonic() - t0

    def postmaster(self) -> int:
        return int((self.dir / "postmaster.pid").read_text().split()[0])

    def pids(self) -> list[int]:
        pm = self.postmaster()
        out = [pm]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pm:
                    out.append(int(stat.parent.name))
        return out

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            pm = self.postmaster()
            os.kill(pm, signal.SIGINT)  # fast shutdown: sessions are ended, new connections refused
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and Path(f"/proc/{pm}").exists():
                time.sleep(0.05)

    def freeze(self) -> list[int]:
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        return pids

    @staticmethod
    def thaw(pids: list[int]) -> None:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGCONT)

    def database(self, template: str | None = None) -> str:
        """A new database (a copy of ``template``'s, given its URL)."""
        import psycopg
        from sqlalchemy.engine import make_url

        name = "hk_bench_outage_" + uuid.uuid4().hex[:10]
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        with contextlib.suppress(Exception), psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclasses.dataclass
class Fault:
    """One fault's database: where the terminals find it, how to break it and how to give it back."""

    name: str
    data_dir: Path
    db_url: str  #: "" for SQLite in the data dir
    inject: Callable[[], None]
    restore: Callable[[], None]
    skipped: str = ""
    notes: dict[str, Any] = dataclasses.field(default_factory=dict)


def _beijing_nine() -> dt.datetime:
    from kiosk.timeutil import BEIJING

    return dt.datetime.combine(dt.datetime.now(BEIJING).date(), dt.time(9, 0), BEIJING)


def seed(data_dir: Path, db_url: str) -> None:
    """The demo day, the queue's services and twelve tickets waiting (a kiosk took them at nine)."""
    from hallkiosk.demo import seed_demo
    from hallkiosk.wiring_queue import seed_demo_queue
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.queue import HallQueue
    from kiosk.timeutil import BEIJING

    cfg = load_config(data_dir=data_dir, db_url=db_url or None, environ={})
    seed_demo(cfg, today=dt.datetime.now(BEIJING).date())
    hall = Hall.open(cfg, clock=FixedClock(_beijing_nine()))
    try:
        seed_demo_queue(hall)
        q = HallQueue(hall)
        for _ in range(12):
            q.issue("A")
    finally:
        hall.close()


def seeded_copy(kind: str, data_dir: Path, work: Path, pg: PrivateServer | None) -> str:
    """A hall seeded once per backend (``seed`` hashes PINs: seconds), copied for each fault: its data
    dir (the keys) and, on PostgreSQL, its database (``CREATE DATABASE … TEMPLATE``). Returns the URL."""
    tpl = work / f"template-{kind}" / "hall"
    marker = tpl.parent / "url"
    if not marker.exists():
        tpl.mkdir(parents=True)
        url = pg.database() if kind == "pg" and pg is not None else ""
        seed(tpl, url)
        marker.write_text(url)
    url = marker.read_text()
    shutil.copytree(tpl, data_dir)
    return pg.database(url) if kind == "pg" and pg is not None else ""


@contextlib.contextmanager
def fault_env(name: str, work: Path, pg: PrivateServer | None) -> Iterator[Fault]:
    data_dir = work / name / "hall"
    if name in ("stopped", "frozen"):
        assert pg is not None
        url = seeded_copy("pg", data_dir, work, pg)
        frozen: list[int] = []
        if name == "stopped":
            f = Fault(name, data_dir, url, pg.stop, lambda: f.notes.update(server_start_s=round(pg.start(), 2)))
        else:
            f = Fault(name, data_dir, url, lambda: frozen.extend(pg.freeze()), lambda: pg.thaw(frozen))
        try:
            yield f
        finally:
            pg.thaw(frozen)
            pg.start()
            pg.drop(url)
        return
    if name == "locked":
        seeded_copy("sqlite", data_dir, work, pg)
        db = data_dir / "hall.db"
        with contextlib.closing(sqlite3.connect(db)) as c:
            c.execute("CREATE TABLE IF NOT EXISTS bench_lock_holder (at REAL)")
            c.commit()
        holder: list[subprocess.Popen[str]] = []
        code = ("import sqlite3, sys, time\n"
                "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
                "c.execute('BEGIN IMMEDIATE'); c.execute('INSERT INTO bench_lock_holder VALUES (?)', (time.time(),))\n"
                "print('locked', flush=True); sys.stdin.readline(); c.execute('COMMIT'); print('released', flush=True)\n")

        def lock() -> None:
            p = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert p.stdout is not None and p.stdout.readline().strip() == "locked"
            holder.append(p)

        def release() -> None:
            p = holder.pop()
            assert p.stdin is not None and p.stdout is not None
            p.stdin.write("go\n")
            p.stdin.flush()
            p.stdout.readline()
            p.wait(10)

        yield Fault(name, data_dir, "", lock, release)
        for p in holder:
            p.kill()
        return
    # disk_full: a small tmpfs holds the data dir; a ballast file takes the rest of it
    mnt = work / name
    mnt.mkdir(parents=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if mounted.returncode != 0:
        yield Fault(name, data_dir, "", lambda: None, lambda: None,
                    skipped=f"no tmpfs: mount failed ({mounted.stderr.strip() or mounted.returncode}); run as root")
        return
    try:
        seeded_copy("sqlite", data_dir, work, pg)
        ballast = mnt / "ballast"
        f = Fault(name, data_dir, "", lambda: None, lambda: None)

        def fill() -> None:
            with contextlib.closing(sqlite3.connect(data_dir / "hall.db", timeout=30)) as c:
                f.notes["wal_truncated"] = c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
            written = 0
            fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                for chunk in (1 << 20, 1 << 16, 1 << 12):
                    with contextlib.suppress(OSError):  # ENOSPC: on to a smaller chunk
                        while True:
                            written += os.write(fd, b"\0" * chunk)
            finally:
                os.close(fd)
            f.notes["ballast_mib"] = round(written / (1 << 20), 1)
            f.notes["free_bytes_after_fill"] = shutil.disk_usage(mnt).free

        def free() -> None:
            with contextlib.suppress(OSError):
                ballast.unlink()

        f.inject, f.restore = fill, free
        yield f
    finally:
        with contextlib.suppress(OSError):
            (mnt / "ballast").unlink()
        # the terminals are gone by now; lazy unmount in case a straggler holds a file
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


class Child:
    """One terminal process and its report lines."""

    def __init__(self, role: str, fault: Fault, stderr_dir: Path) -> None:
        self.role = role
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        env.pop("HALL_KIOSK_TEST_PG_URL", None)
        self.err = open(stderr_dir / f"{fault.name}-{role}.stderr", "w")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--role", role, "--fault", fault.name,
             "--data-dir", str(fault.data_dir), "--db", fault.db_url, "--shots", str(SHOTS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, text=True, cwd=ROOT, env=env)
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(TAG):
                self.lines.put(json.loads(line[len(TAG):]))
        self.lines.put({"exited": self.proc.wait()})

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()

    def expect(self, key: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                return {"error": f"no '{key}' from the {self.role} within {timeout:.0f} s"}
            if key in msg or "error" in msg or "exited" in msg:
                return msg

    def close(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(15)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()


def run_fault(name: str, work: Path, pg: PrivateServer | None) -> dict[str, Any]:
    started = time.monotonic()
    with fault_env(name, work, pg) as fault:
        if fault.skipped:
            return {"skipped": fault.skipped}
        children = [Child(role, fault, work) for role in ROLES]
        cells: dict[str, Any] = {}
        try:
            ready = {c.role: c.expect("ready", 180) for c in children}
            broken = {r: m for r, m in ready.items() if "ready" not in m}
            if broken:
                return {"error": broken, "stderr": {r: (work / f"{name}-{r}.stderr").read_text()[-2000:] for r in broken}}
            setup_s = {r: m.get("setup_s") for r, m in ready.items()}
            t_fault = time.monotonic()
            fault.inject()
            injected_s = time.monotonic() - t_fault
            for c in children:
                c.send(f"fault {t_fault}")
            time.sleep(max(0.0, FAULT_S - (time.monotonic() - t_fault)))
            t_restore = time.monotonic()
            fault.restore()
            t_back = time.monotonic()
            for c in children:
                c.send(f"restored {t_back}")
            for c in children:
                cells[c.role] = c.expect("report", 120)
        finally:
            for c in children:
                c.close()
        for c in children:
            if "report" not in cells.get(c.role, {}):
                cells[c.role]["stderr"] = (work / f"{name}-{c.role}.stderr").read_text()[-3000:]
        return {"fault_seconds": round(t_restore - t_fault, 1), "inject_s": round(injected_s, 2), "setup_s": setup_s,
                "restore_s": round(t_back - t_restore, 2), "notes": fault.notes, "cells": cells,
                "run_seconds": round(time.monotonic() - started, 1)}


def returns(rounds: int = 8) -> dict[str, Any]:
    """The redraw when the database comes back, alone: a counter, a kiosk and a queue board in ONE process
    (as the outage tests run them), their banners shown and hidden ``rounds`` times while a worker thread
    keeps the GIL busy (as the screens' reloads do right after a return). Per return, the longest
    event-loop gap and the UI thread's CPU in the gaps; the median and worst of them."""
    import statistics

    from PySide6.QtWidgets import QApplication

    from hallkiosk.app import build_terminal, ensure_qapp
    from hallkiosk.demo import seed_demo
    from kiosk.config import load_config
    from kiosk.ports import DbState
    from kiosk.timeutil import BEIJING
    from tests.helpers.screens import login, wait_until
    from ui.stall import StallMeter

    ensure_qapp(headless=True)
    app = QApplication.instance()
    assert app is not None

    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        wait_until(lambda: time.monotonic() > end, seconds + 5)

    with tempfile.TemporaryDirectory(prefix="hk-bench-returns-") as d:
        cfg = load_config(data_dir=Path(d) / "hall", environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
        seed_demo(cfg, today=dt.datetime.now(BEIJING).date())
        cfg = dataclasses.replace(cfg, queue=dataclasses.replace(cfg.queue, counter_no="1"))
        bcfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="queue"))
        terms = [build_terminal(c, r, follow=(r == "board"), devices=False, sync=False, housekeeping=False)
                 for r, c in (("counter", cfg), ("kiosk", cfg), ("board", bcfg))]
        busy = threading.Event()
        try:
            for t in terms:
                t.window.resize(1920, 1080)
                t.window.show()
            login(terms[0].window.page, "clerk", "333333", 30)
            terms[1].window.page.open_flow("ticket")
            spin(2.0)
            down = DbState(False, "refused", dt.datetime.now(dt.UTC), None)
            up = DbState(True, "", dt.datetime.now(dt.UTC), 1.0)
            busy.set()

            def burn() -> None:
                while busy.is_set():
                    sum(i * i for i in range(2000))

            threading.Thread(target=burn, name="busy-worker", daemon=True).start()
            gaps, cpus, where = [], [], []
            for _ in range(rounds):
                meter = StallMeter(threshold_ms=0, where_ms=60).start()
                for t in terms:
                    t.ctx.bridge.post_db_state(down)
                spin(0.8)
                meter.phase = "up"
                for t in terms:
                    t.ctx.bridge.post_db_state(up)
                spin(0.8)
                meter.stop()
                up_stalls = [x for x in meter.stalls if x.phase == "up"]
                worst = max(up_stalls, key=lambda x: x.ms)
                gaps.append(worst.ms)
                cpus.append(round(sum(x.cpu_ms or 0.0 for x in up_stalls if x.ms > 15), 1))
                where.append(worst.where)
        finally:
            busy.clear()
            for t in terms:
                t.stop()
    return {"rounds": rounds, "worst_gap_ms": gaps, "worst_gap_median_ms": statistics.median(gaps),
            "worst_gap_max_ms": max(gaps), "ui_cpu_in_gaps_ms": cpus, "ui_cpu_median_ms": statistics.median(cpus),
            "where_worst": max(zip(gaps, where, strict=True))[1], "load": os.getloadavg()}


def bench(faults: tuple[str, ...] = FAULTS) -> dict[str, Any]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"fault_seconds": FAULT_S, "load_before": os.getloadavg(), "cores": os.cpu_count(),
                           "shots": str(SHOTS), "faults": {}}
    pg: PrivateServer | None = None
    with tempfile.TemporaryDirectory(prefix="hk-bench-outages-") as d:
        work = Path(d)
        try:
            if any(f in ("stopped", "frozen") for f in faults):
                pg = PrivateServer()
                pg.start()
            for name in faults:
                out["faults"][name] = run_fault(name, work, pg)
                print(f"# bench_outages: {name} done ({out['faults'][name].get('run_seconds')} s)", file=sys.stderr)
            # the redraw on return in one process, in a process of its own (its own QApplication)
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
            done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--returns"], capture_output=True,
                                  text=True, cwd=ROOT, env=env, timeout=180)
            tagged = [line for line in done.stdout.splitlines() if line.startswith(TAG)]
            out["returns_one_process"] = json.loads(tagged[-1][len(TAG):]) if tagged else {"error": done.stderr[-2000:]}
        finally:
            if pg is not None:
                tpl = work / "template-pg" / "url"
                if tpl.exists():
                    pg.drop(tpl.read_text())
                pg.stop()
    out["load_after"] = os.getloadavg()
    out["table"] = table(out)
    return out


def table(out: dict[str, Any]) -> list[str]:
    """The closing note's table, one row per role and fault (markdown)."""
    rows = ["| fault | role | longest UI gap (UI thread's CPU in it) | the screen said | recovered after | act after return | acts pressed/acked/done | lost | dup | replayed |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, res in out["faults"].items():
        if "cells" not in res:
            rows.append(f"| {name} | — | {res.get('skipped') or res.get('error')} | | | | | | | |")
            continue
        for role in ROLES:
            c = res["cells"].get(role, {}).get("report")
            if c is None:
                rows.append(f"| {name} | {role} | (no report: {str(res['cells'].get(role))[:80]}) | | | | | | | |")
                continue
            a = c["acts"]
            said = (c["banner"] or "—") + (f" / {c['message']}" if c.get("message") else "")
            rows.append(
                f"| {name} | {role} | {c['longest_gap_ms']:.0f} ms ({_cpu(c)}) | {said} | "
                f"{_secs(c['recovered_s'])} | "
                f"{c['after_act']} | {a['pressed']}/{a['acked']}/{a['done']} | {a['lost']} | {a['duplicated']} | {a['replayed']} |")
    return rows


def _cpu(c: dict[str, Any]) -> str:
    worst = c["stalls"][0] if c.get("stalls") else None
    return f"{worst['cpu_ms']:.0f} ms" if worst and worst.get("cpu_ms") is not None else "—"


def _secs(s: float | None) -> str:
    return f"{s:.1f} s" if s is not None else "not within 30 s"


def run(out: dict[str, Any]) -> None:
    out.update(bench())


# ==================================================================================================
# the child: one terminal of one role, driven as people drive it
# ==================================================================================================


class Role:
    """What a role's people do and what its screen says; subclasses for each role."""

    keys: tuple[str, ...] = ()  #: the acts people press here (others, an auto-call say, are not theirs)

    def __init__(self, term: Any) -> None:
        self.term = term
        self.acked: list[str] = []  #: acts whose outcome the screen showed as done (their keys)
        self.said: list[str] = []  #: the codes of acts the screen showed as not done (database, not-started, too-late …)
        self.other: list[str] = []  #: acts the screen started by itself (the auction's auto-call), with their outcome
        self.refused_at_once = 0  #: presses refused on the spot (a second press, a paused kiosk)
        self.pressed = 0

    def setup(self) -> None: ...

    def act(self) -> Any:
        """The screen's :class:`ui.jobs.Act`."""
        raise NotImplementedError

    def counts(self, outcome: Any) -> bool:
        """Whether an ok outcome is an act the journal must show (a call with nobody waiting is not)."""
        return True

    def watch_acts(self) -> None:
        """Note every act's outcome as the screen receives it (the bench's instrument; the act itself runs unchanged)."""
        act = self.act()
        run = act.run

        def noted(key: str, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> bool:
            def done(outcome: Any) -> None:
                if self.keys and key not in self.keys:
                    self.other.append(f"{key}:{'ok' if outcome.ok else outcome.code}")
                elif outcome.ok and self.counts(outcome):
                    self.acked.append(key)
                elif not outcome.ok:
                    self.said.append(outcome.code)
                on_done(outcome)
            return bool(run(key, fn, done))

        act.run = noted

    def press(self) -> None: ...

    def poll(self) -> None:
        """Called every loop pass: note what the screen acknowledged."""

    def busy(self) -> bool:
        return False

    def message(self) -> str:
        return ""

    def effects(self, entries: list[Any]) -> list[str]:
        """The journal's record of this role's acts among ``entries`` (one string per act)."""
        return []

    def clock(self) -> str:
        return ""

    def windows(self) -> list[tuple[str, Any]]:
        out = [("window", self.term.window)]
        if self.term.big_screen is not None:
            out.append(("wall", self.term.big_screen))
        return out


class KioskRole(Role):
    keys = ("take-ticket",)
    def setup(self) -> None:
        from tests.helpers.screens import wait_until

        page = self.term.window.page
        page.open_flow("ticket")
        self.flow = page.flows["ticket"]
        wait_until(lambda: not self.flow.busy and bool(self.flow.buttons), 30)

    def press(self) -> None:
        b = self.flow.buttons["deposit"]
        if self.flow.currentWidget() is self.flow.result:
            self.flow.reset()  # the next visitor
        for _ in range(2):  # tap, and tap again
            self.pressed += 1
            before = self.flow.act.pending
            b.click()  # a paused page (暂停服务) takes no taps: a disabled button ignores the click
            if before is not None or self.flow.act.pending is None:
                self.refused_at_once += 1

    def act(self) -> Any:
        return self.flow.act

    def busy(self) -> bool:
        return bool(self.flow.busy)

    def message(self) -> str:
        return str(self.flow.message.text())

    def effects(self, entries: list[Any]) -> list[str]:
        return [e.payload["ticket_no"] for e in entries if e.kind == "ticket.issued"]


class CounterRole(Role):
    keys = ("call-next",)
    def setup(self) -> None:
        from tests.helpers.screens import login, wait_until

        login(self.term.window.page, "clerk", "333333", 30)
        self.tab = self.term.window.page.work.widget(0)
        wait_until(lambda: not self.tab.busy, 30)

    def act(self) -> Any:
        return self.tab.act

    def counts(self, outcome: Any) -> bool:
        return outcome.value is not None  # None: nobody was waiting, nothing journalled

    def press(self) -> None:
        for _ in range(2):  # F1, and F1 again (a second press with a ticket at the window confirms the next call)
            self.pressed += 1
            before = self.tab.act.pending
            self.tab.call_next()
            if before is not None:
                self.refused_at_once += 1

    def busy(self) -> bool:
        return bool(self.tab.busy)

    def message(self) -> str:
        return str(self.tab.message.text())

    def effects(self, entries: list[Any]) -> list[str]:
        return [e.payload["ticket_no"] for e in entries if e.kind == "ticket.called"]


class BoardRole(Role):
    def setup(self) -> None:
        from tests.helpers.screens import wait_until

        self.board = self.term.window.page.views["queue"]
        wait_until(lambda: self.board.state is not None, 30)

    def busy(self) -> bool:
        return bool(self.board.refresher.inflight)

    def clock(self) -> str:
        return str(self.board.clock.text())


class AuctioneerRole(Role):
    keys = ("bid", "stage-bid")
    def setup(self) -> None:
        from kiosk.auction.demo import check_in_all
        from tests.helpers.auction import settle, settle_term, sign_in_auctioneer

        term = self.term
        from hallkiosk.demo import _login

        _login(term, "auctioneer")
        sign_in_auctioneer(term)
        settle_term(term, 30)
        self.console = c = term.auction.screens["console"]
        cars = c.session_id
        paddles = check_in_all(term.hall, cars)
        c.select_lot(cars, "L-0002")
        settle(c, timeout=30)
        c.open_lot()
        settle(c, timeout=30)
        self.paddles = sorted(paddles.values())
        self.n = 0

    def act(self) -> Any:
        return self.console.act

    def press(self) -> None:
        p = self.paddles[self.n % len(self.paddles)]  # bidders in turn: each bid outbids the last
        self.n += 1
        for _ in range(2):  # Enter, and Enter again
            self.pressed += 1
            before = self.console.act.pending
            self.console.paddle.setText(p)
            self.console.submit_bid()
            if before is not None or self.console.act.pending is None:
                self.refused_at_once += 1

    def busy(self) -> bool:
        return not self.console.settled()

    def message(self) -> str:
        return str(self.console.message.text())

    def effects(self, entries: list[Any]) -> list[str]:
        return [f"{e.payload['paddle_no']}@{e.payload.get('amount')}" for e in entries if e.kind == "auction.bid"]

    def clock(self) -> str:
        return str(self.console.calls.text())


class HostRole(Role):
    STAGES = ("publish", "attendance", "quorum", "confirm_attendance")

    def setup(self) -> None:
        from hallkiosk.demo import _login
        from sync.sandbox.seed import demo_day
        from tests.helpers.roles import sign_in_on_panel
        from tests.helpers.screens import wait_until

        term = self.term
        _login(term, "host")
        con = self.con = term.opening.screens["console"]
        term.window.page.work.setCurrentWidget(con)
        day = demo_day(_beijing_nine().date())
        s2 = day["sessions"][1]["session_id"]
        con.select_session(s2)
        self.settle = lambda: wait_until(lambda: con.act.pending is None and not con.loader.inflight, 30)
        self.settle()
        sign_in_on_panel(con.signin, term.ctx.bridge, term.hall, s2, ("host",))
        self.settle()
        con.action_buttons["announce"].click()
        self.settle()
        term.hall.clock.set(dt.datetime.combine(_beijing_nine().date(), dt.time(10, 0), _beijing_nine().tzinfo))
        con.refresh_view()
        self.settle()

    def act(self) -> Any:
        return self.con.act

    def press(self) -> None:
        key = next((k for k in self.STAGES if k in self.con.action_buttons), None)
        if key is None:
            return
        for _ in range(2):  # the next stage, pressed twice
            self.pressed += 1
            before = self.con.act.pending
            btn = self.con.action_buttons.get(key)
            if btn is not None:
                btn.click()
            if before is not None or self.con.act.pending is None:
                self.refused_at_once += 1

    def busy(self) -> bool:
        return self.con.act.pending is not None or bool(self.con.loader.inflight)

    def message(self) -> str:
        return str(self.con.message.text())

    def effects(self, entries: list[Any]) -> list[str]:
        return [str(e.payload.get("stage")) for e in entries if e.kind == "opening.stage"]


ROLE_CLASSES: dict[str, type[Role]] = {"kiosk": KioskRole, "counter": CounterRole, "board": BoardRole,
                                       "auctioneer": AuctioneerRole, "host": HostRole}


def child(role: str, fault: str, data_dir: str, db_url: str, shots: str) -> int:
    from PySide6.QtWidgets import QApplication

    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from kiosk.journal import entries_after
    from ui.stall import StallMeter

    def say(**kw: Any) -> None:
        print(TAG + json.dumps(kw, ensure_ascii=False, default=str), flush=True)

    commands: queue.Queue[str] = queue.Queue()

    def read_commands() -> None:
        for line in sys.stdin:
            commands.put(line.strip())

    threading.Thread(target=read_commands, daemon=True).start()
    t_setup = time.monotonic()
    ensure_qapp(headless=True)
    cfg = load_config(data_dir=Path(data_dir), db_url=db_url or None, environ={"HALL_KIOSK__QUEUE__SPEECH_ENGINE": "fake"})
    site, clock = cfg.site, None
    if role == "kiosk":
        site, clock = dataclasses.replace(cfg.site, terminal_id="KIOSK-07"), FixedClock(_beijing_nine())
    elif role == "counter":
        site, clock = dataclasses.replace(cfg.site, terminal_id="COUNTER-01"), FixedClock(_beijing_nine())
        cfg = dataclasses.replace(cfg, queue=dataclasses.replace(cfg.queue, counter_no="1"))
    elif role == "board":
        site = dataclasses.replace(cfg.site, terminal_id="BOARD-01")
        cfg = dataclasses.replace(cfg, ui=dataclasses.replace(cfg.ui, board_mode="queue"))
    elif role == "auctioneer":
        site = dataclasses.replace(cfg.site, terminal_id="AUCTION-01")
        cfg = dataclasses.replace(cfg, auction=dataclasses.replace(cfg.auction, call_seconds=CALL_SECONDS))
    elif role == "host":
        site = dataclasses.replace(cfg.site, terminal_id="HOST-KB01", room_code="KB-01")
        clock = FixedClock(_beijing_nine() + dt.timedelta(minutes=50))  # ten minutes before the 10:00 opening
    cfg = dataclasses.replace(cfg, site=site)
    hall = Hall.open(cfg, clock=clock) if clock is not None else Hall.open(cfg)
    term = build_terminal(cfg, role, follow=True, devices=False, sync=False, big_screen=role in ("host", "auctioneer"),
                          hall=hall, housekeeping=False)
    r = ROLE_CLASSES[role](term)
    app = QApplication.instance()
    assert app is not None

    def spin(until: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                return False
            app.processEvents()
            r.poll()
            time.sleep(0.005)
        return True

    try:
        for w in (term.window, term.big_screen):
            if w is not None:
                w.resize(1920, 1080)
                w.show()
        r.setup()
        spin(lambda: not r.busy(), 30)
        if role != "board":
            r.watch_acts()
        with hall.reading() as s:
            head = max((e.seq for e in entries_after(s, 0, 1_000_000)), default=0)
        acked_before = 0
        say(ready=True, setup_s=round(time.monotonic() - t_setup, 1))
        line = commands.get(timeout=600)
        t_fault = float(line.split()[1])
        meter = StallMeter(where_ms=100).start()
        meter.phase = "fault"
        banner = ""
        clocks: set[str] = set()
        messages: list[str] = []
        shot = False
        presses = [0.3, 2.5, 5.0, 7.5]
        restored: float | None = None
        while restored is None:
            now = time.monotonic()
            if presses and now - t_fault >= presses[0]:
                presses.pop(0)
                r.press()
            app.processEvents()
            r.poll()
            if not term.window.outage.isHidden():
                banner = banner or str(term.window.outage.text())
            m = r.message()
            if m and (not messages or messages[-1] != m):
                messages.append(m)
            clocks.add(r.clock())
            if not shot and now - t_fault >= 6.0:
                shot = True
                with meter.paused():
                    for name, w in r.windows():
                        for size in ((1920, 1080), (1080, 1920)) if name == "window" else ((1920, 1080),):
                            grab(w, str(Path(shots) / f"{fault}-{role}-{name}-{size[0]}x{size[1]}.png"), size)
                    for _name, w in r.windows():  # the window at its own size again
                        w.resize(1920, 1080)
            with contextlib.suppress(queue.Empty):
                cmd = commands.get_nowait()
                if cmd.startswith("restored"):
                    restored = float(cmd.split()[1])
            time.sleep(0.005)
        fault_gap = meter.max_ms()
        meter.phase = "return"
        gone = spin(lambda: term.window.outage.isHidden(), 30)
        banner_gone = time.monotonic() - restored if gone else None
        ok = spin(lambda: term.window.outage.isHidden() and not r.busy(), 30)
        recovered = time.monotonic() - restored if ok else None
        meter.phase = "after"
        after = "—"
        if r.pressed or role != "board":
            n = len(r.acked)
            t0 = time.monotonic()
            r.press()
            done = spin(lambda: len(r.acked) > n and not r.busy(), 15)
            after = f"ok in {time.monotonic() - t0:.1f} s" if done else f"not done: {r.message()[:60]}"
        else:
            shown = r.clock()
            after = "clock ticks" if spin(lambda: r.clock() != shown, 3) else "clock stuck"
        settle_to = time.monotonic() + 1.5
        spin(lambda: time.monotonic() > settle_to, 3)
        meter.stop()
        with hall.reading() as s:
            entries = [e for e in entries_after(s, head, 100_000)]
        mine = r.effects(entries)
        calls = [e.payload.get("at") for e in entries if e.kind == "auction.call"]
        acked = r.acked[acked_before:]
        # the act after the return is counted too: shown done and journalled, once each
        lost = max(0, len(acked) - len(set(mine)))  # the screen said done, the journal has no record
        duplicated = len(mine) - len(set(mine))  # one ticket, bid or stage journalled twice
        replayed = max(0, len(set(mine)) - len(acked))  # journalled, though the screen said not done (or never answered)
        say(report={
            "longest_gap_ms": meter.max_ms(), "gap_during_fault_ms": fault_gap,
            "gap_after_return_ms": max((s.ms for s in meter.stalls if s.phase != "fault"), default=0.0),
            "stalls": [dataclasses.asdict(s) for s in meter.longest(3)], "ticks": meter.ticks,
            "banner": banner, "message": messages[-1] if messages else "", "messages": messages[-4:],
            "clock_ticked_during_fault": len(clocks - {""}) > 1 if role in ("board", "auctioneer") else None,
            "recovered_s": round(recovered, 2) if recovered is not None else None, "after_act": after,
            "banner_gone_s": round(banner_gone, 2) if banner_gone is not None else None,
            "auction_calls_at": calls if role == "auctioneer" else None, "restored_at_unix": time.time() - (time.monotonic() - restored),
            "acts": {"pressed": r.pressed, "refused_at_once": r.refused_at_once, "acked": len(acked), "done": len(mine),
                     "not_done_said": r.said, "other_acts": r.other,
                     "acked_list": acked, "done_list": mine, "lost": lost, "duplicated": duplicated, "replayed": replayed},
        })
        return 0
    except Exception as exc:  # the parent reports a role that broke, with its traceback on stderr
        import traceback

        traceback.print_exc()
        say(error=f"{type(exc).__name__}: {exc}")
        return 1
    finally:
        term.stop()
        hall.close()


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--faults", nargs="*", default=list(FAULTS), choices=FAULTS)
    ap.add_argument("--role", choices=ROLES, help="(internal) run one terminal of this role")
    ap.add_argument("--fault", default="")
    ap.add_argument("--data-dir", default="")
    ap.add_argument("--db", default="")
    ap.add_argument("--shots", default=str(SHOTS))
    ap.add_argument("--returns", action="store_true", help="(internal) the one-process redraw on return only")
    a = ap.parse_args()
    if a.returns:
        print(TAG + json.dumps(returns(), ensure_ascii=False), flush=True)
        raise SystemExit(0)
    if a.role:
        raise SystemExit(child(a.role, a.fault, a.data_dir, a.db, a.shots))
    result = bench(tuple(a.faults))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print("\n".join(result["table"]), file=sys.stderr)
