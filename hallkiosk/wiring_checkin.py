"""Check-in in a running terminal: the service, the print and camera loops, the screens, the tour.

``attach(term)`` builds one :class:`kiosk.checkin.CheckinService` and one
:class:`ui.checkin.ports.CheckinPorts`, starts two loops on the root's threads — the print queue
(a slip over serial takes seconds; a printer failure never undoes the check-in, the screen shows
the slip rendered by ``devices.printer.preview`` instead) and the face camera (frames assessed by
``devices.camera.faces.assess_face``, live view and capture posted through Qt signals) — and
registers the role's screens: the kiosk's ``checkin`` flow, the counter's "人工签到" tab, the
host's and auctioneer's "签到情况" tab and the board's ``attendance`` view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

from kiosk.checkin import CheckinService, FaceMatcher
from kiosk.config import CheckinConfig, Config
from kiosk.ports import DeviceError, Slip
from ui.checkin.ports import CheckinPorts, FaceUpdate, PrintResult

log = logging.getLogger(__name__)

GUIDE = (0.25, 0.05, 0.5, 0.9)  #: the guide frame: (x, y, w, h) fractions of the camera image
GOOD_FRAMES = 3  #: consecutive passing frames before the photo is taken
FACE_FPS = 6.0


# --- face matching (optional) -----------------------------------------------------------------------


class OnnxFaceMatcher:
    """YuNet finds the faces, SFace compares them (operator-supplied ONNX files)."""

    name = "SFace"

    def __init__(self, yunet: Path, sface: Path, threshold: float) -> None:
        from devices.camera.faces import SFaceMatcher, YuNetFaceDetector

        self.detector = YuNetFaceDetector(yunet)
        self.matcher = SFaceMatcher(sface, threshold=threshold)

    def similarity(self, photo_jpeg: bytes, reference: bytes) -> float:
        import cv2
        import numpy as np

        feats = []
        for data in (photo_jpeg, reference):
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError("not an image")
            faces = self.detector.detect(image)
            if not faces:
                raise ValueError("no face")
            feats.append(self.matcher.feature(image, faces[0]))
        return self.matcher.similarity(feats[0], feats[1])


def build_face_matcher(cfg: CheckinConfig) -> tuple[FaceMatcher | None, str]:
    """The face-match engine of ``[checkin] face_model_dir``, or None and why there is none."""
    if not cfg.face_model_dir:
        return None, "未配置人脸比对模型（[checkin] face_model_dir）"
    folder = Path(cfg.face_model_dir)
    yunet = sorted(folder.glob("*yunet*.onnx"))
    sface = sorted(folder.glob("*sface*.onnx"))
    if not yunet or not sface:
        return None, f"模型目录中缺少 YuNet/SFace 文件：{folder}"
    try:
        return OnnxFaceMatcher(yunet[-1], sface[-1], cfg.face_match_threshold), ""
    except DeviceError as exc:
        log.warning("face match models not usable: %s", exc.en)
        return None, f"人脸比对模型无法加载：{exc.zh}"


# --- printing -----------------------------------------------------------------------------------------


def slip_png(slip: Slip, width_mm: int = 80) -> bytes:
    """The slip rendered as the printer would print it (PNG)."""
    import io

    from devices.printer.escpos import encode_slip
    from devices.printer.preview import render

    buf = io.BytesIO()
    render(encode_slip(slip, width_mm), width_mm).save(buf, format="PNG")
    return buf.getvalue()


class PrintQueue:
    """Print jobs, one at a time, on a thread the composition root owns."""

    def __init__(self, printer: Any, ports: CheckinPorts, width_mm: int) -> None:
        self.printer = printer
        self.ports = ports
        self.width_mm = width_mm
        self.jobs: queue.Queue[tuple[int, Slip]] = queue.Queue()
        self.written: list[tuple[int, float]] = []  #: (bytes, seconds) per job, for the bench

    def submit(self, job_id: int, slip: Slip) -> None:
        self.jobs.put((job_id, slip))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                job_id, slip = self.jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            self.ports.post_printed(self.print_one(job_id, slip))

    def print_one(self, job_id: int, slip: Slip) -> PrintResult:
        t0 = time.perf_counter()
        try:
            data = self.printer.print_slip(slip)
        except DeviceError as exc:
            log.info("check-in slip not printed: %s", exc.code)
            return PrintResult(job_id, False, 0, exc.zh, exc.en, slip_png(slip, self.width_mm), time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - a driver bug must not lose the screen's copy
            log.exception("check-in slip printing failed")
            return PrintResult(job_id, False, 0, "打印机故障，请联系工作人员", f"printer failure: {type(exc).__name__}",
                               slip_png(slip, self.width_mm), time.perf_counter() - t0)
        seconds = time.perf_counter() - t0
        self.written.append((len(data), seconds))
        return PrintResult(job_id, True, len(data), seconds=seconds)


# --- the face camera --------------------------------------------------------------------------------


def to_qimage(bgr: Any, width: int = 640) -> QImage:
    import cv2

    h, w = bgr.shape[:2]
    if w > width:
        bgr = cv2.resize(bgr, (width, int(h * width / w)), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888).copy()


class FaceLoop:
    """Runs the camera only while the face screen is open: assess frames, post the view, capture."""

    def __init__(self, camera: Any, ports: CheckinPorts) -> None:
        self.camera = camera
        self.ports = ports
        self.active = threading.Event()
        self._detector: Any = None

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
                    while self.active.is_set() and not stop.is_set():
                        t0 = time.monotonic()
                        frame = self.camera.read()
                        a = assess_face(frame, self._detector, policy)
                        good = good + 1 if a.ok else 0
                        jpeg = None
                        if good >= GOOD_FRAMES:
                            import cv2

                            ok, buf = cv2.imencode(".jpg", frame.image, [cv2.IMWRITE_JPEG_QUALITY, 90])
                            jpeg = bytes(buf) if ok else None
                            self.active.clear()
                        self.ports.post_face(FaceUpdate(to_qimage(frame.image), a.ok, a.message_zh, a.message_en, jpeg, guide=GUIDE))
                        stop.wait(max(0.0, 1 / FACE_FPS - (time.monotonic() - t0)))
                except DeviceError as exc:
                    log.info("check-in camera unavailable: %s", exc.code)
                    self.active.clear()
                    opened = False
                    self.ports.post_face(FaceUpdate(None, camera_missing=True, message_zh=exc.zh, message_en=exc.en))
        finally:
            if opened:
                self.camera.close()


# --- attach ---------------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckinWiring:
    """What ``attach`` built (kept on the terminal for tests, the tour and the bench)."""

    service: CheckinService
    ports: CheckinPorts
    printer: PrintQueue | None
    face: FaceLoop | None
    screens: dict[str, Any]


def attach(term: Any) -> CheckinWiring:
    """Wire check-in into a terminal ``term`` (see module docstring)."""
    hall = term.hall
    cfg: Config = hall.config
    matcher, note = build_face_matcher(cfg.checkin)
    service = CheckinService(hall, face_matcher=matcher, face_match_note=note or "未配置人脸比对引擎")
    ports = CheckinPorts()
    width = cfg.devices.printer_width_mm
    ports.render_preview = lambda slip: slip_png(slip, width)
    registry = term.monitor.registry if term.monitor is not None else None
    printer = registry.printer if registry is not None else None
    camera = registry.camera if registry is not None else None
    pq = fl = None
    if printer is not None:
        pq = PrintQueue(printer, ports, width)
        ports.submit_print = pq.submit
        term.threads.start("checkin-print", pq.run)
    if camera is not None:
        fl = FaceLoop(camera, ports)
        ports.camera_configured = True
        ports.start_face = fl.start
        ports.stop_face = fl.stop
        term.threads.start("checkin-camera", fl.run)
    screens: dict[str, Any] = {}
    role = term.ctx.role
    page = term.window.page
    if role == "kiosk":
        from ui.checkin.flow import KioskCheckinFlow

        screens["flow"] = KioskCheckinFlow(term.ctx, service, ports)
        page.register_flow("checkin", screens["flow"])
    elif role == "counter":
        from ui.checkin.clerk import ManualCheckinTab, tab_title

        def operator() -> str | None:
            return page.operator.username if page.operator is not None else None

        screens["clerk"] = ManualCheckinTab(term.ctx, service, ports, operator)
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
    wiring = CheckinWiring(service, ports, pq, fl, screens)
    term.checkin = wiring
    return wiring




# --- the demo tour ----------------------------------------------------------------------------------


def _wait(cond: Any, timeout: float = 10.0) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if cond():
            return True
        time.sleep(0.01)
    return bool(cond())


def tour(cfg: Config, out: Path) -> list[dict]:
    """Check demo bidders in with simulated cards on the reader; screenshot every screen and refusal.

    Runs its own ID reader and printer simulators (cards are placed in-process) and a synthetic
    camera, on a hall whose clock is set to 08:50 (both openings' windows open) and then 12:30
    (the car auction's). Returns the screenshots taken (``{"role", "screen", "file", "lang"}``).
    """
    from devices.idcard.simulator import IdReaderSimulator
    from devices.printer.simulator import PrinterSimulator
    from hallkiosk.app import build_terminal, ensure_qapp, grab
    from kiosk.clock import FixedClock
    from kiosk.hall import Hall
    from kiosk.ports import IdCard
    from kiosk.timeutil import BEIJING
    from sync.sandbox.seed import person
    from ui.theme import LANDSCAPE, PORTRAIT

    ensure_qapp(headless=True)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[dict] = []

    def card(i: int, valid_until: str = "长期") -> IdCard:
        p = person(i)
        birth = p["id_number"][6:14]
        return IdCard("resident", p["name"], "男" if int(p["id_number"][16]) % 2 else "女",
                      f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", p["id_number"], "2016-05-01", valid_until,
                      nation="汉", address="内蒙古自治区呼和浩特市示例路1号", authority="呼和浩特市公安局")

    def shoot(term: Any, role: str, screen: str, lang: str = "zh_CN") -> None:
        for w, h in (LANDSCAPE, PORTRAIT):
            name = f"checkin-{role}-{screen}-{w}x{h}{'' if lang == 'zh_CN' else '-en'}.png"
            grab(term.window, str(out / name), (w, h))
            shots.append({"role": role, "screen": f"checkin {screen}", "file": name, "lang": lang})

    with IdReaderSimulator(baud=115200) as reader, PrinterSimulator(preview_dir=out / "checkin-slips") as printer:
        devices = dataclasses.replace(cfg.devices, id_reader=reader.url, printer=printer.url,
                                      camera="synthetic?width=640&height=360&realtime=0", scanner="", keypads="")
        kcfg = dataclasses.replace(cfg, devices=devices, site=dataclasses.replace(cfg.site, terminal_id="KIOSK-CHECKIN"))
        today = dt.datetime.now(BEIJING).date()
        clock = FixedClock(dt.datetime.combine(today, dt.time(8, 50), BEIJING))
        hall = Hall.open(kcfg, clock=clock)
        term = build_terminal(kcfg, "kiosk", follow=False, sync=False, hall=hall)
        flow = term.checkin.screens["flow"]
        home = term.window.page
        try:
            grab(term.window, str(out / "checkin-warmup.png"), LANDSCAPE)
            (out / "checkin-warmup.png").unlink()

            last: list[str] = [""]

            def present(c: IdCard, screen: str, *, shoot_card: bool = False, lang: str = "zh_CN") -> str:
                reader.remove_card()
                # the reader reports the same card again only after it has seen it gone (0.5 s polls)
                _wait(lambda: False, 1.2 if c.id_number == last[0] else 0.3)
                last[0] = c.id_number
                home.open_flow("checkin")
                if shoot_card:
                    shoot(term, "kiosk", "card", lang)
                reader.place_card(c)
                _wait(lambda: flow.currentWidget().name != "card")
                page = flow.currentWidget().name
                shoot(term, "kiosk", screen, lang)
                return page

            def through(c: IdCard, tag: str, *, live: bool = False) -> None:
                present(c, f"{tag}-consent", shoot_card=(tag == "opening1"))
                flow.consent_yes.click()
                if live:
                    _wait(lambda: flow.last_face is not None and flow.last_face.image is not None)
                    shoot(term, "kiosk", f"{tag}-face")
                _wait(lambda: flow.currentWidget().name == "confirm", 20)
                shoot(term, "kiosk", f"{tag}-confirm")
                flow.confirm_ok.click()
                _wait(lambda: flow.print_result is not None, 20)
                shoot(term, "kiosk", f"{tag}-done")
                flow.finish()

            through(card(0), "opening1", live=True)  # accepted for the first opening
            present(card(0), "already")  # a second time: shown, reprint offered
            flow.already_reprint.click()
            _wait(lambda: flow.print_result is not None, 20)
            flow.finish()
            present(card(4), "refused-banned")  # representative of the blacklisted entity
            flow.finish()
            present(card(3, "2021-06-30"), "refused-expired")  # expired card
            flow.finish()
            present(card(16), "refused-unregistered")  # not registered (and a banned person)
            flow.finish()
            term.ctx.languages.set("en")
            present(card(4), "refused-banned", lang="en", shoot_card=True)
            flow.finish()
            term.ctx.languages.set("zh_CN")
            through(card(6), "opening2")  # the second session
            clock.set(dt.datetime.combine(today, dt.time(12, 30), BEIJING))
            through(card(14), "auction")  # an auction bidder gets paddle 01
            printer.paper_out = True
            through(card(15), "auction-paper-out")  # paddle 02, printer out of paper: slip on screen
            printer.paper_out = False
            present(card(13), "refused-deposit")  # deposit unpaid for the car auction
            flow.finish()
            printer.wait_jobs(4, timeout=5)
        finally:
            term.stop()
            term.window.deleteLater()
        for p in sorted((out / "checkin-slips").glob("*.png")):
            shots.append({"role": "kiosk", "screen": "checkin slip (printed)", "file": f"checkin-slips/{p.name}", "lang": "zh_CN"})

    # the clerk, the host and the board
    for role, login in (("counter", ("clerk", "333333")), ("host", ("host", "111111")), ("board", None)):
        rcfg = dataclasses.replace(cfg, site=dataclasses.replace(cfg.site, terminal_id=f"{role.upper()}-CHECKIN"),
                                   ui=dataclasses.replace(cfg.ui, board_mode="attendance"))
        hall = Hall.open(rcfg, clock=FixedClock(dt.datetime.combine(today, dt.time(9, 20), BEIJING)))
        term = build_terminal(rcfg, role, follow=False, devices=False, sync=False, hall=hall)
        try:
            if login is not None:
                gate = term.window.page
                gate.login.user.setText(login[0])
                gate.login.pin.setText(login[1])
                gate.login.submit()
            screens = term.checkin.screens
            if role == "counter":
                tab = screens["clerk"]
                term.window.page.work.setCurrentWidget(tab)
                tab.query.setText("内蒙古")
                tab.search()
                shoot(term, role, "manual")
            elif role == "host":
                tab = screens["attendance"]
                term.window.page.work.setCurrentWidget(tab)
                tab.refresh()
                shoot(term, role, "attendance")
            else:
                screens["board"].refresh()
                shoot(term, role, "attendance")
        finally:
            term.stop()
            term.window.deleteLater()
    return shots
