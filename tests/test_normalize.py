"""normalize: cleaned text, its lines, and the offset map back to the original."""

from __future__ import annotations

import random
import re
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from re import Match

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC

import xiangmu_extract.normalize as normalize_module
from compiled import sources_only
from xiangmu_extract.normalize import NormalizedText, normalize
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.reader import read_text

DEV_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
DEV_PAGES = sorted(DEV_RAW.glob("*.txt"))

GAP = pytest.mark.xfail(strict=True, reason="known gap")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        # inline pinyin annotations
        ("八月的濟(jì)源,草木葳蕤", "八月的济源,草木葳蕤"),
        ("各重點項目施工現(xiàn)場", "各重点项目施工现场"),
        ("項（xiàng）目建設", "项目建设"),
        ("趕進(jìn)度", "赶进度"),
        ("年产2000吨HNBR(氢化丁腈橡胶)改造项目", "年产2000吨HNBR(氢化丁腈橡胶)改造项目"),
        ("济源产教融合园区基础设施建设项目(一期)", "济源产教融合园区基础设施建设项目(一期)"),
        ("计划建设工期2年(2020年12月-2022年12月)", "计划建设工期2年(2020年12月-2022年12月)"),
        ("苏中建设(苏中建设集团)", "苏中建设(苏中建设集团)"),
        ("iPad(ài)", "iPad(ài)"),
        ("项目(abc)", "项目(abc)"),
        pytest.param("我們(men)的项目", "我们的项目", marks=GAP, id="pinyin-without-tone-mark"),
        # doubled punctuation from broken scrapers
        ("草木葳蕤,,生機盎然,。", "草木葳蕤,生机盎然。"),
        ("塔吊林立,、機器轟鳴", "塔吊林立、机器轰鸣"),
        ("項目182個,,已完成投資178億元,;地區", "项目182个,已完成投资178亿元;地区"),
        ("强引擎”,。", "强引擎”。"),
        ("项目，，建设", "项目，建设"),
        ("怎么办？？", "怎么办？"),
        ("好!!", "好!"),
        ("开工::", "开工:"),
        ("等等……——好", "等等……——好"),
        ("总建筑面积343,688平方米", "总建筑面积343,688平方米"),
        ("总投资1.42亿元,2021.11.30开工", "总投资1.42亿元,2021.11.30开工"),
        ("今年新选...", "今年新选..."),
        # full-width digits, letters, percent
        ("年产１２．６ＧＷｈ锂离子电池", "年产12.6GWh锂离子电池"),
        ("增长２５％", "增长25%"),
        ("Ａ．Ｂ公司", "A．B公司"),
        ("总投资，项目（一期）：“好”《报》；", "总投资，项目（一期）：“好”《报》；"),
        # traditional -> simplified, only where there is something to convert
        ("尉犁縣國家級現代農業產業園項目開工建設", "尉犁县国家级现代农业产业园项目开工建设"),
        ("來源:嘉興日報", "来源:嘉兴日报"),
        ("著名企业乾隆年间", "著名企业乾隆年间"),
        ("余杭区项目\n嘉興日報", "余杭区项目\n嘉兴日报"),
        pytest.param(
            "涌動著項目建設的熱潮", "涌动着项目建设的热潮", marks=GAP, id="opencc-keeps-zhe"
        ),
        # whitespace
        ("记者 田 野 通讯员 陈 樾", "记者田野通讯员陈樾"),
        ("总建筑面积 25846平方米", "总建筑面积25846平方米"),
        ("已有 49 人转发", "已有49人转发"),
        ("所在位置: 杭州网 > 热点专题", "所在位置:杭州网>热点专题"),
        ("iPhone  15\u3000 Pro", "iPhone 15 Pro"),
        ("2021-03-15 08:36:15", "2021-03-15 08:36:15"),
        ("来源:高新院 achie.org 日期", "来源:高新院 achie.org 日期"),
        ("第 IV 类型", "第 IV 类型"),
        ("\xa0\xa0  项目建设  \t", "项目建设"),
        ("项\u200b目", "项目"),
        ("a\u200bb", "ab"),
        # line breaks and blank lines
        ("line1\r\nline2\r\rline3", "line1\nline2\nline3"),
        ("\n\n  \n第一段\n\n\n第二段\n \n", "第一段\n第二段"),
        ("第一段\u2028第二段", "第一段\n第二段"),
        # character references and HTML
        ("A&amp;B公司", "A&B公司"),
        ("&nbsp;项目建设", "项目建设"),
        ("&#x4e2d;&#22269;", "中国"),
        ("AT&T &unknownname; 5&6", "AT&T &unknownname; 5&6"),
        (
            "<html><head><title>标题</title></head><body><p>锚定&ldquo;项目&rdquo;</p>"
            "<script>var a = '<p>';</script><!-- note --><div>发布时间:<b>2022-02-24</b>"
            "</div><table><tr><td>总投资</td><td>3亿元</td></tr></table></body></html>",
            "锚定“项目”\n发布时间:2022-02-24\n总投资3亿元",
        ),
        ("<p>第一行\n还是第一行</p><br/>第二行", "第一行还是第一行\n第二行"),
        ("", ""),
        (" \n\t\u3000", ""),
    ],
)
def test_normalize_text(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    ("original", "mention", "expected"),
    [
        ("八月的濟(jì)源,草木葳蕤", "济源", "濟(jì)源"),
        ("施工現(xiàn)場塔吊", "现场", "現(xiàn)場"),
        ("生機盎然,。行走在玉川大地", "生机盎然。", "生機盎然,。"),
        ("生機盎然,。行走在玉川大地", "。", "。"),
        ("記者 田 野", "记者田野", "記者 田 野"),
        ("总建筑面积 25846平方米", "面积25846", "面积 25846"),
        ("A&amp;B公司", "A&B", "A&amp;B"),
        ("A&amp;B公司", "&", "&amp;"),
        ("<p>锚定&ldquo;项目&rdquo;</p>", "“项目”", "&ldquo;项目&rdquo;"),
        ("年产１２．６ＧＷｈ电池", "12.6GWh", "１２．６ＧＷｈ"),
        ("项目\r\n建设", "目\n建", "目\r\n建"),
        ("<div>项目</div><div>建设</div>", "目\n建", "目</div><div>建"),
        ("  \n\n項目總投資3億元", "项目总投资3亿元", "項目總投資3億元"),
    ],
)
def test_to_original(original: str, mention: str, expected: str) -> None:
    nt = normalize(original)
    start = nt.text.index(mention)
    begin, end = nt.to_original(start, start + len(mention))
    assert original[begin:end] == expected


@pytest.mark.parametrize(
    ("original", "span", "expected"),
    [
        ("项目", (1, 1), (1, 1)),
        ("项目", (2, 2), (2, 2)),
        ("  项目  ", (0, 0), (2, 2)),
        ("  项目  ", (2, 2), (4, 4)),
        ("", (0, 0), (0, 0)),
        (" \n ", (0, 0), (0, 0)),
    ],
)
def test_to_original_empty_spans(
    original: str, span: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert normalize(original).to_original(*span) == expected


@pytest.mark.parametrize("span", [(3, 1), (-1, 1), (0, 99)])
def test_to_original_rejects_spans_outside_the_text(span: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="not inside"):
        normalize("项目建设").to_original(*span)


def test_plain_normalized_text_maps_identically() -> None:
    nt = NormalizedText("项目", "项目", ())
    assert nt.to_original(0, 2) == (0, 2)


@pytest.fixture(scope="module")
def t2s() -> OpenCC:
    return OpenCC("t2s")


@pytest.mark.parametrize("path", DEV_PAGES, ids=lambda p: p.stem)
def test_offsets_round_trip_on_dev_pages(path: Path, t2s: OpenCC) -> None:
    """For random spans s..e: original[to_original(s, e)] normalizes back to text[s:e].

    Spans do not start or end on a line break or space (a fragment is stripped),
    and both sides go through t2s because a few characters (於, 乾 …) are only
    converted on lines that have other traditional characters.
    """
    original = read_text(path)
    nt = normalize(original)
    rng = random.Random(path.stem)
    checked = 0
    while checked < 300:
        start = rng.randrange(len(nt.text))
        end = min(len(nt.text), start + rng.randint(1, 40))
        if nt.text[start] in " \n" or nt.text[end - 1] in " \n":
            continue
        begin, finish = nt.to_original(start, end)
        again = normalize(original[begin:finish]).text
        assert t2s.convert(again) == t2s.convert(nt.text[start:end]), (start, end)
        checked += 1


@pytest.mark.parametrize("path", DEV_PAGES, ids=lambda p: p.stem)
def test_offset_arrays_and_lines_on_dev_pages(path: Path) -> None:
    original = read_text(path)
    nt = normalize(original)
    assert nt.starts is not None and nt.ends is not None
    assert len(nt.starts) == len(nt.ends) == len(nt.text)
    assert all(a < b for a, b in zip(nt.starts, nt.ends, strict=True))
    assert all(b <= a for a, b in zip(nt.starts[1:], nt.ends, strict=False))
    assert "\n".join(nt.line_text(line) for line in nt.lines) == nt.text
    for line in nt.lines:
        text = nt.line_text(line)
        assert text and text == text.strip()


@pytest.mark.parametrize("path", DEV_PAGES, ids=lambda p: p.stem)
def test_idempotent_on_dev_pages(path: Path) -> None:
    once = normalize(read_text(path)).text
    assert normalize(once).text == once


@pytest.mark.parametrize(
    "original",
    [
        "八月的濟(jì)源,草木葳蕤,,生機盎然,。",
        "记者 田 野 , , 通讯员",
        "<p>A&amp;B</p> <p>&nbsp;项目</p>",
        pytest.param(
            "<p>&lt;div&gt;</p>",
            marks=pytest.mark.xfail(
                strict=True, reason="markup decoded from &lt;…&gt; is taken for HTML again"
            ),
            id="decoded-markup",
        ),
        "年产１２．６ＧＷｈ ， 。",
        "项目 \u3000\n\n 建设 , 。 ! ",
    ],
)
def test_idempotent(original: str) -> None:
    once = normalize(original).text
    assert normalize(once).text == once


@sources_only
def test_traditional_conversion_that_changes_length_keeps_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """OpenCC t2s keeps lengths today; if a conversion ever does not, the line is
    converted character by character and the offsets stay right."""
    monkeypatch.setattr(normalize_module, "_t2s", lambda s: s.replace("國", "国家"))
    original = "中國項目\n另一行"
    nt = normalize(original)
    assert nt.text == "中国家項目\n另一行"
    start = nt.text.index("国家")
    assert original[slice(*nt.to_original(start, start + 2))] == "國"
    start = nt.text.index("項目")
    assert original[slice(*nt.to_original(start, start + 2))] == "項目"
    assert original[slice(*nt.to_original(0, len(nt.text)))] == original


def test_body_lines_skip_boilerplate() -> None:
    nt = normalize(
        "返回\n所在位置: 杭州网 > 热点专题\n"
        "项目总投资3亿元以上,结合信息化和数字化工程建设,致力于打造示范项目。\n"
        "来源:余杭晨报   作者:记者 俞杰"
    )
    assert [nt.line_text(line) for line in nt.body_lines()] == [
        "项目总投资3亿元以上,结合信息化和数字化工程建设,致力于打造示范项目。"
    ]
    assert [line.kind for line in nt.lines] == ["menu", "nav", "body", "source"]


@pytest.mark.parametrize(
    ("original", "visual"),
    [
        ("校外培训 高考 中考 择校", "校外培训 高考 中考 择校"),
        ("成都农业开门红 今年主打“高大上”", "成都农业开门红 今年主打“高大上”"),
        ("记者\u3000田 野", "记者 田 野"),
        ("<li>首页</li><li>新闻</li>", "首页\n新闻"),
        ("<span>首页</span><span>新闻</span>", "首页 新闻"),
        ("濟(jì)源", "济源"),
    ],
)
def test_visual_text(original: str, visual: str) -> None:
    nt = normalize(original)
    shown = "\n".join(nt.visual_text(line.start, line.end) for line in nt.lines)
    assert shown == visual


def test_visual_text_without_tags() -> None:
    nt = normalize("<p>关键<em>项目</em>建设 加快</p>")
    assert nt.visual_text(0, len(nt.text)) == "关键 项目 建设 加快"
    assert nt.visual_text(0, len(nt.text), tags=False) == "关键项目建设 加快"


def _opencc(text: str) -> str:
    return str(OpenCC("t2s").convert(text))


@pytest.mark.parametrize(
    "text",
    [
        "項目總投資22億元,建成後年產值可達500億元",
        "乾坤大挪移與乾隆年間的乾貨",  # phrases where t2s is not character by character
        "一目瞭然,不瞭解情況",
        "麵條類産品年加工生産20.87萬噸",
        "臺灣、台灣與颱風",
        "",
    ],
)
def test_translate_table_is_opencc_t2s(text: str) -> None:
    from xiangmu_extract.normalize import _t2s

    assert _t2s(text) == _opencc(text)


def test_translate_table_is_opencc_t2s_on_every_traditional_character() -> None:
    from xiangmu_extract.normalize import _t2s, _t2s_tables

    table = _t2s_tables().table
    every = "".join(chr(c) for c in sorted(table))
    assert _t2s(every) == _opencc(every)


def test_translate_table_converts_characters_beyond_the_bmp() -> None:
    """The list the BMP characters are looked up in stops before them: they are converted by
    the rest of the table."""
    from xiangmu_extract.normalize import _t2s, _t2s_tables

    astral = "".join(chr(c) for c in sorted(_t2s_tables().astral)[:5])
    text = f"項目{astral}總投資"
    assert len(_t2s_tables().bmp) <= 0x10000
    assert _t2s(text) == _opencc(text)
    assert all(c not in _t2s(text) for c in astral)


def test_translate_table_is_opencc_t2s_on_every_phrase_of_opencc() -> None:
    """Every phrase of OpenCC's t2s phrase dictionary, alone and in a sentence (the
    quick check for the phrases the table gets wrong never misses one)."""
    import opencc

    from xiangmu_extract.normalize import _t2s

    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSPhrases.txt"
    lines = dictionary.read_text(encoding="utf-8").splitlines()
    for phrase in (line.partition("\t")[0] for line in lines):
        for text in (phrase, f"在{phrase}的項目"):
            assert _t2s(text) == _opencc(text), text


# -- the shortcuts of normalize give the same results as the long way ----------------------------

# Pieces of text that the steps of normalize work on (or nearly do), for the properties below.
_PIECES = [
    "项目",
    "建设",
    "濟",
    "項",
    "國",
    "乾",
    "於",
    "𠁞",
    "𠌥",
    "𠀀",
    "a",
    "Z",
    "5",
    "１",
    "Ａ",
    "ｚ",
    "％",
    "．",
    ".",
    "(",
    ")",
    "（",
    "）",
    "jì",
    "xiàng",
    "ü",
    "é",
    "abc",
    " ",
    "  ",
    "\u3000",
    "\xa0",
    "\t",
    "\u200b",
    "\n",
    "\n\n",
    "\r\n",
    ",",
    ",,",
    "。",
    "、",
    "<p>",
    "</p>",
    "<br>",
    "<td>",
    "&amp;",
    "&nbsp;",
    "<",
]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_a_step_skipped_by_its_hint_has_nothing_to_do(text: str) -> None:
    patterns = get_patterns()
    for name in ("norm_fullwidth", "norm_pinyin"):
        if patterns.regex(name).search(text):
            assert patterns.regex(f"{name}_hint").search(text), name


def _lines_of(text: str) -> normalize_module._Buffer:
    """A buffer of ``text`` with its line breaks normalized (the steps below run after that)."""
    buf = normalize_module._Buffer.of(text)
    normalize_module._normalize_line_breaks(buf)
    return buf


def _rewritten(
    text: str,
    regex: re.Pattern[str],
    edit: Callable[[Match[str]], Sequence[tuple[str, int, int]] | None],
) -> normalize_module._Buffer:
    """The long way: every match of ``regex`` in the whole text, edited."""
    buf = _lines_of(text)
    buf.rewrite(regex, edit)
    return buf


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_pinyin_searched_line_by_line_is_pinyin_searched_in_the_whole_text(text: str) -> None:
    buf = _lines_of(text)
    normalize_module._drop_pinyin(buf)
    whole = _rewritten(text, get_patterns().regex("norm_pinyin"), lambda match: [])
    assert (buf.text, buf.starts, buf.ends) == (whole.text, whole.starts, whole.ends)


def _blank_line_pieces(match: Match[str]) -> list[tuple[str, int, int]] | None:
    """Blank lines by their definition: line breaks at either end go, a run of them
    becomes its first one."""
    begin, finish = match.span()
    if begin == 0 or finish == len(match.string):
        return []
    return None if finish - begin == 1 else [("\n", begin, begin + 1)]


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_blank_lines_dropped_line_by_line_are_runs_of_line_breaks(text: str) -> None:
    buf = _lines_of(text)
    lines = normalize_module._drop_blank_lines(buf)
    runs = _rewritten(text, re.compile(r"\n+"), _blank_line_pieces)
    assert (buf.text, buf.starts, buf.ends) == (runs.text, runs.starts, runs.ends)
    assert lines == (buf.text.split("\n") if buf.text else [])


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_has_traditional_is_a_lookup_of_every_character(text: str) -> None:
    traditional = normalize_module._traditional_chars()
    assert normalize_module._has_traditional(text) == (not traditional.isdisjoint(text))


def _visual_by_definition(nt: NormalizedText, start: int, end: int, tags: bool) -> str:
    """visual_text as documented: a space between two characters wherever the original
    has whitespace (or a tag) between them."""
    assert nt.starts is not None and nt.ends is not None
    gap = get_patterns().regex("norm_visual_gap" if tags else "norm_space_gap")
    parts: list[str] = []
    segment = start
    for i in range(start, end - 1):
        left, right = nt.ends[i], nt.starts[i + 1]
        if right > left and gap.search(nt.original, left, right):
            parts.append(nt.text[segment : i + 1])
            segment = i + 1
    parts.append(nt.text[segment:end])
    return " ".join(parts)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, tags=st.booleans(), data=st.data())
def test_visual_text_is_its_definition(text: str, tags: bool, data: st.DataObject) -> None:
    nt = normalize(text)
    spans = [(line.start, line.end) for line in nt.lines] + [(0, len(nt.text))]
    start = data.draw(st.integers(0, len(nt.text)))
    spans.append((start, data.draw(st.integers(start, len(nt.text)))))
    for start, end in spans:
        assert nt.visual_text(start, end, tags=tags) == _visual_by_definition(nt, start, end, tags)


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        *((0, 0), (0, 1), (1, 1), (1, 5), (0, 1 << 12), (1, (1 << 12) + 1), (4000, 5000)),
        *((0, 1 << 16), (1, (1 << 16) + 1), (5, 70_000), (0, 1 << 21)),
    ],
)
def test_count_is_a_range(begin: int, end: int) -> None:
    assert normalize_module._count(begin, end) == array("l", range(begin, end))


# -- decimal digits of every script become ASCII digits ------------------------------------
_ASCII_OR_FULLWIDTH = set("0123456789０１２３４５６７８９")


def test_the_width_hint_is_the_full_width_characters_and_every_other_decimal_digit() -> None:
    # norm_width_hint's digits are written out from unicodedata: this keeps the two in step
    patterns = get_patterns()
    hint, fullwidth = patterns.regex("norm_width_hint"), patterns.regex("norm_fullwidth_hint")
    every = [chr(c) for c in range(0x10000)]
    digits = [c for c in every if c.isdecimal() and c not in _ASCII_OR_FULLWIDTH]
    expected = sorted({*digits, *(c for c in every if fullwidth.fullmatch(c))})
    assert [c for c in every if hint.fullmatch(c)] == expected
    assert all(hint.fullmatch(chr(c)) for c in range(0x10000, 0x110000, 97))


_DIGITS = [chr(c) for c in range(0x110000) if chr(c).isdecimal()]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_DIGITS), st.sampled_from([*"亿元年月.．,项目", "\n"])),
        max_size=12,
    )
)
def test_every_decimal_digit_becomes_an_ascii_digit(pieces: list[str]) -> None:
    import unicodedata

    text = "".join(pieces)
    nt = normalize(text)
    assert not [c for c in nt.text if c.isdecimal() and not c.isascii()]
    for i, c in enumerate(nt.text):  # a digit keeps its place in the original
        s, e = nt.to_original(i, i + 1)
        if c.isdigit():
            assert e - s == 1 and unicodedata.decimal(text[s]) == int(c)


def test_an_amount_in_arabic_indic_digits_is_read() -> None:
    from xiangmu_extract import extract

    (project,) = extract("雷山县茶叶加工项目总投资٥亿元,于٢٠٢١年6月开工。").projects
    assert project.investment is not None and project.investment.value == 5e8
    assert project.investment.text == "٥亿元"  # as written
    # the year as an ISO date (before the digits were made ASCII, "٢٠٢١-06" failed validation)
    assert project.start_date is not None and project.start_date.value == "2021-06"


# -- the rare steps run only on a page with a character they work on ---------------------------
_RARE_STEPS = ("_normalize_line_breaks", "_strip_html", "_to_halfwidth", "_drop_pinyin")


@pytest.mark.parametrize(
    "sample",
    [
        *("a\rb", "a\u2028b", "<p>项目</p>", "A&amp;B", "５亿", "Ａ", "٣亿", "濟(jì)源"),
        *("項目", "\U00020000"),
    ],
)
def test_a_character_a_rare_step_works_on_is_found(sample: str) -> None:
    assert normalize_module._rare_char().search(sample) is not None


def test_every_character_of_the_step_classes_is_rare() -> None:
    rare = normalize_module._rare_char()
    hints = [get_patterns().regex(n) for n in ("norm_width_hint", "norm_other_line_break")]
    hints.append(re.compile(get_patterns().source("norm_tone_vowel")))
    hints.append(normalize_module._bmp_traditional_char())
    for code in [*range(0x10000), 0x10000, 0x1D7D1, 0x20000, 0x10FFFF]:
        char = chr(code)
        if 0xD800 <= code < 0xE000:
            continue
        if any(h.match(char) for h in hints) or code > 0xFFFF:
            assert rare.match(char), hex(code)


@pytest.mark.parametrize("path", DEV_PAGES, ids=lambda p: p.name)
def test_the_rare_steps_change_nothing_on_a_page_without_a_rare_character(path: Path) -> None:
    for text in (read_text(path), *read_text(path).splitlines()):
        if normalize_module._rare_char().search(text):
            continue
        buf = normalize_module._Buffer.of(text)
        for step in _RARE_STEPS:
            getattr(normalize_module, step)(buf)
        normalize_module._convert_traditional(buf)
        assert buf.text == text
        assert list(buf.starts) == list(range(len(text)))
