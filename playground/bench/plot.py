"""Section 3: the cost of one live update of the loss plot as the history grows to 10^7 steps,
and the history's bytes per recorded step."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .common import GOALS, PLOT_SIZES, median

# numpy and Qt are imported inside the functions: see common.py.
if TYPE_CHECKING:
    import numpy as np


def synthetic_losses(n: int, seed: int = 0) -> np.ndarray:
    """A lesson-like curve: 14 decades of decay with a little step-to-step noise."""
    import numpy as np

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n)
    return 3e4 * 10.0 ** (-14.0 * t) * (1.0 + 0.05 * np.abs(rng.standard_normal(n)))


def bench_plot(repeats: int, out: Callable[[str], None],
               sizes: tuple[int, ...] = PLOT_SIZES) -> dict[str, Any]:
    import numpy as np

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["backprop-playground-bench"])
    from ..core.config import TrainConfig
    from ..gui.loss_plot import LossPlot

    plot = LossPlot()
    plot.resize(900, 520)
    plot.show()
    plot.timer.stop()  # redraws happen here, when timed
    app.processEvents()
    rows = []
    try:
        plot.begin_run(TrainConfig())  # warm-up: the first paints build caches
        plot.append(np.arange(1000), synthetic_losses(1000))
        for _ in range(3):
            plot.redraw()
            plot.plot_widget.grab()
        plot.discard_current()
        for n in sizes:
            run = plot.begin_run(TrainConfig())
            losses = synthetic_losses(n + 50 * (repeats + 2))
            chunk = 100_000
            for i in range(0, n, chunk):
                j = min(n, i + chunk)
                plot.append(np.arange(i, j), losses[i:j])
            plot.redraw()
            plot.plot_widget.grab()
            redraw_ms, paint_ms = [], []
            at = n
            for _ in range(repeats):
                plot.append(np.arange(at, at + 50), losses[at : at + 50])  # one live batch
                at += 50
                t0 = time.perf_counter()
                plot.redraw()
                t1 = time.perf_counter()
                plot.plot_widget.grab()
                t2 = time.perf_counter()
                redraw_ms.append((t1 - t0) * 1e3)
                paint_ms.append((t2 - t1) * 1e3)
            x, _ = plot.drawing(run).curve.getOriginalDataset()
            h = run.history
            row = {
                "steps": n,
                "redraw_ms": median(redraw_ms),
                "paint_ms": median(paint_ms),
                "total_ms": median([a + b for a, b in zip(redraw_ms, paint_ms, strict=True)]),
                "points_drawn": int(len(x)),
                "bytes_per_step": h.nbytes() / len(h),
            }
            rows.append(row)
            out(f"  {n:>10,} steps: redraw {row['redraw_ms']:.2f} ms + paint {row['paint_ms']:.2f} ms, "
                f"{row['points_drawn']} points, {row['bytes_per_step']:.2f} B/step")
            plot.discard_current()
            del losses, run, h
    finally:
        plot.close()
        plot.deleteLater()
        app.processEvents()
    big = rows[-1]
    small = rows[0]
    result = {
        "sizes": rows,
        "widget_px": [900, 520],
        "flatness": big["total_ms"] / small["total_ms"] if small["total_ms"] > 0 else float("nan"),
        "goal_ms_at_largest": GOALS["plot_ms_at_1e7"],
        "goal_bytes_per_step": GOALS["bytes_per_step"],
    }
    result["met"] = {
        "ms_at_largest": bool(big["total_ms"] <= GOALS["plot_ms_at_1e7"]),
        "bytes_per_step": bool(max(r["bytes_per_step"] for r in rows if r["steps"] >= 1000)
                               <= GOALS["bytes_per_step"]),
    }
    return result

