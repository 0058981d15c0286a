"""The extraction pipeline: decoded article in, validated :class:`Document` out.

    normalize -> metadata -> recognize -> link -> validate

Every value keeps the span of the ORIGINAL input it was read from.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from xiangmu_extract.draft import Draft
from xiangmu_extract.link import Linker, Sentence, split_sentences
from xiangmu_extract.metadata import Metadata, extract_metadata
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
from xiangmu_extract.names import Phrase, find_places, may_name_projects
from xiangmu_extract.normalize import NormalizedText, normalize
from xiangmu_extract.patterns import regex
from xiangmu_extract.reader import read_text

V = TypeVar("V", bound=BaseModel)


def extract(
    text: str,
    *,
    reference_date: str | date | None = None,
    doc_id: str | None = None,
    source: str | None = None,
) -> Document:
    """Extract the projects of one article (already decoded to ``str``).

    ``reference_date`` resolves relative dates ("去年6月"); by default the article's own
    publish date is used, and relative dates stay unresolved when there is none.
    """
    nt = normalize(text)
    meta = extract_metadata(nt)
    reference: str | date | None = reference_date or (
        meta.publish_date.value if meta.publish_date else None
    )
    warnings: list[str] = []
    # most pages of a crawl name no project at all: no head word, nothing to link
    projects = (
        _article_projects(nt, meta, reference, warnings) if may_name_projects(nt.text) else []
    )
    return Document(
        doc_id=doc_id,
        source=source,
        title=meta.title.value if meta.title else None,
        publish_date=meta.publish_date.value if meta.publish_date else None,
        media=meta.media.value if meta.media else None,
        author=meta.author.value if meta.author else None,
        title_span=_span(nt, meta.title.start, meta.title.end) if meta.title else None,
        publish_date_span=(
            _span(nt, meta.publish_date.start, meta.publish_date.end) if meta.publish_date else None
        ),
        media_span=_span(nt, meta.media.start, meta.media.end) if meta.media else None,
        author_span=_span(nt, meta.author.start, meta.author.end) if meta.author else None,
        projects=[p for p in projects if p is not None],
        warnings=warnings,
    )


def extract_file(
    path: str | os.PathLike[str], *, reference_date: str | date | None = None
) -> Document:
    """Read, decode and extract one file; raises :class:`InputError` for bad input."""
    text = read_text(path)
    return extract(text, reference_date=reference_date, doc_id=Path(path).stem, source=str(path))


def _article_projects(
    nt: NormalizedText, meta: Metadata, reference: str | date | None, warnings: list[str]
) -> list[Project | None]:
    """recognize -> link -> validate: the projects of the article (None for one dropped)."""
    sentences = _sentences(nt, meta)
    signing = _is_signing(nt, meta, sentences)
    title_place = _title_place(nt, meta)
    # the places of the whole body only count when the headline names none
    linker = Linker(
        nt.text, reference=reference, signing_article=signing, all_places=title_place is None
    )
    drafts = linker.read(sentences)
    default_place = title_place or _body_place(linker.places)
    return [_project(d, nt, default_place, warnings) for d in drafts]


# -- reading order ----------------------------------------------------------------
def _sentences(nt: NormalizedText, meta: Metadata) -> list[Sentence]:
    lines = [(ln.start, ln.end) for ln in nt.body_lines()]
    if meta.title and not any(s <= meta.title.start < e for s, e in lines):
        lines.insert(0, (meta.title.start, meta.title.end))
    return split_sentences(nt.text, lines)


def _is_signing(nt: NormalizedText, meta: Metadata, sentences: list[Sentence]) -> bool:
    """An article that reports a signing ceremony: its projects are signed by default."""
    head = (
        nt.text[sentences[0].start : sentences[min(2, len(sentences) - 1)].end] if sentences else ""
    )
    title = meta.title.value if meta.title else ""
    signing = regex("cue_signing")
    return bool(signing.search(title) or signing.search(head))


def _title_place(nt: NormalizedText, meta: Metadata) -> Phrase | None:
    """The locality the article is about when the headline names one (GOLD_SCHEMA
    Convention 10): the longest place of the headline."""
    if meta.title:
        in_title = find_places(nt.text[meta.title.start : meta.title.end], meta.title.start)
        if in_title:
            return max(in_title, key=lambda p: len(p.text))
    return None


def _body_place(places: list[Phrase]) -> Phrase | None:
    """The locality the article is about when the headline names none: the place the body
    names most often, at least twice (GOLD_SCHEMA Convention 10)."""
    if not places:
        return None
    counts = Counter(p.text for p in places)
    best, n = counts.most_common(1)[0]
    if n < 2:
        return None
    longest = max(
        (p for p in places if best in p.text and len(p.text) <= len(best) + 1),
        key=lambda p: len(p.text),
    )
    return longest


# -- building records -----------------------------------------------------------------
def _span(nt: NormalizedText, start: int, end: int) -> tuple[int, int]:
    return nt.to_original(start, end)


def _evidence(nt: NormalizedText, start: int, end: int) -> dict[str, Any]:
    s, e = nt.to_original(start, end)
    return {"text": nt.original[s:e], "span": (s, e)}


def _valid(make: Callable[..., V], warnings: list[str], what: str, **values: Any) -> V | None:
    """Validate one value; a bad value is dropped with a warning, never the article."""
    try:
        return make(**values)
    except ValidationError as exc:
        problems = "; ".join(err["msg"] for err in exc.errors())
        warnings.append(f"dropped {what}: {problems}")
        return None


def _project(
    d: Draft, nt: NormalizedText, default_place: Phrase | None, warnings: list[str]
) -> Project | None:
    values = _values(d, nt)
    location = d.location or (d.parent.location if d.parent else None) or default_place
    company = d.company or (d.parent.company if d.parent else None)
    record: dict[str, Any] = {
        "name": d.name,
        "aliases": [a for a in dict.fromkeys(d.aliases) if a != d.name],
        "company": company.text if company else None,
        "company_span": _span(nt, company.start, company.end) if company else None,
        "location": location.text if location else None,
        "location_span": _span(nt, location.start, location.end) if location else None,
        "name_span": _span(nt, *d.span),
        "status": d.status(),
        "evidence": sorted({_span(nt, s, e) for s, e in d.evidence}),
    }
    try:  # the whole record in one validation: the usual case, every value is valid
        return Project.model_validate({**record, **values})
    except ValidationError:
        pass
    # a value is not: each is validated on its own, and a bad one dropped with a warning
    what = f"value of project {d.name!r}"
    for f, value in values.items():
        if isinstance(value, list):
            record[f] = [q for v in value if (q := _valid(Quantity, warnings, f"{f} {what}", **v))]
        else:
            record[f] = _valid(_MODELS[f], warnings, f"{f} {what}", **value)
    return _valid(Project, warnings, f"project {d.name!r}", **record)


_MODELS: dict[str, type[Money | Area | DateValue]] = {
    **dict.fromkeys(MONEY_FIELDS, Money),
    **dict.fromkeys(AREA_FIELDS, Area),
    **dict.fromkeys(DATE_FIELDS, DateValue),
}


def _values(d: Draft, nt: NormalizedText) -> dict[str, Any]:
    """The project's values as plain data, in the order of their fields: amounts of money,
    capacities (a list), areas, dates."""
    values: dict[str, Any] = {}
    for f in MONEY_FIELDS:
        picked = d.pick_money(f)
        if picked:
            m, phase_only = picked
            qualifier = "at_least" if phase_only and d.parent is None else m.qualifier
            values[f] = {
                "value": m.value,
                "currency": m.currency,
                "qualifier": qualifier,
                **_evidence(nt, m.start, m.end),
            }
    values["capacity"] = [
        {"value": c.value, "unit": c.unit, "product": c.product, **_evidence(nt, c.start, c.end)}
        for c in d.capacity
    ]
    for f in AREA_FIELDS:
        a = d.pick_area(f)
        if a:
            values[f] = {"value": a.value, "unit": a.unit, **_evidence(nt, a.start, a.end)}
    for f in DATE_FIELDS:
        dm = d.pick_date(f)
        if dm and dm.value:
            values[f] = {"value": dm.value, **_evidence(nt, dm.start, dm.end)}
    return values
