"""Operators and access: PIN login (scrypt), delays after wrong PINs, roles; every attempt journalled.

Roles: ``admin`` (everything), ``host`` (bid openings), ``auctioneer`` (auctions), ``clerk``
(counters, manual check-in), ``supervisor`` (监标人/监督: read-only, co-signs).

Wrong PINs (issue 20 must 6) are counted per username — for names that do not exist too — and, for
a kiosk's exit PIN, per terminal (``pin_guards``). The first ``free_failures`` in a row cost
nothing; each one after makes the next check wait 1, 2, 4 … s, up to ``max_delay_s``. A check
during the wait is refused before any PIN is hashed ("请 N 秒后再试"). Nobody is ever locked out for
good: the longest wait is bounded, and an admin or another operator of the same role (or a
supervisor) can clear it with their own PIN (``clear_delay``), journalled. An unknown username costs
the same scrypt as a known one and gets the same message, so neither time nor words tell whether a
name exists. New PINs have at least 6 digits; an older, shorter PIN still logs in, is flagged
(``pin_change_due``, shown by ``hall-kiosk operator list``, noted in the ``operator.login`` entry)
until it is changed with ``hall-kiosk operator set-pin``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import os
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.db.models import Operator, PinGuard
from kiosk.errors import HallError
from kiosk.journal import Journal

ROLES = ("admin", "host", "auctioneer", "clerk", "supervisor")
ROLE_NAMES_ZH = {"admin": "管理员", "host": "开标主持人", "auctioneer": "拍卖师", "clerk": "窗口工作人员", "supervisor": "监督人员"}
PIN_RE = re.compile(r"^\d{6,12}$")  #: a new PIN (older ones of 4 or 5 digits still log in, flagged)
MIN_PIN_DIGITS = 6
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
    locked_until: dt.datetime | None  #: wrong PINs: the next check waits until then
    pin_change_due: bool = False  #: the PIN has fewer than 6 digits and must be changed

    @classmethod
    def of(cls, op: Operator, guard: PinGuard | None = None) -> OperatorInfo:
        return cls(
            op.id, op.username, op.display_name, op.role, op.disabled,
            guard.not_before if guard is not None else None,
            bool(guard is not None and guard.pin_change_due),
        )


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


_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash no PIN is checked against for real: an unknown username costs the same scrypt."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_pin(base64.b64encode(os.urandom(12)).decode())
    return _dummy_hash


def delay_after(failures: int, *, free: int, cap: int) -> int:
    """Seconds the next check waits after ``failures`` wrong PINs in a row: 0 for the first
    ``free``, then 1, 2, 4 … up to ``cap``."""
    if failures <= free:
        return 0
    return min(cap, 2 ** min(failures - free - 1, 30))


def _wait_left(guard: PinGuard | None, now: dt.datetime) -> int:
    if guard is None or guard.not_before is None or guard.not_before <= now:
        return 0
    return max(1, math.ceil((guard.not_before - now).total_seconds()))


def _wait_error(left: int) -> AccessError:
    return AccessError(
        "wait", f"PIN 码错误次数过多，请 {left} 秒后再试", f"too many wrong PINs: try again in {left} s",
        retry_after_s=left,
    )


class OperatorService:
    """Operator accounts and logins; every method runs inside the caller's session/transaction.

    Args:
        journal: where logins and changes are recorded (its ``terminal_id`` keys the exit PIN's count).
        free_failures: wrong PINs in a row that cost no wait.
        max_delay_s: the longest wait (the waits double from 1 s up to it).
    """

    def __init__(self, journal: Journal, *, free_failures: int = 2, max_delay_s: int = 300) -> None:
        self.journal = journal
        self.free_failures = free_failures
        self.max_delay_s = max_delay_s

    def add(self, session: Session, username: str, display_name: str, role: str, pin: str, *, by: str = "cli") -> OperatorInfo:
        """Create an operator. Raises AccessError for a bad role, PIN or a taken username."""
        if role not in ROLES:
            raise AccessError("bad-role", f"角色无效：{role}", f"unknown role {role!r} (one of {', '.join(ROLES)})")
        self._check_new_pin(pin)
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

    def set_pin(self, session: Session, username: str, pin: str, *, by: str = "cli") -> OperatorInfo:
        """Give an operator a new PIN (6–12 digits); clears the flag of a short one. Journalled."""
        self._check_new_pin(pin)
        op = self._get(session, username)
        op.pin_hash = hash_pin(pin)
        guard = self._guard(session, _op_key(username), lock=True)
        if guard is not None:
            guard.pin_change_due = False
        self.journal.append(session, "operator.pin_changed", {"operator": username, "by": by})
        return OperatorInfo.of(op, guard)

    def link_card(self, session: Session, username: str, person_hmac: str | None, *, by: str = "cli") -> OperatorInfo:
        """Bind an account to its holder's ID card (the hall's lookup HMAC of the number), or unbind it.

        A card bound to an account takes a session role only with that account's PIN as well
        (kiosk.staffing); a card is bound to one account at most. Journalled (without the HMAC).
        """
        op = self._get(session, username)
        if person_hmac is not None:
            other = session.scalar(select(Operator).where(Operator.person_hmac == person_hmac, Operator.id != op.id))
            if other is not None:
                raise AccessError("card-taken", f"此身份证已绑定账号 {other.username}",
                                  f"this ID card is bound to account {other.username!r} already")
        op.person_hmac = person_hmac
        self.journal.append(session, "operator.card_linked" if person_hmac else "operator.card_unlinked",
                            {"operator": username, "by": by})
        return OperatorInfo.of(op)

    def disable(self, session: Session, username: str, *, by: str = "cli", reason: str = "") -> OperatorInfo:
        op = self._get(session, username)
        op.disabled = True
        self.journal.append(session, "operator.disabled", {"operator": username, "by": by, "reason": reason})
        return OperatorInfo.of(op)

    def list(self, session: Session) -> list[OperatorInfo]:
        ops = list(session.scalars(select(Operator).order_by(Operator.username)))
        keys = [_op_key(o.username) for o in ops]
        guards = {g.key: g for g in session.scalars(select(PinGuard).where(PinGuard.key.in_(keys)))} if keys else {}
        return [OperatorInfo.of(o, guards.get(_op_key(o.username))) for o in ops]

    def login(self, session: Session, username: str, pin: str, *, roles: tuple[str, ...] | None = None) -> OperatorInfo:
        """Check a PIN. Journals the outcome; the caller must commit even when this raises.

        Args:
            roles: the roles allowed on this screen (``admin`` is always allowed).

        Raises:
            AccessError: ``wait`` (``retry_after_s`` set), ``wrong-pin`` (the same words and time
                whether the name exists or not), ``disabled``, ``role``.
        """
        op, guard = self._verify(session, username, pin)
        if roles is not None and op.role not in roles and op.role != "admin":
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "role"})
            raise AccessError(
                "role", f"该账号（{ROLE_NAMES_ZH.get(op.role, op.role)}）无权使用此终端",
                f"role {op.role!r} may not use this screen",
            )
        payload: dict[str, object] = {"operator": username, "role": op.role}
        if guard.pin_change_due:
            payload["pin_change_due"] = True
        self.journal.append(session, "operator.login", payload)
        return OperatorInfo.of(op, guard)

    def logout(self, session: Session, username: str, *, reason: str = "user") -> None:
        self.journal.append(session, "operator.logout", {"operator": username, "reason": reason})

    def check_admin_pin(self, session: Session, pin: str) -> OperatorInfo:
        """Any enabled admin whose PIN matches (leaving the kiosk's full screen).

        Wrong PINs are counted for this terminal (``exit:<terminal_id>``) with the same growing
        wait as a login. Raises AccessError (``wait`` or ``wrong-pin``) and journals the failure.
        """
        now = self.journal.clock.now()
        terminal = self.journal.terminal_id
        key = _exit_key(terminal)
        left = _wait_left(self._guard(session, key), now)
        if left:
            self.journal.append(session, "operator.login_failed", {"operator": "", "reason": "wait", "terminal": terminal})
            raise _wait_error(left)
        admins = list(session.scalars(select(Operator).where(Operator.role == "admin", Operator.disabled.is_(False))))
        for op in admins:
            if check_pin(pin, op.pin_hash):
                self._reset(session, key, now)
                self.journal.append(session, "operator.admin_unlock", {"operator": op.username})
                return OperatorInfo.of(op)
        if not admins:
            check_pin(pin, _dummy())
        failures, delay = self._fail(session, key, now)
        self.journal.append(
            session, "operator.login_failed",
            {"operator": "", "reason": "admin-pin", "terminal": terminal, "failures": failures, "delay_s": delay},
        )
        raise _wrong("管理员 PIN 码错误", "wrong admin PIN", delay)

    def clear_delay(
        self, session: Session, *, by: str, by_pin: str, operator: str | None = None, terminal: str | None = None
    ) -> int:
        """Clear the wait of ``operator`` (or of ``terminal``'s exit PIN); returns the failures cleared.

        ``by`` proves who they are with their own PIN (counted like a login). An admin may clear
        any wait; another operator of the same role, or a supervisor (the session's other staff),
        may clear an operator's. Journalled as ``operator.delay_cleared``.
        """
        if (operator is None) == (terminal is None):
            raise ValueError("clear_delay: give operator or terminal")
        clearer, _ = self._verify(session, by, by_pin)
        if operator is not None:
            if operator == by:
                raise AccessError("self", "不能为自己解除等待", "you cannot clear your own wait")
            target = session.scalar(select(Operator).where(Operator.username == operator))
            allowed = clearer.role in ("admin", "supervisor") or (target is not None and target.role == clearer.role)
            key, what = _op_key(operator), {"operator": operator}
        else:
            allowed = clearer.role == "admin"
            key, what = _exit_key(terminal or ""), {"terminal": terminal or ""}
        if not allowed:
            self.journal.append(session, "operator.delay_clear_refused", {**what, "by": by})
            raise AccessError(
                "role", "只有管理员、同岗位的其他工作人员或监督人员可以解除等待",
                "only an admin, another operator of the same role or a supervisor can clear the wait",
            )
        guard = self._guard(session, key, lock=True)
        failures = guard.failures if guard is not None else 0
        if guard is not None:
            guard.failures, guard.not_before, guard.updated_at = 0, None, self.journal.clock.now()
        self.journal.append(session, "operator.delay_cleared", {**what, "by": by, "failures": failures})
        return failures

    # --- the one PIN check -------------------------------------------------------------------------

    def _verify(self, session: Session, username: str, pin: str) -> tuple[Operator, PinGuard]:
        """The PIN check behind a login and a clearance: wait, scrypt (a dummy one for an unknown
        name), count or reset. Raises AccessError (journalled) unless the PIN is right and the
        operator enabled."""
        now = self.journal.clock.now()
        key = _op_key(username)
        left = _wait_left(self._guard(session, key), now)
        if left:
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "wait"})
            raise _wait_error(left)
        op = session.scalar(select(Operator).where(Operator.username == username)) if len(username) <= 64 else None
        right = check_pin(pin, op.pin_hash if op is not None else _dummy())
        if op is None or not right:
            failures, delay = self._fail(session, key, now)
            self.journal.append(
                session, "operator.login_failed",
                {"operator": username, "reason": "unknown" if op is None else "wrong-pin", "failures": failures,
                 "delay_s": delay},
            )
            raise _wrong("用户名或 PIN 码错误", "wrong username or PIN", delay)
        if op.disabled:
            self.journal.append(session, "operator.login_failed", {"operator": username, "reason": "disabled"})
            raise AccessError("disabled", "该账号已停用", "this operator is disabled")
        guard = self._reset(session, key, now)
        if len(pin) < MIN_PIN_DIGITS:
            guard.pin_change_due = True
        return op, guard

    def _guard(self, session: Session, key: str, *, lock: bool = False) -> PinGuard | None:
        query = select(PinGuard).where(PinGuard.key == key).execution_options(populate_existing=True)
        if lock:
            query = query.with_for_update()
        return session.scalar(query)

    def _locked_guard(self, session: Session, key: str) -> PinGuard:
        """The row for ``key``, made if missing and locked: two terminals counting the same new name
        at once neither collide on its insert nor lose a count (PostgreSQL; SQLite has one writer)."""
        dialect = session.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(PinGuard).values(key=key, failures=0, pin_change_due=False).on_conflict_do_nothing(index_elements=["key"])
            )
        guard = self._guard(session, key, lock=True)
        if guard is None:
            guard = PinGuard(key=key, failures=0, pin_change_due=False)
            session.add(guard)
        return guard

    def _fail(self, session: Session, key: str, now: dt.datetime) -> tuple[int, int]:
        guard = self._locked_guard(session, key)
        guard.failures += 1
        delay = delay_after(guard.failures, free=self.free_failures, cap=self.max_delay_s)
        guard.not_before = now + dt.timedelta(seconds=delay) if delay else None
        guard.updated_at = now
        return guard.failures, delay

    def _reset(self, session: Session, key: str, now: dt.datetime) -> PinGuard:
        guard = self._locked_guard(session, key)
        if guard.failures or guard.not_before is not None:
            guard.failures, guard.not_before, guard.updated_at = 0, None, now
        return guard

    @staticmethod
    def _check_new_pin(pin: str) -> None:
        if not PIN_RE.match(pin):
            raise AccessError("bad-pin", "PIN 码须为 6–12 位数字", "PIN must be 6 to 12 digits")

    @staticmethod
    def _get(session: Session, username: str) -> Operator:
        op = session.scalar(select(Operator).where(Operator.username == username))
        if op is None:
            raise AccessError("unknown", f"无此用户：{username}", f"no operator {username!r}")
        return op


def _op_key(username: str) -> str:
    return "op:" + username[:64]


def _exit_key(terminal: str) -> str:
    return "exit:" + terminal[:64]


def _wrong(zh: str, en: str, delay: int) -> AccessError:
    if delay:
        return AccessError("wrong-pin", f"{zh}，请 {delay} 秒后再试", f"{en}: try again in {delay} s", retry_after_s=delay)
    return AccessError("wrong-pin", zh, en)
