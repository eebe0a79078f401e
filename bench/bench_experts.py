"""The expert draw over a pool of 10,000 experts with avoidance (issue 17 "show"): ms per pool count
(what the console shows before a draw), per commit + draw (two units of work, the journal entries
included) and per pure selection (``kiosk.draws.select_lines``), p50/p95/max, on SQLite.

The pool: 10,000 experts of the region in 4 specialties (a fifth in two), 5 % suspended, 2 %
employed by an organisation to avoid, 2 % declaring a conflict with one, 100 barred by an
``expert`` blacklist entry; an evaluation drawing 5+3, 3+2, 2+1 and 1+1 from them.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

N_EXPERTS = 10_000
ROUNDS = 15


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))], 2)


def _stats(xs: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(xs), 2), "p95_ms": _pct(xs, 0.95), "max_ms": round(max(xs), 2), "n": len(xs)}


def run(out: dict[str, Any]) -> None:
    from hallkiosk.demo import seed_demo
    from kiosk import draws
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.experts.service import ExpertsService
    from kiosk.feeds import apply_page, upsert_experts
    from kiosk.hall import Hall
    from kiosk.ports import IdCard
    from kiosk.staffing import StaffingService
    from kiosk.timeutil import BEIJING, rfc3339
    from sync.sandbox.seed import demo_day, id_number, staff_person, uscc

    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    ev: dict[str, Any] = dict(day["evaluations"][0], evaluation_id="EV-BENCH-1", members_total=13, owner_reps=2, draws=[
        {"specialty": "S1", "count": 5, "reserves": 3}, {"specialty": "S2", "count": 3, "reserves": 2},
        {"specialty": "S3", "count": 2, "reserves": 1}, {"specialty": "S4", "count": 1, "reserves": 1}])
    avoid = [uscc("150100", f"MA0W{i:04d}") for i in range(20)]
    ev["avoid_codes"] = avoid
    experts: list[dict[str, Any]] = []
    bans: list[dict[str, Any]] = []
    for i in range(N_EXPERTS):
        specs = [f"S{1 + i % 4}"] + ([f"S{1 + (i + 1) % 4}"] if i % 5 == 0 else [])
        number = id_number("150102", f"19{60 + i % 30:02d}0{1 + i % 9}1{i % 10}", i % 997)
        e: dict[str, Any] = {"expert_id": f"EX-B-{i:06d}", "name": f"专家{i}", "id_number": number, "mobile": f"139{i:08d}",
             "specialties": specs, "title": "高级工程师", "region": "150102", "status": "suspended" if i % 20 == 7 else "active",
             "employer": {"name": "某单位", "code": avoid[i % 20] if i % 50 == 3 else uscc("150100", f"MA1E{i % 9999:04d}")},
             "declared_conflicts": [avoid[i % 20]] if i % 50 == 11 else []}
        experts.append(e)
        if i % 100 == 13:
            bans.append({"BLACKLIST_CODE": f"BL-B-{i}", "BODY_NAME": e["name"], "BODY_TYPE": "expert", "BODY_CODE": number,
                         "CONFINED_ACTION": "expert_ban"})
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(data_dir=Path(tmp) / "hall", environ={})
        seed_demo(cfg)
        hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(9, 0), BEIJING)))
        try:
            # item by item (three statements per expert, the path of a page with a delete or a bad item), on
            # 1,000 experts of another region (they never enter the pool): the per-expert cost
            sample = [dict(e, expert_id=f"EX-I-{k:06d}", region="990000") for k, e in enumerate(experts[:1000])]
            t0 = time.perf_counter()
            with hall.unit() as s:
                apply_page(s, "experts", [{"op": "upsert", "key": e["expert_id"], "version": 5_000 + k, "data": e}
                                          for k, e in enumerate(sample)], None, None, hall.vault)
            out["feed_item_by_item_ms_per_expert"] = round((time.perf_counter() - t0) * 1000 / len(sample), 2)
            t0 = time.perf_counter()
            with hall.unit() as s:  # the puller's path for a page of valid upserts (kiosk.feeds.upsert_experts)
                upsert_experts(s, [(e["expert_id"], 10_000 + k, e) for k, e in enumerate(experts)], hall.vault)
            out["feed_bulk_10k_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            with hall.unit() as s:
                apply_page(s, "blacklist", [{"op": "upsert", "key": b["BLACKLIST_CODE"], "version": 50_000 + k, "data": b}
                                            for k, b in enumerate(bans)], None, None, hall.vault)
                # one sitting per round, in rooms and hours apart so that no round makes another's experts busy
                evs: list[dict[str, Any]] = [dict(ev, evaluation_id=f"EV-BENCH-{k:02d}", room_code=f"PB-{k:02d}",
                            starts_at=rfc3339(dt.datetime.combine(today + dt.timedelta(days=k), dt.time(14, 0), BEIJING)))
                       for k in range(ROUNDS)]
                apply_page(s, "evaluations", [{"op": "upsert", "key": e["evaluation_id"], "version": 90_000 + k, "data": e}
                                              for k, e in enumerate(evs)], None, rfc3339(hall.clock.now()), hall.vault)
            out["feed_blacklist_evaluations_s"] = round(time.perf_counter() - t0, 2)
            staff = StaffingService(hall)
            svc = ExpertsService(hall)
            pool_ms, draw_ms, pure_ms = [], [], []
            view = None
            for ev_k in evs:
                eid = str(ev_k["evaluation_id"])
                who = {}
                for role, i in (("witness", 3), ("tenderer_rep", 4), ("supervisor", 2)):
                    p = staff_person(i, role)
                    who[role] = staff.take_role(eid, role, card=IdCard(
                        card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                        valid_from="2020-01-01", valid_until="长期"))
                t = time.perf_counter()
                view = svc.pool(eid)
                pool_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                svc.commit(eid, who, {"tenderer_rep": "bench-rep-1", "supervisor": "bench-sup-1"})
                svc.draw(eid, who, beacon=None)
                draw_ms.append((time.perf_counter() - t) * 1000)
            assert view is not None
            pools = {f"S{k}": [str(x["expert_id"]) for x in experts if f"S{k}" in x["specialties"]] for k in range(1, 5)}
            lines = [draws.Line(d["specialty"], d["count"], d["reserves"]) for d in ev["draws"]]
            for k in range(ROUNDS):
                t = time.perf_counter()
                draws.select_lines(pools, lines, draws.draw_key(bytes([k]) * 32, ""))
                pure_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            checks = [svc.verify_draw(str(x["evaluation_id"])) for x in evs]
            out["verify_one_draw_ms"] = round((time.perf_counter() - t) * 1000 / len(evs), 1)
            out["verified"] = all(c.ok and c.rounds == 1 for c in checks)
        finally:
            hall.close()
    out["experts"] = N_EXPERTS
    out["eligible"] = view.pool_size
    out["excluded"] = view.excluded
    out["pool_count"] = _stats(pool_ms)
    out["commit_and_draw"] = _stats(draw_ms)
    out["select_lines_pure"] = _stats(pure_ms)
