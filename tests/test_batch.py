"""The batch path end to end: mixed inputs, exact accounting, failures that never stop a
batch, kill -9 and resume, consolidation across articles, order independence."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from db_samples import RAW, dump, raw
from xiangmu_extract import batch, pipeline
from xiangmu_extract.batch import WORKER_DIED, Summary, run_batch
from xiangmu_extract.cli import main
from xiangmu_extract.store import Outcome

JINKO = ("001_a608d7819f00ea86.txt", "002_2c39f0067748cac1.txt")


def counts(s: Summary) -> tuple[int, int, int, int]:
    return (s.read, s.extracted, s.skipped, s.failed)


def html_page(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> | <a href='/news'>新闻</a> | "
        "<a href='/gov'>政务</a></div>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<div class='footer'>版权所有 © 2022 某某网 | 联系我们 | 网站地图</div></body></html>"
    )


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder of everything a crawl leaves behind, good and bad."""
    root = tmp_path / "crawl"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(raw("d01.txt"), encoding="utf-8")
    (root / "sub" / "b.txt").write_text(raw("d02.txt"), encoding="utf-8")
    (root / "sub" / "gbk.txt").write_bytes(raw("d04.txt").encode("gbk"))
    (root / "page.html").write_text(
        html_page("贵州雷山县茶叶开发产业化", raw("d05.txt")), encoding="utf-8"
    )
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "empty.txt").write_text("  \n", encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": raw("d06.txt"), "publish_time": "2021-03-01"}),
        "{not json",
        json.dumps({"id": "j2", "text": raw("d07.txt")}),
        "",
        json.dumps({"id": "j3", "text": raw("d01.txt")}),  # the same text as a.txt
    ]
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (root / "rows.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [["id", "title", "text"], ["c1", "浙江新闻", raw("d08.txt")], ["c2", "空白", ""]]
        )
    (root / "notes.md").write_text("not an input type inside a folder", encoding="utf-8")
    return root


# Expected accounting of `mixed`: 12 inputs.
#   extracted: a.txt, b.txt, gbk.txt, page.html, jsonl j1, j2, csv c1      = 7
#   skipped:   jsonl j3 (same text as a.txt, later in input order)          = 1
#   failed:    binary.txt, empty.txt, malformed JSON line, empty csv cell   = 4
MIXED = (12, 7, 1, 4)


def test_mixed_folder_exact_accounting(mixed: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    failures = tmp_path / "failures.jsonl"
    with failures.open("w", encoding="utf-8") as out:
        summary = run_batch([str(mixed)], db, jobs=1, failures=out)
    assert counts(summary) == MIXED
    assert summary.read == summary.extracted + summary.skipped + summary.failed
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 7
    assert con.execute("SELECT count(*) FROM article_sources").fetchone()[0] == 8
    reasons = dict(
        ((Path(s).name, loc), reason)
        for s, loc, reason in con.execute("SELECT source, locator, reason FROM failures")
    )
    assert set(reasons) == {
        ("binary.txt", ""),
        ("empty.txt", ""),
        ("dump.jsonl", "line 2"),
        ("rows.csv", "row 2"),
    }
    assert "binary" in reasons["binary.txt", ""]
    assert "JSON" in reasons["dump.jsonl", "line 2"]
    logged = [json.loads(line) for line in failures.read_text(encoding="utf-8").splitlines()]
    assert {(Path(r["source"]).name, r["locator"]) for r in logged} == set(reasons)
    html_basis = con.execute(
        "SELECT text_basis, text IS NOT NULL FROM articles WHERE source LIKE '%page.html'"
    ).fetchone()
    assert html_basis == ("html-main-text", 1)
    # the publish-time column resolves relative dates and is the article's date
    assert con.execute("SELECT publish_date FROM articles WHERE doc_id = 'j1'").fetchone() == (
        "2021-03-01",
    )


def test_chunks_done_are_written_together_in_input_order(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = [[Outcome(f"{i}.txt", f"line {j}") for j in range(2)] for i in range(6)]
    monkeypatch.setattr(batch, "TRANSACTION_ARTICLES", 5)
    joined = list(batch._transactions(iter(chunks)))
    assert [len(t) for t in joined] == [6, 6]
    assert [o for t in joined for o in t] == [o for c in chunks for o in c]
    monkeypatch.setattr(batch, "TRANSACTION_SECONDS", 0.0)  # none is done in time
    assert list(batch._transactions(iter(chunks))) == chunks


def test_the_last_chunks_are_written_as_they_come(monkeypatch: pytest.MonkeyPatch) -> None:
    # once no chunk is left to hand out, each is written on its own
    chunks = [[Outcome(f"{i}.txt", f"line {j}") for j in range(2)] for i in range(6)]
    monkeypatch.setattr(batch, "TRANSACTION_ARTICLES", 100)
    taken = batch._Chunks(iter(chunks[:4]), 1)  # four chunks handed out, then none left
    handed = [next(taken) for _ in range(4)]
    assert not taken.exhausted
    assert list(taken) == [] and taken.exhausted
    assert handed == [[c] for c in chunks[:4]]
    drained = iter([False, False, True, True, True, True])
    joined = list(batch._transactions(iter(chunks), lambda: next(drained)))
    assert [len(t) for t in joined] == [6, 2, 2, 2]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_database_does_not_depend_on_the_transactions(
    mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    together, apart = tmp_path / "together.sqlite", tmp_path / "apart.sqlite"
    assert counts(run_batch([str(mixed)], together, jobs=jobs, chunk_size=2)) == MIXED
    monkeypatch.setattr(batch, "TRANSACTION_ARTICLES", 1)  # a transaction per chunk
    assert counts(run_batch([str(mixed)], apart, jobs=jobs, chunk_size=2)) == MIXED
    assert dump(together) == dump(apart)


def test_rerun_skips_what_is_done_and_retries_failures(mixed: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    run_batch([str(mixed)], db, jobs=1)
    before = dump(db)
    again = run_batch([str(mixed)], db, jobs=2)
    assert counts(again) == (12, 0, 8, 4)
    assert dump(db) == before
    (mixed / "binary.txt").write_text(raw("d09.txt"), encoding="utf-8")  # fixed upstream
    fixed = run_batch([str(mixed)], db, jobs=1)
    assert counts(fixed) == (12, 1, 8, 3)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM failures").fetchone()[0] == 3


def test_every_span_in_the_database_points_at_its_text(mixed: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    run_batch([str(mixed)], db, jobs=1)
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT a.source, a.locator, a.text, f.text, f.span_start, f.span_end, f.sentence "
        "FROM facts f JOIN articles a ON a.id = f.article_id WHERE f.span_start IS NOT NULL"
    ).fetchall()
    assert len(rows) > 20
    for source, locator, stored, text, start, end, sentence in rows:
        if stored is None:
            if locator:
                continue  # dump rows: checked through the extracted text below
            from xiangmu_extract.reader import read_text

            stored = read_text(source)
        assert stored[start:end] == text
        assert text in sentence


def test_a_huge_article_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(raw("d02.txt"), encoding="utf-8")
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(50_000_000)  # 50 MB (sparse); rejected by size before it is read
    summary = run_batch([str(folder)], tmp_path / "p.sqlite", jobs=1)
    assert counts(summary) == (2, 1, 0, 1)
    reason = sqlite3.connect(tmp_path / "p.sqlite").execute("SELECT reason FROM failures")
    assert "too large" in reason.fetchone()[0]


def _fail_on(marker: str, action: Callable[[], Any]) -> Callable[..., Any]:
    real = pipeline.extract

    def extract(text: str, **kwargs: Any) -> Any:
        if marker in text:
            action()
        return real(text, **kwargs)

    return extract


def _raise() -> None:
    raise RuntimeError("the extractor tripped")


def _die() -> None:
    os._exit(3)  # a worker process killed mid-article (segfault, OOM killer)


@pytest.mark.parametrize(
    ("jobs", "action", "reason"),
    [
        (1, _raise, "extraction failed: RuntimeError: the extractor tripped"),
        (2, _raise, "extraction failed: RuntimeError: the extractor tripped"),
        (2, _die, WORKER_DIED),
    ],
)
def test_an_article_that_breaks_the_extractor_is_recorded(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    jobs: int,
    action: Callable[[], None],
    reason: str,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    names = sorted(p.name for p in RAW.glob("*.txt"))
    for name in names:
        (folder / name).write_text(raw(name), encoding="utf-8")
    (folder / "d05.txt").write_text(raw("d05.txt") + "\n触发故障", encoding="utf-8")
    monkeypatch.setattr(pipeline, "extract", _fail_on("触发故障", action))
    db = tmp_path / "p.sqlite"
    summary = run_batch([str(folder)], db, jobs=jobs, chunk_size=4)
    assert counts(summary) == (len(names), len(names) - 1, 0, 1)
    failures = sqlite3.connect(db).execute("SELECT source, reason FROM failures").fetchall()
    assert [(Path(s).name, r) for s, r in failures] == [("d05.txt", reason)]


def _die_rebuilding(groups: list[str], database: str) -> list[Any]:
    os._exit(3)  # a worker killed while it rebuilds consolidated rows at the end of a run


def _serial_run(tmp_path: Path) -> tuple[list[str], Path]:
    """The dev articles, and the database a serial run makes of them."""
    files = sorted(str(p) for p in RAW.glob("*.txt"))
    serial = tmp_path / "serial.sqlite"
    run_batch(files, serial, jobs=1)
    return files, serial


def test_a_worker_dying_at_the_end_leaves_the_database_of_a_serial_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, serial = _serial_run(tmp_path)
    monkeypatch.setattr(batch, "rebuild_groups", _die_rebuilding)
    run_batch(files, tmp_path / "parallel.sqlite", jobs=2)
    assert dump(tmp_path / "parallel.sqlite") == dump(serial)


class _DiesBetweenChunks(batch._Workers):
    """A pool whose worker is killed after the first chunks came back, before the next
    chunk is submitted: the submission itself finds the pool broken."""

    def submit(self, chunk: Any) -> Any:
        self.submitted = getattr(self, "submitted", 0) + 1
        if self.submitted == 3:
            for worker in list(self.pool._processes.values()):  # type: ignore[union-attr]
                os.kill(worker.pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while not self.pool._broken and time.monotonic() < deadline:
                time.sleep(0.01)
        return super().submit(chunk)


def test_a_pool_broken_before_a_submission_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, serial = _serial_run(tmp_path)
    monkeypatch.setattr(batch, "IN_FLIGHT", 1)  # the third chunk waits for the first result
    monkeypatch.setattr(batch, "_Workers", _DiesBetweenChunks)
    summary = run_batch(files, tmp_path / "parallel.sqlite", jobs=2, chunk_size=2)
    assert counts(summary) == (len(files), len(files), 0, 0)
    assert dump(tmp_path / "parallel.sqlite") == dump(serial)


# -- kill -9 and resume ----------------------------------------------------------------------
def _corpus(folder: Path, copies: int) -> None:
    """The dev articles, each repeated with a distinct last line: many distinct articles."""
    folder.mkdir()
    texts = sorted(RAW.glob("*.txt"))
    for i in range(copies):
        for p in texts:
            (folder / f"{i:03d}_{p.name}").write_text(
                p.read_text(encoding="utf-8") + f"\n(稿件编号 {i})", encoding="utf-8"
            )
    (folder / "zz_copy.txt").write_text(texts[0].read_text(encoding="utf-8"), encoding="utf-8")


def _batch_command(folder: Path, db: Path) -> list[str]:
    exe = [sys.executable, "-m", "xiangmu_extract", "batch"]
    return [*exe, str(folder), "-o", str(db), "-j", "2", "--quiet"]


def _articles(db: Path) -> int:
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_run_resumed_gives_the_database_of_a_clean_run(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    _corpus(folder, copies=30)
    total = len(list(folder.iterdir()))
    clean = tmp_path / "clean.sqlite"
    subprocess.run(_batch_command(folder, clean), check=True, timeout=600)

    killed = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(_batch_command(folder, killed), start_new_session=True)
    deadline = time.monotonic() + 120
    while _articles(killed) < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole process group: main process and workers
    proc.wait()
    done = _articles(killed)
    assert 0 < done < total - 1, "the run was not killed mid-way"

    resumed = subprocess.run(
        [*_batch_command(folder, killed)[:-1]], capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"skipped {done:,}" in resumed.stderr
    assert dump(killed) == dump(clean)


# -- consolidation --------------------------------------------------------------------------
def _consolidated(db: Path) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("SELECT * FROM consolidated ORDER BY id")]


def test_the_same_plant_in_two_articles_is_one_project(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite"
    run_batch([str(RAW / n) for n in JINKO], db, jobs=1)
    jinko = [r for r in _consolidated(db) if r["n_articles"] > 1]
    assert len(jinko) == 1
    project = jinko[0]
    assert "晶科" in project["company"]
    assert project["investment"] == pytest.approx(2.2e10)
    assert "海宁" in project["location"]
    names = {project["name"], *json.loads(project["aliases"])}
    assert {
        "晶科高效电池组件生产线项目",
        "新增年产20GW高效电池和21GW高效电池组件生产线项目",
    } <= names
    # its phases are projects of their own (GOLD_SCHEMA Convention 1), not merged into it
    phases = [r["name"] for r in _consolidated(db) if r["name"].startswith("海宁晶科项目")]
    assert sorted(phases) == ["海宁晶科项目一期", "海宁晶科项目二期"]
    # every mention of the project links to its article
    con = sqlite3.connect(db)
    linked = con.execute(
        "SELECT DISTINCT a.source FROM projects p JOIN articles a ON a.id = p.article_id "
        "WHERE p.consolidated_id = ?",
        (project["id"],),
    ).fetchall()
    assert sorted(Path(s).name for (s,) in linked) == sorted(JINKO)


def test_same_inputs_in_any_order_give_the_same_projects(tmp_path: Path) -> None:
    files = sorted(str(p) for p in RAW.glob("*.txt"))
    forward, backward = tmp_path / "f.sqlite", tmp_path / "b.sqlite"
    run_batch(files, forward, jobs=1)
    run_batch(files[::-1], backward, jobs=2, chunk_size=3)
    f, b = dump(forward), dump(backward)
    for table in ("consolidated", "projects", "facts", "project_keys", "articles"):
        assert f[table] == b[table], table


# -- command line --------------------------------------------------------------------------
def test_cli_batch_summary_and_exit_status(
    mixed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "out" / "p.sqlite"
    db.parent.mkdir()
    status = main(["batch", str(mixed), "-o", str(db), "-j", "1"])
    err = capsys.readouterr().err
    assert status == 1  # some inputs failed
    assert "read 12 · extracted 7 · skipped 1 (unchanged) · failed 4" in err
    assert len((db.parent / "failures.jsonl").read_text(encoding="utf-8").splitlines()) == 4
    assert main(["batch", str(RAW / "d02.txt"), "-o", str(db), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_batch_refuses_a_file_that_is_not_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("just some text, not SQLite" * 100, encoding="utf-8")
    assert main(["batch", str(RAW / "d02.txt"), "-o", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert str(bogus) in err and "not a project database" in err


def test_cli_batch_without_dask_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else find_spec(name, *a),
    )
    db = tmp_path / "p.sqlite"
    assert main(["batch", str(RAW / "d02.txt"), "-o", str(db), "--engine", "dask"]) == 2
    assert "pip install 'xiangmu-extract[dask]'" in capsys.readouterr().err


def test_a_local_batch_does_not_import_the_cluster_modules(tmp_path: Path) -> None:
    code = (
        "import sys; from xiangmu_extract.cli import main; "
        f"main(['batch', {str(RAW / 'd02.txt')!r}, '-o', {str(tmp_path / 'p.sqlite')!r}, '-q']); "
        "print(sorted(m for m in sys.modules if m.endswith(('cluster', 'parquet_dataset'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _on_a_terminal(argv: list[str]) -> str:
    """Run ``xiangmu-extract argv`` with a pseudo-terminal as its output; what it wrote."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: a 120-column terminal
        fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execv(sys.executable, [sys.executable, "-m", "xiangmu_extract", *argv])
    out = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    os.waitpid(pid, 0)
    return out.decode("utf-8", errors="replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal test")
def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    shown = _on_a_terminal(["batch", str(RAW), "-o", str(tmp_path / "a.sqlite"), "-j", "1"])
    assert "100%|" in shown
    assert "17 articles" in shown and "projects" in shown and "0 failed" in shown
    assert "read 17 · extracted 17" in shown
    quiet = _on_a_terminal(["batch", str(RAW), "-o", str(tmp_path / "b.sqlite"), "--quiet"])
    assert quiet.strip() == ""
    piped = subprocess.run(
        [
            sys.executable,
            "-m",
            "xiangmu_extract",
            "batch",
            str(RAW),
            "-o",
            str(tmp_path / "c.sqlite"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "%|" not in piped.stderr
    assert piped.stderr.startswith("read 17 · extracted 17")


def test_cli_report_of_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.sqlite"
    run_batch([str(RAW / n) for n in JINKO], db, jobs=1)
    page = tmp_path / "report.html"
    assert main(["report", str(db), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "晶科" in html and "<svg" in html
    assert main(["report", str(tmp_path / "missing.sqlite"), "-o", str(page)]) == 2
    assert "missing.sqlite" in capsys.readouterr().err
