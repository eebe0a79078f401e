"""The role sign-in panel (issue 15 must 1/4): who holds each role of a session, and taking a role by ID card.

One panel for every console whose acts belong to a session's roles (the opening's host console, the
auction console). It lists the roles it was built for with who holds each now (masked names: the
panel is on a screen), and takes a role the way the core allows (``StaffingService.take_role``):

* "登记" arms the panel for that role: 请 <角色> 在读卡器上放置身份证 / <role>: place your ID card.
  The next card the console's ID reader reports (the reader runs on its own thread; the card reaches
  the UI through the bridge) is offered with :meth:`RoleSignIn.offer_card`, and the role is taken on
  the ``work`` lane. A card bound to a hall account needs that account's PIN: the panel keeps the
  card, shows the PIN pad and takes the role again with both (``pin_required``).
* A role the platform appointed nobody to is taken by a hall account with its PIN and a reason (the
  fallback, journalled by the core).
* "确认" (``confirm``) is the same taking again at signing: the core returns the person's holding,
  proving they are at the console; the panel keeps the credentials (:class:`Confirmation`) for the
  capability's signing call and forgets them with :meth:`clear_confirmations`.

Refusals are the core's own words, Chinese and English. Holders are read on the ``read`` lane
(:class:`~ui.jobs.Refresher`), never on the UI thread.

Signals:
    changed(object): the list of :class:`~kiosk.staffing.RoleHolder` now holding a role here (after each load).
    taken(object): the RoleHolder a sign-in (or a confirmation) just returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.pii import mask_name
from kiosk.ports import IdCard
from kiosk.staffing import FALLBACK_ACCOUNT_ROLE, RECORD_TITLES, ROLE_EN, ROLE_ZH, RoleHolder, StaffingService
from ui.context import UiContext
from ui.jobs import READ, WORK, JobOutcome
from ui.widgets import PinPad, Retranslatable

#: the panel's own look (kept here, not in the hall theme, so the auction console gets the same panel)
STYLE = """
QFrame#roleSignIn { background: #ffffff; border: 2px solid #c9d6e8; border-radius: 10px; }
QFrame#roleSignIn QLabel#h3 { font-size: 20px; font-weight: bold; color: #1b2430; }
QFrame#roleSignIn QLabel#roleName { font-size: 18px; font-weight: bold; color: #1b2430; }
QFrame#roleSignIn QLabel#roleHolder { font-size: 18px; color: #34495e; }
QFrame#roleSignIn QLabel#rolePrompt { font-size: 24px; font-weight: bold; color: #0b4f9c; background: #e8f1fc;
                                     border-radius: 8px; padding: 10px; }
QFrame#roleSignIn QLabel#roleMessage { font-size: 18px; font-weight: bold; color: #b00020; }
QFrame#roleSignIn QLabel#roleMessage[ok="true"] { color: #1b7f3b; }
QFrame#roleSignIn QPushButton#roleTake { min-height: 40px; max-height: 44px; font-size: 18px; padding: 2px 12px;
                                         background: #ffffff; color: #0b4f9c;
                                         border: 2px solid #0b4f9c; border-radius: 8px; }
QFrame#roleSignIn QPushButton#roleTake:disabled { color: #8a96a6; border-color: #c9d6e8; }
QFrame#roleSignIn QPushButton#roleTake[armed="true"] { background: #0b4f9c; color: #ffffff; }
QFrame#roleSignIn QLineEdit { min-height: 44px; font-size: 20px; padding: 2px 8px; }
QFrame#roleSignIn QPushButton#key { min-height: 48px; min-width: 64px; font-size: 24px; padding: 0px; }
QFrame#roleSignIn QPushButton#primary, QFrame#roleSignIn QPushButton#roleCancel { min-height: 48px; font-size: 18px;
                                                                                   padding: 2px 10px; }
"""


@dataclass(frozen=True)
class Confirmation:
    """A signer's confirmation at signing: their card again (+ PIN), or the standing-in account's PIN.

    Held in memory only until the capability's signing call; never shown, never logged.
    """

    role: str
    card: IdCard | None = None
    username: str | None = None
    pin: str | None = None

    def __repr__(self) -> str:  # never the card's number in a log line or a traceback
        return f"Confirmation({self.role!r})"


@dataclass(frozen=True)
class Loaded:
    session_id: str
    holders: list[RoleHolder]
    appointed: frozenset[str]  #: roles the platform appointed someone to


def role_words(role: str, kind: str) -> str:
    """The role as the record titles it, with its English name below: 开标人/主持人 / host."""
    return f"{RECORD_TITLES.get(kind, {}).get(role) or ROLE_ZH.get(role, role)}\n{ROLE_EN.get(role, role)}"


def holder_text(h: RoleHolder) -> str:
    """A holder on screen: masked name, organisation, how they signed in."""
    how = {"card": QCoreApplication.translate("RoleSignIn", "身份证"),
           "card+pin": QCoreApplication.translate("RoleSignIn", "身份证+PIN")}.get(
        h.method, QCoreApplication.translate("RoleSignIn", "本厅账号代行"))
    org = f"（{h.org}）" if h.org else ""
    return f"{mask_name(h.name)}{org} · {how}"


class RoleSignIn(Retranslatable, QFrame):
    """Who holds each of ``roles`` in the shown session, and signing in to one by ID card.

    Args:
        ctx: the UI context (jobs, bridge, languages).
        staffing: the roles service.
        roles: the roles this console signs in, in the order shown.
        kind: the session kind whose record titles the roles use (``bid_opening``, ``auction``).
        listen: take card events from the bridge itself; False when the console routes its reader's
            cards (it offers each to :meth:`offer_card` first).
    """

    changed = Signal(object)
    taken = Signal(object)

    def __init__(self, ctx: UiContext, staffing: StaffingService, roles: tuple[str, ...], *, kind: str = "bid_opening",
                 listen: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.staffing = staffing
        self.roles = roles
        self.kind = kind
        self.setObjectName("roleSignIn")
        self.setStyleSheet(STYLE)
        self.session_id: str | None = None
        self.holders: list[RoleHolder] = []
        self.appointed: frozenset[str] = frozenset()
        self.armed: str | None = None  #: the role the next card is for
        self.purpose = "take"  #: take, or confirm (at signing)
        self.pending_card: IdCard | None = None  #: a card waiting for its account's PIN
        self.busy = False  #: a sign-in is on the work lane
        self.confirmed: dict[str, Confirmation] = {}
        self.loads = 0
        self.loaded_session: str | None = None  #: the session whose roles were last loaded
        self._after_load: list[Callable[[], None]] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(8)
        self.title = QLabel(objectName="h3")
        lay.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self.role_labels: dict[str, QLabel] = {}
        self.holder_labels: dict[str, QLabel] = {}
        self.take_buttons: dict[str, QPushButton] = {}
        for row, role in enumerate(roles):
            lab = QLabel(objectName="roleName")
            who = QLabel(objectName="roleHolder")
            who.setWordWrap(True)
            btn = QPushButton(objectName="roleTake")
            btn.setFixedHeight(44)
            btn.setMinimumWidth(120)
            btn.clicked.connect(lambda _=False, r=role: self.arm(r))
            self.role_labels[role] = lab
            self.holder_labels[role] = who
            self.take_buttons[role] = btn
            grid.addWidget(lab, row, 0)
            grid.addWidget(who, row, 1)
            grid.addWidget(btn, row, 2)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid)
        self.prompt = QLabel(objectName="rolePrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.hide()
        lay.addWidget(self.prompt)
        # the account / PIN box: a card bound to a hall account, or a hall account standing in
        self.account_box = QWidget()
        ab = QHBoxLayout(self.account_box)
        ab.setContentsMargins(0, 0, 0, 0)
        fields = QVBoxLayout()
        self.user = QLineEdit()
        self.reason = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.returnPressed.connect(self.submit_pin)
        for w in (self.user, self.reason, self.pin):
            fields.addWidget(w)
        buttons = QVBoxLayout()
        self.ok = QPushButton(objectName="primary")
        self.ok.clicked.connect(self.submit_pin)
        self.cancel = QPushButton(objectName="roleCancel")
        self.cancel.clicked.connect(self.disarm)
        buttons.addWidget(self.ok)
        buttons.addWidget(self.cancel)
        fields.addLayout(buttons)
        fields.addStretch(1)
        ab.addLayout(fields, 3)
        self.pad = PinPad(self.pin)
        self.pad.layout().setSpacing(6)  # type: ignore[union-attr]
        for b in self.pad.findChildren(QPushButton):
            b.setMinimumSize(64, 48)
        self.pad.submitted.connect(self.submit_pin)
        ab.addWidget(self.pad, 2)
        self.account_box.hide()
        lay.addWidget(self.account_box)
        self.message = QLabel(objectName="roleMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.cancel_card = QPushButton(objectName="roleCancel")
        self.cancel_card.clicked.connect(self.disarm)
        self.cancel_card.hide()
        lay.addWidget(self.cancel_card)
        if listen:
            ctx.bridge.cardEvent.connect(self.offer_card)
        self.retranslate()

    # --- reading ----------------------------------------------------------------------------------

    def set_session(self, session_id: str | None) -> None:
        """Show ``session_id``'s roles (loaded on the read lane); a new session disarms and forgets confirmations."""
        if session_id != self.session_id:
            self.session_id = session_id
            self.holders = []
            self.confirmed = {}
            self.disarm()
        self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        if then is not None:
            self._after_load.append(then)
        sid, staffing = self.session_id, self.staffing
        if sid is None:
            self._render()
            return

        def load() -> Loaded:
            return Loaded(sid, staffing.holders(sid), frozenset(a.role for a in staffing.appointees(sid)))

        self.ctx.jobs.run("roles", load, self._loaded, lane=READ)

    def _loaded(self, outcome: JobOutcome) -> None:
        self.loads += 1
        if outcome.ok and outcome.value.session_id == self.session_id:
            self.holders = outcome.value.holders
            self.appointed = outcome.value.appointed
            self.loaded_session = self.session_id
            self._render()
            self.changed.emit(list(self.holders))
        after, self._after_load = self._after_load, []
        for fn in after:
            fn()

    @property
    def ready(self) -> bool:
        """The shown session's roles have been loaded (who was appointed decides card or account)."""
        return self.session_id is not None and self.loaded_session == self.session_id

    def holder(self, role: str) -> RoleHolder | None:
        """Who holds ``role`` now (the first, for a role several may hold)."""
        return next((h for h in self.holders if h.role == role), None)

    # --- signing in -------------------------------------------------------------------------------

    def arm(self, role: str) -> None:
        """The next card (or the account's PIN) is for ``role``: taken, or confirmed while signing (:meth:`set_purpose`)."""
        if not self.ready or self.busy:
            return
        self.armed, self.pending_card = role, None
        self.message.setText("")
        fallback = role not in self.appointed
        held = self.holder(role)
        if fallback:  # nobody appointed: a hall account with its PIN (and a reason the first time)
            self.prompt.setText(self.tr("平台未指定本场的%1：请以本厅账号和 PIN 码代行并填写原因\n"
                                        "No %2 was appointed: a hall account stands in, with its PIN and a reason")
                                .replace("%1", ROLE_ZH.get(role, role)).replace("%2", ROLE_EN.get(role, role)))
            self.user.setText((held.operator or "") if held is not None else "")
            self.user.show()
            self.reason.setVisible(held is None)
            self.account_box.show()
            self.cancel_card.hide()
        else:
            self.prompt.setText(self.tr("请 %1 在读卡器上放置身份证\n%2: place your ID card on the reader")
                                .replace("%1", ROLE_ZH.get(role, role)).replace("%2", ROLE_EN.get(role, role).capitalize()))
            self.account_box.hide()
            self.cancel_card.show()
        self.prompt.show()
        self._render()

    def disarm(self) -> None:
        self.armed, self.pending_card = None, None
        self.pin.clear()
        self.reason.clear()
        self.prompt.hide()
        self.account_box.hide()
        self.cancel_card.hide()
        self._render()

    def offer_card(self, event: Any) -> bool:
        """A card the reader reported: taken for the armed role (True), or not this panel's (False)."""
        if self.armed is None or getattr(event, "kind", "") != "card" or getattr(event, "card", None) is None:
            return False
        if self.armed not in self.appointed or self.busy:
            return True  # an account's turn, or a sign-in on its way: the card is not a bidder's confirmation either
        self._submit(card=event.card)
        return True

    def submit_pin(self) -> None:
        """The PIN (and, for a standing-in account, its username and reason) typed on the panel."""
        if self.armed is None or self.busy:
            return
        pin = self.pin.text()
        self.pin.clear()
        if self.pending_card is not None:
            self._submit(card=self.pending_card, pin=pin)
        else:
            held = self.holder(self.armed)
            self._submit(username=self.user.text().strip(), pin=pin,
                         reason=self.reason.text().strip() or (held.reason if held is not None else None))

    def _submit(self, *, card: IdCard | None = None, username: str | None = None, pin: str | None = None,
                reason: str | None = None) -> None:
        role, purpose, sid, staffing = self.armed, self.purpose, self.session_id, self.staffing
        if role is None or sid is None:
            return
        self.busy = True
        self.message.setProperty("ok", True)
        self.message.setText(self.tr("正在核验…"))

        def take() -> RoleHolder:
            return staffing.take_role(sid, role, card=card, username=username, pin=pin, reason=reason)

        def done(outcome: JobOutcome) -> None:
            self.busy = False
            if outcome.ok:
                h: RoleHolder = outcome.value
                if purpose == "confirm":
                    self.confirmed[role] = Confirmation(role, card, username, pin)
                    said = self.tr("已确认签字：%1 %2").replace("%1", ROLE_ZH.get(role, role)).replace("%2", mask_name(h.name))
                else:
                    said = self.tr("已登记：%1 %2").replace("%1", ROLE_ZH.get(role, role)).replace("%2", mask_name(h.name))
                self.disarm()
                self._say(said, ok=True)
                self.reload()
                self.taken.emit(h)
                return
            if outcome.code == "pin_required" and card is not None:
                self.pending_card = card  # the same card, with its account's PIN
                self.prompt.setText(self.tr("请 %1 输入本人账号的 PIN 码\n%2: enter your account's PIN")
                                    .replace("%1", ROLE_ZH.get(role, role)).replace("%2", ROLE_EN.get(role, role).capitalize()))
                self.user.hide()
                self.reason.hide()
                self.account_box.show()
                self.cancel_card.hide()
            self._say(f"{outcome.zh}\n{outcome.en}", ok=False)

        self.ctx.jobs.run("take-role", take, done, lane=WORK)

    def release(self, role: str) -> None:
        """Give ``role`` up (signing out), journalled by the core."""
        h = self.holder(role)
        if h is None:
            return
        staffing = self.staffing
        self.ctx.jobs.run("release-role", lambda: staffing.release(h), lambda o: self.reload(), lane=WORK)

    def clear_confirmations(self) -> None:
        self.confirmed = {}
        self._render()

    def set_purpose(self, purpose: str) -> None:
        """``confirm`` while a record is being signed (the role buttons confirm), else ``take``."""
        if purpose != self.purpose:
            self.purpose = purpose
            if purpose == "take":
                self.confirmed = {}
            self._render()

    # --- drawing ----------------------------------------------------------------------------------

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setProperty("ok", ok)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _render(self) -> None:
        for role in self.roles:
            held = [h for h in self.holders if h.role == role]
            if held:
                text = "；".join(holder_text(h) for h in held)
                if any(not h.appointed for h in held):
                    text += self.tr("（平台未指定，原因：%1）").replace("%1", held[0].reason or "")
            elif role not in self.appointed and self.ready:
                text = (self.tr("平台未指定 · 可由本厅账号代行") if FALLBACK_ACCOUNT_ROLE.get(role)
                        else self.tr("平台未指定 · 不可代行"))
            else:
                text = self.tr("未登记")
            if role in self.confirmed:
                text = "✓ " + text
            self.holder_labels[role].setText(text)
            btn = self.take_buttons[role]
            if self.purpose == "confirm":
                btn.setText(self.tr("已确认") if role in self.confirmed else self.tr("签字确认"))
                can = bool(held) or role in self.appointed or bool(FALLBACK_ACCOUNT_ROLE.get(role))
                btn.setEnabled(can and role not in self.confirmed and not self.busy)  # one not signed in yet signs in by signing
            else:
                fallback = role not in self.appointed
                btn.setText(self.tr("换人登记") if held else (self.tr("账号代行") if fallback else self.tr("刷卡登记")))
                btn.setEnabled(self.ready and not self.busy and (not fallback or bool(FALLBACK_ACCOUNT_ROLE.get(role))))
            btn.setProperty("armed", role == self.armed)
            btn.style().unpolish(btn)
            btn.style().polish(btn)

    def retranslate(self) -> None:
        self.title.setText(self.tr("本场角色（平台指定人员刷身份证登记） / Session roles"))
        for role, lab in self.role_labels.items():
            lab.setText(role_words(role, self.kind))
        self.user.setPlaceholderText(self.tr("本厅账号用户名 / account"))
        self.reason.setPlaceholderText(self.tr("代行原因（必填） / reason"))
        self.pin.setPlaceholderText(self.tr("PIN 码 / PIN"))
        self.ok.setText(self.tr("确定 / OK"))
        self.cancel.setText(self.tr("取消 / Cancel"))
        self.cancel_card.setText(self.tr("取消 / Cancel"))
        self._render()
