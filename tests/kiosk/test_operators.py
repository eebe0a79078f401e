"""Operators: PINs, lockout after 5 wrong PINs for 5 minutes, roles, and the journal of every attempt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.hall import Hall
from kiosk.operators import AccessError, check_pin, hash_pin

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


def test_five_wrong_pins_lock_for_five_minutes(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, clock = clocked
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(AccessError) as err:
            hall.login("host1", "000000")
        assert err.value.code == "wrong-pin" and f"{tries_left} 次" in err.value.zh
    with pytest.raises(AccessError) as err:
        hall.login("host1", "000000")
    assert err.value.code == "locked" and err.value.retry_after_s == 300
    with pytest.raises(AccessError) as err:  # even the right PIN is refused while locked
        hall.login("host1", "246810")
    assert err.value.code == "locked"
    clock.advance(299)
    with pytest.raises(AccessError):
        hall.login("host1", "246810")
    clock.advance(2)
    assert hall.login("host1", "246810").username == "host1"
    assert kinds(hall).count("operator.login_failed") == 7
    assert kinds(hall).count("operator.locked") == 1


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
    with pytest.raises(AccessError) as err:
        hall.login("nobody", "246810")
    assert err.value.code == "wrong-pin"  # no hint whether the user exists


def test_bad_inputs_are_refused(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with hall.unit() as s:
        with pytest.raises(AccessError, match="bad-pin"):
            hall.operators.add(s, "x1", "X", "clerk", "12a4")
        with pytest.raises(AccessError, match="bad-role"):
            hall.operators.add(s, "x2", "X", "janitor", "1234")
        with pytest.raises(AccessError, match="exists"):
            hall.operators.add(s, "host1", "X", "clerk", "1234")


def test_admin_pin_unlock(clocked) -> None:  # type: ignore[no-untyped-def]
    hall, _ = clocked
    with pytest.raises(AccessError):
        hall.check_admin_pin("246810")  # a host's PIN is not an admin's
    assert hall.check_admin_pin("135790").username == "admin"
    assert kinds(hall)[-2:] == ["operator.login_failed", "operator.admin_unlock"]
