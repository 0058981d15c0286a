"""Page metadata: headline, the article's own date, outlet, author, dateline.

:func:`extract_metadata` reads every line of a :class:`NormalizedText`,
boilerplate included (the headline and the date line are boilerplate for the
recognizers). The *header* is the part of the page before the first line of
article prose; related-article lists and teasers never count. Patterns are in
``patterns/metadata.yaml``.

- ``publish_date``: a labelled date (发布时间, 日期, 发表于 …) in the header,
  else an unlabelled date line in the header, else a labelled date elsewhere,
  else a body dateline with a year. A month-day dateline ("中新社福州10月29日电")
  takes its year from the header date (GOLD_SCHEMA Convention 2).
- ``title``: the headline just above the date/byline line, else the first line
  if it looks like a headline, else "原标题:《…》".
- ``media``: "来源:…" in the header, a byline starting with the outlet, the
  dateline's agency, "来源:…" elsewhere, "本文由…发布".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from xiangmu_extract.boilerplate import is_prose, menu_items
from xiangmu_extract.normalize import Line, NormalizedText
from xiangmu_extract.patterns import get_patterns, regex
from xiangmu_extract.resolve import parse_date

# Line kinds that never carry the article's metadata.
_FOREIGN_KINDS: Final = frozenset({"related", "teaser"})
# Kinds skipped when looking upwards from the date line for the headline.
_SKIPPED_ABOVE_DATE: Final = frozenset(
    {"widget", "counter", "file", "url", "date", "source", "footer"}
)
_HEADLINE_KINDS: Final = frozenset({"body", "menu"})
# A headline is this long, and as a menu row has at most this many items.
_HEADLINE_MIN_LEN: Final = 4
_HEADLINE_MAX_LEN: Final = 80
_HEADLINE_MAX_ITEMS: Final = 4
# Lines above the date line looked at for the headline.
_HEADLINE_LOOKBACK: Final = 4
# Article prose that ends the header is at least this long.
_ARTICLE_MIN_LEN: Final = 30
# Datelines are looked for in the first lines of the article.
_DATELINE_LINES: Final = 3
# More unlabelled date lines than this in the header are a list, not a date line.
_MAX_HEADER_DATES: Final = 2


@dataclass(frozen=True, slots=True)
class MetaField:
    """A metadata value and the span of normalized text it was read from."""

    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the page says about the article itself."""

    title: MetaField | None
    publish_date: MetaField | None  # ISO partial: YYYY-MM-DD or YYYY-MM
    media: MetaField | None
    author: MetaField | None
    dateline: MetaField | None  # a body dateline's month-day without a year: "MM-DD"


@dataclass(frozen=True, slots=True)
class _Page:
    nt: NormalizedText
    lines: tuple[Line, ...]  # every line except related-article lists and teasers
    header: tuple[Line, ...]  # the lines before the article prose
    article: tuple[Line, ...]  # the first lines of article prose
    # the text of each line of ``lines`` by its start (cut once: a line is searched many times)
    texts: dict[int, str]

    def text(self, line: Line) -> str:
        return self.texts[line.start]


@functools.cache
def _not_media() -> frozenset[str]:
    return frozenset(get_patterns().words("meta_not_media"))


def _page(nt: NormalizedText) -> _Page:
    lines = tuple(line for line in nt.lines if line.kind not in _FOREIGN_KINDS)
    texts = {line.start: nt.line_text(line) for line in lines}
    first = next(
        (
            i
            for i, line in enumerate(lines)
            if not line.boilerplate
            and line.end - line.start >= _ARTICLE_MIN_LEN
            and is_prose(texts[line.start])
        ),
        len(lines),
    )
    return _Page(nt, lines, lines[:first], lines[first : first + _DATELINE_LINES], texts)


def _search(
    page: _Page, name: str, lines: tuple[Line, ...], *, hint: str | None = None
) -> Iterator[tuple[Line, re.Match[str]]]:
    """The first match of pattern ``name`` in each of ``lines`` that has one.

    ``hint`` names a quick pattern that every match contains: lines without it are
    skipped (for a pattern that starts with a lookbehind, which the regex engine
    tries at every position of the line).
    """
    pattern = regex(name)
    quick = None if hint is None else regex(hint)
    for line in lines:
        text = page.text(line)
        if quick is not None and quick.search(text) is None:
            continue
        match = pattern.search(text)
        if match is not None:
            yield line, match


def _field(line: Line, match: re.Match[str], group: str, value: str | None = None) -> MetaField:
    start, end = match.span(group)
    return MetaField(
        match.group(group) if value is None else value, line.start + start, line.start + end
    )


# -- dates ----------------------------------------------------------------------


def _valid_month_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _date_field(line: Line, match: re.Match[str]) -> MetaField | None:
    value = parse_date(match.group("date"))
    return None if value is None else _field(line, match, "date", value)


_LABEL_HINT: Final = "meta_date_label_hint"


def _printed_date(page: _Page) -> tuple[MetaField, Line] | None:
    """The article's printed date and the line it is on."""
    for line, match in _search(page, "meta_labelled_date", page.header, hint=_LABEL_HINT):
        found = _date_field(line, match)
        if found is not None:
            return found, line
    unlabelled = list(_search(page, "meta_any_date", page.header))
    if 0 < len(unlabelled) <= _MAX_HEADER_DATES:
        line, match = unlabelled[-1]
        found = _date_field(line, match)
        if found is not None:
            return found, line
    # the header's labelled dates are not valid: only the rest of the page is left
    rest = page.lines[len(page.header) :]
    for line, match in _search(page, "meta_labelled_date", rest, hint=_LABEL_HINT):
        found = _date_field(line, match)
        if found is not None:
            return found, line
    return None


@dataclass(frozen=True, slots=True)
class _Dateline:
    month_day: MetaField  # value "MM-DD"
    month: int
    day: int
    year: int | None
    media: MetaField | None  # the agency of "中新社福州10月29日电"


def _dateline(page: _Page) -> _Dateline | None:
    for name in ("meta_dateline_local", "meta_dateline_agency", "meta_dateline_reporter"):
        for line, match in _search(page, name, page.article):
            month, day = int(match.group("month")), int(match.group("day"))
            if not _valid_month_day(month, day):
                continue
            year = match.group("year")
            media = None
            if "media" in match.re.groupindex and match.group("media") not in _not_media():
                media = _field(line, match, "media")
            return _Dateline(
                _field(line, match, "date", f"{month:02d}-{day:02d}"),
                month,
                day,
                int(year) if year else None,
                media,
            )
    return None


def _publish_date(printed: MetaField | None, dateline: _Dateline | None) -> MetaField | None:
    """The printed date; a month-day dateline takes the printed date's year."""
    if dateline is None:
        return printed
    start, end = dateline.month_day.start, dateline.month_day.end
    if dateline.year is None:
        if printed is None:
            return None
        return MetaField(_combine(printed, dateline.month, dateline.day), start, end)
    if printed is None:
        return MetaField(f"{dateline.year:04d}-{dateline.month_day.value}", start, end)
    return printed


def _combine(printed: MetaField, month: int, day: int) -> str:
    """The dateline's month-day in the year of the page's printed date."""
    year = int(printed.value[:4])
    printed_parts = [int(part) for part in printed.value[5:].split("-") if part]
    if (month, day)[: len(printed_parts)] > tuple(printed_parts):
        year -= 1  # a dateline in December on a page printed in January
    return f"{year:04d}-{month:02d}-{day:02d}"


# -- title ------------------------------------------------------------------------


def _headline_like(page: _Page, line: Line) -> bool:
    text = page.text(line)
    if line.kind not in _HEADLINE_KINDS or is_prose(text):
        return False
    if not _HEADLINE_MIN_LEN <= len(text) <= _HEADLINE_MAX_LEN:
        return False
    if regex("meta_sentence_end").search(text) or regex("meta_any_date").search(text):
        return False
    if line.kind == "menu":
        items = menu_items(page.nt.visual_text(line.start, line.end))
        return len(items) <= _HEADLINE_MAX_ITEMS
    return True


def _title_field(page: _Page, start: int, end: int) -> MetaField:
    """The headline as shown: single spaces where the page had spaces."""
    value = page.nt.visual_text(start, end, tags=False)
    suffix = regex("meta_title_site_suffix").search(value)
    if suffix is not None and suffix.start() >= _HEADLINE_MIN_LEN:
        value = value[: suffix.start()]
    return MetaField(value.strip(), start, end)


def _title(page: _Page, anchor: Line | None) -> MetaField | None:
    if anchor is not None:
        above = [line for line in page.lines if line.end <= anchor.start]
        for line in reversed(above[-_HEADLINE_LOOKBACK:]):
            if line.kind in _SKIPPED_ABOVE_DATE:
                continue
            if _headline_like(page, line):
                return _title_field(page, line.start, line.end)
            break
    first = next((line for line in page.lines if not line.boilerplate), None)
    if first is not None and first in page.header and _headline_like(page, first):
        return _title_field(page, first.start, first.end)
    for line, match in _search(page, "meta_original_title", page.lines):
        start, end = match.span("title")
        return _title_field(page, line.start + start, line.start + end)
    return None


# -- media and author -----------------------------------------------------------


def _media_from(
    page: _Page, name: str, lines: tuple[Line, ...], *, hint: str | None = None
) -> MetaField | None:
    for line, match in _search(page, name, lines, hint=hint):
        if match.group("media") not in _not_media():
            return _field(line, match, "media")
    return None


def _media(page: _Page, dateline: _Dateline | None) -> MetaField | None:
    found = _source_label(page, page.header)
    found = found or _media_from(page, "meta_byline_media", page.header)
    found = found or (dateline.media if dateline is not None else None)
    # the header's source labels name no outlet: only the rest of the page is left
    found = found or _source_label(page, page.lines[len(page.header) :])
    return found or _media_from(page, "meta_published_by", page.lines)


def _source_label(page: _Page, lines: tuple[Line, ...]) -> MetaField | None:
    """The outlet of a label such as "来源:余杭晨报". Only lines with a source word are
    searched (the pattern starts with lookbehinds)."""
    return _media_from(page, "meta_source_label", lines, hint="meta_source_word_hint")


def _author(page: _Page) -> MetaField | None:
    first = page.header + page.article
    for line, match in _search(page, "meta_author", first):
        return _field(line, match, "author")
    # then a boilerplate line of the rest of the page (the first lines have no author)
    rest = tuple(line for line in page.lines[len(first) :] if line.boilerplate)
    for line, match in _search(page, "meta_author", rest):
        return _field(line, match, "author")
    return None


def extract_metadata(nt: NormalizedText) -> Metadata:
    """Title, publish date, outlet, author and dateline of a normalized page."""
    page = _page(nt)
    printed = _printed_date(page)
    dateline = _dateline(page)
    anchor = printed[1] if printed is not None and printed[1] in page.header else None
    if anchor is None:
        anchor = next((line for line in page.header if line.kind in ("date", "source")), None)
    return Metadata(
        title=_title(page, anchor),
        publish_date=_publish_date(printed[0] if printed is not None else None, dateline),
        media=_media(page, dateline),
        author=_author(page),
        dateline=dateline.month_day if dateline is not None else None,
    )
