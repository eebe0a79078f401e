"""Who runs a state-changing command: the same checks as a console, never a bare ``--operator`` name.

A session act (auction, recording, check-in confirmation) is done in a session role
(kiosk.staffing): the person places their ID card on the terminal's configured reader (``--card``)
and/or names their hall account (``--operator``) whose PIN is read from the first line of stdin.
Hall-wide acts (personal-data purges, operator changes) need an admin's PIN (``--by`` + stdin).
Every refusal prints the core's message in Chinese and English and exits 1 (issue 15 must 1).
"""

from __future__ import annotations

import argparse
import sys

from kiosk.hall import Hall
from kiosk.operators import AccessError, OperatorInfo
from kiosk.ports import DeviceError, IdCard
from kiosk.staffing import RoleHolder, StaffingService

CARD_TIMEOUT_S = 20.0


def add_actor_args(p: argparse.ArgumentParser) -> None:
    """``--operator`` (PIN on stdin), ``--card`` (ID card on the configured reader), ``--reason``."""
    p.add_argument("--operator", help="your hall account; its PIN is read from the first line of stdin")
    p.add_argument("--card", action="store_true",
                   help="read your ID card from the configured reader ([devices] id_reader) first")
    p.add_argument("--role-reason", dest="role_reason", default=None,
                   help="why a hall account stands in where the platform appointed nobody (journalled)")


def _refuse(zh: str, en: str) -> SystemExit:
    print(f"{zh} / {en}", file=sys.stderr)
    return SystemExit(1)


def read_pin() -> str:
    pin = sys.stdin.readline().strip()
    if not pin:
        raise _refuse("未输入 PIN 码（从标准输入第一行读取）", "no PIN on the first line of stdin")
    return pin


def read_card(hall: Hall) -> IdCard:
    from devices.registry import id_reader_for

    url = hall.config.devices.id_reader
    if not url:
        raise _refuse("本终端未配置身份证读卡器（[devices] id_reader）", "no ID-card reader is configured ([devices] id_reader)")
    print("请在读卡器上放置身份证… / place your ID card on the reader…", file=sys.stderr)
    try:
        return id_reader_for(url).read_once(CARD_TIMEOUT_S)
    except DeviceError as exc:
        raise _refuse(f"读卡失败：{exc.zh}", f"card not read: {exc.en}") from exc


def role_holder(hall: Hall, args: argparse.Namespace, session_id: str, role: str) -> RoleHolder:
    """Take (or re-enter) ``role`` in ``session_id`` as the console would, or exit 1 saying why."""
    card = read_card(hall) if getattr(args, "card", False) else None
    operator = getattr(args, "operator", None)
    if card is None and not operator:
        raise _refuse("须刷身份证（--card）或以本厅账号和 PIN 码（--operator，PIN 从标准输入读取）执行",
                      "use your ID card (--card) or your hall account with its PIN (--operator, PIN on stdin)")
    pin = read_pin() if operator else None
    try:
        return StaffingService(hall).take_role(session_id, role, card=card, username=operator, pin=pin,
                                               reason=getattr(args, "role_reason", None))
    except AccessError as exc:
        raise _refuse(exc.zh, exc.en) from exc


def account(hall: Hall, username: str | None, roles: tuple[str, ...]) -> OperatorInfo:
    """A hall account's PIN (stdin's first line) for a counter act (a clerk's confirmation), or exit 1."""
    if not username:
        raise _refuse("须以本厅账号执行（--operator，PIN 从标准输入读取）", "name your hall account (--operator, PIN on stdin)")
    pin = read_pin()
    try:
        return hall.login(username, pin, roles=roles)
    except AccessError as exc:
        raise _refuse(exc.zh, exc.en) from exc


def admin(hall: Hall, username: str | None, option: str = "--by") -> OperatorInfo:
    """An admin's PIN (stdin) for a hall-wide act, or exit 1 (``option``: how the command names the admin)."""
    if not username:
        raise _refuse(f"须以管理员账号执行（{option}，PIN 从标准输入读取）", f"an admin must do this ({option}, PIN on stdin)")
    pin = read_pin()
    try:
        info = hall.login(username, pin, roles=("admin",))
    except AccessError as exc:
        raise _refuse(exc.zh, exc.en) from exc
    if info.role != "admin":
        raise _refuse("须以管理员账号执行", "an admin must do this")
    return info
