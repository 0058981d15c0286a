"""Grouping keys for the charts of the database report: the province of a project's place
and the product family of a capacity. Best effort, from the data in
``patterns/report.yaml`` (``report_province_places``, ``report_product_families``).

A province is read from the location text, else from the project name: the leftmost place
that names it (a province itself, or a city or prefecture listed under it; longest first
at a position). County-level places are not listed; :func:`article_provinces` lets the
caller take their province from the other projects of the same article.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from xiangmu_extract.patterns import alternation, get_patterns

UNKNOWN_FAMILY = "other"
NO_PRODUCT = "(no product)"


@functools.cache
def _province_of_place() -> dict[str, str]:
    """place -> its province, the provinces themselves included."""
    pats = get_patterns()
    places = {p: p for p in pats.words("place_provinces")}
    for province, below in pats.table("report_province_places").items():
        for place in below:
            places.setdefault(place, province)
    return places


@functools.cache
def _place_regex() -> re.Pattern[str]:
    return re.compile(alternation(_province_of_place()))


def find_province(*texts: str | None) -> str | None:
    """The province named by the first of ``texts`` that names one (leftmost place)."""
    for text in texts:
        if not text:
            continue
        match = _place_regex().search(text)
        if match:
            return _province_of_place()[match.group()]
    return None


def article_provinces(
    projects: Iterable[tuple[Iterable[str], str | None]],
) -> dict[str, str]:
    """article id -> the one province its projects name, for articles whose resolved
    projects all agree. ``projects``: (article ids, province or None) per project."""
    seen: dict[str, set[str]] = {}
    for articles, province in projects:
        for article in articles:
            found = seen.setdefault(article, set())
            if province:
                found.add(province)
    return {a: next(iter(p)) for a, p in seen.items() if len(p) == 1}


def province_from_articles(articles: Iterable[str], by_article: Mapping[str, str]) -> str | None:
    """The province the ``articles`` agree on (:func:`article_provinces`), if one."""
    found = {by_article[a] for a in articles if a in by_article}
    return next(iter(found)) if len(found) == 1 else None


@functools.cache
def _family_words() -> tuple[tuple[str, str], ...]:
    """(word, family), longest words first."""
    table = get_patterns().table("report_product_families")
    pairs = [(w, family) for family, words in table.items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def product_family(product: str | None) -> str:
    """The family of a produced good: the family of the word found furthest right in it
    (the head of a Chinese compound), the longer word on a tie."""
    if not product:
        return NO_PRODUCT
    best: tuple[int, int] | None = None
    family = UNKNOWN_FAMILY
    for word, fam in _family_words():
        at = product.rfind(word)
        if at < 0:
            continue
        score = (at + len(word), len(word))
        if best is None or score > best:
            best, family = score, fam
    return family
