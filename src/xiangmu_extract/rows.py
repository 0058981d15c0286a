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
from xiangmu_extract.models import AREA_FIELDS, DATE_FIELDS, MONEY_FIELDS, Document, Project

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


def _fact(field: str, value: dict[str, Any] | None, text: str) -> Row | None:
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


def _text_fact(field: str, value: str | None, span: Any, text: str) -> Row | None:
    if not value:
        return None
    return _fact(
        field,
        {"value": value, "text": text[span[0] : span[1]] if span else None, "span": span},
        text,
    )


def _project_facts(p: Project, text: str) -> list[Row]:
    d = p.model_dump(mode="json")
    facts = [
        _text_fact("name", p.name, p.name_span, text),
        _text_fact("company", p.company, p.company_span, text),
        _text_fact("location", p.location, p.location_span, text),
        *(_fact(f, d[f], text) for f in MONEY_FIELDS),
        *(_fact("capacity", c, text) for c in d["capacity"]),
        *(_fact(f, d[f], text) for f in AREA_FIELDS),
        *(_fact(f, d[f], text) for f in DATE_FIELDS),
    ]
    return [f for f in facts if f is not None]


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
        for seq, fact in enumerate(_project_facts(p, text)):
            facts.append({"project_id": pid, "article_id": aid, "seq": seq, **fact})
        block.extend((k, pid) for k in keys(prof))
    # the facts of one sentence share its string: a batch worker sends the rows to the main
    # process pickled, and pickle writes an object once (a third of the bytes, here)
    shared: dict[str, str] = {}
    for fact in facts:
        if fact["sentence"] is not None:
            fact["sentence"] = shared.setdefault(fact["sentence"], fact["sentence"])
    return ArticleRows(article, projects, facts, block)
