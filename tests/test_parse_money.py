"""Amounts of money as Chinese news writes them -> Money (xiangmu_extract.resolve.parse_money).

Qualifiers follow GOLD_SCHEMA Convention 5; categories of projects follow Convention 8.
"""

from __future__ import annotations

import pytest

from xiangmu_extract.numeric import find_money
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.resolve import parse_money

GAP = pytest.mark.xfail(strict=True, reason="known gap")


@pytest.mark.parametrize(
    ("text", "value", "currency", "qualifier", "written"),
    [
        # plain amounts, 元 / 万元 / 亿元 / 千万元 / 万亿元
        ("总投资142万元", 1_420_000, "CNY", "exact", "142万元"),
        ("总投资32亿元的彝人古镇", 3_200_000_000, "CNY", "exact", "32亿元"),
        ("项目总投资220亿元,建成后", 22_000_000_000, "CNY", "exact", "220亿元"),
        ("总投资1.42亿元的年产2000吨HNBR", 142_000_000, "CNY", "exact", "1.42亿元"),
        ("总投资213,654万元", 2_136_540_000, "CNY", "exact", "213,654万元"),
        ("343,688万元", 3_436_880_000, "CNY", "exact", "343,688万元"),
        ("概算总投资19153.98万元", 191_539_800, "CNY", "exact", "19153.98万元"),
        ("投资额5千万元", 50_000_000, "CNY", "exact", "5千万元"),
        ("全省完成投资1.2万亿元", 1_200_000_000_000, "CNY", "exact", "1.2万亿元"),
        ("奖励50000元", 50_000, "CNY", "exact", "50000元"),
        ("产值694万元", 6_940_000, "CNY", "exact", "694万元"),
        # Chinese numerals
        ("计划投资三千万元", 30_000_000, "CNY", "exact", "三千万元"),
        ("投资七百二十六亿元", 72_600_000_000, "CNY", "exact", "七百二十六亿元"),
        ("投资两亿元", 200_000_000, "CNY", "exact", "两亿元"),
        ("投资十亿元", 1_000_000_000, "CNY", "exact", "十亿元"),
        ("投资一千二百万元", 12_000_000, "CNY", "exact", "一千二百万元"),
        ("总投资三点五亿元", 350_000_000, "CNY", "exact", "三点五亿元"),
        # exact despite a cue word (可达/预计/将达/实现/概算)
        ("建成后预计年产值可达500亿元", 50_000_000_000, "CNY", "exact", "500亿元"),
        ("预计将实现年产值11.8亿元", 1_180_000_000, "CNY", "exact", "11.8亿元"),
        ("将达到30亿元", 3_000_000_000, "CNY", "exact", "30亿元"),
        ("医院临港院区项目投资概算28亿元", 2_800_000_000, "CNY", "exact", "28亿元"),
        ("金额达89.27亿元", 8_927_000_000, "CNY", "exact", "89.27亿元"),
        # at_least
        ("项目总投资3亿元以上,结合", 300_000_000, "CNY", "at_least", "3亿元以上"),
        ("3亿元以上", 300_000_000, "CNY", "at_least", "3亿元以上"),
        ("整个产值可以翻一番达到6亿多元", 600_000_000, "CNY", "at_least", "6亿多元"),
        ("投资1亿余元", 100_000_000, "CNY", "at_least", "1亿余元"),
        ("总投资10余亿元", 1_000_000_000, "CNY", "at_least", "10余亿元"),
        ("总投资20多亿元", 2_000_000_000, "CNY", "at_least", "20多亿元"),
        ("总投资超1亿元", 100_000_000, "CNY", "at_least", "超1亿元"),
        ("总投入超过50亿元", 5_000_000_000, "CNY", "at_least", "超过50亿元"),
        ("总投资逾10亿元", 1_000_000_000, "CNY", "at_least", "逾10亿元"),
        ("年纳税不低于1.5亿元", 150_000_000, "CNY", "at_least", "不低于1.5亿元"),
        ("年销售额不少于30亿元", 3_000_000_000, "CNY", "at_least", "不少于30亿元"),
        ("总投资达130亿元以上", 13_000_000_000, "CNY", "at_least", "130亿元以上"),
        ("年税收3300万元以上", 33_000_000, "CNY", "at_least", "3300万元以上"),
        ("投资突破100亿元", 10_000_000_000, "CNY", "at_least", "突破100亿元"),
        ("投资至少5亿元", 500_000_000, "CNY", "at_least", "至少5亿元"),
        # about
        ("项目概算总投资约1.3亿元", 130_000_000, "CNY", "about", "约1.3亿元"),
        ("第一年预计将实现产值近20亿元", 2_000_000_000, "CNY", "about", "近20亿元"),
        ("总投资大约8亿元", 800_000_000, "CNY", "about", "大约8亿元"),
        ("投资5亿元左右", 500_000_000, "CNY", "about", "5亿元左右"),
        ("投资额在2亿元上下", 200_000_000, "CNY", "about", "2亿元上下"),
        ("总投资约10亿元的TCE新型建材项目", 1_000_000_000, "CNY", "about", "约10亿元"),
        ("接近3000万元", 30_000_000, "CNY", "about", "接近3000万元"),
        # at_most
        ("投资控制在5000万元以内", 50_000_000, "CNY", "at_most", "5000万元以内"),
        ("投资不超过2亿元", 200_000_000, "CNY", "at_most", "不超过2亿元"),
        ("单价不高于3000元", 3_000, "CNY", "at_most", "不高于3000元"),
        ("补助200万元以下", 2_000_000, "CNY", "at_most", "200万元以下"),
        # 人民币 / RMB
        ("投资总额约人民币40000万元", 400_000_000, "CNY", "about", "约人民币40000万元"),
        ("人民币约3亿元", 300_000_000, "CNY", "about", "人民币约3亿元"),
        ("投资人民币3亿", 300_000_000, "CNY", "exact", "人民币3亿"),
        ("注册资本RMB 5000万元", 50_000_000, "CNY", "exact", "RMB 5000万元"),
        ("投资40000万元人民币", 400_000_000, "CNY", "exact", "40000万元人民币"),
        ("预计可实现产值1830万元(人民币)", 18_300_000, "CNY", "exact", "1830万元"),
        # other currencies
        ("完成实际利用外资2.97亿美元", 297_000_000, "USD", "exact", "2.97亿美元"),
        ("外商直接投资1.11亿美元", 111_000_000, "USD", "exact", "1.11亿美元"),
        ("投资5000万美金", 50_000_000, "USD", "exact", "5000万美金"),
        ("投资1.5亿欧元", 150_000_000, "EUR", "exact", "1.5亿欧元"),
        ("总投资20亿港元", 2_000_000_000, "HKD", "exact", "20亿港元"),
        ("总投资3亿港币", 300_000_000, "HKD", "exact", "3亿港币"),
        ("投资100亿日元", 10_000_000_000, "JPY", "exact", "100亿日元"),
        ("约2000万英镑", 20_000_000, "GBP", "about", "约2000万英镑"),
        # traditional characters and full-width digits (arbitrary user strings)
        ("總投資67億元", 6_700_000_000, "CNY", "exact", "67億元"),
        ("年納稅不低於1.5億元", 150_000_000, "CNY", "at_least", "不低於1.5億元"),
        ("投資２０億元", 2_000_000_000, "CNY", "exact", "２０億元"),
        ("投資3000萬元", 30_000_000, "CNY", "exact", "3000萬元"),
        ("兩億元", 200_000_000, "CNY", "exact", "兩億元"),
        ("總投資約２．５億元", 250_000_000, "CNY", "about", "約２．５億元"),
        pytest.param(
            "总投资20亿至30亿元", 2_000_000_000, "CNY", "at_least", "20亿至30亿元", marks=GAP
        ),
        pytest.param("投资1.5个亿", 150_000_000, "CNY", "exact", "1.5个亿", marks=GAP),
        pytest.param("投资US$500万", 5_000_000, "USD", "exact", "US$500万", marks=GAP),
    ],
)
def test_parse_money(text: str, value: float, currency: str, qualifier: str, written: str) -> None:
    money = parse_money(text)
    assert money is not None
    assert money.value == pytest.approx(value)
    assert (money.currency, money.qualifier) == (currency, qualifier)
    assert money.text == written
    assert money.span is not None
    assert text[money.span[0] : money.span[1]] == written


@pytest.mark.parametrize(
    "text",
    [
        "总投资上亿元的达20个",  # vague
        "投资数亿元",
        "投资几十亿元",
        "数十亿元",
        "十几亿元",
        "上百亿元",
        "亿元以上项目38个",  # no digits: a category word, not an amount
        "两个亿元项目花落天府新区",
        "同比增长24.1%",  # a percentage
        "签约项目32个",  # a bare number
        "2022年",
        "",
        "全力打造千亿元化工产业基地",
        "10亿元以上重大制造业项目",  # a category is not an amount
        "十亿元级项目",
        "多元化发展",  # 元 without an amount
        "统一元件",
    ],
)
def test_not_money(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("突出抓好78项10亿元以上省重大制造业项目建设", [True]),
        ("新排摸掌握5项10亿元以上重大制造业项目已全面开工", [True]),
        ("将10亿元以上重大制造业项目纳入", [True]),
        ("十亿元级项目", [True]),
        ("引进3000万元以上工业项目", [True]),
        ("2000万元规模以上企业", [True]),
        ("百亿元级产业集群项目", []),  # 百亿 is no amount at all (vague)
        ("总投资1.42亿元的年产2000吨HNBR(氢化丁腈橡胶)改造项目", [False]),
        ("项目总投资3亿元以上,结合信息化", [False]),
        ("投资3亿元的二期项目", [False]),
        ("总投资10亿元项目", [False]),  # no 以上/级/规模: an amount
    ],
)
def test_category(text: str, expected: list[bool]) -> None:
    assert [m.category for m in find_money(text)] == expected


def test_first_amount_wins_and_offsets_are_on_the_string() -> None:
    text = "总投资80亿元,占地近2000亩,年产值100亿元"
    money = parse_money(text)
    assert money is not None
    assert money.span == (3, 7)
    assert [m.value for m in find_money(text)] == [8e9, 1e10]


def test_find_money_on_a_paragraph() -> None:
    text = (
        "投资20亿元的豫光再生铅资源循环利用、投资52亿元的金利铅基多金属固废综合利用、"
        "投资10亿元的恒通生物降解塑料等项目竣工投产;投资105亿元的氢能综合利用示范园"
    )
    assert [(m.value, m.qualifier) for m in find_money(text)] == [
        (2e9, "exact"),
        (5.2e9, "exact"),
        (1e9, "exact"),
        (1.05e10, "exact"),
    ]


def _currency_words() -> list[tuple[str, str]]:
    pats = get_patterns()
    return [
        (word, code)
        for code in pats.words("money_currency_codes")
        for word in pats.words(f"money_cur_{code.lower()}")
    ]


@pytest.mark.parametrize(("word", "code"), _currency_words())
def test_every_currency_word_resolves(word: str, code: str) -> None:
    money = parse_money(f"投资5万{word}。")
    assert money is not None
    assert (money.value, money.currency) == (50_000, code)


def test_digits_of_other_scripts_are_read() -> None:
    # fold_text makes every decimal digit ASCII, as normalize does for whole articles
    for text in ("٣亿元", "३亿元", "𝟑亿元", "３亿元"):
        money = parse_money(text)
        assert money is not None and money.value == 3e8, text
        assert money.text == text
