"""Time GradientInspector.show_stats on the lesson's sizes (w1 is 1000 x 100).

Run: ``python benchmarks/bench_inspector.py [style ...]``.  Statistics come from
a real training run (``stats_every=1``); the panel is not shown, so this measures
the cost of the call itself (table text, plot data), not Qt's later repaint.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import torch  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from playground.core.config import TrainConfig  # noqa: E402
from playground.core.loop import Trainer  # noqa: E402
from playground.gui.inspector import GradientInspector  # noqa: E402


def bench(style: str, steps: int = 100, repeats: int = 3) -> list[float]:
    cfg = TrainConfig(style=style, device="cpu", steps=steps)
    stats = [s for batch in Trainer(cfg).batches(stats_every=1) for s in batch.stats]
    panel = GradientInspector()
    panel.resize(900, 700)
    times = []
    for _ in range(repeats):
        panel.clear()
        panel.show_stats(stats[0])  # rows and curves are built once per run
        for s in stats[1:]:
            t0 = time.perf_counter()
            panel.show_stats(s)
            times.append(time.perf_counter() - t0)
    panel.deleteLater()
    return times


def main() -> None:
    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication([])
    for style in sys.argv[1:] or ["numpy", "tensors", "sequential", "module"]:
        times = sorted(bench(style))
        median = statistics.median(times) * 1e3
        p90 = times[int(0.9 * len(times))] * 1e3
        print(f"{style:11s} show_stats: median {median:.2f} ms, p90 {p90:.2f} ms ({len(times)} calls)")
    app.processEvents()


if __name__ == "__main__":
    main()
