"""The HTML reports at the markup level: highlighting, escaping, self-containment, the
numbers in the charts, and the grouping keys they use (the browser tests are in
test_browser.py)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report_samples import RAW, XSS_IMG, XSS_SCRIPT, build_dev_db, build_evil_db, evil_article
from xiangmu_extract.charts import Bar, bar_chart, format_number, nice_ticks
from xiangmu_extract.frames import read_database
from xiangmu_extract.labels import LabeledMention
from xiangmu_extract.models import Document, Project
from xiangmu_extract.pipeline import extract
from xiangmu_extract.reader import read_text
from xiangmu_extract.report_article import highlight, render_article_report
from xiangmu_extract.report_database import read_snapshot, render_database_report
from xiangmu_extract.report_groups import NO_PRODUCT, find_province, product_family
from xiangmu_extract.report_page import json_script


def _m(label: str, start: int, end: int, text: str) -> LabeledMention:
    return LabeledMention(label, start, end, text[start:end], text[start:end], None, ((0, "x"),))  # type: ignore[arg-type]


def _brackets(markup: str) -> str:
    """Highlight markup in a readable form: ``[LABEL text]``; ``[LABEL+ …]`` for the
    continuation of a mention that crosses the end of another."""
    markup = re.sub(r'<mark class="m m-(\w+) cont"[^>]*>', r"[\1+ ", markup)
    markup = re.sub(r'<mark class="m m-(\w+)"[^>]*>', r"[\1 ", markup)
    return markup.replace("</mark>", "]")


TEXT = "浙江余杭区年产4000吨钎焊材料项目总投资3亿元"


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("在余杭区建设", [("LOCATION", 1, 4)], "在[LOCATION 余杭区]建设"),
        # a place inside a project name: nested marks
        (
            TEXT,
            [("PROJECT", 2, 18), ("LOCATION", 2, 5), ("MONEY", 21, 24)],
            "浙江[PROJECT [LOCATION 余杭区]年产4000吨钎焊材料项目]总投资[MONEY 3亿元]",
        ),
        # a capacity inside the name, ending where the name ends: both close there
        (
            TEXT,
            [("PROJECT", 5, 18), ("CAPACITY", 5, 12)],
            "浙江余杭区[PROJECT [CAPACITY 年产4000吨]钎焊材料项目]总投资3亿元",
        ),
        # crossing spans: the second is split, its continuation marked
        (
            "甲乙丙丁戊",
            [("COMPANY", 0, 3), ("LOCATION", 2, 5)],
            "[COMPANY 甲乙[LOCATION 丙]][LOCATION+ 丁戊]",
        ),
        # one span, two labels: both marks, nested
        ("济源市", [("LOCATION", 0, 3), ("COMPANY", 0, 3)], "[COMPANY [LOCATION 济源市]]"),
        # markup in the text is text
        (
            f"a{XSS_SCRIPT}b",
            [("PROJECT", 0, 1)],
            "[PROJECT a]&lt;script&gt;alert(1)&lt;/script&gt;b",
        ),
        ("a&b", [], "a&amp;b"),
        # a span outside the text is ignored, not fatal
        ("短文", [("DATE", 1, 9)], "短文"),
    ],
)
def test_highlight(text: str, spans: list[tuple[str, int, int]], expected: str) -> None:
    mentions = [_m(label, s, e, text) for label, s, e in spans]
    assert _brackets(highlight(text, mentions)) == expected


def test_highlight_anchor_on_first_piece_only() -> None:
    text = "甲乙丙丁戊"
    markup = highlight(text, [_m("COMPANY", 0, 3, text), _m("LOCATION", 2, 5, text)])
    assert markup.count('id="m-2-5"') == 1
    assert markup.count('data-m="m-2-5"') == 2


@pytest.mark.parametrize(
    ("data", "must_not_contain", "must_contain"),
    [
        ({"t": XSS_SCRIPT}, "</script><", "\\u003c/script\\u003e"),
        ({"t": "a&b"}, "a&b", "a\\u0026b"),
        ({"t": "<!--"}, "<!--", "\\u003c!--"),
    ],
)
def test_json_script_cannot_break_out(
    data: dict[str, str], must_not_contain: str, must_contain: str
) -> None:
    block = json_script("d", data)
    inner = block.removeprefix('<script type="application/json" id="d">').removesuffix("</script>")
    assert must_not_contain not in inner
    assert must_contain in inner
    assert json.loads(inner) == data


# -- charts -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("top", "integer", "expected"),
    [
        (361.42, False, [0, 100, 200, 300, 400]),
        (11, True, [0, 5, 10, 15]),
        (3, True, [0, 1, 2, 3]),
        (0.0142, False, [0, 0.005, 0.01, 0.015]),
        (2340000, False, [0, 500000, 1000000, 1500000, 2000000, 2500000]),
        (0, False, [0, 1]),
    ],
)
def test_nice_ticks(top: float, integer: bool, expected: list[float]) -> None:
    assert nice_ticks(top, integer=integer) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(361.42, "361.42"), (3.0, "3"), (208700, "208,700"), (0.0142, "0.01"), (12.6, "12.6")],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_bar_chart_writes_values_and_escapes_labels() -> None:
    bars = [Bar("浙江", 361.42, "361.42"), Bar(XSS_IMG, 2, "2")]
    for orientation in ("horizontal", "vertical"):
        svg = bar_chart(
            bars,
            chart_id="c",
            title=XSS_SCRIPT,
            value_axis="亿元",
            category_axis="province",
            orientation=orientation,
        )
        assert re.findall(r'class="value"[^>]*>([^<]*)<', svg) == ["361.42", "2"]
        assert re.findall(r'data-value="([^"]*)"', svg) == ["361.42", "2"]
        assert "<img" not in svg and "<script" not in svg
        assert ">亿元<" in svg and ">province<" in svg


def test_empty_chart_says_so() -> None:
    assert "no data" in bar_chart([], chart_id="c", title="t", value_axis="v", category_axis="c")


# -- grouping keys --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("浙江省杭州市",), "浙江"),
        (("泉州市洛江区阳江新城",), "福建"),
        (("云南楚雄",), "云南"),
        (("宜宾临港经济技术开发区",), "四川"),
        (("大连市中山区",), "辽宁"),
        (("海南州共和县",), "青海"),
        (("海南省海口市",), "海南"),
        (("新疆生产建设兵团第四师",), "新疆"),
        (("天府新区",), "四川"),
        (("哈尔滨市",), "黑龙江"),
        (("济源",), "河南"),
        ((None, "宜宾市中医医院医技大楼项目"), "四川"),
        (("七十团", "冀沧果蔬包装制品项目"), None),
        (("", None), None),
        pytest.param(
            ("余杭区",),
            "浙江",
            marks=pytest.mark.xfail(strict=True, reason="county-level places are not listed"),
        ),
        pytest.param(
            ("中山区",),
            "辽宁",
            marks=pytest.mark.xfail(strict=True, reason="district names shared by cities"),
        ),
    ],
)
def test_find_province(texts: tuple[str | None, ...], expected: str | None) -> None:
    assert find_province(*texts) == expected


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("锂离子动力电池", "新能源与电池"),
        ("高效电池组件", "新能源与电池"),
        ("鸡蛋制品", "农产品与食品"),
        ("面条类产品", "农产品与食品"),
        ("冀沧果蔬包装制品", "纸与包装"),
        ("商品猪", "畜牧与水产"),
        ("新型绿色钎焊材料", "化工与材料"),
        ("HNBR(氢化丁腈橡胶)", "化工与材料"),
        ("气瓶", "机械与装备"),
        ("显示面板", "电子与半导体"),
        ("配方颗粒", "医药与医疗"),
        ("小商品", "other"),
        (None, NO_PRODUCT),
        pytest.param(
            "光伏玻璃",
            "新能源与电池",
            marks=pytest.mark.xfail(strict=True, reason="the head word wins: 玻璃 -> 建材"),
        ),
    ],
)
def test_product_family(product: str | None, expected: str) -> None:
    assert product_family(product) == expected


# -- the article page -----------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of ``page`` as a browser's tokenizer sees it: (tag, attributes)."""
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _urls(page: str) -> list[str]:
    return re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', page)


@pytest.fixture(scope="module")
def article_page() -> tuple[Document, str]:
    path = RAW / "002_2c39f0067748cac1.txt"
    text = read_text(path)
    doc = extract(text, source=str(path))
    return doc, render_article_report(doc, text, source=str(path))


def test_article_page_links_every_value_to_a_mark(article_page: tuple[Document, str]) -> None:
    doc, page = article_page
    targets = [u for u in _urls(page) if u.startswith("#")]
    ids = set(re.findall(r'<mark [^>]*id="([^"]+)"', page))
    assert targets and {t[1:] for t in targets} <= ids
    names = [p.name_span for p in doc.projects if p.name_span]
    assert {f"#m-{s}-{e}" for s, e in names} <= set(targets)


def test_article_page_is_self_contained(article_page: tuple[Document, str]) -> None:
    _, page = article_page
    assert all(u.startswith("#") for u in _urls(page))
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in html.unescape(page)


def test_article_page_lists_warnings() -> None:
    text = "某某项目总投资3亿元"
    doc = Document(
        projects=[Project(name="某某项目", name_span=(0, 4))],
        warnings=["dropped investment: value must be greater than 0"],
    )
    page = render_article_report(doc, text, source="x.txt")
    assert "dropped investment: value must be greater than 0" in page
    assert "Warnings (1)" in page


def test_article_page_escapes_everything() -> None:
    doc, text = evil_article()
    page = render_article_report(doc, text, source=f"{XSS_IMG}.txt")
    tags = _elements(page)
    assert [a.get("type") for t, a in tags if t == "script"] == ["application/json", None]
    assert not [t for t, _ in tags if t == "img"]
    assert not [name for _, a in tags for name in a if name.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# -- the database page ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def dev_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_dev_db(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="module")
def evil_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_evil_db(tmp_path_factory.mktemp("evil"))


def _chart_values(page: str, chart_id: str) -> dict[str, float]:
    svg = re.search(rf'<svg class="chart" id="{chart_id}".*?</svg>', page, re.S)
    assert svg is not None
    return {
        label: float(value)
        for label, value in re.findall(r'data-label="([^"]*)" data-value="([^"]*)"', svg.group())
    }


def test_database_page_counts_and_table(dev_db: Path) -> None:
    page = render_database_report(dev_db)
    frame = read_database(dev_db)
    counts = dict(re.findall(r'data-count="(\w+)"><span class="n">(\d+)<', page))
    mentions = read_database(dev_db, mentions=True)
    assert counts == {
        "articles": "17",
        "projects": str(len(mentions)),
        "consolidated": str(len(frame)),
        "failures": "0",
    }
    assert page.count("<tr data-id=") == len(frame)


def test_database_page_status_chart_matches_the_data(dev_db: Path) -> None:
    page = render_database_report(dev_db)
    expected = read_database(dev_db)["status"].fillna("(unknown)").value_counts().to_dict()
    assert _chart_values(page, "chart-status") == {k: float(v) for k, v in expected.items()}


def test_database_page_investment_chart_adds_up(dev_db: Path) -> None:
    page = render_database_report(dev_db)
    frame = read_database(dev_db)
    total = frame.loc[frame["investment_currency"].fillna("CNY") == "CNY", "investment"].sum()
    assert sum(_chart_values(page, "chart-investment").values()) == pytest.approx(total / 1e8)


def test_database_page_month_chart_matches_the_data(dev_db: Path) -> None:
    page = render_database_report(dev_db)
    months = read_database(dev_db)["first_published"].dropna().str[:7].value_counts().to_dict()
    assert _chart_values(page, "chart-months") == {k: float(v) for k, v in months.items()}


def test_database_page_province_falls_back_to_the_article(dev_db: Path) -> None:
    snapshot = read_snapshot(dev_db)
    provinces = {p["name"]: p["province"] for p in snapshot.projects}
    assert provinces["浙江冠宇年产12.6GWh锂离子动力电池项目"] == "浙江"  # 海盐: its article
    assert provinces["团风伟鹏文旅康养生态城项目"] == "湖北"  # 团风: the outlet, 湖北日报


def test_database_page_escapes_and_links_sources(evil_db: Path) -> None:
    page = render_database_report(evil_db)
    tags = _elements(page)
    assert [a.get("type") for t, a in tags if t == "script"] == [None]  # the report script
    assert not [t for t, _ in tags if t in ("img", "b")]
    assert not [name for _, a in tags for name in a if name.startswith("on")]
    assert "javascript:" not in " ".join(_urls(page))
    assert 'href="https://example.com/news/1?a=1&amp;b=&lt;2&gt;"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;年产10万吨钢材项目开工" in page
    assert 'data-count="failures"><span class="n">1<' in page
    external = [u for u in _urls(page) if not u.startswith("#")]
    assert external == ["https://example.com/news/1?a=1&amp;b=&lt;2&gt;"]
