"""The keypad line protocol, receiver driver and simulator (bursts, duplicates, faults)."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.keypads import KeypadReceiver, KeypadSimulator, checksum, encode_press, encode_reply, parse_line
from kiosk.ports import DeviceState, KeypadEvent, Keypads

TRANSPORTS = ["socket", "pty"] if os.name == "posix" else ["socket"]


def test_line_format_and_checksum() -> None:
    line = encode_press("A12", 7, "AMOUNT", "1500000.50")
    payload = "KP,A12,7,AMOUNT,1500000.50"
    x = 0
    for ch in payload:
        x ^= ord(ch)
    assert line == f"{payload}*{x:02X}\r\n".encode()
    assert checksum(payload) == f"{x:02X}"
    ev = parse_line(line.strip()).event
    assert ev == KeypadEvent("A12", "AMOUNT", "1500000.50", 7)
    assert encode_reply("ACK", "A12", 7) == f"ACK,A12,7*{checksum('ACK,A12,7')}\r\n".encode()


@pytest.mark.parametrize(
    ("line", "reason", "nak_paddle"),
    [
        (b"KP,7,1,BID*00", "bad checksum", "7"),
        (encode_press("7", 1, "JUMP").strip(), "bad key", "7"),
        (encode_press("7", 1, "BID", "100").strip(), "bad key", "7"),
        (encode_press("7", 1, "AMOUNT", "1e9").strip(), "bad amount", "7"),
        (encode_press("7", 70000, "BID").strip(), "bad fields", "7"),
        (b"\xff\xfe", "not ascii", None),
        (b"hello", "not a press", None),
    ],
)
def test_parse_rejections(line: bytes, reason: str, nak_paddle: str | None) -> None:
    p = parse_line(line)
    assert p.event is None and p.reason == reason and p.paddle == nak_paddle


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_parse_never_raises(line: bytes) -> None:
    p = parse_line(line)
    assert p.event is None or p.event.key in {"BID", "AMOUNT", "OK", "CANCEL", "F1", "F2", "F3", "F4"}


@pytest.fixture(params=TRANSPORTS)
def sim(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KeypadSimulator]:
    listen = "socket://127.0.0.1:0" if request.param == "socket" else f"pty:{tmp_path / 'ttyKP'}"
    with KeypadSimulator(listen, baud=115200) as s:
        yield s


class Receiving:
    def __init__(self, url: str) -> None:
        self.receiver = KeypadReceiver(url, reconnect_interval=0.05)
        self.events: queue.Queue[KeypadEvent] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.receiver.run, args=(self.stop, self.events.put))

    def __enter__(self) -> Receiving:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()

    def get(self, n: int, timeout: float = 3.0) -> list[KeypadEvent]:
        return [self.events.get(timeout=timeout) for _ in range(n)]


def connected(sim: KeypadSimulator, rx: Receiving) -> None:
    assert sim.port.wait_connected(3)
    deadline = time.monotonic() + 3
    while rx.receiver.state != DeviceState.ONLINE and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)


def test_protocol() -> None:
    assert isinstance(KeypadReceiver("loop://"), Keypads)


def test_burst_of_50_per_second_all_received_and_acked(sim: KeypadSimulator) -> None:
    with Receiving(sim.url) as rx:
        connected(sim, rx)
        sent = sim.burst(50, rate_hz=50, paddles=("101", "102", "103", "104", "105"))
        got = rx.get(50)
        assert [(e.paddle_no, e.seq) for e in got] == sent
        assert all(e.key == "BID" and e.received_at > 0 for e in got)
        replies = sim.wait_replies(50)
        assert replies == [encode_reply("ACK", p, s).strip() for p, s in sent]


def test_duplicates_acked_but_dropped_and_faults_nakked(sim: KeypadSimulator) -> None:
    with Receiving(sim.url) as rx:
        connected(sim, rx)
        seq = sim.press("8", "AMOUNT", "2300000")
        sim.press("8", "AMOUNT", "2300000", seq=seq)  # radio repeat
        sim.press("8", "OK", bad_checksum=True)
        sim.send_raw(b"\x00\xffgarbage\xfe\r\n")
        sim.send_raw(encode_press("9", 3, "BID")[:7])  # a line split across reads
        time.sleep(0.05)
        sim.send_raw(encode_press("9", 3, "BID")[7:])
        got = rx.get(2)
        assert [(e.paddle_no, e.key, e.amount) for e in got] == [("8", "AMOUNT", "2300000"), ("9", "BID", None)]
        assert rx.events.empty()
        replies = sim.wait_replies(5)
        assert replies[0] == replies[1] == encode_reply("ACK", "8", seq).strip()
        assert replies[2] == encode_reply("NAK", "8", seq + 1).strip()
        assert replies[3] == encode_reply("NAK").strip()
        assert replies[4] == encode_reply("ACK", "9", 3).strip()
        assert rx.receiver.duplicates == 1 and rx.receiver.rejected == 2


def test_unplug_replug(sim: KeypadSimulator) -> None:
    with Receiving(sim.url) as rx:
        connected(sim, rx)
        sim.unplug()
        deadline = time.monotonic() + 3
        while rx.receiver.state != DeviceState.RECONNECTING and time.monotonic() < deadline:
            time.sleep(0.01)
        assert rx.receiver.state == DeviceState.RECONNECTING
        assert rx.receiver.last_error is not None and rx.receiver.last_error.code == "offline"
        sim.replug()
        connected(sim, rx)
        sim.press("5")
        assert rx.get(1)[0].paddle_no == "5"
