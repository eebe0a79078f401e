"""The kiosk's check-in flow: card (or QR, then card) → checks → consent → face → head turn → confirm → slip.

人证核验 (issue 16): the consent page is about biometrics only (PIPL §28–29: a separate consent for
sensitive personal information, with a no-face alternative — the clerk at a window). After the
photo the person is asked to turn their head to a side chosen at random (请向左转头 / 请向右转头),
with a countdown; the pose of each camera frame is read off the UI thread (the camera loop) and
:func:`kiosk.checkin.liveness.decide` judges the try. Two failed tries send the photo on with
``liveness=failed`` — it is then not compared and a clerk confirms. The face comparison runs in the
check-in act (work lane), before its writer transaction. A ``no_match`` is recorded as needing the
clerk and the person is sent to the counter (the ``counter`` page; no slip is printed).

Every page that waits shows a progress bar running down to its timeout; the idle watcher's
``reset()`` (60 s without a touch) wipes the card, the photo and every name from the screens.
Refusals show what happened and what to do, in Chinese or English (the core's texts).

The UI thread never waits on the database (issue 21): the card's checks, the check-in and a reprint
are :class:`~ui.jobs.Act` s on the ``work`` lane. While one runs the page's buttons are disabled and
another card is not taken; one that could not start within 5 s (a database that does not answer)
is dropped and the card page says so, so a tap is never recorded twice or late. An outcome that
arrives after the flow was left (idle timeout) changes no screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.checkin import (
    CheckinInfo,
    CheckinOutcome,
    CheckinService,
    Evaluation,
    FaceCapture,
    Refusal,
    SessionOption,
    liveness,
)
from kiosk.checkin.liveness import LivenessPolicy, LivenessResult, Sample
from kiosk.faces import REFERENCE_ZH
from kiosk.ports import CardEvent, IdCard, Slip
from kiosk.timeutil import beijing
from ui.checkin.station import CheckinStation, FaceUpdate, PrintResult
from ui.context import UiContext
from ui.jobs import Act, JobOutcome
from ui.widgets import KioskFlow, bilingual

#: the reference a match was made with, for the English screen (kiosk.faces.REFERENCE_ZH in Chinese)
REFERENCE_EN = {"chip": "photo on your ID card's chip", "platform": "photo you registered with the platform",
                "none": "(no reference)"}

#: seconds each page waits before giving up
TIMEOUTS = {"card": 60, "refusal": 20, "choose": 45, "already": 30, "consent": 60, "face": 30, "turn": 25,
            "confirm": 45, "print": 20, "done": 25, "counter": 30}


def kind_label(kind: str) -> str:
    from PySide6.QtCore import QCoreApplication

    if kind == "bid_opening":
        return QCoreApplication.translate("CheckinFlow", "开标")
    if kind == "listing_auction":
        return QCoreApplication.translate("CheckinFlow", "挂牌竞价")
    return QCoreApplication.translate("CheckinFlow", "拍卖")


class FaceView(QLabel):
    """The live camera view with the guide frame drawn over it (green when the face passes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkinFace")
        self.setMinimumSize(480, 360)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.update_frame(None, False, (0.25, 0.05, 0.5, 0.9))

    def update_frame(self, image: QImage | None, ok: bool, guide: tuple[float, float, float, float]) -> None:
        w = max(480, min(self.width(), 960))
        h = int(w * 9 / 16)
        canvas = QPixmap(w, h)
        canvas.fill(QColor("#1f2937"))
        p = QPainter(canvas)
        if image is not None and not image.isNull():
            p.drawImage(QRectF(0, 0, w, h), image)
        gx, gy, gw, gh = guide
        p.setPen(QPen(QColor("#22c55e" if ok else "#f59e0b"), 6, Qt.PenStyle.DashLine))
        p.drawRoundedRect(QRectF(gx * w, gy * h, gw * w, gh * h), 24, 24)
        p.end()
        self.setPixmap(canvas)


class KioskCheckinFlow(KioskFlow):
    """The check-in flow registered as the kiosk's ``checkin`` tile (``done`` → home, data wiped)."""

    TIMEOUTS = TIMEOUTS

    def __init__(self, ctx: UiContext, service: CheckinService, station: CheckinStation, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = service
        self.station = station
        self.card: IdCard | None = None
        self.code: str | None = None
        self.evaluation: Evaluation | None = None
        self.option: SessionOption | None = None
        self.face: FaceCapture | None = None
        self.outcome: CheckinOutcome | None = None
        self.refusal: Refusal | None = None
        self.message: tuple[str, str] | None = None  # a refusal-page message not from the core
        self.print_job = 0
        self.print_result: PrintResult | None = None
        self.last_face: FaceUpdate | None = None
        self.photo: bytes | None = None  # the photo taken, while the head turn is checked
        self.direction: str = "left"
        self.attempt = 0
        self.turn_started = 0.0
        self.samples: list[Sample] = []
        self.turn_result: LivenessResult | None = None
        #: picks the side to turn to (random; a demo or a test may fix it)
        self.choose_direction: Callable[[], str] = liveness.choose_direction
        cfg = service.cfg
        self.policy = LivenessPolicy(turn_deg=cfg.liveness_turn_deg, seconds=cfg.liveness_seconds)
        self.turn_timer = QTimer(self)
        self.turn_timer.setInterval(250)
        self.turn_timer.timeout.connect(self._turn_tick)
        self.timing = QElapsedTimer()
        self.visit = 0  # bumped by every reset: an act's outcome for an earlier visit changes nothing
        self._build()
        self.act = Act(ctx.jobs, self._act_buttons)
        ctx.bridge.cardEvent.connect(self.on_card_event)
        ctx.bridge.scannedCode.connect(self.on_code)
        station.printed.connect(self.on_printed)
        station.face.connect(self.on_face)
        self.retranslate()
        self.show_page("card")

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        p = self._page("card")
        self.card_hint = p.label("checkinLead")
        self.card_qr = p.label("muted")
        self.card_state = p.label("h2")
        self.card_error = p.label("error")
        p.body.addStretch(1)
        self.card_cancel = p.button("secondary")
        self.card_cancel.clicked.connect(self.finish)

        p = self._page("refusal")
        p.title.setObjectName("checkinRefused")
        self.refusal_what = p.label("checkinLead")
        self.refusal_detail = p.label("muted")
        self.refusal_todo = p.label("h2")
        p.body.addStretch(1)
        self.refusal_home = p.button()
        self.refusal_home.clicked.connect(self.finish)

        self._choose_page()

        p = self._page("already")
        self.already_text = p.label("checkinLead")
        self.already_detail = p.label("muted")
        p.body.addStretch(1)
        self.already_reprint = p.button()
        self.already_reprint.clicked.connect(self.reprint)
        self.already_home = p.button("secondary")
        self.already_home.clicked.connect(self.finish)

        p = self._page("consent")
        self.consent_who = p.label("checkinLead")
        self.consent_session = p.label("muted")
        self.consent_text = p.label("")
        self.consent_choice = p.label("h2")
        p.body.addStretch(1)
        self.consent_yes = p.button()
        self.consent_yes.clicked.connect(self.start_face)
        self.consent_no = p.button("secondary")
        self.consent_no.clicked.connect(self.decline)

        p = self._page("face")
        self.face_view = FaceView()
        p.body.addWidget(self.face_view, 1)
        self.face_message = p.label("checkinLead")
        self.face_cancel = p.button("secondary")
        self.face_cancel.clicked.connect(self.finish)

        p = self._page("turn")
        self.turn_view = FaceView()
        p.body.addWidget(self.turn_view, 1)
        self.turn_prompt = p.label("checkinTurn")
        self.turn_prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.turn_count = p.label("h2")
        self.turn_count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.turn_note = p.label("muted")
        self.turn_cancel = p.button("secondary")
        self.turn_cancel.clicked.connect(self.finish)

        p = self._page("counter")
        p.title.setObjectName("checkinRefused")
        self.counter_what = p.label("checkinLead")
        self.counter_detail = p.label("muted")
        self.counter_todo = p.label("h2")
        p.body.addStretch(1)
        self.counter_home = p.button()
        self.counter_home.clicked.connect(self.finish)

        p = self._page("confirm")
        self.confirm_who = p.label("checkinLead")
        self.confirm_session = p.label("h2")
        self.confirm_bidder = p.label("")
        self.confirm_face = p.label("muted")
        p.body.addStretch(1)
        self.confirm_ok = p.button()
        self.confirm_ok.clicked.connect(self.confirm)
        self.confirm_cancel = p.button("secondary")
        self.confirm_cancel.clicked.connect(self.finish)

        p = self._page("done")
        p.title.setObjectName("checkinAccepted")
        self.done_split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.done_split.setSpacing(32)
        left = QVBoxLayout()
        left.setSpacing(16)
        self.done_paddle_label = QLabel(objectName="h2")
        self.done_paddle = QLabel(objectName="checkinPaddle")
        self.done_paddle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_paddle.setMinimumSize(300, 180)
        self.done_no = QLabel(objectName="checkinLead")
        self.done_session = QLabel()
        self.done_print = QLabel(objectName="h2")
        self.done_error = QLabel(objectName="error")
        for lab in (self.done_paddle_label, self.done_paddle, self.done_no, self.done_session, self.done_print, self.done_error):
            lab.setWordWrap(lab is not self.done_paddle)
            left.addWidget(lab)
        left.addStretch(1)
        self.done_split.addLayout(left, 1)
        self.done_slip = QLabel(objectName="checkinSlip")
        self.done_slip.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.done_scroll = QScrollArea()
        self.done_scroll.setWidget(self.done_slip)
        self.done_scroll.setWidgetResizable(True)
        self.done_scroll.setMinimumSize(520, 120)
        self.done_scroll.hide()
        self.done_split.addWidget(self.done_scroll, 1)
        p.body.addLayout(self.done_split, 1)
        self.done_home = p.button()
        self.done_home.clicked.connect(self.finish)

    # --- navigation and timeouts -------------------------------------------------------------------

    def on_timeout(self, name: str) -> None:
        if name == "face":
            self.station.stop_face()
            self.face = FaceCapture(None, "timeout")
            self.show_page("confirm")
        elif name == "turn":
            self._turn_over(LivenessResult("failed", "timeout"))
        elif name == "print" or (name == "done" and self.print_result is None and self.print_job):
            self.on_printed(PrintResult(self.print_job, False, 0, "打印超时", "printing timed out",
                                        self.station.render_preview(self.outcome.slip) if self.outcome and self.outcome.slip else None))
        else:
            self.finish()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        self.done_split.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def _act_buttons(self) -> list[QPushButton]:
        return [self.card_cancel, self.confirm_ok, self.confirm_cancel, self.already_reprint, self.already_home]

    def _acting(self, key: str, fn, on_done) -> bool:
        """Run ``fn`` as this visit's act ``key``; ``on_done(value)`` only if it succeeded and the visit goes on."""
        visit = self.visit

        def done(outcome: JobOutcome) -> None:
            if visit != self.visit:
                return  # the flow was left meanwhile (timeout, cancel): its screens are wiped
            if outcome.ok:
                on_done(outcome.value)
            else:
                self._failed(outcome)

        return self.act.run(key, fn, done)

    def _failed(self, outcome: JobOutcome) -> None:
        """An act that did not happen (database down, dropped, fault): said on the card page; nothing was recorded
        unless the core said so."""
        self.card = None
        self.refusal = None
        self.message = (outcome.zh, outcome.en)
        self.show_page("refusal")

    def reset(self) -> None:
        """Wipe everything personal and return to the first page (idle timeout, done)."""
        self.visit += 1
        self.station.stop_face()
        self.card = None
        self.code = None
        self.evaluation = None
        self.option = None
        self.face = None
        self.outcome = None
        self.refusal = None
        self.message = None
        self.print_job = 0
        self.print_result = None
        self.last_face = None
        self.photo = None
        self.attempt = 0
        self.samples = []
        self.turn_result = None
        self.turn_timer.stop()
        self.face_view.update_frame(None, False, (0.25, 0.05, 0.5, 0.9))
        self.turn_view.update_frame(None, False, (0.25, 0.05, 0.5, 0.9))
        self.done_slip.clear()
        self.done_scroll.hide()
        for lab in self.findChildren(QLabel):
            if lab not in (self.face_view, self.turn_view, self.done_slip):
                lab.clear()
        self._first_page()

    # --- input ------------------------------------------------------------------------------

    def on_code(self, code: str) -> None:
        if not self._active("card"):
            return
        self.code = code.strip()
        self.show_page("card")

    def on_card_event(self, event: CardEvent) -> None:
        if event.kind == "error" and self._active("card") and event.error is not None:
            self.card_error.setText(bilingual(self.ctx, event.error.zh, event.error.en))
            return
        if event.kind != "card" or event.card is None or not self._active("card"):
            return
        self.timing.start()
        self.handle_card(event.card)

    def handle_card(self, card: IdCard) -> None:
        """Run the checks for a card (work lane) and show what comes next."""
        if self.act.pending is not None:
            return  # the last card's checks are still running: one card at a time
        service, code = self.service, self.code
        if self._acting("evaluate", lambda: service.evaluate(card, checkin_code=code), lambda ev: self._evaluated(card, ev)):
            self.card_state.setText(self.tr("正在核验，请稍候……"))

    def _evaluated(self, card: IdCard, ev: Evaluation) -> None:
        self.card = card
        self.evaluation = ev
        refusal = ev.first_refusal
        if refusal is not None:
            self.refusal = refusal
            self.show_page("refusal")
        elif len(ev.eligible) > 1:
            self._fill_choices(ev)
            self.show_page("choose")
        elif len(ev.eligible) == 1:
            self.choose(ev.eligible[0])
        else:
            self.show_page("already")

    def _fill_choices(self, ev: Evaluation) -> None:
        self._clear_choices()
        for opt in ev.eligible:
            b = QPushButton(objectName="tile")
            b.setMinimumHeight(120)
            b.clicked.connect(lambda _=False, o=opt: self.choose(o))
            self.choose_box.addWidget(b)
            self.choose_buttons.append(b)
            b.setProperty("option", opt.session_id)

    def choose(self, option: SessionOption) -> None:
        self.option = option
        self.show_page("consent")

    def decline(self) -> None:
        """No consent to the face check: nothing is taken or recorded; the clerk checks the person in."""
        self.refusal = None
        self.message = ("您未同意人脸核验。请到服务窗口，由工作人员当面核对身份证件后为您签到",
                        "You did not agree to the face check: a clerk at a service window will check your ID and check you in")
        self.show_page("refusal")

    def start_face(self) -> None:
        self.show_page("face")
        self.station.start_face()

    def on_face(self, update: FaceUpdate) -> None:
        if self._active("turn"):
            self._on_turn_frame(update)
            return
        if not self._active("face"):
            return
        self.last_face = update
        if update.camera_missing:
            self.station.stop_face()
            self.face = FaceCapture(None, "camera_missing")
            self.show_page("confirm")
            return
        self.face_view.update_frame(update.image, update.ok, update.guide)
        self.face_message.setText(bilingual(self.ctx, update.message_zh, update.message_en))
        if update.captured_jpeg:
            if not self.station.liveness_available:
                self.station.stop_face()  # no engine to read the pose: no liveness, no comparison
                self.face = FaceCapture(update.captured_jpeg, "captured", liveness="not_done")
                self.show_page("confirm")
                return
            self.photo = update.captured_jpeg
            self.attempt = 0
            self._start_turn()

    # --- the head turn (liveness) ------------------------------------------------------------------

    def _start_turn(self) -> None:
        self.attempt += 1
        self.direction = self.choose_direction()
        self.samples = []
        self.turn_started = time.monotonic()
        if self.last_face is not None:  # the last view until the first frame of the try arrives
            self.turn_view.update_frame(self.last_face.image, True, self.last_face.guide)
        self.show_page("turn")
        self.turn_timer.start()

    def _on_turn_frame(self, update: FaceUpdate) -> None:
        if update.camera_missing:
            self._turn_over(LivenessResult("failed", "face_lost"))
            return
        if update.image is not None:
            self.turn_view.update_frame(update.image, update.pose is not None, update.guide)
        if not update.posing or update.t < self.turn_started:
            return  # a frame taken before the prompt showed
        self.samples.append(Sample(update.t, update.pose))
        self._judge(update.t)

    def _turn_tick(self) -> None:
        if not self._active("turn"):
            self.turn_timer.stop()
            return
        self._judge(time.monotonic())
        if self._active("turn"):
            self.turn_count.setText(self._countdown_text())

    def _judge(self, now: float) -> None:
        got = liveness.decide(self.samples, self.direction, self.policy, started=self.turn_started,  # type: ignore[arg-type]
                              now=now)
        if got.verdict != "undecided":
            self._turn_over(got)

    def _turn_over(self, got: LivenessResult) -> None:
        self.turn_timer.stop()
        self.turn_result = got
        if got.verdict == "passed":
            self.station.stop_face()
            self.face = FaceCapture(self.photo, "captured", liveness="passed")
            self.show_page("confirm")
        elif self.attempt < liveness.ATTEMPTS:
            self._start_turn()
        else:
            self.station.stop_face()
            self.face = FaceCapture(self.photo, "captured", liveness="failed")
            self.show_page("confirm")

    def _countdown_text(self) -> str:
        left = liveness.seconds_left(time.monotonic(), self.turn_started, self.policy)
        return self.tr("%1 秒").replace("%1", str(left)) + " · " + self.tr("第 %1 次，共 %2 次").replace(
            "%1", str(self.attempt)).replace("%2", str(liveness.ATTEMPTS))

    def confirm(self) -> None:
        if self.card is None or self.option is None:
            self.finish()
            return
        if self.act.pending is not None:
            return  # one check-in per touch
        service, card, sid, code = self.service, self.card, self.option.session_id, self.code
        face = self.face or FaceCapture(None, "timeout")
        if self._acting("check-in", lambda: service.check_in(card, sid, face=face, checkin_code=code), self._checked_in):
            self.confirm_ok.setText(self.tr("正在签到……"))

    def _checked_in(self, out: CheckinOutcome) -> None:
        self.outcome = out
        if out.refusal is not None:
            self.refusal = out.refusal
            self.show_page("refusal")
            return
        if out.face is not None and out.face.result == "no_match" and out.needs_clerk:
            self.show_page("counter")  # never admitted by the kiosk: no slip, the clerk decides
            return
        self.print_result = None
        self.print_job = self.station.print_slip(out.slip) if out.slip else 0
        self.show_page("done")

    def reprint(self) -> None:
        if self.evaluation is None or not self.evaluation.already:
            return
        existing = self.evaluation.already[0].existing
        service, cid, by = self.service, existing[0].checkin_id, self.ctx.hall.config.site.terminal_id
        self._acting("reprint", lambda: service.reprint(cid, by=by), lambda got: self._reprinted(existing, got[1]))

    def _reprinted(self, existing: tuple[CheckinInfo, ...], slip: Slip) -> None:
        self.outcome = CheckinOutcome(existing, None, slip, ())
        self.print_result = None
        self.print_job = self.station.print_slip(slip)
        self.show_page("done")

    def on_printed(self, result: PrintResult) -> None:
        if result.job_id != self.print_job or not self._active("done"):
            return
        self.print_result = result
        if not result.ok and result.preview_png:
            img = QImage.fromData(result.preview_png)
            self.done_slip.setPixmap(QPixmap.fromImage(img).scaledToWidth(min(img.width(), 520),
                                                                           Qt.TransformationMode.SmoothTransformation))
            self.done_scroll.show()
        self.retranslate()

    # --- texts ----------------------------------------------------------------------------------

    def _session_line(self, o: SessionOption | CheckinInfo) -> str:
        if isinstance(o, SessionOption):
            title, kind, room, when = o.title, o.kind, o.room_name, o.starts_at
        else:
            title, kind, room, when = o.session_title, o.session_kind, o.room_name, o.starts_at
        return f"{beijing(when):%H:%M} · {kind_label(kind)} · {room}\n{title}"

    def retranslate(self) -> None:  # noqa: C901 - one place for every text of the flow
        ev, card = self.evaluation, self.card
        p = self.pages
        p["card"].title.setText(self.tr("签到：请将身份证放在阅读区"))
        self.card_hint.setText(self.tr("将身份证平放在下方读卡区，保持不动约 1 秒"))
        self.card_qr.setText(self.tr("也可以先扫描报名二维码，再放身份证。支持居民身份证、港澳台居民居住证、外国人永久居留身份证。"))
        self.card_state.setText(self.tr("已识别报名二维码，请放置身份证") if self.code else self.tr("正在等待读卡……"))
        self.card_cancel.setText(self.tr("返回首页"))

        p["refusal"].title.setText(self.tr("无法签到"))
        if self.refusal is not None:
            r = self.refusal
            self.refusal_what.setText(bilingual(self.ctx, r.zh, r.en))
            self.refusal_detail.setText(r.detail)
            self.refusal_todo.setText(bilingual(self.ctx, r.advice_zh, r.advice_en))
        elif self.message is not None:
            self.refusal_what.setText(bilingual(self.ctx, *self.message))
            self.refusal_detail.clear()
            self.refusal_todo.setText(self.tr("请到服务窗口办理"))
        self.refusal_home.setText(self.tr("返回首页"))

        p["choose"].title.setText(self.tr("请选择要签到的场次"))
        if ev is not None and card is not None:
            self.choose_hint.setText(self.tr("%1，您今天有多个可签到的场次：").replace("%1", ev.person_name_masked))
            for b, o in zip(self.choose_buttons, ev.eligible, strict=False):
                b.setText(self._session_line(o))
        self.choose_cancel.setText(self.tr("返回首页"))

        p["already"].title.setText(self.tr("您已签到"))
        if ev is not None and ev.already:
            info = ev.already[0].existing[0]
            text = self.tr("%1 已于 %2 签到，签到号 %3").replace("%1", info.person_name_masked).replace(
                "%2", f"{beijing(info.checked_in_at):%H:%M}").replace("%3", info.checkin_no_text)
            if info.paddle_no:
                text += " · " + self.tr("竞买号牌 %1").replace("%1", info.paddle_no)
            self.already_text.setText(text)
            self.already_detail.setText(self._session_line(info) + "\n" + self.tr("同一场次不能重复签到。如签到单遗失，可重新打印。"))
        self.already_reprint.setText(self.tr("重新打印签到单"))
        self.already_home.setText(self.tr("返回首页"))

        p["consent"].title.setText(self.tr("人脸识别核验：单独告知与同意"))
        if self.option is not None and ev is not None:
            self.consent_who.setText(self.tr("%1（%2），您好").replace("%1", ev.person_name_masked).replace("%2", ev.id_masked))
            self.consent_session.setText(self._session_line(self.option))
        self.consent_text.setText(self.tr(
            "为核验您是否为身份证持证人本人，本机将拍摄您的面部照片，请您按提示转头以确认真人在场，"
            "并将照片与身份证芯片照片或交易平台登记的照片比对。人脸信息属于敏感个人信息，仅用于本次签到的身份核验："
            "照片加密保存，%1 天后删除；只记录比对分值，不保存人脸特征数据，不用于其他用途。").replace(
            "%1", str(self.service.photo_retention_days)))
        self.consent_choice.setText(self.tr("您可以不同意：请到服务窗口，由工作人员当面核对证件后签到，不影响您参加交易。"))
        self.consent_yes.setText(self.tr("同意，开始人脸核验"))
        self.consent_no.setText(self.tr("不同意，到窗口办理"))

        p["face"].title.setText(self.tr("请正对摄像头，将面部置于框内"))
        if self.last_face is None:
            self.face_message.setText(self.tr("正在打开摄像头……"))
        self.face_cancel.setText(self.tr("取消"))

        zh, en = liveness.PROMPTS.get(self.direction, liveness.PROMPTS["left"])
        p["turn"].title.setText(self.tr("活体检测：请按提示转头"))
        arrow = "←" if self.direction == "left" else "→"
        self.turn_prompt.setText(f"{arrow} {bilingual(self.ctx, zh, en)}")
        self.turn_count.setText(self._countdown_text() if self.attempt else "")
        failed = self.turn_result if self.attempt > 1 and self.turn_result is not None else None
        self.turn_note.setText(bilingual(self.ctx, failed.zh, failed.en) + " · " + self.tr("请再试一次。") if failed
                               else self.tr("转头后保持约 1 秒，面部保持在画面内。"))
        self.turn_cancel.setText(self.tr("取消"))

        p["counter"].title.setText(self.tr("人脸比对未通过"))
        self.counter_what.setText(bilingual(self.ctx, "现场人像与参考照片不一致，本机不能为您完成签到",
                                            "Your face does not match the reference photo: the kiosk cannot check you in"))
        if out_first := (self.outcome.accepted[0] if self.outcome is not None and self.outcome.accepted else None):
            self.counter_detail.setText(self._session_line(out_first) + "\n" + self.tr("签到记录已保存，等待工作人员核验。"))
        self.counter_todo.setText(bilingual(self.ctx, "请到服务窗口，由工作人员核验身份后为您确认签到",
                                            "Please go to a service window: a clerk will check your identity and confirm"))
        self.counter_home.setText(self.tr("返回首页"))

        p["confirm"].title.setText(self.tr("请确认签到信息"))
        if ev is not None and self.option is not None:
            self.confirm_who.setText(self.tr("签到人：%1（%2）").replace("%1", ev.person_name_masked).replace("%2", ev.id_masked))
            self.confirm_session.setText(self._session_line(self.option))
            bidder = "、".join(self.option.bidder_names)
            if self.option.lots:
                bidder += " · " + self.tr("标的 %1").replace("%1", "、".join(self.option.lots))
            self.confirm_bidder.setText(self.tr("代表单位：%1").replace("%1", bidder))
        if self.face is not None:
            if self.face.status == "captured" and self.face.liveness == "failed":
                self.confirm_face.setText(self.tr("活体检测未通过：签到后请到服务窗口由工作人员确认身份。"))
            elif self.face.status == "captured" and self.face.liveness == "passed":
                self.confirm_face.setText(self.tr("人脸照片已采集，活体检测通过；确认后与参考照片比对。"))
            elif self.face.status == "captured":
                self.confirm_face.setText(self.tr("人脸照片已采集。"))
            elif self.face.status == "camera_missing":
                self.confirm_face.setText(self.tr("摄像头不可用：签到后请到服务窗口由工作人员确认身份。"))
            else:
                self.confirm_face.setText(self.tr("未能采集到合格的人脸照片：签到后请到服务窗口由工作人员确认身份。"))
        self.confirm_ok.setText(self.tr("确认签到"))
        self.confirm_cancel.setText(self.tr("取消"))

        p["done"].title.setText(self.tr("签到成功"))
        out = self.outcome
        if out is not None and out.accepted:
            first = out.accepted[0]
            self.done_paddle_label.setVisible(bool(first.paddle_no))
            self.done_paddle.setVisible(bool(first.paddle_no))
            if first.paddle_no:
                self.done_paddle_label.setText(self.tr("您的竞买号牌（请到场领取号牌）"))
                self.done_paddle.setText(first.paddle_no)
            self.done_no.setText(self.tr("签到号 %1 · %2").replace("%1", "、".join(i.checkin_no_text for i in out.accepted))
                                 .replace("%2", first.person_name_masked))
            self.done_session.setText(self._session_line(first))
            if out.face is not None and out.face.result == "match":
                ref = out.face.reference
                self.done_session.setText(self._session_line(first) + "\n" + bilingual(
                    self.ctx, f"人证核验通过：与{REFERENCE_ZH[ref]}一致", f"Identity verified: your face matches the {REFERENCE_EN[ref]}"))
            if out.needs_clerk:
                self.done_session.setText(self._session_line(first) + "\n" + bilingual(
                    self.ctx, f"人证核验未完成 · {out.face.note if out.face else ''} · 请到服务窗口由工作人员确认身份",
                    "Identity check not completed: a clerk at a service window will confirm who you are."))
            printed = self.print_result
            if printed is None:
                self.done_print.setText(self.tr("正在打印签到单，请稍候……"))
                self.done_error.clear()
            elif printed.ok:
                self.done_print.setText(self.tr("请取走签到单，凭单入场。"))
                self.done_error.clear()
            else:
                self.done_print.setText(self.tr("签到已完成，但签到单未能打印。请用手机拍下下方签到单，或到服务窗口补打。"))
                self.done_error.setText(bilingual(self.ctx, printed.error_zh, printed.error_en))
        self.done_home.setText(self.tr("完成"))
