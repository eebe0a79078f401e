"""Check-in in a running terminal: the service, the print and camera loops, the screens, the tour.

``attach(term)`` builds one :class:`kiosk.checkin.CheckinService` and one
:class:`ui.checkin.station.CheckinStation`: slips print on the job runner's ``slip-printer`` lane
(a slip over serial takes seconds; a printer failure never undoes the check-in, the screen shows
the slip rendered by ``devices.printer.preview`` instead), and the face camera runs as a loop on the
root's threads (frames assessed by ``devices.camera.faces.assess_face``, live view and capture
posted through the bridge) — and
registers the role's screens: the kiosk's ``checkin`` flow, the counter's "人工签到" tab, the
host's and auctioneer's "签到情况" tab and the board's ``attendance`` view.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from PySide6.QtGui import QImage

from kiosk.checkin import CheckinService
from kiosk.config import CheckinConfig, Config
from kiosk.faces import FaceEngine
from kiosk.ports import DeviceError, Slip
from ui.checkin.station import CheckinStation, FaceUpdate, PrintResult

log = logging.getLogger(__name__)

GUIDE = (0.25, 0.05, 0.5, 0.9)  #: the guide frame: (x, y, w, h) fractions of the camera image
GOOD_FRAMES = 3  #: consecutive passing frames before the photo is taken
FACE_FPS = 6.0


# --- face matching (optional) -----------------------------------------------------------------------


def build_face_matcher(cfg: CheckinConfig, threads: Any = None) -> tuple[FaceEngine | None, str]:
    """The face engine of ``[checkin] face_engine``, or None and why there is none
    (:func:`hallkiosk.face_engines.build_face_engine`, which the CLI uses without Qt): a terminal's
    runs in a process of its own (its native code would hold the UI thread's GIL), stopped with the
    terminal's ``threads``."""
    from hallkiosk.face_engines import build_face_engine

    engine, note = build_face_engine(cfg, own_process=True)
    close = getattr(engine, "close", None)
    if threads is not None and callable(close):
        threads.on_stop(close)
    return engine, note


# --- printing -----------------------------------------------------------------------------------------


def _warm_up_preview() -> None:
    """Import the slip renderer now: its first import takes up to ~0.6 s and would otherwise land on
    the printer's lane mid-check-in while the UI thread waits for the GIL."""
    import devices.printer.preview  # noqa: F401


def slip_png(slip: Slip, width_mm: int = 80) -> bytes:
    """The slip rendered as the printer would print it (PNG)."""
    import io

    from devices.printer.escpos import encode_slip
    from devices.printer.preview import render

    buf = io.BytesIO()
    render(encode_slip(slip, width_mm), width_mm).save(buf, format="PNG")
    return buf.getvalue()


def print_one(printer: Any, width_mm: int, job_id: int, slip: Slip) -> PrintResult:
    """One slip on the slip printer's lane: the result, never an exception (the screen keeps its copy)."""
    t0 = time.perf_counter()
    try:
        data = printer.print_slip(slip)
    except DeviceError as exc:
        log.info("check-in slip not printed: %s", exc.code)
        return PrintResult(job_id, False, 0, exc.zh, exc.en, slip_png(slip, width_mm), time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a driver bug must not lose the screen's copy
        log.exception("check-in slip printing failed")
        return PrintResult(job_id, False, 0, "打印机故障，请联系工作人员", f"printer failure: {type(exc).__name__}",
                           slip_png(slip, width_mm), time.perf_counter() - t0)
    return PrintResult(job_id, True, len(data), seconds=time.perf_counter() - t0)


# --- the face camera --------------------------------------------------------------------------------


def to_qimage(bgr: Any, width: int = 640) -> QImage:
    import cv2

    h, w = bgr.shape[:2]
    if w > width:
        bgr = cv2.resize(bgr, (width, int(h * width / w)), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()


class FaceLoop:
    """Runs the camera only while the face screen is open: assess frames, post the view, capture.

    With a face engine, after the photo the loop goes on reading the head pose of each frame
    (``FaceEngine.head_pose``, ~40 ms a frame on this thread, never the UI's) for the liveness check
    (issue 16 must 3), until the screen stops it.
    """

    def __init__(self, camera: Any, station: CheckinStation, engine: FaceEngine | None = None) -> None:
        self.camera = camera
        self.station = station
        self.engine = engine
        self.active = threading.Event()
        self._detector: Any = None

    def _pose(self, image: Any) -> Any:
        try:
            return self.engine.head_pose(image) if self.engine is not None else None
        except Exception as exc:  # noqa: BLE001 - a pose that cannot be read is a frame without a face
            log.info("head pose not read: %s", type(exc).__name__)
            return None

    def start(self) -> None:
        self.active.set()

    def stop(self) -> None:
        self.active.clear()

    def run(self, stop: threading.Event) -> None:
        from devices.camera.faces import FacePolicy, HaarFaceDetector, assess_face

        policy = FacePolicy(guide=GUIDE)
        opened = False
        try:
            while not stop.is_set():
                if not self.active.is_set():
                    if opened:
                        self.camera.close()
                        opened = False
                    stop.wait(0.05)
                    continue
                try:
                    if not opened:
                        self.camera.open()
                        opened = True
                    if self._detector is None:
                        self._detector = HaarFaceDetector()
                    good = 0
                    posing = False
                    while self.active.is_set() and not stop.is_set():
                        t0 = time.monotonic()
                        frame = self.camera.read()
                        if posing:
                            pose = self._pose(frame.image)
                            self.station.post_face(FaceUpdate(to_qimage(frame.image), pose is not None, guide=GUIDE,
                                                              pose=pose, posing=True, t=frame.t_mono))
                            stop.wait(max(0.0, 1 / FACE_FPS - (time.monotonic() - t0)))
                            continue
                        a = assess_face(frame, self._detector, policy)
                        good = good + 1 if a.ok else 0
                        jpeg = None
                        if good >= GOOD_FRAMES:
                            import cv2

                            ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
                            jpeg = bytes(buf) if ok else None
                            if self.engine is None:
                                self.active.clear()
                            else:
                                posing = True  # the head turn comes next
                        self.station.post_face(FaceUpdate(to_qimage(frame.image), a.ok, a.message_zh, a.message_en, jpeg, guide=GUIDE))
                        stop.wait(max(0.0, 1 / FACE_FPS - (time.monotonic() - t0)))
                except DeviceError as exc:
                    log.info("check-in camera unavailable: %s", exc.code)
                    self.active.clear()
                    opened = False
                    self.station.post_face(FaceUpdate(None, camera_missing=True, message_zh=exc.zh, message_en=exc.en))
        finally:
            if opened:
                self.camera.close()


# --- attach ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckinWiring:
    """What ``attach`` built (kept on the terminal for tests, the tour and the bench)."""

    service: CheckinService
    station: CheckinStation
    face: FaceLoop | None
    screens: dict[str, Any]


def attach(term: Any) -> CheckinWiring:
    """Wire check-in into a terminal ``term`` (see module docstring)."""
    hall = term.hall
    cfg: Config = hall.config
    matcher, note = build_face_matcher(cfg.checkin, term.threads)
    service = CheckinService(hall, face_engine=matcher, face_engine_note=note or "未配置人脸比对引擎")
    station = CheckinStation(term.ctx.jobs, term.ctx.bridge.call)
    _warm_up_preview()
    width = cfg.devices.printer_width_mm
    station.render_preview = lambda slip: slip_png(slip, width)
    registry = term.monitor.registry if term.monitor is not None else None
    printer = registry.printer if registry is not None else None
    camera = registry.camera if registry is not None else None
    fl = None
    if printer is not None:
        station.print_one = lambda job_id, slip: print_one(printer, width, job_id, slip)
    if camera is not None:
        fl = FaceLoop(camera, station, matcher)
        station.camera_configured = True
        station.liveness_available = matcher is not None
        station.start_face = fl.start
        station.stop_face = fl.stop
        term.threads.start("checkin-camera", fl.run)
        load = getattr(matcher, "load", None)
        if callable(load):  # the models (1-3 s) load now on a lane of their own, not in a visitor's head-turn window
            term.ctx.jobs.run("face-engine-load", load, lane="face")
    screens: dict[str, Any] = {}
    role = term.ctx.role
    page = term.window.page
    if role == "kiosk":
        from ui.checkin.flow import KioskCheckinFlow

        screens["flow"] = KioskCheckinFlow(term.ctx, service, station)
        page.register_flow("checkin", screens["flow"])
    elif role == "counter":
        from ui.checkin.clerk import ManualCheckinTab, tab_title

        def operator() -> str | None:
            return page.operator.username if page.operator is not None else None

        screens["clerk"] = ManualCheckinTab(term.ctx, service, station, operator)
        page.work.add_tab(screens["clerk"], tab_title)
    elif role in ("host", "auctioneer"):
        from ui.checkin.attendance import AttendanceTab
        from ui.checkin.attendance import tab_title as attendance_title

        kinds = ("bid_opening",) if role == "host" else ("auction", "listing_auction")
        screens["attendance"] = AttendanceTab(term.ctx, service, kinds)
        page.work.add_tab(screens["attendance"], attendance_title)
    elif role == "board":
        from ui.checkin.attendance import AttendanceBoard

        screens["board"] = AttendanceBoard(term.ctx, service)
        page.add_view("attendance", screens["board"])
    wiring = CheckinWiring(service, station, fl, screens)
    term.checkin = wiring
    return wiring




# --- the demo tour ----------------------------------------------------------------------------------
