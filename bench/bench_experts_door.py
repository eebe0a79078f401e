"""The evaluation area's door (issue 17 "Show"): an ID card at the door → the door relay switched on, p50/p95.

The demo sitting drawn and its four members accepted, on SQLite; the door relay and lockers are
:class:`AccessController` over ``modbus-rtu+socket://`` to pymodbus's own server at 115200 baud, its
loop running on a thread as in a terminal. One round = what the door does after the reader reported a
card: :meth:`SigninService.identify` (who, which sitting, the refusals), :meth:`face_check` (dlib's
ResNet comparing the live photo with the chip photo, ``assets/demo/faces``), :meth:`sign_in` (the
transaction with the journal head, the locker released, the door released) — timed to the return of
``open_door``, i.e. the relay's coil written and acknowledged. Each member then signs out (not timed),
so every round admits someone with a free locker. Reported: the whole path and each part; the same
path without the face engine (``no_face``: the part the hall's code adds to the engine's own time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROUNDS = 24


def _stats(xs: list[float]) -> dict[str, float]:
    s = sorted(xs)
    return {"p50_ms": round(statistics.median(s), 1), "p95_ms": round(s[min(len(s) - 1, round(0.95 * (len(s) - 1)))], 1),
            "max_ms": round(max(s), 1), "n": len(s)}


def run(out: dict[str, Any]) -> None:
    from devices.access.controller import AccessController
    from devices.access.modbus import forget_line, parse_url
    from devices.access.simulator import AccessSimulator
    from devices.camera.dlib_faces import DlibFaceEngine
    from hallkiosk.demo import seed_demo
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.experts.service import ExpertsService
    from kiosk.experts.signin import SigninService
    from kiosk.hall import Hall
    from kiosk.ports import IdCard
    from kiosk.staffing import StaffingService
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import FACES_DIR, demo_day, staff_person

    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    ev_id = day["evaluations"][0]["evaluation_id"]
    experts = {e["expert_id"]: e for e in day["experts"]}
    live = (FACES_DIR / "visitor-obama.jpg").read_bytes()
    chip = (FACES_DIR / "reference-obama2.jpg").read_bytes()
    engine = DlibFaceEngine()
    with tempfile.TemporaryDirectory() as tmp, AccessSimulator("modbus-rtu+socket://127.0.0.1:0", lockers=12) as sim:
        cfg = load_config(data_dir=Path(tmp) / "hall", environ={})
        seed_demo(cfg, today=today)
        hall = Hall.open(cfg, clock=FixedClock(dt.datetime.combine(today, dt.time(9, 0), BEIJING)))
        ctl = AccessController(sim.door_url, sim.lockers_url, poll_s=0.2)
        stop = threading.Event()
        loop = threading.Thread(target=ctl.run, args=(stop, lambda _ev: None), daemon=True)
        loop.start()
        try:
            staff = StaffingService(hall)
            who = {}
            for role, i in (("witness", 3), ("tenderer_rep", 4), ("supervisor", 2)):
                p = staff_person(i, role)
                who[role] = staff.take_role(ev_id, role, card=IdCard(
                    card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01", id_number=p["id_number"],
                    valid_from="2020-01-01", valid_until="长期"))
            draw = ExpertsService(hall)
            draw.commit(ev_id, who, {"tenderer_rep": "bench-rep-1", "supervisor": "bench-sup-1"})
            members = [p.expert_id for p in draw.draw(ev_id, who, beacon=None).picks if not p.reserve]
            for eid in members:
                draw.answer(ev_id, eid, "accept", who["witness"])
            hall.clock.set(dt.datetime.combine(today, dt.time(14, 0), BEIJING))  # type: ignore[attr-defined]
            cards = []
            for eid in members:
                e = experts[eid]
                cards.append(IdCard(card_type="resident", name=e["name"], gender="男", birth_date=e["id_number"][6:14],
                                    id_number=e["id_number"], valid_from="2020-01-01", valid_until="长期", photo_image=chip))
            engine.compare(live, chip)  # the models load once, as a terminal does at start
            results: dict[str, dict[str, list[float]]] = {}
            for variant, face_engine in (("dlib", engine), ("no_face", None)):
                svc = SigninService(hall, face_engine=face_engine, access=ctl, lockers=12)
                parts: dict[str, list[float]] = {"total": [], "identify": [], "face": [], "record": [], "locker": [], "door": []}
                for k in range(ROUNDS):
                    card = cards[k % len(cards)]
                    t0 = time.perf_counter()
                    svc.identify(card)
                    t1 = time.perf_counter()
                    check = svc.face_check(card, live) if face_engine is not None else None
                    t2 = time.perf_counter()
                    if check is None:  # no engine: the bench measures the rest of the path as if matched
                        from kiosk.checkin.rules import FaceCheck

                        check = FaceCheck("match", "chip", "not_done", 0.3, 0.6, "bench")
                    outcome = svc.sign_in(card, check)
                    t3 = time.perf_counter()
                    assert outcome.result == "admitted" and outcome.door_opened, outcome
                    parts["total"].append((t3 - t0) * 1000)
                    parts["identify"].append((t1 - t0) * 1000)
                    parts["face"].append((t2 - t1) * 1000)
                    parts["record"].append(outcome.seconds.get("record", 0.0) * 1000)
                    parts["locker"].append(outcome.seconds.get("locker", 0.0) * 1000)
                    parts["door"].append(outcome.seconds.get("door", 0.0) * 1000)
                    svc.sign_out(card)
                    time.sleep(0.25)  # the locker's pulse ends (the loop switches the coil off)
                results[variant] = parts
            out["card_to_door"] = {v: {k: _stats(xs) for k, xs in parts.items()} for v, parts in results.items()}
            out["rounds"] = ROUNDS
            out["modbus"] = "modbus-rtu+socket, 115200 baud, pymodbus server in-process"
            out["journal_entries"] = hall.journal_stats().get("count") if hasattr(hall, "journal_stats") else None
        finally:
            stop.set()
            loop.join(5)
            hall.close()
            forget_line(parse_url(sim.door_url))
    out["face_engine"] = dataclasses.asdict(engine.compare(live, chip)) if hasattr(engine, "compare") else None
