"""Opening: one whole opening (4 bidders) on SQLite — ms per console action (p50/p95/max), the
record PDF's build time and size, and the signing (host and supervisor by card again, the recorder's
standing-in account by PIN, + PDF + blob + journal) time. The roles are taken by the appointees' cards.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def run(out: dict[str, Any]) -> None:
    from hallkiosk.demo import seed_demo
    from kiosk.clock import FixedClock
    from kiosk.config import load_config
    from kiosk.db.models_checkin import Checkin
    from kiosk.feeds import apply_page
    from kiosk.hall import Hall
    from kiosk.opening import OpeningService, Signer
    from kiosk.ports import IdCard
    from kiosk.staffing import StaffingService
    from kiosk.timeutil import BEIJING, rfc3339
    from sync.sandbox.seed import bid_result_key, demo_day, staff_person

    def card(i: int, role: str) -> IdCard:
        p = staff_person(i, role)
        return IdCard(card_type="resident", name=p["name"], gender="男", birth_date="1980-01-01",
                      id_number=p["id_number"], valid_from="2020-01-01", valid_until="长期")

    today = dt.datetime.now(BEIJING).date()
    day = demo_day(today)
    sid = day["sessions"][1]["session_id"]
    start = dt.datetime.combine(today, dt.time(10, 0), BEIJING)
    regs = [r for r in day["registrations"] if r["session_id"] == sid]
    with tempfile.TemporaryDirectory() as tmp:
        cfg = load_config(data_dir=Path(tmp) / "hall", environ={})
        seed_demo(cfg)
        clock = FixedClock(start - dt.timedelta(minutes=5))
        hall = Hall.open(cfg, clock=clock)
        try:
            staff = StaffingService(hall)  # session 2 appoints host 7, supervisor 8 and no recorder
            host = staff.take_role(sid, "host", card=card(7, "host"))
            staff.take_role(sid, "supervisor", card=card(8, "supervisor"))
            staff.take_role(sid, "recorder", username="clerk", pin="333333", reason="平台未指定记录人")
            for no, r in enumerate(regs, 1):  # as check-in records it: the entry and its row
                rep = r["representatives"][0]
                with hall.unit() as s:
                    entry = hall.journal.append(s, "checkin.recorded", {
                        "session_id": sid, "registration_id": r["registration_id"], "person_name": rep["name"][0] + "*",
                        "person_id_hmac": hall.person_hmac(rep["id_number"]), "method": "idcard", "result": "accepted",
                        "checked_in_at": rfc3339(hall.clock.now())})
                    s.add(Checkin(
                        session_id=sid, registration_id=r["registration_id"], checkin_no=no, token=f"bench-{no}",
                        person_name=rep["name"][0] + "*", person_hmac=hall.vault.lookup_hmac(rep["id_number"]),
                        person_id_hmac=hall.person_hmac(rep["id_number"]), bidder_name=r["bidder"]["name"],
                        bidder_key=r["bidder"].get("code") or r["registration_id"], method="idcard", face_status="captured",
                        face_match="", needs_confirmation=False, overrides="", terminal_id=cfg.site.terminal_id,
                        journal_seq=entry.seq, reprints=0, checked_in_at=hall.clock.now()))
            svc = OpeningService(hall)
            times: list[float] = []

            def timed(fn, *a):
                t0 = time.perf_counter()
                r = fn(*a)
                times.append((time.perf_counter() - t0) * 1000)
                return r

            timed(svc.announce, sid, host)
            clock.set(start)
            for fn in (svc.publish_bidders, svc.open_attendance, svc.confirm_attendance, svc.publish_control_price):
                timed(fn, sid, host)
            timed(svc.start_decryption, sid, host, lambda _s: None)
            items = [{"op": "upsert", "key": bid_result_key(r), "version": 900 + i, "data": r}
                     for i, r in enumerate(day["bid_plans"][sid])]
            with hall.unit() as s:
                apply_page(s, "bid_results", items, None, rfc3339(hall.clock.now()), hall.vault, caught_up=True, now=hall.clock.now())
            timed(svc.refresh_decryption, sid)
            timed(svc.finish_decryption, sid, host)
            for _ in regs:
                timed(svc.read_next, sid, host)
            for fn in (svc.finish_reading, svc.close_objections):
                timed(fn, sid, host)
            for r in regs:
                timed(svc.confirm_by_card, sid, hall.person_hmac(r["representatives"][0]["id_number"]))
            timed(svc.finish_confirmation, sid, host)
            t0 = time.perf_counter()
            pdf, _sha = svc.record_pdf(sid)
            pdf_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            res = svc.sign_and_close(sid, [Signer("host", card(7, "host")), Signer("recorder", username="clerk", pin="333333"),
                                           Signer("supervisor", card(8, "supervisor"))])
            sign_ms = (time.perf_counter() - t0) * 1000
        finally:
            hall.close()
    times.sort()
    out["opening_actions"] = len(times)
    out["opening_action_ms_p50"] = round(statistics.median(times), 1)
    out["opening_action_ms_p95"] = round(times[int(0.95 * (len(times) - 1))], 1)
    out["opening_action_ms_max"] = round(times[-1], 1)
    out["opening_record_pdf_ms"] = round(pdf_ms, 1)
    out["opening_record_pdf_bytes"] = len(pdf)
    out["opening_sign_and_close_ms"] = round(sign_ms, 1)
    out["opening_signed_pdf_bytes"] = res.size
