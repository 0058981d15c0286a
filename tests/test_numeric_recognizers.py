"""Recognizers over whole texts (xiangmu_extract.numeric): capacities, overlap resolution,
offsets on the text, the dev articles, and inputs that must scan in linear time."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.mentions import MoneyMention
from xiangmu_extract.numeric import (
    find_capacities,
    find_dates,
    find_money,
    find_quantities,
    resolve_overlaps,
)
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.resolve import fold_text

GAP = pytest.mark.xfail(strict=True, reason="known gap")
RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cue + amount + product
        ("年产4000吨新型绿色钎焊材料智能制造建设项目", [(4000, "吨", "新型绿色钎焊材料", "年产")]),
        ("年产2000吨HNBR(氢化丁腈橡胶)改造项目", [(2000, "吨", "HNBR(氢化丁腈橡胶)", "年产")]),
        (
            "在嘉兴综合保税区内年加工生产20.87万吨面条类产品,建设",
            [(208_700, "吨", "面条类产品", "年加工生产")],
        ),
        ("达产后形成年产72万片功率晶片生产能力,在国内", [(720_000, "片", "功率晶片", "年产")]),
        ("建成后形成年产120000吨风电材料的生产能力", [(120_000, "吨", "风电材料", "年产")]),
        ("浙江冠宇年产12.6GWh锂离子动力电池项目", [(12.6, "GWh", "锂离子动力电池", "年产")]),
        ("产能可达到年产100万只气瓶,实现产值3亿元", [(1_000_000, "只", "气瓶", "年产")]),
        ("该养殖示范场建成达产后,年可出栏24万头商品猪。", [(240_000, "头", "商品猪", "年可出栏")]),
        ("雷山县年产5万公斤茶叶加工扩建项目", [(50_000, "公斤", "茶叶", "年产")]),
        ("年产1000台工程机械项目在滨海科技城落地开工", [(1000, "台", "工程机械", "年产")]),
        ("年产30万吨钢材项目已开工", [(300_000, "吨", "钢材", "年产")]),
        ("年产5000吨饲料已投产", [(5000, "吨", "饲料", "年产")]),
        ("年产50万套汽车零部件总投资10亿元", [(500_000, "套", "汽车零部件", "年产")]),
        ("建设年产3万吨锂电池正极材料生产线及配套设施", [(30_000, "吨", "锂电池正极材料", "年产")]),
        ("年产1.5万台(套)智能装备", [(15_000, "台", "智能装备", "年产")]),
        ("形成年产500万平方米玻璃的生产能力", [(5e6, "平方米", "玻璃", "年产")]),
        # cue + product + amount
        ("预计年处理中药材5000吨,", [(5000, "吨", "中药材", "年处理")]),
        ("年产配方颗粒10亿袋,可实现年产值10亿元", [(1e9, "袋", "配方颗粒", "年产")]),
        ("项目达产后可年产精制茶叶300吨", [(300, "吨", "精制茶叶", "年产")]),
        ("年可生产各类服装1000万件(套)", [(1e7, "件", "各类服装", "年可生产")]),
        ("年产新能源汽车10万辆", [(100_000, "辆", "新能源汽车", "年产")]),
        ("年出栏商品猪10万头。目前", [(100_000, "头", "商品猪", "年出栏")]),
        (
            "共在木兰县投资建设8个生猪全线养殖场,年可出栏生猪200万头",
            [(2e6, "头", "生猪", "年可出栏")],
        ),
        ("年产特殊医学用途食品2000万瓶生产项目", [(2e7, "瓶", "特殊医学用途食品", "年产")]),
        ("年屠宰生猪100万头", [(1e6, "头", "生猪", "年屠宰")]),
        ("年供应天然气1亿立方米", [(1e8, "立方米", "天然气", "年供应")]),
        # fillers, no product
        ("新建一条年产能15万吨的反刍专线", [(150_000, "吨", None, "年产能")]),
        ("年产能可达10万吨", [(100_000, "吨", None, "年产能")]),
        ("年处理能力达50万吨", [(500_000, "吨", None, "年处理能力")]),
        ("年发电量1.2亿千瓦时", [(1.2e8, "千瓦时", None, "年发电量")]),
        ("设计产能为年产30万吨", [(300_000, "吨", None, "年产")]),
        # coordinated amounts sharing one cue
        (
            "新增年产20GW高效电池和21GW高效电池组件生产线项目",
            [(20, "GW", "高效电池", "年产"), (21, "GW", "高效电池组件", "年产")],
        ),
        (
            "年产10万吨高端铝材、5万吨铝板带",
            [(100_000, "吨", "高端铝材", "年产"), (50_000, "吨", "铝板带", "年产")],
        ),
        (
            "年产5万吨饲料及1万吨添加剂",
            [(50_000, "吨", "饲料", "年产"), (10_000, "吨", "添加剂", "年产")],
        ),
        (
            "引进了年产2000万个冀沧果蔬包装制品、年产3000吨鸡蛋制品项目",
            [(2e7, "个", "冀沧果蔬包装制品", "年产"), (3000, "吨", "鸡蛋制品", "年产")],
        ),
        ("年出栏生猪10万头、存栏5万头", [(100_000, "头", "生猪", "年出栏")]),
        # not capacities
        ("年最大加工量可达到25万吨", []),
        ("规划床位1849床", []),
        ("存栏商品猪5万头", []),
        ("可实现年产值10亿元", []),
        ("产能利用率达80%", []),
        ("项目一期规划建设3条生产线", []),
        pytest.param("可生产名优绿茶5万公斤", [(50_000, "公斤", "名优绿茶", "")], marks=GAP),
        pytest.param("年产可降解塑料5万吨", [(50_000, "吨", "可降解塑料", "年产")], marks=GAP),
    ],
)
def test_find_capacities(text: str, expected: list[tuple[float, str, str | None, str]]) -> None:
    found = find_capacities(text)
    assert len(found) == len(expected)
    for c, (value, unit, product, cue) in zip(found, expected, strict=True):
        assert c.value == pytest.approx(value)
        assert (c.unit, c.product, c.cue) == (unit, product, cue)
    for c in found:
        if c.product is not None:
            assert c.start <= (c.product_start or 0) < (c.product_end or 0) <= c.end
            assert text[c.product_start : c.product_end] == c.product


def test_capacity_span_covers_cue_amount_and_product() -> None:
    text = "振石集团“年产120000吨风电材料建设项目”目前"
    (found,) = find_capacities(text)
    assert text[found.start : found.end] == "年产120000吨风电材料"


@pytest.mark.parametrize(
    ("spans", "kept"),
    [
        ([(0, 5), (3, 10)], [(3, 10)]),  # the longer wins
        ([(0, 5), (2, 4)], [(0, 5)]),  # a nested one is dropped
        ([(0, 3), (3, 6)], [(0, 3), (3, 6)]),  # touching is not overlapping
        ([(7, 9), (0, 2)], [(0, 2), (7, 9)]),  # sorted by start
        ([(0, 4), (0, 4)], [(0, 4)]),  # duplicates
        ([(0, 4), (2, 6)], [(0, 4)]),  # same length: the earlier wins
        ([], []),
    ],
)
def test_resolve_overlaps(spans: list[tuple[int, int]], kept: list[tuple[int, int]]) -> None:
    mentions = [MoneyMention(s, e, 1.0, "CNY", "exact") for s, e in spans]
    assert [(m.start, m.end) for m in resolve_overlaps(mentions)] == kept


def _dev_text(name: str) -> str:
    return fold_text((RAW / name).read_text(encoding="utf-8"))


# Facts of the dev articles (values from data/gold, typed in) that the recognizers must find.
@pytest.mark.parametrize(
    ("name", "family", "expected"),
    [
        ("000_c2cdb5c9962ffc8f.txt", "money", [3e8, 6e8, 3.3e7]),
        ("001_a608d7819f00ea86.txt", "money", [2.2e10, 1.42e8]),
        ("002_2c39f0067748cac1.txt", "money", [6.7e9, 3e8, 2.2e10, 7e9]),
        ("004_9de62cc38ab78860.txt", "money", [2.5e8, 5.2e9, 2e9, 1e9, 1.05e10, 3.2e9, 8e8]),
        ("d01.txt", "money", [3e9, 1.5e9, 5.2e8]),
        ("d07.txt", "money", [3.2e9, 2.05e9, 1.7e9, 1.5e9, 6e8, 5e8, 2e9, 5e9, 3e9]),
        ("d08.txt", "money", [2.13654e9]),
        ("d09.txt", "money", [1.3e8, 1.915398e8, 4e8, 1e8]),
        ("d12.txt", "money", [2.14e9, 2.8e9, 2.82e8]),
        ("d04.txt", "area", [14387, 2000, 5000, 7387]),
        ("d09.txt", "area", [25, 25846, 39416, 34190, 95.23, 117_000, 36_000]),
        ("d10.txt", "area", [103_000, 15_500]),
        ("d12.txt", "area", [355.91, 210_900, 162]),
        ("002_2c39f0067748cac1.txt", "capacity", [208_700, 12.6, 20, 21, 720_000, 120_000]),
        ("d03.txt", "capacity", [5000, 1e9]),
        ("d05.txt", "capacity", [240_000, 2e6, 100_000]),
        ("d11.txt", "capacity", [2e7, 3000, 150_000]),
    ],
)
def test_dev_article_facts_are_found(name: str, family: str, expected: list[float]) -> None:
    text = _dev_text(name)
    found: list[float]
    if family == "money":
        found = [m.value for m in find_money(text) if not m.category]
    elif family == "area":
        found = [q.value for q in find_quantities(text) if q.kind == "area"]
    else:
        found = [c.value for c in find_capacities(text)]
    for value in expected:
        assert value in [pytest.approx(v) for v in found]


@pytest.mark.parametrize(
    ("name", "reference", "expected"),
    [
        ("000_c2cdb5c9962ffc8f.txt", "2022-02-24", ["2021-06", "2022-06", "2022-12"]),
        (
            "002_2c39f0067748cac1.txt",
            "2022-05-07",
            ["2021-11-30", "2022-12", "2022-Q4", "2022-01", "2023-07", "2022-08", "2023-Q1"],
        ),
        ("d02.txt", "2016-08-11", ["2013-10", "2016-Q3"]),
        ("d09.txt", "2021-03-15", ["2021-Q1", "2022-H2", "2022-12", "2021", "2022"]),
        ("d12.txt", "2021-06-16", ["2020-12", "2022-12", "2020-01"]),
    ],
)
def test_dev_article_dates_are_found(name: str, reference: str, expected: list[str]) -> None:
    values = {d.value for d in find_dates(_dev_text(name), reference)}
    assert set(expected) <= values


@pytest.mark.parametrize("name", sorted(p.name for p in RAW.glob("*.txt")))
def test_results_are_sorted_and_disjoint_on_every_dev_article(name: str) -> None:
    text = _dev_text(name)
    for found in (
        find_money(text),
        find_quantities(text),
        find_capacities(text),
        find_dates(text, "2022-02-24"),
    ):
        spans = [(m.start, m.end) for m in found]
        assert spans == sorted(spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        assert all(0 <= s < e <= len(text) for s, e in spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1" * 1_000_000, 0),
        ("亿" * 1_000_000, 0),
        ("十" * 1_000_000, 0),
        ("约" * 1_000_000, 0),
        ("年产" * 500_000, 0),
        ("2021-" * 200_000, 0),
        ("1," * 500_000, 0),
        ("3亿元," * 200_000, 200_000),
    ],
)
def test_pathological_inputs_scan_and_stay_sane(text: str, expected: int) -> None:
    assert len(find_money(text)) == expected
    quantities = find_quantities(text)
    capacities = find_capacities(text)
    dates = find_dates(text, "2022-02-24")
    assert all(q.value > 0 for q in quantities)
    assert capacities == []
    assert all(d.value is None or d.value[:4].isdigit() for d in dates)


def _start_lists(fragment: str) -> list[str]:
    return [name for name in get_patterns().names()["lists"] if name.startswith(fragment)]


@pytest.mark.parametrize(
    ("start_fragment", "list_prefixes"),
    [
        ("num_start", ("num_pre_",)),
        ("money_start", ("num_pre_", "money_cny_prefixes")),
        (
            "date_start",
            (
                "date_year_minus",
                "date_year_this",
                "date_year_same",
                "date_year_plus",
                "date_month_prev",
                "date_month_this",
                "date_month_next",
                "date_half_",
                "date_quarter_",
            ),
        ),
    ],
)
def test_start_sets_admit_every_word(start_fragment: str, list_prefixes: tuple[str, ...]) -> None:
    pats = get_patterns()
    start = re.compile(pats.source(start_fragment))
    words = [w for p in list_prefixes for n in _start_lists(p) for w in pats.words(n)]
    assert words
    assert [w for w in words if not start.match(w)] == []


# Characters that amounts and dates are written with, and some that stand next to them.
_NUMERIC_ALPHABET = (
    "0123456789.,-—至 〇一二两三十百千万亿点"  # numbers, ranges
    "个元吨平方米年月日号季度第上下半今本"  # units, currencies, dates
    "约超以多余人民币RMB"  # qualifiers, the 人民币 prefix
)


@pytest.mark.parametrize(
    ("body", "no_start"),
    [
        ("money_amount_body", "num_no_start"),
        ("qty_amount_body", "num_no_start"),
        ("date_expression", "date_no_start"),
    ],
)
@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=_NUMERIC_ALPHABET, max_size=30))
def test_no_start_tests_only_skip_positions_where_nothing_starts(
    body: str, no_start: str, text: str
) -> None:
    pats = get_patterns()
    expression, skip = re.compile(pats.source(body)), re.compile(pats.source(no_start))
    skipped = [i for i in range(len(text)) if skip.match(text, i)]
    assert [i for i in skipped if expression.match(text, i)] == []


# Amounts next to digits, commas and points: a number is read whole or not at all.
@pytest.mark.parametrize(
    ("text", "money", "quantities"),
    [
        ("343,688万元", [(0, 9, 3_436_880_000)], []),
        ("1,2345万元", [(2, 8, 23_450_000)], []),
        ("1,234,567,890,123万元", [(0, 19, 1.234567890123e16)], []),
        ("12.5.3亿元", [], []),
        ("1.2.3万吨", [], []),
        ("人民币3亿多", [(0, 5, 300_000_000)], []),
        ("5千瓦", [], [(0, 3, 5)]),
        ("2022年5月投资3000万元", [(9, 15, 30_000_000)], []),
    ],
)
def test_amounts_next_to_digits_commas_and_points(
    text: str, money: list[tuple[int, int, float]], quantities: list[tuple[int, int, float]]
) -> None:
    assert [(m.start, m.end, m.value) for m in find_money(text)] == money
    assert [(q.start, q.end, q.value) for q in find_quantities(text)] == quantities


# -- a search limited to some lines -------------------------------------------------------
_PIECES = [
    *[
        "总投资",
        "约",
        "人民币",
        "3亿元",
        "以上",
        "5000亩",
        "10万平方米",
        "年产",
        "20GW",
        "高效电池",
    ],
    *["2021年6月", "至", "2022年", "去年", "底", "开工", ",", "和", "项目"],
]


def _within(found: list[Any], pos: int, endpos: int) -> list[Any]:
    return [m for m in found if pos <= m.start and m.end <= endpos]


@settings(max_examples=300, deadline=None)
@given(
    sentences=st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=5),
    breaks=st.lists(st.booleans(), min_size=5, max_size=5),
    data=st.data(),
)
def test_a_search_of_some_sentences_finds_what_the_whole_text_has_in_them(
    sentences: list[str], breaks: list[bool], data: st.DataObject
) -> None:
    # the linker looks for figures sentence by sentence, from a sentence's start to its end
    # (after its 。, before a line break): no figure runs across a 。
    ends = ["。\n" if b else "。" for b in breaks[: len(sentences)]]
    text = "".join(s + e for s, e in zip(sentences, ends, strict=True))
    starts = [
        0,
        *itertools.accumulate(len(s) + len(e) for s, e in zip(sentences, ends, strict=True)),
    ]
    first = data.draw(st.integers(0, len(sentences)))
    last = data.draw(st.integers(first, len(sentences)))
    pos = starts[first]
    endpos = max(pos, starts[last] - (last > 0 and ends[last - 1].endswith("\n")))
    assert find_money(text, pos, endpos) == _within(find_money(text), pos, endpos)
    assert find_quantities(text, pos, endpos) == _within(find_quantities(text), pos, endpos)
    assert find_capacities(text, pos, endpos) == _within(find_capacities(text), pos, endpos)
    dates = find_dates(text, "2023-05-01", pos, endpos)
    assert dates == _within(find_dates(text, "2023-05-01"), pos, endpos)
