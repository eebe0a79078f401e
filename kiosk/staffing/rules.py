"""Who may act in a session, as the law draws it (issue 15 must 1; docs/rules/staffing.md).

The platform appoints each session's staff (docs/platform-api.md §7.1 ``sessions.staff``): the 招标人's or
agency's host who runs an opening (招标投标法 §35), the 行政监督部门's supervisor, the centre's
witness, the 拍卖师. Whoever takes a role on a console places their resident ID card and is matched
against that list; a person who also has a hall account (``operator link-card``) enters that
account's PIN too. A hall account may stand in only for a role the platform named nobody for, and
then with a reason that is journalled. Pure rules: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.operators import AccessError
from kiosk.staffing.views import RoleHolder

STAFF_ROLES = ("host", "recorder", "supervisor", "witness", "tenderer_rep", "notary", "auctioneer")
ROLE_ZH = {
    "host": "主持人", "recorder": "记录人", "supervisor": "监督人", "witness": "见证人",
    "tenderer_rep": "招标人代表", "notary": "公证员", "auctioneer": "拍卖师",
}
ROLE_EN = {
    "host": "host", "recorder": "recorder", "supervisor": "supervisor", "witness": "witness",
    "tenderer_rep": "tenderer's representative", "notary": "notary", "auctioneer": "auctioneer",
}
#: The title each role carries on a session's record, by session kind (the names the rules use).
RECORD_TITLES = {
    "bid_opening": {"host": "开标人/主持人", "recorder": "记录人", "supervisor": "监标人/监督人",
                    "witness": "见证人", "tenderer_rep": "招标人代表", "notary": "公证员"},
    "auction": {"auctioneer": "拍卖师", "recorder": "记录人", "supervisor": "监督人", "witness": "见证人",
                "notary": "公证员", "host": "主持人"},
}
#: The hall-account role that may stand in where the platform appointed nobody; None: nobody may
#: (a 招标人代表 or a 公证员 is never a hall account).
FALLBACK_ACCOUNT_ROLE: dict[str, str | None] = {
    "host": "host", "recorder": "clerk", "supervisor": "supervisor", "witness": "clerk",
    "auctioneer": "auctioneer", "tenderer_rep": None, "notary": None,
}
#: Roles one person holds at a time in a session; taking one hands it over (the other is released).
SINGLE_HOLDER = frozenset({"host", "recorder", "auctioneer"})


def actor_label(actor: str) -> str:
    """A journal ``actor`` as a record prints it: ``host:周*燕`` → ``主持人 周*燕``; a hall account as it is."""
    role, sep, name = actor.partition(":")
    return f"{ROLE_ZH[role]} {name}" if sep and role in ROLE_ZH else actor


def role_label(role: str) -> str:
    return f"{ROLE_ZH.get(role, role)} / {ROLE_EN.get(role, role)}"


def need_staff_role(role: str) -> str:
    if role not in STAFF_ROLES:
        raise AccessError("unknown_role", f"未知角色：{role}", f"unknown session role {role!r}")
    return role


def need_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise AccessError("reason", "平台未指定此角色的人员：由本厅账号代行须填写原因",
                          "the platform appointed nobody to this role: a hall account standing in needs a reason")
    return text


def need_one_role_per_person(holders: Iterable[RoleHolder], role: str, person_hmacs: tuple[str, ...],
                             operator: str | None) -> RoleHolder | None:
    """Separation of duties: one person never holds two roles in one session.

    Returns the person's current holding of ``role`` itself (taking it again is a re-sign-in), or
    None. Raises ``two_roles`` when they hold another role.
    """
    same: RoleHolder | None = None
    for h in holders:
        by_card = h.person_hmac is not None and h.person_hmac in person_hmacs
        by_account = operator is not None and h.operator == operator
        if not (by_card or by_account):
            continue
        if h.role == role:
            same = h
            continue
        raise AccessError(
            "two_roles",
            f"同一人在同一场次只能担任一个角色：此人已担任{ROLE_ZH.get(h.role, h.role)}，不能再担任{ROLE_ZH.get(role, role)}",
            f"one person holds one role per session: this person is already the {ROLE_EN.get(h.role, h.role)}, "
            f"not also the {ROLE_EN.get(role, role)}",
        )
    return same


def need_holder(holder: RoleHolder | None, session_id: str, roles: tuple[str, ...]) -> RoleHolder:
    """The acting holder is in one of ``roles`` in this session (checked again against the table by the service)."""
    if holder is None:
        raise AccessError("no_role", "请先刷身份证登记本场角色", "sign in to a role of this session with your ID card first")
    if holder.session_id != session_id:
        raise AccessError("other_session", "该角色属于另一场次", "that role belongs to another session")
    if holder.role not in roles:
        wanted = "、".join(ROLE_ZH.get(r, r) for r in roles)
        raise AccessError(
            "role", f"{ROLE_ZH.get(holder.role, holder.role)}无权执行此操作（须由{wanted}执行）",
            f"the {ROLE_EN.get(holder.role, holder.role)} may not do this (only: {', '.join(ROLE_EN.get(r, r) for r in roles)})",
        )
    return holder
