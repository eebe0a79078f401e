"""Retention against the real sync client and the sandbox platform over HTTP (issue 20 item 1).

The client takes verified clock steps of at most ``max_clock_step_s`` each; five steps of 290 s
add up to 1450 s, and the hall's next personal-data purge refuses until an operator confirms. A
verified clock 400 days ahead is refused by the client as one step (the alarm), and the purge
refuses while that alarm is raised.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.config import load_config
from kiosk.db.models import PfRepresentative
from kiosk.hall import Hall
from kiosk.retention import ClockMovedError
from sync.client import PlatformClient
from sync.pull import Puller
from sync.sandbox import SandboxServer
from sync.signing import load_public_key
from sync.trust import TrustRecorder
from tests.sync.conftest import JID


def _ciphertexts(hall: Hall) -> int:
    with hall.reading() as s:
        return sum(1 for r in s.scalars(select(PfRepresentative.id_enc)) if r)


@pytest.mark.allow_log_warnings(r"clock step of \+\d+ s refused|our clock is off|clock not moved|clock move of \+14\d\d s since the last purge confirmed")
def test_bounded_steps_that_add_up_and_a_clock_alarm_both_stop_the_purge(sandbox: SandboxServer, tmp_path: Path) -> None:
    hall = Hall.open(load_config(data_dir=tmp_path / "hall", environ={"HALL_KIOSK__PLATFORM__JOURNAL_ID": JID}))
    client = PlatformClient(sandbox.url, JID, sandbox.secret, hall.clock, timeout=5.0,  # type: ignore[attr-defined,arg-type]
                            public_key=load_public_key(sandbox.public_key_b64), max_clock_step_s=300)
    try:
        assert Puller(hall.engine, client, hall.vault).pull_all().ok
        recorder = TrustRecorder(hall.engine, client, hall.journal)
        recorder.record()
        reps = _ciphertexts(hall)
        assert reps > 0 and hall.purge_personal_data().total == 0  # today's sessions: nothing due; the baseline

        for k in range(1, 6):  # the platform's verified clock walks ahead 290 s at a time
            sandbox.set_faults(clock_offset_s=290.0 * k)
            client.server_time()
            assert client.take_clock_alarm() is None
            recorder.record()
        assert 1440 < hall.clock.offset_s < 1460  # type: ignore[attr-defined]
        with pytest.raises(ClockMovedError) as err:
            hall.purge_personal_data()
        assert 1440 < err.value.moved_s < 1460 and _ciphertexts(hall) == reps
        hall.purge_personal_data(operator="admin", confirm_clock=True)

        sandbox.set_faults(clock_offset_s=400 * 86400.0)  # one verified answer 400 days ahead: refused, alarm
        with pytest.raises(Exception):  # noqa: B017,PT011 - 401 clock-skew: the client did not move
            client.server_time()
        assert recorder.record() is not None
        with pytest.raises(ClockMovedError) as err:
            hall.purge_personal_data()
        assert err.value.alarm is not None and _ciphertexts(hall) == reps
    finally:
        client.close()
        hall.close()
