"""Money: parsing, units and 人民币大写."""

from decimal import Decimal

import pytest

from kiosk.money import (
    MoneyError,
    decimal_text,
    format_money,
    format_quantity,
    parse_money,
    parse_optional_money,
    quantity_text,
    to_capitals,
    to_yuan,
    try_parse_money,
)


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("101.01", "壹佰零壹元零壹分"),
        ("1010", "壹仟零壹拾元整"),
        ("1004.5", "壹仟零肆元伍角整"),
        ("1010.50", "壹仟零壹拾元零伍角整"),
        ("12345000", "壹仟贰佰叁拾肆万伍仟元整"),
        ("12005000", "壹仟贰佰万零伍仟元整"),
        ("32000.00", "叁万贰仟元整"),
        ("100000", "壹拾万元整"),
        ("105000", "壹拾万零伍仟元整"),
        ("1000000.10", "壹佰万元零壹角整"),
        ("12500000.00", "壹仟贰佰伍拾万元整"),
        ("11876543.21", "壹仟壹佰捌拾柒万陆仟伍佰肆拾叁元贰角壹分"),
        ("100000001", "壹亿零壹元整"),
        ("120030000", "壹亿贰仟零叁万元整"),
        ("-3.2", "负叁元贰角整"),
    ],
)
def test_capitals(amount: str, capitals: str) -> None:
    assert to_capitals(amount) == capitals


def test_units_and_format() -> None:
    assert to_yuan("352.80", "1") == Decimal("3528000.00")
    assert to_capitals("352.80", "1") == "叁佰伍拾贰万捌仟元整"
    assert format_money("12500000") == "12,500,000.00 元"
    assert format_money("352.8", "1") == "352.8000 万元"
    with pytest.raises(MoneyError):
        parse_money("12万")
    with pytest.raises(MoneyError):
        parse_money("NaN")


def test_optional_and_lenient_parsing() -> None:
    assert parse_optional_money(None) is None and parse_optional_money("1,200.5") == Decimal("1200.5")
    with pytest.raises(MoneyError):
        parse_optional_money("abc")
    assert [try_parse_money(t) for t in (None, "", " ", "abc", "NaN", "Infinity")] == [None] * 6
    assert try_parse_money(" 12,500 ") == Decimal("12500")


def test_stored_and_shown_decimals() -> None:
    assert [decimal_text(Decimal(t)) for t in ("32000", "0.5", "1.2345", "18720.0000")] == [
        "32000.00", "0.50", "1.2345", "18720.00"]
    assert [quantity_text(Decimal(t)) for t in ("1200", "12.50", "100.00", "7.125")] == ["1200", "12.5", "100", "7.12"]
    assert [format_quantity(Decimal(t)) for t in ("1200", "12.5", "1234.25", "0")] == ["1,200", "12.5", "1,234.25", "0"]
