"""The segmenter gives jieba's tokens: ``jieba.Tokenizer.cut(text, HMM=False)`` over the same
prefix dictionary is the reference."""

from __future__ import annotations

import re
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.normalize import normalize
from xiangmu_extract.segment import (
    Dictionary,
    _dictionary_words,
    _tokens,
    cut,
    dictionary,
    pair_hash,
    tokenize,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _jieba(d: Dictionary) -> Any:
    """jieba's ``cut(text, HMM=False)`` over the prefix dictionary of ``d``."""
    import jieba

    tok = jieba.Tokenizer()
    tok.FREQ, tok.total = d.freq, sum(d.freq.values())
    tok.initialized = True
    return lambda text: list(tok.cut(text, HMM=False))


@pytest.fixture(scope="module")
def jieba_cut() -> Any:
    return _jieba(dictionary())


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


def _dictionary_texts() -> st.SearchStrategy[str]:
    """Texts made of the dictionary's own words, their halves and characters: words that
    overlap, several words at one place, walks through prefixes that are no word."""
    words = sorted(w for w, weight in dictionary().freq.items() if weight)
    pieces = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words).map(lambda w: w[1:]),
        st.sampled_from(words).map(lambda w: w[:-1]),
        st.sampled_from(sorted({c for w in words for c in w})),
        st.sampled_from(["A", "b", "12", "3.5", " ", "\r\n", ",", "。", "(", "-"]),
    )
    return st.lists(pieces, max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.deferred(_dictionary_texts))
def test_dictionary_words_are_cut_as_jieba_cuts_them(jieba_cut: Any, text: str) -> None:
    assert cut(text) == jieba_cut(text)


def _every_word(text: str, d: Dictionary) -> list[tuple[int, int]]:
    """The dictionary words of ``text`` the slow way: every slice looked up."""
    n = len(text)
    return [(i, j) for i in range(n) for j in range(i + 2, n + 1) if d.freq.get(text[i:j])]


@settings(max_examples=300, deadline=None)
@given(st.deferred(_dictionary_texts))
def test_dictionary_words_are_every_word_of_the_text(text: str) -> None:
    # the pair table is only a filter: no word it lets through is missed
    d = dictionary()
    assert _dictionary_words(text, d) == _every_word(text, d)
    # a table that lets everything through finds the same words
    assert _dictionary_words(text, d) == _dictionary_words(text, _no_filter(d))


def _no_filter(d: Dictionary) -> Dictionary:
    return Dictionary(d.freq, d.word_score, d.char_score, b"\x01" * len(d.pairs))


def test_the_pair_table_marks_the_first_two_characters_of_every_word() -> None:
    d = dictionary()
    words = [w for w, weight in d.freq.items() if weight]
    assert all(d.pairs[pair_hash(ord(w[0]), ord(w[1]))] for w in words)
    assert sum(d.pairs) < len(d.pairs) // 20  # and few others: it filters


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_small_dictionaries_are_cut_as_jieba_cuts_them(data: st.DataObject) -> None:
    # few characters, many words: routes of the same score are frequent, and the scores of
    # the rest of the block decide between them, as in jieba
    alphabet = data.draw(st.sampled_from(["AB", "A甲", "AB甲"]))
    words = data.draw(st.sets(st.text(alphabet, min_size=2, max_size=6), min_size=1, max_size=12))
    pieces = st.sampled_from([*sorted(words), *alphabet, ",", "1", " "])
    text = "".join(data.draw(st.lists(pieces, max_size=14)))
    d = Dictionary.of(words)
    assert cut(text, d) == _jieba(d)(text)


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


def test_a_character_of_its_own_is_one_string_wherever_it_comes() -> None:
    words = cut("嗯,嗯")
    assert words == ["嗯", ",", "嗯"]
    assert words[0] is words[2] is cut("嗯")[0]  # shared, its hash computed once
    assert cut("\U00020000嗯\U00020000") == ["\U00020000", "嗯", "\U00020000"]


def test_tokens_carry_offsets() -> None:
    tokens = tokenize("嘉兴市项目", 10)
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("嘉兴市", 10, 13),
        ("项目", 13, 15),
    ]


@settings(max_examples=300, deadline=None)
@given(st.deferred(_dictionary_texts), st.integers(0, 10_000))
def test_token_bounds_are_the_sums_of_the_word_lengths(text: str, offset: int) -> None:
    tokens = tokenize(text, offset)
    assert list(tokens.words) == cut(text)
    assert tokens.bounds == tuple(accumulate(map(len, tokens.words), initial=0))
    assert [tokens.start(i) for i in range(len(tokens) + 1)] == [b + offset for b in tokens.bounds]


def test_a_run_inside_a_dictionary_word_is_cut_around_the_word() -> None:
    # no word of the project's dictionary has letters or digits; a route may still
    words, bounds = _tokens("ab12cd", [(1, 3)])
    assert words == ["a", "b1", "2cd"]
    assert bounds == [0, 1, 3, 6]


def test_ties_go_to_the_longer_word_as_in_jieba() -> None:
    d = Dictionary.of({"AB", "BC", "ABC"})
    assert cut("ABCD", d) == ["ABC", "D"]  # a word, then a single letter
    d = Dictionary.of({"甲乙", "乙丙"})
    assert cut("甲乙丙", d) == ["甲乙", "丙"]
    d = Dictionary.of({"AA", "AAA"})
    assert cut("AAAAA", d) == ["AAA", "AA"]  # two words either way


@pytest.mark.parametrize(
    ("words", "text", "expected"),
    [
        # routes with as many words and single characters either way: jieba's float sums,
        # from the end of the block, choose (found against variants that sum otherwise)
        (
            {"ABA", "BA", "BAAAB", "BABBA", "BB"},
            "BAAABABABBABBBAB",
            ["BA", "A", "ABA", "BABBA", "BB", "BA", "B"],
        ),
        (  # the block ends before ","
            {"AA", "AAAABA", "AAAB", "ABBABA", "BABBBB"},
            "AAAAAABAAAAAABAAAABABBABA,",
            ["AA", "AAAABA", "AA", "AAAB", "AA", "AA", "B", "ABBABA", ","],
        ),
    ],
)
def test_equal_routes_are_chosen_by_jiebas_float_sums(
    words: set[str], text: str, expected: list[str]
) -> None:
    d = Dictionary.of(words)
    assert cut(text, d) == _jieba(d)(text) == expected


def test_a_word_outside_the_blocks_is_refused() -> None:
    with pytest.raises(ValueError, match="甲,乙"):
        Dictionary.of({"甲乙", "甲,乙"})
