"""Regexes written for speed match what their plain forms match.

A pattern that starts with a character class lets the regex engine skip to the next
character of the class; one that starts with a repeat, an alternation of classes or a
case-insensitive class is tried at every character. The fast forms are harder to read:
each is checked here against the plain form it stands for. So are the hints: quick
checks made before a slower pattern, which must never skip a match of it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract import link
from xiangmu_extract.patterns import alternation, character_class, flat_alternation, get_patterns


def spans(pattern: re.Pattern[str], text: str, pos: int, endpos: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, pos, endpos)]


def _plain_run(char: str, more: str) -> re.Pattern[str]:
    return re.compile(get_patterns().source(char) + more)


CASES = {
    "sentence end": (link.SENTENCE_END, re.compile(link.SENTENCE_END_PLAIN), "。!?;;…a\n"),
    "space run": (
        get_patterns().regex("norm_space_run"),
        _plain_run("norm_space_char", "+"),
        " \t\u3000\u200ba中",
    ),
    "punctuation run": (
        get_patterns().regex("norm_punct_run"),
        _plain_run("norm_punct_char", "{2,}"),
        ",，。.!a中",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_fast_form_finds_what_the_plain_form_finds(case: str, data: st.DataObject) -> None:
    fast, plain, alphabet = CASES[case]
    text = data.draw(st.text(alphabet, max_size=24))
    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    assert spans(fast, text, pos, endpos) == spans(plain, text, pos, endpos)


def test_the_footer_hint_is_the_case_insensitive_class_written_out() -> None:
    hint = get_patterns().regex("bp_footer_strong_latin_hint")
    plain = re.compile("(?i)[ci]")
    every = [chr(c) for c in range(0x110000)]
    assert [c for c in every if hint.match(c)] == [c for c in every if plain.match(c)]


@pytest.mark.parametrize("case", [*sorted(CASES), "footer hint"])
def test_the_fast_forms_start_with_a_class(case: str) -> None:
    from re import _compiler, _parser

    fast = (
        get_patterns().regex("bp_footer_strong_latin_hint")
        if case == "footer hint"
        else CASES[case][0]
    )
    assert _compiler._get_charset_prefix(_parser.parse(fast.pattern), fast.flags)


@settings(max_examples=300, deadline=None)
@given(text=st.text(",。;:,;:\n!a中", max_size=30), data=st.data())
def test_the_clause_start_is_after_the_last_clause_break(text: str, data: st.DataObject) -> None:
    # _clause_start looks back with str.rfind instead of listing every break of the text
    pos = data.draw(st.integers(0, len(text)))
    linker = link.Linker(text)
    plain = re.compile("[" + re.escape(link.CLAUSE_BREAKS) + "]")
    breaks = [m.start() for m in plain.finditer(text, 0, pos)]
    assert linker._clause_start(pos) == (breaks[-1] + 1 if breaks else 0)


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.text("ab项目部.", min_size=0, max_size=4), max_size=8),
    text=st.text("ab项目部.c", max_size=24),
    suffix=st.sampled_from(["", "c", "(?!a)", "b?c"]),
)
def test_the_trie_alternation_matches_as_the_words_listed_longest_first(
    words: list[str], text: str, suffix: str
) -> None:
    # a suffix makes the engine back off to shorter words: in the same order in both forms
    trie = re.compile(alternation(words) + suffix)
    flat = re.compile(flat_alternation(words) + suffix)
    assert spans(trie, text, 0, len(text)) == spans(flat, text, 0, len(text))


@settings(max_examples=300, deadline=None)
@given(
    chars=st.lists(st.sampled_from("a-]^\\[.項目c"), max_size=8),
    text=st.text("a-]^\\[.項目cb", max_size=16),
)
def test_the_character_class_matches_as_the_alternation(chars: list[str], text: str) -> None:
    cls, alt = re.compile(character_class(chars)), re.compile(alternation(chars))
    assert spans(cls, text, 0, len(text)) == spans(alt, text, 0, len(text))


@pytest.mark.parametrize("chars", [["項目"], ["項", "目", "項目"], [""], ["", "ab"], ["a", ""]])
def test_the_character_class_takes_single_characters(chars: list[str]) -> None:
    with pytest.raises(ValueError, match="single characters"):
        character_class(chars)


def test_the_trie_alternation_of_the_lexicons_matches_as_the_flat_one() -> None:
    patterns = get_patterns()
    for name in ("cue_status", "cue_money_fields", "cue_date_events"):
        words = [w for ws in patterns.table(name).values() for w in ws]
        text = "".join(words) + "。" + "".join(reversed(words))
        trie, flat = re.compile(alternation(words)), re.compile(flat_alternation(words))
        assert spans(trie, text, 0, len(text)) == spans(flat, text, 0, len(text)), name


# -- hints: quick checks made before a slower pattern; each must never skip a match of it ----
def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=12).map("".join)


_COUNT_PIECES = [
    *"0123一二十两几多数百千个项家批这些累共合总计全市县国各类等企业工程目,。 ",
    "项目",
]
_PHASE_PIECES = [*"第一二三首期项目工程南区A,。 "]
_SOURCE_PIECES = ["来源", "来自", "稿源", "出处", "本文", "新闻", ":", "：", " ", "人民网", "项目"]
_DATE_LABELS = [
    *["发布", "发表", "更新", "发稿", "刊发", "刊登", "出版", "上传", "录入", "提交"],
    *["时间", "日期"],
]
_DATE_LABEL_PIECES = [*"".join(_DATE_LABELS), "于", *":： ", "2021-06-01", "6月1日"]


@pytest.mark.parametrize(
    ("pattern", "hint", "pieces"),
    [
        ("link_aggregate", "link_aggregate_hint", _COUNT_PIECES),
        ("name_phase", "name_phase_hint", _PHASE_PIECES),
        ("name_enumeration_tail", "name_enumeration_tail_hint", _COUNT_PIECES),
        ("name_component_scope", "name_component_scope_hint", [*"建设内容规模模项目,"]),
        ("meta_source_label", "meta_source_word_hint", _SOURCE_PIECES),
        ("meta_labelled_date", "meta_date_label_hint", _DATE_LABEL_PIECES),
    ],
)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_match_has_its_hint(
    pattern: str, hint: str, pieces: list[str], data: st.DataObject
) -> None:
    text = data.draw(_texts(pieces))
    patterns = get_patterns()
    if patterns.regex(pattern).search(text):
        assert patterns.regex(hint).search(text)


# The random texts rarely make some pairs of characters: every kind of match, written out.
@pytest.mark.parametrize(
    ("pattern", "hint", "text"),
    [
        *(
            ("link_aggregate", "link_aggregate_hint", text)
            for text in [
                *["这批", "这些", "累计", "共计", "合计", "总计", "全市", "全县", "全区"],
                *["全省", "全州", "全国", "全团", "全镇", "各类", "一批", "3个项目"],
                *["十家企业", "项目共12个", "等5个"],
            ]
        ),
        *(
            ("meta_labelled_date", "meta_date_label_hint", f"{label}:2021-06-01")
            for label in _DATE_LABELS
        ),
    ],
)
def test_every_kind_of_match_has_its_hint(pattern: str, hint: str, text: str) -> None:
    patterns = get_patterns()
    assert patterns.regex(pattern).search(text)
    assert patterns.regex(hint).search(text)
