"""Batch input: files, folders, globs and crawler dumps in; one task per article out.

:func:`iter_tasks` runs in the main process. It streams: folders are listed one directory at a
time, dumps (JSON Lines, CSV/TSV, optionally gzipped) are read one line or row at a time, and
every problem becomes a :class:`Failure` while the stream goes on. :func:`load_article` runs in a
worker and turns one :class:`Task` into the :class:`Article` the extractor reads.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from xiangmu_extract.dumps import DUMP_FORMATS, csv_tasks, jsonl_tasks
from xiangmu_extract.html_text import extract_main_text
from xiangmu_extract.models import TextBasis
from xiangmu_extract.reader import InputError, read_text
from xiangmu_extract.resolve import parse_date
from xiangmu_extract.tasks import (
    DEFAULT_DATE_COLUMNS,
    DEFAULT_ID_COLUMNS,
    DEFAULT_TEXT_COLUMNS,
    DEFAULT_TITLE_COLUMNS,
    DEFAULT_URL_COLUMNS,
    FORMATS,
    Article,
    Failure,
    Format,
    Found,
    SourceOptions,
    Task,
    find_column,
    location,
    os_reason,
    too_large,
)

_GZIP_SUFFIX = ".gz"
_GLOB_CHARACTERS = frozenset("*?[")
_CHINA_TIME = timezone(timedelta(hours=8))  # epoch timestamps are dated in Beijing time

_DEFAULT_OPTIONS = SourceOptions()


# --- finding the files ---------------------------------------------------------------------


def _format_of(name: str) -> tuple[Format, bool] | None:
    """The format a file name says, and whether it is gzipped (dumps only); None if unknown."""
    lower = name.lower()
    compressed = lower.endswith(_GZIP_SUFFIX)
    form = FORMATS.get(os.path.splitext(lower.removesuffix(_GZIP_SUFFIX))[1])
    if form is None or (compressed and form not in DUMP_FORMATS):
        return None
    return form, compressed


def _found(path: str, status: os.stat_result, explicit: bool) -> Found | None:
    known = _format_of(path)
    if known is None and not explicit:
        return None
    form, compressed = known or ("text", False)
    return Found(path, status.st_size, (status.st_dev, status.st_ino), form, compressed)


def _walk(directory: str, ancestors: frozenset[tuple[int, int]]) -> Iterator[Found | Failure]:
    """Files of known format under ``directory``, depth first in name order, hidden ones skipped."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(
                (entry for entry in scan if not entry.name.startswith(".")),
                key=lambda entry: entry.name,
            )
    except OSError as exc:
        yield Failure(directory, "", os_reason(exc))
        return
    for entry in entries:
        path = str(Path(directory, entry.name))
        try:
            status = entry.stat()
        except OSError as exc:
            yield Failure(path, "", os_reason(exc))
            continue
        key = (status.st_dev, status.st_ino)
        if stat.S_ISDIR(status.st_mode):
            if key not in ancestors:  # a symbolic link back up the tree is not followed
                yield from _walk(path, ancestors | {key})
        elif stat.S_ISREG(status.st_mode) and (found := _found(path, status, False)):
            yield found


def _named(item: str, explicit: bool) -> Iterator[Found | Failure]:
    try:
        status = os.stat(item)  # not Path(item): "" would become "."
    except OSError as exc:
        yield Failure(item, "", os_reason(exc))
        return
    path = str(Path(item))
    if stat.S_ISDIR(status.st_mode):
        yield from _walk(path, frozenset({(status.st_dev, status.st_ino)}))
    elif not stat.S_ISREG(status.st_mode):
        yield Failure(path, "", "not a regular file")
    elif found := _found(path, status, explicit):
        yield found


def _glob(pattern: str) -> Iterator[Found | Failure]:
    """The files a glob matches; an unknown suffix counts only when the pattern ends with it."""
    matched = False
    for match in sorted(glob.iglob(pattern, recursive=True)):
        suffix = Path(match).suffix.lower()
        explicit = bool(suffix) and pattern.lower().endswith(suffix)
        for item in _named(match, explicit):
            matched = matched or isinstance(item, Found)
            yield item
    if not matched:
        yield Failure(pattern, "", "pattern matches no file")


def discover(inputs: Sequence[str]) -> Iterator[Found | Failure]:
    """The files ``inputs`` name (folders walked, globs expanded), by stat only, without
    opening a dump; a Failure for an input that names none."""
    for item in inputs:
        if _GLOB_CHARACTERS.intersection(item) and not os.path.lexists(item):
            yield from _glob(item)
        else:
            yield from _named(item, explicit=True)


# --- the interface -------------------------------------------------------------------------


def iter_tasks(
    inputs: Sequence[str], options: SourceOptions = _DEFAULT_OPTIONS
) -> Iterator[Task | Failure]:
    """Every article of ``inputs`` (files, folders, globs, dumps) as a Task, or a Failure."""
    seen: set[tuple[int, int]] = set()
    for item in discover(inputs):
        if isinstance(item, Failure):
            yield item
            continue
        if item.key in seen:
            continue
        seen.add(item.key)
        if item.form == "jsonl":
            yield from jsonl_tasks(item, options)
        elif item.form in DUMP_FORMATS:
            yield from csv_tasks(item, options)
        elif item.size > options.max_bytes:
            yield Failure(item.path, "", too_large(item.size, options.max_bytes))
        elif item.size == 0:
            yield Failure(item.path, "", "empty article")
        else:
            yield Task(item.path, "", "html" if item.form == "html" else "text", item.size)


def input_size(inputs: Sequence[str]) -> int:
    """Total bytes of the files ``inputs`` name (stat only), each file counted once."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for item in discover(inputs):
        if isinstance(item, Found) and item.key not in seen:
            seen.add(item.key)
            total += item.size
    return total


def _single_line(value: str | None) -> str | None:
    """``value`` with its runs of white space made one space; None if nothing is left."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def _record_article(task: Task, options: SourceOptions) -> Article:
    cells = dict(task.record or ())
    names = list(cells)

    def cell(wanted: str | None, defaults: Sequence[str]) -> str | None:
        name = find_column(names, wanted, defaults)
        return None if name is None else cells[name]

    text = cell(options.text_column, DEFAULT_TEXT_COLUMNS) or ""
    if not text.strip():
        raise InputError(location(task.source, task.locator), "empty article")
    title = _single_line(cell(options.title_column, DEFAULT_TITLE_COLUMNS))
    basis: TextBasis = "input"
    if title is not None and not text.lstrip().startswith(title):
        text, basis = f"{title}\n{text}", "title+text"
    published = cell(options.date_column, DEFAULT_DATE_COLUMNS)
    return Article(
        source=task.source,
        locator=task.locator,
        text=text,
        text_basis=basis,
        doc_id=_single_line(cell(options.id_column, DEFAULT_ID_COLUMNS)),
        url=_single_line(cell(options.url_column, DEFAULT_URL_COLUMNS)),
        title=title,
        publish_date=None if published is None else parse_publish_time(published),
    )


def load_article(task: Task, options: SourceOptions = _DEFAULT_OPTIONS) -> Article:
    """The article a task stands for; raises InputError for unreadable or empty input."""
    if task.kind == "record":
        return _record_article(task, options)
    where = location(task.source, task.locator)
    text = read_text(task.source)
    if not text.strip():
        raise InputError(where, "empty article")
    stem = Path(task.source).stem
    if task.kind == "text":
        return Article(task.source, task.locator, text, "input", stem, None, None, None)
    main = extract_main_text(text)
    if main is None:
        raise InputError(where, "no article text found in the HTML page")
    published = None if main.date is None else parse_publish_time(main.date)
    return Article(
        task.source,
        task.locator,
        main.text,
        "html-main-text",
        stem,
        main.url,
        main.title,
        published,
    )


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _full_date(value: str | None) -> str | None:
    if value is None or len(value) != len("YYYY-MM-DD"):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _compact_date(digits: str) -> str | None:
    try:
        return datetime.strptime(digits, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def _epoch_date(digits: str) -> str | None:
    seconds = int(digits) / (1000 if len(digits) == 13 else 1)
    try:
        return datetime.fromtimestamp(seconds, tz=_CHINA_TIME).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def parse_publish_time(value: str) -> str | None:
    """A publish-time cell as ``YYYY-MM-DD``; None when it does not give a full date.

    ISO dates and date-times (any offset: the date as written), 2022/5/7, 2022年5月7日 10:23,
    20220507, RFC 2822 (RSS) dates, and epoch seconds or milliseconds, with or without a fraction
    (dated in Beijing time).
    """
    text = value.strip()
    whole, dot, fraction = text.partition(".")
    if _is_digits(whole) and (not dot or _is_digits(fraction)):
        if len(whole) == 8 and not dot:
            return _compact_date(whole)
        return _epoch_date(whole) if len(whole) in (10, 13) else None
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return _full_date(parse_date(text))
