"""Database rows of an article: the sentence kept with each fact."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.pipeline import extract
from xiangmu_extract.rows import MAX_SENTENCE, article_rows, sentence_at

_SENTENCE_END = re.compile(r"[。!?!?;;\n][”’」』\"]*")


def sentence_by_every_end(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, from every sentence end before it."""
    lo = max(0, start - MAX_SENTENCE)
    s = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    found = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE))
    e = found.end() if found else min(len(text), end + MAX_SENTENCE)
    return text[s:e].strip()


@pytest.mark.parametrize(
    ("text", "mention", "sentence"),
    [
        ("项目开工。总投资1亿元,年产值2亿元。次年投产", "1亿元", "总投资1亿元,年产值2亿元。"),
        ("他说:“总投资1亿元。”随后签约。", "1亿元", "他说:“总投资1亿元。”"),
        ("“项目开工。”总投资1亿元", "1亿元", "总投资1亿元"),
        ("总投资1亿元", "1亿元", "总投资1亿元"),
    ],
)
def test_sentence_at(text: str, mention: str, sentence: str) -> None:
    start = text.index(mention)
    assert sentence_at(text, start, start + len(mention)) == sentence


_TEXTS = st.lists(
    st.sampled_from(["。", "!", "?", ";", "\n", "”", "’", "」", '"', "项目", "1亿元", " "]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_TEXTS, data=st.data())
def test_the_last_sentence_end_is_the_last_of_every_end(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentence_at(text, start, end) == sentence_by_every_end(text, start, end)


@settings(max_examples=100, deadline=None)
@given(head=_TEXTS, filler=st.integers(0, 2 * MAX_SENTENCE))
def test_a_sentence_reaches_back_at_most_max_sentence(head: str, filler: int) -> None:
    text = head + "项" * filler + "1亿元"
    start = len(text) - 3
    assert sentence_at(text, start, len(text)) == sentence_by_every_end(text, start, len(text))


def test_the_facts_of_one_sentence_share_its_string() -> None:
    text = "海宁黄湾镇晶科光伏项目总投资30亿元,占地200亩,2021年6月开工。"
    doc = extract(text)
    rows = article_rows(
        doc, digest="0" * 64, text=text, source="t", locator="", url=None, text_basis="input"
    )
    sentences = [f["sentence"] for f in rows.facts]
    assert len(sentences) >= 3 and set(sentences) == {text}
    assert all(s is sentences[0] for s in sentences)
