"""Command-line interface.

    extract FILE [FILE ...]                      # JSON for one file, JSON Lines for several
    xiangmu-extract extract FILE ... [options]   # the same
    xiangmu-extract evaluate [GOLD_DIR] ...      # precision / recall / F1 on a gold set
    python -m xiangmu_extract extract FILE ...

A file that is missing, unreadable or not text prints one line on stderr; the other
files are still processed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from xiangmu_extract import __version__

FORMATS = ("json", "jsonl", "csv")


def _reference_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None
    return value


def _extract_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Print the investment/construction projects reported by Chinese news articles, "
            "each value with the character span of the input it was read from."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="article files (.txt or .html)")
    parser.add_argument(
        "--reference-date",
        type=_reference_date,
        metavar="YYYY-MM-DD",
        help="resolve relative dates (去年6月, 年底) against this date instead of the "
        "article's own publish date",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="json: one indented document (default for one file); jsonl: one document per "
        "line (default for several files); csv: one row per project, fields flattened",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _documents(
    files: Iterable[str], reference_date: str | None, failures: list[str]
) -> Iterator[dict[str, Any]]:
    """Extract each file in turn; a file that fails is reported and skipped."""
    from xiangmu_extract.pipeline import extract_file
    from xiangmu_extract.reader import InputError

    for name in files:
        try:
            doc = extract_file(name, reference_date=reference_date)
        except InputError as exc:
            failures.append(str(exc))
        except Exception as exc:  # one bad article never stops the batch
            failures.append(f"{name}: extraction failed: {type(exc).__name__}: {exc}")
        else:
            yield doc.model_dump(mode="json")
            continue
        print(f"extract: {failures[-1]}", file=sys.stderr)


def _write(docs: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    count = 0
    if fmt == "csv":
        from xiangmu_extract.table import write_csv

        return write_csv(docs, out)
    for doc in docs:
        count += 1
        if fmt == "json":
            out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return count


def run_extract(argv: list[str] | None, prog: str = "extract") -> int:
    args = _extract_parser(prog).parse_args(argv)
    fmt = args.format or ("json" if len(args.files) == 1 else "jsonl")
    failures: list[str] = []
    docs = _documents(args.files, args.reference_date, failures)
    if args.output:
        try:
            with Path(args.output).open("w", encoding="utf-8", newline="") as out:
                _write(docs, fmt, out)
        except OSError as exc:
            print(f"{prog}: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        _write(docs, fmt, sys.stdout)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """``xiangmu-extract {extract,evaluate} …``"""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="xiangmu-extract",
        description="Extract project records from Chinese news articles.",
        epilog="Run 'xiangmu-extract extract --help' or 'xiangmu-extract evaluate --help'.",
    )
    parser.add_argument("command", choices=("extract", "evaluate"), help="what to do")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    if not argv or argv[0] not in ("extract", "evaluate"):
        parser.parse_args(argv)
        return 2
    if argv[0] == "evaluate":
        from xiangmu_extract.evaluate import main_evaluate

        return main_evaluate(argv[1:])
    return run_extract(argv[1:], prog="xiangmu-extract extract")


def extract_main(argv: list[str] | None = None) -> int:
    """The ``extract`` console script."""
    return run_extract(sys.argv[1:] if argv is None else argv)
