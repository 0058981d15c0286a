"""Consolidation rules: name keys, company keys, the same-project relation and the
choice of one value per field."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest

from db_samples import RAW, raw
from xiangmu_extract.consolidate import (
    _NOISE,
    MIN_NAME_KEY,
    Mention,
    Profile,
    _regexes,
    _strip_places,
    choose,
    company_key,
    keys,
    name_key,
    phase_of,
    same_project,
)
from xiangmu_extract.names import PAREN_PHASE
from xiangmu_extract.patterns import get_patterns
from xiangmu_extract.pipeline import extract


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("晶科高效电池组件生产线项目", "晶科高效电池组件生产线"),
        ("新建晶科高效电池组件生产线项目", "晶科高效电池组件生产线"),
        ("海宁晶科高效电池组件生产线建设项目", "晶科高效电池组件生产线"),
        ("浙江海宁“晶科”高效电池组件生产线工程", "晶科高效电池组件生产线"),
        ("信创电梯产业园项目二期", "信创电梯产业园"),
        ("信创电梯产业园二期项目", "信创电梯产业园"),
        ("信创电梯产业园项目(一期)", "信创电梯产业园"),
        ("年产12.6GWh锂离子动力电池项目", "年产126gwh锂离子动力电池"),
        ("海宁晶科项目", ""),  # too short to tell one project from another
        ("产业园项目", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("name", "phase"),
    [
        ("信创电梯产业园项目二期", "二"),
        ("信创电梯产业园一期项目", "一"),
        ("长三角智慧产业园首期工程", "首"),
        ("信创电梯产业园项目", ""),
        ("二期工程一标段", "二"),
    ],
)
def test_phase_of(name: str, phase: str) -> None:
    assert phase_of(name) == phase


@pytest.mark.parametrize(
    ("company", "key"),
    [
        ("晶科能源股份有限公司", "晶科能源"),
        ("晶科能源", "晶科能源"),
        ("浙江晶科能源有限公司", "晶科能源"),
        ("晶科能源(海宁)有限公司", "晶科能源"),
        ("振石控股集团有限公司", "振石"),
        ("振石集团", "振石"),
        (None, ""),
        ("公司", ""),
    ],
)
def test_company_key(company: str | None, key: str) -> None:
    assert company_key(company) == key


def P(
    article: str,
    name: str = "晶科高效电池组件生产线",
    phase: str = "",
    company: str = "",
    location: str = "",
    investment: float | None = None,
) -> Profile:
    return Profile(f"{article}#0", article, name, phase, company, location, investment)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(P("a"), P("b"), True, id="same name key"),
        pytest.param(P("a"), P("a"), False, id="one article never reports a project twice"),
        pytest.param(P("a", phase="一"), P("b", phase="二"), False, id="different phases"),
        pytest.param(P("a", phase="一"), P("b"), False, id="a phase is not the whole"),
        pytest.param(
            P("a", location="海宁"), P("b", location="海宁黄湾镇"), True, id="nested places"
        ),
        pytest.param(
            P("a", location="海宁"), P("b", location="桐乡"), False, id="different places"
        ),
        pytest.param(
            P("a", company="晶科能源"), P("b", company="天合光能"), False, id="other company"
        ),
        pytest.param(
            P("a", "x甲乙丙丁", company="晶科能源", investment=2.2e10),
            P("b", "y戊己庚辛", company="晶科能源", investment=2.205e10),
            True,
            id="same company, same investment",
        ),
        pytest.param(
            P("a", "x甲乙丙丁", company="晶科能源", investment=2.2e10),
            P("b", "y戊己庚辛", company="晶科能源", investment=3e9),
            False,
            id="same company, other investment",
        ),
        pytest.param(
            P("a", "", company="晶科能源"), P("b", "", company="晶科能源"), False, id="company only"
        ),
    ],
)
def test_same_project(a: Profile, b: Profile, same: bool) -> None:
    assert same_project(a, b) is same
    assert same_project(b, a) is same  # symmetric: any order gives the same groups


def test_keys_block_what_same_project_can_join() -> None:
    a = P("a", "x甲乙丙丁", company="晶科能源", investment=2.2e10)
    b = P("b", "y戊己庚辛", company="晶科能源", investment=2.2e10)
    assert set(keys(a)) & set(keys(b))
    assert keys(P("a", "")) == []


def money(value: float, qualifier: str = "exact") -> dict[str, Any]:
    return {"value_num": value, "value_text": None, "unit": "CNY", "qualifier": qualifier}


def M(
    mid: str,
    date: str | None,
    name: str = "晶科项目",
    company: str | None = None,
    status: str | None = None,
    **facts: list[dict[str, Any]],
) -> Mention:
    return Mention(mid, mid, date, name, (), company, None, status, dict(facts))


@pytest.mark.parametrize(
    ("mentions", "field", "expected"),
    [
        pytest.param(
            [
                M("a", "2021-01-01", investment=[money(2e10)]),
                M("b", "2022-05-07", investment=[money(2.2e10)]),
            ],
            "investment",
            2.2e10,
            id="most recent article wins",
        ),
        pytest.param(
            [
                M("a", "2022-05-07", investment=[money(2e10, "about")]),
                M("b", "2022-05-07", investment=[money(2.2e10)]),
            ],
            "investment",
            2.2e10,
            id="same day: an exact amount over an approximate one",
        ),
        pytest.param(
            [
                M("a", "2022-05-07", investment=[money(2.2e10)]),
                M("b", "2022-05-07", investment=[money(2.215e10)]),
            ],
            "investment",
            2.215e10,
            id="same day: more significant digits",
        ),
        pytest.param(
            [
                M("b", None, investment=[money(3e9)]),
                M("a", None, investment=[money(3e9, "about")]),
                M("c", None),
            ],
            "investment",
            3e9,
            id="no dates: precision, then the smallest id",
        ),
        pytest.param(
            [
                M("a", "2021-01-01", status="in_production"),
                M("b", "2022-01-01", status="under_construction"),
            ],
            "status",
            "under_construction",
            id="status of the most recent article",
        ),
        pytest.param(
            [M("a", None, company="晶科能源"), M("b", None, company="晶科能源股份有限公司")],
            "company",
            "晶科能源股份有限公司",
            id="the fullest company name",
        ),
        pytest.param(
            [M("a", None, "晶科项目"), M("b", None, "晶科高效电池项目"), M("c", None, "晶科项目")],
            "name",
            "晶科项目",
            id="the name most mentions use",
        ),
        pytest.param(
            [
                M("a", "2022-01-01", start_date=[{"value_text": "2021", "value_num": None}]),
                M("b", "2022-01-01", start_date=[{"value_text": "2021-06", "value_num": None}]),
            ],
            "start_date",
            "2021-06",
            id="same day: a month over a year",
        ),
    ],
)
def test_choose(mentions: list[Mention], field: str, expected: Any) -> None:
    assert choose(mentions)[field] == expected
    assert choose(mentions[::-1])[field] == expected


def test_every_tie_goes_to_the_smallest_id_in_any_order() -> None:
    def tied(mid: str) -> Mention:
        values = {
            "investment": [money(3e9), money(3e9)],
            "land_area": [{"value_num": 200.0, "unit": "亩"}],
            "start_date": [{"value_text": "2021-06", "value_num": None}],
            "capacity": [{"value_num": 5.0, "unit": "吨", "product": "茶叶"}],
        }
        return M(mid, "2022-01-01", "晶科项目", "晶科能源", "signed", **values)

    group = [tied(mid) for mid in ("c#1", "a#2", "b#0", "a#10")]
    for order in itertools.permutations(group):
        chosen = choose(order)
        assert set(chosen["chosen_from"].values()) == {"a#10"}, order
        assert len(chosen["chosen_from"]) == 7  # name, company, status and four values
        assert chosen == choose(group)


def test_choose_keeps_every_name_and_says_where_each_value_came_from() -> None:
    chosen = choose(
        [
            M("a", "2021-01-01", "晶科项目", investment=[money(2e10)]),
            M("b", "2022-01-01", "晶科高效电池项目", investment=[money(2.2e10)]),
        ]
    )
    assert chosen["aliases"] == ["晶科高效电池项目"] or chosen["aliases"] == ["晶科项目"]
    assert chosen["chosen_from"]["investment"] == "b"
    assert chosen["n_articles"] == 2
    assert (chosen["first_published"], chosen["last_published"]) == ("2021-01-01", "2022-01-01")


# -- the keys are cut as often as the rounds change them ---------------------------------
def _every_round(key: str, cut: Callable[[str], str]) -> str:
    """Rounds of ``cut`` then the leading places, until a round changes nothing."""
    previous = None
    while key != previous:
        previous = key
        key = _strip_places(cut(key))
    return key


def name_key_every_round(name: str) -> str:
    openers, heads, _ = _regexes()
    key = PAREN_PHASE.sub("", name)
    key = get_patterns().regex("name_phase").sub("", key)
    key = _NOISE.sub("", key).lower()
    key = _every_round(key, lambda k: heads.sub("", openers.sub("", k)))
    return key if len(key) >= MIN_NAME_KEY else ""


def company_key_every_round(company: str) -> str:
    _, _, forms = _regexes()
    key = _NOISE.sub("", re.sub(r"[((][^()()]*[))]", "", company))
    key = _every_round(key, lambda k: forms.sub("", k))
    return key if len(key) >= 2 else ""


def _dev_names() -> tuple[list[str], list[str]]:
    docs = [extract(raw(path.name)) for path in sorted(RAW.glob("*.txt"))]
    names = [n for d in docs for p in d.projects for n in (p.name, *p.aliases)]
    companies = [p.company for d in docs for p in d.projects if p.company]
    return names, companies


def test_keys_are_those_of_every_round() -> None:
    names, companies = _dev_names()
    names += [  # openers, places and heads in turn: several rounds
        "新建浙江海宁新建晶科高效电池组件生产线项目工程",
        "投资建设海宁建设晶科光伏组件生产线建设项目",
        "浙江海宁",
        "海宁晶科项目",
        "海宁晶科项目(二期)",
        "新建海宁晶科光伏组件生产线第三期工程",
    ]
    companies += ["浙江海宁晶科能源有限公司有限公司", "海宁浙江集团", "浙江"]
    assert len(names) > 50 and len(companies) > 10
    phase = get_patterns().regex("name_phase")
    for name in names:
        assert name_key(name) == name_key_every_round(name), name
        ordinals = [m.group("ordinal") for m in phase.finditer(name)]
        assert phase_of(name) == (ordinals[-1] if ordinals else ""), name
    for company in companies:
        assert company_key(company) == company_key_every_round(company), company
    cut = [n for n in names if name_key(n) not in ("", _NOISE.sub("", n).lower())]
    assert len(cut) > 20  # most names lose an opener, a place or a head
