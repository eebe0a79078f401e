"""The check-in station as its screens see it: this terminal's slip printer and face camera.

Both work off the UI thread (a print over serial takes seconds; face detection ~0.1 s a frame):
a slip goes to the terminal's job runner (lane ``slip-printer``, ``ui/jobs.py``) and its
:class:`PrintResult` comes back as ``printed``; the camera loop of the composition root posts its
frames through the terminal's bridge (``post``) and they arrive as ``face``, on the main thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.faces import HeadPose
from kiosk.ports import Slip
from ui.jobs import SLIP_PRINTER, InlineJobs, JobOutcome, Jobs, later


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
        pose: after the photo, the face's pose in this frame for the liveness check (None: not
            exactly one face), read by the face engine on the camera's thread.
        posing: this frame is a liveness frame (``pose`` was asked for).
        t: when the frame was taken (``time.monotonic()``).
    """

    image: QImage | None
    ok: bool = False
    message_zh: str = ""
    message_en: str = ""
    captured_jpeg: bytes | None = None
    camera_missing: bool = False
    guide: tuple[float, float, float, float] = (0.25, 0.05, 0.5, 0.9)
    pose: HeadPose | None = None
    posing: bool = False
    t: float = 0.0


def _no_preview(_slip: Slip) -> bytes | None:
    return None


class CheckinStation(QObject):
    """Printing and face capture for the check-in screens.

    Signals:
        printed(object): a :class:`PrintResult`.
        face(object): a :class:`FaceUpdate`.
    """

    printed = Signal(object)
    face = Signal(object)

    def __init__(self, jobs: Jobs | None = None, post: Callable[..., None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs: Jobs = jobs if jobs is not None else InlineJobs()
        #: runs a callable on the main thread, from any thread (the root's ``bridge.call``)
        self.post: Callable[..., None] = post if post is not None else later
        self._job = 0
        self.camera_configured = False
        #: the camera loop reads head poses after the photo (a face engine is loaded): liveness can be checked
        self.liveness_available = False
        #: (job_id, slip) → PrintResult, run on the slip printer's lane (set by the root; None: no printer)
        self.print_one: Callable[[int, Slip], PrintResult] | None = None
        #: renders a slip to PNG bytes (the screen's copy when printing fails)
        self.render_preview: Callable[[Slip], bytes | None] = _no_preview
        self.start_face: Callable[[], None] = self._no_camera
        self.stop_face: Callable[[], None] = lambda: None

    def post_face(self, update: FaceUpdate) -> None:
        """Thread-safe: report a camera frame or the capture's end."""
        self.post(self.face.emit, update)

    def print_slip(self, slip: Slip) -> int:
        """Queue a slip; returns the job id that ``printed`` will carry (always after this returns)."""
        self._job += 1
        job_id = self._job
        print_one = self.print_one
        render = self.render_preview
        if print_one is None:  # the screen's copy is rendered on the printer's lane too (~0.5 s of PIL work)
            self.jobs.run("slip-preview", lambda: render(slip), lambda o: self.printed.emit(PrintResult(
                job_id, False, 0, "本终端未配置打印机", "no printer configured on this terminal", o.value if o.ok else None)),
                lane=SLIP_PRINTER)
            return job_id

        def done(outcome: JobOutcome) -> None:
            self.printed.emit(outcome.value if outcome.ok else
                              PrintResult(job_id, False, 0, outcome.zh, outcome.en, self.render_preview(slip)))

        self.jobs.run("slip", lambda: print_one(job_id, slip), done, lane=SLIP_PRINTER)
        return job_id

    def _no_camera(self) -> None:
        self.post_face(FaceUpdate(None, camera_missing=True, message_zh="本终端未配置摄像头",
                                  message_en="no camera on this terminal"))
