"""metadata: headline, the article's own date, outlet, author and dateline."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangmu_extract.metadata import Metadata, extract_metadata
from xiangmu_extract.normalize import normalize
from xiangmu_extract.reader import read_text

DEV_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

PROSE = (
    "福建省重点项目建设持续推进,一批产业项目相继开工,"
    "总投资超过百亿元,为全年经济发展奠定了坚实基础。"
)


def metadata_of(original: str) -> Metadata:
    return extract_metadata(normalize(original))


def value(meta: Metadata, name: str) -> str | None:
    field = getattr(meta, name)
    return None if field is None else str(field.value)


# title, publish_date, media of the dev pages (as in data/gold).
DEV_PAGES = [
    ("000_c2cdb5c9962ffc8f", "锚定“项目为王”为新征程蓄积新动能", "2022-02-24", "余杭晨报"),
    ("001_a608d7819f00ea86", None, None, "嘉兴日报"),
    ("002_2c39f0067748cac1", "嘉兴市举行2022年度第一次“互学互比互赛”", "2022-05-07", "嘉兴日报"),
    (
        "003_ce91488c06137e30",
        "杭州湾上虞经开区:打好四大行动攻坚战夯实高质量发展根基",
        "2024-09-26",
        "杭州厂房网",
    ),
    ("004_9de62cc38ab78860", None, None, None),
    ("d01", "成都农业开门红 今年主打“高大上”", None, None),
    ("d02", "贵州雷山县茶叶开发产业化 有效推动茶产业发展", "2016-08-11", None),
    ("d03", "三大药业项目陇西同时开工", None, "每日甘肃网"),
    ("d04", "尉犁县国家级现代农业产业园项目开工建设", "2022-12-05", "高新院"),
    ("d05", None, None, None),
    ("d06", "总投资80亿元!团风伟鹏文旅康养生态城项目开工", None, "湖北日报"),
    ("d07", "十三五”期间楚雄市文化旅游业将实施大项目拉动大增长战略", "2016-03-31", None),
    ("d08", None, None, None),
    ("d09", "泉州加快教育提质扩容 一批优质校今明两年投入使用", "2021-03-15", "泉州晚报"),
    (
        "d10",
        "哈城投集团发力旅游文化产业 推进花园街历史文化街区改造项目整体招商",
        "2017-05-16",
        None,
    ),
    ("d11", "七十团发展农产品加工提升附加值", "2015-09-15", None),
    ("d12", "总投入超过50亿元,宜宾最大规模投入建设一批市级公立医院", "2021-06-16", None),
]


@pytest.mark.parametrize(
    ("page", "title", "publish_date", "media"), DEV_PAGES, ids=[row[0] for row in DEV_PAGES]
)
def test_dev_page_metadata(
    page: str, title: str | None, publish_date: str | None, media: str | None
) -> None:
    meta = extract_metadata(normalize(read_text(DEV_RAW / f"{page}.txt")))
    assert (value(meta, "title"), value(meta, "publish_date"), value(meta, "media")) == (
        title,
        publish_date,
        media,
    )


@pytest.mark.parametrize(
    ("page", "author", "dateline"),
    [
        ("000_c2cdb5c9962ffc8f", "俞杰", None),
        ("002_2c39f0067748cac1", "裘建锋", None),
        ("d01", "张彧希", "02-03"),
        ("d03", "庄俊康", "10-12"),
        ("d06", "柯利华", None),
        ("d08", None, "05-25"),
        ("d10", "张旭升", None),
        ("d05", None, None),
        pytest.param(
            "004_9de62cc38ab78860",
            "侯琪琳",
            None,
            marks=pytest.mark.xfail(strict=True, reason="a reporter named at the article's end"),
        ),
    ],
)
def test_dev_page_author_and_dateline(page: str, author: str | None, dateline: str | None) -> None:
    meta = extract_metadata(normalize(read_text(DEV_RAW / f"{page}.txt")))
    assert (value(meta, "author"), value(meta, "dateline")) == (author, dateline)


@pytest.mark.parametrize("page", [row[0] for row in DEV_PAGES])
def test_spans_point_at_the_text_read(page: str) -> None:
    nt = normalize(read_text(DEV_RAW / f"{page}.txt"))
    meta = extract_metadata(nt)
    if meta.title is not None:
        assert nt.text[meta.title.start : meta.title.end] == meta.title.value.replace(" ", "")
    if meta.media is not None:
        assert nt.text[meta.media.start : meta.media.end] == meta.media.value
    if meta.publish_date is not None:
        span = nt.text[meta.publish_date.start : meta.publish_date.end]
        assert span[:1].isdigit() and span[-1:] in "0123456789日"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "福州一批重大项目集中开工\n2024-11-18 10:02:11 来源:中国新闻网\n"
            f"中新社福州10月29日电(记者 张三){PROSE}",
            ("福州一批重大项目集中开工", "2024-10-29", "中国新闻网", "张三", "10-29"),
            id="agency-dateline-on-dated-page",
        ),
        pytest.param(
            f"福州一批重大项目集中开工\n中新社福州10月29日电(记者 张三){PROSE}",
            ("福州一批重大项目集中开工", None, "中新社", "张三", "10-29"),
            id="agency-dateline-no-year",
        ),
        pytest.param(
            f"新华社北京2022年3月5日电 {PROSE}",
            (None, "2022-03-05", "新华社", None, "03-05"),
            id="xinhua-dateline-with-year",
        ),
        pytest.param(
            f"项目集中开工仪式举行\n发布时间:2025-01-03\n中新网上海12月30日电 {PROSE}",
            ("项目集中开工仪式举行", "2024-12-30", "中新网", None, "12-30"),
            id="dateline-in-the-year-before",
        ),
        pytest.param(
            f"项目集中开工仪式举行\n发布日期:2023-5-6\n中新网5月2日电 {PROSE}",
            ("项目集中开工仪式举行", "2023-05-02", "中新网", None, "05-02"),
            id="dateline-without-place",
        ),
        pytest.param(
            f"陇西项目开工\n每日甘肃网陇西10月12日讯(甘肃经济日报记者 庄俊康 丁陆军){PROSE}",
            ("陇西项目开工", None, "每日甘肃网", "庄俊康", "10-12"),
            id="regional-site-dateline",
        ),
        pytest.param(
            f"某某项目开工\n本报讯 (记者 李四) 3月8日上午,{PROSE}",
            ("某某项目开工", None, None, "李四", "03-08"),
            id="benbaoxun-is-not-media",
        ),
        pytest.param(
            f"某某项目开工建设\n来源:人民网-人民日报 2022年12月05日 08:21\n{PROSE}",
            ("某某项目开工建设", "2022-12-05", "人民网", None, None),
            id="source-with-written-date",
        ),
        pytest.param(
            f"某某项目开工建设\n日期:2022年12月5日\n{PROSE}",
            ("某某项目开工建设", "2022-12-05", None, None, None),
            id="labelled-written-date",
        ),
        pytest.param(
            f"宜宾市医院项目加快建设\n2021/06/16 15:18:22  来源:宜宾新闻网\n{PROSE}",
            ("宜宾市医院项目加快建设", "2021-06-16", "宜宾新闻网", None, None),
            id="slash-date",
        ),
        pytest.param(
            f"某某项目开工建设\n二〇二二年二月二十四日\n{PROSE}",
            ("某某项目开工建设", "2022-02-24", None, None, None),
            id="chinese-numeral-date",
        ),
        pytest.param(
            f"某某项目开工建设\n2022-02-24 来源:网络\n{PROSE}",
            ("某某项目开工建设", "2022-02-24", None, None, None),
            id="source-network-is-not-media",
        ),
        pytest.param(
            f"某某项目开工建设\n文章来源:浙江日报 作者:张三 2022-02-24\n{PROSE}",
            ("某某项目开工建设", "2022-02-24", "浙江日报", "张三", None),
            id="article-source-and-author",
        ),
        pytest.param(
            f"稿源:绍兴日报 编辑:王五\n{PROSE}",
            (None, None, "绍兴日报", None, None),
            id="gaoyuan",
        ),
        pytest.param(
            f"嘉興日報 · 記者 裘建鋒 | 發佈時間2022-05-07 09:23:18\n{PROSE}",
            (None, "2022-05-07", "嘉兴日报", "裘建锋", None),
            id="byline-outlet",
        ),
        pytest.param(
            f"锚定项目为王_杭州网\n{PROSE}",
            ("锚定项目为王", None, None, None, None),
            id="site-suffix-of-html-title",
        ),
        pytest.param(
            "<html><head><title>锚定项目为王_杭州网</title></head><body><h1>锚定项目为王</h1>"
            "<div class=info>发布时间:2022-02-24 09:15 <span>来源:余杭晨报</span></div>"
            f"<p>{PROSE}</p></body></html>",
            ("锚定项目为王", "2022-02-24", "余杭晨报", None, None),
            id="html-page",
        ),
        pytest.param(
            f"{PROSE}\n2023-08-218月19日,在河南省第十四届运动会现场,观众席上不时爆发出喝彩声。\n2023-08-19",
            (None, None, None, None, None),
            id="teaser-dates-are-not-the-article-date",
        ),
        pytest.param(
            f"某某项目开工建设\n{PROSE}\n发布时间:2022-03-01 来源:XX日报",
            ("某某项目开工建设", "2022-03-01", "XX日报", None, None),
            id="date-line-at-the-bottom",
        ),
        pytest.param(
            f"某某项目开工建设\n{PROSE}\n本文由杭州厂房网发布,如需转载请注明出处。",
            ("某某项目开工建设", None, "杭州厂房网", None, None),
            id="published-by",
        ),
        pytest.param(
            f"新用户登录后自动创建账号\n{PROSE}\n*本文来源:湖北日报,作者:柯利华,原标题:《团风项目开工》。",
            ("团风项目开工", None, "湖北日报", "柯利华", None),
            id="original-title-fallback",
        ),
        pytest.param(
            f"2022-02-20 旧闻一\n2022-02-21 旧闻二\n2022-02-22 旧闻三\n某某项目开工建设\n{PROSE}",
            ("某某项目开工建设", None, None, None, None),
            id="a-list-of-dates-is-not-a-date-line",
        ),
        pytest.param(
            f"某某项目开工建设\n发布时间:2022-03-01\n{PROSE}\n相关文章\n来源:其他日报\n原标题:别的文章",
            ("某某项目开工建设", "2022-03-01", None, None, None),
            id="related-list-never-counts",
        ),
        pytest.param(
            f"新征程 新气象 新作为\n发布时间:2022-03-01\n{PROSE}",
            ("新征程 新气象 新作为", "2022-03-01", None, None, None),
            id="headline-with-spaces",
        ),
    ],
)
def test_synthetic_headers(page: str, expected: tuple[str | None, ...]) -> None:
    meta = metadata_of(page)
    names = ("title", "publish_date", "media", "author", "dateline")
    assert tuple(value(meta, name) for name in names) == expected


def test_empty_page() -> None:
    assert metadata_of("") == Metadata(None, None, None, None, None)
