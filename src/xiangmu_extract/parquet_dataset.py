"""The Parquet dataset of a cluster batch run (:mod:`xiangmu_extract.cluster`): one file per
table per partition.

    <root>/tables/inputs/part-<id>.parquet      by the workers: one row per input read,
                                                input_seq (its place in the partition), source,
                                                locator, size, digest (None: unreadable),
                                                failure (None: read)
    <root>/tables/{articles,projects,facts,project_keys}/part-<id>.parquet
                                                by the workers: the database rows of each
                                                article extracted, with the input_seq of its input
    <root>/tables/mentions/part-<id>.parquet    by the workers: the readable rows of each project
    <root>/projects/part-<id>.parquet           by the client, once the database has them: one row
                                                per project per article new to the database (an
                                                article read twice is in it once), the mention
                                                columns of :mod:`~xiangmu_extract.frames` but
                                                consolidated_id (decided in the database)

Files are written under hidden temporary names (dataset readers ignore them) and renamed when
all of a partition's are whole, so a task run again after its worker died leaves the same files.
"""

from __future__ import annotations

import functools
import io
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from xiangmu_extract.frames import MENTION_COLUMNS, project_values
from xiangmu_extract.rows import ArticleRows, article_id
from xiangmu_extract.store import Outcome

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    from xiangmu_extract.models import Document

Row = dict[str, Any]

PROJECTS = "projects"
INPUTS = "tables/inputs"
MENTIONS = "tables/mentions"
ROW_TABLES = {  # dataset table -> database table
    "tables/articles": "articles",
    "tables/projects": "projects",
    "tables/facts": "facts",
    "tables/project_keys": "project_keys",
}
WORKER_TABLES = (INPUTS, *ROW_TABLES, MENTIONS)
TABLES = (PROJECTS, *WORKER_TABLES)
SEQ = "input_seq"
FLUSH_ROWS = 4096  # rows of a table buffered before they are written as a row group
_HIDDEN = (".part-", ".known-")  # temporary partition files, the known-article ids


@functools.cache
def schemas() -> dict[str, pa.Schema]:
    """The Arrow schema of each table: the database tables' from ``schema.sql``."""
    import pyarrow as pa

    sql_types = {"TEXT": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64()}
    kinds = {"text": pa.string(), "number": pa.float64(), "count": pa.int64()}
    mentions = [(n, kinds[k]) for n, k in MENTION_COLUMNS if n != "consolidated_id"]
    out = {
        PROJECTS: pa.schema(mentions),
        MENTIONS: pa.schema([(SEQ, pa.int64()), *mentions]),
        INPUTS: pa.schema(
            [
                (SEQ, pa.int64()),
                *(("source", pa.string()), ("locator", pa.string()), ("size", pa.int64())),
                *(("digest", pa.string()), ("failure", pa.string())),
            ]
        ),
    }
    db = sqlite3.connect(":memory:")
    db.executescript(resources.files("xiangmu_extract").joinpath("schema.sql").read_text("utf-8"))
    for name, table in ROW_TABLES.items():
        columns = db.execute(f"PRAGMA table_info({table})").fetchall()
        out[name] = pa.schema([(SEQ, pa.int64())] + [(c[1], sql_types[c[2]]) for c in columns])
    db.close()
    return out


@dataclass(frozen=True, slots=True)
class Dataset:
    """The dataset at ``uri``: an absolute path, or a URI pyarrow can write (s3://…)."""

    uri: str

    @classmethod
    def at(cls, location: str) -> Dataset:
        return cls(location if "://" in location else str(Path(location).resolve()))

    def filesystem(self) -> tuple[pafs.FileSystem, str]:
        from pyarrow.fs import FileSystem

        fs, root = FileSystem.from_uri(self.uri)
        return fs, root.rstrip("/")

    def path(self, table: str, part: str) -> str:
        return f"{self.filesystem()[1]}/{table}/part-{part}.parquet"

    def clear(self) -> None:
        """Make the table directories; remove the partitions of an earlier run."""
        fs, root = self.filesystem()
        for table in TABLES:
            fs.create_dir(f"{root}/{table}", recursive=True)
        self._delete(("part-", *_HIDDEN))

    def tidy(self) -> None:
        """Remove what a run leaves besides its partitions: files of killed tasks, known ids."""
        self._delete(_HIDDEN)

    def _delete(self, prefixes: tuple[str, ...]) -> None:
        """Delete the files named ``prefixes…`` in the table directories and the root."""
        from pyarrow.fs import FileSelector, FileType

        fs, root = self.filesystem()
        for directory in (root, *(f"{root}/{t}" for t in TABLES)):
            for info in fs.get_file_info(FileSelector(directory, allow_not_found=True)):
                if info.type == FileType.File and info.base_name.startswith(prefixes):
                    fs.delete_file(info.path)

    def writer(self, part: str) -> PartitionWriter:
        """The worker's files of partition ``part``."""
        return PartitionWriter(self, part)

    def projects_writer(self, part: str) -> PartitionFiles:
        """The client's file of partition ``part``: its projects new to the database."""
        return PartitionFiles(self, part, (PROJECTS,))

    def write_known(self, db: sqlite3.Connection) -> KnownIds | None:
        """The ids of the articles in the database, sorted, as a file the workers load."""
        import numpy as np

        count = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        if not count:
            return None
        rows = db.execute("SELECT id FROM articles")
        ids = np.fromiter((bytes.fromhex(r[0]) for r in rows), dtype="S10", count=count)
        ids.sort()
        buffer = io.BytesIO()
        np.save(buffer, ids, allow_pickle=False)
        fs, root = self.filesystem()
        path = f"{root}/.known-{uuid.uuid4().hex}.npy"
        with fs.open_output_stream(path) as out:
            out.write(buffer.getvalue())
        return KnownIds(self, path)

    def outcomes(self, part: str) -> Iterator[tuple[Outcome, list[Row]]]:
        """The outcomes of partition ``part`` in input order, each with its readable project
        rows, streamed."""
        fs, _ = self.filesystem()
        tables = {t: _BySeq(_rows(fs, self.path(t, part))) for t in (*ROW_TABLES, MENTIONS)}
        for inp in _rows(fs, self.path(INPUTS, part)):
            seq = inp.pop(SEQ)
            got = {t: rows.take(seq) for t, rows in tables.items()}
            articles = got["tables/articles"]
            rows = None
            if articles:
                keys = [(k["key"], k["project_id"]) for k in got["tables/project_keys"]]
                rows = ArticleRows.from_dicts(
                    articles[0], got["tables/projects"], got["tables/facts"], keys
                )
            yield Outcome(rows=rows, **inp), got[MENTIONS]


@dataclass(frozen=True, slots=True)
class KnownIds:
    """The articles already in the database, for workers to skip (by article id)."""

    dataset: Dataset
    path: str

    def contains(self, digest: str) -> bool:
        import numpy as np

        ids = _load_ids(self.dataset, self.path)
        key = np.array([bytes.fromhex(article_id(digest))], dtype="S10")
        i = int(np.searchsorted(ids, key)[0])
        return i < len(ids) and bool(ids[i] == key[0])


@functools.lru_cache(maxsize=1)  # one run's ids per worker process
def _load_ids(dataset: Dataset, path: str) -> np.ndarray[Any, Any]:
    import numpy as np

    fs, _ = dataset.filesystem()
    with fs.open_input_file(path) as f:
        ids: np.ndarray[Any, Any] = np.load(io.BytesIO(f.readall()), allow_pickle=False)
    return ids


def _rows(fs: pafs.FileSystem, path: str) -> Iterator[Row]:
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as f:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=1024):
            yield from batch.to_pylist()


class _BySeq:
    """Rows sorted by input_seq, taken one input at a time."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._groups = groupby(rows, key=lambda r: r[SEQ])
        self._next = next(self._groups, None)

    def take(self, seq: int) -> list[Row]:
        if self._next is None or self._next[0] != seq:
            return []
        rows = [{k: v for k, v in r.items() if k != SEQ} for r in self._next[1]]
        self._next = next(self._groups, None)
        return rows


class PartitionFiles:
    """Parquet files of some tables of one partition, written a row group at a time to hidden
    temporary names, renamed when all are whole (deleted on an exception)."""

    def __init__(self, dataset: Dataset, part: str, tables: tuple[str, ...]) -> None:
        self.fs, _ = dataset.filesystem()
        token = uuid.uuid4().hex[:12]
        self.final = {t: dataset.path(t, part) for t in tables}
        self.temporary = {
            t: f"{os.path.dirname(p)}/.{os.path.basename(p)}.{token}" for t, p in self.final.items()
        }
        self.buffers: dict[str, list[Row]] = {t: [] for t in tables}
        self.writers: dict[str, pq.ParquetWriter] = {}

    def __enter__(self) -> Self:
        import pyarrow.parquet as pq

        for table, path in self.temporary.items():
            self.fs.create_dir(os.path.dirname(path), recursive=True)
            self.writers[table] = pq.ParquetWriter(path, schemas()[table], filesystem=self.fs)
        return self

    def write(self, table: str, rows: Iterable[Row]) -> None:
        buffer = self.buffers[table]
        buffer.extend(rows)
        if len(buffer) >= FLUSH_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa

        rows = self.buffers[table]
        if rows:
            self.writers[table].write_table(pa.Table.from_pylist(rows, schema=schemas()[table]))
            rows.clear()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for table, writer in self.writers.items():
            if kind is None:
                self._flush(table)
            writer.close()
        for table, path in self.temporary.items():
            if kind is None:
                self.fs.move(path, self.final[table])
            else:
                self.fs.delete_file(path)


class PartitionWriter(PartitionFiles):
    """A worker's files of one partition: each input's outcome, in input order."""

    def __init__(self, dataset: Dataset, part: str) -> None:
        super().__init__(dataset, part, WORKER_TABLES)
        self.seq = 0

    def add(self, outcome: Outcome, doc: Document | None) -> None:
        """One input's outcome, and its document when it was extracted."""
        seq = {SEQ: self.seq}
        self.seq += 1
        fields = ("source", "locator", "size", "digest", "failure")
        self.write(INPUTS, [{**seq, **{k: getattr(outcome, k) for k in fields}}])
        rows = outcome.rows
        if rows is None or doc is None:
            return
        self.write("tables/articles", [{**seq, **rows.article_dict()}])
        self.write("tables/projects", ({**seq, **p} for p in rows.project_dicts()))
        self.write("tables/facts", ({**seq, **f} for f in rows.fact_dicts()))
        self.write(
            "tables/project_keys", ({**seq, "key": k, "project_id": p} for k, p in rows.keys)
        )
        self.write(MENTIONS, ({**seq, **m} for m in _readable(rows, doc)))


def _readable(rows: ArticleRows, doc: Document) -> Iterator[Row]:
    """The mention rows of one article, as :func:`~xiangmu_extract.frames.read_database` shows
    them (but consolidated_id); "" is missing."""
    a = rows.article_dict()
    head = {"article_id": a["id"], "url": a["url"], "locator": a["locator"]}
    head |= {c: a[c] for c in ("doc_id", "source", "title", "publish_date", "media")}
    for p, project in zip(rows.project_dicts(), doc.projects, strict=True):
        row = {"mention_id": p["id"], **head, **project_values(project.model_dump(mode="json"))}
        yield {k: None if v == "" else v for k, v in row.items()}
