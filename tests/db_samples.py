"""Shared by the batch tests (test_batch.py, test_dask.py): the dev articles and a comparable
dump of a project database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
Dump = dict[str, list[tuple[Any, ...]]]


def raw(name: str) -> str:
    """The text of a dev article."""
    return (RAW / name).read_text(encoding="utf-8")


def dump(database: Path) -> Dump:
    """Every table of a project database, rows sorted: equal dumps, equal databases."""
    db = sqlite3.connect(database)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
    db.close()
    return out
