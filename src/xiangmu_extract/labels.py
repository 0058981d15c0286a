"""Every value of a document as a labelled mention of the input: what the spaCy component
puts in ``doc.spans`` and what the HTML reports highlight.

A mention is a half-open span of the ORIGINAL input (``original[start:end] == text``), a label
(PROJECT, COMPANY, LOCATION, MONEY, CAPACITY, AREA, DATE), the resolved value, and the
references (project index, field) of every record value it supports: one place may be the
location of several projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from xiangmu_extract.models import Document

Label = Literal["PROJECT", "COMPANY", "LOCATION", "MONEY", "CAPACITY", "AREA", "DATE"]
LABELS: tuple[Label, ...] = ("PROJECT", "COMPANY", "LOCATION", "MONEY", "CAPACITY", "AREA", "DATE")

# One colour per label, for displacy (entry point spacy_displacy_colors) and the reports.
LABEL_COLORS: dict[str, str] = {
    "PROJECT": "#f6c343",
    "COMPANY": "#8ecae6",
    "LOCATION": "#b5e48c",
    "MONEY": "#ffadad",
    "CAPACITY": "#cdb4db",
    "AREA": "#ffd6a5",
    "DATE": "#a0c4ff",
}

_FIELD_LABELS: dict[str, Label] = {
    "investment": "MONEY",
    "output_value": "MONEY",
    "tax": "MONEY",
    "capacity": "CAPACITY",
    "land_area": "AREA",
    "floor_area": "AREA",
    "start_date": "DATE",
    "completion_date": "DATE",
    "production_date": "DATE",
}

Value = str | float


@dataclass(frozen=True, slots=True)
class LabeledMention:
    label: Label
    start: int  # on the original input
    end: int
    text: str
    value: Value  # the name/place/company, the amount in yuan, the quantity, the ISO date
    unit: str | None  # currency for money, unit for capacities and areas
    refs: tuple[tuple[int, str], ...]  # (project index, field) of every value it supports


def document_mentions(doc: Document, original: str) -> list[LabeledMention]:
    """The labelled mentions of ``doc`` (extracted from ``original``), by position; a span
    that supports several values is one mention with several references."""
    found: dict[tuple[Label, int, int], tuple[Value, str | None, list[tuple[int, str]]]] = {}

    def add(
        label: Label,
        span: tuple[int, int] | None,
        value: Value,
        unit: str | None,
        ref: tuple[int, str],
    ) -> None:
        if span is None or span[0] >= span[1]:
            return
        key = (label, span[0], span[1])
        found.setdefault(key, (value, unit, []))[2].append(ref)

    for i, p in enumerate(doc.projects):
        add("PROJECT", p.name_span, p.name, None, (i, "name"))
        if p.company:
            add("COMPANY", p.company_span, p.company, None, (i, "company"))
        if p.location:
            add("LOCATION", p.location_span, p.location, None, (i, "location"))
        for f, label in _FIELD_LABELS.items():
            values = p.capacity if f == "capacity" else [getattr(p, f)]
            for v in values:
                if v is None:
                    continue
                unit = getattr(v, "currency", None) or getattr(v, "unit", None)
                add(label, v.span, v.value, unit, (i, f))
    mentions = [
        LabeledMention(label, s, e, original[s:e], value, unit, tuple(refs))
        for (label, s, e), (value, unit, refs) in found.items()
    ]
    mentions.sort(key=lambda m: (m.start, -m.end, LABELS.index(m.label)))
    return mentions
