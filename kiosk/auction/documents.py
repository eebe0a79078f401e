"""The auction's documents: 成交确认书 (拍卖法 §52) and 拍卖笔录 (§53), as PDF (kiosk.documents).

People are named by their operator display names (李拍卖), never by login names. A lot with a stage
after the price cap (竞配建, 竞自持, 平均价, 摇号) states the cap and the stage's outcome in the
confirmation, and the record lists every stage bid and the reveal of the one-time bids.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kiosk.auction.rules import REASONS, stage_value_text
from kiosk.documents import build_pdf, grid_table, styles
from kiosk.money import format_money, to_capitals
from kiosk.supervision.witness_record import witness_story
from kiosk.timeutil import beijing, parse_rfc3339

SOURCES = {"floor": "现场举牌", "keypad": "竞价器", "listing": "挂牌报价"}
RESULTS = {"sold": "成交", "unsold": "不成交（流拍）", "terminated": "终止"}
CLOSE_REASONS = {"no_bids": "无人应价", "below_reserve": "最高应价低于保留价（底价）"}


@dataclass(frozen=True)
class Docs:
    site: str
    session: Any  #: PfSession or None
    lot: Any  #: PfLot
    state: Any  #: AuctionLot (closed)
    place: str
    hammer_at: dt.datetime
    buyer_name: str | None
    buyer_code: str
    reserve: str | None
    actor: str
    bids: list[Any]
    events: list[tuple[int, str, dict[str, Any], str]]
    names: dict[str, str] = field(default_factory=dict)  #: operator username → display name
    stage_bids: list[Any] = field(default_factory=list)  #: StageBidView, every stage bid
    witness_notes: list[Any] = field(default_factory=list)  #: WitnessNote, the session's 见证记录 so far

    def who(self, username: str | None) -> str:
        """A journal ``actor`` as the record names it: a hall account's display name, or the masked name of a
        session role (``auctioneer:李*华`` → ``李*华``)."""
        name = username or ""
        if name in self.names:
            return self.names[name]
        role, sep, masked = name.partition(":")
        return masked if sep and role.isidentifier() else name

    def _data(self, key: str) -> str:
        data = getattr(self.session, "data", None) or {}
        value = data.get(key)
        return str(value).strip() if value else ""

    @property
    def is_land(self) -> bool:
        """国有建设用地使用权 (国土资源部令第39号): 出让人 and 竞得人, not 委托人 and 买受人."""
        return (getattr(self.session, "trade_type", "") or "").upper() == "TDSYQ"

    @property
    def auctioneer(self) -> str:
        """D9: 拍卖师 with the 执业证号 the platform gives (``auctioneer_licence``)."""
        licence = self._data("auctioneer_licence")
        return f"{self.who(self.actor)}（拍卖师执业证号 {licence}）" if licence else f"{self.who(self.actor)}（执业证号未提供）"

    @property
    def buyer_title(self) -> str:
        return "竞得人" if self.is_land else "买受人"

    def parties(self) -> list[list[str]]:
        """D9: the parties the law names for the trade type (拍卖法 §10–11, 39号令 §20–21)."""
        house, seller = self._data("auction_house"), self._data("seller_name")
        rows = []
        if self.is_land:
            rows.append(["出让人", seller or "（平台未提供）"])
            if house:
                rows.append(["拍卖人", f"{house}（受出让人委托）"])
        else:
            rows.append(["拍卖人", house or "（平台未提供拍卖企业）"])
            rows.append(["委托人", seller or "（平台未提供）"])
        rows.append(["交易场所", self.site])
        return rows


def _t(when: dt.datetime) -> str:
    return beijing(when).strftime("%Y年%m月%d日 %H:%M:%S")


def _ts(text: str) -> str:
    return beijing(parse_rfc3339(text)).strftime("%H:%M:%S")


def _m(d: Docs, amount: str | None) -> str:
    return format_money(amount, d.lot.price_unit) if amount is not None else "—"


STAGE_NAMES = {"lottery": "限价+摇号", "area": "限地价+竞配建", "self_hold": "限地价+竞自持", "average": "一次报价·平均价"}
STAGE_UNIT = {"area": "m2", "self_hold": "%"}
STAGE_BID = {"area": "竞报配建面积", "self_hold": "竞报自持比例", "average": "一次书面报价"}


def _sv(d: Docs, value: str | None, unit: str) -> str:
    return stage_value_text(value, unit, d.lot.price_unit)


def _stage_rule(d: Docs) -> str:
    st = d.state
    params = json.loads(st.stage_params or "{}")
    name = STAGE_NAMES.get(st.stage or "", st.stage or "")
    if st.stage == "area":
        return f"{name}：起始 {_sv(d, params['start'], 'm2')}，增幅 {_sv(d, params['step'], 'm2')}；面积最大者以最高限价竞得"
    if st.stage == "self_hold":
        return f"{name}：起始 {_sv(d, params['start'], '%')}，增幅 {_sv(d, params['step'], '%')}；比例最高者竞得，同为 100% 转入方案评审"
    if st.stage == "average":
        return (f"{name}：有效区间 {_m(d, d.lot.cap_price)} 至 {_m(d, params['upper'])}，相同报价无效；"
                "最接近有效报价算术平均值者竞得，距离相同取低者")
    return f"{name}：在最高限价应价者摇号确定竞得人"


def confirmation_pdf(d: Docs) -> tuple[bytes, str]:
    """成交确认书: parties, lot, price in figures and capitals, time, place, signing terms."""
    st = styles()
    lot, price = d.lot, d.state.hammer_price
    title = d.session.title if d.session is not None else ""
    story: list[Any] = [Paragraph("成交确认书", st.title),
                        Paragraph(f"编号：{lot.session_id}-{lot.lot_code}", st.small), Spacer(1, 4 * mm)]
    rows = [
        *d.parties(),
        ["拍卖会", f"{title}（{lot.session_id}）"],
        [d.buyer_title, d.buyer_name or ""],
        [f"{d.buyer_title}代码", d.buyer_code or "—"],
        ["竞买号牌", d.state.buyer_paddle or ""],
        ["拍卖标的", f"{lot.lot_code}　{lot.title}"],
        ["成交价（小写）", _m(d, price)],
        ["成交价（大写）", to_capitals(price, lot.price_unit) if price else ""],
        ["成交时间", _t(d.hammer_at)],
        ["成交地点", d.place],
        ["拍卖师", d.auctioneer],
    ]
    ls = d.state
    if lot.cap_price:
        rows.insert(len(d.parties()) + 4, ["最高限价", f"{_m(d, lot.cap_price)}（{to_capitals(lot.cap_price, lot.price_unit)}）"])
    if ls.stage == "area" and ls.stage_value is not None:
        rows.append(["竞得配建面积", f"{_sv(d, ls.stage_value, 'm2')}（以最高限价成交，竞配建确定）"])
    elif ls.stage == "self_hold" and ls.stage_value is not None:
        rows.append(["竞得自持比例", f"{_sv(d, ls.stage_value, '%')}（以最高限价成交，竞自持确定）"])
    elif ls.stage == "average" and ls.stage_phase == "revealed":
        mean = json.loads(ls.stage_result or "{}").get("mean")
        rows.append(["确定方式", f"一次报价·平均价：中选报价 {_m(d, ls.stage_value)}，有效报价算术平均值 {_m(d, mean)}"])
    if ls.lottery_seed:
        rows.append(["确定方式", f"达到最高限价，摇号确定；种子 {ls.lottery_seed}（可由日志复算，hall-kiosk auction verify-lottery）"])
    story.append(grid_table(rows, [40 * mm, 134 * mm], header_rows=0))
    b = d.buyer_title
    seller = "出让人" if d.is_land else "拍卖人"
    story += [
        Spacer(1, 5 * mm),
        Paragraph(f"一、{b}于上述时间、地点以上述价格竞得上述标的，拍卖师当场落槌确认成交"
                  f"（{'《招标拍卖挂牌出让国有建设用地使用权规定》第二十条' if d.is_land else '《中华人民共和国拍卖法》第五十一条'}）。", st.body),
        Paragraph(f"二、{b}的竞买保证金在本确认书签署前继续冻结；签署后，现金保证金转作价款的一部分，"
                  "以电子保函提交的解除保函责任、不转作价款。其他竞买人的保证金于五个工作日内不计利息退还，保函解除。", st.body),
        Paragraph(f"三、{b}应于本确认书签订之日起五个工作日内签订{'出让合同' if d.is_land else '成交合同'}并按约定支付价款；"
                  f"{b}拒绝签署本确认书（悔拍）的，不影响成交的效力，竞买保证金不予退还（记为没收，注明情况）。", st.body),
        Paragraph(f"四、合同签订地点：{d.site}；本确认书一式三份，{seller}、{b}、{'交易场所' if d.is_land else '委托人'}各执一份。",
                  st.body),
        Spacer(1, 10 * mm),
        grid_table([[f"{seller}（盖章）：", f"{b}（签字/盖章）："], ["拍卖师签字：", "签署日期："]], [87 * mm, 87 * mm], header_rows=0),
    ]
    return build_pdf(story, title=f"成交确认书 {lot.lot_code}", footer=f"{d.site} · 成交确认书 {lot.session_id}/{lot.lot_code}")


def record_pdf(d: Docs, *, result: str, reason: str | None) -> tuple[bytes, str]:
    """拍卖笔录: rules announced, reserve custody, every bid (accepted or rejected), calls, result."""
    st = styles()
    lot, state = d.lot, d.state
    title = d.session.title if d.session is not None else ""
    story: list[Any] = [Paragraph("拍卖笔录（现场竞价记录）", st.title),
                        Paragraph(f"{title}　{lot.session_id}　地点：{d.place}", st.small), Spacer(1, 3 * mm)]
    reserve_line = (f"有保留价（底价）；落槌后揭示：{_m(d, d.reserve)}" if lot.has_reserve else "本标的无保留价（底价），已于竞价前宣布")
    story.append(grid_table([
        *d.parties(),
        ["拍卖师", d.auctioneer],
        ["标的", f"{lot.lot_code}　{lot.title}"],
        ["起拍价", f"{_m(d, lot.start_price)}（{to_capitals(lot.start_price, lot.price_unit)}）"],
        ["加价幅度", _m(d, lot.increment)],
        ["保留价", reserve_line],
        ["最高限价", _m(d, lot.cap_price) if lot.cap_price else "无"],
        *([["限价后竞价", _stage_rule(d)]] if lot.cap_price and state.stage else []),
        ["竞价规则", f"{'允许' if state.jump_bids else '不允许'}跳价；{'须为加价幅度整数倍' if state.on_grid else '不低于当前价加一个幅度'}；"
                     f"每次应价后三次报价，间隔计时"],
    ], [30 * mm, 144 * mm], header_rows=0))
    story.append(Paragraph("竞价过程", st.heading))
    rows: list[list[Any]] = [["序号", "时间", "事项", "号牌", "金额", "结果"]]
    items: list[tuple[int, list[str]]] = []
    for b in d.bids:
        if b.accepted:
            res = "有效应价" + ("（已更正作废）" if b.corrected else "")
        else:
            res = "拒绝：" + REASONS.get(b.reason or "", (b.reason or "", ""))[0]
        items.append((b.seq, [str(b.seq), beijing(b.at).strftime("%H:%M:%S"), "应价·" + SOURCES.get(b.source, b.source),
                              b.paddle_no, _m(d, b.amount), res]))
    for seq, kind, pl, at in d.events:
        if kind == "auction.lot_opened":
            what, res = "宣布开拍（规则、起拍价、幅度）", pl.get("statement", "有保留价")
            items.append((seq, [str(seq), _ts(at), what, "", _m(d, pl["start_price"]), res]))
        elif kind == "auction.reserve_entered":
            items.append((seq, [str(seq), _ts(at), "密封底价现场录入", "", "（保密）",
                                f"拍卖师 {d.who(pl['auctioneer'])}、监督 {d.who(pl['supervisor'])}"]))
        elif kind == "auction.call":
            what = _m(d, pl.get("price"))
            if pl.get("stage_value") is not None:
                what = f"{what}；{_sv(d, pl['stage_value'], pl['unit'])}"
            items.append((seq, [str(seq), _ts(at), f"第{'一二三'[pl['call_no'] - 1]}次报价", "、".join(pl.get("tied") or [])
                                or pl.get("paddle_no") or "", what, ""]))
        elif kind == "auction.increment_changed":
            items.append((seq, [str(seq), _ts(at), "调整加价幅度", "", _m(d, pl["increment"]), d.who(pl["actor"])]))
        elif kind == "auction.bid_corrected":
            items.append((seq, [str(seq), _ts(at), f"更正第 {pl['bid_seq']} 号应价", pl["paddle_no"], _m(d, pl["amount"]),
                                f"{d.who(pl['actor'])}：{pl['reason']}"]))
        elif kind == "auction.stage":
            items.append((seq, [str(seq), _ts(at), "停止举牌，开始一次报价", "、".join(pl["candidates"]), "", d.who(pl["actor"])]))
        elif kind == "auction.stage_reveal":
            valid = [b for b in pl["bids"] if b["valid"]]
            res = (f"中选 {pl['winner']} 号 {_m(d, pl['winning_bid'])}" if pl.get("winner") else "无有效报价")
            items.append((seq, [str(seq), _ts(at), f"揭晓一次报价（有效 {len(valid)} 份）", "", f"均值 {_m(d, pl['mean'])}"
                                if pl.get("mean") else "", res]))
        elif kind == "auction.lottery_candidates":
            items.append((seq, [str(seq), _ts(at), "确认摇号候选人", "、".join(pl["candidates"]), "",
                                f"随机数承诺 {pl['csprng_sha256'][:16]}…"]))
        elif kind == "auction.lottery_entropy":
            items.append((seq, [str(seq), _ts(at), f"{'监督人' if pl['role'] == 'supervisor' else '拍卖师'}录入随机数字",
                                "", pl["digits"], d.who(pl["actor"])]))
        elif kind == "auction.lottery_commit":
            items.append((seq, [str(seq), _ts(at), "公布种子 SHA-256（抽签前）", "", "", pl["seed_sha256"][:32] + "…"]))
        elif kind == "auction.lottery":
            items.append((seq, [str(seq), _ts(at), "限价摇号·抽签并公开种子", "、".join(pl["candidates"]), "",
                                f"中签 {pl['winner']}；种子 {pl['seed']}"]))
        elif kind == "auction.terminated":
            items.append((seq, [str(seq), _ts(at), "终止", "", "", pl["reason"]]))
    for b in d.stage_bids:
        res = ("有效" if state.stage != "average" else "已提交（密封）") if b.accepted else "拒绝：" + REASONS.get(b.reason or "", (b.reason or "", ""))[0]
        items.append((b.seq, [str(b.seq), beijing(b.at).strftime("%H:%M:%S"),
                              STAGE_BID.get(state.stage or "", "阶段报价") + "·" + SOURCES.get(b.source, b.source),
                              b.paddle_no, _sv(d, b.value, b.unit), res]))
    for _seq, row in sorted(items, key=lambda x: x[0]):
        rows.append(row)
    story.append(grid_table(rows, [14 * mm, 18 * mm, 44 * mm, 20 * mm, 34 * mm, 44 * mm]))
    story.append(Paragraph("结果", st.heading))
    outcome = RESULTS.get(result, result)
    if result == "sold":
        outcome += f"：号牌 {state.buyer_paddle}（{d.buyer_name}），成交价 {_m(d, state.hammer_price)}（{to_capitals(state.hammer_price, lot.price_unit)}）"
        if state.stage in ("area", "self_hold") and state.stage_value is not None:
            outcome += f"，{'配建面积' if state.stage == 'area' else '自持比例'} {_sv(d, state.stage_value, STAGE_UNIT[state.stage])}"
    elif reason:
        outcome += "：" + CLOSE_REASONS.get(reason, reason)
    story.append(Paragraph(f"落槌/终止时间：{_t(d.hammer_at)}。{outcome}。", st.body))
    story += [Spacer(1, 10 * mm),
              grid_table([[f"拍卖师：{d.who(d.actor)}", "记录人：", f"{d.buyer_title}：" if result == "sold" else "监督人："]],
                         [58 * mm, 58 * mm, 58 * mm], header_rows=0)]
    story += witness_story(d.witness_notes, session_id=lot.session_id, title=title)  # 见证记录 (issue 18), when noted
    return build_pdf(story, title=f"拍卖笔录 {lot.lot_code}", footer=f"{d.site} · 拍卖笔录 {lot.session_id}/{lot.lot_code}")
