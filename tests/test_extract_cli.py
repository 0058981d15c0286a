"""The command line: formats, output file, bad files among good ones, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xiangmu_extract.cli import extract_main, main

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
ONE = str(RAW / "d02.txt")
TWO = str(RAW / "d12.txt")


def test_one_file_prints_readable_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert extract_main([ONE]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out and "茶叶加工扩建项目" in out
    assert json.loads(out)["doc_id"] == "d02"


def test_several_files_print_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert extract_main([ONE, TWO]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["d02", "d12"]


def test_csv_has_one_row_per_project(capsys: pytest.CaptureFixture[str]) -> None:
    assert extract_main([TWO, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    header = lines[0].split(",")
    assert "name" in header and "investment.value" in header
    expected = len(json.loads(_run_json(TWO))["projects"])
    assert len(lines) - 1 == expected


def _run_json(path: str) -> str:
    from xiangmu_extract import extract_file

    return extract_file(path).model_dump_json()


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    assert extract_main([ONE, TWO, "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_reference_date_resolves_relative_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert extract_main([ONE, "--reference-date", "2020-05-01"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (project,) = [p for p in doc["projects"] if "茶叶" in p["name"]]
    assert project["completion_date"]["value"] == "2020-Q3"  # 今年第三季度


def test_bad_files_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    missing = tmp_path / "missing.txt"
    assert extract_main([str(missing), ONE, str(binary), TWO]) == 1
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert str(missing) in errors[0] and str(binary) in errors[1]
    assert [json.loads(line)["doc_id"] for line in captured.out.splitlines()] == ["d02", "d12"]


def test_help_explains_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        extract_main(["--help"])
    text = capsys.readouterr().out
    for option in ("--reference-date", "--format", "--output", "FILE"):
        assert option in text


def test_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", ONE]) == 0
    assert json.loads(capsys.readouterr().out)["doc_id"] == "d02"
    gold = str(RAW.parent / "gold")
    assert main(["evaluate", gold, "--raw", str(RAW)]) == 0
    assert "all facts" in capsys.readouterr().out


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xiangmu_extract", "extract", ONE],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert json.loads(done.stdout)["doc_id"] == "d02"
