"""Normalization with an offset map back to the original input.

:func:`normalize` cleans a decoded page for the recognizers: HTML removed,
inline pinyin annotations dropped (``濟(jì)源`` -> ``济源``), doubled
punctuation collapsed, full-width digits and letters made half-width, the
digits of every script ASCII, traditional characters converted to simplified,
whitespace tidied, blank lines dropped, and every line labelled body or
boilerplate.

Every character of the normalized text comes from exactly one stretch of the
original (usually one character; a whole ``&amp;`` or ``<br>`` for the
character it became), kept in two index arrays, so that
:meth:`NormalizedText.to_original` turns any span of the normalized text into
the span of the original that produced it. Each step first checks, with a
search for the characters it works on, whether it has anything to do.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, NamedTuple

from xiangmu_extract.boilerplate import LineKind, classify_lines, needs_visual
from xiangmu_extract.patterns import (
    alternation,
    character_class,
    compiled,
    get_patterns,
    regex,
)

# A replacement piece: (character, first, last) where first..last (half-open)
# are positions in the text being rewritten whose original span it takes.
_Piece = tuple[str, int, int]
# An edit: replace text[start:end] by the pieces.
_Edit = tuple[int, int, Sequence[_Piece]]

# Lines longer than this are never menus or widgets: no need for their visual form (nor for a
# line of prose, see boilerplate.needs_visual).
_VISUAL_MAX_LEN: Final = 200
# Offset arrays of texts up to this long are copied from a cached count (see _count).
_COUNT_CACHE_MAX: Final = 1 << 20
# The shortest cached count: each is made once per process, at about 70 ns a position (4,096:
# 0.3 ms; 65,536, the shortest before: 4.6 ms of a cold `extract` of a page).
_COUNT_CACHE_MIN: Final = 1 << 12


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class Line:
    """A line of the normalized text; ``end`` excludes the newline.

    ``kind`` says why a boilerplate line is boilerplate (navigation, widget,
    footer, related article …); it is ``"body"`` otherwise.
    """

    start: int
    end: int
    boilerplate: bool
    kind: LineKind = "body"

    def __init__(self, start: int, end: int, boilerplate: bool, kind: LineKind = "body") -> None:
        self.start = start
        self.end = end
        self.boilerplate = boilerplate
        self.kind = kind


@dataclass(frozen=True)
class NormalizedText:
    """The normalized text, its lines, and the map back to the original."""

    original: str
    text: str
    lines: tuple[Line, ...]
    # Original span of each normalized character; None means text == original.
    starts: array[int] | None = field(default=None, repr=False, compare=False)
    ends: array[int] | None = field(default=None, repr=False, compare=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The half-open span of ``original`` that produced ``text[start:end]``.

        An empty span maps to an empty span at the original position of the
        character it precedes (or just after the last character at the end).
        """
        size = len(self.text)
        if not 0 <= start <= end <= size:
            raise ValueError(f"span ({start}, {end}) is not inside 0..{size}")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:
            if start < size:
                return self.starts[start], self.starts[start]
            point = self.ends[size - 1] if size else 0
            return point, point
        return self.starts[start], self.ends[end - 1]

    def body_lines(self) -> list[Line]:
        """The lines that are not boilerplate."""
        return [line for line in self.lines if not line.boilerplate]

    def line_text(self, line: Line) -> str:
        """The normalized text of ``line``."""
        return self.text[line.start : line.end]

    def visual_text(self, start: int, end: int, *, tags: bool = True) -> str:
        """``text[start:end]`` with one space wherever the page separated two
        characters by whitespace, or by a tag when ``tags`` is true (spaces
        between Chinese characters are removed by normalization; menus and
        headlines need them back)."""
        piece = self.text[start:end]
        starts, ends = self.starts, self.ends
        if starts is None or ends is None or end - start < 2:
            return piece
        if ends[start : end - 1] == starts[start + 1 : end]:
            return piece
        gap = regex("norm_visual_gap" if tags else "norm_space_gap")
        parts: list[str] = []
        segment = start
        # Rather than look between every two characters: each gap character of the original
        # that no character came from lies between characters i and i + 1 (found by bisection).
        for match in gap.finditer(self.original, starts[start], ends[end - 1]):
            i = bisect.bisect_right(starts, match.start(), start, end) - 1
            if ends[i] <= match.start() and i + 1 > segment:
                parts.append(self.text[segment : i + 1])
                segment = i + 1
        parts.append(self.text[segment:end])
        return " ".join(parts)


@dataclass(slots=True)
class _Buffer:
    """Text being normalized, with the original span of each character."""

    text: str
    starts: array[int]
    ends: array[int]

    @classmethod
    def of(cls, original: str) -> _Buffer:
        size = len(original)
        return cls(original, _count(0, size), _count(1, size + 1))

    def apply(self, edits: Sequence[_Edit]) -> None:
        """Apply non-overlapping edits, given left to right."""
        if not edits:
            return
        text, starts, ends = self.text, self.starts, self.ends
        pieces: list[str] = []
        new_starts: array[int] = array("l")
        new_ends: array[int] = array("l")
        pos = 0
        for begin, finish, replacement in edits:
            pieces.append(text[pos:begin])
            new_starts += starts[pos:begin]
            new_ends += ends[pos:begin]
            for char, first, last in replacement:
                pieces.append(char)
                new_starts.append(starts[first])
                new_ends.append(ends[last - 1])
            pos = finish
        pieces.append(text[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        self.text = "".join(pieces)
        self.starts, self.ends = new_starts, new_ends

    def rewrite(
        self, regex: re.Pattern[str], edit: Callable[[re.Match[str]], Sequence[_Piece] | None]
    ) -> None:
        """Replace every match for which ``edit`` returns pieces (None: keep it)."""
        edits: list[_Edit] = []
        for match in regex.finditer(self.text):
            replacement = edit(match)
            if replacement is not None:
                edits.append((match.start(), match.end(), replacement))
        self.apply(edits)


@functools.cache
def _count_bytes(capacity: int) -> bytes:
    """The machine bytes of ``array("l", range(capacity))`` (bytes: cached, never changed)."""
    return array("l", range(capacity)).tobytes()


def _count(begin: int, end: int) -> array[int]:
    """``array("l", range(begin, end))``, copied from a cached count when it is not too long:
    copying memory is a hundred times faster than making a number for every position."""
    numbers: array[int] = array("l")
    if end > _COUNT_CACHE_MAX:
        numbers.extend(range(begin, end))
        return numbers
    capacity = max(_COUNT_CACHE_MIN, 1 << end.bit_length())  # one cached count per power of two
    size = numbers.itemsize
    numbers.frombytes(memoryview(_count_bytes(capacity))[begin * size : end * size])
    return numbers


# -- 1. line breaks and HTML ------------------------------------------------


def _normalize_line_breaks(buf: _Buffer) -> None:
    if "\r" in buf.text:
        buf.rewrite(regex("norm_carriage_return"), lambda m: [("\n", m.start(), m.end())])
    if regex("norm_other_line_break").search(buf.text):
        buf.text = regex("norm_other_line_break").sub("\n", buf.text)


@functools.cache
def _html_tag_kinds() -> tuple[frozenset[str], frozenset[str]]:
    words = get_patterns().words
    return frozenset(words("norm_html_block_tags")), frozenset(words("norm_html_cell_tags"))


def _entity_pieces(match: re.Match[str]) -> list[_Piece] | None:
    reference = match.group()
    decoded = html.unescape(reference)
    if decoded == reference:
        return None
    return [(char, match.start(), match.end()) for char in decoded]


def _html_pieces(match: re.Match[str]) -> list[_Piece] | None:
    if match.group("drop") is not None:
        return []
    if match.group("tag") is not None:
        block, cell = _html_tag_kinds()
        name = (match.group("name") or "").lower()
        if name in block:
            return [("\n", match.start(), match.end())]
        if name in cell:
            return [(" ", match.start(), match.end())]
        return []
    return _entity_pieces(match)


def _strip_html(buf: _Buffer) -> None:
    if regex("norm_html_hint").search(buf.text):
        # In HTML a newline in the source is just a space; lines come from tags.
        buf.text = buf.text.replace("\n", " ")
        buf.rewrite(regex("norm_html_token"), _html_pieces)
    elif "&" in buf.text:
        buf.rewrite(regex("norm_entity"), _entity_pieces)


# -- 2.-4. characters -------------------------------------------------------


@functools.cache
def _halfwidth_table() -> dict[int, int]:
    table = {0xFF10 + i: 0x30 + i for i in range(10)}
    table.update({0xFF21 + i: 0x41 + i for i in range(26)})
    table.update({0xFF41 + i: 0x61 + i for i in range(26)})
    table[0xFF05] = 0x25  # ％
    table[0xFF0E] = 0x2E  # ． (only ever matched between digits)
    return table


def _to_halfwidth(buf: _Buffer) -> None:
    """Full-width digits, letters and percent half-width; every decimal digit ASCII."""
    first = regex("norm_width_hint").search(buf.text)
    if first is None:
        return  # the usual page: nothing to change, one scan
    # The full pattern (a lookbehind in one branch) tries every position: first a quick look,
    # from the first hit (nothing before it is to change), as the look for digits below.
    if regex("norm_fullwidth_hint").search(buf.text, first.start()):
        table = _halfwidth_table()
        buf.text = regex("norm_fullwidth").sub(lambda m: m.group().translate(table), buf.text)
    # Then the digits of other scripts (after the full-width point, which only turns "."
    # between full-width or ASCII digits).
    buf.text = ascii_digits(buf.text, first.start())


def ascii_digits(text: str, pos: int = 0) -> str:
    """``text`` with every decimal digit ASCII ("٣" -> "3", "𝟑" -> "3"): the same length,
    character i from character i. A quick look first (from ``pos``, when the caller knows
    there is none before), as the pattern that finds a digit that is not ASCII is tried at
    every position."""
    if regex("norm_width_hint").search(text, pos):
        return regex("norm_other_digit").sub(_ascii_digit, text)
    return text


def _ascii_digit(match: re.Match[str]) -> str:
    import unicodedata

    return str(unicodedata.decimal(match.group()))


def _drop_pinyin(buf: _Buffer) -> None:
    # An annotation has a tone-marked vowel: none on the usual page, one scan. (The pattern
    # starts with the bracket, which the regex engine skips to; the annotated character is
    # checked behind it.)
    text = buf.text
    vowel = regex("norm_pinyin_hint").search(text)
    if vowel is None:
        return
    line_start = text.rfind("\n", 0, vowel.start()) + 1
    annotation = regex("norm_pinyin")
    buf.apply([(m.start(), m.end(), ()) for m in annotation.finditer(text, line_start)])


def _tidy_spaces(buf: _Buffer) -> None:
    """Drop a run of spaces at either end of a line, next to a wide character (unless a
    Latin letter is on the other side), or of zero-width characters only; make any other
    run one space."""
    text = buf.text
    wide, latin = regex("norm_wide_char"), regex("norm_latin_char")
    real_space = regex("norm_real_space")
    edits: list[_Edit] = []
    for run in regex("norm_space_run").finditer(text):
        begin, finish = run.span()
        if begin == 0 or finish == len(text):
            edits.append((begin, finish, ()))
            continue
        left, right = text[begin - 1], text[finish]
        if (
            left == "\n"
            or right == "\n"
            or (
                (wide.match(left) or wide.match(right))
                and not (latin.match(left) or latin.match(right))
            )
            or not real_space.search(text, begin, finish)
        ):
            edits.append((begin, finish, ()))
        elif finish - begin > 1 or text[begin] != " ":
            edits.append((begin, finish, ((" ", begin, begin + 1),)))
    buf.apply(edits)


def _collapse_punctuation(buf: _Buffer) -> None:
    """A run of punctuation (not an ellipsis of dots) becomes its last mark that is not a
    comma (its first mark when all are commas)."""
    text = buf.text
    dots, comma = regex("norm_ellipsis_dots"), regex("norm_comma")
    edits: list[_Edit] = []
    for run in regex("norm_punct_run").finditer(text):
        begin, finish = run.span()
        if dots.fullmatch(text, begin, finish):
            continue
        keep = finish - 1
        while keep > begin and comma.match(text, keep):
            keep -= 1
        edits.append((begin, finish, ((text[keep], keep, keep + 1),)))
    buf.apply(edits)


# -- 5. traditional -> simplified -----------------------------------------


@functools.cache
def _opencc_t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


class _T2STables(NamedTuple):
    """OpenCC's t2s as a character table, and where the table is not enough."""

    table: dict[int, str]
    # the same below U+10000 as a list indexed by code point (a character past its end stays
    # as it is): str.translate looks a character up in a list twice as fast as in a dict
    bmp: list[int | str]
    # and the rest of the table: the characters beyond U+FFFF
    astral: dict[int, str]
    # the phrases where t2s is not the table's character-by-character result
    exceptions: re.Pattern[str]
    # one of the characters that those phrases convert otherwise than the table: a line
    # without one has no exception (a quick check, many times faster than the phrases)
    exception_char: re.Pattern[str]


@functools.cache
def _t2s_tables() -> _T2STables:
    """The t2s tables (乾坤 stays 乾坤, 瞭解 -> 了解), read from OpenCC's own dictionaries,
    so that the two always agree."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"

    def entries(name: str) -> Iterator[tuple[str, str]]:
        with (folder / name).open(encoding="utf-8") as f:
            for line in f:
                key, _, values = line.rstrip("\n").partition("\t")
                yield key, values.split(" ")[0]

    table = {ord(k): v for k, v in entries("TSCharacters.txt") if len(k) == 1}
    exceptions = [(k, v) for k, v in entries("TSPhrases.txt") if k.translate(table) != v]
    chars: set[str] = set()
    for phrase, converted in exceptions:
        by_table = phrase.translate(table)
        if len(by_table) != len(converted):
            chars.update(phrase)
        else:
            chars.update(c for c, t, o in zip(phrase, by_table, converted, strict=True) if t != o)
    bmp: list[int | str] = list(range(max(k for k in table if k <= 0xFFFF) + 1))
    for k, v in table.items():
        if k <= 0xFFFF:
            bmp[k] = ord(v) if len(v) == 1 else v
    return _T2STables(
        table,
        bmp,
        {k: v for k, v in table.items() if k > 0xFFFF},
        re.compile(alternation(k for k, _ in exceptions)),
        re.compile(character_class(chars)),
    )


def _t2s(text: str) -> str:
    """OpenCC t2s: ``str.translate`` unless the text has a phrase the table gets wrong."""
    tables = _t2s_tables()
    if tables.exception_char.search(text) and tables.exceptions.search(text):
        return str(_opencc_t2s().convert(text))
    converted = text.translate(tables.bmp)
    if regex("norm_astral_char").search(converted):
        converted = converted.translate(tables.astral)
    return converted


@functools.cache
def _traditional_chars() -> frozenset[str]:
    return frozenset(get_patterns().words("norm_traditional_chars"))


@functools.cache
def _bmp_traditional_char() -> re.Pattern[str]:
    """One of the traditional characters below U+10000: a regex search finds it ten
    times faster than a set lookup of every character. (The few astral ones stay out:
    Python's regex engine compares a character with a class's astral members one by one.)"""
    return compiled(_bmp_traditional_class())


@functools.cache
def _bmp_traditional_class() -> str:
    """The class of the traditional characters below U+10000 (also in :func:`_rare_char`)."""
    return character_class(c for c in _traditional_chars() if c <= "\uffff")


def _has_traditional(text: str) -> bool:
    """Does ``text`` have one of the characters of lexicon norm_traditional_chars?"""
    if _bmp_traditional_char().search(text):
        return True
    has_astral = regex("norm_astral_char").search(text) is not None
    return has_astral and not _traditional_chars().isdisjoint(text)


def _convert_traditional(buf: _Buffer) -> None:
    """Convert every line that has a traditional character.

    A conversion that keeps the length keeps the offsets; a line whose length
    changes is converted again character by character, with offsets.
    """
    if not _has_traditional(buf.text):
        return
    out: list[str] = []
    uneven: list[tuple[int, int]] = []
    pos = 0
    for line in buf.text.split("\n"):
        converted = _t2s(line) if _has_traditional(line) else line
        if len(converted) != len(line):
            uneven.append((pos, pos + len(line)))
            converted = line
        out.append(converted)
        pos += len(line) + 1
    buf.text = "\n".join(out)
    if uneven:
        buf.apply(_per_char_edits(buf.text, uneven))


def _per_char_edits(text: str, ranges: list[tuple[int, int]]) -> list[_Edit]:
    edits: list[_Edit] = []
    for begin, finish in ranges:
        for i in range(begin, finish):
            converted = _t2s(text[i])
            if converted != text[i]:
                edits.append((i, i + 1, [(char, i, i + 1) for char in converted]))
    return edits


# -- 6. lines -----------------------------------------------------------------


def _drop_blank_lines(buf: _Buffer) -> list[str]:
    """Drop the empty lines (line breaks at either end, and all but the first of a run of
    them); the lines that remain."""
    text = buf.text
    lines: list[str] = []
    edits: list[_Edit] = []
    pos = 0  # where the current line starts
    kept_end = -1  # where the last line kept ends (its line break stays), -1 before the first
    for line in text.split("\n"):
        if line:
            if kept_end < 0 and pos > 0:
                edits.append((0, pos, ()))
            elif kept_end >= 0 and pos - kept_end > 1:
                edits.append((kept_end + 1, pos, ()))
            lines.append(line)
            kept_end = pos + len(line)
        pos += len(line) + 1
    if kept_end < 0:
        kept_end = 0  # no line: every line break goes
    if kept_end < len(text):
        edits.append((kept_end, len(text), ()))
    buf.apply(edits)
    return lines


# The classes of the characters the rare steps work on (see _rare_char).
_RARE_STEP_CLASSES: Final = (
    "norm_other_line_break",
    "norm_width_hint",
    "norm_tone_vowel",
    "norm_astral_char",
)


@functools.cache
def _rare_char() -> re.Pattern[str]:
    """A character one of the rare steps works on: a line break other than LF, what starts a
    tag or a character reference, a full-width letter or digit, a digit that is not ASCII, a
    tone-marked vowel, a traditional character, a character beyond U+FFFF. Most pages have
    none: one scan instead of one per step. (An alternation of classes, which the regex
    engine merges into one class, and so skips through the text.)"""
    classes = [
        "[\\r<&]",
        *(get_patterns().source(name) for name in _RARE_STEP_CLASSES),
        _bmp_traditional_class(),
    ]
    return compiled("|".join(classes))


def built_regexes() -> list[re.Pattern[str]]:
    """The regexes this module builds from the pattern data (see patterns.compiled)."""
    return [_rare_char(), _bmp_traditional_char()]


def normalize(original: str) -> NormalizedText:
    """Normalize ``original`` and label its lines.

    Steps, in order: line breaks (CR LF and CR become LF); HTML (only when the
    input looks like HTML; character references always); full-width digits and
    letters, and the digits of other scripts; pinyin annotations; whitespace;
    doubled punctuation (after whitespace, so that ", ," collapses too);
    traditional -> simplified; blank lines. Then every line gets its boilerplate kind.
    The steps but whitespace, punctuation and blank lines run only on a page with a character
    they work on (:func:`_rare_char`).
    """
    buf = _Buffer.of(original)
    rare = _rare_char().search(original) is not None
    if rare:
        _normalize_line_breaks(buf)
        _strip_html(buf)
        _to_halfwidth(buf)
        _drop_pinyin(buf)
    _tidy_spaces(buf)
    _collapse_punctuation(buf)
    if rare:
        _convert_traditional(buf)
    texts = _drop_blank_lines(buf)
    unlabelled = NormalizedText(original, buf.text, (), buf.starts, buf.ends)
    spans: list[tuple[int, int]] = []
    visual: list[str] = []
    start = 0
    for text in texts:
        end = start + len(text)
        spans.append((start, end))
        shown = len(text) <= _VISUAL_MAX_LEN and needs_visual(text)
        visual.append(unlabelled.visual_text(start, end) if shown else text)
        start = end + 1
    kinds = classify_lines(texts, visual)
    lines = tuple(
        Line(start, end, kind != "body", kind)
        for (start, end), kind in zip(spans, kinds, strict=True)
    )
    return NormalizedText(original, buf.text, lines, buf.starts, buf.ends)
