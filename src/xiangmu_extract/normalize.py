"""Normalization with an offset map back to the original input.

:func:`normalize` cleans a decoded page for the recognizers: HTML removed,
inline pinyin annotations dropped (``濟(jì)源`` -> ``济源``), doubled
punctuation collapsed, full-width digits and letters made half-width,
traditional characters converted to simplified, whitespace tidied, blank lines
dropped, and every line labelled body or boilerplate.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xiangmu_extract.boilerplate import LineKind, classify_lines
from xiangmu_extract.patterns import alternation, get_patterns

# A replacement piece: (character, first, last) where first..last (half-open)
# are positions in the text being rewritten whose original span it takes.
_Piece = tuple[str, int, int]
# An edit: replace text[start:end] by the pieces.
_Edit = tuple[int, int, Sequence[_Piece]]

# Lines longer than this are never menus or widgets: no need for their visual form.
_VISUAL_MAX_LEN = 200
# Offset arrays of texts up to this long are copied from a cached count (see _count).
_COUNT_CACHE_MAX = 1 << 20


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the normalized text; ``end`` excludes the newline.

    ``kind`` says why a boilerplate line is boilerplate (navigation, widget,
    footer, related article …); it is ``"body"`` otherwise.
    """

    start: int
    end: int
    boilerplate: bool
    kind: LineKind = "body"


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
        gap = get_patterns().regex("norm_visual_gap" if tags else "norm_space_gap")
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

    def apply(self, edits: Iterable[_Edit]) -> None:
        """Apply non-overlapping edits, given left to right."""
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
        if not pieces:
            return
        pieces.append(text[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        self.text = "".join(pieces)
        self.starts, self.ends = new_starts, new_ends

    def rewrite(
        self, regex: re.Pattern[str], edit: Callable[[re.Match[str]], Sequence[_Piece] | None]
    ) -> None:
        """Replace every match for which ``edit`` returns pieces (None: keep it)."""

        def edits() -> Iterable[_Edit]:
            for match in regex.finditer(self.text):
                replacement = edit(match)
                if replacement is not None:
                    yield match.start(), match.end(), replacement

        self.apply(edits())


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
    capacity = max(1 << 16, 1 << end.bit_length())  # one cached count per power of two
    size = numbers.itemsize
    numbers.frombytes(memoryview(_count_bytes(capacity))[begin * size : end * size])
    return numbers


def _regex(name: str) -> re.Pattern[str]:
    return get_patterns().regex(name)


# -- 1. line breaks and HTML ------------------------------------------------


def _normalize_line_breaks(buf: _Buffer) -> None:
    if "\r" in buf.text:
        buf.rewrite(_regex("norm_carriage_return"), lambda m: [("\n", m.start(), m.end())])
    if _regex("norm_other_line_break").search(buf.text):
        buf.text = _regex("norm_other_line_break").sub("\n", buf.text)


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
    if _regex("norm_html_hint").search(buf.text):
        # In HTML a newline in the source is just a space; lines come from tags.
        buf.text = buf.text.replace("\n", " ")
        buf.rewrite(_regex("norm_html_token"), _html_pieces)
    elif "&" in buf.text:
        buf.rewrite(_regex("norm_entity"), _entity_pieces)


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
    # The full pattern (a lookbehind in one branch) tries every position: first a quick look.
    if _regex("norm_fullwidth_hint").search(buf.text):
        table = _halfwidth_table()
        buf.text = _regex("norm_fullwidth").sub(lambda m: m.group().translate(table), buf.text)


def _drop_pinyin(buf: _Buffer) -> None:
    # An annotation has a tone-marked vowel: without one, no need for the full pattern.
    if _regex("norm_pinyin_hint").search(buf.text):
        buf.rewrite(_regex("norm_pinyin"), lambda m: [])


def _space_pieces(match: re.Match[str]) -> list[_Piece] | None:
    text = match.string
    begin, finish = match.span()
    if not _regex("norm_real_space").search(match.group()):
        return []  # zero-width characters only
    if begin == 0 or finish == len(text):
        return []
    left, right = text[begin - 1], text[finish]
    if left == "\n" or right == "\n":
        return []
    wide = _regex("norm_wide_char")
    latin = _regex("norm_latin_char")
    if (wide.match(left) or wide.match(right)) and not (latin.match(left) or latin.match(right)):
        return []
    if match.group() == " ":
        return None
    return [(" ", begin, begin + 1)]


def _tidy_spaces(buf: _Buffer) -> None:
    buf.rewrite(_regex("norm_space_run"), _space_pieces)


def _punct_pieces(match: re.Match[str]) -> list[_Piece] | None:
    run = match.group()
    if _regex("norm_ellipsis_dots").fullmatch(run):
        return None
    comma = _regex("norm_comma")
    keep = next((i for i in range(len(run) - 1, -1, -1) if not comma.match(run[i])), 0)
    at = match.start() + keep
    return [(run[keep], at, at + 1)]


def _collapse_punctuation(buf: _Buffer) -> None:
    buf.rewrite(_regex("norm_punct_run"), _punct_pieces)


# -- 5. traditional -> simplified -----------------------------------------


@functools.cache
def _opencc_t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


@functools.cache
def _t2s_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """OpenCC's t2s as a character table, and the phrases where t2s is not the table's
    character-by-character result (乾坤 stays 乾坤, 瞭解 -> 了解): read from OpenCC's own
    dictionaries, so the two always agree."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"

    def entries(name: str) -> Iterator[tuple[str, str]]:
        with (folder / name).open(encoding="utf-8") as f:
            for line in f:
                key, _, values = line.rstrip("\n").partition("\t")
                yield key, values.split(" ")[0]

    table = {ord(k): v for k, v in entries("TSCharacters.txt") if len(k) == 1}
    exceptions = [k for k, v in entries("TSPhrases.txt") if k.translate(table) != v]
    return table, re.compile(alternation(exceptions))


def _t2s(text: str) -> str:
    """OpenCC t2s: ``str.translate`` unless the text has a phrase the table gets wrong."""
    table, exceptions = _t2s_tables()
    if exceptions.search(text):
        return str(_opencc_t2s().convert(text))
    return text.translate(table)


@functools.cache
def _traditional_chars() -> frozenset[str]:
    return frozenset(get_patterns().words("norm_traditional_chars"))


@functools.cache
def _bmp_traditional_char() -> re.Pattern[str]:
    """One of the traditional characters below U+10000: a regex search finds it ten
    times faster than a set lookup of every character. (The few astral ones stay out:
    Python's regex engine compares a character with a class's astral members one by one.)"""
    return re.compile(alternation(c for c in _traditional_chars() if c <= "\uffff"))


def _has_traditional(text: str) -> bool:
    """Does ``text`` have one of the characters of lexicon norm_traditional_chars?"""
    if _bmp_traditional_char().search(text):
        return True
    has_astral = _regex("norm_astral_char").search(text) is not None
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


def _per_char_edits(text: str, ranges: list[tuple[int, int]]) -> Iterable[_Edit]:
    for begin, finish in ranges:
        for i in range(begin, finish):
            converted = _t2s(text[i])
            if converted != text[i]:
                yield i, i + 1, [(char, i, i + 1) for char in converted]


# -- 6. lines -----------------------------------------------------------------


def _drop_blank_lines(buf: _Buffer) -> None:
    def pieces(match: re.Match[str]) -> list[_Piece] | None:
        begin, finish = match.span()
        if begin == 0 or finish == len(match.string):
            return []
        if finish - begin == 1:
            return None  # a line break between two lines
        return [("\n", begin, begin + 1)]

    buf.rewrite(_regex("norm_line_breaks"), pieces)


def _line_spans(text: str) -> list[tuple[int, int]]:
    if not text:
        return []
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def normalize(original: str) -> NormalizedText:
    """Normalize ``original`` and label its lines.

    Steps, in order: line breaks (CR LF and CR become LF); HTML (only when the
    input looks like HTML; character references always); full-width digits and
    letters; pinyin annotations; whitespace; doubled punctuation (after
    whitespace, so that ", ," collapses too); traditional -> simplified; blank
    lines. Then every line gets its boilerplate kind.
    """
    buf = _Buffer.of(original)
    _normalize_line_breaks(buf)
    _strip_html(buf)
    _to_halfwidth(buf)
    _drop_pinyin(buf)
    _tidy_spaces(buf)
    _collapse_punctuation(buf)
    _convert_traditional(buf)
    _drop_blank_lines(buf)
    unlabelled = NormalizedText(original, buf.text, (), buf.starts, buf.ends)
    spans = _line_spans(buf.text)
    texts = [buf.text[start:end] for start, end in spans]
    visual = [
        unlabelled.visual_text(start, end) if end - start <= _VISUAL_MAX_LEN else texts[i]
        for i, (start, end) in enumerate(spans)
    ]
    kinds = classify_lines(texts, visual)
    lines = tuple(
        Line(start, end, kind != "body", kind)
        for (start, end), kind in zip(spans, kinds, strict=True)
    )
    return NormalizedText(original, buf.text, lines, buf.starts, buf.ends)
