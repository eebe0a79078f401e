"""Offline speech engines and audio sinks for the announcement queue.

An engine's :meth:`~SpeechEngine.speak` blocks until the utterance has been played and returns its
duration, so the queue can guarantee that announcements never overlap. Engines:

- :class:`EspeakEngine` — espeak-ng through a subprocess (voice ``cmn``, Mandarin), rendered to WAV
  with ``--stdout`` and played through an :class:`AudioSink`; rendered audio is cached.
- :class:`ChimeEngine` — the fallback without a voice: a two-tone "ding-dong" generated with numpy.
- :class:`FakeEngine` — for tests: records each utterance with start and end times, and takes a
  time proportional to the text's length.

Sinks: :class:`CommandSink` (``aplay``/``paplay``/``pw-play``), :class:`FileSink` (numbered WAV
files, for tests and for checking a hall's announcements), :class:`NullSink`.

:func:`make_engine` picks an engine from its configuration name (``"espeak"``, ``"chime"``,
``"fake"``); without espeak-ng it falls back to the chime and logs a warning that says what to install
— once per process (:data:`ESPEAK_MISSING`; :func:`speech_notes` gives the same lines to a report).
Announcement texts may name people, so nothing here logs them.
"""

from __future__ import annotations

import io
import logging
import shutil
import struct
import subprocess
import threading
import time
import wave
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

#: said (once per process) when ``espeak`` is configured and espeak-ng is not installed
ESPEAK_MISSING = (
    "语音播报需要 espeak-ng：apt-get install espeak-ng / Mandarin speech needs espeak-ng: "
    "apt-get install espeak-ng (falling back to chime until then)"
)
#: said (once per process) when no audio player is installed
NO_PLAYER = (
    "没有音频播放器，播报无声：apt-get install alsa-utils / no audio player found (aplay, paplay, pw-play): "
    "announcements will be silent until one is installed (apt-get install alsa-utils)"
)
_said: set[str] = set()
_said_lock = threading.Lock()


def claim_notice(message: str) -> bool:
    """True the first time ``message`` is claimed in this process (the caller then says it), False after.

    The demo claims :func:`speech_notes` up front to print them plainly; engines made later then
    log them at debug level only.
    """
    with _said_lock:
        first = message not in _said
        _said.add(message)
    return first


def _warn_once(message: str) -> None:
    """Log ``message`` as a warning the first time in this process, later only at debug level."""
    log.log(logging.WARNING if claim_notice(message) else logging.DEBUG, "%s", message)


def espeak_executable() -> str | None:
    """The espeak-ng binary on PATH (``espeak-ng``, then ``espeak``), or None."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def speech_notes(engine_name: str = "espeak") -> list[str]:
    """What this machine lacks for announcements with ``engine_name``: one line each, saying what to install."""
    notes = []
    if engine_name.strip().lower() == "espeak" and espeak_executable() is None:
        notes.append(ESPEAK_MISSING)
    if engine_name.strip().lower() != "fake" and not any(shutil.which(cmd[0]) for cmd in PLAYERS):
        notes.append(NO_PLAYER)
    return notes


class SpeechError(Exception):
    """An engine could not render or play an utterance."""


# --- WAV helpers ---------------------------------------------------------------------------------


def fix_wav_header(data: bytes) -> bytes:
    """Rewrite the RIFF and data sizes of a streamed WAV to the real sizes.

    ``espeak-ng --stdout`` writes to a pipe and cannot seek back, so it leaves placeholder sizes
    (``0x7FFFF000``) that make players and the :mod:`wave` module believe the sound is hours long.

    Raises:
        SpeechError: ``data`` is not a PCM WAV.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("not a WAV stream")
    pos = 12
    out = bytearray(data[:12])
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body_start = pos + 8
        if chunk_id == b"data":
            body = (
                data[body_start : body_start + size] if body_start + size <= len(data) else data[body_start:]
            )
            if len(body) % 2:
                body = body[:-1]
            out += b"data" + struct.pack("<I", len(body)) + body
            struct.pack_into("<I", out, 4, len(out) - 8)
            return bytes(out)
        out += data[pos : body_start + size + (size & 1)]
        pos = body_start + size + (size & 1)
    raise SpeechError("WAV stream has no data chunk")


def wav_duration(data: bytes) -> float:
    """Duration of a PCM WAV in seconds (headers fixed first, so streamed WAVs measure right)."""
    with wave.open(io.BytesIO(fix_wav_header(data))) as w:
        return w.getnframes() / float(w.getframerate())


def pcm_to_wav(samples: np.ndarray, rate: int) -> bytes:
    """Encode mono float samples in [-1, 1] as 16-bit PCM WAV bytes."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


# --- sinks -------------------------------------------------------------------------------------------


@runtime_checkable
class AudioSink(Protocol):
    """Plays a WAV and returns when it has been played."""

    def play(self, wav: bytes) -> None: ...


class NullSink:
    """Discards audio. With ``realtime`` it takes as long as the sound would, like a loudspeaker.

    Args:
        realtime: sleep for the sound's duration.
    """

    def __init__(self, realtime: bool = False) -> None:
        self.realtime = realtime
        self.played = 0

    def play(self, wav: bytes) -> None:
        """Count the sound; wait its duration when realtime."""
        self.played += 1
        if self.realtime:
            time.sleep(wav_duration(wav))


class FileSink:
    """Writes each sound to ``<directory>/<prefix>-0001.wav``, ``-0002.wav``, ….

    Args:
        directory: where to write (created if missing).
        prefix: file name prefix.
    """

    def __init__(self, directory: str | Path, prefix: str = "announcement") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.files: list[Path] = []
        self._lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        """Write the sound to the next numbered file."""
        with self._lock:
            path = self.directory / f"{self.prefix}-{len(self.files) + 1:04d}.wav"
            path.write_bytes(wav)
            self.files.append(path)


#: Command-line players tried by :func:`default_sink`, in order; each reads a WAV on stdin.
PLAYERS: tuple[tuple[str, ...], ...] = (("aplay", "-q", "-"), ("paplay",), ("pw-play", "-"))


class CommandSink:
    """Plays through a command-line player that reads WAV on stdin (``aplay -q -``).

    Args:
        command: the player and its arguments.
        timeout_s: longest time one sound may take to play.
    """

    def __init__(self, command: tuple[str, ...], timeout_s: float = 60.0) -> None:
        self.command = command
        self.timeout_s = timeout_s

    def play(self, wav: bytes) -> None:
        """Play and wait for the player to finish.

        Raises:
            SpeechError: the player is missing, failed or hung.
        """
        try:
            subprocess.run(self.command, input=wav, capture_output=True, timeout=self.timeout_s, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeechError(f"audio player {self.command[0]} failed: {type(exc).__name__}") from exc


def default_sink() -> AudioSink:
    """The first installed player (aplay, paplay, pw-play), else a realtime null sink with a warning."""
    for cmd in PLAYERS:
        if shutil.which(cmd[0]):
            return CommandSink(cmd)
    _warn_once(NO_PLAYER)
    return NullSink(realtime=True)


# --- engines -----------------------------------------------------------------------------------------


@runtime_checkable
class SpeechEngine(Protocol):
    """Speaks one utterance at a time."""

    name: str

    def speak(self, text: str) -> float:
        """Say ``text``; block until it has been played; return its duration in seconds."""
        ...


class EspeakEngine:
    """espeak-ng, Mandarin voice, rendered to WAV and played through a sink.

    Args:
        voice: espeak-ng voice (``cmn``: Mandarin; ``zh`` needs the mbrola voice installed).
        speed: words per minute (espeak-ng ``-s``; 130–160 is clear in a hall).
        sink: where the sound goes; default :func:`default_sink`.
        executable: the espeak-ng binary; default found on PATH (``espeak-ng``, then ``espeak``).
        cache_size: rendered utterances kept (a call is often repeated, and recalled).
        timeout_s: longest time one rendering may take.

    Raises:
        SpeechError: espeak-ng is not installed.
    """

    name = "espeak"

    def __init__(
        self,
        voice: str = "cmn",
        *,
        speed: int = 150,
        sink: AudioSink | None = None,
        executable: str | None = None,
        cache_size: int = 32,
        timeout_s: float = 30.0,
    ) -> None:
        exe = executable or espeak_executable()
        if not exe:
            raise SpeechError("espeak-ng is not installed")
        self.executable = exe
        self.voice = voice
        self.speed = speed
        self.sink = sink if sink is not None else default_sink()
        self.timeout_s = timeout_s
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def render(self, text: str) -> bytes:
        """Render ``text`` to WAV bytes (cached).

        Raises:
            SpeechError: espeak-ng failed or produced no sound.
        """
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        cmd = [self.executable, "-v", self.voice, "-s", str(self.speed), "-b", "1", "--stdout"]
        try:
            # the text goes on stdin: never parsed as options, no shell involved
            done = subprocess.run(
                cmd, input=text.encode("utf-8"), capture_output=True, timeout=self.timeout_s
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise SpeechError(f"espeak-ng failed to run: {type(exc).__name__}") from exc
        if done.returncode != 0 or not done.stdout:
            raise SpeechError(f"espeak-ng exited with {done.returncode}")
        wav = fix_wav_header(done.stdout)
        with self._lock:
            self._cache[text] = wav
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return wav

    def speak(self, text: str) -> float:
        """Render (or take from the cache) and play; return the duration."""
        wav = self.render(text)
        self.sink.play(wav)
        return wav_duration(wav)


def chime_wav(rate: int = 22050, tones: tuple[float, float] = (784.0, 622.3), note_s: float = 0.45) -> bytes:
    """A two-tone "ding-dong" chime as WAV bytes.

    Each note is a sine with a quieter octave overtone and an exponential decay, as a struck bar.

    Args:
        rate: sample rate in Hz.
        tones: the two pitches in Hz (default G5, D♯5).
        note_s: length of each note in seconds.
    """
    t = np.arange(int(rate * note_s)) / rate
    notes = []
    for f in tones:
        env = np.exp(-t * 5.0) * np.minimum(1.0, t / 0.005)  # 5 ms attack avoids a click
        notes.append(env * (0.7 * np.sin(2 * np.pi * f * t) + 0.2 * np.sin(4 * np.pi * f * t)))
    tail = np.zeros(int(rate * 0.1))
    return pcm_to_wav(np.concatenate([*notes, tail]) * 0.8, rate)


class ChimeEngine:
    """The chime-only fallback: every announcement is a "ding-dong"; the text is not spoken.

    Args:
        sink: where the sound goes; default :func:`default_sink`.
    """

    name = "chime"

    def __init__(self, sink: AudioSink | None = None) -> None:
        self.sink = sink if sink is not None else default_sink()
        self.wav = chime_wav()
        self.duration = wav_duration(self.wav)

    def speak(self, text: str) -> float:
        """Play the chime (whatever ``text`` says); return its duration."""
        self.sink.play(self.wav)
        return self.duration


@dataclass(frozen=True)
class Utterance:
    """One utterance recorded by :class:`FakeEngine` (monotonic times)."""

    text: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        """Seconds it took."""
        return self.end - self.start


class FakeEngine:
    """A test engine: sleeps ``base_s + per_char_s × len(text)`` and records what it said, when.

    Args:
        per_char_s: seconds per character.
        base_s: seconds added to every utterance.
        clock: the monotonic clock used for the records.
        fail_on: texts for which :meth:`speak` raises :class:`SpeechError` (to test error handling).
    """

    name = "fake"

    def __init__(
        self,
        per_char_s: float = 0.002,
        base_s: float = 0.01,
        *,
        clock: Callable[[], float] = time.monotonic,
        fail_on: frozenset[str] = frozenset(),
    ) -> None:
        self.per_char_s = per_char_s
        self.base_s = base_s
        self.clock = clock
        self.fail_on = fail_on
        self.utterances: list[Utterance] = []
        self._lock = threading.Lock()

    def duration_of(self, text: str) -> float:
        """How long ``text`` takes to say."""
        return self.base_s + self.per_char_s * len(text)

    def speak(self, text: str) -> float:
        """Take the text's duration, then record it."""
        start = self.clock()
        if text in self.fail_on:
            raise SpeechError("fake engine failure")
        time.sleep(self.duration_of(text))
        end = self.clock()
        with self._lock:
            self.utterances.append(Utterance(text, start, end))
        return end - start

    @property
    def texts(self) -> list[str]:
        """What was said, in order."""
        with self._lock:
            return [u.text for u in self.utterances]


ENGINE_NAMES = ("espeak", "chime", "fake")


def make_engine(kind: str, *, sink: AudioSink | None = None, voice: str = "cmn") -> SpeechEngine:
    """Build the engine a configuration names.

    Args:
        kind: ``"espeak"``, ``"chime"`` or ``"fake"``.
        sink: where the sound goes (ignored by ``fake``); default :func:`default_sink`.
        voice: the espeak-ng voice.

    Returns:
        The engine; ``"espeak"`` without espeak-ng installed gives a :class:`ChimeEngine` and logs
        :data:`ESPEAK_MISSING` (the first time in the process).

    Raises:
        ValueError: an unknown engine name.
    """
    name = kind.strip().lower()
    if name == "espeak":
        try:
            return EspeakEngine(voice, sink=sink)
        except SpeechError:
            _warn_once(ESPEAK_MISSING)
            return ChimeEngine(sink)
    if name == "chime":
        return ChimeEngine(sink)
    if name == "fake":
        return FakeEngine()
    raise ValueError(f"unknown speech engine {kind!r}; expected one of {', '.join(ENGINE_NAMES)}")
