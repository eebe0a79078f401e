"""Shared widgets: the header, status bar items, the touch PIN pad, the operator login, kiosk flow pages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.operators import OperatorInfo
from ui.context import UiContext
from ui.jobs import PIN, JobOutcome


def bilingual(ctx: UiContext, zh: str, en: str) -> str:
    """Pick the core's message in the current language (core errors carry both)."""
    return en if ctx.languages.current == "en" else zh


class Retranslatable:
    """Mixin: calls ``retranslate()`` whenever the language changes."""

    def retranslate(self) -> None:  # pragma: no cover - overridden
        pass

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]  # a mixin: the QWidget comes after it in the MRO


class PinPad(QWidget):
    """A touch keypad writing digits into a QLineEdit (large keys, no on-screen keyboard needed)."""

    submitted = Signal()

    def __init__(self, target: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = target
        grid = QGridLayout(self)
        grid.setSpacing(12)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "✓"]
        for i, key in enumerate(keys):
            btn = QPushButton(key)
            btn.setObjectName("primary" if key == "✓" else "key")
            btn.setMinimumSize(120, 88)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(btn, i // 3, i % 3)

    def _press(self, key: str) -> None:
        if key == "⌫":
            self.target.backspace()
        elif key == "✓":
            self.submitted.emit()
        else:
            self.target.insert(key)


class LoginPanel(Retranslatable, QWidget):
    """Operator login: username and PIN with a touch PIN pad; wrong PINs and lockouts explained.

    Two more things happen here (issue 20 must 6): an operator whose PIN is shorter than 6 digits is
    asked to set a new one right after logging in (or to do it later: the flag stays); and an
    operator made to wait after wrong PINs can have the wait cleared on the spot by an admin or a
    colleague of the same role with their own PIN (:class:`ClearDelayDialog`), journalled.

    Signals:
        loggedIn(object): the ``OperatorInfo`` of the operator who logged in.
    """

    loggedIn = Signal(object)

    def __init__(self, ctx: UiContext, roles: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.roles = roles
        self._changing: tuple[OperatorInfo, str] | None = None  #: logged in, PIN to change (and the old PIN)
        self._waiting_user = ""  #: the username told to wait after wrong PINs
        self.title = QLabel(objectName="h2")
        self.user = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin2 = QLineEdit()  #: the new PIN again (change mode only)
        self.pin2.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin2.setMaxLength(12)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        self.button = QPushButton(objectName="primary")
        self.button.clicked.connect(self.submit)
        self.later = QPushButton()  #: change mode: keep the short PIN for now
        self.later.clicked.connect(self._skip_change)
        self.clear_wait = QPushButton()  #: after wrong PINs: a colleague or an admin clears the wait
        self.clear_wait.clicked.connect(self._ask_clear)
        self.user.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.pin2.returnPressed.connect(self.submit)
        self.pad = PinPad(self.pin)
        self.pad.submitted.connect(self._pad_submit)

        form = QVBoxLayout()
        form.setSpacing(14)
        form.addWidget(self.title)
        self.user_label = QLabel()
        self.pin_label = QLabel()
        self.pin2_label = QLabel()
        form.addWidget(self.user_label)
        form.addWidget(self.user)
        form.addWidget(self.pin_label)
        form.addWidget(self.pin)
        form.addWidget(self.pin2_label)
        form.addWidget(self.pin2)
        form.addWidget(self.button)
        form.addWidget(self.later)
        form.addWidget(self.message)
        form.addWidget(self.clear_wait)
        form.addStretch(1)
        box = QHBoxLayout(self)
        box.addStretch(1)
        box.addLayout(form, 3)
        box.addSpacing(40)
        pad_box = QVBoxLayout()
        pad_box.addWidget(self.pad)
        pad_box.addStretch(1)
        box.addLayout(pad_box, 2)
        box.addStretch(1)
        self._show_mode()
        self.retranslate()

    def retranslate(self) -> None:
        changing = self._changing is not None
        self.title.setText(self.tr("请设置新的 PIN 码") if changing else self.tr("工作人员登录"))
        self.user_label.setText(self.tr("用户名"))
        self.pin_label.setText(self.tr("新 PIN 码（6–12 位数字）") if changing else self.tr("PIN 码"))
        self.pin2_label.setText(self.tr("再次输入新 PIN 码"))
        self.user.setPlaceholderText(self.tr("请输入用户名"))
        self.pin.setPlaceholderText(self.tr("请输入新 PIN 码") if changing else self.tr("请输入 PIN 码"))
        self.pin2.setPlaceholderText(self.tr("请再次输入"))
        self.button.setText(self.tr("更换 PIN 码") if changing else self.tr("登录"))
        self.later.setText(self.tr("稍后更换"))
        self.clear_wait.setText(self.tr("请管理员或同岗位人员解除等待"))

    def _show_mode(self) -> None:
        changing = self._changing is not None
        login_only: tuple[QWidget, ...] = (self.user_label, self.user)
        change_only: tuple[QWidget, ...] = (self.pin2_label, self.pin2, self.later)
        for w in login_only:
            w.setVisible(not changing)
        for w in change_only:
            w.setVisible(changing)
        self.clear_wait.setVisible(not changing and bool(self._waiting_user))

    @property
    def checking(self) -> bool:
        """A PIN is being checked (off the UI thread): the button waits for the answer."""
        return not self.button.isEnabled()

    def _pad_submit(self) -> None:
        if self._changing is not None and self.pad.target is self.pin and self.pin.text() and not self.pin2.text():
            self.pad.target = self.pin2  # the pad's ✓ moves to the second field first
            self.pin2.setFocus()
            return
        self.submit()

    def submit(self) -> None:
        if self.checking:
            return  # one check at a time: a second press waits for the first answer
        if self._changing is not None:
            self._submit_change()
            return
        username, pin = self.user.text().strip(), self.pin.text()
        self.pin.clear()
        if not username or not pin:
            self.message.setText(self.tr("请输入用户名和 PIN 码"))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("正在验证…"))
        hall, roles = self.ctx.hall, self.roles
        self.ctx.jobs.run("login", lambda: (hall.login(username, pin, roles=roles), pin), self._answered, lane=PIN)

    def _answered(self, outcome: JobOutcome) -> None:
        self.button.setEnabled(True)
        if not outcome.ok:
            self._waiting_user = self.user.text().strip() if outcome.code == "wait" else ""
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))
            self._show_mode()
            return
        info, pin = outcome.value
        self._waiting_user = ""
        self.message.clear()
        if info.pin_change_due:  # an older PIN of 4 or 5 digits: ask for a new one now
            self._changing = (info, pin)
            self.pad.target = self.pin
            self.message.setText(bilingual(self.ctx, "您的 PIN 码少于 6 位，请更换为 6–12 位数字",
                                           "your PIN has fewer than 6 digits: please change it to 6-12 digits"))
            self._show_mode()
            self.retranslate()
            self.pin.setFocus()
            return
        self._enter(info)

    def _submit_change(self) -> None:
        assert self._changing is not None
        info, old = self._changing
        new, again = self.pin.text(), self.pin2.text()
        self.pin.clear()
        self.pin2.clear()
        self.pad.target = self.pin
        if new != again or not new:
            self.message.setText(bilingual(self.ctx, "两次输入的新 PIN 码不一致", "the two new PINs differ"))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("正在验证…"))
        hall = self.ctx.hall
        self.ctx.jobs.run("change-pin", lambda: hall.change_own_pin(info.username, old, new), self._changed, lane=PIN)

    def _changed(self, outcome: JobOutcome) -> None:
        self.button.setEnabled(True)
        if not outcome.ok:
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))
            return
        self._enter(outcome.value)

    def _skip_change(self) -> None:
        if self._changing is not None and not self.checking:
            self._enter(self._changing[0])

    def _enter(self, info: OperatorInfo) -> None:
        self._changing = None
        self.pin.clear()
        self.pin2.clear()
        self.message.clear()
        self.user.clear()
        self._show_mode()
        self.retranslate()
        self.loggedIn.emit(info)

    def _ask_clear(self) -> None:
        dialog = ClearDelayDialog(self.ctx, self._waiting_user, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._cleared)
        dialog.open()

    def _cleared(self) -> None:
        self._waiting_user = ""
        self._show_mode()
        self.message.setText(bilingual(self.ctx, "等待已解除，请重新登录", "the wait is cleared: log in again"))


class PinDialog(Retranslatable, QDialog):
    """A modal PIN check on the PIN lane (never on the UI thread): a title, an optional username, the
    PIN with a touch pad, the core's refusal in words, Cancel. ``accepted`` only when the check passes.
    Subclasses give the texts (``retranslate``) and the check (``job``)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, with_user: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setModal(True)
        self.label = QLabel(objectName="h2")
        self.label.setWordWrap(True)
        self.user = QLineEdit()
        self.user.setVisible(with_user)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.message = QLabel(objectName="error")
        self.message.setWordWrap(True)
        pad = PinPad(self.pin)
        pad.submitted.connect(self.check)
        self.cancel = QPushButton()
        self.cancel.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (self.label, self.user, self.pin, self.message, pad, self.cancel):
            lay.addWidget(w)
        self.retranslate()

    def job(self, user: str, pin: str) -> tuple[str, Callable[[], object]] | None:
        """The job's key and the check to run, or None when the input is not complete."""
        raise NotImplementedError

    def check(self) -> None:
        user, pin = self.user.text().strip(), self.pin.text()
        self.pin.clear()
        work = self.job(user, pin) if pin and self.cancel.isEnabled() else None
        if work is None:
            return
        self.cancel.setEnabled(False)  # until the answer: the PIN is checked off the UI thread
        self.ctx.jobs.run(work[0], work[1], self._answered, lane=PIN)

    def _answered(self, outcome: JobOutcome) -> None:
        self.cancel.setEnabled(True)
        if not outcome.ok:
            self.message.setText(bilingual(self.ctx, outcome.zh, outcome.en))
            return
        self.accept()


class ClearDelayDialog(PinDialog):
    """Clears an operator's wait after wrong PINs: an admin, or a colleague of the same role (or the
    session's supervisor), enters their own username and PIN (``Hall.clear_pin_delay``, journalled)."""

    def __init__(self, ctx: UiContext, operator: str, parent: QWidget | None = None) -> None:
        self.operator = operator
        super().__init__(ctx, parent, with_user=True)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("解除等待"))
        self.label.setText(self.tr("为 %1 解除等待：管理员或同岗位人员输入本人用户名和 PIN 码").replace("%1", self.operator))
        self.user.setPlaceholderText(self.tr("您的用户名"))
        self.pin.setPlaceholderText(self.tr("您的 PIN 码"))
        self.cancel.setText(self.tr("取消"))

    def job(self, user: str, pin: str) -> tuple[str, Callable[[], object]] | None:
        if not user:
            return None
        hall, operator = self.ctx.hall, self.operator
        return "clear-delay", lambda: hall.clear_pin_delay(user, pin, operator=operator)


class AdminPinDialog(PinDialog):
    """Asks for an admin PIN (leaving a kiosk's full screen). ``accepted`` only with a right PIN."""

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("管理员验证"))
        self.label.setText(self.tr("退出全屏需要管理员 PIN 码"))
        self.cancel.setText(self.tr("取消"))

    def job(self, user: str, pin: str) -> tuple[str, Callable[[], object]] | None:
        hall = self.ctx.hall
        return "exit-pin", lambda: hall.check_admin_pin(pin)


class KioskPage(QWidget):
    """One screen of a kiosk flow: a title, a body, a countdown bar and a row of big buttons.

    Check-in and the opening objection flow build their pages from it, so every flow the public
    touches has the same margins, type and touch-target sizes.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("kioskPage")
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(64, 24, 64, 20)
        self.lay.setSpacing(22)
        self.title = QLabel(objectName="h1")
        self.title.setWordWrap(True)
        self.lay.addWidget(self.title)
        self.body = QVBoxLayout()
        self.body.setSpacing(16)
        self.lay.addLayout(self.body, 1)
        self.progress = QProgressBar(objectName="checkinCountdown")
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        self.lay.addWidget(self.progress)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(24)
        self.lay.addLayout(self.buttons)

    def label(self, name: str = "", *, wrap: bool = True) -> QLabel:
        lab = QLabel(objectName=name)
        lab.setWordWrap(wrap)
        self.body.addWidget(lab)
        return lab

    def button(self, name: str = "primary") -> QPushButton:
        btn = QPushButton(objectName=name)
        btn.setMinimumHeight(88)
        btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.buttons.addWidget(btn)
        return btn


def size_by_current_page(stack: QStackedWidget) -> Callable[[], None]:
    """Let ``stack`` need only the room of the page it shows, not of its largest hidden page.

    A QStackedWidget's minimum size is the largest of all its pages, so a hidden page laid out for
    the other orientation (a one-column portrait list, a wide English grid) would stop the window
    from turning. Hidden pages get an ``Ignored`` size policy, which Qt leaves out of the minimum.
    """

    def update(_index: int = -1) -> None:
        current = stack.currentWidget()
        for i in range(stack.count()):
            page = stack.widget(i)
            if page is None:  # pragma: no cover - i < count()
                continue
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        stack.updateGeometry()

    stack.currentChanged.connect(update)
    update()
    return update  # call again after adding pages


class KioskFlow(Retranslatable, QStackedWidget):
    """A kiosk tile's flow: pages with a countdown each; a timeout or the end wipes it and goes home.

    Subclasses set ``TIMEOUTS`` (page name → seconds; the first page is ``card``), add pages with
    ``_page`` and implement ``reset`` (wipe personal data, then ``_first_page()``). The kiosk home
    registers the flow and listens to ``done``.

    Signals:
        done(): back to the kiosk's home (personal data already wiped).
    """

    done = Signal()
    TIMEOUTS: dict[str, int] = {}

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pages: dict[str, KioskPage] = {}
        self.choose_buttons: list[QPushButton] = []
        self.clock = QElapsedTimer()
        self.countdown = QTimer(self)
        self.countdown.setInterval(200)
        self.countdown.timeout.connect(self._tick)
        self._fit_pages = size_by_current_page(self)  # a page laid out for the other orientation must not hold the window

    def _page(self, name: str) -> KioskPage:
        page = KioskPage(name)
        self.pages[name] = page
        self.addWidget(page)
        self._fit_pages()
        return page

    def _choose_page(self) -> None:
        """The ``choose`` page: a hint and one big button per choice (``choose_buttons``), and cancel."""
        p = self._page("choose")
        self.choose_hint = p.label("muted")
        self.choose_box = QVBoxLayout()
        self.choose_box.setSpacing(16)
        p.body.addLayout(self.choose_box)
        p.body.addStretch(1)
        self.choose_cancel = p.button("secondary")
        self.choose_cancel.clicked.connect(self.finish)

    def show_page(self, name: str) -> None:
        page = self.pages[name]
        self.setCurrentWidget(page)
        self.clock.start()
        page.progress.setRange(0, self.TIMEOUTS[name] * 1000)
        page.progress.setValue(self.TIMEOUTS[name] * 1000)
        self.countdown.start()
        self.retranslate()

    def _tick(self) -> None:
        page = self.currentWidget()
        if not isinstance(page, KioskPage):
            return
        left = self.TIMEOUTS[page.name] * 1000 - self.clock.elapsed()
        page.progress.setValue(max(0, left))
        if left <= 0:
            self.countdown.stop()
            self.on_timeout(page.name)

    def on_timeout(self, name: str) -> None:
        """A page's countdown ran out: by default the flow ends."""
        self.finish()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.currentWidget() is self.pages["card"]:
            self.show_page("card")

    def reset(self) -> None:  # pragma: no cover - overridden
        self._first_page()

    def _first_page(self) -> None:
        self._clear_choices()
        self.countdown.stop()
        self.setCurrentWidget(self.pages["card"])
        self.retranslate()

    def finish(self) -> None:
        self.reset()
        self.done.emit()

    def _active(self, page: str) -> bool:
        return self.isVisible() and self.currentWidget() is self.pages[page]

    def _clear_choices(self) -> None:
        for b in self.choose_buttons:
            b.hide()
            b.setParent(None)
            b.deleteLater()
        self.choose_buttons = []
