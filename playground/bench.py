"""``backprop-playground bench``: the playground measured against the loop it teaches.

Every figure is a ratio of runs made side by side in one process (or, for the
start-up, one after another from the same parent), repeated, with the median
reported, so a busy machine slows all sides alike.  Sections:

1. **Throughput** (steps/s) of the seed's default configuration in every style on
   the CPU: (a) a minimal loop written like the seed's scripts, the per-step
   ``print`` replaced by keeping ``loss.item()`` in a list; (b) the headless core,
   :meth:`Trainer.batches` as the window runs it (50 ms batches, gradient
   statistics on); (c) the whole window, offscreen, with the loss plot and the
   gradient inspector updating.  (a) runs with the window's torch thread count
   and, as a reference, with torch's default.  Within a repeat the variants run
   one after another in a rotating order, each for about ``--window`` seconds.
   The losses of (a) and (b) are compared: they must be the same numbers.
2. **Responsiveness**: while (c) trains, a 10 ms timer in the GUI thread records
   how late each tick comes (lag = interval - 10 ms).
3. **Plot scaling**: one live update (a batch of 50 steps appended,
   :meth:`LossPlot.redraw`, then the paint, by ``grab()``) with 10^3 .. 10^7
   steps in the history, and the history's bytes per recorded step.
4. **Cold start**: seconds from spawning ``python`` to the main window's first
   paint (a probe filters the paint events; the loading window's first paint is
   reported too), against ``python -c "import torch"`` and ``python -c pass``.
5. **GPU** (only where CUDA is present): the seed script, which syncs every step
   by printing the loss, against the core, which does not, and the core's
   opt-in fast mode (CUDA graphs) where it applies.  ``--device cuda`` runs this
   section alone and fails with a clear message where there is no CUDA device.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

# numpy, torch and Qt are imported inside the functions: the command line builds its
# parser from add_arguments on every start, and the window's start must not pay for them.
if TYPE_CHECKING:
    import numpy as np

STYLES = ("numpy", "tensors", "sequential", "module")
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


# -- the machine -----------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    import numpy as np
    import torch

    from .core.config import DEFAULT_THREADS
    from .core.threads import cpu_count

    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # pragma: no cover - the window is a dependency
        pyside_version = None
    try:
        import pyqtgraph

        pg_version = pyqtgraph.__version__
    except ImportError:  # pragma: no cover
        pg_version = None
    info: dict[str, Any] = {
        "nproc": cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pyside6": pyside_version,
        "pyqtgraph": pg_version,
        "torch_default_threads": torch.get_num_threads(),
        "gui_threads": DEFAULT_THREADS,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    try:
        info["loadavg_start"] = list(os.getloadavg())
    except OSError:
        pass
    return info


# -- (a) the seed's loops ----------------------------------------------------------
def seed_loop(cfg: Any, steps: int, device: str = "cpu", sink: Any = None) -> tuple[Clock, list[float]]:
    """Train ``cfg`` for ``steps`` as the lesson's script does; return (clock, losses).

    The data and weights are drawn in the lesson's order after
    ``torch.manual_seed``; only the loop is timed.  With ``sink`` the loss is
    printed there every step, as the lesson does (on a GPU that is a sync per
    step); without it, ``loss.item()`` is kept in a list, which costs less.
    Supports the seed's configurations (no activation, sum loss, the style's
    own optimizer); anything else raises ValueError.
    """
    import numpy as np
    import torch

    style = cfg.style
    if (cfg.activation, cfg.loss, cfg.mistake, cfg.dtype) != ("none", "sum", "none", "float32") or (
        cfg.optimizer, cfg.bias
    ) != {"numpy": ("sgd-manual", False), "tensors": ("sgd-manual", False),
          "sequential": ("adam", True), "module": ("adam", False)}[style]:
        raise ValueError("seed_loop runs only the seed lesson's configurations")
    N, D_in, H, D_out, lr = cfg.N, cfg.D_in, cfg.H, cfg.D_out, cfg.lr
    losses: list[float] = []
    keep = losses.append
    torch.manual_seed(cfg.seed)
    if style == "numpy":
        x = torch.randn(N, D_in).numpy()
        y = torch.randn(N, D_out).numpy()
        w1 = torch.randn(D_in, H).numpy()
        w2 = torch.randn(H, D_out).numpy()
        clock = Clock()
        for t in range(steps):
            h = x.dot(w1)
            y_pred = h.dot(w2)
            loss = np.square(y_pred - y).sum()
            if sink is not None:
                print(t, loss, file=sink)
            keep(float(loss))
            grad_y_pred = 2.0 * (y_pred - y)
            grad_w2 = h.T.dot(grad_y_pred)
            grad_h = grad_y_pred.dot(w2.T)
            grad_w1 = x.T.dot(grad_h)
            w1 -= lr * grad_w1
            w2 -= lr * grad_w2
        return clock.stop(), losses
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    if style == "tensors":
        w1 = torch.randn(D_in, H)
        w2 = torch.randn(H, D_out)
        x, y = x.to(device), y.to(device)
        w1 = w1.to(device).requires_grad_()
        w2 = w2.to(device).requires_grad_()
        _sync(device)
        clock = Clock()
        for t in range(steps):
            y_pred = x.mm(w1).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            if sink is not None:
                print(t, loss.item(), file=sink)
            else:
                keep(loss.item())
            loss.backward()
            with torch.no_grad():
                w1 -= lr * w1.grad
                w2 -= lr * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        _sync(device)
        return clock.stop(), losses
    if style == "sequential":
        model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.Linear(H, D_out))
    else:

        class TwoLayerNet(torch.nn.Module):
            def __init__(self, D_in: int, H: int, D_out: int) -> None:
                super().__init__()
                self.linear1 = torch.nn.Linear(D_in, H, bias=False)
                self.linear2 = torch.nn.Linear(H, D_out, bias=False)

            def forward(self, X: torch.Tensor) -> torch.Tensor:
                return self.linear2(self.linear1(X))

        model = TwoLayerNet(D_in, H, D_out)
    model = model.to(device)
    x, y = x.to(device), y.to(device)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    _sync(device)
    clock = Clock()
    for t in range(steps):
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        if sink is not None:
            print(t, loss.item(), file=sink)
        else:
            keep(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    _sync(device)
    return clock.stop(), losses


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


# -- (b) the core as the window runs it -------------------------------------------------
def core_loop(cfg: Any, steps: int, info: dict[str, Any] | None = None,
              **trainer_options: Any) -> tuple[Clock, np.ndarray]:
    """Train with :meth:`Trainer.batches` as the window's worker does; (clock, losses).

    ``info``, if given, receives whether fast mode ran (``fast_reason``, ``fallback``).
    """
    import numpy as np

    from .core.loop import Trainer

    trainer = Trainer(cfg.replace(steps=steps), **trainer_options)
    chunks = []
    _sync(trainer.device)
    clock = Clock()
    for batch in trainer.batches(batch_seconds=0.05):
        chunks.append(batch.losses)
        if batch.error:
            raise RuntimeError(f"the core's run failed: {batch.error}")
    _sync(trainer.device)
    if info is not None:
        info["fast_reason"] = trainer.fast_reason
        info["fallback"] = getattr(trainer.runner, "fallback", None)
    return clock.stop(), np.concatenate(chunks)


# -- (c) the window ---------------------------------------------------------------
class WindowHarness:
    """The real main window, offscreen, driven through its own controls and actions."""

    def __init__(self, config_dir: str) -> None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["BACKPROP_PLAYGROUND_CONFIG_DIR"] = config_dir
        from .gui.app import create_app

        self.app, self.window = create_app(["backprop-playground-bench"], exec_app=False)
        self.window.resize(1280, 780)
        self._settle(0.3)

    def _settle(self, seconds: float) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def run(self, cfg: Any, steps: int, timeout_s: float = 120.0, inspector: bool = True) -> dict[str, Any]:
        """Train ``cfg`` for ``steps`` in the window; steps/s and the GUI timer's lags.

        With ``inspector`` False the gradient inspector is collapsed in its splitter, as a
        user closes it: it still takes the statistics but paints nothing.
        """
        w = self.window
        sizes = w.training_splitter.sizes()
        if not inspector:
            w.training_splitter.setSizes([sum(sizes), 0])
        try:
            return self._run(cfg, steps, timeout_s)
        finally:
            w.training_splitter.setSizes(sizes)

    def _run(self, cfg: Any, steps: int, timeout_s: float) -> dict[str, Any]:
        from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

        w = self.window
        c = w.controller
        w.plot.clear_runs()
        w.controls.set_config(cfg.replace(steps=steps))
        arrivals: list[tuple[float, float, float, int]] = []
        ended: list[Any] = []
        ticks: list[float] = []
        loop = QEventLoop()

        def on_batch(batch: Any) -> None:
            arrivals.append((time.perf_counter(), time.process_time(), time.thread_time(), batch.step))

        def on_end(batch: Any) -> None:
            ended.append(batch)
            loop.quit()

        clock = QElapsedTimer()
        clock.start()
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(10)
        probe.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
        c.batchReady.connect(on_batch)
        c.runEnded.connect(on_end)
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        try:
            probe.start()
            guard.start(int(timeout_s * 1000))
            if not w.start_new():
                raise RuntimeError(f"the window refused the configuration: {w.banner.label.text()}")
            loop.exec()
        finally:
            probe.stop()
            guard.stop()
            c.batchReady.disconnect(on_batch)
            c.runEnded.disconnect(on_end)
        while c.busy:  # let the worker finish before the next measurement
            self._settle(0.01)
        if not ended or ended[-1].reason != "completed":
            why = ended[-1].error or ended[-1].reason if ended else "timed out"
            raise RuntimeError(f"the window's run did not complete: {why}")
        if len(arrivals) < 3:
            raise RuntimeError("the window's run was too short to measure: give it more steps")
        # From the first batch's arrival to the last's: the run's set-up is not counted, as in (a).
        (w0, p0, g0, s0), (w1, p1, g1, s1) = arrivals[0], arrivals[-1]
        lags = [b - a - 10.0 for a, b in zip(ticks, ticks[1:], strict=False)]
        return {"steps_per_s": (s1 - s0) / (w1 - w0), "steps_per_cpu_s": (s1 - s0) / max(p1 - p0, 1e-9),
                "gui_cpu_share": (g1 - g0) / (w1 - w0), "other_cpu_share": ((p1 - p0) - (g1 - g0)) / (w1 - w0),
                "lags_ms": lags, "batches": len(arrivals)}

    def idle_lags(self, seconds: float) -> list[float]:
        """The 10 ms timer's lags with the window shown and idle: what the machine itself adds."""
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        ticks: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        probe = QTimer()
        probe.setTimerType(Qt.TimerType.PreciseTimer)
        probe.setInterval(10)
        probe.timeout.connect(lambda: ticks.append(clock.nsecsElapsed() / 1e6))
        probe.start()
        self._settle(seconds)
        probe.stop()
        return [b - a - 10.0 for a, b in zip(ticks, ticks[1:], strict=False)]

    def close(self) -> None:
        self.window.close()
        self._settle(0.05)


@contextmanager
def _threads(count: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# -- section 1 and 2 ----------------------------------------------------------------
#: Shortest run section 1 times (seconds): six of the window's 50 ms batches.
MIN_WINDOW_S = 0.3


def _bench_style(style: str, harness: WindowHarness, repeats: int, window_s: float, app_threads: int,
                 default_threads: int, out: Callable[[str], None]) -> tuple[dict[str, Any], list[float]]:
    """Section 1 for one style: (a), (b), (c) and (a) with torch's threads, ``repeats`` times."""
    import numpy as np

    from .core.config import TrainConfig

    cfg = TrainConfig(device="cpu", threads=app_threads).with_style(style)
    with _threads(app_threads):
        seed_loop(cfg, 5)  # warm-up: first calls allocate
        n = 10
        while True:  # calibrate: steps that take about window_s
            clock, _ = seed_loop(cfg, n)
            if clock.wall >= 0.25 or n >= 100_000:
                break
            n *= 2
    # The window hands batches over every 50 ms and its figure needs at least 3 of them: a run
    # shorter than MIN_WINDOW_S would leave that to chance on a busy machine.
    steps = int(min(100_000, max(100, n * max(window_s, MIN_WINDOW_S) / clock.wall)))
    names = ("raw", "core", "window", "window_closed", "raw_default")
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    extra: dict[str, list[float]] = {"gui_cpu_share": [], "other_cpu_share": []}
    lags: list[float] = []
    state: dict[str, Any] = {}
    out(f"  {style}: {steps} steps per run, {repeats} repeats")

    def record(name: str, count: int, clock: Clock) -> None:
        wall[name].append(count / clock.wall)
        cpu[name].append(count / max(clock.cpu, 1e-9))

    def run_raw() -> None:
        with _threads(app_threads):
            clock, state["raw_losses"] = seed_loop(cfg, steps)
        record("raw", steps, clock)

    def run_core() -> None:
        with _threads(app_threads):
            clock, state["core_losses"] = core_loop(cfg, steps)
        record("core", len(state["core_losses"]), clock)

    def run_window() -> None:
        r = harness.run(cfg, steps)
        wall["window"].append(r["steps_per_s"])
        cpu["window"].append(r["steps_per_cpu_s"])
        extra["gui_cpu_share"].append(r["gui_cpu_share"])
        extra["other_cpu_share"].append(r["other_cpu_share"])
        lags.extend(r["lags_ms"])

    def run_window_closed() -> None:
        r = harness.run(cfg, steps, inspector=False)
        wall["window_closed"].append(r["steps_per_s"])
        cpu["window_closed"].append(r["steps_per_cpu_s"])

    def run_raw_default() -> None:
        with _threads(default_threads):
            clock, _ = seed_loop(cfg, steps)
        record("raw_default", steps, clock)

    same = True
    variants = [run_raw, run_core, run_window, run_window_closed, run_raw_default]
    for r in range(repeats):
        k = r % len(variants)
        for variant in variants[k:] + variants[:k]:
            variant()
        raw = np.asarray(state["raw_losses"], dtype=np.float64)
        core = np.asarray(state["core_losses"], dtype=np.float64)
        tol = 1e-5 if style == "numpy" else 0.0
        same = same and len(raw) == len(core) and bool(np.allclose(raw, core, rtol=tol, atol=0.0, equal_nan=True))

    def ratios(rows: dict[str, list[float]], name: str) -> list[float]:
        return [b / a for a, b in zip(rows["raw"], rows[name], strict=True)]

    result: dict[str, Any] = {"steps_per_run": steps, "same_losses": same}
    for name in names:
        result[f"{name}_steps_per_s"] = median(wall[name])
        result[f"{name}_steps_per_cpu_s"] = median(cpu[name])
    for name in ("core", "window", "window_closed", "raw_default"):
        result[f"{name}_vs_raw"] = median(ratios(wall, name))
        result[f"{name}_vs_raw_cpu"] = median(ratios(cpu, name))
    # The inspector's cost: the window with it open over the window with it collapsed.
    inspector_ratios = [a / b for a, b in zip(wall["window"], wall["window_closed"], strict=True)]
    result["inspector_open_vs_closed"] = median(inspector_ratios)
    result.update({k: median(v) for k, v in extra.items()})
    result["per_repeat"] = {"steps_per_s": wall, "steps_per_cpu_s": cpu, **extra,
                            "inspector_open_vs_closed": inspector_ratios,
                            **{f"{n}_vs_raw": ratios(wall, n) for n in ("core", "window", "window_closed",
                                                                        "raw_default")}}
    return result, lags


def bench_throughput(repeats: int, window_s: float, out: Callable[[str], None],
                     styles: tuple[str, ...] = STYLES,
                     threads: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    import torch

    from .core.config import DEFAULT_THREADS

    default_threads = torch.get_num_threads()
    app_threads = DEFAULT_THREADS if threads is None else threads
    results: dict[str, Any] = {"app_threads": app_threads, "default_threads": default_threads,
                               "window_s": window_s, "styles": {}}
    lag_all: list[float] = []
    lag_by_style: dict[str, list[float]] = {}
    idle: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bpp-bench-") as config_dir:
        harness = WindowHarness(config_dir)
        try:
            idle.extend(harness.idle_lags(min(3.0, 2 * window_s)))
            for style in styles:
                results["styles"][style], lags = _bench_style(style, harness, repeats, window_s, app_threads,
                                                              default_threads, out)
                lag_by_style[style] = lags
                lag_all.extend(lags)
        finally:
            harness.close()
    ok_core = all(s["core_vs_raw"] >= GOALS["core_vs_raw"] for s in results["styles"].values())
    ok_win = all(s["window_vs_raw"] >= GOALS["window_vs_raw"] for s in results["styles"].values())
    ok_insp = all(s["inspector_open_vs_closed"] >= GOALS["inspector_open_vs_closed"]
                  for s in results["styles"].values())
    results["goals"] = {k: GOALS[k] for k in ("core_vs_raw", "window_vs_raw", "inspector_open_vs_closed")}
    results["met"] = {"core_vs_raw": ok_core, "window_vs_raw": ok_win, "inspector_open_vs_closed": ok_insp}

    def lag_stats(v: list[float]) -> dict[str, float]:
        return {"ticks": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99),
                "max_ms": max(v) if v else float("nan")}

    resp = {"timer_ms": 10, **lag_stats(lag_all), "by_style": {s: lag_stats(v) for s, v in lag_by_style.items()},
            "idle": lag_stats(idle), "goal_p99_ms": GOALS["lag_p99_ms"]}
    resp["met"] = bool(resp["p99_ms"] <= GOALS["lag_p99_ms"])
    return results, resp


# -- section 3 ---------------------------------------------------------------------
def synthetic_losses(n: int, seed: int = 0) -> np.ndarray:
    """A lesson-like curve: 14 decades of decay with a little step-to-step noise."""
    import numpy as np

    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n)
    return 3e4 * 10.0 ** (-14.0 * t) * (1.0 + 0.05 * np.abs(rng.standard_normal(n)))


def bench_plot(repeats: int, out: Callable[[str], None], sizes: tuple[int, ...] = PLOT_SIZES) -> dict[str, Any]:
    import numpy as np

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["backprop-playground-bench"])
    from .core.config import TrainConfig
    from .gui.loss_plot import LossPlot

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
            x, _ = run.curve.getOriginalDataset()
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
        "bytes_per_step": bool(max(r["bytes_per_step"] for r in rows if r["steps"] >= 1000) <= GOALS["bytes_per_step"]),
    }
    return result


# -- section 4 ---------------------------------------------------------------------
_STARTUP_PROBE = r"""
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
seen = {}
class Probe(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj.isWidgetType():
            top = obj.window()
            key = "window" if isinstance(top, QMainWindow) else "loading"
            if key not in seen:
                seen[key] = time.time()
                if key == "window":
                    QTimer.singleShot(0, lambda: (print(json.dumps(seen), flush=True), os._exit(0)))
        return False
app = QApplication(sys.argv[:1])
probe = Probe()
app.installEventFilter(probe)
from playground.cli import main
sys.exit(main([]))
"""


def _spawn(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.time()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return t0, proc


def bench_startup(repeats: int, out: Callable[[str], None]) -> dict[str, Any]:
    py = sys.executable
    rows: dict[str, list[float]] = {"python_bare_s": [], "import_torch_s": [], "loading_shown_s": [],
                                    "window_shown_s": [], "app_run_and_quit_s": []}
    exit_codes: list[int] = []
    stderr_tails: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bpp-bench-start-") as config_dir:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_CONFIG_DIR=config_dir)
        env.pop("BACKPROP_PLAYGROUND_QUIT_AFTER", None)
        quit_env = dict(env, BACKPROP_PLAYGROUND_QUIT_AFTER="0")

        def bare() -> None:
            t0, p = _spawn([py, "-c", "pass"], env, 60)
            rows["python_bare_s"].append(time.time() - t0)

        def torch_import() -> None:
            t0, p = _spawn([py, "-c", "import torch"], env, 120)
            rows["import_torch_s"].append(time.time() - t0)

        def probe() -> None:
            t0, p = _spawn([py, "-c", _STARTUP_PROBE], env, 120)
            try:
                seen = json.loads(p.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                raise RuntimeError(f"the start-up probe failed: {p.stderr[-500:]}") from None
            rows["window_shown_s"].append(seen["window"] - t0)
            if "loading" in seen:
                rows["loading_shown_s"].append(seen["loading"] - t0)

        def run_and_quit() -> None:
            t0, p = _spawn([py, "-m", "playground"], quit_env, 120)
            rows["app_run_and_quit_s"].append(time.time() - t0)
            exit_codes.append(p.returncode)
            if p.stderr.strip():
                stderr_tails.append(p.stderr.strip()[-300:])

        variants = [bare, torch_import, probe, run_and_quit]
        for r in range(repeats):
            k = r % len(variants)
            for variant in variants[k:] + variants[:k]:
                variant()
    result: dict[str, Any] = {k: median(v) for k, v in rows.items()}
    result["per_repeat"] = rows
    result["window_vs_import_torch"] = result["window_shown_s"] / result["import_torch_s"]
    if rows["loading_shown_s"]:
        result["loading_vs_import_torch"] = result["loading_shown_s"] / result["import_torch_s"]
    result["app_exit_codes"] = exit_codes
    result["app_stderr"] = stderr_tails
    result["goal"] = "main window shown before `import torch` would have finished"
    result["met"] = bool(result["window_shown_s"] <= result["import_torch_s"])
    out(f"  python -c pass {result['python_bare_s']:.2f} s, import torch {result['import_torch_s']:.2f} s, "
        f"window shown {result['window_shown_s']:.2f} s")
    return result


# -- section 5 ---------------------------------------------------------------------
def gpu_cases() -> list[tuple[str, Any]]:
    """The GPU section's configurations: the seed's, per torch style, and one large enough to be compute-bound."""
    from .core.config import TrainConfig

    cases = [(style, TrainConfig(device="cuda").with_style(style)) for style in ("tensors", "sequential", "module")]
    # Wider layers want a smaller lr for the same sum-of-squares loss (about 1 / (N * D_in * H)).
    cases.append(("tensors-large", TrainConfig(device="cuda", N=4096, D_in=1024, H=1024, D_out=128, lr=2e-10)))
    return cases


def _bench_gpu_case(cfg: Any, repeats: int, window_s: float, fast_reason: str | None) -> dict[str, Any]:
    """One configuration of section 5 on ``cfg.device`` (cuda; the tests run it on the CPU)."""
    device = cfg.resolved_device()
    sink = io.StringIO()
    seed_loop(cfg, 5, device=device, sink=sink)  # warm-up: CUDA context, cuBLAS handles
    clock, _ = core_loop(cfg, 50)
    steps = int(min(200_000, max(100, window_s / max(clock.wall / 50, 1e-7))))
    rows: dict[str, list[float]] = {"seed": [], "core": [], "fast": []}
    fast_info: dict[str, Any] = {}

    def seed() -> None:
        sink.seek(0)
        sink.truncate()
        clock, _ = seed_loop(cfg, steps, device=device, sink=sink)
        rows["seed"].append(steps / clock.wall)

    def core() -> None:
        clock, losses = core_loop(cfg, steps)
        rows["core"].append(len(losses) / clock.wall)

    def fast() -> None:
        if fast_reason is None:
            clock, losses = core_loop(cfg, steps, info=fast_info, fast=True)
            rows["fast"].append(len(losses) / clock.wall)

    variants = [seed, core, fast]
    for r in range(repeats):
        k = r % len(variants)
        for variant in variants[k:] + variants[:k]:
            variant()
    row: dict[str, Any] = {"steps_per_run": steps, **{f"{k}_steps_per_s": median(v) for k, v in rows.items()}}
    row["core_vs_seed"] = median([c / s for s, c in zip(rows["seed"], rows["core"], strict=True)])
    row["fast_mode"] = fast_reason or fast_info.get("fast_reason") or fast_info.get("fallback") or "on"
    if rows["fast"]:
        row["fast_vs_core"] = median([f / c for c, f in zip(rows["core"], rows["fast"], strict=True)])
        row["fast_vs_seed"] = median([f / s for s, f in zip(rows["seed"], rows["fast"], strict=True)])
    row["per_repeat"] = rows
    return row


def bench_gpu(repeats: int, window_s: float, out: Callable[[str], None]) -> dict[str, Any]:
    """Seed script (a sync per step) vs the core (none) vs fast mode, on CUDA."""
    import torch

    if not torch.cuda.is_available():
        raise NoCuda("no CUDA device: torch.cuda.is_available() is False on this machine "
                     f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'no'})")
    try:
        from .core.fastmode import fast_mode_support
    except ImportError:  # fast mode is optional
        def fast_mode_support(cfg: Any) -> str | None:
            return "fast mode is not available in this build"
    result: dict[str, Any] = {"device": torch.cuda.get_device_name(0), "configs": {}}
    for name, cfg in gpu_cases():
        row = _bench_gpu_case(cfg, repeats, window_s, fast_mode_support(cfg))
        result["configs"][name] = row
        out(f"  {name}: seed {row['seed_steps_per_s']:,.0f}, core {row['core_steps_per_s']:,.0f}, "
            f"fast {_fmt(row['fast_steps_per_s'], ',.0f')} steps/s")
    result["goal"] = "core steps/s >= the seed script's (which syncs every step by printing the loss)"
    result["met"] = all(r["core_vs_seed"] >= 1.0 for r in result["configs"].values())
    return result


# -- the table ---------------------------------------------------------------------
def _fmt(v: Any, spec: str = ".2f") -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return format(v, spec)


def table(result: dict[str, Any]) -> str:
    lines: list[str] = []
    m = result.get("machine", {})
    lines.append(f"Machine: {m.get('nproc')} CPUs ({m.get('cpu_model')}), torch {m.get('torch')}, "
                 f"PySide6 {m.get('pyside6')}, pyqtgraph {m.get('pyqtgraph')}; torch threads: "
                 f"window {m.get('gui_threads')}, default {m.get('torch_default_threads')}; "
                 f"load average {', '.join(f'{x:.1f}' for x in m.get('loadavg_start', []))} at start")
    tp = result.get("throughput")
    if tp:
        lines.append("")
        lines.append(f"1. Throughput, seed default config, CPU: steps/s (median of {result['settings']['repeats']} "
                     "runs each); ratios: medians of per-repeat ratios, wall clock [per process CPU second]")
        lines.append(f"   {'style':<11}{'(a) raw':>8}{'(b) core':>9}{'(c) window':>11}{'b/a':>13}{'c/a':>13}"
                     f"{'c/d':>6}{'GUI thread':>11}{'(a), ' + str(tp['default_threads']) + ' threads':>15}"
                     "  same losses")
        for style, s in tp["styles"].items():
            lines.append(
                f"   {style:<11}{_fmt(s['raw_steps_per_s'], ',.0f'):>8}{_fmt(s['core_steps_per_s'], ',.0f'):>9}"
                f"{_fmt(s['window_steps_per_s'], ',.0f'):>11}"
                f"{_fmt(s['core_vs_raw']) + ' [' + _fmt(s['core_vs_raw_cpu']) + ']':>13}"
                f"{_fmt(s['window_vs_raw']) + ' [' + _fmt(s['window_vs_raw_cpu']) + ']':>13}"
                f"{_fmt(s.get('inspector_open_vs_closed')):>6}"
                f"{_fmt(100 * s['gui_cpu_share'], '.0f') + '% CPU':>11}"
                f"{_fmt(s['raw_default_steps_per_s'], ',.0f'):>15}  {'yes' if s['same_losses'] else 'NO'}")
        lines.append(f"   goals (wall clock): b/a >= {GOALS['core_vs_raw']} "
                     f"({'met' if tp['met']['core_vs_raw'] else 'missed'}), c/a >= {GOALS['window_vs_raw']} "
                     f"({'met' if tp['met']['window_vs_raw'] else 'missed'}), c/d >= "
                     f"{GOALS['inspector_open_vs_closed']} "
                     f"({'met' if tp['met'].get('inspector_open_vs_closed') else 'missed'}), where (d) is the "
                     f"window with the gradient inspector collapsed; all train with "
                     f"{tp['app_threads']} torch thread(s), as the window does")
    rs = result.get("responsiveness")
    if rs:
        lines.append("")
        lines.append(f"2. GUI responsiveness while the window trains: lag of a 10 ms timer over {rs['ticks']} ticks: "
                     f"p50 {_fmt(rs['p50_ms'], '.1f')} ms, p99 {_fmt(rs['p99_ms'], '.1f')} ms, "
                     f"max {_fmt(rs['max_ms'], '.1f')} ms (goal p99 <= {GOALS['lag_p99_ms']:.0f} ms: "
                     f"{'met' if rs['met'] else 'missed'})")
        for style, s in [*rs["by_style"].items(), ("(idle)", rs.get("idle"))]:
            if s:
                lines.append(f"   {style:<11} p50 {_fmt(s['p50_ms'], '.1f')} ms, p99 {_fmt(s['p99_ms'], '.1f')} ms, "
                             f"max {_fmt(s['max_ms'], '.1f')} ms")
    pl = result.get("plot")
    if pl:
        lines.append("")
        lines.append(f"3. Plot: one live update (append 50 steps, redraw, paint) at {pl['widget_px'][0]}x"
                     f"{pl['widget_px'][1]} px, median")
        lines.append(f"   {'steps':>12}{'redraw ms':>11}{'paint ms':>10}{'total ms':>10}{'points':>8}{'B/step':>8}")
        for r in pl["sizes"]:
            lines.append(f"   {r['steps']:>12,}{_fmt(r['redraw_ms']):>11}{_fmt(r['paint_ms']):>10}"
                         f"{_fmt(r['total_ms']):>10}{r['points_drawn']:>8}{_fmt(r['bytes_per_step']):>8}")
        lines.append(f"   largest/smallest: {_fmt(pl['flatness'])}x; goals: <= {GOALS['plot_ms_at_1e7']:.0f} ms at the "
                     f"largest ({'met' if pl['met']['ms_at_largest'] else 'missed'}), <= "
                     f"{GOALS['bytes_per_step']:.0f} B/step ({'met' if pl['met']['bytes_per_step'] else 'missed'})")
    st = result.get("startup")
    if st:
        lines.append("")
        lines.append(f"4. Cold start (s, median): python -c pass {_fmt(st['python_bare_s'])}, "
                     f"python -c 'import torch' {_fmt(st['import_torch_s'])}, loading window painted "
                     f"{_fmt(st.get('loading_shown_s'))}, main window painted {_fmt(st['window_shown_s'])} "
                     f"(x{_fmt(st['window_vs_import_torch'])} of import torch), run and quit "
                     f"{_fmt(st['app_run_and_quit_s'])} (exit codes {sorted(set(st['app_exit_codes']))}); "
                     f"goal: main window before torch is imported: {'met' if st['met'] else 'missed'}")
    gpu = result.get("gpu")
    if gpu:
        lines.append("")
        if "skipped" in gpu:
            lines.append(f"5. GPU: skipped ({gpu['skipped']})")
        else:
            lines.append(f"5. GPU ({gpu['device']}), steps/s, median")
            lines.append(f"   {'config':<15}{'seed script':>12}{'core':>10}{'fast':>10}{'core/seed':>11}{'fast/core':>11}")
            for name, r in gpu["configs"].items():
                lines.append(f"   {name:<15}{_fmt(r.get('seed_steps_per_s'), ',.0f'):>12}"
                             f"{_fmt(r.get('core_steps_per_s'), ',.0f'):>10}{_fmt(r.get('fast_steps_per_s'), ',.0f'):>10}"
                             f"{_fmt(r.get('core_vs_seed')):>11}{_fmt(r.get('fast_vs_core')):>11}"
                             + (f"  (fast mode: {r['fast_mode']})" if r.get("fast_mode") != "on" else ""))
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------
SECTIONS = ("throughput", "plot", "startup", "gpu")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (default): sections 1-4, and 5 if CUDA is present; cuda: the GPU section alone")
    p.add_argument("--json", metavar="FILE", help="write every figure, per repeat too, to FILE")
    p.add_argument("--threads", type=int, default=None,
                   help="torch CPU threads of the runs measured, as the configuration's threads field "
                   "(default 1, as the window and train use)")
    p.add_argument("--repeats", type=int, default=None, help="repeats per figure (default 5, --quick 2)")
    p.add_argument("--quick", action="store_true", help="shorter runs and fewer repeats (about a minute)")
    p.add_argument("--window", type=float, default=None, metavar="S",
                   help="seconds per timed run in sections 1 and 5 (default 1.0, --quick 0.4)")
    p.add_argument("--only", choices=SECTIONS, action="append",
                   help="run only this section (repeatable); 'throughput' includes responsiveness")


def run(args: argparse.Namespace) -> int:
    repeats = args.repeats if args.repeats is not None else (2 if args.quick else 5)
    if repeats < 1:
        print("error: --repeats must be at least 1", file=sys.stderr)
        return 2
    from .core.config import max_threads

    if args.threads is not None and not 1 <= args.threads <= max_threads():
        print(f"error: --threads must be from 1 to {max_threads()}, got {args.threads}", file=sys.stderr)
        return 2
    window_s = args.window if args.window is not None else (0.4 if args.quick else 1.0)
    sections = set(args.only or (("gpu",) if args.device == "cuda" else SECTIONS))

    def out(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        print(f"bench: no CUDA device on this machine (torch {torch.__version__}, "
              f"CUDA build: {torch.version.cuda or 'no'}); nothing to measure with --device cuda", file=sys.stderr)
        return EXIT_ERROR
    result: dict[str, Any] = {"machine": machine_info(),
                              "settings": {"repeats": repeats, "quick": bool(args.quick), "window_s": window_s,
                                           "device": args.device, "sections": sorted(sections)}}
    t_start = time.perf_counter()
    try:
        if "throughput" in sections:
            out("1-2. throughput and responsiveness")
            result["throughput"], result["responsiveness"] = bench_throughput(repeats, window_s, out, threads=args.threads)
        if "plot" in sections:
            out("3. plot scaling")
            result["plot"] = bench_plot(max(5, 3 * repeats), out)
        if "startup" in sections:
            out("4. cold start")
            result["startup"] = bench_startup(repeats, out)
        if "gpu" in sections:
            if torch.cuda.is_available():
                out("5. GPU")
                result["gpu"] = bench_gpu(repeats, window_s, out)
            else:
                result["gpu"] = {"skipped": "no CUDA device"}
    except NoCuda as exc:  # pragma: no cover - checked above
        print(f"bench: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        result["machine"]["loadavg_end"] = list(os.getloadavg())
    except OSError:
        pass
    result["seconds"] = time.perf_counter() - t_start
    text = table(result)
    print(text)
    result["table"] = text
    if args.json:
        try:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(result, fh, indent=1, default=float)
                fh.write("\n")
        except OSError as exc:
            print(f"error: cannot write --json {args.json}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-playground bench", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
