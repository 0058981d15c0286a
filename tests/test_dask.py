"""Dask: the notebook API (a bag of documents, a DataFrame of projects) and ``batch --engine
dask`` on a real LocalCluster of 2 worker processes: the same documents, frames and database
as the single-process code, also when a worker process is killed mid-run."""

from __future__ import annotations

import gzip
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
dask_bag = pytest.importorskip("dask.bag")

import pandas as pd  # noqa: E402

from db_samples import RAW, dump, raw  # noqa: E402
from xiangmu_extract import pipeline  # noqa: E402
from xiangmu_extract.batch import WORKER_DIED, run_batch  # noqa: E402
from xiangmu_extract.cli import main  # noqa: E402
from xiangmu_extract.cluster import Partition, partitions, run_cluster_batch  # noqa: E402
from xiangmu_extract.dask import extract_bag, extract_dataframe  # noqa: E402
from xiangmu_extract.frames import RECORD_COLUMNS, read_database, to_dataframe  # noqa: E402
from xiangmu_extract.parquet_dataset import Dataset  # noqa: E402
from xiangmu_extract.reader import InputError  # noqa: E402
from xiangmu_extract.tasks import Failure  # noqa: E402

PATHS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


def compute(collection: Any, scheduler: str, client: Any) -> Any:
    if scheduler == "cluster":
        return client.compute(collection).result()
    return collection.compute(scheduler=scheduler)


# -- extract_bag --------------------------------------------------------------------------------
def _file_doc(p: Path) -> dict[str, Any]:
    return pipeline.extract(raw(p.name), doc_id=p.stem, source=str(p)).model_dump()


def _text_doc(text: str) -> dict[str, Any]:
    return pipeline.extract(text).model_dump()


ONE_LINE = "江苏某某新材料项目总投资10亿元,计划明年6月开工。"
BAG_ROWS = [
    pytest.param(list(PATHS), [_file_doc(p) for p in PATHS], id="Path objects"),
    pytest.param([str(p) for p in PATHS], [_file_doc(p) for p in PATHS], id="path strings"),
    pytest.param([str(RAW)], [_file_doc(p) for p in PATHS], id="a folder"),
    pytest.param([raw(p.name) for p in PATHS], [_text_doc(raw(p.name)) for p in PATHS], id="texts"),
    pytest.param([ONE_LINE, str(PATHS[0])], [_text_doc(ONE_LINE), _file_doc(PATHS[0])], id="mix"),
    pytest.param(
        dask_bag.from_sequence(PATHS, npartitions=2), [_file_doc(p) for p in PATHS], id="bag"
    ),
]


@pytest.mark.parametrize("scheduler", ["threads", "cluster"])
@pytest.mark.parametrize(("items", "expected"), BAG_ROWS)
def test_bag_gives_the_documents_of_the_pipeline(
    items: list[Any], expected: list[dict[str, Any]], scheduler: str, client: Any
) -> None:
    docs = compute(extract_bag(items, npartitions=3), scheduler, client)
    assert [d.model_dump() for d in docs] == expected


def _jsonl(tmp_path: Path) -> Path:
    lines = [
        json.dumps({"id": "j1", "text": raw("d06.txt"), "publish_time": "2021-03-01"}),
        "{not json",
        json.dumps({"id": "j2", "content": raw("d07.txt")}),
    ]
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    return path


@pytest.mark.parametrize(
    ("make", "kind", "errors", "expected"),
    [
        (_jsonl, "auto", "skip", ["j1", "j2"]),
        (_jsonl, "auto", "raise", InputError),
        (lambda tmp: tmp / "missing.txt", "path", "raise", InputError),
        (lambda tmp: tmp / "missing.txt", "path", "skip", []),
        (lambda tmp: str(tmp / "missing.txt"), "text", "raise", [None]),  # a text, no doc id
        pytest.param(
            lambda tmp: str(tmp / "missing.txt"),
            "auto",
            "raise",
            InputError,
            marks=pytest.mark.xfail(
                strict=True, reason="kind=auto reads a string naming no file as a text"
            ),
        ),
    ],
)
def test_bag_reads_dumps_and_reports_or_skips_bad_inputs(
    tmp_path: Path,
    make: Callable[[Path], Any],
    kind: Any,
    errors: Any,
    expected: list[str | None] | type[Exception],
) -> None:
    bag = extract_bag([make(tmp_path)], kind=kind, errors=errors)
    if isinstance(expected, type):
        with pytest.raises(expected):
            bag.compute(scheduler="sync")
    else:
        assert [d.doc_id for d in bag.compute(scheduler="sync")] == expected


# -- extract_dataframe ------------------------------------------------------------------------
DATE = "2022-01-05"


def _articles() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "content": [raw(p.name) for p in PATHS] + ["", None],
            "article_id": [p.stem for p in PATHS] + ["blank", "none"],
            "publish_time": [DATE] * len(PATHS) + [DATE, DATE],
            "views": range(len(PATHS) + 2),
        }
    )
    return frame.set_index(pd.Index([f"row{i:02d}" for i in range(len(frame))], name="key"))


def _expected_projects() -> pd.DataFrame:
    docs = [
        pipeline.extract(raw(p.name), reference_date=DATE, doc_id=p.stem).model_copy(
            update={"publish_date": DATE}  # the date column is the article's publish date
        )
        for p in PATHS
    ]
    return to_dataframe(docs)


@pytest.mark.parametrize("scheduler", ["threads", "cluster"])
def test_dataframe_of_projects_equals_to_dataframe(scheduler: str, client: Any) -> None:
    articles = _articles()
    ddf = dd.from_pandas(articles, npartitions=4)
    projects = extract_dataframe(ddf, text_column="content", id_column="article_id")
    assert list(projects.columns) == [name for name, _ in RECORD_COLUMNS]
    got = compute(projects, scheduler, client)
    expected = _expected_projects()
    assert len(got) == len(expected) > 50
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)
    # the index is the label of the article's row: the projects join back to their article
    assert (articles.loc[got.index, "article_id"].to_numpy() == got["doc_id"].to_numpy()).all()


@pytest.mark.parametrize(
    ("columns", "kwargs", "problem"),
    [
        (["text", "id"], {}, None),
        (["正文", "发布时间"], {}, None),
        (["Body", "URL"], {"url_column": "url"}, None),
        (["content"], {"text_column": "text"}, "no column 'text'"),
        (["content"], {"date_column": "date"}, "no column 'date'"),
        (["html", "id"], {}, "no text column"),
    ],
)
def test_dataframe_columns_are_found_as_in_a_dump(
    columns: list[str], kwargs: dict[str, str], problem: str | None
) -> None:
    ddf = dd.from_pandas(pd.DataFrame({c: ["项目总投资1亿元。"] for c in columns}), npartitions=1)
    if problem is None:
        assert len(extract_dataframe(ddf, **kwargs).compute(scheduler="sync")) <= 1
    else:
        with pytest.raises(ValueError, match=problem):
            extract_dataframe(ddf, **kwargs)


# -- partitions ---------------------------------------------------------------------------------
@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder of what a crawl leaves behind, good and bad, dumps among files."""
    root = tmp_path / "crawl"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(raw("d01.txt"), encoding="utf-8")
    (root / "b.html").write_text(
        "<html><head><meta charset='utf-8'><title>贵州雷山县茶叶开发</title></head><body>"
        f"<article><h1>贵州雷山县茶叶开发</h1><p>{raw('d05.txt')}</p></article></body></html>",
        encoding="utf-8",
    )
    (root / "c_binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "d_empty.txt").write_text("  \n", encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": raw("d06.txt"), "publish_time": "2021-03-01"}),
        "{not json",
        json.dumps({"id": "j2", "text": raw("d01.txt")}),  # the same text as a.txt
    ]
    (root / "e_dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name in ("d02.txt", "d03.txt", "d04.txt", "d07.txt"):
        (root / "sub" / name).write_text(raw(name), encoding="utf-8")
    (root / "sub" / "gbk.txt").write_bytes(raw("d08.txt").encode("gbk"))
    (root / "sub" / "rows.csv").write_text(
        "id,title,text\nc1,浙江新闻," + json.dumps(raw("d09.txt"), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (root / "sub" / "link.txt").symlink_to(root / "a.txt")  # the same file twice: read once
    return root


def _names(part: Partition) -> list[str]:
    return [
        f"!{Path(e.source).name}" if isinstance(e, Failure) else Path(e).name for e in part.entries
    ]


@pytest.mark.parametrize(
    ("max_files", "expected"),
    [
        (
            3,
            [
                ["a.txt", "b.html", "c_binary.txt"],
                ["d_empty.txt"],
                ["e_dump.jsonl"],
                ["d02.txt", "d03.txt", "d04.txt"],
                ["d07.txt", "gbk.txt"],
                ["rows.csv"],
                ["!missing.txt"],
            ],
        ),
        (
            1000,
            [
                ["a.txt", "b.html", "c_binary.txt", "d_empty.txt"],
                ["e_dump.jsonl"],
                ["d02.txt", "d03.txt", "d04.txt", "d07.txt", "gbk.txt"],
                ["rows.csv"],
                ["!missing.txt"],
            ],
        ),
    ],
)
def test_partitions_follow_input_order_a_dump_alone(
    mixed: Path, max_files: int, expected: list[list[str]]
) -> None:
    parts = list(partitions([str(mixed), str(mixed / "missing.txt")], max_files=max_files))
    assert [_names(p) for p in parts] == expected
    assert [p.id for p in parts] == [f"{i:08d}" for i in range(len(expected))]


# -- articles already in the database ------------------------------------------------------------
KNOWN = ("ab" * 9 + "00", "00" * 10, "ff" * 10, "0123456789abcdef0123")


@pytest.mark.parametrize(
    ("digest", "known"),
    [
        ("ab" * 9 + "00" + "7" * 44, True),  # a last byte 0 is not padding
        ("ab" * 9 + "7" * 46, False),  # ... nor may it be dropped
        ("00" * 10 + "1" * 44, True),
        ("ff" * 10 + "0" * 44, True),
        ("0123456789abcdef0123" + "9" * 44, True),
        ("0123456789abcdef0124" + "9" * 44, False),
        ("fe" * 32, False),
    ],
)
def test_workers_know_the_articles_by_their_id(tmp_path: Path, digest: str, known: bool) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE articles (id TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO articles VALUES (?)", [(i,) for i in KNOWN])
    dataset = Dataset.at(str(tmp_path / "d.parquet"))
    dataset.clear()
    ids = dataset.write_known(db)
    assert ids is not None
    assert ids.contains(digest) is known


# -- batch --engine dask ------------------------------------------------------------------------
# `mixed`: a, b.html, j1, d02-d04, d07, gbk and c1 extracted; j2 (a's text) skipped; c_binary,
# d_empty and the malformed JSON line failed: 13 read = 9 extracted + 1 skipped + 3 failed.
MIXED_LINE = "read 13 · extracted 9 · skipped 1 (unchanged) · failed 3"


def _mentions(database: Path) -> pd.DataFrame:
    frame = read_database(database, mentions=True).drop(columns="consolidated_id")
    return frame.sort_values("mention_id", ignore_index=True)


def test_cli_engine_dask_writes_the_database_of_the_local_engine(
    mixed: Path, tmp_path: Path, cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    local, remote = tmp_path / "local" / "p.sqlite", tmp_path / "dask" / "p.sqlite"
    local.parent.mkdir()
    remote.parent.mkdir()
    assert main(["batch", str(mixed), "-o", str(local), "-j", "1"]) == 1
    assert MIXED_LINE in capsys.readouterr().err
    address = cluster.scheduler_address
    dask_batch = ["batch", str(mixed), "-o", str(remote), "--engine", "dask", "--scheduler"]
    assert main([*dask_batch, address]) == 1
    assert MIXED_LINE in capsys.readouterr().err
    assert dump(remote) == dump(local)
    failures = [(d.parent / "failures.jsonl").read_text("utf-8") for d in (local, remote)]
    assert failures[0] == failures[1]
    assert len(failures[0].splitlines()) == 3

    parquet = remote.parent / "p.parquet"
    projects = pd.read_parquet(parquet / "projects").sort_values("mention_id", ignore_index=True)
    pd.testing.assert_frame_equal(projects, _mentions(local), check_dtype=False)
    assert len(pd.read_parquet(parquet / "tables" / "inputs")) == 13
    assert not [p for p in parquet.rglob(".*")]  # no temporary file left

    # a re-run skips every article on the workers: nothing new to extract
    assert main([*dask_batch, address]) == 1
    assert "read 13 · extracted 0 · skipped 10 (unchanged) · failed 3" in capsys.readouterr().err
    assert dump(remote) == dump(local)
    assert len(pd.read_parquet(parquet / "projects")) == 0
    assert len(pd.read_parquet(parquet / "tables" / "inputs")) == 13


def test_cli_scheduler_and_parquet_need_engine_dask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["batch", str(RAW), "-o", str(tmp_path / "p.sqlite"), "--scheduler", "tcp://x:1"])
    assert "go with --engine dask" in capsys.readouterr().err


@pytest.mark.parametrize(("max_files", "max_bytes"), [(1, 10**9), (3, 10**9), (1000, 20_000)])
def test_any_partitioning_gives_the_same_database(
    mixed: Path, tmp_path: Path, cluster: Any, max_files: int, max_bytes: int
) -> None:
    local, remote = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    expected = run_batch([str(mixed), str(RAW)], local, jobs=1)
    summary = run_cluster_batch(
        [str(mixed), str(RAW)],
        remote,
        scheduler=cluster.scheduler_address,
        parquet=tmp_path / "elsewhere",
        partition_files=max_files,
        partition_bytes=max_bytes,
    )
    assert summary.line()[:-6] == expected.line()[:-6]  # the counts, not the time
    assert (summary.read, summary.skipped) == (30, 7)  # RAW repeats 6 texts of `mixed`
    assert dump(remote) == dump(local)
    assert len(pd.read_parquet(tmp_path / "elsewhere" / "projects")) == summary.projects


# -- workers that die ---------------------------------------------------------------------------
def _corpus(folder: Path, copies: int) -> int:
    """The dev articles, each repeated with a distinct last line; the number of files."""
    folder.mkdir()
    for i in range(copies):
        for p in PATHS:
            (folder / f"{i:03d}_{p.name}").write_text(raw(p.name) + f"\n(稿件编号 {i})")
    return copies * len(PATHS)


def _written(dataset: Path) -> int:
    return len(list((dataset / "tables" / "inputs").glob("part-*.parquet")))


def _interrupted(dask_scheduler: Any) -> int:
    """The number of batch tasks whose work the scheduler lost with a worker that died (it was
    running them, or held their result): they run again."""
    return sum(
        1
        for key, start, finish, _, stimulus, *_ in dask_scheduler.transition_log
        if str(key).startswith("xiangmu-extract-")
        and (start, finish) in {("processing", "released"), ("memory", "released")}
        and stimulus.startswith("handle-worker-cleanup")
    )


def _busy_worker(client: Any) -> int | None:
    """The process id of a worker running a batch task, if any."""
    busy = [w for w, keys in client.processing().items() if keys]
    return client.run(os.getpid, workers=busy[:1])[busy[0]] if busy else None


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    tmp_path: Path, cluster: Any, client: Any
) -> None:
    folder = tmp_path / "corpus"
    total = _corpus(folder, copies=12)
    clean = tmp_path / "clean.sqlite"
    run_batch([str(folder)], clean, jobs=1)

    killed, dataset = tmp_path / "killed.sqlite", tmp_path / "killed.parquet"
    result: dict[str, Any] = {}

    def run() -> None:
        result["summary"] = run_cluster_batch(
            [str(folder)], killed, scheduler=cluster.scheduler_address, partition_files=20
        )

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline:
        time.sleep(0.01)
        victim = _busy_worker(client) if _written(dataset) >= 2 else None
    assert victim is not None, "no worker was busy mid-run"
    os.kill(victim, signal.SIGKILL)
    done_at_kill = _written(dataset)
    thread.join(timeout=120)
    assert done_at_kill < total // 20, "the worker was killed after the last task"
    assert client.run_on_scheduler(_interrupted) > 0, "no task was running on the worker"
    summary = result["summary"]
    assert (summary.read, summary.extracted, summary.failed) == (total, total, 0)
    assert dump(killed) == dump(clean)
    assert len(pd.read_parquet(dataset / "projects")) == summary.projects
    client.wait_for_workers(2, timeout=30)


def _die_on_marker() -> None:
    """In each worker process: the extractor kills its process on a marked article."""
    from xiangmu_extract import pipeline

    real = pipeline.extract

    def extract(text: str, **kwargs: Any) -> Any:
        if "触发故障" in text:
            os._exit(3)
        return real(text, **kwargs)

    pipeline.extract = extract  # type: ignore[assignment]


class _Poison(distributed.WorkerPlugin):  # type: ignore[misc]
    def setup(self, worker: Any) -> None:
        _die_on_marker()


def test_an_input_that_keeps_killing_workers_is_recorded(
    tmp_path: Path, cluster: Any, client: Any
) -> None:
    import cloudpickle

    folder = tmp_path / "in"
    folder.mkdir()
    for p in PATHS[:6]:
        (folder / p.name).write_text(raw(p.name), encoding="utf-8")
    (folder / PATHS[2].name).write_text(raw(PATHS[2].name) + "\n触发故障", encoding="utf-8")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the plugin, by value
    # one death is enough to give a task up (3 by default): a quick test
    allowed = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures)
    client.run_on_scheduler(lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", 0))
    client.register_plugin(_Poison(), name="poison")
    try:
        db = tmp_path / "p.sqlite"
        summary = run_cluster_batch(
            [str(folder)], db, scheduler=cluster.scheduler_address, partition_files=3
        )
    finally:
        client.unregister_worker_plugin("poison")
        client.run_on_scheduler(
            lambda dask_scheduler: setattr(dask_scheduler, "allowed_failures", allowed)
        )
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert (summary.read, summary.extracted, summary.failed) == (6, 5, 1)
    failed = sqlite3.connect(db).execute("SELECT source, locator, reason FROM failures")
    assert [(Path(s).name, loc, r) for s, loc, r in failed] == [(PATHS[2].name, "", WORKER_DIED)]
    client.restart()  # no poisoned worker left for other tests
