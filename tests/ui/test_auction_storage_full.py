"""The auction's call timer after a full disk (issue 21 must 4, found by bench/bench_outages.py).

With the disk full the console's auto-call failed every tick with 存储空间已满, and the moment an admin
freed space 第一次报价 fired (0.55 s after, in the bench): the bidders got no interval at all. A failed
write now holds the timer like a database that did not answer: the next call waits a full interval.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import Config
from kiosk.errors import StorageFull
from tests.helpers.auction import auctioneer_terminal, open_at_console, settle

CALL_SECONDS = 3


def test_a_call_refused_by_a_full_disk_waits_a_full_interval_once_space_is_freed(qapp: Any, demo_cfg: Config) -> None:
    with auctioneer_terminal(demo_cfg, call_seconds=CALL_SECONDS, housekeeping=False) as term:
        console, cars = open_at_console(term)
        assert console.hold_left() == 0

        def full() -> None:  # the call's write, on a disk with no space left
            raise StorageFull("SQLITE_FULL")

        assert console._run("call", full, lambda _v: None)
        settle(console)
        assert "存储空间已满" in console.message.text()
        # space is freed now; the call that failed is not made at once: a full interval first
        assert console.hold_left() > CALL_SECONDS - 0.5, console.hold_left()
        left = console.seconds_to_next_call()
        assert left is not None and left > CALL_SECONDS - 0.5, left
