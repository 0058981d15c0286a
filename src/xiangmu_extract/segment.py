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
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


@functools.cache
def _tokenizer() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    pats = get_patterns()
    words: set[str] = set()
    for name in SEGMENT_LISTS:
        words.update(w for w in pats.words(name) if len(w) > 1)
    body = "".join(f"{w} 1000\n" for w in sorted(words)).encode("utf-8")
    tok = jieba.Tokenizer()
    # Build the prefix dictionary from our words in memory: no file, no cache, no download.
    tok.FREQ, tok.total = tok.gen_pfdict(io.BytesIO(body))
    tok.initialized = True
    return tok


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Segment ``text``; token offsets are shifted by ``offset``."""
    tokens: list[Token] = []
    pos = 0
    for word in _words(text):
        tokens.append(Token(word, offset + pos, offset + pos + len(word)))
        pos += len(word)
    return tokens


@functools.lru_cache(maxsize=64)
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text`` (cached: names, companies and places segment one sentence)."""
    return tuple(_cut(text))


def _cut(text: str) -> Iterator[str]:
    tok = _tokenizer()
    cut = tok.cut  # type: ignore[attr-defined]
    yield from cut(text, HMM=False)
