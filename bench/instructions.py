"""Instructions per article of `extract`, counted by valgrind (cachegrind), when installed.

Seconds on a shared machine drift by tens of percent within minutes; the number of
instructions the CPU executes does not. Two runs of the same process under cachegrind,
each extracting every dev article once first (patterns, segmenter and OpenCC tables
loaded), then N articles of the benchmark corpus or none: the difference divided by N is
the steady-state cost of one article. Used by `make bench`; also runnable alone:

    PYTHONPATH=build/compiled .venv/bin/python bench/instructions.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ARTICLES = 85  # of the benchmark corpus, after the warm-up

_WORKER = """
import sys
sys.path.insert(0, {bench!r})
import run
from xiangmu_extract import extract
for path in sorted(run.RAW.glob("*.txt")):
    extract(path.read_text(encoding="utf-8"))
for text in run.corpus()[: int(sys.argv[1])]:
    extract(text)
"""


def _instructions(articles: int) -> int:
    code = _WORKER.format(bench=str(Path(__file__).parent))
    out = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
            str(articles),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def per_article() -> float | None:
    """Instructions per article, or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    return (_instructions(ARTICLES) - _instructions(0)) / ARTICLES


if __name__ == "__main__":
    count = per_article()
    print("valgrind is not installed" if count is None else f"{count / 1e6:.2f} M per article")
