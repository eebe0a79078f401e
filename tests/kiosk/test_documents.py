"""PDF documents: the CJK font is embedded, Chinese text survives, the bytes are reproducible."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reportlab.platypus import Paragraph

from kiosk.documents import build_pdf, grid_table, styles
from kiosk.money import to_capitals
from tests.helpers.pdf import pdf_fonts, pdf_text


def story() -> list:  # type: ignore[type-arg]
    st = styles()
    return [
        Paragraph("开标记录表", st.title),
        Paragraph("项目：呼和浩特市赛罕区昭乌达路（大学东街—南二环）道路改造工程施工", st.body),
        grid_table([["序号", "投标人", "投标报价（元）", "大写"], ["1", "内蒙古某建设集团有限公司", "11,876,543.21", to_capitals("11876543.21")]]),
        Paragraph("生僻字：堃 䶮", st.small),
    ]


def test_pdf_embeds_the_font_and_keeps_the_text(tmp_path: Path) -> None:
    data, sha = build_pdf(story(), title="开标记录表", footer="呼和浩特市公共资源交易中心")
    assert sha == hashlib.sha256(data).hexdigest() and data.startswith(b"%PDF")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(data)
    fonts = pdf_fonts(pdf)
    assert any("NotoSansCJKsc" in f.name and f.embedded and f.subset for f in fonts)  # embedded, subset
    text = pdf_text(pdf)
    for needle in ("开标记录表", "内蒙古某建设集团有限公司", "壹仟壹佰捌拾柒万陆仟伍佰肆拾叁元贰角壹分", "堃", "第 1 页"):
        assert needle in text


def test_same_story_same_bytes() -> None:
    assert build_pdf(story(), title="t", footer="f")[1] == build_pdf(story(), title="t", footer="f")[1]
