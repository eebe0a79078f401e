"""The extraction console (专家抽取室, issue 17 must 1): the three roles by card, the pool as counts, the
entropy, the commitment, the draw once the receipt came or the wait ran out, masked names, answers by phone;
rendered at 1920×1080 and 1080×1920 without clipped text."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from hallkiosk.app import Terminal, build_terminal, ensure_qapp, grab
from kiosk.config import Config
from kiosk.experts import rules
from kiosk.ports import CardEvent
from sync.sandbox.seed import staff_person
from tests.helpers.roles import staff_card
from tests.helpers.screens import clipped_texts, login, wait_until
from ui.theme import LANDSCAPE, PORTRAIT

STAFF = {"witness": 3, "tenderer_rep": 4, "supervisor": 2}


@pytest.fixture
def extraction(qapp, demo_cfg: Config) -> Iterator[Terminal]:
    ensure_qapp()
    cfg = dataclasses.replace(demo_cfg, experts=dataclasses.replace(demo_cfg.experts, beacon_wait_seconds=0.5))
    term = build_terminal(cfg, "extraction", follow=False, sync=False, devices=False, housekeeping=False)
    yield term
    term.stop()
    term.window.deleteLater()


def test_the_extraction_console_runs_a_witnessed_draw_and_shows_only_masked_names(extraction: Terminal, tmp_path) -> None:
    term = extraction
    login(term.window.page, "clerk", "333333")
    console = term.experts.console  # type: ignore[attr-defined]
    console.refresh()
    wait_until(lambda: console.loaded is not None and console.signin.ready)
    assert not console.commit_btn.isEnabled()  # nobody signed in yet
    assert [console.pool.item(r, 2).text() for r in range(console.pool.rowCount())] == ["17", "13"]  # no expert ban in the demo
    for role in rules.DRAW_ROLES:
        console.signin.arm(role)
        term.ctx.bridge.cardEvent.emit(CardEvent("card", staff_card(STAFF[role], role)))
        wait_until(lambda r=role: console.signin.holder(r) is not None)
    wait_until(lambda: console.commit_btn.isEnabled())
    console.rep_entropy.setText("蒙A7281晴")
    console.sup_entropy.setText("k3#9vq2!")
    console.commit_btn.click()
    wait_until(lambda: console.loaded.open_round is not None)
    assert console.loaded.open_round.seed_commitment in console.hashes.text()
    assert console.rep_entropy.text() == ""  # the typed entropy is not kept on screen
    wait_until(lambda: console.draw_btn.isEnabled(), timeout=15)  # no platform here: the wait runs out
    assert "未收到平台回执" in console.beacon_text.text()
    for size, name in ((LANDSCAPE, "committed-1920x1080"), (PORTRAIT, "committed-1080x1920")):
        grab(term.window, str(tmp_path / f"extraction-{name}.png"), size)
        assert clipped_texts(term.window) == []
    console.draw_btn.click()
    wait_until(lambda: console.last.get("ok") is not None and len(console.loaded.picks) == 7)
    assert console.last["ok"] is True and "种子已公开" in console.hashes.text()
    names = [console.picks.item(r, 3).text() for r in range(console.picks.rowCount())]
    assert all("*" in n for n in names)  # masked on screen
    for size, name in ((LANDSCAPE, "drawn-1920x1080"), (PORTRAIT, "drawn-1080x1920")):
        path = tmp_path / f"extraction-{name}.png"
        grab(term.window, str(path), size)
        assert clipped_texts(term.window) == [] and path.stat().st_size > 10_000
    # an answer by phone: the first member declines, the first reserve of the specialty takes the place
    console.picks.selectRow(0)
    console.decline_btn.click()
    wait_until(lambda: console.loaded.picks[0].status == "replaced")
    assert console.loaded.picks[3].status == "selected"
    QApplication.processEvents()
    assert staff_person(4, "tenderer_rep")["name"] not in console.signin.holder_labels["tenderer_rep"].text()
