"""Shared bits of the queue screens: status names, error text, language-aware service names."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.queue import QueueError
from ui.context import UiContext
from ui.widgets import bilingual


def status_text(status: str, outcome: str | None = None) -> str:
    if status == "done":
        return {
            "served": QCoreApplication.translate("Queue", "已办结"),
            "expired": QCoreApplication.translate("Queue", "已过期（非当日）"),
            "cancelled": QCoreApplication.translate("Queue", "已取消"),
        }.get(outcome or "", QCoreApplication.translate("Queue", "已结束"))
    return {
        "waiting": QCoreApplication.translate("Queue", "等候中"),
        "called": QCoreApplication.translate("Queue", "正在叫号"),
        "held": QCoreApplication.translate("Queue", "已挂起，请等候窗口回呼"),
        "missed": QCoreApplication.translate("Queue", "已过号，请到窗口咨询"),
    }.get(status, status)


def error_text(ctx: UiContext, exc: QueueError) -> str:
    return bilingual(ctx, exc.zh, exc.en)


def service_name(ctx: UiContext, zh: str, en: str) -> str:
    return en if ctx.languages.current == "en" and en else zh


def tab_title(key: str) -> str:
    """Titles of the queue's console tabs (translated here so they land in the queue's catalogue)."""
    return {
        "counter": QCoreApplication.translate("QueueTabs", "叫号"),
        "stats": QCoreApplication.translate("QueueTabs", "排队统计"),
        "services": QCoreApplication.translate("QueueTabs", "排队业务"),
        "counters": QCoreApplication.translate("QueueTabs", "服务窗口"),
    }[key]
