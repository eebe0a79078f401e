"""Languages: Chinese in the source, English through a Qt translation (``assets/i18n/*.qm``).

Strings are written in Chinese with ``self.tr(...)``; ``pyside6-lupdate`` collects them into
``assets/i18n/hall_kiosk_en.ts``, whose English is compiled by ``pyside6-lrelease`` into the
``.qm`` loaded here. Switching language re-translates every open screen (``LanguageChange``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from ui.theme import ASSETS

LANGUAGES = ("zh_CN", "en")
QM = ASSETS / "i18n" / "hall_kiosk_en.qm"


def qm_files() -> list:  # type: ignore[type-arg]
    """Every English catalogue: the shell's, then one per capability UI package (``ui/<cap>/``)."""
    return [QM, *sorted(p for p in (ASSETS / "i18n").glob("*_en.qm") if p != QM)]


class Languages:
    """Installs and removes the English translators on the application."""

    def __init__(self) -> None:
        self._translators: list[QTranslator] = []
        for qm in qm_files():
            t = QTranslator()
            if not t.load(str(qm)):
                raise FileNotFoundError(f"cannot load translation {qm}")
            self._translators.append(t)
        self.current = "zh_CN"

    def set(self, lang: str) -> None:
        """Switch to ``lang`` (zh_CN or en); widgets get a LanguageChange event."""
        app = QCoreApplication.instance()
        if lang == self.current or app is None:
            return
        for t in self._translators:
            if lang == "en":
                app.installTranslator(t)
            else:
                app.removeTranslator(t)
        self.current = lang

    def toggle(self) -> str:
        self.set("en" if self.current == "zh_CN" else "zh_CN")
        return self.current
