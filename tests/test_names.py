"""Project names, companies and places found in single sentences (normalized text)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiled import sources_only
from xiangmu_extract import names
from xiangmu_extract.names import _is_number, find_names, find_orgs, find_phases, find_places
from xiangmu_extract.patterns import PatternError, plain

XFAIL = pytest.mark.xfail(strict=True)

# sentence -> the project names found (references and aggregates left out)
NAME_ROWS = [
    ("在钱江经济开发区的艾赛斯复合材料项目建设现场,机器轰鸣", ["艾赛斯复合材料项目"]),
    (
        "基于此项技术的华光新材“年产4000吨新型绿色钎焊材料智能制造建设项目”一标段联合厂房已经结顶",
        ["年产4000吨新型绿色钎焊材料智能制造建设项目"],
    ),
    (
        "总投资1.42亿元的年产2000吨HNBR(氢化丁腈橡胶)改造项目顺利开工建设",
        ["年产2000吨HNBR(氢化丁腈橡胶)改造项目"],
    ),
    (
        "平湖市对德马吉森精机五轴加工中心机床建设项目,在选址供地",
        ["德马吉森精机五轴加工中心机床建设项目"],
    ),
    (
        "秀洲区天鹅湖畔的浙江(嘉兴)长三角智慧产业园一期南区项目,是此次活动的第一站",
        ["浙江(嘉兴)长三角智慧产业园一期南区项目"],
    ),
    (
        "晶科能源“新增年产20GW高效电池和21GW高效电池组件生产线”项目的一二期工程都已全面开工",
        ["新增年产20GW高效电池和21GW高效电池组件生产线项目"],
    ),
    (
        "四川睿祥源实业集团有限公司投资30亿元在都江堰市向峨乡建设向峨国际猕猴桃风情小镇项目",
        ["向峨国际猕猴桃风情小镇项目"],
    ),
    (
        "分别是柏杨湖生态农庄和“云中漫步”山地观光度假休闲山庄",
        ["柏杨湖生态农庄", "云中漫步山地观光度假休闲山庄"],
    ),
    # a category running into the project name is not a project
    (
        "国家农业综合开发产业化经营2013年财政补助项目雷山县年产5万公斤茶叶加工扩建项目建设进展顺利",
        ["雷山县年产5万公斤茶叶加工扩建项目"],
    ),
    # enumerations: every item is a project, the shared head is added
    (
        "投资20亿元的豫光再生铅资源循环利用、投资52亿元的金利铅基多金属固废综合利用等项目竣工投产",
        ["豫光再生铅资源循环利用项目", "金利铅基多金属固废综合利用项目"],
    ),
    (
        "达成了疏水型纳米粉体、羟基磷灰石、空分气体岛等11个项目的签约意向",
        ["疏水型纳米粉体项目", "羟基磷灰石项目", "空分气体岛项目"],
    ),
    (
        "下月计划开工347国道团风段改建工程、华夏幸福团风产业新城医用氧气充装等重点项目",
        ["347国道团风段改建工程", "华夏幸福团风产业新城医用氧气充装项目"],
    ),
    (
        "该团今年引进了年产2000万个冀沧果蔬包装制品、年产3000吨鸡蛋制品项目及苍野保鲜库续建项目",
        ["年产2000万个冀沧果蔬包装制品项目", "年产3000吨鸡蛋制品项目", "苍野保鲜库续建项目"],
    ),
    (
        "康美甘肃陇西健康小镇、神威药业(甘肃)有限公司中药配方颗粒及中药大健康产业化建设项目、"
        "陇西仓储物流基地建设项目同时开工",
        [
            "康美甘肃陇西健康小镇",
            "中药配方颗粒及中药大健康产业化建设项目",
            "陇西仓储物流基地建设项目",
        ],
    ),
    ("今年,晶盛再次投资建设晶盛联合创新产业园,目前该项目也在推进当中", ["晶盛联合创新产业园"]),
    # generic and aggregate project words are not names
    ("突出抓好省市县长工程项目、百亿工业项目和亿元以上工业项目", []),
    ("我区梳理安排并入库了640个年度实施项目,新建184个,续建456个", []),
    ("聚焦省级重点项目,突出抓好78项10亿元以上省重大制造业项目建设", []),
    ("区发改局项目办主任李强告诉记者", []),
    pytest.param(
        "这里是联东U谷·上虞智造科技谷,旨在打造成为先进制造业集聚区",
        ["联东U谷·上虞智造科技谷"],
        marks=XFAIL,
        id="brand-name-without-head",
    ),
    pytest.param(
        "主要建设内容包括教学楼、办公综合楼及报告厅、体育馆等校舍",
        [],
        id="buildings-after-建设内容",
    ),
    pytest.param(
        "泉州五中桐林校区项目主要建设内容包括教学楼、综合楼、体育馆",
        ["泉州五中桐林校区项目"],
        id="the-project-before-建设内容-stays",
    ),
    pytest.param(
        "还有农旅项目、农业科技产业园项目都包含在其中",
        [],
        id="components-before-都包含在",
    ),
    pytest.param(
        "此次集中开工的项目包括晶科高效电池项目、天合光能组件项目等",
        ["晶科高效电池项目", "天合光能组件项目"],
        id="包括-after-a-class-lists-projects",
    ),
    pytest.param(
        "晶盛联合创新产业园,目前该项目涵盖金刚线项目、蓝宝石和碳化硅衬底片项目",
        ["晶盛联合创新产业园"],
        id="components-listed-after-涵盖",
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), NAME_ROWS)
def test_project_names(sentence: str, expected: list[str]) -> None:
    found = [m.name for m in find_names(sentence) if not m.reference and not m.aggregate]
    assert found == expected


def test_name_span_is_the_mention() -> None:
    sentence = "在钱江经济开发区的艾赛斯复合材料项目建设现场"
    (m,) = find_names(sentence, base=100)
    assert sentence[m.start - 100 : m.end - 100] == "艾赛斯复合材料项目"


# sentence -> (name, phase, parent) of the phase mention
PHASE_ROWS = [
    ("海宁晶科项目一期自去年签约后,一路全速推进", ("海宁晶科项目一期", "一期", "海宁晶科项目")),
    ("而今年启动的项目二期也在快马加鞭推进中", ("二期", "二期", None)),
    ("其中,一期项目已于今年1月投产", ("一期项目", "一期", None)),
]


@pytest.mark.parametrize(("sentence", "expected"), PHASE_ROWS)
def test_phases(sentence: str, expected: tuple[str, str, str | None]) -> None:
    names = find_names(sentence)
    mentions = [m for m in names + find_phases(sentence, 0, names) if m.phase]
    assert [(m.name, m.phase, m.parent) for m in mentions] == [expected]


def test_standalone_phase_at_clause_start() -> None:
    names = find_names("一期建设2000亩,计划投资2.5亿元")
    assert [m.phase for m in find_phases("一期建设2000亩,计划投资2.5亿元", 0, names)] == ["一期"]


def test_split_phase_is_not_a_phase() -> None:
    sentence = "此项目分三期实施"
    assert find_phases(sentence, 0, find_names(sentence)) == []


ORG_ROWS = [
    ("位于嘉兴港区的浙江赞昇新材料有限公司迎来了发展的新契机", ["浙江赞昇新材料有限公司"]),
    (
        "东莞市亿佰家企业投资管理有限公司总投资15亿元在彭州九尺镇建设",
        ["东莞市亿佰家企业投资管理有限公司"],
    ),
    ("神威药业(甘肃)有限公司中药配方颗粒项目", ["神威药业(甘肃)有限公司"]),
    ("由团风籍企业家喻鹏创立的伟鹏集团投资兴建", ["伟鹏集团"]),
]


@pytest.mark.parametrize(("sentence", "expected"), ORG_ROWS)
def test_orgs(sentence: str, expected: list[str]) -> None:
    assert [o.text for o in find_orgs(sentence)] == expected


PLACE_ROWS = [
    ("在钱江经济开发区的艾赛斯项目", ["钱江经济开发区"]),
    ("位于海宁黄湾镇的晶科项目", ["海宁黄湾镇"]),
    ("投资30亿元在都江堰市向峨乡建设", ["都江堰市向峨乡"]),
    ("该项目位于泉州市洛江区阳江新城", ["泉州市洛江区阳江新城"]),
    ("在嘉兴综合保税区内年加工生产面条", ["嘉兴综合保税区"]),
]


@pytest.mark.parametrize(("sentence", "expected"), PLACE_ROWS)
def test_places(sentence: str, expected: list[str]) -> None:
    assert [p.text for p in find_places(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "宜宾最大规模投入建设一批市级公立医院",
        "这批市级公立医院超过50亿元的投入",
        "多所学校开建,将在明年投用",
        "各市级卫生健康重点项目建设正在有序推进",
        "全市首批重大产业项目集中开工",
        "若干民生工程已经完工",
        "一系列基础设施项目相继落地",
    ],
)
def test_a_determiner_of_many_makes_a_class_not_a_project(sentence: str) -> None:
    assert [m.name for m in find_names(sentence) if not m.aggregate] == []


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # the project's own land and money: the name stays a name
        ("该公司半导体配套材料项目用地面积125.3亩", ["半导体配套材料项目"]),
        ("晶科高效电池组件生产线项目资金已全部到位", ["晶科高效电池组件生产线项目"]),
        # a register or an office of projects: not a name
        ("项目办一方面梳理制定项目进度表,明确关键节点", []),
        ("市重点项目办公室主任介绍", []),
    ],
)
def test_what_follows_the_head(sentence: str, names: list[str]) -> None:
    assert [m.name for m in find_names(sentence) if not m.reference] == names


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("荣获“长、大”三市建筑施工安全联检金牌工程", []),  # an award
        ("生产用办公楼及其附属工程正在施工建设", []),  # a part of the site
        ("室外管网工程和绿化工程同步推进", []),  # trades of one site
        ("污水处理厂提标改造工程正在施工", ["污水处理厂提标改造工程"]),
    ],
)
def test_awards_and_parts_before_a_bare_works_are_not_projects(
    sentence: str, names: list[str]
) -> None:
    assert [m.name for m in find_names(sentence)] == names


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("公司拟建设年产10万吨锂电池正极材料项目", ["年产10万吨锂电池正极材料项目"]),
        ("该公司拟新建年产5万吨饲料项目", ["年产5万吨饲料项目"]),
    ],
)
def test_a_verb_of_intent_is_not_part_of_the_name(sentence: str, names: list[str]) -> None:
    assert [m.name for m in find_names(sentence)] == names


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("询问了亚泰院区规划建设和医院工程建设情况", ["亚泰院区"]),  # hospital works in general
        ("加快学校工程建设", []),
        ("雷山县人民医院工程开工", ["雷山县人民医院工程"]),  # one hospital
    ],
)
def test_a_kind_of_facility_with_works_is_not_a_project(sentence: str, names: list[str]) -> None:
    assert [m.name for m in find_names(sentence)] == names


@settings(max_examples=300, deadline=None)
@given(word=st.text(st.sampled_from([*"0189.", "٣", "５", "一", "a", "-"]), max_size=5))
def test_a_number_word_is_what_the_number_regex_matches_whole(word: str) -> None:
    assert _is_number(word) is bool(re.fullmatch(r"[\d.]+", word))


def test_a_hint_looked_for_as_text_must_be_plain_text() -> None:
    assert plain("name_phase_hint") == "期"
    with pytest.raises(PatternError, match="name_phase: plain text expected"):
        plain("name_phase")


@sources_only
@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        st.sampled_from([*"公司集团研究所农场项目工程基地园区某市县的和、,。"]), max_size=16
    )
)
def test_a_sentence_without_a_head_or_suffix_word_is_not_segmented_for_nothing(
    text: str,
) -> None:
    # find_names and find_orgs return at once when the text has no head or suffix word: what
    # they would have found after segmenting it (the hint made to pass everything)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(names, "may_name_projects", lambda _text: True)
        mp.setattr(names, "may_name_orgs", lambda _text: True)
        expected = find_names(text), find_orgs(text)
    assert (find_names(text), find_orgs(text)) == expected
