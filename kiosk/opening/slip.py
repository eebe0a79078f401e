"""The 异议回执: the slip a kiosk prints for an objection raised at the opening (legal review D2).

《招标投标法实施条例》第六十条 makes an objection to the tenderer (异议) the precondition of a
complaint (投诉) about the opening (第四十四条 matters), and the time spent on its answer does not
count against the 10-day complaint period: the bidder needs proof that and when they objected. The
receipt carries the objection's receipt number, its time, its category and content, the bidder and
the masked name of the person who raised it (never the ID number), as a device-neutral
``kiosk.ports.Slip`` like the check-in slip (:mod:`kiosk.checkin.slip`).
"""

from __future__ import annotations

import datetime as dt

from kiosk.opening.remote import REMOTE_CATEGORY_ZH  # an online objection's categories are the platform's
from kiosk.opening.rules import OBJECTION_CATEGORIES, err
from kiosk.opening.views import STAGE_ZH, Objection, OpeningView
from kiosk.ports import Qr, Rule, Slip, SlipItem, Text
from kiosk.timeutil import beijing

#: a receipt's QR code is this prefix and its receipt number
RECEIPT_PREFIX = "HK-YY:"


def receipt_number(session_id: str, no: int) -> str:
    """The receipt number of objection ``no`` of a session: ``<session>-YY<no:02>`` (YY: 异议)."""
    return f"{session_id}-YY{no:02d}"


def objection_of(v: OpeningView, no: int) -> Objection:
    for o in v.objections:
        if o.no == no:
            return o
    raise err("no-objection", "没有这条异议", "no such objection")


def objection_receipt(v: OpeningView, no: int, site_name: str, *, terminal_id: str = "", reprint: bool = False) -> Slip:
    """The 异议回执 of objection ``no`` of the opening ``v`` (raised at a kiosk or entered at the console).

    Args:
        v: the opening as it stands (the objection is in ``v.objections``).
        no: the objection's number in this opening.
        site_name: the hall's name (``[site] name``), printed at the top.
        terminal_id: the kiosk that took it (printed when given).
        reprint: mark the slip 补打.

    Raises:
        OpeningError: ``no-objection`` when the opening has no objection ``no``.
    """
    o = objection_of(v, no)
    number = receipt_number(v.session_id, o.no)
    raised = dt.datetime.fromisoformat(o.raised_at)
    items: list[SlipItem] = [
        Text(site_name, align="center", bold=True),
        Text("开标异议回执", size=2, bold=True, align="center"),
    ]
    if reprint:
        items.append(Text("（补打）", align="center"))
    items += [
        Rule(),
        Text(f"回执编号：{number}", bold=True),
        Text(f"第 {o.no} 号异议", size=2, bold=True),  # this opening's number (fits 58 mm at double size)
        Text(f"提出时间：{beijing(raised):%Y-%m-%d %H:%M:%S}"),
        Text(f"开标项目：{v.title}"),
        Text(f"开标地点：{v.room_name}"),
        # the stage it was raised in (REG 44: at the opening), not the stage the slip is (re)printed in
        Text(f"提出阶段：{STAGE_ZH.get(o.stage, o.stage) if o.stage else v.stage_zh}" + ("（已答复）" if o.answer else "")),
        Text(f"投标人：{o.by}"),
    ]
    if o.person_name:
        items.append(Text(f"提出人：{o.person_name}"))
    if o.category:
        names = REMOTE_CATEGORY_ZH if o.source == "online" else {k: zh for k, (zh, _en) in OBJECTION_CATEGORIES.items()}
        category = names.get(o.category, o.category)
        items.append(Text(f"异议类别：{category}"))
        note = o.content[len(category):].lstrip("：") if o.content.startswith(category) else o.content
        if note:
            items.append(Text(f"补充说明：{note}"))
    else:
        items.append(Text(f"异议内容：{o.content}"))
    if o.source == "kiosk":
        items.append(Text("提出方式：自助终端，居民身份证核验" + (f"（{terminal_id}）" if terminal_id else "")))
    elif o.source == "online":
        items.append(Text("提出方式：不见面开标系统，CA 数字证书" + (f"（{o.ca_serial}）" if o.ca_serial else "")))
    else:
        items.append(Text("提出方式：开标现场，主持人登记"))
    items += [
        Rule(),
        Text("招标人应当当场作出答复，并制作记录（《招标投标法实施条例》第四十四条）。"),
        Text("对开标事项投诉的，应当先向招标人提出异议；可自知道或者应当知道之日起10日内向有关行政监督部门投诉，"
             "异议答复期间不计算在内（同条例第六十条）。"),
        Qr(RECEIPT_PREFIX + number),
        Text("本回执为已当场提出异议的凭证，请妥善保管。", align="center"),
    ]
    return Slip(tuple(items))
