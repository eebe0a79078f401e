"""Audio sources for the recorder: a synthetic test signal and a live input through PyAV.

The recorder pulls audio in step with video: for every video frame it asks for exactly the samples
that frame's time slot covers (``sample_rate / fps``), so picture and sound stay aligned by
construction and segment boundaries fall on the same instant for both. A source therefore only has
to answer ``read(n)`` with ``n`` mono float32 samples in −1..1.

* :class:`SyntheticAudio` — a pure function of the sample position: a quiet 1 kHz pilot tone plus
  a voice-like signal (a 140 Hz buzz with formants, switched on and off in syllables). Tests and the
  demo use it.
* :class:`LiveAudio` — an ALSA or PulseAudio input opened with ``av.open(format="alsa"|"pulse")``
  on a reader thread that fills a ring buffer; ``read`` takes what is there and pads with silence
  when the device is late or gone. **Not tested on this machine (it has no audio hardware).**
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


class AudioSource(Protocol):
    """Mono float32 samples on demand."""

    sample_rate: int
    name: str

    def read(self, n: int) -> np.ndarray:
        """The next ``n`` samples (float32, shape (n,)), never fewer: silence fills a gap."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...


class SyntheticAudio:
    """A deterministic test signal: pilot tone plus a syllabic voice-like buzz.

    Args:
        sample_rate: samples per second.
        level: overall amplitude (0..1).
    """

    name = "synthetic"

    def __init__(self, sample_rate: int = 16000, level: float = 0.3) -> None:
        self.sample_rate = sample_rate
        self.level = level
        self.position = 0  #: samples produced so far

    def render(self, start: int, n: int) -> np.ndarray:
        """Samples ``start … start+n`` of the signal (a pure function)."""
        t = (np.arange(start, start + n, dtype=np.float64)) / self.sample_rate
        tone = 0.15 * np.sin(2 * np.pi * 1000.0 * t)
        f0 = 140.0 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t))
        phase = 2 * np.pi * np.cumsum(f0) / self.sample_rate + 2 * np.pi * 140.0 * start / self.sample_rate
        voice = sum(np.sin(k * phase) / k * (1.0 if k in (3, 4, 8) else 0.4) for k in range(1, 10))
        syllables = (np.sin(2 * np.pi * 3.0 * t) > -0.2).astype(np.float64)  # ~3 syllables a second
        signal = tone + 0.35 * voice * syllables
        return (self.level * signal / 1.5).astype(np.float32)

    def read(self, n: int) -> np.ndarray:
        out = self.render(self.position, n)
        self.position += n
        return out

    def close(self) -> None:
        """Nothing to release."""


class LiveAudio:
    """A microphone through FFmpeg's ALSA or PulseAudio input (PyAV).

    Args:
        url: ``alsa:default``, ``alsa:hw:1,0``, ``pulse:default`` …
        sample_rate: the rate to resample to.
        max_seconds: the ring buffer's length; older audio is dropped when nobody reads.
    """

    def __init__(self, url: str, sample_rate: int = 16000, max_seconds: float = 5.0) -> None:
        fmt, _, device = url.partition(":")
        if fmt not in ("alsa", "pulse"):
            raise ValueError(f"unknown audio input {url!r}: use alsa:DEVICE or pulse:DEVICE")
        self.name = url
        self.format, self.device = fmt, device or "default"
        self.sample_rate = sample_rate
        self._buf: deque[np.ndarray] = deque()
        self._held = 0
        self._max = int(max_seconds * sample_rate)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.underruns = 0  #: reads that had to be padded with silence
        self.error: str | None = None

    def run(self, stop: threading.Event) -> None:
        """The reader loop (a thread of the composition root): decode, resample, buffer; reopen on errors."""
        import av

        while not (stop.is_set() or self._stop.is_set()):
            try:
                with av.open(self.device, format=self.format) as container:
                    resampler = av.AudioResampler(format="flt", layout="mono", rate=self.sample_rate)
                    self.error = None
                    for frame in container.decode(audio=0):
                        for out in resampler.resample(frame):
                            self._push(out.to_ndarray().reshape(-1).astype(np.float32))
                        if stop.is_set() or self._stop.is_set():
                            return
            except Exception as exc:  # noqa: BLE001 - a missing or vanished device: retry
                if self.error is None:
                    log.warning("microphone %s unavailable (%s); recording silence", self.name, type(exc).__name__)
                self.error = type(exc).__name__
                stop.wait(2.0)

    def _push(self, samples: np.ndarray) -> None:
        with self._lock:
            self._buf.append(samples)
            self._held += len(samples)
            while self._held > self._max and self._buf:
                self._held -= len(self._buf.popleft())

    def read(self, n: int) -> np.ndarray:
        out = np.zeros(n, np.float32)
        filled = 0
        with self._lock:
            while filled < n and self._buf:
                chunk = self._buf[0]
                take = min(n - filled, len(chunk))
                out[filled : filled + take] = chunk[:take]
                filled += take
                if take == len(chunk):
                    self._buf.popleft()
                else:
                    self._buf[0] = chunk[take:]
                self._held -= take
        if filled < n:
            self.underruns += 1
        return out

    def close(self) -> None:
        self._stop.set()


def open_audio(url: str, sample_rate: int = 16000) -> AudioSource | None:
    """The configured microphone: "" → None, "synthetic" → test signal, "alsa:…"/"pulse:…" → live."""
    text = url.strip()
    if not text:
        return None
    if text == "synthetic":
        return SyntheticAudio(sample_rate)
    return LiveAudio(text, sample_rate)
