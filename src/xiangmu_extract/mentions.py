"""Mentions: what the recognizers find in the normalized text, before linking.

Offsets here are on the text the recognizer was given (the normalized text in the
pipeline); the pipeline maps them back to the original input at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xiangmu_extract.models import Qualifier

QuantityKind = Literal["area", "capacity", "other"]
RangeRole = Literal["start", "end"]


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class MoneyMention:
    """An amount such as ``总投资3亿元以上`` -> the ``3亿元以上`` part."""

    start: int
    end: int
    value: float  # in units of currency (yuan for CNY)
    currency: str  # ISO 4217: CNY, USD, EUR, HKD, …
    qualifier: Qualifier
    category: bool = False  # "10亿元以上项目", "十亿元级项目": a class of projects, not an amount

    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        currency: str,
        qualifier: Qualifier,
        category: bool = False,
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.currency = currency
        self.qualifier = qualifier
        self.category = category


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class QuantityMention:
    """A number with a unit, ``万``/``亿`` multiplied out: ``20.87万吨`` -> 208700 吨."""

    start: int
    end: int
    value: float
    unit: str  # canonical unit: 吨, 亩, 平方米, 公顷, 平方公里, GW, 只, …
    kind: QuantityKind
    qualifier: Qualifier = "exact"

    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        unit: str,
        kind: QuantityKind,
        qualifier: Qualifier = "exact",
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.unit = unit
        self.kind = kind
        self.qualifier = qualifier


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class CapacityMention:
    """An annual capacity phrase: ``年产4000吨新型绿色钎焊材料``.

    ``start``/``end`` cover the whole phrase (cue, amount and product); the
    product, when written, has its own offsets.
    """

    start: int
    end: int
    value: float
    unit: str
    product: str | None
    product_start: int | None = None
    product_end: int | None = None
    cue: str = ""  # the cue as written: 年产, 年出栏, 产能, …

    def __init__(
        self,
        start: int,
        end: int,
        value: float,
        unit: str,
        product: str | None,
        product_start: int | None = None,
        product_end: int | None = None,
        cue: str = "",
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.unit = unit
        self.product = product
        self.product_start = product_start
        self.product_end = product_end
        self.cue = cue


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class DateMention:
    """A date expression, resolved to an ISO partial string when it can be.

    ``value`` is None for a relative date ("去年6月") when no reference date is known.
    """

    start: int
    end: int
    value: str | None
    relative: bool
    range_role: RangeRole | None = None  # for "2020年12月-2022年12月": start / end

    def __init__(
        self,
        start: int,
        end: int,
        value: str | None,
        relative: bool,
        range_role: RangeRole | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self.value = value
        self.relative = relative
        self.range_role = range_role
