"""Crawler dumps: JSON Lines and CSV/TSV (optionally gzipped), read one line or row at a time.

Each line or row becomes a :class:`~xiangmu_extract.tasks.Task` carrying only the cells the
extractor uses, or a :class:`~xiangmu_extract.tasks.Failure` saying what is wrong with it (and
where); a problem with the whole dump (no text column) is one Failure for the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from gzip import GzipFile

from xiangmu_extract.tasks import (
    DEFAULT_DATE_COLUMNS,
    DEFAULT_ID_COLUMNS,
    DEFAULT_TEXT_COLUMNS,
    DEFAULT_TITLE_COLUMNS,
    DEFAULT_URL_COLUMNS,
    Failure,
    Found,
    SourceOptions,
    Task,
    find_column,
    os_reason,
    too_large,
)

DUMP_FORMATS = frozenset({"jsonl", "csv", "tsv"})
_READ_ERRORS = (OSError, EOFError, zlib.error)  # what reading a (gzipped) dump can raise
_SKIP_CHUNK = 1 << 20  # bytes read at a time while skipping an over-long JSONL line
_MAX_CSV_FIELD_LIMIT = 2**31 - 1  # what csv.field_size_limit accepts on every platform


@dataclass(frozen=True, slots=True)
class _Columns:
    """The dump's column for each role (None: absent)."""

    text: str
    doc_id: str | None
    url: str | None
    title: str | None
    date: str | None

    def names(self) -> tuple[str, ...]:
        roles = (self.text, self.doc_id, self.url, self.title, self.date)
        return tuple(dict.fromkeys(name for name in roles if name is not None))


def _columns(names: Sequence[str], options: SourceOptions) -> _Columns | str:
    """The columns to read, or why the dump (or JSON object) cannot be read."""
    roles = (
        (options.text_column, DEFAULT_TEXT_COLUMNS),
        (options.id_column, DEFAULT_ID_COLUMNS),
        (options.url_column, DEFAULT_URL_COLUMNS),
        (options.title_column, DEFAULT_TITLE_COLUMNS),
        (options.date_column, DEFAULT_DATE_COLUMNS),
    )
    found: list[str | None] = []
    for wanted, defaults in roles:
        name = find_column(names, wanted, defaults)
        if name is None and wanted is not None:
            return f"no column {wanted!r}"
        found.append(name)
    text, doc_id, url, title, published = found
    if text is None:
        return f"no text column (looked for {', '.join(DEFAULT_TEXT_COLUMNS)})"
    return _Columns(text, doc_id, url, title, published)


def _utf8_problem(value: str) -> str | None:
    """Why ``value`` (decoded with surrogateescape) is not valid UTF-8, or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(value[exc.start])
        if 0xDC80 <= code <= 0xDCFF:
            return f"not valid UTF-8 (byte 0x{code - 0xDC00:02x})"
        return "not valid UTF-8 (lone surrogate)"
    return None


def _record_task(
    source: str, locator: str, size: int, cells: Mapping[str, str], text_column: str, limit: int
) -> Task | Failure:
    for value in cells.values():
        if problem := _utf8_problem(value):
            return Failure(source, locator, problem)
    text = cells.get(text_column, "")
    length = len(text.encode("utf-8"))
    if length > limit:
        return Failure(source, locator, too_large(length, limit))
    if not text.strip():
        return Failure(source, locator, "empty article")
    return Task(source, locator, "record", size, tuple(cells.items()))


@contextmanager
def _open_dump(found: Found) -> Iterator[tuple[io.BufferedReader, io.BufferedReader | GzipFile]]:
    """The raw file (its position measures progress) and the stream of uncompressed bytes."""
    with open(found.path, "rb") as raw:
        if not found.compressed:
            yield raw, raw
            return
        with GzipFile(fileobj=raw, mode="rb") as stream:
            yield raw, stream


def _json_cell(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "null" if value is None else "a number"


def _jsonl_task(
    path: str, locator: str, size: int, line: bytes, options: SourceOptions
) -> Task | Failure:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Failure(path, locator, f"not valid UTF-8 (byte 0x{line[exc.start]:02x})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Failure(path, locator, f"malformed JSON: {exc.msg} at column {exc.colno}")
    except (ValueError, RecursionError) as exc:
        return Failure(path, locator, f"malformed JSON: {exc}")
    if not isinstance(value, dict):
        return Failure(path, locator, f"not a JSON object but {_json_kind(value)}")
    columns = _columns(list(value), options)
    if isinstance(columns, str):
        return Failure(path, locator, columns)
    cells = {
        name: cell for name in columns.names() if (cell := _json_cell(value[name])) is not None
    }
    return _record_task(path, locator, size, cells, columns.text, options.max_bytes)


def _skip_line(stream: io.BufferedReader | GzipFile) -> int:
    """Read to the end of the current line; the number of bytes before its newline."""
    skipped = 0
    while chunk := stream.readline(_SKIP_CHUNK):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk.rstrip(b"\r\n"))
        skipped += len(chunk)
    return skipped


def jsonl_tasks(found: Found, options: SourceOptions) -> Iterator[Task | Failure]:
    limit = options.max_bytes
    with ExitStack() as stack:
        try:
            raw, stream = stack.enter_context(_open_dump(found))
        except OSError as exc:
            yield Failure(found.path, "", os_reason(exc))
            return
        number = position = 0
        while True:
            locator = f"line {number + 1}"
            try:
                line = stream.readline(limit + 1)
                length = len(line.rstrip(b"\r\n"))
                if length > limit and not line.endswith(b"\n"):
                    length = len(line) + _skip_line(stream)
            except _READ_ERRORS as exc:
                yield Failure(found.path, locator, f"read error: {exc}")
                return
            if not line:
                return
            number += 1
            size, position = raw.tell() - position, raw.tell()
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if length > limit:
                yield Failure(found.path, locator, too_large(length, limit))
            elif line.strip():
                yield _jsonl_task(found.path, locator, size, line, options)


def _allow_csv_field(limit: int) -> None:
    """Raise the csv module's cell size limit (128 KiB by default) to ``limit`` characters.

    This is process-wide csv state; it is only ever raised, so concurrent readers with different
    limits never reject a cell their own limit allows (a cell is checked in bytes afterwards).
    """
    wanted = min(limit + 1, _MAX_CSV_FIELD_LIMIT)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _header_columns(header: list[str] | None, options: SourceOptions) -> _Columns | str:
    if header is None:
        return "empty file, no header"
    if problem := _utf8_problem("".join(header)):
        return f"header {problem}"
    return _columns(header, options)


def csv_tasks(found: Found, options: SourceOptions) -> Iterator[Task | Failure]:
    _allow_csv_field(options.max_bytes)
    with ExitStack() as stack:
        try:
            raw, stream = stack.enter_context(_open_dump(found))
        except OSError as exc:
            yield Failure(found.path, "", os_reason(exc))
            return
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        rows = csv.reader(text, delimiter="\t" if found.form == "tsv" else ",")
        try:
            header = next(rows, None)
        except (csv.Error, *_READ_ERRORS) as exc:
            yield Failure(found.path, "", f"cannot read the header: {exc}")
            return
        columns = _header_columns(header, options)
        if isinstance(columns, str) or header is None:
            yield Failure(found.path, "", str(columns))
            return
        indices = {name: header.index(name) for name in columns.names()}
        number = position = 0
        while True:
            number += 1
            locator = f"row {number}"
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                oversized = str(exc).startswith("field larger than field limit")
                reason = (
                    too_large(None, options.max_bytes) if oversized else f"malformed CSV: {exc}"
                )
                yield Failure(found.path, locator, reason)
                continue
            except _READ_ERRORS as exc:
                yield Failure(found.path, locator, f"read error: {exc}")
                return
            size, position = raw.tell() - position, raw.tell()
            if any(cell.strip() for cell in row):  # a blank line counts as a row but is skipped
                cells = {name: row[i] for name, i in indices.items() if i < len(row)}
                yield _record_task(
                    found.path, locator, size, cells, columns.text, options.max_bytes
                )
