"""Validated records: the output contract of the extractor.

Every extracted value carries ``text`` and ``span``: ``span`` is a half-open
character interval on the ORIGINAL decoded input, so ``original[s:e]`` is the
mention as the page wrote it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Qualifier = Literal["exact", "at_least", "at_most", "about"]
Status = Literal["planned", "signed", "under_construction", "completed", "in_production"]
# What the spans of a document refer to: the input as given; a title column joined to a text
# column ("title\ntext"); the main text of an HTML page as trafilatura extracts it.
TextBasis = Literal["input", "title+text", "html-main-text"]
Span = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]]

# YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-H1/H2
ISO_PARTIAL = re.compile(
    r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?|-Q[1-4]|-H[12])?"
)

# The value fields of a Project, by kind.
MONEY_FIELDS = ("investment", "output_value", "tax")
AREA_FIELDS = ("land_area", "floor_area")
DATE_FIELDS = ("start_date", "completion_date", "production_date")

STATUSES: tuple[Status, ...] = (
    "planned",
    "signed",
    "under_construction",
    "completed",
    "in_production",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class _Evidence(_Model):
    text: str | None = None
    span: Span | None = None

    @model_validator(mode="after")
    def _span_ordered(self) -> _Evidence:
        if self.span is not None and self.span[0] > self.span[1]:
            raise ValueError(f"span {self.span} is not ordered")
        return self


class Money(_Evidence):
    """An amount of money: ``value`` in units of ``currency`` (yuan for CNY)."""

    value: float = Field(gt=0)
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    qualifier: Qualifier = "exact"


class Quantity(_Evidence):
    """A quantity with its unit; ``product`` for production capacities."""

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)
    product: str | None = None


class Area(_Evidence):
    """A land or floor area as written (亩, 平方米, 公顷, 平方公里)."""

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)


class DateValue(_Evidence):
    """A date as an ISO partial string: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn."""

    value: str

    @field_validator("value")
    @classmethod
    def _iso_partial(cls, v: str) -> str:
        if not ISO_PARTIAL.fullmatch(v):
            raise ValueError(f"{v!r} is not an ISO partial date")
        return v


class Project(_Model):
    """One concrete investment/construction project reported by an article."""

    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    company: str | None = None
    location: str | None = None
    investment: Money | None = None
    output_value: Money | None = None
    tax: Money | None = None
    capacity: list[Quantity] = Field(default_factory=list)
    land_area: Area | None = None
    floor_area: Area | None = None
    start_date: DateValue | None = None
    completion_date: DateValue | None = None
    production_date: DateValue | None = None
    status: Status | None = None
    name_span: Span | None = None
    company_span: Span | None = None
    location_span: Span | None = None
    evidence: list[Span] = Field(default_factory=list)


class Document(_Model):
    """The extraction result for one article."""

    doc_id: str | None = None
    source: str | None = None
    title: str | None = None
    publish_date: str | None = None
    media: str | None = None
    author: str | None = None
    title_span: Span | None = None
    publish_date_span: Span | None = None
    media_span: Span | None = None
    author_span: Span | None = None
    text_basis: TextBasis = "input"
    projects: list[Project] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @field_validator("publish_date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None and not ISO_PARTIAL.fullmatch(v):
            raise ValueError(f"{v!r} is not an ISO partial date")
        return v
