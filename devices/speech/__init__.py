"""Voice announcements: Mandarin number reading, offline engines, one serial queue per audio zone.

See :mod:`devices.speech.numbers`, :mod:`devices.speech.engines` and :mod:`devices.speech.queue`
(docs/devices.md §8, docs/rules/queue.md §3). No Qt here: a Qt speech engine, if any, belongs to ``ui/``.
"""

from devices.speech.engines import (
    ESPEAK_MISSING,
    ChimeEngine,
    EspeakEngine,
    FakeEngine,
    FileSink,
    NullSink,
    SpeechEngine,
    SpeechError,
    claim_notice,
    espeak_executable,
    make_engine,
    speech_notes,
)
from devices.speech.numbers import call_speech, call_text, number_zh, speakable, ticket_zh, window_zh
from devices.speech.queue import AnnouncementQueue, ZonedSpeech

__all__ = [
    "ESPEAK_MISSING",
    "AnnouncementQueue",
    "ChimeEngine",
    "EspeakEngine",
    "FakeEngine",
    "FileSink",
    "NullSink",
    "SpeechEngine",
    "SpeechError",
    "ZonedSpeech",
    "call_speech",
    "call_text",
    "claim_notice",
    "espeak_executable",
    "make_engine",
    "number_zh",
    "speakable",
    "speech_notes",
    "ticket_zh",
    "window_zh",
]
