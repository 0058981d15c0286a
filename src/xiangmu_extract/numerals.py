"""Numbers as Chinese news writes them, to exact decimal values.

Arabic ("1.42", "343,688"), Chinese ("七百二十六亿", "两亿", "二〇二二", "三点五"), and mixed
("1.42亿", "20.87万", "1.2万亿", "5千万"). The shapes are regexes in ``patterns/numbers.yaml``;
the digit and multiplier values are tables there. Arithmetic is done in :class:`Decimal` so
that ``20.87万`` is exactly 208700.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from xiangmu_extract.patterns import get_patterns, regex

_SMALL_UNITS: Final = (10, 100, 1000)  # 十 百 千: multiply the digit before them
_TEN: Final = 10  # 十 may stand without its digit: "十亿" is 10⁹
_MYRIAD: Final = 10_000  # 万 multiplies its section; a larger unit (亿) multiplies all before it


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A number read from text: its value and whether 多/余 was written inside it."""

    value: Decimal
    more: bool = False  # "6亿多", "10余亿": the amount is at least ``value``


@functools.cache
def _digit_values() -> dict[str, int]:
    table = get_patterns().table("num_digits")
    return {char: int(key) for key, chars in table.items() for char in chars}


@functools.cache
def _unit_values() -> dict[str, int]:
    table = get_patterns().table("num_units")
    return {char: int(key) for key, chars in table.items() for char in chars}


@functools.cache
def _point_chars() -> frozenset[str]:
    return frozenset(c for chars in get_patterns().table("num_point").values() for c in chars)


def multiplier(chars: str) -> int:
    """The value of a chain of multipliers written after a number: "万" -> 10⁴, "千万" -> 10⁷.

    An empty chain is 1; a character that is not a multiplier raises ``ValueError``.
    """
    units = _unit_values()
    value = 1
    for char in chars:
        if char not in units:
            raise ValueError(f"{char!r} is not a multiplier")
        value *= units[char]
    return value


def _digit_string(chars: str) -> Decimal | None:
    """Chinese digits read one by one: "二〇二二" -> 2022."""
    digits = _digit_values()
    if not chars or any(c not in digits for c in chars):
        return None
    return Decimal("".join(str(digits[c]) for c in chars))


def _integer_part(chars: str) -> Decimal | None:
    """Chinese numerals with units: "一千二百万" -> 12000000, "十亿" -> 10⁹, "两万二千" -> 22000."""
    digits, units = _digit_values(), _unit_values()
    if not any(c in units for c in chars):
        return _digit_string(chars)
    total = section = 0
    number: int | None = None
    for char in chars:
        if char in digits:
            if number:  # two non-zero digits in a row: "一二百" is a range, not a number
                return None
            number = digits[char]
        elif char in units and units[char] in _SMALL_UNITS:
            if number is None and units[char] != _TEN:
                return None  # "百" or "千" without its digit
            section += (1 if number is None else number) * units[char]
            number = None
        elif char in units:
            value = units[char]
            section += number or 0
            if not (total or section):
                return None  # a section unit with nothing before it
            if value > _MYRIAD:
                total = (total + section) * value
            else:
                total += section * value
            section, number = 0, None
        else:
            return None
    return Decimal(total + section + (number or 0))


def parse_chinese_number(text: str) -> Decimal | None:
    """The value of a Chinese numeral, or None: "七百二十六亿", "三点五亿", "二〇二二", "十"."""
    text = text.strip()
    if not text:
        return None
    point = next((i for i, c in enumerate(text) if c in _point_chars()), None)
    if point is None:
        return _integer_part(text)
    head, rest = text[:point], text[point + 1 :]
    units = _unit_values()
    tail_start = next((i for i, c in enumerate(rest) if c in units), len(rest))
    integer = _integer_part(head) if head else Decimal(0)
    fraction = _digit_string(rest[:tail_start])
    if integer is None or fraction is None:
        return None
    value = integer + fraction / Decimal(10) ** tail_start
    try:
        return value * multiplier(rest[tail_start:])
    except ValueError:
        return None


# Amounts repeat within and across articles ("2022", "1亿"): each string is parsed once.
@functools.lru_cache(maxsize=4096)
def read_number(text: str) -> ParsedNumber | None:
    """Read a whole number string ("1.42亿", "3.6万多", "10余亿", "三千万", "343,688"), or None."""
    match = regex("num_number").fullmatch(text)
    if match is None:
        return None
    base: Decimal | None
    if match["arabic"] is not None:
        try:
            base = Decimal(match["arabic"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only lets digits through
            return None
    else:
        base = parse_chinese_number(match["cn"])
    if base is None:
        return None
    value = base * multiplier(match["mult"] or "")
    return ParsedNumber(value=value, more=bool(match["mid"] or match["mid2"]))


def parse_number(text: str) -> float | None:
    """The value of a number string, 万/亿 multiplied out; None when it is not a number.

    >>> parse_number("1.42亿")
    142000000.0
    """
    parsed = read_number(text)
    return None if parsed is None else float(parsed.value)
