"""A progress bar for batch runs on a terminal (tqdm), by bytes of input: articles done,
rate, ETA, projects found, failures."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xiangmu_extract.batch import Summary


class Bar:
    """Implements :class:`xiangmu_extract.batch.Progress` on standard error."""

    def __init__(self, total_bytes: int) -> None:
        from tqdm import tqdm

        class _Tqdm(tqdm):  # type: ignore[type-arg]
            monitor_interval = 0  # no monitor thread: worker processes are forked

        self._bar: Any = _Tqdm(
            total=total_bytes or None,
            unit="B",
            unit_scale=True,
            unit_divisor=1000,
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.5,
        )

    def update(self, summary: Summary, size: int) -> None:
        rate = summary.read / max(time.perf_counter() - summary.started, 1e-9)
        self._bar.set_postfix_str(
            f"{summary.read:,} articles ({rate:,.0f}/s), {summary.projects:,} projects, "
            f"{summary.failed:,} failed",
            refresh=False,
        )
        self._bar.update(size)

    def close(self) -> None:
        self._bar.close()
