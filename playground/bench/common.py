"""What every section of the bench shares: the goals, the clock, medians, and the rotation.

Imports nothing heavy at module level: the command line builds its parser from this
package on every start of the app (see ``playground/cli.py``).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..core.config import STYLES  # noqa: F401 - the sections measure every style the app has

PLOT_SIZES = (10**3, 10**4, 10**5, 10**6, 10**7)
GOALS = {
    "core_vs_raw": 0.98,  # (b)/(a) at least
    "window_vs_raw": 0.95,  # (c)/(a) at least
    "inspector_open_vs_closed": 0.95,  # (c) over (c) with the inspector collapsed, at least
    "lag_p99_ms": 50.0,  # at most
    "plot_ms_at_1e7": 10.0,  # median redraw + paint, at most
    "bytes_per_step": 16.0,  # at most
}
EXIT_OK, EXIT_ERROR = 0, 1


class Clock:
    """Wall-clock and process CPU seconds since construction (CPU: every thread of the process)."""

    def __init__(self) -> None:
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        self.wall = self.cpu = 0.0

    def stop(self) -> Clock:
        self.wall, self.cpu = time.perf_counter() - self.t0, time.process_time() - self.c0
        return self


class NoCuda(RuntimeError):
    """``--device cuda`` on a machine without a usable CUDA device."""


def median(values: list[float]) -> float:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.median(vals) if vals else float("nan")


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def run_rotated(variants: Sequence[Callable[[], None]], repeats: int,
                after_repeat: Callable[[], None] | None = None) -> None:
    """Run every variant once per repeat, each repeat starting one variant further along.

    Every figure is a ratio of variants measured side by side; rotating the order keeps
    any one of them from always running first (cold caches) or last (a machine that has
    since grown busy).  ``after_repeat``, if given, runs after each full round, e.g. to
    compare what the variants of that round computed.
    """
    for r in range(repeats):
        k = r % len(variants)
        for variant in [*variants[k:], *variants[:k]]:
            variant()
        if after_repeat is not None:
            after_repeat()


def sync(device: str) -> None:
    """Wait for the GPU's queued work, so that a clock stopped next counts it."""
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """torch's CPU thread count set to ``count`` inside, restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def fmt(v: Any, spec: str = ".2f") -> str:
    """``v`` formatted by ``spec``; a dash for a figure that is missing or not finite."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return format(v, spec)
