"""The announcement queue: serial per zone, FIFO, repeats, gap, dedup, routing, failures, stop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from devices.speech.engines import FakeEngine
from devices.speech.numbers import speakable
from devices.speech.queue import AnnouncementQueue, ZonedSpeech
from kiosk.ports import Speech


@contextmanager
def running(*queues: AnnouncementQueue) -> Iterator[threading.Event]:
    """Run each queue's worker on its own thread, as the composition root does; join on exit."""
    stop = threading.Event()
    threads = [threading.Thread(target=q.run, args=(stop,)) for q in queues]
    for t in threads:
        t.start()
    try:
        yield stop
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        assert not any(t.is_alive() for t in threads)


class Clock:
    """A hand-set monotonic clock for the dedup window."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_announcements_never_overlap_and_play_in_order() -> None:
    engine = FakeEngine(per_char_s=0.002, base_s=0.01)
    q = AnnouncementQueue(engine, gap_s=0.01)
    texts = [f"请A{i:03d}号到{i % 5 + 1}号窗口办理" for i in range(1, 9)]
    with running(q):
        producers = []
        for chunk in (texts[:4], texts[4:]):  # two terminals announcing at once

            def produce(items: list[str] = chunk) -> None:
                for t in items:
                    q.announce(t)

            producers.append(threading.Thread(target=produce))
        producers[0].start()
        producers[0].join()
        producers[1].start()
        producers[1].join()
        assert q.wait_idle(10)
    said = engine.utterances
    # FIFO: the order they were queued in, spoken in Chinese
    assert [u.text for u in said] == [speakable(t) for t in texts]
    for a, b in zip(said, said[1:], strict=False):
        assert b.start >= a.end, "announcements overlapped"
        assert b.start - a.end >= 0.009  # the gap was kept
    assert q.played == 8 and q.pending == 0


def test_concurrent_producers_still_never_overlap() -> None:
    engine = FakeEngine(per_char_s=0.0, base_s=0.005)
    q = AnnouncementQueue(engine, gap_s=0.0, max_pending=100)
    with running(q):
        barrier = threading.Barrier(4)

        def produce(k: int) -> None:
            barrier.wait()
            for i in range(10):
                q.submit(f"T{k}-{i}")

        ps = [threading.Thread(target=produce, args=(k,)) for k in range(4)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        assert q.wait_idle(10)
    said = engine.utterances
    assert len(said) == 40
    for a, b in zip(said, said[1:], strict=False):
        assert b.start >= a.end
    for k in range(4):  # each producer's own announcements stay in its order
        prefix = speakable(f"T{k}-")
        mine = [u.text for u in said if u.text.startswith(prefix)]
        assert mine == [speakable(f"T{k}-{i}") for i in range(10)]


def test_repeat_count_is_played_and_clamped() -> None:
    engine = FakeEngine(base_s=0.001, per_char_s=0.0)
    q = AnnouncementQueue(engine, gap_s=0.0, max_repeat=3)
    with running(q):
        q.announce("请A001号到1号窗口办理", repeat=2)
        q.announce("请A002号到2号窗口办理", repeat=9)
        q.announce("请A003号到3号窗口办理", repeat=0)
        assert q.wait_idle(10)
    assert engine.texts == ["请A零零一号到一号窗口办理"] * 2 + ["请A零零二号到二号窗口办理"] * 3 + [
        "请A零零三号到三号窗口办理"
    ]


def test_duplicate_within_window_is_dropped_later_recall_is_played() -> None:
    clock = Clock()
    engine = FakeEngine(base_s=0.001, per_char_s=0.0)
    q = AnnouncementQueue(engine, gap_s=0.0, dedup_window_s=5.0, clock=clock)
    assert q.submit("请A012号到3号窗口办理") is True
    clock.now += 1.0
    assert q.submit("请A012号到3号窗口办理") is False  # double press
    assert q.submit("  请A012号到3号窗口办理 ") is False  # same text, stray blanks
    assert q.submit("请A013号到3号窗口办理") is True  # another ticket is not a duplicate
    clock.now += 5.0
    assert q.submit("请A012号到3号窗口办理") is True  # a recall after the window
    assert q.submit("") is False
    assert q.pending == 3
    with running(q):
        assert q.wait_idle(10)
    assert engine.texts == [
        "请A零一二号到三号窗口办理",
        "请A零一三号到三号窗口办理",
        "请A零一二号到三号窗口办理",
    ]


def test_zones_are_independent_queues_behind_the_speech_port() -> None:
    hall, room = FakeEngine(base_s=0.05, per_char_s=0.0), FakeEngine(base_s=0.05, per_char_s=0.0)
    qh, qr = AnnouncementQueue(hall, zone="hall", gap_s=0.0), AnnouncementQueue(room, zone="room1", gap_s=0.0)
    speech = ZonedSpeech({"hall": qh, "room1": qr})
    assert isinstance(speech, Speech) and isinstance(qh, Speech)
    with running(qh, qr):
        speech.announce("请A001号到1号窗口办理", zone="hall")
        speech.announce("开标会议现在开始", zone="room1")
        speech.announce("请A002号到2号窗口办理")  # default zone "hall"
        assert qh.wait_idle(10) and qr.wait_idle(10)
    assert hall.texts == ["请A零零一号到一号窗口办理", "请A零零二号到二号窗口办理"]
    assert room.texts == ["开标会议现在开始"]
    # two zones may speak at the same time (different loudspeakers) …
    assert room.utterances[0].start < hall.utterances[0].end
    with pytest.raises(KeyError):
        speech.announce("x", zone="nowhere")
    with pytest.raises(ValueError):
        qh.announce("x", zone="room1")
    with pytest.raises(ValueError):
        ZonedSpeech({"hall": qr})


@pytest.mark.allow_log_warnings(r"engine fake failed")
def test_engine_failure_is_logged_without_the_text_and_the_queue_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = FakeEngine(base_s=0.001, per_char_s=0.0, fail_on=frozenset({"请张三到三号窗口"}))
    q = AnnouncementQueue(engine, gap_s=0.0)
    with caplog.at_level(logging.WARNING, logger="devices.speech"):
        with running(q):
            q.announce("请张三到3号窗口")
            q.announce("请A005号到5号窗口办理")
            assert q.wait_idle(10)
    assert engine.texts == ["请A零零五号到五号窗口办理"]
    assert q.failed == 1 and q.played == 2
    assert caplog.records and all("张" not in r.getMessage() for r in caplog.records)


def test_stop_finishes_the_current_announcement_and_drops_the_rest() -> None:
    engine = FakeEngine(base_s=0.2, per_char_s=0.0)
    q = AnnouncementQueue(engine, gap_s=0.0)
    stop = threading.Event()
    t = threading.Thread(target=q.run, args=(stop,))
    t.start()
    q.submit("one", repeat=3)
    q.submit("two")
    while q.pending != 1:  # "one" taken off the queue: it is playing
        threading.Event().wait(0.005)
    threading.Event().wait(0.05)
    stop.set()
    t.join(timeout=5)
    assert not t.is_alive()
    assert engine.texts == ["one"]  # finished, not cut; no further repeat, "two" never started
    assert engine.utterances[0].duration >= 0.2
    assert q.pending == 0


@pytest.mark.allow_log_warnings(r"queue full, oldest announcement dropped")
def test_full_queue_drops_the_oldest() -> None:
    engine = FakeEngine(base_s=0.001, per_char_s=0.0)
    q = AnnouncementQueue(engine, gap_s=0.0, max_pending=3)
    for i in range(5):
        q.submit(f"n{i}")
    assert q.pending == 3
    with running(q):
        assert q.wait_idle(10)
    assert engine.texts == ["N二", "N三", "N四"]


def test_chime_plays_before_each_announcement() -> None:
    voice, chime = FakeEngine(base_s=0.001, per_char_s=0.0), FakeEngine(base_s=0.001, per_char_s=0.0)
    q = AnnouncementQueue(voice, chime=chime, gap_s=0.0)
    with running(q):
        q.submit("a", repeat=2)
        q.submit("b")
        assert q.wait_idle(10)
    assert len(chime.utterances) == 2 and voice.texts == ["a", "a", "b"]
    assert chime.utterances[0].end <= voice.utterances[0].start
    assert voice.utterances[1].end <= chime.utterances[1].start <= voice.utterances[2].start
