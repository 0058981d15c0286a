"""The command line: ``extract``, ``xiangmu-extract extract|evaluate``, ``python -m``.

Most tests call the entry points in-process (fast); two run a real child process to check
that ``python -m xiangmu_extract`` works end to end.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from xiangmu_extract import __version__, cli
from xiangmu_extract.cli import extract_main, main

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "data" / "gold"
D02 = RAW / "d02.txt"  # one project, title 贵州雷山县茶叶开发产业化 …
D04 = RAW / "d04.txt"  # traditional script, phases
A000 = RAW / "000_c2cdb5c9962ffc8f.txt"  # "项目从去年6月开始建设", published 2022-02-24


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``extract ARGV`` in-process: (exit status, stdout, stderr)."""
    status = extract_main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``xiangmu-extract ARGV`` in-process; argparse errors exit with SystemExit."""
    try:
        status = main(list(argv))
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def project_named(doc: dict[str, Any], part: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [p for p in doc["projects"] if part in p["name"]]
    assert len(found) == 1, [p["name"] for p in doc["projects"]]
    return found[0]


# -- output formats -------------------------------------------------------------------
def test_one_file_prints_one_readable_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(D02))
    assert (status, err) == (0, "")
    doc = json.loads(out)
    assert doc["doc_id"] == "d02"
    assert doc["title"] == "贵州雷山县茶叶开发产业化 有效推动茶产业发展"
    assert "贵州雷山县" in out
    assert "\\u" not in out
    assert out.count("\n") > 10, "one file prints an indented document"


def test_two_files_print_two_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(D02), str(D04))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["d02", "d04"]
    assert "\\u" not in out


@pytest.mark.parametrize(
    ("fmt", "files", "documents"),
    [
        ("jsonl", [D02], 1),
        ("jsonl", [D02, D04], 2),
        ("json", [D02, D04], 2),
    ],
)
def test_format_overrides_the_default(
    capsys: pytest.CaptureFixture[str], fmt: str, files: list[Path], documents: int
) -> None:
    status, out, _ = run(capsys, "--format", fmt, *map(str, files))
    assert status == 0
    decoder = json.JSONDecoder()
    found, at, text = [], 0, out.strip()
    while at < len(text):
        doc, at = decoder.raw_decode(text, at)
        found.append(doc["doc_id"])
        at = len(text) - len(text[at:].lstrip())
    assert found == [f.stem for f in files]
    if fmt == "jsonl":
        assert len(out.splitlines()) == documents


def test_csv_prints_a_header_and_one_row_per_project(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--format", "json", str(D04))
    projects = json.loads(out)["projects"]
    status, out, err = run(capsys, "--format", "csv", str(D04))
    assert (status, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == [p["name"] for p in projects]
    assert {"doc_id", "name", "investment", "status"} <= set(rows[0])
    assert {r["doc_id"] for r in rows} == {"d04"}
    for row, project in zip(rows, projects, strict=True):
        money = project["investment"]
        if money is None:
            assert row["investment"] == ""
        else:
            assert float(row["investment"]) == money["value"]


def test_output_file_gets_the_document(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    status, out, err = run(capsys, "-o", str(target), str(D02))
    assert (status, out, err) == (0, "", "")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["doc_id"] == "d02" and doc["projects"]
    status, out, _ = run(capsys, "--output", str(target), "--format", "csv", str(D02))
    assert (status, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("doc_id,")


def test_an_unwritable_output_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    status, _, err = run(capsys, "-o", str(target), str(D02))
    assert status == 2
    assert str(target) in err


# -- reference date -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "start"),
    [
        ((), "2021-06"),  # the page's own date, 2022-02-24
        (("--reference-date", "2020-05-01"), "2019-06"),
        (("--reference-date", "2031-12-31"), "2030-06"),
    ],
)
def test_reference_date_resolves_relative_dates(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], start: str
) -> None:
    status, out, _ = run(capsys, *args, str(A000))
    assert status == 0
    project = project_named(json.loads(out), "艾赛斯")
    assert project["start_date"]["text"] == "去年6月"
    assert project["start_date"]["value"] == start


@pytest.mark.parametrize("bad", ["2022-13-01", "yesterday", "2022/02/24"])
def test_a_bad_reference_date_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        extract_main(["--reference-date", bad, str(D02)])
    assert stop.value.code == 2
    assert bad in capsys.readouterr().err


# -- bad files among good ones ------------------------------------------------------------
def test_bad_files_are_reported_and_the_good_ones_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    status, out, err = run(capsys, str(D02), str(missing), str(binary), str(D04))
    assert status == 1
    assert [json.loads(line)["doc_id"] for line in out.splitlines()] == ["d02", "d04"]
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert str(missing) in lines[0]
    assert str(binary) in lines[1]


def test_a_directory_is_reported_like_a_bad_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, str(tmp_path), str(D02))
    assert status == 1
    assert json.loads(out)["doc_id"] == "d02"
    assert len(err.splitlines()) == 1 and str(tmp_path) in err


# -- help, version, usage -------------------------------------------------------------------
@pytest.mark.parametrize(
    "option",
    ["FILE", "--reference-date", "YYYY-MM-DD", "--format", "json", "jsonl", "csv", "-o", "--output",
     "--version", "--help"],
)  # fmt: skip
def test_extract_help_mentions_every_option(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        extract_main(["--help"])
    assert stop.value.code == 0
    assert option in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--help"], ["extract", "evaluate", "--version"]),
        (["extract", "--help"], ["FILE", "--reference-date", "--format", "--output"]),
        (["evaluate", "--help"], ["--raw", "--per-doc", "--json", "--reference-date"]),
    ],
)
def test_xiangmu_extract_help_mentions_every_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: list[str]
) -> None:
    status, out, _ = run_main(capsys, *argv)
    assert status == 0
    assert [w for w in words if w not in out] == []


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_main(capsys, "--version")
    assert status == 0
    assert __version__ in out


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["extract"]])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, _, err = run_main(capsys, *argv)
    assert status == 2
    assert "usage:" in err


def test_xiangmu_extract_extract_is_the_extract_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run_main(capsys, "extract", "--format", "jsonl", str(D02))
    direct = run(capsys, "--format", "jsonl", str(D02))[1]
    assert status == 0
    assert out == direct


# -- evaluate -----------------------------------------------------------------------------
def test_evaluate_prints_a_table_with_an_all_facts_row(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run_main(capsys, "evaluate", str(GOLD))
    assert status == 0
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines() if line.strip()}
    assert {"all facts", "projects", "investment", "title"} <= set(rows)
    numbers = rows["all facts"].split()[2:]
    assert len(numbers) == 6  # tp fp fn P R F1
    assert 0.0 < float(numbers[-1]) <= 1.0


# -- real child processes --------------------------------------------------------------------
def python_m(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiangmu_extract", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


def test_python_m_extract_prints_readable_json() -> None:
    done = python_m("extract", str(D02))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["doc_id"] == "d02"
    assert "雷山县" in done.stdout and "\\u" not in done.stdout


def test_python_m_reports_a_missing_file_with_status_1() -> None:
    done = python_m("extract", "no-such-file.txt", str(D02))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no-such-file.txt" in done.stderr
    assert json.loads(done.stdout)["doc_id"] == "d02"


@pytest.mark.parametrize("module", ["xiangmu_extract", "xiangmu_extract.cli"])
def test_python_dash_m_runs_the_command_line(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "extract", str(D02)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["doc_id"] == "d02"


def test_the_console_scripts_run_the_commands_as_processes() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert scripts["scripts"] == {
        "extract": "xiangmu_extract.cli:extract_command",
        "xiangmu-extract": "xiangmu_extract.cli:command",
    }


@pytest.mark.parametrize(
    ("command", "argv"),
    [("extract_command", ["extract"]), ("command", ["xiangmu-extract", "extract"])],
)
def test_a_command_done_freezes_what_the_exiting_process_holds(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    argv: list[str],
) -> None:
    """What is alive when a command is done is frozen, for the shutdown not to walk it."""
    monkeypatch.setattr(sys, "argv", [*argv, str(D02)])
    gc.unfreeze()
    try:
        assert getattr(cli, command)() == 0
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()  # this process goes on
    assert json.loads(capsys.readouterr().out)["doc_id"] == "d02"


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """``extract *.txt | head``: the closed pipe ends the command quietly."""
    files = [str(p) for p in sorted(RAW.glob("*.txt"))] * 4  # more than a pipe buffer holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "xiangmu_extract", "extract", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""


def test_html_report_of_one_article(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "article.html"
    status, out, err = run(capsys, str(D02), "--html", str(page))
    assert (status, out, err) == (0, "", "")
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lower().startswith("<!doctype html>")
    assert "雷山县" in html and "<mark" in html
    status, out, _ = run(capsys, str(D02), "--html", str(page), "--format", "json")
    assert status == 0 and json.loads(out)["doc_id"] == "d02"  # JSON too when asked


def test_html_report_wants_one_article(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, str(D02), str(D04), "--html", str(tmp_path / "a.html"))
    assert exit_.value.code == 2
    assert "one FILE" in capsys.readouterr().err
