"""Operators: PINs (6 digits), a growing wait after wrong PINs instead of a lockout, the same time
and words for unknown names, the exit PIN counted per terminal, roles, and the journal of every attempt."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.db.models import Operator
from kiosk.hall import Hall
from kiosk.operators import AccessError, check_pin, delay_after, hash_pin

NOW = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def clocked(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FixedClock(NOW)
    hall = Hall.open(load_config(data_dir=tmp_path, environ={}), clock=clock)
    with hall.unit() as s:
        hall.operators.add(s, "host1", "王主持", "host", "246810")
        hall.operators.add(s, "admin", "管理员", "admin", "135790")
    yield hall, clock
    hall.close()


def kinds(hall: Hall) -> list[str]:
    return [e.kind for e in hall.recent_entries(100)][::-1]


def test_pin_hash_is_salted_scrypt() -> None:
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert check_pin("1234", a) and not check_pin("1235", a) and not check_pin("1234", "garbage")


def test_login_logout_are_journalled(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    info = hall.login("host1", "246810", roles=("host",))
    assert info.display_name == "王主持"
    hall.logout("host1")
    assert kinds(hall)[-2:] == ["operator.login", "operator.logout"]
    assert all("246810" not in str(e.payload) for e in hall.recent_entries(100))


def payloads(hall: Hall, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [e.payload for e in hall.recent_entries(200)[::-1] if e.kind == kind]


def test_delays_grow_1_2_4_up_to_the_cap() -> None:
    assert [delay_after(n, free=2, cap=300) for n in range(1, 13)] == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert delay_after(10_000, free=2, cap=300) == 300


def test_wrong_pins_make_the_next_check_wait_longer_never_lock(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked
    for _ in range(2):  # the first two cost nothing
        with pytest.raises(AccessError) as err:
            hall.login("host1", "000000")
        assert err.value.code == "wrong-pin" and err.value.zh == "用户名或 PIN 码错误" and err.value.retry_after_s is None
    waits = []
    for _ in range(4):
        with pytest.raises(AccessError) as err:
            hall.login("host1", "000000")
        assert err.value.code == "wrong-pin"
        waits.append(err.value.retry_after_s)
        # during the wait even the right PIN is refused, before it is checked, with the seconds left
        with pytest.raises(AccessError) as during:
            hall.login("host1", "246810")
        assert during.value.code == "wait" and during.value.zh == f"PIN 码错误次数过多，请 {waits[-1]} 秒后再试"
        assert during.value.en == f"too many wrong PINs: try again in {waits[-1]} s"
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8]
    assert hall.login("host1", "246810").username == "host1"  # the wait is over: the right PIN logs in
    failed = payloads(hall, "operator.login_failed")
    assert [p["reason"] for p in failed] == ["wrong-pin"] * 2 + ["wrong-pin", "wait"] * 4
    assert [p.get("delay_s") for p in failed if p["reason"] == "wrong-pin"] == [0, 0, 1, 2, 4, 8]
    # a success starts the count again
    with pytest.raises(AccessError) as err:
        hall.login("host1", "000000")
    assert err.value.retry_after_s is None


def test_the_wait_is_capped(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked
    for _ in range(14):
        with pytest.raises(AccessError) as err:
            hall.login("host1", "000000")
        clock.advance(err.value.retry_after_s or 0)
    assert err.value.retry_after_s == 300  # never more than [security] lockout_seconds
    assert hall.login("host1", "246810").role == "host"


def test_another_operator_clears_the_wait_journalled(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked
    with hall.unit() as s:
        hall.operators.add(s, "host2", "李主持", "host", "864200")
        hall.operators.add(s, "clerk1", "赵窗口", "clerk", "975310")
    for _ in range(5):  # the host, mid-opening, mistypes five times
        with pytest.raises(AccessError) as err:
            hall.login("host1", "000000")
        if err.value.code == "wrong-pin" and err.value.retry_after_s != 4:
            clock.advance(err.value.retry_after_s or 0)
    with pytest.raises(AccessError) as err:
        hall.login("host1", "246810")
    assert err.value.code == "wait" and err.value.retry_after_s == 4
    with pytest.raises(AccessError) as err:  # nobody clears their own wait
        hall.clear_pin_delay("host1", "246810", operator="host1")
    assert err.value.code in {"wait", "self"}
    with pytest.raises(AccessError) as err:  # a clerk is not the host's colleague
        hall.clear_pin_delay("clerk1", "975310", operator="host1")
    assert err.value.code == "role"
    with pytest.raises(AccessError) as err:  # the clearer proves who they are
        hall.clear_pin_delay("host2", "111111", operator="host1")
    assert err.value.code == "wrong-pin"
    assert hall.clear_pin_delay("host2", "864200", operator="host1") == 5
    assert hall.login("host1", "246810").username == "host1"  # at once, no wait
    assert payloads(hall, "operator.delay_cleared") == [{"operator": "host1", "by": "host2", "failures": 5}]
    assert payloads(hall, "operator.delay_clear_refused") == [{"operator": "host1", "by": "clerk1"}]


def test_role_disabled_and_unknown(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with pytest.raises(AccessError, match="role"):
        hall.login("host1", "246810", roles=("auctioneer",))
    assert hall.login("admin", "135790", roles=("auctioneer",)).role == "admin"  # admin may use any console
    with hall.unit() as s:
        hall.operators.disable(s, "host1", reason="left")
    with pytest.raises(AccessError) as err:
        hall.login("host1", "246810")
    assert err.value.code == "disabled"
    with pytest.raises(AccessError) as unknown:
        hall.login("nobody", "246810")
    with pytest.raises(AccessError) as wrong:
        hall.login("admin", "000000")
    assert unknown.value.code == wrong.value.code == "wrong-pin"  # no hint whether the user exists
    assert (unknown.value.zh, unknown.value.en) == (wrong.value.zh, wrong.value.en) == ("用户名或 PIN 码错误", "wrong username or PIN")
    for _ in range(2):  # unknown names are counted and made to wait like real ones
        with pytest.raises(AccessError):
            hall.login("nobody", "246810")
    with pytest.raises(AccessError) as err:
        hall.login("nobody", "246810")
    assert err.value.code == "wait"


@pytest.mark.timing
def test_unknown_and_known_names_take_the_same_time(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked

    def one(username: str) -> float:
        clock.advance(3600)  # past any wait
        t0 = time.perf_counter()
        with pytest.raises(AccessError) as err:
            hall.login(username, "000000")
        took = time.perf_counter() - t0
        assert err.value.code == "wrong-pin"
        return took

    one("ghost"), one("host1")  # warm up (the dummy hash is made once)
    unknown, known = [], []
    for _ in range(10):
        unknown.append(one("ghost"))
        known.append(one("host1"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.75 < ratio < 1.33, (statistics.median(unknown), statistics.median(known))


def test_bad_inputs_are_refused(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with hall.unit() as s:
        with pytest.raises(AccessError, match="bad-pin"):
            hall.operators.add(s, "x1", "X", "clerk", "12a456")
        with pytest.raises(AccessError) as err:
            hall.operators.add(s, "x1", "X", "clerk", "1234")  # 4 digits: too short for a new PIN
        assert err.value.code == "bad-pin" and err.value.zh == "PIN 码须为 6–12 位数字"
        with pytest.raises(AccessError, match="bad-pin"):
            hall.operators.add(s, "x1", "X", "clerk", "12345")
        with pytest.raises(AccessError, match="bad-role"):
            hall.operators.add(s, "x2", "X", "janitor", "123456")
        with pytest.raises(AccessError, match="exists"):
            hall.operators.add(s, "host1", "X", "clerk", "123456")
        with pytest.raises(AccessError, match="bad-pin"):
            hall.operators.set_pin(s, "host1", "4321")


def test_an_old_short_pin_logs_in_flagged_until_changed(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with hall.unit() as s:  # a PIN set before 6 digits were required
        s.add(Operator(username="old", display_name="老账号", role="clerk", pin_hash=hash_pin("4321"), created_at=NOW))
    info = hall.login("old", "4321")
    assert info.pin_change_due
    assert payloads(hall, "operator.login")[-1] == {"operator": "old", "role": "clerk", "pin_change_due": True}
    assert [o.pin_change_due for o in hall.list_operators() if o.username == "old"] == [True]
    with hall.unit() as s:
        hall.operators.set_pin(s, "old", "864213")
    assert not hall.login("old", "864213").pin_change_due
    assert [o.pin_change_due for o in hall.list_operators() if o.username == "old"] == [False]
    assert payloads(hall, "operator.pin_changed") == [{"operator": "old", "by": "cli"}]


def test_admin_pin_unlock(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with pytest.raises(AccessError):
        hall.check_admin_pin("246810")  # a host's PIN is not an admin's
    assert hall.check_admin_pin("135790").username == "admin"
    assert kinds(hall)[-2:] == ["operator.login_failed", "operator.admin_unlock"]


def test_exit_pin_failures_are_counted_per_terminal(clocked, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked
    for _ in range(3):
        with pytest.raises(AccessError) as err:
            hall.check_admin_pin("000000")
    assert err.value.code == "wrong-pin" and err.value.retry_after_s == 1
    assert err.value.zh == "管理员 PIN 码错误，请 1 秒后再试"
    with pytest.raises(AccessError) as err:  # the right PIN waits too
        hall.check_admin_pin("135790")
    assert err.value.code == "wait"
    terminal = hall.config.site.terminal_id
    # another terminal on the same database has its own count
    other = Hall.open(load_config(data_dir=tmp_path, environ={"HALL_KIOSK__SITE__TERMINAL_ID": "KIOSK-OTHER"}), clock=clock)
    try:
        assert other.check_admin_pin("135790").username == "admin"
    finally:
        other.close()
    assert hall.clear_pin_delay("admin", "135790", terminal=terminal) == 3
    assert hall.check_admin_pin("135790").username == "admin"
    failed = [p for p in payloads(hall, "operator.login_failed") if p["reason"] in ("admin-pin", "wait")]
    assert [(p["reason"], p.get("failures")) for p in failed] == [("admin-pin", 1), ("admin-pin", 2), ("admin-pin", 3), ("wait", None)]
    assert {p["terminal"] for p in failed} == {terminal}
    assert payloads(hall, "operator.delay_cleared") == [{"terminal": terminal, "by": "admin", "failures": 3}]


@pytest.mark.postgres
def test_two_terminals_count_one_name_together_postgres(tmp_path: Path, pg_url: str) -> None:
    """Wrong PINs for a name are counted hall-wide: two terminals on one database, at once, for a
    name that does not exist yet (the row is made by both), lose no count and never collide."""
    import threading

    clock = FixedClock(NOW)
    halls = [
        # one data dir (its keys) for both: a second terminal's key hand-over is tests/kiosk/test_keys.py's
        Hall.open(load_config(data_dir=tmp_path, db_url=pg_url, environ={"HALL_KIOSK__SITE__TERMINAL_ID": f"T-{i}"}), clock=clock)
        for i in (1, 2)
    ]
    try:
        with halls[0].unit() as s:
            halls[0].operators.add(s, "admin", "管理员", "admin", "135790")
        codes: list[str] = []
        start = threading.Barrier(2)

        def hammer(hall: Hall) -> None:
            start.wait()
            try:
                hall.login("ghost", "000000")
            except AccessError as exc:
                codes.append(exc.code)

        threads = [threading.Thread(target=hammer, args=(h,)) for h in halls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(codes) == ["wrong-pin", "wrong-pin"]
        with pytest.raises(AccessError) as err:  # the third, on either terminal, waits 1 s
            halls[1].login("ghost", "000000")
        assert err.value.retry_after_s == 1
        with pytest.raises(AccessError) as err:
            halls[0].login("ghost", "000000")
        assert err.value.code == "wait"
        assert halls[1].clear_pin_delay("admin", "135790", operator="ghost") == 3
    finally:
        for h in halls:
            h.close()
