"""Instructions per article of `extract`, and where they go, counted by valgrind's callgrind
(when valgrind is installed).

Seconds on a shared machine drift by tens of percent within minutes; the number of
instructions the CPU executes does not. One process under callgrind extracts every dev
article once (patterns, segmenter and OpenCC tables loaded), then N articles of the
benchmark corpus through ``itertools.starmap``, and callgrind counts only inside that call
(``--toggle-collect``): the count divided by N is the steady-state cost of one article.

On the compiled build (mypyc), callgrind also sees each compiled function, so the count of a
stage is that of its function with everything it calls (``callgrind_annotate --inclusive``);
on the sources it sees the interpreter only, and gives the total. Used by `make bench`; also
runnable alone:

    PYTHONPATH=build/compiled .venv/bin/python bench/instructions.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ARTICLES = 85  # of the benchmark corpus, after the warm-up

_WORKER = """
import sys
from itertools import starmap
sys.path.insert(0, {bench!r})
import run
from xiangmu_extract import extract
for path in sorted(run.RAW.glob("*.txt")):
    extract(path.read_text(encoding="utf-8"))
texts = [(text,) for text in run.corpus()[: int(sys.argv[1])]]
list(starmap(extract, texts))  # the only call of starmap: callgrind counts inside it
"""

# Stages: the compiled function whose inclusive count is the stage's (mypyc names a function
# CPyDef_<module>___<function>, a method CPyDef_<module>___<Class>___<method>).
STAGES = {
    "normalize": ("normalize___normalize",),
    "  boilerplate lines": ("boilerplate___classify_lines",),
    "metadata": ("metadata___extract_metadata",),
    "link (sentence by sentence)": ("link___Linker___read",),
    "  names, companies, places": (
        "names___find_names",
        "names___find_phases",
        "names___find_orgs",
        "names___find_places",
    ),
    "    of which segmentation": ("segment___tokenize",),
    "  amounts, quantities, dates": (
        "numeric___find_money",
        "numeric___find_quantities",
        "numeric___find_capacities",
        "numeric___find_dates",
    ),
    "  status words": ("link___Linker____status",),
    "validate (pydantic) and records": ("pipeline____project",),
}


@dataclass
class Count:
    per_article: float
    stages: dict[str, float] = field(default_factory=dict)  # empty on the sources


def count(articles: int = ARTICLES) -> Count | None:
    """Instructions per article, and per stage on the compiled build; None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    code = _WORKER.format(bench=str(Path(__file__).parent))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=starmap_next",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-c",
                code,
                str(articles),
            ],
            check=True,
            capture_output=True,
        )
        annotated = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return _parse(annotated, articles)


def _parse(annotated: str, articles: int) -> Count:
    total = re.search(r"^\s*([\d,]+)\s+\(100\.0+%\)\s+PROGRAM TOTALS", annotated, re.M)
    if total is None:
        raise RuntimeError(f"no total in callgrind_annotate's output:\n{annotated[:2000]}")
    inclusive: dict[str, int] = {}
    for number, name in re.findall(
        r"^\s*([\d,]+) \([\s\d.]+%\)\s+.*?CPyDef_(\w+)", annotated, re.M
    ):
        inclusive.setdefault(name, int(number.replace(",", "")))  # the first: the largest
    stages = {
        label: sum(inclusive.get(name, 0) for name in names) / articles
        for label, names in STAGES.items()
        if any(name in inclusive for name in names)
    }
    return Count(int(total.group(1).replace(",", "")) / articles, stages)


def per_article() -> float | None:
    """Instructions per article, or None without valgrind."""
    counted = count()
    return None if counted is None else counted.per_article


if __name__ == "__main__":
    counted = count()
    if counted is None:
        print("valgrind is not installed")
    else:
        print(f"{counted.per_article / 1e6:.2f} M per article")
        for label, number in counted.stages.items():
            print(f"  {label:<36}{number / 1e6:6.2f} M  {number / counted.per_article:6.1%}")
