"""Labelled mentions: every value of every record, as a span of the original input."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangmu_extract import extract
from xiangmu_extract.labels import LABEL_COLORS, LABELS, document_mentions

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
ARTICLES = sorted(RAW.glob("*.txt"))


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_every_mention_is_the_text_at_its_span(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = extract(text)
    mentions = document_mentions(doc, text)
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.label in LABELS and m.refs
    keys = [(m.label, m.start, m.end) for m in mentions]
    assert len(keys) == len(set(keys))  # one mention per labelled span
    referenced = {ref for m in mentions for ref in m.refs}
    for i, p in enumerate(doc.projects):
        if p.investment and p.investment.span:
            assert (i, "investment") in referenced
        assert (i, "name") in referenced or p.name_span is None


def test_a_shared_place_supports_every_project_it_locates() -> None:
    text = (RAW / "001_a608d7819f00ea86.txt").read_text(encoding="utf-8")
    places = [m for m in document_mentions(extract(text), text) if m.text == "海宁黄湾镇"]
    assert places and len(places[0].refs) >= 2
    assert {f for _, f in places[0].refs} == {"location"}


def test_every_label_has_a_colour() -> None:
    assert set(LABEL_COLORS) == set(LABELS)
