"""Audio-video recording of rooms (全过程录音录像): capture → overlay → encoder → segments.

No Qt and no database here (import-linter): the catalogue, hash chain and journal are
``kiosk.recording``; threads are started by ``hallkiosk.wiring_recording``. PyAV's wheel carries a
GPL build of FFmpeg (libx264) — see :mod:`devices.recording.encoder` for the swap-out interface.
"""

from devices.recording.audio import AudioSource, LiveAudio, SyntheticAudio, open_audio
from devices.recording.encoder import (
    EncoderError,
    OpenCVEncoder,
    PyAVEncoder,
    SegmentEncoder,
    make_encoder,
    probe,
)
from devices.recording.overlay import Overlay
from devices.recording.player import SegmentPlayer
from devices.recording.recorder import CameraRecorder, RecorderStats
from devices.recording.segments import (
    ClosedSegment,
    Recovered,
    closed_files,
    installed_vault,
    media_source,
    parse_name,
    recover,
    segment_digest,
    sha256_file,
    use_vault,
)

__all__ = [
    "AudioSource",
    "CameraRecorder",
    "ClosedSegment",
    "EncoderError",
    "LiveAudio",
    "OpenCVEncoder",
    "Overlay",
    "PyAVEncoder",
    "RecorderStats",
    "Recovered",
    "SegmentEncoder",
    "SegmentPlayer",
    "SyntheticAudio",
    "closed_files",
    "installed_vault",
    "make_encoder",
    "media_source",
    "open_audio",
    "parse_name",
    "probe",
    "recover",
    "segment_digest",
    "sha256_file",
    "use_vault",
]
