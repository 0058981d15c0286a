"""Command-line interface.

    extract FILE [FILE ...]                      # JSON for one file, JSON Lines for several
    xiangmu-extract extract FILE ... [options]   # the same
    xiangmu-extract evaluate [GOLD_DIR] ...      # precision / recall / F1 on a gold set
    xiangmu-extract batch INPUT ... -o DB        # many articles into a project database
    xiangmu-extract export DB --format F         # consolidated projects as csv/parquet/xlsx/jsonl
    xiangmu-extract report DB -o report.html     # a page of counts, charts and projects
    python -m xiangmu_extract extract FILE ...

A file that is missing, unreadable or not text prints one line on stderr; the other
files are still processed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
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
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write a self-contained page: the article with every value highlighted and the "
        "records beside it (one article; prints no JSON unless --format or -o is given)",
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
        from xiangmu_extract.frames import to_dataframe

        frame = to_dataframe(docs)
        frame.to_csv(out, index=False)
        return len(frame)
    for doc in docs:
        count += 1
        if fmt == "json":
            out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return count


def _write_article_report(path: str, reference_date: str | None, target: str, prog: str) -> int:
    from xiangmu_extract.pipeline import extract
    from xiangmu_extract.reader import InputError, read_text
    from xiangmu_extract.report_article import render_article_report

    try:
        text = read_text(path)
        doc = extract(text, reference_date=reference_date, doc_id=Path(path).stem, source=path)
        Path(target).write_text(render_article_report(doc, text, source=path), encoding="utf-8")
    except InputError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{prog}: cannot write {target}: {exc.strerror}", file=sys.stderr)
        return 2
    return 0


def run_extract(argv: list[str] | None, prog: str = "extract") -> int:
    parser = _extract_parser(prog)
    args = parser.parse_args(argv)
    if args.html:
        if len(args.files) != 1:
            parser.error("--html makes a page for one article: give one FILE")
        status = _write_article_report(args.files[0], args.reference_date, args.html, prog)
        if status or not (args.format or args.output):
            return status
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


def _batch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xiangmu-extract batch",
        description=(
            "Extract every article of the inputs into a SQLite project database. Re-running "
            "skips the articles already there; bad inputs are recorded and skipped."
        ),
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files (.txt, .html, .jsonl, .csv), folders (read recursively) or glob patterns",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="projects.sqlite",
        metavar="DB",
        help="the database (default: %(default)s)",
    )
    parser.add_argument(
        "-j", "--jobs", type=_positive, metavar="N", help="worker processes (default: every core)"
    )
    parser.add_argument(
        "--failures",
        metavar="FILE",
        help="where this run's failures go as JSON lines (default: failures.jsonl next to DB)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    engine = parser.add_argument_group(
        "engine", "where the articles are extracted; the database is the same either way"
    )
    engine.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: worker processes on this machine (default); dask: a Dask cluster "
        "(pip install 'xiangmu-extract[dask]')",
    )
    engine.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="--engine dask: the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a cluster "
        "of -j worker processes on this machine); the workers must see the inputs and the "
        "Parquet directory under the same names",
    )
    engine.add_argument(
        "--parquet",
        metavar="DIR",
        help="--engine dask: where this run's Parquet dataset goes (projects/, tables/); "
        "default: DB's name with .parquet, next to it",
    )
    dumps = parser.add_argument_group(
        "JSON Lines and CSV dumps", "column names (default: the first present of the usual names)"
    )
    for column, usual in (
        ("text", "text, content, body, article"),
        ("id", "id, doc_id, article_id"),
        ("url", "url, link"),
        ("title", "title, headline"),
        ("date", "publish_time, publish_date, date; the reference date for relative dates"),
    ):
        dumps.add_argument(f"--{column}-column", metavar="NAME", help=usual)
    parser.add_argument(
        "--max-bytes",
        type=_positive,
        default=10_000_000,
        metavar="N",
        help="a larger article is recorded as a failure (default: %(default)s)",
    )
    return parser


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return n


def run_batch(argv: list[str]) -> int:
    from xiangmu_extract.batch import Summary
    from xiangmu_extract.batch import run_batch as batch
    from xiangmu_extract.sources import input_size
    from xiangmu_extract.store import DatabaseError
    from xiangmu_extract.tasks import SourceOptions

    parser = _batch_parser()
    args = parser.parse_args(argv)
    if args.engine != "dask" and (args.scheduler or args.parquet):
        parser.error("--scheduler and --parquet go with --engine dask")
    engine: Callable[..., Summary] = batch
    errors: tuple[type[Exception], ...] = (DatabaseError, OSError)
    if args.engine == "dask":  # the cluster's modules (Parquet, Dask) only for this engine
        from xiangmu_extract.cluster import DaskMissing, run_cluster_batch

        engine = functools.partial(
            run_cluster_batch, scheduler=args.scheduler, parquet=args.parquet
        )
        errors += (DaskMissing,)
    options = SourceOptions(
        text_column=args.text_column,
        id_column=args.id_column,
        url_column=args.url_column,
        title_column=args.title_column,
        date_column=args.date_column,
        max_bytes=args.max_bytes,
    )
    failures_path = Path(args.failures or Path(args.output).parent / "failures.jsonl")
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from xiangmu_extract.progress import Bar

        bar = Bar(input_size(args.inputs))
    try:
        with failures_path.open("w", encoding="utf-8") as failures:
            summary = engine(
                args.inputs,
                args.output,
                jobs=args.jobs,
                options=options,
                failures=failures,
                progress=bar,
            )
    except errors as exc:
        print(f"xiangmu-extract batch: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar:
            bar.close()
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return 1 if summary.failed else 0


def run_export(argv: list[str]) -> int:
    from xiangmu_extract.export import EXPORT_FORMATS, export_database, format_from_path
    from xiangmu_extract.store import DatabaseError

    parser = argparse.ArgumentParser(
        prog="xiangmu-extract export",
        description="Write the projects of a database: one row per consolidated project.",
    )
    parser.add_argument("database", metavar="DB")
    parser.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    parser.add_argument(
        "--format", choices=EXPORT_FORMATS, help="default: from the output's suffix, else csv"
    )
    parser.add_argument(
        "--mentions", action="store_true", help="one row per project per article instead"
    )
    args = parser.parse_args(argv)
    fmt = args.format or (format_from_path(args.output) if args.output else None) or "csv"
    try:
        export_database(args.database, args.output, fmt=fmt, mentions=args.mentions)
    except BrokenPipeError:
        raise
    except (DatabaseError, OSError, ValueError) as exc:
        print(f"xiangmu-extract export: {exc}", file=sys.stderr)
        return 2
    return 0


def run_report(argv: list[str]) -> int:
    from xiangmu_extract.report_database import render_database_report
    from xiangmu_extract.store import DatabaseError

    parser = argparse.ArgumentParser(
        prog="xiangmu-extract report",
        description="A self-contained page over a project database: counts, charts and a "
        "sortable, filterable table of consolidated projects linked to their articles.",
    )
    parser.add_argument("database", metavar="DB")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the page")
    args = parser.parse_args(argv)
    try:
        page = render_database_report(args.database)
        Path(args.output).write_text(page, encoding="utf-8")
    except (DatabaseError, OSError) as exc:
        print(f"xiangmu-extract report: {exc}", file=sys.stderr)
        return 2
    return 0


COMMANDS = ("extract", "batch", "export", "report", "evaluate")


def _closed_pipe_is_fine(command: Callable[[list[str]], int]) -> Callable[[list[str]], int]:
    """``xiangmu-extract export db | head``: a reader that stops early is not an error."""

    @functools.wraps(command)
    def run(argv: list[str]) -> int:
        try:
            return command(argv)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes at exit
            return 0

    return run


def main(argv: list[str] | None = None) -> int:
    """``xiangmu-extract {extract,batch,export,evaluate} …``"""
    return _main(sys.argv[1:] if argv is None else argv)


@_closed_pipe_is_fine
def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="xiangmu-extract",
        description="Extract project records from Chinese news articles.",
        epilog="Run 'xiangmu-extract COMMAND --help' for the options of each command.",
    )
    parser.add_argument("command", choices=COMMANDS, help="what to do")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "evaluate":
        from xiangmu_extract.evaluate import main_evaluate

        return main_evaluate(rest)
    if command == "batch":
        return run_batch(rest)
    if command == "report":
        return run_report(rest)
    if command == "export":
        return run_export(rest)
    return run_extract(rest, prog="xiangmu-extract extract")


def extract_main(argv: list[str] | None = None) -> int:
    """``extract …``"""
    return _closed_pipe_is_fine(run_extract)(sys.argv[1:] if argv is None else argv)


def command() -> int:
    """The ``xiangmu-extract`` console script (and ``python -m xiangmu_extract``)."""
    return _exiting(main())


def extract_command() -> int:
    """The ``extract`` console script."""
    return _exiting(extract_main())


def _exiting(status: int) -> int:
    """``status``, once the objects still alive are frozen (:func:`gc.freeze`): the process
    exits now, and Python's shutdown collects garbage among everything still alive, several
    times over: the modules, their patterns and tables, pydantic's schemas. Frozen, they are
    not walked again (a tenth of a cold ``extract``); they are freed as before, but for
    objects in reference cycles, whose memory goes back with the process's."""
    gc.freeze()
    return status


if __name__ == "__main__":
    raise SystemExit(command())
