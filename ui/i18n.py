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


def qm_files() -> list:
    """Every English catalogue: the shell's, then one per capability UI package (``ui/<cap>/``)."""
    return [QM, *sorted(p for p in (ASSETS / "i18n").glob("*_en.qm") if p != QM)]


class Languages:
    """Switches the application between Chinese and English.

    The translators are installed on the one QApplication, so the current language is the
    application's, not this object's: two terminals (or a console and its big screen) in one
    process always agree, and a new terminal starts from what the application really shows.
    """

    _PROPERTY = "hallLanguage"

    def __init__(self) -> None:
        self._translators: list[QTranslator] = []
        for qm in qm_files():
            t = QTranslator()
            if not t.load(str(qm)):
                raise FileNotFoundError(f"cannot load translation {qm}")
            self._translators.append(t)

    @property
    def current(self) -> str:
        app = QCoreApplication.instance()
        return str(app.property(self._PROPERTY) or "zh_CN") if app is not None else "zh_CN"

    def set(self, lang: str) -> None:
        """Switch to ``lang`` (zh_CN or en); widgets get a LanguageChange event."""
        app = QCoreApplication.instance()
        if app is None or lang == self.current:
            return
        installed: list[QTranslator] = app.property("hallTranslators") or []
        for t in installed:
            app.removeTranslator(t)
        if lang == "en":
            for t in self._translators:
                app.installTranslator(t)
            app.setProperty("hallTranslators", self._translators)
        else:
            app.setProperty("hallTranslators", [])
        app.setProperty(self._PROPERTY, lang)

    def toggle(self) -> str:
        self.set("en" if self.current == "zh_CN" else "zh_CN")
        return self.current
