"""A kiosk's refused tap stays said (issue 21, found by bench/bench_outages.py).

With the disk full the database still answers reads, so no banner comes up; the only word a visitor
gets is the tap's own line, 存储空间已满. The page reloads its services after a refused tap, and that
reload used to clear the line at once: 6 s into the fault the bench's kiosk looked as if nothing was
wrong. The line now stays until the next tap or the page's reset.
"""

from __future__ import annotations

from typing import Any

from hallkiosk.app import build_terminal, ensure_qapp
from kiosk.errors import StorageFull
from kiosk.hall import Hall
from tests.helpers.screens import wait_until


def test_a_tap_refused_for_a_full_disk_stays_said_after_the_reload(qapp: Any, queue_hall: Hall) -> None:
    ensure_qapp()
    hall, cfg = queue_hall, queue_hall.config
    term = build_terminal(cfg, "kiosk", hall=hall, follow=False, sync=False, devices=False)
    try:
        page = term.window.page
        page.open_flow("ticket")
        flow = page.flows["ticket"]
        wait_until(lambda: not flow.busy and bool(flow.buttons))

        def full() -> None:  # the ticket's write, on a disk with no space left
            raise StorageFull("SQLITE_FULL")

        loads = flow.view.loads
        assert flow.act.run("take-ticket", full, flow._taken)
        wait_until(lambda: not flow.busy and flow.view.loads > loads)  # refused, and the services read again
        assert "存储空间已满" in flow.message.text()
        assert flow.currentWidget() is flow.choose and flow.buttons["deposit"].isEnabled()

        flow.buttons["deposit"].click()  # the next tap (space freed): a ticket, and the line is gone
        wait_until(lambda: not flow.busy)
        assert flow.currentWidget() is flow.result and flow.r_number.text()
        flow.reset()
        assert flow.message.text() == ""
    finally:
        term.threads.stop()
        term.window.close_for_good()
        term.window.deleteLater()
