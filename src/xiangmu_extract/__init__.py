"""xiangmu-extract: Chinese news articles about investment/construction projects in,
validated project records out, every value with the span of input it was read from.

The public API is small and imported lazily, so ``import xiangmu_extract`` is cheap:

    from xiangmu_extract import extract, parse_money, parse_quantity, parse_date
    from xiangmu_extract import run_batch, read_database, to_dataframe
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "extract": "xiangmu_extract.pipeline",
    "extract_file": "xiangmu_extract.pipeline",
    "parse_money": "xiangmu_extract.resolve",
    "parse_quantity": "xiangmu_extract.resolve",
    "parse_date": "xiangmu_extract.resolve",
    "Document": "xiangmu_extract.models",
    "Project": "xiangmu_extract.models",
    "Money": "xiangmu_extract.models",
    "Quantity": "xiangmu_extract.models",
    "Area": "xiangmu_extract.models",
    "DateValue": "xiangmu_extract.models",
    "InputError": "xiangmu_extract.reader",
    "to_dataframe": "xiangmu_extract.frames",
    "read_database": "xiangmu_extract.frames",
    "run_batch": "xiangmu_extract.batch",
}

__all__ = [
    "Area",
    "DateValue",
    "Document",
    "InputError",
    "Money",
    "Project",
    "Quantity",
    "extract",
    "extract_file",
    "parse_date",
    "parse_money",
    "parse_quantity",
    "read_database",
    "run_batch",
    "to_dataframe",
]

if TYPE_CHECKING:
    from xiangmu_extract.batch import run_batch
    from xiangmu_extract.frames import read_database, to_dataframe
    from xiangmu_extract.models import Area, DateValue, Document, Money, Project, Quantity
    from xiangmu_extract.pipeline import extract, extract_file
    from xiangmu_extract.reader import InputError
    from xiangmu_extract.resolve import parse_date, parse_money, parse_quantity


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xiangmu_extract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
