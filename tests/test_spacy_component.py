"""The spaCy component: spans of the original input on a jieba-segmented Doc, records on the
Doc, nlp.pipe, displacy colours, to_disk/load, entry points."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("spacy")

import spacy
from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from xiangmu_extract import Project, extract
from xiangmu_extract.labels import LABEL_COLORS, LABELS, LabeledMention, document_mentions
from xiangmu_extract.spacy_component import (
    XiangmuExtractor,
    add_mentions,
    displacy_colors,
    mention_id,
    register_extensions,
    token_bounds,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
ARTICLES = sorted(RAW.glob("*.txt"))
JIEBA = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}
KEY = "xiangmu"
TRADITIONAL = "002_2c39f0067748cac1"
PINYIN = "004_9de62cc38ab78860"  # traditional with inline pinyin: 濟(jì)源
PINYIN_2 = "d05"


@cache
def _nlp() -> Language:
    nlp = spacy.blank("zh", config=JIEBA)
    nlp.add_pipe("xiangmu_extract")
    return nlp


@cache
def _text(stem: str) -> str:
    return (RAW / f"{stem}.txt").read_text(encoding="utf-8")


@cache
def _doc(stem: str) -> Doc:
    return _nlp()(_text(stem))


def _spans(doc: Doc) -> list[Span]:
    return list(doc.spans[KEY])


def _summary(doc: Doc, key: str = KEY) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    spans = [
        (s.label_, s.start, s.end, s._.char_start, s._.char_end, s._.value, s._.unit, s._.refs)
        for s in doc.spans[key]
    ]
    return spans, doc._.document.model_dump()


def _record_values(project: Project, field: str) -> list[tuple[Any, str | None]]:
    """The (value, unit) of ``field`` of ``project`` (every capacity)."""
    if field in ("name", "company", "location"):
        return [(getattr(project, field), None)]
    if field == "capacity":
        return [(q.value, q.unit) for q in project.capacity]
    v = getattr(project, field)
    return [(v.value, getattr(v, "currency", None) or getattr(v, "unit", None))]


STEMS = [p.stem for p in ARTICLES]


@pytest.mark.parametrize("stem", STEMS)
def test_the_doc_holds_the_input_and_every_span_is_a_mention_of_it(stem: str) -> None:
    text, doc = _text(stem), _doc(stem)
    assert doc.text == text
    expected = [
        (m.label, m.start, m.end, m.value, m.unit, m.refs)
        for m in document_mentions(extract(text), text)
    ]
    spans = _spans(doc)
    found = [(s.label_, s._.char_start, s._.char_end, s._.value, s._.unit, s._.refs) for s in spans]
    assert found == expected  # every mention, none dropped, in order
    assert doc._.xiangmu_unaligned == []
    for s in spans:
        assert s.label_ in LABELS
        assert s.start_char <= s._.char_start < s._.char_end <= s.end_char
        assert s.id_ == f"{s.label_}:{s._.char_start}:{s._.char_end}"


@pytest.mark.parametrize("stem", STEMS)
def test_span_values_are_the_record_values(stem: str) -> None:
    doc = _doc(stem)
    projects = doc._.projects
    assert projects == extract(_text(stem)).projects
    assert doc._.document == extract(_text(stem))
    for s in _spans(doc):
        assert s._.refs
        for i, field in s._.refs:
            assert (s._.value, s._.unit) in _record_values(projects[i], field)


@pytest.mark.parametrize("stem", STEMS)
def test_spacy_char_span_expand_agrees_on_every_mention(stem: str) -> None:
    doc = _doc(stem)
    for s in _spans(doc):
        by_spacy = doc.char_span(s._.char_start, s._.char_end, alignment_mode="expand")
        assert by_spacy is not None
        assert (by_spacy.start, by_spacy.end) == (s.start, s.end)


# Real phrasings of the dev articles: (article, label, the mention as written, resolved value).
MENTIONS = [
    (TRADITIONAL, "AREA", "308畝", 308.0),
    (TRADITIONAL, "DATE", "2022年12月底", "2022-12"),
    (TRADITIONAL, "LOCATION", "嘉興綜合保稅區", "嘉兴综合保税区"),
    (PINYIN, "LOCATION", "濟(jì)源", "济源"),
    (PINYIN, "PROJECT", "濟(jì)源納米材料產(chǎn)業(yè)園三期項目", "济源纳米材料产业园三期项目"),
    (PINYIN, "MONEY", "2.5億元", 2.5e8),
    (PINYIN, "COMPANY", "河南金利金鋅有限公司", "河南金利金锌有限公司"),
    (PINYIN_2, "CAPACITY", "年可出欄生豬200萬頭", 2e6),
    (PINYIN_2, "MONEY", "2.8億元", 2.8e8),
    ("000_c2cdb5c9962ffc8f", "DATE", "去年6月", "2021-06"),
    ("000_c2cdb5c9962ffc8f", "MONEY", "3300万元以上", 3.3e7),
    ("003_ce91488c06137e30", "AREA", "125.3亩", 125.3),
    ("d06", "AREA", "近2000畝", 2000.0),
]


@pytest.mark.parametrize(("stem", "label", "mention", "value"), MENTIONS)
def test_a_mention_is_a_labelled_span_with_its_value(
    stem: str, label: str, mention: str, value: str | float
) -> None:
    text, doc = _text(stem), _doc(stem)
    found = [
        s._.value
        for s in _spans(doc)
        if s.label_ == label and text[s._.char_start : s._.char_end] == mention
    ]
    assert found
    assert all(v == pytest.approx(value) if isinstance(value, float) else v == value for v in found)


GAP = "a span is whole jieba tokens; the exact mention is at span._.char_start/char_end"

# (article, the mention as written, span.text): where a jieba token runs past the mention, the
# span is expanded to it (never dropped).
ALIGNMENTS = [
    (TRADITIONAL, "308畝", "308畝"),
    (PINYIN, "2.5億元", "2.5億元"),
    pytest.param(
        PINYIN,
        "濟(jì)源納米材料產(chǎn)業(yè)園三期項目",
        "在濟(jì)源納米材料產(chǎn)業(yè)園三期項目",
        marks=pytest.mark.xfail(strict=True, reason=GAP),
    ),
    pytest.param(
        "d06", "近2000畝", "占地近2000畝", marks=pytest.mark.xfail(strict=True, reason=GAP)
    ),
    pytest.param(
        "000_c2cdb5c9962ffc8f",
        "信息化和数字化工程",
        "信息化和数字化工程建设",
        marks=pytest.mark.xfail(strict=True, reason=GAP),
    ),
]


@pytest.mark.parametrize(("stem", "mention", "span_text"), ALIGNMENTS)
def test_span_text_is_the_exact_mention(stem: str, mention: str, span_text: str) -> None:
    text, doc = _text(stem), _doc(stem)
    spans = [s for s in _spans(doc) if text[s._.char_start : s._.char_end] == mention]
    assert spans and {s.text for s in spans} == {span_text}
    assert span_text == mention


# (token character starts, ends, mention [start, end)) -> token range; whitespace after a
# token belongs to no token.
TOKEN_BOUNDS = [
    ([0, 3, 5, 7], [2, 5, 7, 9], 0, 2, (0, 1)),
    ([0, 3, 5, 7], [2, 5, 7, 9], 1, 6, (0, 3)),  # cuts through two tokens: expanded
    ([0, 3, 5, 7], [2, 5, 7, 9], 2, 5, (1, 2)),  # starts on the whitespace after a token
    ([0, 3, 5, 7], [2, 5, 7, 9], 5, 9, (2, 4)),
    ([0, 3, 5, 7], [2, 5, 7, 9], 2, 3, None),  # whitespace only
    ([0, 3, 5, 7], [2, 5, 7, 9], 9, 10, None),  # past the end
]


@pytest.mark.parametrize(("starts", "ends", "start", "end", "expected"), TOKEN_BOUNDS)
def test_token_bounds(
    starts: list[int], ends: list[int], start: int, end: int, expected: tuple[int, int] | None
) -> None:
    assert token_bounds(starts, ends, start, end) == expected


def test_a_whitespace_mention_is_kept_apart_where_char_span_gives_an_empty_span() -> None:
    register_extensions()
    doc = _nlp().make_doc("项目 投资10亿元")
    assert [t.text for t in doc] == ["项目", "投资", "10", "亿元"]
    by_spacy = doc.char_span(2, 3, alignment_mode="expand")
    assert by_spacy is not None and len(by_spacy) == 0  # not None: an empty span
    blank = LabeledMention("LOCATION", 2, 3, " ", " ", None, ((0, "location"),))
    money = LabeledMention("MONEY", 5, 9, "10亿元", 1e9, "CNY", ((0, "investment"),))
    add_mentions(doc, [blank, money], KEY)
    assert [(s.text, s._.value, s._.unit) for s in doc.spans[KEY]] == [("10亿元", 1e9, "CNY")]
    assert [(m["label"], m["start"], m["end"]) for m in doc._.xiangmu_unaligned] == [
        ("LOCATION", 2, 3)
    ]


# Mentions that jieba tokens expand to the same span keep their own values (spaCy keys span
# extension values by character offsets only).
SAME_TOKENS = [
    (
        "2023年6月底开工",
        LabeledMention("DATE", 0, 7, "2023年6月", "2023-06", None, ((0, "start_date"),)),
        LabeledMention("DATE", 0, 8, "2023年6月底", "2023-06-30", None, ((1, "start_date"),)),
    ),
    (
        "年产2000万个包装制品项目",
        LabeledMention("CAPACITY", 0, 8, "年产2000万个", 2e7, "个", ((0, "capacity"),)),
        LabeledMention("PROJECT", 0, 14, "年产2000万个包装制品项目", "x", None, ((0, "name"),)),
    ),
]


@pytest.mark.parametrize(("text", "first", "second"), SAME_TOKENS)
def test_mentions_on_the_same_tokens_keep_their_own_values(
    text: str, first: LabeledMention, second: LabeledMention
) -> None:
    register_extensions()
    doc = _nlp().make_doc(text)
    add_mentions(doc, [first, second], KEY)
    spans = list(doc.spans[KEY])
    assert [s.id_ for s in spans] == [mention_id(first), mention_id(second)]
    assert [(s._.value, s._.unit, s._.refs, s._.char_end) for s in spans] == [
        (m.value, m.unit, m.refs, m.end) for m in (first, second)
    ]


@pytest.mark.parametrize("n_process", [1, 2])
def test_pipe_over_all_articles_equals_one_by_one(n_process: int) -> None:
    texts = [_text(stem) for stem in STEMS]
    piped = list(_nlp().pipe(texts, batch_size=4, n_process=n_process))
    assert [_summary(d) for d in piped] == [_summary(_doc(stem)) for stem in STEMS]


def test_to_disk_and_load_give_the_same_spans(tmp_path: Path) -> None:
    nlp = spacy.blank("zh", config=JIEBA)
    nlp.add_pipe("xiangmu_extract", config={"spans_key": "projects", "reference_date": "2022-03"})
    nlp.to_disk(tmp_path)
    loaded = spacy.load(tmp_path)
    assert loaded.pipe_names == ["xiangmu_extract"]
    component = loaded.get_pipe("xiangmu_extract")
    assert isinstance(component, XiangmuExtractor)
    assert (component.spans_key, component.reference_date) == ("projects", "2022-03")
    text = _text(PINYIN)
    before, after = nlp(text), loaded(text)
    assert _summary(after, "projects") == _summary(before, "projects")
    assert len(after.spans["projects"]) > 20


def test_reference_date_resolves_relative_dates() -> None:
    nlp = spacy.blank("zh", config=JIEBA)
    nlp.add_pipe("xiangmu_extract", config={"reference_date": "2019-05-01"})
    text = "该项目去年6月开工,总投资10亿元。"
    assert nlp(text)._.document == extract(text, reference_date="2019-05-01")


def test_displacy_colours_every_label() -> None:
    assert displacy_colors() == LABEL_COLORS
    assert registry.displacy_colors.get("xiangmu_extract")() == LABEL_COLORS  # entry point
    doc = _doc(PINYIN)
    html = displacy.render(doc, style="span", options={"spans_key": KEY})
    labels = {s.label_ for s in _spans(doc)}
    assert {"PROJECT", "LOCATION", "MONEY", "COMPANY", "AREA"} <= labels
    for label in labels:
        assert LABEL_COLORS[label] in html


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_importing_the_package_does_not_import_spacy() -> None:
    code = (
        "import sys, xiangmu_extract, xiangmu_extract.labels\n"
        "xiangmu_extract.extract('浙江某项目总投资10亿元')\n"
        "print('spacy' in sys.modules)"
    )
    assert _run(code) == "False"


def test_the_factory_is_found_through_its_entry_point() -> None:
    code = (
        "import sys, spacy\n"
        "from spacy.tokens import Doc\n"
        "print('xiangmu_extract.spacy_component' in sys.modules)\n"
        "nlp = spacy.blank('zh')\n"
        "print(Doc.has_extension('projects'))\n"
        "nlp.add_pipe('xiangmu_extract')\n"
        "print(Doc.has_extension('projects'))\n"
        "doc = nlp('浙江嘉兴某产业园项目总投资10亿元。')\n"
        "print([(s.label_, s._.value) for s in doc.spans['xiangmu'] if s.label_ == 'MONEY'])"
    )
    # spaCy imports the module for its entry points, and extensions come with the factory.
    assert _run(code).split("\n") == ["False", "False", "True", "[('MONEY', 1000000000.0)]"]
