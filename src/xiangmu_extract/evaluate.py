"""``xiangmu-extract evaluate``: run the extractor over a gold folder and score it.

The scoring rules themselves are in :mod:`xiangmu_extract.scoring`; this module loads the
files, runs the extractor, prints the table and writes the JSON report.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from xiangmu_extract.scoring import Counts, DocResult, Report, score

__all__ = [
    "GoldError",
    "Report",
    "evaluate_dirs",
    "format_report",
    "load_gold",
    "main_evaluate",
    "report_to_dict",
    "score",
]

_LABEL_WIDTH = 16
_RULE = "-" * (_LABEL_WIDTH + 6 * 3 + 7 * 3)


class GoldError(ValueError):
    """The gold folder is missing, empty or holds a file that is not a JSON object."""


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    """Every ``*.json`` file of ``gold_dir``, keyed by file stem (the doc_id)."""
    if not gold_dir.is_dir():
        raise GoldError(f"gold directory not found: {gold_dir}")
    gold: dict[str, dict[str, Any]] = {}
    for path in sorted(gold_dir.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldError(f"cannot read gold file {path}: {exc}") from exc
        if not isinstance(doc, dict):
            raise GoldError(f"gold file {path} is not a JSON object")
        gold[path.stem] = doc
    if not gold:
        raise GoldError(f"no gold files (*.json) in {gold_dir}")
    return gold


def _extractor() -> Callable[..., Any]:
    extract_file: Callable[..., Any] = importlib.import_module(
        "xiangmu_extract.pipeline"
    ).extract_file
    return extract_file


def _as_dict(result: Any) -> dict[str, Any]:
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json")
    if not isinstance(result, dict):
        raise TypeError(f"extractor returned {type(result).__name__}, not a document")
    return result


def evaluate_dirs(gold_dir: Path, raw_dir: Path, *, reference_date: str | None = None) -> Report:
    """Extract ``raw_dir/<doc_id>.txt`` for every gold doc and score the results.

    ``reference_date`` is passed to ``extract_file`` as a keyword when given. A doc whose
    extraction fails is recorded in ``Report.errors`` and scored as empty."""
    gold = load_gold(gold_dir)
    extract_file = _extractor()
    kwargs = {} if reference_date is None else {"reference_date": reference_date}
    predicted: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for doc_id in gold:
        path = raw_dir / f"{doc_id}.txt"
        try:
            predicted[doc_id] = _as_dict(extract_file(path, **kwargs))
        except Exception as exc:
            errors[doc_id] = f"{type(exc).__name__}: {exc}"
    return dataclasses.replace(score(gold, predicted), errors=errors)


def _counts_dict(counts: Counts) -> dict[str, Any]:
    return {
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "precision": round(counts.precision, 4),
        "recall": round(counts.recall, 4),
        "f1": round(counts.f1, 4),
    }


def _doc_dict(doc: DocResult, error: str | None) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "projects": _counts_dict(doc.projects),
        "facts": _counts_dict(doc.facts),
        "matches": [
            {
                "gold": m.gold_name,
                "predicted": m.predicted_name,
                "gold_index": m.gold_index,
                "predicted_index": m.predicted_index,
                "similarity": round(m.similarity, 4),
            }
            for m in doc.matches
        ],
        "missed": list(doc.missed),
        "spurious": list(doc.spurious),
        "error": error,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "fields": {name: _counts_dict(c) for name, c in report.fields.items()},
        "all_facts": _counts_dict(report.all_facts),
        "projects": _counts_dict(report.projects),
        "metadata": {name: _counts_dict(c) for name, c in report.metadata.items()},
        "errors": dict(report.errors),
        "docs": [_doc_dict(d, report.errors.get(d.doc_id)) for d in report.docs],
    }


def _row(label: str, counts: Counts) -> str:
    numbers = f"{counts.tp:>6}{counts.fp:>6}{counts.fn:>6}"
    ratios = f"{counts.precision:>7.3f}{counts.recall:>7.3f}{counts.f1:>7.3f}"
    return f"{label:<{_LABEL_WIDTH}}{numbers}{ratios}"


def _rows(pairs: Iterable[tuple[str, Counts]]) -> list[str]:
    return [_row(label, counts) for label, counts in pairs]


def _doc_lines(report: Report) -> list[str]:
    header = f"{'document':<24}{'gold':>5}{'pred':>5}{'P':>7}{'R':>7}{'F1':>7}{'facts F1':>9}"
    lines = ["", "per document: projects found, then the F1 over all facts", header]
    lines.append("-" * len(header))
    for doc in report.docs:
        c = doc.projects
        lines.append(
            f"{doc.doc_id:<24}{c.tp + c.fn:>5}{c.tp + c.fp:>5}"
            f"{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{doc.facts.f1:>9.3f}"
        )
        lines.extend(f"    missed:   {name}" for name in doc.missed)
        lines.extend(f"    spurious: {name}" for name in doc.spurious)
        if doc.doc_id in report.errors:
            lines.append(f"    error:    {report.errors[doc.doc_id]}")
    return lines


def format_report(report: Report, *, per_doc: bool = False) -> str:
    """A fixed-width table: one row per fact field, all facts, projects, then metadata."""
    header = f"{'field':<{_LABEL_WIDTH}}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>7}{'R':>7}{'F1':>7}"
    lines = [header, _RULE, *_rows(report.fields.items()), _RULE]
    lines += _rows([("all facts", report.all_facts), ("projects", report.projects)])
    lines += [_RULE, *_rows(report.metadata.items())]
    if report.errors:
        lines += ["", f"extraction errors: {len(report.errors)} (scored as empty)"]
        if not per_doc:
            lines += [f"    {doc_id}: {error}" for doc_id, error in report.errors.items()]
    if per_doc:
        lines += _doc_lines(report)
    return "\n".join(lines)


def _iso_date(text: str) -> str:
    from xiangmu_extract.models import ISO_PARTIAL

    if not ISO_PARTIAL.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY, YYYY-MM, …)")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xiangmu-extract evaluate",
        description="Precision/recall/F1 of the extractor per field against a gold folder.",
    )
    parser.add_argument("gold", nargs="?", type=Path, default=Path("data/gold"), help="gold dir")
    parser.add_argument("--raw", type=Path, help="raw texts (default: sibling 'raw' of gold dir)")
    parser.add_argument("--reference-date", type=_iso_date, help="date for relative dates")
    parser.add_argument("--per-doc", action="store_true", help="per-document pairing")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    return parser


def _fail(message: str) -> int:
    print(f"xiangmu-extract evaluate: error: {message}", file=sys.stderr)
    return 2


def main_evaluate(argv: list[str] | None = None) -> int:
    """The ``evaluate`` subcommand: print the table, return 0 (2 on a bad gold folder)."""
    args = _parser().parse_args(argv)
    gold_dir: Path = args.gold
    raw_dir: Path = args.raw if args.raw is not None else gold_dir.parent / "raw"
    try:
        report = evaluate_dirs(gold_dir, raw_dir, reference_date=args.reference_date)
    except (GoldError, ImportError) as exc:
        return _fail(str(exc))
    print(format_report(report, per_doc=args.per_doc))
    if args.json is not None:
        text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
        try:
            args.json.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            return _fail(f"cannot write {args.json}: {exc}")
    return 0
