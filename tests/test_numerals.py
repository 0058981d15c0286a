"""Numbers as written in Chinese news -> values (xiangmu_extract.numerals)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xiangmu_extract.numerals import multiplier, parse_chinese_number, parse_number, read_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic
        ("1.42", 1.42),
        ("32334.49", 32334.49),
        ("343,688", 343688),
        ("213,654", 213654),
        ("1,234,567.5", 1234567.5),
        ("0.5", 0.5),
        ("120000", 120000),
        # Chinese
        ("三千万", 30_000_000),
        ("七百二十六亿", 72_600_000_000),
        ("两亿", 200_000_000),
        ("十亿", 1_000_000_000),
        ("一千二百万", 12_000_000),
        ("二〇二二", 2022),
        ("二零二二", 2022),
        ("十", 10),
        ("二十三", 23),
        ("一百零五", 105),
        ("两千零五十", 2050),
        ("三亿五千万", 350_000_000),
        ("两万二千", 22_000),
        ("一万亿", 1_000_000_000_000),
        ("三点五", 3.5),
        ("三点五亿", 350_000_000),
        ("兩億", 200_000_000),
        ("叁仟萬", 30_000_000),
        # mixed: Arabic number, Chinese multipliers
        ("1.42亿", 142_000_000),
        ("3.6万多", 36_000),
        ("20.87万", 208_700),
        ("1.2万亿", 1_200_000_000_000),
        ("5千万", 50_000_000),
        ("3百万", 3_000_000),
        ("10余亿", 1_000_000_000),
        ("6亿多", 600_000_000),
        ("343,688万", 3_436_880_000),
        ("19153.98万", 191_539_800),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "亿",  # a multiplier alone
        "万元",
        "百亿",  # vague: 百亿 without a digit
        "一二百",  # a range ("one or two hundred"), not a number
        "几十亿",
        "数亿",
        "abc",
        "24.1%",
        "1.2.3",
    ],
)
def test_not_a_number(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "more"),
    [("6亿多", True), ("10余亿", True), ("3.6万多", True), ("150余", True), ("6亿", False)],
)
def test_more_inside_the_number(text: str, more: bool) -> None:
    parsed = read_number(text)
    assert parsed is not None
    assert parsed.more is more


def test_values_are_exact_decimals() -> None:
    parsed = read_number("20.87万")
    assert parsed is not None
    assert parsed.value == Decimal("208700")


@pytest.mark.parametrize(
    ("chars", "expected"),
    [("", 1), ("万", 10_000), ("亿", 10**8), ("万亿", 10**12), ("千万", 10**7), ("百万", 10**6)],
)
def test_multiplier(chars: str, expected: int) -> None:
    assert multiplier(chars) == expected


def test_multiplier_rejects_other_characters() -> None:
    with pytest.raises(ValueError, match="not a multiplier"):
        multiplier("元")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十二", Decimal(12)),
        ("一九四九", Decimal(1949)),
        ("千", None),  # 千 needs its digit
        ("万三", None),
        ("三点", None),
    ],
)
def test_parse_chinese_number(text: str, expected: Decimal | None) -> None:
    assert parse_chinese_number(text) == expected
