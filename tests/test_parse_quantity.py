"""Quantities as Chinese news writes them -> Quantity (xiangmu_extract.resolve.parse_quantity)
and their kind (xiangmu_extract.numeric.find_quantities)."""

from __future__ import annotations

import pytest

from xiangmu_extract.numeric import find_quantities
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.resolve import parse_quantity

GAP = pytest.mark.xfail(strict=True, reason="known gap")


@pytest.mark.parametrize(
    ("text", "value", "unit", "written"),
    [
        # mass, 万/亿 multiplied out
        ("年产20.87万吨", 208_700, "吨", "20.87万吨"),
        ("年加工生产20.87万噸麵條類産品", 208_700, "吨", "20.87万噸"),
        ("年产4000吨新型绿色钎焊材料", 4_000, "吨", "4000吨"),
        ("年产120000吨风电材料", 120_000, "吨", "120000吨"),
        ("可生产名优绿茶5万公斤", 50_000, "公斤", "5万公斤"),
        ("年产500千克", 500, "千克", "500千克"),
        ("年产两千吨", 2_000, "吨", "两千吨"),
        # counts
        ("年产配方颗粒10亿袋", 1_000_000_000, "袋", "10亿袋"),
        ("年产100万只气瓶", 1_000_000, "只", "100万只"),
        ("年产72万片功率晶片", 720_000, "片", "72万片"),
        ("年出栏商品猪10万头", 100_000, "头", "10万头"),
        ("年产2000万个冀沧果蔬包装制品", 20_000_000, "个", "2000万个"),
        ("年产1000台工程机械", 1_000, "台", "1000台"),
        ("年产特殊医学用途食品2000万瓶", 20_000_000, "瓶", "2000万瓶"),
        ("规划床位1849床", 1_849, "床", "1849床"),
        ("研发检测设备369台(套)", 369, "台", "369台(套)"),
        ("年出栏肉鸡500万羽", 5_000_000, "羽", "500万羽"),
        # energy and power, case kept as written
        ("年产12.6GWh锂离子动力电池", 12.6, "GWh", "12.6GWh"),
        ("新增年产20GW高效电池", 20, "GW", "20GW"),
        ("装机容量100MW", 100, "MW", "100MW"),
        ("光伏电站装机50kW", 50, "kW", "50kW"),
        ("装机容量100万千瓦", 1_000_000, "千瓦", "100万千瓦"),
        ("装机容量30兆瓦", 30, "兆瓦", "30兆瓦"),
        ("年发电量1.2亿千瓦时", 120_000_000, "千瓦时", "1.2亿千瓦时"),
        ("年发电量1.2亿度", 120_000_000, "度", "1.2亿度"),
        # volume
        ("年供应天然气1亿立方米", 100_000_000, "立方米", "1亿立方米"),
        ("年处理污水10万方", 100_000, "方", "10万方"),
        ("储气量10万标准立方米", 100_000, "标准立方米", "10万标准立方米"),
        ("罐容5000m3", 5_000, "立方米", "5000m3"),
        # areas, 平米/㎡ canonical 平方米
        ("占地3161亩", 3_161, "亩", "3161亩"),
        ("项目用地面积125.3亩", 125.3, "亩", "125.3亩"),
        ("占地面积355.91亩", 355.91, "亩", "355.91亩"),
        ("总建筑面积343,688平方米", 343_688, "平方米", "343,688平方米"),
        ("建筑面积21.09万平方米", 210_900, "平方米", "21.09万平方米"),
        ("新增建筑面积20.6万平方米", 206_000, "平方米", "20.6万平方米"),
        ("总用地3.6万多平方米", 36_000, "平方米", "3.6万多平方米"),
        ("厂房面积2万平米", 20_000, "平方米", "2万平米"),
        ("车间5000㎡", 5_000, "平方米", "5000㎡"),
        ("占地500公顷", 500, "公顷", "500公顷"),
        ("近4000平方公里的热土", 4_000, "平方公里", "近4000平方公里"),
        ("规划面积12平方千米", 12, "平方公里", "12平方千米"),
        ("占地两千亩", 2_000, "亩", "两千亩"),
        ("佔地面積604畝", 604, "亩", "604畝"),
        ("用地２５亩", 25, "亩", "２５亩"),
        pytest.param("年产5万-10万吨", 50_000, "吨", "5万-10万吨", marks=GAP),
    ],
)
def test_parse_quantity(text: str, value: float, unit: str, written: str) -> None:
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.value == pytest.approx(value)
    assert quantity.unit == unit
    assert quantity.text == written
    assert quantity.span is not None
    assert text[quantity.span[0] : quantity.span[1]] == written


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("用地面积约25亩", "about"),
        ("占地近2000亩", "about"),
        ("占地500余亩", "at_least"),
        ("总建筑面积3.6万多平方米", "at_least"),
        ("日光温室2800多栋", "at_least"),
        ("占地100亩左右", "about"),
        ("200平方米以下的建筑", "at_most"),
        ("占地120亩", "exact"),
    ],
)
def test_quantity_qualifier(text: str, qualifier: str) -> None:
    found = find_quantities(text)
    assert [q.qualifier for q in found] == [qualifier]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("占地3161亩", "area"),
        ("总建筑面积78000平方米", "area"),
        ("500公顷", "area"),
        ("3平方公里", "area"),
        ("20.87万吨", "capacity"),
        ("12.6GWh", "capacity"),
        ("100万千瓦", "capacity"),
        ("1亿立方米", "capacity"),
        ("10亿袋", "capacity"),
        ("年出栏10万头", "capacity"),
        ("1849床", "other"),
        ("签约项目32个", "other"),
        ("带动就业150余人", "other"),
        ("400米跑道", "other"),
    ],
)
def test_quantity_kind(text: str, kind: str) -> None:
    assert [q.kind for q in find_quantities(text)] == [kind]


def test_product_of_a_capacity_phrase() -> None:
    quantity = parse_quantity("年产4000吨新型绿色钎焊材料智能制造建设项目")
    assert quantity is not None
    assert quantity.product == "新型绿色钎焊材料"
    plain = parse_quantity("年产20.87万吨")
    assert plain is not None
    assert plain.product is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "同比增长19.6%",  # percentages are not quantities
        "建设周期5年",
        "仅用时100天",
        "仅耗时9个月",
        "温度30度",  # 度 needs 万/亿 before it to be kWh
        "三方签约",  # 方 needs an Arabic number
        "统一升级",
        "一个项目",  # a lone 一 is no number
        "投资3亿元",  # money is not a quantity
        "容积率为0.6",
    ],
)
def test_not_a_quantity(text: str) -> None:
    assert parse_quantity(text) is None


def _unit_words() -> list[str]:
    pats = get_patterns()
    names = [n for n in pats.names()["lists"] if n.startswith("qty_units_")]
    return sorted({w for n in names for w in pats.words(n)})


@pytest.mark.parametrize("unit", _unit_words())
def test_every_unit_in_the_pattern_lists_resolves(unit: str) -> None:
    (found,) = find_quantities(f"共计5万{unit}。")
    assert found.value == 50_000
    assert found.kind in ("area", "capacity", "other")
