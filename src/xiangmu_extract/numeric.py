"""Recognizers over a normalized text: money, quantities, annual capacities and dates.

Each family is one compiled regex from ``patterns/`` scanned with ``finditer`` (extract), and
each match is resolved on its own (resolve): value, unit, currency, qualifier, ISO date. The
results are sorted by start and do not overlap: ``finditer`` yields its matches that way, and
capacities (one phrase can give several) go through :func:`resolve_overlaps`. Offsets are on
the text given.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple, Protocol, TypeVar

from xiangmu_extract.mentions import (
    CapacityMention,
    DateMention,
    MoneyMention,
    QuantityKind,
    QuantityMention,
)
from xiangmu_extract.models import Qualifier
from xiangmu_extract.numerals import parse_chinese_number, read_number
from xiangmu_extract.patterns import get_patterns, regex

# Pattern lists -> what they mean. The words live in patterns/; only their roles are here.
_QUALIFIER_LISTS: Final[dict[str, Qualifier]] = {
    "num_pre_about": "about",
    "num_pre_at_least": "at_least",
    "num_pre_at_most": "at_most",
    "num_post_about": "about",
    "num_post_at_least": "at_least",
    "num_post_at_most": "at_most",
}
_UNIT_LISTS: Final[dict[str, QuantityKind]] = {
    "qty_units_area": "area",
    "qty_units_mass": "capacity",
    "qty_units_energy": "capacity",
    "qty_units_energy_guarded": "capacity",
    "qty_units_power": "capacity",
    "qty_units_volume": "capacity",
    "qty_units_volume_guarded": "capacity",
    "qty_units_goods": "capacity",
    "qty_units_count": "other",
    "qty_units_length": "other",
}
_PERIOD_LISTS: Final = {
    "date_half_1": "-H1",
    "date_half_2": "-H2",
    "date_season_1": "-H1",
    "date_season_2": "-H2",
    "date_quarter_1": "-Q1",
    "date_quarter_2": "-Q2",
    "date_quarter_3": "-Q3",
    "date_quarter_4": "-Q4",
    "date_year_end": "-12",
    "date_year_start": "-01",
    "date_year_whole": "",
}
_YEAR_OFFSET_LISTS: Final = {
    "date_year_minus2": -2,
    "date_year_minus1": -1,
    "date_year_this": 0,
    "date_year_same": 0,
    "date_year_plus1": 1,
    "date_year_plus2": 2,
}
_MONTH_OFFSET_LISTS: Final = {"date_month_prev": -1, "date_month_this": 0, "date_month_next": 1}
FIRST_YEAR, LAST_YEAR = 1949, 2100  # a 4-digit number outside these is not a year
_MONTHS, _DAYS = 12, 31
# date_parts groups holding the year, the month and the day (ISO, day.month.year, Chinese).
_DATE_FIELDS: Final = (("iy", "dy", "y"), ("im", "dm", "m"), ("id", "dd", "d"))
_ISO_REFERENCE: Final = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


M = TypeVar("M", bound=_Spanned)


def resolve_overlaps(mentions: Iterable[M]) -> list[M]:
    """Sorted by start, no two overlapping: of overlapping mentions the longest wins."""
    kept: list[M] = []
    for mention in sorted(mentions, key=lambda m: (m.start, m.start - m.end)):
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept


R = TypeVar("R")


def _roles(lists: dict[str, R]) -> dict[str, R]:
    """Word -> role, for pattern lists named in ``lists`` (list name -> role)."""
    pats = get_patterns()
    return {word: role for name, role in lists.items() for word in pats.words(name)}


@functools.cache
def _qualifiers() -> dict[str, Qualifier]:
    return _roles(_QUALIFIER_LISTS)


def _qualifier(pre: str | None, post: str | None, more: bool) -> Qualifier:
    """约/近 … before, 以上/左右 … after, 多/余 inside (GOLD_SCHEMA Convention 5)."""
    word = pre or post
    if word:
        return _qualifiers()[word]
    return "at_least" if more else "exact"


# -- money ---------------------------------------------------------------------------------
@functools.cache
def _currencies() -> dict[str, str]:
    pats = get_patterns()
    codes = pats.words("money_currency_codes")
    return {word: code for code in codes for word in pats.words(f"money_cur_{code.lower()}")}


def _money(text: str, match: re.Match[str]) -> MoneyMention | None:
    number = read_number(match["num"])
    if number is None or number.value <= 0:
        return None
    cur = match["cur"]
    after = match.end("cur") if cur else match.end("num")
    category = regex("money_category_tail").match(text, after) is not None
    return MoneyMention(
        start=match.start(),
        end=match.end(),
        value=float(number.value),
        currency=_currencies()[cur] if cur else "CNY",
        qualifier=_qualifier(match["pre"] or match["pre2"], match["post"], number.more),
        category=category,
    )


def _end(text: str, endpos: int | None) -> int:
    return len(text) if endpos is None else endpos


def find_money(text: str, pos: int = 0, endpos: int | None = None) -> list[MoneyMention]:
    """Amounts of money ("总投资3亿元以上" -> the "3亿元以上" part), value in currency units.

    ``pos`` and ``endpos`` limit the search to ``text[pos:endpos]`` (as ``re`` does: what
    comes before ``pos`` is still seen by lookbehinds); so do the other recognizers'.
    """
    matches = regex("money_amount").finditer(text, pos, _end(text, endpos))
    return [money for m in matches if (money := _money(text, m)) is not None]


# -- quantities ----------------------------------------------------------------------------
@functools.cache
def _units() -> dict[str, tuple[str, QuantityKind]]:
    pats = get_patterns()
    canonical = {v: k for k, vs in pats.table("qty_unit_canonical").items() for v in vs}
    return {
        unit: (canonical.get(unit, unit), kind)
        for name, kind in _UNIT_LISTS.items()
        for unit in pats.words(name)
    }


def _quantity(match: re.Match[str]) -> QuantityMention | None:
    number = read_number(match["num"])
    if number is None or number.value <= 0:
        return None
    unit, kind = _units()[match["unit"]]
    return QuantityMention(
        start=match.start(),
        end=match.end(),
        value=float(number.value),
        unit=unit,
        kind=kind,
        qualifier=_qualifier(match["pre"], match["post"], number.more),
    )


def find_quantities(text: str, pos: int = 0, endpos: int | None = None) -> list[QuantityMention]:
    """Numbers with a unit, 万/亿 multiplied out: "20.87万吨" -> 208700 吨 (kind capacity)."""
    matches = regex("qty_amount").finditer(text, pos, _end(text, endpos))
    return [quantity for m in matches if (quantity := _quantity(m)) is not None]


# -- capacities ----------------------------------------------------------------------------
def _product(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The product's span once non-product words are cut off, or None when nothing is left.

    Cut at the first stop word ("项目", "生产线", "已") or word of another fact ("总投资"),
    then strip non-product words at the end ("智能制造建设", "改造").
    """
    raw = text[start:end]
    cuts = [
        m.start()
        for name in ("cap_product_stop", "cap_product_blocked")
        if (m := regex(name).search(raw)) is not None
    ]
    raw = regex("cap_product_tail").sub("", raw[: min(cuts, default=len(raw))])
    return (start, start + len(raw)) if raw else None


def _capacity(text: str, match: re.Match[str], cue: str, start: int) -> CapacityMention | None:
    amount = regex("qty_amount").fullmatch(text, *match.span("amount"))
    quantity = None if amount is None else _quantity(amount)
    if quantity is None:
        return None
    before = match["prod_b"]
    if before and regex("cap_product_blocked").search(before):
        return None  # "存栏5万头": what stands before the amount is another fact
    group = "prod_b" if before else "prod_a"
    product = _product(text, *match.span(group)) if match[group] else None
    end = max(quantity.end, product[1] if product else 0)
    return CapacityMention(
        start=start,
        end=end,
        value=quantity.value,
        unit=quantity.unit,
        product=text[product[0] : product[1]] if product else None,
        product_start=product[0] if product else None,
        product_end=product[1] if product else None,
        cue=cue,
    )


def find_capacities(text: str, pos: int = 0, endpos: int | None = None) -> list[CapacityMention]:
    """Annual capacities (年产/年处理/年出栏/产能 …), one per amount, with the product if any.

    "新增年产20GW高效电池和21GW高效电池组件生产线" -> (20 GW 高效电池), (21 GW 高效电池组件).
    """
    more = regex("cap_more")
    found: list[CapacityMention] = []
    end = _end(text, endpos)
    for match in regex("cap_phrase").finditer(text, pos, end):
        head = _capacity(text, match, match["cue"], match.start())
        if head is None:
            continue
        found.append(head)
        at = match.end()
        while (extra := more.match(text, at, end)) is not None:
            mention = _capacity(
                text,
                extra,
                head.cue,
                extra.start("prod_b") if extra["prod_b"] else extra.start("amount"),
            )
            if mention is None:
                break
            found.append(mention)
            at = extra.end()
    return resolve_overlaps(found)


# -- dates ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Reference:
    """The date relative expressions are read against (the article's date), maybe partial."""

    year: int
    month: int | None = None
    day: int | None = None


def parse_reference(reference: str | date | Reference | None) -> Reference | None:
    """A reference from an ISO partial string ("2022-02-24", "2022-02", "2022") or a date
    (a Reference as it is).

    Anything else (None, "?", "") is no reference: relative dates then resolve to None.
    """
    if reference is None or isinstance(reference, Reference):
        return reference
    if isinstance(reference, date):
        return Reference(reference.year, reference.month, reference.day)
    match = _ISO_REFERENCE.match(reference)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    if month is None or not 1 <= month <= _MONTHS:
        return Reference(year)
    return Reference(year, month, day)


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class _DateParts:
    """What one date expression says, before any reference is applied."""

    year: int | None = None  # written: 2022年, 二〇二二年, 2022-02-24
    year_offset: int | None = None  # 去年 -1, 明年 +1, …
    month: int | None = None
    day: int | None = None
    month_offset: int | None = None  # 上月 -1, 本月 0, 下月 +1
    suffix: str | None = None  # period after the year: "-H1", "-Q3", "-12", ""

    def __init__(
        self,
        year: int | None = None,
        year_offset: int | None = None,
        month: int | None = None,
        day: int | None = None,
        month_offset: int | None = None,
        suffix: str | None = None,
    ) -> None:
        self.year = year
        self.year_offset = year_offset
        self.month = month
        self.day = day
        self.month_offset = month_offset
        self.suffix = suffix


class _FoundDate(NamedTuple):
    """A date expression found in a text: where it is and what it says."""

    start: int
    end: int
    parts: _DateParts


@functools.cache
def _periods() -> dict[str, str]:
    return _roles(_PERIOD_LISTS)


@functools.cache
def _year_offsets() -> dict[str, int]:
    return _roles(_YEAR_OFFSET_LISTS)


@functools.cache
def _month_offsets() -> dict[str, int]:
    return _roles(_MONTH_OFFSET_LISTS)


def _int(text: str | None) -> int | None:
    """A year, month or day as written, Arabic or Chinese ("二〇二二", "十二", "二十三")."""
    if text is None:
        return None
    value = int(text) if text.isascii() else parse_chinese_number(text)
    return None if value is None else int(value)


# The same expressions ("2022年", "今年", "年底") come back in article after article.
@functools.lru_cache(maxsize=4096)
def _read_date(expression: str) -> _DateParts | None:
    g = regex("date_parts").fullmatch(expression)
    if g is None:
        return None
    year, month, day = (_int(g[k] or g[k2] or g[k3]) for k, k2, k3 in _DATE_FIELDS)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    if (month is not None and not 1 <= month <= _MONTHS) or (day is not None and day > _DAYS):
        return None
    return _DateParts(
        year=year,
        year_offset=_year_offsets()[g["yrel"]] if g["yrel"] else None,
        month=month,
        day=day,
        month_offset=_month_offsets()[g["mrel"]] if g["mrel"] else None,
        suffix=_periods()[g["p"]] if g["p"] else None,
    )


def _iso(parts: _DateParts, year: int) -> str:
    if parts.suffix is not None:
        return f"{year:04d}{parts.suffix}"
    if parts.month is None:
        return f"{year:04d}"
    if parts.day is not None:
        try:
            return date(year, parts.month, parts.day).isoformat()
        except ValueError:  # "2月30日": keep what is sure
            pass
    return f"{year:04d}-{parts.month:02d}"


def _resolve_date(
    parts: _DateParts, ref: Reference | None, inherited: tuple[int | None, bool] | None
) -> tuple[str | None, bool, int | None]:
    """ISO value, whether it depends on the reference, and the year used."""
    if parts.year is not None:
        return _iso(parts, parts.year), False, parts.year
    if parts.month_offset is not None:
        if ref is None or ref.month is None:
            return None, True, None
        shifted, month0 = divmod(ref.year * _MONTHS + ref.month - 1 + parts.month_offset, _MONTHS)
        return f"{shifted:04d}-{month0 + 1:02d}", True, shifted
    year: int | None
    if inherited is not None and parts.year_offset is None:
        year, relative = inherited  # "2021年3月至6月": the end takes the start's year
    else:
        year = None if ref is None else ref.year + (parts.year_offset or 0)
        relative = True
    if year is None:
        return None, relative, None
    return _iso(parts, year), relative, year


def find_dates(
    text: str,
    reference: str | date | Reference | None = None,
    pos: int = 0,
    endpos: int | None = None,
) -> list[DateMention]:
    """Dates as ISO partial strings; relative ones resolved against ``reference``.

    Two dates joined by -/—/至/到 are a range (range_role start/end); the end takes the start's
    year when it has none ("2021年3月至6月").
    """
    ref = parse_reference(reference)
    found = [
        _FoundDate(m.start(), m.end(), parts)
        for m in regex("date_scan").finditer(text, pos, _end(text, endpos))
        if (parts := _read_date(m.group())) is not None
    ]
    join = regex("date_range_join")
    mentions: list[DateMention] = []
    i = 0
    while i < len(found):
        first = found[i]
        value, relative, year = _resolve_date(first.parts, ref, None)
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is None or not join.fullmatch(text, first.end, nxt.start):
            mentions.append(DateMention(first.start, first.end, value, relative))
            i += 1
            continue
        end_value, end_relative, _ = _resolve_date(nxt.parts, ref, (year, relative))
        mentions.append(DateMention(first.start, first.end, value, relative, "start"))
        mentions.append(DateMention(nxt.start, nxt.end, end_value, end_relative, "end"))
        i += 2
    return mentions
