"""The expert draw's rules (issue 17; docs/rules/expert-area.md). Pure: no database, no clock, no I/O.

* who is eligible (:func:`eligible_pools`): the evaluation's specialties and region, ``active``, not
  barred as an expert (blacklist ``BODY_TYPE`` ``expert``), not employed by an organisation to be
  avoided (the evaluation's ``avoid_codes`` plus the bidders of its sessions), no declared conflict
  with one, not drawn for another sitting that overlaps in time (REG 46; 评标委员会和评标方法暂行规定 §12);
* whether the draw may go ahead (:func:`need_pools`, :func:`need_time`, :func:`need_roles`);
* the invitation text and the meaning of a reply (:func:`invitation`, :func:`answer_of`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from kiosk.errors import HallError
from kiosk.timeutil import BEIJING

#: the session roles present at a draw: the centre's staff who runs it (见证/工作人员), the
#: tenderer's or agency's representative and the supervisor (REG 46: random, witnessed)
DRAW_ROLES = ("witness", "tenderer_rep", "supervisor")
#: whose typed entropy is mixed into the seed
ENTROPY_ROLES = ("tenderer_rep", "supervisor")
DEFAULT_HOURS = 4.0


@dataclass(frozen=True)
class ExpertFacts:
    """What eligibility looks at of one expert (no personal data)."""

    expert_id: str
    specialties: tuple[str, ...]
    region: str
    status: str
    employer_code: str | None
    declared_conflicts: tuple[str, ...]
    barred: bool = False  #: an expert blacklist entry restricts them on the draw's day


@dataclass(frozen=True)
class Exclusions:
    """How many of the region's experts of the specialties were left out, and why (shown before the draw)."""

    inactive: int = 0
    barred: int = 0
    employer: int = 0
    conflict: int = 0
    busy: int = 0
    drawn: int = 0  #: drawn already for this sitting (a further round draws from the others)


def region_prefix(region: str) -> str:
    """An administrative division code's prefix: 150100 (a city) → 1501, 150000 (a province) → 15."""
    r = region.strip()
    while len(r) > 2 and r.endswith("00"):
        r = r[:-2]
    return r


def eligible_pools(experts: Iterable[ExpertFacts], specialties: Sequence[str], region: str,
                   avoid_codes: Collection[str], busy: Collection[str],
                   drawn: Collection[str] = ()) -> tuple[dict[str, list[str]], Exclusions]:
    """The eligible expert ids per specialty (sorted), and the counts of those left out.

    ``avoid_codes``: organisation codes whose employees may not sit (the evaluation's and the
    bidders'); ``busy``: experts drawn (and not released) for a sitting that overlaps this one;
    ``drawn``: experts this sitting's earlier rounds drew already.
    """
    prefix = region_prefix(region) if region else ""
    pools: dict[str, list[str]] = {sp: [] for sp in specialties}
    counts = {"inactive": 0, "barred": 0, "employer": 0, "conflict": 0, "busy": 0, "drawn": 0}
    avoid = set(avoid_codes)
    for e in experts:
        mine = [sp for sp in specialties if sp in e.specialties]
        if not mine or (prefix and not e.region.startswith(prefix)):
            continue
        why = None
        if e.status != "active":
            why = "inactive"
        elif e.barred:
            why = "barred"
        elif e.employer_code and e.employer_code in avoid:
            why = "employer"
        elif avoid.intersection(e.declared_conflicts):
            why = "conflict"
        elif e.expert_id in drawn:
            why = "drawn"
        elif e.expert_id in busy:
            why = "busy"
        if why:
            counts[why] += 1
            continue
        for sp in mine:
            pools[sp].append(e.expert_id)
    return {sp: sorted(ids) for sp, ids in pools.items()}, Exclusions(**counts)


@dataclass(frozen=True)
class LineCheck:
    specialty: str
    needed: int  #: count + reserves
    available: int  #: eligible experts of the specialty
    shared: int = 0  #: of those, how many earlier lines of the plan may take (experts of two specialties)

    @property
    def short(self) -> bool:
        return self.available - self.shared < self.needed


def check_lines(pools: Mapping[str, Sequence[str]], draws: Sequence[Mapping[str, int | str]]) -> list[LineCheck]:
    """Each line of the plan against its pool.

    An expert of two specialties may be taken by an earlier line, so a line counts as short unless
    its pool holds enough even if earlier lines took every shared expert they could: then a draw,
    once allowed, can never fail for want of experts.
    """
    earlier: set[str] = set()
    earlier_need = 0
    out = []
    for d in draws:
        sp = str(d["specialty"])
        need = int(d["count"]) + int(d.get("reserves") or 0)
        pool = set(pools.get(sp, ()))
        out.append(LineCheck(sp, need, len(pool), min(len(pool & earlier), earlier_need)))
        earlier |= pool
        earlier_need += need
    return out


def need_pools(lines: Sequence[LineCheck]) -> None:
    """Refuse a draw while any specialty's pool is smaller than count + reserves."""
    short = [ln for ln in lines if ln.short]
    if short:
        zh = "；".join(f"{ln.specialty} 需 {ln.needed} 人，符合条件仅 {ln.available} 人" for ln in short)
        en = "; ".join(f"{ln.specialty} needs {ln.needed}, only {ln.available} eligible" for ln in short)
        raise HallError("pool_short", f"专家库不足，不能抽取：{zh}", f"the pool is too small to draw: {en}")


def need_time(now: dt.datetime, draw_not_before: dt.datetime | None) -> None:
    """No draw before the evaluation's ``draw_not_before`` (财库〔2016〕198号: ≤ 2 working days before)."""
    if draw_not_before is not None and now < draw_not_before:
        at = draw_not_before.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        raise HallError("too_early", f"未到抽取时间：{at} 以后方可抽取", f"too early: the draw may start at {at} (Beijing)")


def need_roles(present: Collection[str]) -> None:
    """The staff, the tenderer's/agency's representative and the supervisor are all signed in."""
    missing = [r for r in DRAW_ROLES if r not in present]
    if missing:
        zh = {"witness": "中心工作人员", "tenderer_rep": "招标人/代理机构代表", "supervisor": "监督人员"}
        raise HallError("roles_missing", "抽取须由" + "、".join(zh[r] for r in missing) + "刷身份证登记在场",
                        "the draw needs these signed in by ID card: " + ", ".join(missing))


def need_entropy(texts: Mapping[str, str]) -> None:
    """Each of the representative and the supervisor typed something of their own (at least 6 characters)."""
    for role in ENTROPY_ROLES:
        if len((texts.get(role) or "").strip()) < 6:
            raise HallError("entropy", "招标人/代理机构代表和监督人员须各自输入至少 6 位随机字符",
                            "the representative and the supervisor each type at least 6 random characters")


def overlaps(a_start: dt.datetime, a_hours: float, b_start: dt.datetime, b_hours: float) -> bool:
    """Two sittings share some time."""
    a_end = a_start + dt.timedelta(hours=a_hours)
    b_end = b_start + dt.timedelta(hours=b_hours)
    return a_start < b_end and b_start < a_end


def hours_of(value: str | None) -> float:
    try:
        return float(value) if value else DEFAULT_HOURS
    except ValueError:
        return DEFAULT_HOURS


def invitation(starts_at: dt.datetime, room_name: str, site_name: str) -> str:
    """The SMS to an expert drawn: time and place, reply 1 to accept, 2 to decline. No project name (TBL 38)."""
    at = starts_at.astimezone(BEIJING).strftime("%m月%d日 %H:%M")
    return f"【{site_name}】评标邀请：时间 {at}，地点 {room_name}。回复1接受，回复2拒绝。请勿向他人透露。"


def answer_of(text: str) -> str | None:
    """A reply's meaning: ``accept`` (1), ``decline`` (2), None for anything else."""
    t = text.strip().translate(str.maketrans("１２", "12"))
    if t == "1":
        return "accept"
    if t == "2":
        return "decline"
    return None


def answer_due(called_at: dt.datetime, minutes: int) -> dt.datetime:
    return called_at + dt.timedelta(minutes=minutes)


# --- the committee's composition (TBL 37; G87 47) -----------------------------------------------------

#: 政府采购: a budget of at least this (yuan) needs a committee of 7 or more (G87 47)
G87_LARGE_BUDGET = 10_000_000
G87_LARGE_MEMBERS = 7


def check_committee(members_total: int, owner_reps: int, draws: Sequence[Mapping[str, object]],
                    trade_type: str, budget: str | None) -> None:
    """Refuse a draw plan whose committee the law does not allow.

    * TBL 37: the committee has an odd number of members, at least 5, and the technical and economic
      experts are at least two thirds of them (the tenderer's representatives, ``owner_reps``, are the rest);
    * the plan draws exactly the experts the committee lacks (``members_total`` − ``owner_reps``);
    * G87 47 (政府采购, ``ZFCG``): at least 7 members when the budget is 10 million yuan or more.
    """
    experts = sum(int(str(d.get("count") or 0)) for d in draws)
    if members_total < 5 or members_total % 2 == 0:
        raise HallError("committee_size", f"评标委员会须为 5 人以上单数（招标投标法第三十七条），本场为 {members_total} 人",
                        f"the committee must have an odd number of members, at least 5 (TBL 37): {members_total}")
    if experts * 3 < members_total * 2:
        raise HallError("committee_experts", f"技术、经济等方面的专家不得少于成员总数的三分之二（招标投标法第三十七条）："
                                             f"{members_total} 人中专家仅 {experts} 人",
                        f"experts must be at least two thirds of the members (TBL 37): {experts} of {members_total}")
    if experts + owner_reps != members_total:
        raise HallError("committee_plan", f"抽取方案专家 {experts} 人加招标人代表 {owner_reps} 人不等于委员会 {members_total} 人",
                        f"the plan's {experts} experts and {owner_reps} representatives do not make the {members_total} members")
    if trade_type.upper() == "ZFCG" and budget:
        from kiosk.money import try_parse_money

        amount = try_parse_money(budget)
        if amount is not None and amount >= G87_LARGE_BUDGET and members_total < G87_LARGE_MEMBERS:
            raise HallError("committee_g87", f"政府采购预算 1000 万元以上的，评标委员会须为 7 人以上单数"
                                             f"（财政部令第87号第四十七条），本场为 {members_total} 人",
                            f"a procurement budget of 10 million yuan or more needs a committee of 7 or more "
                            f"(G87 47): {members_total}")
