"""The printed ticket (排队号小票) as a device-neutral slip (``kiosk.ports.Slip``); the printer driver encodes it."""

from __future__ import annotations

from kiosk.ports import Feed, Qr, Rule, Slip, SlipItem, Text
from kiosk.queue.views import TicketInfo
from kiosk.timeutil import beijing_text


def ticket_slip(t: TicketInfo, site_name: str) -> Slip:
    """The paper ticket: big number, service, people ahead, estimated wait, time, counters, QR (opaque token)."""
    items: list[SlipItem] = [
        Text(site_name, align="center", bold=True),
        Text("排队号 Queue ticket", align="center"),
        Rule(),
        Text(t.ticket_no, size=4, bold=True, align="center"),
        Text(t.service_name, size=2, bold=True, align="center"),
    ]
    if t.service_name_en:
        items.append(Text(t.service_name_en, align="center"))
    if t.priority:
        items.append(Text("优先号 Priority", bold=True, align="center"))
    items += [
        Rule(),
        Text(f"前面还有 {t.people_ahead} 人，预计等候约 {t.est_wait_min} 分钟"),
        Text(f"{t.people_ahead} ahead of you, about {t.est_wait_min} min"),
    ]
    if t.counters:
        items.append(Text("办理窗口 Counters：" + "、".join(t.counters)))
    items += [
        Text("取号时间 Issued：" + beijing_text(t.issued_at)),
        Feed(1),
        Qr(t.qr_data, module=6),
        Text("在自助机扫此码可查询排队进度。过号请到窗口咨询。", align="center"),
        Text("Scan at a kiosk to see your place in the queue.", align="center"),
    ]
    if t.reprint:
        items.append(Text("（补打 Reprint）", align="center"))
    return Slip(tuple(items))
