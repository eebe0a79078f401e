"""The role launcher (``hall-kiosk run`` without ``--role``): one tile per role.

Each tile starts that role as its own process on the same data dir, as separate terminals of a
hall would run — so the journal follower carries events between them exactly as in production.
In the demo (``make run``) each terminal also gets an ID reader simulator of its own and the
launcher a panel that places any demo person's card on it (``hallkiosk/demo_cards.py``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.config import ROLES, Config
from ui.shell import role_title

log = logging.getLogger(__name__)


def role_help(role: str) -> str:
    return {
        "kiosk": QCoreApplication.translate("Launcher", "自助签到、取号、查询（触摸屏）"),
        "counter": QCoreApplication.translate("Launcher", "窗口叫号、人工签到、补打"),
        "board": QCoreApplication.translate("Launcher", "大厅大屏：叫号、开标、拍卖信息"),
        "host": QCoreApplication.translate("Launcher", "开标主持：签到、唱标、记录"),
        "auctioneer": QCoreApplication.translate("Launcher", "拍卖师：出价、叫价、落槌"),
        "admin": QCoreApplication.translate("Launcher", "设备、同步、日志校验、操作员"),
        "extraction": QCoreApplication.translate("Launcher", "专家抽取：可验证随机抽取、短信通知"),
        "supervisor": QCoreApplication.translate("Launcher", "监督大屏：各会议室实时画面、预警、暂停指令"),
    }[role]


class Launcher(QWidget):
    """Tiles that start each role as a separate process."""

    #: a demo terminal's own ID reader started ("") or failed (why), from the thread that starts it
    reader_started = Signal(str)

    def __init__(self, cfg: Config, parent: QWidget | None = None, *, demo: bool = False) -> None:
        super().__init__(parent)
        self.cfg = cfg
        self.setObjectName("page")
        self.setWindowTitle("Hall Kiosk")
        self.children_procs: list[subprocess.Popen[bytes]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 32, 48, 32)
        title = QLabel(self.tr("选择终端角色"), objectName="h1")
        sub = QLabel(self.tr("每个角色以独立进程启动，共用同一数据目录：%1").replace("%1", str(cfg.data_dir)), objectName="muted")
        sub.setWordWrap(True)
        lay.addWidget(title)
        lay.addWidget(sub)
        body = QWidget(objectName="page")  # scrolls when the screen is shorter than the tiles and the card panel
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        self.grid = grid = QGridLayout()
        grid.setSpacing(20)
        self.tiles: list[QPushButton] = []
        for role in ROLES:
            btn = QPushButton(f"{role_title(role)}\n{role_help(role)}", objectName="roleTile")
            btn.clicked.connect(lambda _=False, r=role: self.launch(r))
            self.tiles.append(btn)
        # the evaluation area's door is a kiosk in its own mode ([kiosk] mode = "evaluation_area", issue 17)
        door = QPushButton(self.tr("评标区门禁\n专家刷证、人脸核验、手机柜"), objectName="roleTile")
        door.clicked.connect(lambda _=False: self.launch("kiosk", {"HALL_KIOSK__KIOSK__MODE": "evaluation_area"},
                                                         self.tr("评标区门禁")))
        self.tiles.append(door)
        self._columns = 0
        self._lay_tiles(2)
        inner.addLayout(grid)
        self.readers = None
        self.cards = None
        if demo:
            from hallkiosk.demo_cards import DemoCardPanel, DemoReaders

            self.readers = DemoReaders(cfg.data_dir, self.children_procs)
            self.cards = DemoCardPanel(self.readers)
            self.reader_started.connect(self.cards.reader_started)  # queued: emitted by the starting thread
            inner.addWidget(self.cards)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the tiles re-flow instead
        scroll.setWidget(body)
        lay.addWidget(scroll, 1)
        self.resize(1280, 900 if demo else 800)

    def _lay_tiles(self, columns: int) -> None:
        """Three columns of tiles on a wide window (the demo's card panel stays in view), two, or one on a
        narrow (portrait) one."""
        if columns == self._columns:
            return
        self._columns = columns
        for btn in self.tiles:
            self.grid.removeWidget(btn)
        for i, btn in enumerate(self.tiles):
            self.grid.addWidget(btn, i // columns, i % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        width = event.size().width()
        self._lay_tiles(3 if width >= 1700 else 2 if width >= 1200 else 1)
        super().resizeEvent(event)

    def launch(self, role: str, extra_env: dict[str, str] | None = None, label: str | None = None) -> None:
        args = [sys.executable, "-m", "hallkiosk", "run", "--role", role, "--data-dir", str(self.cfg.data_dir)]
        if self.cfg.source != "<defaults>":
            args += ["--config", self.cfg.source]
        if self.cfg.database.url:
            args += ["--db", self.cfg.database.url]
        env = {**os.environ, **extra_env} if extra_env else None
        readers = self.readers
        if readers is None:
            self.children_procs.append(subprocess.Popen(args, env=env))
            return

        def start() -> None:  # the demo: this terminal's own ID reader first (it waits for its port: off the UI thread)
            try:
                reader_env = readers.start(role, label or role_title(role))
            except Exception as exc:  # noqa: BLE001 - said on the panel; the launcher goes on
                log.warning("demo ID reader for %s did not start: %s", role, exc)
                self.reader_started.emit(str(exc))
                return
            self.children_procs.append(subprocess.Popen(args, env={**(env or os.environ), **reader_env}))
            self.reader_started.emit("")

        threading.Thread(target=start, name=f"demo-reader-{role}", daemon=True).start()
