"""Devices: ID-card reader latency vs wire time, printer slip bytes, camera frame rates.

Reader (issue #3): "time from the last byte to the parsed card" is measured directly — a real
``30 01`` answer is fed to the reassembler byte by byte, and the clock runs from the last byte to
the ``IdCard`` — and end to end: ``SamIdReader.poll`` (find → select → read) against the simulator
paced at 115200 baud over a socket, beside the wire time of the bytes that cycle moves.
"""

from __future__ import annotations

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
from kiosk.ports import IdCard, Qr, Rule, Slip, Text

BAUD = 115200


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(values, 50) * 1000, 3), "p95_ms": round(pct(values, 95) * 1000, 3), "n": len(values)}


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
    # bytes moved by one cycle: three requests and three answers
    req = sum(len(frames.encode_request(c, p)) for c, p in (frames.CMD_FIND, frames.CMD_SELECT, frames.CMD_READ))
    ans = len(frames.encode_response(0x9F, bytes(4))) + len(frames.encode_response(0x90, bytes(8))) + len(
        frames.encode_response(0x90, _read_payload(card))
    )
    wire = wire_s(req + ans)
    return {
        "cycle": ms(times), "wire_ms": round(wire * 1000, 2),
        "overhead_p95_ms": round((pct(times, 95) - wire) * 1000, 2),
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
    out["printer"] = printer()
    out["camera_synthetic_1280x720"] = bench_synthetic_fps(1280, 720, 25.0, seconds=3.0)
    out["haar_1280x720"] = bench_haar(1280, 720, frames=20)
