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
together. It runs here in one tight loop per block rather than through jieba's generators:
2.4 times faster, and ``tests/test_segment.py`` checks that the tokens are jieba's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from math import log
from typing import NamedTuple

from xiangmu_extract.patterns import get_patterns

# Lists whose entries become dictionary words of the segmenter.
SEGMENT_LISTS = (
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
WORD_FREQUENCY = 1000  # what the DAG weighs each dictionary word with (jieba's FREQ)

# jieba's block and skip patterns (jieba.re_han_default, re_skip_default, re_eng).
_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&._%-]+)")
_SKIP = re.compile(r"(\r\n|\s)")


class Token(NamedTuple):
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a text and where they are: ``words[i]`` spans ``bounds[i]:bounds[i + 1]``.

    Two parallel sequences rather than an object per word: the recognizers look at every
    word of every sentence, and mostly only at its text.
    """

    words: tuple[str, ...]
    bounds: tuple[int, ...]  # len(words) + 1 offsets

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.words, self.bounds, self.bounds[1:])

    def start(self, i: int) -> int:
        return self.bounds[i]

    def end(self, i: int) -> int:
        return self.bounds[i + 1]


@dataclass(frozen=True)
class Dictionary:
    """jieba's prefix dictionary: every word with its frequency, every proper prefix of a
    word with 0; and the log-probabilities of a word and of a character outside it."""

    freq: dict[str, int]
    word_score: float
    char_score: float

    @classmethod
    def of(cls, words: set[str]) -> Dictionary:
        freq = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), 0)
        freq.update(dict.fromkeys(words, WORD_FREQUENCY))
        log_total = log(WORD_FREQUENCY * len(words))
        # the same float expressions as jieba's Tokenizer.calc, so ties break the same way
        return cls(freq, log(WORD_FREQUENCY) - log_total, log(1) - log_total)


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
    words: list[str] = []
    for block in _BLOCK.split(text):
        if not block:
            continue
        if _BLOCK.match(block):
            words.extend(_cut_block(block, d))
            continue
        for piece in _SKIP.split(block):
            if _SKIP.match(piece):
                words.append(piece)
            else:
                words.extend(piece)  # punctuation: one character a word
    return words


def _cut_block(block: str, d: Dictionary) -> list[str]:
    """The most probable route through the words of ``block`` (jieba's get_DAG and calc in
    one backward pass: the words starting at a position only depend on what follows)."""
    freq, word_score, char_score = d.freq, d.word_score, d.char_score
    n = len(block)
    score = [0.0] * (n + 1)
    last = list(range(n))  # last[i]: the last character of the word starting at i
    for i in range(n - 1, -1, -1):
        # every dictionary word has two characters or more, so the first candidate is
        # block[i : i + 2]; a position where no word starts is a character of its own
        best: float | None = None
        end = i + 2
        frag = block[i:end]
        while end <= n and frag in freq:
            if freq[frag]:
                s = word_score + score[end]
                if best is None or s >= best:  # ties: the longer word, as jieba's max()
                    best, last[i] = s, end - 1
            end += 1
            frag = block[i:end]
        score[i] = char_score + score[i + 1] if best is None else best
    words: list[str] = []
    run = ""  # single letters and digits stay together
    i = 0
    while i < n:
        j = last[i] + 1
        word = block[i:j]
        if j - i == 1 and word.isascii() and word.isalnum():
            run += word
        else:
            if run:
                words.append(run)
                run = ""
            words.append(word)
        i = j
    if run:
        words.append(run)
    return words


@functools.lru_cache(maxsize=64)
def tokenize(text: str, offset: int = 0) -> Tokens:
    """Segment ``text``; token offsets are shifted by ``offset``.

    Cached: names, companies and places segment the same sentence.
    """
    words = tuple(cut(text))
    return Tokens(words, tuple(accumulate(map(len, words), initial=offset)))
