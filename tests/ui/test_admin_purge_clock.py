"""The admin console's purge button says why it purged nothing when the clock moved (issue 20 item 1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from hallkiosk.app import grab
from kiosk.db.models import PfRepresentative, PlatformTrust
from tests.helpers.screens import clipped_texts, login
from ui.shell import RoleWindow


@pytest.mark.parametrize(("lang", "size"), [("zh_CN", (1920, 1080)), ("en", (1080, 1920))])
def test_purge_refused_on_a_moved_clock_is_shown_and_deletes_nothing(terminal, tmp_path: Path, lang: str,  # type: ignore[no-untyped-def]
                                                                     size: tuple[int, int]) -> None:
    from ui.roles.consoles import AdminWork

    term = terminal("admin", lang=lang)
    gate = term.window.page
    login(gate, "admin", "123456")
    admin = gate.work
    assert isinstance(admin, AdminWork)
    hall = term.hall
    hall.purge_personal_data()  # the baseline: nothing due, the clock recorded
    with hall.unit() as s:
        s.add(PlatformTrust(journal_id=hall.journal.journal_id, key_state="verified", clock_offset_s=400 * 86400.0))
    hall.config = dataclasses.replace(hall.config, security=dataclasses.replace(hall.config.security, pii_retention_days=-30))
    admin.refresh_pii()
    with hall.reading() as s:
        before = [r for r in s.scalars(select(PfRepresentative.id_enc)) if r]
    assert before and admin.purge_btn.isEnabled()
    admin.setCurrentIndex(4)
    admin.purge_btn.click()
    text = admin.purge_result.text()
    if lang == "en":
        assert text.startswith("The clock moved by +400 d 0 h since the last purge") and "--confirm-clock" in text
    else:
        assert text.startswith("自上次清除以来时钟移动了 +400 d 0 h") and "--confirm-clock" in text
    with hall.reading() as s:
        assert [r for r in s.scalars(select(PfRepresentative.id_enc)) if r] == before  # nothing deleted
    assert isinstance(term.window, RoleWindow)
    grab(term.window, str(tmp_path / f"admin-purge-refused-{lang}.png"), size)
    assert admin.purge_result.isVisible() and clipped_texts(admin) == []
