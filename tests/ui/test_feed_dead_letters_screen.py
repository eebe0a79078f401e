"""The admin console's platform-sync tab lists feed items that were not applied (issue 20 item 4)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk import feed_dead_letters
from tests.helpers.screens import clipped_texts, login


def test_admin_sync_tab_lists_feed_dead_letters(terminal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.roles.consoles import AdminWork

    term = terminal("admin")
    now = term.hall.clock.now()
    with term.hall.unit() as s:
        feed_dead_letters.record(s, "sessions", "S-20261127-009", 41, "lots[1].lot_code",
                                 "sessions 数据不合规：缺少必填字段 lots[1].lot_code",
                                 "sessions item malformed: lacks the required member lots[1].lot_code", now)
        feed_dead_letters.record(s, "registrations", "R-90001", 77, "deposit.status",
                                 "registrations 数据不合规：字段 deposit.status 应为以下之一：paid、unpaid、guarantee、refunded、forfeited",
                                 "registrations item malformed: member deposit.status must be one of paid, unpaid, "
                                 "guarantee, refunded, forfeited", now)
    gate = term.window.page
    login(gate, "admin", "123456")
    admin = gate.work
    assert isinstance(admin, AdminWork)
    admin.setCurrentIndex(2)  # 平台同步
    term.window.resize(1920, 1080)
    term.window.show()
    QApplication.processEvents()
    view = admin.dead_letters
    assert view.table.rowCount() == 2 and view.table.isVisible()
    rows = {view.table.item(r, 1).text(): [view.table.item(r, c).text() for c in range(4)] for r in range(2)}
    assert rows["S-20261127-009"][0] == "sessions" and "lots[1].lot_code" in rows["S-20261127-009"][2]
    assert rows["R-90001"][0] == "registrations" and "deposit.status" in rows["R-90001"][2]
    assert "以下 2 条平台数据格式有误" in view.note.text()
    assert clipped_texts(term.window) == []
    image = term.window.grab().toImage()
    assert (image.width(), image.height()) == (1920, 1080)
    shot = Path(os.environ.get("HALL_KIOSK_SHOTS", tmp_path)) / "admin_feed_dead_letters_1920x1080.png"
    assert image.save(str(shot))

    # A corrected version applied: the list empties on the next refresh.
    with term.hall.unit() as s:
        feed_dead_letters.resolve(s, "sessions", [("S-20261127-009", 42)], now)
        feed_dead_letters.resolve_feed(s, "registrations", now)
    admin.refresh()
    assert view.table.rowCount() == 0 and not view.table.isVisible()
    assert view.note.text() == "平台数据全部已写入，没有格式有误的数据。"
