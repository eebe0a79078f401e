"""A full hall on one journal (issue 14 item 6): mixed writers beside bare appends, in the same run.

Every state change of every terminal serialises on the journal head (``kiosk.journal.take_head``),
so what a full hall can write is bounded by how long each act holds it. Four phases, each
``HALL_KIOSK_BENCH_MIXED_SECONDS`` (default 15) long, one after the other on the same database:

1. **bare**: 4 processes appending bare journal entries (one entry per unit, nothing else), flat out;
2. **mixed**: 8 processes doing what a full hall does, flat out — 3 kiosks issuing queue tickets,
   2 counters calling the next ticket and serving the one before (``call_next(close_current=
   "served")``), 1 check-in desk (a check-in recorded as check-in records it: its ``checkins``
   row with its ``checkin.recorded`` entry, ``tests/helpers/checkin.py``) and 2 bidder-keypad
   receivers (each press goes through ``hallkiosk.wiring_auction.KeypadBids`` as on an auctioneer
   terminal: BID = the next amount on the open lot);
3. **floor**: 8 processes doing the least any act of the hall does, flat out — its first read sent
   with the lock (``kiosk.journal.take_head_reading``: one row by its key), one entry and one row of
   its own (``write_later``), nothing read before the lock or described after it. No act that reads
   its state under the lock and writes its row can cost less, so ``floor ÷ bare`` is the most the
   mixed hall can reach on this machine, and ``mixed ÷ floor`` is how far the hall's acts are from it;
4. **bare** again, so the machine's load (other sessions) is bracketed.

Reported: hall-wide acts/s (units of work that took the lock; a call that also serves is one act
and two entries) and entries/s, the ratio of mixed acts/s to the bare appends/s around it (issue
14's target ≥ 80 %); how long each unit held the journal head (from the lock's statement to the
end of its commit, per role, measured by engine events in each process), the share of the phase
the head was held (``busy``), and the acts/s the lock alone would allow (units / time held: what
a hall reaches when every terminal has its own CPU, as it does in a real hall — here all 8
processes share the machine's cores, so CPU, not the lock, bounds the acts/s); duplicates and gaps (journal ``seq``, ticket numbers, tickets called twice,
check-in numbers; the chain with ``kiosk.journal.verify``), and **bid → audience screen**: a
``JournalFollower`` in this process follows ``auction.bid`` as the audience screen does (LISTEN
on PostgreSQL, a 50 ms poll on SQLite) and builds the screen's view (``AuctionService.lot(…,
last_bids=LAST_BIDS)``) for each batch; latency = that view built − the bid's commit in its
process (``time.time()``, one clock on one machine). Each process, once warmed up, settles its heap
as a started terminal does (``hallkiosk.app.settle_heap``: ``gc.freeze``).

PostgreSQL runs when ``HALL_KIOSK_TEST_PG_URL`` is set (a scratch database is created and dropped);
SQLite too unless ``HALL_KIOSK_BENCH_MIXED_SQLITE=0``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from kiosk.auction import AuctionService
from kiosk.auction.demo import add_bidders, check_in_all
from kiosk.config import load_config
from kiosk.db.models import JournalEntry, PfLot, PfSession
from kiosk.hall import Hall
from kiosk.journal import Entry
from kiosk.queue import CounterInfo, QueueService, ServiceInfo
from kiosk.staffing import StaffingService
from kiosk.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[1]
SESSION = "S-BENCH-MIXED-AUCTION"
LOT = "BENCH-LOT-1"
CHECKIN_SESSION = "S-BENCH-MIXED-OPENING"
SERVICE = "mix"
LAST_BIDS = 4  #: ui.auction.board.LAST_BIDS: the bids the audience screen shows

#: one script for every role; three acts to warm up, then it prints "ready", waits for "go", works for the phase's seconds
#: and prints one JSON line: {"acts": n, "seconds": s, "bids": [[seq, commit_time], …]}
WORKER = textwrap.dedent(
    """
    import json, sys, time
    from kiosk.config import load_config
    from kiosk.hall import Hall
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    data_dir, db, role, arg, seconds = sys.argv[1:6]
    # keypads press flat out: no per-paddle repeat interval, so every press is a bid (a unit of work)
    environ = {"HALL_KIOSK__AUCTION__KEYPAD_MIN_INTERVAL_MS": "0"} if role == "keypad" else {}
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db or None, environ=environ), migrate=False)
    bids = []
    # how long each unit holds the hall's authority: from the journal head's lock (PostgreSQL: the
    # FOR UPDATE statement returned; SQLite: BEGIN IMMEDIATE returned) to the end of the commit
    # and how many round trips it made meanwhile (PostgreSQL: a statement, or a pipeline of them —
    # kiosk.journal.write_staged — counts one; the commit counts one)
    held, since, trips, piped = [], [None], [], [False]
    if hall.engine.dialect.name == "postgresql":
        @event.listens_for(hall.engine, "after_cursor_execute")
        def _locked(conn, cursor, statement, params, context, many):
            # the head's lock: its own statement, or sent with the act's first read (kiosk.journal.take_head_reading:
            # a raw cursor, so the read, which returns with it, marks the moment)
            if since[0] is None and (("FOR UPDATE" in statement and "journal_head" in statement)
                                     or context.execution_options.get("hall_after_head") is not None):
                since[0] = time.perf_counter()
                trips.append(0)
                piped[0] = False
            elif since[0] is not None:
                inpipe = getattr(conn.connection.driver_connection, "_pipeline", None) is not None
                if not (inpipe and piped[0]):
                    trips[-1] += 1
                piped[0] = inpipe
    else:
        @event.listens_for(hall.engine, "begin")
        def _locked(conn):
            if not conn.get_execution_options().get("hall_read_only"):
                since[0] = time.perf_counter()
    @event.listens_for(Session, "after_commit")
    def _released(session):
        if since[0] is not None:
            held.append(time.perf_counter() - since[0])
            since[0] = None
            if trips:
                trips[-1] += 1  # the commit
    event.listen(Session, "after_rollback", _released)
    if role == "append":
        def act(i):
            with hall.unit() as s:
                hall.journal.append(s, "bench.append", {"worker": arg, "i": i})
    elif role == "floor":
        import uuid
        from sqlalchemy import text
        from kiosk.journal import take_head_reading, write_later
        read = text("SELECT worker FROM bench_floor_rows WHERE id = 'seed'")
        row = text("INSERT INTO bench_floor_rows (id, worker) VALUES (:id, :worker)")
        def act(i):
            with hall.unit() as s:
                _head, found = take_head_reading(s, read)
                found.all()
                hall.journal.append(s, "bench.floor", {"worker": arg, "i": i})
                write_later(s, row, {"id": uuid.uuid4().hex, "worker": arg})
    elif role == "kiosk":
        from kiosk.queue import QueueService
        q = QueueService(hall)
        def act(i):
            q.issue("M")
    elif role == "counter":
        from kiosk.queue import QueueService
        q = QueueService(hall)
        def act(i):
            q.call_next(arg, "bench", close_current="served")
    elif role == "checkin":
        from tests.helpers.checkin import record_checkin
        def act(i):
            rid = f"BR-{arg}-{i}"
            # synthetic bench people: no real name or ID number
            record_checkin(hall, "S-BENCH-MIXED-OPENING", {"registration_id": rid, "bidder": {"name": "压测投标人", "code": rid}},
                           {"id_number": f"BENCH-{arg}-{i}", "name": "压测代表"})
    elif role == "keypad":
        from hallkiosk.wiring_auction import KeypadBids
        from kiosk.auction import AuctionService
        from kiosk.ports import KeypadEvent
        service = AuctionService(hall)
        outcomes = []
        paddles = arg.split(",")
        class Lane:  # the keypad lane's work, run at once on this thread (no Qt here)
            def run(self, key, fn, on_done=None, *, lane=None):
                fn()
        presses = KeypadBids(service, lambda: "S-BENCH-MIXED-AUCTION", outcomes, others=lambda: [], jobs=Lane())
        def act(i):
            last = outcomes[-1] if outcomes else None
            presses.on_event(KeypadEvent(paddle_no=paddles[i % len(paddles)], key="BID", received_at=time.monotonic()))
            committed = time.time()
            if outcomes and outcomes[-1] is not last:
                bids.append([outcomes[-1].seq, committed])
    for i in range(-3, 0):  # warm up (imports, compiled statements) before the phase starts
        act(i)
    from hallkiosk.app import settle_heap
    settle_heap()  # as a terminal does once started
    bids.clear()
    held.clear()
    trips.clear()
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    cpu = time.process_time()
    end = start + float(seconds)
    i = 0
    while time.monotonic() < end:
        act(i)
        i += 1
    took = time.monotonic() - start
    cpu = time.process_time() - cpu
    hall.close()
    print(json.dumps({"acts": i, "seconds": took, "cpu_s": cpu, "bids": bids, "held": held, "trips": trips}), flush=True)
    """
)

MIXED = (("kiosk", "k1"), ("kiosk", "k2"), ("kiosk", "k3"), ("counter", "1"), ("counter", "2"),
         ("checkin", "c1"), ("keypad", "01,02"), ("keypad", "03,04"))
BARE = (("append", "a1"), ("append", "a2"), ("append", "a3"), ("append", "a4"))
FLOOR = tuple(("floor", f"f{i}") for i in range(1, 9))


def _setup(data_dir: Path, db: str, tickets: int = 500) -> Hall:
    """A hall with one queue service served by two counters (``tickets`` waiting), and an auction
    session whose lot is open with four checked-in bidders."""
    hall = Hall.open(load_config(data_dir=data_dir, db_url=db or None, environ={}))
    with hall.engine.begin() as conn:  # the floor's own rows (a scratch database)
        conn.execute(text("CREATE TABLE bench_floor_rows (id VARCHAR(32) PRIMARY KEY, worker VARCHAR(8) NOT NULL)"))
        conn.execute(text("INSERT INTO bench_floor_rows (id, worker) VALUES ('seed', 'seed')"))
    q = QueueService(hall)
    q.save_service(ServiceInfo(SERVICE, "M", "压测", "Bench", 1, 99999, 99999, "00:00", "23:59"), "bench")
    for no in ("1", "2"):
        q.save_counter(CounterInfo(no, "", (SERVICE,), 1), "bench")
    for _ in range(tickets):
        q.issue("M")
    lot = {"lot_code": LOT, "title": "压测标的", "start_price": "100.00", "increment": "1.00", "price_unit": "0",
           "deposit": "10.00", "has_reserve": False, "cap_price": None, "max_wins_per_paddle": None}
    now = utcnow()
    with hall.unit() as s:
        s.add(PfSession(session_id=SESSION, feed_key=f"local:{SESSION}", version=0, kind="auction", room_code="PM-01",
                        room_name="拍卖大厅", starts_at=now, title="压测拍卖会", trade_type="GYCQ", quorum=None,
                        data={"session_id": SESSION, "lots": [lot]}))
        s.flush()
        s.add(PfLot(session_id=SESSION, position=1, **lot))
    add_bidders(hall, SESSION, LOT, tuple((f"压测竞买人{i}有限公司", f"91150100MABENCH{i:03d}") for i in range(1, 5)),
                amount="10.00")
    check_in_all(hall, SESSION)
    # the bench's own session appoints nobody: a hall auctioneer account stands in, with its reason (kiosk.staffing)
    with hall.unit() as s:
        hall.operators.add(s, "benchauc", "压测拍卖师", "auctioneer", "246810", by="bench")
    holder = StaffingService(hall).take_role(SESSION, "auctioneer", username="benchauc", pin="246810",
                                             reason="压测：平台未指定拍卖师")
    AuctionService(hall).open_lot(SESSION, LOT, actor=holder)
    return hall


def _phase(data_dir: Path, db: str, roles: tuple[tuple[str, str], ...], seconds: float,
           on_start: Callable[[], None] | None = None) -> tuple[list[dict[str, Any]], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(data_dir), db, role, arg, str(seconds)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=str(ROOT))
             for role, arg in roles]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    if on_start is not None:
        on_start()
    start = time.perf_counter()
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=seconds * 4 + 120)
        assert p.returncode == 0, f"a {roles[procs.index(p)][0]} worker failed"
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results, time.perf_counter() - start


def _head(hall: Hall) -> int:
    with hall.reading() as s:
        return int(s.scalar(select(func.coalesce(func.max(JournalEntry.seq), 0))) or 0)


def _bare(hall: Hall, data_dir: Path, db: str, seconds: float, roles: tuple[tuple[str, str], ...] = BARE) -> dict[str, Any]:
    """A phase of one kind of act (bare appends, or the floor's least act): acts/s and the lock."""
    heads: list[int] = []
    results, _ = _phase(data_dir, db, roles, seconds, on_start=lambda: heads.append(_head(hall)))
    before = heads[0]
    acts = sum(r["acts"] for r in results)
    took = max(r["seconds"] for r in results)
    return {"processes": len(roles), "appends": acts, "entries": _head(hall) - before, "seconds": round(took, 2),
            "appends_per_s": round(acts / took, 1), "lock": _lock(roles, results, took)}


def _pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return round(v[min(len(v) - 1, round(p * (len(v) - 1)))] * 1000, 2) if v else float("nan")


def _lock(roles: tuple[tuple[str, str], ...], results: list[dict[str, Any]], took: float) -> dict[str, Any]:
    """How long the units held the journal head, per role; the share of the phase it was held
    (``busy``: 1.0 = the lock never rested, so the lock is what limits the hall); ``units_per_s_if_only_the_lock``:
    units / the time the lock was held (what the hall would reach if every terminal had its own CPU);
    the CPU each process spent per act (this machine's cores are shared by every process of the run);
    ``round_trips_under_lock``: per unit, from the lock to the commit included (PostgreSQL)."""
    per: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    trips: dict[str, list[int]] = {}
    for (role, _arg), r in zip(roles, results, strict=True):
        per.setdefault(role, []).extend(r["held"])
        cpu.setdefault(role, []).append(r["cpu_s"] / max(1, r["acts"]))
        trips.setdefault(role, []).extend(r.get("trips") or [])
    every = [h for v in per.values() for h in v]
    return {
        "held_ms": {role: {"units": len(v), "p50": _pct(v, 0.5), "p95": _pct(v, 0.95),
                           "mean": round(sum(v) / len(v) * 1000, 2) if v else None} for role, v in per.items()},
        "busy": round(sum(every) / took, 3),
        "units_per_s_if_only_the_lock": round(len(every) / sum(every), 1) if every else None,
        "cpu_ms_per_act": {role: round(sum(v) / len(v) * 1000, 1) for role, v in cpu.items()},
        "round_trips_under_lock": {role: round(sum(v) / len(v), 2) for role, v in trips.items() if v},
    }


def _mixed(hall: Hall, data_dir: Path, db: str, seconds: float) -> dict[str, Any]:
    service = AuctionService(hall)
    follower = hall.follower(kinds=("auction.bid",))
    seen: dict[int, float] = {}
    stop = threading.Event()

    listening: list[bool] = []

    def on_entries(entries: list[Entry]) -> None:
        service.lot(SESSION, LOT, last_bids=LAST_BIDS)  # what the audience screen builds for each update
        now = time.time()
        for e in entries:
            seen[e.seq] = now
        listening.append(follower.listening)

    thread = threading.Thread(target=follower.run, args=(stop, on_entries), name="bench-audience")
    thread.start()
    heads: list[int] = []
    try:
        results, _ = _phase(data_dir, db, MIXED, seconds, on_start=lambda: heads.append(_head(hall)))
        deadline = time.monotonic() + 5
        bids = [b for r in results for b in r["bids"]]
        while time.monotonic() < deadline and not all(seq in seen for seq, _t in bids):
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(10)
    before, after = heads[0], _head(hall)
    took = max(r["seconds"] for r in results)
    acts = sum(r["acts"] for r in results)
    by_role: dict[str, int] = {}
    for (role, _arg), r in zip(MIXED, results, strict=True):
        by_role[role] = by_role.get(role, 0) + r["acts"]
    with hall.reading() as s:
        kinds = dict(s.execute(select(JournalEntry.kind, func.count()).where(
            JournalEntry.seq > before, JournalEntry.seq <= after).group_by(JournalEntry.kind)).all())
    latency = [seen[seq] - t for seq, t in bids if seq in seen]
    return {
        "processes": {role: sum(1 for r, _a in MIXED if r == role) for role, _a in MIXED},
        "seconds": round(took, 2), "acts": acts, "acts_by_role": by_role, "entries": after - before,
        "entries_by_kind": kinds, "acts_per_s": round(acts / took, 1), "entries_per_s": round((after - before) / took, 1),
        "lock": _lock(MIXED, results, took),
        "bid_to_audience_screen": {"bids": len(bids), "seen": len(latency), "listening": all(listening) if listening else None,
                                   "p50_ms": _pct(latency, 0.5), "p95_ms": _pct(latency, 0.95), "max_ms": _pct(latency, 1.0)},
    }


def _integrity(hall: Hall) -> dict[str, Any]:
    """Duplicates and gaps over everything the run wrote, and the chain."""
    with hall.reading() as s:
        seqs = [r[0] for r in s.execute(text("SELECT seq FROM journal ORDER BY seq"))]
        tickets = [r[0] for r in s.execute(text(
            "SELECT seq FROM q_tickets WHERE issued_service = :c ORDER BY seq"), {"c": SERVICE})]
        called_twice = s.scalar(text(
            "SELECT count(*) FROM (SELECT ticket_id FROM q_calls WHERE kind = 'next' GROUP BY ticket_id HAVING count(*) > 1) x"))
        checkin_nos = [r[0] for r in s.execute(text(
            "SELECT checkin_no FROM checkins WHERE session_id = :s ORDER BY checkin_no"), {"s": CHECKIN_SESSION})]
        bid_seqs = s.scalar(text("SELECT count(*) - count(DISTINCT journal_seq) FROM auction_bids"))
        floor_rows = s.scalar(text("SELECT count(*) FROM bench_floor_rows WHERE id <> 'seed'"))
        floor_entries = s.scalar(text("SELECT count(*) FROM journal WHERE kind = 'bench.floor'"))

    def dups_gaps(v: list[int]) -> tuple[int, int]:
        u = sorted(set(v))
        return len(v) - len(u), sum(1 for a, b in zip(u, u[1:], strict=False) if b != a + 1)

    result = hall.verify_journal()
    jd, jg = dups_gaps(seqs)
    td, tg = dups_gaps(tickets)
    cd, cg = dups_gaps(checkin_nos)
    return {"journal_entries": len(seqs), "journal_duplicates": jd, "journal_gaps": jg + (seqs[0] != 1 if seqs else 0),
            "chain_verified": result.ok, "chain_problem": result.problem or None,
            "tickets": len(tickets), "ticket_number_duplicates": td, "ticket_number_gaps": tg,
            "tickets_called_twice": called_twice, "checkins": len(checkin_nos), "checkin_number_duplicates": cd,
            "checkin_number_gaps": cg, "bid_seq_duplicates": bid_seqs,
            "floor_rows_without_their_entry": abs(floor_rows - floor_entries)}


def mixed_load(data_dir: Path, db: str, seconds: float) -> dict[str, Any]:
    hall = _setup(data_dir, db)
    try:
        bare1 = _bare(hall, data_dir, db, seconds)
        mixed = _mixed(hall, data_dir, db, seconds)
        floor = _bare(hall, data_dir, db, seconds, FLOOR)
        bare2 = _bare(hall, data_dir, db, seconds)
        bare = (bare1["appends_per_s"] + bare2["appends_per_s"]) / 2
        return {
            "bare_before": bare1, "mixed": mixed, "floor": floor, "bare_after": bare2,
            "bare_appends_per_s": round(bare, 1),
            "mixed_acts_to_bare_appends": round(mixed["acts_per_s"] / bare, 3),
            "floor_acts_to_bare_appends": round(floor["appends_per_s"] / bare, 3),
            "mixed_acts_to_floor_acts": round(mixed["acts_per_s"] / floor["appends_per_s"], 3),
            "mixed_entries_to_bare_appends": round(mixed["entries_per_s"] / bare, 3),
            "lock_bound_mixed_to_bare": round(mixed["lock"]["units_per_s_if_only_the_lock"]
                                              / ((bare1["lock"]["units_per_s_if_only_the_lock"]
                                                  + bare2["lock"]["units_per_s_if_only_the_lock"]) / 2), 3),
            "integrity": _integrity(hall),
        }
    finally:
        hall.close()


def run(out: dict[str, Any]) -> None:
    seconds = float(os.environ.get("HALL_KIOSK_BENCH_MIXED_SECONDS", "15"))
    pg = os.environ.get("HALL_KIOSK_TEST_PG_URL")
    with tempfile.TemporaryDirectory(prefix="bench-mixed-") as d:
        if pg:
            import psycopg
            from sqlalchemy.engine import make_url

            base = make_url(pg)
            name = "hk_bench_mixed_" + uuid.uuid4().hex[:8]
            admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                out["mixed_postgres"] = mixed_load(Path(d) / "pg", base.set(database=name).render_as_string(hide_password=False),
                                                   seconds)
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            out["mixed_postgres"] = {"skipped": "HALL_KIOSK_TEST_PG_URL not set"}
        if os.environ.get("HALL_KIOSK_BENCH_MIXED_SQLITE", "1") != "0":
            out["mixed_sqlite"] = mixed_load(Path(d) / "sqlite", "", seconds)
