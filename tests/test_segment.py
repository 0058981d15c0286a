"""The segmenter gives jieba's tokens: ``jieba.Tokenizer.cut(text, HMM=False)`` over the same
prefix dictionary is the reference."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.normalize import normalize
from xiangmu_extract.segment import Dictionary, cut, dictionary, tokenize

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def jieba_cut() -> Any:
    import jieba

    tok = jieba.Tokenizer()
    d = dictionary()
    tok.FREQ, tok.total = d.freq, sum(d.freq.values())
    tok.initialized = True
    return lambda text: list(tok.cut(text, HMM=False))


def _sentences() -> list[str]:
    out = []
    for path in sorted(RAW.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        out.extend(s for s in re.split("(?<=[。!?;\n])", text) if s.strip())
    return out


def test_every_dev_sentence_is_cut_as_jieba_cuts_it(jieba_cut: Any) -> None:
    sentences = _sentences()
    assert len(sentences) > 300
    different = [s for s in sentences if cut(s) != jieba_cut(s)]
    assert different == []


# Characters that make ties and dictionary words likely: place names, suffixes, digits, ASCII.
_ALPHABET = "海宁黄湾镇嘉兴市县区项目工程产业园有限公司集团年产万吨亿元一二期AbC12 ,。、()“”-.%"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_random_text_is_cut_as_jieba_cuts_it(jieba_cut: Any, text: str) -> None:
    assert cut(text) == jieba_cut(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # places and head words are words; the rest comes one character a word
        ("海宁黄湾镇晶科项目", ["海宁", "黄", "湾", "镇", "晶", "科", "项目"]),
        ("嘉兴市经开区有限公司", ["嘉兴市", "经开区", "有限公司"]),
        # single letters and digits stay together; "." ends the run, as in jieba
        ("年产20GW高效电池", ["年", "产", "20GW", "高", "效", "电", "池"]),
        ("总投资3.5亿元", ["总", "投资", "3", ".", "5", "亿元"]),
        ("", []),
    ],
)
def test_cut_table(text: str, words: list[str]) -> None:
    assert cut(text) == words


def test_tokens_carry_offsets() -> None:
    tokens = tokenize("嘉兴市项目", 10)
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("嘉兴市", 10, 13),
        ("项目", 13, 15),
    ]


def test_ties_go_to_the_longer_word_as_in_jieba() -> None:
    d = Dictionary.of({"AB", "BC", "ABC"})
    assert cut("ABCD", d) == ["ABC", "D"]  # a word, then a single letter
    d = Dictionary.of({"甲乙", "乙丙"})
    assert cut("甲乙丙", d) == ["甲乙", "丙"]
