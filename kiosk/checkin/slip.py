"""The printed check-in slip (签到单) as a device-neutral slip (``kiosk.ports.Slip``); the printer driver encodes it.

Like the queue's ticket (:mod:`kiosk.queue.slip`): check-in has no PDF of its own.
"""

from __future__ import annotations

from kiosk.checkin.rules import AUCTION_KINDS
from kiosk.checkin.views import CheckinInfo
from kiosk.ports import Qr, Rule, Slip, SlipItem, Text
from kiosk.timeutil import beijing


def checkin_slip(infos: tuple[CheckinInfo, ...], site_name: str, *, reprint: bool = False) -> Slip:
    """The slip of a check-in (one per session; several lots share the paddle); ``reprint`` marks it 补打."""
    first = infos[0]
    auction = first.session_kind in AUCTION_KINDS
    items: list[SlipItem] = [
        Text(site_name, align="center", bold=True),
        Text("竞买签到单" if auction else "开标签到单", size=2, bold=True, align="center"),
    ]
    if reprint:
        items.append(Text("（补打）", align="center"))
    items += [Rule()]
    if auction and first.paddle_no:
        items += [Text("竞买号牌", align="center"), Text(first.paddle_no, size=6, bold=True, align="center"), Rule()]
    items += [
        Text(f"场次：{first.session_title}"),
        Text(f"地点：{first.room_name}"),
        Text(f"时间：{beijing(first.starts_at):%Y-%m-%d %H:%M}"),
        Text(f"单位：{first.bidder_name}"),
    ]
    lots = [i.lot_code for i in infos if i.lot_code]
    if lots:
        items.append(Text(f"标的：{'、'.join(lots)}"))
    items += [
        Text(f"签到人：{first.person_name_masked}"),
        Text(f"签到号：{'、'.join(i.checkin_no_text for i in infos)}", size=2, bold=True),
        Text(f"签到时间：{beijing(first.checked_in_at):%Y-%m-%d %H:%M:%S}"),
        Qr(first.qr_data),
        Text("请妥善保管本签到单，凭单入场。", align="center"),
    ]
    return Slip(tuple(items))
