"""Theme: the bundled CJK font, the QSS style sheet and the window sizes of each kind of screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_FILES = ("NotoSansSC-Regular.otf", "NotoSansSC-Bold.otf")
LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)


class ThemeError(RuntimeError):
    """The bundled font or style sheet is missing: the install is broken."""


def load_fonts() -> str:
    """Register the bundled CJK fonts with Qt; returns the family name.

    Raises:
        ThemeError: a font file is missing or Qt cannot read it (the screen would show tofu).
    """
    family = ""
    for name in FONT_FILES:
        path = ASSETS / "fonts" / name
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise ThemeError(f"cannot load font {path}")
        family = QFontDatabase.applicationFontFamilies(font_id)[0]
    return family


def apply_theme(app: QApplication) -> str:
    """Load fonts and the style sheet into ``app``; returns the font family in use."""
    family = load_fonts()
    font = QFont(family)
    font.setPixelSize(22)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    qss = ASSETS / "theme" / "hall.qss"
    if not qss.exists():
        raise ThemeError(f"missing style sheet {qss}")
    app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return family
