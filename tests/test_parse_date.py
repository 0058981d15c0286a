"""Dates as Chinese news writes them -> ISO partial strings (xiangmu_extract.resolve.parse_date,
xiangmu_extract.numeric.find_dates). GOLD_SCHEMA Conventions 3 and 7."""

from __future__ import annotations

from datetime import date

import pytest

from xiangmu_extract.numeric import find_dates
from xiangmu_extract.resolve import parse_date

GAP = pytest.mark.xfail(strict=True, reason="known gap")
REF = "2022-02-24"


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # page date lines: the first date in the string
        ("发布时间:2022-02-24 09:15:00", None, "2022-02-24"),
        ("發佈時間2022-05-07 09:23:18", None, "2022-05-07"),
        ("发表于 2021-6-16 15:18", None, "2021-06-16"),
        ("31.03.2016  10:59", None, "2016-03-31"),
        ("15.09.2015  13:58", None, "2015-09-15"),
        ("2024-09-26", None, "2024-09-26"),
        ("admin1年前 (2024-09-26)杭州产业信息32", None, "2024-09-26"),
        ("零零社区网友  2016-08-11  互联网", None, "2016-08-11"),
        ("2021-03-15 08:36:15  来源:泉州晚报", None, "2021-03-15"),
        ("作者:张旭升 2017-05-16 15:20", None, "2017-05-16"),
        ("日期:2022-12-05 点击:次", None, "2022-12-05"),
        ("2022/02/24", None, "2022-02-24"),
        ("2021.11.30", None, "2021-11-30"),
        ("２０２２－０２－２４", None, "2022-02-24"),
        ("更新于2022-02", None, "2022-02"),
        # written dates
        ("于2021年11月30日开工建设", None, "2021-11-30"),
        ("2022年2月24日", None, "2022-02-24"),
        ("2022年02月04日", None, "2022-02-04"),
        ("2021年10月,斯达半导体", None, "2021-10"),
        ("计划于2023年7月投产", None, "2023-07"),
        ("预计将在2022年启动招生", None, "2022"),
        ("计划于2022年12月底工程竣工", None, "2022-12"),
        ("该项目2013年10月底破土动工", None, "2013-10"),
        ("预计2016年底项目建成", None, "2016-12"),
        ("2022年年底前", None, "2022-12"),
        ("2021年上半年", None, "2021-H1"),
        ("2022年下半年", None, "2022-H2"),
        ("并将于2023年一季度投入使用", None, "2023-Q1"),
        ("2023年第四季度", None, "2023-Q4"),
        ("2023年Q2", None, "2023-Q2"),
        ("预计2022年秋季建成", None, "2022-H2"),
        ("2022年春季", None, "2022-H1"),
        ("2023年夏天", None, "2023-H1"),
        ("2021年冬", None, "2021-H2"),
        ("2022年内建成", None, "2022"),
        ("2022年初", None, "2022-01"),
        ("2022年3月上旬", None, "2022-03"),
        ("2022年3月中下旬", None, "2022-03"),
        ("二〇二二年三月", None, "2022-03"),
        ("二零二一年十二月二十三日", None, "2021-12-23"),
        ("2021年度浙江省开发区", None, "2021"),
        ("2月30日", "2022", "2022-02"),  # no such day: the month is still sure
        # relative to the reference (the article's date)
        ("项目从去年6月开始建设", REF, "2021-06"),
        ("预计今年6月完成相关施工", REF, "2022-06"),
        ("力争在年底前投产", REF, "2022-12"),
        ("今年年底将完成四条产线设备的安装", REF, "2022-12"),
        ("今年底", REF, "2022-12"),
        ("已经于去年12月顺利结顶", REF, "2021-12"),
        ("从开工到今年1月中旬生产调试", REF, "2022-01"),
        ("明年下半年", REF, "2023-H2"),
        ("预计明年年底竣工", "2021-03-15", "2022-12"),
        ("计划今年开工建设", "2021-03-15", "2021"),
        ("将在明年投用", "2021-03-15", "2022"),
        ("项目预计于今年第三季度完工", "2016-08-11", "2016-Q3"),
        ("预计第一季度开始桩基施工", "2021-03-15", "2021-Q1"),
        ("预计在四季度竣工投产", "2022-05-07", "2022-Q4"),
        ("今年上半年,全市制造业完成投资", REF, "2022-H1"),
        ("全力以赴做好下半年经济工作", REF, "2022-H2"),
        ("预计9月底基本完工", "2022-05-07", "2022-09"),
        ("计划建设项目将于4月份开工", "2016-03-31", "2016-04"),
        ("预计10月份完成厂房主体建设", REF, "2022-10"),
        ("6月9日,记者从宜宾市", "2021-06-16", "2021-06-09"),
        ("5月初", REF, "2022-05"),
        ("12月末", REF, "2022-12"),
        ("三月份", REF, "2022-03"),
        ("前年", REF, "2020"),
        ("后年建成", REF, "2024"),
        ("当年投产", REF, "2022"),
        ("今年内", REF, "2022"),
        ("年内建成", REF, "2022"),
        ("年末", REF, "2022-12"),
        ("明年秋季", REF, "2023-H2"),
        ("去年冬天", REF, "2021-H2"),
        ("下月计划开工", REF, "2022-03"),
        ("本月", REF, "2022-02"),
        ("上月", REF, "2022-01"),
        ("下个月", "2022-12-05", "2023-01"),
        ("上月", "2022-01-10", "2021-12"),
        ("去年6月", "2022-02", "2021-06"),  # a partial reference
        ("去年6月", "2022", "2021-06"),
        ("去年6月", date(2022, 2, 24), "2021-06"),
        ("今年3月", "2021-03-15 08:36:15", "2021-03"),
        # relative without a (usable) reference
        ("去年6月", None, None),
        ("年底前投产", None, None),
        ("下月", "2022", None),  # the reference has no month
        ("今年", "?", None),
        # not dates
        ("建设周期5年", REF, None),
        ("科学家发现2.5亿年前陆地生命大灭绝", REF, None),
        ("十三五期间", REF, None),
        ("仅用时100天", REF, None),
        ("09:15:00", REF, None),
        ("投资3000万元", REF, None),
        ("3000年", REF, None),  # out of 1949..2100
        ("1900年", REF, None),
        ("投产后三年内将实现", REF, None),
        ("建成后年产值", REF, None),
        ("相当年轻", REF, None),
        ("中国彝族十月太阳历文化园", REF, None),
        ("20210616-13.jpeg", REF, None),
        ("12个月", REF, None),
        ("", REF, None),
        pytest.param("2023Q1", None, "2023-Q1", marks=GAP),
        pytest.param("2023-08-218月19日,在河南省", None, "2023-08-21", marks=GAP),
        pytest.param("十月的陇西,天高露浓", "2018-10-12", "2018-10", marks=GAP),
        pytest.param("今明两年投入使用", "2021-03-15", "2021", marks=GAP),
    ],
)
def test_parse_date(text: str, reference: str | date | None, expected: str | None) -> None:
    assert parse_date(text, reference) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "计划建设工期2年(2020年12月-2022年12月)",
            [("2020年12月", "2020-12", "start"), ("2022年12月", "2022-12", "end")],
        ),
        (
            "2020年1月至2022年12月",
            [("2020年1月", "2020-01", "start"), ("2022年12月", "2022-12", "end")],
        ),
        ("2021—2023年", [("2021", "2021", "start"), ("2023年", "2023", "end")]),
        ("2021-2023年", [("2021", "2021", "start"), ("2023年", "2023", "end")]),
        ("2021年3月至6月", [("2021年3月", "2021-03", "start"), ("6月", "2021-06", "end")]),
        ("2021年3-6月", [("2021年3", "2021-03", "start"), ("6月", "2021-06", "end")]),
        ("在6月到9月攻坚期间", [("6月", "2022-06", "start"), ("9月", "2022-09", "end")]),
        ("1-6月", [("1", "2022-01", "start"), ("6月", "2022-06", "end")]),
        (
            "2021年6月～2022年底",
            [("2021年6月", "2021-06", "start"), ("2022年底", "2022-12", "end")],
        ),
        (
            "从去年6月开工建设,到今年6月",
            [("去年6月", "2021-06", None), ("今年6月", "2022-06", None)],
        ),
        pytest.param(
            "5月4日至6日",
            [("5月4日", "2022-05-04", "start"), ("6日", "2022-05-06", "end")],
            marks=GAP,
        ),
    ],
)
def test_ranges(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    found = find_dates(text, REF)
    assert [(text[d.start : d.end], d.value, d.range_role) for d in found] == expected


def test_range_end_inherits_the_start_year_not_the_reference() -> None:
    (start, end) = find_dates("2021年3月至6月", None)
    assert (start.value, start.relative) == ("2021-03", False)
    assert (end.value, end.relative) == ("2021-06", False)


@pytest.mark.parametrize(
    ("text", "relative"),
    [
        ("2022年6月", False),
        ("去年6月", True),
        ("6月", True),
        ("年底前", True),
        ("2021-6-16", False),
    ],
)
def test_relative_flag(text: str, relative: bool) -> None:
    (found,) = find_dates(text, REF)
    assert found.relative is relative


def test_relative_date_without_reference_is_found_with_no_value() -> None:
    (found,) = find_dates("项目从去年6月开始建设", None)
    assert (found.start, found.end, found.value, found.relative) == (3, 7, None, True)
