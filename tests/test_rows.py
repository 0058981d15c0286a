"""Database rows of an article: the sentence kept with each fact."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db_samples import RAW
from xiangmu_extract.models import (
    AREA_FIELDS,
    DATE_FIELDS,
    MONEY_FIELDS,
    Area,
    DateValue,
    Document,
    Money,
    Project,
    Quantity,
)
from xiangmu_extract.pipeline import extract
from xiangmu_extract.rows import MAX_SENTENCE, Row, article_rows, sentence_at

_SENTENCE_END = re.compile(r"[。!?!?;;\n][”’」』\"]*")


def sentence_by_every_end(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]``, from every sentence end before it."""
    lo = max(0, start - MAX_SENTENCE)
    s = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    found = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE))
    e = found.end() if found else min(len(text), end + MAX_SENTENCE)
    return text[s:e].strip()


@pytest.mark.parametrize(
    ("text", "mention", "sentence"),
    [
        ("项目开工。总投资1亿元,年产值2亿元。次年投产", "1亿元", "总投资1亿元,年产值2亿元。"),
        ("他说:“总投资1亿元。”随后签约。", "1亿元", "他说:“总投资1亿元。”"),
        ("“项目开工。”总投资1亿元", "1亿元", "总投资1亿元"),
        ("总投资1亿元", "1亿元", "总投资1亿元"),
    ],
)
def test_sentence_at(text: str, mention: str, sentence: str) -> None:
    start = text.index(mention)
    assert sentence_at(text, start, start + len(mention)) == sentence


_TEXTS = st.lists(
    st.sampled_from(["。", "!", "?", ";", "\n", "”", "’", "」", '"', "项目", "1亿元", " "]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=_TEXTS, data=st.data())
def test_the_last_sentence_end_is_the_last_of_every_end(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentence_at(text, start, end) == sentence_by_every_end(text, start, end)


@settings(max_examples=100, deadline=None)
@given(head=_TEXTS, filler=st.integers(0, 2 * MAX_SENTENCE))
def test_a_sentence_reaches_back_at_most_max_sentence(head: str, filler: int) -> None:
    text = head + "项" * filler + "1亿元"
    start = len(text) - 3
    assert sentence_at(text, start, len(text)) == sentence_by_every_end(text, start, len(text))


def test_the_facts_of_one_sentence_share_its_string() -> None:
    text = "海宁黄湾镇晶科光伏项目总投资30亿元,占地200亩,2021年6月开工。"
    doc = extract(text)
    rows = article_rows(
        doc, digest="0" * 64, text=text, source="t", locator="", url=None, text_basis="input"
    )
    sentences = [f["sentence"] for f in rows.fact_dicts()]
    assert len(sentences) >= 3 and set(sentences) == {text}
    assert all(s is sentences[0] for s in sentences)


# -- the facts as they were read from ``model_dump`` (before the rows read attributes) ----
def _dumped_fact(field: str, value: dict[str, Any] | None, text: str) -> Row | None:
    if not value:
        return None
    span = value.get("span")
    row: Row = {
        "field": field,
        "value_num": None,
        "value_text": None,
        "unit": value.get("currency") or value.get("unit"),
        "qualifier": value.get("qualifier"),
        "product": value.get("product"),
        "text": value.get("text"),
        "span_start": span[0] if span else None,
        "span_end": span[1] if span else None,
        "sentence": sentence_at(text, *span) if span else None,
    }
    if isinstance(value["value"], str):
        row["value_text"] = value["value"]
    else:
        row["value_num"] = float(value["value"])
    return row


def _dumped_text_fact(field: str, value: str | None, span: Any, text: str) -> Row | None:
    if not value:
        return None
    mention = text[span[0] : span[1]] if span else None
    return _dumped_fact(field, {"value": value, "text": mention, "span": span}, text)


def dumped_facts(doc: Document, aid: str, text: str) -> list[Row]:
    rows: list[Row] = []
    for i, p in enumerate(doc.projects):
        d = p.model_dump(mode="json")
        facts = [
            _dumped_text_fact("name", p.name, p.name_span, text),
            _dumped_text_fact("company", p.company, p.company_span, text),
            _dumped_text_fact("location", p.location, p.location_span, text),
            *(_dumped_fact(f, d[f], text) for f in MONEY_FIELDS),
            *(_dumped_fact("capacity", c, text) for c in d["capacity"]),
            *(_dumped_fact(f, d[f], text) for f in AREA_FIELDS),
            *(_dumped_fact(f, d[f], text) for f in DATE_FIELDS),
        ]
        present = [f for f in facts if f is not None]
        rows.extend(
            {"project_id": f"{aid}#{i}", "article_id": aid, "seq": seq, **fact}
            for seq, fact in enumerate(present)
        )
    return rows


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_facts_are_those_of_the_dumped_values(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = extract(text)
    rows = article_rows(
        doc, digest="0" * 64, text=text, source="t", locator="", url=None, text_basis="input"
    )
    expected = dumped_facts(doc, "0" * 20, text)
    assert rows.fact_dicts() == expected
    assert [list(f) for f in rows.fact_dicts()] == [list(f) for f in expected]  # their order
    assert len(rows.facts) >= len(doc.projects) > 0  # a name each, at least


def test_every_kind_of_value_is_a_fact_like_its_dumped_value() -> None:
    text = "星河项目总投资3亿元以上,年产值5亿元,年产锂电池2万吨,占地200亩,2021年6月开工。"
    span = (0, 2)
    project = Project(
        name="星河项目",
        company="星河公司",
        location="海宁",
        name_span=(0, 4),
        location_span=None,
        investment=Money(value=3e8, qualifier="at_least", text="3亿元以上", span=(7, 12)),
        output_value=Money(value=5e8, currency="USD", text="5亿元", span=(16, 19)),
        tax=Money(value=1, text=None, span=None),
        capacity=[
            Quantity(value=2e4, unit="吨", product="锂电池", text="年产锂电池2万吨", span=span),
            Quantity(value=3, unit="台"),
        ],
        land_area=Area(value=200, unit="亩", text="200亩", span=(30, 34)),
        floor_area=Area(value=1.5, unit="平方米"),
        start_date=DateValue(value="2021-06", text="2021年6月", span=(35, 42)),
        production_date=DateValue(value="2022"),
    )
    doc = Document(projects=[project])
    rows = article_rows(
        doc, digest="0" * 64, text=text, source="t", locator="", url=None, text_basis="input"
    )
    assert rows.fact_dicts() == dumped_facts(doc, "0" * 20, text)
    assert len(rows.facts) == 12  # no place span, no completion date: every other value
