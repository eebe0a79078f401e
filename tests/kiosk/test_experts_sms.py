"""Calling drawn experts through the real GSM modem driver (devices/sms, AT commands in PDU mode) and its
simulator, which answers per number: a reply 2 is a decline replaced from the reserves, 1 an acceptance."""

from __future__ import annotations

import threading
import time

from devices.sms.modem import GsmModem
from devices.sms.simulator import ModemSimulator, phone_key
from hallkiosk.wiring_experts import AnswerLoop
from kiosk.experts.service import ExpertsService
from kiosk.hall import Hall
from tests.kiosk.test_experts import EV, EXPERTS, full_draw, hall  # noqa: F401 - the fixture


def test_invitations_go_out_by_sms_and_replies_1_and_2_are_recorded(hall: Hall) -> None:  # noqa: F811
    with ModemSimulator(baud=None) as sim:
        modem = GsmModem(sim.url, send_timeout=5)
        stop = threading.Event()
        line = threading.Thread(target=modem.run, args=(stop,), daemon=True)
        line.start()
        try:
            assert modem.wait_online(5)
            svc = ExpertsService(hall, sms=modem)
            full_draw(hall, svc)
            members = [p for p in svc.picks(EV) if not p.reserve]
            mobile = {p.expert_id: EXPERTS[p.expert_id]["mobile"] for p in members}
            sim.script = {phone_key(mobile[members[0].expert_id]): {"reply": "2", "after_s": 0.05},
                          phone_key(mobile[members[1].expert_id]): {"reply": "1", "after_s": 0.05}}
            t0 = time.perf_counter()
            assert svc.call(EV) == 4
            sent_s = time.perf_counter() - t0
            assert sorted(phone_key(s.number) for s in sim.sent) == sorted(phone_key(m) for m in mobile.values())
            assert all("回复1接受" in s.text for s in sim.sent)
            loop = AnswerLoop(svc, poll_s=0.05)
            deadline = time.monotonic() + 5
            got = 0
            while got < 2 and time.monotonic() < deadline:
                got += loop.once()
                time.sleep(0.02)
            status = {p.expert_id: p.status for p in svc.picks(EV)}
            assert status[members[0].expert_id] == "replaced" and status[members[1].expert_id] == "accepted"
            assert sent_s < 5
        finally:
            stop.set()
            line.join(5)
