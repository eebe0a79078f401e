"""The evaluation area's devices: SMS send → modem OK at 115200 baud, Modbus coil write → input read.

SMS (issue 17 "Show"): :meth:`GsmModem.send` against :class:`ModemSimulator` on ``socket://`` with
the simulator pacing **both directions** at 115200 baud (10 bits a byte: its answers are written
at that rate, and what the driver writes is taken only after its wire time), the "network" taking
no time (``send_delay`` 0) — so the figure is the driver and the line, not a carrier. The clock
runs from ``send()`` to its return (after ``+CMGS: <mr>`` and ``OK`` of the last part), beside
the wire time of every byte of the dialogue.

Modbus: :class:`AccessController` against pymodbus's own server over ``modbus-rtu+socket://`` (RTU
frames and CRC over an unpaced TCP socket): ``open_locker`` (function 05, write single coil) then
one ``tick`` (function 02, read discrete inputs, plus the coil-off when due), with the client set
to 9600 baud (the relay boards' default) and 115200 — pymodbus's RTU client paces its reads by the
baud even on a socket — beside the wire time those frames take on RS-485 (10 bits a character,
3.5-character gaps).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.bench_devices import ms
from devices.access.controller import AccessController
from devices.access.modbus import forget_line, parse_url
from devices.access.simulator import AccessSimulator
from devices.sms.modem import GsmModem
from devices.sms.pdu import encode_submit
from devices.sms.simulator import ModemSimulator

BAUD = 115200
INVITE = "【呼和浩特市公共资源交易中心】请于12月8日9:00到评标区报到（项目NM-2026-0815）。回复1接受，回复2拒绝。"


def _dialogue_bytes(number: str, text: str) -> int:
    """Bytes on the line for one send: per part the command, the prompt, the PDU, and the answer."""
    total = 0
    for i, part in enumerate(encode_submit(number, text), start=1):
        total += len(f"AT+CMGS={part.tpdu_length}\r") + len("\r\n> ") + len(part.hex) + 1
        total += len(f"\r\n+CMGS: {i}\r\n\r\nOK\r\n")
    return total


def sms_send(n: int = 30) -> dict[str, Any]:
    cases = {"ucs2_1_part": ("13904710000", INVITE), "gsm7_1_part": ("13904710000", "1"),
             "ucs2_3_parts": ("13904710000", INVITE * 3)}
    out: dict[str, Any] = {"link": f"socket:// paced at {BAUD} baud both ways, network time 0"}
    with ModemSimulator(baud=BAUD) as sim:
        modem = GsmModem(sim.url, send_timeout=30)
        stop = threading.Event()
        thread = threading.Thread(target=modem.run, args=(stop,), daemon=True)
        thread.start()
        try:
            if not modem.wait_online(10):
                raise RuntimeError("the modem simulator did not come online")
            for name, (number, text) in cases.items():
                times = []
                for _ in range(n):
                    t0 = time.perf_counter()
                    modem.send(number, text)
                    times.append(time.perf_counter() - t0)
                wire = _dialogue_bytes(number, text) * 10 / BAUD
                out[name] = {**ms(times), "parts": len(encode_submit(number, text)), "wire_ms": round(wire * 1000, 2)}
        finally:
            stop.set()
            thread.join(5)
    return out


def _rtu_wire_s(frame_bytes: list[int], baud: int = 9600) -> float:
    char = 10 / baud
    return sum((b + 3.5) * char for b in frame_bytes)


def modbus_round_trip(n: int = 50, baud: int = 9600) -> dict[str, Any]:
    with AccessSimulator(lockers=12) as sim:
        url = f"{sim.lockers_url}&baud={baud}"  # pymodbus's RTU client times its reads by the baud
        ctl = AccessController(lockers_url=url, pulse_s=0.0, alert_s=60, jam_s=60)
        try:
            ctl.tick()
            write, cycle = [], []
            for i in range(n):
                number = 1 + i % 12
                t0 = time.perf_counter()
                ctl.open_locker(number)
                t1 = time.perf_counter()
                events = ctl.tick()  # coil off (pulse 0) + read the 12 "closed" and 12 "occupied" inputs
                t2 = time.perf_counter()
                write.append(t1 - t0)
                cycle.append(t2 - t0)
                assert ctl.locker(number).closed is False, events
                sim.close_locker(number)
        finally:
            ctl.close()
            forget_line(parse_url(url))
    # RTU frames: write coil 8 + echo 8; coil off 8 + 8; two reads of 12 inputs: 8 + (3 + 2 + 2) each
    frames = [8, 8, 8, 8, 8, 7, 8, 7]
    return {
        "link": f"modbus-rtu+socket:// (RTU frames over unpaced TCP) to pymodbus's server, client at {baud} baud",
        "write_coil": ms(write),
        "write_coil_then_read_inputs": ms(cycle),
        "rs485_wire_ms": round(_rtu_wire_s(frames, baud) * 1000, 1),
    }


def run(out: dict[str, Any]) -> None:
    out["sms_send_to_ok_115200"] = sms_send()
    out["modbus_locker_round_trip_9600"] = modbus_round_trip(baud=9600)
    out["modbus_locker_round_trip_115200"] = modbus_round_trip(baud=115200)
