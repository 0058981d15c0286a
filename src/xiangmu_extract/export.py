"""Export a project database, or any frame of :mod:`xiangmu_extract.frames`, to csv,
parquet, xlsx or jsonl through pandas.

* csv: UTF-8 with a byte-order mark when written to a file, because Excel reads a CSV
  without one in the local code page and garbles the Chinese; no BOM on standard output,
  where it would end up in the first column name of the next program of a pipe.
* jsonl: one JSON object per row, Chinese as is (``ensure_ascii=False``), missing -> null.
* parquet (pyarrow): the frame's dtypes as they are.
* xlsx (openpyxl): one sheet, "projects" or "mentions"; text that starts with "=" stays
  text (never a formula), and the control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from xiangmu_extract.frames import read_database

if TYPE_CHECKING:
    import pandas as pd

EXPORT_FORMATS = ("csv", "parquet", "xlsx", "jsonl")
TEXT_FORMATS = ("csv", "jsonl")  # the formats that can go to standard output
_SUFFIXES = MappingProxyType(
    {
        ".csv": "csv",
        ".parquet": "parquet",
        ".pq": "parquet",
        ".xlsx": "xlsx",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
    }
)
XLSX_MAX_CELL = 32_767  # characters an Excel cell holds
# Characters XML 1.0 forbids (C0 controls but tab, newline, carriage return).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def format_from_path(path: str | os.PathLike[str]) -> str | None:
    """The export format a file name asks for ("out.xlsx" -> "xlsx"); None if unknown."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def _check(fmt: str, output: str | os.PathLike[str] | None) -> None:
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if output is None and fmt not in TEXT_FORMATS:
        raise ValueError(
            f"{fmt} export needs an output file (-o FILE): "
            f"only {' and '.join(TEXT_FORMATS)} can go to standard output"
        )


def export_database(
    database: str | os.PathLike[str],
    output: str | os.PathLike[str] | None,
    *,
    fmt: str,
    mentions: bool = False,
) -> int:
    """Write the consolidated projects of ``database`` (one row per project per article
    with ``mentions``) to ``output`` (None: standard output) as ``fmt``; the rows written.

    Raises ValueError for an unknown format or a binary format without an output file,
    :class:`xiangmu_extract.store.DatabaseError` when ``database`` is not a project database.
    """
    _check(fmt, output)
    frame = read_database(database, mentions=mentions)
    write_frame(frame, output, fmt=fmt, sheet="mentions" if mentions else "projects")
    return len(frame)


def write_frame(
    frame: pd.DataFrame,
    output: str | os.PathLike[str] | None,
    *,
    fmt: str,
    sheet: str = "projects",
) -> None:
    """Write ``frame`` to ``output`` (None: standard output, csv and jsonl only) as ``fmt``."""
    _check(fmt, output)
    if output is None:
        _write_text(frame, fmt, sys.stdout)
    elif fmt == "parquet":
        frame.to_parquet(output, index=False, engine="pyarrow")
    elif fmt == "xlsx":
        _write_xlsx(frame, output, sheet)
    else:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with Path(output).open("w", encoding=encoding, newline="") as out:
            _write_text(frame, fmt, out)


def _write_text(frame: pd.DataFrame, fmt: str, out: Any) -> None:
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    else:
        for line in json_lines(frame):
            out.write(line + "\n")


def json_lines(frame: pd.DataFrame) -> Iterator[str]:
    """One JSON object per row of ``frame``; NaN and other missing values are null."""
    plain = frame.astype(object).where(frame.notna(), None)
    for row in plain.to_dict("records"):
        yield json.dumps(row, ensure_ascii=False, allow_nan=False)


def _excel_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _XML_ILLEGAL.sub("", value)
    return value if len(value) <= XLSX_MAX_CELL else value[: XLSX_MAX_CELL - 1] + "…"


def _write_xlsx(frame: pd.DataFrame, output: str | os.PathLike[str], sheet: str) -> None:
    import pandas as pd

    text = [c for c in frame.columns if frame[c].dtype.kind not in "biufc"]
    clean = frame.assign(**{c: frame[c].map(_excel_text, na_action="ignore") for c in text})
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        clean.to_excel(writer, sheet_name=sheet, index=False)
        for row in writer.sheets[sheet].iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # a text that starts with "=": keep it text
                    cell.data_type = "s"
