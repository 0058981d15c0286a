"""Flat tables: one row per project, for CSV output and data frames."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

DOC_COLUMNS = ("doc_id", "source", "title", "publish_date", "media")


def project_rows(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One flat dict per project: document fields first, nested values as ``field.key``."""
    rows: list[dict[str, Any]] = []
    for doc in docs:
        for project in doc.get("projects", []):
            row: dict[str, Any] = {k: doc.get(k) for k in DOC_COLUMNS}
            for key, value in project.items():
                if key == "capacity":
                    row["capacity"] = "; ".join(
                        f"{c['value']:g} {c['unit']}"
                        + (f" {c['product']}" if c.get("product") else "")
                        for c in value
                    )
                elif key in ("aliases",):
                    row[key] = "; ".join(value)
                elif key == "evidence":
                    continue
                elif isinstance(value, dict):
                    for sub, v in value.items():
                        row[f"{key}.{sub}"] = v
                else:
                    row[key] = value
            rows.append(row)
    return rows


def write_csv(docs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write the projects of ``docs`` as CSV (pandas, imported only here); returns rows."""
    import pandas as pd

    rows = project_rows(docs)
    frame = pd.DataFrame(rows)
    frame.to_csv(out, index=False)
    return len(rows)
