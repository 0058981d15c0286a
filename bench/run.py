"""Benchmark (`make bench`): one table of figures, also written as JSON to bench/results/.

* throughput of `extract` on the dev articles repeated to about 5 MB (each copy with a distinct
  last line), in MB/s and articles/s, and as a ratio to a reference pipeline of the libraries'
  plain calls run in the same process on the same corpus: OpenCC t2s of the whole text, jieba
  `lcut` of the whole text (its default dictionary, loaded before timing) and the money and date
  regexes. The two take turns on slices of the corpus, three times over, and for each slice
  the fastest run of each counts (the machine is shared: slower runs measure the neighbours);
* the build measured: `make bench` runs the wheel's modules compiled by mypyc (hatch_build.py),
  as users install them; the throughput of the pure-Python sources is measured too, in a
  subprocess;
* instructions per article of the same build, counted by valgrind when it is installed
  (bench/instructions.py): unlike seconds, the count does not drift with the machine's load;
* where the time goes: on the compiled build, the instructions of each stage (callgrind sees
  every compiled function) and the microseconds per article they come to at the measured
  rate; without valgrind, cumulative seconds of each stage under cProfile, on the sources
  (cProfile does not see inside compiled modules);
* cold start of the `extract` command (median of 5) and the import of the package;
* `xiangmu-extract batch` at -j1 and -j2 on 10x, 100x and 300x the dev articles, with peak
  RSS (bench/batch.py);
* the dev-set score (all facts F1), checked against bench/baseline.json: speed work must not
  change the records.

Prints figures; asserts nothing (but says DROPPED if the score fell).
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
RESULTS = ROOT / "bench" / "results"
TARGET_BYTES = 5_000_000
REPEATS = 3
SLICES = 20
# cProfile function names (file, function) whose cumulative time is a stage.
STAGES = {
    "normalize": ("normalize.py", "normalize"),
    "metadata": ("metadata.py", "extract_metadata"),
    "link (sentence by sentence)": ("link.py", "read"),
    "  names, companies, places": ("names.py", "find_"),
    "    of which segmentation": ("segment.py", "tokenize"),
    "  amounts, quantities, dates": ("numeric.py", "find_"),
    "validate (pydantic)": ("pipeline.py", "_project"),
}


def corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    size = sum(len(t.encode()) for t in texts)
    copies = max(1, TARGET_BYTES // size)
    return [f"{t}\n(稿件编号 {i})" for i in range(copies) for t in texts]


def build() -> str:
    from xiangmu_extract import pipeline

    compiled = (pipeline.__file__ or "").endswith(tuple(EXTENSION_SUFFIXES))
    return "compiled (mypyc)" if compiled else "sources (pure Python)"


def ours(texts: list[str]) -> float:
    from xiangmu_extract import extract

    extract(texts[0])  # patterns and segmenter loaded before timing
    start = time.perf_counter()
    for text in texts:
        extract(text)
    return time.perf_counter() - start


def reference(texts: list[str]) -> float:
    """The libraries' plain calls: what a naive pipeline does with every character."""
    import jieba
    from opencc import OpenCC

    from xiangmu_extract.patterns import get_patterns

    converter = OpenCC("t2s")
    jieba.setLogLevel(60)
    jieba.initialize()
    money, dates = get_patterns().regex("money_amount"), get_patterns().regex("date_scan")
    start = time.perf_counter()
    for text in texts:
        simplified = converter.convert(text)
        jieba.lcut(simplified)
        list(money.finditer(simplified))
        list(dates.finditer(simplified))
    return time.perf_counter() - start


def fastest(texts: list[str], *runs: Callable[[list[str]], float]) -> list[float]:
    """Seconds of each run over ``texts``: the texts in SLICES slices, each slice timed with
    every run in turn (in alternating order), REPEATS times; per slice and run the fastest
    timing counts. The runs take turns every second or so, so that the machine's speed,
    which drifts by tens of percent within minutes here, is the same for all of them."""
    size = -(-len(texts) // SLICES)
    slices = [texts[k : k + size] for k in range(0, len(texts), size)]
    best = [[float("inf")] * len(slices) for _ in runs]
    for repeat in range(REPEATS):
        for k, part in enumerate(slices):
            order = list(enumerate(runs))
            for i, run in order if (repeat + k) % 2 == 0 else reversed(order):
                best[i][k] = min(best[i][k], run(part))
    return [sum(seconds) for seconds in best]


def sources(texts: list[str]) -> dict[str, Any]:
    """Throughput and stage profile of the pure-Python sources (in a subprocess when this
    process runs the compiled modules)."""
    if build().startswith("sources"):
        (seconds,) = fastest(texts, ours)
        return {"seconds": seconds, "stages": stages(texts[: len(texts) // 4])}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, __file__, "--sources"], env=env, check=True, capture_output=True
    )
    figures: dict[str, Any] = json.loads(out.stdout)
    return figures


def stages(texts: list[str]) -> dict[str, float]:
    from xiangmu_extract import extract

    profile = cProfile.Profile()
    profile.enable()
    for text in texts:
        extract(text)
    profile.disable()
    stats: Any = pstats.Stats(profile).stats  # {(file, line, function): (.., .., .., cum, ..)}
    total = sum(v[3] for k, v in stats.items() if k[2] == "extract" and "pipeline" in k[0])
    out = {"total (profiled)": total}
    for label, (file, function) in STAGES.items():
        out[label] = sum(
            v[3]
            for (path, _, name), v in stats.items()
            if path.endswith(file) and name.startswith(function)
        )
    return out


def cold_start() -> float:
    exe = Path(sys.executable).with_name("extract")
    article = RAW / "000_c2cdb5c9962ffc8f.txt"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([str(exe), str(article)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time() -> float:
    code = (
        "import time\nt = time.perf_counter()\n"
        "import xiangmu_extract\nprint(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout)


def score() -> float:
    from xiangmu_extract.evaluate import evaluate_dirs

    return evaluate_dirs(ROOT / "data" / "gold", RAW).all_facts.f1


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import batch
    import instructions

    texts = corpus()
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    ours_s, ref_s = fastest(texts, ours, reference)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pure = sources(texts)
    profile = pure["stages"]
    counted = instructions.count()
    baseline = json.loads((ROOT / "bench" / "baseline.json").read_text())["all_facts_f1"]
    f1 = score()
    figures: dict[str, Any] = {
        "corpus": {"articles": len(texts), "megabytes": round(megabytes, 2)},
        "build": build(),
        "extract": {
            "MB/s per core": megabytes / ours_s,
            "articles/s": len(texts) / ours_s,
        },
        "extract, sources (pure Python)": {"MB/s per core": megabytes / pure["seconds"]},
        "reference pipeline": {"MB/s per core": megabytes / ref_s},
        "ratio to reference": ref_s / ours_s,
        "instructions per article (valgrind)": counted.per_article if counted else None,
        "instructions per article by stage (callgrind, compiled)": (
            counted.stages if counted else None
        ),
        "stages (s, sources profiled, quarter of the corpus)": profile,
        "cold extract (s, median of 5)": cold_start(),
        "import xiangmu_extract (ms)": import_time() * 1000,
        "peak RSS of this process (MB)": rss_mb,
        "dev-set all facts F1": {"now": f1, "baseline": baseline},
    }
    print(f"{'corpus':<34}{len(texts):>8} articles, {megabytes:.1f} MB (dev articles repeated)")
    rate = len(texts) / ours_s
    print(f"{'build':<34}{build():>8}")
    print(f"{'extract':<34}{megabytes / ours_s:8.2f} MB/s per core  {rate:7.0f} art/s")
    print(f"{'extract, sources (pure Python)':<34}{megabytes / pure['seconds']:8.2f} MB/s per core")
    print(f"{'reference (OpenCC+lcut+regexes)':<34}{megabytes / ref_s:8.2f} MB/s per core")
    print(f"{'ratio to reference':<34}{ref_s / ours_s:8.2f} x")
    if counted is None:
        print(f"{'instructions per article':<34}     n/a    (valgrind is not installed)")
    else:
        per = counted.per_article
        print(f"{'instructions per article':<34}{per / 1e6:8.2f} M  (valgrind: no drift)")
    if counted is not None and counted.stages:
        print("where the time goes (compiled, callgrind; µs at the rate above):")
        for label, number in counted.stages.items():
            share, micros = number / counted.per_article, number / counted.per_article / rate * 1e6
            print(f"{'  ' + label:<34}{number / 1e6:8.2f} M  {share:6.1%}  {micros:6.0f} µs")
    else:
        print("where the time goes (sources, cProfile):")
        for label, seconds in profile.items():
            share = seconds / profile["total (profiled)"] * 100
            print(f"{'  ' + label:<34}{seconds:8.2f} s  {share:5.1f} %")
    print(f"{'cold extract (median of 5)':<34}{figures['cold extract (s, median of 5)']:8.3f} s")
    print(f"{'import xiangmu_extract':<34}{figures['import xiangmu_extract (ms)']:8.1f} ms")
    print(f"{'peak RSS, this process':<34}{rss_mb:8.1f} MB")
    verdict = "ok" if f1 >= baseline - 1e-6 else "DROPPED"  # the baseline has 6 decimals
    print(f"{'dev-set all facts F1':<34}{f1:8.3f}    baseline {baseline:.3f}: {verdict}")
    print("batch (xiangmu-extract batch, dev articles repeated, distinct copies):")
    runs = batch.main()
    by = {(r.copies, r.jobs): r for r in runs}
    figures["batch"] = [vars(r) for r in runs]
    for copies in batch.SIZES[1:]:
        one, two = by[copies, 1], by[copies, 2]
        speedup, best = one.seconds / two.seconds, one.fastest / two.fastest
        label = f"  -j2 / -j1 ({copies}x)"
        print(f"{label:<34}{speedup:8.2f} x median  {best:5.2f} x fastest runs")
        figures[f"batch -j2/-j1 ({copies}x)"] = speedup
        figures[f"batch -j2/-j1 ({copies}x), fastest runs"] = best
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"written: bench/results/bench-{stamp}.json")


if __name__ == "__main__":
    if sys.argv[1:] == ["--sources"]:
        print(json.dumps(sources(corpus())))
    else:
        main()
