"""Which lines of a page are boilerplate, and what kind.

Scraped pages carry navigation, share/login widgets, counters, image names,
URLs, copyright and contact footers, source/editor lines and lists of related
articles around the article. :func:`classify_lines` gives each line a
:data:`LineKind`; everything but ``"body"`` is boilerplate. The patterns are in
``patterns/boilerplate.yaml``.

Rules, in order:

1. A related-article heading (相关文章, 推荐阅读, 上一篇 …) that comes after
   some article prose makes it and every following line ``"related"``.
2. Strong footer and source patterns (版权声明, 本文由…发布, 来源: …) mark a
   line whatever it looks like; a date stuck to text at the start of a line is
   a related-article ``"teaser"``.
3. Prose (a sentence end, or a long run of clauses) is ``"body"``.
4. Other lines are checked for navigation, counters, file names, URLs, date
   lines, widgets, contact footers, source lines and menu rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Final, Literal

from xiangmu_extract.patterns import get_patterns, plain, regex

LineKind = Literal[
    "body",
    "nav",
    "menu",
    "widget",
    "counter",
    "file",
    "url",
    "date",
    "source",
    "footer",
    "related",
    "teaser",
]

# A related-article heading is short (or "上一篇:<title>").
_HEADING_MAX_LEN: Final = 80
# A strong footer pattern marks a line of at most this length wherever it
# matches, and a longer line only when the line starts with it.
_FOOTER_MAX_LEN: Final = 200
# Prose: a full stop; "!" or "?" in a line at least this long; clause marks in
# a line at least the second length.
_EXCLAIM_MIN_LEN: Final = 12
_PROSE_MIN_LEN: Final = 40
# Article prose this long must come before a related-article heading counts.
_ARTICLE_MIN_LEN: Final = 30
# A date line is short.
_DATE_LINE_MAX_LEN: Final = 80
# A menu row: at least this many items, none longer than the item limit.
_MENU_MIN_ITEMS: Final = 3
_MENU_ITEM_MAX_LEN: Final = 8
_BULLET_ITEM_MAX_LEN: Final = 10
# A block of at least this many consecutive tiny lines is a menu (one item per line).
_MENU_BLOCK_MIN_LINES: Final = 4
_MENU_BLOCK_ITEM_MAX_LEN: Final = 6

# Pattern checked on lines that are not prose, in order, and the kind it gives.
_WEAK_CHECKS: Final[tuple[tuple[str, LineKind], ...]] = (
    ("bp_nav", "nav"),
    ("bp_counter", "counter"),
    ("bp_file", "file"),
    ("bp_url", "url"),
    ("bp_date_line", "date"),
    ("bp_widget", "widget"),
    ("bp_footer_weak", "footer"),
    ("bp_source_weak", "source"),
)


@functools.cache
def _widget_tokens() -> frozenset[str]:
    return frozenset(get_patterns().words("bp_widget_tokens"))


def is_prose(text: str) -> bool:
    """Does the line read like article prose (a sentence, or a long clause list)?"""
    if plain("bp_full_stop") in text:
        return True
    if len(text) >= _EXCLAIM_MIN_LEN and regex("bp_sentence_end").search(text):
        return True
    return len(text) >= _PROSE_MIN_LEN and bool(regex("bp_clause_mark").search(text))


def needs_visual(text: str) -> bool:
    """Does the kind of the line depend on how the page showed it (its visual form, with
    spaces where the page separated characters)? Only for a line that is not prose (a menu
    row is told by its items), or one that starts like a date (a related-article teaser, as
    ``bp_teaser`` reads it: every match starts with "19" or "20")."""
    return text.startswith(("19", "20")) or not is_prose(text)


def menu_items(visual: str) -> list[str]:
    """The items of a line as the page showed it, split at spaces and bars."""
    bullet = regex("bp_bullet")
    items = (bullet.sub("", item) for item in regex("bp_menu_separator").split(visual))
    return [item for item in items if item]


def _is_menu(visual: str) -> bool:
    items = menu_items(visual)
    if not items:
        return False
    tokens = _widget_tokens()
    if all(item.strip("[]【】") in tokens for item in items):
        return True
    if regex("bp_bullet").match(visual) and len(items) == 1:
        return len(items[0]) <= _BULLET_ITEM_MAX_LEN
    if regex("bp_digit").search(visual):
        return False
    return len(items) >= _MENU_MIN_ITEMS and all(len(i) <= _MENU_ITEM_MAX_LEN for i in items)


def _is_related_heading(text: str) -> bool:
    return len(text) <= _HEADING_MAX_LEN and bool(regex("bp_related_heading").match(text))


def _is_strong_footer(text: str) -> bool:
    if len(text) > _FOOTER_MAX_LEN:  # a long line only when it starts with one: no scan
        return bool(
            regex("bp_footer_strong").match(text) or regex("bp_footer_strong_latin").match(text)
        )
    if regex("bp_footer_strong").search(text):
        return True  # whatever the Latin phrases say
    # The Latin phrases (a slower, case-insensitive pattern) only where a letter could start one.
    if not regex("bp_footer_strong_latin_hint").search(text):
        return False
    return regex("bp_footer_strong_latin").search(text) is not None


def classify_line(text: str, visual: str | None = None) -> LineKind:
    """The kind of one line on its own (no related-article region).

    ``visual`` is the line as the page showed it, with spaces between items
    (:meth:`NormalizedText.visual_text`); it defaults to ``text``.
    """
    return _classify(text, text if visual is None else visual)[0]


def _classify(text: str, shown: str) -> tuple[LineKind, bool]:
    """:func:`classify_line`, and whether the line is prose (known only for a body line)."""
    if _is_related_heading(text):
        return "related", False
    if _is_strong_footer(text):
        return "footer", False
    if regex("bp_source_strong").search(text):
        return "source", False
    if regex("bp_teaser").match(shown):
        return "teaser", False
    if is_prose(text):
        return "body", True
    for name, kind in _WEAK_CHECKS:
        if kind == "date" and len(text) > _DATE_LINE_MAX_LEN:
            continue
        if regex(name).search(text):
            return kind, False
    if _is_menu(shown):
        return "menu", False
    return "body", False


def classify_lines(texts: Sequence[str], visual: Sequence[str] | None = None) -> list[LineKind]:
    """The kind of every line of a page, in order (see the module docstring)."""
    shown = texts if visual is None else visual
    if len(shown) != len(texts):
        raise ValueError("texts and visual must have the same number of lines")
    kinds: list[LineKind] = []
    in_related = False
    seen_article = False
    for text, line_visual in zip(texts, shown, strict=True):
        if in_related:
            kinds.append("related")
            continue
        kind, prose = _classify(text, line_visual)
        if kind == "related":
            if seen_article:
                in_related = True
            else:
                kind = "nav"
        elif prose and len(text) >= _ARTICLE_MIN_LEN:
            seen_article = True
        kinds.append(kind)
    _mark_menu_blocks(texts, kinds)
    return kinds


def _is_tiny(text: str) -> bool:
    return len(text) <= _MENU_BLOCK_ITEM_MAX_LEN and not regex("bp_any_punct").search(text)


def _mark_menu_blocks(texts: Sequence[str], kinds: list[LineKind]) -> None:
    """Mark runs of tiny lines (a menu written one item per line) as ``"menu"``."""
    run_start = 0
    for i in range(len(texts) + 1):
        if i < len(texts) and kinds[i] != "related" and _is_tiny(texts[i]):
            continue
        if i - run_start >= _MENU_BLOCK_MIN_LINES:
            for j in range(run_start, i):
                if kinds[j] == "body":
                    kinds[j] = "menu"
        run_start = i + 1


def boilerplate_flags(texts: Sequence[str], visual: Sequence[str] | None = None) -> list[bool]:
    """For every line: is it boilerplate?"""
    return [kind != "body" for kind in classify_lines(texts, visual)]
