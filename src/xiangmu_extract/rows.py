"""One extracted article as database rows: the article, its projects (mentions), one fact
per value with the sentence it was read in, and the blocking keys for consolidation.

Built in the worker process, so the main process only writes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from xiangmu_extract.consolidate import keys, profile
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

# Where a sentence ends, for the sentence kept with each fact.
_SENTENCE_END = re.compile(r"[。!?!?;;\n][”’」』\"]*")
MAX_SENTENCE = 300  # characters on each side of the mention, at most


Row = dict[str, Any]  # a row by column name
Values = tuple[Any, ...]  # a row's values in the order of its table's columns, below

# The columns of the rows of an article (schema.sql), in the order of their values.
ARTICLE_COLUMNS = (
    *("id", "content_hash", "source", "locator", "doc_id", "url", "title", "publish_date"),
    *("media", "author", "text_basis", "text", "n_projects", "warnings"),
)
PROJECT_COLUMNS = (
    *("id", "article_id", "idx", "name", "aliases", "company", "location", "status"),
    *("match_name", "match_phase", "match_company", "match_investment", "consolidated_id"),
)
FACT_COLUMNS = (
    *("project_id", "article_id", "seq", "field", "value_num", "value_text", "unit"),
    *("qualifier", "product", "text", "span_start", "span_end", "sentence"),
)


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """The rows of one article, as tuples of values: a batch worker sends them to the main
    process pickled (a tuple pickles in half the time of a dict, and unpickles in 40%), and
    the main process binds them as they are."""

    article: Values  # ARTICLE_COLUMNS
    projects: list[Values]  # PROJECT_COLUMNS
    facts: list[Values]  # FACT_COLUMNS
    keys: list[tuple[str, str]]  # (key, project id)

    @classmethod
    def from_dicts(
        cls, article: Row, projects: list[Row], facts: list[Row], keys: list[tuple[str, str]]
    ) -> ArticleRows:
        return cls(
            values(ARTICLE_COLUMNS, article),
            [values(PROJECT_COLUMNS, p) for p in projects],
            [values(FACT_COLUMNS, f) for f in facts],
            keys,
        )

    def article_dict(self) -> Row:
        return dict(zip(ARTICLE_COLUMNS, self.article, strict=True))

    def project_dicts(self) -> list[Row]:
        return [dict(zip(PROJECT_COLUMNS, p, strict=True)) for p in self.projects]

    def fact_dicts(self) -> list[Row]:
        return [dict(zip(FACT_COLUMNS, f, strict=True)) for f in self.facts]


def values(columns: tuple[str, ...], row: Row) -> Values:
    """The values of ``row`` in the order of ``columns``."""
    return tuple(row[c] for c in columns)


def content_hash(text: str, reference_date: str | None) -> str:
    """The key of an article: the text the extractor read and the date it resolved against."""
    return hashlib.sha256(f"{reference_date or ''}\n{text}".encode()).hexdigest()


def article_id(digest: str) -> str:
    """A short id: 80 bits of the content hash."""
    return digest[:20]


@functools.cache
def _last_sentence_end() -> re.Pattern[str]:
    """The last sentence end of a stretch of text, found in one match: the greedy ``.*``
    backs up from the end of the stretch instead of matching every sentence end in it."""
    return re.compile(f"(?s:.*)(?:{_SENTENCE_END.pattern})")


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``text[start:end]``."""
    lo = max(0, start - MAX_SENTENCE)
    last = _last_sentence_end().match(text, lo, start)
    s = last.end() if last else lo
    found = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE))
    e = found.end() if found else min(len(text), end + MAX_SENTENCE)
    return text[s:e].strip()


Value = Money | Quantity | Area | DateValue


class _Facts:
    """The fact rows of an article's projects, read from the values' attributes (not through
    ``model_dump``); the sentence of a span found once, and one string per sentence: a batch
    worker sends the rows to the main process pickled, and pickle writes an object once (a
    third of the bytes, here)."""

    def __init__(self, text: str, article_id: str) -> None:
        self.text, self.article_id = text, article_id
        self.at: dict[tuple[int, int], str] = {}  # span -> its sentence
        self.shared: dict[str, str] = {}

    def sentence(self, span: tuple[int, int]) -> str:
        found = self.at.get(span)
        if found is None:
            found = sentence_at(self.text, span[0], span[1])
            found = self.at[span] = self.shared.setdefault(found, found)
        return found

    def of(self, p: Project, project_id: str) -> list[Values]:
        """The facts of ``p``, in their ``seq`` order: name, company, place, then values."""
        rows: list[Values] = []
        for field, name, span in (
            ("name", p.name, p.name_span),
            ("company", p.company, p.company_span),
            ("location", p.location, p.location_span),
        ):
            if name:
                mention = self.text[span[0] : span[1]] if span else None
                rows.append(self.row(project_id, len(rows), field, None, name, mention, span))
        for field, v in _values(p):
            rows.append(self.row(project_id, len(rows), field, v, None, v.text, v.span))
        return rows

    def row(
        self,
        project_id: str,
        seq: int,
        field: str,
        value: Value | None,
        name: str | None,
        mention: str | None,
        span: tuple[int, int] | None,
    ) -> Values:
        """A fact (FACT_COLUMNS): of ``value``, or of ``name`` (a name, company or place)."""
        value_num = value_text = unit = qualifier = product = None
        if isinstance(value, DateValue):
            value_text = value.value
        elif isinstance(value, Money):
            value_num, unit, qualifier = float(value.value), value.currency or None, value.qualifier
        elif isinstance(value, Quantity):
            value_num, unit, product = float(value.value), value.unit, value.product
        elif isinstance(value, Area):
            value_num, unit = float(value.value), value.unit
        else:
            value_text = name
        if span is None:
            start = end = sentence = None
        else:
            (start, end), sentence = span, self.sentence(span)
        return (
            project_id,
            self.article_id,
            seq,
            field,
            value_num,
            value_text,
            unit,
            qualifier,
            product,
            mention,
            start,
            end,
            sentence,
        )


def _values(p: Project) -> list[tuple[str, Value]]:
    """The values of ``p`` that are set, in the order of their facts."""
    candidates: list[tuple[str, Value | None]] = [
        *((f, getattr(p, f)) for f in MONEY_FIELDS),
        *(("capacity", c) for c in p.capacity),
        *((f, getattr(p, f)) for f in AREA_FIELDS),
        *((f, getattr(p, f)) for f in DATE_FIELDS),
    ]
    return [(field, v) for field, v in candidates if v is not None]


def _json_list(items: list[str]) -> str:
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def article_rows(
    doc: Document,
    *,
    digest: str,
    text: str,
    source: str,
    locator: str,
    url: str | None,
    text_basis: str,
) -> ArticleRows:
    """The rows of one extracted article; ``text`` is the text its spans refer to."""
    aid = article_id(digest)
    article = (
        aid,
        digest,
        source,
        locator,
        doc.doc_id,
        url,
        doc.title,
        doc.publish_date,
        doc.media,
        doc.author,
        text_basis,
        None if text_basis == "input" else text,
        len(doc.projects),
        _json_list(doc.warnings),
    )
    projects: list[Values] = []
    facts: list[Values] = []
    block: list[tuple[str, str]] = []
    of_article = _Facts(text, aid)
    for i, p in enumerate(doc.projects):
        pid = f"{aid}#{i}"
        prof = profile(
            pid, aid, p.name, p.company, p.location, p.investment.value if p.investment else None
        )
        projects.append(
            (
                pid,
                aid,
                i,
                p.name,
                _json_list(p.aliases),
                p.company,
                p.location,
                p.status,
                prof.name,
                prof.phase,
                prof.company,
                prof.investment,
                pid,
            )
        )
        facts.extend(of_article.of(p, pid))
        block.extend((k, pid) for k in keys(prof))
    return ArticleRows(article, projects, facts, block)
