"""Compare every table of two project databases, row by row.

    .venv/bin/python tools/compare_databases.py before.sqlite after.sqlite

Prints, for each table, its row count in both and the rows found in one only (a few of them);
exits 1 when any table differs. The tables are compared as multisets of rows (SQLite gives no
row order to rely on). Nothing in a database depends on when a run happened, so no column is
left out.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SHOWN = 3  # rows shown per table and side, at most


def tables(db: sqlite3.Connection) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
    ]


def rows(db: sqlite3.Connection, table: str) -> Counter[tuple[Any, ...]]:
    return Counter(db.execute(f"SELECT * FROM {table}"))


def compare(a: Path, b: Path) -> bool:
    """Whether the databases at ``a`` and ``b`` hold the same rows; prints what differs."""
    da, db = sqlite3.connect(a), sqlite3.connect(b)
    same = True
    names_a, names_b = tables(da), tables(db)
    if names_a != names_b:
        print(f"tables differ: {names_a} != {names_b}")
        same = False
    for table in sorted(set(names_a) & set(names_b)):
        ra, rb = rows(da, table), rows(db, table)
        only_a, only_b = ra - rb, rb - ra
        status = "same" if not only_a and not only_b else "DIFFERENT"
        print(f"{table:16} {ra.total():8} rows / {rb.total():8} rows  {status}")
        for side, only in (("<", only_a), (">", only_b)):
            for row in list(only)[:SHOWN]:
                print(f"  {side} {row!r:.300}")
        same = same and not only_a and not only_b
    version_a = da.execute("PRAGMA user_version").fetchone()[0]
    version_b = db.execute("PRAGMA user_version").fetchone()[0]
    if version_a != version_b:
        print(f"user_version differs: {version_a} != {version_b}")
        same = False
    da.close()
    db.close()
    return same


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(0 if compare(Path(sys.argv[1]), Path(sys.argv[2])) else 1)
