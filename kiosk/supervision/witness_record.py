"""The 见证记录 page of a session's record PDF (issue 18 must 4): what the centre's 见证人 saw at each step.

:func:`witness_story` returns the page as reportlab flowables (``kiosk.documents``' fonts, styles and
ruled tables), started on a page of its own, for a record's builder to append before ``build_pdf``:
the auction's 拍卖笔录 (``kiosk/auction/documents.py``) and the opening's 开标记录表. Every note is
listed in journal order: its time, the checklist step, 已见证 or 异常, the witness's words and the
witness as the journal names them (role and masked name, or a hall account). A session without notes
gets no page (the record says nothing a witness did not write).

:func:`witness_pdf` builds the page alone (a preview; the tour renders it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from kiosk.documents import build_pdf, grid_table, styles
from kiosk.supervision.views import WitnessNote
from kiosk.timeutil import beijing

TITLE = "见证记录"


def who(name: str) -> str:
    """A journal name as the record prints it: ``witness:王*明`` → ``王*明``; an account stays as it is."""
    role, sep, masked = name.partition(":")
    return masked if sep and role.isidentifier() else name


def witness_story(notes: Sequence[WitnessNote], *, session_id: str, title: str = "",
                  width_mm: float = 174.0, new_page: bool = True) -> list[Any]:
    """The 见证记录 page's flowables (empty when there are no notes).

    Args:
        notes: the session's ``witness.note`` entries (``kiosk.supervision.witness_notes``), journal order.
        session_id: the session the record is of.
        title: the session's title, printed under the heading.
        width_mm: the frame's width (A4 portrait 174 mm; the opening's landscape record 261 mm).
        new_page: start on a page of its own.
    """
    if not notes:
        return []
    st = styles()
    story: list[Any] = [PageBreak()] if new_page else []
    story += [Paragraph(TITLE, st.title),
              Paragraph(escape(f"场次 {session_id}　{title}".strip()), st.small), Spacer(1, 3 * mm)]
    rows: list[list[Any]] = [["序号", "时间", "见证步骤", "情况", "见证说明", "见证人"]]
    for i, n in enumerate(notes, 1):
        rows.append([str(i), beijing(n.at).strftime("%H:%M:%S"), escape(n.step_zh),
                     "异常" if n.irregular else "已见证", escape(n.text), escape(who(n.witness))])
    fixed = (12, 20, 34, 16, 24)  # the note's column takes what is left
    widths = [w * mm for w in fixed[:4]] + [(width_mm - sum(fixed)) * mm, fixed[4] * mm]
    story.append(grid_table(rows, widths))
    odd = sum(1 for n in notes if n.irregular)
    story += [
        Spacer(1, 3 * mm),
        Paragraph(f"共 {len(notes)} 条见证记录，其中记录异常 {odd} 条。" if odd else
                  f"共 {len(notes)} 条见证记录，未记录异常。", st.body),
        Paragraph("见证人员在现场逐项见证交易过程，所见情况由其在监督室见证终端当场录入，每条记录均已写入本厅交易日志"
                  "（witness.note），可与同一时刻的录音录像对照回放。", st.small),
        Spacer(1, 12 * mm),
        grid_table([["见证人（签字）：", "日期："]], [width_mm / 2 * mm, width_mm / 2 * mm], header_rows=0),
    ]
    return story


def witness_pdf(notes: Sequence[WitnessNote], *, session_id: str, title: str = "", site: str = "") -> tuple[bytes, str]:
    """The 见证记录 page alone as a PDF (bytes, SHA-256): a preview of what the record appends."""
    story = witness_story(notes, session_id=session_id, title=title, new_page=False) or [
        Paragraph(TITLE, styles().title), Paragraph("本场次无见证记录", styles().body)]
    return build_pdf(story, title=f"{TITLE} {session_id}", footer=f"{site} · {TITLE} {session_id}".strip(" ·"),
                     pagesize=A4)
