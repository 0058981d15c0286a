"""The spaCy pipeline component ``xiangmu_extract``: the extractor as a spaCy pipe.

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("xiangmu_extract")
    doc = nlp(text)
    doc.spans["xiangmu"]  # PROJECT, COMPANY, LOCATION, MONEY, CAPACITY, AREA, DATE
    doc._.projects  # the validated records (list of pydantic Project)

Offsets. The Doc holds the text exactly as given (``doc.text == text``): the component runs
:func:`xiangmu_extract.extract` on ``doc.text``, which normalizes internally (traditional to
simplified, inline pinyin, doubled punctuation, ...) and maps every span back to the original,
so record spans (``Project.name_span``, ``Money.span``, ...) are offsets in ``doc.text``.
A spaCy span covers whole tokens: a mention that cuts through a jieba token is expanded to the
tokens it overlaps, never dropped. The exact mention is ``doc.text[span._.char_start :
span._.char_end]`` (equal to ``span.start_char``/``span.end_char`` when the boundaries agree).
A mention overlapping no token at all (whitespace only; the extractor emits none) is kept as
JSON data (label, start, end, text, value, unit, refs) in ``doc._.xiangmu_unaligned``. The span
group key is the ``spans_key`` setting (default ``"xiangmu"``); ``reference_date`` is passed on to
:func:`~xiangmu_extract.extract`.

Extensions, registered when the factory first runs (never at import):
``span._.value`` (name/place/company, amount in currency units, quantity, ISO partial date),
``span._.unit`` (currency or unit), ``span._.refs`` ((project index, field) of every record value
the span supports), ``span._.char_start``/``span._.char_end``; ``doc._.document`` (the whole
:class:`Document`) and ``doc._.projects`` (its projects). All are getters over plain JSON data
on the Doc (so ``doc.to_bytes``, ``DocBin`` and ``nlp.pipe(n_process=2)`` work): the span ones
read the mention whose id (``span.id_``, see :func:`mention_id`) the span carries, because spaCy
keys span extension values by character offsets only and two mentions may expand to the same
tokens; the Doc ones validate the record on each access: read ``doc._.document`` once.

Importing this module registers the factory with spaCy (the ``@Language.factory`` decorator),
which is how spaCy's ``spacy_factories`` entry point finds it; ``import xiangmu_extract`` alone
never imports spaCy. Display colours come from :data:`xiangmu_extract.labels.LABEL_COLORS`
through the ``spacy_displacy_colors`` entry point (:func:`displacy_colors`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from xiangmu_extract.labels import LABEL_COLORS, LabeledMention, document_mentions
from xiangmu_extract.models import Document, Project
from xiangmu_extract.pipeline import extract

FACTORY = "xiangmu_extract"
DEFAULT_SPANS_KEY = "xiangmu"
_RECORD = "xiangmu_record"  # the Document as JSON data, behind doc._.document / doc._.projects
_MENTIONS = "xiangmu_mentions"  # mention id -> mention as JSON data, behind the span extensions
_UNALIGNED = "xiangmu_unaligned"

# span extension -> key of the mention data it reads
_SPAN_FIELDS = {"value": "value", "unit": "unit", "char_start": "start", "char_end": "end"}


def displacy_colors() -> dict[str, str]:
    """The displacy colour of every label (entry point ``spacy_displacy_colors``)."""
    return dict(LABEL_COLORS)


def register_extensions() -> None:
    """Register the Doc and Span extensions of the component; idempotent."""
    for name, field in _SPAN_FIELDS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=partial(_mention_field, field))
    if not Span.has_extension("refs"):
        Span.set_extension("refs", getter=_refs)
    for name in (_RECORD, _MENTIONS, _UNALIGNED):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("document"):
        Doc.set_extension("document", getter=_document)
    if not Doc.has_extension("projects"):
        Doc.set_extension("projects", getter=_projects)


def _mention(span: Span) -> dict[str, Any] | None:
    table: dict[str, dict[str, Any]] | None = span.doc._.get(_MENTIONS)
    return None if table is None else table.get(span.id_)


def _mention_field(field: str, span: Span) -> Any:
    mention = _mention(span)
    return None if mention is None else mention[field]


def _refs(span: Span) -> tuple[tuple[int, str], ...]:
    mention = _mention(span)
    return () if mention is None else tuple((int(i), str(f)) for i, f in mention["refs"])


def _document(doc: Doc) -> Document | None:
    record = doc._.get(_RECORD)
    return None if record is None else Document.model_validate(record)


def _projects(doc: Doc) -> list[Project]:
    document = _document(doc)
    return [] if document is None else document.projects


class XiangmuExtractor:
    """The pipe: runs the extractor on ``doc.text`` and writes spans and records to the Doc."""

    def __init__(self, spans_key: str = DEFAULT_SPANS_KEY, reference_date: str | None = None):
        self.spans_key = spans_key
        self.reference_date = reference_date

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        document = extract(text, reference_date=self.reference_date)
        add_mentions(doc, document_mentions(document, text), self.spans_key)
        doc._.set(_RECORD, document.model_dump(mode="json"))
        return doc


def add_mentions(doc: Doc, mentions: Sequence[LabeledMention], spans_key: str) -> None:
    """Put ``mentions`` (offsets in ``doc.text``) on ``doc``: the aligned spans in
    ``doc.spans[spans_key]``, their data behind the span extensions, the others in
    ``doc._.xiangmu_unaligned``. Needs :func:`register_extensions`."""
    spans, unaligned = align_mentions(doc, mentions)
    doc.spans[spans_key] = spans
    doc._.set(_MENTIONS, {mention_id(m): _mention_data(m) for m in mentions})
    doc._.set(_UNALIGNED, [_mention_data(m) for m in unaligned])


def mention_id(mention: LabeledMention) -> str:
    """The span id of a mention: label and exact offsets (unique within a document)."""
    return f"{mention.label}:{mention.start}:{mention.end}"


def align_mentions(
    doc: Doc, mentions: Iterable[LabeledMention]
) -> tuple[list[Span], list[LabeledMention]]:
    """The labelled, token-aligned span of every mention (offsets in ``doc.text``), its id
    :func:`mention_id`, and the mentions that overlap no token."""
    starts = [t.idx for t in doc]
    ends = [t.idx + len(t) for t in doc]
    spans: list[Span] = []
    unaligned: list[LabeledMention] = []
    for m in mentions:
        bounds = token_bounds(starts, ends, m.start, m.end)
        if bounds is None:
            unaligned.append(m)
        else:
            spans.append(Span(doc, *bounds, label=m.label, span_id=mention_id(m)))
    return spans, unaligned


def token_bounds(
    starts: Sequence[int], ends: Sequence[int], start: int, end: int
) -> tuple[int, int] | None:
    """The range ``[i, j)`` of the tokens (character ``starts`` and ``ends``, in order)
    overlapping the characters ``[start, end)``, whitespace after a token not being part of
    it; None if there is none."""
    i = bisect_right(ends, start)  # the first token ending after start
    j = bisect_left(starts, end)  # the tokens starting before end
    return (i, j) if i < j else None


def _mention_data(mention: LabeledMention) -> dict[str, Any]:
    return {
        "label": mention.label,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "value": mention.value,
        "unit": mention.unit,
        "refs": [list(ref) for ref in mention.refs],
    }


@Language.factory(
    FACTORY,
    default_config={"spans_key": DEFAULT_SPANS_KEY, "reference_date": None},
    assigns=[
        "doc.spans",
        "doc._.document",
        "doc._.projects",
        "span._.value",
        "span._.unit",
        "span._.refs",
        "span._.char_start",
        "span._.char_end",
    ],
)
def make_component(
    nlp: Language, name: str, spans_key: str, reference_date: str | None
) -> XiangmuExtractor:
    """The ``xiangmu_extract`` factory (entry point ``spacy_factories``). ``reference_date``
    (ISO), when set, resolves relative dates ("去年6月") instead of each article's publish
    date."""
    register_extensions()
    return XiangmuExtractor(spans_key=spans_key, reference_date=reference_date)
