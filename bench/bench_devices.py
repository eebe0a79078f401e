"""Devices: ID-card reader latency vs wire time, printer slip bytes, camera frame rates.

Reader (issue #3): "time from the last byte to the parsed card" is measured directly — a real
``30 01`` answer is fed to the reassembler byte by byte, and the clock runs from the last byte to
the ``IdCard`` — and end to end: ``SamIdReader.poll`` (find → select → read) against the simulator
paced at 115200 baud over a socket, beside the wire time of the bytes that cycle moves.

Card placed → ``CardEvent("card")`` (issue 14): the driver's ``run`` loop against the same paced
simulator; the card is put down at a random moment of the poll cycle and the clock runs until the
event. Measured for the old cadence (a find every 0.5 s) and the driver's defaults in the same
run, with the commands a second the reader receives while empty and while a card lies on it.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from typing import Any

from devices.camera.bench import bench_haar, bench_synthetic_fps
from devices.idcard import frames
from devices.idcard.driver import SamIdReader, parse_read_answer
from devices.idcard.simulator import IdReaderSimulator, demo_card
from devices.idcard.text import encode_text
from devices.printer.driver import EscPosPrinter
from devices.printer.escpos import encode_slip
from devices.printer.simulator import PrinterSimulator
from kiosk.ports import CardEvent, IdCard, Qr, Rule, Slip, Text

BAUD = 115200


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(values, 50) * 1000, 3), "p95_ms": round(pct(values, 95) * 1000, 3), "n": len(values)}


def ms_max(values: list[float]) -> dict[str, float]:
    return {**ms(values), "max_ms": round(max(values) * 1000, 3)}


def wire_s(nbytes: int) -> float:
    return nbytes * 10 / BAUD  # 8N1: 10 bits a byte


def reader_parse(n: int = 2000) -> dict[str, Any]:
    card = demo_card()
    answer = frames.encode_response(0x90, _read_payload(card))
    times = []
    for _ in range(n):
        r = frames.FrameReassembler()
        r.feed(answer[:-1])
        t0 = time.perf_counter()
        got = r.feed(answer[-1:])
        resp = frames.decode_response(got[0])  # type: ignore[arg-type]  # a good frame, not a FrameError
        parsed = parse_read_answer(resp.data)
        times.append(time.perf_counter() - t0)
        assert parsed.id_number == card.id_number
    return {"answer_bytes": len(answer), "answer_wire_ms": round(wire_s(len(answer)) * 1000, 2), "last_byte_to_card": ms(times)}


def _read_payload(card: IdCard) -> bytes:
    """The data part of a ``30 01`` answer (docs/devices.md §1.4): lengths, text, photo."""
    text = encode_text(card)
    photo = card.photo or bytes(1024)
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo


def reader_cycle(n: int = 30) -> dict[str, Any]:
    card = demo_card()
    with IdReaderSimulator(baud=BAUD, card=card) as sim:
        reader = SamIdReader(sim.url)
        port = reader._open()
        try:
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                got = reader.poll(port)
                times.append(time.perf_counter() - t0)
                assert got is not None and got.id_number == card.id_number
        finally:
            port.close()
    wire = read_cycle_wire_s(card)
    return {
        "cycle": ms(times), "wire_ms": round(wire * 1000, 2),
        "overhead_p95_ms": round((pct(times, 95) - wire) * 1000, 2),
    }


def read_cycle_wire_s(card: IdCard) -> float:
    """Wire time of find → select → read: three requests and their answers."""
    req = sum(len(frames.encode_request(c, p)) for c, p in (frames.CMD_FIND, frames.CMD_SELECT, frames.CMD_READ))
    ans = len(frames.encode_response(0x9F, bytes(4))) + len(frames.encode_response(0x90, bytes(8))) + len(
        frames.encode_response(0x90, _read_payload(card))
    )
    return wire_s(req + ans)


def reader_card_to_event(n: int = 30, seed: int = 14, *, poll_interval: float | None = None,
                         present_interval: float | None = None) -> dict[str, Any]:
    """Card placed on the paced simulator → the driver's ``CardEvent("card")``; commands/s empty and held."""
    card = demo_card()
    rng = random.Random(seed)
    events: queue.Queue[CardEvent] = queue.Queue()
    delays: list[float] = []

    def wait_for(kind: str, timeout: float = 5.0) -> CardEvent:
        deadline = time.perf_counter() + timeout
        while True:
            ev = events.get(timeout=max(0.001, deadline - time.perf_counter()))
            if ev.kind == kind:
                return ev

    with IdReaderSimulator(baud=BAUD) as sim:
        # a short removal debounce only to keep the bench brief; it plays no part in the read
        reader = SamIdReader(sim.url, debounce_s=0.05)
        if poll_interval is not None:  # None: the driver's defaults
            reader.poll_interval = poll_interval
        if present_interval is not None:
            reader.present_interval = present_interval
        stop = threading.Event()
        thread = threading.Thread(target=reader.run, args=(stop, events.put), name="bench-id-reader")
        thread.start()
        try:
            time.sleep(0.5)
            n0, t0 = len(sim.requests), time.perf_counter()
            time.sleep(2.0)
            idle_rate = (len(sim.requests) - n0) / (time.perf_counter() - t0)
            for _ in range(n):
                time.sleep(rng.uniform(0.0, 0.6))  # any moment of the poll cycle
                t0 = time.perf_counter()
                sim.place_card(card)
                ev = wait_for("card")
                delays.append(time.perf_counter() - t0)
                assert ev.card is not None and ev.card.id_number == card.id_number
                sim.remove_card()
                wait_for("removed")
            sim.place_card(card)
            wait_for("card")
            n0, t0 = len(sim.requests), time.perf_counter()
            time.sleep(2.0)
            held_rate = (len(sim.requests) - n0) / (time.perf_counter() - t0)
        finally:
            stop.set()
            thread.join(timeout=5)
    wire = read_cycle_wire_s(card)
    return {
        "poll_interval_s": reader.poll_interval, "present_interval_s": reader.present_interval,
        "card_to_event": ms_max(delays), "read_wire_ms": round(wire * 1000, 1),
        "p95_over_wire_ms": round((pct(delays, 95) - wire) * 1000, 1),
        "commands_per_s_empty": round(idle_rate, 1), "commands_per_s_card_held": round(held_rate, 1),
    }


def slip() -> Slip:
    return Slip(items=(
        Text("呼和浩特市公共资源交易中心", bold=True, align="center"), Rule(),
        Text("A012", size=4, bold=True, align="center"), Text("保证金缴纳", size=2, align="center"),
        Text("您前面还有 3 人，预计等候 12 分钟", align="center"), Text("取号时间：2026-11-28 09:41:05", align="center"),
        Qr("https://hall.example.cn/t/8f3a2c", module=6), Text("请留意叫号，过号请到窗口重新激活。"),
    ))


def printer(n: int = 40) -> dict[str, Any]:
    enc = []
    for i in range(n):
        s = Slip(items=(*slip().items[:-2], Qr(f"https://hall.example.cn/t/{i:06d}"), slip().items[-1]))
        t0 = time.perf_counter()
        data = encode_slip(s, 80)
        enc.append(time.perf_counter() - t0)
    written = []
    with PrinterSimulator(baud=BAUD) as sim:
        p = EscPosPrinter(sim.url, 80)
        try:
            for i in range(n // 2):
                s = Slip(items=(*slip().items[:-2], Qr(f"https://hall.example.cn/w/{i:06d}"), slip().items[-1]))
                t0 = time.perf_counter()
                out = p.print_slip(s)
                written.append(time.perf_counter() - t0)
        finally:
            p.close()
    return {
        "slip_bytes": len(data), "encode": ms(enc), "encode_status_write_115200": ms(written),
        "wire_ms_115200": round(wire_s(len(out)) * 1000, 1), "wire_ms_9600": round(len(out) * 10 / 9600 * 1000, 1),
    }


def run(out: dict[str, Any]) -> None:
    out["reader_parse"] = reader_parse()
    out["reader_cycle_115200"] = reader_cycle()
    out["reader_card_to_event_115200"] = {
        "before_find_every_0.5s": reader_card_to_event(poll_interval=0.5, present_interval=0.5),
        "after_driver_defaults": reader_card_to_event(),
    }
    out["printer"] = printer()
    out["camera_synthetic_1280x720"] = bench_synthetic_fps(1280, 720, 25.0, seconds=3.0)
    out["haar_1280x720"] = bench_haar(1280, 720, frames=20)
