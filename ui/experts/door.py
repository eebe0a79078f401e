"""The evaluation area's door (评标区入口签到, issue 17 must 3): the ``kiosk`` role in ``[kiosk] mode = "evaluation_area"``.

The screen *is* the terminal's home: a card on the reader starts everything.

* card → :meth:`SigninService.identify` (work lane): someone inside is offered 签退 (sign-out); a
  refusal (not drawn, declined, another day or room, nobody expected) is recorded and said in Chinese
  and English; otherwise the face page takes one photo (the check-in station's camera loop) and
  :meth:`face_check` + :meth:`sign_in` run on the work lane (the face engine never on the UI thread);
* admitted: the room, the locker for the phone (通讯管理) — released with the door by the service;
* a face that did not match (or no photo): the ``pending`` page asks for the staff member on duty, whose
  own card opens the ``clerk`` page: a note (required by the core), a PIN where their card is linked to
  a hall account, 准许入场 / 不予入场 (:meth:`confirm` with the ``witness`` role taken by that card);
* a card that cannot be read is recorded (no person) and said.

Names: the card holder's own name, masked (张*三), and nothing else; the footer shows today's rooms
with counts only. Every page falls back to the card page after its countdown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from kiosk.experts.views import DoorOutcome, DoorVisitor, RoomCount
from kiosk.pii import mask_name
from kiosk.ports import CardEvent, IdCard
from kiosk.timeutil import beijing
from ui.checkin.flow import FaceView
from ui.checkin.station import CheckinStation, FaceUpdate
from ui.context import UiContext
from ui.jobs import Act, JobOutcome
from ui.widgets import KioskFlow

#: reader faults (the reader itself, not a card on it): shown by the status bar, never recorded as a card
READER_FAULTS = frozenset({"offline", "no-answer", "timeout", "not-configured", "driver-missing", "build-failed"})
#: seconds each page waits before going back to the card page (the card page never times out)
TIMEOUTS = {"card": 10**6, "checking": 20, "face": 25, "result": 12, "inside": 20, "pending": 180, "clerk": 90}


def rooms_line(counts: list[RoomCount]) -> str:
    """Today's sittings, counts only: "14:30 第二评标室 已签到 3/5"."""
    return "；".join(f"{beijing(c.starts_at):%H:%M} {c.room_name or c.room_code} 已签到 {c.members_in}/{c.members_total}"
                    for c in counts)


class DoorScreen(KioskFlow):
    """The door's pages (see the module doc). ``service`` is a :class:`kiosk.experts.signin.SigninService`,
    ``staffing`` a :class:`kiosk.staffing.StaffingService` (the clerk's role, by their card)."""

    TIMEOUTS = TIMEOUTS

    def __init__(self, ctx: UiContext, service: Any, staffing: Any, station: CheckinStation,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = service
        self.staffing = staffing
        self.station = station
        self.act = Act(ctx.jobs, self._act_buttons)
        self.card: IdCard | None = None
        self.visitor: DoorVisitor | None = None
        self.outcome: DoorOutcome | None = None
        self.pending: DoorOutcome | None = None
        self.clerk_card: IdCard | None = None
        self.counts: list[RoomCount] = []
        self._build()
        ctx.bridge.cardEvent.connect(self.on_card_event)
        station.face.connect(self.on_face)
        self.rooms_timer = QTimer(self)
        self.rooms_timer.timeout.connect(self.load_rooms)
        self.rooms_timer.start(30_000)
        self._first_page()
        self.load_rooms()

    # --- pages ---------------------------------------------------------------------------------

    def _build(self) -> None:
        p = self._page("card")
        self.card_lead = p.label("checkinLead")
        self.card_en = p.label("h2")
        self.card_hint = p.label("muted")
        p.body.addStretch(1)
        self.rooms = p.label("h2")
        self.card_note = p.label("muted")

        p = self._page("checking")
        self.checking_text = p.label("checkinLead")
        p.body.addStretch(1)

        p = self._page("face")
        self.face_view = FaceView()
        p.body.addWidget(self.face_view, 1)
        self.face_message = p.label("checkinLead")
        self.face_cancel = p.button("secondary")
        self.face_cancel.clicked.connect(self.finish)

        p = self._page("result")
        self.result_room = p.label("checkinPaddle")
        self.result_room.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_zh = p.label("checkinLead")
        self.result_en = p.label("h2")
        self.result_locker = p.label("checkinLead")
        self.result_device = p.label("error")
        p.body.addStretch(1)
        self.result_done = p.button()
        self.result_done.clicked.connect(self.finish)

        p = self._page("inside")
        self.inside_text = p.label("checkinLead")
        self.inside_en = p.label("h2")
        p.body.addStretch(1)
        self.signout_btn = p.button()
        self.signout_btn.clicked.connect(self.sign_out)
        self.inside_cancel = p.button("secondary")
        self.inside_cancel.clicked.connect(self.finish)

        p = self._page("pending")
        p.title.setObjectName("checkinRefused")
        self.pending_zh = p.label("checkinLead")
        self.pending_en = p.label("h2")
        self.pending_todo = p.label("checkinLead")
        p.body.addStretch(1)

        p = self._page("clerk")
        self.clerk_who = p.label("checkinLead")
        self.note_label = p.label("h2")
        self.note = QLineEdit(objectName="doorInput")
        self.note.setMinimumHeight(72)
        self.note.textChanged.connect(self._note_edited)
        p.body.addWidget(self.note)
        row = QHBoxLayout()  # a touch screen has no keyboard: the usual notes are one touch away
        self.presets: list[QPushButton] = []
        for _k in range(2):
            b = QPushButton(objectName="secondary")
            b.setMinimumHeight(72)
            b.clicked.connect(lambda _=False, btn=b: self.note.setText(btn.property("note") or ""))
            row.addWidget(b)
            self.presets.append(b)
        p.body.addLayout(row)
        self.pin_label = p.label("muted")
        self.pin = QLineEdit(objectName="doorInput")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMinimumHeight(72)
        p.body.addWidget(self.pin)
        self.clerk_error = p.label("error")
        p.body.addStretch(1)
        self.admit_btn = p.button()
        self.admit_btn.clicked.connect(lambda: self.decide(True))
        self.refuse_btn = p.button("secondary")
        self.refuse_btn.clicked.connect(lambda: self.decide(False))

    def _note_edited(self, _text: str) -> None:
        self.clerk_error.clear()

    def _act_buttons(self) -> list[Any]:
        return [self.signout_btn, self.admit_btn, self.refuse_btn]

    def reset(self) -> None:
        """Back to the card page; the card, the photo and the clerk's entries are wiped."""
        self.station.stop_face()
        self.card = self.visitor = self.outcome = self.pending = self.clerk_card = None
        self.note.clear()
        self.pin.clear()
        self.clerk_error.clear()
        self.face_view.update_frame(None, False, (0.25, 0.05, 0.5, 0.9))
        self._first_page()

    def finish(self) -> None:
        """The door is its own home: a flow's end is the card page again."""
        self.reset()
        self.show_page("card")
        self.load_rooms()

    def on_timeout(self, name: str) -> None:
        if name == "face" and self.card is not None:  # no usable photo in time: the clerk decides
            self.station.stop_face()
            self._sign_in(None)
            return
        self.finish()

    # --- the rooms line (counts only) --------------------------------------------------------------

    def load_rooms(self) -> None:
        self.ctx.jobs.run("door-rooms", self.service.room_counts, self._rooms_loaded, lane="read")

    def _rooms_loaded(self, outcome: JobOutcome) -> None:
        if outcome.ok:
            self.counts = list(outcome.value)
            self.retranslate()

    # --- cards ---------------------------------------------------------------------------------------

    def on_card_event(self, event: CardEvent) -> None:
        page = self.currentWidget()
        if event.kind == "error" and page is self.pages["card"]:
            if event.error is not None and event.error.code in READER_FAULTS:
                return
            self.act.run("door-unreadable", self.service.refuse_unreadable, self._done)
            return
        if event.kind != "card" or event.card is None:
            return
        if page is self.pages["pending"]:
            if self.card is not None and event.card.id_number == (self.card.id_number or ""):
                return  # the person waiting, not the staff member
            self.clerk_card = event.card
            self.show_page("clerk")
            return
        if page in (self.pages["card"], self.pages["result"]):
            self.handle_card(event.card)

    def handle_card(self, card: IdCard) -> None:
        self.reset()
        self.card = card
        self.show_page("checking")
        self.act.run("door-identify", lambda: self.service.identify(card), self._identified)

    def _identified(self, outcome: JobOutcome) -> None:
        if not outcome.ok or self.card is None:
            self._failed(outcome)
            return
        v: DoorVisitor = outcome.value
        self.visitor = v
        if v.inside:
            self.show_page("inside")
        elif v.refusal is not None:
            self._sign_in(None)  # recorded as refused, said plainly
        elif v.pending:
            zh, en = ("人脸核验未通过，等待工作人员核验", "waiting for a staff member's check")
            self.pending = DoorOutcome("pending", zh, en, v.evaluation_id, v.room_name, who=v.who)
            self.show_page("pending")
        else:
            self.show_page("face")
            self.station.start_face()

    def on_face(self, update: FaceUpdate) -> None:
        if self.currentWidget() is not self.pages["face"] or self.card is None:
            return
        if update.camera_missing:
            self._sign_in(None)
            return
        self.face_view.update_frame(update.image, update.ok, update.guide)
        if update.message_zh:
            self.face_message.setText(update.message_zh if self.ctx.languages.current != "en" else update.message_en)
        if update.captured_jpeg is not None:
            self.station.stop_face()
            self._sign_in(update.captured_jpeg)

    def _sign_in(self, jpeg: bytes | None) -> None:
        card = self.card
        if card is None:
            return
        self.show_page("checking")
        svc = self.service
        self.act.run("door-signin", lambda: svc.sign_in(card, svc.face_check(card, jpeg) if jpeg is not None else None),
                     self._done)

    def sign_out(self) -> None:
        card = self.card
        if card is not None:
            self.act.run("door-signout", lambda: self.service.sign_out(card), self._done)

    def decide(self, admit: bool) -> None:
        card, pending = self.clerk_card, self.pending
        if card is None or pending is None or pending.evaluation_id is None:
            return
        note, pin = self.note.text(), self.pin.text().strip() or None
        ev, who = pending.evaluation_id, pending.who

        def act() -> DoorOutcome:
            holder = self.staffing.take_role(ev, "witness", card=card, pin=pin)
            return self.service.confirm(ev, who, holder, note, admit=admit)

        self.act.run("door-confirm", act, self._decided)

    def _decided(self, outcome: JobOutcome) -> None:
        if not outcome.ok:
            self.clerk_error.setText(f"{outcome.zh}\n{outcome.en}")
            return
        self._done(outcome)

    def _done(self, outcome: JobOutcome) -> None:
        if not outcome.ok:
            self._failed(outcome)
            return
        out: DoorOutcome = outcome.value
        self.outcome = out
        if out.result == "pending":
            self.pending = out
            self.show_page("pending")
        else:
            self.show_page("result")
        self.load_rooms()

    def _failed(self, outcome: JobOutcome) -> None:
        self.outcome = DoorOutcome("refused", outcome.zh or "出现故障，请联系工作人员", outcome.en or "a fault: please ask the staff")
        self.show_page("result")

    # --- words -------------------------------------------------------------------------------------

    def _who(self) -> str:
        return mask_name(self.card.name) if self.card is not None and self.card.name else ""

    def _also(self, en: str, sep: str = "\n") -> str:
        """The English beside the Chinese (a Chinese screen says both); nothing on an English screen."""
        return "" if self.ctx.languages.current == "en" else sep + en

    def retranslate(self) -> None:  # noqa: C901 - one place for every text of the door
        p = self.pages
        p["card"].title.setText(self.tr("评标区入口 · 签到 / 签退"))
        self.card_lead.setText(self.tr("请将身份证放在读卡区"))
        self.card_en.setText(self._also("Place your ID card on the reader", ""))
        self.card_en.setVisible(bool(self.card_en.text()))
        self.card_hint.setText(self.tr("评标专家、招标人代表和工作人员刷身份证并核验人脸后入场；离场时再刷身份证签退。"
                                       "手机请存入分配的手机柜。") +
                               self._also("Experts, the tenderer's representative and staff: ID card and face to enter; "
                                          "the card again to sign out. Phones go into the locker you are given."))
        self.rooms.setText(rooms_line(self.counts) if self.counts else self.tr("今日暂无评标安排"))
        self.card_note.setText(self.tr("如需帮助，请联系现场工作人员。"))
        p["checking"].title.setText(self.tr("正在核验，请稍候…"))
        self.checking_text.setText(f"{self._who()}  {self.tr('正在核验，请稍候…')}")
        p["face"].title.setText(self.tr("人证核验：请正视摄像头"))
        if not self.face_message.text():
            self.face_message.setText(self.tr("请摘下帽子和口罩，正对摄像头 / Look at the camera"))
        self.face_cancel.setText(self.tr("取消"))
        out = self.outcome
        if out is not None:
            titles = {"admitted": self.tr("请进"), "signed_out": self.tr("已签退"), "refused": self.tr("不能入场")}
            p["result"].title.setText(titles.get(out.result, "") + self._also(
                {"admitted": "Please enter", "signed_out": "Signed out", "refused": "No entry"}.get(out.result, ""), " · "))
            p["result"].title.setObjectName("checkinAccepted" if out.result != "refused" else "checkinRefused")
            p["result"].title.style().polish(p["result"].title)
            self.result_room.setText(out.room_name if out.result != "refused" else "")
            self.result_room.setVisible(bool(out.room_name) and out.result != "refused")
            self.result_zh.setText(f"{self._who()}  {out.zh}".strip())
            self.result_en.setText(out.en)
            locker = ""
            if out.locker is not None and out.result == "admitted":
                locker = self.tr("请将手机关机后放入 %1 号手机柜，关好柜门").replace("%1", str(out.locker)) + \
                    self._also(f"Put your phone (switched off) into locker {out.locker} and shut it")
            elif out.locker is not None and out.result == "signed_out":
                locker = self.tr("%1 号手机柜已打开，请取回手机").replace("%1", str(out.locker)) + \
                    self._also(f"Locker {out.locker} is open: take your phone")
            elif out.result == "admitted" and self.service.lockers > 0:
                locker = self.tr("手机柜已满：请将手机交工作人员保管") + self._also("No locker free: hand your phone to the staff")
            self.result_locker.setText(locker)
            self.result_device.setText(f"{out.device_zh}\n{out.device_en}" if out.device_zh else "")
        self.result_done.setText(self.tr("完成"))
        v = self.visitor
        p["inside"].title.setText(self.tr("您已签到 · Signed in"))
        if v is not None:
            where = v.room_name + (self.tr("，%1 号手机柜").replace("%1", str(v.locker)) if v.locker is not None else "")
            self.inside_text.setText(f"{self._who()}  {where}")
            self.inside_en.setText(self.tr("离场请按「签退」") + self._also("press Sign out to leave", " — "))
        self.signout_btn.setText(self.tr("签退 Sign out"))
        self.inside_cancel.setText(self.tr("取消"))
        p["pending"].title.setText(self.tr("请稍候，工作人员将为您核验"))
        pend = self.pending
        if pend is not None:
            self.pending_zh.setText(f"{self._who()}  {pend.zh}".strip())
            self.pending_en.setText(pend.en or "Please wait: a staff member will check")
        self.pending_todo.setText(self.tr("工作人员：请刷本人身份证进行核验") + self._also("Staff: place your own ID card", " / "))
        p["clerk"].title.setText(self.tr("工作人员核验 · Staff check"))
        self.clerk_who.setText(self.tr("待核验：%1").replace("%1", self._who()) + (f"  {pend.room_name}" if pend else ""))
        self.note_label.setText(self.tr("核验情况（必填）Note of what you checked (required)"))
        self.note.setPlaceholderText(self.tr("如：核对身份证与本人，确认无误"))
        notes = (self.tr("核对身份证与本人，面部特征一致，确认无误"), self.tr("本人与身份证不符"))
        for b, note, label in zip(self.presets, notes, (self.tr("证件与本人一致"), self.tr("证件与本人不符")), strict=True):
            b.setText(label)
            b.setProperty("note", note)
        self.pin_label.setText(self.tr("如本人持有本厅账号，请输入 PIN / Your PIN if your card is linked to a hall account"))
        self.admit_btn.setText(self.tr("准许入场 Admit"))
        self.refuse_btn.setText(self.tr("不予入场 Refuse"))
