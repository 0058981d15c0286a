"""Benchmark: throughput of `extract` and cold start of the CLI (`make bench`).

Prints figures; asserts nothing. The batch figures come from ``bench/batch.py``. Throughput is single-process MB/s of UTF-8 input over the
dev articles repeated to about 5 MB; cold start is the wall-clock median of 5 runs of the
`extract` command on one article.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TARGET_BYTES = 5_000_000


def throughput() -> tuple[float, int, int]:
    from xiangmu_extract import extract

    texts = [p.read_text(encoding="utf-8") for p in sorted(RAW.glob("*.txt"))]
    extract(texts[0])  # load patterns and the segmenter before timing
    size = sum(len(t.encode("utf-8")) for t in texts)
    rounds = max(1, TARGET_BYTES // size)
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            extract(text)
    elapsed = time.perf_counter() - start
    return rounds * size / elapsed / 1e6, rounds * size, rounds * len(texts)


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


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import batch

    mbps, size, docs = throughput()
    print(f"{'throughput':<24}{mbps:8.2f} MB/s per core ({size / 1e6:.1f} MB, {docs} articles)")
    print(f"{'cold extract (median 5)':<24}{cold_start():8.3f} s")
    print(f"{'import xiangmu_extract':<24}{import_time() * 1000:8.1f} ms")
    print("batch (xiangmu-extract batch, dev articles repeated):")
    batch.main()


if __name__ == "__main__":
    main()
