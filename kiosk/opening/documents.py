"""The 开标记录表 as a PDF (docs/rules/opening.md §3), built with ``kiosk.documents``.

Header: project and section codes and names, tenderer, agency, control price, time and place,
compere. A row per bidder (order, name, submission time, attendance, decryption, price in figures
and 大写, duration, quality, other items). 备注: exclusions with their reasons (late bids,
absences, failed decryptions with their legal wording, quorum decisions). Objections with the
answers given on the spot. Bidder confirmations. Signature block: host, recorder, supervisor.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kiosk.documents import build_pdf, grid_table, styles
from kiosk.money import format_money, to_capitals
from kiosk.opening.rules import LEGAL_WORDING, opening_address
from kiosk.opening.views import OUTCOME_ZH, STAGE_ZH, OpeningView
from kiosk.timeutil import beijing, beijing_text

ATTEND_ZH = {"present": "到场", "absent": "未到场"}
CONF_ZH = {"confirmed": "已确认", "refused": "拒绝确认", "deemed": "视同认可", "": "—"}


def _t(when: dt.datetime | None) -> str:
    return beijing_text(when) or "—"


def build_record(v: OpeningView, signatures: dict[str, str], site_name: str) -> tuple[bytes, str]:
    """The record's PDF bytes and SHA-256 (deterministic for the same state)."""
    st = styles()
    sess = v.session
    story: list = [Paragraph("开标记录表", st.title)]
    cp = v.control_price
    cp_text = f"{format_money(cp, v.price_unit)}（{to_capitals(cp, v.price_unit)}）" if cp else "无"
    head = [
        ["项目名称", v.title, "项目编号", str(sess.get("TENDER_PROJECT_CODE", ""))],
        ["标段名称", str(sess.get("BID_SECTION_NAME", "")), "标段编号", str(sess.get("BID_SECTION_CODE", ""))],
        ["招标人", str(sess.get("TENDERER_NAME", "")), "招标代理", str(sess.get("TENDER_AGENCY_NAME", ""))],
        ["控制价/最高投标限价", cp_text, "开标时间", _t(v.starts_at)],
        ["开标地点", opening_address(v, site_name), "开标主持人", signatures.get("host") or "—"],
        ["开标结果", OUTCOME_ZH.get(v.outcome or "", "进行中"), "场次编号", v.session_id],
    ]
    story.append(grid_table(head, [32 * mm, 100 * mm, 28 * mm, 100 * mm], header_rows=0))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("投标人及唱标内容（按投标文件递交顺序）", st.heading))
    rows: list[list[object]] = [["序号", "投标人名称", "递交时间", "签到", "解密", "投标总价", "大写", "工期（日历天）", "质量", "其他", "确认"]]
    for b in v.bidders:
        extra = "；".join(f"{k}：{val}" for k, val in sorted(b.extra.items()))
        rows.append([
            str(b.order), f"{b.name}<br/>{b.org_code}", _t(b.submitted_at), ATTEND_ZH[b.attendance], b.decrypt_zh,
            b.price_text or "—", b.capitals or "—", b.time_limit or "—", b.quality or "—", extra or "—",
            CONF_ZH.get(b.confirmation, b.confirmation),
        ])
    widths = [10, 50, 24, 14, 20, 28, 42, 17, 14, 25, 16]
    story.append(grid_table(rows, [w * mm for w in widths]))
    story.append(Paragraph("备注：排除及未解密情况", st.heading))
    notes: list[str] = []
    for late in v.late:
        notes.append(f"{late['name']}：{late.get('reason', '逾期送达，不予受理')}")
    for b in v.bidders:
        if b.attendance == "absent":
            notes.append(f"{b.name}：未签到（{b.absent_reason or '未记录原因'}）")
        if b.decrypt_status in LEGAL_WORDING:
            notes.append(f"{b.name}：{b.decrypt_zh}，{LEGAL_WORDING[b.decrypt_status]}")
        if b.confirmation == "refused":
            notes.append(f"{b.name}：拒绝确认开标记录，理由：{b.confirmation_note}")
    if v.quorum_decision:
        q = v.quorum_decision
        what = "招标失败" if q.get("decision") == "failed" else "中止开标"
        notes.append(f"有效投标人 {q.get('valid')} 家，少于 {q.get('quorum')} 家，主持人决定{what}，理由：{q.get('reason')}")
    for n in notes or ["无"]:
        story.append(Paragraph(n, st.body))
    story.append(Paragraph("现场异议及答复", st.heading))
    if v.objections:
        orows: list[list[object]] = [["序号", "提出人", "异议内容", "提出时间", "答复", "答复人"]]
        for o in v.objections:
            orows.append([str(o.no), o.by, o.content, o.raised_at[:19].replace("T", " "), o.answer or "未答复", o.answered_by or "—"])
        story.append(grid_table(orows, [w * mm for w in (12, 40, 80, 32, 80, 20)]))
    else:
        story.append(Paragraph("无", st.body))
    if v.durations:
        story.append(Paragraph("各阶段用时", st.heading))
        story.append(Paragraph("；".join(f"{STAGE_ZH.get(k, k)} {int(sec // 60)} 分 {int(sec % 60)} 秒" for k, sec in v.durations.items()), st.small))
    story.append(Spacer(1, 6 * mm))
    sig = [["开标主持人", signatures.get("host") or "", "记录人", signatures.get("recorder") or "",
            "监标人/监督人员", signatures.get("supervisor") or ""]]
    story.append(grid_table(sig, [w * mm for w in (28, 50, 22, 50, 32, 50)], header_rows=0))
    story.append(Paragraph(f"招标人：{sess.get('TENDERER_NAME', '')}　　招标代理：{sess.get('TENDER_AGENCY_NAME', '')}　　"
                           f"日期：{beijing(v.now).strftime('%Y-%m-%d')}", st.body))
    story.append(Paragraph("签字方式：工作人员以个人 PIN 在开标主持终端签署；投标人代表以居民身份证在读卡器上确认。", st.small))
    return build_pdf(story, title=f"开标记录表 {v.session_id}", footer=f"开标记录表 · {v.session_id}", pagesize=landscape(A4))
