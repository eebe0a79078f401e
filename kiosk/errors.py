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


class DatabaseUnavailable(HallError):
    """The hall database did not answer (stopped, frozen, refusing, locked too long): the act was not done."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "database",
            "数据库暂不可用，本次操作未完成，请稍后再试；已办理的记录不会丢失",
            "the database is unavailable: this was not done; try again shortly (nothing recorded is lost)",
        )
        self.detail = detail  #: the driver's error class, for the log (never its text: it may quote data)


class StorageFull(DatabaseUnavailable):
    """The database's disk (or its size limit) is full: nothing more can be written until space is freed."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        HallError.__init__(
            self, "storage-full",
            "存储空间已满，本次操作未完成；请联系管理员清理磁盘，已办理的记录不会丢失",
            "the database's disk is full: this was not done; ask an admin to free space (nothing recorded is lost)",
        )
