"""Speech engines: real espeak-ng rendering, the numpy chime, sinks, engine choice and fallback.

The real-espeak tests (fixture ``espeak``) run where espeak-ng is on PATH. Without it they skip,
saying so — unless ``HALL_KIOSK_REQUIRE_ESPEAK=1`` (CI sets it where it installs espeak-ng), and then
they fail. The fallback to the chime is tested everywhere.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from devices.speech import engines
from devices.speech.engines import (
    ESPEAK_MISSING,
    ChimeEngine,
    EspeakEngine,
    FakeEngine,
    FileSink,
    NullSink,
    SpeechError,
    chime_wav,
    fix_wav_header,
    make_engine,
    pcm_to_wav,
    wav_duration,
)
from devices.speech.numbers import call_speech
from devices.speech.queue import AnnouncementQueue

CALL = call_speech("A012", 3)  # 请A零一二号到三号窗口办理


@pytest.fixture
def espeak() -> str:
    """espeak-ng's path; skip without it (fail under ``HALL_KIOSK_REQUIRE_ESPEAK=1``)."""
    exe = engines.espeak_executable()
    if exe is None:
        if os.environ.get("HALL_KIOSK_REQUIRE_ESPEAK") == "1":
            pytest.fail("espeak-ng is not on PATH, and HALL_KIOSK_REQUIRE_ESPEAK=1 requires it (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is not on PATH (apt-get install espeak-ng; HALL_KIOSK_REQUIRE_ESPEAK=1 makes this a failure)")
    return exe


def samples(wav: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), "<i2"), w.getframerate()


def test_espeak_renders_a_call_sentence_of_plausible_length(espeak: str) -> None:
    engine = EspeakEngine("cmn", sink=NullSink())
    wav = engine.render(CALL)
    seconds = wav_duration(wav)
    assert 0.5 < seconds < 10.0
    pcm, rate = samples(wav)
    assert len(pcm) == pytest.approx(seconds * rate, abs=1)  # header sizes are the real ones
    assert np.abs(pcm).max() > 3000  # not silence
    assert engine.render(CALL) is wav  # cached: a recall does not render again


def test_espeak_plays_through_a_file_sink(espeak: str, tmp_path: Path) -> None:
    sink = FileSink(tmp_path)
    engine = EspeakEngine(sink=sink)
    short = engine.speak("请三号窗口")
    long = engine.speak(CALL)
    assert [p.name for p in sink.files] == ["announcement-0001.wav", "announcement-0002.wav"]
    with wave.open(str(sink.files[1])) as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(long)
    assert 0 < short < long


def test_espeak_reads_text_from_stdin_not_as_options(espeak: str) -> None:
    engine = EspeakEngine(sink=NullSink())
    wav = engine.render("--version")  # would print the version if it were an argument
    assert wav_duration(wav) > 0.3


def test_missing_espeak_is_a_speech_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpeechError):
        EspeakEngine(sink=NullSink())
    engine = EspeakEngine(executable=str(tmp_path / "no-espeak"), sink=NullSink())
    with pytest.raises(SpeechError):
        engine.render("x")


def test_streamed_wav_header_is_repaired() -> None:
    good = pcm_to_wav(np.zeros(22050), 22050)
    streamed = bytearray(good)
    streamed[4:8] = (0x7FFFF024).to_bytes(4, "little")  # what espeak-ng --stdout leaves in a pipe
    streamed[40:44] = (0x7FFFF000).to_bytes(4, "little")
    assert wav_duration(bytes(streamed)) == pytest.approx(1.0)
    assert fix_wav_header(bytes(streamed)) == good
    with pytest.raises(SpeechError):
        fix_wav_header(b"not a wav at all")


def test_chime_is_two_tones() -> None:
    wav = chime_wav(rate=22050)
    pcm, rate = samples(wav)
    assert 0.8 < len(pcm) / rate < 1.2
    half = int(0.45 * rate)
    for part, tone in ((pcm[:half], 784.0), (pcm[half : 2 * half], 622.3)):
        spectrum = np.abs(np.fft.rfft(part.astype(float)))
        peak = np.fft.rfftfreq(len(part), 1 / rate)[int(np.argmax(spectrum))]
        assert abs(peak - tone) < 5


def test_chime_engine_plays_the_chime_whatever_the_text(tmp_path: Path) -> None:
    sink = FileSink(tmp_path, prefix="chime")
    engine = ChimeEngine(sink)
    assert engine.speak(CALL) == pytest.approx(engine.duration)
    engine.speak("another")
    assert sink.files[0].read_bytes() == sink.files[1].read_bytes() == engine.wav


@pytest.mark.timing
def test_realtime_null_sink_takes_the_sound_length() -> None:
    t0 = time.monotonic()
    NullSink(realtime=True).play(pcm_to_wav(np.zeros(2205), 22050))  # 0.1 s
    assert 0.09 < time.monotonic() - t0 < 0.5


def test_fake_engine_duration_grows_with_text() -> None:
    engine = FakeEngine(per_char_s=0.001, base_s=0.005)
    d1, d2 = engine.speak("短"), engine.speak("长" * 30)
    assert d2 > d1 + 0.02
    assert engine.texts == ["短", "长" * 30]
    assert engine.duration_of("长" * 30) == pytest.approx(0.035)


def test_engine_choice_from_config_espeak(espeak: str) -> None:
    engine = make_engine("espeak", sink=NullSink())
    assert isinstance(engine, EspeakEngine) and engine.executable == espeak


def test_engine_choice_from_config() -> None:
    sink = NullSink()
    assert isinstance(make_engine(" Chime ", sink=sink), ChimeEngine)
    assert isinstance(make_engine("fake"), FakeEngine)
    with pytest.raises(ValueError):
        make_engine("gtts")


@pytest.mark.allow_log_warnings(r"falling back to chime")
def test_espeak_missing_falls_back_to_chime_with_one_warning_that_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without espeak-ng
    monkeypatch.setattr(engines, "_said", set())  # as in a new process
    with caplog.at_level(logging.WARNING, logger="devices.speech"):
        engine = make_engine("espeak", sink=NullSink())
        again = make_engine("espeak", sink=NullSink())  # a second board in the same process
    assert isinstance(engine, ChimeEngine) and isinstance(again, ChimeEngine)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert said == [ESPEAK_MISSING]  # once, not once per engine
    assert "apt-get install espeak-ng" in said[0] and "falling back to chime" in said[0]
    assert engines.speech_notes("espeak")[0] == ESPEAK_MISSING  # what the demo's report shows
    assert ESPEAK_MISSING not in engines.speech_notes("chime")


def test_queue_over_real_espeak_plays_serially(espeak: str, tmp_path: Path) -> None:
    sink = FileSink(tmp_path)
    q = AnnouncementQueue(EspeakEngine(sink=sink), gap_s=0.0)
    stop = threading.Event()
    t = threading.Thread(target=q.run, args=(stop,))
    t.start()
    try:
        q.announce("请A012号到3号窗口办理", repeat=2)
        q.announce("请A013号到12号窗口办理")
        assert q.wait_idle(30)
    finally:
        stop.set()
        t.join(timeout=10)
    assert len(sink.files) == 3
    assert sink.files[0].read_bytes() == sink.files[1].read_bytes() != sink.files[2].read_bytes()
