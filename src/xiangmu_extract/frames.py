"""pandas DataFrames of projects: from extracted records (:func:`to_dataframe`) and from a
project database (:func:`read_database`).

Every frame has the same readable project columns (:data:`PROJECT_COLUMNS`): money as
float yuan (or the ``*_currency`` given) with its qualifier, capacity as one readable string
("20 GW 高效电池; 21 GW 高效电池组件"), areas with their unit, dates as ISO partial strings,
and at the end the ``*_text`` columns: each normalized value as the article wrote it
("220亿元", "明年6月"), so a reader can check the reading without the article. Spans are
not in the frames: they index the article text, which a frame does not carry (they are in
the records and in the database's ``facts`` table, with the sentence of each value).

Dtypes are stable whatever the input (also for no rows): numbers ``float64`` with NaN when
missing, counts ``int64``, everything else pandas' string dtype ``str`` (missing: NaN).
Lists are "; "-joined; an empty list is missing, not "".
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any, Literal

from xiangmu_extract.models import AREA_FIELDS, DATE_FIELDS, MONEY_FIELDS
from xiangmu_extract.store import connect_readonly

if TYPE_CHECKING:
    import pandas as pd

    from xiangmu_extract.models import Document

Kind = Literal["text", "number", "count"]
Columns = tuple[tuple[str, Kind], ...]

_DTYPES: Mapping[Kind, str] = {"text": "str", "number": "float64", "count": "int64"}
# The fields whose values are normalized, and so get a ``*_text`` column as written.
VALUE_FIELDS = (*MONEY_FIELDS, "capacity", *AREA_FIELDS, *DATE_FIELDS)

PROJECT_COLUMNS: Columns = (
    ("name", "text"),
    ("aliases", "text"),
    ("company", "text"),
    ("location", "text"),
    ("status", "text"),
    *(
        column
        for f in MONEY_FIELDS
        for column in ((f, "number"), (f"{f}_currency", "text"), (f"{f}_qualifier", "text"))
    ),
    ("capacity", "text"),
    *(column for f in AREA_FIELDS for column in ((f, "number"), (f"{f}_unit", "text"))),
    *((f, "text") for f in DATE_FIELDS),
    *((f"{f}_text", "text") for f in VALUE_FIELDS),
)
DOC_COLUMNS = ("doc_id", "source", "title", "publish_date", "media")
RECORD_COLUMNS: Columns = (*((c, "text") for c in DOC_COLUMNS), *PROJECT_COLUMNS)
MENTION_COLUMNS: Columns = (
    ("mention_id", "text"),
    ("consolidated_id", "text"),
    ("article_id", "text"),
    *((c, "text") for c in DOC_COLUMNS),
    ("url", "text"),
    ("locator", "text"),
    *PROJECT_COLUMNS,
)
CONSOLIDATED_COLUMNS: Columns = (
    ("consolidated_id", "text"),
    *PROJECT_COLUMNS,
    ("n_articles", "count"),
    ("n_mentions", "count"),
    ("first_published", "text"),
    ("last_published", "text"),
    ("article_ids", "text"),
    ("sources", "text"),
    ("titles", "text"),
)


# -- flat values ---------------------------------------------------------------------------
def _join(items: Iterable[str | None]) -> str | None:
    """ "; "-joined, without missing items; None for none."""
    return "; ".join(i for i in items if i) or None


def _number(value: float) -> str:
    """A number as a person writes it: 20, 12.6, 208700 (never 2.087e+05)."""
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def capacity_string(items: Iterable[Mapping[str, Any]]) -> str | None:
    """Capacities as one readable string: "20 GW 高效电池; 21 GW 高效电池组件"."""
    return _join(
        " ".join(p for p in (_number(c["value"]), c.get("unit"), c.get("product")) if p)
        for c in items
    )


def project_values(project: Mapping[str, Any]) -> dict[str, Any]:
    """The :data:`PROJECT_COLUMNS` of one project, given as ``Project.model_dump()``."""
    row: dict[str, Any] = {
        "name": project.get("name"),
        "aliases": _join(project.get("aliases") or ()),
        "company": project.get("company"),
        "location": project.get("location"),
        "status": project.get("status"),
    }
    for f in MONEY_FIELDS:
        money = project.get(f) or {}
        row[f] = money.get("value")
        row[f"{f}_currency"] = money.get("currency")
        row[f"{f}_qualifier"] = money.get("qualifier")
        row[f"{f}_text"] = money.get("text")
    capacity = project.get("capacity") or ()
    row["capacity"] = capacity_string(capacity)
    row["capacity_text"] = _join(c.get("text") for c in capacity)
    for f in AREA_FIELDS:
        area = project.get(f) or {}
        row[f], row[f"{f}_unit"], row[f"{f}_text"] = (
            area.get(k) for k in ("value", "unit", "text")
        )
    for f in DATE_FIELDS:
        date = project.get(f) or {}
        row[f], row[f"{f}_text"] = date.get("value"), date.get("text")
    return row


def _frame(rows: Sequence[Mapping[str, Any]], columns: Columns) -> pd.DataFrame:
    """``rows`` as a frame of exactly ``columns``, with their dtypes; "" is missing."""
    import pandas as pd

    def values(name: str, kind: Kind) -> list[Any]:
        if kind == "text":
            return [None if row.get(name) == "" else row.get(name) for row in rows]
        return [row.get(name) for row in rows]

    return pd.DataFrame(
        {name: pd.Series(values(name, kind), dtype=_DTYPES[kind]) for name, kind in columns}
    )


# -- records -------------------------------------------------------------------------------
def _as_dict(record: Any) -> Mapping[str, Any]:
    if isinstance(record, Mapping):
        return record
    if hasattr(record, "model_dump"):
        return dict(record.model_dump(mode="json"))
    raise TypeError(
        f"to_dataframe takes Document objects or their dicts, not {type(record).__name__}"
    )


def to_dataframe(
    records: Iterable[Document | Mapping[str, Any]] | Document | Mapping[str, Any],
) -> pd.DataFrame:
    """One row per project of ``records`` (as :func:`xiangmu_extract.extract` returns them,
    or their ``model_dump(mode="json")`` dicts; one record alone is fine too): the document
    columns (doc_id, source, title, publish_date, media), then :data:`PROJECT_COLUMNS`."""
    one = isinstance(records, Mapping) or hasattr(records, "model_dump")
    items: Iterable[Any] = [records] if one else records
    rows: list[dict[str, Any]] = []
    for record in items:
        doc = _as_dict(record)
        head = {c: doc.get(c) for c in DOC_COLUMNS}
        rows.extend({**head, **project_values(p)} for p in doc.get("projects") or ())
    return _frame(rows, RECORD_COLUMNS)


# -- the database --------------------------------------------------------------------------


def _source(article: Mapping[str, Any]) -> str:
    """Where to find an article: its URL, else the input (and the line or row in it)."""
    if article["url"]:
        return str(article["url"])
    return (
        f"{article['source']} ({article['locator']})" if article["locator"] else article["source"]
    )


def _fact_value(fact: Mapping[str, Any]) -> dict[str, Any]:
    """A ``facts`` row in the shape of the model value it was stored from."""
    value = {"value": fact["value_text"] if fact["value_num"] is None else fact["value_num"]}
    value["text"] = fact["text"]
    if fact["field"] in MONEY_FIELDS:
        value.update(currency=fact["unit"], qualifier=fact["qualifier"])
    else:
        value.update(unit=fact["unit"], product=fact["product"])
    return value


def _mention_facts(db: sqlite3.Connection) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """project id -> field -> its values, in order."""
    facts: dict[str, dict[str, list[dict[str, Any]]]] = {}
    query = "SELECT * FROM facts ORDER BY project_id, seq"
    for fact in db.execute(query):
        fields = facts.setdefault(fact["project_id"], {})
        fields.setdefault(fact["field"], []).append(_fact_value(fact))
    return facts


def _mention_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    facts = _mention_facts(db)
    query = (
        "SELECT p.id AS mention_id, p.consolidated_id, p.article_id, a.doc_id, a.source, "
        "a.title, a.publish_date, a.media, a.url, a.locator, p.name, p.aliases, p.company, "
        "p.location, p.status FROM projects p JOIN articles a ON a.id = p.article_id "
        "ORDER BY p.article_id, p.idx"
    )
    for mention in db.execute(query):
        values = facts.get(mention["mention_id"], {})
        project = {
            **dict(mention),
            "aliases": json.loads(mention["aliases"]),
            **{f: values[f][0] for f in (*MONEY_FIELDS, *AREA_FIELDS, *DATE_FIELDS) if f in values},
            "capacity": values.get("capacity", []),
        }
        yield {**dict(mention), **project_values(project)}


def _chosen_texts(db: sqlite3.Connection) -> dict[tuple[str, str], list[str | None]]:
    """(mention id, field) -> the texts of the values a consolidated row took from it."""
    query = (
        "SELECT f.project_id, f.field, f.text FROM consolidated c, json_each(c.chosen_from) j "
        "JOIN facts f ON f.project_id = j.value AND f.field = j.key ORDER BY f.project_id, f.seq"
    )
    texts: dict[tuple[str, str], list[str | None]] = {}
    for project_id, field, text in db.execute(query):
        texts.setdefault((project_id, field), []).append(text)
    return texts


def _consolidated_project(
    c: sqlite3.Row, texts: Mapping[tuple[str, str], list[str | None]]
) -> dict[str, Any]:
    """A ``consolidated`` row in the shape of ``Project.model_dump()``, each value with the
    text of the mention it was chosen from."""
    chosen: dict[str, str] = json.loads(c["chosen_from"])

    def written(field: str) -> list[str | None]:
        return texts.get((chosen.get(field, ""), field), [])

    project: dict[str, Any] = {k: c[k] for k in ("name", "company", "location", "status")}
    project["aliases"] = json.loads(c["aliases"])
    for f in (*MONEY_FIELDS, *AREA_FIELDS, *DATE_FIELDS):
        if c[f] is not None:
            project[f] = {"value": c[f], "text": next(iter(written(f)), None)}
    for f in MONEY_FIELDS:
        if c[f] is not None:
            project[f].update(currency=c[f"{f}_currency"], qualifier=c[f"{f}_qualifier"])
    for f in AREA_FIELDS:
        if c[f] is not None:
            project[f]["unit"] = c[f"{f}_unit"]
    capacity = json.loads(c["capacity"])
    for item, text in zip(capacity, written("capacity"), strict=False):
        item["text"] = text
    project["capacity"] = capacity
    return project


def _consolidated_rows(db: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    texts = _chosen_texts(db)
    query = "SELECT id, source, locator, url, title FROM articles"
    articles = {a["id"]: a for a in db.execute(query)}
    for c in db.execute("SELECT * FROM consolidated ORDER BY id"):
        ids: list[str] = [i for i in json.loads(c["article_ids"]) if i in articles]
        yield {
            "consolidated_id": c["id"],
            **project_values(_consolidated_project(c, texts)),
            **{k: c[k] for k in ("n_articles", "n_mentions", "first_published", "last_published")},
            "article_ids": _join(ids),
            "sources": _join(dict.fromkeys(_source(articles[i]) for i in ids)),
            "titles": _join(dict.fromkeys(articles[i]["title"] for i in ids)),
        }


def read_database(path: str | os.PathLike[str], *, mentions: bool = False) -> pd.DataFrame:
    """The projects of the database at ``path``, read-only.

    ``mentions=False``: one row per consolidated project (:data:`CONSOLIDATED_COLUMNS`),
    sorted by its id, with the ``*_text`` of each value from the mention it was chosen
    from, and the sources (URL, else input file) and titles of its articles.
    ``mentions=True``: one row per project per article (:data:`MENTION_COLUMNS`, the same
    project columns as :func:`to_dataframe`), sorted by article id and order in the article.
    """
    with closing(connect_readonly(path)) as db:
        if mentions:
            return _frame(list(_mention_rows(db)), MENTION_COLUMNS)
        return _frame(list(_consolidated_rows(db)), CONSOLIDATED_COLUMNS)
