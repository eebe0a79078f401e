"""What the check-in screens get from the composition root: printing and the face camera.

Both run off the UI thread (a print over serial takes seconds; face detection ~0.1 s a frame).
The root sets the callables and its threads call ``post_printed`` / ``post_face``; the signals
arrive on the main thread through a queued connection, as with :class:`ui.bridge.QtBridge`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from kiosk.ports import Slip


@dataclass(frozen=True)
class PrintResult:
    """The end of a print job.

    Attributes:
        job_id: the caller's job number.
        ok: the printer took the slip.
        bytes_written: ESC/POS bytes written (0 on failure).
        error_zh: what went wrong, in Chinese ("" when ok).
        error_en: the same in English.
        preview_png: the slip rendered as an image (for the screen when it could not be printed).
        seconds: how long the job took.
    """

    job_id: int
    ok: bool
    bytes_written: int = 0
    error_zh: str = ""
    error_en: str = ""
    preview_png: bytes | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class FaceUpdate:
    """One assessed camera frame, or the end of the capture.

    Attributes:
        image: the live view (scaled), or None.
        ok: the face in it passes (one face, big and sharp enough, in the guide frame).
        message_zh: the instruction for the screen.
        message_en: the same in English.
        captured_jpeg: set once: the photo taken (plain JPEG).
        camera_missing: no camera, or it failed: the check-in goes on without a photo.
        guide: the guide frame as (x, y, w, h) fractions of the image.
    """

    image: QImage | None
    ok: bool = False
    message_zh: str = ""
    message_en: str = ""
    captured_jpeg: bytes | None = None
    camera_missing: bool = False
    guide: tuple[float, float, float, float] = (0.25, 0.05, 0.5, 0.9)


def _no_preview(_slip: Slip) -> bytes | None:
    return None


class CheckinPorts(QObject):
    """Printing and face capture for the check-in screens.

    Signals:
        printed(object): a :class:`PrintResult`.
        face(object): a :class:`FaceUpdate`.
    """

    printed = Signal(object)
    face = Signal(object)
    _posted = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._job = 0
        self.camera_configured = False
        #: (job_id, slip) → None; the result arrives as ``printed`` (set by the root)
        self.submit_print: Callable[[int, Slip], None] = self._no_printer
        #: renders a slip to PNG bytes (the screen's copy when printing fails)
        self.render_preview: Callable[[Slip], bytes | None] = _no_preview
        self.start_face: Callable[[], None] = self._no_camera
        self.stop_face: Callable[[], None] = lambda: None

    @Slot(str, object)
    def _deliver(self, name: str, value: object) -> None:
        getattr(self, name).emit(value)

    def post_printed(self, result: PrintResult) -> None:
        """Thread-safe: report a finished print job."""
        self._posted.emit("printed", result)

    def post_face(self, update: FaceUpdate) -> None:
        """Thread-safe: report a camera frame or the capture's end."""
        self._posted.emit("face", update)

    def print_slip(self, slip: Slip) -> int:
        """Queue a slip; returns the job id that ``printed`` will carry."""
        self._job += 1
        self.submit_print(self._job, slip)
        return self._job

    def _no_printer(self, job_id: int, slip: Slip) -> None:
        self.post_printed(PrintResult(job_id, False, 0, "本终端未配置打印机", "no printer configured on this terminal",
                                      self.render_preview(slip)))

    def _no_camera(self) -> None:
        self.post_face(FaceUpdate(None, camera_missing=True, message_zh="本终端未配置摄像头",
                                  message_en="no camera on this terminal"))
