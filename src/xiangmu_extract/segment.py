"""Word segmentation for phrase boundaries: jieba's algorithm over the project's own lexicons.

jieba's full dictionary takes half a second to load; the recognizers only need to know
where a project name, a company or a place starts, so the dictionary is built from the
words in ``patterns/`` that matter for that (boundary words, suffixes, place names, the
generated ``seg_protected`` list of ordinary words that contain a boundary character).
Characters outside the dictionary come out one per token, which is what the left-boundary
scans expect.

The segmentation is jieba's ``Tokenizer.cut(text, HMM=False)``: blocks of Han characters and
letters/digits, in each block the route through the DAG of dictionary words with the
highest probability (every word weighing the same), runs of single letters and digits kept
together. It is computed here with less work than jieba's: the dictionary words of a text
are found with one table lookup per character (a hash of the two characters a word starts
with, no string made), the dictionary looked up only where that table says; where a
single word starts, the route takes it, and the routes are scored (jieba's calc, the same
float additions) only from where several words start to the end of the block.
``tests/test_segment.py`` checks that the tokens are jieba's.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from math import inf, log
from typing import Final, NamedTuple

from xiangmu_extract.patterns import get_patterns

# Lists whose entries become dictionary words of the segmenter.
SEGMENT_LISTS: Final = (
    "seg_protected",
    "place_admin",
    "name_stop_words",
    "name_strong_suffixes",
    "name_weak_suffixes",
    "name_type_words",
    "name_generic_words",
    "name_not_after",
    "name_reference_openers",
    "name_aggregate_openers",
    "name_not_project_works",
    "org_suffixes",
    "place_suffixes",
)
WORD_FREQUENCY: Final = 1000  # what the DAG weighs each dictionary word with (jieba's FREQ)
# The two characters a dictionary word starts with, as bits of a table indexed by a hash of
# their code points: a filter tried at every character before the string slice and the
# dictionary lookup, which only about one place in six passes.
PAIR_TABLE_BITS: Final = 20
_PAIR_MASK: Final = (1 << PAIR_TABLE_BITS) - 1
_PAIR_FACTOR: Final = 40503

# jieba's blocks (jieba.re_han_default): a dictionary word is inside one.
_BLOCK: Final = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%-]+")
# Outside dictionary words every character is a token, except runs of ASCII letters and
# digits (jieba's re_eng, kept together) and "\r\n" (jieba's re_skip_default): _between.

Span = tuple[int, int]  # start, end


class Token(NamedTuple):
    text: str
    start: int
    end: int


@dataclass(init=False, slots=True)  # __init__ of its own: compiled (see README)
class Tokens:
    """The words of a text and where they are: ``words[i]`` spans ``bounds[i]:bounds[i + 1]``
    of the text segmented, and ``start(i)``:``end(i)`` once shifted by ``offset``.

    Two parallel sequences rather than an object per word: the recognizers look at every
    word of every sentence, and mostly only at its text. The bounds are kept unshifted: a
    sentence's offsets are small numbers, which Python does not allocate (a shifted one
    would be a new int for every word).
    """

    words: tuple[str, ...]
    bounds: tuple[int, ...]  # len(words) + 1 offsets into the text segmented
    offset: int = 0

    def __init__(self, words: tuple[str, ...], bounds: tuple[int, ...], offset: int = 0) -> None:
        self.words = words
        self.bounds = bounds
        self.offset = offset

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[Token]:
        starts = [self.offset + b for b in self.bounds]
        return map(Token, self.words, starts, starts[1:])

    def start(self, i: int) -> int:
        return self.offset + self.bounds[i]

    def end(self, i: int) -> int:
        return self.offset + self.bounds[i + 1]


@dataclass(frozen=True)
class Dictionary:
    """jieba's prefix dictionary: every word with its frequency, every proper prefix of a
    word with 0; and the log-probabilities of a word and of a character outside it.

    Only words of two characters or more are taken. A word with a character outside jieba's
    blocks (Han characters, ASCII letters and digits, ``+#&._%-``) could never be found:
    ``of`` refuses it, and the words are looked for across the blocks of a text.
    """

    freq: dict[str, int]
    word_score: float
    char_score: float
    pairs: bytes  # pairs[pair_hash(a, b)] == 1 for the first two characters of every word

    @classmethod
    def of(cls, words: set[str]) -> Dictionary:
        if not _BLOCK.fullmatch("".join(words)):  # one regex pass over all the words
            unfindable = sorted(w for w in words if not _BLOCK.fullmatch(w))
            raise ValueError(f"words with a character outside jieba's blocks: {unfindable}")
        freq = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), 0)
        freq.update(dict.fromkeys(words, WORD_FREQUENCY))
        log_total = log(WORD_FREQUENCY * len(words))
        pairs = bytearray(_PAIR_MASK + 1)
        for w in words:
            pairs[pair_hash(ord(w[0]), ord(w[1]))] = 1
        # the same float expressions as jieba's Tokenizer.calc, so ties break the same way
        return cls(freq, log(WORD_FREQUENCY) - log_total, log(1) - log_total, bytes(pairs))


def pair_hash(first: int, second: int) -> int:
    """The slot of two code points in :attr:`Dictionary.pairs`."""
    return (first * _PAIR_FACTOR ^ second) & _PAIR_MASK


@functools.cache
def dictionary() -> Dictionary:
    pats = get_patterns()
    words: set[str] = set()
    for name in SEGMENT_LISTS:
        words.update(w for w in pats.words(name) if len(w) > 1)
    return Dictionary.of(words)


def cut(text: str, d: Dictionary | None = None) -> list[str]:
    """The words of ``text``, as ``jieba.Tokenizer.cut(text, HMM=False)`` gives them."""
    d = d or dictionary()
    return _tokens(text, _route(text, _dictionary_words(text, d), d))[0]


def _dictionary_words(text: str, d: Dictionary) -> list[Span]:
    """Every dictionary word in ``text`` (the edges of jieba's DAG), by start then end."""
    freq, pairs = d.freq, d.pairs
    found: list[Span] = []
    n = len(text)
    if n < 2:
        return found
    first = ord(text[0])
    for start in range(n - 1):
        second = ord(text[start + 1])
        # a word starts with two characters that are a key of the prefix dictionary
        if pairs[(first * _PAIR_FACTOR ^ second) & _PAIR_MASK]:  # pair_hash, inlined
            end = start + 2
            weight = freq.get(text[start:end])
            while weight is not None:  # a prefix: a longer word may start here
                if weight:
                    found.append((start, end))
                end += 1
                weight = freq.get(text[start:end]) if end <= n else None
        first = second
    return found


def _route(text: str, found: list[Span], d: Dictionary) -> list[Span]:
    """The words of ``found`` on jieba's route: where a single word starts, the route takes
    it; where several do, the best route to the end of the block chooses."""
    route: list[Span] = []
    done = 0  # the route has reached done
    for k, word in enumerate(found):
        start = word[0]
        if start < done:  # inside a word of the route, or in a block already routed
            continue
        if k + 1 < len(found) and found[k + 1][0] == start:
            block = _BLOCK.match(text, start)
            assert block is not None  # a word is inside a block
            done = block.end()
            route += _best_route(found[k : bisect_left(found, (done,), k)], done, d)
        else:
            route.append(word)
            done = word[1]
    return route


def _best_route(words: list[Span], end: int, d: Dictionary) -> list[Span]:
    """jieba's calc: the route of the highest score through ``words``, from the start of the
    first to ``end``, the end of their block. Scored backward from ``end`` with the float
    additions of jieba's, so that ties break the same way."""
    word_score, char_score = d.word_score, d.char_score
    ends: dict[int, list[int]] = {}  # ends[i]: the ends of the words starting at i
    for i, stop in words:
        ends.setdefault(i, []).append(stop)
    score = [0.0] * (end + 1)  # score[i]: the best route from i to end
    word_end: dict[int, int] = {}  # the end of the word the best route takes at i
    scored = end  # score[scored:] is known
    for i in reversed(list(ends)):
        for k in range(scored - 1, i, -1):  # no word starts at k: a character of its own
            score[k] = char_score + score[k + 1]
        best = -inf
        for stop in ends[i]:
            s = word_score + score[stop]
            if s >= best:  # ties: the longer word, as jieba's max()
                best, word_end[i] = s, stop
        score[i] = best
        scored = i
    route: list[Span] = []
    done = 0
    for i in ends:
        if i >= done:
            done = word_end[i]
            route.append((i, done))
    return route


def _tokens(text: str, route: list[Span]) -> tuple[list[str], list[int]]:
    """The words of ``route`` and, between them, the single characters, runs of ASCII
    letters and digits and "\\r\\n" kept together; and the bounds of the words
    (``len(words) + 1`` offsets)."""
    words: list[str] = []
    bounds: list[int] = []
    done = 0
    for start, end in route:
        _between(text, done, start, words, bounds)
        words.append(text[start:end])
        bounds.append(start)
        done = end
    _between(text, done, len(text), words, bounds)
    bounds.append(len(text))
    return words, bounds


def _between(text: str, begin: int, end: int, words: list[str], bounds: list[int]) -> None:
    """The tokens of ``text[begin:end]``, outside dictionary words (jieba's re_eng and
    re_skip: a run of ASCII letters and digits, "\\r\\n", else one character)."""
    i = begin
    while i < end:
        j = i + 1
        c = ord(text[i])
        if _is_ascii_alnum(c):
            while j < end and _is_ascii_alnum(ord(text[j])):
                j += 1
        elif c == 13 and j < end and text[j] == "\n":
            j += 1
        words.append(_char(c) if j == i + 1 and c < 0x10000 else text[i:j])
        bounds.append(i)
        i = j


# One string per character below U+10000, made the first time the character is a token of its
# own and shared after: no new string for every such token, and its hash computed once (the
# names look every token up in sets). A list indexed by code point: no boxed int to look up.
_CHARS: Final[list[str | None]] = [None] * 0x10000


def _char(c: int) -> str:
    s = _CHARS[c]
    if s is None:
        s = _CHARS[c] = chr(c)
    return s


def _is_ascii_alnum(c: int) -> bool:
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122


@functools.lru_cache(maxsize=64)
def tokenize(text: str, offset: int = 0) -> Tokens:
    """Segment ``text``; token offsets are shifted by ``offset``.

    Cached: names, companies and places segment the same sentence.
    """
    d = dictionary()
    words, bounds = _tokens(text, _route(text, _dictionary_words(text, d), d))
    return Tokens(tuple(words), tuple(bounds), offset)
