"""Trade types (交易类型) as the platform codes them, and their Chinese names (one table for all)."""

from __future__ import annotations

TRADE_TYPES_ZH = {"GCJS": "工程建设", "ZFCG": "政府采购", "TDSYQ": "土地使用权", "KYQ": "矿业权", "GYCQ": "国有产权", "QT": "其他"}


def trade_type_zh(code: str) -> str:
    """工程建设 for ``GCJS`` (any case); an unknown code as it is."""
    return TRADE_TYPES_ZH.get(code.upper(), code)
