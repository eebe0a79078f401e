"""The one shape of an error a person reads: a stable code, and the message in Chinese and English."""

from __future__ import annotations


class HallError(Exception):
    """Refused or failed, with what to show: ``code`` (stable, for programs), ``zh`` and ``en``.

    Screens pick ``zh`` or ``en`` by the current language (``ui.widgets.bilingual``); logs and
    programs use ``code`` and the English in ``str(error)``.
    """

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(f"{code}: {en}")
        self.code = code
        self.zh = zh
        self.en = en
