"""The job runner's two screen helpers (issue 21): acts never replayed, refreshes never piled up."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QPushButton

from hallkiosk.app import ensure_qapp
from hallkiosk.jobs import JobRunner
from hallkiosk.threads import Threads
from tests.helpers.screens import wait_until
from ui.bridge import QtBridge
from ui.jobs import Act, JobOutcome, Refresher


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    ensure_qapp()
    threads = Threads()
    yield JobRunner(threads, QtBridge())
    threads.stop()


def test_a_second_press_while_an_act_is_pending_is_refused_not_queued(runner: JobRunner) -> None:
    button = QPushButton("F1")
    act = Act(runner, lambda: [button])
    release = threading.Event()
    calls: list[str] = []
    outcomes: list[JobOutcome] = []

    def call_next() -> str:
        calls.append("call")
        release.wait(5)
        return "A048"

    assert act.run("call", call_next, outcomes.append)
    assert not button.isEnabled()
    assert not act.run("call", call_next, outcomes.append)  # F1 again into a database that hangs
    release.set()
    wait_until(lambda: bool(outcomes))
    assert calls == ["call"] and [o.value for o in outcomes] == ["A048"]
    assert button.isEnabled() and act.pending is None


def test_an_act_that_could_not_start_in_time_is_dropped_never_done_late(runner: JobRunner) -> None:
    stuck = threading.Event()
    # another screen's act holds the work lane (a query the frozen database never answers)
    runner.run("stuck", lambda: stuck.wait(5), lane="work")
    act = Act(runner, start_within_s=0.3)
    done: list[str] = []
    outcomes: list[JobOutcome] = []
    act.run("serve", lambda: done.append("served"), outcomes.append)
    time.sleep(0.6)
    stuck.set()  # the database answers again
    wait_until(lambda: bool(outcomes))
    assert done == []  # never carried out
    assert outcomes[0].code == "not-started" and "未执行" in outcomes[0].zh


def test_an_act_whose_transaction_reaches_its_commit_too_late_is_rolled_back(runner: JobRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 21: the database froze after the act's first statement and answered again 0.5 s past the
    act's deadline: the act is rolled back and the screen says so, instead of committing late."""
    from kiosk.config import load_config
    from kiosk.hall import Hall

    hall = Hall.open(load_config(data_dir=tmp_path, environ={}))
    try:
        before = hall.journal_stats()["count"]
        act = Act(runner, finish_within_s=0.3)
        outcomes: list[JobOutcome] = []

        def call_next() -> str:
            with hall.unit() as s:
                hall.journal.append(s, "queue.called", {"ticket": "A048"})
                time.sleep(0.8)  # the database froze here and came back
            return "A048"

        act.run("call", call_next, outcomes.append)
        wait_until(lambda: bool(outcomes))
        assert outcomes[0].code == "too-late" and "已撤销" in outcomes[0].zh
        assert hall.journal_stats()["count"] == before  # nothing committed
        in_time: list[JobOutcome] = []
        Act(runner, finish_within_s=5).run("call", lambda: _quick(hall), in_time.append)
        wait_until(lambda: bool(in_time))
        assert in_time[0].ok and hall.journal_stats()["count"] == before + 1  # an act in time commits
        assert hall.verify_journal().ok
    finally:
        hall.close()


def _quick(hall) -> str:  # type: ignore[no-untyped-def]
    with hall.unit() as s:
        hall.journal.append(s, "queue.called", {"ticket": "A049"})
    return "A049"


def test_refresh_requests_fold_into_one_more_load(runner: JobRunner) -> None:
    gate = threading.Event()
    loads: list[int] = []
    shown: list[int] = []

    def load() -> int:
        gate.wait(5)
        loads.append(1)
        return len(loads)

    r = Refresher(runner, "board", load, shown.append)
    for _ in range(20):  # twenty journal entries arrive while the first load waits on the database
        r.request()
    gate.set()
    wait_until(lambda: r.loads == 2 and not r.inflight)
    assert len(loads) == 2 and shown == [1, 2]
