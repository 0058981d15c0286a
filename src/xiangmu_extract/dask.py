"""Extraction on Dask collections, for notebooks and pipelines that already use Dask: a bag of
documents from paths or texts (:func:`extract_bag`), a DataFrame of projects from a DataFrame
of articles (:func:`extract_dataframe`). Lazy, like every Dask collection; any scheduler runs
them (threads, processes, a ``dask.distributed`` cluster). Needs the ``dask`` extra.

Both read articles as ``xiangmu-extract batch`` does (:mod:`xiangmu_extract.sources`,
:func:`xiangmu_extract.batch.extract_article`): a path may be an HTML page (its main text is
extracted), a folder or a JSON Lines/CSV dump, and a DataFrame row is read like a dump row (a
title not at the start of the text is put before it, the date column is the publish date and
the reference date of relative dates). Unlike the batch, nothing is deduplicated or stored.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from xiangmu_extract import pipeline
from xiangmu_extract.batch import extract_article
from xiangmu_extract.reader import InputError
from xiangmu_extract.sources import iter_tasks, load_article
from xiangmu_extract.tasks import (
    DEFAULT_DATE_COLUMNS,
    DEFAULT_ID_COLUMNS,
    DEFAULT_TEXT_COLUMNS,
    DEFAULT_TITLE_COLUMNS,
    DEFAULT_URL_COLUMNS,
    Failure,
    SourceOptions,
    Task,
    find_column,
    location,
)

if TYPE_CHECKING:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from xiangmu_extract.models import Document

Kind = Literal["auto", "path", "text"]
Errors = Literal["raise", "skip"]
_MAX_PATH = 4096  # longer strings are texts, never paths (Linux PATH_MAX)


# -- a bag of documents -------------------------------------------------------------------------
def extract_bag(
    paths_or_texts: Iterable[str | os.PathLike[str]] | db.Bag,
    *,
    kind: Kind = "auto",
    npartitions: int | None = None,
    options: SourceOptions | None = None,
    errors: Errors = "raise",
) -> db.Bag:
    """A bag of the :class:`~xiangmu_extract.models.Document` of each path or text, in order.

    ``paths_or_texts``: a sequence (made a bag of ``npartitions`` partitions) or a bag.
    ``kind="auto"``: ``os.PathLike`` items are paths, and a ``str`` is a path when it is one
    line naming an existing file or folder where the task runs; otherwise it is an article's
    text. ``"path"`` / ``"text"``: all items are. A folder or a dump yields all its articles.
    ``errors="skip"``: an unreadable input or an extractor exception drops that article
    instead of failing the computation.
    """
    import dask.bag as db

    bag = (
        paths_or_texts
        if isinstance(paths_or_texts, db.Bag)
        else db.from_sequence(list(paths_or_texts), npartitions=npartitions)
    )
    documents = functools.partial(
        _documents, kind=kind, options=options or SourceOptions(), errors=errors
    )
    return bag.map_partitions(documents)


def _is_path(item: Any, kind: Kind) -> bool:
    if kind != "auto":
        return kind == "path"
    if isinstance(item, os.PathLike):
        return True
    return (
        isinstance(item, str)
        and len(item) <= _MAX_PATH
        and "\n" not in item
        and os.path.exists(item)
    )


def _documents(
    items: Iterable[Any], *, kind: Kind, options: SourceOptions, errors: Errors
) -> list[Document]:
    docs: list[Document] = []
    for item in items:
        if _is_path(item, kind):
            docs.extend(_file_documents(os.fspath(item), options, errors))
        elif (doc := _guarded(functools.partial(pipeline.extract, item), errors)) is not None:
            docs.append(doc)
    return docs


def _file_documents(path: str, options: SourceOptions, errors: Errors) -> Iterator[Document]:
    for item in iter_tasks([path], options):
        if isinstance(item, Failure):
            if errors == "raise":
                raise InputError(location(item.source, item.locator), item.reason)
            continue
        doc = _guarded(functools.partial(_task_document, item, options), errors)
        if doc is not None:
            yield doc


def _task_document(task: Task, options: SourceOptions) -> Document:
    return extract_article(load_article(task, options))


def _guarded(make: Callable[[], Document], errors: Errors) -> Document | None:
    """``make()``; None when it raises and errors are skipped."""
    try:
        return make()
    except Exception:
        if errors == "raise":
            raise
        return None


# -- a DataFrame of projects --------------------------------------------------------------------
def extract_dataframe(
    ddf: dd.DataFrame,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    date_column: str | None = None,
    title_column: str | None = None,
    url_column: str | None = None,
    errors: Errors = "raise",
) -> dd.DataFrame:
    """The projects of the articles of ``ddf``, one row per project, via ``map_partitions``.

    The columns are those of :func:`xiangmu_extract.frames.to_dataframe` (the same values as
    ``to_dataframe`` of the extracted documents); the index is the label of the article's row in
    ``ddf``, so the projects join back to their articles. A column not named is the first of
    the usual names present (text, content, body…; id, doc_id…; publish_time, date…; title…;
    url…), as in ``xiangmu-extract batch``; ValueError when a named column, or any text column,
    is missing. Rows without text have no projects. ``errors="skip"``: a row the extractor
    fails on has no projects instead of failing the computation.
    """
    import pandas as pd

    from xiangmu_extract.frames import to_dataframe

    names = [c for c in ddf.columns if isinstance(c, str)]
    options = _columns(names, text_column, id_column, date_column, title_column, url_column)
    roles = (options.text_column, options.id_column, options.date_column, options.title_column)
    used = list(dict.fromkeys(c for c in (*roles, options.url_column) if c))
    meta = to_dataframe([])
    meta.index = pd.Index([], dtype=ddf.index.dtype, name=ddf.index.name)
    projects = functools.partial(_partition_projects, options=options, errors=errors)
    return ddf[used].map_partitions(projects, meta=meta)


def _columns(
    names: list[str],
    text: str | None,
    doc_id: str | None,
    date: str | None,
    title: str | None,
    url: str | None,
) -> SourceOptions:
    """The column of each role, found as the batch finds a dump's; raises ValueError."""
    found: list[str | None] = []
    for wanted, usual in (
        (text, DEFAULT_TEXT_COLUMNS),
        (doc_id, DEFAULT_ID_COLUMNS),
        (date, DEFAULT_DATE_COLUMNS),
        (title, DEFAULT_TITLE_COLUMNS),
        (url, DEFAULT_URL_COLUMNS),
    ):
        name = find_column(names, wanted, usual)
        if name is None and wanted is not None:
            raise ValueError(f"no column {wanted!r} in the DataFrame")
        found.append(name)
    if found[0] is None:
        raise ValueError(f"no text column (looked for {', '.join(DEFAULT_TEXT_COLUMNS)})")
    return SourceOptions(
        text_column=found[0],
        id_column=found[1],
        date_column=found[2],
        title_column=found[3],
        url_column=found[4],
    )


def _partition_projects(
    frame: pd.DataFrame, *, options: SourceOptions, errors: Errors
) -> pd.DataFrame:
    import pandas as pd

    from xiangmu_extract.frames import to_dataframe

    docs: list[Document] = []
    labels: list[Any] = []
    columns = [str(c) for c in frame.columns]
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = tuple((c, str(v)) for c, v in zip(columns, values, strict=True) if not _na(v))
        try:
            article = load_article(Task("", "", "record", 0, cells), options)
        except InputError:  # no text
            continue
        doc = _guarded(functools.partial(extract_article, article), errors)
        if doc is not None:
            docs.append(doc)
            labels.extend([label] * len(doc.projects))
    out = to_dataframe(docs)
    out.index = pd.Index(labels, dtype=frame.index.dtype, name=frame.index.name)
    return out


def _na(value: Any) -> bool:
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
