"""Platform facts about trades that several capabilities ask (one table each): trade types (交易类型)
with their Chinese names, and which deposit statuses let a bidder take part."""

from __future__ import annotations

#: a registration's ``deposit_status`` that lets its bidder in (paid, or a bank guarantee: docs/platform-api.md §2)
DEPOSIT_OK = ("paid", "guarantee")

TRADE_TYPES_ZH = {"GCJS": "工程建设", "ZFCG": "政府采购", "TDSYQ": "土地使用权", "KYQ": "矿业权", "GYCQ": "国有产权", "QT": "其他"}


def trade_type_zh(code: str) -> str:
    """工程建设 for ``GCJS`` (any case); an unknown code as it is."""
    return TRADE_TYPES_ZH.get(code.upper(), code)
