"""Batch benchmark: `xiangmu-extract batch` on the dev articles repeated 10x, 100x and 300x.

Reports articles/s and MB/s for -j1 and -j2 (the median of three runs, each into a fresh
database, -j1 and -j2 in turns; the fastest run is kept too: the machine is shared, and a
slower run measures the neighbours, -j2 most, as it needs both cores) and the peak resident
memory of the run (the largest process, and main process + workers together), sampled from
/proc every 100 ms.

A run includes the command's start and end (the interpreter, the imports, the last writes,
the consolidated rows: about 0.3 s, the same at -j1 and -j2, and -j2 cannot split them). At
100x (6.7 MB, 1,700 articles) that is 8% of a -j1 run and caps -j2/-j1 near 1.8; 300x
(20 MB) shows the scaling of a longer batch.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
REPEATS = 3
SIZES = (10, 100, 300)  # copies of the dev articles
SAMPLE_SECONDS = 0.1  # between two readings of the processes' memory


@dataclass
class BatchRun:
    copies: int
    jobs: int
    articles: int
    megabytes: float
    seconds: float  # the median run's
    peak_process_mb: float
    peak_total_mb: float
    fastest: float = 0.0  # seconds of the fastest of the runs

    def row(self) -> str:
        return (
            f"{self.copies:>4}x  -j{self.jobs}  {self.articles:>6} articles  "
            f"{self.articles / self.seconds:7.1f} art/s  "
            f"{self.megabytes / self.seconds:6.2f} MB/s  "
            f"peak RSS {self.peak_process_mb:6.1f} MB/process, {self.peak_total_mb:6.1f} MB total"
        )


def build_corpus(folder: Path, copies: int) -> tuple[int, float]:
    """The dev articles, each copy with a distinct last line (so none is a duplicate)."""
    folder.mkdir(parents=True)
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(RAW.glob("*.txt"))]
    size = 0
    for i in range(copies):
        for name, text in texts:
            data = f"{text}\n(稿件编号 {i})".encode()
            (folder / f"{i:04d}_{name}").write_bytes(data)
            size += len(data)
    return copies * len(texts), size / 1e6


def _rss_kb(pid: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root: int) -> list[str]:
    """The process ``root`` and its descendants, from the kernel's lists of each task's
    children (a few small files, where scanning every process of /proc costs the machine the
    benchmark measures a few percent of a core)."""
    tree, frontier = [str(root)], [str(root)]
    while frontier:
        children = []
        for pid in frontier:
            for listing in Path(f"/proc/{pid}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    children.extend(listing.read_text().split())
        tree.extend(children)
        frontier = children
    return tree


def run_batch(folder: Path, db: Path, jobs: int) -> tuple[float, float, float]:
    """Seconds of one run (to the process's exit, waited for), and the peak memory of its
    largest process and of all of them, sampled in a thread meanwhile."""
    exe = Path(sys.executable).with_name("xiangmu-extract")
    cmd = [str(exe), "batch", str(folder), "-o", str(db), "-j", str(jobs), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peaks = [0, 0]  # KB: the largest process, all of them
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = [_rss_kb(pid) for pid in _tree(proc.pid)]
            peaks[:] = max([peaks[0], *rss]), max(peaks[1], sum(rss))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed with exit status {proc.returncode}")
    return elapsed, peaks[0] / 1024, peaks[1] / 1024


def measure(copies: int, jobs: int, work: Path) -> BatchRun:
    folder = work / f"corpus{copies}"
    if not folder.exists():
        articles, megabytes = build_corpus(folder, copies)
    else:
        articles = len(list(folder.iterdir()))
        megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    db = work / f"run{copies}-j{jobs}.sqlite"
    for stale in work.glob(f"{db.name}*"):
        stale.unlink()  # a fresh database each run: nothing skipped
    seconds, peak_one, peak_all = run_batch(folder, db, jobs)
    return BatchRun(copies, jobs, articles, megabytes, seconds, peak_one, peak_all)


def main() -> list[BatchRun]:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for copies in SIZES:
            # -j1 and -j2 take turns, so that both see the machine at the same speed; the
            # median of three runs of each counts
            tries: dict[int, list[BatchRun]] = {1: [], 2: []}
            for _ in range(REPEATS):
                for jobs, done in tries.items():
                    done.append(measure(copies, jobs, work))
            for done in tries.values():
                run = sorted(done, key=_seconds)[len(done) // 2]
                run.fastest = min(r.seconds for r in done)
                print(run.row(), flush=True)
                runs.append(run)
    return runs


def _seconds(run: BatchRun) -> float:
    return run.seconds


if __name__ == "__main__":
    main()
