"""One page per role; ``build_page`` is what the composition root calls."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.context import UiContext


def build_page(ctx: UiContext) -> QWidget:
    """The main page of ``ctx.role``."""
    if ctx.role == "kiosk":
        from ui.roles.kiosk import KioskHome

        return KioskHome(ctx)
    if ctx.role == "board":
        from ui.roles.board import BoardPage

        return BoardPage(ctx)
    if ctx.role == "supervisor":  # the wall is put in by hallkiosk/wiring_supervision.py
        from ui.supervision.wall import WallPage

        return WallPage(ctx)
    from ui.roles.consoles import console_for

    return console_for(ctx)
