"""Read one amount of money, quantity or date out of an arbitrary string.

Thin wrappers over the recognizers of :mod:`xiangmu_extract.numeric` (one engine): the string
is folded character for character (full-width -> half-width, traditional -> simplified, so
億/萬/兩 and ３亿 work and offsets stay those of the string given), scanned, and the first
mention becomes a model whose ``text``/``span`` are on the string given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

from xiangmu_extract.models import Money, Quantity
from xiangmu_extract.normalize import ascii_digits
from xiangmu_extract.numeric import find_capacities, find_dates, find_money, find_quantities

_FULLWIDTH_FIRST, _FULLWIDTH_LAST, _FULLWIDTH_SHIFT = 0xFF01, 0xFF5E, 0xFEE0
_IDEOGRAPHIC_SPACE = 0x3000


@functools.cache
def _width_table() -> dict[int, int]:
    table = {cp: cp - _FULLWIDTH_SHIFT for cp in range(_FULLWIDTH_FIRST, _FULLWIDTH_LAST + 1)}
    table[_IDEOGRAPHIC_SPACE] = ord(" ")
    return table


@functools.cache
def _to_simplified() -> Callable[[str], str]:
    from opencc import OpenCC  # loaded on first use: building the converter takes a while

    convert: Callable[[str], str] = OpenCC("t2s").convert
    return convert


def fold_text(text: str) -> str:
    """``text`` with full-width forms half-width, every decimal digit ASCII and traditional
    characters simplified.

    The result has the same length as ``text``: character i comes from character i.
    """
    folded = ascii_digits(text.translate(_width_table()))
    if folded.isascii():
        return folded
    convert = _to_simplified()
    simplified = convert(folded)
    if len(simplified) == len(folded):
        return simplified
    return "".join(s if len(s := convert(c)) == 1 else c for c in folded)


def parse_money(text: str) -> Money | None:
    """The first amount of money in ``text``, or None.

    ``parse_money("3亿元以上")`` -> 3e8 CNY at_least. Vague amounts (上亿元, 数亿元), bare numbers,
    percentages and categories of projects ("10亿元以上重大制造业项目") are not amounts.
    """
    for mention in find_money(fold_text(text)):
        if not mention.category:
            return Money(
                value=mention.value,
                currency=mention.currency,
                qualifier=mention.qualifier,
                text=text[mention.start : mention.end],
                span=(mention.start, mention.end),
            )
    return None


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in ``text``, 万/亿 multiplied out, or None.

    ``parse_quantity("年产20.87万吨")`` -> 208700 吨; ``text``/``span`` are those of the quantity.
    When the quantity is the amount of a capacity phrase, ``product`` is that phrase's product.
    """
    folded = fold_text(text)
    quantities = find_quantities(folded)
    if not quantities:
        return None
    first = quantities[0]
    capacity = next((c for c in find_capacities(folded) if c.start <= first.start < c.end), None)
    product = None
    if capacity is not None and capacity.product_start is not None:
        product = text[capacity.product_start : capacity.product_end]
    return Quantity(
        value=first.value,
        unit=first.unit,
        product=product,
        text=text[first.start : first.end],
        span=(first.start, first.end),
    )


def parse_date(text: str, reference: str | date | None = None) -> str | None:
    """The first date in ``text`` as an ISO partial string, or None.

    ``parse_date("去年6月", "2022-02-24")`` -> "2021-06"; relative dates without a reference,
    and strings without a date, give None. Page date lines work: "发布时间:2022-02-24 09:15:00",
    "31.03.2016  10:59", "2021-6-16 15:18".
    """
    mentions = find_dates(fold_text(text), reference)
    return mentions[0].value if mentions else None
