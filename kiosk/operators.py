"""Operators and access: PIN login (scrypt), lockout, roles; every login, logout and failure journalled.

Roles: ``admin`` (everything), ``host`` (bid openings), ``auctioneer`` (auctions), ``clerk``
(counters, manual check-in), ``supervisor`` (监标人/监督: read-only, co-signs). After
``max_failures`` wrong PINs in a row an operator is locked for ``lockout_seconds``; the lock, like
every attempt, is a journal entry with the terminal and the time.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db.models import Operator
from kiosk.errors import HallError
from kiosk.journal import Journal

ROLES = ("admin", "host", "auctioneer", "clerk", "supervisor")
ROLE_NAMES_ZH = {"admin": "管理员", "host": "开标主持人", "auctioneer": "拍卖师", "clerk": "窗口工作人员", "supervisor": "监督人员"}
PIN_RE = re.compile(r"^\d{4,12}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccessError(HallError):
    """A login or an operator change was refused; ``zh``/``en`` are for the screen."""

    def __init__(self, code: str, zh: str, en: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(code, zh, en)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class OperatorInfo:
    """An operator as the UI and the CLI see it (no PIN hash)."""

    id: int
    username: str
    display_name: str
    role: str
    disabled: bool
    locked_until: dt.datetime | None

    @classmethod
    def of(cls, op: Operator) -> OperatorInfo:
        return cls(op.id, op.username, op.display_name, op.role, op.disabled, op.locked_until)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64) for a PIN."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_pin(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against ``hash_pin``'s output."""
    try:
        scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        pin.encode(), salt=base64.b64decode(salt_b64), dklen=32, n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(digest, base64.b64decode(hash_b64))


class OperatorService:
    """Operator accounts and logins; every method runs inside the caller's session/transaction.

    Args:
        journal: where logins and changes are recorded.
        max_failures: wrong PINs in a row before the lock.
        lockout_seconds: how long the lock lasts.
    """

    def __init__(self, journal: Journal, *, max_failures: int = 5, lockout_seconds: int = 300) -> None:
        self.journal = journal
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds

    def add(self, session: Session, username: str, display_name: str, role: str, pin: str, *, by: str = "cli") -> OperatorInfo:
        """Create an operator. Raises AccessError for a bad role, PIN or a taken username."""
        if role not in ROLES:
            raise AccessError("bad-role", f"角色无效：{role}", f"unknown role {role!r} (one of {', '.join(ROLES)})")
        if not PIN_RE.match(pin):
            raise AccessError("bad-pin", "PIN 须为 4–12 位数字", "PIN must be 4 to 12 digits")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{2,64}", username):
            raise AccessError("bad-username", "用户名须为 2–64 位字母或数字", "username: 2-64 letters, digits, _ . -")
        if session.scalar(select(Operator).where(Operator.username == username)) is not None:
            raise AccessError("exists", f"用户名已存在：{username}", f"operator {username!r} exists")
        now = self.journal.clock.now()
        op = Operator(username=username, display_name=display_name, role=role, pin_hash=hash_pin(pin), created_at=now)
        session.add(op)
        session.flush()
        self.journal.append(session, "operator.added", {"operator": username, "role": role, "by": by})
        return OperatorInfo.of(op)

    def disable(self, session: Session, username: str, *, by: str = "cli", reason: str = "") -> OperatorInfo:
        op = self._get(session, username)
        op.disabled = True
        self.journal.append(session, "operator.disabled", {"operator": username, "by": by, "reason": reason})
        return OperatorInfo.of(op)

    def list(self, session: Session) -> list[OperatorInfo]:
        return [OperatorInfo.of(o) for o in session.scalars(select(Operator).order_by(Operator.username))]

    def login(self, session: Session, username: str, pin: str, *, roles: tuple[str, ...] | None = None) -> OperatorInfo:
        """Check a PIN. Journals the outcome; the caller must commit even when this raises.

        Args:
            roles: the roles allowed on this screen (``admin`` is always allowed).

        Raises:
            AccessError: unknown user, disabled, locked (``retry_after_s`` set), wrong PIN, wrong role.
        """
        now = self.journal.clock.now()
        op = session.scalar(select(Operator).where(Operator.username == username))
        if op is None:
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "unknown"})
            raise AccessError("wrong-pin", "用户名或 PIN 错误", "wrong username or PIN")
        if op.disabled:
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "disabled"})
            raise AccessError("disabled", "该账号已停用", "this operator is disabled")
        if op.locked_until is not None and op.locked_until > now:
            left = int((op.locked_until - now).total_seconds()) + 1
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "locked"})
            raise AccessError(
                "locked", f"PIN 错误次数过多，请 {left} 秒后再试", f"too many wrong PINs; try again in {left} s",
                retry_after_s=left,
            )
        if not check_pin(pin, op.pin_hash):
            op.failed_count += 1
            self.journal.append(
                session, "operator.login_failed", {"operator": username, "reason": "wrong-pin", "failures": op.failed_count}
            )
            if op.failed_count >= self.max_failures:
                op.locked_until = now + dt.timedelta(seconds=self.lockout_seconds)
                op.failed_count = 0
                self.journal.append(
                    session, "operator.locked", {"operator": username, "seconds": self.lockout_seconds}
                )
                raise AccessError(
                    "locked", f"PIN 错误 {self.max_failures} 次，账号锁定 {self.lockout_seconds // 60} 分钟",
                    f"{self.max_failures} wrong PINs: locked for {self.lockout_seconds // 60} minutes",
                    retry_after_s=self.lockout_seconds,
                )
            left = self.max_failures - op.failed_count
            raise AccessError("wrong-pin", f"用户名或 PIN 错误（还可尝试 {left} 次）", f"wrong username or PIN ({left} tries left)")
        if roles is not None and op.role not in roles and op.role != "admin":
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "role"})
            raise AccessError(
                "role", f"该账号（{ROLE_NAMES_ZH.get(op.role, op.role)}）无权使用此终端",
                f"role {op.role!r} may not use this screen",
            )
        op.failed_count = 0
        op.locked_until = None
        self.journal.append(session, "operator.login", {"operator": username, "role": op.role})
        return OperatorInfo.of(op)

    def logout(self, session: Session, username: str, *, reason: str = "user") -> None:
        self.journal.append(session, "operator.logout", {"operator": username, "reason": reason})

    def check_admin_pin(self, session: Session, pin: str) -> OperatorInfo:
        """Any enabled, unlocked admin whose PIN matches (leaving the kiosk's full screen).

        Raises AccessError("wrong-pin") and journals the failure otherwise.
        """
        now = self.journal.clock.now()
        for op in session.scalars(select(Operator).where(Operator.role == "admin", Operator.disabled.is_(False))):
            if (op.locked_until is None or op.locked_until <= now) and check_pin(pin, op.pin_hash):
                self.journal.append(session, "operator.admin_unlock", {"operator": op.username})
                return OperatorInfo.of(op)
        self.journal.append(session, "operator.login_failed", {"operator": "", "reason": "admin-pin"})
        raise AccessError("wrong-pin", "管理员 PIN 错误", "wrong admin PIN")

    @staticmethod
    def _get(session: Session, username: str) -> Operator:
        op = session.scalar(select(Operator).where(Operator.username == username))
        if op is None:
            raise AccessError("unknown", f"无此用户：{username}", f"no operator {username!r}")
        return op
