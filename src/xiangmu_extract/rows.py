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


Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArticleRows:
    article: Row
    projects: list[Row]
    facts: list[Row]
    keys: list[tuple[str, str]]  # (key, project id)


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

    def of(self, p: Project, project_id: str) -> list[Row]:
        """The facts of ``p``, in their ``seq`` order: name, company, place, then values."""
        rows: list[Row] = []
        for field, name, span in (
            ("name", p.name, p.name_span),
            ("company", p.company, p.company_span),
            ("location", p.location, p.location_span),
        ):
            if name:
                mention = self.text[span[0] : span[1]] if span else None
                rows.append(self.row(project_id, len(rows), field, None, name, None, mention, span))
        for field, v in _values(p):
            rows.append(self.row(project_id, len(rows), field, v, None, None, v.text, v.span))
        return rows

    def row(
        self,
        project_id: str,
        seq: int,
        field: str,
        value: Value | None,
        name: str | None,
        unit: str | None,
        mention: str | None,
        span: tuple[int, int] | None,
    ) -> Row:
        """A fact: of ``value``, or of ``name`` (a name, company or place)."""
        value_num = value_text = qualifier = product = None
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
        return {
            "project_id": project_id,
            "article_id": self.article_id,
            "seq": seq,
            "field": field,
            "value_num": value_num,
            "value_text": value_text,
            "unit": unit,
            "qualifier": qualifier,
            "product": product,
            "text": mention,
            "span_start": span[0] if span else None,
            "span_end": span[1] if span else None,
            "sentence": self.sentence(span) if span else None,
        }


def _values(p: Project) -> list[tuple[str, Value]]:
    """The values of ``p`` that are set, in the order of their facts."""
    values: list[tuple[str, Value | None]] = [
        *((f, getattr(p, f)) for f in MONEY_FIELDS),
        *(("capacity", c) for c in p.capacity),
        *((f, getattr(p, f)) for f in AREA_FIELDS),
        *((f, getattr(p, f)) for f in DATE_FIELDS),
    ]
    return [(field, v) for field, v in values if v is not None]


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
    article: Row = {
        "id": aid,
        "content_hash": digest,
        "source": source,
        "locator": locator,
        "doc_id": doc.doc_id,
        "url": url,
        "title": doc.title,
        "publish_date": doc.publish_date,
        "media": doc.media,
        "author": doc.author,
        "text_basis": text_basis,
        "text": None if text_basis == "input" else text,
        "n_projects": len(doc.projects),
        "warnings": json.dumps(doc.warnings, ensure_ascii=False),
    }
    projects: list[Row] = []
    facts: list[Row] = []
    block: list[tuple[str, str]] = []
    of_article = _Facts(text, aid)
    for i, p in enumerate(doc.projects):
        pid = f"{aid}#{i}"
        prof = profile(
            pid, aid, p.name, p.company, p.location, p.investment.value if p.investment else None
        )
        projects.append(
            {
                "id": pid,
                "article_id": aid,
                "idx": i,
                "name": p.name,
                "aliases": json.dumps(p.aliases, ensure_ascii=False),
                "company": p.company,
                "location": p.location,
                "status": p.status,
                "match_name": prof.name,
                "match_phase": prof.phase,
                "match_company": prof.company,
                "match_investment": prof.investment,
                "consolidated_id": pid,
            }
        )
        facts.extend(of_article.of(p, pid))
        block.extend((k, pid) for k in keys(prof))
    return ArticleRows(article, projects, facts, block)
