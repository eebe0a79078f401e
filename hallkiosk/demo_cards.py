"""The demo launcher's ID cards (``make run``): each terminal gets a reader of its own, and a panel puts
any demo person's card on it — demo only, never in a hall.

In a hall every terminal has its own ID reader, and the person in front of it places their own card:
the host the platform appointed (docs/rules/staffing.md), a bidder's representative at the kiosk, an
expert at the evaluation-area door. The demo has simulators instead, and a newcomer has no cards. So
the launcher, in the demo, starts an ID reader simulator beside every terminal it starts
(``devices simulate id-reader --card-file``, its URL handed to that terminal as
``HALL_KIOSK__DEVICES__ID_READER``), and :class:`DemoCardPanel` lists the demo day's people — the
appointed staff with their roles, the bidders' representatives with their bidders, one person
registered for nothing — and writes the chosen card to that reader's file (the simulator follows it:
:class:`devices.idcard.simulator.CardFile`). Names are shown masked, as everywhere on screen.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.pii import mask_name
from kiosk.ports import IdCard
from kiosk.timeutil import BEIJING

ROLE_ZH = {"host": "开标人/主持人", "recorder": "记录人", "supervisor": "监督人", "witness": "见证人",
           "tenderer_rep": "招标人代表", "auctioneer": "拍卖师", "notary": "公证员"}


@dataclass(frozen=True)
class DemoPerson:
    label: str  #: masked name and what they are in the demo day
    card: IdCard


def _card(name: str, id_number: str) -> IdCard:
    return IdCard(card_type="resident", name=name, gender="男" if int(id_number[16]) % 2 else "女",
                  birth_date=f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}", id_number=id_number,
                  nation="汉", address="内蒙古自治区呼和浩特市示例路1号", authority="呼和浩特市公安局",
                  valid_from="2018-03-01", valid_until="长期")


def demo_people(today: dt.date | None = None) -> list[DemoPerson]:
    """The demo day's people with cards: staff (by their appointments), representatives, experts, a stranger."""
    from devices.idcard.simulator import demo_card
    from sync.sandbox.seed import demo_day

    day = demo_day(today or dt.datetime.now(BEIJING).date())
    rooms = {s["session_id"]: s["room_name"] for s in day["sessions"]}
    staff: dict[str, tuple[str, list[str]]] = {}
    for s in day["sessions"]:
        for x in s.get("staff", ()):
            number, jobs = staff.setdefault(x["name"], (x["id_number"], []))
            job = f"{ROLE_ZH.get(x['role'], x['role'])}（{s['room_name']}）"
            if job not in jobs:
                jobs.append(job)
    out = [DemoPerson(f"{mask_name(name)} — {'、'.join(jobs)}", _card(name, number)) for name, (number, jobs) in staff.items()]
    reps: dict[str, tuple[str, list[str]]] = {}
    for r in day["registrations"]:
        for rep in r["representatives"]:
            number, what = reps.setdefault(rep["name"], (rep["id_number"], []))
            item = f"{r['bidder']['name']}（{rooms.get(r['session_id'], '')}）"
            if item not in what:
                what.append(item)
    out += [DemoPerson(f"{mask_name(name)} — 代表 {'、'.join(what)}", _card(name, number)) for name, (number, what) in reps.items()]
    for e in day.get("experts", ()):  # the evaluation area's door admits the experts drawn and accepted
        out.append(DemoPerson(f"{mask_name(e['name'])} — 评标专家 {e['expert_id']}", _card(e["name"], e["id_number"])))
    stranger = demo_card()
    out.append(DemoPerson(f"{mask_name(stranger.name)} — 未登记任何场次", stranger))
    return out


class DemoReaders:
    """One ID reader simulator per terminal the launcher starts; the card on each follows its file."""

    def __init__(self, data_dir: Path, procs: list[Any]) -> None:
        self.folder = Path(data_dir) / "demo-cards"
        self.procs = procs
        self.readers: list[tuple[str, Path]] = []  #: (label, card file), in start order

    def start(self, role: str, label: str) -> dict[str, str]:
        """Start the reader of the next ``role`` terminal; returns the environment that terminal needs."""
        from hallkiosk.demo import _start_on_free_port

        self.folder.mkdir(parents=True, exist_ok=True)
        n = 1 + sum(1 for lab, _ in self.readers if lab.startswith(label))
        path = self.folder / f"{role}-{n}.json"
        path.write_text("{}", encoding="utf-8")
        hk = [sys.executable, "-m", "hallkiosk"]
        port = _start_on_free_port(
            lambda p: [*hk, "devices", "simulate", "id-reader", "--listen", f"socket://127.0.0.1:{p}",
                       "--card-file", str(path)], "id-reader 模拟器 simulator", self.procs)
        self.readers.append((f"{label} #{n}", path))
        return {"HALL_KIOSK__DEVICES__ID_READER": f"socket://127.0.0.1:{port}"}

    @staticmethod
    def place(path: Path, card: IdCard | None) -> None:
        """Put ``card`` on the reader of ``path`` (None: take the card away); atomic, so never half a card."""
        data = card.to_json() if card is not None else {}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


class DemoCardPanel(QWidget):
    """Pick a terminal's reader and a demo person; place their card on it or take it away."""

    def __init__(self, readers: DemoReaders, people: list[DemoPerson] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.readers = readers
        self.people = people if people is not None else demo_people()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 16, 0, 0)
        self.title = QLabel(self.tr("演示用身份证 Demo ID cards"), objectName="h2")
        self.hint = QLabel(self.tr("从这里启动的每个终端都有自己的模拟读卡器；选择终端和人员，把证件放到读卡器上"
                                   "（如开标主持人登记角色、投标人代表签到）。"), objectName="muted")
        self.hint.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        grid = QGridLayout()
        self.reader_label = QLabel(self.tr("读卡器"))
        self.reader = QComboBox()
        self.person_label = QLabel(self.tr("证件"))
        self.person = QComboBox()
        for p in self.people:
            self.person.addItem(p.label)
        for combo in (self.reader, self.person):  # a long label never widens the launcher
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        grid.addWidget(self.reader_label, 0, 0)
        grid.addWidget(self.reader, 0, 1)
        grid.addWidget(self.person_label, 1, 0)
        grid.addWidget(self.person, 1, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        row = QHBoxLayout()
        self.place_button = QPushButton(self.tr("放到读卡器上"), objectName="primary")
        self.remove_button = QPushButton(self.tr("拿走证件"))
        self.place_button.clicked.connect(self.place)
        self.remove_button.clicked.connect(self.remove)
        row.addWidget(self.place_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = QLabel(objectName="muted")
        lay.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """The readers of the terminals started so far (the newest selected)."""
        self.reader.clear()
        for label, _path in self.readers.readers:
            self.reader.addItem(label)
        self.reader.setCurrentIndex(self.reader.count() - 1)
        on = bool(self.readers.readers)
        for w in (self.place_button, self.remove_button, self.reader, self.person):
            w.setEnabled(on)
        self.status.setText("" if on else self.tr("先启动一个终端。"))

    def reader_started(self, error: str) -> None:
        """A terminal's reader is up (the list grows), or it could not start (said here)."""
        self.refresh()
        if error:
            self.status.setText(self.tr("模拟读卡器未能启动：%1").replace("%1", error))

    def _path(self) -> Path | None:
        i = self.reader.currentIndex()
        return self.readers.readers[i][1] if 0 <= i < len(self.readers.readers) else None

    def place(self) -> None:
        path, i = self._path(), self.person.currentIndex()
        if path is None or not 0 <= i < len(self.people):
            return
        self.readers.place(path, self.people[i].card)
        self.status.setText(self.tr("已放到 %1 的读卡器上：%2").replace("%1", self.reader.currentText())
                            .replace("%2", self.people[i].label))

    def remove(self) -> None:
        path = self._path()
        if path is None:
            return
        self.readers.place(path, None)
        self.status.setText(self.tr("已从 %1 的读卡器上拿走证件").replace("%1", self.reader.currentText()))
