"""The 开标记录表 as a PDF (docs/rules/opening.md §3), built with ``kiosk.documents``.

Header: project and section codes and names, tenderer, agency, control price, time and place,
compere. A row per bidder (order, name, submission time, attendance, decryption, price in figures
and 大写, duration, quality, other items). 备注: exclusions with their reasons (late bids,
absences, written withdrawals with their references, failed decryptions with their legal wording,
不得开标, too few valid bids for the committee). 投标保证金递交情况 where the session requires a
deposit (D4); absent bidders as 视同认可 only where the session says so, else 未到场 (D5); what
check-in found about the representatives (a market ban, one agent for several bidders) with its
evidence, for the evaluation committee (D6). Objections with the
answers given on the spot, each with where it was raised (现场 or 在线). Bidder confirmations. In a remote
opening (不见面开标, issue 19) a table of the bidders that attended online: who signed in, the CA
certificate's serial, when, and their confirmation with its signature hash. Signature block: each person in their session role (host, 唱标人, recorder, supervisor, witness,
招标人代表), named as the platform appointed them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kiosk.documents import build_pdf, grid_table, styles
from kiosk.money import format_money, to_capitals
from kiosk.opening.rules import LEGAL_WORDING, opening_address
from kiosk.opening.views import CONFIRMATION_ZH, OUTCOME_ZH, STAGE_ZH, OpeningView
from kiosk.staffing.rules import RECORD_TITLES, actor_label
from kiosk.supervision.witness_record import witness_story
from kiosk.timeutil import beijing, beijing_text

if TYPE_CHECKING:
    from kiosk.supervision.views import WitnessNote

ATTEND_ZH = {"present": "现场", "online": "在线", "absent": "未到"}
SOURCE_ZH = {"console": "现场（主持人登记）", "kiosk": "现场（自助终端）", "online": "在线"}
#: the signature block: each role as the record titles it (kiosk.staffing.RECORD_TITLES), the 唱标人 after the host
SIGN_TITLES = (("host", RECORD_TITLES["bid_opening"]["host"]), ("reader", "唱标人"),
               *((r, RECORD_TITLES["bid_opening"][r]) for r in ("recorder", "supervisor", "witness", "tenderer_rep", "notary")))
SIGN_ALWAYS = ("host", "recorder", "supervisor")
CONF_ZH = CONFIRMATION_ZH


def _t(when: dt.datetime | None) -> str:
    return beijing_text(when) or "—"


def _online_part(v: OpeningView) -> list:
    """不见面开标: the bidders that attended online, with the evidence the platform sent (§7.3)."""
    st = styles()
    c = v.attendance_counts
    out: list = [Paragraph(f"在线参加开标情况（不见面开标：现场 {c['present']} 家，在线 {c['online']} 家，未到 {c['absent']} 家）",
                           st.heading)]
    online = [b for b in v.bidders if b.attendance == "online"]
    if not online:
        out.append(Paragraph("无投标人在线签到", st.body))
        return out
    rows: list[list[object]] = [["投标人", "在线签到人", "CA 证书序列号", "在线签到时间", "确认结果", "签章哈希（SHA-256）"]]
    for b in online:
        at = _t(dt.datetime.fromisoformat(b.online_at)) if b.online_at else "—"
        sig = b.confirmation_signature
        # the hash in four groups of 16, so a line breaks between groups, never inside one
        rows.append([b.name, b.person_name or "—", b.ca_serial or "—", at, CONF_ZH.get(b.confirmation, b.confirmation),
                     " ".join(sig[i:i + 16] for i in range(0, len(sig), 16)) if sig else "—"])
    out.append(grid_table(rows, [w * mm for w in (48, 24, 48, 30, 22, 88)]))
    out.append(Paragraph("在线签到、异议和确认由交易平台以投标人数字证书（CA）签名后送达本厅（交易平台接口 §7.3），"
                         "本表据此记录；在线异议与现场异议同列一表、统一编号，答复同步至交易平台。", st.small))
    return out


def build_record(v: OpeningView, signatures: dict[str, str], site_name: str,
                 witness_notes: Sequence[WitnessNote] = ()) -> tuple[bytes, str]:
    """The record's PDF bytes and SHA-256 (deterministic for the same state); the witness's notes
    (见证记录, issue 18) end it on a page of their own when there are any."""
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
    deposit = v.deposit_required  # 投标保证金递交情况 is read and recorded where the session requires a deposit (D4)
    head_row = ["序号", "投标人名称", "递交时间", "签到", "解密", "投标总价", "大写", "工期（日历天）", "质量"]
    rows: list[list[object]] = [[*head_row, *(["投标保证金"] if deposit else []), "其他", "确认"]]
    for b in v.bidders:
        extra = "；".join(f"{k}：{val}" for k, val in sorted(b.extra.items()))
        decrypt = "已撤回/撤销" if b.withdrawn else b.decrypt_zh
        rows.append([
            str(b.order), f"{b.name}<br/>{b.org_code}", _t(b.submitted_at), ATTEND_ZH[b.attendance], decrypt,
            b.price_text or "—", b.capitals or "—", b.time_limit or "—", b.quality or "—",
            *([b.deposit_zh] if deposit else []), extra or "—", CONF_ZH.get(b.confirmation, b.confirmation),
        ])
    widths = ([10, 46, 22, 16, 18, 24, 32, 15, 12, 30, 20, 18] if deposit else [10, 48, 24, 16, 20, 28, 40, 17, 14, 25, 20])
    story.append(grid_table(rows, [w * mm for w in widths]))
    story.append(Paragraph("备注：排除及未解密情况", st.heading))
    notes: list[str] = []
    for late in v.late:
        notes.append(f"{late['name']}：{late.get('reason', '逾期送达，不予受理')}")
    for b in v.bidders:
        if b.withdrawn:
            notes.append(f"{b.name}：{b.withdrawal_zh}，不予解密和计数（《招标投标法实施条例》第三十五条）")
        if b.attendance == "absent" and not b.withdrawn:  # a withdrawn bidder's absence is its withdrawal, said above
            notes.append(f"{b.name}：未签到（{b.absent_reason or '未记录原因'}）")
        if b.decrypt_status in LEGAL_WORDING:
            notes.append(f"{b.name}：{b.decrypt_zh}，{LEGAL_WORDING[b.decrypt_status]}")
        if b.confirmation == "refused":
            notes.append(f"{b.name}：拒绝确认开标记录，理由：{b.confirmation_note}")
        if b.confirmation == "no_answer":
            notes.append(f"{b.name}：在线参加开标，在规定时间内未确认开标记录（不视为认可）")
    if v.quorum_decision:
        q = v.quorum_decision
        if q.get("decision") == "failed":
            notes.append(f"投标截止时投标人 {q.get('valid')} 个，少于 {q.get('quorum')} 个，依法不得开标，招标人应当重新招标"
                         f"（《招标投标法实施条例》第四十四条）；主持人记录的理由：{q.get('reason')}")
        else:  # a record made before D1, when a short quorum could be "suspended"
            notes.append(f"有效投标人 {q.get('valid')} 家，少于 {q.get('quorum')} 家，主持人决定中止开标，理由：{q.get('reason')}")
    if v.valid_short:
        vs = v.valid_short
        notes.append(f"解密后有效投标 {vs.get('valid')} 家，少于 {vs.get('quorum')} 家：开标依法完成，是否因有效投标不足而缺乏竞争，"
                     "提请评标委员会依法评审（《评标委员会和评标方法暂行规定》第二十七条）")
    absent = [b for b in v.bidders if b.confirmation in ("deemed", "absent")]
    if absent:
        if v.deemed_accept_absent:
            notes.append("未到场的投标人视同认可开标结果（本场次适用，见《政府采购货物和服务招标投标管理办法》第四十二条）："
                         + "、".join(b.name for b in absent))
        else:
            notes.append("未到场的投标人未确认开标记录，不视为认可（本场次不适用“未到场视同认可”）：" + "、".join(b.name for b in absent))
    for n in notes or ["无"]:
        story.append(Paragraph(n, st.body))
    if v.remote:
        story.extend(_online_part(v))
    story.append(Paragraph("签到核验提示（已准予入场，供评标委员会依法认定）", st.heading))
    if v.flags:
        frows: list[list[object]] = [["投标人", "情形", "证据"]]
        for f in v.flags:
            frows.append([f.bidder_name, f.zh, f.evidence])
        story.append(grid_table(frows, [w * mm for w in (60, 90, 110)]))
    else:
        story.append(Paragraph("无", st.body))
    story.append(Paragraph("开标异议及答复（现场与在线，统一编号）" if v.remote else "现场异议及答复", st.heading))
    if v.objections:
        orows: list[list[object]] = [["序号", "提出人", "来源", "异议内容", "提出时间", "答复", "答复人"]]
        for o in v.objections:
            who = f"{o.by}<br/>{o.person_name}" if o.person_name else o.by
            where = SOURCE_ZH.get(o.source, o.source) + (f"<br/>CA {o.ca_serial}" if o.ca_serial else "")
            orows.append([str(o.no), who, where, o.content, _t(dt.datetime.fromisoformat(o.raised_at)), o.answer or "未答复",
                          actor_label(o.answered_by) if o.answered_by else "—"])
        story.append(grid_table(orows, [w * mm for w in (12, 40, 30, 58, 30, 64, 28)]))
    else:
        story.append(Paragraph("无", st.body))
    if v.durations:
        story.append(Paragraph("各阶段用时", st.heading))
        story.append(Paragraph("；".join(f"{STAGE_ZH.get(k, k)} {int(sec // 60)} 分 {int(sec % 60)} 秒" for k, sec in v.durations.items()), st.small))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("开标现场人员签字", st.heading))
    sig = [[title, signatures.get(role) or ""] for role, title in SIGN_TITLES if role in signatures or role in SIGN_ALWAYS]
    story.append(grid_table(sig, [w * mm for w in (40, 220)], header_rows=0))
    story.append(Paragraph(f"招标人：{sess.get('TENDERER_NAME', '')}　　招标代理：{sess.get('TENDER_AGENCY_NAME', '')}　　"
                           f"日期：{beijing(v.now).strftime('%Y-%m-%d')}", st.body))
    story.append(Paragraph("签字方式：以上人员均为交易平台为本场指定的人员，在开标主持终端以本人居民身份证确认签字（持本厅账号者另输入个人 PIN）；"
                           "平台未指定而由本厅账号代行的，注明原因。投标人代表以居民身份证在读卡器上确认。", st.small))
    story += witness_story(witness_notes, session_id=v.session_id, title=v.title, width_mm=261)  # 见证记录 (issue 18)
    return build_pdf(story, title=f"开标记录表 {v.session_id}", footer=f"开标记录表 · {v.session_id}", pagesize=landscape(A4))
