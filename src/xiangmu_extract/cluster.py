"""``xiangmu-extract batch --engine dask``: the batch on a Dask cluster, the same database.

The client lists the inputs (files, folders, globs; dumps are not opened) and cuts the list
into partitions in input order: up to :data:`PARTITION_FILES` files or :data:`PARTITION_BYTES`
bytes, a dump alone. Each partition is one task: a worker expands its dumps, reads and extracts
every article with the local engine's own :func:`~xiangmu_extract.batch.extract_item` and writes
the partition's Parquet files (:mod:`xiangmu_extract.parquet_dataset`). A task has no other
effect and its files appear whole or not at all, so a task run again after its worker died
writes the same files again. The client keeps a bounded number of tasks queued and streams each
finished partition, in input order, into :meth:`Store.write <xiangmu_extract.store.Store.write>`
(the database the local engine writes from the same inputs), then writes the projects the
database took to the dataset's ``projects/``.

Articles already in the database are skipped by the workers: the client writes the sorted ids
of the known articles (10 bytes each) next to the dataset once per run and each worker loads
them once. A partition whose tasks keep killing workers is run again one input at a time; an
input that still kills its worker is recorded as a failure, as in the local engine.
"""

from __future__ import annotations

import importlib.util
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING

from xiangmu_extract.batch import WORKER_DIED, Progress, Summary, extract_item, record
from xiangmu_extract.dumps import DUMP_FORMATS
from xiangmu_extract.parquet_dataset import PROJECTS, Dataset, KnownIds
from xiangmu_extract.sources import discover, iter_tasks
from xiangmu_extract.store import Outcome, Store
from xiangmu_extract.tasks import Failure, SourceOptions

if TYPE_CHECKING:
    from distributed import Client, Future

PARTITION_FILES = 1000  # files per partition (one task), at most
PARTITION_BYTES = 32_000_000  # input bytes per partition, about
WRITE_CHUNK = 256  # outcomes per database transaction

Entry = str | Failure  # an input file, or an input that failed before it could be read


class DaskMissing(Exception):
    """Dask is an optional extra."""

    def __str__(self) -> str:
        return "--engine dask needs Dask: pip install 'xiangmu-extract[dask]'"


@dataclass(frozen=True, slots=True)
class Partition:
    """Inputs of one task, in input order."""

    id: str
    entries: tuple[Entry, ...]


def default_parquet(database: str | os.PathLike[str]) -> str:
    """Where the Parquet dataset goes by default: ``<db stem>.parquet`` next to the database."""
    path = Path(database)
    return str(path.with_name(f"{path.stem}.parquet"))


# -- on the client: the partitions ------------------------------------------------------------
def partitions(
    inputs: Sequence[str], max_files: int = PARTITION_FILES, max_bytes: int = PARTITION_BYTES
) -> Iterator[Partition]:
    """The inputs cut into partitions, lazily; each file once, as :func:`iter_tasks` reads it."""
    seen: set[tuple[int, int]] = set()
    group: list[Entry] = []
    size = number = 0

    def cut() -> Partition:
        nonlocal size, number
        part = Partition(f"{number:08d}", tuple(group))
        group.clear()
        size, number = 0, number + 1
        return part

    for item in discover(inputs):
        if isinstance(item, Failure):
            group.append(item)
        elif item.key not in seen:
            seen.add(item.key)
            if item.form in DUMP_FORMATS and group:
                yield cut()
            group.append(item.path)
            size += min(item.size, max_bytes)
            if item.form in DUMP_FORMATS:
                yield cut()
        if len(group) >= max_files or size >= max_bytes:
            yield cut()
    if group:
        yield cut()


# -- in a worker -------------------------------------------------------------------------------
def extract_partition(
    dataset: Dataset, part: Partition, options: SourceOptions, known: KnownIds | None
) -> int:
    """Extract every input of ``part`` into its Parquet files; the number of inputs read."""
    is_known: Callable[[str], bool] = known.contains if known else _nothing_known
    read = 0
    with dataset.writer(part.id) as out:
        for entry in part.entries:
            items = [entry] if isinstance(entry, Failure) else iter_tasks([entry], options)
            for item in items:
                out.add(*extract_item(item, is_known, options))
                read += 1
    return read


def _nothing_known(digest: str) -> bool:
    return False


# -- on the client: running the tasks -----------------------------------------------------------
class _Engine:
    def __init__(
        self, client: Client, dataset: Dataset, options: SourceOptions, known: KnownIds | None
    ) -> None:
        self.client, self.dataset, self.options, self.known = client, dataset, options, known
        self.run = uuid.uuid4().hex[:12]

    def submit(self, part: Partition, attempt: str = "") -> Future:
        return self.client.submit(
            extract_partition,
            self.dataset,
            part,
            self.options,
            self.known,
            key=f"xiangmu-extract-{self.run}-{part.id}{attempt}",
        )

    def finished(self, parts: Iterator[Partition]) -> Iterator[str | Outcome]:
        """The id of each partition done, in input order (an input lost to workers that kept
        dying instead: its failure), with a bounded number of tasks queued."""
        limit = max(4, 2 * sum(self.client.nthreads().values()))
        pending: deque[tuple[Partition, Future]] = deque()
        while True:
            pending.extend((p, self.submit(p)) for p in islice(parts, limit - len(pending)))
            if not pending:
                return
            part, future = pending.popleft()
            if _killed(future):  # released: its worker may die now, the files stay
                yield from self._one_by_one(part)
            else:
                yield part.id

    def _one_by_one(self, part: Partition) -> Iterator[str | Outcome]:
        """A partition that kept killing workers, run again one input at a time; an input whose
        task still kills its worker when it runs alone is recorded as failed."""
        singles = [Partition(f"{part.id}-{i:06d}", (e,)) for i, e in enumerate(part.entries)]
        killed = [_killed(f) for f in [self.submit(p) for p in singles]]
        for single, lost in zip(singles, killed, strict=True):
            if lost and _killed(self.submit(single, attempt="-alone")):
                entry = single.entries[0]
                source = entry.source if isinstance(entry, Failure) else entry
                yield Outcome(source, "", failure=WORKER_DIED)
            else:
                yield single.id


def _killed(future: Future) -> bool:
    """Wait for ``future``: did its task keep killing workers?"""
    from distributed import KilledWorker

    try:
        future.result()
    except KilledWorker:
        return True
    finally:
        future.release()
    return False


@dataclass
class _Recorder:
    """The client's writes: the database, the projects dataset, the counts."""

    store: Store
    dataset: Dataset
    summary: Summary
    failures: IO[str] | None
    progress: Progress | None

    def lost(self, outcome: Outcome) -> None:
        record(self.store, [outcome], self.summary, self.failures, self.progress)

    def partition(self, part: str) -> None:
        """Write a partition's outcomes to the database; its new projects to ``projects/``."""
        with self.dataset.projects_writer(part) as out:
            outcomes = self.dataset.outcomes(part)
            while chunk := list(islice(outcomes, WRITE_CHUNK)):
                written = [o for o, _ in chunk]
                statuses = record(self.store, written, self.summary, self.failures, self.progress)
                for (_, mentions), status in zip(chunk, statuses, strict=True):
                    if status == "extracted":
                        out.write(PROJECTS, mentions)


def _connect(stack: ExitStack, scheduler: str | None, jobs: int | None) -> Client:
    """A client of the scheduler at ``scheduler``, else of a new cluster on this machine."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        return stack.enter_context(Client(scheduler))
    cluster = LocalCluster(
        n_workers=jobs or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    stack.enter_context(cluster)
    return stack.enter_context(Client(cluster))


def run_cluster_batch(
    inputs: Sequence[str],
    database: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    parquet: str | os.PathLike[str] | None = None,
    options: SourceOptions | None = None,
    failures: IO[str] | None = None,
    progress: Progress | None = None,
    partition_files: int = PARTITION_FILES,
    partition_bytes: int = PARTITION_BYTES,
) -> Summary:
    """:func:`xiangmu_extract.batch.run_batch` on a Dask cluster: the same database.

    ``scheduler``: the address of a running ``dask scheduler`` (default: a cluster of ``jobs``
    worker processes on this machine). ``parquet``: the directory (or a URI pyarrow can write)
    of the Parquet dataset of this run, which the workers must reach under the same name, as
    they must the inputs (default: ``<db stem>.parquet`` next to the database).
    """
    if importlib.util.find_spec("distributed") is None:
        raise DaskMissing()
    options = options or SourceOptions()
    summary = Summary()
    dataset = Dataset.at(os.fspath(parquet) if parquet else default_parquet(database))
    with ExitStack() as stack:
        store = stack.enter_context(Store(database))
        client = _connect(stack, scheduler, jobs)
        dataset.clear()
        known = dataset.write_known(store.db)
        engine = _Engine(client, dataset, options, known)
        recorder = _Recorder(store, dataset, summary, failures, progress)
        for done in engine.finished(partitions(inputs, partition_files, partition_bytes)):
            if isinstance(done, Outcome):
                recorder.lost(done)
            else:
                recorder.partition(done)
        store.refresh()
        dataset.tidy()
    summary.elapsed = time.perf_counter() - summary.started
    return summary
