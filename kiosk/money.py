"""Money as the hall shows and prints it: decimal strings, 万元 units, and Chinese capitals (大写).

The platform sends money as decimal strings in yuan, or in 万元 when ``PRICE_UNIT``/``price_unit``
is ``"1"`` (docs/platform-api.md §2). Never use floats: parse with :func:`parse_money`.

This is the one place where the hall parses and writes decimals, money or not (an auction's
配建 area in m², a share in %): :func:`parse_money` and its lenient :func:`try_parse_money`,
:func:`decimal_text` and :func:`quantity_text` for stored strings, :func:`format_money` and
:func:`format_quantity` for people.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")
UNIT_NAMES = {"0": "元", "1": "万元"}


class MoneyError(ValueError):
    """Not a money amount."""


def parse_money(text: str | Decimal | int) -> Decimal:
    """A decimal amount from the platform's string (``"12500000.00"``); raises MoneyError."""
    try:
        value = text if isinstance(text, Decimal) else Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not an amount: {text!r}")
    return value


def parse_optional_money(text: str | Decimal | int | None) -> Decimal | None:
    """:func:`parse_money`, or None where there is no amount (``None``); raises MoneyError on a bad one."""
    return parse_money(text) if text is not None else None


def try_parse_money(text: str | Decimal | int | None) -> Decimal | None:
    """A decimal as typed into a field: None where there is none (``None``, ``""``) or it is not a number."""
    if text is None or text == "":
        return None
    try:
        return parse_money(text)
    except MoneyError:
        return None


def decimal_text(value: Decimal) -> str:
    """An amount as stored and journalled: at least two places (``32000.00``), more only where it has them."""
    q = value.quantize(Decimal("0.01"))
    return f"{q:f}" if q == value else f"{value.normalize():f}"


def quantity_text(value: Decimal) -> str:
    """A quantity (m², %) as stored and journalled: two places at most, no trailing zeros (``1200``, ``12.5``)."""
    q = value.quantize(Decimal("0.01")).normalize()
    return f"{q:f}"


def format_quantity(value: Decimal) -> str:
    """A quantity for people: thousands separators, two places at most, no trailing zeros (``1,200``, ``12.5``)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral_value() else f"{value:,.0f}"


def to_yuan(amount: str | Decimal, price_unit: str | None = "0") -> Decimal:
    """The amount in yuan (``price_unit`` ``"1"`` means the amount is in 万元)."""
    value = parse_money(amount)
    return value * 10000 if price_unit == "1" else value


def format_money(amount: str | Decimal, price_unit: str | None = "0", *, unit: bool = True) -> str:
    """``12,500,000.00 元`` / ``352.8000 万元`` — figures with thousands separators and the unit."""
    value = parse_money(amount)
    places = 4 if price_unit == "1" else 2
    text = f"{value:,.{places}f}"
    return f"{text} {UNIT_NAMES.get(price_unit or '0', '元')}" if unit else text


def _four(n: int) -> str:
    """0 < n < 10000 in capitals, with 零 for inner zeros (e.g. 1010 → 壹仟零壹拾)."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[pos])
    return "".join(out)


def to_capitals(amount: str | Decimal, price_unit: str | None = "0") -> str:
    """人民币大写 of an amount (in yuan after the unit): ``壹仟贰佰伍拾万元整``.

    Rules of the common financial style (会计基础工作规范): 元 after the integer part, 角 and 分,
    整 when there are no 分, 零 for skipped places (written also where the rules make it optional,
    as banks do), 负 before a negative amount. Amounts are rounded half-up to the 分.
    """
    value = to_yuan(amount, price_unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    negative = value < 0
    value = abs(value)
    integer = int(value)
    cents = int((value - integer) * 100)
    jiao, fen = divmod(cents, 10)
    if integer >= 10**16:
        raise MoneyError(f"amount too large for capitals: {amount!r}")
    parts: list[str] = []
    groups = []
    n = integer
    while n:
        groups.append(n % 10000)
        n //= 10000
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(parts)
            continue
        # 零 for a gap: a whole zero group, a group with a leading zero, or a 0 in the place just
        # above (the 万 place of 105000 → 壹拾万零伍仟). The rules allow omitting it; banks write it.
        if parts and (need_zero or g < 1000 or groups[i + 1] % 10 == 0):
            parts.append("零")
        parts.append(_four(g) + BIG_UNITS[i])
        need_zero = False
    text = "".join(parts)
    if text:
        text += "元"
    if jiao == 0 and fen == 0:
        text = (text or "零元") + "整"
    else:
        if jiao:
            if integer % 10 == 0 and text:  # 元 place is 0: 壹佰万元零壹角
                text += "零"
            text += DIGITS[jiao] + "角"
        elif text:
            text += "零"
        if fen:
            text += DIGITS[fen] + "分"
        else:
            text += "整"
    return ("负" if negative else "") + text
