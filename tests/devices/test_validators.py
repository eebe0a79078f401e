"""ID number and USCC validators, and python-stdnum's known wrong answers (docs/devices.md §2)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from devices.validators import (
    id_check_digit,
    org_code_check_char,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)


def make_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def make_uscc(first16: str) -> str:
    first17 = first16 + org_code_check_char(first16[8:16])
    return first17 + uscc_check_char(first17)


# Checked by hand: 11010519491231002X is the worked example of docs/devices.md §2 (S = 167 mod 11 = 2 → X),
# and changing its check character must fail.
HAND_CHECKED = {"11010519491231002X": True, "110105194912310021": False}


def test_hand_checked_examples() -> None:
    for number, ok in HAND_CHECKED.items():
        assert validate_id_number(number).ok is ok
    first17 = "15010219800101123"
    s = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    assert "10X98765432"[s % 11] == id_check_digit(first17)
    # Organisation code 60003734 → 1 (docs/devices.md §2), by the weights 3 7 9 10 5 8 4 2.
    assert 6 * 3 + 0 + 0 + 0 + 3 * 5 + 7 * 8 + 3 * 4 + 4 * 2 == 109 and 11 - 109 % 11 == 1
    assert org_code_check_char("60003734") == "1"


def test_checksum_matches_stdnum_on_random_numbers() -> None:
    rng = random.Random(7)
    from stdnum.iso7064 import mod_11_2

    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_digit(first17) == mod_11_2.calc_check_digit(first17)


@pytest.mark.parametrize(
    ("first17", "kind"),
    [
        ("11010519800101001", "resident"),
        ("81000019950505002", "hk_permit"),  # HK permit, born before 1997: stdnum rejects
        ("82000019800202003", "macau_permit"),
        ("83000019760707001", "taiwan_permit"),  # stdnum always rejects 830000
        ("93161619850304001", "foreign_2023"),  # stdnum always rejects 9…
    ],
)
def test_valid_numbers_of_every_kind(first17: str, kind: str) -> None:
    n = make_id(first17)
    v = validate_id_number(n)
    assert v.ok, v.reason
    assert v.kind == kind
    assert v.details["birth_date"] == f"{n[6:10]}-{n[10:12]}-{n[12:14]}"
    assert n not in v.reason and "****" in v.details["masked"]


@pytest.mark.parametrize("first17", ["81000019950505002", "83000019760707001", "93161619850304001"])
def test_stdnum_ric_wrongly_rejects_valid_numbers(first17: str) -> None:
    n = make_id(first17)
    with pytest.raises(ValidationError):
        ric.validate(n)
    assert validate_id_number(n).ok


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("11010519491231002", "18"),
        ("110105194912310021", "expected X"),
        (make_id("11010519491331002"), "birth date"),
        ("1101051949123100AX", "format"),
        ("110105194912310", "15-digit"),
        ("840000199001010010", ""),  # 84 is no permit prefix but passes as a resident area; checksum decides
        (make_id("81123419950505002"), "start with 810000"),
        (make_id("11010521000101001"), "out of range"),
    ],
)
def test_invalid_numbers_have_a_reason(number: str, fragment: str) -> None:
    v = validate_id_number(number, today=dt.date(2025, 1, 1))
    if number.startswith("84"):
        assert v.ok is (number[-1] == id_check_digit(number[:17]))
        return
    assert not v.ok
    assert fragment in v.reason_en and v.reason_zh and "\n" not in v.reason


def test_lower_case_x_and_spaces_are_accepted() -> None:
    assert validate_id_number(" 110105 19491231 002x ").ok


# --- USCC -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["91110000", "12100000", "31440300", "51110000", "92150102",
                                    "A1110000", "N2370211", "Y1110000"])
def test_valid_uscc_for_every_department(prefix: str) -> None:
    code = make_uscc(prefix + "60003734")
    v = validate_uscc(code)
    assert v.ok, v.reason
    assert v.details["org_code"] == "60003734-1"


@pytest.mark.parametrize("prefix", ["A1110000", "N2370211", "Y1110000"])
def test_stdnum_uscc_wrongly_rejects_a_n_y(prefix: str) -> None:
    code = make_uscc(prefix + "MA0000X0")
    with pytest.raises(ValidationError):
        uscc.validate(code)
    assert validate_uscc(code).ok


def test_stdnum_uscc_ignores_the_organisation_code_check() -> None:
    first17 = "91110000600037342"  # organisation check should be 1
    code = first17 + uscc_check_char(first17)
    assert uscc.is_valid(code)  # stdnum accepts it
    v = validate_uscc(code)
    assert not v.ok and "position 17" in v.reason_en


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91110000600037341A", "expected L"),
        ("91110000600037341", "18"),
        ("9111000060003734IL", "not allowed"),
        ("B1110000600037341L", "department"),
        ("91AB0000600037341L", "area code"),
    ],
)
def test_invalid_uscc_reasons(code: str, fragment: str) -> None:
    v = validate_uscc(code)
    assert not v.ok and fragment in v.reason_en and v.reason_zh
