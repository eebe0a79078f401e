"""Mandarin reading of ticket and window numbers, and the call sentence."""

from __future__ import annotations

import pytest

from devices.speech.numbers import (
    call_speech,
    call_text,
    digits_zh,
    number_zh,
    speakable,
    ticket_zh,
    window_zh,
)


@pytest.mark.parametrize(
    ("n", "zh"),
    [
        (0, "零"),
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (12, "十二"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (200, "二百"),
        (1000, "一千"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (1100, "一千一百"),
        (2024, "二千零二十四"),
        (9999, "九千九百九十九"),
        (10000, "一万"),
        (10012, "一万零一十二"),
        (10105, "一万零一百零五"),
        (12000, "一万二千"),
        (123456, "十二万三千四百五十六"),
    ],
)
def test_number_zh(n: int, zh: str) -> None:
    assert number_zh(n) == zh


@pytest.mark.parametrize("n", [-1, 10**8])
def test_number_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        number_zh(n)


@pytest.mark.parametrize(
    ("ticket", "zh"),
    [
        ("A012", "A零一二"),
        ("A001", "A零零一"),
        ("B100", "B一零零"),
        ("c999", "C九九九"),
        ("K0", "K零"),
        ("VIP07", "VIP零七"),
        ("305", "三零五"),
    ],
)
def test_ticket_digits_one_by_one(ticket: str, zh: str) -> None:
    assert ticket_zh(ticket) == zh


def test_ticket_as_number_when_configured() -> None:
    assert ticket_zh("A012", style="number") == "A十二"
    assert ticket_zh("B105", style="number") == "B一百零五"


@pytest.mark.parametrize("bad", ["", "A", "A-12", "ABCD1", "A1234567", "Ａ012", "A٣"])
def test_bad_tickets_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        ticket_zh(bad)


@pytest.mark.parametrize(
    ("window", "zh"),
    [
        (1, "一号窗口"),
        (2, "二号窗口"),
        (3, "三号窗口"),
        (10, "十号窗口"),
        (12, "十二号窗口"),
        (20, "二十号窗口"),
        (23, "二十三号窗口"),
        ("7", "七号窗口"),
        ("b2", "B二号窗口"),
        (101, "一百零一号窗口"),
    ],
)
def test_window_zh(window: int | str, zh: str) -> None:
    assert window_zh(window) == zh


def test_window_must_be_a_number() -> None:
    with pytest.raises(ValueError):
        window_zh("front desk")


def test_digits_zh() -> None:
    assert digits_zh("0123456789") == "零一二三四五六七八九"
    with pytest.raises(ValueError):
        digits_zh("12a")


@pytest.mark.parametrize(
    ("ticket", "window", "shown", "spoken"),
    [
        ("A012", 3, "请A012号到3号窗口办理", "请A零一二号到三号窗口办理"),
        ("b105", 12, "请B105号到12号窗口办理", "请B一零五号到十二号窗口办理"),
        ("C020", 20, "请C020号到20号窗口办理", "请C零二零号到二十号窗口办理"),
        ("D300", "10", "请D300号到10号窗口办理", "请D三零零号到十号窗口办理"),
    ],
)
def test_call_sentence(ticket: str, window: int | str, shown: str, spoken: str) -> None:
    assert call_text(ticket, window) == shown
    assert call_speech(ticket, window) == spoken
    assert speakable(shown) == spoken  # the voice text derived from what the board shows


def test_custom_template() -> None:
    tpl = "{ticket}号请到{window}号窗口"
    assert call_speech("A012", 3, template=tpl) == "A零一二号请到三号窗口"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("请A012号到3号窗口办理", "请A零一二号到三号窗口办理"),
        ("前面还有15人", "前面还有十五人"),
        ("验证码007", "验证码零零七"),
        ("开标室2将于10点开始", "开标室二将于十点开始"),
        ("没有数字", "没有数字"),
    ],
)
def test_speakable_leaves_no_digits(text: str, spoken: str) -> None:
    out = speakable(text)
    assert out == spoken
    assert not any(ch.isdigit() and ch.isascii() for ch in out)
