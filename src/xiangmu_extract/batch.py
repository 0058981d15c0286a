"""Batch extraction: many inputs in, one project database out, on every core.

The main process walks the inputs (:mod:`xiangmu_extract.sources`) and hands chunks of
tasks to worker processes; each worker reads, decodes and extracts an article and turns it
into rows (:mod:`xiangmu_extract.rows`); the main process writes the results in input
order, a few chunks per transaction (:mod:`xiangmu_extract.store`); at the end, the workers
read the consolidated rows of the projects that changed and the main process writes them. At
most a few chunks per worker are in flight, so memory stays flat however many articles there
are.

An article whose content hash is already in the database is skipped. Anything that goes
wrong with one input — unreadable, binary, malformed, empty, too large, an exception in the
extractor, even a worker process that dies — is recorded as a failure of that input and the
batch goes on: read = extracted + skipped + failed.
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Protocol

from xiangmu_extract import pipeline
from xiangmu_extract.models import Document
from xiangmu_extract.reader import InputError
from xiangmu_extract.rows import Row, article_rows, content_hash
from xiangmu_extract.sources import iter_tasks, load_article
from xiangmu_extract.store import Outcome, Rebuild, Status, Store, consolidated_rows
from xiangmu_extract.tasks import Article, Failure, SourceOptions, Task

CHUNK_SIZE = 16  # articles per task sent to a worker
# A transaction writes the chunks done until they hold this many articles, or this long:
# a commit writes every page its rows touched, and the rows' random keys touch a page each,
# so that fewer, larger transactions write fewer pages (a third of Store.write at 16 articles;
# at 256 the main process's peak memory was 5 MB larger, at 64 a -j1 run 5% slower)
TRANSACTION_ARTICLES = 128
TRANSACTION_SECONDS = 1.0
# Chunks in flight per worker: enough for the workers to have the next transaction's articles
# to extract while the main process writes one (3 chunks at 256 articles a transaction left
# the workers idle: -j2 -9% at 300x the dev articles).
IN_FLIGHT = 6
WORKER_DIED = "worker process died while extracting this article"

Item = Task | Failure


@dataclass
class Summary:
    """Counts of one run: every input read is extracted, skipped or failed."""

    read: int = 0
    extracted: int = 0
    skipped: int = 0
    failed: int = 0
    projects: int = 0
    bytes: int = 0
    elapsed: float = 0.0
    started: float = field(default_factory=time.perf_counter, repr=False)

    def line(self) -> str:
        return (
            f"read {self.read:,} · extracted {self.extracted:,} · skipped {self.skipped:,} "
            f"(unchanged) · failed {self.failed:,} · projects {self.projects:,} · "
            f"{self.elapsed:.1f} s"
        )


class Progress(Protocol):
    def update(self, summary: Summary, size: int) -> None: ...
    def close(self) -> None: ...


# -- in the worker ----------------------------------------------------------------------
@functools.cache
def _reader(database: str) -> sqlite3.Connection:
    """A read-only connection per worker process, to skip articles already done."""
    return sqlite3.connect(f"{Path(database).resolve().as_uri()}?mode=ro", uri=True)


def _known_in(database: str) -> Callable[[str], bool]:
    def known(digest: str) -> bool:
        row = _reader(database).execute("SELECT 1 FROM articles WHERE content_hash = ?", (digest,))
        return row.fetchone() is not None

    return known


def process(item: Item, known: Callable[[str], bool], options: SourceOptions) -> Outcome:
    """Read and extract one input; never raises for a bad article."""
    return extract_item(item, known, options)[0]


def extract_item(
    item: Item, known: Callable[[str], bool], options: SourceOptions
) -> tuple[Outcome, Document | None]:
    """:func:`process`, and the document extracted (None when skipped or failed)."""
    if isinstance(item, Failure):
        return Outcome(item.source, item.locator, failure=item.reason), None
    try:
        article = load_article(item, options)
    except InputError as exc:
        return Outcome(item.source, item.locator, item.size, failure=exc.reason), None
    digest = content_hash(article.text, article.publish_date)
    if known(digest):
        return Outcome(item.source, item.locator, item.size, digest=digest), None
    try:
        doc = extract_article(article)
        rows = article_rows(
            doc,
            digest=digest,
            text=article.text,
            source=article.source,
            locator=article.locator,
            url=article.url,
            text_basis=article.text_basis,
        )
    except Exception as exc:  # one bad article never stops the batch
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return Outcome(item.source, item.locator, item.size, failure=reason), None
    return Outcome(item.source, item.locator, item.size, digest=digest, rows=rows), doc


def extract_article(article: Article) -> Document:
    """The document of one loaded article, with what the source recorded about it."""
    doc = pipeline.extract(
        article.text,
        reference_date=article.publish_date,
        doc_id=article.doc_id,
        source=article.source or None,
    )
    _with_source_metadata(doc, article)
    return doc


def _with_source_metadata(doc: Document, article: Article) -> None:
    """What the crawler recorded about the article: its publish time (also the reference
    date of relative dates) wins over a date read from the text; its title fills a gap."""
    doc.text_basis = article.text_basis
    if article.publish_date and article.publish_date != doc.publish_date:
        doc.publish_date, doc.publish_date_span = article.publish_date, None
    if article.title and not doc.title:
        doc.title = article.title


def process_chunk(items: Sequence[Item], database: str, options: SourceOptions) -> list[Outcome]:
    known = _known_in(database)
    return [process(item, known, options) for item in items]


def rebuild_groups(groups: Sequence[str], database: str) -> list[Row | None]:
    """The consolidated rows of ``groups``, read from the database (see Store.refresh)."""
    return consolidated_rows(_reader(database), groups)


def _warm_up() -> None:
    """Load patterns, the segmenter and the traditional-to-simplified tables once, before
    the workers fork."""
    pipeline.extract("项目总投资1亿元。")
    pipeline.extract("項目總投資1億元。")


# -- in the main process ------------------------------------------------------------------
class _Chunks:
    """The items in chunks of ``size``; ``exhausted`` once the last chunk has been taken."""

    def __init__(self, items: Iterable[Item], size: int) -> None:
        self._items, self._size = iter(items), size
        self.exhausted = False

    def __iter__(self) -> Iterator[list[Item]]:
        return self

    def __next__(self) -> list[Item]:
        chunk = list(islice(self._items, self._size))
        if not chunk:
            self.exhausted = True
            raise StopIteration
        return chunk


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers inherit the loaded patterns and segmenter instead of loading them again.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


class _Workers:
    """A process pool that survives a worker dying: the chunks in flight are run again one
    article at a time, and the article that kills a worker again is recorded as failed."""

    def __init__(self, jobs: int, database: str, options: SourceOptions) -> None:
        self.jobs, self.database, self.options = jobs, database, options
        _warm_up()
        # What is alive now lives as long as the process (modules, patterns, tables): frozen,
        # the workers' garbage collections do not walk it, and so do not copy the pages it is
        # on from the parent (Python's advice for fork without exec): -j2 -5% CPU
        gc.freeze()
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=_warm_up)

    def submit(self, chunk: Sequence[Item]) -> Future[list[Outcome]]:
        return self.pool.submit(process_chunk, chunk, self.database, self.options)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def one_by_one(self, chunk: Sequence[Item]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for item in chunk:
            try:
                outcomes.extend(self.submit([item]).result())
            except BrokenProcessPool:
                size = item.size if isinstance(item, Task) else 0
                outcomes.append(Outcome(item.source, item.locator, size, failure=WORKER_DIED))
                self.restart()
        return outcomes

    def rebuild(self, groups: Sequence[str], here: Rebuild) -> list[Row | None]:
        """:func:`rebuild_groups` shared among the workers (they are idle at the end of a
        run, when the consolidated rows are rebuilt); ``here`` if a worker dies."""
        shares = [groups[i :: self.jobs] for i in range(self.jobs)]  # big and small groups mixed
        rows: dict[str, Row | None] = {}
        try:
            futures = [self.pool.submit(rebuild_groups, part, self.database) for part in shares]
            for share, future in zip(shares, futures, strict=True):
                rows.update(zip(share, future.result(), strict=True))
        except BrokenProcessPool:
            self.restart()
            return here(groups)
        return [rows[g] for g in groups]

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _parallel(chunks: Iterator[list[Item]], workers: _Workers) -> Iterator[list[Outcome]]:
    """The outcomes of each chunk, in input order, with a bounded number in flight."""
    pending: deque[tuple[list[Item], Future[list[Outcome]]]] = deque()
    while True:
        for chunk in islice(chunks, workers.jobs * IN_FLIGHT - len(pending)):
            pending.append((chunk, _submitted(workers, chunk)))
        if not pending:
            return
        chunk, future = pending.popleft()
        try:
            yield future.result()
        except BrokenProcessPool:
            retry = [chunk] + [c for c, f in pending]
            done = [f for _, f in pending]
            pending.clear()
            workers.restart()
            for c, f in zip(retry, [future, *done], strict=True):
                ok = f.done() and not f.cancelled() and f.exception() is None
                yield f.result() if ok else workers.one_by_one(c)


def _submitted(workers: _Workers, chunk: list[Item]) -> Future[list[Outcome]]:
    """The chunk submitted; a pool found broken (a worker died since the last result)
    gives a future failed as the chunks in flight fail, to be run again with them."""
    try:
        return workers.submit(chunk)
    except BrokenProcessPool as exc:
        failed: Future[list[Outcome]] = Future()
        failed.set_exception(exc)
        return failed


def _serial(
    chunks: Iterator[list[Item]], store: Store, options: SourceOptions
) -> Iterator[list[Outcome]]:
    for chunk in chunks:
        yield [process(item, store.has_article, options) for item in chunk]


def _transactions(
    results: Iterable[list[Outcome]], draining: Callable[[], bool] = lambda: False
) -> Iterator[list[Outcome]]:
    """The outcomes of consecutive chunks joined, to be written in one transaction each: the
    chunks done until they hold :data:`TRANSACTION_ARTICLES`, or until
    :data:`TRANSACTION_SECONDS` have passed since the last transaction; each chunk on its own
    once ``draining()`` (no chunk is left to hand to the workers: writing as the last ones come
    overlaps the writes with their extraction, which otherwise would all wait for the last)."""
    pending: list[Outcome] = []
    began = time.monotonic()
    for outcomes in results:
        pending.extend(outcomes)
        if (
            len(pending) >= TRANSACTION_ARTICLES
            or time.monotonic() - began >= TRANSACTION_SECONDS
            or draining()
        ):
            yield pending
            pending, began = [], time.monotonic()
    if pending:
        yield pending


def run_batch(
    inputs: Sequence[str],
    database: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    options: SourceOptions | None = None,
    failures: IO[str] | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Summary:
    """Extract every article of ``inputs`` into the database at ``database``.

    ``jobs`` worker processes (default: every core; 1 runs in this process). Each failure
    is written to the database and, as a JSON line, to ``failures``.
    """
    options = options or SourceOptions()
    jobs = jobs or os.cpu_count() or 1
    summary = Summary()
    with Store(database) as store:
        chunks = _Chunks(iter_tasks(inputs, options), chunk_size)
        if jobs == 1:
            for outcomes in _transactions(_serial(chunks, store, options)):
                record(store, outcomes, summary, failures, progress)
            store.refresh()
        else:
            workers = _Workers(jobs, str(store.path), options)
            try:
                parallel = _parallel(chunks, workers)
                for outcomes in _transactions(parallel, lambda: chunks.exhausted):
                    record(store, outcomes, summary, failures, progress)
                here = functools.partial(consolidated_rows, store.db)
                store.refresh(rebuild=functools.partial(workers.rebuild, here=here))
            finally:
                workers.close()
    summary.elapsed = time.perf_counter() - summary.started
    return summary


def record(
    store: Store,
    outcomes: Sequence[Outcome],
    summary: Summary,
    failures: IO[str] | None = None,
    progress: Progress | None = None,
) -> list[Status]:
    """Write outcomes in input order, in one transaction, and count them in ``summary``."""
    statuses = store.write(outcomes)
    for o, status in zip(outcomes, statuses, strict=True):
        _count(summary, o, status, failures)
        if progress:
            progress.update(summary, o.size)
    if failures:
        failures.flush()
    return statuses


def _count(summary: Summary, o: Outcome, status: str, failures: IO[str] | None) -> None:
    summary.read += 1
    summary.bytes += o.size
    if status == "extracted":
        summary.extracted += 1
        summary.projects += len(o.rows.projects) if o.rows else 0
    elif status == "skipped":
        summary.skipped += 1
    else:
        summary.failed += 1
        if failures:
            record = {"source": o.source, "locator": o.locator, "reason": o.failure}
            failures.write(json.dumps(record, ensure_ascii=False) + "\n")
