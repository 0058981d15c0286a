"""boilerplate: which lines of a page are navigation, widgets, footers, related lists …"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.boilerplate import (
    boilerplate_flags,
    classify_line,
    classify_lines,
    needs_visual,
)
from xiangmu_extract.normalize import NormalizedText, normalize
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.reader import read_text

DEV_RAW = Path(__file__).resolve().parents[1] / "data" / "raw"

PROSE = "项目总投资3亿元以上,结合信息化和数字化工程建设,致力于打造国内钎焊材料智能制造示范项目。"


def kinds_of(nt: NormalizedText) -> list[str]:
    return [line.kind for line in nt.lines]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # navigation and breadcrumbs
        ("您的位置:首頁 > 浙江 > 嘉興 > 要聞 新聞詳情", "nav"),
        ("所在位置: 杭州网 > 热点专题 > 杭网聚焦", "nav"),
        ("当前位置:首页 > 杭州产业信息 > 正文内容", "nav"),
        ("您现在的位置是:首页 > 新闻中心", "nav"),
        ("首页>城投动态", "nav"),
        ("零零农业信息网 首页 > 价格行情 > 行情资讯 > 正文 返回 打印", "nav"),
        ("您所在的位置:东南网 > 东南网泉州频道 > 教育 > 正文", "nav"),
        ("新闻 » 国内 » 正文", "nav"),
        # menus: rows of short items, bullets, lone widget words
        ("最新原創 專題 新經濟 曝光臺 中國訪談 中國三分鐘 沖浪特殊資産 潮評社", "menu"),
        ("直通屏山| 视频| 福建| 时评| 台海| 娱乐| 体育| 国内", "menu"),
        ("校外培训 高考 中考 择校 房产税 贸易战", "menu"),
        ("· 城投动态", "menu"),
        ("返回", "menu"),
        ("推薦", "menu"),
        ("打赏", "menu"),
        ("首页 | 新闻 | 视频", "menu"),
        # share, print, login widgets
        ("分享到:", "widget"),
        ("分享给朋友:", "widget"),
        ("[复制链接]", "widget"),
        ("微信扫一扫,转发朋友圈", "widget"),
        ("已有 49 人转发至微信朋友圈", "widget"),
        ("用户登录", "widget"),
        ("立即注册", "widget"),
        ("还没有账号?", "widget"),
        ("新用戶登錄後自動創建賬號", "widget"),
        ("长按/扫一扫加葛毅明的微信号", "widget"),
        ("葛毅明微信号", "widget"),
        ("扫码关注我们的公众号", "widget"),
        ("【打印】 【关闭窗口】", "widget"),
        ("字号:大 中 小", "widget"),
        # counters
        ("阅读: 6165|评论: 0", "counter"),
        ("点击:次", "counter"),
        ("浏览次数:1234", "counter"),
        ("已有1234人阅读", "counter"),
        # file names and URLs
        ("20210616-13.jpeg", "file"),
        ("IMG_2033.JPG", "file"),
        ("附件.pdf", "file"),
        ("http://farm.00-net.com/hq/1/2016-08-11/hq_90453.html", "url"),
        ("原文链接:https://www.example.com/a.html", "url"),
        ("www.hrbct.cn", "url"),
        # footers: copyright, disclaimers, contacts
        ("版权声明:本文由杭州厂房网发布,如需转载请注明出处。部份内容收集于网络。", "footer"),
        ("本贴仅代表作者观点,与麻辣社区立场无关。", "footer"),
        ("麻辣社区平台所有图文、视频,未经授权禁止转载。", "footer"),
        ("新闻投稿:184042016@qq.com 新闻热线:13157110107", "footer"),
        ("或微信/手机:13391219793", "footer"),
        ("产业招商/厂房土地租售:400 0123 021", "footer"),
        ("Copyright © 2022 example.com All Rights Reserved", "footer"),
        ("浙ICP备12345678号-1", "footer"),
        ("免责声明:本站部分内容来源于网络,如有侵权请联系删除。", "footer"),
        ("本网站所刊登的信息,不代表本站观点。", "footer"),
        ("联系我们 | 关于我们 | 网站地图", "footer"),
        ("声明:该文观点仅代表作者本人,搜狐号系信息发布平台,搜狐仅提供信息存储空间服务。", "footer"),
        # source / author / editor lines
        ("来源:余杭晨报   作者:记者 俞杰   编辑:郑海云", "source"),
        ("來源:嘉興日報    | 撰稿:記者 裘建鋒    | 責編:陸姍姍    審核:張淵", "source"),
        (
            "*本文來源:湖北日報,作者:柯利華,原標題:《總投資80億元!團風偉鵬文旅康養生態城項目開工》。",
            "source",
        ),
        ("(原文標題:項目為王 逆風奔跑 我市舉行2022年度第一次“互學互比互賽”活動)", "source"),
        ("责任编辑:陈小妮", "source"),
        ("【责任编辑:张三】", "source"),
        ("文/记者 张三 图/通讯员 李四", "source"),
        ("作者:张旭升 2017-05-16 15:20", "source"),
        ("來源:高新院 achie.org 日期:2022-12-05 點擊:次", "source"),
        # the article's date line
        ("发布时间:2022-02-24 09:15:00", "date"),
        ("嘉興日報 · 記者 裘建鋒 | 發佈時間2022-05-07 09:23:18", "date"),
        ("admin1年前 (2024-09-26)杭州产业信息32", "date"),
        ("零零社区网友  2016-08-11  互联网", "date"),
        ("31.03.2016  10:59", "date"),
        ("发表于 2021-6-16 15:18 | 显示全部楼层 |阅读模式", "date"),
        ("2021-03-15 08:36:15  来源:泉州晚报  责任编辑:陈小妮   我来说两句", "date"),
        ("2022年02月24日 09:15", "date"),
        ("2023-08-19", "date"),
        # related-article teasers: a date stuck to the text
        (
            "2023-08-218月19日,在河南省第十四屆運動會青少年競技組乒乓球比賽現場,觀眾席上不時爆發出喝彩聲。",
            "teaser",
        ),
        ("2023-08-21訂鮮花、選禮物、看電影……", "teaser"),
        # article text stays body, whatever widget or footer words it has
        ("登錄2月23日上午,團風縣張金路兩側,總投資80億元的偉鵬文旅康養生態城項目正式開工。", "body"),
        ("丰泽区实验幼儿园光明城园区已竣工", "body"),
        ("多所学校开建 将在明年投用", "body"),
        ("高位推進 項目建設蹄疾步穩", "body"),
        ("【数据半年报】", "body"),
        ("<tr><td>某某产业园项目</td><td>3亿元</td><td>2022年3月</td></tr>", "body"),
        ("项目名称 建设地点 总投资 开工时间", "menu"),
        ("“零距离”纾困解难", "body"),
        ("2022年12月31日前完工", "body"),
        ("下一步,全区上下将进一步牢固树立项目意识,持续打好“项目牌”。", "body"),
        ("项目总投资3亿元以上,咨询电话0571-88888888。", "body"),
        ("未经许可擅自开工的项目将被依法查处。", "body"),
        ("记者:这个项目什么时候开工建设?", "body"),
        ("扫一扫就能看到项目进度,这是该区数字化改革的一个缩影。", "body"),
        ("相关新闻报道显示,该项目已完成投资5亿元。", "body"),
        ("編者按:今年初以來,嘉興深入貫徹落實黨中央國務院關於穩住經濟大盤的重大決策部署。", "body"),
        pytest.param(
            "从满目疮痍到青山绿岭——云南东川的绿色蝶变",
            "teaser",
            marks=pytest.mark.xfail(
                strict=True, reason="teaser headlines without a related-article heading"
            ),
            id="unheaded-teaser-headline",
        ),
        pytest.param(
            "请说明您的需求、用途、税收、公司、联系人、手机号,以便快速帮您对接资源。",
            "footer",
            marks=pytest.mark.xfail(strict=True, reason="advertising copy written as prose"),
            id="ad-prose",
        ),
    ],
)
def test_line_kind(line: str, kind: str) -> None:
    nt = normalize(line)
    assert kinds_of(nt) == [kind]
    assert [each.boilerplate for each in nt.lines] == [kind != "body"]


@pytest.mark.parametrize(
    "heading",
    [
        "相关文章",
        "相关阅读",
        "相关新闻",
        "推荐阅读",
        "延伸阅读",
        "热门推荐",
        "猜你喜欢",
        "【相关推荐】",
        "上一篇:三门县招商引资“半年报”出炉",
        "下一篇",
        "您可能感兴趣的文章",
        "网友评论",
    ],
)
def test_related_heading_marks_the_rest(heading: str) -> None:
    nt = normalize(f"标题\n{PROSE}\n{heading}\n{PROSE}\n另一篇文章的标题\n2023-08-19")
    assert kinds_of(nt) == ["body", "body", "related", "related", "related", "related"]


def test_related_heading_before_the_article_marks_only_itself() -> None:
    nt = normalize(f"热门推荐\n{PROSE}\n{PROSE}")
    assert kinds_of(nt) == ["nav", "body", "body"]


def test_menu_written_one_item_per_line() -> None:
    nt = normalize(f"首页\n新闻\n视频\n专题\n{PROSE}\n保持定力\n推进制造业投资\n{PROSE}")
    assert kinds_of(nt) == ["menu", "menu", "menu", "menu", "body", "body", "body", "body"]


def test_classify_line_without_visual_text() -> None:
    assert classify_line("发布时间:2022-02-24 09:15:00") == "date"
    assert classify_line(PROSE) == "body"
    assert classify_line("相关文章") == "related"


def test_flags_match_kinds() -> None:
    texts = ["返回", PROSE, "相关文章", "一篇旧闻"]
    assert classify_lines(texts) == ["menu", "body", "related", "related"]
    assert boilerplate_flags(texts) == [True, False, True, True]


def test_texts_and_visual_must_align() -> None:
    with pytest.raises(ValueError, match="same number"):
        classify_lines(["a", "b"], ["a"])


def test_page_003_related_articles_are_boilerplate() -> None:
    nt = normalize(read_text(DEV_RAW / "003_ce91488c06137e30.txt"))
    texts = [nt.line_text(line) for line in nt.lines]
    heading = texts.index("相关文章")
    assert texts[heading - 1] == "分享给朋友:"
    assert all(line.boilerplate for line in nt.lines[heading - 1 :])
    assert {line.kind for line in nt.lines[heading:]} == {"related"}
    assert not nt.lines[heading - 20].boilerplate


@pytest.mark.parametrize(
    ("page", "boilerplate_lines"),
    [
        (
            "000_c2cdb5c9962ffc8f",
            [
                "返回",
                "所在位置:杭州网>热点专题>杭网聚焦",
                "发布时间:2022-02-24 09:15:00",
                "来源:余杭晨报作者:记者俞杰编辑:郑海云",
            ],
        ),
        ("d08", ["用户登录", "还没有账号?", "立即注册"]),
        (
            "d12",
            [
                "校外培训高考中考择校房产税贸易战",
                "阅读: 6165|评论: 0",
                "[复制链接]",
                "发表于2021-6-16 15:18 |显示全部楼层|阅读模式",
                "20210616-13.jpeg",
                "打赏",
                "微信扫一扫,转发朋友圈",
                "已有49人转发至微信朋友圈",
                "本贴仅代表作者观点,与麻辣社区立场无关。",
                "麻辣社区平台所有图文、视频,未经授权禁止转载。",
                "本贴仅代表作者观点,与麻辣社区立场无关。麻辣社区平台所有图文、视频,未经授权禁",
            ],
        ),
        (
            "004_9de62cc38ab78860",
            [
                "2023-08-218月19日,在河南省第十四届运动会青少年竞技组乒乓球比赛现场,数十个球桌上,乒乓球上下翻飞,"
                "观众席上不时爆发出喝彩声。",
                "2023-08-218月18日,坡头镇佛涧村“红十字博爱卫生站”启用。这在济源尚属首家,旨在改善该村的医疗卫生条件。",
                "2023-08-21订鲜花、选礼物、看电影……虽然七夕节尚未到来,但是不少人已经开始提前准备,"
                "济源大街小巷处处弥漫著温馨浪漫的气息。",
                "2023-08-218月18日,示范区党工委书记、市委书记庄建球调研城市更新项目推进情况。他强调,"
                "要深入学习贯彻习近平总书记关于城市工作的重要论述,坚持以人民为中心的发展思想,强化规划引领,"
                "深入实施城市更新行动,不断提升城市发展质量,加快建设绿色低碳高品质的现代化城市。",
                "2023-08-19",
            ],
        ),
        ("d05", []),
    ],
)
def test_boilerplate_lines_of_dev_pages(page: str, boilerplate_lines: list[str]) -> None:
    nt = normalize(read_text(DEV_RAW / f"{page}.txt"))
    assert [nt.line_text(line) for line in nt.lines if line.boilerplate] == boilerplate_lines


# Gold project names that the dev pages write verbatim.
PROJECT_NAMES = [
    ("000_c2cdb5c9962ffc8f", ["艾赛斯复合材料项目", "年产4000吨新型绿色钎焊材料智能制造建设项目"]),
    (
        "001_a608d7819f00ea86",
        ["晶科高效电池组件生产线项目", "海宁晶科项目一期", "年产2000吨HNBR(氢化丁腈橡胶)改造项目"],
    ),
    (
        "002_2c39f0067748cac1",
        [
            "浙江(嘉兴)长三角智慧产业园一期南区项目",
            "克明面业华东生产基地项目",
            "浙江冠宇年产12.6GWh锂离子动力电池项目",
            "信创电梯产业园项目",
            "德马吉森精机五轴加工中心机床建设项目",
            "高压特色工艺功率晶片和SiC晶片研发及产业化项目",
            "年产120000吨风电材料建设项目",
        ],
    ),
    (
        "003_ce91488c06137e30",
        [
            "晶盛联合创新产业园",
            "半导体配套材料项目",
            "高分子医疗耗材产业园项目",
            "联东U谷·上虞智造科技谷",
            "污水管道、蒸汽管道敷设",
            "管架工程",
        ],
    ),
    (
        "004_9de62cc38ab78860",
        [
            "济源纳米材料产业园三期项目",
            "济源产教融合园区基础设施建设项目(一期)",
            "高新电子产业园项目",
            "金利铅基多金属循环利用项目",
        ],
    ),
    (
        "d01",
        [
            "向峨国际猕猴桃风情小镇项目",
            "亿佰家四川彭州(九尺)冷链物流产业园项目",
            "蒲江县“中国西部水果交易市场”项目",
            "柏杨湖生态农庄",
            "“云中漫步”山地观光度假休闲山庄",
        ],
    ),
    ("d02", ["雷山县年产5万公斤茶叶加工扩建项目"]),
    (
        "d03",
        [
            "康美甘肃陇西健康小镇",
            "神威药业(甘肃)有限公司中药配方颗粒及中药大健康产业化建设项目",
            "陇西仓储物流基地建设项目",
        ],
    ),
    ("d04", ["尉犁县国家级现代农业产业园项目"]),
    (
        "d05",
        [
            "牧原农牧生猪养殖示范场项目",
            "牧原农牧生猪养殖示范场项目二期工程",
            "吉兴乡生猪养殖示范场",
        ],
    ),
    ("d06", ["伟鹏文旅康养生态城项目", "347国道团风段改建工程"]),
    (
        "d07",
        [
            "彝人古镇文化旅游景区建设项目",
            "西南(楚雄)义乌商品交易博览城项目",
            "云南楚雄高原体育训练基地建设项目",
            "泽龙生态旅游农庄项目",
            "天行健•彝天地旅游文化综合体建设项目",
            "中国彝族十月太阳历文化园提升改造项目",
            "大紫溪山开发和文化旅游基地建设项目",
            "生态产业园建设项目",
            "中国楚雄彝药文化园产业项目",
        ],
    ),
    ("d08", ["一期迁建工程"]),
    (
        "d09",
        [
            "丰泽区实验幼儿园光明城园区",
            "泉州师范学院第二附属小学扩建项目",
            "泉州市实验小学洛江第二校区",
            "泉州台商投资区第三实验小学",
            "晋江市罗山中心小学(军民小学)项目",
            "晋江市第七实验小学崇武校区",
        ],
    ),
    ("d10", ["花园街历史文化街区改造项目"]),
    ("d11", ["年产3000吨鸡蛋制品项目", "苍野保鲜库续建项目", "年产能15万吨的反刍专线"]),
    (
        "d12",
        [
            "宜宾市一医院西区院区(一期)建设项目",
            "宜宾市第二人民医院临港院区(一期)项目",
            "宜宾市中医医院医技大楼及住院大楼项目",
        ],
    ),
]


@pytest.mark.parametrize(("page", "names"), PROJECT_NAMES, ids=[p for p, _ in PROJECT_NAMES])
def test_lines_naming_gold_projects_are_body(page: str, names: list[str]) -> None:
    """Every line that names a gold project is body, except a footer that restates
    the original headline ("原标题:《…》")."""
    nt = normalize(read_text(DEV_RAW / f"{page}.txt"))
    for name in names:
        lines = [line for line in nt.lines if name in nt.line_text(line)]
        article = [line for line in lines if "原标题" not in nt.line_text(line)]
        assert article, name
        assert [line.kind for line in article] == ["body"] * len(article), name


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # Latin strong footers, in any case (a pattern of their own)
        ("COPYRIGHT 2022 新华网", "footer"),
        ("cOpYrIgHt 杭州网", "footer"),
        ("粤icp证030173号", "footer"),
        ("备案号:浙ICP备12345678号", "footer"),
        ("ICP", "body"),
        # a strong footer in a long line counts only at its start
        ("版权所有:" + PROSE * 5, "footer"),
        (PROSE * 5 + "版权所有", "body"),
        ("Copyright " + PROSE * 5, "footer"),
        (PROSE * 5 + " Copyright", "body"),
        (PROSE * 5 + "本文由杭州厂房网发布", "body"),
        # a long line: whichever pattern matches at its start
        ("Copyright " + PROSE * 5 + "版权所有", "footer"),
        ("版权所有 " + PROSE * 5 + "Copyright", "footer"),
        (PROSE * 5 + "版权所有 Copyright", "body"),
        ("ICP" + PROSE * 5 + "版权所有", "body"),
    ],
)
def test_strong_footers(line: str, kind: str) -> None:
    assert classify_line(line) == kind


_LATIN_FOOTER_TEXTS = st.lists(
    st.sampled_from(["c", "C", "i", "I", "İ", "ı", "opyright", "CP", "备", "证", "项目", " "]),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_LATIN_FOOTER_TEXTS)
def test_a_line_without_the_latin_footer_hint_has_no_latin_footer(text: str) -> None:
    patterns = get_patterns()
    if patterns.regex("bp_footer_strong_latin").search(text):
        assert patterns.regex("bp_footer_strong_latin_hint").search(text)


# -- the visual form is made only for the lines whose kind depends on it --------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="1920-/.年月日订鲜花 ,。", max_size=24))
def test_every_teaser_starts_with_19_or_20(text: str) -> None:
    if get_patterns().regex("bp_teaser").match(text):
        assert text.startswith(("19", "20"))


@pytest.mark.parametrize("path", sorted(DEV_RAW.glob("*.txt")), ids=lambda p: p.name)
def test_a_line_that_needs_no_visual_form_is_classified_without_it(path: Path) -> None:
    nt = normalize(read_text(path))
    for line in nt.lines:
        text = nt.line_text(line)
        if not needs_visual(text):
            assert classify_line(text, nt.visual_text(line.start, line.end)) == classify_line(text)
