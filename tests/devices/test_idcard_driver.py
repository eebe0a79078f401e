"""The real ID card driver against the simulator, over socket:// and a pty, with every fault."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.idcard import frames
from devices.idcard.driver import SamIdReader
from devices.idcard.simulator import IdReaderSimulator, demo_card
from devices.idcard.status import ChecksumError, NoAnswerError, ReadTimeoutError, SamSelfTestError
from devices.urls import PortError
from kiosk.ports import CardEvent, DeviceState, IdCard, IdReader

# The driver logs device faults at WARNING (masked, no personal data): expected here, nothing else.
pytestmark = pytest.mark.allow_log_warnings(r"^ID reader ", r"^WLT photo decoder failed")

TRANSPORTS = ["socket", "pty"] if os.name == "posix" else ["socket"]
OTHER = IdCard(
    card_type="resident", name="李四", gender="女", nation="汉", birth_date="1990-02-03", address="某地",
    id_number="110105199002030028", authority="某局", valid_from="2020-01-01", valid_until="2040-01-01",
)


def listen_for(transport: str, tmp_path: Path) -> str:
    return "socket://127.0.0.1:0" if transport == "socket" else f"pty:{tmp_path / 'ttyID0'}"


@pytest.fixture(params=TRANSPORTS)
def sim(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[IdReaderSimulator]:
    with IdReaderSimulator(listen_for(request.param, tmp_path), card=demo_card(), baud=None) as s:
        yield s


def fast_reader(url: str, **kw: object) -> SamIdReader:
    opts: dict[str, object] = dict(
        poll_interval=0.03, present_interval=0.1, response_timeout=0.5, reconnect_interval=0.05, debounce_s=0.5,
    )
    opts.update(kw)
    return SamIdReader(url, **opts)  # type: ignore[arg-type]


class Running:
    """The driver's run() on a test thread, its events in a queue."""

    def __init__(self, reader: SamIdReader) -> None:
        self.reader = reader
        self.events: queue.Queue[CardEvent] = queue.Queue()
        self.seen: list[CardEvent] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=reader.run, args=(self.stop, self.events.put))

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()

    def wait(self, pred: Callable[[CardEvent], bool], timeout: float = 3.0) -> CardEvent:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"event not seen; got {self.seen}")
            try:
                ev = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            self.seen.append(ev)
            if pred(ev):
                return ev

    def drain(self, seconds: float) -> list[CardEvent]:
        end = time.monotonic() + seconds
        out = []
        while (left := end - time.monotonic()) > 0:
            try:
                out.append(self.events.get(timeout=left))
            except queue.Empty:
                break
        self.seen += out
        return out


def is_state(state: DeviceState) -> Callable[[CardEvent], bool]:
    return lambda e: e.kind == "state" and e.state == state


def test_reader_satisfies_port_protocol() -> None:
    assert isinstance(SamIdReader("loop://"), IdReader)


def test_read_once_decodes_the_card(sim: IdReaderSimulator) -> None:
    card = fast_reader(sim.url).read_once(2.0)
    assert card == demo_card()
    assert len(card.photo) == 1024 and card.valid_until == "长期"
    assert sim.commands()[:3] == [frames.CMD_FIND, frames.CMD_SELECT, frames.CMD_READ]
    assert "150102198001011236" not in repr(card)


def test_read_with_fingerprint_uses_30_10(sim: IdReaderSimulator) -> None:
    sim.fingerprint = bytes(range(256)) * 2
    card = fast_reader(sim.url, with_fingerprint=True).read_once(2.0)
    assert frames.CMD_READ_FP in sim.commands() and frames.CMD_READ not in sim.commands()
    assert card.fingerprint == sim.fingerprint


def test_no_card_times_out(sim: IdReaderSimulator) -> None:
    sim.remove_card()
    t0 = time.monotonic()
    with pytest.raises(ReadTimeoutError) as info:
        fast_reader(sim.url).read_once(0.4)
    assert info.value.code == "timeout" and "0.4" in info.value.en
    assert 0.35 < time.monotonic() - t0 < 1.5


def test_one_bad_checksum_is_retried(sim: IdReaderSimulator) -> None:
    sim.bad_checksum = 1
    assert fast_reader(sim.url).read_once(2.0).id_number == demo_card().id_number
    assert sim.bad_checksum == 0
    assert sim.commands()[:2] == [frames.CMD_FIND, frames.CMD_FIND]  # asked again


def test_persistent_bad_checksum_is_reported(sim: IdReaderSimulator) -> None:
    sim.bad_checksum = 10_000
    with Running(fast_reader(sim.url)) as run:
        ev = run.wait(lambda e: e.kind == "error")
        assert isinstance(ev.error, ChecksumError) and ev.error.code == "bad-checksum"
        sim.bad_checksum = 0
        ev = run.wait(lambda e: e.kind == "card")
        assert ev.card == demo_card()
    with pytest.raises(ChecksumError):
        sim.bad_checksum = 10_000
        fast_reader(sim.url).read_once(0.3)


def test_noise_between_frames(sim: IdReaderSimulator) -> None:
    sim.noise = True
    for _ in range(3):
        assert fast_reader(sim.url).read_once(2.0) == demo_card()


def test_frames_split_across_reads_with_pauses(sim: IdReaderSimulator) -> None:
    sim.split = (9, 0.02)
    sim.noise = True
    assert fast_reader(sim.url).read_once(2.0) == demo_card()


def test_split_slower_than_timeout_is_no_answer(sim: IdReaderSimulator) -> None:
    sim.split = (2, 0.4)
    with pytest.raises(NoAnswerError):
        fast_reader(sim.url, response_timeout=0.2).read_once(0.3)


def test_reader_that_stops_answering(sim: IdReaderSimulator) -> None:
    with pytest.raises(NoAnswerError) as info:
        sim.mute = True
        fast_reader(sim.url).read_once(0.3)
    assert info.value.code == "no-answer"
    sim.mute = False
    with Running(fast_reader(sim.url, reopen_after=2)) as run:
        run.wait(lambda e: e.kind == "card")
        sim.mute = True
        ev = run.wait(lambda e: e.kind == "error")
        assert ev.error is not None and ev.error.code == "no-answer"
        assert any(e.kind == "removed" for e in run.seen) or run.wait(lambda e: e.kind == "removed")
        run.wait(is_state(DeviceState.OFFLINE)) if not any(
            e.kind == "state" and e.state == DeviceState.OFFLINE for e in run.seen
        ) else None
        sim.mute = False
        run.wait(is_state(DeviceState.ONLINE))
        run.wait(lambda e: e.kind == "card")


def test_unplug_and_replug_reconnects(sim: IdReaderSimulator) -> None:
    with Running(fast_reader(sim.url)) as run:
        run.wait(lambda e: e.kind == "card")
        sim.unplug()
        run.wait(is_state(DeviceState.OFFLINE))
        run.wait(is_state(DeviceState.RECONNECTING))
        errors = [e for e in run.seen if e.kind == "error"]
        assert errors and errors[0].error is not None and errors[0].error.code == "offline"
        assert any(e.kind == "removed" for e in run.seen)
        time.sleep(0.2)
        t0 = time.monotonic()
        sim.replug()
        run.wait(is_state(DeviceState.ONLINE))
        recovery = time.monotonic() - t0
        run.wait(lambda e: e.kind == "card")
        assert recovery < 1.0, recovery
        states = [e.state for e in run.seen if e.kind == "state"]
        assert states[-3:] == [DeviceState.OFFLINE, DeviceState.RECONNECTING, DeviceState.ONLINE]


def test_debounce_removal_and_a_new_card(sim: IdReaderSimulator) -> None:
    with Running(fast_reader(sim.url, debounce_s=0.4)) as run:
        run.wait(is_state(DeviceState.ONLINE))
        run.wait(lambda e: e.kind == "card")
        assert not [e for e in run.drain(0.3) if e.kind == "card"]  # same card, many polls: once
        sim.remove_card()  # a flicker shorter than debounce_s: neither removed nor read again
        time.sleep(0.12)
        sim.place_card(demo_card())
        assert not [e for e in run.drain(0.5) if e.kind in ("card", "removed")]
        sim.remove_card()
        t0 = time.monotonic()
        run.wait(lambda e: e.kind == "removed")
        assert time.monotonic() - t0 >= 0.3
        sim.place_card(demo_card())  # the same card again, after a real removal: reported again
        run.wait(lambda e: e.kind == "card")
        sim.place_card(OTHER)  # swapped without a gap: old one removed, new one reported
        ev = run.wait(lambda e: e.kind == "card")
        assert ev.card is not None and ev.card.name == "李四"
        kinds = [e.kind for e in run.seen if e.kind in ("card", "removed")]
        assert kinds == ["card", "removed", "card", "removed", "card"]


def test_card_level_error_is_reported_once_and_module_error_sets_error_state(sim: IdReaderSimulator) -> None:
    sim.force_sw3[frames.CMD_READ] = 0x41
    with Running(fast_reader(sim.url)) as run:
        ev = run.wait(lambda e: e.kind == "error")
        assert ev.error is not None and ev.error.code == "read-failed"
        assert not [e for e in run.drain(0.2) if e.kind == "error"]  # once, not once per poll
        sim.force_sw3[frames.CMD_FIND] = 0x60
        ev = run.wait(lambda e: e.kind == "error")
        assert isinstance(ev.error, SamSelfTestError)
        run.wait(is_state(DeviceState.ERROR))
        sim.force_sw3.clear()
        run.wait(is_state(DeviceState.ONLINE))
        run.wait(lambda e: e.kind == "card")
    with pytest.raises(SamSelfTestError):
        sim.force_sw3[frames.CMD_FIND] = 0x60
        fast_reader(sim.url).read_once(1.0)


def test_port_that_never_existed(tmp_path: Path) -> None:
    with pytest.raises(PortError) as info:
        fast_reader(str(tmp_path / "ttyUSB9")).read_once(0.2)
    assert info.value.code == "offline" and info.value.zh


def test_baud_pacing_is_real() -> None:
    with IdReaderSimulator(card=demo_card(), baud=57600) as sim:
        reader = fast_reader(sim.url, response_timeout=1.0)
        t0 = time.monotonic()
        reader.read_once(2.0)
        paced = time.monotonic() - t0
    # 1295 + 15 + 17 bytes at 5760 byte/s ≈ 0.23 s
    assert paced >= 0.22, paced


def test_photo_decoder_plug_in(sim: IdReaderSimulator) -> None:
    seen: list[bytes] = []

    def decoder(wlt: bytes) -> bytes:
        seen.append(wlt)
        return b"BM" + wlt[:4]

    reader = fast_reader(sim.url, photo_decoder=decoder)
    card = reader.read_once(2.0)
    assert reader.decode_photo(card) == b"BM" + card.photo[:4] and seen == [card.photo]
    assert fast_reader(sim.url, photo_decoder=lambda b: 1 / 0).decode_photo(card) is None  # type: ignore[arg-type,return-value]
    assert fast_reader(sim.url).decode_photo(card) is None


def test_poll_cadence_idle_present_and_faulty() -> None:
    """Empty: a find every poll_interval, never overlapping; a card on it: backed off; faults: backed off."""
    with IdReaderSimulator(baud=None) as sim:
        reader = SamIdReader(sim.url, poll_interval=0.05, present_interval=0.4, response_timeout=0.5)
        assert SamIdReader("loop://").poll_interval == 0.05  # the default: a placed card waits ≤ 50 ms
        with Running(reader) as run:
            run.wait(is_state(DeviceState.ONLINE))
            n0, t0 = len(sim.requests), time.monotonic()
            time.sleep(1.0)
            idle_rate = (len(sim.requests) - n0) / (time.monotonic() - t0)
            assert set(sim.commands()[n0:]) == {frames.CMD_FIND}
            assert 12 <= idle_rate <= 20.5, idle_rate  # ≤ 1 / poll_interval
            sim.place_card(demo_card())
            placed = time.monotonic()
            run.wait(lambda e: e.kind == "card")
            assert time.monotonic() - placed < 0.3
            n0, t0 = len(sim.requests), time.monotonic()
            time.sleep(1.0)
            reads = sim.commands()[n0:].count(frames.CMD_READ)
            assert 2 <= reads <= 3, reads  # every present_interval, not every poll_interval
            sim.force_sw3[frames.CMD_READ] = 0x41  # a fault that stays: retried once at once, then backed off
            run.wait(lambda e: e.kind == "error")
            n0, t0 = len(sim.requests), time.monotonic()
            time.sleep(1.0)
            assert sim.commands()[n0:].count(frames.CMD_READ) <= 3
