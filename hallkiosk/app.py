"""The composition root: build one terminal (hall, devices, sync, bridge, window) and run it.

Order (``run_app``): logging → QApplication (font, theme, translator) → ``Hall.open`` (migrate,
journal head, key) → devices from their URLs → threads (journal follower; device and sync loops as
their capabilities are configured) → the role's window → event loop → stop and join every thread.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from hallkiosk.db_health import DbWatch
from hallkiosk.devices_wiring import DeviceMonitor, start_devices
from hallkiosk.documents_wiring import document_output
from hallkiosk.jobs import JobRunner
from hallkiosk.logs import setup_logging
from hallkiosk.sync_wiring import start_sync
from hallkiosk.threads import Threads
from kiosk.config import Config
from kiosk.db.health import DbProbe
from kiosk.hall import Hall
from kiosk.ports import DeviceState, DeviceStatus
from kiosk.retention import ClockMovedError
from sync.worker import SyncWorker
from ui.bridge import QtBridge
from ui.context import UiContext
from ui.i18n import Languages
from ui.roles import build_page
from ui.shell import RoleWindow
from ui.stall import unmeasured
from ui.theme import apply_theme

if TYPE_CHECKING:
    from hallkiosk.wiring_auction import AuctionWiring
    from hallkiosk.wiring_checkin import CheckinWiring
    from hallkiosk.wiring_opening import OpeningWiring
    from hallkiosk.wiring_recording import RoomRecorder
    from hallkiosk.wiring_supervision import SupervisionWiring
    from ui.recording.review import ReviewTab

log = logging.getLogger(__name__)
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO, QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR, QtMsgType.QtFatalMsg: logging.CRITICAL,
}


#: messages of Qt's offscreen platform plugin that say only that it is offscreen
_BENIGN = ("This plugin does not support propagateSizeHints()",)


def _qt_message(mode: QtMsgType, _context: object, message: str) -> None:
    level = logging.DEBUG if message in _BENIGN else _QT_LEVELS.get(mode, logging.WARNING)
    logging.getLogger("qt").log(level, "%s", message)


def ensure_qapp(headless: bool = False) -> QApplication:
    """The QApplication, created once with the theme; offscreen when ``headless``."""
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_qt_message)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("hall-kiosk")
    if not app.property("hallThemed"):  # also when someone else created the application
        apply_theme(app)  # type: ignore[arg-type]  # instance() is typed QCoreApplication; it is our QApplication
        app.setProperty("hallThemed", True)
    return app  # type: ignore[return-value]  # as above


def configured_devices(cfg: Config) -> list[DeviceStatus]:
    """Statuses of the configured devices before their drivers report (configured → unknown)."""
    d = cfg.devices
    urls = {"id_reader": d.id_reader, "scanner": d.scanner, "printer": d.printer, "keypads": d.keypads, "camera": d.camera}
    return [
        DeviceStatus(name, url, DeviceState.UNKNOWN if url else DeviceState.NOT_CONFIGURED) for name, url in urls.items()
    ]


@dataclass
class Terminal:
    """One running terminal: its hall, UI context, window and threads."""

    hall: Hall
    ctx: UiContext
    window: RoleWindow
    threads: Threads = field(default_factory=Threads)
    monitor: DeviceMonitor | None = None
    sync: SyncWorker | None = None
    big_screen: RoleWindow | None = None  #: the room's wall screen driven by this console
    # The capabilities, each set by its wiring's attach() on the terminals whose role has it.
    checkin: CheckinWiring | None = None
    opening: OpeningWiring | None = None
    auction: AuctionWiring | None = None
    recorder: RoomRecorder | None = None
    recording_tab: ReviewTab | None = None
    supervision: SupervisionWiring | None = None  #: the supervisor's wall

    def stop(self) -> None:
        """Join every thread, then destroy the windows and close the database.

        Windows are deleted, not just closed: a closed window's refresh timers keep firing and
        would query a database that is gone (a dropped test database, a closed engine).
        """
        self.threads.stop()
        for window in (self.big_screen, self.window):
            if window is None:
                continue
            for timer in window.findChildren(QTimer):
                timer.stop()
            window.close_for_good()
            window.deleteLater()
        self.hall.close()


def open_big_screen(term: Terminal) -> RoleWindow:
    """A board window for this console's room (bid-opening big screen, auction audience screen).

    It is a second RoleWindow of role ``board`` sharing the console's hall and bridge; capabilities
    add their views to ``term.big_screen.page`` (a BoardPage), e.g. the opening's current stage.
    """
    ctx = dataclasses.replace(term.ctx, role="board", fullscreen=False)
    term.big_screen = RoleWindow(ctx, build_page(ctx))
    return term.big_screen


#: Each capability wires itself into a terminal with ``attach(term: Terminal)``: it may register
#: kiosk flows (``term.window.page.register_flow``), add console tabs (``….page.work.add_tab``),
#: add board views (``….page.add_view``), and start loops (``term.threads.start``). Its demo tour,
#: if any, is ``hallkiosk/tours/<cap>.py``'s ``tour(cfg, out) -> list[dict]`` (screenshots it took).
CAPABILITY_MODULES = (
    "hallkiosk.wiring_checkin",
    "hallkiosk.wiring_queue",
    "hallkiosk.wiring_recording",
    "hallkiosk.wiring_opening",
    "hallkiosk.wiring_auction",
    "hallkiosk.wiring_experts",
    "hallkiosk.wiring_supervision",
)


def capability_modules() -> list:
    """The capability wiring modules present in this build, in a fixed order."""
    import importlib

    found = []
    for name in CAPABILITY_MODULES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


def pii_retention_loop(hall: Hall, stop: threading.Event, *, first_after_s: float = 60.0,
                       every_s: float = 6 * 3600.0) -> None:
    """Purge personal data past ``[security] pii_retention_days``: a minute after start, then every 6 h.

    Idempotent and serialised on the journal head, so every terminal of a shared hall may run it.
    A purge refused because the clock moved since the last one (``kiosk.retention.ClockMovedError``)
    is logged and the loop goes on: an operator confirms with ``hall-kiosk pii purge --confirm-clock``.
    """
    wait = first_after_s
    while not stop.wait(wait):
        wait = every_s
        try:
            done = hall.purge_personal_data(operator="retention")
        except ClockMovedError as exc:
            log.error("personal-data purge refused: %s", exc.en)
            continue
        except Exception:  # the next run retries; a failure must be visible, and never stop the terminal
            log.exception("personal-data purge failed")
            continue
        if done.total:
            log.info("personal data purged: %s", done.as_dict())


def build_terminal(
    cfg: Config, role: str, *, lang: str | None = None, follow: bool = True, devices: bool = True, sync: bool = True,
    big_screen: bool = False, hall: Hall | None = None, housekeeping: bool = True
) -> Terminal:
    """Assemble a terminal of ``role`` (QApplication must exist); starts its threads.

    Args:
        follow: follow the journal (live updates from other terminals).
        devices: build the configured devices and run their loops.
        sync: run the sync worker when a platform is configured.
        big_screen: host and auctioneer consoles also drive a board window (``open_big_screen``).
        housekeeping: purge personal data past its retention (``pii_retention_loop``).
    """
    hall = hall or Hall.open(cfg)
    hall.register_terminal(role)
    bridge = QtBridge()
    languages = Languages()
    languages.set(lang or cfg.ui.language)
    threads = Threads()
    monitor = None
    if devices:
        _registry, monitor = start_devices(cfg.devices, bridge, threads)
        device_statuses = monitor.statuses
    else:
        statuses = configured_devices(cfg)
        device_statuses = lambda: statuses  # noqa: E731
    worker = start_sync(hall, threads) if sync else None
    jobs = JobRunner(threads, bridge)
    watch = DbWatch(DbProbe(hall.engine), bridge.post_db_state)
    threads.start("db-watch", watch.run)
    ctx = UiContext(
        hall=hall, bridge=bridge, languages=languages, role=role, device_statuses=device_statuses,
        sync_status=worker.status if worker is not None else (lambda: None),
        documents=document_output(cfg.devices.document_printer, jobs), jobs=jobs, db_state=watch.state,
    )
    window = RoleWindow(ctx, build_page(ctx))
    term = Terminal(hall, ctx, window, threads, monitor, worker)
    if role in ("host", "auctioneer") and big_screen:
        open_big_screen(term)
    for module in capability_modules():
        module.attach(term)
    if housekeeping:
        term.threads.start("pii-retention", lambda stop: pii_retention_loop(hall, stop))
    if follow:
        follower = hall.follower()

        def on_entries(entries: list) -> None:
            if worker is not None:
                worker.wake()  # push what was just recorded, now
            bridge.post_entries(entries)

        term.threads.start("journal-follower", lambda stop: follower.run(stop, on_entries))
    return term


def settle_heap() -> None:
    """Once a terminal has started: collect, then move every object alive so far (modules, Qt
    wrappers, the ORM's mappings, compiled statements) out of the garbage collector's sight
    (``gc.freeze``). They live as long as the process; without this every full collection walks them
    all again, and a collection can fall inside an act, under the journal head, where the whole hall
    waits (issue 14 item 6: one process, 300 acts each, CPU per act −10–20 % for a ticket, a call and
    a keypad bid). What startup made and later drops in a reference cycle is not collected: a
    bounded, one-off cost."""
    gc.collect()
    gc.freeze()


def run_app(cfg: Config, *, role: str | None, screen: int | None = None, fullscreen: bool = False, lang: str | None = None,
            demo: bool = False) -> int:
    """``hall-kiosk run``: the role's window, or the launcher without a role.

    Fails before Qt starts, with its own lines and exit code (:mod:`hallkiosk.failures`), where
    there is no display (unless ``QT_QPA_PLATFORM`` names a platform, e.g. ``eglfs`` on a kiosk
    without X), the data dir cannot be written or the database does not answer.
    """
    from hallkiosk.demo import has_display
    from hallkiosk.failures import (
        EXIT_DATABASE,
        Failure,
        check_database,
        ensure_writable_dir,
        no_display_failure,
        secure_files,
    )

    if not os.environ.get("QT_QPA_PLATFORM") and not has_display():
        raise no_display_failure()
    os.umask(0o077)  # the composition root writes nothing others may read (kiosk/filemodes.py)
    ensure_writable_dir(cfg.data_dir)
    secure_files(cfg, deep=True)  # secrets readable by others: exit 16; the rest of the data dir tightened
    setup_logging(cfg.data_dir)
    try:
        check_database(cfg.database_url)
    except Failure as failure:
        if failure.code != EXIT_DATABASE:
            raise
        # Started while the database does not answer: wait for it on screen, never exit (issue 21).
        from hallkiosk.waiting import wait_for_database

        log.error("database unreachable at start: waiting for it", exc_info=failure, extra={"console": False})
        print("\n".join([*failure.lines(), "正在等待数据库恢复，恢复后自动开始。/ waiting for the database; starting when it answers."]),
              file=sys.stderr, flush=True)
        ensure_qapp()
        fullscreen_wait = fullscreen or (role == "kiosk" and cfg.kiosk.fullscreen)
        if not wait_for_database(lambda: check_database(cfg.database_url), failure, fullscreen=fullscreen_wait):
            raise
        log.warning("database answers: starting")
    app = ensure_qapp()
    if role is None:
        from hallkiosk.launcher import Launcher

        launcher = Launcher(cfg, demo=demo)  # the demo's launcher gives each terminal its own ID reader
        launcher.show()
        return app.exec()
    fullscreen = fullscreen or (role == "kiosk" and cfg.kiosk.fullscreen)
    cfg = dataclasses.replace(cfg, kiosk=dataclasses.replace(cfg.kiosk, fullscreen=fullscreen))
    term = build_terminal(cfg, role, lang=lang, big_screen=cfg.ui.second_screen >= 0)
    term.ctx.fullscreen = fullscreen
    term.window.guard_exit(fullscreen)
    term.window.place(screen if screen is not None else cfg.ui.screen, fullscreen)
    if term.big_screen is not None:
        term.big_screen.place(cfg.ui.second_screen, True)
    log.info("terminal %s started as %s", cfg.site.terminal_id, role)
    settle_heap()
    try:
        return app.exec()
    finally:
        term.threads.stop()
        term.hall.close()


def grab(widget: QWidget, path: str, size: tuple[int, int]) -> None:
    """Render ``widget`` at ``size`` offscreen and save it as PNG (tour, tests)."""
    from hallkiosk.failures import stop_if_interrupted

    stop_if_interrupted()  # a Ctrl-C the tour's work swallowed stops it here (hallkiosk.failures.ctrl_c_stops)
    widget.resize(*size)
    widget.show()
    if isinstance(widget, RoleWindow):
        widget.fit_to(*size)
    # Layouts settle over a few passes (a scroll area's bar comes and goes once its content has
    # its final size); one pass photographs a state no user ever sees.
    with unmeasured():  # the tour's own work, not a user's wait
        for _ in range(4):
            QApplication.processEvents()
        widget.grab().save(path, "PNG")
