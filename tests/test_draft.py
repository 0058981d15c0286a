"""When two names are one project (draft.same_project), and the shortcut it takes."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_extract.draft import Draft, _share_four, same_project
from xiangmu_extract.names import lexicon

# (a name, the draft's name, one project?) — the forms of same_project's docstring
SAME_ROWS = [
    ("艾赛斯复合材料项目", "艾赛斯复合材料项目", True),
    ("艾赛斯项目", "艾赛斯复合材料项目", True),
    ("海宁晶科项目", "晶科能源年产10GW电池项目", True),
    ("宜宾市一医院西区院区", "宜宾市第一人民医院西区院区", True),
    ("宜宾市一医院西区院区", "宜宾市二医院西区院区", False),
    ("年产10万吨钢材项目", "年产10万吨水泥项目", False),
    ("光伏产业园二期项目", "光伏产业园项目", False),
]


@pytest.mark.parametrize(("name", "draft_name", "same"), SAME_ROWS)
def test_same_project(name: str, draft_name: str, same: bool) -> None:
    draft = Draft(draft_name, (0, len(draft_name)), True)
    assert same_project(name, draft, lexicon().places) is same


@settings(max_examples=500, deadline=None)
@given(st.text("甲乙丙丁一", max_size=12), st.text("甲乙丙丁一", max_size=16))
def test_four_in_common_is_a_longest_matching_block_of_four(short: str, long_: str) -> None:
    longest = difflib.SequenceMatcher(None, short, long_).find_longest_match().size
    assert _share_four(short, long_) is (longest >= 4)
