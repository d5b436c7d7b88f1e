"""Section 6 (only with ``--only inspector``): one call of the gradient inspector's ``show_stats``.

The window feeds the panel a few times a second on the GUI thread, where every
millisecond is taken from training (see ``playground/gui/loss_plot.py``).  Section 1's
c/d says what the open panel costs the run as a whole; this times the call itself
(table text, chart data) on the lesson's sizes, with statistics from a real run.  The
panel is not shown, so Qt's later repaint is not counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from .common import STYLES, median, percentile, torch_threads

#: Steps of the run whose statistics are replayed (one statistics record per step).
INSPECTOR_STEPS = 100


def bench_inspector(repeats: int, out: Callable[[str], None], styles: tuple[str, ...] = STYLES,
                    threads: int | None = None) -> dict[str, Any]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["backprop-playground-bench"])
    from ..core.config import DEFAULT_THREADS, TrainConfig
    from ..core.loop import Trainer
    from ..gui.inspector import GradientInspector

    app_threads = DEFAULT_THREADS if threads is None else threads
    result: dict[str, Any] = {"steps": INSPECTOR_STEPS, "styles": {}}
    for style in styles:
        cfg = TrainConfig(style=style, device="cpu", steps=INSPECTOR_STEPS, threads=app_threads)
        with torch_threads(app_threads):
            stats = [s for batch in Trainer(cfg).batches(stats_every=1) for s in batch.stats]
        panel = GradientInspector()
        panel.resize(900, 700)
        times_ms: list[float] = []
        per_repeat: list[float] = []
        try:
            for _ in range(repeats):
                panel.clear()
                panel.show_stats(stats[0])  # untimed: a run's first call builds the rows and curves
                this_repeat = []
                for s in stats[1:]:
                    t0 = time.perf_counter()
                    panel.show_stats(s)
                    this_repeat.append((time.perf_counter() - t0) * 1e3)
                times_ms.extend(this_repeat)
                per_repeat.append(median(this_repeat))
        finally:
            panel.deleteLater()
            app.processEvents()
        row = {"median_ms": median(times_ms), "p90_ms": percentile(times_ms, 90), "calls": len(times_ms),
               "per_repeat": {"median_ms": per_repeat}}
        result["styles"][style] = row
        out(f"  {style}: show_stats median {row['median_ms']:.2f} ms, p90 {row['p90_ms']:.2f} ms "
            f"({row['calls']} calls)")
    return result
