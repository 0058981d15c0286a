"""Word segmentation for phrase boundaries, with jieba and the project's own lexicons.

jieba's full dictionary takes half a second to load; the recognizers only need to know
where a project name, a company or a place starts, so the segmenter is built from the
words in ``patterns/`` that matter for that (boundary words, suffixes, place names, the
generated ``seg_protected`` list of ordinary words that contain a boundary character).
Characters outside the dictionary come out one per token, which is what the left-boundary
scans expect.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
    "org_suffixes",
    "place_suffixes",
)


WORD_FREQUENCY = 1000  # what the segmenter's DAG weighs each dictionary word with


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def _import_jieba() -> Any:
    """``import jieba``, without ``pkg_resources``: jieba imports it only to find its own data
    files (and opens them by path when it is missing), and importing it costs about 0.1 s of
    every cold start."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
    else:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # "not installed"
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    return jieba


@functools.cache
def _tokenizer() -> object:
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    pats = get_patterns()
    words: set[str] = set()
    for name in SEGMENT_LISTS:
        words.update(w for w in pats.words(name) if len(w) > 1)
    tok = jieba.Tokenizer()
    # jieba's prefix dictionary, built from our words in memory (what Tokenizer.gen_pfdict
    # does with a dictionary file): every word with the same frequency, every proper prefix
    # of a word with 0. No file, no cache, no download.
    freq = dict.fromkeys((w[:i] for w in words for i in range(1, len(w))), 0)
    freq.update(dict.fromkeys(words, WORD_FREQUENCY))
    tok.FREQ, tok.total = freq, WORD_FREQUENCY * len(words)
    tok.initialized = True
    return tok


@functools.lru_cache(maxsize=64)
def tokenize(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Segment ``text``; token offsets are shifted by ``offset``.

    Cached: names, companies and places segment the same sentence.
    """
    tokens = []
    pos = offset
    for word in _cut(text):
        end = pos + len(word)
        tokens.append(Token(word, pos, end))
        pos = end
    return tuple(tokens)


def _cut(text: str) -> Iterator[str]:
    tok = _tokenizer()
    cut = tok.cut  # type: ignore[attr-defined]
    yield from cut(text, HMM=False)
